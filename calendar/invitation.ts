/**
 * A meeting invitation as an iCalendar file (RFC 5545, METHOD:REQUEST), made with ical-generator,
 * to send as an e-mail attachment. The UID is derived from the case and the meeting kind, so a
 * new time for the same meeting updates the event already in the calendars instead of adding a
 * second one; SEQUENCE is the number of changes so far, which is how a calendar knows the newer
 * version wins. Times are the school's wall-clock time in Europe/Oslo, with its VTIMEZONE.
 */
import { createHash } from 'node:crypto';
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod } from 'ical-generator';
import { z } from 'zod';
import { OSLO_TIME_ZONE } from '../app/oslo-time';
import { describeIssues } from '../machines/zod-issues';

export const MEETING_TIME_ZONE = OSLO_TIME_ZONE;

/**
 * Europe/Oslo's rules since 1996 (EU summer time: last Sunday of March and of October), so every
 * calendar reads the times the same way without a time zone database of its own.
 */
const OSLO_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Oslo',
  'X-LIC-LOCATION:Europe/Oslo',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

const person = z.object({
  name: z.string().trim().min(1, 'kan ikke være tomt'),
  email: z.email('må være en e-postadresse'),
});

const invitationSchema = z.object({
  caseId: z.string().trim().min(1, 'kan ikke være tom'),
  /** Which meeting of the case, e.g. `kartleggingsmote`: one event per case and kind. */
  meetingKind: z.string().trim().min(1, 'kan ikke være tom'),
  /** Which meeting of the kind in the case (1 for the first); the next one is a new event. */
  occurrence: z.number().int('må være et heltall').min(1, 'må være minst 1').default(1),
  /** How many times the meeting has been changed since the first invitation (0 for the first). */
  changes: z.number().int('må være et heltall').min(0, 'kan ikke være negativ'),
  /** Wall-clock time in Europe/Oslo, `yyyy-MM-ddTHH:mm`. */
  start: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'må være dato og klokkeslett, f.eks. 2026-12-10T09:00'),
  durationMinutes: z.number().int('må være et heltall').min(5, 'må være minst 5 minutter').max(600, 'kan ikke være over 600 minutter'),
  /** Norwegian, as the attendees read them. */
  summary: z.string().trim().min(1, 'kan ikke være tom'),
  description: z.string().optional(),
  location: z.string().optional(),
  organizer: person,
  attendees: z.array(person).min(1, 'må ha minst én deltaker'),
});

export type MeetingInvitation = z.input<typeof invitationSchema>;

/** The invitation is not valid; the message (Norwegian) names each field and value at fault. */
export class InvitationError extends Error {
  override name = 'InvitationError';
}

/**
 * The stable UID of a case's meeting of one kind (and its occurrence, from the second meeting of
 * the kind on): a hash, so no pupil id ends up in calendars.
 */
export function meetingUid(caseId: string, meetingKind: string, occurrence = 1): string {
  const identity = occurrence === 1 ? `${caseId}\n${meetingKind}` : `${caseId}\n${meetingKind}\n${occurrence}`;
  return `${createHash('sha256').update(identity).digest('hex').slice(0, 32)}@skolefravaer`;
}

/**
 * ical-generator writes a Date under a TZID with the Date's local getters, so the wall-clock time
 * is given as a local Date whatever zone the process runs in (TZID makes it Oslo's time).
 */
function wallClock(start: string, addMinutes = 0): Date {
  const [date, time] = start.split('T') as [string, string];
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const shifted = new Date(Date.UTC(y, mo - 1, d, h, mi + addMinutes));
  return new Date(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate(), shifted.getUTCHours(), shifted.getUTCMinutes());
}

/** The invitation as iCalendar text (CRLF lines), to attach as `text/calendar; method=REQUEST`. Throws InvitationError. */
export function meetingInvitation(input: MeetingInvitation, stamp: Date): string {
  const parsed = invitationSchema.safeParse(input);
  if (!parsed.success)
    throw new InvitationError(`Ugyldig møteinvitasjon:\n  ${describeIssues(parsed.error, '(invitasjon)', input).join('\n  ')}`);
  const meeting = parsed.data;
  const calendar = ical({
    prodId: { company: 'skolefravaer', product: 'oppfolging', language: 'NB' },
    method: ICalCalendarMethod.REQUEST,
    // No calendar-wide zone (DTSTAMP stays UTC); the generator adds Oslo's VTIMEZONE for the event's TZID.
    timezone: { name: null, generator: (zone) => (zone === MEETING_TIME_ZONE ? OSLO_VTIMEZONE : null) },
  });
  calendar.createEvent({
    id: meetingUid(meeting.caseId, meeting.meetingKind, meeting.occurrence),
    sequence: meeting.changes,
    stamp,
    timezone: MEETING_TIME_ZONE,
    start: wallClock(meeting.start),
    end: wallClock(meeting.start, meeting.durationMinutes),
    summary: meeting.summary,
    ...(meeting.description ? { description: meeting.description } : {}),
    ...(meeting.location ? { location: meeting.location } : {}),
    organizer: { name: meeting.organizer.name, email: meeting.organizer.email },
    attendees: meeting.attendees.map((a) => ({
      name: a.name,
      email: a.email,
      role: ICalAttendeeRole.REQ,
      status: ICalAttendeeStatus.NEEDSACTION,
      rsvp: true,
    })),
  });
  return calendar.toString();
}

/** The content type of the attachment (calendar clients look for the method here too). */
export const INVITATION_CONTENT_TYPE = 'text/calendar; method=REQUEST; charset=UTF-8';
