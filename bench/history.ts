/**
 * What a typical case leaves in Temporal's history, beside the hand-written baseline (issue 16):
 * history events and bytes per typical case of each procedure, and the time to replay it.
 *
 * On the pinned time-skipping server, with payloads sealed as in production (caseDataConverter,
 * a throwaway key ring), each current procedure's typical route (bench/typical-route.ts) is
 * driven on the real case workflow by the audit's conformance replay (audit/conformance.ts
 * replayPath, which also checks every step's state). The hand-written workflow
 * (bench/hand-written-workflow.ts) is then driven with the same Updates and Signals at the same
 * times after its opening, deadlines that fall due when the case's do, the same number of effects
 * per step and the same search attributes. Both histories are fetched and measured as the
 * encoded History proto; each is replayed (Worker.runReplayHistories) in rounds after a warm-up
 * (see replayMsPerCase for what a case's replay time excludes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type WorkflowClientInterceptor, WorkflowNotFoundError } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { createWorkerActivities } from '../activities';
import { FileOutbox } from '../activities/outbox';
import { type ConformanceEnv, SharedClock, replayPath as driveOnWorkflow, retimePath, shiftDaysFor, shiftPath } from '../audit/conformance';
import { replayPath as replayOnHost } from '../audit/replay';
import type { AuditPath } from '../audit/types';
import { caseDataConverter, failureConverterPath } from '../app/temporal';
import type { KeyRing } from '../app/payload-keys';
import { type ProcedureDefinition, currentProcedures } from '../machines/registry';
import { temporalTestServerPath } from '../scripts/lib/tools';
import { addSearchAttributes } from '../worker/search-attribute-registration';
import { buildWorker, caseWorkflowBundleOptions } from '../worker/build-worker';
import { caseSearchAttributes } from '../workflows/search-attributes';
import { quietLogger } from './quiet-logger';
import { type BenchFigure, figure } from './figures';
import {
  type BenchActivities,
  type HandWrittenCaseInput,
  type HandWrittenEvent,
  type handWrittenCaseWorkflow,
  handWrittenFactsSignal,
  handWrittenSendEvent,
} from './hand-written-workflow';
import { median } from './measure';
import { type TypicalRoute, typicalRoute } from './typical-route';

export interface HistoryBenchOptions {
  /** Procedure ids to measure; default every current procedure. */
  procedures?: string[];
  /** Timed replay rounds per history (after one warm-up round); the median counts. */
  replayRounds: number;
  /** Copies of the history one replay worker replays in a round (≥ 2; see replayMsPerCase). */
  replayCopies: number;
}

export const defaultHistoryBenchOptions: HistoryBenchOptions = { replayRounds: 5, replayCopies: 10 };

/** The issue's limits for a typical three-month case. */
export const HISTORY_EVENTS_LIMIT = 200;
export const HISTORY_KB_LIMIT = 50;
export const HISTORY_BYTES_RATIO_LIMIT = 1.2;

export interface MeasuredHistory {
  events: number;
  bytes: number;
  /** Wall-clock ms to replay one case. */
  replayMsPerCase: number;
  /** CPU ms (all threads) to replay one case. */
  replayCpuMsPerCase: number;
  /** Events and bytes per event type, largest first. */
  byType: EventTypeSize[];
}

export interface ProcedureHistory {
  procedureId: string;
  route: { fromPathId: string; steps: number; updates: number; signals: number; deadlines: number; days: number };
  host: MeasuredHistory;
  handWritten: MeasuredHistory;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const KB = 1024;

/** A key ring that lives as long as the run: the bench's payloads are sealed as production seals them. */
function throwawayKeyRing(): KeyRing {
  return { payloadKeys: [{ id: 'bench-history', created: new Date().toISOString(), key: randomBytes(32) }], caseIdKey: randomBytes(32) };
}

/** Remembers the workflow id of every start, by workflow type (the conformance replay does not return it). */
function startRecorder(): { interceptor: WorkflowClientInterceptor; last(type: string): string } {
  const ids = new Map<string, string>();
  return {
    interceptor: {
      startWithDetails: async (input, next) => {
        const output = await next(input);
        ids.set(input.workflowType, input.options.workflowId);
        return output;
      },
    },
    last: (type) => {
      const id = ids.get(type);
      if (!id) throw new Error(`no ${type} was started`);
      return id;
    },
  };
}

interface HistoryEnv extends ConformanceEnv {
  handWrittenQueue: string;
  dataConverter: DataConverter;
  caseBundle: WorkflowBundle;
  handWrittenBundle: WorkflowBundle;
  lastStarted(type: string): string;
}

/**
 * A conformance environment (so the audit's replay drives the case) whose client and workers seal
 * payloads, plus a worker for the hand-written workflow and its one activity on a queue of its own.
 */
async function createHistoryEnv(): Promise<HistoryEnv> {
  const ring = throwawayKeyRing();
  const dataConverter = caseDataConverter(ring);
  const [caseBundle, handWrittenBundle] = await Promise.all([
    bundleWorkflowCode({
      ...caseWorkflowBundleOptions,
      preloadModules: [...caseWorkflowBundleOptions.preloadModules],
      logger: quietLogger,
    }),
    bundleWorkflowCode({ workflowsPath: require.resolve('./hand-written-workflow'), failureConverterPath, logger: quietLogger }),
  ]);
  const starts = startRecorder();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
    client: { dataConverter, interceptors: { workflow: [starts.interceptor] } },
  });
  const outboxDir = mkdtempSync(join(tmpdir(), 'bench-history-outbox-'));
  try {
    const namespace = env.namespace ?? 'default';
    await addSearchAttributes(env.connection, caseSearchAttributes, namespace);
    const taskQueue = `bench-history-case-${randomBytes(4).toString('hex')}`;
    const handWrittenQueue = `bench-history-hand-written-${randomBytes(4).toString('hex')}`;
    const caseWorker = await buildWorker({
      connection: env.nativeConnection,
      namespace,
      taskQueue,
      workflowBundle: caseBundle,
      dataConverter,
      activities: createWorkerActivities({ outbox: new FileOutbox(outboxDir) }),
    });
    const recordEffect: BenchActivities['recordEffect'] = async () => undefined;
    const handWorker = await Worker.create({
      connection: env.nativeConnection,
      namespace,
      taskQueue: handWrittenQueue,
      workflowBundle: handWrittenBundle,
      dataConverter,
      activities: { recordEffect },
    });
    const result: HistoryEnv = {
      env,
      taskQueue,
      handWrittenQueue,
      outboxDir,
      clock: new SharedClock(env),
      tainted: false,
      dataConverter,
      caseBundle,
      handWrittenBundle,
      lastStarted: starts.last,
      teardown: async () => {
        for (const worker of [caseWorker, handWorker]) if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await env.teardown();
        rmSync(outboxDir, { recursive: true, force: true });
      },
    };
    const running = Promise.all([caseWorker.run(), handWorker.run()]).catch((err: unknown) => {
      result.workerFailure = err instanceof Error ? err : new Error(String(err));
      result.tainted = true;
    });
    return result;
  } catch (err) {
    await env.teardown();
    rmSync(outboxDir, { recursive: true, force: true });
    throw err;
  }
}

/** The encoded size of a history, as the server stores and sends it. */
export function historyBytes(history: temporal.api.history.v1.IHistory): number {
  return temporal.api.history.v1.History.encode(history).finish().length;
}

/** What the hand-written workflow is told of the route, and when its Updates and Signals come. */
export interface HandWrittenSchedule {
  input: Omit<HandWrittenCaseInput, 'caseId' | 'openedAt'>;
  /** The route's events, ms after the opening. */
  events: { afterMs: number; via: 'update' | 'signal'; event: HandWrittenEvent }[];
}

/** The hand-written schedule of a route, from the pure host's replay of it (deadlines and effects after each step). Pure. */
export function handWrittenSchedule(procedure: ProcedureDefinition, path: AuditPath): HandWrittenSchedule {
  const replay = replayOnHost(procedure, path);
  if (replay.error) throw new Error(`route ${path.id}: step ${replay.error.stepIndex + 1}: ${replay.error.message}`);
  const openedMs = Date.parse(path.facts.openedAt);
  const due = (timers: readonly { dueAtMs: number }[]) => (timers[0] ? timers[0].dueAtMs - openedMs : null);
  const events: HandWrittenSchedule['events'] = [];
  for (const step of path.steps) {
    if (step.kind !== 'event') continue;
    const { eventId, type, actor, at } = step.event as unknown as HandWrittenEvent;
    events.push({ afterMs: Date.parse(at) - openedMs, via: step.via, event: { eventId, type, actor, at } });
  }
  return {
    input: {
      attributes: { schoolId: path.facts.schoolId, procedureId: path.procedureId },
      deadlines: [due(replay.initialTimers), ...replay.steps.map((s) => due(s.timers))],
      effects: [replay.initialEffects.length, ...replay.steps.map((s) => s.effects.length)],
      closesAfterStep: path.steps.length,
    },
    events,
  };
}

/** Drives the route on the case workflow (the audit's replay) and returns its history. */
async function caseHistory(t: HistoryEnv, procedure: ProcedureDefinition, path: AuditPath): Promise<temporal.api.history.v1.IHistory> {
  const result = await driveOnWorkflow(t, path);
  if (!result.passed) throw new Error(`procedure ${procedure.id}: the case workflow left the route: ${result.message}`);
  const handle = t.env.client.workflow.getHandle(t.lastStarted('caseWorkflow'));
  await handle.result();
  return handle.fetchHistory();
}

/**
 * An Update, sent again when the time-skipping test server answers that it does not know it: the
 * server sometimes loses an Update that arrives while the workflow's previous task is in flight.
 * The workflow takes an event id once, so a second delivery changes nothing.
 */
async function updateWithRetry<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError) || !/^update .* not found/.test(err.message) || attempt >= 5) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

/** Drives the hand-written workflow along the same schedule and returns its history. */
async function handWrittenHistory(t: HistoryEnv, schedule: HandWrittenSchedule, caseId: string): Promise<temporal.api.history.v1.IHistory> {
  await t.clock.join();
  try {
    const openedMs = await t.clock.now();
    const handle = await t.env.client.workflow.start<typeof handWrittenCaseWorkflow>('handWrittenCaseWorkflow', {
      taskQueue: t.handWrittenQueue,
      workflowId: `bench-history-${caseId}-${randomBytes(4).toString('hex')}`,
      args: [{ ...schedule.input, caseId, openedAt: new Date(openedMs).toISOString() }],
    });
    for (const { afterMs, via, event } of schedule.events) {
      await t.clock.waitUntil(openedMs + afterMs);
      const at = new Date(openedMs + afterMs).toISOString();
      try {
        if (via === 'update') await updateWithRetry(() => handle.executeUpdate(handWrittenSendEvent, { args: [{ ...event, at }] }));
        else await handle.signal(handWrittenFactsSignal, { ...event, at });
      } catch (err) {
        throw new Error(`hand-written workflow, ${event.type} at ${at}: ${(err as Error).message}`, { cause: err });
      }
    }
    await handle.result();
    return await handle.fetchHistory();
  } finally {
    t.clock.leave();
  }
}

/**
 * Ms per case to replay `history`, wall clock and CPU (every thread of this process): the time of
 * a replay worker replaying `copies` copies less the time of one replaying a single copy, over
 * copies − 1, so the worker's own start and stop (the same for any workflow) do not count.
 * Medians of `rounds` timings after a warm-up.
 */
async function replayMsPerCase(
  bundle: WorkflowBundle,
  dataConverter: DataConverter,
  history: temporal.api.history.v1.IHistory,
  options: HistoryBenchOptions,
): Promise<{ wallMs: number; cpuMs: number }> {
  const copies = Math.max(2, options.replayCopies);
  const round = async (count: number): Promise<{ wallMs: number; cpuMs: number }> => {
    const histories = Array.from({ length: count }, (_, i) => ({ workflowId: `replay-${i}`, history }));
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, dataConverter }, histories)) {
      if (result.error) throw new Error(`replay of ${result.workflowId} failed: ${String(result.error)}`);
    }
    const used = process.cpuUsage(cpu);
    return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: (used.user + used.system) / 1000 };
  };
  await round(copies);
  const single: { wallMs: number; cpuMs: number }[] = [];
  const many: { wallMs: number; cpuMs: number }[] = [];
  for (let i = 0; i < options.replayRounds; i += 1) {
    single.push(await round(1));
    many.push(await round(copies));
  }
  const perCase = (key: 'wallMs' | 'cpuMs') =>
    Math.max(0, (median(many.map((m) => m[key])) - median(single.map((m) => m[key]))) / (copies - 1));
  return { wallMs: perCase('wallMs'), cpuMs: perCase('cpuMs') };
}

export interface EventTypeSize {
  /** E.g. `ACTIVITY_TASK_SCHEDULED`. */
  type: string;
  events: number;
  bytes: number;
}

/** Events and encoded bytes per event type, largest first. */
export function sizeByEventType(history: temporal.api.history.v1.IHistory): EventTypeSize[] {
  const totals = new Map<string, EventTypeSize>();
  for (const event of history.events ?? []) {
    const type = (temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? String(event.eventType)).replace(/^EVENT_TYPE_/, '');
    const entry = totals.get(type) ?? { type, events: 0, bytes: 0 };
    entry.events += 1;
    entry.bytes += temporal.api.history.v1.HistoryEvent.encode(event).finish().length;
    totals.set(type, entry);
  }
  return [...totals.values()].sort((a, b) => b.bytes - a.bytes);
}

/** The route shifted and retimed to the server's clock now, as the conformance replay will drive it (so both workflows get the same times). */
async function routeOnServer(t: HistoryEnv, procedure: ProcedureDefinition, route: TypicalRoute): Promise<AuditPath> {
  const now = await t.clock.now();
  // A week ahead, so the replay's own shift (whole weeks to reach the server's now) is zero.
  return retimePath(procedure, shiftPath(route.path, shiftDaysFor(route.path.facts.openedAt, now + DAY_MS)));
}

async function measureProcedureHistory(
  t: HistoryEnv,
  procedure: ProcedureDefinition,
  options: HistoryBenchOptions,
): Promise<ProcedureHistory> {
  const route = typicalRoute(procedure);
  const path = await routeOnServer(t, procedure, route);
  const schedule = handWrittenSchedule(procedure, path);
  const host = await caseHistory(t, procedure, path);
  const hand = await handWrittenHistory(t, schedule, route.path.facts.caseId);
  const measure = async (bundle: WorkflowBundle, history: temporal.api.history.v1.IHistory): Promise<MeasuredHistory> => {
    const replay = await replayMsPerCase(bundle, t.dataConverter, history, options);
    return {
      events: history.events?.length ?? 0,
      bytes: historyBytes(history),
      byType: sizeByEventType(history),
      replayMsPerCase: replay.wallMs,
      replayCpuMsPerCase: replay.cpuMs,
    };
  };
  return {
    procedureId: procedure.id,
    route: {
      fromPathId: route.fromPathId,
      steps: path.steps.length,
      updates: schedule.events.filter((e) => e.via === 'update').length,
      signals: schedule.events.filter((e) => e.via === 'signal').length,
      deadlines: path.steps.filter((s) => s.kind === 'delay').length,
      days: route.days,
    },
    host: await measure(t.caseBundle, host),
    handWritten: await measure(t.handWrittenBundle, hand),
  };
}

/** The figures of the measured procedures (group `history`). */
export function historyFigures(results: readonly ProcedureHistory[]): BenchFigure[] {
  return results.flatMap((r) => [
    figure(
      'history',
      `history events (${r.procedureId})`,
      'events',
      r.host.events,
      { name: 'hand-written', value: r.handWritten.events },
      {
        kind: 'value-at-most',
        limit: HISTORY_EVENTS_LIMIT,
      },
    ),
    figure(
      'history',
      `history KB (${r.procedureId})`,
      'KB',
      r.host.bytes / KB,
      { name: 'hand-written', value: r.handWritten.bytes / KB },
      {
        kind: 'ratio-at-most',
        limit: HISTORY_BYTES_RATIO_LIMIT,
      },
    ),
    figure('history', `history KB, three-month limit (${r.procedureId})`, 'KB', r.host.bytes / KB, null, {
      kind: 'value-at-most',
      limit: HISTORY_KB_LIMIT,
    }),
    figure('history', `replay ms per case (${r.procedureId})`, 'ms', r.host.replayMsPerCase, {
      name: 'hand-written',
      value: r.handWritten.replayMsPerCase,
    }),
    figure('history', `replay CPU ms per case (${r.procedureId})`, 'ms', r.host.replayCpuMsPerCase, {
      name: 'hand-written',
      value: r.handWritten.replayCpuMsPerCase,
    }),
  ]);
}

export function historyReport(results: readonly ProcedureHistory[]): string {
  const lines = [
    'procedure                   route (from path, steps: updates/signals/deadlines, days)   events host/hw   KB host/hw   replay ms host/hw   replay CPU ms host/hw',
  ];
  for (const r of results) {
    const route = `${r.route.fromPathId}, ${r.route.steps}: ${r.route.updates}/${r.route.signals}/${r.route.deadlines}, ${r.route.days.toFixed(0)} d`;
    lines.push(
      `${r.procedureId.padEnd(27)} ${route.padEnd(60)} ${`${r.host.events}/${r.handWritten.events}`.padStart(14)}   ${`${(r.host.bytes / KB).toFixed(1)}/${(r.handWritten.bytes / KB).toFixed(1)}`.padStart(10)}   ${`${r.host.replayMsPerCase.toFixed(2)}/${r.handWritten.replayMsPerCase.toFixed(2)}`.padStart(17)}`,
    );
  }
  // Where the bytes are: the four largest event types of each history.
  const top = (m: MeasuredHistory) =>
    m.byType
      .slice(0, 4)
      .map((t) => `${t.type} ${t.events}× ${(t.bytes / KB).toFixed(1)}`)
      .join(', ');
  lines.push('', 'largest event types (events, KB):');
  for (const r of results)
    lines.push(`  ${r.procedureId}: host ${top(r.host)}`, `  ${' '.repeat(r.procedureId.length)}  hand-written ${top(r.handWritten)}`);
  return lines.join('\n');
}

/** Measures every (chosen) current procedure's typical case on one time-skipping server. */
export async function runHistoryBench(
  options: Partial<HistoryBenchOptions> = {},
  log: (line: string) => void = console.log,
): Promise<{ figures: BenchFigure[]; report: string; results: ProcedureHistory[] }> {
  const settings = { ...defaultHistoryBenchOptions, ...options };
  const procedures = currentProcedures().filter((p) => !settings.procedures || settings.procedures.includes(p.id));
  if (settings.procedures) {
    const unknown = settings.procedures.filter((id) => !procedures.some((p) => p.id === id));
    if (unknown.length > 0) throw new Error(`history bench: unknown procedure ${unknown.join(', ')}`);
  }
  const t = await createHistoryEnv();
  try {
    const results: ProcedureHistory[] = [];
    for (const procedure of procedures) {
      log(`  history: ${procedure.id}`);
      const measured = await measureProcedureHistory(t, procedure, settings);
      if (t.workerFailure) throw t.workerFailure;
      results.push(measured);
    }
    return { figures: historyFigures(results), report: historyReport(results), results };
  } finally {
    await t.teardown();
  }
}

if (require.main === module) {
  runHistoryBench()
    .then(({ report }) => console.log(`\n${report}`))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
