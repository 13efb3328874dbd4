/**
 * What guardians read, in every language. The pupil is named by first name when the context has
 * one, else "barnet deres" / "barnet dykkar" / "your child". No reason for absence is ever named:
 * 'closed-for-illness' speaks of "the reason you confirmed" only.
 */
import type { GuardianMessage } from '../../machines/effects';
import type { TemplateTable, Wording } from './types';

/** The pupil as the sentence needs it: as a word (`child`), at a sentence's start (`Child`), and in English the possessive (`childs`). */
export interface PupilWords {
  child: string;
  Child: string;
  childs: string;
  Childs: string;
}

export const guardianWording: TemplateTable<GuardianMessage, (pupil: PupilWords) => Wording> = {
  'absence-routine': {
    nb: ({ child }) => ({
      subject: 'Slik følger skolen opp fravær',
      body: 'Skolen følger med på fraværet til alle elever fra første dag. Når fraværet blir høyt, eller en elev er borte uten beskjed, tar vi kontakt med dere, slik at vi sammen kan finne ut hva som kan hjelpe.',
      next: `Gi beskjed til skolen samme dag hvis ${child} ikke kan komme. Dere trenger ikke gjøre noe annet nå.`,
      sms: `Gi beskjed samme dag hvis ${child} ikke kan komme på skolen. Vi tar kontakt hvis fraværet blir høyt.`,
    }),
    nn: ({ child }) => ({
      subject: 'Slik følgjer skulen opp fråvær',
      body: 'Skulen følgjer med på fråværet til alle elevane frå første dag. Når fråværet blir høgt, eller ein elev er borte utan melding, tek vi kontakt med dykk, slik at vi saman kan finne ut kva som kan hjelpe.',
      next: `Gje beskjed til skulen same dag dersom ${child} ikkje kan kome. De treng ikkje gjere noko anna no.`,
      sms: `Gje beskjed same dag dersom ${child} ikkje kan kome på skulen. Vi tek kontakt om fråværet blir høgt.`,
    }),
    en: ({ child }) => ({
      subject: 'How the school follows up absence',
      body: "The school keeps track of every pupil's absence from the first day. When absence gets high, or a pupil is away without notice, we will contact you so that together we can find out what might help.",
      next: `Please let the school know the same day if ${child} cannot come. You do not need to do anything else now.`,
      sms: `Please tell us the same day if ${child} cannot come. We will contact you if absence gets high.`,
    }),
  },
  'absence-without-notice': {
    nb: ({ Child }) => ({
      subject: 'Vi mangler beskjed om fravær',
      body: `${Child} er ikke på skolen i dag, og vi har ikke fått beskjed fra dere.`,
      next: 'Gi beskjed til skolen så snart som mulig. Hører vi ikke fra dere, tar skolen kontakt med dere i løpet av dagen.',
      sms: `${Child} er ikke på skolen i dag, og vi har ikke fått beskjed. Gi beskjed så snart som mulig.`,
    }),
    nn: ({ Child }) => ({
      subject: 'Vi har ikkje fått melding om fråværet i dag',
      body: `${Child} er ikkje på skulen i dag, og vi har ikkje fått melding frå dykk.`,
      next: 'Gje beskjed til skulen så snart som mogleg. Høyrer vi ikkje frå dykk, tek skulen kontakt med dykk i løpet av dagen.',
      sms: `${Child} er ikkje på skulen i dag, og vi har ikkje fått melding. Gje beskjed så snart som mogleg.`,
    }),
    en: ({ Child }) => ({
      subject: "We have not heard about today's absence",
      body: `${Child} is not at school today, and we have not heard from you.`,
      next: 'Please let the school know as soon as possible. If we do not hear from you, the school will contact you during the day.',
      sms: `${Child} is not at school today, and we have had no notice. Please let us know as soon as possible.`,
    }),
  },
  'school-is-concerned': {
    nb: ({ child }) => ({
      subject: 'Skolen er bekymret for fraværet',
      body: `Fraværet til ${child} har økt, og vi er bekymret. Vi vil gjerne finne ut sammen med dere hva som ligger bak, og hva som kan gjøre det lettere å komme på skolen.`,
      next: 'Skolen tar snart kontakt med dere for å avtale en samtale. Ta gjerne kontakt før det.',
      sms: `Fraværet til ${child} har økt. Vi vil gjerne snakke med dere og tar kontakt om en samtale.`,
    }),
    nn: ({ child }) => ({
      subject: 'Skulen vil snakke med dykk om fråværet',
      body: `Fråværet til ${child} har auka, og vi er uroa. Vi vil gjerne finne ut saman med dykk kva som ligg bak, og kva som kan gjere det lettare å kome på skulen.`,
      next: 'Skulen tek snart kontakt med dykk for å avtale ein samtale. Ta gjerne kontakt før det.',
      sms: `Fråværet til ${child} har auka. Vi vil gjerne snakke med dykk og tek kontakt om ein samtale.`,
    }),
    en: ({ Childs }) => ({
      subject: 'The school would like to talk with you about the absence',
      body: `${Childs} absence has increased, and we are concerned. We would like to work out together with you what lies behind it, and what could make it easier to come to school.`,
      next: 'The school will contact you soon to arrange a conversation. You are welcome to get in touch before then.',
      sms: `${Childs} absence has increased. We would like to talk with you and will be in touch.`,
    }),
  },
  'meeting-invitation': {
    nb: ({ child, Child }) => ({
      subject: 'Invitasjon til møte om skolefravær',
      body: `Skolen inviterer dere til et møte om fraværet til ${child}, der vi sammen blir enige om veien videre. ${Child} er velkommen til å være med.`,
      next: 'Skolen tar kontakt med dere for å finne et tidspunkt som passer.',
      sms: `Vi inviterer til et møte om fraværet til ${child} og tar kontakt om tidspunkt.`,
    }),
    nn: ({ child, Child }) => ({
      subject: 'Invitasjon til møte om fråværet',
      body: `Skulen inviterer dykk til eit møte om fråværet til ${child}, der vi saman blir samde om vegen vidare. ${Child} er velkomen til å vere med.`,
      next: 'Skulen tek kontakt med dykk for å finne eit tidspunkt som passar.',
      sms: `Vi inviterer til eit møte om fråværet til ${child} og tek kontakt om tidspunkt.`,
    }),
    en: ({ childs, Child }) => ({
      subject: 'Invitation to a meeting about the absence',
      body: `The school invites you to a meeting about ${childs} absence, where together we agree on the way forward. ${Child} is welcome to take part.`,
      next: 'The school will contact you to find a time that suits you.',
      sms: `We invite you to a meeting about ${childs} absence and will contact you about a time.`,
    }),
  },
  'minutes-shared': {
    nb: ({ child }) => ({
      subject: 'Referat fra møtet',
      body: `Referatet fra møtet om ${child} er ferdig. Det viser hva vi ble enige om, og hvem som har ansvar for hva.`,
      next: 'Les gjennom referatet og si fra hvis noe ikke stemmer. Ta kontakt hvis dere ikke har fått det.',
      sms: 'Referatet fra møtet er ferdig. Les det og si fra hvis noe ikke stemmer.',
    }),
    nn: ({ child }) => ({
      subject: 'Referat frå møtet',
      body: `Referatet frå møtet om ${child} er ferdig. Det viser kva vi vart samde om, og kven som har ansvar for kva.`,
      next: 'Les gjennom referatet og sei frå dersom noko ikkje stemmer. Ta kontakt om de ikkje har fått det.',
      sms: 'Referatet frå møtet er ferdig. Les det og sei frå dersom noko ikkje stemmer.',
    }),
    en: ({ child }) => ({
      subject: 'Minutes from the meeting',
      body: `The minutes from the meeting about ${child} are ready. They show what we agreed and who is responsible for what.`,
      next: 'Please read the minutes and tell us if anything is not right. Get in touch if you have not received them.',
      sms: 'The minutes from the meeting are ready. Please read them and tell us if anything is not right.',
    }),
  },
  'case-closed': {
    nb: ({ child }) => ({
      subject: 'Oppfølgingen av fraværet er avsluttet',
      body: `Fraværet til ${child} er fulgt opp, og skolen avslutter nå saken. Takk for godt samarbeid.`,
      next: 'Skolen følger med på fraværet som vanlig. Ta gjerne kontakt hvis dere blir bekymret igjen.',
      sms: `Oppfølgingen av fraværet til ${child} er avsluttet. Takk for samarbeidet!`,
    }),
    nn: ({ child }) => ({
      subject: 'Oppfølginga av fråværet er avslutta',
      body: `Fråværet til ${child} er følgt opp, og skulen avsluttar no saka. Takk for godt samarbeid.`,
      next: 'Skulen følgjer med på fråværet som vanleg. Ta gjerne kontakt dersom de blir uroa igjen.',
      sms: `Oppfølginga av fråværet til ${child} er avslutta. Takk for samarbeidet!`,
    }),
    en: ({ Childs, childs }) => ({
      subject: 'The follow-up of the absence has ended',
      body: `${Childs} absence has been followed up, and the school is now closing the case. Thank you for working with us.`,
      next: 'The school will keep an eye on absence as usual. Please get in touch if you become concerned again.',
      sms: `The follow-up of ${childs} absence has ended. Thank you for working with us!`,
    }),
  },
  // The guardians confirmed the reason themselves; the message does not repeat it.
  'closed-for-illness': {
    nb: ({ child }) => ({
      subject: 'Saken om fraværet er avsluttet',
      body: `Dere har bekreftet årsaken til fraværet til ${child}. På det grunnlaget avslutter skolen saken nå.`,
      next: 'Kommer det nytt fravær senere, følger skolen det opp etter rutinen som vanlig.',
      sms: 'Saken er avsluttet på grunnlaget dere bekreftet. Nytt fravær følges opp som vanlig.',
    }),
    nn: ({ child }) => ({
      subject: 'Saka om fråværet er avslutta',
      body: `De har stadfesta årsaka til fråværet til ${child}. På det grunnlaget avsluttar skulen saka no.`,
      next: 'Kjem det nytt fråvær seinare, følgjer skulen det opp etter rutinen som vanleg.',
      sms: 'Saka er avslutta på grunnlaget de stadfesta. Nytt fråvær blir følgt opp som vanleg.',
    }),
    en: ({ childs }) => ({
      subject: 'The case about the absence is closed',
      body: `You have confirmed the reason for ${childs} absence. On that basis, the school is now closing the case.`,
      next: 'If there is new absence later, the school will follow it up in the usual way.',
      sms: 'The case is closed on the reason you confirmed. New absence is followed up as usual.',
    }),
  },
};
