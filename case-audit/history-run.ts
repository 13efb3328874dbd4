/**
 * One run of a case workflow, read from its Temporal history into what the workflow received and
 * what it recorded, activation by activation: no Temporal connection, no replay yet (that is
 * redrive.ts). An activation is one workflow task that completed: its time (`Date.now()` in the
 * workflow is the time of its WorkflowTaskStarted event), the jobs it processed (detection's
 * Signals, people's accepted Updates, activity results, timer fires) and the commands it left
 * in the history (markers, search attributes, memo, activities, timers, Update answers, the end).
 *
 * Payloads are decoded with the case data converter's codecs (app/temporal.ts: AES-GCM), then
 * read as JSON; search attributes are never sealed and are read as they are.
 */
import { type Payload, type PayloadCodec, defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { CaseWorkflowInput } from '../workflows/case-messages';

type History = temporal.api.history.v1.IHistory;
type Failure = temporal.api.failure.v1.IFailure;
const EventType = temporal.api.enums.v1.EventType;

/** Something the workflow received in an activation, in the order it took it. */
export type ActivationJob =
  | { kind: 'signal'; name: string; arg: unknown }
  | { kind: 'update'; name: string; updateId: string; arg: unknown }
  | { kind: 'activityResult'; scheduledEventId: number; result: unknown }
  | { kind: 'activityFailure'; scheduledEventId: number; message: string }
  | { kind: 'timerFired'; timerId: string }
  | { kind: 'cancelRequested' };

/** How the run ended, as its history says. */
export type RunEnd =
  | { kind: 'completed'; result: unknown }
  | { kind: 'continuedAsNew'; input: unknown; newRunId: string }
  | { kind: 'failed'; message: string }
  | { kind: 'terminated'; reason: string }
  | { kind: 'canceled' }
  | { kind: 'timedOut' };

/** What one activation recorded, each kind in its own order. */
export interface ActivationCommands {
  activities: { eventId: number; name: string; input: unknown }[];
  /** Timers started: their duration in milliseconds. */
  timers: { timerId: string; durationMs: number }[];
  /** Timers cancelled (the case was woken before its deadline). */
  timersCancelled: number;
  /** Case search attributes upserted (the SDK's own `TemporalChangeVersion` left out), name → JSON value. */
  upserts: Record<string, unknown>[];
  memos: Record<string, unknown>[];
  /** Update answers by update id: the result, or the failure message. */
  updateOutcomes: { updateId: string; result?: unknown; failure?: string }[];
  end?: RunEnd;
}

export interface Activation {
  /** Workflow time of the activation: its WorkflowTaskStarted event's time (ms). */
  atMs: number;
  /** The WorkflowTaskStarted event's id: the history length the workflow saw. */
  historyLength: number;
  continueAsNewSuggested: boolean;
  jobs: ActivationJob[];
  commands: ActivationCommands;
}

/** A sign in the history that someone changed the run outside the workflow. */
export interface RunAnomaly {
  kind: 'reset' | 'terminated' | 'canceled' | 'failed' | 'timedOut' | 'unfinishedTask';
  atMs: number;
  detail: string;
}

export interface CaseRun {
  runId: string;
  firstExecutionRunId: string;
  /** The run this one continued (continue-as-new), if any. */
  continuedFromRunId: string | undefined;
  startedAtMs: number;
  input: CaseWorkflowInput;
  /** Patch ids the run recorded markers for. */
  patches: Set<string>;
  activations: Activation[];
  anomalies: RunAnomaly[];
  /** Undefined while the run is still open. */
  end: RunEnd | undefined;
  eventCount: number;
}

/** Decodes payloads with the codecs (in reverse, as the SDK does) and reads each as JSON-like value. */
export class PayloadReader {
  constructor(private readonly codecs: readonly PayloadCodec[] = []) {}

  async values(payloads: readonly temporal.api.common.v1.IPayload[] | null | undefined): Promise<unknown[]> {
    if (!payloads || payloads.length === 0) return [];
    let decoded = payloads as Payload[];
    for (const codec of [...this.codecs].reverse()) decoded = await codec.decode(decoded);
    return decoded.map((p) => defaultPayloadConverter.fromPayload(p));
  }

  async value(payloads: readonly temporal.api.common.v1.IPayload[] | null | undefined): Promise<unknown> {
    return (await this.values(payloads))[0];
  }

  /** A failure's message, unsealed when the failure converter encoded it (encodedAttributes). */
  async failureMessage(failure: Failure | null | undefined): Promise<string> {
    if (!failure) return '';
    if (failure.encodedAttributes) {
      const attrs = (await this.value([failure.encodedAttributes])) as { message?: string } | undefined;
      if (typeof attrs?.message === 'string') return attrs.message;
    }
    return failure.message ?? '';
  }
}

const timeMs = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): number =>
  t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
const num = (v: unknown): number => Number(v ?? 0);

/** Search attribute values: plain JSON payloads, never sealed. */
function searchAttributeValues(fields: Record<string, temporal.api.common.v1.IPayload> | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(fields ?? {})) {
    if (name === 'TemporalChangeVersion') continue;
    out[name] = payload.data && payload.data.length > 0 ? JSON.parse(Buffer.from(payload.data).toString('utf8')) : null;
  }
  return out;
}

const emptyCommands = (): ActivationCommands => ({
  activities: [],
  timers: [],
  timersCancelled: 0,
  upserts: [],
  memos: [],
  updateOutcomes: [],
});

/** Reads one run's history. */
export async function readCaseRun(history: History, reader: PayloadReader): Promise<CaseRun> {
  const events = history.events ?? [];
  const first = events[0];
  const started = first?.workflowExecutionStartedEventAttributes;
  if (!first || !started) throw new Error('Historikken begynner ikke med at saken ble startet.');
  const input = (await reader.value(started.input?.payloads)) as CaseWorkflowInput;
  const run: CaseRun = {
    runId: started.originalExecutionRunId ?? '',
    firstExecutionRunId: started.firstExecutionRunId ?? '',
    continuedFromRunId: started.continuedExecutionRunId || undefined,
    startedAtMs: timeMs(first.eventTime),
    input,
    patches: new Set(),
    activations: [],
    anomalies: [],
    end: undefined,
    eventCount: events.length,
  };
  let pending: ActivationJob[] = [];
  let taskStarted: { atMs: number; eventId: number; suggestCan: boolean } | undefined;
  let current: Activation | undefined;

  for (const event of events) {
    const type = event.eventType;
    const at = timeMs(event.eventTime);
    const eventId = num(event.eventId);
    switch (type) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
        taskStarted = { atMs: at, eventId, suggestCan: Boolean(event.workflowTaskStartedEventAttributes?.suggestContinueAsNew) };
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        if (!taskStarted) throw new Error(`Hendelse ${eventId}: en arbeidsoppgave ble fullført uten å ha startet.`);
        current = {
          atMs: taskStarted.atMs,
          historyLength: taskStarted.eventId,
          continueAsNewSuggested: taskStarted.suggestCan,
          jobs: pending,
          commands: emptyCommands(),
        };
        run.activations.push(current);
        pending = [];
        taskStarted = undefined;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED: {
        const failed = event.workflowTaskFailedEventAttributes;
        const cause = failed?.cause;
        if (cause === temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW) {
          run.anomalies.push({ kind: 'reset', atMs: at, detail: failed?.failure?.message ?? 'tilbakestilt' });
        }
        taskStarted = undefined;
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        taskStarted = undefined;
        break;
      case EventType.EVENT_TYPE_MARKER_RECORDED: {
        const details = event.markerRecordedEventAttributes?.details ?? {};
        const data = details['patch-data'];
        if (data) {
          const patch = (await reader.value(data.payloads)) as { id?: string } | undefined;
          if (patch?.id) run.patches.add(patch.id);
        }
        break;
      }
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const values = searchAttributeValues(event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields);
        if (Object.keys(values).length > 0) commandsOf(current, eventId).upserts.push(values);
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED: {
        const fields = event.workflowPropertiesModifiedEventAttributes?.upsertedMemo?.fields ?? {};
        const memo: Record<string, unknown> = {};
        for (const [name, payload] of Object.entries(fields)) memo[name] = await reader.value([payload]);
        commandsOf(current, eventId).memos.push(memo);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const a = event.activityTaskScheduledEventAttributes!;
        commandsOf(current, eventId).activities.push({
          eventId,
          name: a.activityType?.name ?? '',
          input: await reader.value(a.input?.payloads),
        });
        break;
      }
      case EventType.EVENT_TYPE_TIMER_STARTED: {
        const t = event.timerStartedEventAttributes!;
        commandsOf(current, eventId).timers.push({ timerId: t.timerId ?? '', durationMs: timeMs(t.startToFireTimeout) });
        break;
      }
      case EventType.EVENT_TYPE_TIMER_CANCELED:
        commandsOf(current, eventId).timersCancelled += 1;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
        const u = event.workflowExecutionUpdateAcceptedEventAttributes!;
        const request = u.acceptedRequest;
        // An accepted Update was delivered in the activation whose task wrote its acceptance.
        activationOf(current, eventId).jobs.push({
          kind: 'update',
          name: request?.input?.name ?? '',
          updateId: u.protocolInstanceId ?? request?.meta?.updateId ?? '',
          arg: await reader.value(request?.input?.args?.payloads),
        });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: {
        const u = event.workflowExecutionUpdateCompletedEventAttributes!;
        const outcome = u.outcome;
        commandsOf(current, eventId).updateOutcomes.push({
          updateId: u.meta?.updateId ?? '',
          ...(outcome?.failure
            ? { failure: await reader.failureMessage(outcome.failure) }
            : { result: await reader.value(outcome?.success?.payloads) }),
        });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
        const s = event.workflowExecutionSignaledEventAttributes!;
        pending.push({ kind: 'signal', name: s.signalName ?? '', arg: await reader.value(s.input?.payloads) });
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const a = event.activityTaskCompletedEventAttributes!;
        pending.push({ kind: 'activityResult', scheduledEventId: num(a.scheduledEventId), result: await reader.value(a.result?.payloads) });
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: {
        // The workflow sees both as the activity's failure.
        const a = (event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes)!;
        pending.push({
          kind: 'activityFailure',
          scheduledEventId: num(a.scheduledEventId),
          message: await reader.failureMessage(a.failure),
        });
        break;
      }
      case EventType.EVENT_TYPE_TIMER_FIRED:
        pending.push({ kind: 'timerFired', timerId: event.timerFiredEventAttributes?.timerId ?? '' });
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED:
        pending.push({ kind: 'cancelRequested' });
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        run.end = { kind: 'completed', result: await reader.value(event.workflowExecutionCompletedEventAttributes?.result?.payloads) };
        commandsOf(current, eventId).end = run.end;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: {
        const c = event.workflowExecutionContinuedAsNewEventAttributes!;
        run.end = { kind: 'continuedAsNew', input: await reader.value(c.input?.payloads), newRunId: c.newExecutionRunId ?? '' };
        commandsOf(current, eventId).end = run.end;
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: {
        const message = await reader.failureMessage(event.workflowExecutionFailedEventAttributes?.failure);
        run.end = { kind: 'failed', message };
        commandsOf(current, eventId).end = run.end;
        run.anomalies.push({ kind: 'failed', atMs: at, detail: message });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: {
        const reason = event.workflowExecutionTerminatedEventAttributes?.reason ?? '';
        run.end = { kind: 'terminated', reason };
        run.anomalies.push({ kind: 'terminated', atMs: at, detail: reason });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
        run.end = { kind: 'canceled' };
        commandsOf(current, eventId).end = run.end;
        run.anomalies.push({ kind: 'canceled', atMs: at, detail: '' });
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
        run.end = { kind: 'timedOut' };
        run.anomalies.push({ kind: 'timedOut', atMs: at, detail: '' });
        break;
      default:
        // Scheduling and starting of tasks: nothing the case's rules decide on its own.
        break;
    }
  }
  return run;
}

function activationOf(current: Activation | undefined, eventId: number): Activation {
  if (!current) throw new Error(`Hendelse ${eventId} står før sakens første arbeidsoppgave ble fullført.`);
  return current;
}

function commandsOf(current: Activation | undefined, eventId: number): ActivationCommands {
  return activationOf(current, eventId).commands;
}
