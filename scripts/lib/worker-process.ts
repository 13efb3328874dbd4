/**
 * The real case worker (`worker/main.ts`) as a process of its own, ready once it says it polls its
 * task queue: for the tests that kill it as an operating system would (SIGKILL) and start
 * another, and for the benchmark's cluster phase. It runs as one Node process (`node --import
 * tsx`, not the tsx launcher, whose own child would survive a SIGKILL of the launcher and keep
 * polling), in a process group of its own, and stops by itself if its starter dies
 * (child-processes.ts).
 */
import { type GroupChild, spawnGroup } from './child-processes';
import { PROJECT_ROOT } from './tools';

/** What the worker prints once it polls its task queue (worker/main.ts). */
const READY_LINE = 'Saksarbeideren lytter';
/** The worker's output kept for an error message: the tail only, so a long run holds no more. */
const OUTPUT_KEPT = 20_000;

export interface StartedWorker {
  child: GroupChild;
  /** The tail of what it wrote to stdout and stderr. */
  output(): string;
}

/** The command that runs the worker as a single Node process. */
export const workerCommand = (): [string, string[]] => [process.execPath, ['--import', 'tsx', 'worker/main.ts']];

/** Starts a worker with this process's environment and `env` over it; resolves once it polls. */
export async function startWorker(
  env: Record<string, string>,
  options: { name?: string; readyTimeoutMs?: number } = {},
): Promise<StartedWorker> {
  const name = options.name ?? 'arbeideren (worker/main.ts)';
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const [command, args] = workerCommand();
  const child = spawnGroup(command, args, { name, cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // The listeners stay: they drain the pipes (a full pipe would stop the worker) and keep the tail.
  const onData = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
  };
  child.process.stdout?.on('data', onData);
  child.process.stderr?.on('data', onData);
  try {
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`${name} not ready after ${readyTimeoutMs} ms:\n${output}`)), readyTimeoutMs);
      const check = () => {
        if (!output.includes(READY_LINE)) return;
        clearTimeout(timer);
        ready();
      };
      child.process.stdout?.on('data', check);
      child.process.stderr?.on('data', check);
      void child.exited.then((exit) => {
        clearTimeout(timer);
        fail(new Error(`${name} exited (${exit.signal ?? `code ${exit.code}`}) before it was ready:\n${output}`));
      });
    });
  } catch (err) {
    // A worker that never became ready is not left polling.
    await child.stop({ signal: 'SIGKILL' });
    throw err;
  }
  return { child, output: () => output };
}
