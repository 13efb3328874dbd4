/**
 * One absence case = one run of this workflow, for weeks or months. It hosts the case's
 * procedure machine through XState's pure API (`initialTransition` / `transition`) and keeps
 * the snapshot itself:
 * - delayed events the machine schedules (`xstate.raise` with a delay) become durable timers
 *   with absolute due times, and `xstate.cancel` cancels them; an XState actor's own
 *   setTimeout is never used, because a restored actor would not re-arm it;
 * - named effects become activity calls with idempotency keys;
 * - human events arrive as a validated Update, detection facts as a Signal; handlers only
 *   validate and forward, the machine decides.
 * Long cases continue as new, carrying snapshot, timers, timeline and version.
 *
 * Runs started before the `case-host-2` patch (their histories have no marker for it) keep the
 * host's earlier behaviour to the letter, so they replay; see `hostV2` below for what changed.
 */
import * as wf from '@temporalio/workflow';
import type { AnyMachineSnapshot, StateValue } from 'xstate';
import type { EffectActivityInput } from '../activities';
import type { CaseContext } from '../machines/case-context';
import type { EffectName, EffectParams } from '../machines/effects';
import type { CaseEvent } from '../machines/events';
import {
  type CarriedCase,
  type CaseClosing,
  type CaseView,
  type CaseWorkflowInput,
  type OverdueMark,
  type PendingEffect,
  type PendingTimer,
  type RouteEntry,
  type SendEventResult,
  type SendEventReceipt,
  type TimelineEntry,
  type TriggerRecord,
  absenceFactsSignal,
  caseMachineStateQuery,
  caseViewQuery,
  daysOverdueAt,
  sendEventUpdate,
} from './case-messages';
import {
  CaseClosingReason,
  CaseOpenedAt,
  CaseStage,
  CaseStatus,
  DeadlineOverdue,
  NextDeadline,
  OverdueSince,
  ProcedureId,
  SchoolId,
} from './search-attributes';
import { callEffect, effectProxies } from './effect-proxies';
import { caseRuntime } from './shared-modules';

// XState and the machines come from the worker's one shared instance, not a copy per case (see shared-modules.ts).
const {
  initialTransition,
  transition,
  authorisationRefusal,
  detectionEventTypes,
  caseFactsSchema,
  documentOf,
  effectDefinitions,
  effectNames,
  parseCaseEvent,
  delayName,
  eventNames,
  activeMeta,
  activePath,
  allowedEventTypes,
  delayNameOf,
  buildCaseInput,
  getProcedure,
  legacyCaseFactsSchema,
} = caseRuntime();

/**
 * One proxy per effect with the retries and timeouts its module declares (machines/effects/):
 * messages are retried with backoff, bad input is not retried, and an effect not carried out in
 * time is recorded on the case as failed.
 */
const effectActivities = effectProxies(effectDefinitions);

interface QueuedEffect extends PendingEffect {
  name: EffectName;
}

interface RaiseParams {
  id: string;
  delay?: number;
  event: { type: string };
}

const isEffectName = (type: string): type is EffectName => (effectNames as readonly string[]).includes(type);
const iso = (ms: number) => new Date(ms).toISOString();
/**
 * The patch behind everything issue "nothing lost, nothing forged" changed in the host: a case
 * opened without a version takes the newest; detection's Signal takes only detection's facts
 * (a person's event must come as the validated Update); "overdue" means a person's deadline
 * passed and that person has not yet taken the step, and only a person's step clears it; a
 * deadline that had passed before it was set fires once, at once, marked as missed; the closing
 * reason is kept and searchable; every event keeps its own fields on the timeline.
 */
const PATCH_CASE_HOST_2 = 'case-host-2';
/**
 * The patch that made the `sendEvent` Update answer with a small receipt (applied, event id, the
 * step and status) instead of the whole view: Update results are written to the history, and a
 * long case's view is tens of kilobytes. Runs opened before it keep answering with the view.
 */
const PATCH_UPDATE_RECEIPT = 'case-update-receipt';
/**
 * The patch that records every delivered effect on the case's timeline (what was sent, to whom,
 * when), not only the failures, so an auditor sees that the guardians were told and when. Runs
 * opened before it record only failures, as they did.
 */
const PATCH_EFFECT_TIMELINE = 'effect-timeline';
/** A timer firing later than this after its due time counts as late (see the timer loop). */
const LATE_TIMER_SLACK_MS = 60_000;
/** When a fact happened, as workflow time: its timestamp, but never in the future. */
const factTime = (at: string): number => Math.min(Date.parse(at), Date.now());
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

/** The case workflow. Returns the final public view when the case closes. */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseView> {
  const info = wf.workflowInfo();
  // Decided once, first thing, so the marker is always the run's first command.
  const hostV2 = wf.patched(PATCH_CASE_HOST_2);
  // Decided at the start as well, so a run answers every Update the same way for its whole life.
  const updateReceipts = wf.patched(PATCH_UPDATE_RECEIPT);
  const effectTimeline = wf.patched(PATCH_EFFECT_TIMELINE);
  const procedure = (() => {
    try {
      // A case opened without a version takes the newest. Runs recorded before the patch ran
      // when version 1 was the newest, and stay on it.
      return getProcedure(input.procedureId, input.procedureVersion ?? (hostV2 ? undefined : 1));
    } catch (err) {
      throw wf.ApplicationFailure.nonRetryable((err as Error).message, 'UnknownProcedure');
    }
  })();

  let snapshot: AnyMachineSnapshot;
  const timers = new Map<string, PendingTimer>();
  let timersVersion = 0;
  const timeline: TimelineEntry[] = input.carried?.timeline ?? [];
  const appliedEventIds = new Set<string>(input.carried?.appliedEventIds ?? []);
  if (!input.carried && input.openingEventId !== undefined) appliedEventIds.add(input.openingEventId);
  const route: RouteEntry[] = input.carried?.route ?? [];
  let effectSequence = input.carried?.effectSequence ?? 0;
  // Earlier runs: a plain flag that any accepted event clears. Patched runs: `overdueMark`.
  let overdueFlag = input.carried?.overdue ?? false;
  let overdueMark: OverdueMark | null = input.carried?.overdueSince ?? null;
  let closing: CaseClosing | undefined = input.carried?.closing;
  // Effects wait here until started; started ones stay in `unfinished` until done, so a
  // continue-as-new can hand them to the next run (keys make a repeat harmless).
  const effectQueue: QueuedEffect[] = (input.carried?.pendingEffects ?? []).filter((e): e is QueuedEffect => isEffectName(e.name));
  const unfinished = new Map<number, QueuedEffect>();

  /**
   * Turns the actions of one transition into timers and queued effects. Delays count from
   * `baseMs`: when the fact happened (an event's `at`, never later than now), so a meeting
   * registered a few days after it was held still gets its deadline from the meeting date.
   */
  const handleActions = (actions: readonly { type: string; params?: unknown }[], baseMs: number): void => {
    for (const action of actions) {
      if (action.type === 'xstate.raise') {
        const params = action.params as RaiseParams;
        if (typeof params.delay === 'number') {
          timers.set(params.id, { id: params.id, name: delayNameOf(params.id), event: params.event, dueAtMs: baseMs + params.delay });
          timersVersion += 1;
        }
      } else if (action.type === 'xstate.cancel') {
        if (timers.delete((action.params as { sendId: string }).sendId)) timersVersion += 1;
      } else if (isEffectName(action.type)) {
        effectSequence += 1;
        effectQueue.push({
          name: action.type,
          params: action.params,
          sequence: effectSequence,
          issuedAt: iso(Date.now()),
          factAt: iso(baseMs),
        });
      }
    }
  };

  if (input.carried) {
    snapshot = procedure.machine.resolveState({ value: input.carried.value as StateValue, context: input.carried.context });
    for (const timer of input.carried.timers) timers.set(timer.id, timer);
  } else {
    let caseInput;
    try {
      // Runs from before the patch opened under the older rule for ids and grades; they replay with it.
      caseInput = buildCaseInput(procedure, input.facts, input.policyOverrides, hostV2 ? caseFactsSchema : legacyCaseFactsSchema);
    } catch (err) {
      throw wf.ApplicationFailure.nonRetryable((err as Error).message, 'InvalidCaseInput');
    }
    const [first, actions] = initialTransition(procedure.machine, caseInput);
    snapshot = first;
    handleActions(actions, factTime(caseInput.openedAt));
  }
  const context = () => snapshot.context as CaseContext<unknown>;
  const recordRoute = (cause: string): void => {
    route.push({ value: snapshot.value, path: activePath(snapshot.value), cause, at: iso(Date.now()) });
  };
  if (!input.carried) recordRoute('opened');

  /**
   * The case's record of triggers: every absence pattern the case received while open, with its
   * evidence, whether or not it moved the case (a chart that refused one still has it on record).
   * Runs carried from before the record existed rebuild it from the machine's context.
   */
  const triggerLog: TriggerRecord[] =
    input.carried?.triggerLog ??
    context().triggers.map((trigger, i) => ({ ...trigger, at: context().openedAt, effect: i === 0 ? 'opened' : 'recorded' }));
  if (!input.carried && input.openingEventId !== undefined && triggerLog[0]) triggerLog[0].eventId = input.openingEventId;

  const stateLabel = () => activeMeta(snapshot).label;
  const sortedTimers = () => [...timers.values()].sort((a, b) => a.dueAtMs - b.dueAtMs);
  const isOverdue = () => (hostV2 ? overdueMark !== null : overdueFlag);

  const view = (): CaseView => {
    const meta = activeMeta(snapshot);
    const ctx = context();
    const now = Date.now();
    return {
      caseId: ctx.caseId,
      workflowId: info.workflowId,
      procedure: { id: procedure.id, version: procedure.version, displayName: procedure.displayName },
      schoolId: ctx.schoolId,
      pupilId: ctx.pupilId,
      grade: ctx.grade,
      openedAt: ctx.openedAt,
      status: snapshot.status === 'done' ? 'closed' : 'open',
      stage: meta.stage,
      state: { label: meta.label, responsible: meta.responsible, clauses: meta.clauses, requiredDocuments: meta.requiredDocuments },
      allowedEvents: allowedEventTypes(snapshot),
      // A deadline that has passed is about to fire (or fires now); it is never shown as coming.
      deadlines: sortedTimers()
        .filter((t) => !hostV2 || t.dueAtMs > now)
        .map((t) => ({ name: t.name, dueAt: iso(t.dueAtMs) })),
      overdue: isOverdue(),
      overdueSince: hostV2 && overdueMark ? iso(overdueMark.sinceMs) : null,
      daysOverdue: hostV2 && overdueMark ? daysOverdueAt(iso(overdueMark.sinceMs), now) : 0,
      timeline: [...timeline],
      documents: [...ctx.documents],
      triggers: triggerLog.map((t) => ({ ...t })),
      ...(closing ? { closing } : {}),
    };
  };

  /** Keeps the coordinators' search attributes in step with the case. */
  let lastAttributes = '';
  const updateSearchAttributes = (): void => {
    const v = view();
    const next = sortedTimers()[0];
    const attributes = {
      stage: v.stage,
      status: v.status,
      nextDeadline: next ? next.dueAtMs : null,
      overdue: isOverdue(),
      ...(hostV2 ? { overdueSince: overdueMark?.sinceMs ?? null, closingReason: closing?.reason ?? null } : {}),
    };
    const key = JSON.stringify(attributes);
    if (key === lastAttributes) return; // unchanged: keep history small
    lastAttributes = key;
    wf.upsertSearchAttributes([
      { key: SchoolId, value: v.schoolId },
      { key: ProcedureId, value: v.procedure.id },
      { key: CaseStage, value: attributes.stage },
      { key: CaseStatus, value: attributes.status },
      { key: NextDeadline, value: attributes.nextDeadline === null ? null : new Date(attributes.nextDeadline) },
      { key: DeadlineOverdue, value: attributes.overdue },
      { key: CaseOpenedAt, value: new Date(v.openedAt) },
      ...(hostV2
        ? [
            { key: OverdueSince, value: overdueMark ? new Date(overdueMark.sinceMs) : null },
            { key: CaseClosingReason, value: closing?.reason ?? null },
          ]
        : []),
    ]);
  };

  /**
   * Why the machine cannot take `event` now, in Norwegian for the person who sent it, or
   * undefined if it can. Names the event and the step the case is in.
   */
  const refusal = (event: CaseEvent, via: 'update' | 'signal'): string | undefined => {
    const name = eventNames[event.type];
    if (snapshot.status !== 'active') return `Saken er avsluttet og tar ikke imot flere hendelser («${name}»).`;
    const allowed = allowedEventTypes(snapshot);
    if (!allowed.includes(event.type)) {
      return `Steget «${stateLabel()}» tar ikke imot «${name}». Steget tar imot: ${allowed.map((t) => eventNames[t]).join(', ') || 'ingen hendelser'}.`;
    }
    const sender = senderRefusal(event, via);
    if (sender) return sender;
    if (snapshot.can(event)) return undefined;
    return (
      `Saken kan ikke ta imot «${name}» i steget «${stateLabel()}» ennå: et vilkår i rutinen er ikke oppfylt ` +
      `(for eksempel et dokument som mangler, elevens stemme som ikke er dokumentert, eller en dato utenfor fristen).`
    );
  };

  /** Why the event's sender may not send it here, by channel and role (patched runs only). */
  const senderRefusal = (event: CaseEvent, via: 'update' | 'signal'): string | undefined => {
    if (!hostV2) return undefined;
    if (via === 'signal' && !detectionEventTypes.includes(event.type)) {
      return `«${eventNames[event.type]}» er en persons registrering og må sendes som en vanlig hendelse i saken, ikke som fravær fra deteksjonen.`;
    }
    return authorisationRefusal(snapshot, event, stateLabel(), procedure.extraSenders);
  };

  /** Keeps an absence trigger on the case's record, whatever the chart did with it. */
  const recordTrigger = (event: CaseEvent, effect: TriggerRecord['effect']): void => {
    if (!isTriggerEvent(event)) return;
    triggerLog.push({ ...event.trigger, eventId: event.eventId, at: event.at, effect });
  };

  /** Applies an accepted case event and records it. */
  const applyEvent = (event: CaseEvent): void => {
    const pathBefore = activePath(snapshot.value);
    const [next, actions] = transition(procedure.machine, snapshot, event);
    snapshot = next;
    handleActions(actions, factTime(event.at));
    appliedEventIds.add(event.eventId);
    recordRoute(event.type);
    const moved = activePath(snapshot.value) !== pathBefore || snapshot.status !== 'active';
    recordTrigger(event, moved ? 'moved' : 'recorded');
    if (!hostV2) overdueFlag = false;
    else if (overdueMark && moved) {
      // Only a person's step that moves the case on (or closes it) meets an overdue deadline;
      // a filed note does not, and detection's facts never do: when they move the case, the
      // step still owed is now the one they moved it to.
      if (event.actor.role !== 'system' || snapshot.status !== 'active') overdueMark = null;
      else overdueMark = { ...overdueMark, statePath: activePath(snapshot.value) };
    }
    if (snapshot.status === 'done') closing = closingOf(event);
    timeline.push({
      kind: 'event',
      eventId: event.eventId,
      type: event.type,
      actor: event.actor,
      at: event.at,
      appliedAt: iso(Date.now()),
      stateLabel: stateLabel(),
      ...(hostV2 ? { data: eventData(event) } : {}),
    });
    updateSearchAttributes();
  };

  /** What the Update answers: a receipt, or in runs from before the receipt patch the whole view. */
  const answer = (applied: boolean, event: CaseEvent): SendEventResult =>
    updateReceipts ? receipt(applied, event) : { applied, view: view() };
  const receipt = (applied: boolean, event: CaseEvent): SendEventReceipt => ({
    applied,
    eventId: event.eventId,
    status: snapshot.status === 'done' ? 'closed' : 'open',
    stage: activeMeta(snapshot).stage,
    stateLabel: stateLabel(),
    overdue: isOverdue(),
  });

  wf.setHandler(
    sendEventUpdate,
    (raw): SendEventResult => {
      const event = parseCaseEvent(raw);
      if (appliedEventIds.has(event.eventId)) return answer(false, event);
      applyEvent(event);
      return answer(true, event);
    },
    {
      // Runs before the update is written to history: a refused event leaves no trace.
      validator: (raw) => {
        const event = parseCaseEvent(raw);
        if (appliedEventIds.has(event.eventId)) return; // a retry of an applied event: answered, not re-applied
        const reason = refusal(event, 'update');
        if (reason) throw new Error(reason);
      },
    },
  );

  wf.setHandler(absenceFactsSignal, (raw) => {
    // Signals cannot be refused to the sender, so a fact the case cannot take is kept on the
    // timeline as refused, where a coordinator sees it.
    let event: CaseEvent;
    try {
      event = parseCaseEvent(raw);
    } catch (err) {
      const candidate = raw as { eventId?: unknown; type?: unknown };
      timeline.push({
        kind: 'refused',
        ...(typeof candidate?.eventId === 'string' ? { eventId: candidate.eventId } : {}),
        type: typeof candidate?.type === 'string' ? candidate.type : '(unknown)',
        at: iso(Date.now()),
        reason: (err as Error).message,
      });
      return;
    }
    if (appliedEventIds.has(event.eventId)) return;
    const reason = refusal(event, 'signal');
    if (reason) {
      timeline.push({ kind: 'refused', eventId: event.eventId, type: event.type, at: iso(Date.now()), reason });
      // New absence is never lost while the case is open, even where an older chart refuses it.
      if (hostV2 && snapshot.status === 'active' && detectionEventTypes.includes(event.type)) {
        appliedEventIds.add(event.eventId);
        recordTrigger(event, 'recorded');
      }
      return;
    }
    applyEvent(event);
  });

  wf.setHandler(caseViewQuery, view);
  wf.setHandler(caseMachineStateQuery, () => ({
    procedureId: procedure.id,
    procedureVersion: procedure.version,
    value: snapshot.value,
    path: activePath(snapshot.value),
    status: snapshot.status,
    route: [...route],
    timers: sortedTimers(),
  }));

  /** The activity input of a queued effect; its params are as the machine declared them (typed there by the effect's schema). */
  const effectInput = <K extends EffectName>(effect: QueuedEffect & { name: K }): EffectActivityInput<K> => {
    const ctx = context();
    return {
      idempotencyKey: `${info.workflowId}/${effect.sequence}/${effect.name}`,
      caseId: ctx.caseId,
      procedureId: procedure.id,
      schoolId: ctx.schoolId,
      pupilId: ctx.pupilId,
      issuedAt: effect.issuedAt,
      factAt: effect.factAt ?? effect.issuedAt,
      params: effect.params as EffectParams[K],
    };
  };

  const performEffect = async (effect: QueuedEffect): Promise<void> => {
    try {
      const delivery = await callEffect(effectActivities, effect.name, effectInput(effect));
      if (effectTimeline) {
        timeline.push({
          kind: 'effect',
          name: effect.name,
          sequence: effect.sequence,
          issuedAt: effect.issuedAt,
          deliveredAt: iso(Date.now()),
          // A worker still on the code before this patch answers with a bare receipt (rolling
          // deploy): the delivery is recorded all the same, under the effect's own name.
          subject: delivery.subject ?? effectDefinitions.find((definition) => definition.name === effect.name)?.label ?? effect.name,
          recipients: [...(delivery.recipients ?? [])],
        });
      }
    } catch (err) {
      // The case must go on even if a message could not be delivered; the failure stays visible.
      timeline.push({
        kind: 'refused',
        type: `effect:${effect.name}`,
        at: iso(Date.now()),
        reason: `kunne ikke utføres: ${err instanceof wf.ActivityFailure && err.cause ? err.cause.message : (err as Error).message}`,
      });
    } finally {
      unfinished.delete(effect.sequence);
    }
  };

  /**
   * Starts every queued effect without waiting for it: a message that keeps failing and is
   * retried for days must never hold back the case's deadlines or its other messages.
   */
  const startQueuedEffects = (): void => {
    for (let effect = effectQueue.shift(); effect; effect = effectQueue.shift()) {
      unfinished.set(effect.sequence, effect);
      void performEffect(effect);
    }
  };

  /**
   * The machine takes a timer's delayed event. An on-time timer keeps its exact schedule; one
   * that fires late (the worker was down, or the case was opened from old facts) re-arms what
   * follows from now, so reminders never come in bursts. A deadline that a person had to meet
   * marks the case overdue from when it fell due.
   */
  const fireTimer = (timer: PendingTimer): void => {
    timers.delete(timer.id);
    timersVersion += 1;
    const now = Date.now();
    const routine = procedure.routineDelays.includes(timer.name);
    // A planned period ending late is no lateness of anyone's: only a deadline a person had to meet is "missed".
    const missed = hostV2 && !routine && timer.dueAtMs < now - LATE_TIMER_SLACK_MS;
    const [after, actions] = transition(procedure.machine, snapshot, timer.event as never);
    snapshot = after;
    recordRoute(`after:${timer.name}`);
    handleActions(actions, Math.max(timer.dueAtMs, now - LATE_TIMER_SLACK_MS));
    // A procedure may close a case when a period ends (C's rest after an illness closing).
    if (hostV2 && snapshot.status === 'done' && !closing) {
      closing = {
        reason: 'other',
        note: `Avsluttet da fristen «${delayName(timer.name)}» løp ut.`,
        documentRef: '',
        at: iso(timer.dueAtMs),
        actor: { role: 'system', userId: 'saksflyten' },
      };
    }
    if (!routine) {
      if (!hostV2) overdueFlag = true;
      else if (snapshot.status === 'active' && !overdueMark)
        overdueMark = { sinceMs: timer.dueAtMs, delay: timer.name, statePath: activePath(snapshot.value) };
      else if (overdueMark) overdueMark = { ...overdueMark, statePath: activePath(snapshot.value) };
    }
    timeline.push({
      kind: 'deadline',
      name: timer.name,
      firedAt: iso(now),
      stateLabel: stateLabel(),
      ...(hostV2 ? { dueAt: iso(timer.dueAtMs), ...(missed ? { missed: true } : {}) } : {}),
    });
    updateSearchAttributes();
  };

  const shouldContinueAsNew = (): boolean =>
    wf.workflowInfo().continueAsNewSuggested ||
    (input.historyEventLimit !== undefined && wf.workflowInfo().historyLength >= input.historyEventLimit);

  updateSearchAttributes();

  for (;;) {
    startQueuedEffects();
    if (snapshot.status !== 'active') break;

    if (shouldContinueAsNew()) {
      await wf.condition(wf.allHandlersFinished);
      const carried: CarriedCase = {
        value: snapshot.value,
        context: snapshot.context,
        timers: sortedTimers(),
        timeline,
        appliedEventIds: [...appliedEventIds],
        effectSequence,
        pendingEffects: [...unfinished.values(), ...effectQueue].sort((a, b) => a.sequence - b.sequence),
        overdue: isOverdue(),
        route,
        ...(hostV2 ? { overdueSince: overdueMark, triggerLog, ...(closing ? { closing } : {}) } : {}),
      };
      return wf.continueAsNew<typeof caseWorkflow>({ ...input, procedureVersion: procedure.version, carried });
    }

    const next = sortedTimers()[0];
    // A deadline already due (a case opened from old facts, a worker that was down) fires now,
    // without a durable timer: it is not waited for, and never shown as coming.
    if (hostV2 && next && next.dueAtMs <= Date.now()) {
      fireTimer(next);
      continue;
    }
    const seenVersion = timersVersion;
    const woken = (): boolean =>
      effectQueue.length > 0 || snapshot.status !== 'active' || timersVersion !== seenVersion || shouldContinueAsNew();
    if (!next) {
      await wf.condition(woken);
      continue;
    }
    // condition() with a timeout is a durable timer: it survives worker and server restarts.
    const interrupted = await wf.condition(woken, Math.max(1, next.dueAtMs - Date.now()));
    if (!interrupted && timers.get(next.id) === next) fireTimer(next);
  }

  // The case is closed; its last messages (e.g. to the guardians) are still sent before it ends.
  if (hostV2) overdueMark = null;
  startQueuedEffects();
  await wf.condition(() => unfinished.size === 0);
  updateSearchAttributes();
  return view();
}
