/**
 * The check scripts/test.sh runs last: a tree that was clean before the run must be clean after
 * it (every file git reports is named), a tree with work in progress is judged only on what the
 * run changed, and histories re-recorded on purpose are expected. On a scratch git repository.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXIT } from '../../app/exit-codes';
import { PROJECT_ROOT } from '../../scripts/lib/tools';
import { judgeWorktree, statusPath, worktreeStatus } from '../../scripts/lib/worktree-check';

const dir = mkdtempSync(join(tmpdir(), 'worktree-check-'));
const repo = join(dir, 'repo');
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });

beforeAll(() => {
  execFileSync('git', ['init', '-q', repo]);
  git('config', 'user.email', 'test@example.invalid');
  git('config', 'user.name', 'test');
  writeFileSync(join(repo, 'package-lock.json'), '{}\n');
  writeFileSync(join(repo, '.gitignore'), 'data/\n');
  git('add', '.');
  git('commit', '-q', '-m', 'start');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runCheck(before: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const beforeFile = join(dir, 'before.txt');
  writeFileSync(beforeFile, before.map((line) => `${line}\n`).join(''));
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', resolve(PROJECT_ROOT, 'scripts/lib/worktree-check.ts'), beforeFile, repo],
      { cwd: PROJECT_ROOT },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('a clean tree that the run left clean passes; ignored output does not count', async () => {
  execFileSync('mkdir', ['-p', join(repo, 'data')]);
  writeFileSync(join(repo, 'data', 'temporal.db'), 'x');
  expect(worktreeStatus(repo)).toEqual([]);
  const result = await runCheck([]);
  expect(result.code).toBe(EXIT.ok);
  expect(result.stdout).toMatch('Arbeidskatalogen er som før testkjøringen.');
});

test('a clean tree that the run made dirty fails, naming every file', async () => {
  writeFileSync(join(repo, 'package-lock.json'), '{"grown": true}\n');
  writeFileSync(join(repo, 'stray.log.txt'), 'x');
  try {
    const result = await runCheck([]);
    expect(result.code).toBe(EXIT.checkFailed);
    expect(result.stderr).toMatch('Testkjøringen etterlot arbeidskatalogen endret (git status --porcelain er ikke tom):');
    expect(result.stderr).toMatch(' M package-lock.json');
    expect(result.stderr).toMatch('?? stray.log.txt');
  } finally {
    git('checkout', '--', 'package-lock.json');
    rmSync(join(repo, 'stray.log.txt'));
  }
});

test('a tree with work in progress is judged on what the run added, not on the work in progress', () => {
  const before = [' M cli/main.ts', '?? notes.md'];
  expect(judgeWorktree(before, [...before])).toEqual({ mode: 'compared', dirty: [], expected: [] });
  expect(judgeWorktree(before, [...before, ' M package-lock.json'])).toEqual({
    mode: 'compared',
    dirty: [' M package-lock.json'],
    expected: [],
  });
  expect(judgeWorktree([], [' M package-lock.json']).mode).toBe('clean');
});

test('histories re-recorded with RECORD_HISTORIES=1 are expected; anything else still fails', () => {
  const after = [' M test/workflows/histories/a.history.pb', '?? test/workflows/histories/b.history.pb', ' M docs/x.md'];
  expect(judgeWorktree([], after, { recordingHistories: true })).toEqual({
    mode: 'clean',
    dirty: [' M docs/x.md'],
    expected: [' M test/workflows/histories/a.history.pb', '?? test/workflows/histories/b.history.pb'],
  });
  expect(judgeWorktree([], after).dirty).toEqual(after);
  expect(statusPath('R  old.txt -> test/workflows/histories/c.history.pb')).toBe('test/workflows/histories/c.history.pb');
});

test('outside a git working tree the check passes and says it was skipped', async () => {
  const beforeFile = join(dir, 'before.txt');
  writeFileSync(beforeFile, '');
  const result = await new Promise<{ code: number; stdout: string }>((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', resolve(PROJECT_ROOT, 'scripts/lib/worktree-check.ts'), beforeFile, tmpdir()],
      { cwd: PROJECT_ROOT },
      (error, stdout) => done({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    );
  });
  expect(result.code).toBe(EXIT.ok);
  expect(result.stdout).toMatch('Ikke en git-arbeidskatalog');
});
