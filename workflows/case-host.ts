/**
 * The case host: one case's procedure machine and everything the case keeps beside it, with
 * every rule for keeping it, and no Temporal in it. The case workflow (case-workflow.ts) only
 * wires it to Temporal: handlers, the condition loop, activities, search attributes and
 * continue-as-new. The audit's model and replay (audit/) and the machine tests' harness step
 * cases through this same host, so the rules below exist once.
 *
 * What it owns:
 * - the machine snapshot, advanced with XState's pure API (or the audit's recording stepper);
 * - timers with absolute due times: a delayed `xstate.raise` is due at the fact's time plus its
 *   delay, `xstate.cancel` removes it; the earliest fires first, ties in the order they were set;
 * - the effect queue: named effects wait with a sequence number until the workflow starts them;
 * - the timeline, the route through the machine, the record of absence triggers;
 * - the overdue rule, the closing, the refusal wording (Norwegian, for the person who sent it);
 * - what continue-as-new carries.
 *
 * Time is always passed in (`nowMs`, workflow time in the workflow): the host reads no clock.
 * In the workflow bundle it is loaded once per worker with the machines (workflows/case-runtime.ts),
 * so workflow code imports only its types.
 *
 * `HostRules` are the patch decisions of a run: a run recorded before a patch keeps the host's
 * earlier behaviour to the letter, so its history replays (see case-workflow.ts).
 */
import { type AnyMachineSnapshot, type StateValue, initialTransition, transition } from 'xstate';
import type { EffectActivityInput } from '../activities';
import { authorisationRefusal, authorisedRoles, detectionEventTypes } from '../machines/authorization';
import { type CaseContext, type CaseFacts, caseFactsSchema, documentOf } from '../machines/case-context';
import { type EffectName, type EffectParams, effectDefinitions, effectNames } from '../machines/effects';
import { type CaseEvent, type EventType, parseCaseEvent } from '../machines/events';
import type { Role } from '../machines/vocabulary';
import { delayName, eventNames } from '../machines/labels';
import { activeMeta, activePath, allowedEventTypes, delayNameOf, stepEventTypes } from '../machines/public-view';
import { type ProcedureDefinition, buildCaseInput, legacyCaseFactsSchema } from '../machines/registry';
import type {
  CarriedCase,
  CalendarMeeting,
  CaseClosing,
  CaseMachineState,
  CaseView,
  OverdueMark,
  PendingEffect,
  PendingTimer,
  PersonDelivery,
  RouteEntry,
  SendEventReceipt,
  UnreachedRole,
  TimelineEntry,
  TriggerRecord,
} from './case-messages';
import { daysOverdueAt } from './overdue';

/** The patch decisions a run was recorded with; see the patches in case-workflow.ts. */
export interface HostRules {
  /** `case-host-2`: the rules of "nothing lost, nothing forged" (overdue mark, senders, closing reason, missed deadlines). */
  hostV2: boolean;
  /** `effect-timeline`: every delivered effect goes on the timeline, not only failures. */
  effectTimeline: boolean;
  /** `meeting-invitations`: every scheduled meeting sends its participants an invitation with a calendar entry (absent: false). */
  meetingInvitations?: boolean;
  /**
   * `forged-facts`: a fact on detection's Signal from a sender other than detection is refused
   * whole; before it, such a fact was still kept in the trigger record (absent: false).
   */
  forgedFactsRefused?: boolean;
}

/** What a case opened today runs with. */
export const CURRENT_HOST_RULES: HostRules = { hostV2: true, effectTimeline: true, meetingInvitations: true, forgedFactsRefused: true };

/** An action a transition asks to execute. */
export interface MachineAction {
  type: string;
  params?: unknown;
}

/** One macrostep of the machine: the next snapshot and the actions to execute. */
export interface MachineStepResult {
  snapshot: AnyMachineSnapshot;
  actions: readonly MachineAction[];
}

/**
 * How the host advances the machine. XState's pure API by default; the audit plugs in a stepper
 * that also records the transitions taken (its result type flows back through `lastStep`).
 */
export interface MachineStepper<S extends MachineStepResult = MachineStepResult> {
  initial(input: unknown): S;
  next(snapshot: AnyMachineSnapshot, event: { type: string }): S;
}

/** XState's `initialTransition`/`transition` on `procedure`'s machine. */
export function xstateStepper(procedure: ProcedureDefinition): MachineStepper {
  return {
    initial: (input) => {
      const [snapshot, actions] = initialTransition(procedure.machine, input as never);
      return { snapshot, actions };
    },
    next: (snapshot, event) => {
      const [next, actions] = transition(procedure.machine, snapshot, event as never);
      return { snapshot: next, actions };
    },
  };
}

/** An effect the machine declared, with its name checked against the effect modules. */
export interface QueuedEffect extends PendingEffect {
  name: EffectName;
}

/** What a delivered effect's activity answered (a worker on older code may answer without them). */
export interface EffectDelivery {
  subject?: string;
  recipients?: readonly string[];
  /** One line per person the message went to (pseudonymous ids only), where people were resolved. */
  deliveries?: readonly PersonDelivery[];
  /** Roles nobody could be reached for, and why. */
  unreached?: readonly UnreachedRole[];
}

/** The opening facts could not make a case (the workflow fails the run, not retried); `cause` is the procedure's own error. */
export class InvalidCaseInputError extends Error {
  override readonly name = 'InvalidCaseInputError';
}

/** What a host runs: the procedure (in the case's version), the run's patch decisions, and optionally the audit's stepper. */
export interface HostSetup<S extends MachineStepResult = MachineStepResult> {
  procedure: ProcedureDefinition;
  rules: HostRules;
  stepper?: MachineStepper<S>;
}

/** How a case is opened: its facts, the municipality's policy overrides, and detection's fact id. */
export interface CaseOpening {
  facts: CaseFacts | unknown;
  policyOverrides?: Record<string, unknown>;
  openingEventId?: string;
}

/** The case's search attributes as values (the workflow writes them when they change). */
export interface CaseAttributes {
  schoolId: string;
  procedureId: string;
  openedAt: string;
  stage: string;
  status: 'open' | 'closed';
  nextDeadline: number | null;
  overdue: boolean;
  /** Present from `case-host-2` on. */
  overdueSince?: number | null;
  closingReason?: string | null;
}

interface RaiseParams {
  id: string;
  delay?: number;
  event: { type: string };
}

/** A timer firing later than this after its due time counts as late (see `fireTimer`). */
export const LATE_TIMER_SLACK_MS = 60_000;

const isEffectName = (type: string): type is EffectName => (effectNames as readonly string[]).includes(type);
const iso = (ms: number) => new Date(ms).toISOString();
const isTriggerEvent = (event: CaseEvent): event is Extract<CaseEvent, { type: 'absence.newTrigger' | 'absence.thresholdReached' }> =>
  event.type === 'absence.newTrigger' || event.type === 'absence.thresholdReached';

/**
 * Why the event that closed a case closed it. `case.closed` says so itself; a procedure may also
 * close on another step (the guardians approving a closing for illness, C.2.1b/C.3.1), whose
 * reason follows from the event.
 */
function closingOf(event: CaseEvent): CaseClosing {
  const base = { at: event.at, actor: event.actor, documentRef: documentOf(event)?.ref ?? '' };
  if (event.type === 'case.closed') return { ...base, reason: event.reason, note: event.note };
  if (event.type === 'illness.confirmed') {
    return {
      ...base,
      reason: 'illness-approved',
      note: `Foresatte godkjente at saken avsluttes fordi fraværet skyldes ${event.recurring ? 'ny eller gjentatt ' : ''}sykdom.`,
    };
  }
  return { ...base, reason: 'other', note: `Avsluttet ved «${eventNames[event.type]}».` };
}

/** An event's own fields: what the person gave besides type, id, actor and time. */
function eventData(event: CaseEvent): Record<string, unknown> {
  const { type: _type, eventId: _eventId, actor: _actor, at: _at, ...data } = event;
  return data;
}

/** One case's machine and everything kept beside it. Mutable; `clone` for a copy that goes its own way. */
export class CaseHost<S extends MachineStepResult = MachineStepResult> {
  /** The machine snapshot. */
  snapshot!: AnyMachineSnapshot;
  /** The last macrostep taken (the opening, an event or a timer), as the stepper returned it. */
  lastStep!: S;
  /** Changes whenever a timer is set, cancelled or fired (the workflow's loop waits on it). */
  timersVersion = 0;
  private timers = new Map<string, PendingTimer>();
  private timeline: TimelineEntry[] = [];
  private appliedEventIds = new Set<string>();
  private route: RouteEntry[] = [];
  private effectSequence = 0;
  // Earlier runs: a plain flag that any accepted event clears. Runs from `case-host-2`: `overdueMark`.
  private overdueFlag = false;
  private overdueMark: OverdueMark | null = null;
  private closing: CaseClosing | undefined;
  // Effects wait here until started; started ones stay in `unfinished` until done, so a
  // continue-as-new can hand them to the next run (keys make a repeat harmless).
  private effectQueue: QueuedEffect[] = [];
  private unfinished = new Map<number, QueuedEffect>();
  private triggerLog: TriggerRecord[] = [];
  // Calendar identity of each kind of meeting (from `meeting-invitations` on): see scheduleInvitation.
  private meetings: Record<string, CalendarMeeting> = {};

  private constructor(
    readonly procedure: ProcedureDefinition,
    readonly rules: HostRules,
    private readonly stepper: MachineStepper<S>,
  ) {}

  /**
   * Opens a new case at `nowMs`. Throws `InvalidCaseInputError` when the facts or the policy
   * overrides cannot make a case.
   */
  static open<S extends MachineStepResult = MachineStepResult>(setup: HostSetup<S>, opening: CaseOpening, nowMs: number): CaseHost<S> {
    const host = CaseHost.create(setup);
    const { procedure, rules } = setup;
    if (opening.openingEventId !== undefined) host.appliedEventIds.add(opening.openingEventId);
    let caseInput;
    try {
      // Runs from before `case-host-2` opened under the older rule for ids and grades; they replay with it.
      caseInput = buildCaseInput(procedure, opening.facts, opening.policyOverrides, rules.hostV2 ? caseFactsSchema : legacyCaseFactsSchema);
    } catch (err) {
      throw new InvalidCaseInputError((err as Error).message, { cause: err });
    }
    const first = host.stepper.initial(caseInput);
    host.snapshot = first.snapshot;
    host.lastStep = first;
    host.handleActions(first.actions, host.factTime(caseInput.openedAt, nowMs), nowMs);
    host.recordRoute('opened', nowMs);
    const context = host.context();
    host.triggerLog = context.triggers.map((trigger, i) => ({ ...trigger, at: context.openedAt, effect: i === 0 ? 'opened' : 'recorded' }));
    if (opening.openingEventId !== undefined && host.triggerLog[0]) host.triggerLog[0].eventId = opening.openingEventId;
    return host;
  }

  /** Takes up a case that continued as new, with what the previous run carried. */
  static resume<S extends MachineStepResult = MachineStepResult>(setup: HostSetup<S>, carried: CarriedCase): CaseHost<S> {
    const host = CaseHost.create(setup);
    host.timeline = carried.timeline;
    host.appliedEventIds = new Set(carried.appliedEventIds);
    host.route = carried.route ?? [];
    host.effectSequence = carried.effectSequence;
    host.overdueFlag = carried.overdue;
    host.overdueMark = carried.overdueSince ?? null;
    host.closing = carried.closing;
    host.meetings = { ...(carried.meetings ?? {}) };
    host.effectQueue = carried.pendingEffects.filter((e): e is QueuedEffect => isEffectName(e.name));
    host.snapshot = setup.procedure.machine.resolveState({ value: carried.value as StateValue, context: carried.context });
    host.lastStep = { snapshot: host.snapshot, actions: [] } as unknown as S;
    for (const timer of carried.timers) host.timers.set(timer.id, timer);
    // Runs carried from before the record existed rebuild it from the machine's context.
    const context = host.context();
    host.triggerLog =
      carried.triggerLog ??
      context.triggers.map((trigger, i) => ({ ...trigger, at: context.openedAt, effect: i === 0 ? 'opened' : 'recorded' }));
    return host;
  }

  private static create<S extends MachineStepResult>({ procedure, rules, stepper }: HostSetup<S>): CaseHost<S> {
    return new CaseHost<S>(procedure, rules, stepper ?? (xstateStepper(procedure) as unknown as MachineStepper<S>));
  }

  /** A copy that goes its own way (the audit's model branches a case at every step). */
  clone(): CaseHost<S> {
    const copy = new CaseHost<S>(this.procedure, this.rules, this.stepper);
    copy.snapshot = this.snapshot;
    copy.lastStep = this.lastStep;
    copy.timersVersion = this.timersVersion;
    copy.timers = new Map(this.timers);
    copy.timeline = [...this.timeline];
    copy.appliedEventIds = new Set(this.appliedEventIds);
    copy.route = [...this.route];
    copy.effectSequence = this.effectSequence;
    copy.overdueFlag = this.overdueFlag;
    copy.overdueMark = this.overdueMark;
    copy.closing = this.closing;
    copy.effectQueue = [...this.effectQueue];
    copy.unfinished = new Map(this.unfinished);
    copy.triggerLog = [...this.triggerLog];
    copy.meetings = { ...this.meetings };
    return copy;
  }

  // -------------------------------------------------------------------------------------------
  // Reading the case

  /** The machine's context. */
  context(): CaseContext<unknown> {
    return this.snapshot.context as CaseContext<unknown>;
  }

  get isActive(): boolean {
    return this.snapshot.status === 'active';
  }

  /** Norwegian label of the step the case is in. */
  stateLabel(): string {
    return activeMeta(this.snapshot).label;
  }

  /** Pending timers in the order they were set (a re-armed timer keeps its place). */
  pendingTimers(): PendingTimer[] {
    return [...this.timers.values()];
  }

  /** Pending timers in the order they fire: due time, then the order they were set. */
  timersInFiringOrder(): PendingTimer[] {
    return this.pendingTimers().sort((a, b) => a.dueAtMs - b.dueAtMs);
  }

  /** The timer that fires next, if any. */
  nextTimer(): PendingTimer | undefined {
    return this.timersInFiringOrder()[0];
  }

  /** Is `timer` still pending as it was (not fired, cancelled or re-armed)? */
  isPending(timer: PendingTimer): boolean {
    return this.timers.get(timer.id) === timer;
  }

  /** Has an event with this id been applied (or counted as applied)? */
  hasApplied(eventId: string): boolean {
    return this.appliedEventIds.has(eventId);
  }

  isOverdue(): boolean {
    return this.rules.hostV2 ? this.overdueMark !== null : this.overdueFlag;
  }

  /** The case as coordinators see it, at `nowMs`. */
  view(workflowId: string, nowMs: number): CaseView {
    const { hostV2 } = this.rules;
    const meta = activeMeta(this.snapshot);
    const ctx = this.context();
    return {
      caseId: ctx.caseId,
      workflowId,
      procedure: { id: this.procedure.id, version: this.procedure.version, displayName: this.procedure.displayName },
      schoolId: ctx.schoolId,
      pupilId: ctx.pupilId,
      grade: ctx.grade,
      openedAt: ctx.openedAt,
      status: this.snapshot.status === 'done' ? 'closed' : 'open',
      stage: meta.stage,
      state: { label: meta.label, responsible: meta.responsible, clauses: meta.clauses, requiredDocuments: meta.requiredDocuments },
      allowedEvents: allowedEventTypes(this.snapshot),
      senders: this.senders(),
      stepEvents: stepEventTypes(this.snapshot),
      // A deadline that has passed is about to fire (or fires now); it is never shown as coming.
      deadlines: this.timersInFiringOrder()
        .filter((t) => !hostV2 || t.dueAtMs > nowMs)
        .map((t) => ({ name: t.name, dueAt: iso(t.dueAtMs) })),
      overdue: this.isOverdue(),
      overdueSince: hostV2 && this.overdueMark ? iso(this.overdueMark.sinceMs) : null,
      daysOverdue: hostV2 && this.overdueMark ? daysOverdueAt(iso(this.overdueMark.sinceMs), nowMs) : 0,
      timeline: [...this.timeline],
      documents: [...ctx.documents],
      triggers: this.triggerLog.map((t) => ({ ...t })),
      ...(this.closing ? { closing: this.closing } : {}),
    };
  }

  /** Who may send each event the case takes now; detection's facts are left out (no person sends them). */
  private senders(): Partial<Record<EventType, Role[]>> {
    const senders: Partial<Record<EventType, Role[]>> = {};
    for (const type of allowedEventTypes(this.snapshot)) {
      const roles = authorisedRoles(this.snapshot, type, this.procedure.extraSenders);
      if (!roles.includes('system')) senders[type] = roles;
    }
    return senders;
  }

  /** What the Update answers a person's event with (runs from the `case-update-receipt` patch on). */
  receipt(applied: boolean, event: CaseEvent): SendEventReceipt {
    return {
      applied,
      eventId: event.eventId,
      status: this.snapshot.status === 'done' ? 'closed' : 'open',
      stage: activeMeta(this.snapshot).stage,
      stateLabel: this.stateLabel(),
      overdue: this.isOverdue(),
    };
  }

  /** The machine's own state and route (internal ids), for diagrams, the audit and support. */
  machineState(): CaseMachineState {
    return {
      procedureId: this.procedure.id,
      procedureVersion: this.procedure.version,
      value: this.snapshot.value,
      path: activePath(this.snapshot.value),
      status: this.snapshot.status,
      route: [...this.route],
      timers: this.timersInFiringOrder(),
    };
  }

  /** The case's search attributes as values. */
  attributes(): CaseAttributes {
    const ctx = this.context();
    const next = this.nextTimer();
    return {
      schoolId: ctx.schoolId,
      procedureId: this.procedure.id,
      openedAt: ctx.openedAt,
      stage: activeMeta(this.snapshot).stage,
      status: this.snapshot.status === 'done' ? 'closed' : 'open',
      nextDeadline: next ? next.dueAtMs : null,
      overdue: this.isOverdue(),
      ...(this.rules.hostV2 ? { overdueSince: this.overdueMark?.sinceMs ?? null, closingReason: this.closing?.reason ?? null } : {}),
    };
  }

  /** Everything the next run takes over when the case continues as new. */
  carried(): CarriedCase {
    return {
      value: this.snapshot.value,
      context: this.snapshot.context,
      timers: this.timersInFiringOrder(),
      timeline: this.timeline,
      appliedEventIds: [...this.appliedEventIds],
      effectSequence: this.effectSequence,
      pendingEffects: [...this.unfinished.values(), ...this.effectQueue].sort((a, b) => a.sequence - b.sequence),
      overdue: this.isOverdue(),
      route: this.route,
      ...(this.rules.hostV2
        ? { overdueSince: this.overdueMark, triggerLog: this.triggerLog, ...(this.closing ? { closing: this.closing } : {}) }
        : {}),
      ...(this.rules.meetingInvitations ? { meetings: this.meetings } : {}),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Events

  /**
   * Why the case cannot take `event` now, in Norwegian for the person who sent it, or undefined
   * if it can. Names the event and the step the case is in.
   */
  refusal(event: CaseEvent, via: 'update' | 'signal'): string | undefined {
    const name = eventNames[event.type];
    if (this.snapshot.status !== 'active') return `Saken er avsluttet og tar ikke imot flere hendelser («${name}»).`;
    const allowed = allowedEventTypes(this.snapshot);
    if (!allowed.includes(event.type)) {
      return `Steget «${this.stateLabel()}» tar ikke imot «${name}». Steget tar imot: ${allowed.map((t) => eventNames[t]).join(', ') || 'ingen hendelser'}.`;
    }
    const sender = this.senderRefusal(event, via);
    if (sender) return sender;
    if (this.snapshot.can(event)) return undefined;
    return (
      `Saken kan ikke ta imot «${name}» i steget «${this.stateLabel()}» ennå: et vilkår i rutinen er ikke oppfylt ` +
      `(for eksempel et dokument som mangler, elevens stemme som ikke er dokumentert, eller en dato utenfor fristen).`
    );
  }

  /** Why the event's sender may not send it here, by channel and role (runs from `case-host-2` on). */
  senderRefusal(event: CaseEvent, via: 'update' | 'signal'): string | undefined {
    if (!this.rules.hostV2) return undefined;
    if (via === 'signal' && !detectionEventTypes.includes(event.type)) {
      return `«${eventNames[event.type]}» er en persons registrering og må sendes som en vanlig hendelse i saken, ikke som fravær fra deteksjonen.`;
    }
    const byRole = authorisationRefusal(this.snapshot, event, this.stateLabel(), this.procedure.extraSenders);
    if (byRole) return byRole;
    // The other way round too: detection's facts come only as the Signal, so a person's channel
    // never takes them, even from a sender claiming detection's role (the Update validator; not replayed).
    if (via === 'update' && detectionEventTypes.includes(event.type)) {
      return `«${eventNames[event.type]}» kommer bare fra fraværsdeteksjonen og kan ikke sendes som en vanlig hendelse i saken.`;
    }
    return undefined;
  }

  /**
   * Checks a person's event before it is accepted (the Update's validator): throws a Norwegian
   * error when it is malformed or the case cannot take it. A repeat of an applied event passes.
   */
  validateUpdate(raw: unknown): CaseEvent {
    const event = parseCaseEvent(raw);
    if (this.appliedEventIds.has(event.eventId)) return event; // a retry of an applied event: answered, not re-applied
    const reason = this.refusal(event, 'update');
    if (reason) throw new Error(reason);
    return event;
  }

  /** Takes a validated person's event; false when its id had already been applied (nothing changes). */
  acceptUpdate(raw: unknown, nowMs: number): { applied: boolean; event: CaseEvent } {
    const event = parseCaseEvent(raw);
    if (this.appliedEventIds.has(event.eventId)) return { applied: false, event };
    this.applyEvent(event, nowMs);
    return { applied: true, event };
  }

  /**
   * Takes detection's fact (the Signal). A Signal cannot be refused to its sender, so a fact the
   * case cannot take is kept on the timeline as refused, where a coordinator sees it. True when
   * the machine took it.
   */
  receiveFact(raw: unknown, nowMs: number): boolean {
    let event: CaseEvent;
    try {
      event = parseCaseEvent(raw);
    } catch (err) {
      const candidate = raw as { eventId?: unknown; type?: unknown };
      this.timeline.push({
        kind: 'refused',
        ...(typeof candidate?.eventId === 'string' ? { eventId: candidate.eventId } : {}),
        type: typeof candidate?.type === 'string' ? candidate.type : '(unknown)',
        at: iso(nowMs),
        reason: (err as Error).message,
      });
      return false;
    }
    if (this.appliedEventIds.has(event.eventId)) return false;
    const reason = this.refusal(event, 'signal');
    if (reason) {
      this.timeline.push({ kind: 'refused', eventId: event.eventId, type: event.type, at: iso(nowMs), reason });
      // New absence is never lost while the case is open, even where an older chart refuses it;
      // but only absence that detection itself reported: a forged sender's fact is not absence.
      const forged = this.rules.forgedFactsRefused === true && this.senderRefusal(event, 'signal') !== undefined;
      if (!forged && this.rules.hostV2 && this.snapshot.status === 'active' && detectionEventTypes.includes(event.type)) {
        this.appliedEventIds.add(event.eventId);
        this.recordTrigger(event, 'recorded');
      }
      return false;
    }
    this.applyEvent(event, nowMs);
    return true;
  }

  /** Applies an accepted case event and records it. The caller has checked `refusal`. */
  applyEvent(event: CaseEvent, nowMs: number): void {
    const pathBefore = activePath(this.snapshot.value);
    const step = this.stepper.next(this.snapshot, event);
    this.snapshot = step.snapshot;
    this.lastStep = step;
    this.handleActions(step.actions, this.factTime(event.at, nowMs), nowMs);
    if (this.rules.meetingInvitations) this.followMeetings(event, nowMs);
    this.appliedEventIds.add(event.eventId);
    this.recordRoute(event.type, nowMs);
    const moved = activePath(this.snapshot.value) !== pathBefore || this.snapshot.status !== 'active';
    this.recordTrigger(event, moved ? 'moved' : 'recorded');
    if (!this.rules.hostV2) this.overdueFlag = false;
    else if (this.overdueMark && moved) {
      // Only a person's step that moves the case on (or closes it) meets an overdue deadline;
      // a filed note does not, and detection's facts never do: when they move the case, the
      // step still owed is now the one they moved it to.
      if (event.actor.role !== 'system' || this.snapshot.status !== 'active') this.overdueMark = null;
      else this.overdueMark = { ...this.overdueMark, statePath: activePath(this.snapshot.value) };
    }
    if (this.snapshot.status === 'done') this.closing = closingOf(event);
    this.timeline.push({
      kind: 'event',
      eventId: event.eventId,
      type: event.type,
      actor: event.actor,
      at: event.at,
      appliedAt: iso(nowMs),
      stateLabel: this.stateLabel(),
      ...(this.rules.hostV2 ? { data: eventData(event) } : {}),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Timers

  /** Is the timer's due time already past at `nowMs` (from `case-host-2` on it fires at once, with no durable timer)? */
  isDueNow(timer: PendingTimer, nowMs: number): boolean {
    return this.rules.hostV2 && timer.dueAtMs <= nowMs;
  }

  /**
   * The machine takes a timer's delayed event at `nowMs`. An on-time timer keeps its exact
   * schedule; one that fires late (the worker was down, or the case was opened from old facts)
   * re-arms what follows from now, so reminders never come in bursts. A deadline that a person
   * had to meet marks the case overdue from when it fell due.
   */
  fireTimer(timer: PendingTimer, nowMs: number): void {
    const { hostV2 } = this.rules;
    this.timers.delete(timer.id);
    this.timersVersion += 1;
    const routine = this.procedure.routineDelays.includes(timer.name);
    // A planned period ending late is no lateness of anyone's: only a deadline a person had to meet is "missed".
    const missed = hostV2 && !routine && timer.dueAtMs < nowMs - LATE_TIMER_SLACK_MS;
    const step = this.stepper.next(this.snapshot, timer.event);
    this.snapshot = step.snapshot;
    this.lastStep = step;
    this.recordRoute(`after:${timer.name}`, nowMs);
    this.handleActions(step.actions, Math.max(timer.dueAtMs, nowMs - LATE_TIMER_SLACK_MS), nowMs);
    // A procedure may close a case when a period ends (C's rest after an illness closing).
    if (hostV2 && this.snapshot.status === 'done' && !this.closing) {
      this.closing = {
        reason: 'other',
        note: `Avsluttet da fristen «${delayName(timer.name)}» løp ut.`,
        documentRef: '',
        at: iso(timer.dueAtMs),
        actor: { role: 'system', userId: 'saksflyten' },
      };
    }
    if (!routine) {
      if (!hostV2) this.overdueFlag = true;
      else if (this.snapshot.status === 'active' && !this.overdueMark)
        this.overdueMark = { sinceMs: timer.dueAtMs, delay: timer.name, statePath: activePath(this.snapshot.value) };
      else if (this.overdueMark) this.overdueMark = { ...this.overdueMark, statePath: activePath(this.snapshot.value) };
    }
    this.timeline.push({
      kind: 'deadline',
      name: timer.name,
      firedAt: iso(nowMs),
      stateLabel: this.stateLabel(),
      ...(hostV2 ? { dueAt: iso(timer.dueAtMs), ...(missed ? { missed: true } : {}) } : {}),
    });
  }

  // -------------------------------------------------------------------------------------------
  // Effects

  get hasQueuedEffects(): boolean {
    return this.effectQueue.length > 0;
  }

  get hasUnfinishedEffects(): boolean {
    return this.unfinished.size > 0;
  }

  /** Takes every queued effect to be started; each stays unfinished until delivered or failed. */
  startQueuedEffects(): QueuedEffect[] {
    const started: QueuedEffect[] = [];
    for (let effect = this.effectQueue.shift(); effect; effect = this.effectQueue.shift()) {
      this.unfinished.set(effect.sequence, effect);
      started.push(effect);
    }
    return started;
  }

  /**
   * The activity input of a started effect; its params are as the machine declared them (typed
   * there by the effect's schema). `keyScope` names the case the effect belongs to, so its
   * idempotency key is its own and no other case's (see the workflow's `effect-keys-per-case`).
   */
  effectInput<K extends EffectName>(effect: QueuedEffect & { name: K }, keyScope: string): EffectActivityInput<K> {
    const ctx = this.context();
    return {
      idempotencyKey: `${keyScope}/${effect.sequence}/${effect.name}`,
      caseId: ctx.caseId,
      procedureId: this.procedure.id,
      schoolId: ctx.schoolId,
      pupilId: ctx.pupilId,
      issuedAt: effect.issuedAt,
      factAt: effect.factAt ?? effect.issuedAt,
      params: effect.params as EffectParams[K],
    };
  }

  /** An effect was carried out: on the timeline (from `effect-timeline` on), with what it said and to whom. */
  effectDelivered(effect: QueuedEffect, delivery: EffectDelivery, nowMs: number): void {
    this.unfinished.delete(effect.sequence);
    if (!this.rules.effectTimeline) return;
    this.timeline.push({
      kind: 'effect',
      name: effect.name,
      sequence: effect.sequence,
      issuedAt: effect.issuedAt,
      deliveredAt: iso(nowMs),
      // A worker still on the code before this patch answers with a bare receipt (rolling
      // deploy): the delivery is recorded all the same, under the effect's own name.
      subject: delivery.subject ?? effectDefinitions.find((definition) => definition.name === effect.name)?.label ?? effect.name,
      recipients: [...(delivery.recipients ?? [])],
      ...(delivery.deliveries ? { deliveries: delivery.deliveries.map((d) => ({ ...d })) } : {}),
      ...(delivery.unreached?.length ? { unreached: delivery.unreached.map((u) => ({ ...u })) } : {}),
    });
  }

  /** An effect could not be carried out: the case goes on, and the failure stays visible on the timeline. */
  effectFailed(effect: QueuedEffect, message: string, nowMs: number): void {
    this.unfinished.delete(effect.sequence);
    this.timeline.push({ kind: 'refused', type: `effect:${effect.name}`, at: iso(nowMs), reason: `kunne ikke utføres: ${message}` });
  }

  /** The case has ended: an overdue mark no longer applies (from `case-host-2` on). */
  finish(): void {
    if (this.rules.hostV2) this.overdueMark = null;
  }

  // -------------------------------------------------------------------------------------------
  // Inside

  /** When a fact happened: its timestamp, but never in the future. */
  private factTime(at: string, nowMs: number): number {
    return Math.min(Date.parse(at), nowMs);
  }

  /**
   * Turns the actions of one transition into timers and queued effects. Delays count from
   * `baseMs`: when the fact happened (an event's `at`, never later than now), so a meeting
   * registered a few days after it was held still gets its deadline from the meeting date.
   */
  private handleActions(actions: readonly MachineAction[], baseMs: number, nowMs: number): void {
    for (const action of actions) {
      if (action.type === 'xstate.raise') {
        const params = action.params as RaiseParams;
        if (typeof params.delay === 'number') {
          this.timers.set(params.id, { id: params.id, name: delayNameOf(params.id), event: params.event, dueAtMs: baseMs + params.delay });
          this.timersVersion += 1;
        }
      } else if (action.type === 'xstate.cancel') {
        if (this.timers.delete((action.params as { sendId: string }).sendId)) this.timersVersion += 1;
      } else if (isEffectName(action.type)) {
        this.queueEffect(action.type, action.params, baseMs, nowMs);
      }
    }
  }

  /**
   * A scheduled meeting invites its participants with a calendar entry; a held one ends that
   * entry's life. The same meeting given a new time before it is held keeps its calendar identity
   * (occurrence) with one more change, so calendars move the entry instead of adding a second.
   */
  private followMeetings(event: CaseEvent, nowMs: number): void {
    if (event.type === 'meeting.held') {
      const meeting = this.meetings[event.meeting];
      if (meeting) this.meetings[event.meeting] = { ...meeting, held: true };
      return;
    }
    if (event.type !== 'meeting.scheduled') return;
    const previous = this.meetings[event.meeting];
    const meeting: CalendarMeeting =
      previous && !previous.held
        ? { occurrence: previous.occurrence, changes: previous.changes + 1, held: false }
        : { occurrence: (previous?.occurrence ?? 0) + 1, changes: 0, held: false };
    this.meetings[event.meeting] = meeting;
    this.queueEffect(
      'sendMeetingInvitation',
      {
        meeting: event.meeting,
        scheduledFor: event.scheduledFor,
        participants: event.participants,
        occurrence: meeting.occurrence,
        changes: meeting.changes,
      },
      this.factTime(event.at, nowMs),
      nowMs,
    );
  }

  private queueEffect(name: EffectName, params: unknown, baseMs: number, nowMs: number): void {
    this.effectSequence += 1;
    this.effectQueue.push({ name, params, sequence: this.effectSequence, issuedAt: iso(nowMs), factAt: iso(baseMs) });
  }

  private recordRoute(cause: string, nowMs: number): void {
    this.route.push({ value: this.snapshot.value, path: activePath(this.snapshot.value), cause, at: iso(nowMs) });
  }

  /** Keeps an absence trigger on the case's record, whatever the chart did with it. */
  private recordTrigger(event: CaseEvent, effect: TriggerRecord['effect']): void {
    if (!isTriggerEvent(event)) return;
    this.triggerLog.push({ ...event.trigger, eventId: event.eventId, at: event.at, effect });
  }
}
