/**
 * The Temporal dev server stopped while cases wait on their deadlines, and started again on the
 * same database file and address; the worker process keeps running and reconnects by itself.
 * Deadlines that fell due while the server was down fire once when it is back, one due after
 * the restart fires on time; every case is still there, each timer fired exactly once (its
 * history's TimerFired events and the case's timeline), and each deadline's reminder sent once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { CaseClient } from '../../app/case-client';
import type { DevServer } from '../../scripts/lib/dev-server';
import { caseEvent } from '../helpers/case-env';
import { startCaseDevServer } from '../helpers/case-dev-server';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';
import { type LoopbackSmtp, startLoopbackSmtp } from '../messages/smtp-server';
import { DAY_MS, caseInput, connectCases, faultEnv, header, importPeople, mailsOf, waitFor } from './fault-case';

const dir = mkdtempSync(join(tmpdir(), 'devserver-restart-'));
const databaseUrl = `sqlite:${join(dir, 'skolefravaer.sqlite')}`;
/** Each case's plan ends this long after the test starts its cases: two while the server is down, one after. */
const DUE_IN_MS = [15_000, 20_000, 50_000];
const pupilIds = DUE_IN_MS.map((_, i) => `E${Date.now()}R${i}`);
let server: DevServer;
let smtp: LoopbackSmtp;
let cases: CaseClient;
let env: Record<string, string>;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  await importPeople(databaseUrl, pupilIds);
  smtp = await startLoopbackSmtp();
  server = await startCaseDevServer(dir);
  env = faultEnv(dir, { address: server.address, taskQueue: `devserver-restart-${randomUUID()}`, databaseUrl, smtpPort: smtp.port });
  cases = await connectCases(env);
  worker = await startWorkerProcess(env);
}, 60_000);

afterAll(async () => {
  await worker?.kill();
  await cases?.close();
  await server?.stop();
  await smtp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens a case whose one-day plan was agreed so that it ends at `dueAtMs`. */
async function caseWaitingUntil(pupilId: string, dueAtMs: number): Promise<string> {
  const agreedAt = dueAtMs - DAY_MS;
  const at = (msBefore: number) => new Date(agreedAt - msBefore).toISOString();
  const workflowId = await cases.open(caseInput(pupilId, new Date(agreedAt - 180_000)));
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
  expect(planned.view.deadlines.map((d) => d.name)).toEqual(['threeDayPlanPeriod']);
  return workflowId;
}

async function timersFired(workflowId: string): Promise<number> {
  const history = await cases.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((e) => e.timerFiredEventAttributes).length;
}

test('deadlines due while the dev server was down fire once after its restart, and none is lost', async () => {
  const start = Date.now();
  const workflowIds: string[] = [];
  for (const [i, pupilId] of pupilIds.entries()) workflowIds.push(await caseWaitingUntil(pupilId, start + DUE_IN_MS[i]!));
  // Every case still waiting when the server goes.
  expect(Date.now()).toBeLessThan(start + DUE_IN_MS[0]!);

  const port = Number(server.address.split(':').pop());
  await server.stop();
  // Down until the first two deadlines have passed.
  await new Promise((r) => setTimeout(r, Math.max(0, start + DUE_IN_MS[1]! - Date.now()) + 2_000));
  server = await startCaseDevServer(dir, port);

  const moved = (workflowId: string) => async () => {
    const view = await cases.view(workflowId);
    return view.state.label !== 'Planen følges' ? view : undefined;
  };
  for (const workflowId of workflowIds.slice(0, 2)) await waitFor(`${workflowId} past its deadline`, moved(workflowId), 60_000);
  // The third still waits, and then fires on time on the restarted server.
  expect((await cases.view(workflowIds[2]!)).state.label).toBe('Planen følges');
  await waitFor('the third case past its deadline', moved(workflowIds[2]!), Math.max(0, start + DUE_IN_MS[2]! - Date.now()) + 30_000);

  // No case lost: each is still running.
  for (const workflowId of workflowIds) expect(await cases.isOpen(workflowId)).toBe(true);
  for (const [i, workflowId] of workflowIds.entries()) {
    const view = await cases.view(workflowId);
    expect(view.timeline.filter((e) => e.kind === 'deadline' && e.name === 'threeDayPlanPeriod')).toHaveLength(1);
    expect(await timersFired(workflowId)).toBe(1);
    // Case opened, the reminder after the plan (contact teacher) and the absence routine (guardian): each once.
    await waitFor(`the reminder of case ${i}`, () => (mailsOf(smtp.received, `sak-${pupilIds[i]}`).length >= 3 ? true : undefined), 30_000);
  }
  await new Promise((r) => setTimeout(r, 1_000));
  for (const pupilId of pupilIds) {
    const mails = mailsOf(smtp.received, `sak-${pupilId}`);
    expect(mails).toHaveLength(3);
    expect(new Set(mails.map((m) => header(m, 'Message-ID'))).size).toBe(3);
  }
}, 170_000);
