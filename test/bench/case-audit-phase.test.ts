/**
 * The bench's `case-audit` phase at a tiny size, in its own child process as `npm run bench`
 * starts it: real cases of every procedure run on a dev server with the real worker, then the
 * audit of real cases reads them all back and finds each conforming; the figure compares its
 * time with the target scaled to the cases audited.
 */
import { CASE_AUDIT_TARGET, type CaseAuditBenchResult, caseAuditFigures, caseAuditReport } from '../../bench/case-audit-phase';
import { runChild } from '../../bench/run-child';

jest.setTimeout(240_000);

test('every case opened is audited and conforms; the figure is held against the scaled target', async () => {
  const result = await runChild<CaseAuditBenchResult>({ role: 'case-audit', options: { cases: 24, concurrency: 8 } });
  expect(result).toMatchObject({ opened: 24, audited: 24, conforming: 24 });
  expect(result.auditSeconds).toBeGreaterThan(0);
  expect(result.fetchSeconds + result.replaySeconds).toBeLessThanOrEqual(result.auditSeconds + 0.5);

  const [whole, perCase] = caseAuditFigures(result);
  const scaled = (CASE_AUDIT_TARGET.seconds * 24) / CASE_AUDIT_TARGET.cases;
  expect(whole).toMatchObject({ group: 'case audit', unit: 's', value: result.auditSeconds, baseline: { value: scaled } });
  expect(whole!.target).toEqual({ kind: 'value-at-most', limit: scaled });
  expect(whole!.met).toBe(result.auditSeconds <= scaled);
  expect(perCase!.value).toBeCloseTo((result.auditSeconds * 1000) / 24, 5);
  expect(caseAuditReport(result)).toContain('24 cases that ran');
});
