/**
 * Reminders of a due step, to the roles responsible, in every language. 'consult-child-welfare'
 * and 'involve-school-nurse' name no service's reason: the step and its grounds are in the case.
 */
import type { ReminderTopic } from '../../machines/effects';
import type { TemplateTable, Wording } from './types';

export const reminderWording: TemplateTable<ReminderTopic, Wording> = {
  'contact-guardians': {
    nb: {
      subject: 'Påminnelse: kontakt hjemmet',
      body: 'Hjemmet er ennå ikke kontaktet i denne fraværssaken.',
      next: 'Ta kontakt med foresatte og registrer samtalen i saken.',
    },
    nn: {
      subject: 'Påminning: kontakt heimen',
      body: 'Heimen er enno ikkje kontakta i denne fråværssaka.',
      next: 'Ta kontakt med føresette og registrer samtalen i saka.',
    },
    en: {
      subject: 'Reminder: contact the home',
      body: 'The home has not yet been contacted in this absence case.',
      next: 'Contact the guardians and record the conversation in the case.',
    },
  },
  'hold-meeting': {
    nb: {
      subject: 'Påminnelse: møtet er ikke holdt',
      body: 'Møtet som skulle kalles inn, er ennå ikke registrert som holdt.',
      next: 'Hold møtet, eller registrer det i saken hvis det allerede er holdt.',
    },
    nn: {
      subject: 'Påminning: møtet er ikkje registrert som halde',
      body: 'Møtet som skulle kallast inn, er enno ikkje registrert som halde.',
      next: 'Hald møtet, eller registrer det i saka dersom det alt er halde.',
    },
    en: {
      subject: 'Reminder: the meeting is not recorded as held',
      body: 'The meeting that was to be called has not yet been recorded as held.',
      next: 'Hold the meeting, or record it in the case if it has already taken place.',
    },
  },
  'evaluate-measures': {
    nb: {
      subject: 'Påminnelse: tiltakene skal evalueres',
      body: 'Datoen for å evaluere tiltakene er nådd.',
      next: 'Hold evalueringen og registrer utfallet i saken.',
    },
    nn: {
      subject: 'Påminning: tiltaka skal evaluerast',
      body: 'Datoen for å evaluere tiltaka er nådd.',
      next: 'Hald evalueringa og registrer utfallet i saka.',
    },
    en: {
      subject: 'Reminder: the measures are due for evaluation',
      body: 'The date for evaluating the measures has been reached.',
      next: 'Hold the evaluation and record the outcome in the case.',
    },
  },
  'decide-escalation': {
    nb: {
      subject: 'Påminnelse: vurder neste nivå',
      body: 'Fristen for å vurdere om saken skal løftes til neste nivå, er nådd.',
      next: 'Ta stilling og registrer beslutningen i saken.',
    },
    nn: {
      subject: 'Påminning: vurder neste nivå',
      body: 'Fristen for å vurdere om saka skal løftast til neste nivå, er nådd.',
      next: 'Ta stilling og registrer avgjerda i saka.',
    },
    en: {
      subject: 'Reminder: consider the next level',
      body: 'The deadline for deciding whether the case should move to the next level has been reached.',
      next: 'Make the decision and record it in the case.',
    },
  },
  'consult-child-welfare': {
    nb: {
      subject: 'Påminnelse: et steg må avklares med ledelsen',
      body: 'Saken har et steg som må avklares før andre tiltak settes i gang.',
      next: 'Åpne saken, se hva som gjelder, og ta det opp med ledelsen i dag.',
    },
    nn: {
      subject: 'Påminning: eit steg må avklarast med leiinga',
      body: 'Saka har eit steg som må avklarast før andre tiltak blir sette i gang.',
      next: 'Opne saka, sjå kva som gjeld, og ta det opp med leiinga i dag.',
    },
    en: {
      subject: 'Reminder: a step to clear with the leadership',
      body: 'The case has a step that must be cleared before other measures are started.',
      next: 'Open the case, see what applies, and take it up with the leadership today.',
    },
  },
  'record-pupil-voice': {
    nb: {
      subject: 'Påminnelse: elevens stemme',
      body: 'Elevens egen beskrivelse er ennå ikke dokumentert, og den skal være med før tiltak avtales.',
      next: 'Snakk med eleven, direkte eller gjennom en voksen eleven stoler på, og registrer det i saken.',
    },
    nn: {
      subject: 'Påminning: eleven si stemme',
      body: 'Eleven si eiga skildring er enno ikkje dokumentert, og ho skal vere med før tiltak blir avtalte.',
      next: 'Snakk med eleven, direkte eller gjennom ein vaksen eleven stolar på, og registrer det i saka.',
    },
    en: {
      subject: "Reminder: the pupil's voice",
      body: "The pupil's own account has not yet been documented, and it should be in place before measures are agreed.",
      next: 'Talk with the pupil, directly or through an adult the pupil trusts, and record it in the case.',
    },
  },
  'monitor-attendance': {
    nb: {
      subject: 'Påminnelse: følg med på oppmøtet',
      body: 'Fraværet har gått ned, men eleven skal fortsatt følges opp en periode.',
      next: 'Følg med på oppmøtet og registrer det i saken hvis fraværet øker igjen.',
    },
    nn: {
      subject: 'Påminning: følg med på oppmøtet',
      body: 'Fråværet har gått ned, men eleven skal framleis følgjast opp ein periode.',
      next: 'Følg med på oppmøtet og registrer det i saka dersom fråværet aukar igjen.',
    },
    en: {
      subject: 'Reminder: keep an eye on attendance',
      body: 'The absence has gone down, but the pupil is still to be followed up for a period.',
      next: 'Keep an eye on attendance and record it in the case if absence rises again.',
    },
  },
  'file-document': {
    nb: {
      subject: 'Påminnelse: dokumentasjon mangler',
      body: 'Saken venter på et dokument før den kan gå videre eller avsluttes.',
      next: 'Åpne saken, se hvilket dokument som mangler, og arkiver det.',
    },
    nn: {
      subject: 'Påminning: eit dokument manglar',
      body: 'Saka ventar på eit dokument før ho kan gå vidare eller avsluttast.',
      next: 'Opne saka, sjå kva dokument som manglar, og arkiver det.',
    },
    en: {
      subject: 'Reminder: a document is missing',
      body: 'The case is waiting for a document before it can move on or be closed.',
      next: 'Open the case, see which document is missing, and file it.',
    },
  },
  'agree-measures': {
    nb: {
      subject: 'Påminnelse: planen er ikke registrert',
      body: 'Planen som skulle lages i samtalen eller møtet, er ennå ikke registrert i saken.',
      next: 'Registrer planen med dato for oppfølging.',
    },
    nn: {
      subject: 'Påminning: planen er ikkje registrert',
      body: 'Planen som skulle lagast i samtalen eller møtet, er enno ikkje registrert i saka.',
      next: 'Registrer planen med dato for oppfølging.',
    },
    en: {
      subject: 'Reminder: the plan has not been recorded',
      body: 'The plan that was to be made in the conversation or meeting has not yet been recorded in the case.',
      next: 'Record the plan with a date for follow-up.',
    },
  },
  'involve-school-nurse': {
    nb: {
      subject: 'Påminnelse: vurder å involvere helsesykepleier',
      body: 'Rutinen sier at helsesykepleier kan være med i arbeidet med saken når foresatte samtykker.',
      next: 'Spør foresatte om samtykke og registrer svaret i saken.',
    },
    nn: {
      subject: 'Påminning: vurder å involvere helsesjukepleiaren',
      body: 'Rutinen seier at helsesjukepleiaren kan vere med i arbeidet med saka når føresette samtykkjer.',
      next: 'Spør føresette om samtykke og registrer svaret i saka.',
    },
    en: {
      subject: 'Reminder: consider involving the school nurse',
      body: 'The procedure allows the school nurse to take part in the work on the case when the guardians consent.',
      next: 'Ask the guardians for consent and record their answer in the case.',
    },
  },
};
