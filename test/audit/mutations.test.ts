/**
 * Mutation testing of the audit: every procedure gets at least three deliberate faults, each on a
 * copy of its machine (the registered one is never touched), each differs from the original, and
 * the audit catches every one: the faults an invariant can see by that invariant, a shortened
 * delay by the replay against the original (the stand-in for conformance) or by the conformance
 * callback when the audit command passes one.
 */
import { getProcedure, currentProcedures } from '../../machines/registry';
import { DEADLINE_INVARIANT, PATH_INVARIANTS } from '../../audit/invariants';
import { indexMachine } from '../../audit/model';
import { createMutants, runMutationCheck } from '../../audit/mutations';
import type { AuditPath } from '../../audit/types';
import { walkStates } from '../../diagrams/machine-walk';

const procedures = currentProcedures();
const invariantIds = new Set<string>([...Object.keys(PATH_INVARIANTS), DEADLINE_INVARIANT]);

/** The chart as data: states, meta and transitions, for comparing before and after. */
const chartOf = (id: string) => JSON.stringify(walkStates(getProcedure(id).machine));

test.each(procedures.map((p) => [p.id, p] as const))(
  '%s: at least three mutants, each on a copy that differs from the original',
  (id, procedure) => {
    const before = chartOf(id);
    const machine = procedure.machine;
    const mutants = createMutants(procedure);
    expect(mutants.length).toBeGreaterThanOrEqual(3);
    expect(new Set(mutants.map((m) => m.mutation.id)).size).toBe(mutants.length);
    const original = indexMachine(machine).transitions.map((t) => t.id);
    for (const mutant of mutants) {
      expect(mutant.machine).not.toBe(machine);
      expect(mutant.id).toBe(procedure.id);
      const transitions = indexMachine(mutant.machine).transitions.map((t) => t.id);
      const delaysChanged = mutant.machine.implementations.delays !== machine.implementations.delays;
      expect(delaysChanged || JSON.stringify(transitions) !== JSON.stringify(original)).toBe(true);
    }
    expect(getProcedure(id).machine).toBe(machine);
    expect(chartOf(id)).toBe(before);
  },
);

describe.each(procedures.map((p) => [p.id, p] as const))('%s', (id, procedure) => {
  test('every mutant is caught: by an invariant where one can see the fault, a shortened delay by replay against the original', async () => {
    const before = chartOf(id);
    const outcomes = await runMutationCheck(procedure);
    expect(outcomes.length).toBeGreaterThanOrEqual(3);
    for (const outcome of outcomes) {
      expect({ id: outcome.id, caughtBy: outcome.caughtBy }).toEqual({ id: outcome.id, caughtBy: expect.any(String) });
      if (outcome.expectedCatch === 'invariants') expect(invariantIds).toContain(outcome.caughtBy);
      else expect(outcome.caughtBy).toBe('replay-on-original');
      expect(outcome.detail.length).toBeGreaterThan(20);
    }
    expect(outcomes.filter((o) => o.operator === 'shorten-delay')).toHaveLength(1);
    expect(chartOf(id)).toBe(before);
  }, 600_000);
});

test('the conformance callback gets the paths of the mutants no invariant caught, and its verdict is reported', async () => {
  const procedure = getProcedure('tiltaksplan-elevfravaer');
  const replayed: AuditPath[][] = [];
  const outcomes = await runMutationCheck(procedure, {
    conformance: async (paths) => {
      replayed.push(paths);
      return true;
    },
  });
  const notByInvariants = outcomes.filter((o) => !invariantIds.has(o.caughtBy ?? ''));
  expect(notByInvariants.map((o) => [o.operator, o.caughtBy])).toEqual([['shorten-delay', 'conformance']]);
  expect(replayed).toHaveLength(1);
  expect(replayed[0]?.length).toBeGreaterThan(5);
  expect(replayed[0]?.every((p) => p.procedureId === procedure.id)).toBe(true);
}, 600_000);
