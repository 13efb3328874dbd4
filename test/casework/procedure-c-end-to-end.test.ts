/**
 * Procedure C from opening to closing with real people, real messages and real documents: a case
 * workflow on the time-skipping server, a worker whose activities resolve roles in the people
 * directory (SQLite) and send over a real SMTP server on loopback, and every step that needs a
 * document filed through casework/ (PDF/A rendered, archived with Noark 5 metadata, the event
 * sent with the archive reference). Run once with SMTP configured and once without: the outbox
 * then holds the same messages. Every archived document is validated as PDF/A-2b with veraPDF.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { createRequire } from 'node:module';
import type ICALModule from 'ical.js' with { 'resolution-mode': 'import' };
import { createWorkerActivities } from '../../activities';
import { FileOutbox } from '../../activities/outbox';
import { CaseClient } from '../../app/case-client';
import { type AppDatabase, openMigratedDatabase } from '../../app/database/database';
import { ArchiveStore } from '../../archive/archive-store';
import { fileCaseDocument, type DocumentParticipant } from '../../casework/file-document';
import { loadSchoolDirectory, type SchoolDirectory } from '../../detection/school-directory';
import type { CaseEvent } from '../../machines/events';
import { parsePeopleCsv } from '../../people/parse-people';
import { SqlPeopleDirectory } from '../../people/people-store';
import { validatePdfAFiles } from '../../scripts/lib/verapdf';
import { buildWorker } from '../../worker/build-worker';
import { buildMessageRouting } from '../../worker/message-routing';
import { type CaseView } from '../../workflows/case-messages';
import { caseEvent, createCaseTestEnv, type CaseTestEnv } from '../helpers/case-env';
import { caseWorkflowId, testCaseIds } from '../helpers/case-ids';
import { type LoopbackSmtp, startLoopbackSmtp } from '../messages/smtp-server';
import { GOOD_ROWS, csv } from '../people/fixtures';

// ical.js's types are ESM only; its CommonJS build is what jest loads, typed as the ESM one.
const ICAL = createRequire(__filename)('ical.js') as typeof ICALModule;

jest.setTimeout(240_000);

const SCHOOLS = join(__dirname, '..', '..', 'config', 'schools.json');
const WORKFLOW_ID = caseWorkflowId('S001', 'E1');

let t: CaseTestEnv;
let smtp: LoopbackSmtp;
let dir: string;
let database: AppDatabase;
let schools: SchoolDirectory;
let archive: ArchiveStore;
let cases: CaseClient;

beforeAll(async () => {
  t = await createCaseTestEnv();
  smtp = await startLoopbackSmtp();
  dir = mkdtempSync(join(tmpdir(), 'c-e2e-'));
  database = await openMigratedDatabase(`sqlite:${join(dir, 'skolefravaer.sqlite')}`);
  const people = parsePeopleCsv(csv(GOOD_ROWS));
  expect(people.errors).toEqual([]);
  await new SqlPeopleDirectory(database).importBatch(people.batch);
  schools = await loadSchoolDirectory(SCHOOLS);
  archive = new ArchiveStore(database, join(dir, 'arkiv'));
  cases = new CaseClient(t.env.client, t.taskQueue, testCaseIds);
});
afterAll(async () => {
  await t?.teardown();
  await smtp?.stop();
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

const now = () => t.now();
const day = async (offset = 0) => new Date(Date.parse(await now()) + offset * 86_400_000).toISOString().slice(0, 10);
const staff = (role: DocumentParticipant['role'], personId: string): DocumentParticipant => ({ role, personId });
const MEETING_PEOPLE: DocumentParticipant[] = [
  staff('principal', 'A2'),
  staff('contact-teacher', 'A1'),
  staff('guardians', 'F1'),
  staff('guardians', 'F2'),
];

/** Files the document `event` needs and sends the event with its archive reference. */
async function file(event: CaseEvent, fields: unknown, participants: DocumentParticipant[] = []): Promise<void> {
  const { result } = await fileCaseDocument(
    { cases, archive, people: new SqlPeopleDirectory(database), schools },
    { workflowId: WORKFLOW_ID, event, fields, participants },
  );
  expect(result.applied).toBe(true);
}

const send = async (event: CaseEvent) => expect((await cases.send(WORKFLOW_ID, event)).applied).toBe(true);
const view = (): Promise<CaseView> => cases.view(WORKFLOW_ID);

/** Procedure C's longest route, every document filed for real, the meetings scheduled (one of them moved). */
async function runRoute(caseId: string): Promise<CaseView> {
  await cases.open({
    procedureId: 'tiltaksplan-elevfravaer',
    facts: {
      caseId,
      pupilId: 'E1',
      schoolId: 'S001',
      grade: 5,
      openedAt: await now(),
      trigger: { rule: 'consecutive-days', dates: [await day(-3), await day(-2), await day(-1)] },
    },
  });
  await file(caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: '-' }, await now()), {
    conversationDate: await day(),
    channel: 'phone',
    summary: 'Samtale med mor om fraværet de siste dagene.',
    agreed: 'Eleven kommer på skolen i morgen; kontaktlærer tar imot.',
    nextStep: 'Elevsamtale og plan for tre dager.',
  });
  await file(caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef: '-' }, await now()), {
    conversationDate: await day(),
    source: 'pupil-conversation',
    pupilDescription: 'Eleven synes friminuttene er vanskelige.',
    pupilWishes: 'Å ha en voksen å gå til om morgenen.',
  });
  const plan = async (days: number) =>
    file(
      caseEvent(
        'measures.agreed',
        { measures: ['Fast oppmøte med kontaktlærer hver morgen'], evaluationDate: await day(days), planRef: '-' },
        await now(),
        'principal',
      ),
      {
        goal: 'Eleven er på skolen hver dag.',
        measures: [{ measure: 'Kontaktlærer tar imot eleven hver morgen', responsible: 'Kontaktlærer', when: 'Hver skoledag' }],
        evaluationDate: await day(days),
      },
      [staff('principal', 'A2'), staff('contact-teacher', 'A1')],
    );
  await plan(3);
  await t.env.sleep('3 days');
  await cases.signalFacts(
    WORKFLOW_ID,
    caseEvent('absence.newTrigger', { trigger: { rule: 'consecutive-days', dates: [await day(-1)] } }, await now(), 'system'),
  );
  for (let i = 0; i < 50 && !(await view()).triggers.some((tr) => tr.effect === 'moved'); i += 1)
    await new Promise((r) => setTimeout(r, 50));
  await file(caseEvent('guardians.contacted', { channel: 'meeting', cause: 'home-related', documentRef: '-' }, await now()), {
    conversationDate: await day(),
    channel: 'meeting',
    summary: 'Nytt fravær; foresatte ønsker et møte med skolen.',
    agreed: 'Rektor kaller inn til møte.',
    nextStep: 'Møte med rektor denne uken.',
  });
  expect((await view()).state.label).toBe('Rektor kaller inn til møte');
  // The principal sets a time, then moves it: the same calendar entry, changed once.
  const participants = ['principal', 'contact-teacher', 'guardians', 'pupil'] as const;
  await send(
    caseEvent(
      'meeting.scheduled',
      { meeting: 'leadership-meeting', scheduledFor: `${await day(2)}T10:00:00+02:00`, participants: [...participants] },
      await now(),
      'principal',
    ),
  );
  await send(
    caseEvent(
      'meeting.scheduled',
      { meeting: 'leadership-meeting', scheduledFor: `${await day(3)}T12:30:00+02:00`, participants: [...participants] },
      await now(),
      'principal',
    ),
  );
  await t.env.sleep('3 days');
  await file(
    caseEvent(
      'meeting.held',
      { meeting: 'leadership-meeting', participants: [...participants], pupilPresent: true, minutesRef: '-' },
      await now(),
      'principal',
    ),
    {
      meetingKind: 'leadership-meeting',
      meetingDate: await day(),
      agenda: [{ topic: 'Fraværet og hva som ligger bak', discussion: 'Eleven og foresatte fortalte om morgenene.' }],
      decisions: [{ decision: 'Kartlegging av situasjonen', responsible: 'Kontaktlærer', deadline: await day(7) }],
    },
    MEETING_PEOPLE,
  );
  await file(caseEvent('mapping.completed', { form: 'situation-mapping', documentRef: '-' }, await now(), 'principal'), {
    absencePattern: 'Mest fravær mandager.',
    startedWhen: 'Etter høstferien.',
    schoolSituation: 'Trives i timene, strever i friminuttene.',
    socialSituation: 'Få venner i klassen.',
    healthAsGuardiansDescribe: 'Foresatte beskriver ingen sykdom.',
    pupilView: 'Vil gjerne være på skolen med en voksen å gå til.',
    whatHelps: 'Fast voksen om morgenen.',
  });
  await file(caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef: '-' }, await now()), {
    conversationDate: await day(),
    source: 'pupil-conversation',
    pupilDescription: 'Morgenene er best når noen venter.',
    pupilWishes: 'Fortsette med kontaktlærer om morgenen.',
  });
  await plan(21);
  expect((await view()).state.label).toBe('Tiltak gjennomføres');
  await t.env.sleep('22 days');
  expect((await view()).state.label).toBe('Oppfølgingsmøte');
  await file(
    caseEvent(
      'meeting.held',
      { meeting: 'evaluation-meeting', participants: [...participants], pupilPresent: true, minutesRef: '-' },
      await now(),
      'principal',
    ),
    {
      meetingKind: 'evaluation-meeting',
      meetingDate: await day(),
      agenda: [{ topic: 'Evaluering av tiltakene' }],
      decisions: [],
    },
    MEETING_PEOPLE,
  );
  await file(caseEvent('evaluation.held', { outcome: 'improved', minutesRef: '-' }, await now(), 'principal'), {
    evaluationDate: await day(),
    measuresEvaluated: [{ measure: 'Kontaktlærer tar imot eleven hver morgen', assessment: 'Har virket godt.' }],
    outcome: 'better',
    nextStep: 'Avslutte saken.',
  });
  await file(
    caseEvent(
      'case.closed',
      { reason: 'absence-improved', note: 'Fraværet er merkbart mindre.', documentRef: '-' },
      await now(),
      'principal',
    ),
    {
      closingReason: 'absence-improved',
      caseSummary: 'Tiltakene har virket, og fraværet er lavt.',
      absenceAtClosing: 'Ingen fravær de siste tre ukene.',
      approvedBy: 'Rektor',
    },
  );
  const handle = t.env.client.workflow.getHandle(WORKFLOW_ID);
  return (await handle.result()) as CaseView;
}

/** What one person got: their id, the subject with the case's own reference taken out, and whether a calendar entry came with it. */
type Sent = [personId: string, subject: string, calendar: boolean];
/** A meeting's day and time as the subjects write them ("tirsdag 8. desember 2026 kl. 11.30"): the two runs hold their meetings on different days. */
const WHEN = /\p{L}+ \d{1,2}\. \p{L}+ \d{4} kl\. \d{2}\.\d{2}/gu;
const sentKey = (caseId: string, personId: string, subject: string, calendar: boolean): Sent => [
  personId,
  subject.replace(caseId, '<sak>').replace(WHEN, '<tid>'),
  calendar,
];

async function withRoutedWorker<T>(smtpOn: boolean, outbox: FileOutbox, body: () => Promise<T>): Promise<T> {
  const routing = buildMessageRouting({
    database,
    schools,
    outbox,
    messages: smtpOn
      ? { smtp: { host: '127.0.0.1', port: smtp.port, security: 'off', from: 'Skolefravær <fravaer@kommune.no>', schoolSenders: {} } }
      : {},
  });
  const worker = await buildWorker({
    connection: t.env.nativeConnection,
    namespace: t.env.namespace ?? 'default',
    taskQueue: t.taskQueue,
    activities: createWorkerActivities({ outbox, routing: routing.routing }),
  });
  try {
    return await worker.runUntil(body);
  } finally {
    routing.close();
  }
}

const smtpSent: Sent[] = [];

test('with SMTP configured the case delivers the expected e-mails, with a calendar entry where a meeting is called', async () => {
  const outbox = new FileOutbox(join(dir, 'utboks-smtp'));
  const final = await withRoutedWorker(true, outbox, () => runRoute('sak-smtp'));
  expect(final.status).toBe('closed');
  expect(await outbox.list()).toEqual([]);
  const mails = await Promise.all(smtp.received.map((raw) => simpleParser(raw)));
  const personOf: Record<string, string> = {
    'mor@example.no': 'F1',
    'far@example.no': 'F2',
    'kari@skole.no': 'A1',
    'rita@skole.no': 'A2',
    'helga@skole.no': 'A3',
  };
  for (const mail of mails) {
    const to = (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a?.value.map((v) => v.address ?? '') ?? []);
    expect(to).toHaveLength(1);
    const ics = mail.attachments.find((a) => a.contentType === 'text/calendar');
    smtpSent.push(sentKey('sak-smtp', personOf[to[0]!] ?? to[0]!, mail.subject ?? '', ics !== undefined));
  }
  const people = new Set(smtpSent.map(([person]) => person));
  // Both guardians with parental responsibility, the contact teacher and the principal; never the step-parent without it.
  expect([...people].sort()).toEqual(expect.arrayContaining(['A1', 'A2', 'F1', 'F2']));
  expect(people.has('ste@example.no')).toBe(false);
  expect(people.has('F3')).toBe(false);
  // The leadership meeting: an invitation to each participant we have an address for, twice (set, then moved), same UID, SEQUENCE 0 then 1.
  const invitations = mails.filter((m) => m.attachments.some((a) => a.contentType === 'text/calendar'));
  const entries = invitations.map((m) => {
    const calendar = new ICAL.Component(ICAL.parse(m.attachments.find((a) => a.contentType === 'text/calendar')!.content.toString('utf8')));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
    return { uid: event.uid, sequence: event.sequence };
  });
  expect(entries.length).toBe(8); // 4 people (both guardians, principal, contact teacher) × 2 versions
  expect(new Set(entries.map((e) => e.uid)).size).toBe(1);
  expect(entries.map((e) => e.sequence).sort()).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
  // The messages say what happens next and whom to contact; no free text from the case reaches them.
  for (const mail of mails) {
    expect(mail.text).not.toMatch(/Fraværet er merkbart mindre|friminuttene|Få venner/);
  }
  // Deliveries are on the case's timeline, by person id only.
  const effects = final.timeline.filter((e) => e.kind === 'effect');
  expect(effects.flatMap((e) => (e.kind === 'effect' ? (e.deliveries ?? []) : [])).length).toBe(mails.length);
  expect(JSON.stringify(final)).not.toMatch(/@example\.no|Nordmann|Kari Kontakt/);
});

test('without SMTP the outbox holds the same messages', async () => {
  const outbox = new FileOutbox(join(dir, 'utboks'));
  const final = await withRoutedWorker(false, outbox, () => runRoute('sak-utboks'));
  expect(final.status).toBe('closed');
  const kept = (await outbox.list()).map((m) => sentKey('sak-utboks', m.recipient!.personId, m.subject, (m.attachments ?? []).length > 0));
  expect(kept.sort()).toEqual([...smtpSent].sort());
});

test('every document of the case is a valid PDF/A in the archive, and the case lists each by its archive reference', async () => {
  for (const caseId of ['sak-smtp', 'sak-utboks']) {
    const documents = await archive.documentsOfCase(caseId);
    expect(documents.map((d) => d.documentKind).sort()).toEqual(
      [
        'closing-note',
        'contact-log',
        'contact-log',
        'evaluation',
        'mapping-form',
        'measures-plan',
        'measures-plan',
        'minutes',
        'minutes',
        'pupil-voice',
        'pupil-voice',
      ].sort(),
    );
    const files: string[] = [];
    for (const document of documents) {
      const { content } = await archive.readDocument(document.reference);
      const path = join(dir, `${caseId}-${document.entryNumber}.pdf`);
      writeFileSync(path, content);
      files.push(path);
    }
    // The case file carries the case's number on every document, and closed with the case.
    const caseFile = await archive.caseFile(caseId);
    expect(caseFile).toMatchObject({ status: 'closed', administrativeUnit: 'S001', accessRestriction: expect.any(String) });
    const results = await validatePdfAFiles(files);
    for (const file of files) expect([file, results.get(file)?.compliant]).toEqual([file, true]);
  }
  // The case's own list of documents is the archive's references.
  const history = await t.env.client.workflow.getHandle(WORKFLOW_ID).result();
  expect((history as CaseView).documents.every((d) => d.ref.startsWith('arkiv:'))).toBe(true);
});
