/**
 * The frame around every template's wording: greeting, what happens next, the case reference and
 * the system (staff), whom to contact, and the school. The context's values are the only text from
 * outside the tables that reaches a message; each is made one plain line first, so a value cannot
 * add lines, headers or hidden characters (a message is plain text: HTML in a value stays text).
 */
import { quoteValue } from '../../machines/identifiers';
import { TemplateInputError } from './errors';
import type { RenderedMessage, TemplateContext, TemplateLanguage, Wording } from './types';

/** Who reads the message: guardians, staff (the case's roles and the school owner), or a meeting's participants. */
export type Audience = 'guardians' | 'staff' | 'participants';

/** Control characters, line and paragraph separators and bidirectional overrides. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+/g;

/** A context value as one plain line: control characters and line breaks become a space. */
export function oneLine(value: string): string {
  return value.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
}

/** The longest a context value may be inside an SMS, so two SMS always hold the message. */
const SMS_VALUE_MAX = 40;
const SMS_MAX = 306;

/** A value shortened for an SMS, with "..." (GSM has no ellipsis character). */
function clip(value: string, max = SMS_VALUE_MAX): string {
  return value.length > max ? `${value.slice(0, max - 3).trimEnd()}...` : value;
}

interface Frame {
  greeting: string;
  /** The contact sentence for guardians and for meeting participants. */
  contactForGuardians: (who: string) => string;
  contactForParticipants: (who: string) => string;
  contactForStaff: (who: string) => string;
  email: string;
  phone: string;
  caseLine: (reference: string) => string;
  signOff: string;
  sentBy: (school: string) => string;
  staffSubject: (subject: string, reference: string) => string;
  smsContact: string;
  smsPhone: string;
  smsCase: (reference: string) => string;
}

const frames: Record<TemplateLanguage, Frame> = {
  nb: {
    greeting: 'Hei,',
    contactForGuardians: (who) => `Har dere spørsmål, ta kontakt med ${who}.`,
    contactForParticipants: (who) => `Har du spørsmål om møtet, ta kontakt med ${who}.`,
    contactForStaff: (who) => `Kontaktperson i saken: ${who}.`,
    email: 'e-post',
    phone: 'telefon',
    caseLine: (reference) => `Saksreferanse: ${reference}. Åpne saken i systemet for å se detaljene.`,
    signOff: 'Vennlig hilsen',
    sentBy: (school) => `Meldingen er sendt automatisk fra fraværsoppfølgingen ved ${school}.`,
    staffSubject: (subject, reference) => `${subject} (sak ${reference})`,
    smsContact: 'Kontakt',
    smsPhone: 'tlf.',
    smsCase: (reference) => `Sak ${reference}: åpne saken i systemet.`,
  },
  nn: {
    greeting: 'Hei,',
    contactForGuardians: (who) => `Har de spørsmål, ta kontakt med ${who}.`,
    contactForParticipants: (who) => `Har du spørsmål om møtet, ta kontakt med ${who}.`,
    contactForStaff: (who) => `Kontaktperson i saka: ${who}.`,
    email: 'e-post',
    phone: 'telefon',
    caseLine: (reference) => `Saksreferanse: ${reference}. Opne saka i systemet for å sjå detaljane.`,
    signOff: 'Venleg helsing',
    sentBy: (school) => `Meldinga er sendt automatisk frå fråværsoppfølginga ved ${school}.`,
    staffSubject: (subject, reference) => `${subject} (sak ${reference})`,
    smsContact: 'Kontakt',
    smsPhone: 'tlf.',
    smsCase: (reference) => `Sak ${reference}: opne saka i systemet.`,
  },
  en: {
    greeting: 'Hello,',
    contactForGuardians: (who) => `If you have any questions, please contact ${who}.`,
    contactForParticipants: (who) => `If you have any questions about the meeting, please contact ${who}.`,
    contactForStaff: (who) => `Contact person for the case: ${who}.`,
    email: 'email',
    phone: 'phone',
    caseLine: (reference) => `Case reference: ${reference}. Open the case in the system to see the details.`,
    signOff: 'Kind regards',
    sentBy: (school) => `This message was sent automatically by the absence follow-up at ${school}.`,
    staffSubject: (subject, reference) => `${subject} (case ${reference})`,
    smsContact: 'Contact',
    smsPhone: 'tel.',
    smsCase: (reference) => `Case ${reference}, see the system.`,
  },
};

/** The context with every value made one plain line; a required value left empty is refused. */
export function cleanContext(context: TemplateContext): TemplateContext {
  const required = (value: unknown, field: string) => {
    const text = typeof value === 'string' ? oneLine(value) : '';
    if (text === '') throw new TemplateInputError(`${field} ${quoteValue(value)} mangler eller er tomt i meldingens kontekst`);
    return text;
  };
  const optional = (value: string | undefined) => (value === undefined ? undefined : oneLine(value) || undefined);
  const email = optional(context.contact?.email);
  const phone = optional(context.contact?.phone);
  const pupilFirstName = optional(context.pupilFirstName);
  return {
    schoolName: required(context.schoolName, 'skolenavn'),
    contact: { name: required(context.contact?.name, 'kontaktpersonens navn'), ...(email ? { email } : {}), ...(phone ? { phone } : {}) },
    caseReference: required(context.caseReference, 'saksreferanse'),
    ...(pupilFirstName ? { pupilFirstName } : {}),
  };
}

/** "Kari Nordmann (e-post kari@skole.no, telefon 912 34 567)". */
function contactText(contact: TemplateContext['contact'], frame: Frame): string {
  const ways = [contact.email && `${frame.email} ${contact.email}`, contact.phone && `${frame.phone} ${contact.phone}`].filter(Boolean);
  return ways.length > 0 ? `${contact.name} (${ways.join(', ')})` : contact.name;
}

/** "Kontakt Kari Nordmann, tlf. 91234567." with the phone, else the e-mail, each shortened to fit. */
function smsContactText(contact: TemplateContext['contact'], frame: Frame): string {
  const way = contact.phone ? `, ${frame.smsPhone} ${clip(contact.phone, 20)}` : contact.email ? `, ${clip(contact.email, 50)}` : '';
  return `${frame.smsContact} ${clip(contact.name)}${way}.`;
}

/** Puts the frame around `wording` for `audience`; `context` must be cleaned (cleanContext). */
export function compose(wording: Wording, audience: Audience, language: TemplateLanguage, context: TemplateContext): RenderedMessage {
  const frame = frames[language];
  const { schoolName: school, contact, caseReference: reference } = context;
  const isStaff = audience === 'staff';
  const subject = isStaff ? frame.staffSubject(wording.subject, reference) : `${wording.subject} – ${school}`;
  const contactSentence = {
    guardians: frame.contactForGuardians,
    participants: frame.contactForParticipants,
    staff: frame.contactForStaff,
  }[audience](contactText(contact, frame));
  const paragraphs = [
    frame.greeting,
    wording.body,
    wording.next,
    ...(isStaff ? [frame.caseLine(reference)] : []),
    contactSentence,
    isStaff ? frame.sentBy(school) : `${frame.signOff}\n${school}`,
  ];
  const smsCore = wording.sms ?? `${wording.subject}.`;
  const sms = [
    `${clip(school)}: ${smsCore}`,
    ...(isStaff ? [frame.smsCase(clip(reference, 30))] : []),
    smsContactText(contact, frame),
  ].join(' ');
  return {
    // A subject is one header line: no line break may reach it, whatever the wording holds.
    subject: subject.replace(/[\r\n]+/g, ' '),
    title: wording.subject.replace(/[\r\n]+/g, ' '),
    text: paragraphs.join('\n\n'),
    sms: sms.length > SMS_MAX ? `${sms.slice(0, SMS_MAX - 3)}...` : sms,
    language,
  };
}

/** The first letter in upper case ("samarbeidsmøte" → "Samarbeidsmøte"). */
export function capitalize(text: string): string {
  return text.charAt(0).toLocaleUpperCase('nb') + text.slice(1);
}
