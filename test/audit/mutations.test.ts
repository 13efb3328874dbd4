/**
 * Mutation testing of the audit: every operator at every place it applies, each mutant on a copy
 * of its machine (the registered one is never touched), and every mutant of every procedure is
 * decided: caught by an invariant or by conformance, or listed apart as equivalent with the
 * reason. None survives.
 */
import { type AnyStateMachine, createMachine } from 'xstate';
import { effectNames } from '../../machines/effects';
import { type ProcedureDefinition, currentProcedures, getProcedure } from '../../machines/registry';
import { DEADLINE_INVARIANT, PATH_INVARIANTS } from '../../audit/invariants';
import { indexMachine } from '../../audit/model';
import { MUTATION_OPERATORS, type MutantProcedure, createMutants, runMutationCheck } from '../../audit/mutations';
import { generatePathsWithStats } from '../../audit/paths';
import { mutationCounts } from '../../audit/report';
import { rootTransitions, walkStates } from '../../diagrams/machine-walk';

const procedures = currentProcedures();
const invariantIds = new Set<string>([...Object.keys(PATH_INVARIANTS), DEADLINE_INVARIANT]);

/** The chart as data: states, meta and transitions, for comparing before and after. */
const chartOf = (id: string) => JSON.stringify(walkStates(getProcedure(id).machine));

/** The chart's config as text, with XState's guard combinators spelled out (their parts may carry params). */
const configOf = (machine: AnyStateMachine): string =>
  JSON.stringify(machine.config, (_key, value: unknown) =>
    typeof value === 'function' ? { combinator: value.name, guards: (value as { guards?: unknown }).guards } : value,
  );

/** How many places each structural operator has in `procedure`'s chart, counted from the index. */
function expectedPlaces(procedure: ProcedureDefinition): Record<string, number> {
  const index = indexMachine(procedure.machine);
  const parent = (path: string) => (path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '');
  const isEffect = (name: string) => (effectNames as readonly string[]).includes(name.split('(')[0] ?? '');
  const entryEffects = index.states.reduce(
    (n, s) =>
      n +
      ((index.nodes.get(s.path)?.entry ?? []) as { type?: string }[]).filter((a) => typeof a === 'object' && isEffect(a.type ?? '')).length,
    0,
  );
  const transitionEffects = [...rootTransitions(procedure.machine), ...walkStates(procedure.machine).flatMap((s) => s.transitions)].reduce(
    (n, t) => n + t.actions.filter(isEffect).length,
    0,
  );
  const delays = new Set(index.transitions.filter((t) => t.event.startsWith('after:')).map((t) => t.event)).size;
  return {
    'drop-transition': index.transitions.length,
    'drop-guard': index.transitions.filter((t) => t.guard).length,
    'negate-guard': index.transitions.filter((t) => t.guard).length,
    retarget: index.transitions
      .filter((t) => t.targets.length === 1)
      .reduce((n, t) => n + index.states.filter((s) => s.path !== t.targets[0] && parent(s.path) === parent(t.targets[0]!)).length, 0),
    'shorten-delay': delays,
    'lengthen-delay': delays,
    'drop-effect': entryEffects + transitionEffects,
  };
}

test.each(procedures.map((p) => [p.id, p] as const))(
  '%s: every operator at every place, each mutant a copy that differs from the original',
  (id, procedure) => {
    const before = chartOf(id);
    const machine = procedure.machine;
    const mutants = createMutants(procedure);
    expect(new Set(mutants.map((m) => m.mutation.id)).size).toBe(mutants.length);
    const counts: Record<string, number> = {};
    for (const m of mutants) counts[m.mutation.operator] = (counts[m.mutation.operator] ?? 0) + 1;
    expect(counts).toMatchObject(expectedPlaces(procedure));
    // Guards that require documents exist in every procedure, and each loses one kind at a time.
    expect(counts['drop-required-document']).toBeGreaterThan(0);
    expect(Object.keys(counts).sort()).toEqual([...MUTATION_OPERATORS].sort());
    // The hand-chosen faults the audit had before keep their ids.
    for (const name of ['drop-closing', 'drop-follow-up-timer', 'drop-document-guard', 'flip-document-guard', 'shorten-delay']) {
      expect(mutants.map((m) => m.mutation.id)).toContain(`${id}/${name}`);
    }
    const original = JSON.stringify(walkStates(machine));
    for (const mutant of mutants) {
      expect(mutant.machine).not.toBe(machine);
      expect(mutant.id).toBe(procedure.id);
      expect(mutant.mutation.description.length).toBeGreaterThan(10);
      expect(mutant.mutation.scope.length).toBeGreaterThan(0);
      const delaysChanged = mutant.machine.implementations.delays !== machine.implementations.delays;
      const guardsChanged = mutant.machine.implementations.guards !== machine.implementations.guards;
      const chartChanged = JSON.stringify(walkStates(mutant.machine)) !== original || configOf(mutant.machine) !== configOf(machine);
      expect(delaysChanged || guardsChanged || chartChanged).toBe(true);
    }
    expect(getProcedure(id).machine).toBe(machine);
    expect(chartOf(id)).toBe(before);
  },
);

describe.each(procedures.map((p) => [p.id, p] as const))('%s', (id, procedure) => {
  test('every mutant is decided: caught by an invariant or by conformance on the graph, or equivalent with a reason', async () => {
    const before = chartOf(id);
    const { paths, graphs } = generatePathsWithStats(procedure);
    let calls = 0;
    const outcomes = await runMutationCheck(procedure, {
      originalPaths: paths,
      graphs,
      conformance: async () => {
        calls += 1;
        return false;
      },
    });
    expect(outcomes.length).toBe(createMutants(procedure).length);
    expect(outcomes.filter((o) => o.verdict === 'survived').map((o) => `${o.id}: ${o.detail}`)).toEqual([]);
    for (const outcome of outcomes) {
      if (outcome.verdict === 'invariant') expect(invariantIds).toContain(outcome.caughtBy);
      if (outcome.verdict.startsWith('conformance')) expect(outcome.caughtBy).toBe('conformance');
      if (outcome.verdict === 'equivalent') {
        expect(outcome.caughtBy).toBeNull();
        expect(outcome.detail).toMatch(/^Samme modellgraf som originalen/);
      }
      expect(outcome.detail.length).toBeGreaterThan(20);
    }
    // The graph decides every mutant: none needs the time-skipping server.
    expect(calls).toBe(0);
    const [total] = mutationCounts(outcomes).slice(-1);
    expect(total).toMatchObject({ operator: 'alle', mutants: outcomes.length, survived: 0, conformanceTemporal: 0 });
    expect(chartOf(id)).toBe(before);
  }, 300_000);
});

test('a mutant the graph cannot decide gets its own paths, and the conformance callback decides it last', async () => {
  const procedure = getProcedure('tiltaksplan-elevfravaer');
  const mutants = createMutants(procedure);
  const byId = (place: string) => mutants.find((m) => m.mutation.id === `${procedure.id}/${place}`)!;
  // Any meeting counts as the follow-up meeting: no original path holds another meeting there.
  const anyMeeting = byId('drop-guard/open.newTrigger.measuresInProgress: meeting.held [isFollowUpMeeting] → open.newTrigger.followUpDue');
  // Measures agreed without the plan's documents: the mutant's own paths show it to an invariant.
  const noPlan = byId(
    'drop-guard/open.newTrigger.planning: measures.agreed [and(isMeasuresPlanComplete, isNoSuspicionAwaitingChildWelfare)] → open.newTrigger.measuresInProgress',
  );
  const replayed: number[] = [];
  const outcomes = await runMutationCheck(procedure, {
    mutants: [anyMeeting, noPlan],
    // Without the original's graph nothing is shown equivalent: the mutant's own paths and the callback decide.
    graphs: [],
    conformance: async (paths) => {
      replayed.push(paths.length);
      return true;
    },
  });
  expect(outcomes.map((o) => o.verdict)).toEqual(['conformance-temporal', 'invariant']);
  expect(outcomes[1]!.detail).toMatch(/^Mutantens egne stier/);
  expect(replayed).toHaveLength(1);
  expect(replayed[0]).toBeGreaterThan(0);
}, 300_000);

test('a mutant equal to the original is listed as equivalent, not as a survivor', async () => {
  const procedure = getProcedure('tiltaksplan-elevfravaer');
  const machine = createMachine(
    procedure.machine.config as never,
    procedure.machine.implementations as never,
  ) as unknown as AnyStateMachine;
  const same: MutantProcedure = {
    ...procedure,
    machine,
    mutation: { id: `${procedure.id}/same`, operator: 'drop-effect', place: 'ingen', description: 'Ingen endring', scope: [''] },
  };
  const [outcome] = await runMutationCheck(procedure, { mutants: [same] });
  expect(outcome).toMatchObject({ verdict: 'equivalent', caughtBy: null });
}, 300_000);
