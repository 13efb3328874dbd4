/**
 * What an open case costs a worker, beside a hand-written workflow doing the same kind of work.
 *
 * Starts a Temporal dev server (the pinned CLI) in a temp directory and, for each kind of
 * workflow, one workflow-only worker in a child process (bench/workflow-worker-child.ts) with a
 * cache large enough to keep every case; this process runs the activities. It opens a few cases
 * to warm up, samples the worker, opens N cases, waits until every case is cached and idle (no
 * workflow task or activity in flight, checked on the server for a sample), samples again, then
 * sends an Update to a few cases. Per case: (RSS after − before) / N, the same for the V8 heap of
 * the workflow thread, and the worker's CPU time / N (the first workflow task plus the tasks that
 * take the opening activities' results). Figures are ratios measured in one run, not timings to
 * assert on. Usage: see bench/README.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { FileOutbox } from '../activities/outbox';
import type { CaseEvent } from '../machines/events';
import { currentProcedures } from '../machines/registry';
import { startDevServer } from '../scripts/lib/dev-server';
import { freePort } from '../scripts/lib/free-port';
import { randomBytes } from 'node:crypto';
import { CaseIds } from '../app/case-ids';
import { caseViewQuery, sendEventUpdate, type CaseWorkflowInput } from '../workflows/case-messages';
import { caseWorkflowBundleOptions } from '../worker/build-worker';
import { caseSearchAttributes } from '../workflows/search-attributes';
import { handWrittenSendEvent, handWrittenViewQuery, type BenchActivities } from './hand-written-workflow';
import type { ChildMessage, ParentMessage, WorkerChildSettings, WorkerKind, WorkerSample, WorkerStatus } from './workflow-worker-child';
import { inParallel, sleep } from './measure';

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

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
  cases: number;
  /** Cases opened (and waited for) before the first sample, so bundle loading and JIT warm-up are not counted. */
  warmup: number;
  /** Cases that get one Update, for the size of its result. */
  updates: number;
  /** Workflow starts in flight at once. */
  concurrency: number;
  /** Also measure the case bundle without shared modules (the worker as it was before the fix). */
  withUnshared: boolean;
  json?: string;
}

export interface KindResult {
  kind: WorkerKind;
  /** Cases open and cached in the worker when measured (warm-up included). */
  cachedWorkflows: number;
  opened: number;
  rssPerCaseKb: number;
  workflowHeapPerCaseKb: number | null;
  cpuPerCaseMs: number;
  /** Median size of an Update's result as JSON, bytes. */
  updateResultBytes: number;
  /** Size of the view a Query returns, bytes (what an Update returned before the fix). */
  viewBytes: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  peakRssMb: number;
  openSeconds: number;
  /** Set when the worker died (e.g. out of memory) before all cases were open. */
  failure?: string;
}

export interface BenchResult {
  options: Omit<BenchOptions, 'json'>;
  results: KindResult[];
  ratios: { rssPerCase: number; workflowHeapPerCase: number | null; cpuPerCase: number; updateResultBytes: number };
}

const MB = 1024 * 1024;

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { cases: 5000, warmup: 10, updates: 20, concurrency: 50, withUnshared: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const value = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${arg} needs a whole number ≥ 1, got ${argv[i]}`);
      return n;
    };
    if (arg === '--cases') options.cases = value();
    else if (arg === '--warmup') options.warmup = value();
    else if (arg === '--updates') options.updates = value();
    else if (arg === '--concurrency') options.concurrency = value();
    else if (arg === '--with-unshared') options.withUnshared = true;
    else if (arg === '--json') options.json = argv[++i];
    else throw new Error(`unknown option ${arg} (see bench/README.md)`);
  }
  options.updates = Math.min(options.updates, options.cases);
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

  static async start(settings: WorkerChildSettings): Promise<WorkerChild> {
    const child = fork(require.resolve('./workflow-worker-child'), [JSON.stringify(settings)], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
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

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.send({ type: 'stop' } satisfies ParentMessage);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
};
/** The bench's made-up pupils get pseudonymous ids as in the product, with a key of its own. */
const BENCH_CASE_IDS = new CaseIds(randomBytes(32));

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

interface Kind {
  kind: WorkerKind;
  workflowId(i: number): string;
  start(client: Client, taskQueue: string, i: number): Promise<void>;
  update(client: Client, i: number): Promise<unknown>;
  view(client: Client, i: number): Promise<unknown>;
}

function caseKind(kind: 'case' | 'case-unshared'): Kind {
  const procedures = currentProcedures().map((p) => p.id);
  const workflowId = (i: number) => BENCH_CASE_IDS.workflowId('S001', `bench-${kind}-${i}`);
  return {
    kind,
    workflowId,
    async start(client, taskQueue, i) {
      const now = new Date();
      const input: CaseWorkflowInput = {
        // Every procedure, in turn: a worker hosts them all.
        procedureId: procedures[i % procedures.length]!,
        facts: {
          caseId: `bench-${kind}-${i}`,
          pupilId: `bench-${kind}-${i}`,
          schoolId: 'S001',
          grade: 9,
          openedAt: now.toISOString(),
          trigger: { rule: 'unnotified-absence', dates: [now.toISOString().slice(0, 10)] },
        },
      };
      await client.workflow.start('caseWorkflow', { taskQueue, workflowId: workflowId(i), args: [input] });
    },
    update: (client, i) => {
      const event = {
        type: 'staff.informed',
        eventId: `bench-update-${i}`,
        actor: { role: 'contact-teacher', userId: 'bench' },
        at: new Date().toISOString(),
        recipients: ['principal'],
      } as CaseEvent;
      return client.workflow.getHandle(workflowId(i)).executeUpdate(sendEventUpdate, { args: [event] });
    },
    view: (client, i) => client.workflow.getHandle(workflowId(i)).query(caseViewQuery),
  };
}

const handWrittenKind: Kind = {
  kind: 'hand-written',
  workflowId: (i) => `bench-hand-written-${i}`,
  async start(client, taskQueue, i) {
    await client.workflow.start('handWrittenCaseWorkflow', {
      taskQueue,
      workflowId: `bench-hand-written-${i}`,
      args: [{ caseId: `bench-hand-written-${i}`, openedAt: new Date().toISOString() }],
    });
  },
  update: (client, i) =>
    client.workflow.getHandle(`bench-hand-written-${i}`).executeUpdate(handWrittenSendEvent, {
      args: [
        {
          eventId: `bench-update-${i}`,
          type: 'staff.informed',
          actor: { role: 'contact-teacher', userId: 'bench' },
          at: new Date().toISOString(),
        },
      ],
    }),
  view: (client, i) => client.workflow.getHandle(`bench-hand-written-${i}`).query(handWrittenViewQuery),
};

/** Waits until the worker caches `expected` workflows with nothing in flight, and the server agrees for a sample of them. */
async function waitUntilIdle(
  worker: WorkerChild,
  activityWorker: Worker,
  client: Client,
  ids: string[],
  expected: number,
  log: (line: string) => void,
): Promise<void> {
  let quietPolls = 0;
  let lastReport = 0;
  for (;;) {
    const status = await worker.status();
    const activities = activityWorker.getStatus().numInFlightActivities;
    const quiet = status.numCachedWorkflows >= expected && status.numInFlightWorkflowActivations === 0 && activities === 0;
    quietPolls = quiet ? quietPolls + 1 : 0;
    if (Date.now() - lastReport > 10_000) {
      log(
        `    cached ${status.numCachedWorkflows}/${expected}, activations in flight ${status.numInFlightWorkflowActivations}, activities ${activities}`,
      );
      lastReport = Date.now();
    }
    if (quietPolls >= 4) {
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
    await sleep(500);
  }
}

async function measureKind(
  kind: Kind,
  options: BenchOptions,
  ctx: { address: string; client: Client; connection: NativeConnection; outboxDir: string; dir: string },
  log: (line: string) => void,
): Promise<KindResult> {
  const taskQueue = `bench-${kind.kind}`;
  const total = options.warmup + options.cases;
  const bundlePath = await writeBundle(kind.kind, ctx.dir);
  const recordEffect: BenchActivities['recordEffect'] = async () => undefined;
  const activityWorker = await Worker.create({
    connection: ctx.connection,
    taskQueue,
    activities: { ...createActivities({ outbox: new FileOutbox(ctx.outboxDir) }), recordEffect },
  });
  const activitiesRunning = activityWorker.run();
  let worker: WorkerChild;
  try {
    worker = await WorkerChild.start({
      kind: kind.kind,
      bundlePath,
      address: ctx.address,
      taskQueue,
      maxCachedWorkflows: total + 10,
      // The worker as before the fix holds megabytes per case: a heap snapshot of that would take minutes.
      exactHeap: kind.kind !== 'case-unshared',
    });
  } catch (err) {
    activityWorker.shutdown();
    await activitiesRunning;
    throw err;
  }
  let opened = 0;
  let peakRssMb = 0;
  const result = (partial: Partial<KindResult>): KindResult => ({
    kind: kind.kind,
    cachedWorkflows: 0,
    opened,
    rssPerCaseKb: 0,
    workflowHeapPerCaseKb: null,
    cpuPerCaseMs: 0,
    updateResultBytes: 0,
    viewBytes: 0,
    rssBeforeMb: 0,
    rssAfterMb: 0,
    peakRssMb,
    openSeconds: 0,
    ...partial,
  });
  try {
    log(`  ${kind.kind}: warming up with ${options.warmup} cases`);
    const warmIds = Array.from({ length: options.warmup }, (_, i) => kind.workflowId(options.cases + i));
    await inParallel(options.warmup, options.concurrency, (i) => kind.start(ctx.client, taskQueue, options.cases + i));
    await waitUntilIdle(worker, activityWorker, ctx.client, warmIds, options.warmup, log);
    // No forced GC of the workflow thread here: a heap snapshot leaves native memory behind that
    // would count as the cases' RSS below. The warm-up heap is small, so its garbage is noise.
    await sleep(2_000);
    const before = await worker.sample(false);

    log(`  ${kind.kind}: opening ${options.cases} cases`);
    const started = Date.now();
    try {
      await inParallel(options.cases, options.concurrency, async (i) => {
        await kind.start(ctx.client, taskQueue, i);
        opened += 1;
      });
      log(`  ${kind.kind}: ${options.cases} started in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting until all are idle`);
      const ids = Array.from({ length: options.cases }, (_, i) => kind.workflowId(i));
      await Promise.race([
        waitUntilIdle(worker, activityWorker, ctx.client, ids, total, log),
        worker.exited.then((how) => Promise.reject(new Error(`the worker process ended (${how})`))),
      ]);
    } catch (err) {
      const status = await Promise.race([worker.status().catch(() => undefined), sleep(2_000).then(() => undefined)]);
      return result({ failure: (err as Error).message, cachedWorkflows: status?.numCachedWorkflows ?? 0 });
    }
    const openSeconds = (Date.now() - started) / 1000;
    const after = await worker.sample(true);
    peakRssMb = after.peakRss / MB;

    log(`  ${kind.kind}: ${options.updates} Updates`);
    const updateSizes: number[] = [];
    const viewSizes: number[] = [];
    for (let i = 0; i < options.updates; i += 1) {
      updateSizes.push(jsonBytes(await kind.update(ctx.client, i)));
      viewSizes.push(jsonBytes(await kind.view(ctx.client, i)));
    }
    const perCase = (a: number, b: number) => (b - a) / options.cases;
    return result({
      cachedWorkflows: after.numCachedWorkflows,
      rssPerCaseKb: perCase(before.rss, after.rss) / 1024,
      workflowHeapPerCaseKb:
        before.workflowHeapUsed === null || after.workflowHeapUsed === null
          ? null
          : perCase(before.workflowHeapUsed, after.workflowHeapUsed) / 1024,
      cpuPerCaseMs: perCase(before.cpuMs, after.cpuMs),
      updateResultBytes: median(updateSizes),
      viewBytes: median(viewSizes),
      rssBeforeMb: before.rss / MB,
      rssAfterMb: after.rss / MB,
      peakRssMb,
      openSeconds,
    });
  } finally {
    await worker.stop();
    activityWorker.shutdown();
    await activitiesRunning;
  }
}

const fmt = (value: number | null, digits = 0): string =>
  value === null ? 'n/a' : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function formatReport(result: BenchResult): string {
  const columns = result.results.map((r) => r.kind);
  const rows: [string, (r: KindResult) => string][] = [
    ['cases open and cached in the worker', (r) => (r.failure ? `died after ${fmt(r.opened)} opened` : fmt(r.cachedWorkflows))],
    ['RSS per case (KB)', (r) => fmt(r.rssPerCaseKb)],
    ['workflow-thread heap per case (KB)', (r) => fmt(r.workflowHeapPerCaseKb)],
    ['worker CPU per case opened (ms)', (r) => fmt(r.cpuPerCaseMs, 2)],
    ['Update result (bytes)', (r) => fmt(r.updateResultBytes)],
    ['view by Query (bytes)', (r) => fmt(r.viewBytes)],
    ['RSS before / after (MB)', (r) => `${fmt(r.rssBeforeMb)} / ${fmt(r.rssAfterMb)}`],
    ['peak RSS (MB)', (r) => fmt(r.peakRssMb)],
    ['time to open all (s)', (r) => fmt(r.openSeconds, 1)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const cell = (text: string) => text.padStart(Math.max(16, ...columns.map((c) => c.length)));
  const lines = [`${''.padEnd(width)}  ${columns.map(cell).join('  ')}`];
  for (const [label, value] of rows) lines.push(`${label.padEnd(width)}  ${result.results.map((r) => cell(value(r))).join('  ')}`);
  const { ratios } = result;
  lines.push('', 'case / hand-written:');
  lines.push(`  RSS per case ${fmt(ratios.rssPerCase, 2)}x, workflow heap per case ${fmt(ratios.workflowHeapPerCase, 2)}x`);
  lines.push(`  CPU per case ${fmt(ratios.cpuPerCase, 2)}x, Update result ${fmt(ratios.updateResultBytes, 2)}x`);
  for (const r of result.results) if (r.failure) lines.push(`${r.kind}: ${r.failure}`);
  return lines.join('\n');
}

export async function runBench(options: BenchOptions, log: (line: string) => void = console.log): Promise<BenchResult> {
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
  try {
    const ctx = { address: server.address, client, connection, outboxDir: join(dir, 'outbox'), dir };
    const kinds = [caseKind('case'), handWrittenKind, ...(options.withUnshared ? [caseKind('case-unshared')] : [])];
    const results: KindResult[] = [];
    for (const kind of kinds) results.push(await measureKind(kind, options, ctx, log));
    const [cases, hand] = [results[0]!, results[1]!];
    const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : a / b);
    const { json: _json, ...shown } = options;
    return {
      options: shown,
      results,
      ratios: {
        rssPerCase: ratio(cases.rssPerCaseKb, hand.rssPerCaseKb) ?? 0,
        workflowHeapPerCase: ratio(cases.workflowHeapPerCaseKb, hand.workflowHeapPerCaseKb),
        cpuPerCase: ratio(cases.cpuPerCaseMs, hand.cpuPerCaseMs) ?? 0,
        updateResultBytes: ratio(cases.updateResultBytes, hand.updateResultBytes) ?? 0,
      },
    };
  } finally {
    // Every step runs even if one before it fails, so no server or directory is left behind.
    for (const step of [() => clientConnection.close(), () => connection.close(), () => server.stop()]) {
      await step().catch((err: unknown) => console.error(err));
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(dbDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const options = parseBenchArgs(process.argv.slice(2));
  Runtime.install({ logger: new DefaultLogger('WARN') });
  console.log(`Cases in one worker: ${options.cases} cases of each kind (warm-up ${options.warmup}, ${options.updates} Updates)`);
  runBench(options)
    .then((result) => {
      console.log(`\n${formatReport(result)}`);
      if (options.json) writeFileSync(options.json, `${JSON.stringify(result, null, 2)}\n`);
      process.exit(result.results.some((r) => r.failure && r.kind !== 'case-unshared') ? 1 : 0);
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
