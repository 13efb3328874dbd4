/**
 * Finds the processes a test run left behind. scripts/test.sh gives its run a marker in the
 * environment (`SKOLEFRAVAER_TEST_RUN=<id>`) that every process it starts inherits: jest, its
 * workers, dev servers, case workers, time-skipping test servers. After jest has ended, any
 * process still carrying the marker (other than this check and the processes it runs under)
 * was left behind. The marker, not the command line, decides, so an `npm start` the developer
 * runs at the same time from the same checkout is never counted, nor stopped.
 *
 * As a command (`node --import tsx scripts/lib/leftover-processes.ts [--grace-ms N]`, run by
 * scripts/test.sh): waits up to N ms (default 15 000) for processes that are still stopping,
 * then lists what is left with pid and command line, stops it, and exits with
 * EXIT.checkFailed; exits 0 when nothing is left.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { EXIT } from '../../app/exit-codes';

/** The environment variable that marks every process of one test run. */
export const TEST_RUN_VARIABLE = 'SKOLEFRAVAER_TEST_RUN';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  command: string;
}

/** Where process environments are read: Linux's /proc, or `ps eww` elsewhere (macOS). */
export type ProcessSource = 'proc' | 'ps';

export const defaultSource = (): ProcessSource => (existsSync('/proc/self/environ') ? 'proc' : 'ps');

function readProc(pid: number): { ppid: number; command: string; environ: string[] } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may itself contain spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return { ppid, command, environ };
  } catch {
    return undefined; // gone meanwhile, or another user's process
  }
}

function marked(source: ProcessSource, runId: string): ProcessInfo[] {
  const entry = `${TEST_RUN_VARIABLE}=${runId}`;
  if (source === 'proc') {
    const found: ProcessInfo[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const info = readProc(Number(name));
      if (info?.environ.includes(entry)) found.push({ pid: Number(name), ppid: info.ppid, command: info.command });
    }
    return found;
  }
  // `ps eww` prints each process's environment after its command line. ps itself is run
  // without the marker, so it does not find itself.
  const env = { ...process.env };
  delete env[TEST_RUN_VARIABLE];
  const out = execFileSync('ps', ['axeww', '-o', 'pid=,ppid=,command='], { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const found: ProcessInfo[] = [];
  for (const line of out.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const text = match[3]!;
    const at = text.indexOf(` ${entry}`);
    if (at === -1 || !/^(\s|$)/.test(text.slice(at + 1 + entry.length))) continue;
    // The command line is what comes before the environment, as far as it can be told apart.
    const firstVariable = /\s[A-Za-z_][A-Za-z0-9_]*=/.exec(text);
    found.push({
      pid: Number(match[1]),
      ppid: Number(match[2]),
      command: (firstVariable ? text.slice(0, firstVariable.index) : text).trim(),
    });
  }
  return found;
}

/**
 * This process, the processes it runs under (the test script, npm) and the ones it started (tsx's
 * esbuild service): they carry the marker too, and are the check, not what it looks for.
 */
function theCheckItself(all: ProcessInfo[], source: ProcessSource): Set<number> {
  const ppidOf = new Map(all.map((p) => [p.pid, p.ppid]));
  const result = new Set<number>();
  let pid: number | undefined = process.pid;
  while (pid !== undefined && pid > 1 && !result.has(pid)) {
    result.add(pid);
    pid = ppidOf.get(pid) ?? (source === 'proc' ? readProc(pid)?.ppid : undefined);
  }
  const below = [process.pid];
  for (let i = 0; i < below.length; i += 1) {
    for (const p of all) {
      if (p.ppid === below[i] && !result.has(p.pid)) {
        result.add(p.pid);
        below.push(p.pid);
      }
    }
  }
  return result;
}

/** Processes carrying run `runId`'s marker, except the check itself (see theCheckItself). */
export function findLeftovers(runId: string, source: ProcessSource = defaultSource()): ProcessInfo[] {
  const all = marked(source, runId);
  const mine = theCheckItself(all, source);
  return all.filter((p) => !mine.has(p.pid));
}

/** Polls until no process of the run is left or `graceMs` has passed; returns what is left. */
export async function waitForLeftovers(runId: string, graceMs: number, source: ProcessSource = defaultSource()): Promise<ProcessInfo[]> {
  const deadline = Date.now() + graceMs;
  let left = findLeftovers(runId, source);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = findLeftovers(runId, source);
  }
  return left;
}

/** The report for people: one line per process. */
export function describeLeftovers(left: ProcessInfo[]): string {
  return [
    `Testkjøringen etterlot ${left.length} ${left.length === 1 ? 'prosess' : 'prosesser'} som fortsatt kjører (de stoppes nå):`,
    ...left.map((p) => `  pid ${p.pid}: ${p.command.length > 300 ? `${p.command.slice(0, 300)} …` : p.command}`),
  ].join('\n');
}

/** Kills the leftovers; a process that is already gone is not an error. */
export function killLeftovers(left: ProcessInfo[]): void {
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function main(argv: string[]): Promise<number> {
  let graceMs = 15_000;
  if (argv.length > 0) {
    const value = Number(argv[1]);
    if (argv[0] !== '--grace-ms' || argv.length !== 2 || !Number.isInteger(value) || value < 0) {
      console.error(`bruk: leftover-processes.ts [--grace-ms <millisekunder, heltall ≥ 0>] (fikk «${argv.join(' ')}»)`);
      return EXIT.usage;
    }
    graceMs = value;
  }
  const runId = process.env[TEST_RUN_VARIABLE];
  if (!runId) {
    console.error(`${TEST_RUN_VARIABLE} er ikke satt (fikk «${runId ?? ''}»): sjekken vet ikke hvilken testkjøring den skal se etter.`);
    return EXIT.usage;
  }
  // Children stopped at the very end (a watcher notices its parent is gone within a second)
  // get a moment before they count as left behind.
  const left = await waitForLeftovers(runId, graceMs);
  if (left.length === 0) {
    console.log('Ingen prosesser fra testkjøringen kjører fortsatt.');
    return EXIT.ok;
  }
  console.error(describeLeftovers(left));
  killLeftovers(left);
  return EXIT.checkFailed;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`Sjekken av etterlatte prosesser feilet: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(EXIT.internalError);
    },
  );
}
