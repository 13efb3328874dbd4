/**
 * The supervisor `npm start` runs the case worker under: a crashed child is started again after
 * 1 s, 2 s, 4 s … at most 60 s, the pause starts over after a stable run, every restart is
 * logged in Norwegian with the exit code or signal, and stopping ends the restarts. First with
 * a fake child and a fake clock, then with a real process that exits.
 */
import { type ChildExit, spawnGroup } from '../../scripts/lib/child-processes';
import { DEFAULT_BACKOFF, type SupervisedChild, Supervisor, type SupervisorClock, restartDelayMs } from '../../scripts/lib/supervisor';

class FakeClock implements SupervisorClock {
  time = 0;
  private nextId = 1;
  private timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  pending(): number {
    return this.timers.size;
  }

  /** Moves the clock on, firing timers that fall due on the way, in order. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = until;
  }
}

class FakeChild implements SupervisedChild {
  readonly exited: Promise<ChildExit>;
  stopCalls = 0;
  private finish!: (exit: ChildExit) => void;

  constructor(readonly pid: number) {
    this.exited = new Promise((done) => {
      this.finish = done;
    });
  }

  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.finish({ code, signal });
  }

  async stop(): Promise<ChildExit> {
    this.stopCalls += 1;
    this.finish({ code: null, signal: 'SIGINT' });
    return this.exited;
  }
}

/** Lets the supervisor's exit handlers (promise callbacks) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function harness(options: { failSpawns?: number } = {}) {
  const clock = new FakeClock();
  const children: FakeChild[] = [];
  const log: string[] = [];
  let failures = options.failSpawns ?? 0;
  const supervisor = new Supervisor({
    label: 'Arbeideren',
    clock,
    log: (line) => log.push(line),
    spawn: () => {
      if (failures > 0) {
        failures -= 1;
        throw new Error('spawn bash ENOENT');
      }
      const child = new FakeChild(100 + children.length);
      children.push(child);
      return child;
    },
  });
  return { clock, children, log, supervisor };
}

test('the pause before a restart doubles from 1 s and stops growing at 60 s', () => {
  expect([1, 2, 3, 4, 5, 6, 7, 8, 20, 100].map((n) => restartDelayMs(DEFAULT_BACKOFF, n))).toEqual([
    1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000, 60_000,
  ]);
});

test('a child that keeps crashing is restarted after 1, 2, 4 … 60 s, never sooner, and each restart is logged with its exit code', async () => {
  const { clock, children, log, supervisor } = harness();
  supervisor.start();
  expect(children).toHaveLength(1);
  expect(log).toEqual(['Arbeideren startet (pid 100).']);

  const expectedPauses: [number, string][] = [
    [1_000, '1 s'],
    [2_000, '2 s'],
    [4_000, '4 s'],
    [8_000, '8 s'],
    [16_000, '16 s'],
    [32_000, '32 s'],
    [60_000, '1 min'],
    [60_000, '1 min'],
  ];
  for (const [i, [pause, said]] of expectedPauses.entries()) {
    children.at(-1)!.exit(3);
    await settle();
    expect(log.at(-1)).toBe(`Arbeideren stoppet uventet (avslutningskode 3) etter 0 ms; starter den på nytt om ${said}.`);
    clock.advance(pause - 1);
    expect(children).toHaveLength(i + 1); // not a millisecond early
    clock.advance(1);
    expect(children).toHaveLength(i + 2);
    expect(log.at(-1)).toBe(`Arbeideren startet på nytt (pid ${100 + i + 1}, omstart nr. ${i + 1}).`);
  }
  expect(supervisor.restarts).toBe(expectedPauses.length);
  await supervisor.stop();
});

test('after a stable run the pause starts over at 1 s, and a signal is named in the log', async () => {
  const { clock, children, log, supervisor } = harness();
  supervisor.start();
  for (const pause of [1_000, 2_000, 4_000]) {
    children.at(-1)!.exit(1);
    await settle();
    clock.advance(pause);
  }
  expect(children).toHaveLength(4);

  // Ran for a minute: stable, so the next crash waits 1 s again, not 8 s.
  clock.advance(DEFAULT_BACKOFF.stableAfterMs);
  children.at(-1)!.exit(null, 'SIGKILL');
  await settle();
  expect(log.at(-1)).toBe('Arbeideren stoppet uventet (avsluttet av signalet SIGKILL) etter 1 min; starter den på nytt om 1 s.');
  clock.advance(1_000);
  expect(children).toHaveLength(5);

  // A run just short of stable does not reset it.
  clock.advance(DEFAULT_BACKOFF.stableAfterMs - 1);
  children.at(-1)!.exit(1);
  await settle();
  expect(log.at(-1)).toMatch(/starter den på nytt om 2 s\.$/);
  await supervisor.stop();
});

test('a child that cannot be started counts as a crash and is tried again', async () => {
  const { clock, children, log, supervisor } = harness({ failSpawns: 2 });
  supervisor.start();
  expect(children).toHaveLength(0);
  expect(log).toEqual(['Arbeideren kunne ikke startes: spawn bash ENOENT; starter den på nytt om 1 s.']);
  clock.advance(1_000);
  expect(log.at(-1)).toBe('Arbeideren kunne ikke startes: spawn bash ENOENT; starter den på nytt om 2 s.');
  clock.advance(2_000);
  expect(children).toHaveLength(1);
  expect(log.at(-1)).toBe('Arbeideren startet på nytt (pid 100, omstart nr. 2).');
  await supervisor.stop();
});

test('stop() stops the running child without restarting it, and cancels a restart that is waiting', async () => {
  const running = harness();
  running.supervisor.start();
  await running.supervisor.stop();
  await settle();
  expect(running.children[0]!.stopCalls).toBe(1);
  running.clock.advance(120_000);
  expect(running.children).toHaveLength(1);
  expect(running.log).toEqual(['Arbeideren startet (pid 100).']);

  const waiting = harness();
  waiting.supervisor.start();
  waiting.children[0]!.exit(1);
  await settle();
  expect(waiting.clock.pending()).toBe(1);
  await waiting.supervisor.stop();
  expect(waiting.clock.pending()).toBe(0);
  waiting.clock.advance(120_000);
  expect(waiting.children).toHaveLength(1);
});

test('a real child process that exits is started again, and nothing is left once the supervisor stops', async () => {
  const log: string[] = [];
  const pids: number[] = [];
  const supervisor = new Supervisor({
    label: 'Testbarnet',
    log: (line) => log.push(line),
    backoff: { initialDelayMs: 50, maxDelayMs: 200, stableAfterMs: 10_000 },
    spawn: () => {
      const child = spawnGroup(process.execPath, ['-e', 'setTimeout(() => process.exit(3), 100)'], { name: 'testbarnet', stdio: 'ignore' });
      pids.push(child.pid);
      return { pid: child.pid, exited: child.exited, stop: () => child.stop() };
    },
  });
  supervisor.start();
  const deadline = Date.now() + 30_000;
  while (supervisor.restarts < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await supervisor.stop();

  expect(supervisor.restarts).toBeGreaterThanOrEqual(3);
  expect(new Set(pids).size).toBe(pids.length);
  expect(log).toContain(`Testbarnet startet på nytt (pid ${pids[1]}, omstart nr. 1).`);
  expect(log.filter((line) => line.includes('stoppet uventet (avslutningskode 3)')).length).toBeGreaterThanOrEqual(3);
  expect(log.find((line) => line.includes('stoppet uventet'))).toMatch(/starter den på nytt om 50 ms\.$/);

  const started = pids.length;
  await new Promise((r) => setTimeout(r, 500));
  expect(pids).toHaveLength(started); // no restart after stop()
  for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
});
