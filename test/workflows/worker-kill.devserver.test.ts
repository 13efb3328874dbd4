/**
 * Killing the worker process mid-case loses nothing. On the real dev server: a worker process
 * is killed with SIGKILL while a case is open, a new one starts, and the case carries on with
 * its history, timers, documents and search attributes intact and no effect sent twice. The
 * workers share one school database with the pupil's people, so each message goes to a person,
 * and one key file with the test's client, so all of them seal and open the same payloads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { addDays, formatISO } from 'date-fns';
import type { Client } from '@temporalio/client';
import { FileOutbox } from '../../activities/outbox';
import { openMigratedDatabase } from '../../app/database/database';
import { connectClient } from '../../app/temporal';
import { parsePeopleCsv } from '../../people/parse-people';
import { SqlPeopleDirectory } from '../../people/people-store';
import type { DevServer } from '../../scripts/lib/dev-server';
import { caseWorkflow } from '../../workflows';
import { caseViewQuery, sendEventForView, sendEventUpdate } from '../../workflows/case-messages';
import { CaseStage } from '../../workflows/search-attributes';
import { caseEvent } from '../helpers/case-env';
import { caseWorkflowId } from '../helpers/case-ids';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';
import { startCaseDevServer } from '../helpers/case-dev-server';

const dir = mkdtempSync(join(tmpdir(), 'worker-kill-'));
const outboxDir = join(dir, 'outbox');
const databaseUrl = `sqlite:${join(dir, 'skolefravaer.sqlite')}`;
const payloadKeysFile = join(dir, 'payload-keys.json');
const pupilId = `E${Date.now()}`;
const taskQueue = `worker-kill-${randomUUID()}`;
let server: DevServer;
let client: Client;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  // The pupil, one guardian and the contact teacher, as the school's export lists them (docs/people-format.md).
  const database = await openMigratedDatabase(databaseUrl);
  const people = parsePeopleCsv(
    [
      'type;skole;elev-id;foresatt-id;ansatt-id;navn;trinn;kontaktlærer;e-post;foreldreansvar;roller',
      'ansatt;S001;;;A1;Kari Kontakt;;;kari@skole.no;;kontaktlærer',
      `elev;S001;${pupilId};;;Ola Nordmann;6;A1;;;`,
      `foresatt;S001;${pupilId};F1;;Mor Nordmann;;;mor@example.no;ja;`,
    ].join('\n'),
  );
  expect(people.errors).toEqual([]);
  await new SqlPeopleDirectory(database).importBatch(people.batch);
  await database.close();
  server = await startCaseDevServer(dir);
  // Made before any worker starts, so the workers read the key file this client created.
  client = await connectClient({ address: server.address, namespace: 'default', payloadKeysFile });
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await client?.connection.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const workerEnv = () => ({
  TEMPORAL_ADDRESS: server.address,
  TEMPORAL_TASK_QUEUE: taskQueue,
  OUTBOX_DIR: outboxDir,
  DATABASE_URL: databaseUrl,
  PAYLOAD_KEYS_FILE: payloadKeysFile,
});
const now = () => new Date().toISOString();

test('a worker killed with SIGKILL mid-case is replaced and the case goes on without loss or double sends', async () => {
  const first = await startWorkerProcess(workerEnv());
  workers.push(first);

  const handle = await client.workflow.start(caseWorkflow, {
    taskQueue,
    workflowId: caseWorkflowId('S001', pupilId),
    args: [
      {
        procedureId: 'tiltaksplan-elevfravaer',
        facts: {
          caseId: `case-${pupilId}`,
          pupilId,
          schoolId: 'S001',
          grade: 6,
          openedAt: now(),
          trigger: { rule: 'single-days-in-month', dates: ['2026-09-01', '2026-09-08', '2026-09-15', '2026-09-22'] },
        },
      },
    ],
  });
  await handle.executeUpdate(sendEventUpdate, {
    args: [caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'log-1' }, now())],
  });
  await handle.executeUpdate(sendEventUpdate, {
    args: [caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef: 'voice-1' }, now())],
  });
  const before = await handle.query(caseViewQuery);

  await first.kill('SIGKILL');
  const second = await startWorkerProcess(workerEnv());
  workers.push(second);

  const after = await handle.query(caseViewQuery);
  // Messages still being delivered when the worker died may land after `before`; every recorded step is kept.
  const steps = (v: typeof before) => v.timeline.filter((e) => e.kind !== 'effect');
  expect(steps(after)).toEqual(steps(before));
  expect(after.documents).toEqual(before.documents);
  expect(after.state.label).toBe('Plan for de neste dagene');

  const evaluationDate = formatISO(addDays(new Date(), 3), { representation: 'date' });
  const planned = await sendEventForView(
    handle,
    caseEvent('measures.agreed', { measures: ['Fast oppmøte hver morgen'], evaluationDate, planRef: 'plan-1' }, now(), 'principal'),
  );
  expect(planned.view.state.label).toBe('Planen følges');
  expect(planned.view.deadlines.map((d) => d.name)).toEqual(['threeDayPlanPeriod']);
  expect((await handle.describe()).typedSearchAttributes.get(CaseStage)).toBe('measures');

  // Every effect issued so far reaches its person in the outbox exactly once, whichever worker sent it.
  const expectedEffects = 2; // case opened (to the contact teacher) and the absence routine (to the guardian)
  const outbox = new FileOutbox(outboxDir);
  const deadline = Date.now() + 30_000;
  let messages = await outbox.list();
  while (messages.length < expectedEffects && Date.now() < deadline) {
    // Activities run asynchronously after the updates; give the new worker a moment.
    await new Promise((r) => setTimeout(r, 250));
    messages = await outbox.list();
  }
  expect(messages).toHaveLength(expectedEffects);
  const keys = messages.map((m) => m.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  expect(messages.map((m) => [m.recipient?.personId, m.subject.split(/ \(sak | – /)[0]]).sort()).toEqual([
    ['A1', 'Ny fraværssak'],
    ['F1', 'Slik følger skolen opp fravær'],
  ]);
});
