/**
 * FROZEN: version 1, exactly as cases opened under it run (copied on 2026-12-01). Cases keep the
 * procedure version they opened with, and their saved histories must replay on it, so this file
 * is never edited: changes go into the current version in machines/. See machines/registry.ts.
 * (Renamed since, with no change in behaviour: clauses cite their source document by title.)
 *
 * "Plan for skolenærvær" (seed 000, procedures.md A) as a machine: the universal level (notice
 * for every absence; the school contacts the home after three days without one) → Trinn 1 (the
 * contact teacher contacts the guardians, informs the principal, maps the psychosocial
 * environment and tries measures) → Trinn 2 (leadership joins, the school owner is told, a
 * meeting agrees measures, they are evaluated after three weeks, and after six weeks in total
 * without improvement the case moves on) → Trinn 3 (school health service, Innsatsteam, and
 * after three months without improvement the other services). The national guidance (D) is
 * added: no measures before the pupil is heard, and a monitoring period after absence improves
 * before the case closes. So are the national rules seed 004 spells out: while a suspicion of
 * harm waits for child welfare no other measure is taken (E.CW1), and BUP is referred to only on
 * its conditions (E.BUP1).
 */
import { and, setup } from 'xstate';
import { z } from 'zod';
import { type CaseContext, type CaseInput, initialCaseContext, sharedActions, sharedGuards, recordedFacts } from './case-context';
import { days, msUntilDate } from '../durations';
import type { CaseEvent } from '../events';
import { effectActions } from '../effects';
import { type Clause, stateMeta as meta } from '../meta';
import { childWelfareAndBupClauses, nationalClauses } from '../national-guidance';
import { calendarDays } from '../policy';
import type { TriggerRule } from '../vocabulary';

export const PLAN_FOR_SKOLENAERVAER_ID = 'plan-for-skolenaervaer';
const SOURCE = 'Plan for skolenærvær';

/**
 * A whole number of school days (days the pupil should have been at school). It has the same
 * range and default handling as `calendarDays`; only the description differs, so a reader of the
 * policy is never told that a count of absence days is a calendar count.
 */
const schoolDays = (defaultValue: number, description: string) =>
  calendarDays(defaultValue, description).describe(`${description} (school days)`);

/**
 * Time limits and counts of procedure A, with the seed's values as defaults.
 *
 * - `noticeWithinDays` (3): the seed's "within 3 days" for the guardians' notice. The machine's
 *   timer counts **calendar** days because a machine has no school calendar (the holiday
 *   calendar is detection's input); three calendar days are never longer than three school days,
 *   so the contact can only come sooner than the seed asks, never later. Detection, which does
 *   know the school calendar, reports `absence.noticeMissing` with the **school** days counted
 *   and the same number applies to that count.
 * - `worryingAbsenceOverDays` (10): the Trinn 1 criterion "absence over 10 days". **School**
 *   days: it counts days of absence, and a pupil can only be absent on a school day.
 * - `evaluationAfterDays` (21): "evaluated after 3 weeks". **Calendar** days: the date is agreed
 *   in the first Trinn 2 meeting and read on the calendar.
 * - `trinn3AfterTotalDays` (42): "unchanged or increasing after 6 weeks in total", counted from
 *   entering Trinn 2. **Calendar** days, for the same reason as the evaluation date.
 * - `innsatsteamWithoutImprovementDays` (90): "3 months" of Innsatsteam work without
 *   improvement, counted from when the Innsatsteam measures are agreed (the seed counts the
 *   months Innsatsteam "has worked with measures"). **Calendar** days; three months read as 90
 *   days, which errs early rather than late.
 * - `monitoringDays` (30): follow-up after absence has improved (national guidance D.3). The
 *   seeds give no number, so this is the project's default, in **calendar** days like C's.
 */
export const planForSkolenaervaerPolicySchema = z.object({
  noticeWithinDays: calendarDays(3, 'the school contacts the guardians when no notice of the absence has come within'),
  worryingAbsenceOverDays: schoolDays(10, 'Trinn 1 starts when absence is over'),
  evaluationAfterDays: calendarDays(21, 'Trinn 2 measures are evaluated in a cooperation meeting after'),
  trinn3AfterTotalDays: calendarDays(42, 'the case moves to Trinn 3 if absence is unchanged or worse this long after entering Trinn 2'),
  innsatsteamWithoutImprovementDays: calendarDays(90, 'other services are contacted when Innsatsteam has worked without improvement for'),
  monitoringDays: calendarDays(30, 'follow-up period after absence has improved, before closing'),
});
export type PlanForSkolenaervaerPolicy = z.infer<typeof planForSkolenaervaerPolicySchema>;

/** Absence patterns that open a case under this procedure (seed 000 §5.1 and Trinn 1 criteria). */
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
    rule: 'The measures are evaluated in a cooperation meeting after 3 weeks and adjusted if needed; minutes are archived.',
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
const MONITORING = `${ROOT}.monitoring`;

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

/** A relapse after improvement: Trinn 1 measures have already been tried, so Trinn 2 applies (A.T2.0). */
const relapse = { target: TRINN2, actions: 'recordCaseFacts' as const };

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
    /** Does the new trigger meet a Trinn 1 criterion (over the day limit, high absence over a short time, or a teacher's concern)? */
    isTrinn1CriterionMet: ({ context, event }: { context: Ctx; event: Ev }) => {
      if (event.type !== 'absence.thresholdReached') return false;
      const { rule, days: absenceDays } = event.trigger;
      if (rule === 'days-over-limit') return (absenceDays ?? 0) > context.policy.worryingAbsenceOverDays;
      return rule === 'high-absence-short-period' || rule === 'staff-concern';
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
    // Each level's plan counts documents from where that level began, so the pupil is heard
    // again before new measures (D.2): a view given in Trinn 1 is not taken as one on Trinn 3's.
    /** Are the psychosocial mapping and the pupil's voice on file for this level, so measures may be agreed? */
    isTrinn1PlanComplete: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'measures.agreed' && shared.hasStageDocuments({ context }, { kinds: ['psychosocial-mapping', 'pupil-voice'] }),
    /** Did the evaluation find absence improved? */
    isAbsenceImprovedAtEvaluation: ({ event }: { event: Ev }) => event.type === 'evaluation.held' && event.outcome === 'improved',
    /**
     * Did the evaluation find absence improved, with another service contacted since Innsatsteam
     * took the case? Once the three months pass without improvement (or the school decides
     * earlier), other services "shall" be contacted (A.T3.3): a later improvement does not undo that.
     */
    isImprovedAfterOtherServicesContacted: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'evaluation.held' && event.outcome === 'improved' && shared.hasStageDocuments({ context }, { kinds: ['referral'] }),
    /** Is this the meeting the school called with the guardians (and pupil) in Trinn 2? */
    isLeadershipMeeting: ({ event }: { event: Ev }) => event.type === 'meeting.held' && event.meeting === 'leadership-meeting',
    /** Are the meeting minutes and the pupil's voice on file, and is the evaluation set no later than three weeks ahead? */
    isTrinn2PlanComplete: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'measures.agreed' &&
      shared.hasStageDocuments({ context }, { kinds: ['minutes', 'pupil-voice'] }) &&
      msUntilDate(event.at, event.evaluationDate) <= days(context.policy.evaluationAfterDays),
    /** Did the latest trend or evaluation find absence unchanged or higher? */
    isAbsenceUnchangedOrWorse: ({ context }: { context: Ctx }) => context.lastTrend === 'unchanged' || context.lastTrend === 'worse',
    /** Do the guardians already consent to the school health service (e.g. from Trinn 2)? */
    isSchoolHealthServiceInvolved: ({ context }: { context: Ctx }) => context.consents.includes('school-nurse'),
    /** Is this consent for the school health service? */
    isConsentForSchoolHealthService: ({ event }: { event: Ev }) => event.type === 'consent.given' && event.service === 'school-nurse',
    /** Is this the referral to Innsatsteam? */
    isReferralToInnsatsteam: ({ event }: { event: Ev }) => event.type === 'referral.sent' && event.service === 'innsatsteam',
    /** Is this the Innsatsteam pre-meeting? */
    isInnsatsteamPreMeeting: ({ event }: { event: Ev }) => event.type === 'meeting.held' && event.meeting === 'innsatsteam-pre-meeting',
    /** Are the pre-meeting minutes, the extended mapping and the pupil's voice on file? */
    isInnsatsteamPlanComplete: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'measures.agreed' && shared.hasStageDocuments({ context }, { kinds: ['minutes', 'mapping-form', 'pupil-voice'] }),
    /** Is the case closed because the pupil moved (allowed at any stage)? */
    isPupilMoving: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'pupil-moved',
    /** Is the case being closed because absence improved (after monitoring)? */
    isClosingAfterImprovement: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'absence-improved',
  },
  delays: {
    contactAfterThreeDaysWithoutNotice: ({ context }) => days(context.policy.noticeWithinDays),
    /**
     * Trinn 1 has no time limit of its own: the measures are reviewed on the date agreed with
     * them. The state is only entered by `measures.agreed`; the policy value is a typed fallback.
     */
    trinn1ReviewOnAgreedDate: ({ context, event }) =>
      event.type === 'measures.agreed' ? msUntilDate(event.at, event.evaluationDate) : days(context.policy.evaluationAfterDays),
    evaluationAfterThreeWeeks: ({ context }) => days(context.policy.evaluationAfterDays),
    escalationAfterSixWeeksInTotal: ({ context }) => days(context.policy.trinn3AfterTotalDays),
    innsatsteamThreeMonths: ({ context }) => days(context.policy.innsatsteamWithoutImprovementDays),
    monitoringPeriod: ({ context }) => days(context.policy.monitoringDays),
  },
}).createMachine({
  id: PLAN_FOR_SKOLENAERVAER_ID,
  context: ({ input }) => initialCaseContext(input),
  initial: 'opening',
  // Facts that may arrive at any open stage; recorded, never moving the case by themselves. The
  // universal level's notice rule (A.5.1c) holds for every pupil at every level.
  on: {
    ...recordedFacts,
    'absence.noticeMissing': [
      {
        guard: 'isNoticeMissingForThreeDays',
        actions: [
          'recordCaseFacts',
          { type: 'notifyGuardians', params: { message: 'absence-without-notice' } },
          { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } },
        ],
      },
      { actions: 'recordCaseFacts' },
    ],
    'absence.thresholdReached': { actions: 'recordCaseFacts' },
    'absence.newTrigger': { actions: 'recordCaseFacts' },
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
      },
      states: {
        awaitingNotice: {
          meta: meta({
            label: 'Venter på melding fra foresatte',
            responsible: ['guardians', 'contact-teacher'],
            clauses: ['A.5.1a', 'A.5.1b'],
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
            responsible: ['contact-teacher'],
            clauses: ['A.5.1c'],
            requiredDocuments: ['contact-log'],
            stage: 'identification',
          }),
          entry: [
            { type: 'notifyGuardians', params: { message: 'absence-without-notice' } },
            { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } },
          ],
          on: {
            'guardians.contacted': { target: 'watchingAttendance', actions: 'recordCaseFacts' },
            'absence.noticeReceived': { target: 'watchingAttendance', actions: 'recordCaseFacts' },
            // The school owes the contact now: an explanation closes the case only once it is logged.
            'case.closed': { guard: 'isExplainedAfterLoggedContact', target: `${ROOT}.closed`, actions: 'recordCaseFacts' },
          },
        },
        watchingAttendance: {
          meta: meta({
            label: 'Fraværet følges på universelt nivå',
            responsible: ['contact-teacher'],
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
            // The logged conversation is the contact teacher's judgement that the absence is worrying.
            'guardians.contacted': {
              target: 'mappingAndMeasures',
              actions: ['recordCaseFacts', { type: 'notifyStaff', params: { roles: ['principal'], about: 'case-opened' } }],
            },
            // Absence found not worrying is closed once the conversation that explained it is logged (A.T1.1b).
            'case.closed': { guard: 'isExplainedAfterLoggedContact', target: `${ROOT}.closed`, actions: 'recordCaseFacts' },
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
            responsible: ['contact-teacher'],
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
            responsible: ['contact-teacher'],
            clauses: ['A.T1.3', 'A.T2.0'],
            requiredDocuments: ['evaluation'],
            stage: 'evaluation',
          }),
          // The review date has come: whether concern continues is the evaluation's finding
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
      }),
      initial: 'callingMeeting',
      entry: [
        'beginStage',
        { type: 'informSchoolOwner', params: { about: 'case-escalated' } },
        { type: 'notifyStaff', params: { roles: ['principal', 'school-leadership'], about: 'case-escalated' } },
      ],
      // "6 weeks in total" runs from entering Trinn 2, whichever step the case has reached.
      after: {
        escalationAfterSixWeeksInTotal: [
          {
            guard: and(['isAbsenceUnchangedOrWorse', 'isSchoolHealthServiceInvolved']),
            target: `${ROOT}.trinn3.consideringMeasuresBeforeReferral`,
          },
          { guard: 'isAbsenceUnchangedOrWorse', target: `${ROOT}.trinn3.involvingSchoolHealthService` },
          // With no sign of unchanged or higher absence, the school evaluates before deciding.
          {
            target: '.sixWeekReview',
            actions: { type: 'remindResponsible', params: { roles: ['principal', 'school-leadership'], about: 'evaluate-measures' } },
          },
        ],
      },
      on: {
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
          }),
          entry: [
            {
              type: 'scheduleMeeting',
              params: { meeting: 'leadership-meeting', participants: ['contact-teacher', 'school-leadership', 'guardians', 'pupil'] },
            },
            { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
          ],
          on: {
            'meeting.held': { guard: 'isLeadershipMeeting', target: 'agreeingMeasures', actions: 'recordCaseFacts' },
          },
        },
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
                  params: { meeting: 'evaluation-meeting', participants: ['contact-teacher', 'school-leadership', 'guardians', 'pupil'] },
                },
              ],
            },
          },
        },
        workingOnMeasures: {
          meta: meta({
            label: 'Trinn 2: Skolen arbeider med tiltakene',
            responsible: ['contact-teacher', 'school-leadership'],
            clauses: ['A.T2.3'],
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
            // An evaluation meeting held before the three weeks are up counts as the evaluation.
            'evaluation.held': [
              { guard: 'isAbsenceImprovedAtEvaluation', target: MONITORING, actions: 'recordCaseFacts' },
              { target: 'continuingMeasures', actions: 'recordCaseFacts' },
            ],
          },
        },
        evaluationDue: {
          meta: meta({
            label: 'Trinn 2: Evalueringsmøte etter tre uker',
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
          // Waits for the six-week limit on Trinn 2 or the school's decision to move earlier.
          on: {
            'measures.agreed': { guard: and(['isPupilVoiceRecorded', 'isNoSuspicionAwaitingChildWelfare']), actions: 'recordCaseFacts' },
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
            clauses: ['A.T2.5'],
            requiredDocuments: ['evaluation'],
            stage: 'evaluation',
          }),
          on: {
            'evaluation.held': [{ guard: 'isAbsenceImprovedAtEvaluation', target: MONITORING, actions: 'recordCaseFacts' }, ...intoTrinn3],
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
            clauses: ['A.T3.1a'],
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
                'meeting.held': { guard: 'isInnsatsteamPreMeeting', target: 'planning', actions: 'recordCaseFacts' },
              },
            },
            planning: {
              meta: meta({
                label: 'Trinn 3: Utvidet kartlegging og tiltak',
                responsible: ['principal', 'contact-teacher', 'innsatsteam'],
                clauses: ['A.T3.2b', 'A.T3.2c', 'A.T3.2d', 'D.2'],
                requiredDocuments: ['minutes', 'mapping-form', 'pupil-voice', 'measures-plan'],
                stage: 'escalated',
              }),
              on: {
                'measures.agreed': {
                  guard: and(['isInnsatsteamPlanComplete', 'isNoSuspicionAwaitingChildWelfare']),
                  target: 'working',
                  actions: [
                    'recordCaseFacts',
                    // The minutes with the shared responsibilities are archived with the case,
                    // where the school and Innsatsteam read them; the guardians get them sent.
                    { type: 'notifyGuardians', params: { message: 'minutes-shared' } },
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
                responsible: ['school-leadership', 'innsatsteam', 'contact-teacher'],
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
    monitoring: {
      meta: meta({
        label: 'Oppfølging etter bedring',
        responsible: ['contact-teacher'],
        clauses: ['D.3'],
        requiredDocuments: [],
        stage: 'monitoring',
      }),
      entry: 'beginStage',
      after: {
        monitoringPeriod: {
          target: 'closingDue',
          actions: { type: 'remindResponsible', params: { roles: ['contact-teacher', 'principal'], about: 'file-document' } },
        },
      },
      on: {
        'absence.thresholdReached': relapse,
        'absence.newTrigger': relapse,
      },
    },
    closingDue: {
      meta: meta({
        label: 'Klar til avslutning',
        responsible: ['principal'],
        clauses: ['D.3'],
        requiredDocuments: ['closing-note'],
        stage: 'monitoring',
      }),
      on: {
        'absence.thresholdReached': relapse,
        'absence.newTrigger': relapse,
        'case.closed': {
          guard: 'isClosingAfterImprovement',
          target: 'closed',
          actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'case-closed' } }],
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
