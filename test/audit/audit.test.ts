/**
 * `npm run audit` end to end for one procedure (C), with conformance on the time-skipping server
 * and the mutation check: the JSON and HTML reports are written, the JSON validates, every path
 * replays cleanly, coverage is complete, every mutant is caught, and progress is printed in
 * Norwegian. The whole audit of all four procedures takes under two minutes on a 2-core machine,
 * more than every test run should spend, so it runs as `npm run audit`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditRun, parseAuditArgs, runAudit, summaryLines, UsageError } from '../../audit/main';
import { auditReportSchema } from '../../audit/report';

const ID = 'tiltaksplan-elevfravaer';
let outDir: string;
let run: AuditRun;
const lines: string[] = [];

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'audit-report-'));
  run = await runAudit({ procedure: ID, outDir, log: (line) => lines.push(line), progressEvery: 10 });
}, 240_000);
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

test('the audit of procedure C writes a valid JSON report and a self-contained HTML report', () => {
  const json: unknown = JSON.parse(readFileSync(join(outDir, 'audit.json'), 'utf8'));
  const report = auditReportSchema.parse(json);
  expect(report.options.procedures).toEqual([ID]);
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  expect(html).toContain('<svg');
  for (const path of report.procedures[0]!.paths) expect(html).toContain(`id="${path.id}"`);
  expect(run.jsonPath).toBe(join(outDir, 'audit.json'));
  expect(run.htmlPath).toBe(join(outDir, 'index.html'));
});

test('every path of procedure C replays cleanly, coverage is complete and every mutant is caught', () => {
  const [c] = run.report.procedures;
  expect(c!.paths.filter((p) => !p.conformance?.passed).map((p) => `${p.id}: ${p.conformance?.message}`)).toEqual([]);
  expect(c!.coverage.states.percent).toBe(100);
  expect(c!.coverage.transitions.percent).toBe(100);
  expect(c!.deadlineCoverage.every((d) => d.passed)).toBe(true);
  expect(c!.mutations.ran).toBe(true);
  expect(c!.mutations.total).toBeGreaterThan(0);
  expect(c!.mutations.outcomes.filter((m) => m.verdict === 'survived').map((m) => m.description)).toEqual([]);
  // Every mutant is decided on the model's graph or by the invariants; equivalent ones say why.
  expect(c!.mutations.byOperator.at(-1)).toMatchObject({ operator: 'alle', mutants: c!.mutations.total, survived: 0 });
  for (const m of c!.mutations.outcomes.filter((o) => o.verdict === 'equivalent')) expect(m.detail).toMatch(/^Samme modellgraf/);
  // The verdict follows from the checks: passed exactly when nothing is listed as failing.
  expect(c!.passed).toBe(c!.failures.length === 0);
  expect(run.report.passed).toBe(c!.passed);
});

test('progress and the summary are printed in Norwegian, one line per phase', () => {
  expect(lines[0]).toBe('Revisjon av 1 rutine');
  for (const phase of [
    '  stier: ',
    '  dekning: ',
    '  invarianter: ',
    '  avspilling mot arbeidsflyten: 10/',
    '  avspilling: ',
    '  mutasjonstest: ',
  ]) {
    expect(lines.some((line) => line.startsWith(phase))).toBe(true);
  }
  const summary = summaryLines(run);
  expect(summary).toContain('Sammendrag:');
  expect(summary.at(-1)).toBe(run.report.passed ? 'Revisjonen er bestått.' : 'Revisjonen fant feil.');
});

test('the command line takes --procedure, --out, --skip-mutations and --concurrency and refuses anything else', () => {
  expect(parseAuditArgs(['--procedure', ID, '--out', '/tmp/x', '--skip-mutations', '--concurrency', '2'])).toEqual({
    help: false,
    procedure: ID,
    outDir: '/tmp/x',
    mutations: false,
    concurrency: 2,
  });
  expect(parseAuditArgs([])).toEqual({ help: false, mutations: true });
  expect(() => parseAuditArgs(['--bogus'])).toThrow(new UsageError('Ukjent valg «--bogus»'));
  expect(() => parseAuditArgs(['--procedure', 'finnes-ikke'])).toThrow(/Ukjent rutine «finnes-ikke»/);
  expect(() => parseAuditArgs(['--concurrency', '0'])).toThrow(/--concurrency/);
});
