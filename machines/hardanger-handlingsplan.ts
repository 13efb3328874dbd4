/**
 * "Handlingsplan ved bekymring rundt fravær" (Hardanger; docs/procedures/hardanger-handlingsplan.md), version 2,
 * as a machine: Nivå 0 (a staff concern is discussed with leadership or the counsellor) → Nivå 1
 * (conversation with guardians and pupil, goals and joint measures, a new meeting to evaluate,
 * a class-teacher meeting) → Nivå 2 (absence persists: guardians are called to a new
 * conversation within one week with leadership present; attendance evaluated, measures started,
 * other services and referrals considered) → Nivå 3 (report of concern to child welfare, after
 * which the school keeps following up). The seed's conversation guides shape every guardian
 * conversation: decide beforehand whether the pupil attends, minutes to the pupil file and home,
 * a further conversation within a week when the cause is not at school or the guardians doubt
 * the return, then a pupil conversation. The seed has no closing rule; the product's (B.C1) lets
 * the leadership close an improved case at its evaluation, after a monitoring period only where
 * the municipality's policy sets one. The national guidance (D) is added: no measures before the
 * pupil is heard, and follow-up continues after the pupil is back. So are the national rules
 * the Rælingen guide spells out: while a suspicion of harm waits for child welfare no other measure is
 * taken (E.CW1), and BUP is referred to only on its conditions (E.BUP1).
 *
 * Reminders only remind: a state that repeats its reminder (`reenter: true`) has no entry
 * actions of its own, so re-entering it re-arms the timer and nothing else; a stage's start
 * (`beginStage`) and its messages sit on the level or on the incoming transitions.
 */
import { and, enqueueActions, setup } from 'xstate';
import { z } from 'zod';
import { type CaseContext, type CaseInput, initialCaseContext, sharedActions, sharedGuards, recordedFacts } from './case-context';
import { days, msUntilDate, msUntilMoment } from './durations';
import type { AbsenceTrigger, CaseEvent } from './events';
import { type NotifyGuardiansParams, type ScheduleMeetingParams, effectActions } from './effects';
import { type Clause, stateMeta as meta } from './meta';
import { childWelfareAndBupClauses, nationalClauses } from './national-guidance';
import { calendarDays } from './policy';
import type { Role, TriggerRule } from './vocabulary';

export const HARDANGER_ID = 'hardanger-handlingsplan';
const SOURCE = 'Handlingsplan ved bekymring rundt fravær (Hardanger)';

/**
 * Time limits of procedure B. Every field counts calendar days; the seed names no months and no
 * school days. The seed's two limits are "within one week" ("innen en uke", "i løpet av ei
 * uke"): a week is a calendar span, it reads the same to guardians and staff, and seven calendar
 * days always contain five school days outside holidays. The remaining fields are the project's
 * reminder periods (the seed sets no number for them); they only nudge the responsible person,
 * so a weekend inside one is harmless and a school calendar would add nothing but an input the
 * machine does not have.
 */
export const hardangerPolicySchema = z.object({
  /**
   * Calendar days. Nivå 0 sets no limit for the discussion with leadership/counsellor; remind the
   * contact teacher after this long. Calendar: an internal nudge.
   */
  concernDiscussionReminderDays: calendarDays(
    3,
    'remind the contact teacher to discuss the concern with leadership or the counsellor after',
  ),
  /**
   * Calendar days. Nivå 1 sets no limit for the first conversation; remind the contact teacher
   * to schedule it after this long, and again this often after the day a scheduled conversation
   * was due. Calendar: an internal nudge.
   */
  conversationReminderDays: calendarDays(7, 'remind the contact teacher to schedule or hold the Nivå 1 conversation after'),
  /**
   * Calendar days. Guide for guardian conversations: when the absence is not about school or the
   * guardians doubt the pupil will return, a further conversation is offered within a week.
   * Calendar: "within a week" is a calendar span.
   */
  extraConversationWithinDays: calendarDays(
    7,
    'further conversation offered when the cause is not at school or the guardians doubt the return, within',
  ),
  /**
   * Calendar days. Nivå 2: the guardians are called to a new conversation within one week.
   * Calendar: "within one week" is a calendar span.
   */
  newConversationWithinDays: calendarDays(7, 'new conversation with the guardians at Nivå 2, within'),
  /** Calendar days. Repeat the reminder this often once the Nivå 2 week has passed. Calendar: a nudge. */
  overdueReminderDays: calendarDays(2, 'repeat the reminder after the Nivå 2 week has passed, every'),
  /**
   * Calendar days. The guide sets no limit for the pupil conversation after the guardian
   * conversation; remind the contact teacher after this long. Calendar: an internal nudge.
   */
  pupilConversationReminderDays: calendarDays(7, 'remind the contact teacher to hold the pupil conversation after'),
  /**
   * Calendar days. Once the agreed evaluation date has come, remind the responsible staff this
   * often until the evaluation is held. Calendar: an internal nudge.
   */
  evaluationReminderDays: calendarDays(7, 'remind to hold the agreed evaluation meeting, every'),
  /**
   * Calendar days. Nivå 3 sets no limit, but a duty to report does not wait: remind leadership
   * this often until the report of concern is sent. Calendar: an internal nudge.
   */
  reportReminderDays: calendarDays(2, 'remind leadership to send the report of concern, every'),
  /**
   * Calendar days. After the report the school keeps following up (national guidance); ask for
   * an evaluation this often while no new measures with their own date are running. Calendar: an
   * internal nudge.
   */
  childWelfareFollowUpReviewDays: calendarDays(30, 'ask for an evaluation while child welfare is involved, every'),
  /**
   * Calendar days. The seed has no closing rule and the national guidance asks for follow-up
   * after the return but sets no period, so by default the leadership may close an improved case
   * at its evaluation (0). A municipality may set a monitoring period that holds the closing back.
   * Calendar: a municipality's own period, read on the calendar.
   */
  monitoringDays: calendarDays(0, 'follow-up period after absence has improved, before the leadership may close the case', 0),
});
export type HardangerPolicy = z.infer<typeof hardangerPolicySchema>;

/**
 * Absence patterns that open a case under this procedure. The seed has no numeric threshold:
 * a case starts when a teacher is concerned ('staff-concern', Nivå 0). Detection may also raise
 * patterns that need no municipal number and that Nivå 0 exists to judge: absence without the
 * first-day notice the seed requires ('unnotified-absence'), much absence over a short time
 * ('high-absence-short-period') and suspected invalid absence ('suspected-invalid-absence').
 * Every case starts at Nivå 0, where the contact teacher and leadership decide whether the
 * concern holds, so a detection signal never skips that human judgement. Numeric rules of other
 * municipalities (e.g. 'consecutive-days') are left out: Hardanger did not adopt them.
 */
export const hardangerOpeningRules: readonly TriggerRule[] = [
  'staff-concern',
  'unnotified-absence',
  'high-absence-short-period',
  'suspected-invalid-absence',
];

/** The procedure's rules, in the project's words, as cited by states and tests. */
export const hardangerClauses: readonly Clause[] = [
  {
    id: 'B.N0a',
    source: SOURCE,
    section: 'Nivå 0',
    rule: 'Teachers register absence every day; guardians give written notice on the first day of every absence.',
  },
  {
    id: 'B.N0b',
    source: SOURCE,
    section: 'Nivå 0',
    rule: 'When a teacher is concerned about the absence, the contact teacher discusses it with leadership or the counsellor.',
  },
  {
    id: 'B.N0c',
    source: SOURCE,
    section: 'Nivå 0',
    rule: 'A subject teacher who registers absence makes sure the contact teacher knows of it.',
  },
  {
    id: 'B.N1a',
    source: SOURCE,
    section: 'Nivå 1',
    rule: 'The pupil and the guardians are met together; goals and joint measures are agreed.',
  },
  { id: 'B.N1b', source: SOURCE, section: 'Nivå 1', rule: 'A new meeting is agreed at the conversation.' },
  { id: 'B.N1c', source: SOURCE, section: 'Nivå 1', rule: 'A class-teacher meeting brings every teacher of the pupil up to date.' },
  {
    id: 'B.N2a',
    source: SOURCE,
    section: 'Nivå 2',
    rule: 'If absence persists, the contact teacher, with leadership, social teacher or counsellor, calls the guardians to a new conversation within one week; leadership, social teacher or counsellor take part, the school nurse when useful.',
  },
  {
    id: 'B.N2b',
    source: SOURCE,
    section: 'Nivå 2',
    rule: 'That conversation evaluates attendance, starts measures and clarifies whether other services are needed.',
  },
  { id: 'B.N2c', source: SOURCE, section: 'Nivå 2', rule: 'Where needed, referrals are filled in together with the guardians.' },
  { id: 'B.N3', source: SOURCE, section: 'Nivå 3', rule: 'A report of concern is sent to child welfare.' },
  {
    id: 'B.G1',
    source: SOURCE,
    section: 'Samtale med foresatte',
    rule: 'Before the meeting, decide whether the pupil takes part in the first meeting.',
  },
  {
    id: 'B.G2',
    source: SOURCE,
    section: 'Samtale med foresatte',
    rule: 'Minutes of the conversation go to the pupil file and are sent to the home.',
  },
  {
    id: 'B.G3',
    source: SOURCE,
    section: 'Samtale med foresatte',
    rule: 'If the absence is not about school, or the guardians doubt they can get the pupil back to school, a further conversation is offered within a week.',
  },
  {
    id: 'B.G4',
    source: SOURCE,
    section: 'Samtale med foresatte',
    rule: 'The conversation states the concern and the extent of absence, maps the cause and the support needed, agrees measures and who carries them out, and ends by setting a new meeting to evaluate the agreement.',
  },
  {
    id: 'B.P1',
    source: SOURCE,
    section: 'Samtale med elever',
    rule: 'After the guardian conversation the contact teacher talks with the pupil, in school hours or at home if the pupil is absent.',
  },
  {
    id: 'B.P2',
    source: SOURCE,
    section: 'Samtale med elever',
    rule: 'Measures are worked out with the pupil; the agreed points are written down together, and may be signed by teacher and pupil.',
  },
  {
    id: 'B.C1',
    source: SOURCE,
    section: "Avslutning (not in the seed: the product's rule)",
    rule: 'A case closes when leadership or the counsellor finds no concern at Nivå 0 and says why; when an evaluation finds absence improved, by the leadership with a closing note, after a monitoring period only if the municipality sets one; or when the pupil moves. New absence after closing opens a new case.',
  },
  ...childWelfareAndBupClauses,
  ...nationalClauses,
];

type Ctx = CaseContext<HardangerPolicy>;
type Ev = CaseEvent;
type NotifyGuardiansAction = { type: 'notifyGuardians'; params: NotifyGuardiansParams };

/** Who may stand beside the contact teacher at the Nivå 2 conversation. */
const LEADERSHIP_ROLES: readonly Role[] = ['principal', 'school-leadership', 'social-teacher', 'counsellor'];
/** Nivå 0 names leadership and the counsellor as the contact teacher's discussion partners. */
const NIVA0_DISCUSSION_ROLES: readonly Role[] = ['principal', 'school-leadership', 'counsellor'];
const LEVEL2_CONVERSATION_PARTICIPANTS: readonly Role[] = [
  'contact-teacher',
  'school-leadership',
  'social-teacher',
  'counsellor',
  'guardians',
];
/** A scheduled conversation is reminded about the day after it was due: it may be held at any time that day. */
const DAY_AFTER_SCHEDULED_MS = days(1);

const shared = sharedGuards<HardangerPolicy>();

/** Is the event's date-only evaluation date later than the moment the event happened? */
const isEvaluationDateAhead = (event: Ev): boolean => event.type === 'measures.agreed' && msUntilDate(event.at, event.evaluationDate) > 0;

/** Does a meeting of this kind, held with these participants, count as a conversation with the guardians? */
const isWithGuardians = (event: Ev): boolean =>
  (event.type === 'meeting.held' || event.type === 'meeting.scheduled') &&
  event.meeting === 'guardian-conversation' &&
  event.participants.includes('guardians');

/**
 * The absence trigger a transition is about: a new trigger's, or at the opening (the machine's
 * init event) the one the case was opened on.
 */
function triggerOf(context: Ctx, event: { type: string }): AbsenceTrigger | undefined {
  if (event.type === 'absence.newTrigger') return (event as Extract<Ev, { type: 'absence.newTrigger' }>).trigger;
  if (event.type === 'xstate.init') return context.trigger;
  return undefined;
}

/** Invitation to the Nivå 2 conversation; the week comes from the policy. */
const level2ConversationInvitation = ({ context }: { context: Ctx }): ScheduleMeetingParams => ({
  meeting: 'guardian-conversation',
  participants: LEVEL2_CONVERSATION_PARTICIPANTS,
  withinDays: context.policy.newConversationWithinDays,
});

/** Offer of a further guardian conversation (guide: within a week). */
const extraConversationOffer = ({ context }: { context: Ctx }): ScheduleMeetingParams => ({
  meeting: 'guardian-conversation',
  participants: ['contact-teacher', 'guardians'],
  withinDays: context.policy.extraConversationWithinDays,
});

/** A reminder to the contact teacher and the leadership that the agreed evaluation is due. */
const remindEvaluation = {
  type: 'remindResponsible',
  params: { roles: ['contact-teacher', 'school-leadership'], about: 'evaluate-measures' },
} as const;

/** Procedure B as an XState machine. Input: case facts plus the resolved policy. */
export const hardangerMachine = setup({
  types: {
    context: {} as Ctx,
    events: {} as Ev,
    input: {} as CaseInput<HardangerPolicy>,
  },
  actions: {
    ...effectActions,
    ...sharedActions<HardangerPolicy>(),
    /**
     * Nivå 0: the guardians owe written notice on the first day of every absence (B.N0a). When
     * the case opens on, or detection finds, absence without that notice, the school asks them
     * for it; any other trigger asks the guardians for nothing.
     */
    askGuardiansForMissingNotice: enqueueActions<Ctx, Ev, undefined, Ev, never, NotifyGuardiansAction, never, never, never>(
      ({ context, event, enqueue }) => {
        if (triggerOf(context, event)?.rule === 'unnotified-absence') {
          enqueue({ type: 'notifyGuardians', params: { message: 'absence-without-notice' } });
        }
      },
    ),
    /**
     * Guide: the minutes of a conversation with the guardians are filed and sent home (B.G2). A
     * meeting the guardians took part in (an evaluation meeting, a pupil conversation at home)
     * sends its minutes home; a meeting of staff only does not.
     */
    shareMinutesWithGuardians: enqueueActions<Ctx, Ev, undefined, Ev, never, NotifyGuardiansAction, never, never, never>(
      ({ event, enqueue }) => {
        if (event.type === 'meeting.held' && event.participants.includes('guardians')) {
          enqueue({ type: 'notifyGuardians', params: { message: 'minutes-shared' } });
        }
      },
    ),
  },
  guards: {
    ...shared,
    /** Were leadership or the counsellor among those the contact teacher discussed the concern with? */
    isConcernDiscussedWithLeadership: ({ event }: { event: Ev }) =>
      event.type === 'staff.informed' && event.recipients.some((r) => NIVA0_DISCUSSION_ROLES.includes(r)),
    /** Did leadership or the counsellor close the concern at Nivå 0 as having a natural explanation? */
    isConcernDismissedByLeadership: ({ event }: { event: Ev }) =>
      event.type === 'case.closed' && event.reason === 'natural-explanation' && NIVA0_DISCUSSION_ROLES.includes(event.actor.role),
    /** Is a conversation with the guardians being scheduled (the pupil's attendance is decided in its participants)? */
    isGuardianConversationScheduled: ({ event }: { event: Ev }) => event.type === 'meeting.scheduled' && isWithGuardians(event),
    /** Did a conversation with the guardians take place, with the guardians there? */
    isGuardianConversationHeld: ({ event }: { event: Ev }) => event.type === 'meeting.held' && isWithGuardians(event),
    /** Was the Nivå 2 conversation held with the guardians and leadership, the social teacher or the counsellor? */
    isConversationWithLeadershipHeld: ({ event }: { event: Ev }) =>
      event.type === 'meeting.held' && isWithGuardians(event) && event.participants.some((r) => LEADERSHIP_ROLES.includes(r)),
    /** Are the minutes of this stage's guardian conversation on file? */
    isConversationDocumented: ({ context }: { context: Ctx }) => shared.hasStageDocuments({ context }, { kinds: ['minutes'] }),
    /** Are the minutes and the attendance evaluation of the Nivå 2 conversation on file? */
    isAttendanceEvaluated: ({ context }: { context: Ctx }) => shared.hasStageDocuments({ context }, { kinds: ['minutes', 'evaluation'] }),
    /** Is the absence unrelated to school, or do the guardians doubt the pupil will return? */
    isFurtherConversationNeeded: ({ event }: { event: Ev }) =>
      event.type === 'absenceCause.assessed' && (!event.relatedToSchool || !event.guardiansExpectReturn),
    /** Did the guardians decline the offered conversation, with the decision on file? */
    isOfferDeclinedOnFile: ({ event }: { event: Ev }) => event.type === 'document.recorded' && event.kind === 'decision-note',
    /**
     * Are the measures agreed after a pupil conversation in this stage, with the pupil heard
     * (national rule) and a new meeting set on a later date to evaluate them?
     */
    isAgreementWithPupilComplete: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'measures.agreed' &&
      context.pupilVoiceRecorded &&
      shared.hasStageDocuments({ context }, { kinds: ['pupil-voice'] }) &&
      isEvaluationDateAhead(event),
    /** Do the agreed measures set their evaluation on a date after the agreement (B.G4)? */
    isEvaluationDateAhead: ({ event }: { event: Ev }) => isEvaluationDateAhead(event),
    /** Is this the meeting that evaluates the agreed measures? */
    isEvaluationMeetingHeld: ({ event }: { event: Ev }) => event.type === 'meeting.held' && event.meeting === 'evaluation-meeting',
    /** Did the evaluation find absence improved? */
    isAttendanceImproved: ({ event }: { event: Ev }) => event.type === 'evaluation.held' && event.outcome === 'improved',
    /** Is the referral made with the guardians, i.e. do they consent to that service? */
    isReferralAgreedWithGuardians: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'referral.sent' && context.consents.includes(event.service),
    /** Does detection report absence getting worse? */
    isAbsenceWorse: ({ event }: { event: Ev }) => event.type === 'absence.trend' && event.trend === 'worse',
    /** Is the case closed because the pupil moved (allowed at any stage)? */
    isPupilMoving: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'pupil-moved',
    /** Is the case being closed because absence improved? */
    isClosingAfterImprovement: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'absence-improved',
  },
  delays: {
    concernDiscussionReminder: ({ context }) => days(context.policy.concernDiscussionReminderDays),
    conversationReminder: ({ context }) => days(context.policy.conversationReminderDays),
    /**
     * The day after the time the conversation was scheduled for, counted from when it was
     * scheduled, so a conversation set weeks ahead is not reminded about before its date; after
     * that, every reminder period.
     */
    scheduledConversationReminder: ({ context, event }) =>
      event.type === 'meeting.scheduled'
        ? msUntilMoment(event.at, event.scheduledFor) + DAY_AFTER_SCHEDULED_MS
        : days(context.policy.conversationReminderDays),
    extraConversationWithinAWeek: ({ context }) => days(context.policy.extraConversationWithinDays),
    newConversationWithinOneWeek: ({ context }) => days(context.policy.newConversationWithinDays),
    overdueReminder: ({ context }) => days(context.policy.overdueReminderDays),
    pupilConversationReminder: ({ context }) => days(context.policy.pupilConversationReminderDays),
    /**
     * Until the date agreed for the new meeting; the guards keep that date ahead of the agreement.
     * The states are only entered by that agreement, so the fallback (due at once) is defensive.
     */
    evaluationOnAgreedDate: ({ context, event }) =>
      event.type === 'measures.agreed' && context.evaluationDate ? msUntilDate(event.at, context.evaluationDate) : 0,
    evaluationReminder: ({ context }) => days(context.policy.evaluationReminderDays),
    reportOfConcernReminder: ({ context }) => days(context.policy.reportReminderDays),
    childWelfareFollowUpReview: ({ context }) => days(context.policy.childWelfareFollowUpReviewDays),
    monitoringPeriod: ({ context }) => days(context.policy.monitoringDays),
  },
}).createMachine({
  id: HARDANGER_ID,
  context: ({ input }) => initialCaseContext(input),
  initial: 'open',
  states: {
    // Every state of a running case sits under `open`, so the fact handlers below stop applying
    // once the case is closed: a late event must never reopen or change a closed case.
    open: {
      meta: meta({
        label: 'Sak under oppfølging',
        responsible: ['contact-teacher', 'school-leadership'],
        // B.N0c: whoever registers the absence, the contact teacher hears of new absence the case receives.
        clauses: ['B.N0a', 'B.N0c', 'E.CW1', 'E.BUP1'],
        requiredDocuments: [],
        stage: 'identification',
      }),
      initial: 'level0',
      // Facts that may arrive at any open stage; recorded, never moving the case by themselves,
      // except a report of concern (Nivå 3 can be reached from anywhere) and a pupil who moves.
      on: {
        ...recordedFacts,
        // Nivå 0: guardians owe written notice on the first day; the school asks for it.
        'absence.noticeMissing': {
          actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'absence-without-notice' } }],
        },
        'absence.thresholdReached': { actions: 'recordCaseFacts' },
        // New absence is kept with its evidence and the contact teacher is told, whatever the step;
        // the step's own work decides what it means (an evaluation, or a decision to escalate).
        'absence.newTrigger': {
          actions: [
            'recordCaseFacts',
            { type: 'notifyStaff', params: { roles: ['contact-teacher'], about: 'new-absence' } },
            'askGuardiansForMissingNotice',
          ],
        },
        'meeting.scheduled': { actions: 'recordCaseFacts' },
        'mapping.completed': { actions: 'recordCaseFacts' },
        // Child welfare comes first while a suspicion of harm waits for it (E.CW1).
        'schoolNurse.conversationHeld': { guard: 'isNoSuspicionAwaitingChildWelfare', actions: 'recordCaseFacts' },
        'childWelfare.consulted': { actions: 'recordCaseFacts' },
        // Whoever must bring child welfare in is told at once: the principal, the leadership and
        // the contact teacher who carries the case (E.CW1).
        'suspicion.raised': {
          actions: [
            'recordCaseFacts',
            { type: 'notifyStaff', params: { roles: ['principal', 'school-leadership', 'contact-teacher'], about: 'suspicion-raised' } },
          ],
        },
        // The duty to report does not wait for the ladder: a report at any level is Nivå 3. The
        // follow-up stage starts with the report, on the way in, so its review reminder never restarts it.
        'concern.reported': { target: '.level3.followingUpWithChildWelfare', actions: ['recordCaseFacts', 'beginStage'] },
        'case.closed': { guard: 'isPupilMoving', target: '#hardanger-handlingsplan.closed', actions: 'recordCaseFacts' },
      },
      states: {
        level0: {
          meta: meta({
            label: 'Nivå 0: bekymring drøftes',
            responsible: ['contact-teacher', 'school-leadership', 'counsellor'],
            clauses: ['B.N0b'],
            requiredDocuments: [],
            stage: 'identification',
          }),
          initial: 'discussingConcern',
          // On the level, not the state, so the reminder re-entering the state does not announce the case again.
          entry: [
            'beginStage',
            { type: 'notifyStaff', params: { roles: ['contact-teacher', 'school-leadership', 'counsellor'], about: 'concern-to-discuss' } },
            'askGuardiansForMissingNotice',
          ],
          states: {
            discussingConcern: {
              meta: meta({
                label: 'Nivå 0: Bekymring drøftes med ledelse eller rådgiver',
                responsible: ['contact-teacher', 'school-leadership', 'counsellor'],
                clauses: ['B.N0a', 'B.N0b', 'B.C1'],
                requiredDocuments: [],
                stage: 'identification',
              }),
              after: {
                concernDiscussionReminder: {
                  target: 'discussingConcern',
                  reenter: true,
                  actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'decide-escalation' } },
                },
              },
              on: {
                'staff.informed': {
                  guard: 'isConcernDiscussedWithLeadership',
                  target: '#hardanger-handlingsplan.open.level1',
                  actions: 'recordCaseFacts',
                },
                // The seed only goes on "on concern": leadership may judge there is none, and say why (B.C1).
                'case.closed': {
                  guard: 'isConcernDismissedByLeadership',
                  target: '#hardanger-handlingsplan.closed',
                  actions: 'recordCaseFacts',
                },
              },
            },
          },
        },
        level1: {
          meta: meta({
            label: 'Nivå 1: samtale med elev og foresatte',
            responsible: ['contact-teacher'],
            clauses: ['B.N1a'],
            requiredDocuments: [],
            stage: 'measures',
          }),
          initial: 'preparingConversation',
          // The stage starts once for the whole level, so reminders re-entering a child keep its documents.
          entry: ['beginStage', { type: 'notifyGuardians', params: { message: 'school-is-concerned' } }],
          states: {
            preparingConversation: {
              meta: meta({
                label: 'Nivå 1: Samtale forberedes – skal eleven være med?',
                responsible: ['contact-teacher'],
                clauses: ['B.N1a', 'B.G1'],
                requiredDocuments: [],
                stage: 'identification',
              }),
              after: {
                conversationReminder: {
                  target: 'preparingConversation',
                  reenter: true,
                  actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'hold-meeting' } },
                },
              },
              on: {
                // Whether the pupil takes part is decided here, in the invitation's participants.
                'meeting.scheduled': {
                  guard: 'isGuardianConversationScheduled',
                  target: 'conversationScheduled',
                  actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'meeting-invitation' } }],
                },
              },
            },
            conversationScheduled: {
              meta: meta({
                label: 'Nivå 1: Samtale med foresatte og elev er avtalt',
                responsible: ['contact-teacher'],
                clauses: ['B.N1a', 'B.G1', 'B.G2'],
                requiredDocuments: ['minutes'],
                stage: 'identification',
              }),
              // The day after the scheduled time, then every reminder period: never before the date.
              after: {
                scheduledConversationReminder: {
                  target: 'conversationScheduled',
                  reenter: true,
                  actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'hold-meeting' } },
                },
              },
              on: {
                // A conversation moved to another time is invited to again and reminded about after its new date.
                'meeting.scheduled': {
                  guard: 'isGuardianConversationScheduled',
                  target: 'conversationScheduled',
                  reenter: true,
                  actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'meeting-invitation' } }],
                },
                'meeting.held': {
                  guard: 'isGuardianConversationHeld',
                  target: 'afterConversation.assessingCause',
                  actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'minutes-shared' } }],
                },
              },
            },
            // Nivå 1's work once the guardians have been met: only from here may the school judge
            // that absence persists and move to Nivå 2 before the agreed evaluation (B.N2a).
            afterConversation: {
              meta: meta({
                label: 'Nivå 1: oppfølging etter samtalen med foresatte',
                responsible: ['contact-teacher'],
                clauses: ['B.N1a', 'B.N2a'],
                requiredDocuments: [],
                stage: 'measures',
              }),
              initial: 'assessingCause',
              on: {
                'escalation.decided': { target: '#hardanger-handlingsplan.open.level2', actions: 'recordCaseFacts' },
              },
              states: {
                assessingCause: {
                  meta: meta({
                    label: 'Nivå 1: Årsak og foresattes tro på skolegang vurderes',
                    responsible: ['contact-teacher'],
                    clauses: ['B.G3', 'B.G4'],
                    requiredDocuments: ['minutes'],
                    stage: 'identification',
                  }),
                  on: {
                    'absenceCause.assessed': [
                      {
                        guard: and(['isConversationDocumented', 'isFurtherConversationNeeded']),
                        target: 'extraConversationOffered',
                        actions: [
                          'recordCaseFacts',
                          { type: 'scheduleMeeting', params: extraConversationOffer },
                          { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
                        ],
                      },
                      { guard: 'isConversationDocumented', target: 'pupilConversation', actions: 'recordCaseFacts' },
                    ],
                  },
                },
                extraConversationOffered: {
                  meta: meta({
                    label: 'Nivå 1: Ny samtale med foresatte tilbudt innen en uke',
                    responsible: ['contact-teacher'],
                    clauses: ['B.G3', 'B.G2'],
                    requiredDocuments: ['minutes'],
                    stage: 'identification',
                  }),
                  after: {
                    extraConversationWithinAWeek: {
                      target: 'extraConversationOffered',
                      reenter: true,
                      actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'hold-meeting' } },
                    },
                  },
                  on: {
                    'meeting.held': {
                      guard: 'isGuardianConversationHeld',
                      target: 'pupilConversation',
                      actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'minutes-shared' } }],
                    },
                    // It is an offer: guardians may decline, and the decision is put on file.
                    'document.recorded': { guard: 'isOfferDeclinedOnFile', target: 'pupilConversation', actions: 'recordCaseFacts' },
                  },
                },
                pupilConversation: {
                  meta: meta({
                    label: 'Nivå 1: Elevsamtale og felles tiltak',
                    responsible: ['contact-teacher'],
                    clauses: ['B.P1', 'B.P2', 'B.N1a', 'B.N1b', 'B.G4', 'D.2'],
                    requiredDocuments: ['pupil-voice', 'measures-plan'],
                    stage: 'measures',
                  }),
                  // The pupil is heard after the guardian conversation, so the pupil's view counts from here.
                  entry: [
                    'beginStage',
                    { type: 'scheduleMeeting', params: { meeting: 'pupil-conversation', participants: ['contact-teacher', 'pupil'] } },
                    { type: 'requestDocument', params: { kind: 'pupil-voice', from: ['contact-teacher'] } },
                  ],
                  after: {
                    pupilConversationReminder: {
                      actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'record-pupil-voice' } },
                    },
                  },
                  on: {
                    'meeting.held': { actions: ['recordCaseFacts', 'shareMinutesWithGuardians'] },
                    'measures.agreed': {
                      guard: and(['isAgreementWithPupilComplete', 'isNoSuspicionAwaitingChildWelfare']),
                      target: 'measuresInProgress',
                      actions: [
                        'recordCaseFacts',
                        { type: 'notifyGuardians', params: { message: 'minutes-shared' } },
                        {
                          type: 'scheduleMeeting',
                          params: { meeting: 'evaluation-meeting', participants: ['contact-teacher', 'guardians', 'pupil'] },
                        },
                        {
                          type: 'scheduleMeeting',
                          params: { meeting: 'class-teacher-meeting', participants: ['contact-teacher', 'teacher'] },
                        },
                      ],
                    },
                  },
                },
                measuresInProgress: {
                  meta: meta({
                    label: 'Nivå 1: Tiltak gjennomføres til nytt møte',
                    responsible: ['contact-teacher'],
                    clauses: ['B.N1b', 'B.N1c'],
                    requiredDocuments: [],
                    stage: 'measures',
                  }),
                  entry: 'beginStage',
                  after: {
                    evaluationOnAgreedDate: {
                      target: 'evaluationDue',
                      actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'evaluate-measures' } },
                    },
                  },
                  on: {
                    'meeting.held': [
                      {
                        guard: 'isEvaluationMeetingHeld',
                        target: 'evaluationDue',
                        actions: ['recordCaseFacts', 'shareMinutesWithGuardians'],
                      },
                      // The class-teacher meeting and other meetings are kept on file.
                      { actions: ['recordCaseFacts', 'shareMinutesWithGuardians'] },
                    ],
                  },
                },
                evaluationDue: {
                  meta: meta({
                    label: 'Nivå 1: Nytt møte evaluerer avtalen',
                    responsible: ['contact-teacher'],
                    clauses: ['B.N1b', 'B.G4', 'B.C1'],
                    requiredDocuments: ['evaluation'],
                    stage: 'evaluation',
                  }),
                  after: {
                    evaluationReminder: {
                      target: 'evaluationDue',
                      reenter: true,
                      actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'evaluate-measures' } },
                    },
                  },
                  on: {
                    'meeting.held': { actions: ['recordCaseFacts', 'shareMinutesWithGuardians'] },
                    // The evaluation event files the required evaluation itself.
                    'evaluation.held': [
                      { guard: 'isAttendanceImproved', target: '#hardanger-handlingsplan.open.monitoring', actions: 'recordCaseFacts' },
                      // "If the absence persists": Nivå 2.
                      { target: '#hardanger-handlingsplan.open.level2', actions: 'recordCaseFacts' },
                    ],
                  },
                },
              },
            },
          },
        },
        level2: {
          meta: meta({
            label: 'Nivå 2: ny samtale og tiltak',
            responsible: ['contact-teacher', 'school-leadership'],
            clauses: ['B.N2a'],
            requiredDocuments: [],
            stage: 'measures',
            // The guardians are called to a new conversation (B.N2a).
            requiredEffects: [{ effect: 'notifyGuardians', params: { message: 'meeting-invitation' }, clause: 'B.N2a' }],
          }),
          initial: 'conversationCalled',
          entry: [
            'beginStage',
            { type: 'scheduleMeeting', params: level2ConversationInvitation },
            { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
            {
              type: 'notifyStaff',
              params: { roles: ['contact-teacher', 'school-leadership', 'social-teacher', 'counsellor'], about: 'case-escalated' },
            },
          ],
          on: {
            // The school may judge that Nivå 2 is not enough before its evaluation.
            'escalation.decided': {
              target: 'level3',
              actions: [
                'recordCaseFacts',
                { type: 'requestDocument', params: { kind: 'report-of-concern', from: ['principal', 'school-leadership'] } },
              ],
            },
            // Referrals to other services are filled in from Nivå 2, together with the guardians, so
            // their consent must be on file; and the national rules hold: child welfare first
            // (E.CW1), BUP on its conditions (E.BUP1).
            'referral.sent': { guard: and(['isReferralAgreedWithGuardians', 'isReferralAllowed']), actions: 'recordCaseFacts' },
          },
          states: {
            conversationCalled: {
              meta: meta({
                label: 'Nivå 2: Foresatte kalles inn til ny samtale innen en uke',
                responsible: ['contact-teacher', 'school-leadership', 'social-teacher', 'counsellor'],
                clauses: ['B.N2a', 'B.G2'],
                requiredDocuments: ['minutes'],
                stage: 'measures',
              }),
              after: {
                newConversationWithinOneWeek: {
                  target: 'conversationOverdue',
                  actions: {
                    type: 'notifyStaff',
                    params: { roles: ['contact-teacher', 'school-leadership'], about: 'deadline-passed' },
                  },
                },
              },
              on: {
                'meeting.held': {
                  guard: 'isConversationWithLeadershipHeld',
                  target: 'evaluatingAttendance',
                  actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'minutes-shared' } }],
                },
              },
            },
            conversationOverdue: {
              meta: meta({
                label: 'Nivå 2: Fristen for ny samtale er passert',
                responsible: ['contact-teacher', 'school-leadership', 'social-teacher', 'counsellor'],
                clauses: ['B.N2a'],
                requiredDocuments: ['minutes'],
                stage: 'measures',
              }),
              after: {
                overdueReminder: {
                  target: 'conversationOverdue',
                  reenter: true,
                  actions: {
                    type: 'remindResponsible',
                    params: { roles: ['contact-teacher', 'school-leadership'], about: 'hold-meeting' },
                  },
                },
              },
              on: {
                'meeting.held': {
                  guard: 'isConversationWithLeadershipHeld',
                  target: 'evaluatingAttendance',
                  actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'minutes-shared' } }],
                },
              },
            },
            evaluatingAttendance: {
              meta: meta({
                label: 'Nivå 2: Frammøtet evalueres og behov for andre tjenester avklares',
                responsible: ['contact-teacher', 'school-leadership'],
                clauses: ['B.N2b', 'B.G3', 'B.G4'],
                requiredDocuments: ['minutes', 'evaluation'],
                stage: 'evaluation',
              }),
              on: {
                'evaluation.held': { actions: 'recordCaseFacts' },
                // The conversation's purpose is to evaluate attendance: its minutes and evaluation come first.
                'absenceCause.assessed': [
                  {
                    guard: and(['isAttendanceEvaluated', 'isFurtherConversationNeeded']),
                    target: 'extraConversationOffered',
                    actions: [
                      'recordCaseFacts',
                      { type: 'scheduleMeeting', params: extraConversationOffer },
                      { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
                    ],
                  },
                  { guard: 'isAttendanceEvaluated', target: 'pupilConversation', actions: 'recordCaseFacts' },
                ],
              },
            },
            extraConversationOffered: {
              meta: meta({
                label: 'Nivå 2: Ny samtale med foresatte tilbudt innen en uke',
                responsible: ['contact-teacher'],
                clauses: ['B.G3', 'B.G2'],
                requiredDocuments: ['minutes'],
                stage: 'measures',
              }),
              after: {
                extraConversationWithinAWeek: {
                  target: 'extraConversationOffered',
                  reenter: true,
                  actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'hold-meeting' } },
                },
              },
              on: {
                'meeting.held': {
                  guard: 'isGuardianConversationHeld',
                  target: 'pupilConversation',
                  actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'minutes-shared' } }],
                },
                'document.recorded': { guard: 'isOfferDeclinedOnFile', target: 'pupilConversation', actions: 'recordCaseFacts' },
              },
            },
            pupilConversation: {
              meta: meta({
                label: 'Nivå 2: Elevsamtale og tiltak',
                responsible: ['contact-teacher', 'school-leadership'],
                clauses: ['B.P1', 'B.P2', 'B.N2b', 'B.G4', 'D.2'],
                requiredDocuments: ['pupil-voice', 'measures-plan'],
                stage: 'measures',
              }),
              entry: [
                'beginStage',
                { type: 'scheduleMeeting', params: { meeting: 'pupil-conversation', participants: ['contact-teacher', 'pupil'] } },
                { type: 'requestDocument', params: { kind: 'pupil-voice', from: ['contact-teacher'] } },
              ],
              after: {
                pupilConversationReminder: {
                  actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'record-pupil-voice' } },
                },
              },
              on: {
                'meeting.held': { actions: ['recordCaseFacts', 'shareMinutesWithGuardians'] },
                'measures.agreed': {
                  guard: and(['isAgreementWithPupilComplete', 'isNoSuspicionAwaitingChildWelfare']),
                  target: 'measuresAndServices',
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
            measuresAndServices: {
              meta: meta({
                label: 'Nivå 2: Tiltak iverksatt, eventuelle henvisninger sammen med foresatte',
                responsible: ['contact-teacher', 'school-leadership'],
                // Referrals go out here, on the national rules the level's guards apply.
                clauses: ['B.N2b', 'B.N2c', 'E.CW1', 'E.BUP1'],
                requiredDocuments: [],
                stage: 'measures',
              }),
              entry: 'beginStage',
              after: {
                evaluationOnAgreedDate: { target: 'evaluationDue', actions: remindEvaluation },
              },
              on: {
                'meeting.held': [
                  { guard: 'isEvaluationMeetingHeld', target: 'evaluationDue', actions: ['recordCaseFacts', 'shareMinutesWithGuardians'] },
                  { actions: ['recordCaseFacts', 'shareMinutesWithGuardians'] },
                ],
              },
            },
            evaluationDue: {
              meta: meta({
                label: 'Nivå 2: Tiltakene evalueres',
                responsible: ['contact-teacher', 'school-leadership'],
                clauses: ['B.N2b', 'B.G4', 'B.C1'],
                requiredDocuments: ['evaluation'],
                stage: 'evaluation',
              }),
              after: {
                evaluationReminder: { target: 'evaluationDue', reenter: true, actions: remindEvaluation },
              },
              on: {
                'meeting.held': { actions: ['recordCaseFacts', 'shareMinutesWithGuardians'] },
                'evaluation.held': [
                  { guard: 'isAttendanceImproved', target: '#hardanger-handlingsplan.open.monitoring', actions: 'recordCaseFacts' },
                  // Nivå 2 did not help: the next step of the ladder is the report of concern.
                  {
                    target: '#hardanger-handlingsplan.open.level3',
                    actions: [
                      'recordCaseFacts',
                      // Requested on the way in, so the repeating reminder does not request it again.
                      { type: 'requestDocument', params: { kind: 'report-of-concern', from: ['principal', 'school-leadership'] } },
                    ],
                  },
                ],
              },
            },
          },
        },
        level3: {
          meta: meta({
            label: 'Nivå 3: bekymringsmelding til barnevernet',
            responsible: ['principal', 'school-leadership', 'contact-teacher'],
            clauses: ['B.N3'],
            requiredDocuments: [],
            stage: 'escalated',
          }),
          initial: 'reportingConcern',
          entry: [
            'beginStage',
            { type: 'notifyStaff', params: { roles: ['principal', 'school-leadership', 'contact-teacher'], about: 'case-escalated' } },
          ],
          on: {
            // A further report is filed without restarting the follow-up.
            'concern.reported': { actions: 'recordCaseFacts' },
            // Meetings go on at Nivå 3, before and after the report; minutes of one with the guardians go home.
            'meeting.held': { actions: ['recordCaseFacts', 'shareMinutesWithGuardians'] },
            'referral.sent': { guard: and(['isReferralAgreedWithGuardians', 'isReferralAllowed']), actions: 'recordCaseFacts' },
          },
          states: {
            reportingConcern: {
              meta: meta({
                label: 'Nivå 3: Bekymringsmelding til barnevernet',
                responsible: ['principal', 'school-leadership'],
                clauses: ['B.N3'],
                requiredDocuments: ['report-of-concern'],
                stage: 'escalated',
              }),
              after: {
                reportOfConcernReminder: {
                  target: 'reportingConcern',
                  reenter: true,
                  actions: {
                    type: 'remindResponsible',
                    params: { roles: ['principal', 'school-leadership'], about: 'consult-child-welfare' },
                  },
                },
              },
              on: {
                // The report itself files the required document; the follow-up stage starts with it.
                'concern.reported': { target: 'followingUpWithChildWelfare', actions: ['recordCaseFacts', 'beginStage'] },
                // An evaluation held while the report is pending is kept; the report is still due (B.N3).
                'evaluation.held': { actions: 'recordCaseFacts' },
              },
            },
            followingUpWithChildWelfare: {
              meta: meta({
                label: 'Nivå 3: Skolen følger opp sammen med barnevernet',
                responsible: ['contact-teacher', 'school-leadership'],
                clauses: ['B.N3', 'D.3'],
                // Left by an evaluation (which files itself) or by new measures with their own date.
                requiredDocuments: [],
                stage: 'escalated',
              }),
              // No entry actions: the review re-enters this state, and the stage began with the report.
              after: {
                childWelfareFollowUpReview: {
                  target: 'followingUpWithChildWelfare',
                  reenter: true,
                  actions: remindEvaluation,
                },
              },
              on: {
                // New measures at Nivå 3: the pupil heard (D.2), a later date to evaluate them (B.G4).
                'measures.agreed': {
                  guard: and(['isPupilVoiceRecorded', 'isEvaluationDateAhead', 'isNoSuspicionAwaitingChildWelfare']),
                  target: 'measuresAgreedAtLevel3',
                  actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'minutes-shared' } }],
                },
                'evaluation.held': [
                  { guard: 'isAttendanceImproved', target: '#hardanger-handlingsplan.open.monitoring', actions: 'recordCaseFacts' },
                  // The school's duty to follow up does not end with the report: it keeps evaluating.
                  { actions: 'recordCaseFacts' },
                ],
              },
            },
            measuresAgreedAtLevel3: {
              meta: meta({
                label: 'Nivå 3: Nye tiltak gjennomføres til avtalt evaluering',
                responsible: ['contact-teacher', 'school-leadership'],
                clauses: ['B.N3', 'D.3', 'B.G4'],
                requiredDocuments: [],
                stage: 'escalated',
              }),
              after: {
                evaluationOnAgreedDate: { target: 'evaluationDueAtLevel3', actions: remindEvaluation },
              },
              on: {
                // Measures agreed anew set a new date: the evaluation counts to that one.
                'measures.agreed': {
                  guard: and(['isPupilVoiceRecorded', 'isEvaluationDateAhead', 'isNoSuspicionAwaitingChildWelfare']),
                  target: 'measuresAgreedAtLevel3',
                  reenter: true,
                  actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'minutes-shared' } }],
                },
                'meeting.held': [
                  {
                    guard: 'isEvaluationMeetingHeld',
                    target: 'evaluationDueAtLevel3',
                    actions: ['recordCaseFacts', 'shareMinutesWithGuardians'],
                  },
                  { actions: ['recordCaseFacts', 'shareMinutesWithGuardians'] },
                ],
                'evaluation.held': [
                  { guard: 'isAttendanceImproved', target: '#hardanger-handlingsplan.open.monitoring', actions: 'recordCaseFacts' },
                  { target: 'followingUpWithChildWelfare', actions: 'recordCaseFacts' },
                ],
              },
            },
            evaluationDueAtLevel3: {
              meta: meta({
                label: 'Nivå 3: Tiltakene evalueres',
                responsible: ['contact-teacher', 'school-leadership'],
                clauses: ['B.N3', 'D.3', 'B.G4', 'B.C1'],
                requiredDocuments: ['evaluation'],
                stage: 'escalated',
              }),
              after: {
                evaluationReminder: { target: 'evaluationDueAtLevel3', reenter: true, actions: remindEvaluation },
              },
              on: {
                'evaluation.held': [
                  { guard: 'isAttendanceImproved', target: '#hardanger-handlingsplan.open.monitoring', actions: 'recordCaseFacts' },
                  // Unchanged or worse: the school keeps following up with child welfare.
                  { target: 'followingUpWithChildWelfare', actions: 'recordCaseFacts' },
                ],
              },
            },
          },
        },
        // Absence improved at an evaluation (B.C1, D.3). The school keeps following the pupil; new
        // absence or a decision sends the case back to Nivå 2. The leadership closes it with a
        // closing note once the municipality's monitoring period (none by default) has passed.
        monitoring: {
          meta: meta({
            label: 'Oppfølging etter bedring',
            responsible: ['contact-teacher', 'school-leadership'],
            clauses: ['D.3', 'B.C1'],
            requiredDocuments: [],
            stage: 'monitoring',
          }),
          initial: 'monitoringPeriodRunning',
          entry: 'beginStage',
          on: {
            // Detection alone does not move the case on a trend; the contact teacher is asked to judge.
            'absence.trend': [
              {
                guard: 'isAbsenceWorse',
                actions: [
                  'recordCaseFacts',
                  { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'decide-escalation' } },
                ],
              },
              { actions: 'recordCaseFacts' },
            ],
            // Absence is back: "if the absence persists" leads to Nivå 2, whose entry calls the guardians in.
            'absence.newTrigger': { target: 'level2', actions: ['recordCaseFacts', 'askGuardiansForMissingNotice'] },
            'escalation.decided': { target: 'level2', actions: 'recordCaseFacts' },
          },
          states: {
            monitoringPeriodRunning: {
              meta: meta({
                label: 'Oppfølging etter bedring: oppfølgingsperioden løper',
                responsible: ['contact-teacher'],
                clauses: ['D.3', 'B.C1'],
                requiredDocuments: [],
                stage: 'monitoring',
              }),
              // A planned period ending (0 days unless the municipality sets one), not a deadline.
              after: {
                monitoringPeriod: {
                  target: 'closingDue',
                  actions: { type: 'remindResponsible', params: { roles: ['school-leadership'], about: 'file-document' } },
                },
              },
            },
            closingDue: {
              meta: meta({
                label: 'Klar til avslutning',
                responsible: ['school-leadership'],
                clauses: ['D.3', 'B.C1'],
                requiredDocuments: ['closing-note'],
                stage: 'monitoring',
              }),
              on: {
                // The closing event files the closing note itself; the leadership sends it (B.C1).
                'case.closed': {
                  guard: 'isClosingAfterImprovement',
                  target: '#hardanger-handlingsplan.closed',
                  actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'case-closed' } }],
                },
              },
            },
          },
        },
      },
    },
    closed: {
      type: 'final',
      meta: meta({
        label: 'Avsluttet',
        responsible: [],
        clauses: ['B.N0b', 'B.C1', 'D.3'],
        requiredDocuments: [],
        stage: 'closed',
      }),
      entry: { type: 'notifyStaff', params: { roles: ['contact-teacher', 'school-leadership'], about: 'case-closed' } },
    },
  },
});
