/**
 * "Tiltaksplan ved elevfravær — faser for tidlig innsats" (procedure C, specified in
 * docs/procedures/tiltaksplan-elevfravaer.md) as a machine, version 2: notice (a case opened on
 * a day without notice asks the contact teacher to contact the home that day, and closes with
 * the reason once the guardians have answered or the notice has come, unless a pattern moves it
 * on) → first pattern (the contact
 * teacher contacts the home; illness puts the case aside with the guardians' approval until new
 * absence or for half a year, otherwise a plan for the next three days) → new pattern
 * (new or recurring illness closes the case with the guardians' approval, otherwise the
 * principal calls a meeting at once, which maps the situation, makes a measures plan and agrees
 * a follow-up within three weeks) → follow-up meeting (the case is summed up and closed when
 * absence is clearly lower, or further measures are agreed and followed up the same way).
 * The national guidance (D) is added: no measures before the pupil is heard, and follow-up after
 * the three-day plan before the case closes. So are the national rules the Rælingen guide spells out: while
 * a suspicion of harm waits for child welfare no other measure is taken (E.CW1), and BUP is
 * referred to only on its conditions (E.BUP1).
 *
 * Reminders only remind: each repeating reminder re-enters a state whose own entry does nothing
 * else, and the work of entering a step (a message, a meeting scheduled, a new documentation
 * stage) sits on the transitions into it, so it happens once per cause.
 */
import { and, enqueueActions, setup } from 'xstate';
import { z } from 'zod';
import {
  type CaseContext,
  type CaseInput,
  initialCaseContext,
  isSuspicionAwaitingChildWelfare,
  recordedFacts,
  sharedActions,
  sharedGuards,
  stageDocuments,
} from './case-context';
import { MS_PER_DAY, days, msUntilEndOfDate } from './durations';
import type { CaseEvent } from './events';
import { effectActions } from './effects';
import type { NotifyGuardiansParams, NotifyStaffParams, RemindResponsibleParams } from './effects';
import { type Clause, stateMeta as meta } from './meta';
import { childWelfareAndBupClauses, nationalClauses } from './national-guidance';
import { calendarDays } from './policy';
import type { Role, TriggerRule } from './vocabulary';

export const TILTAKSPLAN_ID = 'tiltaksplan-elevfravaer';
const SOURCE = 'Tiltaksplan ved elevfravær – faser for tidlig innsats';

/**
 * Time limits of procedure C, in calendar days. The source gives two: the plan for "the next 3
 * days" and the follow-up meeting "within three weeks", a date agreed in the meeting. The others
 * are the product's: how soon a step the source expects at once (a contact, a meeting called
 * "immediately", a plan made in the conversation or the meeting) is reminded, and how long follow-up
 * after improvement and the rest of a case put aside for illness last. A municipality that wants three school days across a weekend sets
 * threeDayPlanDays to 5. Follow-up after improvement may be 0: after a follow-up meeting the
 * source closes the case at the meeting, so 0 is the default there.
 */
export const tiltaksplanPolicySchema = z.object({
  contactReminderDays: calendarDays(
    1,
    'remind the contact teacher while the home has not been contacted, or has not answered on illness, every',
  ),
  threeDayPlanDays: calendarDays(3, 'length of the plan made with the guardians after the first pattern'),
  recordReminderDays: calendarDays(
    1,
    'remind the responsible while a plan or evaluation due at a contact or meeting is not recorded, every',
  ),
  meetingReminderDays: calendarDays(2, 'remind the principal while the meeting called at once is not held, every'),
  followUpMeetingWithinDays: calendarDays(21, 'latest follow-up meeting after the meeting that made the plan'),
  monitoringDays: calendarDays(30, 'follow-up after the three-day plan before the case is ready to close (0: ready at once)', 0),
  monitoringAfterFollowUpDays: calendarDays(
    0,
    'follow-up after a follow-up meeting that found absence clearly lower (0: closed at the meeting)',
    0,
  ),
  closingReminderDays: calendarDays(7, 'remind the contact teacher and the principal while a case ready to close is not closed, every'),
  illnessRestDays: calendarDays(180, 'how long a case put aside for illness in phase 2 waits for new absence before it closes'),
});
export type TiltaksplanPolicy = z.infer<typeof tiltaksplanPolicySchema>;

/**
 * What opens a case under this procedure: a school day without notice from the guardians
 * (section 1.2, phase 1), and the absence patterns of section 2 (phase 2).
 */
export const tiltaksplanOpeningRules: readonly TriggerRule[] = [
  'unnotified-absence',
  'consecutive-days',
  'single-days-in-month',
  'partial-days-in-month',
];

/** A day without notice: a phase 1 fact, never an absence pattern of sections 2 and 3. */
const isMissingNoticeTrigger = (rule: TriggerRule): boolean => rule === 'unnotified-absence';

/** The procedure's rules, in the project's words, as cited by states and tests. */
export const tiltaksplanClauses: readonly Clause[] = [
  { id: 'C.1.1', source: SOURCE, section: '1.1', rule: 'Guardians report absence, leaving early or arriving late on the same day.' },
  { id: 'C.1.2', source: SOURCE, section: '1.2', rule: 'Without notice, the school contacts the home to ask for the pupil and the cause.' },
  {
    id: 'C.2',
    source: SOURCE,
    section: '2',
    rule: 'A case opens on 3 consecutive days, 4 single days within a month, or repeated partial-day absence in the last month.',
  },
  {
    id: 'C.2.1a',
    source: SOURCE,
    section: '2.1',
    rule: 'The contact teacher contacts the home to clarify the situation and informs about the plan.',
  },
  { id: 'C.2.1b', source: SOURCE, section: '2.1', rule: "If the cause is illness, the case is «closed» with the guardians' approval." },
  { id: 'C.2.1c', source: SOURCE, section: '2.1', rule: 'Otherwise a plan for the next 3 days is made with the guardians.' },
  {
    id: 'C.2.1d',
    source: SOURCE,
    section: '2.1, 3, 3.1',
    rule: 'A case «closed» for illness in phase 2 goes on at phase 3 when new absence comes, where new or recurring illness is judged.',
  },
  {
    id: 'C.2.2',
    source: SOURCE,
    section: '2.2',
    rule: 'The contact teacher informs staff on the grade, the principal and the resource team as needed.',
  },
  {
    id: 'C.3',
    source: SOURCE,
    section: '3',
    rule: 'A new trigger (3 new consecutive days, 4 new days in a month, continued partial absence) moves the case on.',
  },
  {
    id: 'C.3.1',
    source: SOURCE,
    section: '3.1',
    rule: "If the cause is new or recurring illness, the case is closed with the guardians' approval and documented.",
  },
  {
    id: 'C.3.2a',
    source: SOURCE,
    section: '3.2',
    rule: 'Otherwise the principal immediately calls a meeting with leadership, contact teacher, guardians and pupil.',
  },
  {
    id: 'C.3.2b',
    source: SOURCE,
    section: '3.2',
    rule: 'The principal leads, the contact teacher writes minutes, and the situation is mapped with the mapping form.',
  },
  {
    id: 'C.3.2c',
    source: SOURCE,
    section: '3.2',
    rule: 'The meeting makes a measures plan and agrees a follow-up meeting no later than three weeks after it.',
  },
  {
    id: 'C.3.2d',
    source: SOURCE,
    section: '3.2',
    rule: 'From what the meeting learns, the school assesses whether other services should be brought in.',
  },
  {
    id: 'C.3.3a',
    source: SOURCE,
    section: '3.3',
    rule: 'The follow-up meeting is held; if absence is clearly lower the case is summarised and closed.',
  },
  { id: 'C.3.3b', source: SOURCE, section: '3.3', rule: 'Otherwise further measures are agreed; the principal coordinates further steps.' },
  {
    id: 'C.3.3c',
    source: SOURCE,
    section: '3.3',
    rule: 'The principal, the contact teacher, the guardians and the pupil take part in the follow-up meeting; the principal leads.',
  },
  ...childWelfareAndBupClauses,
  ...nationalClauses,
];

type Ctx = CaseContext<TiltaksplanPolicy>;
type Ev = CaseEvent;

/**
 * Who must be at each of the principal's meetings (C.3.2a, C.3.3c). The pupil is also called,
 * but a meeting still counts when the pupil's voice comes through a trusted adult instead; the
 * plan made there needs the pupil's voice in any case (D.2).
 */
const MEETING_PARTICIPANTS: readonly Role[] = ['principal', 'contact-teacher', 'guardians'];

const hasMeetingParticipants = (event: Ev): boolean =>
  event.type === 'meeting.held' && MEETING_PARTICIPANTS.every((role) => event.participants.includes(role));

/** yyyy-MM-dd of the latest meeting whose minutes were filed in the current stage, as its time was written. */
function stageMeetingDate(context: Ctx): string | undefined {
  const minutes = stageDocuments(context).filter((d) => d.kind === 'minutes' && d.eventType === 'meeting.held');
  return minutes[minutes.length - 1]?.at.slice(0, 10);
}

/**
 * Is the follow-up date agreed in a meeting after that meeting and no later than the limit after
 * it (C.3.2c)? Counted from the meeting, not from when the plan was recorded.
 */
function isFollowUpWithinLimit(context: Ctx, evaluationDate: string): boolean {
  const meetingDate = stageMeetingDate(context);
  if (meetingDate === undefined) return false;
  const daysAfter = (Date.parse(`${evaluationDate}T00:00:00Z`) - Date.parse(`${meetingDate}T00:00:00Z`)) / MS_PER_DAY;
  return daysAfter >= 1 && daysAfter <= context.policy.followUpMeetingWithinDays;
}

/**
 * Days of follow-up after improvement: after a follow-up meeting (an evaluation has been held,
 * which only happens in phase 3) or after the three-day plan.
 */
const monitoringDaysOf = (context: Ctx): number =>
  context.evaluations > 0 ? context.policy.monitoringAfterFollowUpDays : context.policy.monitoringDays;

/** Enters the meeting step of phase 3: a new documentation stage, the meeting scheduled at once, the guardians invited. */
const callMeeting = [
  'recordCaseFacts',
  'beginStage',
  {
    type: 'scheduleMeeting',
    params: {
      meeting: 'leadership-meeting',
      participants: ['principal', 'school-leadership', 'contact-teacher', 'guardians', 'pupil'],
      withinDays: 0,
    },
  },
  { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
] as const;

/** A plan agreed in a meeting: minutes shared with the guardians, the follow-up meeting scheduled. */
const agreeMeasures = [
  'recordCaseFacts',
  { type: 'notifyGuardians', params: { message: 'minutes-shared' } },
  {
    type: 'scheduleMeeting',
    params: { meeting: 'evaluation-meeting', participants: ['principal', 'contact-teacher', 'guardians', 'pupil'] },
  },
] as const;

/**
 * The daily reminder in a state where a plan is due: while a suspicion of harm waits for child
 * welfare the plan cannot be made (E.CW1), so the principal is reminded to bring child welfare in;
 * otherwise the responsible are reminded to record the plan. Re-enters only its own state.
 */
const planReminder = (state: string, roles: readonly Role[]) => [
  {
    guard: 'isSuspicionAwaitingChildWelfare' as const,
    target: state,
    reenter: true,
    actions: { type: 'remindResponsible' as const, params: { roles: ['principal'] as Role[], about: 'consult-child-welfare' as const } },
  },
  {
    target: state,
    reenter: true,
    actions: { type: 'remindResponsible' as const, params: { roles: [...roles], about: 'agree-measures' as const } },
  },
];

type NotifyStaffAction = { type: 'notifyStaff'; params: NotifyStaffParams };
type NotifyGuardiansAction = { type: 'notifyGuardians'; params: NotifyGuardiansParams };
type RemindAction = { type: 'remindResponsible'; params: RemindResponsibleParams };

/** The daily contact reminder: re-enters only its own state, whose entry does nothing else. */
const contactReminder = (state: string) => ({
  target: state,
  reenter: true,
  actions: { type: 'remindResponsible' as const, params: { roles: ['contact-teacher'] as Role[], about: 'contact-guardians' as const } },
});

/** Procedure C as an XState machine. Input: case facts plus the resolved policy. */
export const tiltaksplanMachine = setup({
  types: {
    context: {} as Ctx,
    events: {} as Ev,
    input: {} as CaseInput<TiltaksplanPolicy>,
  },
  actions: {
    ...effectActions,
    ...sharedActions<TiltaksplanPolicy>(),
    /**
     * New absence in an open case that does not move it: a pattern tells the principal and the
     * contact teacher; a day without notice asks for what phase 1 asks on any day (C.1.2): the
     * guardians hear that notice is missing and the contact teacher is reminded to contact the
     * home. One transition for both, so every open state records every trigger the same way.
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
      if (isMissingNoticeTrigger(event.trigger.rule)) {
        enqueue({ type: 'notifyGuardians', params: { message: 'absence-without-notice' } });
        enqueue({ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } });
      } else {
        enqueue({ type: 'notifyStaff', params: { roles: ['principal', 'contact-teacher'], about: 'new-absence' } });
      }
    }),
  },
  guards: {
    ...sharedGuards<TiltaksplanPolicy>(),
    /** Was the case opened on a day without notice (phase 1, C.1.2), not on an absence pattern? */
    isOpenedOnMissingNotice: ({ context }: { context: Ctx }) => isMissingNoticeTrigger(context.trigger.rule),
    /**
     * Is the new trigger an absence pattern (sections 2 and 3), which moves the case on? A day
     * without notice is not: it asks for a contact with the home and leaves the case where it is.
     */
    isAbsencePattern: ({ event }: { event: Ev }) => event.type === 'absence.newTrigger' && !isMissingNoticeTrigger(event.trigger.rule),
    /** Is the case closed because the absence is explained: the guardians gave the cause, illness or another (C.1.2)? */
    isAbsenceExplained: ({ event }: { event: Ev }) =>
      event.type === 'case.closed' && (event.reason === 'natural-explanation' || event.reason === 'illness-approved'),
    /** Did the guardians give illness as the cause? */
    isCauseIllness: ({ event }: { event: Ev }) => event.type === 'guardians.contacted' && event.cause === 'illness',
    /** Do the guardians approve closing the case because of illness? */
    isClosingApprovedByGuardians: ({ event }: { event: Ev }) => event.type === 'illness.confirmed' && event.guardiansApproveClosing,
    /** Is this the meeting the principal called, with the principal, the contact teacher and the guardians there (C.3.2a)? */
    isLeadershipMeeting: ({ event }: { event: Ev }) =>
      event.type === 'meeting.held' && event.meeting === 'leadership-meeting' && hasMeetingParticipants(event),
    /** Is this the follow-up meeting, with the principal, the contact teacher and the guardians there (C.3.3c)? */
    isFollowUpMeeting: ({ event }: { event: Ev }) =>
      event.type === 'meeting.held' && event.meeting === 'evaluation-meeting' && hasMeetingParticipants(event),
    /** Are the minutes of the follow-up meeting on file, so its evaluation may be recorded (C.3.3a)? */
    isFollowUpMeetingOnFile: ({ context }: { context: Ctx }) =>
      stageDocuments(context).some((d) => d.kind === 'minutes' && d.eventType === 'meeting.held'),
    /** Is the pupil heard in this stage, so the plan for the next days may be agreed with the guardians (C.2.1c, D.2)? */
    isThreeDayPlanComplete: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'measures.agreed' && sharedGuards<TiltaksplanPolicy>().hasStageDocuments({ context }, { kinds: ['pupil-voice'] }),
    /**
     * Is the plan made in the meeting complete: minutes, mapping form and the pupil's voice from
     * this meeting on file (the pupil takes part, C.3.2a-b, D.2), and a follow-up date after the
     * meeting and within three weeks of it (C.3.2c)?
     */
    isMeasuresPlanComplete: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'measures.agreed' &&
      sharedGuards<TiltaksplanPolicy>().hasStageDocuments({ context }, { kinds: ['minutes', 'mapping-form', 'pupil-voice'] }) &&
      isFollowUpWithinLimit(context, event.evaluationDate),
    /**
     * Are the further measures agreed at the follow-up meeting complete: its minutes and
     * evaluation and the pupil's voice from this round on file (C.3.3b, C.3.3c, D.2), and the next
     * follow-up after the meeting and within three weeks of it?
     */
    isFurtherMeasuresComplete: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'measures.agreed' &&
      sharedGuards<TiltaksplanPolicy>().hasStageDocuments({ context }, { kinds: ['minutes', 'evaluation', 'pupil-voice'] }) &&
      isFollowUpWithinLimit(context, event.evaluationDate),
    /** Is absence clearly lower at the evaluation? */
    isAbsenceClearlyLower: ({ event }: { event: Ev }) => event.type === 'evaluation.held' && event.outcome === 'improved',
    /** Is follow-up after improvement set to 0 days for the way the case came here, so it is ready to close at once? */
    isMonitoringWaived: ({ context }: { context: Ctx }) => monitoringDaysOf(context) === 0,
    /** Is a suspicion of harm waiting for child welfare (E.CW1)? */
    isSuspicionAwaitingChildWelfare: ({ context }: { context: Ctx }) => isSuspicionAwaitingChildWelfare(context),
    /** Is the case closed because the pupil moved (allowed at any stage)? */
    isPupilMoving: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'pupil-moved',
    /** Is the case being closed because absence improved? */
    isClosingAfterImprovement: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'absence-improved',
  },
  delays: {
    contactReminder: ({ context }) => days(context.policy.contactReminderDays),
    threeDayPlanPeriod: ({ context }) => days(context.policy.threeDayPlanDays),
    planReminder: ({ context }) => days(context.policy.recordReminderDays),
    evaluationReminder: ({ context }) => days(context.policy.recordReminderDays),
    meetingCalledImmediately: ({ context }) => days(context.policy.meetingReminderDays),
    /** To the end of the agreed follow-up date (the meeting may be held any time that day); the guard keeps it within three weeks. */
    followUpMeetingWithinThreeWeeks: ({ context, event }) =>
      event.type === 'measures.agreed' && context.evaluationDate
        ? msUntilEndOfDate(event.at, context.evaluationDate)
        : days(context.policy.followUpMeetingWithinDays),
    monitoringPeriod: ({ context }) => days(monitoringDaysOf(context)),
    closingReminder: ({ context }) => days(context.policy.closingReminderDays),
    illnessRestPeriod: ({ context }) => days(context.policy.illnessRestDays),
  },
}).createMachine({
  id: TILTAKSPLAN_ID,
  context: ({ input }) => initialCaseContext(input),
  initial: 'open',
  states: {
    open: {
      meta: meta({
        label: 'Sak under oppfølging',
        responsible: ['contact-teacher', 'principal'],
        clauses: ['C.1.1', 'C.1.2', 'C.2.2', 'C.3', 'E.CW1', 'E.BUP1'],
        requiredDocuments: [],
        stage: 'identification',
      }),
      initial: 'opening',
      // Facts that may arrive at any open stage; recorded, never moving the case by themselves.
      // They sit on `open`, not the root, so a closed case takes nothing more.
      on: {
        ...recordedFacts,
        // New absence is recorded with its evidence wherever the case is: a pattern tells the
        // principal and the contact teacher, a day without notice asks for the contact with the
        // home (C.1.2). The states where a pattern moves the case on take it themselves.
        'absence.newTrigger': { actions: ['recordCaseFacts', 'respondToNewAbsence'] },
        'absence.noticeMissing': {
          actions: [
            'recordCaseFacts',
            { type: 'notifyGuardians', params: { message: 'absence-without-notice' } },
            { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } },
          ],
        },
        // Other services are involved consistently with the national rules: child welfare first on a
        // suspicion of harm (E.CW1), BUP only on its conditions (E.BUP1).
        'referral.sent': { guard: 'isReferralAllowed', actions: 'recordCaseFacts' },
        'suspicion.raised': {
          actions: ['recordCaseFacts', { type: 'notifyStaff', params: { roles: ['principal'], about: 'suspicion-raised' } }],
        },
        // Bringing child welfare in (E.CW1): a consultation or a report of concern is filed at any stage.
        'childWelfare.consulted': { actions: 'recordCaseFacts' },
        'concern.reported': { actions: 'recordCaseFacts' },
        'case.closed': { guard: 'isPupilMoving', target: '#tiltaksplan-elevfravaer.closed', actions: 'recordCaseFacts' },
      },
      states: {
        // Chooses the phase the opening trigger belongs to; a machine's initial state cannot be guarded.
        opening: {
          meta: meta({
            label: 'Ny fraværssak',
            responsible: ['system'],
            clauses: ['C.1.2', 'C.2'],
            requiredDocuments: [],
            stage: 'identification',
          }),
          always: [{ guard: 'isOpenedOnMissingNotice', target: 'missingNotice' }, { target: 'firstTrigger' }],
        },
        missingNotice: {
          meta: meta({
            label: 'Fase 1: fravær uten melding',
            responsible: ['contact-teacher'],
            clauses: ['C.1.1', 'C.1.2'],
            requiredDocuments: [],
            stage: 'identification',
            // Without notice the school contacts the home (C.1.2): the guardians hear it is missing.
            requiredEffects: [{ effect: 'notifyGuardians', params: { message: 'absence-without-notice' }, clause: 'C.1.2' }],
          }),
          initial: 'contactingHome',
          // Entered once, when the case opens on a day without notice: the contact teacher is asked
          // to contact the home today and the guardians hear that notice is missing. The daily
          // reminder re-enters contactingHome only, so neither is repeated.
          entry: [
            'beginStage',
            { type: 'notifyStaff', params: { roles: ['contact-teacher'], about: 'notice-missing' } },
            { type: 'notifyGuardians', params: { message: 'absence-without-notice' } },
          ],
          on: {
            // An absence pattern (section 2) makes this the first pattern: phase 2 (C.2).
            'absence.newTrigger': { guard: 'isAbsencePattern', target: 'firstTrigger', actions: 'recordCaseFacts' },
            // The guardians' explanation (illness or another cause) closes the case with its reason.
            'case.closed': { guard: 'isAbsenceExplained', target: '#tiltaksplan-elevfravaer.closed', actions: 'recordCaseFacts' },
          },
          states: {
            contactingHome: {
              meta: meta({
                label: 'Fravær uten melding – kontakt med hjemmet',
                responsible: ['contact-teacher'],
                clauses: ['C.1.2'],
                requiredDocuments: [],
                stage: 'identification',
              }),
              // Due the same day (1.1 "samme dag"): reminded daily until the home has answered,
              // and the case is overdue meanwhile.
              after: { contactReminder: contactReminder('contactingHome') },
              on: {
                // The home contacted, or the notice came late: either answers where the pupil is and why.
                'guardians.contacted': { target: 'answered', actions: 'recordCaseFacts' },
                'absence.noticeReceived': { target: 'answered', actions: 'recordCaseFacts' },
              },
            },
            answered: {
              meta: meta({
                label: 'Svar fra hjemmet – saken avsluttes',
                responsible: ['contact-teacher'],
                clauses: ['C.1.1', 'C.1.2'],
                requiredDocuments: ['closing-note'],
                stage: 'identification',
              }),
              // The closing is a step someone owes (with its reason): reminded weekly until it is taken.
              after: {
                closingReminder: {
                  target: 'answered',
                  reenter: true,
                  actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'file-document' } },
                },
              },
            },
          },
        },
        firstTrigger: {
          meta: meta({
            label: 'Fase 2: første fraværsvarsel',
            responsible: ['contact-teacher'],
            // Notices (C.1.1) are accepted at every stage by the open state's handlers; they matter most here.
            clauses: ['C.1.1', 'C.2'],
            requiredDocuments: [],
            stage: 'identification',
          }),
          initial: 'contactingHome',
          // Entered once, when the case opens: the stage begins and the contact teacher is told here,
          // not on contactingHome, whose daily reminder re-enters it.
          entry: ['beginStage', { type: 'notifyStaff', params: { roles: ['contact-teacher'], about: 'case-opened' } }],
          states: {
            contactingHome: {
              meta: meta({
                label: 'Kontakt med hjemmet',
                responsible: ['contact-teacher'],
                clauses: ['C.1.2', 'C.2', 'C.2.1a', 'C.2.2'],
                requiredDocuments: ['contact-log'],
                stage: 'identification',
              }),
              after: { contactReminder: contactReminder('contactingHome') },
              on: {
                // The guardians hear about the school's procedure in this contact, whatever the cause (C.2.1a).
                'guardians.contacted': [
                  {
                    guard: 'isCauseIllness',
                    target: 'confirmingIllness',
                    actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'absence-routine' } }],
                  },
                  {
                    target: 'planningThreeDays',
                    actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'absence-routine' } }],
                  },
                ],
              },
            },
            confirmingIllness: {
              meta: meta({
                label: 'Sykdom – venter på foresattes godkjenning',
                responsible: ['contact-teacher'],
                clauses: ['C.2.1b', 'C.2.1d'],
                requiredDocuments: ['contact-log'],
                stage: 'identification',
              }),
              // The guardians' answer is part of the contact: the contact teacher is reminded daily.
              after: { contactReminder: contactReminder('confirmingIllness') },
              on: {
                'illness.confirmed': [
                  // «Closed» in quotation marks: put aside, and new absence goes on at phase 3 (C.2.1d).
                  {
                    guard: 'isClosingApprovedByGuardians',
                    target: '#tiltaksplan-elevfravaer.open.restingAfterIllness',
                    actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'closed-for-illness' } }],
                  },
                  // Without the guardians' approval the case is not closed: a plan is made instead.
                  { target: 'planningThreeDays', actions: 'recordCaseFacts' },
                ],
              },
            },
            planningThreeDays: {
              meta: meta({
                label: 'Plan for de neste dagene',
                responsible: ['contact-teacher'],
                clauses: ['C.2.1c', 'D.2', 'E.CW1'],
                requiredDocuments: ['pupil-voice', 'measures-plan'],
                stage: 'measures',
              }),
              // The plan covers the days right after the contact, so it is due at once.
              after: { planReminder: planReminder('planningThreeDays', ['contact-teacher']) },
              on: {
                'measures.agreed': {
                  guard: and(['isThreeDayPlanComplete', 'isNoSuspicionAwaitingChildWelfare']),
                  target: 'followingPlan',
                  actions: 'recordCaseFacts',
                },
                'absence.newTrigger': {
                  guard: 'isAbsencePattern',
                  target: '#tiltaksplan-elevfravaer.open.newTrigger',
                  actions: 'recordCaseFacts',
                },
              },
            },
            followingPlan: {
              meta: meta({
                label: 'Planen følges',
                responsible: ['contact-teacher'],
                clauses: ['C.2.1c', 'D.3'],
                requiredDocuments: [],
                stage: 'measures',
              }),
              after: {
                // When the plan's days are over, the contact teacher looks at how it went (D.7).
                threeDayPlanPeriod: {
                  target: '#tiltaksplan-elevfravaer.open.monitoring',
                  actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'evaluate-measures' } },
                },
              },
              on: {
                'absence.newTrigger': {
                  guard: 'isAbsencePattern',
                  target: '#tiltaksplan-elevfravaer.open.newTrigger',
                  actions: 'recordCaseFacts',
                },
              },
            },
          },
        },
        restingAfterIllness: {
          meta: meta({
            label: 'Lukket for sykdom – følges ved nytt fravær',
            responsible: ['contact-teacher'],
            clauses: ['C.2.1b', 'C.2.1d'],
            requiredDocuments: [],
            stage: 'monitoring',
          }),
          after: { illnessRestPeriod: '#tiltaksplan-elevfravaer.closed' },
          on: {
            'absence.newTrigger': { guard: 'isAbsencePattern', target: 'newTrigger', actions: 'recordCaseFacts' },
          },
        },
        newTrigger: {
          meta: meta({
            label: 'Fase 3: nytt fravær',
            responsible: ['principal', 'contact-teacher'],
            clauses: ['C.3'],
            requiredDocuments: [],
            stage: 'measures',
          }),
          initial: 'contactingHome',
          // Entered once per new pattern: the stage begins and the principal is told (J6).
          entry: ['beginStage', { type: 'notifyStaff', params: { roles: ['principal', 'contact-teacher'], about: 'new-trigger' } }],
          states: {
            contactingHome: {
              meta: meta({
                label: 'Nytt fravær – kontakt med hjemmet',
                responsible: ['contact-teacher'],
                clauses: ['C.3'],
                requiredDocuments: ['contact-log'],
                stage: 'identification',
              }),
              after: { contactReminder: contactReminder('contactingHome') },
              on: {
                'guardians.contacted': [
                  { guard: 'isCauseIllness', target: 'confirmingIllness', actions: 'recordCaseFacts' },
                  { target: 'meetingCalled', actions: [...callMeeting] },
                ],
              },
            },
            confirmingIllness: {
              meta: meta({
                label: 'Ny sykdom – venter på foresattes godkjenning',
                responsible: ['contact-teacher'],
                clauses: ['C.3.1'],
                requiredDocuments: ['contact-log'],
                stage: 'identification',
              }),
              after: { contactReminder: contactReminder('confirmingIllness') },
              on: {
                'illness.confirmed': [
                  {
                    guard: 'isClosingApprovedByGuardians',
                    target: '#tiltaksplan-elevfravaer.closed',
                    actions: ['recordCaseFacts', { type: 'notifyGuardians', params: { message: 'case-closed' } }],
                  },
                  { target: 'meetingCalled', actions: [...callMeeting] },
                ],
              },
            },
            meetingCalled: {
              meta: meta({
                label: 'Rektor kaller inn til møte',
                responsible: ['principal'],
                clauses: ['C.3.2a'],
                requiredDocuments: ['minutes'],
                stage: 'measures',
              }),
              // The meeting was scheduled and the guardians invited on the way in; this only reminds.
              after: {
                meetingCalledImmediately: {
                  target: 'meetingCalled',
                  reenter: true,
                  actions: { type: 'remindResponsible', params: { roles: ['principal'], about: 'hold-meeting' } },
                },
              },
              on: {
                'meeting.scheduled': { actions: 'recordCaseFacts' },
                'meeting.held': { guard: 'isLeadershipMeeting', target: 'planning', actions: 'recordCaseFacts' },
              },
            },
            planning: {
              meta: meta({
                label: 'Kartlegging og tiltaksplan',
                responsible: ['principal', 'contact-teacher'],
                clauses: ['C.3.2b', 'C.3.2c', 'C.3.2d', 'D.2', 'E.CW1'],
                requiredDocuments: ['minutes', 'mapping-form', 'pupil-voice', 'measures-plan'],
                stage: 'measures',
              }),
              // The plan is made in the meeting, so it is due the day the meeting is held.
              after: { planReminder: planReminder('planning', ['principal', 'contact-teacher']) },
              on: {
                'mapping.completed': { actions: 'recordCaseFacts' },
                'measures.agreed': {
                  guard: and(['isMeasuresPlanComplete', 'isNoSuspicionAwaitingChildWelfare']),
                  target: 'measuresInProgress',
                  actions: [...agreeMeasures],
                },
              },
            },
            measuresInProgress: {
              meta: meta({
                label: 'Tiltak gjennomføres',
                responsible: ['principal', 'contact-teacher'],
                clauses: ['C.3.2c', 'C.3.3c'],
                requiredDocuments: [],
                stage: 'measures',
              }),
              entry: 'beginStage',
              after: {
                followUpMeetingWithinThreeWeeks: {
                  target: 'followUpDue',
                  actions: { type: 'remindResponsible', params: { roles: ['principal'], about: 'evaluate-measures' } },
                },
              },
              on: {
                'meeting.held': { guard: 'isFollowUpMeeting', target: 'followUpDue', actions: 'recordCaseFacts' },
              },
            },
            followUpDue: {
              meta: meta({
                label: 'Oppfølgingsmøte',
                responsible: ['principal', 'contact-teacher'],
                clauses: ['C.3.3a', 'C.3.3b', 'C.3.3c'],
                requiredDocuments: ['minutes', 'evaluation'],
                stage: 'evaluation',
              }),
              // The evaluation is made at the follow-up meeting: reminded daily until it is recorded.
              after: {
                evaluationReminder: {
                  target: 'followUpDue',
                  reenter: true,
                  actions: { type: 'remindResponsible', params: { roles: ['principal'], about: 'evaluate-measures' } },
                },
              },
              on: {
                'meeting.held': { guard: 'isFollowUpMeeting', actions: 'recordCaseFacts' },
                'evaluation.held': [
                  // Clearly lower: summed up and closed at this meeting, unless the policy keeps a follow-up period.
                  {
                    guard: and(['isFollowUpMeetingOnFile', 'isAbsenceClearlyLower']),
                    target: '#tiltaksplan-elevfravaer.open.monitoring',
                    actions: 'recordCaseFacts',
                  },
                  { guard: 'isFollowUpMeetingOnFile', target: 'furtherMeasures', actions: 'recordCaseFacts' },
                ],
              },
            },
            furtherMeasures: {
              meta: meta({
                label: 'Videre tiltak',
                responsible: ['principal'],
                clauses: ['C.3.3b', 'D.2', 'E.CW1'],
                requiredDocuments: ['minutes', 'evaluation', 'pupil-voice', 'measures-plan'],
                stage: 'measures',
              }),
              // No new stage here: the follow-up meeting's minutes and evaluation belong to the further measures.
              after: { planReminder: planReminder('furtherMeasures', ['principal']) },
              on: {
                'measures.agreed': {
                  guard: and(['isFurtherMeasuresComplete', 'isNoSuspicionAwaitingChildWelfare']),
                  target: 'measuresInProgress',
                  actions: [...agreeMeasures],
                },
              },
            },
          },
        },
        monitoring: {
          meta: meta({
            label: 'Oppfølging etter bedring',
            responsible: ['contact-teacher'],
            clauses: ['D.3', 'C.3.3a'],
            requiredDocuments: [],
            stage: 'monitoring',
          }),
          entry: 'beginStage',
          // A follow-up period of 0 days (the default after a follow-up meeting) makes the case ready to close at once.
          always: { guard: 'isMonitoringWaived', target: 'closingDue' },
          after: {
            monitoringPeriod: {
              target: 'closingDue',
              actions: { type: 'remindResponsible', params: { roles: ['contact-teacher', 'principal'], about: 'file-document' } },
            },
          },
          on: {
            'absence.newTrigger': { guard: 'isAbsencePattern', target: 'newTrigger', actions: 'recordCaseFacts' },
          },
        },
        closingDue: {
          meta: meta({
            label: 'Klar til avslutning',
            // After the three-day plan the case never left the contact teacher's hands; after a
            // follow-up meeting the principal led the meeting that closes it.
            responsible: ['contact-teacher', 'principal'],
            clauses: ['C.3.3a', 'D.3'],
            requiredDocuments: ['closing-note'],
            stage: 'monitoring',
          }),
          after: {
            closingReminder: {
              target: 'closingDue',
              reenter: true,
              actions: { type: 'remindResponsible', params: { roles: ['contact-teacher', 'principal'], about: 'file-document' } },
            },
          },
          on: {
            'absence.newTrigger': { guard: 'isAbsencePattern', target: 'newTrigger', actions: 'recordCaseFacts' },
            'case.closed': {
              guard: 'isClosingAfterImprovement',
              target: '#tiltaksplan-elevfravaer.closed',
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
        clauses: ['C.2.1d', 'C.3.1', 'C.3.3a'],
        requiredDocuments: [],
        stage: 'closed',
      }),
      entry: { type: 'notifyStaff', params: { roles: ['contact-teacher', 'principal'], about: 'case-closed' } },
    },
  },
});
