/**
 * A repeated detection run is a no-op: one run delivers every trigger and trend the stored data
 * already shows, so a second run with the same data and the same date delivers nothing. Shown on
 * generated data (the intake generator's school year) against the committed school directory,
 * which gives five schools to each of the four procedures, with the in-memory store and ledger
 * and a recording fake dispatcher in place of Temporal; and again with the ledger and the school
 * lock in the database (SQLite and PostgreSQL), as the system runs.
 */
import path from 'node:path';
import { runDetection } from '../../detection/run-detection';
import { type SchoolDirectory, loadSchoolDirectory } from '../../detection/school-directory';
import { DEFAULT_SCHOOLS_CONFIG } from '../../app/settings';
import type { AppDatabase } from '../../app/database/database';
import { SqlSchoolLocks } from '../../detection/school-locks';
import { InMemoryTriggerLedger, SqlTriggerLedger, type TriggerLedger } from '../../detection/trigger-ledger';
import { generate } from '../../intake/generate';
import { InMemoryRegistrationStore } from '../../intake/registration-store';
import { currentProcedures } from '../../machines/registry';
import { testDatabases } from '../helpers/databases';
import { FakeDispatcher } from './fixtures';

const databases = testDatabases();

let directory: SchoolDirectory;
beforeAll(async () => {
  directory = await loadSchoolDirectory(path.join(__dirname, '..', '..', DEFAULT_SCHOOLS_CONFIG));
});

/** Generated pupils stored, then detection run twice as of `today`; what each run delivered. */
async function runTwice(pupils: number, today: string, database?: AppDatabase) {
  const store = new InMemoryRegistrationStore();
  await store.upsert(generate({ pupils, seed: 7 }).registrations);
  const ledger: TriggerLedger = database ? new SqlTriggerLedger(database) : new InMemoryTriggerLedger();
  const locks = database ? new SqlSchoolLocks(database) : undefined;
  const dispatcher = new FakeDispatcher();
  const now = new Date(`${today}T16:00:00Z`);
  const run = async () => {
    const triggersBefore = dispatcher.triggers.length;
    const trendsBefore = dispatcher.trends.length;
    const summary = await runDetection({ store, directory, ledger, ...(locks ? { locks } : {}), dispatcher, today, now });
    return { summary, triggers: dispatcher.triggers.slice(triggersBefore), trends: dispatcher.trends.length - trendsBefore };
  };
  const first = await run();
  const second = await run();
  return { first, second, dispatcher };
}

test('1 000 generated pupils (procedure C): the second identical run delivers 0 triggers and 0 trends (issue 10.2)', async () => {
  const { first, second } = await runTwice(1000, '2026-06-19');
  expect(first.triggers.length).toBeGreaterThan(100);
  expect(first.summary.schools.map((s) => s.procedureId)).toEqual(Array(4).fill('tiltaksplan-elevfravaer'));
  expect({ triggers: second.triggers.length, trends: second.trends }).toEqual({ triggers: 0, trends: 0 });
  expect(second.summary).toMatchObject({ opened: 0, signalled: 0, trendsSent: 0 });
});

test('6 000 generated pupils reach all four procedures; the second run delivers nothing, mid-year and at the end of the year (issue 10.2)', async () => {
  for (const today of ['2025-11-20', '2026-06-19']) {
    const { first, second } = await runTwice(6000, today);
    const procedures = new Set(first.triggers.map((t) => t.input.procedureId));
    expect([...procedures].sort()).toEqual(
      currentProcedures()
        .map((p) => p.id)
        .sort(),
    );
    expect({ today, triggers: second.triggers.length, trends: second.trends }).toEqual({ today, triggers: 0, trends: 0 });
    expect(second.summary).toMatchObject({ opened: 0, signalled: 0, merged: 0, trendsSent: 0 });
  }
});

describe.each(databases)('ledger and lock in $name', ({ open }) => {
  test('1 000 generated pupils: the second identical run delivers 0 triggers and 0 trends; the ledger holds every pupil the first delivered for', async () => {
    const database = await open();
    const { first, second } = await runTwice(1000, '2026-06-19', database);
    expect(first.triggers.length).toBeGreaterThan(100);
    expect({ triggers: second.triggers.length, trends: second.trends }).toEqual({ triggers: 0, trends: 0 });
    expect(second.summary).toMatchObject({ opened: 0, signalled: 0, merged: 0, trendsSent: 0 });
    const rows = await database.db.selectFrom('detection_ledger').select(['school_id', 'pupil_id']).execute();
    expect(new Set(rows.map((r) => `${r.school_id}/${r.pupil_id}`))).toEqual(
      new Set(first.triggers.map((t) => `${t.input.facts.schoolId}/${t.input.facts.pupilId}`)),
    );
    expect(await database.db.selectFrom('detection_locks').selectAll().execute()).toEqual([]);
  });
});
