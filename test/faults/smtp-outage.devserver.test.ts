/**
 * The SMTP server down (its port closed) when a case sends an e-mail, on the real dev server with
 * the real worker process: the activity fails, each failed attempt is on the delivery record, and
 * Temporal retries it with the effect's backoff (workflows/effect-proxies.ts, machines/effects/
 * define.ts: 5 s, then twice as long each time). When the server is back the mail is delivered
 * once, and the case goes on sending its next message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { CaseClient } from '../../app/case-client';
import { type AppDatabase, openMigratedDatabase } from '../../app/database/database';
import { messageDelivery } from '../../machines/effects';
import { DeliveryStore } from '../../messages/delivery-store';
import type { DevServer } from '../../scripts/lib/dev-server';
import { caseEvent } from '../helpers/case-env';
import { startCaseDevServer } from '../helpers/case-dev-server';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';
import { type LoopbackSmtp, startLoopbackSmtp } from '../messages/smtp-server';
import { caseInput, connectCases, faultEnv, header, importPeople, mailsOf, waitFor } from './fault-case';
import { type TcpGate, startTcpGate } from './tcp-gate';

const dir = mkdtempSync(join(tmpdir(), 'smtp-outage-'));
const databaseUrl = `sqlite:${join(dir, 'skolefravaer.sqlite')}`;
const pupilId = `E${Date.now()}`;
const caseId = `sak-${pupilId}`;
let server: DevServer;
let smtp: LoopbackSmtp;
let gate: TcpGate;
let cases: CaseClient;
let database: AppDatabase;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  await importPeople(databaseUrl, [pupilId]);
  smtp = await startLoopbackSmtp();
  // The worker reaches SMTP through the gate: closed, the port refuses connections as a stopped server's would.
  gate = await startTcpGate({ port: smtp.port });
  server = await startCaseDevServer(dir);
  const env = faultEnv(dir, { address: server.address, taskQueue: `smtp-outage-${randomUUID()}`, databaseUrl, smtpPort: gate.port });
  cases = await connectCases(env);
  database = await openMigratedDatabase(databaseUrl);
  worker = await startWorkerProcess(env);
}, 60_000);

afterAll(async () => {
  await worker?.kill();
  await cases?.close();
  await database?.close();
  await server?.stop();
  await gate?.stop();
  await smtp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const deliveries = () => new DeliveryStore(database).forCase(caseId);

test('an e-mail sent while the SMTP server is down is retried with backoff and delivered once when it is back', async () => {
  // The policy the retries below follow; a change to it must be a change to this test too.
  expect(messageDelivery.retry).toEqual({ initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' });
  await gate.close();
  const workflowId = await cases.open(caseInput(pupilId, new Date()));

  // Two failed attempts, the second about 5 s after the first (the initial interval).
  const failed = await waitFor(
    'two failed attempts',
    async () => {
      const [record] = await deliveries();
      return record && record.attempts >= 2 ? record : undefined;
    },
    30_000,
  );
  expect(failed).toMatchObject({ channel: 'email', recipientId: 'A1', status: 'failed' });
  expect(failed.lastError).toMatch(/ECONNREFUSED/);
  const gap = Date.parse(failed.lastAttemptAt) - Date.parse(failed.firstAttemptAt);
  expect(gap).toBeGreaterThanOrEqual(4_000);
  expect(gap).toBeLessThan(9_000);
  // Nothing on the timeline yet: the effect is still being carried out, not given up.
  expect((await cases.view(workflowId)).timeline.filter((e) => e.kind === 'effect')).toEqual([]);

  await gate.open();
  const sent = await waitFor(
    'the delivery after the server came back',
    async () => {
      const [record] = await deliveries();
      return record?.status === 'sent' ? record : undefined;
    },
    40_000,
  );
  // The third attempt came about 10 s after the second: the interval doubled.
  expect(Date.parse(sent.lastAttemptAt) - Date.parse(failed.lastAttemptAt)).toBeGreaterThanOrEqual(8_000);
  expect(sent.attempts).toBe(3);
  expect(mailsOf(smtp.received, caseId)).toHaveLength(1);
  expect(header(mailsOf(smtp.received, caseId)[0]!, 'To')).toBe('kari@skole.no');

  // The case goes on: the guardians' contact sends them the absence routine, at once this time.
  const contacted = await cases.sendForView(
    workflowId,
    caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'log-1' }, new Date().toISOString()),
  );
  expect(contacted.view.state.label).toBe('Plan for de neste dagene');
  await waitFor('the absence routine mail', () => (mailsOf(smtp.received, caseId).length >= 2 ? true : undefined), 15_000);
  await new Promise((r) => setTimeout(r, 1_000));
  const mails = mailsOf(smtp.received, caseId);
  expect(mails.map((m) => header(m, 'To')).sort()).toEqual(['kari@skole.no', `mor-${pupilId.toLowerCase()}@example.no`]);
  const records = await deliveries();
  expect(records.map((r) => [r.recipientId, r.status])).toEqual([
    ['A1', 'sent'],
    [`F-${pupilId}`, 'sent'],
  ]);
  const view = await waitFor(
    'both deliveries on the timeline',
    async () => {
      const v = await cases.view(workflowId);
      return v.timeline.filter((e) => e.kind === 'effect').length >= 2 ? v : undefined;
    },
    15_000,
  );
  expect(view.timeline.filter((e) => e.kind === 'effect')).toHaveLength(2);
}, 150_000);
