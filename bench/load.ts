/**
 * Load on one case worker (issue 15, point 6): how many cases a fresh installation opens per
 * second, how many Updates per second its cases take, how long an Update waits, and that none
 * of it loses or doubles a case or an event.
 *
 * On loopback: starts a Temporal dev server in a temp directory, one case worker in this process
 * (the real worker, `buildWorker`, with the real activities writing to a temp outbox), opens N real
 * procedure cases through `CaseClient.open` (the schools of config/schools.json in turn, each
 * with its school's procedure and first opening rule), waits until every case shows a pending
 * deadline, then sends each case one Update (`CaseClient.send`, `staff.informed`: a fact any staff
 * member may record in any open step) with bounded concurrency, timing each. Last the accounting:
 * visibility, once it has settled, lists every case once and no other; the ids `open` returned are
 * N distinct ones; each case's view shows the Update's event exactly once and a deadline still
 * pending. The whole run is bounded by `timeoutMs` and fails naming the step it was in.
 *
 * Usage: `npm run bench -- --phases load [--load-cases N] [--load-concurrency C] [--load-timeout MIN]`
 * or, alone, `node --import tsx bench/load.ts [--cases N] [--concurrency C] [--timeout MIN] [--json FILE]`.
 * See bench/README.md.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createWorkerActivities } from '../activities';
import { FileOutbox } from '../activities/outbox';
import { CaseClient } from '../app/case-client';
import type { TemporalSettings } from '../app/settings';
import { caseDataConverter, keyRingOf } from '../app/temporal';
import { loadSchoolDirectory } from '../detection/school-directory';
import type { CaseEvent } from '../machines/events';
import { getProcedure } from '../machines/registry';
import { type DevServer, startDevServer } from '../scripts/lib/dev-server';
import { freePort } from '../scripts/lib/free-port';
import { PROJECT_ROOT } from '../scripts/lib/tools';
import { buildWorker } from '../worker/build-worker';
import type { CaseView, CaseWorkflowInput } from '../workflows/case-messages';
import { caseSearchAttributes } from '../workflows/search-attributes';
import { percentile } from './case-list';
import { table } from './main';
import { inParallel, median, sleep } from './measure';

export interface LoadBenchOptions {
  /** Cases opened, each of which gets one Update. */
  cases: number;
  /** Opens, Updates and Queries in flight at once. */
  concurrency: number;
  /** The whole phase, server start to accounting; exceeding it fails the phase. */
  timeoutMs: number;
}

/** The phase as bench/main.ts starts it in a fresh process (bench/child.ts). */
export interface LoadTask {
  role: 'load';
  options: LoadBenchOptions;
}

/**
 * 30 minutes: 10 000 cases took about 22 minutes on this 2-core machine shared with other work
 * (bench/README.md), so a limit of 20 would fail a healthy run; a hung run still ends.
 */
export const DEFAULT_LOAD_OPTIONS: LoadBenchOptions = { cases: 10_000, concurrency: 32, timeoutMs: 30 * 60_000 };

/** Whether every case was kept exactly once; each count is a row of the report. */
export interface LoadAccounting {
  expected: number;
  /** Distinct workflow ids `CaseClient.open` returned. */
  distinctIds: number;
  /** Rows visibility lists for the case query, and how many distinct cases they are. */
  listed: number;
  listedDistinct: number;
  /** Opened cases visibility does not list, or whose view could not be read. */
  lost: number;
  /** Rows beyond one per case, plus ids `open` returned twice. */
  duplicated: number;
  /** Listed cases this run never opened. */
  unexpected: number;
  /** Cases whose view shows the Update's event exactly once. */
  appliedOnce: number;
  /** Cases whose view shows the event more than once, or not at all. */
  appliedTwice: number;
  notApplied: number;
  /** Cases with a pending deadline when the Updates began, and still at the end. */
  deadlinePendingBefore: number;
  deadlinePendingAfter: number;
  /** Updates the case answered with `applied: true`. */
  updatesApplied: number;
  /** Updates refused or failed. */
  updatesFailed: number;
  /** Opens and Queries that failed for good (after their retries). */
  otherFailures: number;
  /** The first few reasons of either. */
  failures: string[];
  /** True when every count above is what it must be. */
  ok: boolean;
}

export interface LoadResult {
  options: LoadBenchOptions;
  /** The worker's workflow cache size and the cases in it at the end. */
  maxCachedWorkflows: number;
  cachedAtEnd: number;
  /** From the first start to the last accepted start. */
  openSeconds: number;
  casesPerSecond: number;
  /** Cases opened ÷ (openSeconds + settleSeconds): how fast cases got to their first pending deadline. */
  casesRunningPerSecond: number;
  /** From the last start until every case showed a pending deadline (its first workflow task done). */
  settleSeconds: number;
  /** From the first Update sent to the last answered. */
  updateSeconds: number;
  updatesPerSecond: number;
  updateMedianMs: number;
  updateP95Ms: number;
  updateMaxMs: number;
  /** From the last Update until visibility counted N cases for the case query (0 when it already did). */
  visibilitySettleSeconds: number;
  /** Queries that failed for a moment and were asked again (not failures unless a case never answered). */
  queryRetries: number;
  peakRssMb: number;
  /** The temp folders the run used (the server's database, the outbox, the key file), removed at its end. */
  tempDirs: string[];
  accounting: LoadAccounting;
}

/** A workflow task queue of this run's own. */
const TASK_QUEUE = 'bench-load';
/** A case's view is asked again after this long while its first task has not run. */
const VIEW_POLL_MS = 1000;
/** Times a case's view is asked for before a failing Query counts (about a minute with the pause). */
const VIEW_ATTEMPTS = 60;
/** The worker counts as done opening after this many polls in a row with nothing in flight. */
const QUIET_POLLS = 4;
const QUIET_POLL_MS = 500;
/** How long a failed run waits for the requests in flight before it closes their connection. */
const DRAIN_MS = 30_000;
/** Visibility has settled once its count has not moved for this many polls in a row. */
const STABLE_POLLS = 5;
const VISIBILITY_POLL_MS = 500;
/** Failures quoted in the report; the rest are counted. */
const QUOTED_FAILURES = 5;
/** The SDK's default cache: 600 workflows per GiB of heap above 200 MiB (worker-options.js). */
const SDK_CACHE_PER_GIB = 600;
const SDK_HEAP_RESERVE_MIB = 200;
/** Cached workflows beyond the cases, for the worker's own turnover. */
const CACHE_MARGIN = 100;

/**
 * The heap limit (MiB) for a process hosting the worker of `cases` cases, or undefined when
 * Node's default suffices. `buildWorker` sets no `maxCachedWorkflows`, so the SDK sizes the cache
 * from the heap limit (600 cases per GiB above 200 MiB); a limit high enough for every case plus a
 * margin keeps all of them cached instead of evicting and replaying them on every Update. It is a
 * limit, not an allocation: a cached case holds well under 200 KB (test/bench/cases-in-worker), so
 * 10 000 cases use about 2 GB of this 24 GiB machine, under a limit of about 17 GiB.
 */
export function loadHeapLimitMb(cases: number, defaultLimitMb: number): number | undefined {
  const needed = Math.ceil(((cases + CACHE_MARGIN) * 1024) / SDK_CACHE_PER_GIB) + SDK_HEAP_RESERVE_MIB;
  return needed > defaultLimitMb ? needed : undefined;
}

/** Throws naming the step when `limitMs` runs out before `work` is done; `stopped()` tells the work to stop starting more. */
export class PhaseClock {
  private step = 'starting the server';
  private expired = false;
  private timer: NodeJS.Timeout | undefined;
  readonly timedOut: Promise<never>;

  constructor(
    private readonly limitMs: number,
    private readonly started = performance.now(),
  ) {
    this.timedOut = new Promise<never>((_, reject) => {
      this.timer = setTimeout(() => {
        this.expired = true;
        reject(
          new Error(
            `The load phase exceeded its time limit (--load-timeout ${(this.limitMs / 60_000).toFixed(1)} min) while ${this.step}, ` +
              `after ${((performance.now() - this.started) / 1000).toFixed(0)} s`,
          ),
        );
      }, limitMs);
    });
    // Nobody may be awaiting it when it fires after the phase failed otherwise.
    this.timedOut.catch(() => undefined);
  }

  /** Runs one step of the phase, failing when the time is up first. */
  async run<T>(step: string, work: () => Promise<T>): Promise<T> {
    this.step = step;
    return Promise.race([work(), this.timedOut]);
  }

  stopped(): boolean {
    return this.expired;
  }

  /** A step failed otherwise: the work stops starting more, as when the time is up. */
  halt(): void {
    this.expired = true;
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** The i-th case: school i mod the directory's schools, the school's procedure and its first opening rule. */
export function loadCaseInput(
  i: number,
  schoolIds: readonly string[],
  procedureOf: (schoolId: string) => string,
  now: Date,
): CaseWorkflowInput {
  const schoolId = schoolIds[i % schoolIds.length]!;
  const pupilId = `L${i + 1}`;
  const procedureId = procedureOf(schoolId);
  const rule = getProcedure(procedureId).openingRules[0];
  if (rule === undefined) throw new Error(`procedure ${procedureId} has no opening rule`);
  return {
    procedureId,
    facts: {
      caseId: `bench-load-${schoolId}-${pupilId}`,
      pupilId,
      schoolId,
      grade: 1 + (i % 10),
      openedAt: now.toISOString(),
      trigger: { rule, dates: [now.toISOString().slice(0, 10)] },
    },
  };
}

/** The Update the i-th case gets: a fact any staff member may record in any open step. */
export function loadUpdateEvent(i: number, at: Date): CaseEvent {
  return {
    type: 'staff.informed',
    eventId: `bench-load-update-${i}`,
    actor: { role: 'contact-teacher', userId: 'bench-load' },
    at: at.toISOString(),
    recipients: ['principal'],
  };
}

/** Times the event `eventId` appears among the case's applied events. */
export function timesApplied(view: CaseView, eventId: string): number {
  return view.timeline.filter((e) => e.kind === 'event' && e.eventId === eventId).length;
}

/** What the accounting is computed from: what `open` returned, what visibility listed, what each case shows. */
export interface LoadObservations {
  expected: number;
  /** Workflow ids `CaseClient.open` returned, in case order. */
  openedIds: readonly string[];
  /** Workflow id of every row visibility listed. */
  listedIds: readonly string[];
  /** Per opened id: the view at the end (undefined when it could not be read), and the Update's event id. */
  finalViews: ReadonlyMap<string, CaseView | undefined>;
  eventIds: ReadonlyMap<string, string>;
  deadlinePendingBefore: number;
  updatesApplied: number;
  updateFailures: readonly string[];
  otherFailures: readonly string[];
}

/** Counts lost, duplicated and unexpected cases and events; `ok` only when every count is right. */
export function accountCases(o: LoadObservations): LoadAccounting {
  const opened = new Set(o.openedIds);
  const listed = new Set(o.listedIds);
  let appliedOnce = 0;
  let appliedTwice = 0;
  let notApplied = 0;
  let deadlinePendingAfter = 0;
  let unreadable = 0;
  for (const id of opened) {
    const view = o.finalViews.get(id);
    const eventId = o.eventIds.get(id);
    if (view === undefined || eventId === undefined) {
      unreadable += 1;
      notApplied += 1;
      continue;
    }
    const times = timesApplied(view, eventId);
    if (times === 1) appliedOnce += 1;
    else if (times > 1) appliedTwice += 1;
    else notApplied += 1;
    if (view.deadlines.length > 0) deadlinePendingAfter += 1;
  }
  const notListed = [...opened].filter((id) => !listed.has(id)).length;
  const lost = Math.max(notListed, unreadable, o.expected - opened.size);
  const duplicated = o.listedIds.length - listed.size + (o.openedIds.length - opened.size);
  const unexpected = [...listed].filter((id) => !opened.has(id)).length;
  const accounting = {
    expected: o.expected,
    distinctIds: opened.size,
    listed: o.listedIds.length,
    listedDistinct: listed.size,
    lost,
    duplicated,
    unexpected,
    appliedOnce,
    appliedTwice,
    notApplied,
    deadlinePendingBefore: o.deadlinePendingBefore,
    deadlinePendingAfter,
    updatesApplied: o.updatesApplied,
    updatesFailed: o.updateFailures.length,
    otherFailures: o.otherFailures.length,
    failures: [...o.updateFailures, ...o.otherFailures].slice(0, QUOTED_FAILURES),
  };
  const n = o.expected;
  const ok =
    accounting.distinctIds === n &&
    accounting.listed === n &&
    accounting.listedDistinct === n &&
    lost === 0 &&
    duplicated === 0 &&
    unexpected === 0 &&
    appliedOnce === n &&
    accounting.deadlinePendingBefore === n &&
    deadlinePendingAfter === n &&
    accounting.updatesApplied === n &&
    accounting.updatesFailed === 0 &&
    accounting.otherFailures === 0;
  return { ...accounting, ok };
}

/** The error with its causes (a Temporal ServiceError says what failed, its cause why). */
const errorText = (err: unknown): string =>
  err instanceof Error ? `${err.name}: ${err.message}${err.cause === undefined ? '' : ` (${errorText(err.cause)})`}` : String(err);

export async function runLoadBench(options: LoadBenchOptions, log: (line: string) => void = console.log): Promise<LoadResult> {
  const clock = new PhaseClock(options.timeoutMs);
  const dir = mkdtempSync(join(tmpdir(), 'bench-load-'));
  // The server's SQLite file in memory where there is a tmpfs: on disk its writes limit how fast
  // thousands of cases open (as in bench/cases-in-worker.ts).
  const serverDir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/bench-load-') : dir;
  // Kept so that a step the clock gave up on is still cleaned up once it completes.
  let serverStarting: Promise<DevServer> | undefined;
  let workerBuilding: Promise<Worker> | undefined;
  let server: DevServer | undefined;
  let nativeConnection: NativeConnection | undefined;
  let cases: CaseClient | undefined;
  let worker: Worker | undefined;
  let workerRunning: Promise<void> | undefined;
  // The step's own work, which goes on after the step failed until its lanes notice.
  let inFlight: Promise<unknown> | undefined;
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 1000);
  sampler.unref();
  const count = (n: number) => n.toLocaleString('en-US');
  try {
    serverStarting = freePort().then((port) =>
      startDevServer({
        dbFile: join(serverDir, 'temporal.sqlite'),
        port,
        logFile: join(dir, 'temporal.log'),
        searchAttributes: caseSearchAttributes,
      }),
    );
    server = await clock.run('starting the server', () => serverStarting!);
    // As in production: payloads sealed with a key file of the run's own, pseudonymous case ids.
    const settings: TemporalSettings = {
      address: server.address,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
      payloadKeysFile: join(dir, 'payload-keys.json'),
    };
    nativeConnection = await NativeConnection.connect({ address: server.address });
    workerBuilding = buildWorker({
      connection: nativeConnection,
      namespace: settings.namespace,
      taskQueue: TASK_QUEUE,
      activities: createWorkerActivities({ outbox: new FileOutbox(join(dir, 'outbox')) }),
      dataConverter: caseDataConverter(keyRingOf(settings)),
    });
    const w = await clock.run('building the worker', () => workerBuilding!);
    worker = w;
    const maxCachedWorkflows = w.options.maxCachedWorkflows;
    if (maxCachedWorkflows < options.cases) {
      log(
        `note: the worker caches ${count(maxCachedWorkflows)} cases, fewer than ${count(options.cases)}; the rest are replayed on their Update ` +
          `(run through npm run bench, or with node --max-old-space-size=${loadHeapLimitMb(options.cases, 0)})`,
      );
    }
    // A worker that stops while the phase runs fails the step it was in.
    workerRunning = w.run();
    const workerFailed = workerRunning.then(
      () => Promise.reject(new Error('the case worker stopped during the load phase')),
      (err: unknown) => Promise.reject(new Error(`the case worker failed: ${errorText(err)}`)),
    );
    workerFailed.catch(() => undefined);
    const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      const running = work();
      inFlight = running.catch(() => undefined);
      try {
        return await clock.run(name, () => Promise.race([running, workerFailed]));
      } catch (err) {
        clock.halt();
        throw err;
      }
    };

    cases = await CaseClient.connect(settings);
    const caseClient = cases;
    const schools = await loadSchoolDirectory(join(PROJECT_ROOT, 'config', 'schools.json'));
    const schoolIds = schools.schoolIds();
    const procedureOf = (schoolId: string) => schools.get(schoolId)!.procedureId;
    const now = new Date();
    const inputs = Array.from({ length: options.cases }, (_, i) => loadCaseInput(i, schoolIds, procedureOf, now));
    const updateFailures: string[] = [];
    const otherFailures: string[] = [];
    const fail = (what: string, err: unknown) => otherFailures.push(`${what}: ${errorText(err)}`);
    // A Query can fail for a moment on a loaded machine (the server gives up waiting for the busy
    // worker); it is asked again, and only a case that never answers counts as a failure.
    let queryRetries = 0;
    const viewOf = async (id: string): Promise<CaseView> => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await caseClient.view(id);
        } catch (err) {
          if (attempt >= VIEW_ATTEMPTS || clock.stopped()) throw err;
          queryRetries += 1;
          await sleep(VIEW_POLL_MS);
        }
      }
    };
    const progress = (what: string, started: number) => {
      let last = performance.now();
      let done = 0;
      return () => {
        done += 1;
        if (performance.now() - last > 10_000) {
          last = performance.now();
          log(`  ${count(done)} ${what} (${((last - started) / 1000).toFixed(0)} s)`);
        }
      };
    };
    // Lanes stop taking new work once the time is up.
    const lanes = (task: (i: number) => Promise<void>) =>
      inParallel(options.cases, options.concurrency, async (i) => {
        if (!clock.stopped()) await task(i);
      });

    // 1. Open the cases; keep the ids `open` returns (never computed here).
    log(`opening ${count(options.cases)} cases (${options.concurrency} in flight; the worker caches ${count(maxCachedWorkflows)}) ...`);
    const ids: (string | undefined)[] = new Array<string | undefined>(options.cases);
    const openStarted = performance.now();
    const opened = progress('opened', openStarted);
    await step('opening the cases', () =>
      lanes(async (i) => {
        try {
          ids[i] = await caseClient.open(inputs[i]!);
        } catch (err) {
          fail(`opening case ${i + 1}`, err);
        }
        opened();
      }),
    );
    const openSeconds = (performance.now() - openStarted) / 1000;
    const openedIds = ids.filter((id): id is string => id !== undefined);
    log(`${count(openedIds.length)} cases opened in ${openSeconds.toFixed(1)} s (${(openedIds.length / openSeconds).toFixed(1)} /s)`);

    // 2. Wait until every case shows a pending deadline: its first workflow task has run. The
    // worker is let go quiet first, so the Queries asking do not compete with the cases' own tasks.
    const settleStarted = performance.now();
    await step('waiting for the worker to finish opening the cases', async () => {
      let quiet = 0;
      let lastReport = performance.now();
      while (quiet < QUIET_POLLS) {
        const status = w.getStatus();
        quiet = status.numInFlightWorkflowActivations === 0 && status.numInFlightActivities === 0 ? quiet + 1 : 0;
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          log(
            `  worker busy: ${count(status.numCachedWorkflows)} cached, ${status.numInFlightWorkflowActivations} activations and ${status.numInFlightActivities} activities in flight`,
          );
        }
        await sleep(QUIET_POLL_MS);
      }
    });
    let deadlinePendingBefore = 0;
    const settledOne = progress('with a pending deadline', settleStarted);
    await step('waiting for every case to show a pending deadline', () =>
      lanes(async (i) => {
        const id = ids[i];
        if (id === undefined) return;
        for (;;) {
          let view: CaseView;
          try {
            view = await viewOf(id);
          } catch (err) {
            fail(`viewing case ${id}`, err);
            break;
          }
          if (view.deadlines.length > 0) {
            deadlinePendingBefore += 1;
            break;
          }
          // An open case past its first task without a deadline: no point in waiting.
          if (view.timeline.length > 0) {
            fail(`case ${id}`, new Error(`no pending deadline in step «${view.state.label}»`));
            break;
          }
          if (clock.stopped()) return;
          await sleep(VIEW_POLL_MS);
        }
        settledOne();
      }),
    );
    const settleSeconds = (performance.now() - settleStarted) / 1000;
    log(`${count(deadlinePendingBefore)} cases with a pending deadline after ${settleSeconds.toFixed(1)} s more`);

    // 3. One Update per case, timed one by one.
    const latencies: number[] = [];
    const eventIds = new Map<string, string>();
    let updatesApplied = 0;
    log(`sending ${count(openedIds.length)} Updates (${options.concurrency} in flight) ...`);
    const updateStarted = performance.now();
    const updated = progress('Updates answered', updateStarted);
    await step('sending the Updates', () =>
      lanes(async (i) => {
        const id = ids[i];
        if (id === undefined) return;
        const event = loadUpdateEvent(i, new Date());
        eventIds.set(id, event.eventId);
        const t = performance.now();
        try {
          const receipt = await caseClient.send(id, event);
          latencies.push(performance.now() - t);
          if (receipt.applied) updatesApplied += 1;
          else updateFailures.push(`Update of case ${id}: answered applied: false for a new event id`);
        } catch (err) {
          updateFailures.push(`Update of case ${id}: ${errorText(err)}`);
        }
        updated();
      }),
    );
    const updateSeconds = (performance.now() - updateStarted) / 1000;
    log(
      `${count(latencies.length)} Updates answered in ${updateSeconds.toFixed(1)} s (${(latencies.length / updateSeconds).toFixed(1)} /s)`,
    );

    // 4. Visibility: wait until its count of cases stops moving (or reaches N and stays), then list every row.
    const visibilityStarted = performance.now();
    const caseQuery = "WorkflowType = 'caseWorkflow'";
    await step('waiting for visibility to settle', async () => {
      let last = -1;
      let stable = 0;
      while (stable < STABLE_POLLS) {
        const seen = (await caseClient.client.workflow.count(caseQuery)).count;
        stable = seen === last ? stable + 1 : 0;
        last = seen;
        if (seen === options.cases && stable >= 1) break;
        await sleep(VISIBILITY_POLL_MS);
      }
    });
    const visibilitySettleSeconds = (performance.now() - visibilityStarted) / 1000;
    const listedIds: string[] = [];
    await step('listing the cases', async () => {
      for await (const wf of caseClient.list({})) listedIds.push(wf.workflowId);
    });
    log(`visibility lists ${count(listedIds.length)} cases (settled in ${visibilitySettleSeconds.toFixed(1)} s)`);

    // 5. Every case's view: the event applied exactly once, a deadline still pending.
    const finalViews = new Map<string, CaseView | undefined>();
    await step("reading every case's view", () =>
      lanes(async (i) => {
        const id = ids[i];
        if (id === undefined) return;
        try {
          finalViews.set(id, await viewOf(id));
        } catch (err) {
          finalViews.set(id, undefined);
          fail(`viewing case ${id} at the end`, err);
        }
      }),
    );
    const cachedAtEnd = w.getStatus().numCachedWorkflows;
    const accounting = accountCases({
      expected: options.cases,
      openedIds,
      listedIds,
      finalViews,
      eventIds,
      deadlinePendingBefore,
      updatesApplied,
      updateFailures,
      otherFailures,
    });
    return {
      options,
      maxCachedWorkflows,
      cachedAtEnd,
      openSeconds,
      casesPerSecond: openedIds.length / openSeconds,
      casesRunningPerSecond: deadlinePendingBefore / (openSeconds + settleSeconds),
      settleSeconds,
      updateSeconds,
      updatesPerSecond: latencies.length / updateSeconds,
      updateMedianMs: median(latencies),
      updateP95Ms: percentile(latencies, 95),
      updateMaxMs: latencies.length === 0 ? 0 : Math.max(...latencies),
      visibilitySettleSeconds,
      queryRetries,
      peakRssMb: peakRss / 1024 / 1024,
      tempDirs: [...new Set([dir, serverDir])],
      accounting,
    };
  } finally {
    clock.halt();
    clock.stop();
    clearInterval(sampler);
    // Requests still in flight must end before their connection closes, or their retries throw where
    // nothing can catch them; a request that hangs is given up on after a while.
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([inFlight, new Promise((resolve) => (drainTimer = setTimeout(resolve, DRAIN_MS)))]);
    clearTimeout(drainTimer);
    // Every step runs even if one before it fails, so no server, worker or folder is left behind.
    const steps = [
      async () => {
        worker ??= await workerBuilding?.catch(() => undefined);
        // A worker built after the time ran out never ran; it runs for a moment so that it lets go of the connection.
        if (worker && !workerRunning) workerRunning = worker.run();
        if (worker?.getState() === 'RUNNING') worker.shutdown();
        await workerRunning?.catch(() => undefined);
      },
      () => cases?.close(),
      () => nativeConnection?.close(),
      async () => {
        server ??= await serverStarting?.catch(() => undefined);
        await server?.stop();
      },
    ];
    for (const s of steps) {
      await Promise.resolve()
        .then(s)
        .catch((err: unknown) => console.error(err));
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(serverDir, { recursive: true, force: true });
  }
}

/** The result as the bench's plain text table: the rates and latencies, then the accounting, one row each. */
export function loadReport(result: LoadResult): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const rate = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const a = result.accounting;
  const N = result.options.cases;
  const check = (found: number, expected: number) => (found === expected ? 'ok' : 'WRONG');
  const rows: string[][] = [
    ['cases opened per second', rate(result.casesPerSecond), '', ''],
    ['cases running per second (to a pending deadline)', rate(result.casesRunningPerSecond), '', ''],
    ['Updates per second', rate(result.updatesPerSecond), '', ''],
    ['Update latency median (ms)', n(Math.round(result.updateMedianMs)), '', ''],
    ['Update latency p95 (ms)', n(Math.round(result.updateP95Ms)), '', ''],
    ['Update latency max (ms)', n(Math.round(result.updateMaxMs)), '', ''],
    ['cases listed (visibility)', n(a.listed), n(N), check(a.listed, N)],
    ['distinct workflow ids (open)', n(a.distinctIds), n(N), check(a.distinctIds, N)],
    ['distinct cases listed', n(a.listedDistinct), n(N), check(a.listedDistinct, N)],
    ['cases lost', n(a.lost), '0', check(a.lost, 0)],
    ['cases duplicated', n(a.duplicated), '0', check(a.duplicated, 0)],
    ['cases listed not opened', n(a.unexpected), '0', check(a.unexpected, 0)],
    ['Updates applied', n(a.updatesApplied), n(N), check(a.updatesApplied, N)],
    ['Updates refused or failed', n(a.updatesFailed), '0', check(a.updatesFailed, 0)],
    ['opens and Queries failed for good', n(a.otherFailures), '0', check(a.otherFailures, 0)],
    ['event applied exactly once (view)', n(a.appliedOnce), n(N), check(a.appliedOnce, N)],
    ['event applied twice or more', n(a.appliedTwice), '0', check(a.appliedTwice, 0)],
    ['event not applied', n(a.notApplied), '0', check(a.notApplied, 0)],
    ['deadline pending before Updates', n(a.deadlinePendingBefore), n(N), check(a.deadlinePendingBefore, N)],
    ['deadline pending at the end', n(a.deadlinePendingAfter), n(N), check(a.deadlinePendingAfter, N)],
  ];
  return [
    '',
    `Load (one case worker on loopback, ${n(N)} cases, ${result.options.concurrency} requests in flight; ` +
      `worker cache ${n(result.maxCachedWorkflows)}, ${n(result.cachedAtEnd)} cached at the end, peak RSS ${n(Math.round(result.peakRssMb))} MB):`,
    '',
    table(['figure', 'value', 'expected', 'check'], rows),
    `  opening ${result.openSeconds.toFixed(1)} s, until every case had its deadline ${result.settleSeconds.toFixed(1)} s more, ` +
      `Updates ${result.updateSeconds.toFixed(1)} s, visibility settled ${result.visibilitySettleSeconds.toFixed(1)} s after; ` +
      `${n(result.queryRetries)} Queries failed for a moment and were asked again`,
    ...a.failures.map((f) => `  failure: ${f}`),
    a.ok ? '  accounting: every case kept once, every event applied once' : '  accounting: WRONG (see the rows marked WRONG)',
  ].join('\n');
}

/** `--cases N --concurrency C --timeout MIN --json FILE`; throws on what it does not know. */
export function parseLoadArgs(argv: readonly string[]): LoadBenchOptions & { json?: string } {
  const options: LoadBenchOptions & { json?: string } = { ...DEFAULT_LOAD_OPTIONS };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const value = (): number => {
      const text = argv[++i] ?? '';
      const v = Number(text.replace(/[_\s]/g, ''));
      if (!Number.isFinite(v) || v <= 0 || (arg !== '--timeout' && !Number.isInteger(v))) {
        throw new Error(`${arg} must be ${arg === '--timeout' ? 'a number of minutes > 0' : 'an integer ≥ 1'}, got "${text}"`);
      }
      return v;
    };
    if (arg === '--cases') options.cases = value();
    else if (arg === '--concurrency') options.concurrency = value();
    else if (arg === '--timeout') options.timeoutMs = value() * 60_000;
    else if (arg === '--json') options.json = argv[++i];
    else throw new Error(`unknown option ${arg} (see bench/README.md)`);
  }
  return options;
}

if (require.main === module) {
  void (async () => {
    const { json, ...options } = parseLoadArgs(process.argv.slice(2));
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const result = await runLoadBench(options);
    console.log(loadReport(result));
    if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
    if (!result.accounting.ok) process.exitCode = 1;
  })().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  });
}
