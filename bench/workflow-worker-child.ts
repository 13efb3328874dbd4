/**
 * The measured process of bench/cases-in-worker.ts: one Temporal worker that runs workflows only
 * (the bench process runs their activities), so its memory and CPU are the workflows' alone.
 * Started with fork(); takes its settings as JSON in argv[2]; answers `sample` messages with its
 * memory, CPU and worker status, and stops on `stop`.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

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
  /** Highest RSS seen so far (sampled every 200 ms). */
  peakRss: number;
  /** CPU time of the process so far, user + system, ms. */
  cpuMs: number;
  numCachedWorkflows: number;
  numInFlightWorkflowActivations: number;
}

/** The worker's progress, without a GC (polled while cases open). */
export interface WorkerStatus {
  numCachedWorkflows: number;
  numInFlightWorkflowActivations: number;
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'sample'; sample: WorkerSample }
  | { type: 'status'; status: WorkerStatus }
  | { type: 'failed'; message: string };
/** `exactHeap`: force a full GC of the workflow thread before reading its heap (only where the settings allow it). */
export type ParentMessage = { type: 'sample'; exactHeap: boolean } | { type: 'status' } | { type: 'stop' };

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
  Runtime.install({ logger: new DefaultLogger('WARN') });
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
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 200);
  const gc = (globalThis as { gc?: () => void }).gc;

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') {
      clearInterval(sampler);
      worker.shutdown();
      return;
    }
    const status = worker.getStatus();
    if (message.type === 'status') {
      send({
        type: 'status',
        status: { numCachedWorkflows: status.numCachedWorkflows, numInFlightWorkflowActivations: status.numInFlightWorkflowActivations },
      });
      return;
    }
    void (async () => {
      // CPU first, so the forced GCs below are not counted as the workflows' work.
      const cpu = process.cpuUsage();
      gc?.();
      gc?.();
      const memory = process.memoryUsage();
      peakRss = Math.max(peakRss, memory.rss);
      send({
        type: 'sample',
        sample: {
          rss: memory.rss,
          mainHeapUsed: memory.heapUsed,
          workflowHeapUsed: await workflowThreadHeapUsed(worker, settings.exactHeap && message.exactHeap),
          peakRss,
          cpuMs: (cpu.user + cpu.system) / 1000,
          numCachedWorkflows: status.numCachedWorkflows,
          numInFlightWorkflowActivations: status.numInFlightWorkflowActivations,
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
