/**
 * From a case's message to the people who get it, at the moment it is sent: the roles an effect
 * names are resolved in the people directory (people/recipients.ts: parental responsibility, the
 * pupil's own contact teacher, staff by role at the school), each person gets the template in the
 * language they read (messages/templates), with a calendar entry where a meeting is set, through
 * the transport configured for the channel: SMTP for e-mail, the HTTP gateway for SMS, otherwise
 * the local outbox. Temporal holds none of it: the case carries ids, this module reads names and
 * addresses from the directory and hands back only person ids and outcomes.
 *
 * Every person is one message under its own key (`<effect key>/<person id>`): a retried activity
 * finds the ones already sent (delivery record, outbox file) and sends only the rest. A refusal
 * for good (a bad address, the gateway refusing) is recorded for that person and the others still
 * go; a passing trouble (server down) fails the attempt after the others were tried, so Temporal
 * retries it under the effect's delivery policy.
 */
import { OSLO_TIME_ZONE, formatInTimeZone } from '../app/oslo-time';
import { INVITATION_CONTENT_TYPE, meetingInvitation } from '../calendar/invitation';
import type { MeetingKind, Role } from '../machines/vocabulary';
import type { DeliveryStore } from '../messages/delivery-store';
import { type EmailAttachment, MessageDeliveryError, type OutgoingEmail, type OutgoingSms, type SendReceipt } from '../messages/message';
import {
  type MessageTemplateKey,
  type RenderedMessage,
  type TemplateContext,
  type TemplateLanguage,
  renderMessage,
  templateLanguageFor,
} from '../messages/templates';
import type { PupilPeople, Recipient } from '../people/recipients';
import { recipientsFor } from '../people/recipients';
import type { WrittenStandard } from '../people/people-schema';
import type { PersonDelivery, UnreachedRole } from '../workflows/case-messages';
import type { Outbox, OutboxChannel, OutboxMessage } from './outbox';

/** What the routing needs to know of a school: its name and its municipality's written standard. */
export interface SchoolProfile {
  name: string;
  municipality: string;
  writtenStandard: WrittenStandard;
}

/** Where messages go and what they are built from; the worker builds it from the settings. */
export interface MessageRouting {
  people: { pupilPeople(schoolId: string, pupilId: string): Promise<PupilPeople | undefined> };
  schoolProfile(schoolId: string): SchoolProfile | undefined;
  deliveries: DeliveryStore;
  /** SMTP, when configured; without it e-mails stay in the outbox. */
  email?: { send(email: OutgoingEmail): Promise<SendReceipt> };
  /** The SMS gateway, when configured; without it SMS stay in the outbox. */
  sms?: { send(sms: OutgoingSms): Promise<SendReceipt> };
  outbox: Outbox;
  /** Who invitations are from (the school's sender address). */
  organizer(schoolId: string): { name: string; email: string };
}

/** A meeting whose participants get a calendar entry with the message. */
export interface MeetingEntry {
  meeting: MeetingKind;
  /** ISO date-time with offset, as the school registered it. */
  scheduledFor: string;
  occurrence: number;
  changes: number;
  durationMinutes: number;
}

/** One effect's message before it is addressed: to which roles, in which template, on which channel. */
export interface RoutedMessage {
  channel: OutboxChannel;
  roles: readonly Role[];
  template: MessageTemplateKey;
  meeting?: MeetingEntry;
}

/** The case a message is about (what every effect input carries). */
export interface MessageCase {
  idempotencyKey: string;
  caseId: string;
  schoolId: string;
  pupilId: string;
  issuedAt: string;
}

/** One person's outcome, as the case's timeline keeps it (workflows/case-messages.ts), with the template language. */
export type PersonOutcome = PersonDelivery & { language: TemplateLanguage };

export interface RoutingResult {
  /** The title in the municipality's written standard, for the case's timeline. */
  subject: string;
  deliveries: PersonOutcome[];
  unreached: UnreachedRole[];
}

const NOBODY_IN_DIRECTORY = 'ingen med rollen i personkatalogen';
const PUPIL_NOT_IN_DIRECTORY = 'eleven finnes ikke i personkatalogen';
const NO_ADDRESS = 'verken e-post eller mobilnummer i personkatalogen';
const NO_EMAIL_FOR_INVITATION = 'ingen e-postadresse for kalenderinvitasjonen';

/** The meeting's start as Oslo wall-clock time, `yyyy-MM-ddTHH:mm` (what templates and calendars show). */
export function osloWallClock(iso: string): string {
  return formatInTimeZone(new Date(iso), OSLO_TIME_ZONE);
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}

/** Whom the recipient should contact: the pupil's contact teacher when known, else the school. */
function contactFor(people: PupilPeople, school: SchoolProfile): TemplateContext['contact'] {
  const teacher = people.staff.find((s) => s.staffId === people.pupil.contactTeacherId);
  if (!teacher) return { name: school.name };
  return { name: teacher.name, email: teacher.email, ...(teacher.mobile ? { phone: teacher.mobile } : {}) };
}

/** The people `roles` reach, each once (with the first role that reached them), and the roles that reach nobody. */
function addressees(
  roles: readonly Role[],
  people: PupilPeople,
): { to: { person: Recipient; role: Role }[]; unreached: RoutingResult['unreached'] } {
  const seen = new Set<string>();
  const to: { person: Recipient; role: Role }[] = [];
  const unreached: UnreachedRole[] = [];
  for (const role of roles) {
    const found = recipientsFor(role, people);
    if (found.length === 0) unreached.push({ role, reason: NOBODY_IN_DIRECTORY });
    for (const person of found) {
      const key = `${person.kind}:${person.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      to.push({ person, role });
    }
  }
  return { to, unreached };
}

/**
 * Sends `message` to the people behind its roles. Throws MessageDeliveryError (retryable) when a
 * transport had a passing trouble, after every other person was tried.
 */
export async function routeMessage(routing: MessageRouting, ref: MessageCase, message: RoutedMessage): Promise<RoutingResult> {
  const school = routing.schoolProfile(ref.schoolId) ?? { name: ref.schoolId, municipality: '', writtenStandard: 'bokmal' };
  // The timeline shows the title in the municipality's own standard, whoever the message went to.
  const subjectFor = (context: TemplateContext) =>
    renderMessage(message.template, templateLanguageFor({ language: 'nb' }, school.writtenStandard).language, context).title;
  const people = await routing.people.pupilPeople(ref.schoolId, ref.pupilId);
  const baseContext: TemplateContext = { schoolName: school.name, contact: { name: school.name }, caseReference: ref.caseId };
  if (!people) {
    return {
      subject: subjectFor(baseContext),
      deliveries: [],
      unreached: message.roles.map((role) => ({ role, reason: PUPIL_NOT_IN_DIRECTORY })),
    };
  }
  const contact = contactFor(people, school);
  const { to, unreached } = addressees(message.roles, people);
  const deliveries: PersonOutcome[] = [];
  let passing: MessageDeliveryError | undefined;
  for (const { person, role } of to) {
    // Staff read the municipality's written standard; a guardian their own language and standard.
    const { language } = templateLanguageFor(person.kind === 'staff' ? { language: person.language } : person, school.writtenStandard);
    const context: TemplateContext = {
      schoolName: school.name,
      contact,
      caseReference: ref.caseId,
      ...(person.kind === 'guardian' ? { pupilFirstName: firstName(people.pupil.name) } : {}),
    };
    const rendered = renderMessage(message.template, language, context);
    try {
      const outcome = await sendToPerson(routing, ref, message, person, role, rendered);
      if (outcome) deliveries.push(outcome);
      else unreached.push({ role, personId: person.id, reason: message.meeting ? NO_EMAIL_FOR_INVITATION : NO_ADDRESS });
    } catch (err) {
      if (err instanceof MessageDeliveryError && err.retryable) {
        passing ??= err;
        continue;
      }
      const error = err instanceof Error ? err.message : String(err);
      deliveries.push({ personId: person.id, role, channel: transportOf(routing, person, message), status: 'failed', error, language });
    }
  }
  if (passing) throw passing;
  return { subject: subjectFor({ ...baseContext, contact }), deliveries, unreached };
}

/** E-mail when the person has an address; SMS for a person with only a mobile (never for an invitation). */
function channelFor(person: Recipient, message: RoutedMessage): 'email' | 'sms' | undefined {
  if (person.email) return 'email';
  if (person.mobile && !message.meeting) return 'sms';
  return undefined;
}

function transportOf(routing: MessageRouting, person: Recipient, message: RoutedMessage): PersonOutcome['channel'] {
  const channel = channelFor(person, message);
  if (channel === 'email' && routing.email) return 'email';
  if (channel === 'sms' && routing.sms) return 'sms';
  return 'outbox';
}

async function sendToPerson(
  routing: MessageRouting,
  ref: MessageCase,
  message: RoutedMessage,
  person: Recipient,
  role: Role,
  rendered: RenderedMessage,
): Promise<PersonOutcome | undefined> {
  const channel = channelFor(person, message);
  if (!channel) return undefined;
  const key = `${ref.idempotencyKey}/${person.kind}-${person.id}`;
  const attachments = message.meeting ? [invitationFor(routing, ref, message.meeting, person, rendered)] : [];
  const base = { personId: person.id, role, language: rendered.language };
  if (channel === 'email' && routing.email) {
    const receipt = await routing.email.send({
      idempotencyKey: key,
      caseId: ref.caseId,
      schoolId: ref.schoolId,
      recipient: { personId: person.id, address: person.email as string },
      subject: rendered.subject,
      text: rendered.text,
      attachments,
    });
    return { ...base, channel: 'email', status: 'sent', ...(receipt.duplicate ? { duplicate: true } : {}) };
  }
  if (channel === 'sms' && routing.sms) {
    const receipt = await routing.sms.send({
      idempotencyKey: key,
      caseId: ref.caseId,
      recipient: { personId: person.id, address: person.mobile as string },
      text: rendered.sms,
    });
    return { ...base, channel: 'sms', status: 'sent', ...(receipt.duplicate ? { duplicate: true } : {}) };
  }
  // No transport for the channel: the local outbox keeps the message as it would have gone out.
  const outboxMessage: OutboxMessage = {
    idempotencyKey: key,
    channel: message.channel,
    caseId: ref.caseId,
    schoolId: ref.schoolId,
    pupilId: ref.pupilId,
    recipients: [role],
    recipient: {
      personId: person.id,
      kind: person.kind,
      channel,
      address: channel === 'email' ? (person.email as string) : (person.mobile as string),
    },
    language: rendered.language,
    subject: rendered.subject,
    body: channel === 'sms' ? rendered.sms : rendered.text,
    ...(attachments.length ? { attachments } : {}),
    ...(message.meeting ? { dueDate: message.meeting.scheduledFor.slice(0, 10) } : {}),
    createdAt: ref.issuedAt,
  };
  const receipt = await routing.outbox.deliver(outboxMessage);
  await routing.deliveries.recordSent({
    idempotencyKey: key,
    caseId: ref.caseId,
    channel: 'outbox',
    recipientId: person.id,
    at: receipt.deliveredAt,
  });
  return { ...base, channel: 'outbox', status: 'sent', ...(receipt.duplicate ? { duplicate: true } : {}) };
}

/** The person's own calendar entry: they are its only attendee, so no one learns who else was invited. */
function invitationFor(
  routing: MessageRouting,
  ref: MessageCase,
  meeting: MeetingEntry,
  person: Recipient,
  rendered: RenderedMessage,
): EmailAttachment {
  const content = meetingInvitation(
    {
      caseId: ref.caseId,
      meetingKind: meeting.meeting,
      occurrence: meeting.occurrence,
      changes: meeting.changes,
      start: osloWallClock(meeting.scheduledFor),
      durationMinutes: meeting.durationMinutes,
      summary: rendered.subject,
      description: rendered.text,
      organizer: routing.organizer(ref.schoolId),
      attendees: [{ name: person.name, email: person.email as string }],
    },
    new Date(ref.issuedAt),
  );
  return { filename: 'invitasjon.ics', content, contentType: INVITATION_CONTENT_TYPE };
}
