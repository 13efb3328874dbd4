/**
 * Message templates in bokmål, nynorsk and English: `renderMessage` words a message of a case for
 * its reader, `templateLanguageFor` picks the reader's language. Every table is typed by kind and
 * language, so a kind or language without wording does not compile. Only the context's values
 * (school, contact, pupil's first name for guardians, case reference) and the closed tables'
 * names and dates reach the text; see docs/message-templates.md.
 */
import { capitalize, cleanContext, compose } from './compose';
import { formatDay, formatDayAndTime } from './dates';
import { documentRequestWording } from './document-request';
import { TemplateInputError } from './errors';
import { type PupilWords, guardianWording } from './guardian';
import { meetingCallWording, meetingInvitationWording } from './meeting';
import { documentNamesByLanguage, meetingNamesByLanguage } from './names';
import { reminderWording } from './reminder';
import { schoolOwnerWording } from './school-owner';
import { staffWording } from './staff';
import { TEMPLATE_LANGUAGES, type MessageTemplateKey, type RenderedMessage, type TemplateContext, type TemplateLanguage } from './types';

export { TEMPLATE_LANGUAGES, type MessageTemplateKey, type RenderedMessage, type TemplateContext, type TemplateLanguage } from './types';
export { templateLanguageFor } from './language';
export { TemplateInputError } from './errors';
export { documentNamesByLanguage, meetingNamesByLanguage } from './names';

/** The pupil in a guardian's message: the first name, or "your child" in the language. */
function pupilWords(language: TemplateLanguage, firstName: string | undefined): PupilWords {
  if (firstName !== undefined) {
    const possessive = `${firstName}'s`;
    return { child: firstName, Child: firstName, childs: possessive, Childs: possessive };
  }
  const child = { nb: 'barnet deres', nn: 'barnet dykkar', en: 'your child' }[language];
  const childs = { nb: 'barnet deres', nn: 'barnet dykkar', en: "your child's" }[language];
  return { child, Child: capitalize(child), childs, Childs: capitalize(childs) };
}

/** A table entry that must exist: a key from outside the types (a stored value, an older run) may name none. */
function entry<T>(value: T | undefined, what: string, name: unknown): T {
  if (value === undefined) throw new TemplateInputError(`${what} ${JSON.stringify(name)} har ingen meldingsmal`);
  return value;
}

/** Renders the message `key` names for its reader in `language`, with the case's `context`. Throws TemplateInputError on bad input. */
export function renderMessage(key: MessageTemplateKey, language: TemplateLanguage, context: TemplateContext): RenderedMessage {
  if (!TEMPLATE_LANGUAGES.includes(language))
    throw new TemplateInputError(`språk ${JSON.stringify(language)} har ingen meldingsmaler (nb, nn, en)`);
  const clean = cleanContext(context);
  switch (key.kind) {
    case 'guardian': {
      const words = entry(guardianWording[key.message], 'meldingen til foresatte', key.message)[language];
      return compose(words(pupilWords(language, clean.pupilFirstName)), 'guardians', language, clean);
    }
    case 'staff':
      return compose(entry(staffWording[key.topic], 'meldingen til ansatte', key.topic)[language], 'staff', language, clean);
    case 'reminder':
      return compose(entry(reminderWording[key.topic], 'påminnelsen', key.topic)[language], 'staff', language, clean);
    case 'school-owner':
      return compose(entry(schoolOwnerWording[key.topic], 'meldingen til skoleeier', key.topic)[language], 'staff', language, clean);
    case 'document-request': {
      const document = entry(documentNamesByLanguage[key.document], 'dokumenttypen', key.document)[language];
      return compose(documentRequestWording[language](document), 'staff', language, clean);
    }
    case 'meeting-call': {
      const meeting = entry(meetingNamesByLanguage[key.meeting], 'møtetypen', key.meeting)[language];
      const due = key.dueDate === undefined ? undefined : formatDay(key.dueDate, language, 'frist (dueDate)');
      return compose(meetingCallWording[language](meeting, due), 'staff', language, clean);
    }
    case 'meeting-invitation': {
      const meeting = entry(meetingNamesByLanguage[key.meeting], 'møtetypen', key.meeting)[language];
      const when = formatDayAndTime(key.start, language, 'møtetidspunkt (start)');
      return compose(meetingInvitationWording[language](meeting, when, key.changed === true), 'participants', language, clean);
    }
    default:
      throw new TemplateInputError(`meldingstype ${JSON.stringify((key as { kind?: unknown }).kind)} finnes ikke`);
  }
}
