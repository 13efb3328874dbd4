/**
 * The audit of real cases against a real dev server and a real worker process, with the case
 * data converter sealing every payload: the cases are listed by their search attributes (school,
 * opening day), every run's history is fetched and unsealed with the key file's keys, and the
 * report covers exactly the school and period asked for.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import { CaseClient } from '../../app/case-client';
import { ENCRYPTED_ENCODING } from '../../app/payload-codec';
import { parseSettings } from '../../app/settings';
import { parseCaseEvent } from '../../machines/events';
import { runCaseAudit } from '../../case-audit/run-case-audit';
import type { DevServer } from '../../scripts/lib/dev-server';
import type { CaseWorkflowInput } from '../../workflows/case-messages';
import { startCaseDevServer } from '../helpers/case-dev-server';
import { type WorkerProcess, startWorkerProcess } from '../helpers/worker-process';

const dir = mkdtempSync(join(tmpdir(), 'case-audit-dev-'));
const taskQueue = `case-audit-${randomUUID()}`;
const keysFile = join(dir, 'payload-keys.json');
const tag = randomUUID().slice(0, 8);
let server: DevServer;
let worker: WorkerProcess;
let cases: CaseClient;
const settings = () =>
  parseSettings({ TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: taskQueue, PAYLOAD_KEYS_FILE: keysFile }).temporal;

beforeAll(async () => {
  server = await startCaseDevServer(dir);
  worker = await startWorkerProcess({
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    OUTBOX_DIR: join(dir, 'outbox'),
    PAYLOAD_KEYS_FILE: keysFile,
  });
  cases = await CaseClient.connect(settings());
}, 120_000);

afterAll(async () => {
  await cases?.close();
  await worker?.kill();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const today = () => new Date().toISOString().slice(0, 10);
const dayBefore = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

function input(schoolId: string, pupilId: string): CaseWorkflowInput {
  return {
    procedureId: 'tiltaksplan-elevfravaer',
    facts: {
      caseId: `sak-${pupilId}`,
      pupilId,
      schoolId,
      grade: 8,
      openedAt: new Date().toISOString(),
      trigger: { rule: 'consecutive-days', dates: [dayBefore(3), dayBefore(2), dayBefore(1)] },
    },
    openingEventId: `detection-${randomUUID()}`,
  };
}

const event = (type: string, role: string, data: Record<string, unknown>) =>
  parseCaseEvent({ type, eventId: randomUUID(), actor: { role, userId: `${role}-1` }, at: new Date().toISOString(), ...data });

/** Waits until visibility lists `n` cases of the school, closed as asked. */
async function listed(schoolId: string, n: number, closed: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const all = [];
    for await (const wf of cases.client.workflow.list({ query: `SchoolId = '${schoolId}'` })) all.push(wf);
    if (all.length === n && all.filter((wf) => wf.status.name === 'COMPLETED').length === closed) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`visibility never listed ${n} cases of ${schoolId}`);
}

test("lists the school's cases of the period, unseals their histories and audits exactly them", async () => {
  const school = `A${tag}`;
  const other = `B${tag}`;
  const closedCase = await cases.open(input(school, 'elev1'));
  const openCase = await cases.open(input(school, 'elev2'));
  const elsewhere = await cases.open(input(other, 'elev3'));
  await cases.send(
    closedCase,
    event('guardians.contacted', 'contact-teacher', { channel: 'phone', cause: 'school-related', documentRef: 'logg-1' }),
  );
  for (const id of [closedCase, elsewhere]) {
    await cases.send(
      id,
      event('case.closed', 'principal', { reason: 'pupil-moved', note: 'Eleven har flyttet til Bergen.', documentRef: 'avslutning' }),
    );
  }
  await listed(school, 2, 1);
  await listed(other, 1, 1);

  // What the server keeps is sealed: the audit can read it only with the key file's keys.
  const history = await cases.client.workflow.getHandle(closedCase).fetchHistory();
  const startInput = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
  expect(Buffer.from(startInput.metadata![METADATA_ENCODING_KEY]!).toString()).toBe(ENCRYPTED_ENCODING);

  const outDir = join(dir, 'rapport');
  const { report, exitCode } = await runCaseAudit({ temporal: { settings: settings() }, schoolId: school, from: today(), outDir });
  expect(report.cases.map((c) => c.caseRef).sort()).toEqual([closedCase, openCase].sort());
  expect(report.summary).toMatchObject({ cases: 2, conforming: 2 });
  const closed = report.cases.find((c) => c.caseRef === closedCase)!;
  expect(closed).toMatchObject({
    status: 'closed',
    pupilId: 'elev1',
    closing: { reason: 'pupil-moved', note: 'Eleven har flyttet til Bergen.' },
  });
  expect(closed.events.map((e) => e.type)).toEqual(['guardians.contacted', 'case.closed']);
  expect(report.cases.find((c) => c.caseRef === openCase)!.status).toBe('open');
  // On time so far; but the worker's people directory is empty, so each message reached nobody:
  // the case records it, and the audit reports each role not reached, for the school owner to mend.
  const findings = report.cases.flatMap((c) => c.findings);
  expect(findings.length).toBeGreaterThan(0);
  for (const f of findings) {
    expect(f.rule).toBe('delivery-failed');
    expect(f.message).toMatch(/nådde ingen med rollen .*: eleven finnes ikke i personkatalogen/);
  }
  expect(exitCode).toBe(9);
  expect(JSON.parse(readFileSync(join(outDir, 'cases.json'), 'utf8')).summary.cases).toBe(2);

  // The county governor's copy: pseudonyms under the key file's id key, no notes.
  const governor = await runCaseAudit({
    temporal: { settings: settings() },
    schoolId: school,
    outDir: join(dir, 'statsforvalter'),
    pseudonymise: true,
  });
  const text = JSON.stringify(governor.report);
  expect(governor.report.summary.cases).toBe(2);
  for (const secret of ['elev1', 'elev2', closedCase, 'Bergen']) expect(text).not.toContain(secret);

  // A period that starts tomorrow has none of them.
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  expect(
    (await runCaseAudit({ temporal: { settings: settings() }, schoolId: school, from: tomorrow, outDir: join(dir, 'tom') })).report.summary
      .cases,
  ).toBe(0);
});
