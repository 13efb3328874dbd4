/**
 * Processes started the project's way (scripts/lib/child-processes.ts) cannot be left behind:
 * stopping one stops what it started too, and one whose parent dies (killed with SIGKILL, or
 * exiting without stopping it) goes with the parent, a real Temporal dev server included.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type GroupChild, spawnGroup } from '../../scripts/lib/child-processes';
import { PROJECT_ROOT } from '../../scripts/lib/tools';

const FIXTURE = resolve(__dirname, 'fixtures', 'start-child.ts');

/** Whether `pid` is a live process (a zombie waiting to be reaped counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: kill(0) is all there is
  }
}

async function goneWithin(pid: number, ms: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (!alive(pid)) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/** Reads `<word> <number>` from a child's output. */
function waitForPid(child: GroupChild, word: string, timeoutMs = 60_000): Promise<number> {
  return new Promise((found, fail) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`no "${word} <pid>" within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = new RegExp(`${word} (\\d+)`).exec(output);
      if (match) {
        clearTimeout(timer);
        found(Number(match[1]));
      }
    };
    child.process.stdout?.on('data', onData);
    child.process.stderr?.on('data', onData);
    void child.exited.then((exit) => {
      if (new RegExp(`${word} (\\d+)`).test(output)) return;
      clearTimeout(timer);
      fail(new Error(`exited (${exit.signal ?? exit.code}) before printing "${word} <pid>":\n${output}`));
    });
  });
}

function startFixture(mode: string): GroupChild {
  return spawnGroup(process.execPath, ['--import', 'tsx', FIXTURE, mode], {
    name: 'forelderen',
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const leftovers: number[] = [];
afterAll(() => {
  for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

test('stopping a child stops what the child started too', async () => {
  const child = spawnGroup('bash', ['-c', 'sleep 300 & echo "grandchild $!"; wait'], { name: 'bash', stdio: ['ignore', 'pipe', 'pipe'] });
  const grandchild = await waitForPid(child, 'grandchild');
  leftovers.push(grandchild);
  await child.stop();
  expect(await goneWithin(grandchild, 2_000)).toBeDefined();
});

test('a child whose parent is killed with SIGKILL is stopped, even one that ignores SIGTERM', async () => {
  const parent = startFixture('hang');
  const child = await waitForPid(parent, 'child');
  leftovers.push(child);
  parent.signal('SIGKILL');
  await parent.exited;
  // The watcher notices within a second, asks with SIGTERM, and forces it after 5 s; the wait
  // is generous because on a loaded 2-core machine (the whole suite beside other work) each of
  // the watcher's one-second polls can take several.
  expect(await goneWithin(child, 40_000)).toBeDefined();
});

test('a parent that exits without stopping its child takes it along at once', async () => {
  const parent = startFixture('exit');
  const child = await waitForPid(parent, 'child');
  leftovers.push(child);
  await parent.exited;
  // At once: the exit hook kills it; the watcher alone would need over 5 s for this child.
  const after = await goneWithin(child, 15_000);
  expect(after).toBeDefined();
  expect(after!).toBeLessThan(2_000);
});

test('a Temporal dev server whose parent is killed with SIGKILL stops too', async () => {
  const parent = startFixture('dev-server');
  const server = await waitForPid(parent, 'child');
  leftovers.push(server);
  parent.signal('SIGKILL');
  await parent.exited;
  expect(await goneWithin(server, 15_000)).toBeDefined();
});
