/**
 * Meeting invitations as iCalendar files, read back with ical.js (an independent parser): METHOD,
 * a UID stable per case and meeting kind, SEQUENCE raised on each change, times in Europe/Oslo
 * with its VTIMEZONE (winter and summer time), organizer and attendees.
 */
import { createRequire } from 'node:module';
import type ICALModule from 'ical.js' with { 'resolution-mode': 'import' };
import { InvitationError, type MeetingInvitation, meetingInvitation, meetingUid } from '../../calendar/invitation';

// ical.js's types are ESM only; its CommonJS build is what jest loads, typed as the ESM one.
const ICAL = createRequire(__filename)('ical.js') as typeof ICALModule;

const stamp = new Date('2026-12-01T12:00:00Z');
const invitation = (overrides: Partial<MeetingInvitation> = {}): MeetingInvitation => ({
  caseId: 'fravaerssak-skole-a-elev-1',
  meetingKind: 'kartleggingsmote',
  changes: 0,
  start: '2026-12-10T09:00',
  durationMinutes: 60,
  summary: 'Kartleggingsmøte om fravær',
  location: 'Møterom 2, Skole A',
  organizer: { name: 'Ola Lærer', email: 'ola@skole-a.no' },
  attendees: [
    { name: 'Kari Nordmann', email: 'kari@example.no' },
    { name: 'Per Rådgiver', email: 'per@skole-a.no' },
  ],
  ...overrides,
});

/** The calendar and its one event, parsed by ical.js with the file's own VTIMEZONE registered. */
function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const zone = calendar.getFirstSubcomponent('vtimezone');
  if (!zone) throw new Error('no VTIMEZONE');
  ICAL.TimezoneService.register(zone);
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

afterEach(() => ICAL.TimezoneService.reset());

test('a METHOD:REQUEST invitation with UID, SEQUENCE, DTSTART/DTEND in Europe/Oslo, organizer and attendees', () => {
  const { calendar, vevent, event } = parse(meetingInvitation(invitation(), stamp));
  expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
  expect(event.uid).toBe(meetingUid('fravaerssak-skole-a-elev-1', 'kartleggingsmote'));
  expect(event.sequence).toBe(0);
  expect(event.summary).toBe('Kartleggingsmøte om fravær');
  expect(event.location).toBe('Møterom 2, Skole A');
  expect(vevent.getFirstProperty('dtstart')?.getParameter('tzid')).toBe('Europe/Oslo');
  expect(event.startDate.zone?.tzid).toBe('Europe/Oslo');
  expect(event.startDate.toString()).toBe('2026-12-10T09:00:00');
  // Winter: Oslo is UTC+1.
  expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-10T08:00:00.000Z');
  expect(event.endDate.toJSDate().toISOString()).toBe('2026-12-10T09:00:00.000Z');
  expect(vevent.getFirstPropertyValue('dtstamp')?.toString()).toBe('2026-12-01T12:00:00Z');
  expect(vevent.getFirstPropertyValue('organizer')).toBe('mailto:ola@skole-a.no');
  expect(event.attendees.map((a) => [a.getParameter('cn'), a.getFirstValue(), a.getParameter('partstat'), a.getParameter('rsvp')])).toEqual(
    [
      ['Kari Nordmann', 'MAILTO:kari@example.no', 'NEEDS-ACTION', 'TRUE'],
      ['Per Rådgiver', 'MAILTO:per@skole-a.no', 'NEEDS-ACTION', 'TRUE'],
    ],
  );
});

test('a new time for the same meeting keeps its UID and raises SEQUENCE; another meeting kind or case has another UID', () => {
  const first = parse(meetingInvitation(invitation(), stamp)).event;
  const moved = parse(meetingInvitation(invitation({ start: '2026-12-11T13:30', changes: 1 }), stamp)).event;
  expect(moved.uid).toBe(first.uid);
  expect(moved.sequence).toBe(1);
  expect(moved.startDate.toString()).toBe('2026-12-11T13:30:00');
  expect(parse(meetingInvitation(invitation({ meetingKind: 'oppfolgingsmote' }), stamp)).event.uid).not.toBe(first.uid);
  expect(parse(meetingInvitation(invitation({ caseId: 'fravaerssak-skole-a-elev-2' }), stamp)).event.uid).not.toBe(first.uid);
  // The UID carries no pupil id into the attendees' calendars.
  expect(first.uid).not.toContain('elev');
});

test('summer time: a June meeting at 09:00 in Oslo is 07:00 UTC', () => {
  const { event } = parse(meetingInvitation(invitation({ start: '2027-06-10T09:00', durationMinutes: 45 }), stamp));
  expect(event.startDate.toJSDate().toISOString()).toBe('2027-06-10T07:00:00.000Z');
  expect(event.endDate.toJSDate().toISOString()).toBe('2027-06-10T07:45:00.000Z');
});

test("the wall-clock time does not depend on the process's own time zone", () => {
  const saved = process.env.TZ;
  try {
    for (const zone of ['UTC', 'America/New_York', 'Asia/Tokyo']) {
      process.env.TZ = zone;
      const { event } = parse(meetingInvitation(invitation(), stamp));
      expect([zone, event.startDate.toString(), event.endDate.toString()]).toEqual([zone, '2026-12-10T09:00:00', '2026-12-10T10:00:00']);
      ICAL.TimezoneService.reset();
    }
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

test('a bad invitation is refused in Norwegian, naming each field and value', () => {
  const refuse = () => meetingInvitation(invitation({ start: '10.12.2026 09:00', changes: -1, attendees: [] }), stamp);
  expect(refuse).toThrow(InvitationError);
  expect(refuse).toThrow(/start: må være dato og klokkeslett, f\.eks\. 2026-12-10T09:00 \(fikk «10\.12\.2026 09:00»\)/);
  expect(refuse).toThrow(/changes: kan ikke være negativ/);
  expect(refuse).toThrow(/attendees: må ha minst én deltaker/);
});
