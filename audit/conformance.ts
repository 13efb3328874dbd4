/**
 * Conformance: replays generated audit paths against the REAL case workflow on the pinned
 * time-skipping server and checks, after the opening and after every step, that the workflow's
 * machine state (the `caseMachineState` query) is the state the model expected.
 *
 * Time. A path carries absolute times on the model's clock. The server's clock is elsewhere, so
 * each path is shifted by a whole number of days (`shiftPath`) until its opening lies at or just
 * after the server's current time; dates inside events move with it, so every guard that compares
 * an event date with an event time decides exactly as in the model. Server time then only moves
 * forward to the next step's time: events are sent when their `at` is reached, and a delay step
 * sleeps until the timer's due time.
 *
 * Several paths run at once on one server (`runConformance`). They share the server's clock, so
 * a `SharedClock` moves it only when every running path waits for time, and only to the earliest
 * time any of them waits for: no path's timers can fire early because another path slept.
 *
 * Quirks of the time-skipping test server this module works around:
 * - it can lock time skipping for good after a rejected update or a terminated workflow, so a
 *   workflow is never terminated (open cases are closed by the "pupil moved" event, sent as a
 *   signal, which the server cannot reject), and after a rejected update the environment is
 *   rebuilt before the next path;
 * - a query to a workflow whose worker is gone hangs, so the worker runs for the environment's
 *   whole life and every query has a timeout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { CaseIds } from '../app/case-ids';
import { type BundleOptions, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { buildWorker, caseWorkflowBundleOptions } from '../worker/build-worker';
import { createWorkerActivities } from '../activities';
import { FileOutbox } from '../activities/outbox';
import type { CaseEvent } from '../machines/events';
import { type ProcedureDefinition, getProcedure } from '../machines/registry';
import { CURRENT_HOST_RULES, CaseHost } from '../workflows/case-host';
import { replayPath as replayModel } from './replay';
import { addSearchAttributes } from '../worker/search-attribute-registration';
import { temporalTestServerPath } from '../scripts/lib/tools';
import type { caseWorkflow } from '../workflows';
import {
  type CaseMachineState,
  type CaseWorkflowInput,
  absenceFactsSignal,
  caseMachineStateQuery,
  caseViewQuery,
  sendEventUpdate,
} from '../workflows/case-messages';
import { caseSearchAttributes } from '../workflows/search-attributes';
import type { AuditPath, ConformanceResult, ExpectedState, PathStep } from './types';

const MS_PER_DAY = 24 * 60 * 60 * 1000;
/**
 * How long after a timer's due time the replay looks for it. The server starts a workflow timer
 * when the workflow task that set it completes, a few milliseconds after the task's clock
 * reading, so a timer fires a little after its due time; the workflow treats up to a minute of
 * lateness as on time, so this margin changes nothing it decides.
 */
const TIMER_MARGIN_MS = 5_000;
/** A second, longer look for a timer that was not there after the margin (still "on time"). */
const TIMER_SECOND_LOOK_MS = 50_000;
/** Real time to wait for a query, or for the workflow to take a signal or fire a timer. */
const QUERY_TIMEOUT_MS = 15_000;
const SETTLE_TIMEOUT_MS = 5_000;
/** An Update that has not answered in this long is sent again (the workflow takes an event id once). */
const UPDATE_TIMEOUT_MS = 30_000;
const UPDATE_ATTEMPTS = 4;
const POLL_INTERVAL_MS = 20;
/**
 * Real time one path's replay may take before it fails instead of holding up the run: a base
 * for opening and closing the case plus an allowance per step. Far above what a path takes (a
 * second or two, more on a busy machine); it bounds the replays that wait forever, as one did when
 * the gRPC connection to the test server was dropped ("excess pings") in the middle of a call.
 */
const PATH_TIME_BASE_MS = 120_000;
const PATH_TIME_PER_STEP_MS = 15_000;

/** The real-time limit of one path's replay (see PATH_TIME_BASE_MS). */
export const pathTimeLimitMs = (path: AuditPath): number => PATH_TIME_BASE_MS + PATH_TIME_PER_STEP_MS * path.steps.length;

// ---------------------------------------------------------------------------------------------
// Shifting a path in time

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))$/;

/** Adds `days` to a yyyy-MM-dd calendar date. */
function addDaysToDate(year: string, month: string, day: string, days: number): string {
  return new Date(Date.UTC(Number(year), Number(month) - 1, Number(day) + days)).toISOString().slice(0, 10);
}

/**
 * Shifts one value by whole days if it is a yyyy-MM-dd date or an ISO date-time with an offset.
 * A date-time keeps its offset and wall-clock time: with a fixed offset, moving the calendar date
 * by n days is exactly n × 24 hours. Other strings are returned unchanged.
 */
export function shiftDateString(value: string, days: number): string {
  const date = DATE.exec(value);
  if (date) return addDaysToDate(date[1]!, date[2]!, date[3]!, days);
  const dateTime = DATE_TIME.exec(value);
  if (dateTime) return `${addDaysToDate(dateTime[1]!, dateTime[2]!, dateTime[3]!, days)}${dateTime[4]!}`;
  return value;
}

function shiftDeep<T>(value: T, days: number): T {
  if (typeof value === 'string') return shiftDateString(value, days) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => shiftDeep(item, days)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shiftDeep(item, days)])) as T;
  }
  return value;
}

/**
 * The same path `days` whole days later (earlier when negative): every date-time and every
 * yyyy-MM-dd date in the facts (opening time, trigger dates) and in the events (`at`, evaluation
 * dates, meeting times, trend periods), and every delay step's due time. Expected states, ids and
 * other strings are untouched. Pure.
 */
export function shiftPath(path: AuditPath, days: number): AuditPath {
  if (!Number.isInteger(days)) throw new RangeError(`shiftPath shifts by whole days, not ${days}`);
  if (days === 0) return path;
  return { ...path, facts: shiftDeep(path.facts, days), steps: path.steps.map((step) => shiftStep(step, days)) };
}

/**
 * The number of days to shift a path opened at `openedAt` by so that it opens at or after
 * `nowMs`, and less than a week after it (negative when the path lies in the server's future).
 * Whole weeks, so every date keeps its weekday: deadlines counted in school days (weekdays) are
 * the same length in the replay as in the model.
 */
export function shiftDaysFor(openedAt: string, nowMs: number): number {
  return 7 * Math.ceil((nowMs - Date.parse(openedAt)) / (7 * MS_PER_DAY));
}

/**
 * The shifted path with every deadline's due time recomputed by the model on the shifted dates,
 * and every later step moved by the same whole days. A deadline counted in calendar months (A's
 * three months) is not a fixed length: moved to other months it may fall a day or two earlier or
 * later. The states a path expects do not change; only its times follow the calendar it is
 * replayed on. Pure.
 */
export function retimePath(procedure: ProcedureDefinition, path: AuditPath): AuditPath {
  const host = CaseHost.open(
    { procedure, rules: CURRENT_HOST_RULES },
    { facts: path.facts, policyOverrides: path.policyOverrides },
    Date.parse(path.facts.openedAt),
  );
  let driftDays = 0;
  const steps: PathStep[] = [];
  for (const original of path.steps) {
    const step = driftDays === 0 ? original : shiftStep(original, driftDays);
    if (step.kind === 'delay') {
      const timer = host.pendingTimers().find((x) => x.id === step.timerId);
      if (!timer) return { ...path, steps: [...steps, ...path.steps.slice(steps.length).map((x) => shiftStep(x, driftDays))] };
      const drift = timer.dueAtMs - Date.parse(step.dueAt);
      if (drift % MS_PER_DAY === 0) {
        driftDays += drift / MS_PER_DAY;
        steps.push({ ...step, dueAt: new Date(timer.dueAtMs).toISOString() });
      } else {
        // Months move a deadline by whole days only: a path that puts a deadline at another time
        // of day says something the model does not, so it keeps its time and the replay reports
        // the difference at this step.
        steps.push(step);
      }
      host.fireTimer(timer, timer.dueAtMs);
    } else {
      steps.push(step);
      host.applyEvent(step.event, Date.parse(step.event.at));
    }
  }
  return { ...path, steps };
}

/** One step `days` whole days later: its event's dates and times, or its due time. */
function shiftStep(step: PathStep, days: number): PathStep {
  return step.kind === 'event'
    ? { ...step, event: shiftDeep(step.event, days) }
    : { ...step, dueAt: shiftDateString(new Date(Date.parse(step.dueAt)).toISOString(), days) };
}

// ---------------------------------------------------------------------------------------------
// The shared clock

/**
 * Server time shared by paths replayed at once. Each running path joins; the clock moves only
 * when every member waits for time, and then only to the earliest time one of them waits for, so
 * a path never finds its own timers fired by another path's sleep.
 */
export class SharedClock {
  private members = 0;
  private waiters: { untilMs: number; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private advancing: Promise<void> | undefined;

  constructor(private readonly env: TestWorkflowEnvironment) {}

  /** Joins once no move is under way, so a new member reads a clock that stands still. */
  async join(): Promise<void> {
    while (this.advancing) await this.advancing;
    this.members += 1;
  }

  leave(): void {
    this.members -= 1;
    this.kick();
  }

  /** Server time now (ms). Stands still (but for real seconds passing) while the caller is a running member. */
  now(): Promise<number> {
    return this.env.currentTimeMs();
  }

  /** Resolves once server time has reached `untilMs`; the caller must be a member. */
  async waitUntil(untilMs: number): Promise<void> {
    if ((await this.env.currentTimeMs()) >= untilMs) return;
    const reached = new Promise<void>((resolve, reject) => this.waiters.push({ untilMs, resolve, reject }));
    this.kick();
    return reached;
  }

  private kick(): void {
    if (this.advancing || this.waiters.length === 0 || this.waiters.length < this.members) return;
    this.advancing = this.advance()
      .catch((err: unknown) => {
        // Nobody can go on without the clock: every waiter learns why.
        const waiting = this.waiters;
        this.waiters = [];
        for (const waiter of waiting) waiter.reject(err);
      })
      .finally(() => {
        this.advancing = undefined;
        this.kick();
      });
  }

  private async advance(): Promise<void> {
    const now = await this.env.currentTimeMs();
    const target = Math.min(...this.waiters.map((w) => w.untilMs));
    if (target > now) await this.env.sleep(target - now);
    const reached = await this.env.currentTimeMs();
    const ready = this.waiters.filter((w) => w.untilMs <= reached);
    this.waiters = this.waiters.filter((w) => w.untilMs > reached);
    for (const waiter of ready) waiter.resolve();
  }
}

// ---------------------------------------------------------------------------------------------
// The environment

export interface ConformanceEnv {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  outboxDir: string;
  clock: SharedClock;
  /**
   * Set when something happened that may leave the server's time skipping locked (a rejected
   * update) or the worker unusable; `runConformance` then builds a fresh environment.
   */
  tainted: boolean;
  /** Why the worker stopped, if it did. */
  workerFailure?: Error;
  teardown(): Promise<void>;
}

/**
 * How a conformance run's workflow bundle differs from the worker's, if at all: a test adds its
 * own procedure to the registry the workflow reads (test/fixtures/example-bundle.ts).
 */
export interface ConformanceOptions {
  webpackConfigHook?: BundleOptions['webpackConfigHook'];
}

const bundles = new Map<ConformanceOptions['webpackConfigHook'], Promise<WorkflowBundle>>();

/**
 * The workflow bundle, built once per process: an environment rebuilt after a rejected update
 * then starts its worker in a fraction of a second instead of re-bundling for seconds. The same
 * entry point as `worker/build-worker.ts`, which then builds every worker of the run from it.
 */
/** The audit's cases are made-up pupils on a throwaway server: a key of its own gives them ids as the product does. */
const AUDIT_CASE_IDS = new CaseIds(randomBytes(32));

function workflowBundle(options: ConformanceOptions): Promise<WorkflowBundle> {
  let bundle = bundles.get(options.webpackConfigHook);
  if (!bundle) {
    // Bundled as the worker bundles it: the machines preloaded and shared by every case.
    bundle = bundleWorkflowCode({
      ...caseWorkflowBundleOptions,
      preloadModules: [...caseWorkflowBundleOptions.preloadModules],
      logger: quietBundlerLogger,
      ...(options.webpackConfigHook ? { webpackConfigHook: options.webpackConfigHook } : {}),
    });
    bundles.set(options.webpackConfigHook, bundle);
  }
  return bundle;
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

/**
 * A time-skipping environment for conformance: the pinned test server (never a download), the
 * case search attributes, and a worker with the real activities writing to a temporary outbox,
 * running on a task queue of its own until `teardown()`.
 */
export async function createConformanceEnv(options: ConformanceOptions = {}): Promise<ConformanceEnv> {
  const code = await workflowBundle(options);
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  const outboxDir = mkdtempSync(join(tmpdir(), 'audit-outbox-'));
  try {
    // The test server cannot list search attributes, so they are added without asking first.
    await addSearchAttributes(env.connection, caseSearchAttributes, env.namespace ?? 'default');
    const taskQueue = `audit-${randomUUID()}`;
    const worker = await buildWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: code,
      activities: createWorkerActivities({ outbox: new FileOutbox(outboxDir) }),
    });
    const result: ConformanceEnv = {
      env,
      taskQueue,
      outboxDir,
      clock: new SharedClock(env),
      tainted: false,
      teardown: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await env.teardown();
        rmSync(outboxDir, { recursive: true, force: true });
      },
    };
    const running = worker.run().catch((err: unknown) => {
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

// ---------------------------------------------------------------------------------------------
// Replaying one path

type CaseHandle = WorkflowHandle<typeof caseWorkflow>;

/** A step that did not behave as the model said; becomes a failed result. */
class Mismatch extends Error {
  constructor(
    message: string,
    readonly actual?: CaseMachineState,
  ) {
    super(message);
  }
}

const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A call to the test server that did not answer in time. */
class ServerCallTimeout extends Error {
  override name = 'ServerCallTimeout';
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ServerCallTimeout(`${what} svarte ikke innen ${ms / 1000} sekunder`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const machineState = (handle: CaseHandle) =>
  withTimeout(handle.query(caseMachineStateQuery), QUERY_TIMEOUT_MS, 'Spørringen etter maskintilstanden');

/** Polls the machine state (real time) until `done` holds; returns the last state either way. */
async function pollState(handle: CaseHandle, done: (state: CaseMachineState) => boolean): Promise<CaseMachineState> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let state = await machineState(handle);
  while (!done(state) && Date.now() < deadline) {
    await sleepReal(POLL_INTERVAL_MS);
    state = await machineState(handle);
  }
  return state;
}

/** One line naming a step for people, e.g. `steg 3 (hendelse «measures.agreed»)`. */
export function describeStep(step: PathStep, index: number): string {
  return step.kind === 'event'
    ? `steg ${index + 1} (hendelse «${step.event.type}» som ${step.via === 'update' ? 'oppdatering' : 'signal'})`
    : `steg ${index + 1} (fristen «${step.delayName}» løper ut)`;
}

const showState = (s: { path: string; status: string }) =>
  `«${s.path}» (${s.status === 'done' ? 'avsluttet' : s.status === 'active' ? 'aktiv' : s.status})`;

/** JSON with object keys sorted: equal for structurally equal JSON values, whatever their key order or prototype. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function compare(expected: ExpectedState, actual: CaseMachineState, where: string): void {
  if (actual.path === expected.path && actual.status === expected.status && canonicalJson(actual.value) === canonicalJson(expected.value))
    return;
  throw new Mismatch(`${where}: modellen ventet ${showState(expected)}, arbeidsflyten er i ${showState(actual)}.`, actual);
}

/** Time the step happens on the (shifted) path's clock. */
const stepTime = (step: PathStep): number => (step.kind === 'event' ? Date.parse(step.event.at) : Date.parse(step.dueAt));

/**
 * Sends an event step and returns the state afterwards. `before` is the state after the previous
 * step, so a timer that fired in between (which the model did not foresee) shows in the route.
 */
async function applyEventStep(
  t: ConformanceEnv,
  handle: CaseHandle,
  step: Extract<PathStep, { kind: 'event' }>,
  before: CaseMachineState,
  where: string,
): Promise<CaseMachineState> {
  if (step.via === 'update') {
    await sendUpdate(t, handle, step, where);
  } else {
    await handle.signal(absenceFactsSignal, step.event);
    // A signal is taken (or refused onto the timeline) in the next workflow task: wait for it.
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const view = await withTimeout(handle.query(caseViewQuery), QUERY_TIMEOUT_MS, 'Spørringen etter saksvisningen');
      if (view.timeline.some((entry) => 'eventId' in entry && entry.eventId === step.event.eventId)) break;
      if (Date.now() > deadline)
        throw new Mismatch(`${where}: arbeidsflyten tok ikke imot signalet innen ${SETTLE_TIMEOUT_MS / 1000} sekunder.`);
      await sleepReal(POLL_INTERVAL_MS);
    }
  }
  const after = await machineState(handle);
  const fired = after.route.slice(before.route.length).filter((entry) => entry.cause.startsWith('after:'));
  if (fired.length > 0) {
    throw new Mismatch(
      `${where}: fristen «${fired.map((e) => e.cause.slice('after:'.length)).join('», «')}» løp ut i arbeidsflyten før hendelsen, uten at modellen ventet det.`,
      after,
    );
  }
  return after;
}

/**
 * Sends the event by the Update, again when the test server loses it: it sometimes answers that it
 * does not know an Update that arrived while the workflow's previous task was in flight, or never
 * answers it, and a path waiting for it forever stops the shared clock for every path. The same
 * update id and event id each time: the server and the workflow take it once.
 */
async function executeEventUpdate(handle: CaseHandle, event: CaseEvent): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await withTimeout(
        handle.executeUpdate(sendEventUpdate, { args: [event], updateId: `audit-${event.eventId}` }),
        UPDATE_TIMEOUT_MS,
        `Hendelsen ${event.type}`,
      );
      return;
    } catch (err) {
      const lost = err instanceof WorkflowNotFoundError ? /^update .* not found/.test(err.message) : err instanceof ServerCallTimeout;
      if (!lost || attempt >= UPDATE_ATTEMPTS) throw err;
    }
  }
}

/** Sends a person's event by the Update; a refusal is a mismatch at this step. */
async function sendUpdate(t: ConformanceEnv, handle: CaseHandle, step: Extract<PathStep, { kind: 'event' }>, where: string): Promise<void> {
  try {
    await executeEventUpdate(handle, step.event);
  } catch (err) {
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    // The server may keep time skipping locked after a rejection: rebuild before the next path.
    t.tainted = true;
    throw new Mismatch(`${where}: arbeidsflyten avviste hendelsen: ${err.cause?.message ?? err.message}`, await machineState(handle));
  }
}

/**
 * Sends an event whose own deadline falls due at once (`delay.dueAt` is not after the event),
 * and returns the state once that deadline has fired too: exactly the event, then the deadline.
 */
async function applyEventWithDueDeadline(
  t: ConformanceEnv,
  handle: CaseHandle,
  step: Extract<PathStep, { kind: 'event' }>,
  delay: Extract<PathStep, { kind: 'delay' }>,
  before: CaseMachineState,
  where: string,
): Promise<CaseMachineState> {
  if (step.via !== 'update') throw new Mismatch(`${where}: en frist uten lengde etter et signal er ikke støttet i avspillingen.`, before);
  await sendUpdate(t, handle, step, where);
  const cause = `after:${delay.delayName}`;
  const done = (state: CaseMachineState) => state.route.slice(before.route.length).some((entry) => entry.cause === cause);
  await t.clock.waitUntil(Date.parse(delay.dueAt) + TIMER_MARGIN_MS);
  const after = await pollState(handle, done);
  const causes = after.route.slice(before.route.length).map((entry) => entry.cause);
  if (causes.length !== 2 || causes[0] !== step.event.type || causes[1] !== cause) {
    throw new Mismatch(
      `${where}: modellen ventet «${step.event.type}» og så «${cause}», arbeidsflyten gikk «${causes.join('», «')}».`,
      after,
    );
  }
  return after;
}

/** Lets a delay step's timer fire and returns the state afterwards; `before` as for events. */
async function applyDelayStep(
  t: ConformanceEnv,
  handle: CaseHandle,
  step: Extract<PathStep, { kind: 'delay' }>,
  before: CaseMachineState,
  where: string,
): Promise<CaseMachineState> {
  const cause = `after:${step.delayName}`;
  const fired = (state: CaseMachineState) => state.route.slice(before.route.length).some((entry) => entry.cause.startsWith('after:'));
  const dueMs = Date.parse(step.dueAt);
  const pending = before.timers.find((timer) => timer.id === step.timerId) ?? before.timers.find((timer) => timer.name === step.delayName);
  if (!pending) {
    throw new Mismatch(
      `${where}: arbeidsflyten har ingen ventende frist «${step.delayName}» (ventende: ${before.timers.map((x) => `«${x.name}»`).join(', ') || 'ingen'}).`,
      before,
    );
  }
  // Deadlines count from when facts happened, to the millisecond, in the model and the workflow alike.
  if (pending.dueAtMs !== dueMs) {
    throw new Mismatch(
      `${where}: fristen «${step.delayName}» løper ut ${new Date(pending.dueAtMs).toISOString()} i arbeidsflyten, men ${new Date(dueMs).toISOString()} i modellen.`,
      before,
    );
  }
  await t.clock.waitUntil(dueMs + TIMER_MARGIN_MS);
  let after = await pollState(handle, fired);
  if (!fired(after)) {
    await t.clock.waitUntil(dueMs + TIMER_MARGIN_MS + TIMER_SECOND_LOOK_MS);
    after = await pollState(handle, fired);
  }
  const causes = after.route.slice(before.route.length).map((entry) => entry.cause);
  if (causes.length === 0) {
    throw new Mismatch(
      `${where}: fristen løp ikke ut i arbeidsflyten innen ${(TIMER_MARGIN_MS + TIMER_SECOND_LOOK_MS) / 1000} sekunder etter ${step.dueAt}.`,
      after,
    );
  }
  if (causes.length !== 1 || causes[0] !== cause) {
    throw new Mismatch(`${where}: modellen ventet bare «${cause}», arbeidsflyten gikk «${causes.join('», «')}».`, after);
  }
  return after;
}

export interface ReplayOptions {
  /** School id of the replayed cases; each path gets a fresh pupil id under it. */
  schoolId?: string;
}

/**
 * Replays one path on the environment and compares the workflow's state with the model's after
 * the opening and after every step. Never throws for a mismatch or a workflow error: the result
 * says what happened, in Norwegian, naming the first step that went wrong (`failedStep` -1 is
 * the opening). An open case is closed afterwards ("pupil moved") so its timers stop.
 */
export async function replayPath(t: ConformanceEnv, original: AuditPath, options: ReplayOptions = {}): Promise<ConformanceResult> {
  const startedMs = Date.now();
  const result = (fields: Omit<ConformanceResult, 'pathId' | 'durationMs'>): ConformanceResult => ({
    pathId: original.id,
    ...fields,
    durationMs: Date.now() - startedMs,
  });
  let stepIndex = -1;
  let expected: ExpectedState = original.initial;
  let handle: CaseHandle | undefined;
  let last: CaseMachineState | undefined;

  await t.clock.join();
  try {
    const procedure = getProcedure(original.procedureId, original.procedureVersion);
    const path = retimePath(procedure, shiftPath(original, shiftDaysFor(original.facts.openedAt, await t.clock.now())));
    const pupilId = `${path.facts.pupilId}-${randomUUID().slice(0, 8)}`;
    const schoolId = options.schoolId ?? path.facts.schoolId;
    // Opened exactly at the shifted opening, so deadlines count from the same instant as in the model.
    await t.clock.waitUntil(Date.parse(path.facts.openedAt));
    const input: CaseWorkflowInput = {
      procedureId: path.procedureId,
      procedureVersion: path.procedureVersion,
      facts: { ...path.facts, schoolId, pupilId, caseId: `${path.facts.caseId}-${pupilId}` },
      ...(path.policyOverrides ? { policyOverrides: path.policyOverrides } : {}),
    };
    handle = await t.env.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
      taskQueue: t.taskQueue,
      workflowId: AUDIT_CASE_IDS.workflowId(schoolId, pupilId),
      args: [input],
    });
    last = await machineState(handle);
    compare(path.initial, last, 'Åpningen');

    for (let index = 0; index < path.steps.length; index += 1) {
      const step = path.steps[index]!;
      stepIndex = index;
      expected = step.expected;
      const where = describeStep(step, index).replace(/^s/, 'S');
      const next = path.steps[index + 1];
      if (step.kind === 'event' && next?.kind === 'delay' && Date.parse(next.dueAt) <= stepTime(step)) {
        // A deadline of no length (a follow-up period of 0 days) falls due with the event that
        // set it: the workflow may take both in one go, so the state between them is not compared.
        await t.clock.waitUntil(stepTime(step));
        last = await applyEventWithDueDeadline(t, handle, step, next, last, where);
        index += 1;
        stepIndex = index;
        expected = next.expected;
        compare(next.expected, last, describeStep(next, index).replace(/^s/, 'S'));
        continue;
      }
      if (step.kind === 'event') {
        await t.clock.waitUntil(stepTime(step));
        last = await applyEventStep(t, handle, step, last, where);
      } else {
        last = await applyDelayStep(t, handle, step, last, where);
      }
      compare(step.expected, last, where);
    }
    return result({ passed: true, message: `Alle ${path.steps.length} steg ga samme tilstand i arbeidsflyten som i modellen.` });
  } catch (err) {
    const actual = err instanceof Mismatch ? (err.actual ?? last) : last;
    const message =
      err instanceof Mismatch
        ? err.message
        : `${stepIndex < 0 ? 'Åpningen' : `Steg ${stepIndex + 1}`}: avspillingen feilet: ${(err as Error).message ?? String(err)}`;
    if (!(err instanceof Mismatch)) t.tainted = true; // an unexplained error: start the next path afresh
    return result({
      passed: false,
      failedStep: stepIndex,
      expected,
      ...(actual ? { actual: { value: actual.value, path: actual.path, status: actual.status } } : {}),
      message,
    });
  } finally {
    t.clock.leave();
    if (handle && !t.tainted && last?.status === 'active') await closeCase(t, handle, original);
  }
}

/** The closing the audit sends to end a case its path left open. */
function closingEvent(atMs: number): Extract<CaseEvent, { type: 'case.closed' }> {
  return {
    type: 'case.closed',
    eventId: `audit-close-${randomUUID()}`,
    actor: { role: 'principal', userId: 'audit' },
    at: new Date(atMs).toISOString(),
    reason: 'pupil-moved',
    note: 'Revisjonens avspilling er ferdig.',
    documentRef: 'audit-closing',
  };
}

/**
 * Whether the case at the end of `path` takes the audit's closing, as the model (the machine
 * hosted like the workflow, roles included) says: only then is it sent, because the workflow
 * would refuse it otherwise, and a refused update can lock the test server's time skipping.
 */
function takesClosing(path: AuditPath): boolean {
  const procedure = getProcedure(path.procedureId, path.procedureVersion);
  const replay = replayModel(procedure, path);
  if (replay.error) return false;
  return replay.host.isActive && replay.host.refusal(closingEvent(Date.parse(path.facts.openedAt)), 'update') === undefined;
}

/**
 * Ends a case the path left open ("the pupil moved"), so its timers do not fire during later
 * paths' sleeps: as the Update a person would send, when the model says the case takes it (see
 * `takesClosing`). Otherwise, and if closing fails, the case is left open: it only costs later
 * paths a few timer firings. A case is never terminated (that also locks time skipping).
 */
async function closeCase(t: ConformanceEnv, handle: CaseHandle, path: AuditPath): Promise<void> {
  try {
    if (!takesClosing(path)) return;
    await executeEventUpdate(handle, closingEvent(await t.env.currentTimeMs()));
  } catch {
    // Closing is housekeeping; a case left open only costs later paths a few timer firings.
  }
}

// ---------------------------------------------------------------------------------------------
// Replaying many paths

export interface ConformanceRunOptions {
  /** Called after each path with how many are done. */
  onProgress?: (done: number, total: number, result: ConformanceResult) => void;
  /** Paths replayed at once on one server (default 4). */
  concurrency?: number;
}

/**
 * Replays many paths, on one environment for as long as it stays usable: several paths at once
 * sharing its clock, and after a rejected update or a worker failure a fresh environment (built
 * once the paths still running on the old one are done) for the next path. Reuse one runner for
 * every batch of a run (all procedures, mutants) and `teardown()` it at the end.
 */
export class ConformanceRunner {
  private readonly inUse = new Map<ConformanceEnv, number>();
  private rebuilding: Promise<void> | undefined;
  /** Environments built, the first included; more than one means some were rebuilt. */
  environmentsBuilt = 1;

  private constructor(
    private current: ConformanceEnv,
    private readonly options: ConformanceOptions,
  ) {}

  static async create(options: ConformanceOptions = {}): Promise<ConformanceRunner> {
    return new ConformanceRunner(await createConformanceEnv(options), options);
  }

  /** Replays `paths` and returns their results in the same order. */
  async run(paths: readonly AuditPath[], options: ConformanceRunOptions = {}): Promise<ConformanceResult[]> {
    const concurrency = Math.max(1, options.concurrency ?? 4);
    const results: ConformanceResult[] = new Array<ConformanceResult>(paths.length);
    let next = 0;
    let done = 0;
    const lane = async (): Promise<void> => {
      for (;;) {
        while (this.current.tainted) {
          this.rebuilding ??= this.rebuild(this.current).finally(() => {
            this.rebuilding = undefined;
          });
          await this.rebuilding;
        }
        const index = next;
        if (index >= paths.length) return;
        next += 1;
        const env = this.current;
        this.inUse.set(env, (this.inUse.get(env) ?? 0) + 1);
        try {
          results[index] = await withPathTimeLimit(env, paths[index]!, replayPath(env, paths[index]!));
        } finally {
          this.inUse.set(env, (this.inUse.get(env) ?? 1) - 1);
        }
        done += 1;
        options.onProgress?.(done, paths.length, results[index]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, paths.length) }, lane));
    return results;
  }

  async teardown(): Promise<void> {
    while (this.rebuilding) await this.rebuilding;
    await this.current.teardown();
  }

  private async rebuild(stale: ConformanceEnv): Promise<void> {
    while ((this.inUse.get(stale) ?? 0) > 0) await sleepReal(POLL_INTERVAL_MS);
    if (this.current !== stale) return;
    this.current = await createConformanceEnv(this.options);
    this.environmentsBuilt += 1;
    this.inUse.delete(stale);
    await stale.teardown();
  }
}

/**
 * `replay` (the replay of `path` on `t`), or a failed result once `limitMs` of real time have
 * passed without one. The environment is then marked for rebuilding: whatever held the replay
 * up (a dropped connection, a clock that no longer moves) would hold up the next path too.
 */
export async function withPathTimeLimit(
  t: Pick<ConformanceEnv, 'tainted'>,
  path: AuditPath,
  replay: Promise<ConformanceResult>,
  limitMs: number = pathTimeLimitMs(path),
): Promise<ConformanceResult> {
  const startedMs = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<ConformanceResult>((resolve) => {
    timer = setTimeout(() => {
      t.tainted = true;
      resolve({
        pathId: path.id,
        passed: false,
        message:
          `Avspillingen av stien ble avbrutt etter ${limitMs / 1000} sekunder uten svar fra testserveren ` +
          `(grensen for en sti med ${path.steps.length} steg); stien regnes som feilet, og neste sti får en ny testserver.`,
        durationMs: Date.now() - startedMs,
      });
    }, limitMs);
  });
  try {
    return await Promise.race([replay, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Replays `paths` on a runner of its own, torn down afterwards. */
export async function runConformance(paths: readonly AuditPath[], options: ConformanceRunOptions = {}): Promise<ConformanceResult[]> {
  const runner = await ConformanceRunner.create();
  try {
    return await runner.run(paths, options);
  } finally {
    await runner.teardown();
  }
}
