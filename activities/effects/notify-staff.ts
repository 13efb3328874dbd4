/** notifyStaff: an e-mail to staff in the named roles, worded in Norwegian by its topic. */
import { type StaffTopic, notifyStaff } from '../../machines/effects/notify-staff';
import { type Wording, defineMessageActivity } from './define';

export const staffWording: Record<StaffTopic, Wording> = {
  'case-opened': {
    subject: 'Ny fraværssak',
    body: 'En elev har fravær over terskelen i rutinen. Ta kontakt med hjemmet og dokumenter samtalen.',
  },
  'case-escalated': {
    subject: 'Fraværssak løftet til neste nivå',
    body: 'Saken er løftet til et høyere nivå i rutinen. Se hvem som har ansvar nå.',
  },
  'new-trigger': { subject: 'Nytt fravær i åpen sak', body: 'Eleven har nytt fravær som utløser neste fase i rutinen.' },
  'suspicion-raised': {
    subject: 'Mistanke registrert i fraværssak',
    body: 'Det er registrert en mistanke som krever at barnevernet kontaktes før andre tiltak. Ta saken med ledelsen i dag.',
  },
  'deadline-passed': { subject: 'Frist passert i fraværssak', body: 'En frist i rutinen er passert uten at neste steg er registrert.' },
  'case-closed': { subject: 'Fraværssak avsluttet', body: 'Saken er avsluttet og dokumentert.' },
  'new-absence': {
    subject: 'Nytt fravær registrert i saken',
    body: 'Eleven har fått nytt fravær over terskelen. Det er lagt inn i saken, som blir stående i steget den er i. Ta det med i arbeidet som pågår.',
  },
  'concern-to-discuss': {
    subject: 'Ny fraværssak: bekymringen skal drøftes',
    body: 'Det er meldt bekymring for en elevs fravær. Kontaktlærer tar bekymringen opp med skolens ledelse eller rådgiver, som sammen vurderer om saken skal følges opp videre.',
  },
  'notice-missing': {
    subject: 'Fravær uten melding fra foresatte',
    body: 'Eleven er borte, og skolen har ikke fått melding fra foresatte. Kontakt hjemmet i dag for å spørre etter eleven og årsaken til fraværet, og registrer samtalen i saken.',
  },
  'minutes-shared': {
    subject: 'Referat med ansvarsfordeling',
    body: 'Referatet fra møtet er arkivert i saken. Det viser hvilke tiltak som ble avtalt og hvem som har ansvar for hva. Les det og følg opp din del.',
  },
};

export const notifyStaffActivity = defineMessageActivity(notifyStaff, ({ params }) => ({
  channel: 'email',
  recipients: params.roles,
  ...staffWording[params.about],
}));
