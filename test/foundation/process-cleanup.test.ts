/**
 * Whatever a test file starts is stopped when the file ends, also when a test failed or timed
 * out before its own clean-up ran, and a time-skipping environment nobody tore down is torn
 * down (test/helpers/process-cleanup-environment.ts). Runs jest on the fixtures in
 * fixtures/cleanup/ in this process's place and reads what their global teardown found still
 * running while the jest that started it all was still alive.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../scripts/lib/tools';

const dir = mkdtempSync(join(tmpdir(), 'process-cleanup-'));
let result: { recorded: number[]; alive: number[]; testServers: number[] };
let output = '';
let exitCode = 0;

beforeAll(async () => {
  const config = {
    rootDir: PROJECT_ROOT,
    roots: ['<rootDir>/test/foundation/fixtures/cleanup'],
    testMatch: ['**/*.fixture.ts'],
    transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
    setupFiles: ['<rootDir>/test/setup-runtime.ts'],
    testEnvironment: '<rootDir>/test/helpers/process-cleanup-environment.ts',
    globalTeardown: '<rootDir>/test/foundation/fixtures/cleanup/check-nothing-left.ts',
  };
  await new Promise<void>((done) => {
    execFile(
      resolve(PROJECT_ROOT, 'node_modules/.bin/jest'),
      ['--config', JSON.stringify(config), '--runInBand', '--ci', '--verbose'],
      { cwd: PROJECT_ROOT, env: { ...process.env, LEAK_DIR: dir } },
      (error, stdout, stderr) => {
        exitCode = error ? Number(error.code ?? 1) : 0;
        output = stdout + stderr;
        done();
      },
    );
  });
  result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as typeof result;
}, 180_000);

afterAll(() => {
  for (const pid of result?.alive ?? []) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('the fixtures ran: one test failed, one timed out, one left a test server', () => {
  expect(exitCode).toBe(1);
  expect(output).toMatch('✕ starts a process, then fails');
  expect(output).toMatch(/✕ starts a process, then never finishes/);
  expect(output).toMatch('✓ creates a time-skipping environment and forgets it');
  expect(result.recorded).toHaveLength(2);
});

test('processes of a test that failed or timed out are stopped when its file ends', () => {
  expect(result.alive).toEqual([]);
  expect(output).toMatch(/Testfilen lot dette kjøre da den var ferdig; det er nå stoppet: fiksturprosessen \(pid \d+\)/);
});

test('a time-skipping environment that was not torn down is torn down when its file ends', () => {
  expect(result.testServers).toEqual([]);
  expect(output).toMatch('det er nå stoppet: tidshoppende testserver');
});
