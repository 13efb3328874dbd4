/**
 * Waits for a server a script or a test started (the Temporal dev server, a PostgreSQL test
 * server) to answer: tries `probe` until it succeeds, stops at once when the process exits first,
 * and gives up after `timeoutMs`. The messages are the caller's, in Norwegian.
 */
import type { ChildExit } from './child-processes';

export interface ReadinessWait {
  /** Resolves when the server answers; throws while it does not yet. */
  probe: () => Promise<void>;
  /** Resolves when the server process has exited. */
  exited: Promise<ChildExit>;
  timeoutMs: number;
  /** Pause between attempts. */
  intervalMs: number;
  /** The error when the process exited before it answered. */
  exitedEarly: (exit: ChildExit) => Error;
  /** The error when it did not answer in time, with the last probe's failure. */
  timedOut: (lastError: unknown) => Error;
}

export async function waitUntilReady(wait: ReadinessWait): Promise<void> {
  let exit: ChildExit | undefined;
  void wait.exited.then((result) => {
    exit = result;
  });
  const deadline = Date.now() + wait.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exit !== undefined) throw wait.exitedEarly(exit);
    try {
      await wait.probe();
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, wait.intervalMs));
    }
  }
  throw wait.timedOut(lastError);
}
