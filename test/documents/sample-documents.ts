/**
 * One filled-in form per document kind, with æ, ø and å in the free text, and a header: what the
 * document tests render. Synthetic names only.
 */
import type { DocumentKind } from '../../machines/vocabulary';
import type { CaseDocument, CaseDocumentHeader } from '../../documents/render-pdf';

export const sampleHeader: CaseDocumentHeader = {
  municipality: 'Syntetisk kommune C',
  school: 'Bjørkåsen skole',
  caseReference: '2026/17',
  documentDate: '2026-09-01',
  createdAt: '2026-09-01T10:15:00+02:00',
  participants: [
    { name: 'Kari Ås', role: 'kontaktlærer' },
    { name: 'Øystein Ærø', role: 'foresatt' },
    { name: 'Åse Lien', role: 'rektor' },
  ],
  pupil: { name: 'Siri Ås', grade: '7. trinn' },
};

export const sampleFields: Record<DocumentKind, Record<string, unknown>> = {
  'contact-log': {
    conversationDate: '2026-08-31',
    channel: 'phone',
    summary: 'Fraværet de siste tre dagene uten melding fra hjemmet.',
    guardiansView: 'Foresatte forteller at Siri gruer seg til gymtimene.',
    agreed: 'Foresatte gir beskjed før åtte hver morgen hun blir hjemme.',
    nextStep: 'Kontaktlærer følger opp fraværet fredag.',
    nextContactDate: '2026-09-04',
  },
  minutes: {
    meetingKind: 'cooperation-meeting',
    meetingDate: '2026-09-01',
    agenda: [{ topic: 'Fraværet så langt', discussion: 'Fraværet har økt etter høstferien.' }, { topic: 'Tiltak i gymtimene' }],
    decisions: [{ decision: 'Egen garderobe i gymtimene', responsible: 'Åse Lien', deadline: '2026-09-08' }],
    nextMeetingDate: '2026-09-22',
  },
  'mapping-form': {
    absencePattern: 'Mest mandager og dager med kroppsøving.',
    startedWhen: 'Etter høstferien i 6. trinn.',
    schoolSituation: 'Følger godt med faglig, strever i matematikk.',
    socialSituation: 'Har to nære venninner i klassen.',
    healthAsGuardiansDescribe: 'Vondt i magen om morgenen, ingen kjent sykdom.',
    pupilView: 'Synes garderoben er det vanskeligste.',
    whatHelps: 'Å bli møtt i døra av kontaktlæreren.',
  },
  'psychosocial-mapping': {
    classEnvironment: 'Rolig klasse med gode rutiner.',
    relationsToPeers: 'Trygg med venninnene, utrygg i store grupper.',
    relationsToAdults: 'God relasjon til kontaktlæreren.',
    bullyingOrExclusion: 'Ingen kjent mobbing; noe utestenging i friminuttene.',
    safetyDuringBreaks: 'Trygg på skoleveien, mindre trygg i storefri.',
    pupilView: 'Vil gjerne ha en fast plass å være i storefri.',
    followUp: 'Miljøarbeider følger opp storefri i tre uker.',
  },
  'measures-plan': {
    goal: 'Siri er på skolen alle dager innen jul.',
    measures: [
      { measure: 'Kontaktlærer møter Siri i døra hver morgen', responsible: 'Kari Ås', when: 'hver skoledag kl. 08.15' },
      { measure: 'Egen garderobe i kroppsøving', responsible: 'Åse Lien', when: 'fra 8. september' },
    ],
    evaluationDate: '2026-09-22',
  },
  'cooperation-agreement': {
    goal: 'Økt nærvær og trygghet på skolen.',
    pupilMeasures: ['Siri sier fra til kontaktlærer når hun gruer seg.'],
    schoolMeasures: ['Skolen gir Siri egen garderobe.', 'Kontaktlærer ringer hjem hver fredag.'],
    homeMeasures: ['Foresatte følger Siri til skolen på mandager.'],
    planB: 'Møte med helsesykepleier innen en uke hvis fraværet ikke går ned.',
    evaluationDate: '2026-09-22',
  },
  evaluation: {
    evaluationDate: '2026-09-22',
    absenceSinceLast: 'To dager borte siden forrige møte.',
    measuresEvaluated: [
      { measure: 'Møtt i døra hver morgen', assessment: 'Virker godt; Siri kommer oftere.' },
      { measure: 'Egen garderobe', assessment: 'Ikke prøvd ennå.' },
    ],
    outcome: 'better',
    nextStep: 'Fortsette tiltakene i tre uker til.',
    nextEvaluationDate: '2026-10-13',
  },
  'pupil-voice': {
    conversationDate: '2026-09-02',
    source: 'trusted-adult',
    pupilDescription: 'Siri forteller at hun blir kvalm før gymtimene.',
    pupilWishes: 'Å slippe å dusje sammen med de andre.',
  },
  consent: {
    service: 'ppt',
    consentGivenBy: ['Øystein Ærø'],
    scope: 'Skolen kan dele kartleggingen og tiltaksplanen med PP-tjenesten.',
    validUntil: '2027-06-30',
  },
  referral: {
    service: 'ppt',
    reason: 'Vedvarende fravær og mistanke om lærevansker i matematikk.',
    triedMeasures: ['Tilpasset opplæring i matematikk', 'Faste samtaler med kontaktlærer'],
    expectations: 'Utredning og råd til skolen.',
    consentReference: 'Samtykkeskjema datert 01.09.2026',
  },
  'report-of-concern': {
    concern: 'Høyt fravær og tegn på omsorgssvikt.',
    observations: 'Kommer ofte uten matpakke og i for tynne klær.',
    absenceSummary: '14 dager borte siden skolestart.',
    measuresTried: 'Samarbeidsmøte, tiltaksplan og samtaler med helsesykepleier.',
    guardiansInformed: false,
    guardiansNotInformedReason: 'Barnevernet rådet skolen til å vente med å orientere foresatte.',
  },
  'school-owner-notice': {
    title: 'Orientering om høyt fravær',
    date: '2026-09-01',
    text: 'Skolen orienterer skoleeier om en elev med fravær over terskelen i rutinen.',
  },
  'closing-note': {
    closingReason: 'absence-improved',
    caseSummary: 'Fraværet har gått ned etter tiltakene i høst.',
    absenceAtClosing: 'Ingen fravær de siste seks ukene.',
    approvedBy: 'Åse Lien, rektor',
    followUpAfterClosing: 'Kontaktlærer følger med på fraværet ut skoleåret.',
  },
  'absence-notice': {
    title: 'Fraværsmelding',
    date: '2026-08-28',
    text: 'Siri er hjemme i dag på grunn av vondt i magen.',
  },
  'suspicion-note': {
    title: 'Observasjon i friminuttet',
    date: '2026-09-03',
    text: 'Blåmerker på armen; eleven ville ikke si hvor de kom fra.',
  },
  'health-note': {
    title: 'Konklusjon etter samtale',
    date: '2026-09-05',
    text: 'Ingen helsemessig grunn til fraværet som skolen må ta hensyn til.',
  },
  'decision-note': {
    title: 'Saken løftes til Trinn 3',
    date: '2026-09-06',
    text: 'Rektor beslutter å løfte saken tidlig på grunn av alvorlig bekymring.',
  },
};

export function sampleDocument(kind: DocumentKind, overrides: Partial<CaseDocument> = {}): CaseDocument {
  return { kind, fields: sampleFields[kind], header: sampleHeader, ...overrides };
}
