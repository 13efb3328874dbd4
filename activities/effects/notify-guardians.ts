/** notifyGuardians: an e-mail to the guardians, worded in Norwegian by the message the machine names. */
import { type GuardianMessage, notifyGuardians } from '../../machines/effects/notify-guardians';
import { type Wording, defineMessageActivity } from './define';

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

export const notifyGuardiansActivity = defineMessageActivity(notifyGuardians, ({ params }) => ({
  channel: 'email',
  recipients: ['guardians'],
  ...guardianWording[params.message],
}));
