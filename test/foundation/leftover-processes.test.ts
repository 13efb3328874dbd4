/**
 * The check scripts/test.sh runs after jest: it finds the processes carrying the run's marker
 * that are still running, names them, stops them and fails; processes without the marker (an
 * `npm start` beside the run) are neither counted nor touched, nor are the check itself and the
 * script it runs under.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { EXIT } from '../../app/exit-codes';
import { TEST_RUN_VARIABLE, findLeftovers } from '../../scripts/lib/leftover-processes';
import { PROJECT_ROOT } from '../../scripts/lib/tools';
import { isAlive } from '../helpers/process-alive';

const runId = `leftover-test-${randomUUID()}`;
const started: number[] = [];

/**
 * Starts an idle process, with or without the run marker, that is no child of this one: a
 * process left behind by a test run has lost the jest worker that started it, and the check
 * does not count its own children.
 */
function idle(marked: boolean): number {
  const env = { ...process.env };
  delete env[TEST_RUN_VARIABLE];
  if (marked) env[TEST_RUN_VARIABLE] = runId;
  const pid = Number(
    execFileSync('bash', ['-c', `"${process.execPath}" -e 'setInterval(() => {}, 1000)' </dev/null >/dev/null 2>&1 & echo $!`], {
      env,
      encoding: 'utf8',
    }).trim(),
  );
  started.push(pid);
  return pid;
}

const kill = (pid: number) => {
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
};

afterAll(() => started.forEach(kill));

/** Runs the check as scripts/test.sh does, marked with the run id, under `bash -c`. */
function check(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'bash',
      ['-c', 'node --import tsx scripts/lib/leftover-processes.ts --grace-ms 500'],
      { cwd: PROJECT_ROOT, env: { ...process.env, [TEST_RUN_VARIABLE]: runId } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test.each(['proc', 'ps'] as const)('processes carrying the run marker are found, others not (%s)', (source) => {
  const marked = idle(true);
  const unmarked = idle(false);
  try {
    const found = findLeftovers(runId, source);
    expect(found.map((p) => p.pid)).toEqual([marked]);
    expect(found[0]!.command).toMatch(/-e setInterval/);
    expect(found[0]!.ppid).toBeGreaterThan(0);
  } finally {
    kill(marked);
    kill(unmarked);
  }
});

test('the check names a leftover, stops it and fails; an unmarked process is left alone', async () => {
  const marked = idle(true);
  const unmarked = idle(false);
  try {
    const result = await check();
    expect(result.code).toBe(EXIT.checkFailed);
    expect(result.stderr).toMatch('Testkjøringen etterlot 1 prosess som fortsatt kjører (de stoppes nå):');
    expect(result.stderr).toMatch(new RegExp(`pid ${marked}: .*setInterval`));
    expect(result.stderr).not.toMatch(`pid ${unmarked}`);
    const deadline = Date.now() + 3_000;
    while (isAlive(marked) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(isAlive(marked)).toBe(false);
    expect(isAlive(unmarked)).toBe(true);
  } finally {
    kill(marked);
    kill(unmarked);
  }
});

test('with nothing left, the check passes: it does not count itself or the shell it runs under', async () => {
  const result = await check();
  expect(result.stderr).toBe('');
  expect(result.stdout).toMatch('Ingen prosesser fra testkjøringen kjører fortsatt.');
  expect(result.code).toBe(EXIT.ok);
});

test('the check refuses to run without a run marker', async () => {
  const env = { ...process.env };
  delete env[TEST_RUN_VARIABLE];
  const result = await new Promise<{ code: number; stderr: string }>((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', resolve(PROJECT_ROOT, 'scripts/lib/leftover-processes.ts')],
      { cwd: PROJECT_ROOT, env },
      (error, _stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    );
  });
  expect(result.code).toBe(EXIT.usage);
  expect(result.stderr).toMatch(`${TEST_RUN_VARIABLE} er ikke satt`);
});
