/**
 * What a case is opened with, checked against the school directory: the school must be in it,
 * and the case follows the school's procedure with its municipality's policy. Detection already
 * opens cases this way; a person opening a case by hand (the CLI, the web application, the API)
 * goes through the same check, so no case opens for an unknown school or under another
 * municipality's procedure.
 */
import type { AbsenceTrigger } from '../machines/events';
import { resolvePolicy } from '../machines/policy';
import { randomUUID } from 'node:crypto';
import { type ProcedureDefinition, buildCaseInput, getProcedure } from '../machines/registry';
import type { CaseWorkflowInput } from '../workflows/case-messages';
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

/** A case a person opens by hand (a contact teacher's concern; procedure B starts this way). */
export interface OpenCaseRequest {
  schoolId: string;
  pupilId: string;
  grade: number;
  trigger: AbsenceTrigger;
  /** When given, must be the school's own procedure. */
  procedureId?: string;
  version?: number;
  /** Default: a new random id. */
  caseId?: string;
  /** When the case is opened (ISO date-time). */
  openedAt: string;
}

/**
 * Opens a case by hand through the same checks as detection and the CLI: the school's own
 * procedure and policy, valid facts, a trigger the procedure opens on and meets its limit.
 * Throws UnknownSchoolError, WrongProcedureError, TriggerBelowLimitError, ProcedureError (bad
 * facts or a rule the procedure does not open on) or the client's CaseAlreadyOpenError.
 */
export async function openCaseByHand(
  deps: { cases: { open(input: CaseWorkflowInput): Promise<string> }; schools: SchoolDirectory },
  request: OpenCaseRequest,
): Promise<string> {
  const opening = resolveOpening(deps.schools, request.schoolId, request.procedureId, request.version);
  const { procedure, policyOverrides } = opening;
  const facts = {
    caseId: request.caseId ?? randomUUID(),
    pupilId: request.pupilId,
    schoolId: request.schoolId,
    grade: request.grade,
    openedAt: request.openedAt,
    trigger: request.trigger,
  };
  // Refuse bad input before anything starts.
  buildCaseInput(procedure, facts, policyOverrides);
  checkOpeningTrigger(opening, request.trigger);
  return deps.cases.open({
    procedureId: procedure.id,
    procedureVersion: procedure.version,
    facts,
    ...(policyOverrides ? { policyOverrides } : {}),
  });
}
