/**
 * The real case worker as a child process for tests (scripts/lib/worker-process.ts), so they can
 * kill it the way an operating system would (SIGKILL) and start another. Without a DATABASE_URL
 * it gets a SQLite file of its own in a temporary folder (the worker opens the school's database
 * at start for the people directory), never the project's `data/`.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWorker } from '../../scripts/lib/worker-process';

export { workerCommand } from '../../scripts/lib/worker-process';

export interface WorkerProcess {
  process: ChildProcess;
  pid: number;
  output: () => string;
  /** Kills the worker (default SIGKILL) and waits until it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a worker and resolves once it polls its task queue. */
export async function startWorkerProcess(env: Record<string, string>, readyTimeoutMs = 60_000): Promise<WorkerProcess> {
  const ownDir = env.DATABASE_URL === undefined ? mkdtempSync(join(tmpdir(), 'worker-db-')) : undefined;
  let started;
  try {
    started = await startWorker(
      { ...(ownDir ? { DATABASE_URL: `sqlite:${join(ownDir, 'skolefravaer.sqlite')}` } : {}), ...env },
      { readyTimeoutMs },
    );
  } catch (err) {
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    throw err;
  }
  const { child } = started;
  return {
    process: child.process,
    pid: child.pid,
    output: started.output,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      await child.stop({ signal, graceMs: 30_000 });
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}
