/**
 * Conformance on the time-skipping server: the generated paths of procedure C replay against the
 * real case workflow with the state the model expected at every step, and a path that says
 * something the workflow does not do is reported as failed at that step, in Norwegian.
 */
import { ConformanceRunner } from '../../audit/conformance';
import { generatePaths } from '../../audit/paths';
import type { AuditPath, PathStep } from '../../audit/types';
import { getProcedure } from '../../machines/registry';

const ID = 'tiltaksplan-elevfravaer';
let runner: ConformanceRunner;
let paths: AuditPath[];

beforeAll(async () => {
  runner = await ConformanceRunner.create();
  paths = generatePaths(getProcedure(ID));
});
afterAll(async () => {
  await runner?.teardown();
});

const clone = (path: AuditPath): AuditPath => structuredClone(path);
/** The first path with a step of `kind` at index 1 or later, and that index. */
function pathWith(predicate: (step: PathStep) => boolean): { path: AuditPath; index: number } {
  for (const path of paths) {
    const index = path.steps.findIndex((step, i) => i > 0 && predicate(step));
    if (index > 0) return { path: clone(path), index };
  }
  throw new Error('no generated path has such a step');
}

test('every generated path of procedure C replays on the real workflow with the expected state after every step', async () => {
  expect(paths.length).toBeGreaterThan(10);
  // Updates, signals and deadlines are all exercised.
  const steps = paths.flatMap((p) => p.steps);
  expect(steps.some((s) => s.kind === 'event' && s.via === 'update')).toBe(true);
  expect(steps.some((s) => s.kind === 'event' && s.via === 'signal')).toBe(true);
  expect(steps.some((s) => s.kind === 'delay')).toBe(true);

  const results = await runner.run(paths, { concurrency: 4 });
  const failed = results.filter((r) => !r.passed);
  expect(failed.map((r) => `${r.pathId}: ${r.message}`)).toEqual([]);
  expect(results.map((r) => r.pathId)).toEqual(paths.map((p) => p.id));
  expect(results.every((r) => r.durationMs > 0)).toBe(true);
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
