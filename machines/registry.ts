/**
 * The registry of procedures: id + version → machine, policy schema with the seed's defaults,
 * display name, opening rules and clauses. A running case records the id and version it started
 * with and keeps them for its whole life; a new version is added beside the old, never over it.
 */
import type { AnyStateMachine } from 'xstate';
import type { z } from 'zod';
import { type CaseFacts, type CaseInput, caseFactsSchema } from './case-context';
import type { Clause } from './meta';
import { resolvePolicy } from './policy';
import type { TriggerRule } from './vocabulary';
import {
  TILTAKSPLAN_ID,
  tiltaksplanClauses,
  tiltaksplanMachine,
  tiltaksplanOpeningRules,
  tiltaksplanPolicySchema,
} from './tiltaksplan-elevfravaer';
import {
  RAELINGEN_ID,
  raelingenClauses,
  raelingenMachine,
  raelingenOpeningRules,
  raelingenPolicySchema,
} from './raelingen-veileder';
import {
  PLAN_FOR_SKOLENAERVAER_ID,
  planForSkolenaervaerClauses,
  planForSkolenaervaerMachine,
  planForSkolenaervaerOpeningRules,
  planForSkolenaervaerPolicySchema,
} from './plan-for-skolenaervaer';
import {
  HARDANGER_ID,
  hardangerClauses,
  hardangerMachine,
  hardangerOpeningRules,
  hardangerPolicySchema,
} from './hardanger-handlingsplan';
import { describeIssues } from './zod-issues';

export interface ProcedureDefinition {
  id: string;
  version: number;
  /** Norwegian name shown to users. */
  displayName: string;
  /** Municipality or body that owns the written procedure. */
  owner: string;
  /** The seed document the machine implements. */
  seed: string;
  machine: AnyStateMachine;
  policySchema: z.ZodObject;
  /** Absence patterns that may open a case under this procedure. */
  openingRules: readonly TriggerRule[];
  clauses: readonly Clause[];
  /**
   * Delays that mark no lateness when they fire (a planned period ending, a routine weekly
   * look); every other delay that fires means something was due, and the case is flagged
   * overdue until someone acts on it.
   */
  routineDelays: readonly string[];
}

/** Thrown for an unknown procedure or version, or invalid case input; the message says which. */
export class ProcedureError extends Error {
  override name = 'ProcedureError';
}

const definitions: readonly ProcedureDefinition[] = [
  {
    id: PLAN_FOR_SKOLENAERVAER_ID,
    version: 1,
    displayName: 'Plan for skolenærvær',
    owner: 'Kommunen',
    seed: 'seeds/000_1c05628d5467a2d6.txt',
    machine: planForSkolenaervaerMachine,
    policySchema: planForSkolenaervaerPolicySchema,
    openingRules: planForSkolenaervaerOpeningRules,
    clauses: planForSkolenaervaerClauses,
    routineDelays: ['monitoringPeriod'],
  },
  {
    id: TILTAKSPLAN_ID,
    version: 1,
    displayName: 'Tiltaksplan ved elevfravær – faser for tidlig innsats',
    owner: 'Kommunens rektormøte (vedtatt 10.03.2021)',
    seed: 'seeds/002_33c187d867be8387.txt',
    machine: tiltaksplanMachine,
    policySchema: tiltaksplanPolicySchema,
    openingRules: tiltaksplanOpeningRules,
    clauses: tiltaksplanClauses,
    routineDelays: ['threeDayPlanPeriod', 'monitoringPeriod'],
  },
  {
    id: RAELINGEN_ID,
    version: 1,
    displayName: 'Fravær i barnehager og skoler – en praktisk og faglig veileder',
    owner: 'Rælingen kommune',
    seed: 'seeds/004_53de83eb73d91c3c.txt',
    machine: raelingenMachine,
    policySchema: raelingenPolicySchema,
    openingRules: raelingenOpeningRules,
    clauses: raelingenClauses,
    routineDelays: ['weeklyAbsenceSummary', 'monitoringPeriod'],
  },
  {
    id: HARDANGER_ID,
    version: 1,
    displayName: 'Handlingsplan ved bekymring rundt fravær',
    owner: 'Hardanger',
    seed: 'seeds/001_2f6c982ea20012d9.txt',
    machine: hardangerMachine,
    policySchema: hardangerPolicySchema,
    openingRules: hardangerOpeningRules,
    clauses: hardangerClauses,
    routineDelays: ['monitoringPeriod'],
  },
];

/** Every registered procedure version. */
export function listProcedures(): readonly ProcedureDefinition[] {
  return definitions;
}

/** The newest version of a procedure. */
export function latestVersion(id: string): number {
  const versions = definitions.filter((d) => d.id === id).map((d) => d.version);
  if (versions.length === 0) throw new ProcedureError(`Unknown procedure "${id}"; known: ${knownIds()}`);
  return Math.max(...versions);
}

/** A procedure by id and version (default: newest). */
export function getProcedure(id: string, version?: number): ProcedureDefinition {
  const wanted = version ?? latestVersion(id);
  const found = definitions.find((d) => d.id === id && d.version === wanted);
  if (!found) {
    const has = definitions.filter((d) => d.id === id).map((d) => d.version);
    throw new ProcedureError(
      has.length === 0
        ? `Unknown procedure "${id}"; known: ${knownIds()}`
        : `Procedure "${id}" has no version ${wanted}; versions: ${has.join(', ')}`,
    );
  }
  return found;
}

/**
 * Validates case facts and policy overrides for a procedure and builds the machine input.
 * Refuses a trigger the procedure does not open on, naming the allowed ones.
 */
export function buildCaseInput(procedure: ProcedureDefinition, facts: unknown, policyOverrides?: unknown): CaseInput<unknown> {
  const parsed = caseFactsSchema.safeParse(facts);
  if (!parsed.success) {
    const lines = describeIssues(parsed.error);
    throw new ProcedureError(`Invalid case for ${procedure.id}: ${lines.join('; ')}`);
  }
  const caseFacts: CaseFacts = parsed.data;
  if (!procedure.openingRules.includes(caseFacts.trigger.rule)) {
    throw new ProcedureError(
      `Procedure ${procedure.id} does not open a case on "${caseFacts.trigger.rule}"; it opens on: ${procedure.openingRules.join(', ')}`,
    );
  }
  return { ...caseFacts, policy: resolvePolicy(procedure.policySchema, policyOverrides, procedure.id) };
}

function knownIds(): string {
  return [...new Set(definitions.map((d) => d.id))].join(', ');
}
