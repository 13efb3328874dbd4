/**
 * Conformance on the time-skipping server: the generated paths of procedure C replay against the
 * real case workflow with the state the model expected at every step, and a path that says
 * something the workflow does not do is reported as failed at that step, in Norwegian. Every path
 * is a test of its own, named by its purpose; all of them replay in one shared run.
 */
import { ConformanceRunner } from '../../audit/conformance';
import { generatePaths } from '../../audit/paths';
import type { AuditPath, ConformanceResult, PathStep } from '../../audit/types';
import { getProcedure } from '../../machines/registry';

const ID = 'tiltaksplan-elevfravaer';
// Generated when the file is read, so that every path gets a test of its own, named by its purpose.
const paths: AuditPath[] = generatePaths(getProcedure(ID));
let runner: ConformanceRunner;
/** The one replay of every path, four at a time as the audit runs it; each path's test waits for its own result. */
let replay: Promise<ConformanceResult[]>;
const finished = new Map<string, (result: ConformanceResult) => void>();
const resultOf = new Map(
  paths.map((path) => [path.id, new Promise<ConformanceResult>((resolve) => finished.set(path.id, resolve))] as const),
);

beforeAll(async () => {
  runner = await ConformanceRunner.create();
  replay = runner.run(paths, { concurrency: 4, onProgress: (_done, _total, result) => finished.get(result.pathId)?.(result) });
  // A replay that throws fails the tests that wait for it, not the process.
  replay.catch(() => undefined);
});
afterAll(async () => {
  await replay?.catch(() => undefined);
  await runner?.teardown();
});

/** The replay's result for `path`, as soon as the shared run has replayed it. */
const replayed = (path: AuditPath): Promise<ConformanceResult> =>
  Promise.race([resultOf.get(path.id)!, replay.then((results) => results.find((r) => r.pathId === path.id)!)]);

const clone = (path: AuditPath): AuditPath => structuredClone(path);
/** The first path with a step of `kind` at index 1 or later, and that index. */
function pathWith(predicate: (step: PathStep) => boolean): { path: AuditPath; index: number } {
  for (const path of paths) {
    const index = path.steps.findIndex((step, i) => i > 0 && predicate(step));
    if (index > 0) return { path: clone(path), index };
  }
  throw new Error('no generated path has such a step');
}

describe('every generated path of procedure C replays on the real workflow with the expected state after every step', () => {
  test('the generated paths exercise updates, signals and deadlines', () => {
    expect(paths.length).toBeGreaterThan(10);
    const steps = paths.flatMap((p) => p.steps);
    expect(steps.some((s) => s.kind === 'event' && s.via === 'update')).toBe(true);
    expect(steps.some((s) => s.kind === 'event' && s.via === 'signal')).toBe(true);
    expect(steps.some((s) => s.kind === 'delay')).toBe(true);
  });

  test.each(paths)('$id: $purpose', async (path) => {
    const result = await replayed(path);
    // On a failure the received object names the step, the expected and the actual state.
    expect(result).toMatchObject({ pathId: path.id, passed: true });
    expect(result.durationMs).toBeGreaterThan(0);
  });

  test('the replay answers for every generated path once, in generation order', async () => {
    expect((await replay).map((r) => r.pathId)).toEqual(paths.map((p) => p.id));
  });
});

test('a wrong expected state in one step is reported as a failure naming that step, with expected and actual', async () => {
  const { path, index } = pathWith((step) => step.kind === 'event');
  const truth = path.steps[index]!.expected;
  path.steps[index]!.expected = { value: 'somewhereElse', path: 'somewhereElse', status: 'active' };

  const [result] = await runner.run([path]);
  expect(result!.passed).toBe(false);
  expect(result!.failedStep).toBe(index);
  expect(result!.message).toContain(`Steg ${index + 1}`);
  expect(result!.message).toContain('modellen ventet «somewhereElse»');
  expect(result!.expected).toEqual(path.steps[index]!.expected);
  expect(result!.actual).toEqual({ value: truth.value, path: truth.path, status: truth.status });
});

test('a deadline the model puts an hour later than the workflow is reported at its delay step', async () => {
  const { path, index } = pathWith((step) => step.kind === 'delay');
  const step = path.steps[index] as Extract<PathStep, { kind: 'delay' }>;
  step.dueAt = new Date(Date.parse(step.dueAt) + 60 * 60 * 1000).toISOString();

  const [result] = await runner.run([path]);
  expect(result!.passed).toBe(false);
  expect(result!.failedStep).toBe(index);
  expect(result!.message).toContain(`fristen «${step.delayName}» løper ut`);
});

test('a wrong opening state is reported as the opening (step -1)', async () => {
  const path = clone(paths[0]!);
  path.initial = { ...path.initial, path: 'closed', value: 'closed' };
  const [result] = await runner.run([path]);
  expect(result!.passed).toBe(false);
  expect(result!.failedStep).toBe(-1);
  expect(result!.message).toMatch(/^Åpningen: /);
});

test('an update the workflow refuses fails that path; the runner starts the next path on a fresh server', async () => {
  const { path: refused, index } = pathWith((step) => step.kind === 'event' && step.via === 'update');
  const step = refused.steps[index] as Extract<PathStep, { kind: 'event' }>;
  // Evaluation minutes in a state that takes no evaluation: the update validator refuses it.
  step.event = { ...step.event, type: 'evaluation.held', outcome: 'improved', minutesRef: 'evaluering-1' } as never;
  const before = runner.environmentsBuilt;

  const [failed, next] = await runner.run([refused, clone(paths[1]!)], { concurrency: 1 });
  expect(failed!.passed).toBe(false);
  expect(failed!.failedStep).toBe(index);
  expect(failed!.message).toContain('arbeidsflyten avviste hendelsen');
  expect(failed!.message).toContain('evaluation.held');
  expect(next!.passed).toBe(true);
  expect(runner.environmentsBuilt).toBe(before + 1);
});
