/**
 * bench/cases-in-worker.ts end to end with a handful of cases: a real dev server, a worker per kind
 * in its own process, two alternating rounds, every figure reported with its baseline. No timing
 * assertions. Core's slow-task threshold is set to 0 s here, so every workflow task logs the
 * warning and the count shows the counter works (at the real threshold it is 0 on a quiet
 * machine). The one memory bound is far from both sides (a case sharing the machines holds well
 * under 200 KB of heap, a case with its own copy of them about 3 MB), so it holds on a loaded
 * machine and fails if the sharing is lost.
 */
import { coresdk } from '@temporalio/proto';
import { type BenchResult, parseBenchArgs, roundOrder, runWorkerSideBySide, workerMemoryBudgetMb } from '../../bench/cases-in-worker';
import type { BenchFigure } from '../../bench/figures';
import { completionRunId, SLOW_TASK_WARNING } from '../../bench/workflow-worker-child';

jest.setTimeout(10 * 60_000);

let figures: BenchFigure[];
let report: string;
let result: BenchResult;
const lines: string[] = [];

beforeAll(async () => {
  ({ figures, report, result } = await runWorkerSideBySide(
    { cases: 10, warmup: 2, rounds: 2, updates: 10, concurrency: 5, slowTaskSeconds: 0 },
    (line) => lines.push(line),
  ));
});

test('every figure of the worker group is there, beside the hand-written workflow, with a finite ratio', () => {
  const byName = new Map(figures.map((f) => [f.name, f]));
  const targets: [string, string | undefined, number | undefined][] = [
    ['starts per second (through the first workflow task)', 'ratio-at-least', 0.9],
    ['Updates per second', 'ratio-at-least', 0.9],
    ['Update latency, median', undefined, undefined],
    ['Update latency, 95th percentile', undefined, undefined],
    ['worker CPU per case opened', 'ratio-at-most', 1.5],
    ['worker memory (RSS) per cached case', 'ratio-at-most', 1.5],
    ['workflow-thread heap per cached case', undefined, undefined],
    ['slow workflow task warnings ([TMPRL1104])', 'value-at-most', 0],
  ];
  for (const [name, kind, limit] of targets) {
    const f = byName.get(name);
    expect(f).toBeDefined();
    expect(f!.target?.kind).toBe(kind);
    expect(f!.target?.limit).toBe(limit);
  }
  const budget = figures.find((f) => f.name.startsWith('worker peak RSS with 22 open cases'));
  expect(budget?.target).toEqual({ kind: 'value-at-most', limit: Math.round(workerMemoryBudgetMb(22)) });
  expect(figures).toHaveLength(targets.length + 1);
  for (const f of figures) {
    expect(f.group).toBe('worker');
    expect(f.baseline?.name).toBe('hand-written workflow');
    expect(Number.isFinite(f.value)).toBe(true);
    expect(Number.isFinite(f.ratio)).toBe(true);
    if (f.target) expect(typeof f.met).toBe('boolean');
  }
  for (const label of ['round', 'starts/s', 'Updates/s', 'hand-written', 'worker memory (RSS) per cached case', 'met']) {
    expect(report).toContain(label);
  }
});

test('both kinds run every round, the order alternating, with each first task counted per run', () => {
  expect(result.results.map((r) => r.kind)).toEqual(['case', 'hand-written']);
  for (const r of result.results) {
    expect(r.failure).toBeUndefined();
    expect(r.exactFirstTasks).toBe(true);
    expect(r.cachedWorkflows).toBe(22);
    expect(r.rounds.map((round) => round.round)).toEqual([1, 2]);
    expect(r.cpuPerCaseMs).toBeGreaterThan(0);
    expect(r.updateResultBytes).toBeGreaterThan(0);
    // Threshold 0 s: every workflow task is "slow", so the counter must have seen warnings.
    expect(r.slowTaskWarnings).toBeGreaterThan(0);
  }
  const [cases, hand] = result.results;
  expect(cases!.rounds.map((r) => r.first)).toEqual([true, false]);
  expect(hand!.rounds.map((r) => r.first)).toEqual([false, true]);
  expect(roundOrder(['case', 'hand-written'], 3)).toEqual(['case', 'hand-written']);
  expect(roundOrder(['case', 'hand-written'], 4)).toEqual(['hand-written', 'case']);
});

test("a case's Update answers with a receipt, smaller than the view it used to return", () => {
  const [cases] = result.results;
  expect(cases!.updateResultBytes).toBeLessThan(300);
  expect(cases!.viewBytes).toBeGreaterThan(cases!.updateResultBytes);
});

test('a cached case holds no copy of XState and the machines (heap per case far below the ~3 MB of one)', () => {
  expect(result.results[0]!.workflowHeapPerCaseKb).toBeLessThan(1000);
});

test("the run id and outcome are read from an encoded activation completion, as the SDK's worker sends it", () => {
  const encode = (message: coresdk.workflow_completion.IWorkflowActivationCompletion) =>
    coresdk.workflow_completion.WorkflowActivationCompletion.encodeDelimited(message).finish();
  const runId = '019ae0c1-6c3f-7d2e-9b41-5f0a3c2d1e0f';
  expect(completionRunId(encode({ runId, successful: { commands: [{ startTimer: { seq: 1 } }] } }))).toEqual({ runId, failed: false });
  expect(completionRunId(encode({ runId, failed: { failure: { message: 'boom' } } }))).toEqual({ runId, failed: true });
  // A long run id needs a two-byte length; the completion's own length prefix is longer still.
  const long = 'r'.repeat(300);
  expect(completionRunId(encode({ runId: long, successful: {} }))).toEqual({ runId: long, failed: false });
  expect(completionRunId(new Uint8Array([0]))).toBeUndefined();
});

test("the slow-task pattern matches core's warning", () => {
  expect(SLOW_TASK_WARNING.test('[TMPRL1104] run-1:12:3 Workflow task duration exceeded 5 seconds.')).toBe(true);
  expect(SLOW_TASK_WARNING.test('Activity failed')).toBe(false);
});

test('the command line takes the rounds and sizes and refuses what it does not know', () => {
  expect(parseBenchArgs(['--cases', '20', '--rounds', '5', '--updates', '7', '--with-unshared'])).toMatchObject({
    cases: 20,
    rounds: 5,
    updates: 7,
    withUnshared: true,
  });
  expect(parseBenchArgs([])).toMatchObject({ cases: 1000, rounds: 3, updates: 200, concurrency: 32 });
  expect(parseBenchArgs(['--slow-task-seconds', '0'])).toMatchObject({ slowTaskSeconds: 0 });
  expect(() => parseBenchArgs(['--rounds', '0'])).toThrow('--rounds');
  expect(() => parseBenchArgs(['--fast'])).toThrow('unknown option --fast');
});
