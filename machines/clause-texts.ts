/**
 * The Norwegian (bokmål) text of every procedure clause, for the case page's "Hva rutinen sier".
 * A clause's `rule` (meta.ts) is the project's English summary for developers; school users read
 * this text instead. Each text says the same as its English rule in plain words a contact teacher
 * understands, in the procedure's own terms, with the rule's numbers and deadlines unchanged.
 * Kept apart from the machine files so the charts (and the frozen v1 charts) stay untouched.
 * test/machines/clause-texts.test.ts checks that every clause of every registered version has one.
 */
import type { Clause } from './meta';
import { getProcedure } from './registry';

/**
 * Keys of the texts for a version-1 clause whose English rule differs from the current version's
 * rule under the same id: `${id}@v1`. The plain id holds the current version's text.
 */
export const V1_SUFFIX = '@v1';

/** The national and common clauses every procedure carries (E.CW1, E.BUP1 from seed 004; D.2, D.3 from seed 003). */
const commonClauses = {
  'E.CW1':
    'Ved mistanke om vold eller overgrep, rusmisbruk hos foresatte eller omsorgssvikt, eller varige og alvorlige atferdsvansker skal skolen alltid rådføre seg med barnevernet før andre tiltak vurderes.',
  'E.BUP1':
    'Henvisning til BUP forutsetter at kommunale tiltak er prøvd. Det er barnevernet, psykolog eller fastlege som henviser, med samtykke fra foresatte.',
  'D.2': 'Eleven skal bli hørt, direkte eller gjennom en voksen eleven stoler på, før tiltak avtales.',
  'D.3': 'Oppfølgingen fortsetter etter at eleven er tilbake på skolen. Dette gir ingen ventetid før saken kan avsluttes.',
} as const;

const planForSkolenaervaer = {
  'A.5.1a': 'Fraværet registreres hver dag, og foresatte gir skriftlig beskjed om alt fravær.',
  'A.5.1b': 'Varer fraværet mer enn 3 dager, skal foresatte fortelle skolen hva årsaken er.',
  'A.5.1c': 'Har skolen ikke fått slik beskjed innen 3 dager, tar skolen kontakt med foresatte.',
  'A.T1.0':
    'Fravær på over 10 dager, eller mye fravær på kort tid, vurderes som mulig bekymringsfullt. Er kontaktlærer i tvil, drøftes saken med rektor.',
  'A.T1.1a':
    'Kontaktlærer kontakter foresatte, sier at skolen er bekymret og prøver å finne årsaken. Elevens alder avgjør om eleven er med.',
  'A.T1.1b': 'Samtalen loggføres i arkivet, og rektor får beskjed.',
  'A.T1.2':
    'Skolen vurderer tiltak som gjør det lettere for eleven å møte opp. Elevens psykososiale miljø kartlegges, og kartleggingen skrives i logg eller referat.',
  'A.T1.3': 'Er det grunn til videre bekymring, går saken over til Trinn 2.',
  'A.T2.0': 'Trinn 2 begynner når fraværet ikke har gått ned etter tiltakene på Trinn 1.',
  'A.T2.1a':
    'Kontaktlærer eller ledelsen kaller inn foresatte (og eleven, ut fra alder) til møte. Skolen skriver referat og arkiverer det.',
  'A.T2.1b': 'Skolen vurderer å trekke inn helsesykepleier. Samtykke hentes inn og arkiveres.',
  'A.T2.1c': 'I møtet avtales tiltak for eleven, skolen og hjemmet, som føres i referatet, og datoen for evalueringen settes.',
  'A.T2.2': 'Rektor informerer skoleeier når saken går over til Trinn 2.',
  'A.T2.3': 'Skolen arbeider med tiltakene som ble avtalt i møtet.',
  'A.T2.4':
    'Tiltakene evalueres i et samarbeidsmøte etter 3 uker, på datoen som ble avtalt i det første møtet, og justeres ved behov. Referatet arkiveres.',
  // Version 1 did not tie the evaluation to the date agreed in the first meeting.
  [`A.T2.4${V1_SUFFIX}`]: 'Tiltakene evalueres i et samarbeidsmøte etter 3 uker og justeres ved behov. Referatet arkiveres.',
  'A.T2.5': 'Er fraværet likt eller høyere etter 6 uker til sammen, går saken over til Trinn 3. Skolen kan bestemme å gå videre tidligere.',
  'A.T3.0':
    'Trinn 3 ledes av skolens ledelse sammen med kommunens støttetjenester når fraværet fortsatt er bekymringsfullt etter Trinn 1 og 2.',
  'A.T3.1a': 'Er skolehelsetjenesten ikke trukket inn før, skjer det nå. Samtykkeskjemaet arkiveres.',
  'A.T3.1b': 'Sammen med skolehelsetjenesten vurderer skolen å prøve tiltak før saken henvises til Innsatsteam.',
  'A.T3.2': 'Skolen eller foresatte henviser saken til Innsatsteam.',
  'A.T3.2a': 'Det holdes et formøte med rektor, kontaktlærer og Innsatsteam.',
  'A.T3.2b': 'Møtet gjør en utvidet kartlegging av ressurser og behov.',
  'A.T3.2c': 'Tiltakene lages ut fra kartleggingen.',
  'A.T3.2d': 'Ansvaret fordeles mellom deltakerne og skrives i et referat som alle deltakerne får.',
  'A.T3.2e': 'Tiltakene evalueres i faste samarbeidsmøter etter behov.',
  'A.T3.2f': 'Det systematiske arbeidet fortsetter også når fraværet varer lenge.',
  'A.T3.3':
    'Har tiltakene fra Innsatsteam ikke gitt bedring etter 3 måneder, eller tidligere ved behov, kontaktes andre tjenester: lege eller spesialisthelsetjenesten, PPT, barnevernet, BUP.',
  ...commonClauses,
};

const tiltaksplan = {
  'C.1.1': 'Foresatte melder fra samme dag om fravær, om eleven skal gå tidligere eller om eleven kommer for sent.',
  'C.1.2': 'Får skolen ikke beskjed, kontakter skolen hjemmet for å spørre etter eleven og årsaken til fraværet.',
  'C.2':
    'En sak åpnes ved 3 sammenhengende dager, 4 enkeltdager i løpet av en måned, eller gjentatt fravær deler av skoledagen den siste måneden.',
  'C.2.1a': 'Kontaktlærer tar kontakt med hjemmet for å avklare situasjonen og forteller om tiltaksplanen.',
  'C.2.1b': 'Er årsaken sykdom, blir saken «lukket» når foresatte godkjenner det.',
  // Version 1 wrote "closed" without the quotation marks that say the case may come back.
  [`C.2.1b${V1_SUFFIX}`]: 'Er årsaken sykdom, lukkes saken når foresatte godkjenner det.',
  'C.2.1c': 'Ellers lages det en plan for de neste 3 dagene sammen med foresatte.',
  'C.2.1d':
    'En sak som ble «lukket» på grunn av sykdom i fase 2, fortsetter i fase 3 når det kommer nytt fravær. Der vurderes det om det er ny eller gjentatt sykdom.',
  'C.2.2': 'Kontaktlærer informerer ansatte på trinnet, rektor og ressursteamet ved behov.',
  'C.3':
    'En ny utløser (3 nye sammenhengende dager, 4 nye dager i løpet av en måned, eller fortsatt fravær deler av skoledagen) fører saken videre.',
  'C.3.1': 'Er årsaken ny eller gjentatt sykdom, lukkes saken når foresatte godkjenner det, og dette dokumenteres.',
  'C.3.2a': 'Ellers kaller rektor straks inn til møte med ledelsen, kontaktlærer, foresatte og eleven.',
  'C.3.2b': 'Rektor leder møtet, kontaktlærer skriver referat, og situasjonen kartlegges med kartleggingsskjemaet.',
  'C.3.2c': 'Møtet lager en tiltaksplan og avtaler et oppfølgingsmøte senest tre uker etter møtet.',
  // Version 1 set the follow-up meeting "within three weeks" and considered other services here.
  [`C.3.2c${V1_SUFFIX}`]: 'Møtet lager en tiltaksplan og setter et oppfølgingsmøte innen tre uker. Andre instanser vurderes.',
  'C.3.2d': 'Ut fra det som kommer fram i møtet, vurderer skolen om andre instanser bør kobles inn.',
  'C.3.3a': 'Oppfølgingsmøtet holdes. Har fraværet gått tydelig ned, oppsummeres saken og avsluttes.',
  'C.3.3b': 'Ellers avtales videre tiltak, og rektor koordinerer de neste stegene.',
  'C.3.3c': 'Rektor, kontaktlærer, foresatte og eleven deltar i oppfølgingsmøtet, og rektor leder det.',
  ...commonClauses,
};

const raelingen = {
  'E.S1':
    'Ved skolestart informerer rektor foresatte skriftlig og muntlig om fraværsrutinen og om hva som regnes som gyldig og ugyldig fravær.',
  'E.S2': 'Alle lærere registrerer fravær hver dag, og kontaktlærer oppsummerer fraværet til hver elev hver uke.',
  'E.S3': 'Ugyldig fravær, eller mistanke om det, meldes til skolens ledelse, og hjemmet kontaktes straks.',
  'E.S4':
    'Fravær uten beskjed: på trinn 1-7 kontaktes hjemmet straks; på trinn 8-10 kontaktes foresatte så snart som mulig og senest den tredje dagen.',
  'E.S5a':
    'Bekymringsfullt fravær (mistanke om ugyldig fravær, eller mer enn 8 dager og/eller 10 enkelttimer) meldes av kontaktlærer til skolens ledelse.',
  'E.S5b': 'Da kartlegges fraværsmønsteret med kartleggingsskjema 1, eventuelt sammen med skolens ressurspersoner.',
  'E.S6a':
    'Rektor vurderer saken, forklarer rutinen og snakker med foresatte. Foresatte og elev kalles inn til samtale ved behov, tiltakene bygger på kartleggingen, og trengs mer kartlegging, holdes et nytt møte innen en uke.',
  'E.S6b': 'UngdomsLOS deltar fast i møter om elevens fravær fra 6. trinn, og etter avtale for yngre elever.',
  'E.S6d':
    'Er årsakene klare i samtalen, kan en samarbeidsavtale lages der. Når avtalen er laget og tiltakene er i gang, holdes evalueringsmøtet innen tre uker.',
  'E.S6e': 'Etter samtalen skrives referat, og foresatte får en kopi.',
  'E.S6c': 'Saken kan drøftes i et tverrfaglig møte.',
  'E.S7a': 'A: Har fraværet en naturlig forklaring, avsluttes saken.',
  'E.S7b':
    'B: Er fraværet bekymringsfullt eller økende, kaller rektor inn til møte med foresatte, UngdomsLOS/familieveileder og andre aktuelle tjenester.',
  'E.S7c':
    'Tiltakene avtales i en samarbeidsavtale med mål, hva skolen, foresatte, eleven og UngdomsLOS har ansvar for, en plan B, en periode og en evalueringsdato. Alle som er til stede signerer, også eleven når eleven er med.',
  // Version 1 required the pupil's signature in every case.
  [`E.S7c${V1_SUFFIX}`]:
    'Tiltakene avtales i en samarbeidsavtale med mål, hva skolen, foresatte, eleven og UngdomsLOS har ansvar for, en plan B, en periode og en evalueringsdato. Alle som er til stede signerer, også eleven.',
  'E.S7d': 'Når UngdomsLOS begynner å følge en elev, holdes det alltid et møte med ungdommen, foresatte og skolen.',
  'E.S8':
    'Ved bekymringsfullt fravær kontakter skolen helsesykepleier, med samtykke fra foresatte, for å kartlegge fysiske, medisinske eller psykiske årsaker. Helsesykepleier konkluderer om videre oppfølging i løpet av høyst 3 samtaler.',
  // Version 1 had the nurse map physical or medical causes only, and did not say who contacts her.
  [`E.S8${V1_SUFFIX}`]:
    'Med samtykke fra foresatte kartlegger helsesykepleier fysiske eller medisinske årsaker, og konkluderer om videre oppfølging etter høyst 3 samtaler.',
  'E.S9': 'PPT kontaktes når fraværet kan skyldes vansker på skolen. Eleven kan henvises til en bred utredning.',
  'E.S10a':
    'Samarbeidsavtalen evalueres i et møte med foresatte og de involverte tjenestene innen tre uker etter at den ble laget, senest på den avtalte datoen.',
  // Version 1 did not name the agreed date as the latest day of the evaluation.
  [`E.S10a${V1_SUFFIX}`]:
    'Samarbeidsavtalen evalueres i et møte med foresatte og de involverte tjenestene innen tre uker etter at den ble laget.',
  'E.S10b':
    'Har fraværet gått ned, avslutter evalueringen enten den systematiske oppfølgingen av fraværet, eller avtaler videre oppfølging med en ny evaluering.',
  // Version 1 put the same two choices in the other order.
  [`E.S10b${V1_SUFFIX}`]:
    'Har fraværet gått ned: avtal videre oppfølging med en ny evaluering, eller avslutt den systematiske oppfølgingen.',
  'E.S10c':
    'Er fraværet fortsatt bekymringsfullt: vurder flere eller andre tiltak i en ny samarbeidsavtale, og vurder henvisning til PPT, BUP eller barnevernet.',
  'E.CW2': 'Ellers kontaktes barnevernet når skolens egne tiltak ikke gir rask og varig bedring.',
  'E.NAV1': 'NAV deltar i elevsamtaler på 10. trinn for elever med høyt ugyldig fravær.',
  'E.DS':
    'Faresignaler som krever handling: fravær uten beskjed, at eleven kommer for sent, ugyldig fravær fra enkelttimer eller hele dager, høyt gyldig fravær (10 dager i et halvår), og at eleven kommer og så går igjen.',
  ...commonClauses,
};

const hardanger = {
  'B.N0a': 'Lærerne registrerer fravær hver dag, og foresatte gir skriftlig beskjed den første dagen ved alt fravær.',
  'B.N0b': 'Er en lærer bekymret for fraværet, drøfter kontaktlærer det med ledelsen eller rådgiver.',
  'B.N0c': 'En faglærer som registrerer fravær, sørger for at kontaktlærer vet om det.',
  'B.N1a': 'Skolen møter eleven og foresatte sammen, og mål og felles tiltak avtales.',
  'B.N1b': 'I samtalen avtales et nytt møte.',
  'B.N1c': 'I et klasselærermøte blir alle lærerne til eleven orientert.',
  'B.N2a':
    'Fortsetter fraværet, kaller kontaktlærer, sammen med ledelsen, sosiallærer eller rådgiver, foresatte inn til en ny samtale innen én uke. Ledelsen, sosiallærer eller rådgiver deltar, og helsesykepleier når det er nyttig.',
  'B.N2b': 'I den samtalen evalueres oppmøtet, tiltak settes i gang, og det avklares om andre tjenester trengs.',
  'B.N2c': 'Ved behov fylles henvisninger ut sammen med foresatte.',
  'B.N3': 'Det sendes en bekymringsmelding til barnevernet.',
  'B.G1': 'Før møtet avgjøres det om eleven skal være med på det første møtet.',
  'B.G2': 'Referatet fra samtalen legges i elevmappen og sendes hjem.',
  'B.G3':
    'Handler fraværet ikke om skolen, eller tviler foresatte på at de får eleven tilbake på skolen, tilbys en ny samtale innen en uke.',
  'B.G4':
    'Samtalen får fram bekymringen og hvor mye fravær det er, kartlegger årsaken og hvilken støtte som trengs, avtaler tiltak og hvem som gjør hva, og avsluttes med å sette et nytt møte der avtalen evalueres.',
  'B.P1': 'Etter samtalen med foresatte snakker kontaktlærer med eleven, i skoletiden eller hjemme hvis eleven er borte fra skolen.',
  'B.P2': 'Tiltakene lages sammen med eleven. Det som avtales, skrives ned sammen og kan signeres av lærer og elev.',
  'B.C1':
    'En sak avsluttes når ledelsen eller rådgiver ikke finner grunn til bekymring på Nivå 0 og begrunner det; når en evaluering viser at fraværet har gått ned, ved at ledelsen skriver et avslutningsnotat, etter en oppfølgingsperiode bare hvis kommunen har satt en; eller når eleven flytter. Nytt fravær etter avslutning åpner en ny sak.',
  ...commonClauses,
};

/**
 * Norwegian clause texts by procedure id, then clause id. A version-1 clause whose English rule
 * differs from the current version's rule under the same id has its own text under
 * `${id}@v1` (A.T2.4, C.2.1b, C.3.2c, E.S7c, E.S8, E.S10a, E.S10b); every other v1 clause reads
 * the current text, because its rule is the same.
 */
export const clauseTextsNb: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'plan-for-skolenaervaer': planForSkolenaervaer,
  'tiltaksplan-elevfravaer': tiltaksplan,
  'raelingen-veileder': raelingen,
  'hardanger-handlingsplan': hardanger,
};

/**
 * The table key of `clause` in `procedureId`: `${id}@v1` when the clause is the version-1 rule
 * that the current version changed (and the table has a v1 text), else the clause id.
 */
function textKey(procedureId: string, clause: Clause): string {
  const v1Key = `${clause.id}${V1_SUFFIX}`;
  if (clauseTextsNb[procedureId]?.[v1Key] === undefined) return clause.id;
  const currentRule = getProcedure(procedureId).clauses.find((c) => c.id === clause.id)?.rule;
  const v1Rule = getProcedure(procedureId, 1).clauses.find((c) => c.id === clause.id)?.rule;
  return clause.rule === v1Rule && clause.rule !== currentRule ? v1Key : clause.id;
}

/**
 * The Norwegian text of `clause` in procedure `procedureId`, for the version the clause comes
 * from. Throws, naming the procedure and the clause id, when the table has no text for it.
 */
export function clauseTextNb(procedureId: string, clause: Clause): string {
  const key = textKey(procedureId, clause);
  const text = clauseTextsNb[procedureId]?.[key];
  if (text === undefined) {
    throw new Error(`Mangler norsk tekst for punkt «${key}» i rutinen «${procedureId}».`);
  }
  return text;
}
