/** remindResponsible: a task for the responsible roles, worded in Norwegian by what is due. */
import { type ReminderTopic, remindResponsible } from '../../machines/effects/remind-responsible';
import { type Wording, defineMessageActivity } from './define';

export const reminderWording: Record<ReminderTopic, Wording> = {
  'contact-guardians': { subject: 'Påminnelse: kontakt hjemmet', body: 'Hjemmet er ennå ikke kontaktet i denne fraværssaken.' },
  'hold-meeting': { subject: 'Påminnelse: møtet er ikke holdt', body: 'Møtet som skulle kalles inn, er ennå ikke registrert som holdt.' },
  'evaluate-measures': {
    subject: 'Påminnelse: tiltakene skal evalueres',
    body: 'Datoen for å evaluere tiltakene er nådd. Hold evalueringsmøtet og registrer utfallet.',
  },
  'decide-escalation': { subject: 'Påminnelse: vurder neste nivå', body: 'Tidsfristen for å vurdere om saken skal løftes, er nådd.' },
  'consult-child-welfare': {
    subject: 'Påminnelse: kontakt barnevernet',
    body: 'Barnevernet skal konsulteres før andre tiltak i denne saken.',
  },
  'record-pupil-voice': { subject: 'Påminnelse: elevens stemme', body: 'Elevens egen beskrivelse må dokumenteres før tiltak avtales.' },
  'monitor-attendance': { subject: 'Påminnelse: følg med på oppmøtet', body: 'Fortsett å følge opp eleven selv om fraværet har gått ned.' },
  'file-document': {
    subject: 'Påminnelse: dokumentasjon mangler',
    body: 'Saken venter på et dokument før den kan gå videre eller avsluttes.',
  },
  'agree-measures': {
    subject: 'Påminnelse: planen er ikke registrert',
    body: 'Planen som skulle lages i samtalen eller møtet, er ennå ikke registrert i saken. Registrer planen med dato for oppfølging.',
  },
  'involve-school-nurse': {
    subject: 'Påminnelse: helsesykepleier kan kartlegge helse',
    body: 'Fraværet er bekymringsfullt. Be foresatte om samtykke, så helsesykepleier kan se på om det finnes helsemessige årsaker.',
  },
};

export const remindResponsibleActivity = defineMessageActivity(remindResponsible, ({ params }) => ({
  channel: 'task',
  recipients: params.roles,
  ...reminderWording[params.about],
}));
