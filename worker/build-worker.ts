/**
 * Builds the case worker: the workflow bundle plus the activities, on a given connection.
 * Shared by the worker process and the integration tests so both run exactly the same worker.
 */
import type { DataConverter } from '@temporalio/common';
import { type BundleOptions, type NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { WorkerActivities } from '../activities';
import { failureConverterPath } from '../app/temporal';

export interface BuildWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** The activities, built with their dependencies by activities/createWorkerActivities. */
  activities?: WorkerActivities;
  /** A stable identity helps tell several workers on one cluster apart in the Web UI. */
  identity?: string;
  /**
   * The workflows, already bundled (`bundleWorkflowCode` over `workflows/`): for callers that
   * create many workers in one process (the audit's conformance run), so the bundle is built once.
   */
  workflowBundle?: WorkflowBundle;
  /**
   * The payload codec the clients use (app/temporal.ts caseDataConverter): the worker process and
   * `npm start` always pass it; tests on their own servers may leave payloads plain.
   */
  dataConverter?: DataConverter;
  /** Open cases kept cached (worker/cache-size.ts from WORKER_MEMORY_MB); unset: the SDK sizes it from the heap. */
  maxCachedWorkflows?: number;
}

/**
 * How `workflows/` is bundled. The pure modules every case uses (machines, XState, zod) are
 * preloaded: evaluated once per worker and shared by all cached cases, instead of once per case
 * (see workflows/shared-modules.ts for why and what may be listed there).
 */
export const caseWorkflowBundleOptions = {
  workflowsPath: require.resolve('../workflows'),
  preloadModules: [require.resolve('../workflows/shared-modules')],
  // Error messages leave the sandbox as encoded attributes, so the codec seals them (app/failure-converter.ts).
  failureConverterPath,
} as const satisfies BundleOptions;

/** Creates (but does not run) a worker that hosts every workflow in `workflows/`. */
export async function buildWorker(options: BuildWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : {
          workflowsPath: caseWorkflowBundleOptions.workflowsPath,
          bundlerOptions: { preloadModules: [...caseWorkflowBundleOptions.preloadModules] },
        }),
    dataConverter: { ...options.dataConverter, failureConverterPath },
    ...(options.activities ? { activities: options.activities } : {}),
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
}
