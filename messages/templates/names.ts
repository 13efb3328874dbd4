/**
 * Document and meeting names as messages show them, in every template language. Kept apart from
 * machines/labels.ts (the bokmål names inside the system): a message leaves the system, so a name
 * that tells what a case is about (a suspicion note, a report to another service) is given a
 * neutral name here, and the details stay in the case.
 */
import type { DocumentKind, MeetingKind } from '../../machines/vocabulary';
import type { TemplateTable } from './types';

export const documentNamesByLanguage: TemplateTable<DocumentKind, string> = {
  'contact-log': {
    nb: 'logg fra samtale med foresatte',
    nn: 'logg frå samtale med føresette',
    en: 'log of the conversation with the guardians',
  },
  minutes: { nb: 'referat', nn: 'referat', en: 'minutes' },
  'mapping-form': { nb: 'kartleggingsskjema', nn: 'kartleggingsskjema', en: 'mapping form' },
  'psychosocial-mapping': {
    nb: 'kartlegging av psykososialt miljø',
    nn: 'kartlegging av psykososialt miljø',
    en: 'assessment of the psychosocial environment',
  },
  'measures-plan': { nb: 'tiltaksplan', nn: 'tiltaksplan', en: 'plan of measures' },
  'cooperation-agreement': { nb: 'samarbeidsavtale', nn: 'samarbeidsavtale', en: 'cooperation agreement' },
  evaluation: { nb: 'evalueringsreferat', nn: 'evalueringsreferat', en: 'evaluation minutes' },
  'pupil-voice': { nb: 'elevens egen beskrivelse', nn: 'eleven si eiga skildring', en: "the pupil's own account" },
  consent: { nb: 'samtykkeskjema', nn: 'samtykkeskjema', en: 'consent form' },
  referral: { nb: 'henvisning', nn: 'tilvising', en: 'referral' },
  // The report itself is named only inside the case.
  'report-of-concern': { nb: 'formell melding fra skolen', nn: 'formell melding frå skulen', en: 'formal report from the school' },
  'school-owner-notice': { nb: 'melding til skoleeier', nn: 'melding til skuleeigar', en: 'notice to the school owner' },
  'closing-note': { nb: 'avslutningsnotat', nn: 'avslutningsnotat', en: 'closing note' },
  'absence-notice': { nb: 'fraværsmelding fra foresatte', nn: 'fråværsmelding frå føresette', en: 'notice of absence from the guardians' },
  // What the note is about stays in the case.
  'suspicion-note': { nb: 'notat til ledelsen', nn: 'notat til leiinga', en: 'note to the school leadership' },
  'health-note': { nb: 'konklusjon fra helsesykepleier', nn: 'konklusjon frå helsesjukepleiaren', en: "the school nurse's conclusion" },
  'decision-note': { nb: 'beslutningsnotat', nn: 'avgjerdsnotat', en: 'decision note' },
};

export const meetingNamesByLanguage: TemplateTable<MeetingKind, string> = {
  'guardian-conversation': { nb: 'samtale med foresatte', nn: 'samtale med føresette', en: 'conversation with the guardians' },
  'pupil-conversation': { nb: 'elevsamtale', nn: 'elevsamtale', en: 'conversation with the pupil' },
  'leadership-meeting': { nb: 'møte med skolens ledelse', nn: 'møte med leiinga ved skulen', en: 'meeting with the school leadership' },
  'cooperation-meeting': { nb: 'samarbeidsmøte', nn: 'samarbeidsmøte', en: 'cooperation meeting' },
  'evaluation-meeting': { nb: 'evalueringsmøte', nn: 'evalueringsmøte', en: 'evaluation meeting' },
  'class-teacher-meeting': { nb: 'klasselærermøte', nn: 'klasselærarmøte', en: "class teachers' meeting" },
  'innsatsteam-pre-meeting': {
    nb: 'formøte med Innsatsteam',
    nn: 'førebuande møte med Innsatsteamet',
    en: 'preparatory meeting with the Innsatsteam',
  },
  'multi-agency-meeting': { nb: 'tverrfaglig møte', nn: 'tverrfagleg møte', en: 'multi-agency meeting' },
  'school-nurse-conversation': {
    nb: 'samtale med helsesykepleier',
    nn: 'samtale med helsesjukepleiaren',
    en: 'conversation with the school nurse',
  },
};
