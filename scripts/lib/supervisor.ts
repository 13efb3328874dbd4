/**
 * Keeps one child process running: when it exits without being asked to, it is started again
 * after a pause that doubles with each crash in a row (1 s, 2 s, 4 s … at most 60 s) and starts
 * over once the child has run stably for a while. `npm start` runs the case worker under it, so
 * a crashed worker comes back while the dev server (and the cases on it) keeps running. Every
 * restart is logged in Norwegian with how the child ended. Spawning and the clock are injected,
 * so the policy is tested without real processes or real waiting.
 */
import { type ChildExit, describeExit } from './child-processes';

/** What the supervisor needs of a child: when it ends, and how to stop it. */
export interface SupervisedChild {
  readonly pid: number | undefined;
  readonly exited: Promise<ChildExit>;
  stop(): Promise<unknown>;
}

export interface SupervisorClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: SupervisorClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface BackoffPolicy {
  /** Pause before the first restart after a stable run. */
  initialDelayMs: number;
  /** Longest pause between restarts. */
  maxDelayMs: number;
  /** A child that ran at least this long before it ended counts as stable: the pause starts over. */
  stableAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialDelayMs: 1_000, maxDelayMs: 60_000, stableAfterMs: 60_000 };

/** The pause before restart number `crashesInARow` (1 for the first crash after a stable run). */
export function restartDelayMs(policy: BackoffPolicy, crashesInARow: number): number {
  const doublings = Math.max(0, crashesInARow - 1);
  // Capped before exponentiation grows past what a timer can take.
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(doublings, 30));
}

/** A duration as a person reads it: `850 ms`, `4 s`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const rest = seconds % 60;
  return rest === 0 ? `${Math.floor(seconds / 60)} min` : `${Math.floor(seconds / 60)} min ${rest} s`;
}

export interface SupervisorOptions {
  /** The child as named at the start of a sentence, e.g. `Arbeideren (worker/main.ts)`. */
  label: string;
  /** Starts one child; may throw, which counts as a crash. */
  spawn: () => SupervisedChild;
  /** Where restart messages go. */
  log: (line: string) => void;
  clock?: SupervisorClock;
  backoff?: Partial<BackoffPolicy>;
}

export class Supervisor {
  private readonly policy: BackoffPolicy;
  private readonly clock: SupervisorClock;
  private child: SupervisedChild | undefined;
  private startedAt = 0;
  private crashesInARow = 0;
  private restartCount = 0;
  private pendingRestart: unknown;
  private started = false;
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {
    this.policy = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.clock = options.clock ?? systemClock;
  }

  /** How many times the child has been started again after it ended. */
  get restarts(): number {
    return this.restartCount;
  }

  /** The running child, if one is running. */
  get current(): SupervisedChild | undefined {
    return this.child;
  }

  /** Starts the first child. */
  start(): void {
    if (this.started) throw new Error(`${this.options.label} er allerede startet under oppsyn`);
    this.started = true;
    this.launch();
  }

  /** Stops supervising: no more restarts; the running child is stopped and awaited. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.pendingRestart !== undefined) {
      this.clock.clearTimeout(this.pendingRestart);
      this.pendingRestart = undefined;
    }
    const child = this.child;
    this.child = undefined;
    if (child) await child.stop();
  }

  private launch(): void {
    this.pendingRestart = undefined;
    if (this.stopping) return;
    const again = this.restartCount > 0;
    let child: SupervisedChild;
    try {
      child = this.options.spawn();
    } catch (err) {
      this.startedAt = this.clock.now();
      this.scheduleRestart(`kunne ikke startes: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.child = child;
    this.startedAt = this.clock.now();
    this.options.log(
      again
        ? `${this.options.label} startet på nytt (pid ${child.pid ?? 'ukjent'}, omstart nr. ${this.restartCount}).`
        : `${this.options.label} startet (pid ${child.pid ?? 'ukjent'}).`,
    );
    void child.exited.then((exit) => {
      if (this.child !== child) return; // stopped on purpose
      this.child = undefined;
      if (this.stopping) return;
      this.scheduleRestart(`stoppet uventet (${describeExit(exit)}) etter ${formatDuration(this.clock.now() - this.startedAt)}`);
    });
  }

  private scheduleRestart(what: string): void {
    const ranFor = this.clock.now() - this.startedAt;
    if (ranFor >= this.policy.stableAfterMs) this.crashesInARow = 0;
    this.crashesInARow += 1;
    const delay = restartDelayMs(this.policy, this.crashesInARow);
    this.restartCount += 1;
    this.options.log(`${this.options.label} ${what}; starter den på nytt om ${formatDuration(delay)}.`);
    this.pendingRestart = this.clock.setTimeout(() => this.launch(), delay);
  }
}
