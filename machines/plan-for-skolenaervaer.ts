/**
 * "Plan for skolenærvær" (procedure A) as a machine, version 2: the universal level (notice for
 * every absence; the school contacts the home when no notice has come by the third school day)
 * → Trinn 1 (the contact teacher contacts the guardians, informs the principal, maps the
 * psychosocial environment and tries measures) → Trinn 2 (leadership joins, the school owner is
 * told, a meeting agrees measures and the date they are evaluated, at most three weeks later;
 * six weeks after that meeting, absence found unchanged or higher moves the case on) → Trinn 3
 * (school health service, Innsatsteam with its pre-meeting and extended mapping, and after
 * three calendar months without improvement the other services). The national guidance (D) is
 * added: no measures before the pupil is heard, and follow-up after absence improves, which
 * may close the case at once. So are the national rules procedure E spells out: while a
 * suspicion of harm waits for child welfare no other measure is taken (E.CW1), and BUP is
 * referred to only on its conditions (E.BUP1). The specification, with every judgement call,
 * is docs/procedures/plan-for-skolenaervaer.md.
 */
import { and, setup } from 'xstate';
import { z } from 'zod';
import {
  type CaseContext,
  type CaseInput,
  initialCaseContext,
  sharedActions,
  sharedGuards,
  recordedFacts,
  stageDocuments,
} from './case-context';
import { addCalendarDays, days, msUntilCalendarMonthsLater, msUntilDate, msUntilEndOfDate, nthWeekdayFrom, utcDateOf } from './durations';
import type { AbsenceTrigger, CaseEvent } from './events';
import { effectActions } from './effects';
import { type Clause, stateMeta as meta } from './meta';
import { childWelfareAndBupClauses, nationalClauses } from './national-guidance';
import { calendarDays } from './policy';
import type { Role, TriggerRule } from './vocabulary';

export const PLAN_FOR_SKOLENAERVAER_ID = 'plan-for-skolenaervaer';
const SOURCE = 'Plan for skolenærvær';

/**
 * A whole number of school days (days the pupil should have been at school). It has the same
 * range and default handling as `calendarDays`; only the description differs, so a reader of the
 * policy is never told that a count of absence days is a calendar count.
 */
const schoolDays = (defaultValue: number, description: string) =>
  calendarDays(defaultValue, description).describe(`${description} (school days)`);

/** A whole number of calendar months: a procedure's "months" are never a fixed number of days. */
const calendarMonths = (defaultValue: number, description: string) =>
  z.number().int().min(1).max(120).default(defaultValue).describe(`${description} (calendar months)`);

/**
 * Time limits and counts of procedure A, with the source's values as defaults. Every limit
 * counts from the fact it is about (the first day without notice, the meeting, the agreed date,
 * the day Innsatsteam's measures were agreed), never from when someone recorded it.
 *
 * - `noticeWithinDays` (3): "within 3 days" for the guardians' notice. **School** days counted
 *   from the first day without notice, that day being the 1st; the contact is due at the start
 *   of the last of them. Detection counts them on the school calendar and opens the case on that
 *   day; the machine, which has no calendar, counts weekdays, so a public holiday can only make
 *   the contact due sooner, never later.
 * - `worryingAbsenceOverDays` (10): the Trinn 1 criterion "absence over 10 days". **School**
 *   days: it counts days of absence, and a pupil can only be absent on a school day.
 * - `evaluationAfterDays` (21): "evaluated after 3 weeks", on a date agreed in the first Trinn 2
 *   meeting. The latest date the meeting may agree, in **calendar** days after the meeting.
 * - `trinn3AfterTotalDays` (42): "unchanged or increasing after 6 weeks in total", counted from
 *   the first Trinn 2 meeting, where the 3 weeks also start. **Calendar** days.
 * - `innsatsteamWithoutImprovementMonths` (3): "3 months" of Innsatsteam work without
 *   improvement, counted from the day Innsatsteam's measures were agreed. **Calendar** months.
 * - `monitoringDays` (30): follow-up after absence has improved (national guidance D.3) before
 *   the school is reminded to close; the source gives no number. The case may close at the
 *   evaluation that found the improvement, so this only says when a reminder comes; 0 is allowed.
 */
export const planForSkolenaervaerPolicySchema = z.object({
  noticeWithinDays: schoolDays(3, 'the school contacts the guardians when no notice of the absence has come within'),
  worryingAbsenceOverDays: schoolDays(10, 'Trinn 1 starts when absence is over'),
  evaluationAfterDays: calendarDays(21, 'the latest evaluation date the first Trinn 2 meeting may agree, after the meeting'),
  trinn3AfterTotalDays: calendarDays(
    42,
    'the case moves to Trinn 3 if absence is unchanged or worse this long after the first Trinn 2 meeting',
  ),
  innsatsteamWithoutImprovementMonths: calendarMonths(
    3,
    'other services are contacted when Innsatsteam has worked without improvement for',
  ),
  monitoringDays: calendarDays(30, 'follow-up period after absence has improved, before the school is reminded to close (0: at once)', 0),
});
export type PlanForSkolenaervaerPolicy = z.infer<typeof planForSkolenaervaerPolicySchema>;

/** Absence patterns that open a case under this procedure (source §5.1 and the Trinn 1 criteria). */
export const planForSkolenaervaerOpeningRules: readonly TriggerRule[] = [
  'unnotified-absence',
  'days-over-limit',
  'high-absence-short-period',
  'staff-concern',
];

/** The procedure's rules, in the project's words, as cited by states and tests. */
export const planForSkolenaervaerClauses: readonly Clause[] = [
  {
    id: 'A.5.1a',
    source: SOURCE,
    section: '5.1',
    rule: 'Absence is registered every day, and the guardians give written notice for every absence.',
  },
  { id: 'A.5.1b', source: SOURCE, section: '5.1', rule: 'When absence lasts more than 3 days, the guardians tell the school the cause.' },
  {
    id: 'A.5.1c',
    source: SOURCE,
    section: '5.1',
    rule: 'If the school has had no such notice within 3 days, the school contacts the guardians.',
  },
  {
    id: 'A.T1.0',
    source: SOURCE,
    section: '5.2 Trinn 1',
    rule: 'Absence over 10 days, or high absence over a short time, is assessed as possibly worrying; in doubt the contact teacher discusses it with the principal.',
  },
  {
    id: 'A.T1.1a',
    source: SOURCE,
    section: '5.2 Trinn 1.1',
    rule: 'The contact teacher contacts the guardians, says the school is concerned and looks for the cause; whether the pupil takes part depends on age.',
  },
  {
    id: 'A.T1.1b',
    source: SOURCE,
    section: '5.2 Trinn 1.1',
    rule: 'The conversation is logged in the archive and the principal is informed.',
  },
  {
    id: 'A.T1.2',
    source: SOURCE,
    section: '5.2 Trinn 1.2',
    rule: 'Measures that make attendance easier are considered, with a mapping of the psychosocial environment written in a log or minutes.',
  },
  { id: 'A.T1.3', source: SOURCE, section: '5.2 Trinn 1.3', rule: 'If there is reason for further concern, Trinn 2 starts.' },
  {
    id: 'A.T2.0',
    source: SOURCE,
    section: '5.2 Trinn 2',
    rule: 'Trinn 2 starts when absence has not improved after the Trinn 1 measures.',
  },
  {
    id: 'A.T2.1a',
    source: SOURCE,
    section: '5.2 Trinn 2.1',
    rule: 'The contact teacher or leadership calls the guardians (and the pupil, by age) to a meeting; the school writes and archives the minutes.',
  },
  {
    id: 'A.T2.1b',
    source: SOURCE,
    section: '5.2 Trinn 2.1',
    rule: 'Involving the school nurse is considered; consent is obtained and archived.',
  },
  {
    id: 'A.T2.1c',
    source: SOURCE,
    section: '5.2 Trinn 2.1',
    rule: 'The meeting agrees minuted measures for pupil, school and home and sets the date of the evaluation.',
  },
  {
    id: 'A.T2.2',
    source: SOURCE,
    section: '5.2 Trinn 2.2',
    rule: 'The principal informs the school owner when the case moves to Trinn 2.',
  },
  { id: 'A.T2.3', source: SOURCE, section: '5.2 Trinn 2.3', rule: 'The school works on the measures agreed in the meeting.' },
  {
    id: 'A.T2.4',
    source: SOURCE,
    section: '5.2 Trinn 2.4',
    rule: 'The measures are evaluated in a cooperation meeting after 3 weeks, on the date agreed in the first meeting, and adjusted if needed; minutes are archived.',
  },
  {
    id: 'A.T2.5',
    source: SOURCE,
    section: '5.2 Trinn 2.5',
    rule: 'If absence is unchanged or higher after 6 weeks in total, the case moves to Trinn 3; the school may decide to move earlier.',
  },
  {
    id: 'A.T3.0',
    source: SOURCE,
    section: '5.2 Trinn 3',
    rule: "Trinn 3 is led by school leadership with the municipality's support services when absence is still worrying after Trinn 1 and 2.",
  },
  {
    id: 'A.T3.1a',
    source: SOURCE,
    section: '5.2 Trinn 3.1',
    rule: 'The school health service is involved now if it was not before; the consent form is archived.',
  },
  {
    id: 'A.T3.1b',
    source: SOURCE,
    section: '5.2 Trinn 3.1',
    rule: 'With the school health service, the school considers trying measures before referring to Innsatsteam.',
  },
  { id: 'A.T3.2', source: SOURCE, section: '5.2 Trinn 3.2', rule: 'The school or the guardians refer the case to Innsatsteam.' },
  {
    id: 'A.T3.2a',
    source: SOURCE,
    section: '5.2 Trinn 3.2a',
    rule: 'A pre-meeting is held with the principal, the contact teacher and Innsatsteam.',
  },
  { id: 'A.T3.2b', source: SOURCE, section: '5.2 Trinn 3.2b', rule: 'The meeting makes an extended mapping of resources and needs.' },
  { id: 'A.T3.2c', source: SOURCE, section: '5.2 Trinn 3.2c', rule: 'Measures are made from the mapping.' },
  {
    id: 'A.T3.2d',
    source: SOURCE,
    section: '5.2 Trinn 3.2d',
    rule: 'Responsibilities are shared among the participants and written in minutes that every participant receives.',
  },
  {
    id: 'A.T3.2e',
    source: SOURCE,
    section: '5.2 Trinn 3.2e',
    rule: 'The measures are evaluated in regular cooperation meetings as needed.',
  },
  { id: 'A.T3.2f', source: SOURCE, section: '5.2 Trinn 3.2f', rule: 'The systematic work continues even when the absence lasts long.' },
  {
    id: 'A.T3.3',
    source: SOURCE,
    section: '5.2 Trinn 3.3',
    rule: 'After 3 months of Innsatsteam measures without improvement, or earlier if needed, other services are contacted: doctor or specialist health service, PPT, child welfare, BUP.',
  },
  ...childWelfareAndBupClauses,
  ...nationalClauses,
];

type Policy = PlanForSkolenaervaerPolicy;
type Ctx = CaseContext<Policy>;
type Ev = CaseEvent;

const shared = sharedGuards<Policy>();

const ROOT = `#${PLAN_FOR_SKOLENAERVAER_ID}`;
const TRINN2 = `${ROOT}.trinn2`;
const MONITORING = `${ROOT}.followUp`;

/** Everyone who leads the school: the principal and the rest of the school's leadership. */
const LEADERSHIP: readonly Role[] = ['principal', 'school-leadership'];

/** The first day of an episode without notice: the earliest date of the trigger's evidence. */
const firstDayOf = (trigger: AbsenceTrigger): string => [...trigger.dates].sort()[0] as string;

/**
 * The latest minutes of a Trinn 2 meeting with the guardians in this stage: the meeting the
 * evaluation date is agreed in and the six weeks count from (A.T2.1c, A.T2.4, A.T2.5).
 */
const trinn2MeetingOf = (context: Ctx) => [...stageDocuments(context)].reverse().find((d) => d.meeting === 'leadership-meeting');

/**
 * The school contacts the guardians (A.5.1c): the guardians are told the school has no notice,
 * the contact teacher is asked to call. Declared once for every level where an episode without
 * notice is found.
 */
const askForContact = [
  { type: 'notifyGuardians' as const, params: { message: 'absence-without-notice' as const } },
  { type: 'remindResponsible' as const, params: { roles: ['contact-teacher'] as Role[], about: 'contact-guardians' as const } },
];

/**
 * A case event that moves the case into Trinn 3. The school health service is involved first
 * unless its consent is already on file from Trinn 2 (A.T3.1a: "if not already involved");
 * choosing the target here, rather than with an eventless hop inside Trinn 3, keeps a consent
 * request from being declared for a service that is already involved.
 */
const intoTrinn3 = [
  {
    guard: 'isSchoolHealthServiceInvolved' as const,
    target: `${ROOT}.trinn3.consideringMeasuresBeforeReferral`,
    actions: 'recordCaseFacts' as const,
  },
  { target: `${ROOT}.trinn3.involvingSchoolHealthService`, actions: 'recordCaseFacts' as const },
];

/**
 * A relapse after improvement: a new Trinn 1 criterion brings the case back at Trinn 2, because
 * Trinn 1 measures have already been tried (A.T2.0). Other new absence is recorded at the root
 * (an episode without notice gets the A.5.1c contact there).
 */
const relapse = { guard: 'isTrinn1CriterionMet' as const, target: TRINN2, actions: 'recordCaseFacts' as const };

/** An evaluation held in Trinn 2 (only after the Trinn 2 measures: no earlier step takes one). */
const evaluatedInTrinn2 = { type: 'hasStageDocuments' as const, params: { kinds: ['evaluation' as const] } };

/** A consent form filed in this stage: the guardians' answer, whether it includes a service or not. */
const consentFormOnFile = { type: 'hasStageDocuments' as const, params: { kinds: ['consent' as const] } };

/** Procedure A as an XState machine. Input: case facts plus the resolved policy. */
export const planForSkolenaervaerMachine = setup({
  types: {
    context: {} as Ctx,
    events: {} as Ev,
    input: {} as CaseInput<Policy>,
  },
  actions: {
    ...effectActions,
    ...sharedActions<Policy>(),
  },
  guards: {
    ...sharedGuards<Policy>(),
    /** Was the case opened because the guardians gave no notice (the universal level applies first)? */
    isOpenedOnMissingNotice: ({ context }: { context: Ctx }) => context.trigger.rule === 'unnotified-absence',
    /** Has detection counted as many school days without notice as the rule allows? */
    isNoticeMissingForThreeDays: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'absence.noticeMissing' && event.schoolDaysWithoutNotice >= context.policy.noticeWithinDays,
    /**
     * Is this a new episode of absence without notice, found by detection (A.5.1c)? Detection
     * reports each episode once: a new trigger's evidence starts after the previous trigger's, so
     * each one is absence the school has not yet been asked about.
     */
    isNewEpisodeWithoutNotice: ({ event }: { event: Ev }) =>
      event.type === 'absence.newTrigger' && event.trigger.rule === 'unnotified-absence',
    /**
     * Does the new trigger meet a Trinn 1 criterion (A.T1.0)? "Absence over 10 days" is read on
     * the evidence: a trigger that counts more whole days of absence than the limit meets it,
     * whichever detection rule counted them; high absence over a short time and a teacher's
     * concern meet it by their nature.
     */
    isTrinn1CriterionMet: ({ context, event }: { context: Ctx; event: Ev }) => {
      if (event.type !== 'absence.thresholdReached' && event.type !== 'absence.newTrigger') return false;
      const { rule, days: absenceDays } = event.trigger;
      if (rule === 'high-absence-short-period' || rule === 'staff-concern') return true;
      return (absenceDays ?? 0) > context.policy.worryingAbsenceOverDays;
    },
    /** Is the case closed because the absence has a natural explanation or approved illness? */
    isAbsenceExplained: ({ event }: { event: Ev }) =>
      event.type === 'case.closed' && (event.reason === 'natural-explanation' || event.reason === 'illness-approved'),
    /**
     * Is the case closed as explained, with the conversation with the guardians logged for this
     * level? The explanation is the cause the guardians give when the school contacts them
     * (A.5.1c; A.T1.1a), and that conversation is logged in the archive (A.T1.1b).
     */
    isExplainedAfterLoggedContact: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'case.closed' &&
      (event.reason === 'natural-explanation' || event.reason === 'illness-approved') &&
      shared.hasStageDocuments({ context }, { kinds: ['contact-log'] }),
    /** Did the guardians give a cause that may explain the absence (illness, a natural explanation)? */
    isCauseThatMayExplainAbsence: ({ event }: { event: Ev }) =>
      event.type === 'guardians.contacted' && (event.cause === 'illness' || event.cause === 'natural-explanation'),
    /** Is this the mapping of the pupil's psychosocial environment (A.T1.2)? */
    isPsychosocialMapping: ({ event }: { event: Ev }) => event.type === 'mapping.completed' && event.form === 'psychosocial-environment',
    // Each level's plan counts documents from where that level began, so the pupil is heard
    // again before new measures (D.2): a view given in Trinn 1 is not taken as one on Trinn 3's.
    /**
     * Are the psychosocial mapping and the pupil's voice on file for this level, and is the
     * review date not before the day the measures are agreed (J3)?
     */
    isTrinn1PlanComplete: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'measures.agreed' &&
      event.evaluationDate >= utcDateOf(event.at) &&
      shared.hasStageDocuments({ context }, { kinds: ['psychosocial-mapping', 'pupil-voice'] }),
    /** Did the evaluation find absence improved? */
    isAbsenceImprovedAtEvaluation: ({ event }: { event: Ev }) => event.type === 'evaluation.held' && event.outcome === 'improved',
    /**
     * Did the evaluation find absence improved, with another service contacted since Innsatsteam
     * took the case? Once the three months pass without improvement (or the school decides
     * earlier), other services "shall" be contacted (A.T3.3): a later improvement does not undo that.
     */
    isImprovedAfterOtherServicesContacted: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'evaluation.held' && event.outcome === 'improved' && shared.hasStageDocuments({ context }, { kinds: ['referral'] }),
    /**
     * Is this the Trinn 2 meeting: the meeting the school called, with the guardians and the
     * school's leadership taking part (A.T2.1a; Trinn 2 brings the leadership in)?
     */
    isTrinn2Meeting: ({ event }: { event: Ev }) =>
      event.type === 'meeting.held' &&
      event.meeting === 'leadership-meeting' &&
      event.participants.includes('guardians') &&
      event.participants.some((role) => LEADERSHIP.includes(role)),
    /**
     * Are the meeting's minutes and the pupil's voice on file, and is the evaluation date agreed
     * for a day from the meeting to at most `evaluationAfterDays` after it, and not before the
     * measures themselves (A.T2.1c, A.T2.4)?
     */
    isTrinn2PlanComplete: ({ context, event }: { context: Ctx; event: Ev }) => {
      if (event.type !== 'measures.agreed') return false;
      const meeting = trinn2MeetingOf(context);
      if (!meeting || !shared.hasStageDocuments({ context }, { kinds: ['pupil-voice'] })) return false;
      const meetingDay = utcDateOf(meeting.at);
      return (
        event.evaluationDate >= meetingDay &&
        event.evaluationDate >= utcDateOf(event.at) &&
        event.evaluationDate <= addCalendarDays(meetingDay, context.policy.evaluationAfterDays)
      );
    },
    /** Did the latest trend or evaluation find absence unchanged or higher? */
    isAbsenceUnchangedOrWorse: ({ context }: { context: Ctx }) => context.lastTrend === 'unchanged' || context.lastTrend === 'worse',
    /** Do the guardians already consent to the school health service (e.g. from Trinn 2)? */
    isSchoolHealthServiceInvolved: ({ context }: { context: Ctx }) => context.consents.includes('school-nurse'),
    /** Is this consent for the school health service? */
    isConsentForSchoolHealthService: ({ event }: { event: Ev }) => event.type === 'consent.given' && event.service === 'school-nurse',
    /** Is this the referral to Innsatsteam? */
    isReferralToInnsatsteam: ({ event }: { event: Ev }) => event.type === 'referral.sent' && event.service === 'innsatsteam',
    /** Is this the Innsatsteam pre-meeting, with the principal, the contact teacher and Innsatsteam taking part (A.T3.2a)? */
    isInnsatsteamPreMeeting: ({ event }: { event: Ev }) =>
      event.type === 'meeting.held' &&
      event.meeting === 'innsatsteam-pre-meeting' &&
      (['principal', 'contact-teacher', 'innsatsteam'] as const).every((role) => event.participants.includes(role)),
    /** Is this the extended mapping of resources and needs for help (A.T3.2b), not some other form? */
    isExtendedMapping: ({ event }: { event: Ev }) => event.type === 'mapping.completed' && event.form === 'extended-mapping',
    /** Are the pre-meeting minutes, the extended mapping and the pupil's voice on file? */
    isInnsatsteamPlanComplete: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'measures.agreed' && shared.hasStageDocuments({ context }, { kinds: ['minutes', 'mapping-form', 'pupil-voice'] }),
    /** Is the case closed because the pupil moved (allowed at any stage)? */
    isPupilMoving: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'pupil-moved',
    /** Is the case being closed because absence improved? */
    isClosingAfterImprovement: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'absence-improved',
  },
  delays: {
    /**
     * The guardians' notice is due by the `noticeWithinDays`-th school day counted from the first
     * day without notice (A.5.1c): the contact is due at the start of that day, counted from when
     * the case opened. A case detection opens on that day is due at once.
     */
    contactAfterThreeDaysWithoutNotice: ({ context }) =>
      msUntilDate(context.openedAt, nthWeekdayFrom(firstDayOf(context.trigger), context.policy.noticeWithinDays)),
    /**
     * Trinn 1 has no time limit of its own: the measures are reviewed on the date agreed with
     * them, and the review is late once that day is over. The state is only entered by
     * `measures.agreed`; the policy value is a typed fallback.
     */
    trinn1ReviewOnAgreedDate: ({ context, event }) =>
      event.type === 'measures.agreed' ? msUntilEndOfDate(event.at, event.evaluationDate) : days(context.policy.evaluationAfterDays),
    /**
     * The evaluation meeting is held on the date agreed in the first Trinn 2 meeting (A.T2.4),
     * and is late once that day is over, whenever the measures were recorded. The state is only
     * entered by `measures.agreed`; the policy value is a typed fallback.
     */
    evaluationAfterThreeWeeks: ({ context, event }) =>
      event.type === 'measures.agreed' ? msUntilEndOfDate(event.at, event.evaluationDate) : days(context.policy.evaluationAfterDays),
    /** "6 weeks in total", from the first Trinn 2 meeting (the event that starts the clock). */
    escalationAfterSixWeeksInTotal: ({ context }) => days(context.policy.trinn3AfterTotalDays),
    /**
     * Three calendar months from the day Innsatsteam's measures were agreed: the measures plan
     * just filed by the event that started Innsatsteam's work (its time is where the host counts
     * from). A context without one, as a diagram's, counts from the opening.
     */
    innsatsteamThreeMonths: ({ context }) => {
      const plan = [...context.documents].reverse().find((d) => d.kind === 'measures-plan');
      return msUntilCalendarMonthsLater(plan?.at ?? context.openedAt, context.policy.innsatsteamWithoutImprovementMonths);
    },
    monitoringPeriod: ({ context }) => days(context.policy.monitoringDays),
  },
}).createMachine({
  id: PLAN_FOR_SKOLENAERVAER_ID,
  context: ({ input }) => initialCaseContext(input),
  initial: 'opening',
  // Facts that may arrive at any open stage; recorded, never moving the case by themselves. The
  // universal level's notice rule (A.5.1c) holds for every pupil at every level: a new episode
  // without notice, which detection reports as a new trigger once per episode, asks for the
  // contact whatever level the case is at. A count of school days without notice matters only
  // while the case waits for the notice it was opened on (`awaitingNotice`); elsewhere it is
  // recorded, so a repeated count never sends the guardians the same message again.
  on: {
    ...recordedFacts,
    'absence.noticeMissing': { actions: 'recordCaseFacts' },
    'absence.newTrigger': [
      { guard: 'isNewEpisodeWithoutNotice', actions: ['recordCaseFacts', ...askForContact] },
      { actions: 'recordCaseFacts' },
    ],
    'absence.thresholdReached': { actions: 'recordCaseFacts' },
    'guardians.contacted': { actions: 'recordCaseFacts' },
    'schoolOwner.informed': { actions: 'recordCaseFacts' },
    'meeting.scheduled': { actions: 'recordCaseFacts' },
    'meeting.held': { actions: 'recordCaseFacts' },
    'mapping.completed': { actions: 'recordCaseFacts' },
    // Other services are involved consistently with the national rules: child welfare first on a
    // suspicion of harm (E.CW1), BUP only on its conditions (E.BUP1).
    'referral.sent': { guard: 'isReferralAllowed', actions: 'recordCaseFacts' },
    'concern.reported': { actions: 'recordCaseFacts' },
    'childWelfare.consulted': { actions: 'recordCaseFacts' },
    'schoolNurse.conversationHeld': { guard: 'isNoSuspicionAwaitingChildWelfare', actions: 'recordCaseFacts' },
    'suspicion.raised': {
      actions: ['recordCaseFacts', { type: 'notifyStaff', params: { roles: ['principal'], about: 'suspicion-raised' } }],
    },
    'case.closed': { guard: 'isPupilMoving', target: '.closed', actions: 'recordCaseFacts' },
  },
  states: {
    // Chooses the level the opening trigger belongs to; a machine's initial state cannot be guarded.
    opening: {
      meta: meta({
        label: 'Ny fraværssak',
        responsible: ['system'],
        clauses: ['A.5.1c', 'A.T1.0'],
        requiredDocuments: [],
        stage: 'identification',
      }),
      always: [{ guard: 'isOpenedOnMissingNotice', target: 'universal' }, { target: 'trinn1' }],
    },
    universal: {
      meta: meta({
        label: 'Universelt nivå: registrering og oppfølging av fravær',
        responsible: ['contact-teacher', 'teacher-team'],
        clauses: ['A.5.1a', 'A.5.1b', 'A.5.1c'],
        requiredDocuments: [],
        stage: 'identification',
      }),
      initial: 'awaitingNotice',
      entry: 'beginStage',
      on: {
        'absence.thresholdReached': { guard: 'isTrinn1CriterionMet', target: 'trinn1', actions: 'recordCaseFacts' },
        'absence.newTrigger': { guard: 'isTrinn1CriterionMet', target: 'trinn1', actions: 'recordCaseFacts' },
      },
      states: {
        awaitingNotice: {
          meta: meta({
            // The guardians owe the notice; the school registers it when it comes.
            label: 'Venter på melding fra foresatte',
            responsible: ['contact-teacher', 'teacher-team'],
            clauses: ['A.5.1a', 'A.5.1b', 'A.5.1c'],
            requiredDocuments: [],
            stage: 'identification',
          }),
          after: { contactAfterThreeDaysWithoutNotice: 'contactingGuardians' },
          on: {
            'case.closed': { guard: 'isAbsenceExplained', target: `${ROOT}.closed`, actions: 'recordCaseFacts' },
            'absence.noticeReceived': { target: 'watchingAttendance', actions: 'recordCaseFacts' },
            'absence.noticeMissing': [
              { guard: 'isNoticeMissingForThreeDays', target: 'contactingGuardians', actions: 'recordCaseFacts' },
              { actions: 'recordCaseFacts' },
            ],
          },
        },
        contactingGuardians: {
          meta: meta({
            label: 'Skolen kontakter foresatte om manglende melding',
            responsible: ['contact-teacher', 'teacher-team'],
            clauses: ['A.5.1c'],
            requiredDocuments: ['contact-log'],
            stage: 'identification',
            requiredEffects: [{ effect: 'notifyGuardians', params: { message: 'absence-without-notice' }, clause: 'A.5.1c' }],
          }),
          entry: askForContact,
          // Once the three days have passed without notice the school owes the contact (A.5.1c):
          // a notice that comes later is filed at the root, and the contact is still logged.
          on: {
            'guardians.contacted': { target: 'watchingAttendance', actions: 'recordCaseFacts' },
            // An explanation closes the case only once the contact is logged.
            'case.closed': { guard: 'isExplainedAfterLoggedContact', target: `${ROOT}.closed`, actions: 'recordCaseFacts' },
          },
        },
        watchingAttendance: {
          meta: meta({
            label: 'Fraværet følges på universelt nivå',
            responsible: ['contact-teacher', 'teacher-team'],
            clauses: ['A.5.1a', 'A.T1.0'],
            requiredDocuments: [],
            stage: 'identification',
          }),
          // Left when detection or a teacher reports a Trinn 1 criterion, or closed as explained.
          on: {
            'case.closed': { guard: 'isAbsenceExplained', target: `${ROOT}.closed`, actions: 'recordCaseFacts' },
          },
        },
      },
    },
    trinn1: {
      meta: meta({
        label: 'Trinn 1: Identifisering og kontakt',
        responsible: ['contact-teacher', 'teacher-team'],
        clauses: ['A.T1.0'],
        requiredDocuments: [],
        stage: 'identification',
      }),
      initial: 'contactingGuardians',
      entry: ['beginStage', { type: 'notifyStaff', params: { roles: ['contact-teacher', 'teacher-team'], about: 'case-opened' } }],
      states: {
        contactingGuardians: {
          meta: meta({
            label: 'Trinn 1: Vurdering og samtale med foresatte',
            responsible: ['contact-teacher'],
            clauses: ['A.T1.0', 'A.T1.1a', 'A.T1.1b'],
            requiredDocuments: ['contact-log'],
            stage: 'identification',
          }),
          on: {
            // The conversation is logged and the principal informed (A.T1.1b). A cause that may
            // explain the absence (illness, a natural explanation) leaves the assessment open;
            // any other cause is the contact teacher's judgement that the absence is worrying.
            'guardians.contacted': [
              {
                guard: 'isCauseThatMayExplainAbsence',
                target: 'assessingAfterConversation',
                actions: ['recordCaseFacts', { type: 'notifyStaff', params: { roles: ['principal'], about: 'case-opened' } }],
              },
              {
                target: 'mappingAndMeasures',
                actions: ['recordCaseFacts', { type: 'notifyStaff', params: { roles: ['principal'], about: 'case-opened' } }],
              },
            ],
            // Absence found not worrying is closed once the conversation that explained it is logged (A.T1.0, A.T1.1b).
            'case.closed': { guard: 'isExplainedAfterLoggedContact', target: `${ROOT}.closed`, actions: 'recordCaseFacts' },
          },
        },
        assessingAfterConversation: {
          meta: meta({
            label: 'Trinn 1: Vurdering etter samtalen med foresatte',
            responsible: ['contact-teacher'],
            clauses: ['A.T1.0', 'A.T1.1b'],
            requiredDocuments: ['contact-log'],
            stage: 'identification',
          }),
          // The guardians' cause may explain the absence: the contact teacher (with the principal
          // when in doubt) closes the case as explained, or finds it worrying after all and
          // starts the mapping of the psychosocial environment (A.T1.2).
          on: {
            'case.closed': { guard: 'isExplainedAfterLoggedContact', target: `${ROOT}.closed`, actions: 'recordCaseFacts' },
            'mapping.completed': { guard: 'isPsychosocialMapping', target: 'mappingAndMeasures', actions: 'recordCaseFacts' },
          },
        },
        mappingAndMeasures: {
          meta: meta({
            label: 'Trinn 1: Kartlegging av psykososialt miljø og tiltak',
            responsible: ['contact-teacher', 'teacher-team'],
            clauses: ['A.T1.2', 'D.2'],
            requiredDocuments: ['psychosocial-mapping', 'pupil-voice', 'measures-plan'],
            stage: 'measures',
          }),
          on: {
            'measures.agreed': {
              guard: and(['isTrinn1PlanComplete', 'isNoSuspicionAwaitingChildWelfare']),
              target: 'followingMeasures',
              actions: 'recordCaseFacts',
            },
          },
        },
        followingMeasures: {
          meta: meta({
            label: 'Trinn 1: Tiltak prøves ut',
            responsible: ['contact-teacher', 'teacher-team'],
            clauses: ['A.T1.2', 'A.T1.3'],
            requiredDocuments: [],
            stage: 'measures',
          }),
          after: {
            trinn1ReviewOnAgreedDate: {
              target: 'reviewDue',
              actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'evaluate-measures' } },
            },
          },
          on: {
            'evaluation.held': [
              { guard: 'isAbsenceImprovedAtEvaluation', target: MONITORING, actions: 'recordCaseFacts' },
              { target: TRINN2, actions: 'recordCaseFacts' },
            ],
            'escalation.decided': { target: TRINN2, actions: 'recordCaseFacts' },
          },
        },
        reviewDue: {
          meta: meta({
            label: 'Trinn 1: Vurder om bekymringen består',
            responsible: ['contact-teacher', 'teacher-team'],
            clauses: ['A.T1.3', 'A.T2.0'],
            requiredDocuments: ['evaluation'],
            stage: 'evaluation',
          }),
          // The review date has passed: whether concern continues is the evaluation's finding
          // (A.T1.3), and an evaluation without improvement starts Trinn 2 (A.T2.0). A bare
          // decision to move on is taken before this date, while the measures run.
          on: {
            'evaluation.held': [
              { guard: 'isAbsenceImprovedAtEvaluation', target: MONITORING, actions: 'recordCaseFacts' },
              { target: TRINN2, actions: 'recordCaseFacts' },
            ],
          },
        },
      },
    },
    trinn2: {
      meta: meta({
        label: 'Trinn 2: Kartlegging, tiltak og evaluering',
        responsible: ['school-leadership', 'contact-teacher'],
        clauses: ['A.T2.0', 'A.T2.2', 'A.T2.5'],
        requiredDocuments: [],
        stage: 'measures',
        // The principal informs the school owner when the case moves to Trinn 2 (A.T2.2).
        requiredEffects: [{ effect: 'informSchoolOwner', params: { about: 'case-escalated' }, clause: 'A.T2.2' }],
      }),
      initial: 'callingMeeting',
      entry: [
        'beginStage',
        { type: 'informSchoolOwner', params: { about: 'case-escalated' } },
        { type: 'notifyStaff', params: { roles: ['principal', 'school-leadership'], about: 'case-escalated' } },
      ],
      on: {
        // The school may move on before the six weeks, judging each case (A.T2.5).
        'escalation.decided': intoTrinn3,
      },
      states: {
        callingMeeting: {
          meta: meta({
            label: 'Trinn 2: Møte med foresatte og elev innkalles',
            responsible: ['contact-teacher', 'school-leadership'],
            clauses: ['A.T2.1a', 'A.T2.2'],
            requiredDocuments: ['minutes'],
            stage: 'measures',
            // The guardians (and the pupil) are called to a meeting (A.T2.1a).
            requiredEffects: [
              { effect: 'scheduleMeeting', params: { meeting: 'leadership-meeting' }, clause: 'A.T2.1a' },
              { effect: 'notifyGuardians', params: { message: 'meeting-invitation' }, clause: 'A.T2.1a' },
            ],
          }),
          entry: [
            {
              type: 'scheduleMeeting',
              params: { meeting: 'leadership-meeting', participants: ['contact-teacher', 'school-leadership', 'guardians', 'pupil'] },
            },
            { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
          ],
          on: {
            'meeting.held': { guard: 'isTrinn2Meeting', target: 'afterMeeting', actions: 'recordCaseFacts' },
          },
        },
        // From the first Trinn 2 meeting: the three weeks to the evaluation and the six weeks in
        // total both count from it (J6), so the six-week clock lives here, not on Trinn 2.
        afterMeeting: {
          meta: meta({
            label: 'Trinn 2: Etter det første møtet',
            responsible: ['school-leadership', 'contact-teacher'],
            clauses: ['A.T2.4', 'A.T2.5'],
            requiredDocuments: [],
            stage: 'measures',
          }),
          initial: 'agreeingMeasures',
          after: {
            // Moves on by itself only on a finding from within Trinn 2: an evaluation held here
            // and no improvement since (A.T2.5, A.T3.0); otherwise the leadership evaluates.
            escalationAfterSixWeeksInTotal: [
              {
                guard: and(['isAbsenceUnchangedOrWorse', evaluatedInTrinn2, 'isSchoolHealthServiceInvolved']),
                target: `${ROOT}.trinn3.consideringMeasuresBeforeReferral`,
              },
              { guard: and(['isAbsenceUnchangedOrWorse', evaluatedInTrinn2]), target: `${ROOT}.trinn3.involvingSchoolHealthService` },
              {
                target: '.sixWeekReview',
                actions: { type: 'remindResponsible', params: { roles: ['principal', 'school-leadership'], about: 'evaluate-measures' } },
              },
            ],
          },
          states: {
            agreeingMeasures: {
              meta: meta({
                label: 'Trinn 2: Kartlegging og avtale om tiltak',
                responsible: ['contact-teacher', 'school-leadership'],
                clauses: ['A.T2.1b', 'A.T2.1c', 'D.2'],
                requiredDocuments: ['minutes', 'pupil-voice', 'measures-plan'],
                stage: 'measures',
              }),
              on: {
                'measures.agreed': {
                  guard: and(['isTrinn2PlanComplete', 'isNoSuspicionAwaitingChildWelfare']),
                  target: 'workingOnMeasures',
                  actions: [
                    'recordCaseFacts',
                    { type: 'notifyGuardians', params: { message: 'minutes-shared' } },
                    {
                      type: 'scheduleMeeting',
                      params: {
                        meeting: 'evaluation-meeting',
                        participants: ['contact-teacher', 'school-leadership', 'guardians', 'pupil'],
                      },
                    },
                  ],
                },
              },
            },
            workingOnMeasures: {
              meta: meta({
                label: 'Trinn 2: Skolen arbeider med tiltakene',
                responsible: ['contact-teacher', 'school-leadership'],
                clauses: ['A.T2.3', 'A.T2.4'],
                requiredDocuments: [],
                stage: 'measures',
              }),
              after: {
                evaluationAfterThreeWeeks: {
                  target: 'evaluationDue',
                  actions: {
                    type: 'remindResponsible',
                    params: { roles: ['school-leadership', 'contact-teacher'], about: 'evaluate-measures' },
                  },
                },
              },
              on: {
                // An evaluation meeting held on or before the agreed date counts as the evaluation.
                'evaluation.held': [
                  { guard: 'isAbsenceImprovedAtEvaluation', target: MONITORING, actions: 'recordCaseFacts' },
                  { target: 'continuingMeasures', actions: 'recordCaseFacts' },
                ],
              },
            },
            evaluationDue: {
              meta: meta({
                label: 'Trinn 2: Evalueringsmøtet på avtalt dato',
                responsible: ['contact-teacher', 'school-leadership'],
                clauses: ['A.T2.4'],
                requiredDocuments: ['evaluation'],
                stage: 'evaluation',
              }),
              on: {
                'evaluation.held': [
                  { guard: 'isAbsenceImprovedAtEvaluation', target: MONITORING, actions: 'recordCaseFacts' },
                  { target: 'continuingMeasures', actions: 'recordCaseFacts' },
                ],
              },
            },
            continuingMeasures: {
              meta: meta({
                label: 'Trinn 2: Justerte tiltak fram til seksukersgrensen',
                responsible: ['contact-teacher', 'school-leadership'],
                clauses: ['A.T2.4', 'A.T2.5', 'D.2'],
                requiredDocuments: [],
                stage: 'measures',
              }),
              // Waits for the six-week limit or the school's decision to move earlier.
              on: {
                'measures.agreed': {
                  guard: and(['isPupilVoiceRecorded', 'isNoSuspicionAwaitingChildWelfare']),
                  actions: 'recordCaseFacts',
                },
                'evaluation.held': [
                  { guard: 'isAbsenceImprovedAtEvaluation', target: MONITORING, actions: 'recordCaseFacts' },
                  { actions: 'recordCaseFacts' },
                ],
              },
            },
            sixWeekReview: {
              meta: meta({
                label: 'Trinn 2: Vurdering etter seks uker',
                responsible: ['principal', 'school-leadership'],
                clauses: ['A.T2.5', 'A.T3.0'],
                requiredDocuments: ['evaluation'],
                stage: 'evaluation',
              }),
              on: {
                'evaluation.held': [
                  { guard: 'isAbsenceImprovedAtEvaluation', target: MONITORING, actions: 'recordCaseFacts' },
                  ...intoTrinn3,
                ],
              },
            },
          },
        },
      },
    },
    trinn3: {
      meta: meta({
        label: 'Trinn 3: Behov for ytterligere tiltak',
        responsible: ['school-leadership', 'school-nurse', 'innsatsteam'],
        clauses: ['A.T3.0'],
        requiredDocuments: [],
        stage: 'escalated',
      }),
      initial: 'involvingSchoolHealthService',
      entry: ['beginStage', { type: 'notifyStaff', params: { roles: ['principal', 'school-leadership'], about: 'case-escalated' } }],
      states: {
        involvingSchoolHealthService: {
          meta: meta({
            label: 'Trinn 3: Skolehelsetjenesten kobles inn',
            responsible: ['school-leadership', 'school-nurse'],
            clauses: ['A.T3.1a', 'A.T3.2'],
            requiredDocuments: ['consent'],
            stage: 'escalated',
          }),
          entry: { type: 'requestDocument', params: { kind: 'consent', from: ['guardians'] } },
          on: {
            'consent.given': {
              guard: 'isConsentForSchoolHealthService',
              target: 'consideringMeasuresBeforeReferral',
              actions: 'recordCaseFacts',
            },
            // The guardians' answer is on the consent form; if it does not include the school
            // health service, the service is not involved and the case goes on to Innsatsteam
            // (J11), which the guardians may also refer to themselves (A.T3.2).
            'referral.sent': {
              guard: and(['isReferralToInnsatsteam', 'isReferralAllowed', consentFormOnFile]),
              target: 'innsatsteam',
              actions: 'recordCaseFacts',
            },
          },
        },
        consideringMeasuresBeforeReferral: {
          meta: meta({
            label: 'Trinn 3: Tiltak vurderes før melding til Innsatsteam',
            responsible: ['school-leadership', 'school-nurse'],
            clauses: ['A.T3.1b', 'A.T3.2', 'D.2'],
            requiredDocuments: [],
            stage: 'escalated',
          }),
          on: {
            'measures.agreed': { guard: and(['isPupilVoiceRecorded', 'isNoSuspicionAwaitingChildWelfare']), actions: 'recordCaseFacts' },
            'evaluation.held': [
              { guard: 'isAbsenceImprovedAtEvaluation', target: MONITORING, actions: 'recordCaseFacts' },
              { actions: 'recordCaseFacts' },
            ],
            'referral.sent': {
              guard: and(['isReferralToInnsatsteam', 'isReferralAllowed']),
              target: 'innsatsteam',
              actions: 'recordCaseFacts',
            },
          },
        },
        innsatsteam: {
          meta: meta({
            label: 'Trinn 3: Arbeid i Innsatsteam',
            responsible: ['school-leadership', 'innsatsteam', 'contact-teacher'],
            clauses: ['A.T3.2', 'A.T3.2f'],
            requiredDocuments: [],
            stage: 'escalated',
          }),
          initial: 'preMeeting',
          entry: 'beginStage',
          states: {
            preMeeting: {
              meta: meta({
                label: 'Trinn 3: Formøte med Innsatsteam',
                responsible: ['principal', 'contact-teacher', 'innsatsteam'],
                clauses: ['A.T3.2a'],
                requiredDocuments: ['minutes'],
                stage: 'escalated',
              }),
              entry: {
                type: 'scheduleMeeting',
                params: { meeting: 'innsatsteam-pre-meeting', participants: ['principal', 'contact-teacher', 'innsatsteam'] },
              },
              on: {
                'meeting.held': { guard: 'isInnsatsteamPreMeeting', target: 'extendedMapping', actions: 'recordCaseFacts' },
              },
            },
            extendedMapping: {
              meta: meta({
                label: 'Trinn 3: Utvidet kartlegging av ressurser og hjelpebehov',
                responsible: ['principal', 'contact-teacher', 'innsatsteam'],
                clauses: ['A.T3.2b'],
                requiredDocuments: ['minutes', 'mapping-form'],
                stage: 'escalated',
              }),
              on: {
                // Only the extended mapping counts; another form is filed at the root (A.T3.2b).
                'mapping.completed': { guard: 'isExtendedMapping', target: 'planning', actions: 'recordCaseFacts' },
              },
            },
            planning: {
              meta: meta({
                label: 'Trinn 3: Tiltak ut fra kartleggingen',
                responsible: ['principal', 'contact-teacher', 'innsatsteam'],
                clauses: ['A.T3.2c', 'A.T3.2d', 'D.2'],
                requiredDocuments: ['minutes', 'mapping-form', 'pupil-voice', 'measures-plan'],
                stage: 'escalated',
              }),
              on: {
                'measures.agreed': {
                  guard: and(['isInnsatsteamPlanComplete', 'isNoSuspicionAwaitingChildWelfare']),
                  target: 'working',
                  actions: [
                    'recordCaseFacts',
                    // The minutes with the shared responsibilities go to every participant (A.T3.2d).
                    { type: 'notifyGuardians', params: { message: 'minutes-shared' } },
                    { type: 'notifyStaff', params: { roles: ['principal', 'contact-teacher', 'innsatsteam'], about: 'minutes-shared' } },
                    {
                      type: 'scheduleMeeting',
                      params: {
                        meeting: 'cooperation-meeting',
                        participants: ['principal', 'contact-teacher', 'innsatsteam', 'guardians', 'pupil'],
                      },
                    },
                  ],
                },
              },
            },
            working: {
              meta: meta({
                label: 'Trinn 3: Innsatsteam følger opp tiltakene',
                responsible: ['school-leadership', 'innsatsteam'],
                clauses: ['A.T3.2e', 'A.T3.2f', 'A.T3.3'],
                requiredDocuments: [],
                stage: 'escalated',
              }),
              after: {
                innsatsteamThreeMonths: [
                  {
                    guard: 'isAbsenceUnchangedOrWorse',
                    target: 'contactingOtherServices',
                  },
                  {
                    target: 'threeMonthReview',
                    actions: { type: 'remindResponsible', params: { roles: ['principal', 'innsatsteam'], about: 'evaluate-measures' } },
                  },
                ],
              },
              on: {
                // Evaluation in regular meetings; the work goes on however long the absence lasts.
                'evaluation.held': [
                  { guard: 'isAbsenceImprovedAtEvaluation', target: MONITORING, actions: 'recordCaseFacts' },
                  {
                    actions: [
                      'recordCaseFacts',
                      {
                        type: 'scheduleMeeting',
                        params: {
                          meeting: 'cooperation-meeting',
                          participants: ['principal', 'contact-teacher', 'innsatsteam', 'guardians', 'pupil'],
                        },
                      },
                    ],
                  },
                ],
                // Other services may be contacted before the three months are up.
                'escalation.decided': { target: 'contactingOtherServices', actions: 'recordCaseFacts' },
              },
            },
            threeMonthReview: {
              meta: meta({
                label: 'Trinn 3: Vurdering etter tre måneder',
                responsible: ['principal', 'innsatsteam'],
                clauses: ['A.T3.3'],
                requiredDocuments: ['evaluation'],
                stage: 'escalated',
              }),
              on: {
                'evaluation.held': [
                  { guard: 'isAbsenceImprovedAtEvaluation', target: MONITORING, actions: 'recordCaseFacts' },
                  { target: 'contactingOtherServices', actions: 'recordCaseFacts' },
                ],
              },
            },
            contactingOtherServices: {
              meta: meta({
                label: 'Trinn 3: Andre instanser kontaktes',
                responsible: ['principal', 'school-leadership', 'innsatsteam'],
                clauses: ['A.T3.3', 'A.T3.2f', 'E.CW1', 'E.BUP1'],
                requiredDocuments: ['referral'],
                stage: 'escalated',
              }),
              entry: { type: 'remindResponsible', params: { roles: ['principal', 'innsatsteam'], about: 'decide-escalation' } },
              on: {
                // Referrals are recorded at the root, on the national rules (E.CW1, E.BUP1);
                // Innsatsteam's evaluations go on beside them, and improvement leads to
                // monitoring once another service has been contacted.
                'evaluation.held': [
                  { guard: 'isImprovedAfterOtherServicesContacted', target: MONITORING, actions: 'recordCaseFacts' },
                  { actions: 'recordCaseFacts' },
                ],
              },
            },
          },
        },
      },
    },
    // Follow-up after improvement (D.3): one closing rule for the whole of it, so the case closes
    // at the evaluation that found the improvement or at any time after, with its note (J8).
    followUp: {
      meta: meta({
        label: 'Oppfølging etter bedring',
        responsible: ['contact-teacher'],
        clauses: ['D.3'],
        requiredDocuments: [],
        stage: 'monitoring',
      }),
      initial: 'monitoring',
      entry: 'beginStage',
      on: {
        'absence.thresholdReached': relapse,
        'absence.newTrigger': relapse,
        'case.closed': {
          guard: 'isClosingAfterImprovement',
          target: 'closed',
          actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'case-closed' } }],
        },
      },
      states: {
        monitoring: {
          meta: meta({
            label: 'Oppfølging etter bedring',
            responsible: ['contact-teacher'],
            clauses: ['D.3'],
            requiredDocuments: [],
            stage: 'monitoring',
          }),
          after: {
            monitoringPeriod: {
              target: 'closingDue',
              actions: { type: 'remindResponsible', params: { roles: ['contact-teacher', 'principal'], about: 'file-document' } },
            },
          },
        },
        closingDue: {
          meta: meta({
            label: 'Klar til avslutning',
            responsible: ['contact-teacher', 'principal'],
            clauses: ['D.3'],
            requiredDocuments: ['closing-note'],
            stage: 'monitoring',
          }),
        },
      },
    },
    closed: {
      type: 'final',
      meta: meta({
        label: 'Avsluttet',
        responsible: [],
        clauses: ['D.3'],
        requiredDocuments: [],
        stage: 'closed',
      }),
      entry: { type: 'notifyStaff', params: { roles: ['contact-teacher', 'principal'], about: 'case-closed' } },
    },
  },
});
