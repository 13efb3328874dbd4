/**
 * The demo data of the first start (scripts/lib/demo-data.ts): which school year and day it
 * uses, that it is never loaded twice nor over a school's own registrations, and that its people
 * directory is imported through the real command line. Loading it into a running system is shown
 * in start.devserver.test.ts.
 */
import { openMigratedDatabase } from '../../app/database/database';
import { SqlRegistrationStore } from '../../intake/registration-store';
import { whole } from '../detection/fixtures';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../intake/generate';
import { SqlPeopleDirectory } from '../../people/people-store';
import {
  DEMO_PUPILS_PER_SCHOOL,
  DEMO_SCHOOL_IDS,
  DEMO_SEED,
  demoMarkerFile,
  demoSchoolYear,
  importDemoPeople,
  loadDemoDataOnFirstStart,
} from '../../scripts/lib/demo-data';

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

const demoPupils = () =>
  generate({
    pupils: DEMO_SCHOOL_IDS.length * DEMO_PUPILS_PER_SCHOOL,
    seed: DEMO_SEED,
    schoolYear: 2026,
    pupilsPerSchool: DEMO_PUPILS_PER_SCHOOL,
    schoolIds: DEMO_SCHOOL_IDS,
  }).pupils;

test('the demo people are imported through the real command line: every demo pupil is in the database and reaches a guardian', async () => {
  const dataDir = join(dir, 'people');
  const lines: string[] = [];
  const pupils = demoPupils();
  const result = await importDemoPeople({ ...options(dataDir), log: (line) => lines.push(line) }, pupils);
  expect(result).toMatchObject({ kind: 'imported', file: join(dataDir, 'demo', 'personer.csv'), pupils: 160 });
  expect(lines).toEqual([
    expect.stringMatching(/^Personkatalogen for demoen er importert fra .*personer\.csv: 160 elever, \d+ foresatte og \d+ ansatte\.$/),
  ]);
  const database = await openMigratedDatabase(options(dataDir).databaseUrl);
  try {
    const stored = await database.db.selectFrom('pupils').select(['school_id', 'pupil_id']).orderBy('pupil_id').execute();
    expect(stored.map((p) => [p.school_id, p.pupil_id])).toEqual(pupils.map((p) => [p.schoolId, p.pupilId]));
    const directory = new SqlPeopleDirectory(database);
    for (const pupil of pupils.filter((_, i) => i % 10 === 0)) {
      expect((await directory.recipients('guardians', pupil.schoolId, pupil.pupilId)).length).toBeGreaterThanOrEqual(1);
      expect(await directory.recipients('contact-teacher', pupil.schoolId, pupil.pupilId)).toHaveLength(1);
    }
    // The guardians in the nynorsk municipality are written to in nynorsk: the school directory was read.
    const s016 = await directory.pupilPeople('S016', pupils.find((p) => p.schoolId === 'S016')!.pupilId);
    expect(s016?.guardians.filter((g) => g.language !== 'en').every((g) => g.writtenStandard === 'nynorsk')).toBe(true);
  } finally {
    await database.close();
  }
});

test('the demo people are not imported when the school directory cannot be read, and the reason says so', async () => {
  const dataDir = join(dir, 'no-schools');
  const result = await importDemoPeople(
    { ...options(dataDir), env: { ...process.env, SCHOOLS_CONFIG: join(dir, 'finnes-ikke.json') } },
    demoPupils(),
  );
  expect(result).toEqual({
    kind: 'failed',
    reason: expect.stringMatching(/^personkatalogen kunne ikke lages: Finner ikke skolekatalogen .*finnes-ikke\.json/),
  });
});

test("a refused demo people file is a failure with the command line's own report", async () => {
  const dataDir = join(dir, 'refused');
  // A pupil at a school outside the school directory is refused by the real parser (exit code 3).
  const result = await importDemoPeople(options(dataDir), [{ pupilId: 'E1', schoolId: 'S999', grade: 3, pattern: 'little' }]);
  expect(result).toEqual({
    kind: 'failed',
    reason: expect.stringMatching(/^personimporten: avslutningskode 3\n[\s\S]*finnes ikke i skolekatalogen/),
  });
});
