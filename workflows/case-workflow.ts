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
 */
import * as wf from '@temporalio/workflow';
import { type AnyMachineSnapshot, type StateValue, initialTransition, transition } from 'xstate';
import type { CaseActivities } from '../activities';
import type { CaseContext } from '../machines/case-context';
import { effectNames, type EffectName } from '../machines/effects';
import { type CaseEvent, parseCaseEvent } from '../machines/events';
import { activeMeta, activePath, allowedEventTypes, delayNameOf } from '../machines/public-view';
import { buildCaseInput, getProcedure } from '../machines/registry';
import {
  type CarriedCase,
  type CaseView,
  type CaseWorkflowInput,
  type PendingEffect,
  type PendingTimer,
  type RouteEntry,
  type SendEventResult,
  type TimelineEntry,
  absenceFactsSignal,
  caseMachineStateQuery,
  caseViewQuery,
  sendEventUpdate,
} from './case-messages';
import { CaseOpenedAt, CaseStage, CaseStatus, DeadlineOverdue, NextDeadline, ProcedureId, SchoolId } from './search-attributes';

/** Notifications and documents are retried with backoff; bad input is not retried. */
const activities = wf.proxyActivities<CaseActivities>({
  startToCloseTimeout: '1 minute',
  // A message that cannot be delivered within three days is recorded on the case as failed.
  scheduleToCloseTimeout: '3 days',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    nonRetryableErrorTypes: ['InvalidActivityInput'],
  },
});

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
/** Patch ids: each marks a change in what the workflow does, so older histories still replay. */
const PATCH_NEWEST_VERSION_AT_OPENING = 'newest-procedure-version-at-opening';
/** A timer firing later than this after its due time counts as late (see the timer loop). */
const LATE_TIMER_SLACK_MS = 60_000;
/** When a fact happened, as workflow time: its timestamp, but never in the future. */
const factTime = (at: string): number => Math.min(Date.parse(at), Date.now());

/** The case workflow. Returns the final public view when the case closes. */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseView> {
  const info = wf.workflowInfo();
  const procedure = (() => {
    try {
      // A case opened without a version takes the newest. Runs recorded before version 2 existed
      // have no marker for this patch: the newest version then was 1, and they stay on it.
      const version = input.procedureVersion ?? (wf.patched(PATCH_NEWEST_VERSION_AT_OPENING) ? undefined : 1);
      return getProcedure(input.procedureId, version);
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
  let overdue = input.carried?.overdue ?? false;
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
        effectQueue.push({ name: action.type, params: action.params, sequence: effectSequence, issuedAt: iso(Date.now()), factAt: iso(baseMs) });
      }
    }
  };

  if (input.carried) {
    snapshot = procedure.machine.resolveState({ value: input.carried.value as StateValue, context: input.carried.context });
    for (const timer of input.carried.timers) timers.set(timer.id, timer);
  } else {
    let caseInput;
    try {
      caseInput = buildCaseInput(procedure, input.facts, input.policyOverrides);
    } catch (err) {
      throw wf.ApplicationFailure.nonRetryable((err as Error).message, 'InvalidCaseInput');
    }
    const [first, actions] = initialTransition(procedure.machine, caseInput);
    snapshot = first;
    handleActions(actions, factTime(caseInput.openedAt));
  }
  const recordRoute = (cause: string): void => {
    route.push({ value: snapshot.value, path: activePath(snapshot.value), cause, at: iso(Date.now()) });
  };
  if (!input.carried) recordRoute('opened');

  const context = () => snapshot.context as CaseContext<unknown>;
  const stateLabel = () => activeMeta(snapshot).label;
  const sortedTimers = () => [...timers.values()].sort((a, b) => a.dueAtMs - b.dueAtMs);

  const view = (): CaseView => {
    const meta = activeMeta(snapshot);
    const ctx = context();
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
      deadlines: sortedTimers().map((t) => ({ name: t.name, dueAt: iso(t.dueAtMs) })),
      overdue,
      timeline: [...timeline],
      documents: [...ctx.documents],
      triggers: [...ctx.triggers],
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
      overdue,
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
      { key: DeadlineOverdue, value: overdue },
      { key: CaseOpenedAt, value: new Date(v.openedAt) },
    ]);
  };

  /**
   * Why the machine cannot take `event` now, in Norwegian for the person who sent it, or
   * undefined if it can. Names the event and the step the case is in.
   */
  const refusal = (event: CaseEvent): string | undefined => {
    if (snapshot.status !== 'active') return `Saken er avsluttet og tar ikke imot flere hendelser («${event.type}»).`;
    if (snapshot.can(event)) return undefined;
    const allowed = allowedEventTypes(snapshot);
    return allowed.includes(event.type)
      ? `Saken kan ikke ta imot «${event.type}» i steget «${stateLabel()}» ennå: et vilkår i rutinen er ikke oppfylt ` +
          `(for eksempel et dokument som mangler, elevens stemme som ikke er dokumentert, eller en dato utenfor fristen).`
      : `Steget «${stateLabel()}» tar ikke imot «${event.type}». Steget tar imot: ${allowed.join(', ') || 'ingen hendelser'}.`;
  };

  /** Applies an accepted case event and records it. */
  const applyEvent = (event: CaseEvent): void => {
    const [next, actions] = transition(procedure.machine, snapshot, event);
    snapshot = next;
    handleActions(actions, factTime(event.at));
    appliedEventIds.add(event.eventId);
    recordRoute(event.type);
    overdue = false;
    timeline.push({
      kind: 'event',
      eventId: event.eventId,
      type: event.type,
      actor: event.actor,
      at: event.at,
      appliedAt: iso(Date.now()),
      stateLabel: stateLabel(),
    });
    updateSearchAttributes();
  };

  wf.setHandler(
    sendEventUpdate,
    (raw): SendEventResult => {
      const event = parseCaseEvent(raw);
      if (appliedEventIds.has(event.eventId)) return { applied: false, view: view() };
      applyEvent(event);
      return { applied: true, view: view() };
    },
    {
      // Runs before the update is written to history: a refused event leaves no trace.
      validator: (raw) => {
        const event = parseCaseEvent(raw);
        if (appliedEventIds.has(event.eventId)) return; // a retry of an applied event: answered, not re-applied
        const reason = refusal(event);
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
    const reason = refusal(event);
    if (reason) {
      timeline.push({ kind: 'refused', eventId: event.eventId, type: event.type, at: iso(Date.now()), reason });
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

  const performEffect = async (effect: QueuedEffect): Promise<void> => {
    const ctx = context();
    const payload = {
      idempotencyKey: `${info.workflowId}/${effect.sequence}/${effect.name}`,
      caseId: ctx.caseId,
      procedureId: procedure.id,
      schoolId: ctx.schoolId,
      pupilId: ctx.pupilId,
      issuedAt: effect.issuedAt,
      factAt: effect.factAt ?? effect.issuedAt,
      params: effect.params,
    };
    try {
      await activities[effect.name](payload);
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
        overdue,
        route,
      };
      return wf.continueAsNew<typeof caseWorkflow>({ ...input, procedureVersion: procedure.version, carried });
    }

    const next = sortedTimers()[0];
    const seenVersion = timersVersion;
    const woken = (): boolean =>
      effectQueue.length > 0 || snapshot.status !== 'active' || timersVersion !== seenVersion || shouldContinueAsNew();
    if (!next) {
      await wf.condition(woken);
      continue;
    }
    // condition() with a timeout is a durable timer: it survives worker and server restarts.
    const interrupted = await wf.condition(woken, Math.max(1, next.dueAtMs - Date.now()));
    if (!interrupted && timers.get(next.id) === next) {
      // The deadline passed with nothing else happening: the machine takes its delayed event.
      timers.delete(next.id);
      timersVersion += 1;
      const [after, actions] = transition(procedure.machine, snapshot, next.event as never);
      snapshot = after;
      recordRoute(`after:${next.name}`);
      // An on-time timer keeps its exact schedule; one that fires late (the worker was down, or
      // the case was opened from old data) re-arms from now, so reminders do not come in bursts.
      handleActions(actions, Math.max(next.dueAtMs, Date.now() - LATE_TIMER_SLACK_MS));
      if (!procedure.routineDelays.includes(next.name)) overdue = true;
      timeline.push({ kind: 'deadline', name: next.name, firedAt: iso(Date.now()), stateLabel: stateLabel() });
      updateSearchAttributes();
    }
  }

  // The case is closed; its last messages (e.g. to the guardians) are still sent before it ends.
  startQueuedEffects();
  await wf.condition(() => unfinished.size === 0);
  updateSearchAttributes();
  return view();
}
