/**
 * FROZEN: version 1, exactly as cases opened under it run (copied on 2026-12-01). Cases keep the
 * procedure version they opened with, and their saved histories must replay on it, so this file
 * is never edited: changes go into the current version in machines/. See machines/registry.ts.
 * (Renamed since, with no change in behaviour: clauses cite their source document by title.)
 *
 * "Handlingsplan ved bekymring rundt fravær" (Hardanger, seed 001, procedures.md B) as a
 * machine: Nivå 0 (a staff concern is discussed with leadership or the counsellor) → Nivå 1
 * (conversation with guardians and pupil, goals and joint measures, a new meeting to evaluate,
 * a class-teacher meeting) → Nivå 2 (absence persists: guardians are called to a new
 * conversation within one week with leadership present; attendance evaluated, measures started,
 * other services and referrals considered) → Nivå 3 (report of concern to child welfare).
 * The seed's conversation guides shape every guardian conversation: decide beforehand whether
 * the pupil attends, minutes to the pupil file and home, a further conversation within a week
 * when the cause is not at school or the guardians doubt the return, then a pupil conversation.
 * The national guidance (D) is added: no measures before the pupil is heard, and a monitoring
 * period after absence improves before the case closes. So are the national rules seed 004
 * spells out: while a suspicion of harm waits for child welfare no other measure is taken
 * (E.CW1), and BUP is referred to only on its conditions (E.BUP1).
 */
import { and, setup } from 'xstate';
import { z } from 'zod';
import { type CaseContext, type CaseInput, initialCaseContext, sharedActions, sharedGuards, recordedFacts } from './case-context';
import { days, msUntilDate } from '../durations';
import type { CaseEvent } from '../events';
import { type ScheduleMeetingParams, effectActions } from '../effects';
import { type Clause, stateMeta as meta } from '../meta';
import { childWelfareAndBupClauses, nationalClauses } from '../national-guidance';
import { calendarDays } from '../policy';
import type { Role, TriggerRule } from '../vocabulary';

export const HARDANGER_ID = 'hardanger-handlingsplan';
const SOURCE = 'Handlingsplan ved bekymring rundt fravær (Hardanger)';

/**
 * Time limits of procedure B. Every field counts calendar days. The seed's two limits are
 * "within one week" ("innen en uke", "i løpet av ei uke"): a week is a calendar span, it reads
 * the same to guardians and staff, and seven calendar days always contain five school days
 * outside holidays. The remaining fields are the project's reminder periods (the seed sets no
 * number for them); they only nudge the responsible person, so a weekend inside one is harmless
 * and a school calendar would add nothing but an input the machine does not have.
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
   * to schedule and hold it after this long. Calendar: an internal nudge.
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
   * an evaluation this often. Calendar: an internal nudge.
   */
  childWelfareFollowUpReviewDays: calendarDays(30, 'ask for an evaluation while child welfare is involved, every'),
  /**
   * Calendar days. National guidance: follow-up continues after the pupil is back; this is the
   * period before the case may be closed. Calendar: the project's own period, read on the calendar.
   */
  monitoringDays: calendarDays(30, 'follow-up period after absence has improved, before closing'),
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
  ...childWelfareAndBupClauses,
  ...nationalClauses,
];

type Ctx = CaseContext<HardangerPolicy>;
type Ev = CaseEvent;

/** Who may hold the Nivå 0 discussion or stand beside the contact teacher at Nivå 2. */
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

const shared = sharedGuards<HardangerPolicy>();

/** Is the event's date-only evaluation date later than the moment the event happened? */
const isEvaluationDateAhead = (event: Ev): boolean => event.type === 'measures.agreed' && msUntilDate(event.at, event.evaluationDate) > 0;

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
  },
  guards: {
    ...shared,
    /** Were leadership or the counsellor among those the contact teacher discussed the concern with? */
    isConcernDiscussedWithLeadership: ({ event }: { event: Ev }) =>
      event.type === 'staff.informed' && event.recipients.some((r) => NIVA0_DISCUSSION_ROLES.includes(r)),
    /** Did leadership or the counsellor close the concern at Nivå 0 as having a natural explanation? */
    isConcernDismissedByLeadership: ({ event }: { event: Ev }) =>
      event.type === 'case.closed' && event.reason === 'natural-explanation' && NIVA0_DISCUSSION_ROLES.includes(event.actor.role),
    /** Is this a guardian conversation being scheduled (the pupil's attendance is decided in its participants)? */
    isGuardianConversationScheduled: ({ event }: { event: Ev }) =>
      event.type === 'meeting.scheduled' && event.meeting === 'guardian-conversation',
    /** Is this a guardian conversation that took place? */
    isGuardianConversationHeld: ({ event }: { event: Ev }) => event.type === 'meeting.held' && event.meeting === 'guardian-conversation',
    /** Was the Nivå 2 conversation held with leadership, the social teacher or the counsellor present? */
    isConversationWithLeadershipHeld: ({ event }: { event: Ev }) =>
      event.type === 'meeting.held' &&
      event.meeting === 'guardian-conversation' &&
      event.participants.some((r) => LEADERSHIP_ROLES.includes(r)),
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
    /** Is the case being closed because absence improved (after monitoring)? */
    isClosingAfterImprovement: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'absence-improved',
  },
  delays: {
    concernDiscussionReminder: ({ context }) => days(context.policy.concernDiscussionReminderDays),
    conversationReminder: ({ context }) => days(context.policy.conversationReminderDays),
    extraConversationWithinAWeek: ({ context }) => days(context.policy.extraConversationWithinDays),
    newConversationWithinOneWeek: ({ context }) => days(context.policy.newConversationWithinDays),
    overdueReminder: ({ context }) => days(context.policy.overdueReminderDays),
    pupilConversationReminder: ({ context }) => days(context.policy.pupilConversationReminderDays),
    /**
     * Until the date agreed for the new meeting; the guard keeps that date ahead of the agreement.
     * The state is only entered by that agreement, so the fallback (due at once) is defensive.
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
        clauses: ['B.N0a', 'E.CW1', 'E.BUP1'],
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
        'absence.newTrigger': { actions: 'recordCaseFacts' },
        'meeting.scheduled': { actions: 'recordCaseFacts' },
        'mapping.completed': { actions: 'recordCaseFacts' },
        // Child welfare comes first while a suspicion of harm waits for it (E.CW1).
        'schoolNurse.conversationHeld': { guard: 'isNoSuspicionAwaitingChildWelfare', actions: 'recordCaseFacts' },
        'childWelfare.consulted': { actions: 'recordCaseFacts' },
        // Nivå 2: referrals are filled in together with the guardians, so their consent must be on
        // file; and the national rules hold: child welfare first (E.CW1), BUP on its conditions (E.BUP1).
        'referral.sent': { guard: and(['isReferralAgreedWithGuardians', 'isReferralAllowed']), actions: 'recordCaseFacts' },
        'suspicion.raised': {
          actions: ['recordCaseFacts', { type: 'notifyStaff', params: { roles: ['principal'], about: 'suspicion-raised' } }],
        },
        // The duty to report does not wait for the ladder: a report at any level is Nivå 3.
        'concern.reported': { target: '.level3.followingUpWithChildWelfare', actions: 'recordCaseFacts' },
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
            { type: 'notifyStaff', params: { roles: ['contact-teacher', 'school-leadership', 'counsellor'], about: 'case-opened' } },
          ],
          states: {
            discussingConcern: {
              meta: meta({
                label: 'Nivå 0: Bekymring drøftes med ledelse eller rådgiver',
                responsible: ['contact-teacher', 'school-leadership', 'counsellor'],
                clauses: ['B.N0a', 'B.N0b'],
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
                // The seed only goes on "on concern": leadership may judge there is none, and say why.
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
          on: {
            // Absence persists before the agreed evaluation: the school may move to Nivå 2 at once.
            'escalation.decided': { target: 'level2', actions: 'recordCaseFacts' },
          },
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
                clauses: ['B.N1a', 'B.G2'],
                requiredDocuments: ['minutes'],
                stage: 'identification',
              }),
              after: {
                conversationReminder: {
                  target: 'conversationScheduled',
                  reenter: true,
                  actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'hold-meeting' } },
                },
              },
              on: {
                'meeting.held': {
                  guard: 'isGuardianConversationHeld',
                  target: 'assessingCause',
                  actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'minutes-shared' } }],
                },
              },
            },
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
                responsible: ['contact-teacher', 'guardians', 'pupil'],
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
                'meeting.held': { actions: 'recordCaseFacts' },
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
                responsible: ['contact-teacher', 'guardians'],
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
                  { guard: 'isEvaluationMeetingHeld', target: 'evaluationDue', actions: 'recordCaseFacts' },
                  // The class-teacher meeting and other meetings are kept on file.
                  { actions: 'recordCaseFacts' },
                ],
              },
            },
            evaluationDue: {
              meta: meta({
                label: 'Nivå 1: Nytt møte evaluerer avtalen',
                responsible: ['contact-teacher'],
                clauses: ['B.N1b', 'B.G4'],
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
                'meeting.held': { actions: 'recordCaseFacts' },
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
        level2: {
          meta: meta({
            label: 'Nivå 2: ny samtale og tiltak',
            responsible: ['contact-teacher', 'school-leadership'],
            clauses: ['B.N2a'],
            requiredDocuments: [],
            stage: 'measures',
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
                responsible: ['contact-teacher', 'school-leadership'],
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
                'meeting.held': { actions: 'recordCaseFacts' },
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
                // Referrals go out here, on the national rules the open state's guards apply.
                clauses: ['B.N2b', 'B.N2c', 'E.CW1', 'E.BUP1'],
                requiredDocuments: [],
                stage: 'measures',
              }),
              entry: 'beginStage',
              after: {
                evaluationOnAgreedDate: {
                  target: 'evaluationDue',
                  actions: {
                    type: 'remindResponsible',
                    params: { roles: ['contact-teacher', 'school-leadership'], about: 'evaluate-measures' },
                  },
                },
              },
              on: {
                'meeting.held': [
                  { guard: 'isEvaluationMeetingHeld', target: 'evaluationDue', actions: 'recordCaseFacts' },
                  { actions: 'recordCaseFacts' },
                ],
              },
            },
            evaluationDue: {
              meta: meta({
                label: 'Nivå 2: Tiltakene evalueres',
                responsible: ['contact-teacher', 'school-leadership'],
                clauses: ['B.N2b', 'B.G4'],
                requiredDocuments: ['evaluation'],
                stage: 'evaluation',
              }),
              after: {
                evaluationReminder: {
                  target: 'evaluationDue',
                  reenter: true,
                  actions: {
                    type: 'remindResponsible',
                    params: { roles: ['contact-teacher', 'school-leadership'], about: 'evaluate-measures' },
                  },
                },
              },
              on: {
                'meeting.held': { actions: 'recordCaseFacts' },
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
            responsible: ['principal'],
            clauses: ['B.N3'],
            requiredDocuments: [],
            stage: 'escalated',
          }),
          initial: 'reportingConcern',
          entry: [
            'beginStage',
            { type: 'notifyStaff', params: { roles: ['principal', 'school-leadership', 'contact-teacher'], about: 'case-escalated' } },
          ],
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
                // The report itself files the required document.
                'concern.reported': { target: 'followingUpWithChildWelfare', actions: 'recordCaseFacts' },
              },
            },
            followingUpWithChildWelfare: {
              meta: meta({
                label: 'Nivå 3: Skolen følger opp sammen med barnevernet',
                responsible: ['contact-teacher', 'school-leadership'],
                clauses: ['B.N3', 'D.3'],
                requiredDocuments: ['evaluation'],
                stage: 'escalated',
              }),
              // Entered once the report is filed (from here or from any level): documents count from then.
              entry: 'beginStage',
              after: {
                childWelfareFollowUpReview: {
                  target: 'followingUpWithChildWelfare',
                  reenter: true,
                  actions: {
                    type: 'remindResponsible',
                    params: { roles: ['contact-teacher', 'school-leadership'], about: 'evaluate-measures' },
                  },
                },
              },
              on: {
                // A further report is filed without restarting the follow-up.
                'concern.reported': { actions: 'recordCaseFacts' },
                'meeting.held': { actions: 'recordCaseFacts' },
                'measures.agreed': { guard: 'isPupilVoiceRecorded', actions: 'recordCaseFacts' },
                'evaluation.held': [
                  { guard: 'isAttendanceImproved', target: '#hardanger-handlingsplan.open.monitoring', actions: 'recordCaseFacts' },
                  // The school's duty to follow up does not end with the report: it keeps evaluating.
                  { actions: 'recordCaseFacts' },
                ],
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
              actions: { type: 'remindResponsible', params: { roles: ['contact-teacher', 'school-leadership'], about: 'file-document' } },
            },
          },
          on: {
            // Detection alone does not move the case; the contact teacher is asked to judge.
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
            // Absence is back: "if the absence persists" leads to Nivå 2.
            'absence.newTrigger': { target: 'level2', actions: 'recordCaseFacts' },
            'escalation.decided': { target: 'level2', actions: 'recordCaseFacts' },
          },
        },
        closingDue: {
          meta: meta({
            label: 'Klar til avslutning',
            responsible: ['school-leadership'],
            clauses: ['D.3'],
            requiredDocuments: ['closing-note'],
            stage: 'monitoring',
          }),
          on: {
            'absence.newTrigger': { target: 'level2', actions: 'recordCaseFacts' },
            'escalation.decided': { target: 'level2', actions: 'recordCaseFacts' },
            // The closing event files the closing note itself.
            'case.closed': {
              guard: 'isClosingAfterImprovement',
              target: '#hardanger-handlingsplan.closed',
              actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'case-closed' } }],
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
        clauses: ['B.N0b', 'D.3'],
        requiredDocuments: [],
        stage: 'closed',
      }),
      entry: { type: 'notifyStaff', params: { roles: ['contact-teacher', 'school-leadership'], about: 'case-closed' } },
    },
  },
});
