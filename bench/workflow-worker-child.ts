/**
 * The measured process of bench/cases-in-worker.ts: one Temporal worker that runs workflows only
 * (the bench process runs their activities), so its memory and CPU are the workflows' alone.
 * Started with fork(); takes its settings as JSON in argv[2]; answers `sample` messages with its
 * memory, CPU and worker status, `firstTasks` when a number of workflows have completed their
 * first workflow task, and stops on `stop`. It counts the SDK's warnings about slow workflow
 * tasks (core's `[TMPRL1104] … Workflow task duration exceeded N seconds`, N = 5 unless
 * TEMPORAL_WORKFLOW_TASK_DURATION_WARN_SECONDS says otherwise).
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import { DefaultLogger, type LogEntry, makeTelemetryFilterString, NativeConnection, Runtime, Worker } from '@temporalio/worker';

/** Which workflows the worker hosts. */
export type WorkerKind = 'case' | 'case-unshared' | 'hand-written';

export interface WorkerChildSettings {
  kind: WorkerKind;
  /** The workflow bundle, built by the parent (so the bundler's memory is not counted here). */
  bundlePath: string;
  address: string;
  taskQueue: string;
  maxCachedWorkflows: number;
  /** Force a full GC of the workflow thread before reading its heap (a discarded heap snapshot); too slow for gigabytes. */
  exactHeap: boolean;
}

export interface WorkerSample {
  /** Resident set of the whole process (main thread, workflow thread, native core). */
  rss: number;
  /** V8 heap used by the main thread (after a full GC). */
  mainHeapUsed: number;
  /** V8 heap used by the thread the workflows run in (after a full GC when `exactHeap`), or null if unreadable. */
  workflowHeapUsed: number | null;
  /** Highest RSS seen so far (sampled every 200 ms), not counting this sample's heap snapshot. */
  peakRss: number;
  /** CPU time of the process so far, user + system, ms. */
  cpuMs: number;
  numCachedWorkflows: number;
  numInFlightWorkflowActivations: number;
  /** Workflows whose first workflow task has completed (see observeFirstTasks). */
  firstTasks: number;
  /** Warnings about slow workflow tasks logged so far. */
  slowTaskWarnings: number;
}

/** The worker's progress, without a GC (polled while cases open). */
export interface WorkerStatus {
  numCachedWorkflows: number;
  numInFlightWorkflowActivations: number;
  firstTasks: number;
  slowTaskWarnings: number;
}

/** When `firstTasks` reached the target (epoch ms, this machine's clock), or null if it did not within the time asked. */
export interface FirstTasksReached {
  firstTasks: number;
  reachedAt: number | null;
  /** True when counted per run (observeFirstTasks); false when approximated from the worker's status. */
  exact: boolean;
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'sample'; sample: WorkerSample }
  | { type: 'status'; status: WorkerStatus }
  | { type: 'firstTasks'; reached: FirstTasksReached }
  | { type: 'failed'; message: string };
/**
 * `exactHeap`: force a full GC of the workflow thread before reading its heap (only where the settings allow it).
 * `firstTasks`: answer once `target` workflows have completed their first workflow task, or after `timeoutMs`.
 */
export type ParentMessage =
  | { type: 'sample'; exactHeap: boolean }
  | { type: 'status' }
  | { type: 'firstTasks'; target: number; timeoutMs: number }
  | { type: 'stop' };

/** Core's warning for a workflow task that took longer than its threshold (sdk-core managed_run.rs). */
export const SLOW_TASK_WARNING = /\[TMPRL1104\]|Workflow task duration exceeded/;

/**
 * The run id of an encoded (length-delimited) WorkflowActivationCompletion, and whether it
 * reports a failure, read from its first bytes: run_id is field 1 (tag 0x0a), then the oneof
 * status, `successful` field 2 (0x12) or `failed` field 3 (0x1a). protobufjs writes fields in
 * number order. Decoding the whole completion for every task would cost the worker CPU we measure.
 */
export function completionRunId(bytes: Uint8Array): { runId: string; failed: boolean } | undefined {
  const varint = (pos: number): [number, number] => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[pos];
      if (byte === undefined || shift > 28) return [-1, pos];
      value += (byte & 0x7f) * 2 ** shift;
      pos += 1;
      if ((byte & 0x80) === 0) return [value, pos];
      shift += 7;
    }
  };
  const [, messageStart] = varint(0);
  if (bytes[messageStart] !== 0x0a) return undefined;
  const [length, start] = varint(messageStart + 1);
  if (length < 0 || start + length > bytes.length) return undefined;
  const runId = Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('utf8');
  return { runId, failed: bytes[start + length] === 0x1a };
}

interface WorkerInternals {
  nativeWorker?: { completeWorkflowActivation?: (completion: Buffer) => Promise<void> };
  createWorkflow?: (activation: { runId: string }, ...rest: unknown[]) => Promise<unknown>;
}

/**
 * Counts the workflows whose first workflow task has completed, through two of the SDK's
 * internals (1.24; returns false when they are not there, and the caller approximates): the
 * worker calls `createWorkflow` exactly once per run it does not have cached, for the activation
 * of the run's first workflow task, and hands every activation's completion to
 * `nativeWorker.completeWorkflowActivation`, whose promise settles when core has reported the
 * task to the server (RespondWorkflowTaskCompleted). A run counts when the completion of that
 * first activation has settled successfully. Only runs still waiting are kept (a small set),
 * so the count costs neither memory per cached case nor a decode per task.
 */
function observeFirstTasks(worker: Worker, onFirstTask: () => void): boolean {
  const internals = worker as unknown as WorkerInternals;
  const native = internals.nativeWorker;
  const create = internals.createWorkflow;
  const complete = native?.completeWorkflowActivation;
  if (!native || typeof create !== 'function' || typeof complete !== 'function') return false;
  const waiting = new Set<string>();
  internals.createWorkflow = function (this: unknown, activation, ...rest) {
    waiting.add(activation.runId);
    return create.call(this, activation, ...rest);
  };
  native.completeWorkflowActivation = async (completion: Buffer) => {
    const run = waiting.size > 0 ? completionRunId(completion) : undefined;
    await complete(completion);
    // A failed first task is retried by the server: the run counts when a retry succeeds.
    if (run && !run.failed && waiting.delete(run.runId)) onFirstTask();
  };
  return true;
}

/**
 * The heap of the workflow thread, which process.memoryUsage() does not count: the SDK runs
 * workflows in a worker thread of its own. Read through the SDK's (internal) thread client. With
 * `exact`, a heap snapshot of the thread is taken first and thrown away: V8 runs a full GC before
 * a snapshot, and no GC can be forced in that thread otherwise, so the figure holds no garbage.
 */
async function workflowThreadHeapUsed(worker: Worker, exact: boolean): Promise<number | null> {
  const creator = (worker as unknown as { workflowCreator?: { workerThreadClients?: { workerThread?: ThreadWorker }[] } }).workflowCreator;
  const thread = creator?.workerThreadClients?.[0]?.workerThread;
  if (!thread?.getHeapStatistics) return null;
  if (exact) {
    const snapshot = await thread.getHeapSnapshot();
    const dir = process.env.BENCH_HEAP_SNAPSHOTS;
    if (dir) await pipeline(snapshot, createWriteStream(join(dir, `${worker.options.taskQueue}-${Date.now()}.heapsnapshot`)));
    else for await (const _chunk of snapshot) void _chunk;
  }
  return (await thread.getHeapStatistics()).used_heap_size;
}

async function run(settings: WorkerChildSettings): Promise<void> {
  const send = (message: ChildMessage) => process.send?.(message);
  let slowTaskWarnings = 0;
  const logger = new DefaultLogger('WARN', (entry: LogEntry) => {
    // This worker runs workflows only, on purpose (the bench process runs the activities).
    if (entry.message.startsWith('No activities registered')) return;
    if (SLOW_TASK_WARNING.test(entry.message)) {
      slowTaskWarnings += 1;
      // The first few are shown; a worker that is too slow would otherwise flood the bench's output.
      if (slowTaskWarnings > 3) return;
    }
    console.warn(`[worker ${settings.kind}] ${entry.level} ${entry.message}`);
  });
  // Core's own logs (the slow-task warning among them) go to the console unless forwarded to the
  // logger, where they can be counted.
  Runtime.install({
    logger,
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }) } },
  });
  const connection = await NativeConnection.connect({ address: settings.address });
  const worker = await Worker.create({
    connection,
    taskQueue: settings.taskQueue,
    workflowBundle: { codePath: settings.bundlePath },
    maxCachedWorkflows: settings.maxCachedWorkflows,
    // More pollers on the normal queue than the default (2 of 10) so thousands of first tasks arrive faster.
    workflowTaskPollerBehavior: { type: 'simple-maximum', maximum: 20 },
    nonStickyToStickyPollRatio: 1,
  });
  let firstTasks = 0;
  const firstTaskWaiters = new Set<{ target: number; answer: (reachedAt: number | null) => void }>();
  const exactFirstTasks = observeFirstTasks(worker, () => {
    firstTasks += 1;
    for (const waiter of firstTaskWaiters) if (firstTasks >= waiter.target) waiter.answer(Date.now());
  });
  // Without the internals: a run enters the cache with its first activation, so with nothing in
  // flight every cached run has completed at least its first task (late by the later tasks in flight).
  const approximate = exactFirstTasks
    ? undefined
    : setInterval(() => {
        const status = worker.getStatus();
        if (status.numInFlightWorkflowActivations === 0) firstTasks = Math.max(firstTasks, status.numCachedWorkflows);
        for (const waiter of firstTaskWaiters) if (firstTasks >= waiter.target) waiter.answer(Date.now());
      }, 20);
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 200);
  const gc = (globalThis as { gc?: () => void }).gc;

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') {
      clearInterval(sampler);
      clearInterval(approximate);
      worker.shutdown();
      return;
    }
    // Forwarded core logs wait in a buffer for ~100 ms: a sample counts every warning logged before it.
    if (message.type === 'sample') Runtime.instance().flushLogs();
    const status = worker.getStatus();
    const progress: WorkerStatus = {
      numCachedWorkflows: status.numCachedWorkflows,
      numInFlightWorkflowActivations: status.numInFlightWorkflowActivations,
      firstTasks,
      slowTaskWarnings,
    };
    if (message.type === 'status') {
      send({ type: 'status', status: progress });
      return;
    }
    if (message.type === 'firstTasks') {
      const waiter = {
        target: message.target,
        answer: (reachedAt: number | null) => {
          clearTimeout(timer);
          firstTaskWaiters.delete(waiter);
          send({ type: 'firstTasks', reached: { firstTasks, reachedAt, exact: exactFirstTasks } });
        },
      };
      const timer = setTimeout(() => waiter.answer(null), message.timeoutMs);
      firstTaskWaiters.add(waiter);
      if (firstTasks >= message.target) waiter.answer(Date.now());
      return;
    }
    void (async () => {
      // CPU first, so the forced GCs below are not counted as the workflows' work.
      const cpu = process.cpuUsage();
      gc?.();
      gc?.();
      const memory = process.memoryUsage();
      peakRss = Math.max(peakRss, memory.rss);
      // Taken before the heap snapshot below: the snapshot's memory is the bench's, not the cases'.
      const peakBeforeSnapshot = peakRss;
      send({
        type: 'sample',
        sample: {
          rss: memory.rss,
          mainHeapUsed: memory.heapUsed,
          workflowHeapUsed: await workflowThreadHeapUsed(worker, settings.exactHeap && message.exactHeap),
          peakRss: peakBeforeSnapshot,
          cpuMs: (cpu.user + cpu.system) / 1000,
          ...progress,
        },
      });
    })();
  });

  // Never outlive the bench: if it dies, its IPC channel closes.
  process.on('disconnect', () => process.exit(1));
  const running = worker.run();
  send({ type: 'ready' });
  try {
    await running;
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerChildSettings;
  run(settings)
    .then(() => process.disconnect?.())
    .catch((err: unknown) => {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.send?.({ type: 'failed', message } satisfies ChildMessage);
      console.error(message);
      process.exit(1);
    });
}
