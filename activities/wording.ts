/**
 * The Norwegian (bokmål) wording of every message the system sends. Machines name a message
 * ('school-is-concerned'); this is the one place that says it to people. Written for this
 * product, not copied from the procedures. Names of roles, documents and meetings are in
 * machines/labels.ts, shared with every other place that shows them.
 */
import type { GuardianMessage, InformSchoolOwnerParams, NotifyStaffParams, ReminderTopic } from '../machines/effects';

export interface Wording {
  subject: string;
  body: string;
}

export const guardianWording: Record<GuardianMessage, Wording> = {
  'absence-routine': {
    subject: 'Slik følger skolen opp fravær',
    body: 'Skolen følger opp alt fravær fra første dag. Gi beskjed til skolen samme dag når barnet ikke kan møte, og fortell oss gjerne hvordan vi best kan hjelpe.',
  },
  'absence-without-notice': {
    subject: 'Vi mangler beskjed om fravær',
    body: 'Barnet deres er ikke på skolen i dag, og vi har ikke fått beskjed. Ta kontakt med skolen så snart som mulig.',
  },
  'school-is-concerned': {
    subject: 'Skolen er bekymret for fraværet',
    body: 'Fraværet har økt, og skolen ønsker å finne ut sammen med dere hva som ligger bak og hva som kan hjelpe.',
  },
  'meeting-invitation': {
    subject: 'Invitasjon til møte om skolefravær',
    body: 'Skolen inviterer til et møte for å snakke om fraværet og bli enige om veien videre. Eleven er velkommen til å delta.',
  },
  'minutes-shared': {
    subject: 'Referat fra møtet',
    body: 'Her er referatet fra møtet med det vi ble enige om. Si fra dersom noe ikke stemmer.',
  },
  'case-closed': {
    subject: 'Oppfølgingen av fraværet er avsluttet',
    body: 'Fraværet er nå fulgt opp, og saken er avsluttet. Ta gjerne kontakt med skolen om dere blir bekymret igjen.',
  },
  'closed-for-illness': {
    subject: 'Saken er lukket fordi fraværet skyldes sykdom',
    body: 'Dere har bekreftet at fraværet skyldes sykdom, og skolen lukker saken nå. Får eleven nytt fravær i tiden som kommer, tar skolen saken opp igjen etter rutinen.',
  },
};

export const staffWording: Record<NotifyStaffParams['about'], Wording> = {
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

export const schoolOwnerWording: Record<InformSchoolOwnerParams['about'], Wording> = {
  'case-escalated': {
    subject: 'Melding til skoleeier: fraværssak på høyere nivå',
    body: 'En fraværssak er løftet til et nivå der skoleeier skal orienteres.',
  },
  'referral-sent': { subject: 'Melding til skoleeier: henvisning sendt', body: 'Skolen har sendt en henvisning i en fraværssak.' },
};

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
