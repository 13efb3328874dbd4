/**
 * Rælingen kommune, "Fravær i barnehager og skoler" (docs/procedures/raelingen-veileder.md): the school
 * routine as a machine. Worrying absence is reported to leadership and the home is contacted →
 * mapping: over 8 days / 10 lessons the contact teacher fills in mapping form 1, then the
 * principal's conversation with guardians and pupil (a new meeting within a week when more is
 * needed) → A: a natural explanation closes the case, or B: a meeting with the guardians
 * (UngdomsLOS from grade 6, NAV in grade 10 for invalid absence) signs a cooperation agreement
 * (or it is signed at the conversation already) → the agreement is evaluated by its date, within
 * three weeks → improved: follow-up may end at once or continue; still worrying: a new agreement,
 * with referral to PPT, BUP or child welfare considered. New absence in an open case is reported
 * to leadership and the home is contacted again. Child welfare is always consulted first when
 * harm is suspected; BUP needs municipal measures tried and the guardians' consent. The national
 * guidance (D) is added: no measures before the pupil is heard, and follow-up continues after
 * absence improves. The guide's routines for the health centre, kindergartens and upper
 * secondary school are not part of this machine.
 */
import { enqueueActions, setup } from 'xstate';
import { z } from 'zod';
import {
  BUP_REFERRERS,
  type CaseContext,
  type CaseInput,
  type StageDocumentsParams,
  hasStageDocuments,
  initialCaseContext,
  sharedActions,
  sharedGuards,
  recordedFacts,
} from './case-context';
import { days, msUntilDate, msUntilEndOfDate } from './durations';
import type { AbsenceTrigger, CaseEvent } from './events';
import { type RemindResponsibleParams, type ScheduleMeetingParams, effectActions } from './effects';
import { type Clause, stateMeta as meta } from './meta';
import { childWelfareAndBupClauses, nationalClauses } from './national-guidance';
import { calendarDays } from './policy';
import type { MeetingKind, Role, TriggerRule } from './vocabulary';

export const RAELINGEN_ID = 'raelingen-veileder';
const SOURCE = 'Rælingen kommune: Fravær i barnehager og skoler – en praktisk og faglig veileder';

/**
 * A number of school days: days the pupil should have been at school, the unit in which teachers
 * register absence and detection counts it. Weekends and holidays never count.
 */
const schoolDays = (defaultValue: number, description: string) =>
  z.number().int().min(1).max(190).default(defaultValue).describe(`${description} (school days)`);
/** A plain count (lessons, conversations). */
const count = (defaultValue: number, description: string) => z.number().int().min(1).max(1000).default(defaultValue).describe(description);
/** A school grade (trinn); grunnskole is 1-10, upper secondary 11-13. */
const grade = (defaultValue: number, description: string) =>
  z.number().int().min(1).max(13).default(defaultValue).describe(`${description} (grade)`);

/**
 * Limits and counts of the Rælingen school routine, with the seed's values as defaults.
 * Absence is measured in school days (what is registered); the routine's own deadlines are
 * calendar days, because the seed speaks of weeks and of an evaluation date, and a durable timer
 * runs on the calendar.
 */
export const raelingenPolicySchema = z.object({
  /** Worrying absence is more than this many days. School days: counted from registered absence. */
  worryingAbsenceOverDays: schoolDays(8, 'absence is worrying when it exceeds'),
  /** Worrying absence is more than this many single lessons ("over 8 days and/or 10 single lessons"). */
  worryingAbsenceOverLessons: count(10, 'absence is worrying when single lessons missed exceed'),
  /** Danger sign: this much valid absence in a half-year. School days: counted from registered absence. */
  validAbsenceDaysPerHalfYear: schoolDays(10, 'valid absence in one half-year that is a danger sign'),
  /** First grade of ungdomsskole, where the later contact rule for absence without notice applies. */
  lowerSecondaryFromGrade: grade(8, 'first grade of lower secondary school'),
  /**
   * Grades 1-7 contact the home "immediately": on this day of absence without notice. School days,
   * because the rule counts the days the pupil is missing from school.
   */
  primaryContactWithoutNoticeBySchoolDay: schoolDays(1, 'grades 1-7 contact the home on this day of absence without notice'),
  /** Grades 8-10 contact the guardians "at the latest on the third day". School days, as above. */
  lowerSecondaryContactWithoutNoticeBySchoolDay: schoolDays(
    3,
    'grades 8-10 contact the guardians at the latest on this day of absence without notice',
  ),
  /**
   * Invalid absence: the home is contacted "immediately"; the contact teacher is reminded after
   * this long. Calendar days: the shortest reminder a durable timer should carry.
   */
  homeContactReminderDays: calendarDays(1, 'remind the contact teacher if the home has not been contacted after'),
  /**
   * A further meeting is held "within a week" when more mapping is needed (conversation guide);
   * the same week is used to remind the principal of any meeting the routine calls. Calendar
   * days: a week on the calendar.
   */
  meetingWithinDays: calendarDays(7, 'a meeting the routine calls should be held within'),
  /**
   * The evaluation meeting is held within three weeks of the cooperation agreement. Calendar
   * days: the agreement sets a calendar date for it.
   */
  evaluationWithinDays: calendarDays(21, 'latest evaluation meeting after a cooperation agreement'),
  /** The school nurse concludes after at most this many conversations. */
  maxSchoolNurseConversations: count(3, 'school-nurse conversations before a conclusion'),
  /** UngdomsLOS takes part in meetings about pupils from this grade. */
  ungdomsLosFromGrade: grade(6, 'UngdomsLOS joins meetings from grade'),
  /** NAV takes part in pupil conversations in this grade (the last of grunnskole). */
  navGrade: grade(10, 'NAV joins pupil conversations in grade'),
  /** The contact teacher summarises absence every week. Calendar days: a week on the calendar. */
  weeklySummaryDays: calendarDays(7, 'the contact teacher summarises absence every'),
  /**
   * Follow-up after an evaluation found absence improved (national guidance D.3), after which the
   * principal is reminded to end systematic follow-up. A policy option, not a wait: the evaluation
   * may end follow-up at once (E.S10b), and 0 leaves the reminder at the evaluation. The seed gives
   * no length; three weeks mirrors its agreement period and evaluation rhythm. Calendar days.
   */
  monitoringDays: calendarDays(21, 'follow-up period after absence has improved, before the principal is reminded to close', 0),
  /**
   * Remind the principal while a suspicion waits for child welfare. The seed gives no limit
   * ("better once too often than once too seldom"); a day keeps it from being forgotten.
   * Calendar days.
   */
  childWelfareReminderDays: calendarDays(1, 'remind the principal while child welfare has not been consulted after'),
});
export type RaelingenPolicy = z.infer<typeof raelingenPolicySchema>;

/** Absence patterns that open a case: worrying absence and the seed's danger signs (faresignaler). */
export const raelingenOpeningRules: readonly TriggerRule[] = [
  'days-or-lessons-over-limit',
  'suspected-invalid-absence',
  'valid-absence-half-year',
  'unnotified-absence',
  'late-arrivals',
  'left-during-day',
  'staff-concern',
];

const SCHOOL = 'Skjematisk oversikt, Skolen / Kortversjon av skolens rolle';

/** The school routine's rules, in the project's words, as cited by states and tests. */
export const raelingenClauses: readonly Clause[] = [
  {
    id: 'E.S1',
    source: SOURCE,
    section: `${SCHOOL}: ved skolestart`,
    rule: 'At school start the principal informs guardians, in writing and orally, about the absence routine and what counts as valid and invalid absence.',
  },
  {
    id: 'E.S2',
    source: SOURCE,
    section: `${SCHOOL}: daglig og ukentlig rutine`,
    rule: "Every teacher registers absence daily; the contact teacher summarises each pupil's absence every week.",
  },
  {
    id: 'E.S3',
    source: SOURCE,
    section: `${SCHOOL}: ukentlig rutine`,
    rule: 'Invalid absence, or a suspicion of it, is reported to school leadership and the home is contacted immediately.',
  },
  {
    id: 'E.S4',
    source: SOURCE,
    section: `${SCHOOL}: fravær uten beskjed`,
    rule: 'Absence without notice: in grades 1-7 the home is contacted immediately; in grades 8-10 the guardians are contacted as soon as possible and at the latest on the third day.',
  },
  {
    id: 'E.S5a',
    source: SOURCE,
    section: `${SCHOOL}: bekymringsfullt fravær`,
    rule: 'Worrying absence (suspected invalid absence, or more than 8 days and/or 10 single lessons) is reported by the contact teacher to school leadership.',
  },
  {
    id: 'E.S5b',
    source: SOURCE,
    section: `${SCHOOL}: kartleggingsskjema 1`,
    rule: "At that level the absence pattern is mapped with mapping form 1, possibly together with the school's resource persons.",
  },
  {
    id: 'E.S6a',
    source: SOURCE,
    section: `${SCHOOL}: samtale`,
    rule: 'The principal assesses the case, explains the routine and talks with the guardians; guardians and pupil are called to a conversation as needed, measures build on the mapping, and a new meeting is held within a week when more mapping is needed.',
  },
  {
    id: 'E.S6b',
    source: SOURCE,
    section: `${SCHOOL}: UngdomsLOS`,
    rule: "UngdomsLOS takes part in meetings about the pupil's absence routinely from grade 6, and by agreement for younger pupils.",
  },
  {
    id: 'E.S6d',
    source: SOURCE,
    section: 'Kartleggingssamtale: samtalens avslutning',
    rule: 'When the causes are clear at the conversation, a cooperation agreement may be made there; once it is made and measures start, the evaluation meeting is held within three weeks.',
  },
  {
    id: 'E.S6e',
    source: SOURCE,
    section: 'Kartleggingssamtale: etter samtalen',
    rule: 'After the conversation minutes are written and a copy is sent to the guardians.',
  },
  { id: 'E.S6c', source: SOURCE, section: `${SCHOOL}: tverrfaglig møte`, rule: 'The case may be discussed in a multi-agency meeting.' },
  { id: 'E.S7a', source: SOURCE, section: `${SCHOOL}: A`, rule: 'A: if the absence has a natural explanation, the case is closed.' },
  {
    id: 'E.S7b',
    source: SOURCE,
    section: `${SCHOOL}: B`,
    rule: 'B: if the absence is worrying or increasing, the principal calls a meeting with the guardians, UngdomsLOS/family guide and other relevant services.',
  },
  {
    id: 'E.S7c',
    source: SOURCE,
    section: 'Samarbeidsavtale',
    rule: 'The measures are agreed in a cooperation agreement with goal, the responsibilities of school, guardians, pupil and UngdomsLOS, a plan B, a period and an evaluation date, signed by everyone present, the pupil too when present.',
  },
  {
    id: 'E.S7d',
    source: SOURCE,
    section: 'UngdomsLOS/familieveileder',
    rule: 'When UngdomsLOS starts following a pupil, a meeting is always held with the young person, the guardians and the school.',
  },
  {
    id: 'E.S8',
    source: SOURCE,
    section: 'Helsesøster / Skolen: skolehelsetjenesten',
    rule: "When absence is worrying the school contacts the school nurse, with the guardians' consent, to map physical, medical or mental-health causes; the nurse concludes on further follow-up within at most 3 conversations.",
  },
  {
    id: 'E.S9',
    source: SOURCE,
    section: 'PPT / Skolen: PPT',
    rule: 'PPT is contacted when the absence may stem from difficulties at school; the pupil can be referred for a broad assessment.',
  },
  {
    id: 'E.S10a',
    source: SOURCE,
    section: 'Evaluering av samarbeidsavtale',
    rule: 'The cooperation agreement is evaluated in a meeting with the guardians and the services involved within three weeks of being made, at the latest on the agreed date.',
  },
  {
    id: 'E.S10b',
    source: SOURCE,
    section: 'Evaluering av samarbeidsavtale: ved bedring',
    rule: 'If absence has improved the evaluation either ends systematic follow-up of the absence, or agrees further follow-up with a new evaluation.',
  },
  {
    id: 'E.S10c',
    source: SOURCE,
    section: 'Evaluering av samarbeidsavtale: fortsatt bekymringsfullt',
    rule: 'If absence is still worrying: consider more or other measures in a new cooperation agreement, and consider referral to PPT, BUP or child welfare.',
  },
  {
    id: 'E.CW2',
    source: SOURCE,
    section: 'Barnevernet',
    rule: "Otherwise child welfare is contacted when the school's own measures do not improve the situation quickly and lastingly.",
  },
  {
    id: 'E.NAV1',
    source: SOURCE,
    section: 'NAV',
    rule: 'NAV takes part in pupil conversations in grade 10 for pupils with high invalid absence.',
  },
  {
    id: 'E.DS',
    source: SOURCE,
    section: 'Faresignaler som krever handling',
    rule: 'Danger signs that require action: absence without notice, late arrival, invalid absence from single lessons or whole days, high valid absence (10 days in a half-year), and a pupil who arrives and then leaves.',
  },
  ...childWelfareAndBupClauses,
  ...nationalClauses,
];

/**
 * Where mapping form 1 stands (E.S5b): absent while absence is at or below 8 days and 10 single
 * lessons, `due` once a trigger went over, `filed` once the form is on file. Kept as one field of
 * its own (rather than read from the triggers each time) so the guards that route the mapping
 * read a small answer, and so the form is asked for once per case, not again at every new count.
 */
export type AbsencePatternFormStatus = 'due' | 'filed';

/** The case context of this procedure: the shared one plus where mapping form 1 stands. */
export type RaelingenContext = CaseContext<RaelingenPolicy> & { absencePatternForm?: AbsencePatternFormStatus };
type Ctx = RaelingenContext;
type Ev = CaseEvent;

/** Meetings "about the pupil's absence" that UngdomsLOS is called to from its grade (E.S6b). */
const meetingsWithUngdomsLos: readonly MeetingKind[] = [
  'guardian-conversation',
  'leadership-meeting',
  'cooperation-meeting',
  'evaluation-meeting',
  'multi-agency-meeting',
];

/** Meetings that can be the further mapping meeting "within a week" (E.S6a). */
const followUpMeetings: readonly MeetingKind[] = ['guardian-conversation', 'leadership-meeting'];

/** Parameters of `inviteToMeeting`: the meeting, its core participants and which policy limit sets its date. */
interface InviteParams {
  meeting: ScheduleMeetingParams['meeting'];
  participants: readonly Role[];
  within: 'meetingWithinDays' | 'evaluationWithinDays';
  /** Also invite every service the case involves (consent given or referral sent), as the evaluation does (E.S10a). */
  withServicesInvolved?: boolean;
}

/** The one effect `inviteToMeeting` enqueues. */
type ScheduleMeetingAction = { type: 'scheduleMeeting'; params: ScheduleMeetingParams };
type NotifyStaffAction = { type: 'notifyStaff'; params: { roles: readonly Role[]; about: 'new-absence' } };
type NotifyGuardiansAction = { type: 'notifyGuardians'; params: { message: 'absence-without-notice' } };
type RemindAction = { type: 'remindResponsible'; params: RemindResponsibleParams };

/**
 * Triggers that show invalid absence or a suspicion of it: absence without notice and registered
 * invalid absence. Detection counts all absence towards 8 days / 10 lessons, so that count alone
 * does not say the absence was invalid.
 */
const INVALID_ABSENCE_RULES: readonly TriggerRule[] = ['suspected-invalid-absence', 'unnotified-absence'];

/** Does the case show invalid absence, which is what brings NAV in for grade 10 (E.NAV1)? */
function hasInvalidAbsence(context: Ctx): boolean {
  return context.triggers.some((t) => INVALID_ABSENCE_RULES.includes(t.rule));
}

/**
 * Participants of a meeting the routine calls: UngdomsLOS from its grade (E.S6b), NAV in grade 10
 * with invalid absence (E.NAV1), and for the evaluation every service involved (E.S10a).
 */
export function meetingParticipants(context: Ctx, core: readonly Role[], withServicesInvolved = false): Role[] {
  const participants = [...core];
  const add = (role: Role) => {
    if (!participants.includes(role)) participants.push(role);
  };
  if (context.grade >= context.policy.ungdomsLosFromGrade) add('ungdomslos');
  if (context.grade === context.policy.navGrade && hasInvalidAbsence(context)) add('nav');
  // Every service is also a role: the service consented to or referred to takes part in person.
  if (withServicesInvolved) for (const service of [...context.consents, ...context.referrals]) add(service);
  return participants;
}

/** Is the trigger worrying absence or a danger sign under this policy (E.S5a, E.DS)? */
export function isWorryingAbsence(trigger: AbsenceTrigger, policy: RaelingenPolicy): boolean {
  switch (trigger.rule) {
    case 'days-or-lessons-over-limit':
      return isOverMappingLimit(trigger, policy);
    case 'valid-absence-half-year':
      return (trigger.days ?? 0) >= policy.validAbsenceDaysPerHalfYear;
    default:
      // The other danger signs require action whenever they are seen.
      return raelingenOpeningRules.includes(trigger.rule);
  }
}

/** Is this absence over 8 days and/or 10 single lessons, where mapping form 1 is used (E.S5a, E.S5b)? */
export function isOverMappingLimit(trigger: AbsenceTrigger, policy: RaelingenPolicy): boolean {
  return (
    trigger.rule === 'days-or-lessons-over-limit' &&
    ((trigger.days ?? 0) > policy.worryingAbsenceOverDays || (trigger.lessons ?? 0) > policy.worryingAbsenceOverLessons)
  );
}

/** Is the evaluation date on or after the day of `at` and no more than `limitDays` ahead? */
function isEvaluationDateWithin(at: string, evaluationDate: string, limitDays: number): boolean {
  return evaluationDate >= at.slice(0, 10) && msUntilDate(at, evaluationDate) <= days(limitDays);
}

/** Have municipal measures been tried: a cooperation agreement made and evaluated (E.BUP1)? */
function haveMunicipalMeasuresBeenTried(context: Ctx): boolean {
  return context.documents.some((d) => d.eventType === 'cooperationAgreement.signed') && context.evaluations > 0;
}

/** Roles that speak for the school at a meeting. */
const SCHOOL_ROLES: readonly Role[] = ['principal', 'contact-teacher', 'school-leadership'];
/** The school's leadership, who must be present at the further mapping meeting (E.S6a). */
const LEADERSHIP: readonly Role[] = ['principal', 'school-leadership'];

/**
 * Is the agreement signed as the template asks (E.S7c): guardians and the school present, everyone
 * present signed, the pupil too when present? Without a list of those present, the signatories are
 * taken as those present and the pupil's signature is required, the template's ordinary case.
 */
function isSignedByThosePresent(event: Extract<Ev, { type: 'cooperationAgreement.signed' }>): boolean {
  const present = event.present ?? [...event.signedBy, 'pupil'];
  return present.includes('guardians') && present.some((r) => SCHOOL_ROLES.includes(r)) && present.every((r) => event.signedBy.includes(r));
}

type ResumeStage = 'contactingHome' | 'mapping' | 'cooperationMeeting' | 'measuresInProgress' | 'revisingMeasures' | 'monitoring';

/**
 * The stage a case returns to once child welfare has been consulted, read from what is on file
 * rather than from a history state: a case that continues as new carries its state value and
 * context, not XState's history, so the return must be derivable from the context alone.
 * After an evaluation, the latest trend (from the evaluation or from detection since) decides
 * between monitoring and new measures.
 */
export function resumeStageOf(context: CaseContext<unknown>): ResumeStage {
  const types = context.documents.map((d) => d.eventType);
  const agreement = types.lastIndexOf('cooperationAgreement.signed');
  const evaluation = types.lastIndexOf('evaluation.held');
  if (agreement >= 0 || evaluation >= 0) {
    if (agreement > evaluation) return 'measuresInProgress';
    return context.lastTrend === 'improved' ? 'monitoring' : 'revisingMeasures';
  }
  if (types.includes('escalation.decided')) return 'cooperationMeeting';
  if (types.includes('guardians.contacted')) return 'mapping';
  return 'contactingHome';
}

/** Is the case still before the principal's decision A or B (home contact or mapping, E.S7a, E.S7b)? */
function isBeforeDecision(context: CaseContext<unknown>): boolean {
  const stage = resumeStageOf(context);
  return stage === 'contactingHome' || stage === 'mapping';
}

/** The timestamp of a case event; delayed (`xstate.after`) events have none. */
function timestampOf(event: { type: string }): string | undefined {
  return 'at' in event && typeof event.at === 'string' ? event.at : undefined;
}

const cooperationParticipants: readonly Role[] = ['principal', 'contact-teacher', 'guardians', 'pupil'];
const evaluationParticipants: readonly Role[] = ['principal', 'contact-teacher', 'guardians', 'pupil'];

const stateMeta = {
  contactingHome: meta({
    label: 'Meldt til ledelsen – hjemmet kontaktes',
    responsible: ['contact-teacher', 'principal'],
    clauses: ['E.S1', 'E.S3', 'E.S4', 'E.S5a', 'E.DS'],
    requiredDocuments: ['contact-log'],
    stage: 'identification',
  }),
  mapping: meta({
    label: 'Kartlegging av fraværsmønsteret',
    responsible: ['principal'],
    clauses: ['E.S5b', 'E.S6a', 'E.S6b', 'E.S6c', 'E.S9', 'E.NAV1', 'D.2'],
    requiredDocuments: [],
    stage: 'identification',
  }),
  conversation: meta({
    label: 'Samtale med foresatte og elev',
    responsible: ['principal'],
    clauses: ['E.S6a', 'E.S6b', 'E.S6c', 'E.S6d', 'E.S6e', 'E.S7a', 'E.S7b', 'E.S9', 'E.NAV1'],
    requiredDocuments: [],
    stage: 'identification',
  }),
  measuresInProgress: meta({
    label: 'Tiltak etter samarbeidsavtalen',
    responsible: ['principal', 'contact-teacher'],
    clauses: ['E.S7c', 'E.S10a', 'E.S2'],
    requiredDocuments: ['evaluation'],
    stage: 'measures',
  }),
  // The follow-up after improvement as a whole: ending it is the principal's (E.S10b).
  monitoring: meta({
    label: 'Oppfølging etter bedring',
    responsible: ['principal'],
    clauses: ['D.3', 'E.S10b', 'E.S2', 'E.DS'],
    // Closing here, at or after the evaluation that found absence improved, files the closing note.
    requiredDocuments: ['closing-note'],
    stage: 'monitoring',
  }),
  // While the period runs the contact teacher watches attendance every week, and may record the ending too.
  monitoringWeekly: meta({
    label: 'Oppfølging etter bedring',
    responsible: ['contact-teacher', 'principal'],
    clauses: ['D.3', 'E.S10b', 'E.S2', 'E.DS'],
    requiredDocuments: ['closing-note'],
    stage: 'monitoring',
  }),
  childWelfareFirst: meta({
    label: 'Barnevernet må drøfte saken først',
    responsible: ['principal'],
    clauses: ['E.CW1'],
    // The consultation note or report of concern comes with the event that leaves.
    requiredDocuments: ['suspicion-note'],
    stage: 'escalated',
  }),
};

/**
 * Facts that may arrive at any open stage, also while child welfare must be consulted first;
 * they are recorded and never move the case by themselves. Declared on both top-level open
 * states rather than on the root, because root transitions would still record facts after the
 * case has reached its final state.
 */
const caseFacts = {
  'absence.thresholdReached': { actions: 'recordCaseFacts' },
  ...recordedFacts,
  // Every new trigger is kept with its evidence; one over 8 days / 10 lessons makes form 1 due.
  'absence.newTrigger': { actions: ['recordCaseFacts', 'trackAbsencePatternForm'] },
  'absence.noticeMissing': [
    {
      guard: 'isContactWithoutNoticeDue',
      actions: [
        'recordCaseFacts',
        { type: 'notifyGuardians', params: { message: 'absence-without-notice' } },
        // The routine gives this contact to the principal; the contact teacher usually makes the call (E.S4).
        { type: 'remindResponsible', params: { roles: ['principal', 'contact-teacher'], about: 'contact-guardians' } },
      ],
    },
    { actions: 'recordCaseFacts' },
  ],
  'guardians.contacted': { actions: 'recordCaseFacts' },
  'schoolOwner.informed': { actions: 'recordCaseFacts' },
  'meeting.scheduled': { guard: 'isUngdomsLosInvitedWhenRequired', actions: 'recordCaseFacts' },
  'meeting.held': { actions: 'recordCaseFacts' },
  // Any mapping is kept on file; only mapping form 1 itself moves the mapping on.
  'mapping.completed': { actions: ['recordCaseFacts', 'trackAbsencePatternForm'] },
  'childWelfare.consulted': { actions: 'recordCaseFacts' },
  'concern.reported': { actions: 'recordCaseFacts' },
} as const;

/** The actions of a cooperation agreement that starts measures: minutes to the guardians, evaluation invited (E.S7c, E.S10a). */
const agreementActions = [
  'recordCaseFacts',
  { type: 'notifyGuardians', params: { message: 'minutes-shared' } },
  {
    type: 'inviteToMeeting',
    params: {
      meeting: 'evaluation-meeting',
      participants: evaluationParticipants,
      within: 'evaluationWithinDays',
      withServicesInvolved: true,
    },
  },
] as const;

/** Absence back while followed up after improvement: the measures are evaluated again at once (E.DS, E.CW2). */
const relapse = {
  guard: 'isWorryingTrigger',
  target: '#raelingen-veileder.open.evaluationDue',
  actions: [
    'recordCaseFacts',
    'trackAbsencePatternForm',
    { type: 'notifyStaff', params: { roles: ['principal', 'contact-teacher'], about: 'new-trigger' } },
    {
      type: 'inviteToMeeting',
      params: {
        meeting: 'evaluation-meeting',
        participants: evaluationParticipants,
        within: 'meetingWithinDays',
        withServicesInvolved: true,
      },
    },
    { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
  ],
} as const;

/** The evaluation's outcome (E.S10b, E.S10c): improved → follow-up after improvement, else new measures. */
const evaluationOutcome = [
  {
    guard: 'isAbsenceImproved',
    target: '#raelingen-veileder.open.monitoring',
    actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'minutes-shared' } }],
  },
  {
    target: '#raelingen-veileder.open.revisingMeasures',
    actions: [
      'recordCaseFacts',
      { type: 'notifyGuardians', params: { message: 'minutes-shared' } },
      { type: 'remindResponsible', params: { roles: ['principal'], about: 'decide-escalation' } },
      { type: 'remindResponsible', params: { roles: ['principal'], about: 'consult-child-welfare' } },
    ],
  },
] as const;

/** Procedure E (school routine) as an XState machine. Input: case facts plus the resolved policy. */
export const raelingenMachine = setup({
  types: {
    context: {} as Ctx,
    events: {} as Ev,
    input: {} as CaseInput<RaelingenPolicy>,
  },
  actions: {
    ...effectActions,
    ...sharedActions<RaelingenPolicy>(),
    /** Schedules a meeting with UngdomsLOS and NAV added as the grade requires, dated by the policy. */
    inviteToMeeting: enqueueActions<Ctx, Ev, InviteParams, Ev, never, ScheduleMeetingAction, never, never, never>(
      ({ context, enqueue }, params) => {
        const scheduled: ScheduleMeetingParams = {
          meeting: params.meeting,
          participants: meetingParticipants(context, params.participants, params.withServicesInvolved),
          withinDays: context.policy[params.within],
        };
        enqueue({ type: 'scheduleMeeting', params: scheduled });
      },
    ),
    /**
     * Reminds whoever must contact the home: the contact teacher on invalid or worrying absence
     * (E.S3), and the principal with the contact teacher when the case opened on absence without
     * notice, a contact the routine gives the principal (E.S4).
     */
    remindHomeContact: enqueueActions<Ctx, Ev, undefined, Ev, never, RemindAction, never, never, never>(({ context, enqueue }) => {
      const roles: Role[] = context.trigger.rule === 'unnotified-absence' ? ['principal', 'contact-teacher'] : ['contact-teacher'];
      enqueue({ type: 'remindResponsible', params: { roles, about: 'contact-guardians' } });
    }),
    /**
     * New worrying absence in an open case: it is reported to the leadership and the home is
     * contacted at once (E.S3, E.S5a); absence without notice also tells the guardians, and the
     * contact is the principal's (E.S4). The case stays in its step.
     */
    respondToNewAbsence: enqueueActions<
      Ctx,
      Ev,
      undefined,
      Ev,
      never,
      NotifyStaffAction | NotifyGuardiansAction | RemindAction,
      never,
      never,
      never
    >(({ event, enqueue }) => {
      if (event.type !== 'absence.newTrigger') return;
      const withoutNotice = event.trigger.rule === 'unnotified-absence';
      enqueue({ type: 'notifyStaff', params: { roles: ['school-leadership', 'principal'], about: 'new-absence' } });
      if (withoutNotice) enqueue({ type: 'notifyGuardians', params: { message: 'absence-without-notice' } });
      const roles: Role[] = withoutNotice ? ['principal', 'contact-teacher'] : ['contact-teacher'];
      enqueue({ type: 'remindResponsible', params: { roles, about: 'contact-guardians' } });
    }),
    /**
     * Forgets where mapping form 1 stood once the principal has decided: the form matters only for
     * the mapping, and a case that no longer differs in it should not be told apart by it.
     */
    settleAbsencePatternForm: enqueueActions<Ctx, Ev, undefined, Ev, never, never, never, never, never>(({ context, enqueue }) => {
      if (context.absencePatternForm !== undefined) enqueue.assign({ absencePatternForm: undefined });
    }),
    /**
     * Keeps where mapping form 1 stands: due once absence goes over 8 days / 10 lessons, filed once
     * on file (E.S5b). Only until the principal has decided A or B: after that the cooperation
     * agreement and its evaluation carry the mapping, and the form is not asked for again.
     */
    trackAbsencePatternForm: enqueueActions<Ctx, Ev, undefined, Ev, never, never, never, never, never>(({ context, event, enqueue }) => {
      if (!isBeforeDecision(context)) return;
      if (event.type === 'mapping.completed' && event.form === 'absence-pattern' && context.absencePatternForm !== 'filed') {
        enqueue.assign({ absencePatternForm: 'filed' });
      } else if (
        event.type === 'absence.newTrigger' &&
        context.absencePatternForm === undefined &&
        isOverMappingLimit(event.trigger, context.policy)
      ) {
        enqueue.assign({ absencePatternForm: 'due' });
      }
    }),
  },
  guards: {
    ...sharedGuards<RaelingenPolicy>(),
    /** Is contact with the home due for this absence without notice, given the pupil's grade (E.S4)? */
    isContactWithoutNoticeDue: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'absence.noticeMissing' &&
      event.schoolDaysWithoutNotice >=
        (context.grade < context.policy.lowerSecondaryFromGrade
          ? context.policy.primaryContactWithoutNoticeBySchoolDay
          : context.policy.lowerSecondaryContactWithoutNoticeBySchoolDay),
    /** Is UngdomsLOS among the invited when the pupil's grade requires it (E.S6b)? */
    isUngdomsLosInvitedWhenRequired: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'meeting.scheduled' &&
      (!meetingsWithUngdomsLos.includes(event.meeting) ||
        context.grade < context.policy.ungdomsLosFromGrade ||
        event.participants.includes('ungdomslos')),
    /** Is this mapping form 1, the absence-pattern form the routine prescribes (E.S5b)? */
    isAbsencePatternForm: ({ event }: { event: Ev }) => event.type === 'mapping.completed' && event.form === 'absence-pattern',
    /** Is this mapping form 1, with a meeting already held in this mapping (its minutes on file)? */
    isAbsencePatternFormAfterMeeting: ({ context, event }: { context: Ctx; event: Ev }, params: StageDocumentsParams) =>
      event.type === 'mapping.completed' && event.form === 'absence-pattern' && hasStageDocuments(context, params.kinds),
    /** Is mapping form 1 due and not yet on file (E.S5b)? */
    isAbsencePatternFormDue: ({ context }: { context: Ctx }) => context.absencePatternForm === 'due',
    /** Does this new absence make mapping form 1 due, the form not being on file yet (E.S5b)? */
    isAbsencePatternFormNowDue: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'absence.newTrigger' && context.absencePatternForm !== 'filed' && isOverMappingLimit(event.trigger, context.policy),
    /** Is this the conversation with the guardians (and pupil) the principal calls (E.S6a)? */
    isGuardianConversation: ({ event }: { event: Ev }) => event.type === 'meeting.held' && event.meeting === 'guardian-conversation',
    /** Is this a further mapping meeting with the guardians, the school's leadership present (E.S6a)? */
    isFollowUpMeetingWithLeadership: ({ event }: { event: Ev }) =>
      event.type === 'meeting.held' && followUpMeetings.includes(event.meeting) && event.participants.some((r) => LEADERSHIP.includes(r)),
    /** Did the guardians point to conditions at school as the cause (E.S9)? */
    isCauseAtSchool: ({ event }: { event: Ev }) => event.type === 'guardians.contacted' && event.cause === 'school-related',
    /** Is the pupil heard and the evaluation date within three weeks (D.2, E.S10a)? */
    isMeasuresAgreementAllowed: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'measures.agreed' &&
      context.pupilVoiceRecorded &&
      isEvaluationDateWithin(event.at, event.evaluationDate, context.policy.evaluationWithinDays),
    /**
     * Is the cooperation agreement complete: pupil heard, signed by everyone present (guardians and
     * the school among them, the pupil when present), a plan B, evaluation within three weeks, and
     * the stage's documents on file (E.S7c, D.2)?
     */
    isCooperationAgreementComplete: ({ context, event }: { context: Ctx; event: Ev }, params: StageDocumentsParams) =>
      event.type === 'cooperationAgreement.signed' &&
      context.pupilVoiceRecorded &&
      event.hasPlanB &&
      isSignedByThosePresent(event) &&
      isEvaluationDateWithin(event.at, event.evaluationDate, context.policy.evaluationWithinDays) &&
      hasStageDocuments(context, params.kinds),
    /** A: is the case closed because the absence has a natural explanation (E.S7a)? */
    isNaturalExplanation: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'natural-explanation',
    /** Has absence improved according to the evaluation (E.S10b)? */
    isAbsenceImproved: ({ event }: { event: Ev }) => event.type === 'evaluation.held' && event.outcome === 'improved',
    /** Consent on file, fewer than the maximum held, and the last allowed one concludes (E.S8)? */
    isSchoolNurseConversationAllowed: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'schoolNurse.conversationHeld' &&
      context.consents.includes('school-nurse') &&
      context.nurseConversations < context.policy.maxSchoolNurseConversations &&
      (context.nurseConversations + 1 < context.policy.maxSchoolNurseConversations || event.conclusion !== 'undetermined'),
    /** Is this the guardians' consent to involve the school nurse (E.S8)? */
    isConsentForSchoolNurse: ({ event }: { event: Ev }) => event.type === 'consent.given' && event.service === 'school-nurse',
    /** Is a BUP referral sent by child welfare, a psychologist or the GP, after municipal measures, with consent (E.BUP1)? */
    isBupReferralAllowed: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'referral.sent' &&
      event.service === 'bup' &&
      BUP_REFERRERS.includes(event.actor.role) &&
      context.consents.includes('bup') &&
      haveMunicipalMeasuresBeenTried(context),
    /** Is this a referral to a service other than BUP? */
    isReferralToOtherThanBup: ({ event }: { event: Ev }) => event.type === 'referral.sent' && event.service !== 'bup',
    /** Is this a referral to child welfare (allowed while child welfare must be consulted first)? */
    isReferralToChildWelfare: ({ event }: { event: Ev }) => event.type === 'referral.sent' && event.service === 'child-welfare',
    /** Is the new trigger worrying absence or a danger sign under the policy (E.DS)? */
    isWorryingTrigger: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'absence.newTrigger' && isWorryingAbsence(event.trigger, context.policy),
    /** Is the case closed because the pupil moved (allowed at any open stage)? */
    isPupilMoving: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'pupil-moved',
    /** Is the case being closed because absence improved (at or after the evaluation, E.S10b)? */
    isClosingAfterImprovement: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'absence-improved',
    /** After child welfare: was an improved evaluation the latest step? */
    isResumingMonitoring: ({ context }: { context: Ctx }) => resumeStageOf(context) === 'monitoring',
    /** After child welfare: was a cooperation agreement the latest step? */
    isResumingMeasures: ({ context }: { context: Ctx }) => resumeStageOf(context) === 'measuresInProgress',
    /** After child welfare: was a still-worrying evaluation the latest step? */
    isResumingRevision: ({ context }: { context: Ctx }) => resumeStageOf(context) === 'revisingMeasures',
    /** After child welfare: was decision B the latest step? */
    isResumingCooperationMeeting: ({ context }: { context: Ctx }) => resumeStageOf(context) === 'cooperationMeeting',
    /** After child welfare: had the home been contacted? */
    isResumingMapping: ({ context }: { context: Ctx }) => resumeStageOf(context) === 'mapping',
  },
  delays: {
    homeContactedImmediately: ({ context }) => days(context.policy.homeContactReminderDays),
    /** The guide gives form 1 no limit; a week keeps the conversation and measures, which build on it, from waiting. */
    mappingFormWithinOneWeek: ({ context }) => days(context.policy.meetingWithinDays),
    /** The conversation the principal calls, within the week the invitation names. */
    conversationReminder: ({ context }) => days(context.policy.meetingWithinDays),
    /** A further meeting within a week of the latest conversation (E.S6a). */
    newMeetingWithinOneWeek: ({ context }) => days(context.policy.meetingWithinDays),
    cooperationMeetingWithinOneWeek: ({ context }) => days(context.policy.meetingWithinDays),
    /**
     * Until the agreed evaluation date is over: the meeting may be held any time that day. The
     * agreement's guard keeps the date within three weeks; counted from the fact that set it.
     */
    evaluationWithinThreeWeeks: ({ context, event }) => {
      const at = timestampOf(event);
      return at && context.evaluationDate ? msUntilEndOfDate(at, context.evaluationDate) : days(context.policy.evaluationWithinDays);
    },
    evaluationOverdueReminder: ({ context }) => days(context.policy.meetingWithinDays),
    revisedAgreementWithinOneWeek: ({ context }) => days(context.policy.meetingWithinDays),
    weeklyAbsenceSummary: ({ context }) => days(context.policy.weeklySummaryDays),
    monitoringPeriod: ({ context }) => days(context.policy.monitoringDays),
    childWelfareConsultedFirst: ({ context }) => days(context.policy.childWelfareReminderDays),
  },
}).createMachine({
  id: RAELINGEN_ID,
  context: ({ input }) => ({
    ...initialCaseContext(input),
    ...(isOverMappingLimit(input.trigger, input.policy) ? { absencePatternForm: 'due' as const } : {}),
  }),
  initial: 'open',
  // The case exists because the contact teacher reported worrying absence to leadership (E.S5a).
  entry: { type: 'notifyStaff', params: { roles: ['school-leadership', 'principal'], about: 'case-opened' } },
  states: {
    open: {
      // A parent's meta is never shown; the active leaf's is. It lists the rules handled here for all stages.
      meta: meta({
        label: 'Fraværssak under oppfølging',
        responsible: ['principal', 'contact-teacher'],
        clauses: ['E.S3', 'E.S4', 'E.S5a', 'E.S6b', 'E.S8', 'E.S9', 'E.BUP1', 'E.CW1'],
        requiredDocuments: [],
        stage: 'identification',
      }),
      initial: 'contactingHome',
      on: {
        ...caseFacts,
        // New worrying absence in any step is reported and the home contacted (E.S3, E.S4); other absence is kept on record.
        'absence.newTrigger': [
          { guard: 'isWorryingTrigger', actions: ['recordCaseFacts', 'trackAbsencePatternForm', 'respondToNewAbsence'] },
          { actions: ['recordCaseFacts', 'trackAbsencePatternForm'] },
        ],
        'guardians.contacted': [
          {
            guard: 'isCauseAtSchool',
            actions: ['recordCaseFacts', { type: 'remindResponsible', params: { roles: ['principal'], about: 'decide-escalation' } }],
          },
          { actions: 'recordCaseFacts' },
        ],
        // With the guardians' consent the school nurse starts mapping health causes (E.S8).
        'consent.given': [
          {
            guard: 'isConsentForSchoolNurse',
            actions: [
              'recordCaseFacts',
              {
                type: 'scheduleMeeting',
                params: { meeting: 'school-nurse-conversation', participants: ['school-nurse', 'pupil', 'guardians'] },
              },
            ],
          },
          { actions: 'recordCaseFacts' },
        ],
        // Child welfare first (E.CW1): every other measure waits until it has been consulted.
        'suspicion.raised': {
          target: '#raelingen-veileder.childWelfareFirst',
          actions: [
            'recordCaseFacts',
            { type: 'notifyStaff', params: { roles: ['principal', 'school-leadership'], about: 'suspicion-raised' } },
            { type: 'remindResponsible', params: { roles: ['principal'], about: 'consult-child-welfare' } },
          ],
        },
        'schoolNurse.conversationHeld': { guard: 'isSchoolNurseConversationAllowed', actions: 'recordCaseFacts' },
        'referral.sent': [
          { guard: 'isBupReferralAllowed', actions: 'recordCaseFacts' },
          { guard: 'isReferralToOtherThanBup', actions: 'recordCaseFacts' },
        ],
        'case.closed': { guard: 'isPupilMoving', target: '#raelingen-veileder.closed', actions: 'recordCaseFacts' },
      },
      states: {
        contactingHome: {
          meta: stateMeta.contactingHome,
          entry: 'beginStage',
          initial: 'awaitingContact',
          on: {
            // The routine is explained at school start (E.S1) and again now; the principal's
            // conversation with the guardians and pupil is called for the mapping (E.S6a).
            'guardians.contacted': [
              {
                guard: 'isCauseAtSchool',
                target: 'mapping',
                actions: [
                  'recordCaseFacts',
                  { type: 'notifyGuardians', params: { message: 'absence-routine' } },
                  {
                    type: 'inviteToMeeting',
                    params: { meeting: 'guardian-conversation', participants: cooperationParticipants, within: 'meetingWithinDays' },
                  },
                  { type: 'remindResponsible', params: { roles: ['principal'], about: 'decide-escalation' } },
                ],
              },
              {
                target: 'mapping',
                actions: [
                  'recordCaseFacts',
                  { type: 'notifyGuardians', params: { message: 'absence-routine' } },
                  {
                    type: 'inviteToMeeting',
                    params: { meeting: 'guardian-conversation', participants: cooperationParticipants, within: 'meetingWithinDays' },
                  },
                ],
              },
            ],
          },
          states: {
            // A child that carries only the daily reminder, so reminding never restarts the stage (E.S3).
            awaitingContact: {
              meta: stateMeta.contactingHome,
              after: {
                homeContactedImmediately: { target: 'awaitingContact', reenter: true, actions: 'remindHomeContact' },
              },
            },
          },
        },
        mapping: {
          meta: stateMeta.mapping,
          entry: 'beginStage',
          initial: 'routing',
          on: {
            // Measures may start on what the mapping shows (E.S6a), never before the pupil is heard (D.2).
            'measures.agreed': { guard: 'isMeasuresAgreementAllowed', actions: 'recordCaseFacts' },
          },
          states: {
            // Over 8 days / 10 lessons, mapping form 1 comes first (E.S5b); otherwise the conversation.
            routing: {
              meta: stateMeta.mapping,
              always: [{ guard: 'isAbsencePatternFormDue', target: 'absencePatternForm' }, { target: 'conversation' }],
            },
            absencePatternForm: {
              meta: meta({
                label: 'Kartleggingsskjema 1 fylles ut',
                responsible: ['contact-teacher', 'principal'],
                clauses: ['E.S5a', 'E.S5b'],
                requiredDocuments: ['mapping-form'],
                stage: 'identification',
              }),
              entry: { type: 'requestDocument', params: { kind: 'mapping-form', from: ['contact-teacher', 'principal'] } },
              after: {
                mappingFormWithinOneWeek: {
                  actions: { type: 'remindResponsible', params: { roles: ['contact-teacher', 'principal'], about: 'file-document' } },
                },
              },
              on: {
                'mapping.completed': [
                  // A conversation already held while the form was filled in: the principal's next week runs from now.
                  {
                    guard: { type: 'isAbsencePatternFormAfterMeeting', params: { kinds: ['minutes'] } },
                    target: 'conversation.meetingWeek',
                    actions: ['recordCaseFacts', 'trackAbsencePatternForm'],
                  },
                  { guard: 'isAbsencePatternForm', target: 'conversation', actions: ['recordCaseFacts', 'trackAbsencePatternForm'] },
                ],
                // The conversation may come before the form; its minutes go to the guardians all the same (E.S6e).
                'meeting.held': {
                  guard: 'isGuardianConversation',
                  actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'minutes-shared' } }],
                },
              },
            },
            // The principal's part: the conversation, then A, B or an agreement made there (E.S6a-E.S7b).
            conversation: {
              meta: stateMeta.conversation,
              initial: 'conversationDue',
              on: {
                // Over 8 days / 10 lessons now: form 1 before the principal decides (E.S5b).
                'absence.newTrigger': {
                  guard: 'isAbsencePatternFormNowDue',
                  target: 'absencePatternForm',
                  actions: ['recordCaseFacts', 'trackAbsencePatternForm', 'respondToNewAbsence'],
                },
                'case.closed': {
                  guard: 'isNaturalExplanation',
                  target: '#raelingen-veileder.closed',
                  actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'case-closed' } }],
                },
                'escalation.decided': {
                  target: '#raelingen-veileder.open.cooperationMeeting',
                  actions: [
                    'recordCaseFacts',
                    'settleAbsencePatternForm',
                    {
                      type: 'inviteToMeeting',
                      params: { meeting: 'cooperation-meeting', participants: cooperationParticipants, within: 'meetingWithinDays' },
                    },
                    { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
                    // Other services (school nurse, PPT) need the guardians' consent before they join.
                    { type: 'requestDocument', params: { kind: 'consent', from: ['guardians'] } },
                    // Worrying absence: the school nurse maps health causes, with consent (E.S8).
                    { type: 'remindResponsible', params: { roles: ['principal'], about: 'involve-school-nurse' } },
                  ],
                },
              },
              states: {
                conversationDue: {
                  meta: stateMeta.conversation,
                  after: {
                    conversationReminder: {
                      actions: { type: 'remindResponsible', params: { roles: ['principal'], about: 'hold-meeting' } },
                    },
                  },
                  on: {
                    'meeting.held': {
                      guard: 'isGuardianConversation',
                      target: 'meetingWeek',
                      actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'minutes-shared' } }],
                    },
                  },
                },
                // After a conversation: a further meeting, with leadership, within a week if the causes or measures are unclear (E.S6a).
                meetingWeek: {
                  meta: meta({
                    label: 'Nytt møte innen en uke ved behov',
                    responsible: ['principal'],
                    clauses: ['E.S6a', 'E.S6d', 'E.S6e', 'E.S7a', 'E.S7b'],
                    requiredDocuments: [],
                    stage: 'identification',
                  }),
                  after: {
                    newMeetingWithinOneWeek: {
                      actions: { type: 'remindResponsible', params: { roles: ['principal'], about: 'hold-meeting' } },
                    },
                  },
                  on: {
                    // Causes clear at the conversation held: the agreement is made there (E.S6d), the pupil heard (D.2).
                    'cooperationAgreement.signed': {
                      guard: { type: 'isCooperationAgreementComplete', params: { kinds: [] } },
                      target: '#raelingen-veileder.open.measuresInProgress',
                      actions: [...agreementActions, 'settleAbsencePatternForm'],
                    },
                    'meeting.held': [
                      {
                        guard: 'isFollowUpMeetingWithLeadership',
                        target: 'meetingWeek',
                        reenter: true,
                        actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'minutes-shared' } }],
                      },
                      // Without leadership it is not the further meeting the routine asks for, but its minutes still go home.
                      {
                        guard: 'isGuardianConversation',
                        actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'minutes-shared' } }],
                      },
                    ],
                  },
                },
              },
            },
          },
        },
        cooperationMeeting: {
          meta: meta({
            label: 'Samarbeidsmøte og samarbeidsavtale',
            responsible: ['principal', 'contact-teacher'],
            clauses: ['E.S7b', 'E.S7c', 'E.S7d', 'E.S6b', 'E.NAV1', 'E.S10a', 'D.2'],
            requiredDocuments: ['minutes', 'pupil-voice', 'cooperation-agreement'],
            stage: 'measures',
          }),
          entry: 'beginStage',
          after: {
            cooperationMeetingWithinOneWeek: {
              actions: { type: 'remindResponsible', params: { roles: ['principal'], about: 'hold-meeting' } },
            },
          },
          on: {
            'measures.agreed': { guard: 'isMeasuresAgreementAllowed', actions: 'recordCaseFacts' },
            'cooperationAgreement.signed': {
              // The pupil is heard in the meeting that makes the agreement (E.S7c, D.2), as meta requires.
              guard: { type: 'isCooperationAgreementComplete', params: { kinds: ['minutes', 'pupil-voice'] } },
              target: 'measuresInProgress',
              actions: agreementActions,
            },
          },
        },
        measuresInProgress: {
          meta: stateMeta.measuresInProgress,
          entry: 'beginStage',
          initial: 'weeklyFollowUp',
          after: {
            evaluationWithinThreeWeeks: {
              target: 'evaluationDue',
              actions: { type: 'remindResponsible', params: { roles: ['principal'], about: 'evaluate-measures' } },
            },
          },
          on: { 'evaluation.held': evaluationOutcome },
          states: {
            // A child state so the weekly reminder can repeat without restarting the evaluation timer.
            weeklyFollowUp: {
              meta: stateMeta.measuresInProgress,
              after: {
                weeklyAbsenceSummary: {
                  target: 'weeklyFollowUp',
                  reenter: true,
                  actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'monitor-attendance' } },
                },
              },
            },
          },
        },
        evaluationDue: {
          meta: meta({
            label: 'Evalueringsmøte',
            responsible: ['principal', 'contact-teacher'],
            clauses: ['E.S10a', 'E.S10b', 'E.S10c'],
            requiredDocuments: ['evaluation'],
            stage: 'evaluation',
          }),
          // No entry work: re-entering for the weekly reminder only re-arms it.
          after: {
            evaluationOverdueReminder: {
              target: 'evaluationDue',
              reenter: true,
              actions: { type: 'remindResponsible', params: { roles: ['principal'], about: 'evaluate-measures' } },
            },
          },
          on: { 'evaluation.held': evaluationOutcome },
        },
        revisingMeasures: {
          meta: meta({
            label: 'Nye tiltak – vurder henvisning',
            responsible: ['principal'],
            clauses: ['E.S10c', 'E.CW2', 'E.BUP1', 'E.S9', 'D.2'],
            requiredDocuments: ['pupil-voice', 'cooperation-agreement'],
            stage: 'measures',
          }),
          entry: 'beginStage',
          after: {
            revisedAgreementWithinOneWeek: {
              actions: { type: 'remindResponsible', params: { roles: ['principal'], about: 'hold-meeting' } },
            },
          },
          on: {
            'measures.agreed': { guard: 'isMeasuresAgreementAllowed', actions: 'recordCaseFacts' },
            // The measures did not help: the pupil is heard again on why before a new agreement (D.2, E.S10c).
            'cooperationAgreement.signed': {
              guard: { type: 'isCooperationAgreementComplete', params: { kinds: ['pupil-voice'] } },
              target: 'measuresInProgress',
              actions: agreementActions,
            },
          },
        },
        monitoring: {
          meta: stateMeta.monitoring,
          entry: 'beginStage',
          initial: 'watching',
          on: {
            'absence.newTrigger': relapse,
            // "Agree follow-up and a new evaluation" (E.S10b): a new agreement restarts the cycle.
            'cooperationAgreement.signed': {
              guard: { type: 'isCooperationAgreementComplete', params: { kinds: [] } },
              target: 'measuresInProgress',
              actions: agreementActions,
            },
            // "No further need for systematic follow-up" (E.S10b): closing at, or any time after, the evaluation.
            'case.closed': {
              guard: 'isClosingAfterImprovement',
              target: '#raelingen-veileder.closed',
              actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'case-closed' } }],
            },
          },
          states: {
            // The policy's monitoring period, with the contact teacher's weekly look.
            watching: {
              meta: stateMeta.monitoringWeekly,
              initial: 'weeklyFollowUp',
              after: {
                // The period ends inside the follow-up: the case stays here, ready to close, and the weekly look stops.
                monitoringPeriod: {
                  target: 'closingDue',
                  actions: { type: 'remindResponsible', params: { roles: ['contact-teacher', 'principal'], about: 'file-document' } },
                },
              },
              states: {
                weeklyFollowUp: {
                  meta: stateMeta.monitoringWeekly,
                  after: {
                    weeklyAbsenceSummary: {
                      target: 'weeklyFollowUp',
                      reenter: true,
                      actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'monitor-attendance' } },
                    },
                  },
                },
              },
            },
            closingDue: {
              meta: meta({
                label: 'Klar til avslutning',
                responsible: ['principal'],
                clauses: ['D.3', 'E.S10b', 'E.DS'],
                requiredDocuments: ['closing-note'],
                stage: 'monitoring',
              }),
            },
          },
        },
      },
    },
    // Outside `open`, so measures, agreements, nurse conversations and referrals (other than to
    // child welfare) are refused here. Returning re-enters the stage, so its documents count
    // afresh: decisions after the consultation must rest on what was learnt from it.
    childWelfareFirst: {
      meta: stateMeta.childWelfareFirst,
      initial: 'awaitingConsultation',
      on: {
        ...caseFacts,
        'suspicion.raised': {
          actions: [
            'recordCaseFacts',
            { type: 'notifyStaff', params: { roles: ['principal', 'school-leadership'], about: 'suspicion-raised' } },
          ],
        },
        // Referring to child welfare is always possible; it is recorded but is not yet a consultation.
        'referral.sent': { guard: 'isReferralToChildWelfare', target: '.referred', actions: 'recordCaseFacts' },
        'childWelfare.consulted': [
          { guard: 'isResumingMonitoring', target: '#raelingen-veileder.open.monitoring', actions: 'recordCaseFacts' },
          { guard: 'isResumingMeasures', target: '#raelingen-veileder.open.measuresInProgress', actions: 'recordCaseFacts' },
          { guard: 'isResumingRevision', target: '#raelingen-veileder.open.revisingMeasures', actions: 'recordCaseFacts' },
          { guard: 'isResumingCooperationMeeting', target: '#raelingen-veileder.open.cooperationMeeting', actions: 'recordCaseFacts' },
          { guard: 'isResumingMapping', target: '#raelingen-veileder.open.mapping', actions: 'recordCaseFacts' },
          { target: '#raelingen-veileder.open.contactingHome', actions: 'recordCaseFacts' },
        ],
        'concern.reported': [
          { guard: 'isResumingMonitoring', target: '#raelingen-veileder.open.monitoring', actions: 'recordCaseFacts' },
          { guard: 'isResumingMeasures', target: '#raelingen-veileder.open.measuresInProgress', actions: 'recordCaseFacts' },
          { guard: 'isResumingRevision', target: '#raelingen-veileder.open.revisingMeasures', actions: 'recordCaseFacts' },
          { guard: 'isResumingCooperationMeeting', target: '#raelingen-veileder.open.cooperationMeeting', actions: 'recordCaseFacts' },
          { guard: 'isResumingMapping', target: '#raelingen-veileder.open.mapping', actions: 'recordCaseFacts' },
          { target: '#raelingen-veileder.open.contactingHome', actions: 'recordCaseFacts' },
        ],
      },
      states: {
        // Children that carry only the daily reminder (no entry work), so reminding never restarts anything.
        awaitingConsultation: {
          meta: stateMeta.childWelfareFirst,
          after: {
            childWelfareConsultedFirst: {
              target: 'awaitingConsultation',
              reenter: true,
              actions: { type: 'remindResponsible', params: { roles: ['principal'], about: 'consult-child-welfare' } },
            },
          },
        },
        // Referred to child welfare, which now follows the child: a pupil who moves may be let go (E.CW1).
        referred: {
          meta: meta({
            label: 'Henvist til barnevernet – venter på drøfting',
            responsible: ['principal'],
            clauses: ['E.CW1'],
            requiredDocuments: ['suspicion-note'],
            stage: 'escalated',
          }),
          after: {
            childWelfareConsultedFirst: {
              target: 'referred',
              reenter: true,
              actions: { type: 'remindResponsible', params: { roles: ['principal'], about: 'consult-child-welfare' } },
            },
          },
          on: {
            'case.closed': { guard: 'isPupilMoving', target: '#raelingen-veileder.closed', actions: 'recordCaseFacts' },
          },
        },
      },
    },
    closed: {
      type: 'final',
      meta: meta({
        label: 'Avsluttet',
        responsible: [],
        clauses: ['E.S7a', 'E.S10b', 'D.3'],
        requiredDocuments: [],
        stage: 'closed',
      }),
      entry: { type: 'notifyStaff', params: { roles: ['contact-teacher', 'principal'], about: 'case-closed' } },
    },
  },
});
