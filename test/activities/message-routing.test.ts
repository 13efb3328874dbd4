/**
 * Effect activities with a people directory: roles become people at the moment of sending, each
 * person gets one message in their own language through the configured transport (a real SMTP
 * server and an HTTP SMS gateway on loopback), the outbox keeps the same messages when no
 * transport is configured, the protected-address and parental-responsibility rules hold, roles
 * that reach nobody are reported, and a retried activity sends nothing twice. SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createRequire } from 'node:module';
import type ICALModule from 'ical.js' with { 'resolution-mode': 'import' };
import { createWorkerActivities, type WorkerActivities } from '../../activities';
import { FileOutbox } from '../../activities/outbox';
import type { AppDatabase } from '../../app/database/database';
import type { Settings } from '../../app/settings';
import { loadSchoolDirectory } from '../../detection/school-directory';
import { DeliveryStore } from '../../messages/delivery-store';
import { parsePeopleCsv } from '../../people/parse-people';
import { SqlPeopleDirectory } from '../../people/people-store';
import { buildMessageRouting } from '../../worker/message-routing';
import { testDatabases } from '../helpers/databases';
import { type LoopbackSmtp, startLoopbackSmtp } from '../messages/smtp-server';
import { GOOD_ROWS, csv } from '../people/fixtures';

// ical.js's types are ESM only; its CommonJS build is what jest loads, typed as the ESM one.
const ICAL = createRequire(__filename)('ical.js') as typeof ICALModule;

const databases = testDatabases();
const SCHOOLS = join(__dirname, '..', '..', 'config', 'schools.json');

let smtp: LoopbackSmtp;
let sms: Server;
let smsUrl: string;
const smsReceived: { to: string; text: string; reference: string }[] = [];
beforeAll(async () => {
  smtp = await startLoopbackSmtp();
  sms = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      smsReceived.push(JSON.parse(body));
      res.writeHead(202).end('{}');
    });
  });
  await new Promise<void>((resolve) => sms.listen(0, '127.0.0.1', resolve));
  smsUrl = `http://127.0.0.1:${(sms.address() as AddressInfo).port}/sms`;
});
afterAll(async () => {
  await smtp.stop();
  await new Promise<void>((resolve) => sms.close(() => resolve()));
});

/** The fixture's people (docs/people-format.md), a guardian of E2 with only a mobile number, and a pupil and principal in Hardanger (nynorsk). */
const PEOPLE = csv([
  ...GOOD_ROWS,
  'foresatt;S001;E2;F9;;Bare Mobil;;;;93333333;nb;;ja;ja;nei;',
  'ansatt;S016;;;B1;Bjørg Rektor;;;bjorg@skule.no;;;;;;;rektor',
  'elev;S016;H1;;;Hanne Haugland;5;;;;;;;;;',
]);

const ref = (key: string, pupilId = 'E1') => ({
  idempotencyKey: key,
  caseId: `sak-${pupilId}`,
  procedureId: 'tiltaksplan-elevfravaer',
  schoolId: 'S001',
  pupilId,
  issuedAt: '2026-09-10T08:00:00.000Z',
});

const messageSettings = (transports: 'real' | 'none'): Settings['messages'] =>
  transports === 'none'
    ? {}
    : {
        smtp: { host: '127.0.0.1', port: smtp.port, security: 'off', from: 'Skolefravær <fravaer@kommune.no>', schoolSenders: {} },
        sms: { url: smsUrl, token: 'hemmelig', sender: 'Skolen' },
      };

describe.each(databases)('$name', ({ open }) => {
  let database: AppDatabase;
  let dir: string;
  let outbox: FileOutbox;
  const closers: (() => void)[] = [];

  beforeEach(async () => {
    database = await open();
    const parsed = parsePeopleCsv(PEOPLE);
    expect(parsed.errors).toEqual([]);
    await new SqlPeopleDirectory(database).importBatch(parsed.batch);
    dir = mkdtempSync(join(tmpdir(), 'routing-'));
    outbox = new FileOutbox(dir);
    smtp.received.length = 0;
    smsReceived.length = 0;
  });
  afterEach(() => {
    closers.splice(0).forEach((close) => close());
    rmSync(dir, { recursive: true, force: true });
  });

  async function activitiesWith(transports: 'real' | 'none'): Promise<WorkerActivities> {
    const built = buildMessageRouting({
      database,
      schools: await loadSchoolDirectory(SCHOOLS),
      outbox,
      messages: messageSettings(transports),
    });
    closers.push(built.close);
    return createWorkerActivities({ outbox, routing: built.routing });
  }
  const mails = async (): Promise<ParsedMail[]> => Promise.all(smtp.received.map((raw) => simpleParser(raw)));
  const toOf = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a?.value.map((v) => v.address));

  test('guardians with parental responsibility each get their own e-mail in their language; the one without gets none', async () => {
    const activities = await activitiesWith('real');
    const delivery = await activities.notifyGuardians({ ...ref('sak-E1/1/notifyGuardians'), params: { message: 'school-is-concerned' } });
    const received = await mails();
    // One recipient per mail: the protected guardian (far@) is never beside the other one.
    expect(received.map(toOf)).toEqual(expect.arrayContaining([['mor@example.no'], ['far@example.no']]));
    expect(received).toHaveLength(2);
    const far = received.find((m) => toOf(m)[0] === 'far@example.no')!;
    const mor = received.find((m) => toOf(m)[0] === 'mor@example.no')!;
    // F2 writes nynorsk, F1 bokmål; neither mail names the other guardian.
    expect(far.text).toMatch(/ikkje|kva|dykkar|skulen/);
    expect(mor.text).not.toMatch(/ikkje|dykkar/);
    expect(mor.text).not.toContain('Far Skjult');
    expect(mor.text).toContain('Kari Kontakt'); // whom to contact: the pupil's contact teacher
    expect(delivery.deliveries?.map((d) => [d.personId, d.channel, d.status, d.language]).sort()).toEqual([
      ['F1', 'email', 'sent', 'nb'],
      ['F2', 'email', 'sent', 'nn'],
    ]);
    expect(delivery.recipients).toEqual(['guardians']);
    // The delivery record keeps person ids, never addresses.
    const records = await new DeliveryStore(database).forCase('sak-E1');
    expect(records.map((r) => [r.recipientId, r.channel, r.status]).sort()).toEqual([
      ['F1', 'email', 'sent'],
      ['F2', 'email', 'sent'],
    ]);
    expect(JSON.stringify(delivery)).not.toMatch(/@|Nordmann|Skjult/);
  });

  test('a retried activity sends nothing twice; a passing SMTP failure for one person is retried for that person only', async () => {
    const activities = await activitiesWith('real');
    const input = { ...ref('sak-E1/2/notifyGuardians'), params: { message: 'case-closed' as const } };
    // The server refuses the first recipient for now (421): the other mail goes, the attempt fails to be retried.
    smtp.refuseNextRecipient(421, 'Prøv igjen senere');
    await expect(activities.notifyGuardians(input)).rejects.toThrow(/ble ikke sendt/);
    expect(smtp.received).toHaveLength(1);
    const retried = await activities.notifyGuardians(input);
    expect(smtp.received).toHaveLength(2);
    expect(retried.deliveries?.filter((d) => d.duplicate)).toHaveLength(1);
    const again = await activities.notifyGuardians(input);
    expect(smtp.received).toHaveLength(2);
    expect(again.duplicate).toBe(true);
    const records = await new DeliveryStore(database).forCase('sak-E1');
    // The refused attempt and its retry are counted for that person; the other was sent once.
    expect(records.map((r) => [r.attempts, r.status]).sort()).toEqual([
      [1, 'sent'],
      [2, 'sent'],
    ]);
  });

  test('a refusal for good is recorded for that person and the others still get theirs', async () => {
    const activities = await activitiesWith('real');
    smtp.refuseNextRecipient(550, 'Ukjent mottaker');
    const delivery = await activities.notifyGuardians({ ...ref('sak-E1/3/notifyGuardians'), params: { message: 'minutes-shared' } });
    expect(delivery.deliveries?.map((d) => d.status).sort()).toEqual(['failed', 'sent']);
    expect(delivery.deliveries?.find((d) => d.status === 'failed')?.error).toMatch(/550|Ukjent mottaker/);
  });

  test('staff by role at the pupil’s school, in the municipality’s standard; roles nobody holds are reported, not lost', async () => {
    const activities = await activitiesWith('real');
    const delivery = await activities.notifyStaff({
      ...ref('sak-E1/4/notifyStaff'),
      params: { roles: ['contact-teacher', 'principal', 'ppt'], about: 'case-opened' },
    });
    expect((await mails()).map(toOf).sort()).toEqual([['kari@skole.no'], ['rita@skole.no']]);
    expect(delivery.unreached).toEqual([{ role: 'ppt', reason: 'ingen med rollen i personkatalogen' }]);
    const missing = await activities.notifyStaff({
      ...ref('sak-X/5/notifyStaff', 'X404'),
      params: { roles: ['principal'], about: 'case-opened' },
    });
    expect(missing.unreached).toEqual([{ role: 'principal', reason: 'eleven finnes ikke i personkatalogen' }]);
  });

  test('staff read their municipality’s written standard: nynorsk in Hardanger, bokmål elsewhere', async () => {
    const activities = await activitiesWith('real');
    const delivery = await activities.notifyStaff({
      ...ref('sak-H1/10/notifyStaff', 'H1'),
      schoolId: 'S016',
      params: { roles: ['principal'], about: 'case-opened' },
    });
    expect(delivery.deliveries?.map((d) => [d.personId, d.language])).toEqual([['B1', 'nn']]);
    expect(delivery.subject).toBe('Ny fråværssak');
    const [mail] = await mails();
    expect(mail!.text).toMatch(/saka/);
  });

  test('a guardian with only a mobile number gets an SMS through the gateway', async () => {
    const activities = await activitiesWith('real');
    const delivery = await activities.notifyGuardians({
      ...ref('sak-E2/6/notifyGuardians', 'E2'),
      params: { message: 'absence-without-notice' },
    });
    expect(smsReceived.map((s) => s.to)).toEqual(['93333333']);
    expect(smsReceived[0]!.text.length).toBeLessThanOrEqual(306);
    expect(delivery.deliveries?.map((d) => [d.personId, d.channel]).sort()).toEqual([
      ['F1', 'email'],
      ['F9', 'sms'],
    ]);
  });

  test('a scheduled meeting’s invitation carries each person’s own calendar entry; a new time updates the same entry', async () => {
    const activities = await activitiesWith('real');
    const invite = (key: string, scheduledFor: string, changes: number) =>
      activities.sendMeetingInvitation({
        ...ref(key),
        params: { meeting: 'leadership-meeting', scheduledFor, participants: ['guardians', 'principal'], occurrence: 1, changes },
      });
    await invite('sak-E1/7/sendMeetingInvitation', '2026-09-15T10:00:00+02:00', 0);
    await invite('sak-E1/8/sendMeetingInvitation', '2026-09-16T12:30:00+02:00', 1);
    const received = await mails();
    expect(received).toHaveLength(6);
    const events = received.map((mail) => {
      const ics = mail.attachments.find((a) => a.contentType === 'text/calendar')!;
      const calendar = new ICAL.Component(ICAL.parse(ics.content.toString('utf8')));
      expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
      const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
      // The only attendee is the person the mail went to.
      expect(event.attendees.map((a) => String(a.getFirstValue()).replace(/^mailto:/i, ''))).toEqual(toOf(mail));
      return {
        to: toOf(mail)[0],
        uid: event.uid,
        sequence: event.sequence,
        start: event.startDate.toString(),
        zone: event.component.getFirstProperty('dtstart')?.getParameter('tzid'),
      };
    });
    const forMor = events.filter((e) => e.to === 'mor@example.no');
    expect(forMor.map((e) => [e.sequence, e.start, e.zone])).toEqual([
      [0, '2026-09-15T10:00:00', 'Europe/Oslo'],
      [1, '2026-09-16T12:30:00', 'Europe/Oslo'],
    ]);
    expect(new Set(events.map((e) => e.uid)).size).toBe(1);
  });

  test('without transports the outbox holds the same messages, one per person, with the calendar entry', async () => {
    const activities = await activitiesWith('none');
    const delivery = await activities.sendMeetingInvitation({
      ...ref('sak-E1/9/sendMeetingInvitation'),
      params: {
        meeting: 'evaluation-meeting',
        scheduledFor: '2026-10-01T09:00:00+02:00',
        participants: ['guardians'],
        occurrence: 1,
        changes: 0,
      },
    });
    expect(smtp.received).toHaveLength(0);
    const messages = await outbox.list();
    expect(messages.map((m) => [m.recipient?.personId, m.recipient?.address, m.language]).sort()).toEqual([
      ['F1', 'mor@example.no', 'nb'],
      ['F2', 'far@example.no', 'nn'],
    ]);
    expect(messages.every((m) => m.attachments?.[0]?.content.includes('METHOD:REQUEST'))).toBe(true);
    expect(delivery.deliveries?.map((d) => d.channel)).toEqual(['outbox', 'outbox']);
    const again = await activities.sendMeetingInvitation({
      ...ref('sak-E1/9/sendMeetingInvitation'),
      params: {
        meeting: 'evaluation-meeting',
        scheduledFor: '2026-10-01T09:00:00+02:00',
        participants: ['guardians'],
        occurrence: 1,
        changes: 0,
      },
    });
    expect(again.duplicate).toBe(true);
    expect(await outbox.list()).toHaveLength(2);
  });
});
