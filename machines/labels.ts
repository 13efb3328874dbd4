/**
 * The Norwegian (bokmål) names of everything a school user may see of a case: roles, services,
 * documents, meetings, events, deadlines, stages and trigger rules. Defined once, here, and used
 * by the CLI, the messages, the audit report, the diagrams and the workflow's refusals, so an
 * internal name (`guardians.contacted`, `contactReminder`) never reaches a user and the same
 * thing is called the same everywhere. Pure data: the workflow bundle imports it.
 */
import type { EventType } from './events';
import type { PublicStage } from './meta';
import {
  type DocumentKind,
  type MeetingKind,
  type Role,
  type Service,
  type SuspicionKind,
  type Trend,
  type TriggerRule,
  serviceSchema,
} from './vocabulary';

export const roleNames: Record<Role, string> = {
  'contact-teacher': 'kontaktlærer',
  'teacher-team': 'lærerteamet',
  teacher: 'faglærer',
  principal: 'rektor',
  'school-leadership': 'skolens ledelse',
  'social-teacher': 'sosiallærer',
  counsellor: 'rådgiver',
  'resource-team': 'ressursteamet',
  'school-nurse': 'helsesykepleier',
  ppt: 'PP-tjenesten',
  innsatsteam: 'Innsatsteamet',
  'child-welfare': 'barnevernet',
  bup: 'BUP',
  doctor: 'fastlege',
  'mental-health': 'psykisk helse',
  ungdomslos: 'UngdomsLOS',
  nav: 'NAV',
  guardians: 'foresatte',
  pupil: 'eleven',
  'school-owner': 'skoleeier',
  coordinator: 'koordinator',
  system: 'systemet (fraværsdeteksjon)',
};

/** A service is called what the role acting for it is called (every service is also a role). */
export const serviceNames: Record<Service, string> = Object.fromEntries(
  serviceSchema.options.map((service) => [service, roleNames[service]]),
) as Record<Service, string>;

export const documentNames: Record<DocumentKind, string> = {
  'contact-log': 'logg fra samtale med foresatte',
  minutes: 'referat',
  'mapping-form': 'kartleggingsskjema',
  'psychosocial-mapping': 'kartlegging av psykososialt miljø',
  'measures-plan': 'tiltaksplan',
  'cooperation-agreement': 'samarbeidsavtale',
  evaluation: 'evalueringsreferat',
  'pupil-voice': 'elevens egen beskrivelse',
  consent: 'samtykkeskjema',
  referral: 'henvisning',
  'report-of-concern': 'bekymringsmelding',
  'school-owner-notice': 'melding til skoleeier',
  'closing-note': 'avslutningsnotat',
  'absence-notice': 'fraværsmelding fra foresatte',
  'suspicion-note': 'notat om mistanke',
  'health-note': 'konklusjon fra helsesykepleier',
  'decision-note': 'beslutningsnotat',
};

export const meetingNames: Record<MeetingKind, string> = {
  'guardian-conversation': 'samtale med foresatte',
  'pupil-conversation': 'elevsamtale',
  'leadership-meeting': 'møte med skolens ledelse',
  'cooperation-meeting': 'samarbeidsmøte',
  'evaluation-meeting': 'evalueringsmøte',
  'class-teacher-meeting': 'klasselærermøte',
  'innsatsteam-pre-meeting': 'formøte med Innsatsteam',
  'multi-agency-meeting': 'tverrfaglig møte',
  'school-nurse-conversation': 'samtale med helsesykepleier',
};

export const suspicionNames: Record<SuspicionKind, string> = {
  violence: 'vold',
  abuse: 'overgrep',
  neglect: 'omsorgssvikt',
  'guardian-substance-abuse': 'rusmisbruk hos foresatte',
  'serious-behaviour': 'alvorlige atferdsvansker',
};

/** What each event records, as a line in the case's history. */
export const eventNames: Record<EventType, string> = {
  'absence.thresholdReached': 'Fravær over terskelen i rutinen',
  'absence.newTrigger': 'Nytt fravær over terskelen',
  'absence.trend': 'Fraværsutvikling',
  'absence.noticeMissing': 'Fravær uten melding fra foresatte',
  'absence.noticeReceived': 'Fraværsmelding fra foresatte mottatt',
  'guardians.contacted': 'Kontakt med foresatte',
  'absenceCause.assessed': 'Årsaken til fraværet vurdert',
  'illness.confirmed': 'Sykdom bekreftet',
  'staff.informed': 'Ansatte informert',
  'schoolOwner.informed': 'Skoleeier orientert',
  'meeting.scheduled': 'Møte satt opp',
  'meeting.held': 'Møte holdt',
  'mapping.completed': 'Kartlegging fullført',
  'pupilVoice.recorded': 'Elevens stemme dokumentert',
  'measures.agreed': 'Tiltak avtalt',
  'cooperationAgreement.signed': 'Samarbeidsavtale signert',
  'evaluation.held': 'Tiltakene evaluert',
  'consent.given': 'Samtykke gitt',
  'consent.withdrawn': 'Samtykke trukket tilbake',
  'referral.sent': 'Henvisning sendt',
  'concern.reported': 'Bekymringsmelding sendt til barnevernet',
  'childWelfare.consulted': 'Barnevernet konsultert',
  'suspicion.raised': 'Mistanke om omsorgssvikt registrert',
  'schoolNurse.conversationHeld': 'Samtale med helsesykepleier holdt',
  'escalation.decided': 'Beslutning om å løfte saken',
  'document.recorded': 'Dokument arkivert',
  'case.closed': 'Saken avsluttet',
};

export const stageNames: Record<PublicStage, string> = {
  identification: 'kartlegging og kontakt',
  measures: 'tiltak',
  evaluation: 'evaluering',
  escalated: 'andre tjenester involvert',
  monitoring: 'oppfølging etter bedring',
  closed: 'avsluttet',
};

export const triggerRuleNames: Record<TriggerRule, string> = {
  'consecutive-days': 'fravær flere dager på rad',
  'single-days-in-month': 'enkeltdager med fravær i løpet av en måned',
  'partial-days-in-month': 'gjentatt fravær deler av dagen',
  'days-over-limit': 'fravær over antall dager i rutinen',
  'high-absence-short-period': 'høyt fravær over kort tid',
  'days-or-lessons-over-limit': 'fravær over antall dager eller enkelttimer i rutinen',
  'valid-absence-half-year': 'høyt gyldig fravær dette halvåret',
  'unnotified-absence': 'fravær uten melding fra foresatte',
  'suspected-invalid-absence': 'mistanke om ugyldig fravær',
  'late-arrivals': 'gjentatte forsentkomster',
  'left-during-day': 'forlot skolen i løpet av dagen',
  'staff-concern': 'bekymring fra ansatte',
};

export const closingReasonNames = {
  'natural-explanation': 'fraværet har en naturlig forklaring',
  'illness-approved': 'sykdom, godkjent av foresatte',
  'absence-improved': 'fraværet har gått ned',
  'pupil-moved': 'eleven har flyttet',
  'handed-over': 'saken er overført',
  other: 'annen grunn',
} as const;

/**
 * Every deadline and reminder of every procedure, by the delay's name in the charts. A chart
 * that adds a delay adds its name here; a test checks that none is missing.
 */
export const delayNames: Record<string, string> = {
  contactAfterThreeDaysWithoutNotice: 'kontakt med hjemmet etter tre dager uten melding',
  trinn1ReviewOnAgreedDate: 'gjennomgang av Trinn 1 på avtalt dato',
  evaluationAfterThreeWeeks: 'evaluering etter tre uker',
  escalationAfterSixWeeksInTotal: 'vurdering av Trinn 3 etter seks uker',
  innsatsteamThreeMonths: 'tre måneder med Innsatsteamet',
  monitoringPeriod: 'slutt på oppfølgingsperioden etter bedring',
  contactReminder: 'påminnelse om kontakt med hjemmet',
  threeDayPlanPeriod: 'slutt på planen for de neste dagene',
  meetingCalledImmediately: 'påminnelse om møtet rektor skal kalle inn',
  followUpMeetingWithinThreeWeeks: 'oppfølgingsmøte innen tre uker',
  homeContactedImmediately: 'påminnelse om å kontakte hjemmet straks',
  newMeetingWithinOneWeek: 'nytt møte innen en uke',
  mappingFormWithinOneWeek: 'kartleggingsskjema 1 innen en uke',
  cooperationMeetingWithinOneWeek: 'samarbeidsmøte innen en uke',
  evaluationWithinThreeWeeks: 'evalueringsmøte innen tre uker',
  evaluationOverdueReminder: 'påminnelse om evaluering som er forsinket',
  revisedAgreementWithinOneWeek: 'ny samarbeidsavtale innen en uke',
  weeklyAbsenceSummary: 'ukentlig oppsummering av fraværet',
  childWelfareConsultedFirst: 'påminnelse om å konsultere barnevernet først',
  concernDiscussionReminder: 'påminnelse om å drøfte bekymringen med ledelsen',
  conversationReminder: 'påminnelse om samtalen med foresatte',
  extraConversationWithinAWeek: 'ny samtale innen en uke',
  newConversationWithinOneWeek: 'ny samtale med foresatte innen en uke',
  overdueReminder: 'påminnelse om forsinket steg',
  pupilConversationReminder: 'påminnelse om elevsamtalen',
  evaluationOnAgreedDate: 'evaluering på avtalt dato',
  evaluationReminder: 'påminnelse om evalueringen',
  reportOfConcernReminder: 'påminnelse om bekymringsmelding til barnevernet',
  childWelfareFollowUpReview: 'gjennomgang av oppfølgingen etter melding til barnevernet',
  planReminder: 'påminnelse om planen som skal registreres',
  closingReminder: 'påminnelse om å avslutte saken',
  illnessRestPeriod: 'slutt på hvileperioden for en sak lukket for sykdom',
  scheduledConversationReminder: 'påminnelse dagen etter avtalt samtale med foresatte',
};

/** The Norwegian name of a delay; an unknown name is shown as a generic deadline, never raw. */
export function delayName(name: string): string {
  return delayNames[name] ?? 'frist i rutinen';
}

/** What each declared effect is, for the timeline: each effect module names itself (machines/effects/). */
export { effectLabels } from './effects';

export const trendNames: Record<Trend, string> = { improved: 'bedre', unchanged: 'uendret', worse: 'verre' };

/** Roles as a Norwegian list, e.g. `kontaktlærer, rektor`. */
export function roleList(roles: readonly Role[]): string {
  return roles.map((r) => roleNames[r]).join(', ');
}
