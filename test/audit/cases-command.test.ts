/**
 * `npm run audit -- --cases …` is the audit of the real cases (cli/case-audit.ts), not of the
 * model: the audit's own program hands the whole command line over, so its help, its Norwegian
 * errors and its exit codes are the case audit's.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { EXIT } from '../../app/exit-codes';

const ROOT = join(__dirname, '..', '..');

function audit(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'audit/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
}

test('--cases --help prints the case audit’s usage, not the model audit’s', () => {
  const r = audit('--cases', '--help');
  expect(r.status).toBe(EXIT.ok);
  expect(r.stdout).toContain('npm run audit -- --cases');
  expect(r.stdout).toContain('--pseudonymise');
  expect(r.stdout).not.toContain('--skip-mutations');
});

test('a bad date after --cases is refused with exit code 2, naming the value', () => {
  const r = audit('--cases', '--from', '2026-13-45');
  expect(r.status).toBe(EXIT.usage);
  expect(r.stderr).toContain('2026-13-45');
  expect(r.stderr).toContain('--from');
});

test('the model audit’s help mentions --cases', () => {
  const r = audit('--help');
  expect(r.status).toBe(EXIT.ok);
  expect(r.stdout).toContain('--cases');
});
