/**
 * Runs the real case worker (`worker/main.ts`) as a child process, so tests can kill it the
 * way an operating system would (SIGKILL) and start another. It runs as one Node process
 * (`node --import tsx`, not the tsx launcher, whose own child would survive a SIGKILL of the
 * launcher and keep polling), in a process group of its own that is stopped with it, and it
 * stops by itself if the test process dies (scripts/lib/child-processes.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnGroup } from '../../scripts/lib/child-processes';
import { PROJECT_ROOT } from '../../scripts/lib/tools';

export interface WorkerProcess {
  process: ChildProcess;
  pid: number;
  output: () => string;
  /** Kills the worker (default SIGKILL) and waits until it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The command that runs the worker as a single Node process. */
export const workerCommand = (): [string, string[]] => [process.execPath, ['--import', 'tsx', 'worker/main.ts']];

/**
 * Starts a worker and resolves once it polls its task queue. Without a DATABASE_URL it gets a
 * SQLite file of its own in a temporary folder (the worker opens the school's database at start
 * for the people directory), never the project's `data/`.
 */
export async function startWorkerProcess(env: Record<string, string>, readyTimeoutMs = 60_000): Promise<WorkerProcess> {
  const [command, args] = workerCommand();
  const ownDir = env.DATABASE_URL === undefined ? mkdtempSync(join(tmpdir(), 'worker-db-')) : undefined;
  const child = spawnGroup(command, args, {
    name: 'arbeideren (worker/main.ts)',
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...(ownDir ? { DATABASE_URL: `sqlite:${join(ownDir, 'skolefravaer.sqlite')}` } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`worker not ready after ${readyTimeoutMs} ms:\n${output}`)), readyTimeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Saksarbeideren lytter')) {
          clearTimeout(timer);
          ready();
        }
      };
      child.process.stdout?.on('data', onData);
      child.process.stderr?.on('data', onData);
      void child.exited.then((exit) => {
        clearTimeout(timer);
        fail(new Error(`worker exited (${exit.signal ?? `code ${exit.code}`}) before it was ready:\n${output}`));
      });
    });
  } catch (err) {
    // A worker that never became ready is not left polling behind the failed test.
    await child.stop({ signal: 'SIGKILL' });
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    throw err;
  }
  return {
    process: child.process,
    pid: child.pid,
    output: () => output,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      await child.stop({ signal, graceMs: 30_000 });
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}
