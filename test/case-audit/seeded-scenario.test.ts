/**
 * The Done-when: on the time-skipping server, cases of all four procedures are opened
 * through the case client with detection-like facts and taken along their routes by the roles
 * that may take each step, on time except a late first contact, a late evaluation meeting and one
 * case changed by hand (started with a state no run handed over). The audit of real cases finds
 * exactly those findings (rule, case, days late), nothing more, in the JSON, the HTML and the CSV.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaseClient } from '../../app/case-client';
import { runCaseAudit } from '../../case-audit/run-case-audit';
import { type SeededScenario, runSeededScenario } from '../../case-audit/seeded-scenario';
import { caseAuditReportSchema, type CaseAuditReport } from '../../case-audit/report';
import { testCaseIds } from '../helpers/case-ids';
import { useCaseTestEnv, withCaseWorker } from '../helpers/case-env';

const t = useCaseTestEnv();
let scenario: SeededScenario;
let report: CaseAuditReport;
let exitCode: number;
let outDir: string;
let timings: { perCaseFetchMs: number; perCaseReplayMs: number };

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'case-audit-'));
  await withCaseWorker(t, async () => {
    const cases = new CaseClient(t.env.client, t.taskQueue, testCaseIds);
    scenario = await runSeededScenario({ cases, now: () => t.env.currentTimeMs(), sleep: (ms) => t.env.sleep(ms) });
    const outcome = await runCaseAudit({
      temporal: { client: t.env.client },
      // The time-skipping server has no visibility to list cases in: the scenario names them.
      cases: scenario.cases.map((c) => ({ workflowId: c.workflowId })),
      schoolId: scenario.schoolId,
      from: new Date(scenario.openedAtMs).toISOString().slice(0, 10),
      outDir,
      now: new Date(await t.env.currentTimeMs()),
    });
    report = outcome.report;
    exitCode = outcome.exitCode;
    const n = Math.max(1, report.summary.cases);
    timings = { perCaseFetchMs: report.summary.timings.fetchMs / n, perCaseReplayMs: report.summary.timings.replayMs / n };
  });
}, 240_000);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

const key = (f: { rule: string; workflowId?: string; caseRef?: string; daysLate?: number | undefined }) =>
  `${f.rule} ${f.workflowId ?? f.caseRef} ${f.daysLate ?? '-'}`;

test('every case of the scenario is audited, of all four procedures', () => {
  expect(report.cases.map((c) => c.caseRef).sort()).toEqual(scenario.cases.map((c) => c.workflowId).sort());
  expect(new Set(report.cases.map((c) => c.procedure.id))).toEqual(
    new Set(['tiltaksplan-elevfravaer', 'raelingen-veileder', 'plan-for-skolenaervaer', 'hardanger-handlingsplan']),
  );
  console.log(`Per sak: henting ${timings.perCaseFetchMs.toFixed(1)} ms, avspilling ${timings.perCaseReplayMs.toFixed(1)} ms`);
});

test('the JSON report has exactly the seeded findings (rule, case, days late), nothing more', () => {
  const found = report.cases
    .flatMap((c) => c.findings)
    .map(key)
    .sort();
  expect(found).toEqual(scenario.expected.map(key).sort());
  expect(exitCode).toBe(9);
  // Every finding cites clauses of its procedure and says what happened in Norwegian.
  for (const f of report.cases.flatMap((c) => c.findings)) {
    expect(f.clauses.length).toBeGreaterThan(0);
    expect(f.message).toMatch(/[æøå]|Frist|Saken|Første/);
  }
});

test("the school's summary: its cases, the one not conforming, the findings per rule and the median days to first contact", () => {
  // Days from the first absence to the first contact: 4 and 7 (tiltaksplan on time and late), 15
  // (Rælingen), 16 (plan for skolenærvær), 2 (Hardanger), 4 (the forged case): median (4 + 7) / 2.
  expect(report.schools).toEqual([
    {
      schoolId: scenario.schoolId,
      cases: 6,
      conforming: 5,
      withoutFindings: 3,
      findings: 4,
      findingsByRule: { conformance: 1, 'deadline-missed': 2, 'first-contact-late': 1 },
      medianDaysToFirstContact: 5.5,
    },
  ]);
});

test('only the case changed by hand fails conformance; every other history is one its procedure could produce', () => {
  const forged = scenario.expected.find((f) => f.rule === 'conformance')!.workflowId;
  expect(report.cases.filter((c) => !c.conforming).map((c) => c.caseRef)).toEqual([forged]);
  expect(report.summary.conforming).toBe(report.summary.cases - 1);
});

test('the written cases.json is the report, valid against its schema', () => {
  const written = caseAuditReportSchema.parse(JSON.parse(readFileSync(join(outDir, 'cases.json'), 'utf8')));
  expect(
    written.cases
      .flatMap((c) => c.findings)
      .map(key)
      .sort(),
  ).toEqual(scenario.expected.map(key).sort());
});

test('the CSV has one row per seeded finding, with its case, rule and days late', () => {
  const csv = readFileSync(join(outDir, 'findings.csv'), 'utf8');
  expect(csv.startsWith('\ufeff')).toBe(true);
  const [header, ...rows] = csv.slice(1).trimEnd().split('\r\n');
  const columns = header!.split(';');
  const at = (name: string) => columns.indexOf(name);
  const found = rows.map((row) => {
    const cells = row.split(';');
    return `${cells[at('Regel')]} ${cells[at('Sak')]} ${cells[at('Dager for sent')] || '-'}`;
  });
  expect(found.sort()).toEqual(scenario.expected.map(key).sort());
});

test('the HTML page shows each seeded finding under its case, and no case without findings', () => {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  expect(html).toContain('<html lang="nb">');
  const sections = [...html.matchAll(/<section class="sak" id="([^"]+)">([\s\S]*?)<\/section>/g)];
  const withFindings = new Set(scenario.expected.map((f) => f.workflowId));
  expect(sections.map((s) => s[1]).sort()).toEqual([...withFindings].sort());
  for (const f of scenario.expected) {
    const section = sections.find((s) => s[1] === f.workflowId)![2]!;
    expect(section).toContain(`<code>${f.rule}</code>`);
    if (f.daysLate !== undefined) expect(section).toMatch(new RegExp(`<td>${f.daysLate}</td><td>`));
  }
});
