/**
 * What a case is opened with, checked against the school directory: the school must be in it,
 * and the case follows the school's procedure with its municipality's policy. Detection already
 * opens cases this way; a person opening a case by hand goes through the same check, so no case
 * opens for an unknown school or under another municipality's procedure.
 */
import type { AbsenceTrigger } from '../machines/events';
import { resolvePolicy } from '../machines/policy';
import { type ProcedureDefinition, getProcedure } from '../machines/registry';
import type { SchoolDirectory } from '../detection/school-directory';
import { NamedError } from '../app/named-error';

/** The school is not in the directory (exit code 8). */
export class UnknownSchoolError extends NamedError {}

/** The procedure asked for is not the school's (a usage error: exit code 2). */
export class WrongProcedureError extends NamedError {}

/** The trigger does not meet the procedure's own limit for opening a case (a usage error: exit code 2). */
export class TriggerBelowLimitError extends NamedError {}

/** Refuses a trigger the procedure would not open a case on under this policy (see `openingCheck`). */
export function checkOpeningTrigger(opening: ResolvedOpening, trigger: AbsenceTrigger): void {
  const { procedure, policyOverrides } = opening;
  if (!procedure.openingCheck) return;
  const problem = procedure.openingCheck(trigger, resolvePolicy(procedure.policySchema, policyOverrides, procedure.id));
  if (problem) throw new TriggerBelowLimitError(`${problem} (${procedure.displayName})`);
}

export interface ResolvedOpening {
  procedure: ProcedureDefinition;
  /** The municipality's overrides of the procedure's policy, from the directory. */
  policyOverrides?: Record<string, unknown>;
}

/**
 * The procedure (newest version, or `version`) and policy a case at `schoolId` opens with.
 * `procedureId`, when given, must be the school's own.
 */
export function resolveOpening(directory: SchoolDirectory, schoolId: string, procedureId?: string, version?: number): ResolvedOpening {
  const school = directory.get(schoolId);
  if (!school) {
    throw new UnknownSchoolError(
      `Skolen «${schoolId}» står ikke i skolekatalogen. Kjente skoler: ${directory.schoolIds().join(', ') || 'ingen'}.`,
    );
  }
  if (procedureId !== undefined && procedureId !== school.procedureId) {
    throw new WrongProcedureError(
      `Skolen «${schoolId}» (${school.name}) følger rutinen «${school.procedureId}», ikke «${procedureId}». Utelat --procedure, eller bruk skolens rutine.`,
    );
  }
  return {
    procedure: getProcedure(school.procedureId, version),
    ...(school.policyOverrides ? { policyOverrides: school.policyOverrides } : {}),
  };
}
