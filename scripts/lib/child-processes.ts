/**
 * Child processes that cannot be left behind: the Temporal dev server, the case worker, and
 * whatever a test starts. Each runs in a process group of its own (`detached`), so stopping it
 * reaches everything it started too, and behind exit-with-parent.sh, so it stops when the
 * process that started it dies without a chance to clean up (SIGKILL, a jest worker ended by
 * force). While alive it is registered twice: a process 'exit' hook kills what is left when the
 * starting process exits normally, and a cleanup list on the global object lets the jest test
 * environment (test/helpers/process-cleanup-environment.ts) stop what a test file left running,
 * after the file's own afterAll hooks, also when a test failed or timed out.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from './tools';

/** The wrapper that stops a command when its parent dies. */
export const EXIT_WITH_PARENT = resolve(PROJECT_ROOT, 'scripts', 'lib', 'exit-with-parent.sh');

/** How a child ended: its exit code, or the signal that ended it, or why it could not start. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/** Norwegian description of how a child ended, for logs and errors. */
export function describeExit(exit: ChildExit): string {
  if (exit.error) return `kunne ikke startes: ${exit.error.message}`;
  if (exit.signal) return `avsluttet av signalet ${exit.signal}`;
  return `avslutningskode ${exit.code ?? 'ukjent'}`;
}

export interface GroupChild {
  /** Name for messages, e.g. `Temporal-utviklingsserveren`. */
  readonly name: string;
  readonly process: ChildProcess;
  /** Pid of the command (exit-with-parent.sh execs it) and id of its process group. */
  readonly pid: number;
  /** Resolves once the command has exited. */
  readonly exited: Promise<ChildExit>;
  running(): boolean;
  /** Sends `signal` to the whole process group. */
  signal(signal: NodeJS.Signals): void;
  /**
   * Stops the group: `signal` (default SIGTERM) to the group, SIGKILL when it has not exited
   * within `graceMs` (default 15 s), then SIGKILL to whatever of the group is still there.
   */
  stop(options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<ChildExit>;
}

export interface GroupSpawnOptions extends Omit<SpawnOptions, 'detached'> {
  /** Name for messages. */
  name: string;
}

/** Sends `signal` to process group `pgid`; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Cleanups: what must be stopped when the starting process (or the test file) ends.

/** A cleanup: stops one thing a process started and has not stopped yet. */
export interface Cleanup {
  name: string;
  run: () => Promise<unknown>;
}

/**
 * Key of the cleanup list on the global object. A string on `globalThis`, not a module
 * variable, because jest loads this module once per test file inside the file's own global,
 * and the test environment reads that global after the file has finished.
 */
export const CLEANUPS_KEY = '__skolefravaerCleanups';

function cleanupList(global: object = globalThis): Set<Cleanup> {
  const holder = global as Record<string, unknown>;
  // Not `instanceof Set`: the set may come from the test file's realm, whose Set is another one.
  if (Object.prototype.toString.call(holder[CLEANUPS_KEY]) !== '[object Set]') holder[CLEANUPS_KEY] = new Set<Cleanup>();
  return holder[CLEANUPS_KEY] as Set<Cleanup>;
}

/** Registers a cleanup; returns the function that unregisters it (call it once stopped). */
export function registerCleanup(name: string, run: () => Promise<unknown>): () => void {
  const cleanup: Cleanup = { name, run };
  const list = cleanupList();
  list.add(cleanup);
  return () => {
    list.delete(cleanup);
  };
}

/**
 * Runs every cleanup still registered on `global` (each given `timeoutMs` at most) and returns
 * the names of what had to be stopped. Used by the jest environment after each test file.
 */
export async function runCleanups(global: object, timeoutMs = 30_000): Promise<string[]> {
  const list = cleanupList(global);
  const pending = [...list];
  list.clear();
  await Promise.all(
    pending.map(async (cleanup) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((done) => {
        timer = setTimeout(done, timeoutMs);
      });
      try {
        await Promise.race([cleanup.run().catch(() => undefined), timeout]);
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return pending.map((cleanup) => cleanup.name);
}

/** Groups still running, killed synchronously if this process exits before stopping them. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  });
}

// ---------------------------------------------------------------------------------------------

/**
 * Starts `command` in a process group of its own, behind exit-with-parent.sh. Throws when the
 * process could not be created at all.
 */
export function spawnGroup(command: string, args: readonly string[], options: GroupSpawnOptions): GroupChild {
  const { name, ...spawnOptions } = options;
  const child = spawn('bash', [EXIT_WITH_PARENT, command, ...args], { ...spawnOptions, detached: true });
  const exited = new Promise<ChildExit>((done) => {
    child.once('exit', (code, signal) => done({ code, signal }));
    child.once('error', (error) => done({ code: null, signal: null, error }));
  });
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`${name} kunne ikke startes: ${command} ${args.join(' ')}`);
  }

  let finished = false;
  liveGroups.add(pid);
  installExitHook();
  const unregister = registerCleanup(`${name} (pid ${pid})`, () => stop({ signal: 'SIGTERM', graceMs: 5_000 }));
  void exited.then(() => {
    finished = true;
    liveGroups.delete(pid);
    unregister();
    // What the command left in its group (the watcher) goes with it.
    signalGroup(pid, 'SIGKILL');
  });

  async function stop(stopOptions: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<ChildExit> {
    if (!finished) {
      signalGroup(pid!, stopOptions.signal ?? 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid!, 'SIGKILL'), stopOptions.graceMs ?? 15_000);
      try {
        await exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return exited;
  }

  return {
    name,
    process: child,
    pid,
    exited,
    running: () => !finished,
    signal: (signal) => {
      if (!finished) signalGroup(pid, signal);
    },
    stop,
  };
}
