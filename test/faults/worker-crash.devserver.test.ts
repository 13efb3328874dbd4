/**
 * A worker process killed (SIGKILL) at the worst moments, on the real dev server with the real
 * worker process and a real SMTP server: (a) in the middle of sending an e-mail, its mail held
 * at the end of the DATA phase; another worker sends it again after the attempt's timeout (the
 * effect's delivery policy: one minute), and it arrives exactly once, with one delivery record;
 * (b) while the case waits on a deadline's timer; the deadline passes with no worker, another
 * worker starts, and the deadline fires once and the case moves on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { CaseClient } from '../../app/case-client';
import { openMigratedDatabase } from '../../app/database/database';
import { DeliveryStore } from '../../messages/delivery-store';
import type { DevServer } from '../../scripts/lib/dev-server';
import { caseEvent } from '../helpers/case-env';
import { startCaseDevServer } from '../helpers/case-dev-server';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';
import { type LoopbackSmtp, startLoopbackSmtp } from '../messages/smtp-server';
import { DAY_MS, caseInput, connectCases, faultEnv, header, importPeople, mailsOf, waitFor } from './fault-case';

const dir = mkdtempSync(join(tmpdir(), 'worker-crash-'));
const databaseUrl = `sqlite:${join(dir, 'skolefravaer.sqlite')}`;
const pupils = { mail: `E${Date.now()}M`, timer: `E${Date.now()}T` };
let server: DevServer;
let smtp: LoopbackSmtp;
let cases: CaseClient;
let env: Record<string, string>;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  await importPeople(databaseUrl, Object.values(pupils));
  smtp = await startLoopbackSmtp();
  server = await startCaseDevServer(dir);
  env = faultEnv(dir, { address: server.address, taskQueue: `worker-crash-${randomUUID()}`, databaseUrl, smtpPort: smtp.port });
  cases = await connectCases(env);
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await cases?.close();
  await server?.stop();
  await smtp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startWorker(): Promise<WorkerProcess> {
  const worker = await startWorkerProcess(env);
  workers.push(worker);
  return worker;
}

test('a worker killed while its e-mail is in the DATA phase: another worker sends it, and it arrives once', async () => {
  const caseId = `sak-${pupils.mail}`;
  const first = await startWorker();
  const held = smtp.holdNextMail();
  // Opening sends the contact teacher «Ny fraværssak»: the mail the server holds.
  const workflowId = await cases.open(caseInput(pupils.mail, new Date()));
  await held;
  await first.kill('SIGKILL');
  // The server answers only now, to a client that is gone: that mail was never accepted. (The
  // server may notice the closed connection a moment after the kill on a busy machine.)
  await smtp.heldClientGone();
  smtp.releaseHeld();
  expect(smtp.dropped).toHaveLength(1);
  expect(mailsOf(smtp.received, caseId)).toEqual([]);

  await startWorker();
  // Temporal gives the lost attempt up after its one-minute timeout, then retries on the new worker.
  const mails = await waitFor(
    'the e-mail sent again',
    () => (mailsOf(smtp.received, caseId).length > 0 ? mailsOf(smtp.received, caseId) : undefined),
    100_000,
  );
  // Any second copy would come at once after the first: a moment to let it show.
  await new Promise((r) => setTimeout(r, 2_000));
  expect(mailsOf(smtp.received, caseId)).toHaveLength(1);
  expect(header(mails[0]!, 'To')).toBe('kari@skole.no');
  // The resend is the same message: the Message-ID comes from the idempotency key.
  expect(header(mails[0]!, 'Message-ID')).toBe(header(smtp.dropped[0]!, 'Message-ID'));

  const database = await openMigratedDatabase(databaseUrl);
  try {
    const records = await new DeliveryStore(database).forCase(caseId);
    expect(records.map((r) => [r.channel, r.recipientId, r.status, r.attempts])).toEqual([['email', 'A1', 'sent', 1]]);
  } finally {
    await database.close();
  }
  const view = await waitFor(
    'the delivery on the timeline',
    async () => {
      const v = await cases.view(workflowId);
      return v.timeline.some((e) => e.kind === 'effect') ? v : undefined;
    },
    15_000,
  );
  expect(view.timeline.filter((e) => e.kind === 'effect')).toHaveLength(1);
  const refs = view.documents.map((d) => JSON.stringify(d));
  expect(new Set(refs).size).toBe(refs.length);
}, 150_000);

test('a worker killed while the case waits on a deadline: the deadline fires once on the next worker and the case moves on', async () => {
  const caseId = `sak-${pupils.timer}`;
  await startWorker();
  // The plan's one day ends `dueInMs` from now: it was agreed a day minus that long ago.
  const dueInMs = 20_000;
  const agreedAt = Date.now() + dueInMs - DAY_MS;
  const at = (msBefore: number) => new Date(agreedAt - msBefore).toISOString();
  const workflowId = await cases.open(caseInput(pupils.timer, new Date(agreedAt - 180_000)));
  await cases.send(
    workflowId,
    caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'log-1' }, at(120_000)),
  );
  await cases.send(workflowId, caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef: 'voice-1' }, at(60_000)));
  const evaluationDate = new Date(Date.now() + 3 * DAY_MS).toISOString().slice(0, 10);
  const planned = await cases.sendForView(
    workflowId,
    caseEvent('measures.agreed', { measures: ['Fast oppmøte hver morgen'], evaluationDate, planRef: 'plan-1' }, at(0), 'principal'),
  );
  expect(planned.view.state.label).toBe('Planen følges');
  expect(planned.view.deadlines.map((d) => d.name)).toEqual(['threeDayPlanPeriod']);

  // The opening's mails (to the contact teacher, and the absence routine to the guardian) out
  // first, so the kill catches the case waiting on its timer and nothing else.
  await waitFor('the opening mails', () => (mailsOf(smtp.received, caseId).length >= 2 ? true : undefined), 60_000);
  // Killed while waiting; the deadline passes with no worker at all.
  for (const w of workers.splice(0)) await w.kill('SIGKILL');
  await new Promise((r) => setTimeout(r, Math.max(0, agreedAt + DAY_MS - Date.now()) + 1_000));
  await startWorker();

  const moved = await waitFor(
    'the case past its deadline',
    async () => {
      const v = await cases.view(workflowId);
      return v.state.label !== 'Planen følges' ? v : undefined;
    },
    30_000,
  );
  expect(moved.deadlines.map((d) => d.name)).not.toContain('threeDayPlanPeriod');
  const fired = moved.timeline.filter((e) => e.kind === 'deadline' && e.name === 'threeDayPlanPeriod');
  expect(fired).toHaveLength(1);
  // Its reminder to the contact teacher (evaluate the measures) goes out once.
  const reminders = () => mailsOf(smtp.received, caseId).filter((m) => header(m, 'To') === 'kari@skole.no');
  await waitFor('the reminder', () => (reminders().length >= 2 ? true : undefined), 30_000);
  await new Promise((r) => setTimeout(r, 2_000));
  const ids = mailsOf(smtp.received, caseId).map((m) => header(m, 'Message-ID'));
  expect(new Set(ids).size).toBe(ids.length);
  // Case opened and the reminder to the contact teacher; the absence routine to the guardian.
  expect(reminders()).toHaveLength(2);
  expect(mailsOf(smtp.received, caseId)).toHaveLength(3);
}, 120_000);
