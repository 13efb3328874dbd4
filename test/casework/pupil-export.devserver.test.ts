/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 */
/**
 * A guardian's access request end to end: pupil E1 (Ola Nordmann at S001, guardians from the
 * people fixture, one with a protected address) gets registrations, a ledger row, a case with a
 * document filed through casework/file-document.ts that is then closed, a second case opened
 * afterwards, a delivery record and a page view in the web application; all on a real dev server
 * with a worker and the product's payload codec. `npm run access-export`'s code then connects
 * the way the command does (settings, key file) and writes the folder, which is checked against
 * what was made: every part of innsyn.json, the PDF's checksum, LESMEG.txt, and a stdout without
 * personal data. A pupil nothing is held about is notFound.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../app/exit-codes';
import { loadOrCreateKeyRing } from '../../app/payload-keys';
import { parseSettings } from '../../app/settings';
import { ArchiveStore } from '../../archive/archive-store';
import { fileCaseDocument } from '../../casework/file-document';
import { validatedExport } from '../../casework/pupil-export';
import { runAccessExportCli } from '../../cli/access-export';
import { SqlTriggerLedger } from '../../detection/trigger-ledger';
import { loadSchoolDirectory } from '../../detection/school-directory';
import { SqlRegistrationStore } from '../../intake/registration-store';
import { DeliveryStore } from '../../messages/delivery-store';
import { SqlPeopleDirectory } from '../../people/people-store';
import { caseEvent } from '../helpers/case-env';
import { Session } from '../web/helpers/session';
import { type WebTestEnv, createWebTestEnv } from '../web/helpers/web-env';

jest.setTimeout(180_000);

const SCHOOLS = join(__dirname, '..', '..', 'config', 'schools.json');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

let env: WebTestEnv;
let keysFile: string;
let out: string;
let firstWorkflowRun: { workflowId: string; caseId: string };

/** Waits until visibility lists the case's current run with `status`. */
async function waitForStatus(workflowId: string, status: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    for await (const row of env.cases.list({ workflowIds: [workflowId] })) if (row.status.name === status) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${workflowId} is not ${status} after 20 s`);
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'innsyn-e2e-'));
  keysFile = join(out, 'keys.json');
  env = await createWebTestEnv({}, { keys: loadOrCreateKeyRing(keysFile) });
  const registration = {
    pupilId: 'E1',
    schoolId: 'S001',
    grade: 5,
    valid: false,
    notifiedByGuardians: false,
    lateArrival: false,
    leftDuringDay: false,
  };
  await new SqlRegistrationStore(env.database).upsert([
    { ...registration, date: day(-12), wholeDay: true, reasonCode: 'UGYLDIG' },
    { ...registration, date: day(-11), wholeDay: false, lessons: 2, reasonCode: 'SYK', note: 'Hodepine' },
    // Another pupil's registration is never exported.
    { ...registration, pupilId: 'E2', grade: 3, date: day(-11), wholeDay: true, reasonCode: 'UGYLDIG' },
  ]);
  await new SqlTriggerLedger(env.database).save('S001', new Map([['E1', { pupilId: 'E1', triggers: [], caseOpen: true }]]));

  // The first case: a document filed through the product's filing, then closed.
  const workflowId = await env.openCase('S001', 'E1', 10);
  const deps = {
    cases: env.cases,
    archive: new ArchiveStore(env.database, env.archiveDir),
    people: new SqlPeopleDirectory(env.database),
    schools: await loadSchoolDirectory(SCHOOLS),
  };
  await fileCaseDocument(deps, {
    workflowId,
    event: caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: '-' }, new Date().toISOString()),
    fields: {
      conversationDate: day(0),
      channel: 'phone',
      summary: 'Samtale med mor om fraværet de siste dagene.',
      agreed: 'Eleven kommer på skolen i morgen.',
      nextStep: 'Elevsamtale.',
    },
  });
  const view = await env.cases.view(workflowId);
  firstWorkflowRun = { workflowId, caseId: view.caseId };
  await new DeliveryStore(env.database).recordSent({
    idempotencyKey: `${view.caseId}:1:F1`,
    caseId: view.caseId,
    channel: 'outbox',
    recipientId: 'F1',
    at: new Date().toISOString(),
  });
  // The contact teacher's page view is in the access log.
  const teacher = new Session(env.app);
  await teacher.signIn('kontaktlaerer');
  expect((await teacher.get(`/saker/${workflowId}`)).statusCode).toBe(200);
  await env.cases.send(
    workflowId,
    caseEvent(
      'case.closed',
      { reason: 'pupil-moved', note: 'Flyttet', documentRef: 'avslutning-1' },
      new Date().toISOString(),
      'principal',
    ),
  );
  await waitForStatus(workflowId, 'COMPLETED');

  // A second case for the same pupil: the same (pseudonymous) workflow id, a new run.
  await env.cases.open({
    procedureId: 'tiltaksplan-elevfravaer',
    facts: {
      caseId: 'sak-innsyn-2',
      pupilId: 'E1',
      schoolId: 'S001',
      grade: 5,
      openedAt: new Date().toISOString(),
      trigger: { rule: 'consecutive-days', dates: [day(-3), day(-2), day(-1)] },
    },
  });
  await waitForStatus(workflowId, 'RUNNING');
});
afterAll(async () => {
  await env?.close();
  rmSync(out, { recursive: true, force: true });
});

/** Runs the command with settings that point at the test's dev server, database, archive and key file. */
async function exportFor(pupilId: string, target: string) {
  const lines = { out: [] as string[], err: [] as string[] };
  const settings = () =>
    parseSettings({
      TEMPORAL_ADDRESS: env.address,
      PAYLOAD_KEYS_FILE: keysFile,
      DATABASE_URL: `sqlite:${join(env.dir, 'skolefravaer.sqlite')}`,
      ARCHIVE_DIR: env.archiveDir,
      DATA_DIR: out,
    });
  const code = await runAccessExportCli(
    ['--school', 'S001', '--pupil', pupilId, '--out', target],
    { out: (l) => lines.out.push(l), err: (l) => lines.err.push(l) },
    settings,
  );
  return { code, out: lines.out.join('\n'), err: lines.err.join('\n') };
}

describe('the export of pupil E1', () => {
  let target: string;
  let result: Awaited<ReturnType<typeof exportFor>>;
  let json: ReturnType<typeof validatedExport>;

  beforeAll(async () => {
    target = join(out, 'innsyn-E1');
    result = await exportFor('E1', target);
    if (result.code !== EXIT.ok) throw new Error(`export failed (${result.code}): ${result.err}`);
    json = validatedExport(JSON.parse(readFileSync(join(target, 'innsyn.json'), 'utf8')));
  });

  test('stdout says where the folder is and counts, nothing personal', () => {
    expect(result.out).toContain(`Innsyn eksportert til ${target}`);
    expect(result.out).toContain('Fraværsregistreringer: 2');
    expect(result.out).toContain('Sakskjøringer: 2');
    expect(result.out).toContain('Oppføringer i tilgangsloggen: 1');
    expect(result.out).not.toMatch(/Ola|Nordmann|Hodepine|Samtale/);
  });

  test('the pupil, the contact teacher and the guardians; the guardian with a protected address unnamed', () => {
    expect(json.pupil).toEqual({ pupilId: 'E1', name: 'Ola Nordmann', grade: 5, contactTeacher: { staffId: 'A1', name: 'Kari Kontakt' } });
    expect(json.guardians).toEqual([
      expect.objectContaining({ guardianId: 'F1', name: 'Mor Nordmann', email: 'mor@example.no', protectedAddress: false }),
      { guardianId: 'F2', protectedAddress: true, parentalResponsibility: true, livesWith: false },
      expect.objectContaining({ guardianId: 'F3', name: 'Steforelder', parentalResponsibility: false }),
    ]);
    const text = readFileSync(join(target, 'innsyn.json'), 'utf8');
    for (const hidden of ['Far Skjult', 'far@example.no', '92222222'])
      expect({ hidden, found: text.includes(hidden) }).toEqual({ hidden, found: false });
  });

  test("the pupil's registrations at the school and detection's ledger row; another pupil's are left out", () => {
    expect(json.registrations.map((r) => [r.pupilId, r.date, r.reasonCode])).toEqual([
      ['E1', day(-12), 'UGYLDIG'],
      ['E1', day(-11), 'SYK'],
    ]);
    expect(json.detectionLedger?.record).toMatchObject({ pupilId: 'E1', caseOpen: true });
  });

  test('both runs of the case: the closed one with its timeline from its result, the running one from the query', () => {
    expect(json.cases.map((c) => [c.workflowId, c.status, c.viewSource])).toEqual([
      [firstWorkflowRun.workflowId, 'COMPLETED', 'result'],
      [firstWorkflowRun.workflowId, 'RUNNING', 'query'],
    ]);
    const [closed, running] = json.cases;
    expect(closed!.closedAt).toBeDefined();
    expect(closed!.view).toMatchObject({ caseId: firstWorkflowRun.caseId, pupilId: 'E1', status: 'closed' });
    const events = closed!.view!.timeline.filter((e) => e.kind === 'event').map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['guardians.contacted', 'case.closed']));
    expect(closed!.view!.documents).toEqual([
      expect.objectContaining({ eventType: 'guardians.contacted', ref: expect.stringMatching(/^arkiv:\d{4}\/\d+-1$/) }),
      expect.objectContaining({ eventType: 'case.closed', ref: 'avslutning-1' }),
    ]);
    expect(running!.view).toMatchObject({ caseId: 'sak-innsyn-2', status: 'open' });
    expect(running!.view!.deadlines.length).toBeGreaterThan(0);
  });

  test('the archived document is copied to dokumenter/ with the checksum innsyn.json gives', () => {
    const documents = json.archive.flatMap((c) => c.documents);
    expect(documents).toHaveLength(1);
    const [file] = documents[0]!.exportedFiles;
    expect(file!.file).toMatch(/^dokumenter\/\d{4}-\d{2}-\d{2}_[a-z0-9-]+_\d{4}-\d+-1_v1\.pdf$/);
    expect(readdirSync(join(target, 'dokumenter'))).toEqual([file!.file.slice('dokumenter/'.length)]);
    const bytes = readFileSync(join(target, file!.file));
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(sha256(bytes)).toBe(file!.checksum);
    expect(file!.checksum).toBe(documents[0]!.checksum);
    expect(json.archive.map((c) => c.caseId)).toEqual([firstWorkflowRun.caseId, 'sak-innsyn-2']);
  });

  test('the delivery records and the access log: who opened the case and when', () => {
    expect(json.messageDeliveries).toEqual([
      expect.objectContaining({ caseId: firstWorkflowRun.caseId, recipientId: 'F1', status: 'sent' }),
    ]);
    expect(json.accessLog).toEqual([
      {
        workflowId: firstWorkflowRun.workflowId,
        openedAt: expect.any(String),
        action: 'view',
        userId: expect.any(String),
        userName: 'Kari Kontakt',
        userRole: 'contact-teacher',
      },
    ]);
  });

  test('LESMEG.txt says in Norwegian what the folder holds and when it was made', () => {
    const text = readFileSync(join(target, 'LESMEG.txt'), 'utf8');
    expect(text).toContain('Elev: Ola Nordmann (elev-id E1)');
    expect(text).toContain('dokumenter/     de arkiverte dokumentene som PDF (1 filer');
    expect(text).toContain('Én foresatt har skjermet adresse');
    expect(text).toMatch(/Eksportert: \d{4}-\d{2}-\d{2} kl\. \d{2}:\d{2}/);
  });

  test('the same target again is refused; what is there stays', async () => {
    const again = await exportFor('E1', target);
    expect(again.code).toBe(EXIT.usage);
    expect(again.err).toContain('finnes og er ikke tom');
    expect(readdirSync(target).sort()).toEqual(['LESMEG.txt', 'dokumenter', 'innsyn.json']);
  });

  test('a terminated run is exported with the view its worker answers by replaying it', async () => {
    await env.cases.client.workflow.getHandle(firstWorkflowRun.workflowId).terminate('test');
    await waitForStatus(firstWorkflowRun.workflowId, 'TERMINATED');
    const again = join(out, 'innsyn-E1-etter-avbrudd');
    expect((await exportFor('E1', again)).code).toBe(EXIT.ok);
    const after = validatedExport(JSON.parse(readFileSync(join(again, 'innsyn.json'), 'utf8')));
    expect(after.cases.map((c) => [c.status, c.viewSource, c.view?.caseId])).toEqual([
      ['COMPLETED', 'result', firstWorkflowRun.caseId],
      ['TERMINATED', 'query', 'sak-innsyn-2'],
    ]);
  });
});

test('a pupil nothing is held about is notFound, naming the pupil; no folder is written', async () => {
  const target = join(out, 'innsyn-E77');
  const result = await exportFor('E77', target);
  expect(result.code).toBe(EXIT.notFound);
  expect(result.err).toContain('Finner ingen opplysninger om eleven «E77» ved skolen «S001»');
  expect(readdirSync(out)).not.toContain('innsyn-E77');
});
