/**
 * What staff read about a case, in every language. The frame adds the case reference and asks
 * them to open the case; the pupil is never named. 'suspicion-raised' says only that the
 * leadership must look at the case today: what was recorded stays in the case.
 */
import type { StaffTopic } from '../../machines/effects';
import type { TemplateTable, Wording } from './types';

export const staffWording: TemplateTable<StaffTopic, Wording> = {
  'case-opened': {
    nb: {
      subject: 'Ny fraværssak',
      body: 'Det er opprettet en ny fraværssak fordi en elev har fravær over grensen i rutinen.',
      next: 'Ta kontakt med hjemmet og registrer samtalen i saken.',
    },
    nn: {
      subject: 'Ny fråværssak',
      body: 'Det er oppretta ei ny fråværssak fordi ein elev har fråvær over grensa i rutinen.',
      next: 'Ta kontakt med heimen og registrer samtalen i saka.',
    },
    en: {
      subject: 'New absence case',
      body: "A new absence case has been opened because a pupil's absence is above the limit in the procedure.",
      next: 'Contact the home and record the conversation in the case.',
    },
  },
  'case-escalated': {
    nb: {
      subject: 'Fraværssak løftet til neste nivå',
      body: 'Saken er løftet til et høyere nivå i rutinen, og ansvaret kan ha endret seg.',
      next: 'Åpne saken og se hvem som har ansvaret nå, og hvilke steg som kommer.',
    },
    nn: {
      subject: 'Fråværssaka er løfta til neste nivå',
      body: 'Saka er løfta til eit høgare nivå i rutinen, og ansvaret kan ha endra seg.',
      next: 'Opne saka og sjå kven som har ansvaret no, og kva steg som kjem.',
    },
    en: {
      subject: 'Absence case moved to the next level',
      body: 'The case has been moved to a higher level in the procedure, and responsibility may have changed.',
      next: 'Open the case to see who is responsible now and which steps come next.',
    },
  },
  'new-trigger': {
    nb: {
      subject: 'Nytt fravær i åpen sak',
      body: 'Eleven har nytt fravær som fører saken videre til neste fase i rutinen.',
      next: 'Se i saken hvilke steg som gjelder nå.',
    },
    nn: {
      subject: 'Nytt fråvær i ei open sak',
      body: 'Eleven har nytt fråvær som fører saka vidare til neste fase i rutinen.',
      next: 'Sjå i saka kva steg som gjeld no.',
    },
    en: {
      subject: 'New absence in an open case',
      body: 'The pupil has new absence that moves the case on to the next phase of the procedure.',
      next: 'Check the case for the steps that apply now.',
    },
  },
  'suspicion-raised': {
    nb: {
      subject: 'Saken trenger ledelsens oppmerksomhet i dag',
      body: 'Det er registrert et forhold i saken som ledelsen må se på i dag, før andre tiltak settes i gang.',
      next: 'Ta saken opp med ledelsen i dag, før noe annet gjøres.',
    },
    nn: {
      subject: 'Saka treng merksemd frå leiinga i dag',
      body: 'Det er registrert eit forhold i saka som leiinga må sjå på i dag, før andre tiltak blir sette i gang.',
      next: 'Ta saka opp med leiinga i dag, før noko anna blir gjort.',
    },
    en: {
      subject: "The case needs the leadership's attention today",
      body: 'Something has been recorded in the case that the leadership must look at today, before any other measures are started.',
      next: 'Take the case up with the leadership today, before anything else is done.',
    },
  },
  'deadline-passed': {
    nb: {
      subject: 'Frist passert i fraværssak',
      body: 'En frist i rutinen er passert uten at neste steg er registrert.',
      next: 'Gjør steget, eller registrer i saken hvorfor det venter.',
    },
    nn: {
      subject: 'Ein frist i fråværssaka er passert',
      body: 'Ein frist i rutinen er passert utan at neste steg er registrert.',
      next: 'Gjer steget, eller registrer i saka kvifor det ventar.',
    },
    en: {
      subject: 'A deadline in the absence case has passed',
      body: 'A deadline in the procedure has passed without the next step being recorded.',
      next: 'Carry out the step, or record in the case why it is waiting.',
    },
  },
  'case-closed': {
    nb: {
      subject: 'Fraværssak avsluttet',
      body: 'Saken er avsluttet og dokumentert.',
      next: 'Du trenger ikke gjøre noe mer. Skolen følger med på fraværet som vanlig.',
    },
    nn: {
      subject: 'Fråværssaka er avslutta',
      body: 'Saka er avslutta og dokumentert.',
      next: 'Du treng ikkje gjere noko meir. Skulen følgjer med på fråværet som vanleg.',
    },
    en: {
      subject: 'Absence case closed',
      body: 'The case has been closed and documented.',
      next: 'You do not need to do anything more. The school keeps an eye on absence as usual.',
    },
  },
  'new-absence': {
    nb: {
      subject: 'Nytt fravær registrert i saken',
      body: 'Eleven har fått nytt fravær over grensen i rutinen. Det er lagt inn i saken, som blir stående i steget den er i.',
      next: 'Ta det nye fraværet med i arbeidet som pågår.',
    },
    nn: {
      subject: 'Nytt fråvær registrert i saka',
      body: 'Eleven har fått nytt fråvær over grensa i rutinen. Det er lagt inn i saka, som blir ståande i det steget ho er i.',
      next: 'Ta det nye fråværet med i arbeidet som går føre seg.',
    },
    en: {
      subject: 'New absence recorded in the case',
      body: 'The pupil has new absence above the limit in the procedure. It has been added to the case, which stays at its current step.',
      next: 'Take the new absence into account in the ongoing work.',
    },
  },
  'concern-to-discuss': {
    nb: {
      subject: 'Ny fraværssak: bekymringen skal drøftes',
      body: 'Det er meldt bekymring for fraværet til en elev.',
      next: 'Kontaktlærer tar bekymringen opp med ledelsen eller rådgiver, som sammen vurderer om saken skal følges opp videre.',
    },
    nn: {
      subject: 'Ny fråværssak: uroa skal drøftast',
      body: 'Det er meldt uro for fråværet til ein elev.',
      next: 'Kontaktlæraren tek uroa opp med leiinga eller rådgivaren, som saman vurderer om saka skal følgjast opp vidare.',
    },
    en: {
      subject: 'New absence case: the concern is to be discussed',
      body: "A concern has been raised about a pupil's absence.",
      next: 'The contact teacher takes the concern up with the leadership or the counsellor, who together decide whether the case should be followed up further.',
    },
  },
  'minutes-shared': {
    nb: {
      subject: 'Referat med ansvarsfordeling',
      body: 'Referatet fra møtet er arkivert i saken. Det viser hvilke tiltak som ble avtalt, og hvem som har ansvar for hva.',
      next: 'Les referatet og følg opp din del.',
    },
    nn: {
      subject: 'Referat frå møtet med ansvarsfordeling',
      body: 'Referatet frå møtet er arkivert i saka. Det viser kva tiltak som vart avtalte, og kven som har ansvar for kva.',
      next: 'Les referatet og følg opp din del.',
    },
    en: {
      subject: 'Minutes from the meeting, with responsibilities',
      body: 'The minutes from the meeting have been filed in the case. They show which measures were agreed and who is responsible for what.',
      next: 'Read the minutes and follow up your part.',
    },
  },
  'notice-missing': {
    nb: {
      subject: 'Fravær uten melding fra foresatte',
      body: 'Eleven er borte i dag, og skolen har ikke fått melding fra foresatte.',
      next: 'Kontakt hjemmet i dag og registrer samtalen i saken.',
    },
    nn: {
      subject: 'Fråvær utan melding frå føresette',
      body: 'Eleven er borte i dag, og skulen har ikkje fått melding frå føresette.',
      next: 'Kontakt heimen i dag og registrer samtalen i saka.',
    },
    en: {
      subject: 'Absence without notice from the guardians',
      body: 'The pupil is away today, and the school has not received notice from the guardians.',
      next: 'Contact the home today and record the conversation in the case.',
    },
  },
};
