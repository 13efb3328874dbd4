/**
 * `npm start` prepares the school's database before anything else starts: a damaged JSON store of
 * the first versions stops it with exit 4, naming the file, before the dev server starts and with
 * nothing imported; the old files stay where they were.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMigratedDatabase } from '../../app/database/database';
import { EXIT } from '../../app/exit-codes';
import { SqlRegistrationStore } from '../../intake/registration-store';
import { spawnGroup } from '../../scripts/lib/child-processes';
import { freePort } from '../../scripts/lib/free-port';
import { PROJECT_ROOT } from '../../scripts/lib/tools';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'start-database-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('a damaged old registration file stops npm start with exit 4 before the dev server starts; nothing is imported or moved', async () => {
  const damaged = join(dir, 'registrations', 'S002.registrations.json');
  mkdirSync(join(dir, 'registrations'));
  writeFileSync(damaged, JSON.stringify({ formatVersion: 1, schoolId: 'S002', registrations: [{ pupilId: 'e1' }] }));
  const start = spawnGroup(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    name: 'npm start',
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      DATA_DIR: dir,
      TEMPORAL_DEV_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      WEB_PORT: String(await freePort()),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  start.process.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  start.process.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = await start.exited;
  expect(exit.code).toBe(EXIT.badFile);
  expect(output).toContain(`De gamle JSON-lagrene ble ikke importert, og ingenting er endret: Registreringsfilen ${damaged} er skadet`);
  expect(output).not.toContain('Starter Temporal-utviklingsserveren');
  expect(existsSync(damaged)).toBe(true);
  const database = await openMigratedDatabase(`sqlite:${join(dir, 'skolefravaer.sqlite')}`);
  try {
    expect(await new SqlRegistrationStore(database).count()).toBe(0);
  } finally {
    await database.close();
  }
}, 60_000);
