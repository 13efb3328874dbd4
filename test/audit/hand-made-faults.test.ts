/**
 * The two faults the audit used to miss, each built by hand on a copy of its procedure's machine,
 * and caught now by an invariant stated in the procedure's own rules:
 * - [C.3.3b] [D.2] procedure C's further measures agreed without the pupil's voice from this
 *   round (the guard's pupil's-voice requirement dropped): the case-wide flag from the first
 *   round hid it from `pupil-voice-before-measures`; `pupil-voice-each-round` sees it;
 * - [A.T2.2] procedure A entering Trinn 2 without telling the school owner (the entry effect
 *   dropped): only a clause test saw it; `required-effects` sees it on every path into Trinn 2.
 */
import { type AnyStateMachine, and, createMachine } from 'xstate';
import type { CaseContext } from '../../machines/case-context';
import { getProcedure } from '../../machines/registry';
import { indexMachine } from '../../audit/model';
import { type MutantProcedure, type Mutation, type MutationOperator, editTransition } from '../../audit/mutation-operators';
import { runMutationCheck } from '../../audit/mutations';
import { checkInvariants } from '../../audit/invariants';
import { generatePathsWithStats } from '../../audit/paths';

type Config = Record<string, unknown>;
type Guard = (args: { context: CaseContext<unknown>; event: { type: string } }, params?: unknown) => boolean;

/** A procedure running `machine`, named as a hand-made fault. */
function handMade(
  id: string,
  machine: AnyStateMachine,
  description: string,
  where: Pick<Mutation, 'scope' | 'transition'> & { operator?: MutationOperator },
): MutantProcedure {
  const { operator = 'drop-required-document', ...place } = where;
  return { ...getProcedure(id), machine, mutation: { id: `${id}/hand-made`, operator, place: 'for hånd', description, ...place } };
}

/** C: the further measures' guard without the pupil's voice (a pupil-voice document counts as filed). */
function furtherMeasuresWithoutPupilVoice(): MutantProcedure {
  const machine = getProcedure('tiltaksplan-elevfravaer').machine;
  const guards = machine.implementations.guards as unknown as Record<string, Guard>;
  const original = guards.isFurtherMeasuresComplete as Guard;
  const withoutVoice: Guard = ({ context, event }) =>
    original(
      {
        context: {
          ...context,
          documents: [
            ...context.documents,
            {
              kind: 'pupil-voice',
              ref: 'hånd',
              at: context.openedAt,
              by: { role: 'contact-teacher', userId: 'x' },
              eventType: 'document.recorded',
            },
          ],
        },
        event,
      },
      undefined,
    );
  const transition = indexMachine(machine).transitions.find(
    (t) => t.source === 'open.newTrigger.furtherMeasures' && t.event === 'measures.agreed',
  )!;
  const edited = editTransition(machine, transition, (d) => ({
    ...d,
    guard: and(['isFurtherMeasuresCompleteWithoutPupilVoice', 'isNoSuspicionAwaitingChildWelfare']),
  }));
  const mutated = createMachine(
    edited as never,
    {
      ...(machine.implementations as object),
      guards: { ...guards, isFurtherMeasuresCompleteWithoutPupilVoice: withoutVoice },
    } as never,
  ) as unknown as AnyStateMachine;
  return handMade('tiltaksplan-elevfravaer', mutated, 'Videre tiltak avtales uten elevens stemme fra denne runden', {
    scope: [transition.source],
    transition: transition.id,
  });
}

/** A: Trinn 2's entry without the notice to the school owner. */
function trinn2WithoutSchoolOwner(): MutantProcedure {
  const machine = getProcedure('plan-for-skolenaervaer').machine;
  const config = machine.config as Config;
  const states = config.states as Record<string, Config>;
  const trinn2 = states.trinn2 as Config;
  const entry = (trinn2.entry as unknown[]).filter((a) => (a as { type?: string }).type !== 'informSchoolOwner');
  expect(entry).toHaveLength((trinn2.entry as unknown[]).length - 1);
  const mutated = createMachine(
    { ...config, states: { ...states, trinn2: { ...trinn2, entry } } } as never,
    machine.implementations as never,
  ) as unknown as AnyStateMachine;
  return handMade('plan-for-skolenaervaer', mutated, 'Trinn 2 starter uten melding til skoleeier', {
    scope: ['trinn2'],
    operator: 'drop-effect',
  });
}

test('[C.3.3b] [D.2] further measures without the pupil heard in this round are caught by pupil-voice-each-round', async () => {
  const procedure = getProcedure('tiltaksplan-elevfravaer');
  const [outcome] = await runMutationCheck(procedure, { mutants: [furtherMeasuresWithoutPupilVoice()] });
  expect(outcome).toMatchObject({ verdict: 'invariant' });
  expect(`${outcome!.caughtBy} ${outcome!.detail}`).toContain('pupil-voice-each-round');
}, 120_000);

test('[A.T2.2] Trinn 2 without the notice to the school owner is caught by required-effects on the original paths', async () => {
  const procedure = getProcedure('plan-for-skolenaervaer');
  const mutant = trinn2WithoutSchoolOwner();
  const { paths, graphs } = generatePathsWithStats(procedure);
  const [outcome] = await runMutationCheck(procedure, { mutants: [mutant], originalPaths: paths, graphs });
  expect(outcome).toMatchObject({ verdict: 'invariant', caughtBy: 'required-effects' });
  expect(outcome!.detail).toContain('A.T2.2');
  // On every original path into Trinn 2, not just one.
  const intoTrinn2 = paths.filter((p) => p.steps.some((s) => s.expected.path.startsWith('trinn2.')));
  expect(intoTrinn2.length).toBeGreaterThan(0);
  for (const path of intoTrinn2) {
    const result = checkInvariants(path, mutant).find((r) => r.invariant === 'required-effects')!;
    expect({ path: path.id, passed: result.passed }).toEqual({ path: path.id, passed: false });
    expect(checkInvariants(path, procedure).find((r) => r.invariant === 'required-effects')!.passed).toBe(true);
  }
}, 120_000);
