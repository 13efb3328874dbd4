/**
 * The daily detection activity outside a worker (MockActivityEnvironment): bad input and a
 * damaged stored file fail without retries, in Norwegian, naming the value or the file, since
 * retrying cannot mend them.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createDetectionActivities } from '../../activities/detection';
import { FileRegistrationStore } from '../../intake/registration-store';
import { INVALID_ACTIVITY_INPUT } from '../../workflows/activity-errors';
import { calendarConfig, whole } from './fixtures';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'detect-activity-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function activities() {
  return createDetectionActivities({
    // Never reached: both failures happen before anything is delivered.
    client: undefined as unknown as Client,
    taskQueue: 'test',
    registrationsDir: path.join(dir, 'registreringer'),
    ledgerDir: path.join(dir, 'logg'),
    schoolsConfig: path.join(dir, 'skoler.json'),
  });
}

/** The mock environment logs every failure; the tests read the failures themselves. */
const quiet = new DefaultLogger('ERROR', () => {});

async function failure(input: unknown): Promise<ApplicationFailure> {
  const error = await new MockActivityEnvironment({}, { logger: quiet })
    .run(activities().runDailyDetection, input)
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

test('a damaged ledger file fails the run without retries, naming the file (issue 10.19)', async () => {
  await writeFile(
    path.join(dir, 'skoler.json'),
    JSON.stringify({
      formatVersion: 1,
      municipalities: { test: { name: 'Testkommune', procedureId: 'tiltaksplan-elevfravaer', calendar: calendarConfig } },
      schools: [{ schoolId: 'S001', name: 'Testskolen', municipality: 'test' }],
    }),
    'utf8',
  );
  const store = await FileRegistrationStore.open(path.join(dir, 'registreringer'));
  await store.upsert([whole('2026-05-05', { schoolId: 'S001' })]);
  await mkdir(path.join(dir, 'logg'));
  const file = path.join(dir, 'logg', 'S001.ledger.json');
  await writeFile(
    file,
    JSON.stringify({ formatVersion: 1, schoolId: 'S001', pupils: [{ pupilId: 'elev-1', triggers: 'ingen', caseOpen: true }] }),
    'utf8',
  );
  const error = await failure({ today: '2026-05-07' });
  expect(error).toMatchObject({ nonRetryable: true, type: 'TriggerLedgerError' });
  expect(error.message).toBe(`Deteksjonsloggen ${file} er skadet: pupils.0.triggers: må være en liste (fikk «ingen»)`);
});
