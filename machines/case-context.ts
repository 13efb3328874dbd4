/**
 * The context every procedure machine keeps, the input a case starts with, and the actions and
 * guards all procedures share (recording documents, consent, the pupil's voice, suspicions).
 * One shape for all machines, generic only in the procedure's policy, so the workflow host,
 * the dashboard and the audit read every case the same way.
 */
import { assign } from 'xstate';
import { z } from 'zod';
import { type AbsenceTrigger, type Actor, type CaseEvent, absenceTriggerSchema, isoDateTimeSchema } from './events';
import { gradeSchema, pupilIdSchema, schoolIdSchema } from './identifiers';
import type { DocumentKind, MeetingKind, Role, Service, SuspicionKind, Trend } from './vocabulary';

/** What a case is opened with. The policy is the procedure's, resolved by the registry. */
export const caseInputFields = {
  caseId: z.string().trim().min(1, 'sak-id kan ikke være tom'),
  /** The documented safe id patterns (identifiers.ts): the school and pupil make the workflow id. */
  pupilId: pupilIdSchema,
  schoolId: schoolIdSchema,
  /** Grades 1–10, the same rule as the intake's. */
  grade: gradeSchema,
  openedAt: isoDateTimeSchema,
  /** The absence pattern that opened the case. */
  trigger: absenceTriggerSchema,
};
export const caseFactsSchema = z.strictObject(caseInputFields);
export type CaseFacts = z.infer<typeof caseFactsSchema>;

/** A machine's input: the case facts plus its resolved policy. */
export type CaseInput<P> = CaseFacts & { policy: P };

/** A document on file for the case. */
export interface FiledDocument {
  kind: DocumentKind;
  ref: string;
  at: string;
  by: Actor;
  /** The event that filed it. */
  eventType: CaseEvent['type'];
  /** For minutes of a meeting: which meeting, so a step can count from the meeting it needs. */
  meeting?: MeetingKind;
}

/** Context of every procedure machine. */
export interface CaseContext<P> extends CaseFacts {
  policy: P;
  /** Every document filed, in order. */
  documents: FiledDocument[];
  /** Index into `documents` where the current stage began; a stage's requirements count from here. */
  stageDocumentStart: number;
  /** Absence triggers seen, the opening one first. */
  triggers: AbsenceTrigger[];
  /** Services the guardians currently consent to. */
  consents: Service[];
  /** Services a referral was sent to. */
  referrals: Service[];
  /** The pupil's own view is on file (Udir: before measures are agreed). */
  pupilVoiceRecorded: boolean;
  suspicions: SuspicionKind[];
  childWelfareConsulted: boolean;
  /** The latest trend reported by detection or an evaluation. */
  lastTrend?: Trend;
  /** The agreed evaluation date (yyyy-MM-dd), once measures are agreed. */
  evaluationDate?: string;
  /** How many evaluations have been held. */
  evaluations: number;
  /** How many school-nurse conversations have been held. */
  nurseConversations: number;
}

/** Builds the initial context from a machine's input. */
export function initialCaseContext<P>(input: CaseInput<P>): CaseContext<P> {
  return {
    caseId: input.caseId,
    pupilId: input.pupilId,
    schoolId: input.schoolId,
    grade: input.grade,
    openedAt: input.openedAt,
    trigger: input.trigger,
    policy: input.policy,
    documents: [],
    stageDocumentStart: 0,
    triggers: [input.trigger],
    consents: [],
    referrals: [],
    pupilVoiceRecorded: false,
    suspicions: [],
    childWelfareConsulted: false,
    evaluations: 0,
    nurseConversations: 0,
  };
}

/** The document an event files, if any. */
export function documentOf(event: CaseEvent): { kind: DocumentKind; ref: string } | undefined {
  switch (event.type) {
    case 'guardians.contacted':
    case 'illness.confirmed':
    case 'childWelfare.consulted':
      return { kind: 'contact-log', ref: event.documentRef };
    case 'absence.noticeReceived':
      return { kind: 'absence-notice', ref: event.documentRef };
    case 'schoolOwner.informed':
      return { kind: 'school-owner-notice', ref: event.documentRef };
    case 'meeting.held':
      return { kind: 'minutes', ref: event.minutesRef };
    case 'mapping.completed':
      return { kind: event.form === 'psychosocial-environment' ? 'psychosocial-mapping' : 'mapping-form', ref: event.documentRef };
    case 'pupilVoice.recorded':
      return { kind: 'pupil-voice', ref: event.documentRef };
    case 'measures.agreed':
      return { kind: 'measures-plan', ref: event.planRef };
    case 'cooperationAgreement.signed':
      return { kind: 'cooperation-agreement', ref: event.documentRef };
    case 'evaluation.held':
      return { kind: 'evaluation', ref: event.minutesRef };
    case 'consent.given':
    case 'consent.withdrawn':
      return { kind: 'consent', ref: event.documentRef };
    case 'referral.sent':
      return { kind: 'referral', ref: event.documentRef };
    case 'concern.reported':
      return { kind: 'report-of-concern', ref: event.documentRef };
    case 'suspicion.raised':
      return { kind: 'suspicion-note', ref: event.documentRef };
    case 'schoolNurse.conversationHeld':
      return { kind: 'health-note', ref: event.documentRef };
    case 'escalation.decided':
      return { kind: 'decision-note', ref: event.documentRef };
    case 'document.recorded':
      return { kind: event.kind, ref: event.documentRef };
    case 'case.closed':
      return { kind: 'closing-note', ref: event.documentRef };
    default:
      return undefined;
  }
}

/** Documents filed since the current stage began. */
export function stageDocuments<P>(context: CaseContext<P>): FiledDocument[] {
  return context.documents.slice(context.stageDocumentStart);
}

/** True when every kind in `kinds` has been filed since the current stage began. */
export function hasStageDocuments<P>(context: CaseContext<P>, kinds: readonly DocumentKind[]): boolean {
  const filed = new Set(stageDocuments(context).map((d) => d.kind));
  return kinds.every((kind) => filed.has(kind));
}

/** Who may send a referral to BUP: child welfare, a psychologist or the GP (the Rælingen guide, E.BUP1). */
export const BUP_REFERRERS: readonly Role[] = ['child-welfare', 'doctor', 'mental-health'];

/** Has child welfare been brought in: consulted, sent a report of concern, or referred to? */
export function isChildWelfareInvolved<P>(context: CaseContext<P>): boolean {
  return context.childWelfareConsulted || context.referrals.includes('child-welfare');
}

/**
 * Is a suspicion of harm on file that child welfare has not yet been brought in on? Until it is,
 * no other measure is taken (the Rælingen guide, E.CW1).
 */
export function isSuspicionAwaitingChildWelfare<P>(context: CaseContext<P>): boolean {
  return context.suspicions.length > 0 && !isChildWelfareInvolved(context);
}

/**
 * Have municipal measures been tried: a measures plan or cooperation agreement on file and at
 * least one evaluation of measures held? BUP comes after the municipality's own measures (E.BUP1).
 */
export function haveMunicipalMeasuresBeenTried<P>(context: CaseContext<P>): boolean {
  const planned = context.documents.some((d) => d.kind === 'measures-plan' || d.kind === 'cooperation-agreement');
  return planned && context.evaluations > 0;
}

/** Parameters of the shared `hasStageDocuments` guard. */
export interface StageDocumentsParams {
  kinds: readonly DocumentKind[];
}

/** Delayed events from `after` (type `xstate.after...`) reach actions too; they carry no facts. */
const isCaseEvent = (event: { type: string }): event is CaseEvent => !event.type.startsWith('xstate.');

/**
 * Actions every procedure shares. `recordCaseFacts` keeps the context in step with any case
 * event (documents, consents, referrals, suspicions, trend); machines run it on every
 * transition that takes a case event. `beginStage` marks where a stage's documents start.
 */
export function sharedActions<P>() {
  return {
    recordCaseFacts: assign<CaseContext<P>, CaseEvent, undefined, CaseEvent, never>(({ context, event }) => {
      if (!isCaseEvent(event)) return {};
      const next: Partial<CaseContext<P>> = {};
      const doc = documentOf(event);
      if (doc) {
        next.documents = [
          ...context.documents,
          {
            ...doc,
            at: event.at,
            by: event.actor,
            eventType: event.type,
            ...(event.type === 'meeting.held' ? { meeting: event.meeting } : {}),
          },
        ];
      }
      switch (event.type) {
        case 'consent.given':
          if (!context.consents.includes(event.service)) next.consents = [...context.consents, event.service];
          break;
        case 'consent.withdrawn':
          next.consents = context.consents.filter((s) => s !== event.service);
          break;
        case 'referral.sent':
          if (!context.referrals.includes(event.service)) next.referrals = [...context.referrals, event.service];
          break;
        case 'concern.reported':
          if (!context.referrals.includes('child-welfare')) next.referrals = [...context.referrals, 'child-welfare'];
          break;
        case 'pupilVoice.recorded':
          next.pupilVoiceRecorded = true;
          break;
        case 'suspicion.raised':
          if (!context.suspicions.includes(event.kind)) next.suspicions = [...context.suspicions, event.kind];
          break;
        case 'childWelfare.consulted':
          next.childWelfareConsulted = true;
          break;
        case 'absence.trend':
          next.lastTrend = event.trend;
          break;
        case 'evaluation.held':
          next.lastTrend = event.outcome;
          next.evaluations = context.evaluations + 1;
          break;
        case 'absence.thresholdReached':
        case 'absence.newTrigger':
          next.triggers = [...context.triggers, event.trigger];
          break;
        case 'measures.agreed':
          next.evaluationDate = event.evaluationDate;
          break;
        case 'cooperationAgreement.signed':
          next.evaluationDate = event.evaluationDate;
          break;
        case 'schoolNurse.conversationHeld':
          next.nurseConversations = context.nurseConversations + 1;
          break;
        default:
          break;
      }
      return next;
    }),
    beginStage: assign<CaseContext<P>, CaseEvent, undefined, CaseEvent, never>(({ context }) => ({
      stageDocumentStart: context.documents.length,
    })),
  };
}

/**
 * Facts any open case records without moving: a notice, new absence and its trend, staff
 * informed, the pupil's voice, a filed document, consent given or withdrawn. Spread into each
 * machine's open-state `on`, so every open state takes them (a state may still handle one
 * itself, e.g. a new trigger that moves the case on): new absence is never refused, only a
 * closed case takes nothing more.
 */
export const recordedFacts = {
  'absence.noticeReceived': { actions: 'recordCaseFacts' },
  'absence.newTrigger': { actions: 'recordCaseFacts' },
  'absence.trend': { actions: 'recordCaseFacts' },
  'staff.informed': { actions: 'recordCaseFacts' },
  'pupilVoice.recorded': { actions: 'recordCaseFacts' },
  'document.recorded': { actions: 'recordCaseFacts' },
  'consent.given': { actions: 'recordCaseFacts' },
  'consent.withdrawn': { actions: 'recordCaseFacts' },
} as const;

/** Guards every procedure shares; names read as questions. */
export function sharedGuards<P>() {
  return {
    /** Has every listed document been filed since this stage began? */
    hasStageDocuments: ({ context }: { context: CaseContext<P> }, params: StageDocumentsParams) => hasStageDocuments(context, params.kinds),
    /** Is the pupil's view on file (directly or through a trusted adult)? Udir: before measures. */
    isPupilVoiceRecorded: ({ context }: { context: CaseContext<P> }) => context.pupilVoiceRecorded,
    /** Has anyone raised a suspicion that makes child welfare the first call? */
    hasSuspicionOfHarm: ({ context }: { context: CaseContext<P> }) => context.suspicions.length > 0,
    /** Did the latest trend show improvement? */
    hasImproved: ({ context }: { context: CaseContext<P> }) => context.lastTrend === 'improved',
    /** Is no suspicion of harm waiting for child welfare? Until child welfare is brought in, other measures wait (E.CW1). */
    isNoSuspicionAwaitingChildWelfare: ({ context }: { context: CaseContext<P> }) => !isSuspicionAwaitingChildWelfare(context),
    /**
     * May this referral be sent now? To child welfare at any time: it is the first call on a
     * suspicion of harm (E.CW1). To any other service only while no suspicion waits for child
     * welfare. To BUP only from child welfare, a psychologist or the GP, with the guardians'
     * consent, once municipal measures have been tried and evaluated (E.BUP1).
     */
    isReferralAllowed: ({ context, event }: { context: CaseContext<P>; event: CaseEvent }) => {
      if (event.type !== 'referral.sent') return false;
      if (event.service === 'child-welfare') return true;
      if (isSuspicionAwaitingChildWelfare(context)) return false;
      if (event.service !== 'bup') return true;
      return BUP_REFERRERS.includes(event.actor.role) && context.consents.includes('bup') && haveMunicipalMeasuresBeenTried(context);
    },
  };
}
