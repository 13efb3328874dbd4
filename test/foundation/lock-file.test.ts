/**
 * The committed lock file is complete, so both README commands leave a fresh clone clean:
 * `npm ci` (scripts/setup.sh) accepts it as it is, and npm would not rewrite it. A lock file
 * that lists only one platform's optional binaries (@swc/core, esbuild) is refused by npm 11's
 * `npm ci`, and `npm install` adds the other platforms to it, leaving package-lock.json modified.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../scripts/lib/tools';

const dir = mkdtempSync(join(tmpdir(), 'lock-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs npm in the scratch folder; only metadata is read, nothing is installed there. */
function npm(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(
      'npm',
      [...args, '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: dir },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

beforeAll(() => {
  copyFileSync(join(PROJECT_ROOT, 'package.json'), join(dir, 'package.json'));
  copyFileSync(join(PROJECT_ROOT, 'package-lock.json'), join(dir, 'package-lock.json'));
});

test('npm ci accepts the committed lock file', async () => {
  const result = await npm('ci', '--dry-run');
  expect(result.output).not.toMatch(/Missing: .* from lock file/);
  expect(result.code).toBe(0);
});

test('npm install would not change the committed lock file', async () => {
  const committed = readFileSync(join(dir, 'package-lock.json'), 'utf8');
  const result = await npm('install', '--package-lock-only');
  expect(result.code).toBe(0);
  expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(committed);
});

test('setup installs with npm ci, which never writes the lock file', () => {
  const setup = readFileSync(join(PROJECT_ROOT, 'scripts', 'setup.sh'), 'utf8');
  const installs = setup.split('\n').filter((line) => /^\s*npm (ci|install|i)\b/.test(line));
  expect(installs).toEqual([expect.stringMatching(/^\s*npm ci\b/)]);
});
