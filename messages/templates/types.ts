/**
 * The shapes of the message templates: which message (the key), in which language, for which case
 * (the context, resolved at send time), and what a rendered message holds. Pure types and one
 * constant; no wording here.
 */
import type { GuardianMessage, ReminderTopic, SchoolOwnerTopic, StaffTopic } from '../../machines/effects';
import type { DocumentKind, MeetingKind } from '../../machines/vocabulary';

/** The languages every template exists in: bokmål, nynorsk and English. */
export type TemplateLanguage = 'nb' | 'nn' | 'en';
export const TEMPLATE_LANGUAGES: readonly TemplateLanguage[] = ['nb', 'nn', 'en'];

/** Which message to render: the kind of message and what picks its wording. */
export type MessageTemplateKey =
  | { kind: 'guardian'; message: GuardianMessage }
  | { kind: 'staff'; topic: StaffTopic }
  | { kind: 'reminder'; topic: ReminderTopic }
  | { kind: 'school-owner'; topic: SchoolOwnerTopic }
  | { kind: 'document-request'; document: DocumentKind }
  /** A task to staff to set up a meeting, by `dueDate` (yyyy-MM-dd) when the procedure sets a limit. */
  | { kind: 'meeting-call'; meeting: MeetingKind; dueDate?: string }
  /** An e-mail to the participants of a scheduled meeting (sent with its .ics file). */
  | {
      kind: 'meeting-invitation';
      meeting: MeetingKind;
      /** Local Oslo wall-clock time, `yyyy-MM-ddTHH:mm`. */
      start: string;
      /** A new time for a meeting whose invitation was already sent. */
      changed: boolean;
    };

export interface TemplateContext {
  schoolName: string;
  /** Whom to contact about the case (for guardians: the contact teacher or the school). Names are resolved at send time, never stored in Temporal. */
  contact: { name: string; email?: string; phone?: string };
  /** The pupil's first name, for guardians' messages only (may be absent). */
  pupilFirstName?: string;
  /** The case's reference as staff see it (e.g. archive case number "2026/17" or the case id). */
  caseReference: string;
}

export interface RenderedMessage {
  subject: string;
  /** The subject without the school or case reference around it: what the case's timeline and a message to roles show. */
  title: string;
  text: string;
  /** At most 160 GSM-ish characters where possible; for SMS. */
  sms: string;
  language: TemplateLanguage;
}

/** What a template says, before the frame (greeting, case reference, contact, school) is put around it. */
export interface Wording {
  subject: string;
  /** What this is about. */
  body: string;
  /** What happens next, or what the reader is asked to do. */
  next: string;
  /** The SMS's own sentence(s); without one the SMS is made from the subject. */
  sms?: string;
}

/** A table with one entry per kind and language: TypeScript refuses a missing kind or language. */
export type TemplateTable<K extends string, T> = Record<K, Record<TemplateLanguage, T>>;
