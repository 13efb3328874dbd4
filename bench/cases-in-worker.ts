/**
 * The case worker beside a hand-written workflow doing the same kind of work, side by side in one
 * run (issue 16): starts per second through the first workflow task, Updates per second and their
 * latency, worker CPU per case, worker memory per cached case, slow-task warnings.
 *
 * Starts a Temporal dev server (the pinned CLI) in a temp directory and, for each kind of
 * workflow, one workflow-only worker in a child process (bench/workflow-worker-child.ts) with a
 * cache large enough to keep every case; this process runs the activities. Both workers live for
 * the whole run. After a warm-up (W cases and an Update each, per kind), R rounds; in each round
 * both kinds run, the order alternating (case first in odd rounds, hand-written first in even
 * ones), so neither always runs on the warmer or the more loaded machine. A kind's round:
 *   1. waits until its worker is idle and samples it (RSS, CPU);
 *   2. opens N fresh cases at concurrency C and times the first start request until the worker
 *      has completed the first workflow task of all N (the child counts them per run, see
 *      observeFirstTasks in the child): starts per second = N ÷ that time;
 *   3. waits until every case is cached and idle (their opening activities done), samples again:
 *      CPU per case and RSS per case = (after − before) ÷ N;
 *   4. sends U Updates to the round's cases at concurrency C, each timed: Updates per second =
 *      U ÷ (first sent → last answered), median and 95th-percentile latency.
 * Figures are medians over the rounds; the workflow-thread heap per case is measured once, over
 * all rounds, after a forced GC. Figures are ratios measured in one run, not timings to assert on.
 * Usage: see bench/README.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { FileOutbox } from '../activities/outbox';
import { CaseClient, openingSearchAttributes } from '../app/case-client';
import { CaseIds } from '../app/case-ids';
import type { CaseEvent } from '../machines/events';
import { currentProcedures } from '../machines/registry';
import { startDevServer } from '../scripts/lib/dev-server';
import { freePort } from '../scripts/lib/free-port';
import { memoryForCachedCases } from '../worker/cache-size';
import { caseWorkflowBundleOptions } from '../worker/build-worker';
import { caseViewQuery, sendEventUpdate, type CaseWorkflowInput } from '../workflows/case-messages';
import { caseSearchAttributes } from '../workflows/search-attributes';
import { percentile } from './case-list';
import { quietLogger } from './quiet-logger';
import { type BenchFigure, figure, figuresTable } from './figures';
import { handWrittenSendEvent, handWrittenViewQuery, type BenchActivities, type HandWrittenCaseInput } from './hand-written-workflow';
import { inParallel, median, sleep } from './measure';
import type {
  ChildMessage,
  FirstTasksReached,
  ParentMessage,
  WorkerChildSettings,
  WorkerKind,
  WorkerSample,
  WorkerStatus,
} from './workflow-worker-child';

/**
 * Bundles what a kind's worker hosts and writes it to `dir`: the case worker's own bundle, the same
 * without shared modules (the worker as it was before the fix), or the hand-written baseline alone.
 */
async function writeBundle(kind: WorkerKind, dir: string): Promise<string> {
  const options =
    kind === 'hand-written'
      ? { workflowsPath: require.resolve('./hand-written-workflow') }
      : kind === 'case-unshared'
        ? { workflowsPath: caseWorkflowBundleOptions.workflowsPath }
        : { ...caseWorkflowBundleOptions, preloadModules: [...caseWorkflowBundleOptions.preloadModules] };
  const bundle = await bundleWorkflowCode({ ...options, logger: quietLogger });
  const path = join(dir, `${kind}.bundle.js`);
  writeFileSync(path, bundle.code);
  return path;
}

export interface BenchOptions {
  /** Fresh cases opened per kind in each round. */
  cases: number;
  /** Cases opened (with an Update each) per kind before the rounds, so bundle loading and JIT warm-up are not counted. */
  warmup: number;
  /** Measured rounds; each runs both kinds, the order alternating. */
  rounds: number;
  /** Updates per kind and round, to that round's cases (at most one per case). */
  updates: number;
  /** Starts, and Updates, in flight at once. */
  concurrency: number;
  /** Also measure the case bundle without shared modules (the worker as it was before the fix). */
  withUnshared: boolean;
  /** Core's threshold for its slow-task warning, seconds (TEMPORAL_WORKFLOW_TASK_DURATION_WARN_SECONDS; core's default 5). */
  slowTaskSeconds?: number;
  json?: string;
}

/** The phase as bench/main.ts starts it in a fresh process (bench/child.ts). */
export interface WorkerTask {
  role: 'worker';
  options: BenchOptions;
}

/** What the phase sends back to bench/main.ts: its figures and its own table. */
export interface WorkerSideBySide {
  figures: BenchFigure[];
  report: string;
}

export const DEFAULT_WORKER_OPTIONS: BenchOptions = {
  cases: 1000,
  warmup: 10,
  rounds: 3,
  updates: 200,
  concurrency: 32,
  withUnshared: false,
};

/** One kind's figures in one round. */
export interface RoundResult {
  round: number;
  /** Whether this kind ran first in the round. */
  first: boolean;
  /** N ÷ (first start request → all N first workflow tasks completed). */
  startsPerSecond: number;
  firstTasksSeconds: number;
  /** Until every case of the round was cached and idle (opening activities done). */
  idleSeconds: number;
  cpuPerCaseMs: number;
  rssPerCaseKb: number;
  updatesPerSecond: number;
  updateMedianMs: number;
  updateP95Ms: number;
}

export interface KindResult {
  kind: WorkerKind;
  rounds: RoundResult[];
  /** Medians over the rounds. */
  startsPerSecond: number;
  updatesPerSecond: number;
  updateMedianMs: number;
  updateP95Ms: number;
  cpuPerCaseMs: number;
  rssPerCaseKb: number;
  /** (workflow-thread heap after all rounds, after a forced GC − before them) ÷ cases opened in the rounds. */
  workflowHeapPerCaseKb: number | null;
  /** Cases open and cached in the worker at the end (warm-up included). */
  cachedWorkflows: number;
  /** Highest RSS of the worker, sampled every 200 ms, before the heap snapshot of the last sample. */
  peakRssMb: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  /** Median size of an Update's result as JSON, bytes. */
  updateResultBytes: number;
  /** Size of the view a Query returns, bytes (what an Update returned before the fix). */
  viewBytes: number;
  /** Core's warnings about slow workflow tasks ([TMPRL1104]) in this worker over the whole run. */
  slowTaskWarnings: number;
  /** Whether first tasks were counted per run (false: approximated from the worker's status). */
  exactFirstTasks: boolean;
  /** Set when the worker died (e.g. out of memory) or a round failed; the rounds before it are kept. */
  failure?: string;
}

export interface BenchResult {
  options: Omit<BenchOptions, 'json'>;
  results: KindResult[];
}

const MB = 1024 * 1024;

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULT_WORKER_OPTIONS };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const value = (min = 1): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < min) throw new Error(`${arg} needs a whole number ≥ ${min}, got ${argv[i]}`);
      return n;
    };
    if (arg === '--cases') options.cases = value();
    else if (arg === '--warmup') options.warmup = value();
    else if (arg === '--rounds') options.rounds = value();
    else if (arg === '--updates') options.updates = value();
    else if (arg === '--concurrency') options.concurrency = value();
    else if (arg === '--slow-task-seconds') options.slowTaskSeconds = value(0);
    else if (arg === '--with-unshared') options.withUnshared = true;
    else if (arg === '--json') options.json = argv[++i];
    else throw new Error(`unknown option ${arg} (see bench/README.md)`);
  }
  return options;
}

/** The workflow worker of one kind, in its own process. */
class WorkerChild {
  private waiting = new Map<string, (message: ChildMessage) => void>();
  readonly exited: Promise<string>;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: ChildMessage) => {
      const resolve = this.waiting.get(message.type);
      this.waiting.delete(message.type);
      resolve?.(message);
    });
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`)));
  }

  static async start(settings: WorkerChildSettings, slowTaskSeconds: number | undefined): Promise<WorkerChild> {
    const child = fork(require.resolve('./workflow-worker-child'), [JSON.stringify(settings)], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Core reads its slow-task threshold from the environment.
      env:
        slowTaskSeconds === undefined
          ? process.env
          : { ...process.env, TEMPORAL_WORKFLOW_TASK_DURATION_WARN_SECONDS: String(slowTaskSeconds) },
    });
    const worker = new WorkerChild(child);
    const ready = await worker.request(undefined, 'ready');
    if (ready.type !== 'ready') throw new Error('worker child did not start');
    return worker;
  }

  /** Sends `message` (if any) and waits for the answer of type `answer`, or fails if the child dies. */
  private request(message: ParentMessage | undefined, answer: ChildMessage['type']): Promise<ChildMessage> {
    const reply = new Promise<ChildMessage>((resolve) => this.waiting.set(answer, resolve));
    const failed = new Promise<ChildMessage>((resolve) => this.waiting.set('failed', resolve));
    if (message) this.child.send(message);
    return Promise.race([
      reply,
      failed.then((m) => Promise.reject(new Error(m.type === 'failed' ? m.message : 'failed'))),
      this.exited.then((how) => Promise.reject(new Error(`the worker process ended (${how})`))),
    ]);
  }

  async sample(exactHeap: boolean): Promise<WorkerSample> {
    const message = await this.request({ type: 'sample', exactHeap }, 'sample');
    if (message.type !== 'sample') throw new Error('unexpected answer');
    return message.sample;
  }

  async status(): Promise<WorkerStatus> {
    const message = await this.request({ type: 'status' }, 'status');
    if (message.type !== 'status') throw new Error('unexpected answer');
    return message.status;
  }

  /** Answers when `target` workflows have completed their first workflow task (counted since the worker started). */
  async firstTasks(target: number, timeoutMs: number): Promise<FirstTasksReached> {
    const message = await this.request({ type: 'firstTasks', target, timeoutMs }, 'firstTasks');
    if (message.type !== 'firstTasks') throw new Error('unexpected answer');
    return message.reached;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The bench's made-up pupils get pseudonymous ids as in the product, with a key of its own. */
const BENCH_CASE_IDS = new CaseIds(randomBytes(32));

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/** A case's opening input: every procedure in turn (a worker hosts them all), trigger `unnotified-absence`. */
function caseInput(name: string, i: number): CaseWorkflowInput {
  const procedures = currentProcedures().map((p) => p.id);
  const now = new Date();
  return {
    procedureId: procedures[i % procedures.length]!,
    facts: {
      caseId: name,
      pupilId: name,
      schoolId: 'S001',
      grade: 9,
      openedAt: now.toISOString(),
      trigger: { rule: 'unnotified-absence', dates: [now.toISOString().slice(0, 10)] },
    },
  };
}

/** A person's step, the same for both kinds. */
const staffInformed = (eventId: string) => ({
  type: 'staff.informed',
  eventId,
  actor: { role: 'contact-teacher', userId: 'bench' },
  at: new Date().toISOString(),
  recipients: ['principal'],
});

interface Kind {
  kind: WorkerKind;
  /** Opens the case `name` (the `i`-th of its batch); returns its workflow id. */
  start(client: Client, taskQueue: string, name: string, i: number): Promise<string>;
  update(client: Client, workflowId: string, eventId: string): Promise<unknown>;
  view(client: Client, workflowId: string): Promise<unknown>;
}

function caseKind(kind: 'case' | 'case-unshared'): Kind {
  return {
    kind,
    // Through CaseClient.open, as the product opens a case: the opening search attributes, the memo and the id.
    start: (client, taskQueue, name, i) => new CaseClient(client, taskQueue, BENCH_CASE_IDS).open(caseInput(name, i)),
    update: (client, workflowId, eventId) =>
      client.workflow.getHandle(workflowId).executeUpdate(sendEventUpdate, { args: [staffInformed(eventId) as CaseEvent] }),
    view: (client, workflowId) => client.workflow.getHandle(workflowId).query(caseViewQuery),
  };
}

const handWrittenKind: Kind = {
  kind: 'hand-written',
  async start(client, taskQueue, name, i) {
    const opening = caseInput(name, i);
    // An id of the same shape and length as a case's, so both carry the same bytes per case.
    const workflowId = BENCH_CASE_IDS.workflowId(opening.facts.schoolId, `hand-written/${name}`);
    // `attributes` asks the hand-written workflow to keep the case search attributes current, as a case does.
    const input: HandWrittenCaseInput & { attributes: { schoolId: string; procedureId: string } } = {
      caseId: name,
      openedAt: opening.facts.openedAt,
      attributes: { schoolId: opening.facts.schoolId, procedureId: opening.procedureId },
    };
    await client.workflow.start('handWrittenCaseWorkflow', {
      taskQueue,
      workflowId,
      args: [input],
      // What CaseClient.open gives a case at start, so both pay the same visibility cost.
      typedSearchAttributes: openingSearchAttributes(opening),
      memo: { pupilId: opening.facts.pupilId },
    });
    return workflowId;
  },
  update: (client, workflowId, eventId) =>
    client.workflow.getHandle(workflowId).executeUpdate(handWrittenSendEvent, { args: [staffInformed(eventId)] }),
  view: (client, workflowId) => client.workflow.getHandle(workflowId).query(handWrittenViewQuery),
};

/** Waits until the worker caches `expected` workflows with nothing in flight, and the server agrees for a sample of `ids`. */
async function waitUntilIdle(
  worker: WorkerChild,
  activityWorker: Worker,
  client: Client,
  ids: readonly string[],
  expected: number,
  log: (line: string) => void,
): Promise<void> {
  let quietPolls = 0;
  let lastReport = Date.now();
  for (;;) {
    const status = await Promise.race([
      worker.status(),
      worker.exited.then((how) => Promise.reject(new Error(`the worker process ended (${how})`))),
    ]);
    const activities = activityWorker.getStatus().numInFlightActivities;
    const quiet = status.numCachedWorkflows >= expected && status.numInFlightWorkflowActivations === 0 && activities === 0;
    quietPolls = quiet ? quietPolls + 1 : 0;
    if (Date.now() - lastReport > 10_000) {
      log(
        `    cached ${status.numCachedWorkflows}/${expected}, activations in flight ${status.numInFlightWorkflowActivations}, activities ${activities}`,
      );
      lastReport = Date.now();
    }
    if (quietPolls >= 3) {
      const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 20)) === 0);
      const busy = await Promise.all(
        sample.map(async (id) => {
          const { raw } = await client.workflow.getHandle(id).describe();
          return Boolean(raw.pendingWorkflowTask) || (raw.pendingActivities?.length ?? 0) > 0;
        }),
      );
      if (!busy.some(Boolean)) return;
      quietPolls = 0;
    }
    await sleep(250);
  }
}

interface Ctx {
  address: string;
  client: Client;
  connection: NativeConnection;
  outboxDir: string;
  dir: string;
}

/** One kind's worker for the whole run: opens its warm-up, then runs its part of each round. */
class KindRun {
  readonly rounds: RoundResult[] = [];
  readonly updateSizes: number[] = [];
  readonly ids: string[] = [];
  failure?: string;
  heapBefore: number | null = null;
  rssBefore = 0;
  exactFirstTasks = true;

  private constructor(
    readonly kind: Kind,
    private readonly taskQueue: string,
    readonly worker: WorkerChild,
    private readonly activityWorker: Worker,
    private readonly activitiesRunning: Promise<void>,
    private readonly ctx: Ctx,
    private readonly options: BenchOptions,
    private readonly log: (line: string) => void,
  ) {}

  static async start(kind: Kind, options: BenchOptions, ctx: Ctx, log: (line: string) => void): Promise<KindRun> {
    const taskQueue = `bench-${kind.kind}`;
    const bundlePath = await writeBundle(kind.kind, ctx.dir);
    const recordEffect: BenchActivities['recordEffect'] = async () => undefined;
    const activityWorker = await Worker.create({
      connection: ctx.connection,
      taskQueue,
      activities: { ...createActivities({ outbox: new FileOutbox(ctx.outboxDir) }), recordEffect },
    });
    const activitiesRunning = activityWorker.run();
    try {
      const worker = await WorkerChild.start(
        {
          kind: kind.kind,
          bundlePath,
          address: ctx.address,
          taskQueue,
          maxCachedWorkflows: options.warmup + options.rounds * options.cases + 10,
          // The worker as before the fix holds megabytes per case: a heap snapshot of that would take minutes.
          exactHeap: kind.kind !== 'case-unshared',
        },
        options.slowTaskSeconds,
      );
      return new KindRun(kind, taskQueue, worker, activityWorker, activitiesRunning, ctx, options, log);
    } catch (err) {
      activityWorker.shutdown();
      await activitiesRunning;
      throw err;
    }
  }

  private get cachedSoFar(): number {
    return this.ids.length;
  }

  /** Opens `count` cases named `prefix-i` at the bench's concurrency; returns their ids. */
  private async open(prefix: string, count: number): Promise<string[]> {
    const ids: string[] = new Array<string>(count);
    await inParallel(count, this.options.concurrency, async (i) => {
      ids[i] = await this.kind.start(this.ctx.client, this.taskQueue, `${prefix}-${i}`, i);
    });
    this.ids.push(...ids);
    return ids;
  }

  /** Sends one Update to each of `ids` at the bench's concurrency; returns each one's latency (ms) and the wall time. */
  private async updates(ids: readonly string[], tag: string): Promise<{ latencies: number[]; seconds: number }> {
    const latencies: number[] = [];
    const started = performance.now();
    let lastAnswered = started;
    await inParallel(ids.length, this.options.concurrency, async (i) => {
      const sent = performance.now();
      const result = await this.kind.update(this.ctx.client, ids[i]!, `bench-update-${tag}-${i}`);
      lastAnswered = performance.now();
      latencies.push(lastAnswered - sent);
      this.updateSizes.push(jsonBytes(result));
    });
    return { latencies, seconds: (lastAnswered - started) / 1000 };
  }

  async warmUp(): Promise<void> {
    const { warmup } = this.options;
    this.log(`  ${this.kind.kind}: warming up with ${warmup} cases and an Update each`);
    const ids = await this.open(`bench-${this.kind.kind}-warm`, warmup);
    await waitUntilIdle(this.worker, this.activityWorker, this.ctx.client, ids, this.cachedSoFar, this.log);
    await this.updates(ids, 'warm');
    await waitUntilIdle(this.worker, this.activityWorker, this.ctx.client, ids, this.cachedSoFar, this.log);
    // No forced GC of the workflow thread here: a heap snapshot leaves native memory behind that
    // would count as the cases' RSS. The warm-up heap is small, so its garbage is noise.
    await sleep(1_000);
    const sample = await this.worker.sample(false);
    this.heapBefore = sample.workflowHeapUsed;
    this.rssBefore = sample.rss;
  }

  async round(round: number, first: boolean): Promise<void> {
    const { cases, concurrency } = this.options;
    const label = `  ${this.kind.kind} round ${round}`;
    const before = await this.worker.sample(false);
    const target = before.firstTasks + cases;
    // Generous: a first task takes milliseconds, a start a few; only a stuck worker takes this long.
    const timeoutMs = 120_000 + cases * 200;
    const started = Date.now();
    const reached = this.worker.firstTasks(target, timeoutMs);
    reached.catch(() => undefined); // awaited below; a start that fails first must not leave it unhandled
    const ids = await this.open(`bench-${this.kind.kind}-r${round}`, cases);
    const { reachedAt, firstTasks, exact } = await reached;
    if (reachedAt === null)
      throw new Error(`${firstTasks - before.firstTasks} of ${cases} first workflow tasks completed within ${timeoutMs / 1000} s`);
    this.exactFirstTasks &&= exact;
    const firstTasksSeconds = (reachedAt - started) / 1000;
    await waitUntilIdle(this.worker, this.activityWorker, this.ctx.client, ids, this.cachedSoFar, this.log);
    const idleSeconds = (Date.now() - started) / 1000;
    const after = await this.worker.sample(false);

    const updated = ids.slice(0, Math.min(this.options.updates, cases));
    const { latencies, seconds } = await this.updates(updated, `r${round}`);
    const result: RoundResult = {
      round,
      first,
      startsPerSecond: cases / firstTasksSeconds,
      firstTasksSeconds,
      idleSeconds,
      cpuPerCaseMs: (after.cpuMs - before.cpuMs) / cases,
      rssPerCaseKb: (after.rss - before.rss) / cases / 1024,
      updatesPerSecond: updated.length / seconds,
      updateMedianMs: median(latencies),
      updateP95Ms: percentile(latencies, 95),
    };
    this.rounds.push(result);
    this.log(
      `${label}: ${result.startsPerSecond.toFixed(1)} starts/s (first tasks ${firstTasksSeconds.toFixed(1)} s, idle ${idleSeconds.toFixed(1)} s), ` +
        `${result.updatesPerSecond.toFixed(1)} Updates/s (median ${result.updateMedianMs.toFixed(0)} ms, p95 ${result.updateP95Ms.toFixed(0)} ms, concurrency ${concurrency})`,
    );
    // Let the Updates' own tasks and activities finish before the other kind runs.
    await waitUntilIdle(this.worker, this.activityWorker, this.ctx.client, updated, this.cachedSoFar, this.log);
  }

  /** The kind's figures: medians over its rounds, the heap over all of them. */
  async finish(): Promise<KindResult> {
    const status = this.failure ? undefined : await this.worker.sample(true).catch(() => undefined);
    const viewIds = this.ids.slice(this.options.warmup, this.options.warmup + 3);
    const views = this.failure ? [] : await Promise.all(viewIds.map((id) => this.kind.view(this.ctx.client, id))).catch(() => []);
    const opened = this.rounds.length * this.options.cases;
    const of = (pick: (r: RoundResult) => number) => median(this.rounds.map(pick));
    return {
      kind: this.kind.kind,
      rounds: this.rounds,
      startsPerSecond: of((r) => r.startsPerSecond),
      updatesPerSecond: of((r) => r.updatesPerSecond),
      updateMedianMs: of((r) => r.updateMedianMs),
      updateP95Ms: of((r) => r.updateP95Ms),
      cpuPerCaseMs: of((r) => r.cpuPerCaseMs),
      rssPerCaseKb: of((r) => r.rssPerCaseKb),
      workflowHeapPerCaseKb:
        status === undefined || status.workflowHeapUsed === null || this.heapBefore === null || opened === 0
          ? null
          : (status.workflowHeapUsed - this.heapBefore) / opened / 1024,
      cachedWorkflows: status?.numCachedWorkflows ?? 0,
      peakRssMb: (status?.peakRss ?? 0) / MB,
      rssBeforeMb: this.rssBefore / MB,
      rssAfterMb: (status?.rss ?? 0) / MB,
      updateResultBytes: median(this.updateSizes),
      viewBytes: median(views.map(jsonBytes)),
      slowTaskWarnings: status?.slowTaskWarnings ?? 0,
      exactFirstTasks: this.exactFirstTasks,
      ...(this.failure ? { failure: this.failure } : {}),
    };
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    this.activityWorker.shutdown();
    await this.activitiesRunning;
  }
}

/** The kinds of a round in the order they run: the case first in odd rounds, the hand-written one in even ones. */
export function roundOrder<T>(kinds: readonly T[], round: number): T[] {
  return round % 2 === 1 ? [...kinds] : [...kinds].reverse();
}

export async function runBench(options: BenchOptions, log: (line: string) => void = console.log): Promise<BenchResult> {
  if (options.updates > options.cases) options = { ...options, updates: options.cases };
  const dir = mkdtempSync(join(tmpdir(), 'bench-cases-'));
  // The server's SQLite file in memory where there is a tmpfs: on disk, its writes (not the worker)
  // limit how fast thousands of cases open, and time out under load.
  const dbDir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/bench-cases-') : dir;
  const server = await startDevServer({
    dbFile: join(dbDir, 'temporal.sqlite'),
    port: await freePort(),
    logFile: join(dir, 'server.log'),
    searchAttributes: caseSearchAttributes,
  });
  const connection = await NativeConnection.connect({ address: server.address });
  const clientConnection = await Connection.connect({ address: server.address });
  const client = new Client({ connection: clientConnection });
  const runs: KindRun[] = [];
  try {
    const ctx: Ctx = { address: server.address, client, connection, outboxDir: join(dir, 'outbox'), dir };
    const kinds = [caseKind('case'), handWrittenKind, ...(options.withUnshared ? [caseKind('case-unshared')] : [])];
    for (const kind of kinds) runs.push(await KindRun.start(kind, options, ctx, log));
    for (const run of runs) await run.warmUp();
    for (let round = 1; round <= options.rounds; round += 1) {
      log(`round ${round} of ${options.rounds}: ${options.cases} cases and ${options.updates} Updates per kind`);
      const order = roundOrder(runs, round);
      for (const run of order) {
        if (run.failure) continue;
        try {
          await run.round(round, run === order[0]);
        } catch (err) {
          run.failure = `round ${round}: ${(err as Error).message}`;
          log(`  ${run.kind.kind}: ${run.failure}`);
        }
      }
    }
    const results: KindResult[] = [];
    for (const run of runs) results.push(await run.finish());
    const { json: _json, ...shown } = options;
    return { options: shown, results };
  } finally {
    // Every step runs even if one before it fails, so no worker, server or directory is left behind.
    const steps = [...runs.map((run) => () => run.stop()), () => clientConnection.close(), () => connection.close(), () => server.stop()];
    for (const step of steps) await step().catch((err: unknown) => console.error(err));
    rmSync(dir, { recursive: true, force: true });
    rmSync(dbDir, { recursive: true, force: true });
  }
}

const BASELINE = 'hand-written workflow';

/**
 * The memory a worker may use with `cached` open cases, as documented in worker/cache-size.ts
 * (the base of a worker plus the budget per cached case that WORKER_MEMORY_MB is divided by).
 */
export function workerMemoryBudgetMb(cached: number): number {
  return memoryForCachedCases(cached);
}

/** The phase's figures (group `worker`): the case worker against the hand-written workflow. */
export function workerFigures(result: BenchResult): BenchFigure[] {
  const cases = result.results.find((r) => r.kind === 'case');
  const hand = result.results.find((r) => r.kind === 'hand-written');
  if (!cases || !hand) throw new Error('the bench has no result for the case worker or the hand-written workflow');
  const failed = [cases, hand].filter((r) => r.failure);
  if (failed.length > 0) throw new Error(failed.map((r) => `${r.kind}: ${r.failure}`).join('; '));
  const pair = (name: string, unit: string, pick: (r: KindResult) => number, target?: Parameters<typeof figure>[5]) =>
    figure('worker', name, unit, pick(cases), { name: BASELINE, value: pick(hand) }, target);
  return [
    pair('starts per second (through the first workflow task)', 'cases/s', (r) => r.startsPerSecond, {
      kind: 'ratio-at-least',
      limit: 0.9,
    }),
    pair('Updates per second', 'Updates/s', (r) => r.updatesPerSecond, { kind: 'ratio-at-least', limit: 0.9 }),
    pair('Update latency, median', 'ms', (r) => r.updateMedianMs),
    pair('Update latency, 95th percentile', 'ms', (r) => r.updateP95Ms),
    pair('worker CPU per case opened', 'ms', (r) => r.cpuPerCaseMs, { kind: 'ratio-at-most', limit: 1.5 }),
    pair('worker memory (RSS) per cached case', 'KB', (r) => r.rssPerCaseKb, { kind: 'ratio-at-most', limit: 1.5 }),
    pair('workflow-thread heap per cached case', 'KB', (r) => r.workflowHeapPerCaseKb ?? Number.NaN),
    pair(
      `worker peak RSS with ${cases.cachedWorkflows.toLocaleString('en-US')} open cases (budget: worker/cache-size.ts)`,
      'MB',
      (r) => r.peakRssMb,
      {
        kind: 'value-at-most',
        limit: Math.round(workerMemoryBudgetMb(cases.cachedWorkflows)),
      },
    ),
    pair('slow workflow task warnings ([TMPRL1104])', 'warnings', (r) => r.slowTaskWarnings, { kind: 'value-at-most', limit: 0 }),
  ];
}

const fmt = (value: number | null, digits = 0): string =>
  value === null || !Number.isFinite(value)
    ? 'n/a'
    : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Every round of every kind, then the kinds side by side (the figures table is separate). */
export function formatReport(result: BenchResult): string {
  const lines = ['round  kind            order  starts/s  first tasks s  CPU/case ms  RSS/case KB  Updates/s  median ms  p95 ms'];
  const rounds = result.results.flatMap((r) => r.rounds.map((round) => ({ kind: r.kind, round })));
  rounds.sort((a, b) => a.round.round - b.round.round || Number(b.round.first) - Number(a.round.first));
  for (const { kind, round: r } of rounds) {
    lines.push(
      [
        String(r.round).padEnd(5),
        kind.padEnd(14),
        (r.first ? 'first' : 'then').padEnd(5),
        fmt(r.startsPerSecond, 1).padStart(8),
        fmt(r.firstTasksSeconds, 1).padStart(13),
        fmt(r.cpuPerCaseMs, 2).padStart(11),
        fmt(r.rssPerCaseKb).padStart(11),
        fmt(r.updatesPerSecond, 1).padStart(9),
        fmt(r.updateMedianMs).padStart(9),
        fmt(r.updateP95Ms).padStart(6),
      ].join('  '),
    );
  }
  const columns = result.results.map((r) => r.kind);
  const rows: [string, (r: KindResult) => string][] = [
    ['cases open and cached in the worker', (r) => fmt(r.cachedWorkflows)],
    ['workflow-thread heap per case (KB)', (r) => fmt(r.workflowHeapPerCaseKb)],
    ['Update result (bytes)', (r) => fmt(r.updateResultBytes)],
    ['view by Query (bytes)', (r) => fmt(r.viewBytes)],
    ['RSS after warm-up / at the end (MB)', (r) => `${fmt(r.rssBeforeMb)} / ${fmt(r.rssAfterMb)}`],
    ['peak RSS (MB)', (r) => fmt(r.peakRssMb)],
    ['slow workflow task warnings', (r) => fmt(r.slowTaskWarnings)],
    ['first tasks counted per run', (r) => (r.exactFirstTasks ? 'yes' : 'approximated')],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const cell = (text: string) => text.padStart(Math.max(16, ...columns.map((c) => c.length)));
  lines.push('', `${''.padEnd(width)}  ${columns.map(cell).join('  ')}`);
  for (const [label, value] of rows) lines.push(`${label.padEnd(width)}  ${result.results.map((r) => cell(value(r))).join('  ')}`);
  for (const r of result.results) if (r.failure) lines.push(`${r.kind}: ${r.failure}`);
  return lines.join('\n');
}

/** The phase for bench/main.ts: runs the bench and returns its figures and the report to print. */
export async function runWorkerSideBySide(
  options: Partial<BenchOptions>,
  log: (line: string) => void,
): Promise<{ figures: BenchFigure[]; report: string; result: BenchResult }> {
  const result = await runBench({ ...DEFAULT_WORKER_OPTIONS, ...options }, log);
  const figures = workerFigures(result);
  return { figures, report: `${formatReport(result)}\n\n${figuresTable(figures)}`, result };
}

if (require.main === module) {
  const options = parseBenchArgs(process.argv.slice(2));
  Runtime.install({ logger: new DefaultLogger('WARN') });
  console.log(
    `Cases in one worker, side by side: ${options.rounds} rounds of ${options.cases} cases and ${options.updates} Updates per kind ` +
      `(warm-up ${options.warmup}, concurrency ${options.concurrency})`,
  );
  runBench(options)
    .then((result) => {
      const failed = result.results.some((r) => r.failure && r.kind !== 'case-unshared');
      const figures = failed ? [] : workerFigures(result);
      console.log(`\n${formatReport(result)}${failed ? '' : `\n\n${figuresTable(figures)}`}`);
      if (options.json) writeFileSync(options.json, `${JSON.stringify({ ...result, figures }, null, 2)}\n`);
      process.exit(failed ? 1 : 0);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
