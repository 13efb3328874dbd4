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
import { commonDetectionPolicy } from './detection-policy';
import { resolvePolicy } from './policy';
import { type ProcedureDefinition, type ProcedureDefinitionOf, defineProcedure, nationalRulesSummary } from './procedure-definition';
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
  resumeStageOf,
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

export type { HistorySummary, ProcedureDefinition, ProcedureDetection } from './procedure-definition';
export { defineProcedure } from './procedure-definition';

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

/**
 * What every version of a procedure shares: who owns it, what it is called, its source, what
 * detection raises for it with which thresholds, and the history its guards read (for the audit).
 */
const procedureInfo = {
  [PLAN_FOR_SKOLENAERVAER_ID]: {
    displayName: 'Plan for skolenærvær',
    shortName: 'Skolenærvær',
    owner: 'Kommunen',
    specification: 'docs/procedures/plan-for-skolenaervaer.md',
    detection: {
      // Seed 000 §5.1: no notice within 3 days ⇒ the school contacts the guardians (all grades);
      // Trinn 1: absence over 10 days.
      defaults: commonDetectionPolicy,
      rules: ['unnotified-absence', 'days-over-limit'],
      noticeClause: 'A.5.1c',
    },
    historySummary: nationalRulesSummary,
  },
  [TILTAKSPLAN_ID]: {
    displayName: 'Tiltaksplan ved elevfravær – faser for tidlig innsats',
    shortName: 'Tiltaksplan elevfravær',
    owner: 'Kommunens rektormøte (vedtatt 10.03.2021)',
    specification: 'docs/procedures/tiltaksplan-elevfravaer.md',
    detection: {
      // Seed 002 §1.2: without notice the school contacts the home (the first school day, all grades);
      // §2: 3 consecutive days, 4 single days within a month, repeated partial absence.
      defaults: { ...commonDetectionPolicy, unnotifiedPrimaryBySchoolDay: 1, unnotifiedLowerSecondaryBySchoolDay: 1 },
      rules: ['unnotified-absence', 'consecutive-days', 'single-days-in-month', 'partial-days-in-month'],
      noticeClause: 'C.1.2',
    },
    historySummary: nationalRulesSummary,
  },
  [RAELINGEN_ID]: {
    displayName: 'Fravær i barnehager og skoler – en praktisk og faglig veileder',
    shortName: 'Rælingen-veilederen',
    owner: 'Rælingen kommune',
    specification: 'docs/procedures/raelingen-veileder.md',
    detection: {
      // Seed 004 school routine: barnetrinn contacts the home immediately (day 1), ungdomsskole by
      // the third day; over 8 days and/or 10 single lessons; 10 valid days in a half-year. Its
      // danger signs name invalid absence from single lessons and whole days.
      defaults: { ...commonDetectionPolicy, unnotifiedPrimaryBySchoolDay: 1, unnotifiedLowerSecondaryBySchoolDay: 3 },
      // Every pattern that opens a case but a staff member's concern, which a person reports.
      rules: raelingenOpeningRules.filter((rule) => rule !== 'staff-concern'),
      noticeClause: 'E.S4',
    },
    // E returns from "child welfare first" to the stage its history shows (`resumeStageOf`, which
    // reads the documents and the latest trend) and allows a BUP referral only after an
    // agreement was made and evaluated; the summary keeps exactly those answers, so the latest
    // trend and the evaluation count need not be kept beside them.
    historySummary: {
      summary: (context) => [
        resumeStageOf(context as Parameters<typeof resumeStageOf>[0]),
        context.documents.some((d) => d.eventType === 'cooperationAgreement.signed') && context.evaluations > 0,
      ],
      replaces: ['lastTrend', 'evaluations'],
    },
  },
  [HARDANGER_ID]: {
    displayName: 'Handlingsplan ved bekymring rundt fravær',
    shortName: 'Handlingsplan Hardanger',
    owner: 'Hardanger',
    specification: 'docs/procedures/hardanger-handlingsplan.md',
    detection: {
      // Seed 001 Nivå 0: guardians give notice on the first day of every absence. Hardanger opens
      // on suspected invalid absence a person reports, but its plan names no such sign to detect.
      defaults: { ...commonDetectionPolicy, unnotifiedPrimaryBySchoolDay: 1, unnotifiedLowerSecondaryBySchoolDay: 1 },
      rules: ['unnotified-absence'],
      noticeClause: 'B.N0a',
    },
    historySummary: nationalRulesSummary,
  },
} satisfies Record<
  string,
  Omit<ProcedureDefinition, 'id' | 'version' | 'machine' | 'policySchema' | 'openingRules' | 'clauses' | 'routineDelays' | 'extraSenders'>
>;

/** What one version of a procedure brings of its own: its chart and what belongs to the chart. */
type ProcedureVersionParts<M extends AnyStateMachine> = Pick<
  ProcedureDefinitionOf<M>,
  'machine' | 'policySchema' | 'openingRules' | 'clauses' | 'routineDelays'
> &
  Partial<Pick<ProcedureDefinition, 'openingCheck' | 'extraSenders'>>;

/**
 * Version `version` of procedure `id`: what every version of it shares (`procedureInfo`), the
 * senders every procedure adds (unless the version names its own), and the version's own parts.
 */
function procedureVersion<M extends AnyStateMachine>(
  id: keyof typeof procedureInfo,
  version: number,
  parts: ProcedureVersionParts<M>,
): ProcedureDefinition {
  return defineProcedure<M>({ id, version, ...procedureInfo[id], extraSenders: nationalExtraSenders, ...parts });
}

/**
 * Version 1 of each procedure, frozen in machines/v1/: the charts cases opened before version 2
 * run on until they close. Version 2 (machines/*.ts) is what new cases open on.
 */
const version1: readonly ProcedureDefinition[] = [
  procedureVersion(PLAN_FOR_SKOLENAERVAER_ID, 1, {
    machine: planForSkolenaervaerV1.planForSkolenaervaerMachine,
    policySchema: planForSkolenaervaerV1.planForSkolenaervaerPolicySchema,
    openingRules: planForSkolenaervaerV1.planForSkolenaervaerOpeningRules,
    clauses: planForSkolenaervaerV1.planForSkolenaervaerClauses,
    routineDelays: ['monitoringPeriod'],
  }),
  procedureVersion(TILTAKSPLAN_ID, 1, {
    machine: tiltaksplanV1.tiltaksplanMachine,
    policySchema: tiltaksplanV1.tiltaksplanPolicySchema,
    openingRules: tiltaksplanV1.tiltaksplanOpeningRules,
    clauses: tiltaksplanV1.tiltaksplanClauses,
    routineDelays: ['threeDayPlanPeriod', 'monitoringPeriod'],
  }),
  procedureVersion(RAELINGEN_ID, 1, {
    machine: raelingenV1.raelingenMachine,
    policySchema: raelingenV1.raelingenPolicySchema,
    openingRules: raelingenV1.raelingenOpeningRules,
    clauses: raelingenV1.raelingenClauses,
    routineDelays: ['weeklyAbsenceSummary', 'monitoringPeriod'],
  }),
  procedureVersion(HARDANGER_ID, 1, {
    machine: hardangerV1.hardangerMachine,
    policySchema: hardangerV1.hardangerPolicySchema,
    openingRules: hardangerV1.hardangerOpeningRules,
    clauses: hardangerV1.hardangerClauses,
    routineDelays: ['monitoringPeriod'],
  }),
];

/** The current version of each procedure: what new cases open on. */
const current: readonly ProcedureDefinition[] = [
  procedureVersion(PLAN_FOR_SKOLENAERVAER_ID, 2, {
    openingCheck: planForSkolenaervaerOpeningCheck,
    machine: planForSkolenaervaerMachine,
    policySchema: planForSkolenaervaerPolicySchema,
    openingRules: planForSkolenaervaerOpeningRules,
    clauses: planForSkolenaervaerClauses,
    routineDelays: ['monitoringPeriod'],
    // The school nurse records her own conversations at any level (A.T2.1b, A.T3.1a).
    extraSenders: { ...nationalExtraSenders, 'schoolNurse.conversationHeld': ['school-nurse'] },
  }),
  procedureVersion(TILTAKSPLAN_ID, 2, {
    machine: tiltaksplanMachine,
    policySchema: tiltaksplanPolicySchema,
    openingRules: tiltaksplanOpeningRules,
    clauses: tiltaksplanClauses,
    // Planned periods ending: the three-day plan, follow-up after improvement, and the rest of a
    // case put aside for illness. Every reminder marks a step a person owes (contact, plan,
    // meeting, evaluation, closing).
    routineDelays: ['threeDayPlanPeriod', 'monitoringPeriod', 'illnessRestPeriod'],
  }),
  procedureVersion(RAELINGEN_ID, 2, {
    openingCheck: raelingenOpeningCheck,
    machine: raelingenMachine,
    policySchema: raelingenPolicySchema,
    openingRules: raelingenOpeningRules,
    clauses: raelingenClauses,
    // The weekly look and the end of follow-up after improvement are planned; every other delay is a step someone owes.
    routineDelays: ['weeklyAbsenceSummary', 'monitoringPeriod'],
    // The school nurse records her own conversations (E.S8); she is responsible for no school step.
    extraSenders: { ...nationalExtraSenders, 'schoolNurse.conversationHeld': ['school-nurse'] },
  }),
  procedureVersion(HARDANGER_ID, 2, {
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
  }),
];

/**
 * A set of procedure versions and how to look them up. The system has one
 * (`procedureRegistry`); detection, the audit, the diagrams and the traceability table take one
 * as a parameter defaulting to it, so a test can run its own procedure through all of them.
 */
export interface ProcedureRegistry {
  /** Every registered procedure version, old ones included. */
  list(): readonly ProcedureDefinition[];
  /**
   * The newest version of each procedure: what new cases open on, and what diagrams, the
   * traceability table and the audit describe. Older versions only finish the cases opened on them.
   */
  current(): readonly ProcedureDefinition[];
  /** The newest version of a procedure. */
  latestVersion(id: string): number;
  /** A procedure by id and version (default: newest); throws ProcedureError naming what exists. */
  get(id: string, version?: number): ProcedureDefinition;
  /** Is a procedure with this id registered? */
  has(id: string): boolean;
  /** The registered procedure ids, in registration order. */
  ids(): string[];
  /**
   * Adds a procedure version (refused when that version is already registered). The system's
   * procedures are all registered where the registry is made; this is how a test's workflow
   * bundle adds its own procedure to the registry the case workflow reads
   * (test/fixtures/example-case-runtime.ts).
   */
  register(definition: ProcedureDefinition): void;
}

/**
 * A registry of `definitions`; each procedure's newest version is its current one. Refuses two
 * definitions with the same id and version, and a newest version whose detection raises a trigger
 * it does not open on.
 */
export function createProcedureRegistry(initial: readonly ProcedureDefinition[]): ProcedureRegistry {
  const definitions: ProcedureDefinition[] = [];
  let current: ProcedureDefinition[] = [];
  const ids = (): string[] => [...new Set(definitions.map((d) => d.id))];
  const latestVersion = (id: string): number => {
    const versions = definitions.filter((d) => d.id === id).map((d) => d.version);
    if (versions.length === 0) throw new ProcedureError(`Ukjent rutine «${id}». Kjente rutiner: ${ids().join(', ')}.`);
    return Math.max(...versions);
  };
  const add = (added: readonly ProcedureDefinition[]): void => {
    for (const d of added) {
      if (definitions.some((known) => known.id === d.id && known.version === d.version)) {
        throw new ProcedureError(`Rutinen «${d.id}» versjon ${d.version} er registrert to ganger.`);
      }
      definitions.push(d);
    }
    current = ids().map((id) => {
      const newest = latestVersion(id);
      return definitions.find((d) => d.id === id && d.version === newest) as ProcedureDefinition;
    });
    // Detection opens cases on the newest version, so what it raises must open a case there.
    for (const d of current) {
      const undetectable = d.detection.rules.filter((rule) => !d.openingRules.includes(rule));
      if (undetectable.length > 0) {
        throw new ProcedureError(
          `Rutinen ${d.id} v${d.version}: deteksjonen reiser ${undetectable.join(', ')}, som ikke åpner sak i rutinen.`,
        );
      }
    }
  };
  add(initial);
  return {
    list: () => definitions,
    current: () => current,
    latestVersion,
    has: (id) => definitions.some((d) => d.id === id),
    ids,
    register: (definition) => add([definition]),
    get(id, version) {
      const wanted = version ?? latestVersion(id);
      const found = definitions.find((d) => d.id === id && d.version === wanted);
      if (!found) {
        const has = definitions.filter((d) => d.id === id).map((d) => d.version);
        throw new ProcedureError(
          has.length === 0
            ? `Ukjent rutine «${id}». Kjente rutiner: ${ids().join(', ')}.`
            : `Rutinen «${id}» har ingen versjon ${wanted}. Versjoner: ${has.join(', ')}.`,
        );
      }
      return found;
    },
  };
}

/** The system's procedures: every version of the four municipal procedures. */
export const procedureRegistry: ProcedureRegistry = createProcedureRegistry([...version1, ...current]);

/** Every registered procedure version, old ones included. */
export function listProcedures(): readonly ProcedureDefinition[] {
  return procedureRegistry.list();
}

/**
 * The newest version of each procedure: what new cases open on, and what diagrams, the
 * traceability table and the audit describe. Older versions only finish the cases opened on them.
 */
export function currentProcedures(): readonly ProcedureDefinition[] {
  return procedureRegistry.current();
}

/** The newest version of a procedure. */
export function latestVersion(id: string): number {
  return procedureRegistry.latestVersion(id);
}

/** A procedure by id and version (default: newest). */
export function getProcedure(id: string, version?: number): ProcedureDefinition {
  return procedureRegistry.get(id, version);
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
