/**
 * The daily detection schedule on the real dev server with the real worker process: the main job
 * creates it (and updates it on the next start), it runs daily at 17:00 Norwegian time, and a run
 * it starts opens the case of a pupil whose registrations were stored without detection, under the
 * pseudonymous id the worker's key file gives (the test's client shares that file).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { osloDate } from '../../detection/run-detection';
import { buildSchoolCalendar } from '../../detection/school-calendar';
import { SqlRegistrationStore } from '../../intake/registration-store';
import { openMigratedDatabase } from '../../app/database/database';
import { DETECTION_SCHEDULE_ID, ensureDetectionSchedule } from '../../detection/daily-schedule';
import type { DevServer } from '../../scripts/lib/dev-server';
import { CaseClient } from '../../app/case-client';
import { caseIdsOf, connectClient } from '../../app/temporal';
import { caseViewQuery } from '../../workflows/case-messages';
import { type WorkerProcess, startWorkerProcess } from '../helpers/worker-process';
import { startCaseDevServer } from '../helpers/case-dev-server';
import { whole } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'schedule-'));
const taskQueue = `detection-${randomUUID()}`;
const payloadKeysFile = join(dir, 'payload-keys.json');
let server: DevServer;
let worker: WorkerProcess;
let client: Client;

beforeAll(async () => {
  server = await startCaseDevServer(dir);
  const year = new Date().getUTCFullYear();
  const calendarConfig = { municipality: 'Testkommune', firstYear: year - 1, lastYear: year + 1 };
  writeFileSync(
    join(dir, 'skoler.json'),
    JSON.stringify({
      formatVersion: 1,
      municipalities: { test: { name: 'Testkommune', procedureId: 'tiltaksplan-elevfravaer', calendar: calendarConfig } },
      schools: [{ schoolId: 'planskolen', name: 'Planskolen', municipality: 'test' }],
    }),
  );
  const calendar = buildSchoolCalendar(calendarConfig);
  const today = osloDate();
  const database = await openMigratedDatabase(`sqlite:${join(dir, 'skole.sqlite')}`);
  await new SqlRegistrationStore(database).upsert(
    // With notice: the run opens the case on the pattern alone (a day without notice is its own trigger, C.1.2).
    [3, 2, 1].map((n) => whole(calendar.nthSchoolDayBefore(today, n) as string, { schoolId: 'planskolen', grade: 4 })),
  );
  await database.close();
  // Made before the worker starts, so the worker reads the key file this client created.
  client = await connectClient({ address: server.address, namespace: 'default', taskQueue, payloadKeysFile });
  worker = await startWorkerProcess({
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    OUTBOX_DIR: join(dir, 'outbox'),
    DATABASE_URL: `sqlite:${join(dir, 'skole.sqlite')}`,
    SCHOOLS_CONFIG: join(dir, 'skoler.json'),
    PAYLOAD_KEYS_FILE: payloadKeysFile,
  });
});

afterAll(async () => {
  await client?.connection.close();
  await worker?.kill();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the schedule is created once, then updated; it runs daily at 17:00 Oslo time and its run opens the case', async () => {
  expect(await ensureDetectionSchedule(client, { taskQueue })).toBe('created');
  expect(await ensureDetectionSchedule(client, { taskQueue })).toBe('updated');
  const handle = client.schedule.getHandle(DETECTION_SCHEDULE_ID);
  const described = await handle.describe();
  expect(described.spec.timezone).toBe('Europe/Oslo');
  expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 17, end: 17, step: 1 }], minute: [{ start: 0, end: 0, step: 1 }] });
  expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'dailyDetectionWorkflow', taskQueue });

  await handle.trigger();
  let workflowId: string | undefined;
  for (let i = 0; i < 100 && workflowId === undefined; i++) {
    workflowId = (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId;
    if (workflowId === undefined) await new Promise((r) => setTimeout(r, 200));
  }
  expect(workflowId).toBeDefined();
  const summary = await client.workflow.getHandle(workflowId as string).result();
  expect(summary).toMatchObject({ opened: 1, signalled: 0 });
  const cases = new CaseClient(client, taskQueue, caseIdsOf({ payloadKeysFile }));
  const caseId = cases.workflowIdFor('planskolen', 'elev-1');
  expect(caseId).not.toContain('elev-1');
  const view = await client.workflow.getHandle(caseId).query(caseViewQuery);
  expect(view).toMatchObject({ procedure: { id: 'tiltaksplan-elevfravaer' }, triggers: [{ rule: 'consecutive-days', days: 3 }] });
});
