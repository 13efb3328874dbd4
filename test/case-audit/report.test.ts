/**
 * The report of the audit of real cases: built and validated with its schema, counted per school,
 * rendered as CSV for Norwegian Excel and as HTML for people, and pseudonymised for the county
 * governor (no names, no pupil or case ids as the school knows them, no free text).
 */
import { auditCase, pseudonym } from '../../case-audit/audit-case';
import { caseAuditQuery } from '../../case-audit/case-histories';
import { FINDINGS_CSV_HEADER, renderFindingsCsv } from '../../case-audit/render-csv';
import { escapeHtml, renderCaseAuditHtml } from '../../case-audit/render-html';
import { type AuditedCase, buildCaseAuditReport, caseAuditReportSchema, median } from '../../case-audit/report';
import type { CaseRun } from '../../case-audit/history-run';
import { historyFiles, historyOf, readRun, recordedWorkflowId } from './history-fixtures';

const NOW = Date.parse('2027-06-01T00:00:00Z');
const KEY = Buffer.alloc(32, 3);
const options = {
  generatedAt: new Date(NOW),
  auditedAt: new Date(NOW),
  scope: { schoolId: null, from: null, to: null },
  pseudonymised: false,
  timings: { fetchMs: 1, replayMs: 2, totalMs: 3 },
};

let runs: { id: string; run: CaseRun }[];
beforeAll(async () => {
  runs = await Promise.all(
    historyFiles
      .filter((f) => !f.includes('after-continue-as-new'))
      .map(async (f) => {
        const run = await readRun(historyOf(f));
        return { id: recordedWorkflowId(run), run };
      }),
  );
});

const audited = (pseudonymise: boolean, pupilName?: string): AuditedCase[] =>
  runs.map(({ id, run }) =>
    auditCase(id, [run], NOW, { pseudonymise, pseudonymKey: KEY, ...(pupilName ? { pupilName: () => pupilName } : {}) }),
  );

test('the report counts cases, conforming cases, findings per rule and per school, and validates against its schema', () => {
  const cases = audited(false);
  const report = buildCaseAuditReport(cases, options);
  expect(caseAuditReportSchema.parse(report)).toEqual(report);
  expect(report.summary.cases).toBe(cases.length);
  expect(report.summary.conforming).toBe(cases.length);
  const findings = cases.flatMap((c) => c.findings);
  expect(report.summary.findings).toBe(findings.length);
  expect(Object.values(report.summary.findingsByRule).reduce((a, b) => a + b, 0)).toBe(findings.length);
  expect(report.schools.reduce((n, s) => n + s.cases, 0)).toBe(cases.length);
  const school1 = report.schools.find((s) => s.schoolId === 'school1')!;
  const contacts = cases.filter((c) => c.schoolId === 'school1' && c.daysToFirstContact !== null).map((c) => c.daysToFirstContact!);
  expect(school1.medianDaysToFirstContact).toBe(median(contacts));
});

test('the median of an even count is the mean of the middle two; of none, null', () => {
  expect(median([5, 1, 3, 9])).toBe(4);
  expect(median([2])).toBe(2);
  expect(median([])).toBeNull();
});

test('a report that breaks its schema is not built', () => {
  const [first] = audited(false);
  expect(() => buildCaseAuditReport([{ ...first!, openedAt: 'i går' }], options)).toThrow();
});

test('the CSV: BOM, `;`, Norwegian headers, one row per finding, dates as dd.MM.yyyy, no cell that becomes a formula', () => {
  const [first] = audited(false);
  const withFormula: AuditedCase = {
    ...first!,
    findings: [{ ...first!.findings[0]!, message: '=HYPERLINK("x");farlig' }],
  };
  const report = buildCaseAuditReport([withFormula, ...audited(false).slice(1)], options);
  const csv = renderFindingsCsv(report);
  expect(csv.startsWith('\ufeffSkole;Sak;')).toBe(true);
  const lines = csv.slice(1).trimEnd().split('\r\n');
  expect(lines[0]).toBe(FINDINGS_CSV_HEADER.join(';'));
  expect(lines).toHaveLength(1 + report.summary.findings);
  expect(csv).toContain(`"'=HYPERLINK(""x"");farlig"`);
  expect(lines[1]).toMatch(/;\d{2}\.\d{2}\.\d{4};/);
});

test('the HTML page is Norwegian, escapes what it shows, and lists only cases with findings', () => {
  const cases = audited(false, '<b>Kari</b> Nordmann');
  const report = buildCaseAuditReport(cases, options);
  const html = renderCaseAuditHtml(report);
  expect(html).toContain('<html lang="nb">');
  expect(html).toContain('Revisjon av fraværssaker');
  expect(html).toContain(escapeHtml('<b>Kari</b> Nordmann'));
  expect(html).not.toContain('<b>Kari</b>');
  expect(html).not.toContain('<script');
  const sections = [...html.matchAll(/<section class="sak" id="([^"]+)">/g)].map((m) => m[1]);
  expect(sections.sort()).toEqual(
    cases
      .filter((c) => c.findings.length > 0)
      .map((c) => c.caseRef)
      .sort(),
  );
});

test('pseudonymised: no names, no pupil or case ids as the school knows them, no notes or document references, in any of the three', () => {
  const plain = audited(false, 'Kari Nordmann');
  const report = buildCaseAuditReport(audited(true, 'Kari Nordmann'), { ...options, pseudonymised: true });
  const outputs = [JSON.stringify(report), renderCaseAuditHtml(report), renderFindingsCsv(report)];
  for (const c of plain) {
    for (const text of outputs) {
      expect(text).not.toContain('Kari Nordmann');
      expect(text).not.toContain(c.pupilId);
      expect(text).not.toContain(c.caseId);
      if (c.closing?.note) expect(text).not.toContain(c.closing.note);
      for (const d of c.documents) if (d.ref) expect(text).not.toContain(`"ref":"${d.ref}"`);
    }
  }
  expect(report.namesIncluded).toBe(false);
  expect(report.cases[0]!.pupilId).toMatch(/^elev-[0-9a-f]{16}$/);
  // Stable under the same key (the governor can follow a case across reports), different under another.
  expect(pseudonym(KEY, 'elev', 's1', 'p1')).toBe(pseudonym(KEY, 'elev', 's1', 'p1'));
  expect(pseudonym(Buffer.alloc(32, 4), 'elev', 's1', 'p1')).not.toBe(pseudonym(KEY, 'elev', 's1', 'p1'));
});

test('the visibility query narrows to the school and the period of opening, both days included', () => {
  const query = caseAuditQuery({ schoolId: "s'1", from: '2026-09-01', to: '2026-09-30' }, new Date(NOW));
  expect(query).toBe(
    "WorkflowType = 'caseWorkflow' AND SchoolId = 's\\'1' AND CaseOpenedAt >= '2026-09-01T00:00:00.000Z' AND CaseOpenedAt < '2026-10-01T00:00:00.000Z'",
  );
  expect(caseAuditQuery({}, new Date(NOW))).toBe("WorkflowType = 'caseWorkflow'");
});
