/**
 * Opening facts for every registered procedure version: the first of its opening rules with a
 * trigger large enough for any procedure's threshold, so each machine can be started the way
 * detection or a principal starts it.
 */
import { type ProcedureDefinition, buildCaseInput } from '../../../machines/registry';

/** The case's opening time. */
export const OPENED_AT = '2026-09-07T07:00:00.000Z';
export const OPENED_MS = Date.parse(OPENED_AT);

/** Facts that open a case of `procedure` (its first opening rule; 15 days and 30 lessons over the week before). */
export function openingFacts(procedure: ProcedureDefinition) {
  return {
    caseId: `case-${procedure.id}`,
    pupilId: 'pupil-1',
    schoolId: 'school1',
    grade: 9,
    openedAt: OPENED_AT,
    trigger: { rule: procedure.openingRules[0], dates: ['2026-09-02', '2026-09-03', '2026-09-04'], days: 15, lessons: 30 },
  };
}

/** The machine input of a new case of `procedure`. */
export const openingInput = (procedure: ProcedureDefinition) => buildCaseInput(procedure, openingFacts(procedure));

/** "id v2", for test names. */
export const procedureName = (p: ProcedureDefinition) => `${p.id} v${p.version}`;
