/**
 * Reading the audit report for «Revisjon» (web/audit-summary.ts): the real report's shape is
 * read, a missing file is "missing", and a report of another schema version or a broken file is
 * "unreadable" with the reason, never half-shown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAuditSummary } from '../../../web/audit-summary';
import { auditReportFixture } from './audit-fixture';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-summary-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a report is summarised: date, verdict, and per procedure paths, coverage, conformance and mutants', async () => {
  const file = join(dir, 'audit.json');
  writeFileSync(file, JSON.stringify(auditReportFixture()));
  const reading = await readAuditSummary(file);
  if (reading.kind !== 'found') throw new Error(JSON.stringify(reading));
  expect(reading.summary.generatedAt.toISOString()).toBe('2026-11-30T12:00:00.000Z');
  expect(reading.summary.passed).toBe(false);
  const [p] = reading.summary.procedures;
  expect(p).toMatchObject({
    id: 'tiltaksplan-elevfravaer',
    paths: 3,
    states: { covered: 9, total: 10, percent: 90 },
    conformancePassed: 2,
    mutations: { ran: true, total: 6, killed: 4, equivalent: 1 },
    passed: false,
  });
});

test('no file is "missing"; broken JSON and another schema version are "unreadable" with the reason', async () => {
  expect(await readAuditSummary(join(dir, 'finnes-ikke.json'))).toEqual({ kind: 'missing', path: join(dir, 'finnes-ikke.json') });
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"schemaVersion": 2,');
  expect(await readAuditSummary(broken)).toMatchObject({ kind: 'unreadable', reason: expect.stringContaining('ikke gyldig JSON') });
  const old = join(dir, 'old.json');
  writeFileSync(old, JSON.stringify({ ...auditReportFixture(), schemaVersion: 1 }));
  expect(await readAuditSummary(old)).toMatchObject({ kind: 'unreadable', reason: expect.stringContaining('skjemaversjon «1»') });
  const missingField = join(dir, 'missing-field.json');
  const { summary: _summary, ...rest } = auditReportFixture();
  writeFileSync(missingField, JSON.stringify(rest));
  expect(await readAuditSummary(missingField)).toMatchObject({ kind: 'unreadable', reason: expect.stringContaining('«summary»') });
});
