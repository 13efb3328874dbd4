/**
 * The daily detection activity outside a worker (MockActivityEnvironment): bad input and a
 * damaged stored record fail without retries, in Norwegian, naming the value or the record, since
 * retrying cannot mend them; a database out of reach is retried.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createDetectionActivities } from '../../activities/detection';
import type { CaseClient } from '../../app/case-client';
import { SqlRegistrationStore } from '../../intake/registration-store';
import { openMigratedDatabase } from '../../app/database/database';
import { INVALID_ACTIVITY_INPUT } from '../../workflows/activity-errors';
import { calendarConfig, whole } from './fixtures';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'detect-activity-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const databaseUrl = () => `sqlite:${path.join(dir, 'skole.sqlite')}`;

function activities(url = databaseUrl()) {
  return createDetectionActivities({
    // Never reached: every failure here happens before anything is delivered.
    cases: undefined as unknown as CaseClient,
    databaseUrl: url,
    schoolsConfig: path.join(dir, 'skoler.json'),
  });
}

/** The mock environment logs every failure; the tests read the failures themselves. */
const quiet = new DefaultLogger('ERROR', () => {});

async function failure(input: unknown, url?: string): Promise<ApplicationFailure> {
  const error = await new MockActivityEnvironment({}, { logger: quiet })
    .run(activities(url).runDailyDetection, input)
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

test('bad input is refused without retries, naming the field and the value (issue 10.19)', async () => {
  const error = await failure({ today: '30.02.2026' });
  expect(error).toMatchObject({ nonRetryable: true, type: INVALID_ACTIVITY_INPUT });
  expect(error.message).toBe(
    'Ugyldig input til den daglige fraværsdeteksjonen: today: må være en dato på formen åååå-mm-dd (fikk «30.02.2026»)',
  );
});

async function writeDirectory(): Promise<void> {
  await writeFile(
    path.join(dir, 'skoler.json'),
    JSON.stringify({
      formatVersion: 1,
      municipalities: { test: { name: 'Testkommune', procedureId: 'tiltaksplan-elevfravaer', calendar: calendarConfig } },
      schools: [{ schoolId: 'S001', name: 'Testskolen', municipality: 'test' }],
    }),
    'utf8',
  );
}

test('a damaged ledger record fails the run without retries, naming the school and the pupil (issue 10.19)', async () => {
  await writeDirectory();
  const database = await openMigratedDatabase(databaseUrl());
  try {
    await new SqlRegistrationStore(database).upsert([whole('2026-05-05', { schoolId: 'S001' })]);
    await database.db
      .insertInto('detection_ledger')
      .values({
        school_id: 'S001',
        pupil_id: 'elev-1',
        record: JSON.stringify({ pupilId: 'elev-1', triggers: 'ingen', caseOpen: true }),
        updated_at: '2026-05-06T00:00:00.000Z',
      })
      .execute();
  } finally {
    await database.close();
  }
  const error = await failure({ today: '2026-05-07' });
  expect(error).toMatchObject({ nonRetryable: true, type: 'TriggerLedgerError' });
  expect(error.message).toContain('S001');
  expect(error.message).toContain('elev-1');
  expect(error.message).toContain('triggers');
});

test('a database out of reach fails the attempt so that it is retried', async () => {
  await writeDirectory();
  const error = await failure({ today: '2026-05-07' }, 'postgres://127.0.0.1:1/skole');
  expect(error).toMatchObject({ nonRetryable: false, type: 'DatabaseError' });
  expect(error.message).toContain('Databasen (PostgreSQL postgres://127.0.0.1:1/skole)');
});
