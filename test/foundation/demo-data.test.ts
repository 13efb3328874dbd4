/**
 * The demo data of the first start (scripts/lib/demo-data.ts): which school year and day it
 * uses, and that it is never loaded twice nor over a school's own registrations. Loading it
 * into a running system is shown in start.devserver.test.ts.
 */
import { openMigratedDatabase } from '../../app/database/database';
import { SqlRegistrationStore } from '../../intake/registration-store';
import { whole } from '../detection/fixtures';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoMarkerFile, demoSchoolYear, loadDemoDataOnFirstStart } from '../../scripts/lib/demo-data';

const dir = mkdtempSync(join(tmpdir(), 'demo-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the demo uses the school year running today, detected as of today, when the school calendar covers it', () => {
  expect(demoSchoolYear(new Date('2026-12-01T18:00:00Z'))).toEqual({ schoolYear: 2026, today: '2026-12-01' });
  expect(demoSchoolYear(new Date('2026-03-10T09:00:00Z'))).toEqual({ schoolYear: 2025, today: '2026-03-10' });
  expect(demoSchoolYear(new Date('2026-08-20T09:00:00Z'))).toEqual({ schoolYear: 2026, today: '2026-08-20' });
});

test('outside the covered school years the nearest covered year is used, as of a day in its autumn term', () => {
  expect(demoSchoolYear(new Date('2031-02-01T09:00:00Z'))).toEqual({ schoolYear: 2026, today: '2026-11-20' });
  expect(demoSchoolYear(new Date('2024-09-01T09:00:00Z'))).toEqual({ schoolYear: 2025, today: '2025-11-20' });
});

const options = (dataDir: string) => ({
  dataDir,
  databaseUrl: `sqlite:${join(dataDir, 'skolefravaer.sqlite')}`,
  env: { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1' }, // never reached: nothing is loaded
  now: new Date('2026-12-01T18:00:00Z'),
  log: () => undefined,
});

test('demo data already loaded into a data folder is not loaded again', async () => {
  const dataDir = join(dir, 'loaded');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(demoMarkerFile(dataDir), '{}\n');
  expect(await loadDemoDataOnFirstStart(options(dataDir))).toEqual({ kind: 'skipped', reason: 'demodataene er lastet inn før' });
});

test("a database with the school's own registrations gets no demo data", async () => {
  const dataDir = join(dir, 'own');
  const database = await openMigratedDatabase(`sqlite:${join(dataDir, 'skolefravaer.sqlite')}`);
  try {
    await new SqlRegistrationStore(database).upsert([whole('2026-11-02', { schoolId: 'S001' })]);
  } finally {
    await database.close();
  }
  const result = await loadDemoDataOnFirstStart(options(dataDir));
  expect(result).toEqual({ kind: 'skipped', reason: 'databasen har allerede 1 registreringer' });
});
