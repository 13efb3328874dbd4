/**
 * The main job's command line (scripts/start.ts): `npm start` takes no arguments, `npm run
 * cluster` passes `--cluster` and takes `--workers N`. Anything else stops it at once with exit
 * code 2 and a Norwegian message naming the bad value, before a port is checked or a server started.
 */
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../scripts/lib/tools';

function start(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start.ts', ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stderr: run.stderr.trim() };
}

test('a worker count that is not a whole number from 1 to 99 is refused, naming the value', () => {
  expect(start('--cluster', '--workers', 'to')).toEqual({
    code: 2,
    stderr: '--workers må være et helt tall fra 1 til 99 (antall saksarbeidere), fikk «to»',
  });
  expect(start('--cluster', '--workers', '0').stderr).toContain('fikk «0»');
  expect(start('--cluster', '--workers').stderr).toContain('fikk «»');
});

test('an unknown argument is refused, and --workers only goes with the cluster', () => {
  expect(start('--klynge')).toEqual({
    code: 2,
    stderr: 'Ukjent argument «--klynge»; bruk «npm start» eller «npm run cluster -- --workers N»',
  });
  expect(start('--workers', '3')).toEqual({ code: 2, stderr: '--workers gjelder bare klyngen: «npm run cluster -- --workers N»' });
});
