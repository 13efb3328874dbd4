/**
 * The registry of procedures: id + version → machine, policy schema with the seed's defaults,
 * display name, opening rules and clauses. A running case records the id and version it started
 * with and keeps them for its whole life; a new version is added beside the old, never over it.
 */
import type { AnyStateMachine } from 'xstate';
import type { z } from 'zod';
import { caseFactsSchema as legacyFactsSchema } from './v1/case-context';
import type { ExtraSenders } from './authorization';
import type { AbsenceTrigger } from './events';
import { triggerRuleNames } from './labels';
import { BUP_REFERRERS, type CaseFacts, type CaseInput, caseFactsSchema } from './case-context';
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
  type RaelingenPolicy,
  isWorryingAbsence,
  raelingenClauses,
  raelingenMachine,
  raelingenOpeningRules,
  raelingenPolicySchema,
} from './raelingen-veileder';
import {
  PLAN_FOR_SKOLENAERVAER_ID,
  type PlanForSkolenaervaerPolicy,
  planForSkolenaervaerClauses,
  planForSkolenaervaerMachine,
  planForSkolenaervaerOpeningRules,
  planForSkolenaervaerPolicySchema,
} from './plan-for-skolenaervaer';
import { HARDANGER_ID, hardangerClauses, hardangerMachine, hardangerOpeningRules, hardangerPolicySchema } from './hardanger-handlingsplan';
import * as tiltaksplanV1 from './v1/tiltaksplan-elevfravaer';
import * as raelingenV1 from './v1/raelingen-veileder';
import * as planForSkolenaervaerV1 from './v1/plan-for-skolenaervaer';
import * as hardangerV1 from './v1/hardanger-handlingsplan';
import { describeIssues, parseOptions } from './zod-issues';

export interface ProcedureDefinition {
  id: string;
  version: number;
  /** Norwegian name shown to users. */
  displayName: string;
  /** A short Norwegian name for lists and tables. */
  shortName: string;
  /** Municipality or body that owns the written procedure. */
  owner: string;
  /** The product's specification of the procedure (its source document, rules, judgement calls), relative to the repository root. */
  specification: string;
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
  /** Roles that may send an event beyond the responsible roles of the step that takes it (see authorization.ts). */
  extraSenders: ExtraSenders;
  /**
   * Why a person may not open a case on this trigger under this policy (Norwegian), or undefined
   * when they may: a counted trigger below the procedure's own limit is no worrying absence.
   * Checked where a person opens a case by hand; detection opens only on its own thresholds.
   */
  openingCheck?: (trigger: AbsenceTrigger, policy: unknown) => string | undefined;
}

/** A: "absence over 10 days" opens Trinn 1 only when the trigger counts more days than the limit (A.T1.0). */
function planForSkolenaervaerOpeningCheck(trigger: AbsenceTrigger, policy: unknown): string | undefined {
  const limit = (policy as PlanForSkolenaervaerPolicy).worryingAbsenceOverDays;
  if (trigger.rule !== 'days-over-limit' || (trigger.days ?? 0) > limit) return undefined;
  return `Rutinen åpner sak på «${triggerRuleNames[trigger.rule]}» bare ved mer enn ${limit} dager; utløseren har ${trigger.days ?? 0}.`;
}

/** E: counted absence opens a case only over 8 days and/or 10 lessons (E.S5a), valid absence at 10 days (E.DS). */
function raelingenOpeningCheck(trigger: AbsenceTrigger, policy: unknown): string | undefined {
  const p = policy as RaelingenPolicy;
  if (isWorryingAbsence(trigger, p)) return undefined;
  return trigger.rule === 'valid-absence-half-year'
    ? `Rutinen åpner sak på «${triggerRuleNames[trigger.rule]}» først ved ${p.validAbsenceDaysPerHalfYear} dager; utløseren har ${trigger.days ?? 0}.`
    : `Rutinen åpner sak på «${triggerRuleNames[trigger.rule]}» bare ved mer enn ${p.worryingAbsenceOverDays} dager eller ${p.worryingAbsenceOverLessons} enkelttimer; utløseren har ${trigger.days ?? 0} dager og ${trigger.lessons ?? 0} timer.`;
}

/**
 * Senders every procedure adds: a BUP referral is made by child welfare, a psychologist or the
 * GP (E.BUP1), who are not responsible for any school step.
 */
const nationalExtraSenders: ExtraSenders = { 'referral.sent': BUP_REFERRERS };

/** Thrown for an unknown procedure or version, or invalid case input; the message says which. */
export class ProcedureError extends Error {
  override name = 'ProcedureError';
}

/** What every version of a procedure shares: who owns it, what it is called, its source. */
const procedureInfo = {
  [PLAN_FOR_SKOLENAERVAER_ID]: {
    displayName: 'Plan for skolenærvær',
    shortName: 'Skolenærvær',
    owner: 'Kommunen',
    specification: 'docs/procedures/plan-for-skolenaervaer.md',
  },
  [TILTAKSPLAN_ID]: {
    displayName: 'Tiltaksplan ved elevfravær – faser for tidlig innsats',
    shortName: 'Tiltaksplan elevfravær',
    owner: 'Kommunens rektormøte (vedtatt 10.03.2021)',
    specification: 'docs/procedures/tiltaksplan-elevfravaer.md',
  },
  [RAELINGEN_ID]: {
    displayName: 'Fravær i barnehager og skoler – en praktisk og faglig veileder',
    shortName: 'Rælingen-veilederen',
    owner: 'Rælingen kommune',
    specification: 'docs/procedures/raelingen-veileder.md',
  },
  [HARDANGER_ID]: {
    displayName: 'Handlingsplan ved bekymring rundt fravær',
    shortName: 'Handlingsplan Hardanger',
    owner: 'Hardanger',
    specification: 'docs/procedures/hardanger-handlingsplan.md',
  },
} as const;

/**
 * Version 1 of each procedure, frozen in machines/v1/: the charts cases opened before version 2
 * run on until they close. Version 2 (machines/*.ts) is what new cases open on.
 */
const version1: readonly ProcedureDefinition[] = [
  {
    id: PLAN_FOR_SKOLENAERVAER_ID,
    version: 1,
    ...procedureInfo[PLAN_FOR_SKOLENAERVAER_ID],
    machine: planForSkolenaervaerV1.planForSkolenaervaerMachine,
    policySchema: planForSkolenaervaerV1.planForSkolenaervaerPolicySchema,
    openingRules: planForSkolenaervaerV1.planForSkolenaervaerOpeningRules,
    clauses: planForSkolenaervaerV1.planForSkolenaervaerClauses,
    routineDelays: ['monitoringPeriod'],
    extraSenders: nationalExtraSenders,
  },
  {
    id: TILTAKSPLAN_ID,
    version: 1,
    ...procedureInfo[TILTAKSPLAN_ID],
    machine: tiltaksplanV1.tiltaksplanMachine,
    policySchema: tiltaksplanV1.tiltaksplanPolicySchema,
    openingRules: tiltaksplanV1.tiltaksplanOpeningRules,
    clauses: tiltaksplanV1.tiltaksplanClauses,
    routineDelays: ['threeDayPlanPeriod', 'monitoringPeriod'],
    extraSenders: nationalExtraSenders,
  },
  {
    id: RAELINGEN_ID,
    version: 1,
    ...procedureInfo[RAELINGEN_ID],
    machine: raelingenV1.raelingenMachine,
    policySchema: raelingenV1.raelingenPolicySchema,
    openingRules: raelingenV1.raelingenOpeningRules,
    clauses: raelingenV1.raelingenClauses,
    routineDelays: ['weeklyAbsenceSummary', 'monitoringPeriod'],
    extraSenders: nationalExtraSenders,
  },
  {
    id: HARDANGER_ID,
    version: 1,
    ...procedureInfo[HARDANGER_ID],
    machine: hardangerV1.hardangerMachine,
    policySchema: hardangerV1.hardangerPolicySchema,
    openingRules: hardangerV1.hardangerOpeningRules,
    clauses: hardangerV1.hardangerClauses,
    routineDelays: ['monitoringPeriod'],
    extraSenders: nationalExtraSenders,
  },
];

/** The current version of each procedure: what new cases open on. */
const current: readonly ProcedureDefinition[] = [
  {
    id: PLAN_FOR_SKOLENAERVAER_ID,
    version: 2,
    openingCheck: planForSkolenaervaerOpeningCheck,
    ...procedureInfo[PLAN_FOR_SKOLENAERVAER_ID],
    machine: planForSkolenaervaerMachine,
    policySchema: planForSkolenaervaerPolicySchema,
    openingRules: planForSkolenaervaerOpeningRules,
    clauses: planForSkolenaervaerClauses,
    routineDelays: ['monitoringPeriod'],
    // The school nurse records her own conversations at any level (A.T2.1b, A.T3.1a).
    extraSenders: { ...nationalExtraSenders, 'schoolNurse.conversationHeld': ['school-nurse'] },
  },
  {
    id: TILTAKSPLAN_ID,
    version: 2,
    ...procedureInfo[TILTAKSPLAN_ID],
    machine: tiltaksplanMachine,
    policySchema: tiltaksplanPolicySchema,
    openingRules: tiltaksplanOpeningRules,
    clauses: tiltaksplanClauses,
    // Planned periods ending: the three-day plan, follow-up after improvement, and the rest of a
    // case put aside for illness. Every reminder marks a step a person owes (contact, plan,
    // meeting, evaluation, closing).
    routineDelays: ['threeDayPlanPeriod', 'monitoringPeriod', 'illnessRestPeriod'],
    extraSenders: nationalExtraSenders,
  },
  {
    id: RAELINGEN_ID,
    version: 2,
    openingCheck: raelingenOpeningCheck,
    ...procedureInfo[RAELINGEN_ID],
    machine: raelingenMachine,
    policySchema: raelingenPolicySchema,
    openingRules: raelingenOpeningRules,
    clauses: raelingenClauses,
    // The weekly look and the end of follow-up after improvement are planned; every other delay is a step someone owes.
    routineDelays: ['weeklyAbsenceSummary', 'monitoringPeriod'],
    // The school nurse records her own conversations (E.S8); she is responsible for no school step.
    extraSenders: { ...nationalExtraSenders, 'schoolNurse.conversationHeld': ['school-nurse'] },
  },
  {
    id: HARDANGER_ID,
    version: 2,
    ...procedureInfo[HARDANGER_ID],
    machine: hardangerMachine,
    policySchema: hardangerPolicySchema,
    openingRules: hardangerOpeningRules,
    clauses: hardangerClauses,
    // Only the seed's two weeks (B.N2a, B.G3), the overdue agreed evaluation and the pending
    // report of concern mark a step a person owes. The rest nudge where the seed sets no time
    // (the Nivå 0 discussion, the Nivå 1 conversations, the review after the report), mark the day
    // an evaluation becomes due, or end the planned monitoring period.
    routineDelays: [
      'monitoringPeriod',
      'evaluationOnAgreedDate',
      'childWelfareFollowUpReview',
      'concernDiscussionReminder',
      'conversationReminder',
      'scheduledConversationReminder',
      'pupilConversationReminder',
    ],
    // The school nurse records the conversations the nurse holds (B.N2a names the nurse at Nivå 2).
    extraSenders: { ...nationalExtraSenders, 'schoolNurse.conversationHeld': ['school-nurse'] },
  },
];

const definitions: readonly ProcedureDefinition[] = [...version1, ...current];

/** Every registered procedure version, old ones included. */
export function listProcedures(): readonly ProcedureDefinition[] {
  return definitions;
}

/**
 * The newest version of each procedure: what new cases open on, and what diagrams, the
 * traceability table and the audit describe. Older versions only finish the cases opened on them.
 */
export function currentProcedures(): readonly ProcedureDefinition[] {
  return current;
}

/** The newest version of a procedure. */
export function latestVersion(id: string): number {
  const versions = definitions.filter((d) => d.id === id).map((d) => d.version);
  if (versions.length === 0) throw new ProcedureError(`Ukjent rutine «${id}». Kjente rutiner: ${knownIds()}.`);
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
        ? `Ukjent rutine «${id}». Kjente rutiner: ${knownIds()}.`
        : `Rutinen «${id}» har ingen versjon ${wanted}. Versjoner: ${has.join(', ')}.`,
    );
  }
  return found;
}

/**
 * The case facts as they were checked before school ids, pupil ids and grades had one rule
 * (identifiers.ts): the workflow replays runs started before then with it, because a run that
 * once opened must open the same way again on replay.
 */
export const legacyCaseFactsSchema: z.ZodType<CaseFacts> = legacyFactsSchema;

/**
 * Validates case facts and policy overrides for a procedure and builds the machine input.
 * `factsSchema` is the facts' rule: the current one unless a replay of an older run needs the old.
 * Refuses a trigger the procedure does not open on, naming the allowed ones.
 */
export function buildCaseInput(
  procedure: ProcedureDefinition,
  facts: unknown,
  policyOverrides?: unknown,
  factsSchema: z.ZodType<CaseFacts> = caseFactsSchema,
): CaseInput<unknown> {
  const parsed = factsSchema.safeParse(facts, parseOptions);
  if (!parsed.success) {
    const lines = describeIssues(parsed.error, '(saken)', facts);
    throw new ProcedureError(`Ugyldig sak for rutinen ${procedure.id}: ${lines.join('; ')}`);
  }
  const caseFacts: CaseFacts = parsed.data;
  if (!procedure.openingRules.includes(caseFacts.trigger.rule)) {
    throw new ProcedureError(
      `Rutinen ${procedure.id} åpner ikke sak på «${caseFacts.trigger.rule}». Den åpner på: ${procedure.openingRules.join(', ')}.`,
    );
  }
  return { ...caseFacts, policy: resolvePolicy(procedure.policySchema, policyOverrides, procedure.id) };
}

function knownIds(): string {
  return [...new Set(definitions.map((d) => d.id))].join(', ');
}
