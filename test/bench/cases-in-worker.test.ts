/**
 * bench/cases-in-worker.ts end to end with a handful of cases: a real dev server, a worker per kind
 * in its own process, every figure reported. No timing assertions; the one memory bound is far
 * from both sides (a case sharing the machines holds well under 200 KB of heap, a case with its
 * own copy of them about 3 MB), so it holds on a loaded machine and fails if the sharing is lost.
 */
import { formatReport, parseBenchArgs, runBench, type BenchResult } from '../../bench/cases-in-worker';

jest.setTimeout(10 * 60_000);

let result: BenchResult;
const lines: string[] = [];

beforeAll(async () => {
  result = await runBench({ cases: 20, warmup: 3, updates: 3, concurrency: 10, withUnshared: false }, (line) => lines.push(line));
});

test('opens the cases of both kinds in one worker each and reports every figure with the ratios', () => {
  expect(result.results.map((r) => r.kind)).toEqual(['case', 'hand-written']);
  for (const r of result.results) {
    expect(r.failure).toBeUndefined();
    expect(r.cachedWorkflows).toBeGreaterThanOrEqual(23);
    for (const figure of [r.rssPerCaseKb, r.workflowHeapPerCaseKb, r.cpuPerCaseMs, r.updateResultBytes, r.viewBytes, r.peakRssMb]) {
      expect(typeof figure).toBe('number');
      expect(Number.isFinite(figure)).toBe(true);
    }
    expect(r.cpuPerCaseMs).toBeGreaterThan(0);
    expect(r.updateResultBytes).toBeGreaterThan(0);
  }
  for (const ratio of Object.values(result.ratios)) expect(Number.isFinite(ratio)).toBe(true);
  const report = formatReport(result);
  for (const label of ['RSS per case', 'workflow-thread heap per case', 'worker CPU per case', 'Update result', 'case / hand-written']) {
    expect(report).toContain(label);
  }
});

test("a case's Update answers with a receipt, smaller than the view it used to return", () => {
  const [cases] = result.results;
  expect(cases!.updateResultBytes).toBeLessThan(300);
  expect(cases!.viewBytes).toBeGreaterThan(cases!.updateResultBytes);
});

test('a cached case holds no copy of XState and the machines (heap per case far below the ~3 MB of one)', () => {
  expect(result.results[0]!.workflowHeapPerCaseKb).toBeLessThan(1000);
});

test('the command line takes --cases N and refuses what it does not know', () => {
  expect(parseBenchArgs(['--cases', '20', '--with-unshared'])).toMatchObject({ cases: 20, withUnshared: true, updates: 20 });
  expect(parseBenchArgs([])).toMatchObject({ cases: 5000 });
  expect(() => parseBenchArgs(['--cases', '0'])).toThrow('--cases');
  expect(() => parseBenchArgs(['--fast'])).toThrow('unknown option --fast');
});
