/**
 * The case workflow's public interface: its input, the messages it takes and the view it
 * returns. Imported by the workflow and by every client (CLI, detection, dashboard, tests), so
 * both sides share one definition.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AbsenceTrigger, CaseEvent, CaseEventOf, EventType } from '../machines/events';
import type { CaseFacts, FiledDocument } from '../machines/case-context';
import type { PublicStage } from '../machines/meta';
import type { Role } from '../machines/vocabulary';
import { caseRuntime } from './shared-modules';

/** A pending durable timer with its absolute due time, so it survives continue-as-new. */
export interface PendingTimer {
  /** XState's id for the delayed event. */
  id: string;
  /** The delay's name, which says the rule (e.g. 'followUpMeetingWithinThreeWeeks'). */
  name: string;
  event: { type: string };
  /** Milliseconds since epoch, workflow time. */
  dueAtMs: number;
}

/** One line of the case's history. */
export type TimelineEntry =
  | {
      kind: 'event';
      eventId: string;
      type: EventType;
      actor: CaseEvent['actor'];
      at: string;
      /** Workflow time the event was applied. */
      appliedAt: string;
      /** Norwegian label of the state the case was in afterwards. */
      stateLabel: string;
      /**
       * The event's own fields as the person gave them (notes, causes, dates, references):
       * nothing a school registered is dropped from the case's history.
       */
      data?: Record<string, unknown>;
    }
  | {
      kind: 'deadline';
      name: string;
      firedAt: string;
      stateLabel: string;
      /** When the deadline fell due (it fires later when the worker was down or the case opened late). */
      dueAt?: string;
      /** True when the deadline had already passed when it was set (a case opened from old facts): it fired once, at once. */
      missed?: boolean;
    }
  | { kind: 'refused'; eventId?: string; type: string; at: string; reason: string }
  | {
      /** An effect the case carried out (a message sent, a meeting or a task created); failures are `refused` entries. */
      kind: 'effect';
      /** The effect's name (machines/effects); its Norwegian label is effectLabels[name]. */
      name: string;
      /** The effect's number in the case, as in its idempotency key. */
      sequence: number;
      /** Workflow time the machine issued it. */
      issuedAt: string;
      /** Workflow time the case learnt it was delivered. */
      deliveredAt: string;
      /** The Norwegian subject as the recipients read it. */
      subject: string;
      /** Roles it went to. */
      recipients: string[];
      /** Each person it went to, by pseudonymous id, and how (absent where no people directory was used). */
      deliveries?: PersonDelivery[];
      /** Roles nobody could be reached for, and why (in Norwegian). */
      unreached?: UnreachedRole[];
    };

/** Everything a case carries into its next run when it continues as new. */
export interface CarriedCase {
  /** Machine state value and context (JSON). */
  value: unknown;
  context: unknown;
  timers: PendingTimer[];
  timeline: TimelineEntry[];
  appliedEventIds: string[];
  /** Effects issued so far; keeps idempotency keys unique across runs. */
  effectSequence: number;
  /** Effects not yet carried out; the next run performs them again under the same keys. */
  pendingEffects: PendingEffect[];
  overdue: boolean;
  /** When the deadline the case is overdue for fell due, and the state it asked to leave (absent in older runs). */
  overdueSince?: OverdueMark | null;
  /** The machine states the case went through (absent in runs from before it was recorded). */
  route?: RouteEntry[];
  /** Every absence trigger the case received (absent in older runs: rebuilt from the context). */
  triggerLog?: TriggerRecord[];
  /** How the case was closed, once it is. */
  closing?: CaseClosing;
  /** The calendar identity of each kind of meeting (from `meeting-invitations` on). */
  meetings?: Record<string, CalendarMeeting>;
}

/** A kind of meeting's calendar entry: which one of the case's meetings of the kind, how often moved, and whether held. */
export interface CalendarMeeting {
  occurrence: number;
  changes: number;
  held: boolean;
}

/** One person a message went to: pseudonymous id, role, channel and outcome (no name, no address). */
export interface PersonDelivery {
  personId: string;
  role: string;
  /** `outbox`: kept in the local outbox because no transport is configured for the channel. */
  channel: 'email' | 'sms' | 'outbox';
  status: 'sent' | 'failed';
  /** True when it had been sent before (a retried activity) and nothing went out again. */
  duplicate?: boolean;
  /** Why it failed, for good (Norwegian). */
  error?: string;
  /** The template language used (nb, nn, en). */
  language?: string;
}

/** A role the message was meant for that reached nobody. */
export interface UnreachedRole {
  role: string;
  /** Norwegian, e.g. "ingen med rollen i personkatalogen". */
  reason: string;
  personId?: string;
}

/** An overdue deadline: since when, which deadline, and the step that must be taken to clear it. */
export interface OverdueMark {
  /** When the deadline fell due (ms since epoch, workflow time). */
  sinceMs: number;
  /** The delay's name. */
  delay: string;
  /** Dotted path of the state the deadline left the case in; a person's step out of it clears the mark. */
  statePath: string;
}

/** One absence trigger in the case's record, with its evidence and what it did to the case. */
export type TriggerRecord = AbsenceTrigger & {
  /** Detection's event id (absent for the opening trigger of a case opened by hand). */
  eventId?: string;
  /** When the absence pattern was found (the fact's time). */
  at: string;
  /** Whether the trigger opened the case, moved it to another step, or was recorded without moving it. */
  effect: 'opened' | 'moved' | 'recorded';
};

/** How and why a case was closed (search attribute CaseClosingReason holds the reason). */
export interface CaseClosing {
  reason: CaseEventOf<'case.closed'>['reason'];
  note: string;
  documentRef: string;
  at: string;
  actor: CaseEvent['actor'];
}

/** One step of the case's route through its machine, for diagrams and the audit. */
export interface RouteEntry {
  /** The machine's state value after the step (internal ids: never shown to school users). */
  value: unknown;
  /** Dotted path of the active leaf, e.g. 'open.trinn1.contactingHome'. */
  path: string;
  /** What moved the case: 'opened', an event type, or 'after:<delay name>'. */
  cause: string;
  /** Workflow time of the step. */
  at: string;
}

/** The case's machine state and route: for diagrams, the audit's conformance run and support. */
export interface CaseMachineState {
  procedureId: string;
  procedureVersion: number;
  value: unknown;
  path: string;
  status: 'active' | 'done' | 'error' | 'stopped';
  route: RouteEntry[];
  /** Pending timers, soonest first. */
  timers: PendingTimer[];
}

/** An effect the machine declared, waiting to be (or being) carried out by an activity. */
export interface PendingEffect {
  name: string;
  params: unknown;
  /** Position in the case's effect sequence; part of the idempotency key. */
  sequence: number;
  issuedAt: string;
  /** When the fact behind the effect happened; limits in messages (e.g. "senest") count from it. */
  factAt?: string;
}

export interface CaseWorkflowInput {
  procedureId: string;
  /** Omitted: the newest version at opening. Kept for the case's whole life. */
  procedureVersion?: number;
  facts: CaseFacts;
  /** The municipality's overrides of the procedure's policy. */
  policyOverrides?: Record<string, unknown>;
  /**
   * The id of the fact that opened the case (detection's trigger id). Counted as applied, so the
   * same fact delivered again by signal-with-start is not taken a second time.
   */
  openingEventId?: string;
  /** Set only by continue-as-new. */
  carried?: CarriedCase;
  /** Continue as new after this many history events even if the server has not suggested it. */
  historyEventLimit?: number;
}

export interface CaseDeadline {
  name: string;
  dueAt: string;
}

/** The stable public view of a case. Internal state ids never appear here. */
export interface CaseView {
  caseId: string;
  workflowId: string;
  procedure: { id: string; version: number; displayName: string };
  schoolId: string;
  pupilId: string;
  grade: number;
  openedAt: string;
  status: 'open' | 'closed';
  stage: PublicStage;
  state: { label: string; responsible: readonly Role[]; clauses: readonly string[]; requiredDocuments: readonly string[] };
  /** Event types the case can take now (a guard may still refuse a particular one). */
  allowedEvents: EventType[];
  /**
   * Who may send each of `allowedEvents` now (the authorization rule, machines/authorization.ts),
   * so a client offers a person only the steps their roles may take. Absent in views of cases
   * whose worker predates it.
   */
  senders?: Partial<Record<EventType, Role[]>>;
  /** The events the current step itself waits for (its own transitions, not those every step shares). */
  stepEvents?: EventType[];
  /** Pending deadlines, soonest first; never one that has already passed. */
  deadlines: CaseDeadline[];
  /** A deadline a person must meet has passed and that person has not yet taken the step it asked for. */
  overdue: boolean;
  /** When the overdue deadline fell due (ISO), or null. */
  overdueSince: string | null;
  /**
   * Whole days since the overdue deadline fell due (0 when not overdue), on the case's own clock:
   * a query answers with the time of the case's last activity, so a client showing the view later
   * counts from `overdueSince` with `daysOverdueAt`.
   */
  daysOverdue: number;
  timeline: TimelineEntry[];
  documents: FiledDocument[];
  /** Every absence trigger the case received, the opening one first, with its evidence dates. */
  triggers: TriggerRecord[];
  /** How the case was closed; absent while it is open. */
  closing?: CaseClosing;
}

/**
 * What the Update answers a person's event with (runs from the `case-update-receipt` patch on):
 * whether it was applied and where the case stands now, a few hundred bytes. The Update result is
 * written to the case's history, so it must not grow with the case; callers that need the whole
 * view ask for it with the `caseView` Query (`sendEventForView`).
 */
export interface SendEventReceipt {
  /** False when the event id had already been applied: nothing changed. */
  applied: boolean;
  eventId: string;
  status: 'open' | 'closed';
  stage: PublicStage;
  /** Norwegian label of the step the case is in now. */
  stateLabel: string;
  overdue: boolean;
}

/** What the Update answered in runs opened before the patch: the whole view (tens of kilobytes on a long case). */
export interface LegacySendEventResult {
  applied: boolean;
  view: CaseView;
}

/** Result of a human event sent as an Update. */
export type SendEventResult = SendEventReceipt | LegacySendEventResult;

/** A human action on the case (validated; refused if the case cannot take it now). */
export const sendEventUpdate = defineUpdate<SendEventResult, [CaseEvent]>('sendEvent');
/** New facts from absence detection (trend, new trigger, missing notice). */
export const absenceFactsSignal = defineSignal<[CaseEvent]>('absenceFacts');
/** The case as coordinators see it. */
export const caseViewQuery = defineQuery<CaseView>('caseView');
/** The machine's own state and route (internal ids), for diagrams and the audit. */
export const caseMachineStateQuery = defineQuery<CaseMachineState>('caseMachineState');

/** The part of a client's workflow handle that `sendEventForView` needs. */
export interface CaseUpdateHandle {
  executeUpdate(update: typeof sendEventUpdate, options: { args: [CaseEvent] }): Promise<SendEventResult>;
  query(query: typeof caseViewQuery): Promise<CaseView>;
}

/**
 * Sends a person's event as the Update and returns whether it was applied with the case's view
 * after it: the view a run opened before the receipt patch still returns, otherwise the Query's.
 */
export async function sendEventForView(handle: CaseUpdateHandle, event: CaseEvent): Promise<{ applied: boolean; view: CaseView }> {
  const result = await handle.executeUpdate(sendEventUpdate, { args: [event] });
  return { applied: result.applied, view: 'view' in result ? result.view : await handle.query(caseViewQuery) };
}

/** Event types detection delivers by the absence-facts Signal; every other event comes from a person as the Update. */
export const systemEventTypes: readonly EventType[] = caseRuntime().detectionEventTypes;

export { daysOverdueAt } from './overdue';
