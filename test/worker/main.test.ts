/**
 * The worker and every command line read their settings through app/settings.ts: a bad value
 * stops each at start with exit code 6 and a Norwegian message naming the variable and the value,
 * before anything connects to Temporal.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { EXIT } from '../../app/exit-codes';

const root = resolve(__dirname, '..', '..');

function run(file: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stderr: result.stderr };
}

test.each([
  ['worker/main.ts', [], { LOG_LEVEL: 'LOUD' }, /LOG_LEVEL: må være en av TRACE, DEBUG, INFO, WARN, ERROR \(fikk «LOUD»\)/],
  ['cli/main.ts', ['list'], { TEMPORAL_ADDRESS: 'localhost' }, /TEMPORAL_ADDRESS: må være vert:port.* \(fikk «localhost»\)/],
  ['cli/detect.ts', [], { TEMPORAL_UI_PORT: 'x' }, /TEMPORAL_UI_PORT: må være et portnummer \(1–65535\) \(fikk «x»\)/],
  ['cli/intake.ts', ['import', 'finnes-ikke.csv'], { DEMO_DATA: 'ja' }, /DEMO_DATA: må være on eller off \(fikk «ja»\)/],
  ['cli/generate.ts', ['--pupils', '1', '--out', '/dev/null'], { SCHOOLS_CONFIG: ' ' }, /SCHOOLS_CONFIG: må være en filsti/],
])('%s %j stops on a bad setting (%j) with exit code 6, naming it', (file, args, env, message) => {
  const { code, stderr } = run(file, args, env);
  expect(stderr).toMatch(message);
  expect(code).toBe(EXIT.badConfiguration);
});
