/**
 * The audit's generated paths: full state and transition coverage of every procedure, expected
 * states that XState's pure API reproduces step by step, valid payloads, the workflow's timer
 * rules (earliest timer first, due at fact time + delay), and determinism.
 */
import { caseFactsSchema } from '../../machines/case-context';
import { parseCaseEvent } from '../../machines/events';
import { currentProcedures } from '../../machines/registry';
import { systemEventTypes } from '../../workflows/case-messages';
import { type PathGenerationStats, coverage, generatePathsWithStats } from '../../audit/paths';
import type { AuditPath } from '../../audit/types';
import { replayWithPureApi } from './hand-paths';

const procedures = currentProcedures();
const generated = new Map<string, { paths: AuditPath[]; stats: PathGenerationStats }>();

beforeAll(() => {
  for (const procedure of procedures) generated.set(procedure.id, generatePathsWithStats(procedure));
}, 300_000);

const pathsOf = (id: string): AuditPath[] => generated.get(id)?.paths ?? [];

describe.each(procedures.map((p) => [p.id, p] as const))('%s', (id, procedure) => {
  test('covers every state node (compound, transient and final ones included)', () => {
    const report = coverage(procedure, pathsOf(id));
    expect(report.states.uncovered).toEqual([]);
    expect(report.states.covered).toBe(report.states.total);
    expect(report.states.total).toBeGreaterThan(10);
  });

  test('covers every transition: root ones, every guarded branch, every after and always', () => {
    const report = coverage(procedure, pathsOf(id));
    expect(report.transitions.uncovered).toEqual([]);
    expect(report.transitions.covered).toBe(report.transitions.total);
  });

  test('every step leaves the case in the state replaying the path with the pure machine API gives', () => {
    for (const path of pathsOf(id)) {
      const replayed = replayWithPureApi(procedure, path);
      expect(replayed.initial).toEqual(path.initial);
      expect(replayed.steps).toEqual(path.steps.map((s) => s.expected));
    }
  });

  test('every event payload passes parseCaseEvent and goes by Signal only if detection sends it', () => {
    for (const path of pathsOf(id)) {
      for (const step of path.steps) {
        if (step.kind !== 'event') continue;
        expect(parseCaseEvent(step.event)).toEqual(step.event);
        expect(step.via).toBe(systemEventTypes.includes(step.event.type) ? 'signal' : 'update');
      }
    }
  });

  test('paths carry valid facts, numbered ids, unique event ids and times that never go back', () => {
    pathsOf(id).forEach((path, i) => {
      expect(path.id).toBe(`${id}/${i + 1}`);
      expect(path.procedureId).toBe(id);
      expect(path.procedureVersion).toBe(procedure.version);
      expect(caseFactsSchema.parse(path.facts)).toEqual(path.facts);
      expect(procedure.openingRules).toContain(path.facts.trigger.rule);
      const ids = path.steps.flatMap((s) => (s.kind === 'event' ? [s.event.eventId] : []));
      expect(new Set(ids).size).toBe(ids.length);
      let last = Date.parse(path.facts.openedAt);
      for (const step of path.steps) {
        const at = Date.parse(step.kind === 'event' ? step.event.at : step.dueAt);
        expect(at).toBeGreaterThanOrEqual(last);
        last = at;
      }
    });
  });

  test('every path is completed to a closing the school reaches by the procedure itself', () => {
    for (const path of pathsOf(id)) {
      const last = path.steps[path.steps.length - 1];
      expect(last?.expected.status ?? path.initial.status).toBe('done');
    }
  });

  test('generation is deterministic', () => {
    const again = generatePathsWithStats(procedure).paths;
    expect(again).toEqual(pathsOf(id));
  }, 120_000);
});

test("procedure A's transient opening takes both of its branches", () => {
  const paths = pathsOf('plan-for-skolenaervaer');
  const openings = new Set(paths.map((p) => p.initial.path.split('.')[0]));
  expect(openings).toEqual(new Set(['universal', 'trinn1']));
});

// How long generation takes is a benchmark figure (the audit's time in `npm run bench`), not a
// test: on a loaded machine a timed assertion fails without anything being wrong.
test('the path set stays small and reaches every goal', () => {
  for (const procedure of procedures) {
    const stats = generated.get(procedure.id)?.stats;
    expect(stats?.paths).toBeGreaterThan(10);
    expect(stats?.paths).toBeLessThan(150);
    expect(stats?.goals.reached).toBe(stats?.goals.total);
  }
});

test("[C.2.1c] a municipality's policy override reaches the paths: the plan period is five days", () => {
  const procedure = procedures.find((p) => p.id === 'tiltaksplan-elevfravaer');
  if (!procedure) throw new Error('procedure C is not registered');
  const policyOverrides = { threeDayPlanDays: 5 };
  const { paths } = generatePathsWithStats(procedure, { policyOverrides });
  expect(coverage(procedure, paths).transitions.uncovered).toEqual([]);
  const planEnds: number[] = [];
  for (const path of paths) {
    expect(path.policyOverrides).toEqual(policyOverrides);
    const replayed = replayWithPureApi(procedure, path);
    expect(replayed.steps).toEqual(path.steps.map((s) => s.expected));
    path.steps.forEach((step, i) => {
      if (step.kind !== 'delay' || step.delayName !== 'threeDayPlanPeriod') return;
      const agreed = path.steps
        .slice(0, i)
        .reverse()
        .find((s) => s.kind === 'event' && s.event.type === 'measures.agreed');
      if (agreed?.kind === 'event') planEnds.push((Date.parse(step.dueAt) - Date.parse(agreed.event.at)) / 86_400_000);
    });
  }
  expect(planEnds.length).toBeGreaterThan(0);
  expect(new Set(planEnds)).toEqual(new Set([5]));
});
