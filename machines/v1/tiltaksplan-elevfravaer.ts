/**
 * FROZEN: version 1, exactly as cases opened under it run (copied on 2026-12-01). Cases keep the
 * procedure version they opened with, and their saved histories must replay on it, so this file
 * is never edited: changes go into the current version in machines/. See machines/registry.ts.
 * (Renamed since, with no change in behaviour: clauses cite their source document by title.)
 *
 * "Tiltaksplan ved elevfravær — faser for tidlig innsats" (seed 002, procedures.md C) as a
 * machine: notice → first trigger (contact the home; illness closes with the guardians'
 * approval, otherwise a three-day plan) → new trigger (illness closes again, otherwise the
 * principal calls a meeting at once, maps the situation and sets a follow-up within three
 * weeks) → follow-up meeting (close if absence is clearly lower, or further measures).
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
import { effectActions } from '../effects';
import { type Clause, stateMeta as meta } from '../meta';
import { childWelfareAndBupClauses, nationalClauses } from '../national-guidance';
import { calendarDays } from '../policy';
import type { TriggerRule } from '../vocabulary';

export const TILTAKSPLAN_ID = 'tiltaksplan-elevfravaer';
const SOURCE = 'Tiltaksplan ved elevfravær – faser for tidlig innsats';

/**
 * Time limits of procedure C. All count calendar days: the seed's "3 days" is the days right
 * after the contact and its "within three weeks" is a meeting date, both read on the calendar;
 * a municipality that wants three school days across a weekend sets threeDayPlanDays to 5.
 */
export const tiltaksplanPolicySchema = z.object({
  contactReminderDays: calendarDays(1, 'remind the contact teacher if the home has not been contacted after'),
  threeDayPlanDays: calendarDays(3, 'length of the plan made with the guardians after the first trigger'),
  meetingReminderDays: calendarDays(2, 'remind the principal if the immediately called meeting is not held after'),
  followUpMeetingWithinDays: calendarDays(21, 'latest follow-up meeting after the measures plan is made'),
  monitoringDays: calendarDays(30, 'follow-up period after absence has improved, before closing'),
});
export type TiltaksplanPolicy = z.infer<typeof tiltaksplanPolicySchema>;

/** Absence patterns that open a case under this procedure (seed 002 §2). */
export const tiltaksplanOpeningRules: readonly TriggerRule[] = ['consecutive-days', 'single-days-in-month', 'partial-days-in-month'];

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
  { id: 'C.2.1b', source: SOURCE, section: '2.1', rule: "If the cause is illness, the case is closed with the guardians' approval." },
  { id: 'C.2.1c', source: SOURCE, section: '2.1', rule: 'Otherwise a plan for the next 3 days is made with the guardians.' },
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
    rule: 'The meeting makes a measures plan and sets a follow-up meeting within three weeks; other services are considered.',
  },
  {
    id: 'C.3.3a',
    source: SOURCE,
    section: '3.3',
    rule: 'The follow-up meeting is held; if absence is clearly lower the case is summarised and closed.',
  },
  { id: 'C.3.3b', source: SOURCE, section: '3.3', rule: 'Otherwise further measures are agreed; the principal coordinates further steps.' },
  ...childWelfareAndBupClauses,
  ...nationalClauses,
];

type Ctx = CaseContext<TiltaksplanPolicy>;
type Ev = CaseEvent;

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
  },
  guards: {
    ...sharedGuards<TiltaksplanPolicy>(),
    /** Did the guardians give illness as the cause? */
    isCauseIllness: ({ event }: { event: Ev }) => event.type === 'guardians.contacted' && event.cause === 'illness',
    /** Do the guardians approve closing the case because of illness? */
    isClosingApprovedByGuardians: ({ event }: { event: Ev }) => event.type === 'illness.confirmed' && event.guardiansApproveClosing,
    /** Is this the meeting the principal called (not some other meeting)? */
    isLeadershipMeeting: ({ event }: { event: Ev }) => event.type === 'meeting.held' && event.meeting === 'leadership-meeting',
    /** Is this the follow-up meeting? */
    isFollowUpMeeting: ({ event }: { event: Ev }) => event.type === 'meeting.held' && event.meeting === 'evaluation-meeting',
    /** Is the pupil heard since the case opened, so the plan for the next days may be agreed with the guardians (C.2.1c, D.2)? */
    isThreeDayPlanComplete: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'measures.agreed' && sharedGuards<TiltaksplanPolicy>().hasStageDocuments({ context }, { kinds: ['pupil-voice'] }),
    /**
     * Is the plan made in the meeting complete: minutes, mapping form and the pupil's voice from
     * this meeting on file (the pupil takes part, C.3.2a-b, D.2), follow-up within three weeks?
     */
    isMeasuresPlanComplete: ({ context, event }: { context: Ctx; event: Ev }) =>
      event.type === 'measures.agreed' &&
      sharedGuards<TiltaksplanPolicy>().hasStageDocuments({ context }, { kinds: ['minutes', 'mapping-form', 'pupil-voice'] }) &&
      msUntilDate(event.at, event.evaluationDate) <= days(context.policy.followUpMeetingWithinDays),
    /** Is absence clearly lower at the evaluation? */
    isAbsenceClearlyLower: ({ event }: { event: Ev }) => event.type === 'evaluation.held' && event.outcome === 'improved',
    /** Is the case closed because the pupil moved (allowed at any stage)? */
    isPupilMoving: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'pupil-moved',
    /** Is the case being closed because absence improved (after monitoring)? */
    isClosingAfterImprovement: ({ event }: { event: Ev }) => event.type === 'case.closed' && event.reason === 'absence-improved',
  },
  delays: {
    contactReminder: ({ context }) => days(context.policy.contactReminderDays),
    threeDayPlanPeriod: ({ context }) => days(context.policy.threeDayPlanDays),
    meetingCalledImmediately: ({ context }) => days(context.policy.meetingReminderDays),
    /** Until the agreed follow-up date, which the guard keeps within three weeks. */
    followUpMeetingWithinThreeWeeks: ({ context, event }) =>
      event.type === 'measures.agreed' && context.evaluationDate
        ? msUntilDate(event.at, context.evaluationDate)
        : days(context.policy.followUpMeetingWithinDays),
    monitoringPeriod: ({ context }) => days(context.policy.monitoringDays),
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
        clauses: ['C.1.1', 'C.1.2', 'C.2.2', 'E.CW1', 'E.BUP1'],
        requiredDocuments: [],
        stage: 'identification',
      }),
      initial: 'firstTrigger',
      // Facts that may arrive at any open stage; recorded, never moving the case by themselves.
      // They sit on `open`, not the root, so a closed case takes nothing more.
      on: {
        ...recordedFacts,
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
        firstTrigger: {
          meta: meta({
            label: 'Fase 2: første fraværsvarsel',
            responsible: ['contact-teacher'],
            // Notices (C.1.1) are accepted at every stage by the root handlers; they matter most here.
            clauses: ['C.1.1', 'C.2'],
            requiredDocuments: [],
            stage: 'identification',
          }),
          initial: 'contactingHome',
          // The stage begins on the level, not on contactingHome, so the reminder that re-enters
          // contactingHome does not forget what was filed before it (e.g. the pupil's voice).
          entry: 'beginStage',
          states: {
            contactingHome: {
              meta: meta({
                label: 'Kontakt med hjemmet',
                responsible: ['contact-teacher'],
                clauses: ['C.1.2', 'C.2', 'C.2.1a', 'C.2.2'],
                requiredDocuments: ['contact-log'],
                stage: 'identification',
              }),
              entry: { type: 'notifyStaff', params: { roles: ['contact-teacher'], about: 'case-opened' } },
              after: {
                contactReminder: {
                  target: 'contactingHome',
                  reenter: true,
                  actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } },
                },
              },
              on: {
                'guardians.contacted': [
                  { guard: 'isCauseIllness', target: 'confirmingIllness', actions: 'recordCaseFacts' },
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
                responsible: ['contact-teacher', 'guardians'],
                clauses: ['C.2.1b'],
                requiredDocuments: ['contact-log'],
                stage: 'identification',
              }),
              on: {
                'illness.confirmed': [
                  { guard: 'isClosingApprovedByGuardians', target: '#tiltaksplan-elevfravaer.closed', actions: 'recordCaseFacts' },
                  // Without the guardians' approval the case is not closed: a plan is made instead.
                  { target: 'planningThreeDays', actions: 'recordCaseFacts' },
                ],
              },
            },
            planningThreeDays: {
              meta: meta({
                label: 'Plan for de neste dagene',
                responsible: ['contact-teacher', 'guardians'],
                clauses: ['C.2.1c', 'D.2'],
                requiredDocuments: ['pupil-voice', 'measures-plan'],
                stage: 'measures',
              }),
              on: {
                'measures.agreed': {
                  guard: and(['isThreeDayPlanComplete', 'isNoSuspicionAwaitingChildWelfare']),
                  target: 'followingPlan',
                  actions: 'recordCaseFacts',
                },
                'absence.newTrigger': { target: '#tiltaksplan-elevfravaer.open.newTrigger', actions: 'recordCaseFacts' },
              },
            },
            followingPlan: {
              meta: meta({
                label: 'Planen følges',
                responsible: ['contact-teacher'],
                clauses: ['C.2.1c'],
                requiredDocuments: [],
                stage: 'measures',
              }),
              after: { threeDayPlanPeriod: '#tiltaksplan-elevfravaer.open.monitoring' },
              on: {
                'absence.newTrigger': { target: '#tiltaksplan-elevfravaer.open.newTrigger', actions: 'recordCaseFacts' },
              },
            },
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
          // As in firstTrigger: the stage begins on the level, so the contact reminder keeps its documents.
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
              after: {
                contactReminder: {
                  target: 'contactingHome',
                  reenter: true,
                  actions: { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } },
                },
              },
              on: {
                'guardians.contacted': [
                  { guard: 'isCauseIllness', target: 'confirmingIllness', actions: 'recordCaseFacts' },
                  // The meeting's stage begins here rather than on meetingCalled's entry, which its reminder re-runs.
                  { target: 'meetingCalled', actions: ['recordCaseFacts', 'beginStage'] },
                ],
              },
            },
            confirmingIllness: {
              meta: meta({
                label: 'Ny sykdom – venter på foresattes godkjenning',
                responsible: ['contact-teacher', 'guardians'],
                clauses: ['C.3.1'],
                requiredDocuments: ['contact-log'],
                stage: 'identification',
              }),
              on: {
                'illness.confirmed': [
                  { guard: 'isClosingApprovedByGuardians', target: '#tiltaksplan-elevfravaer.closed', actions: 'recordCaseFacts' },
                  { target: 'meetingCalled', actions: ['recordCaseFacts', 'beginStage'] },
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
              entry: [
                {
                  type: 'scheduleMeeting',
                  params: {
                    meeting: 'leadership-meeting',
                    participants: ['principal', 'school-leadership', 'contact-teacher', 'guardians', 'pupil'],
                    withinDays: 0,
                  },
                },
                { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
              ],
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
                clauses: ['C.3.2b', 'C.3.2c', 'D.2'],
                requiredDocuments: ['minutes', 'mapping-form', 'pupil-voice', 'measures-plan'],
                stage: 'measures',
              }),
              on: {
                'mapping.completed': { actions: 'recordCaseFacts' },
                'measures.agreed': {
                  guard: and(['isMeasuresPlanComplete', 'isNoSuspicionAwaitingChildWelfare']),
                  target: 'measuresInProgress',
                  actions: [
                    'recordCaseFacts',
                    { type: 'notifyGuardians', params: { message: 'minutes-shared' } },
                    {
                      type: 'scheduleMeeting',
                      params: { meeting: 'evaluation-meeting', participants: ['principal', 'contact-teacher', 'guardians', 'pupil'] },
                    },
                  ],
                },
              },
            },
            measuresInProgress: {
              meta: meta({
                label: 'Tiltak gjennomføres',
                responsible: ['principal', 'contact-teacher'],
                clauses: ['C.3.2c'],
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
                clauses: ['C.3.3a', 'C.3.3b'],
                requiredDocuments: ['evaluation'],
                stage: 'evaluation',
              }),
              on: {
                'meeting.held': { guard: 'isFollowUpMeeting', actions: 'recordCaseFacts' },
                'evaluation.held': [
                  { guard: 'isAbsenceClearlyLower', target: '#tiltaksplan-elevfravaer.open.monitoring', actions: 'recordCaseFacts' },
                  { target: 'furtherMeasures', actions: 'recordCaseFacts' },
                ],
              },
            },
            furtherMeasures: {
              meta: meta({
                label: 'Videre tiltak',
                responsible: ['principal'],
                clauses: ['C.3.3b', 'D.2'],
                requiredDocuments: ['measures-plan'],
                stage: 'measures',
              }),
              entry: 'beginStage',
              on: {
                'measures.agreed': {
                  guard: and(['isPupilVoiceRecorded', 'isNoSuspicionAwaitingChildWelfare']),
                  target: 'measuresInProgress',
                  actions: [
                    'recordCaseFacts',
                    {
                      type: 'scheduleMeeting',
                      params: { meeting: 'evaluation-meeting', participants: ['principal', 'contact-teacher', 'guardians', 'pupil'] },
                    },
                  ],
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
          after: {
            monitoringPeriod: {
              target: 'closingDue',
              actions: { type: 'remindResponsible', params: { roles: ['contact-teacher', 'principal'], about: 'file-document' } },
            },
          },
          on: {
            'absence.newTrigger': { target: 'newTrigger', actions: 'recordCaseFacts' },
          },
        },
        closingDue: {
          meta: meta({
            label: 'Klar til avslutning',
            responsible: ['principal'],
            clauses: ['C.3.3a', 'D.3'],
            requiredDocuments: ['closing-note'],
            stage: 'monitoring',
          }),
          on: {
            'absence.newTrigger': { target: 'newTrigger', actions: 'recordCaseFacts' },
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
        clauses: ['C.2.1b', 'C.3.1', 'C.3.3a'],
        requiredDocuments: [],
        stage: 'closed',
      }),
      entry: { type: 'notifyStaff', params: { roles: ['contact-teacher', 'principal'], about: 'case-closed' } },
    },
  },
});
