/**
 * Pure tests of procedure B (Hardanger, seed 001) plus the national rules D.2 and D.3: every
 * clause of `hardangerClauses` has a test named after it, and the tests assert concrete states,
 * declared effects and delays in milliseconds, so a changed chart makes them fail.
 */
import type { AnyStateNode } from 'xstate';
import { MS_PER_DAY } from '../../machines/durations';
import { HARDANGER_ID, hardangerClauses, hardangerMachine } from '../../machines/hardanger-handlingsplan';
import type { StateMeta } from '../../machines/meta';
import { getProcedure } from '../../machines/registry';
import { type Step, effects, ev, fire, metaOf, scheduled, send, start, stateOf } from './harness';

const AT = '2026-09-07T08:00:00Z';
const STAFF_CONCERN = { trigger: { rule: 'staff-concern', dates: ['2026-09-04'] } };

/** Effects as plain { type, params } so they can be compared exactly. */
const declared = (step: Step) => effects(step).map(({ type, params }) => ({ type, params }));
const delayOf = (step: Step, name: string): number | undefined => scheduled(step).find((s) => s.id.includes(name))?.delay;
const docKinds = (step: Step): string[] => step.snapshot.context.documents.map((d: { kind: string }) => d.kind);

const open = (policy?: unknown): Step => start(HARDANGER_ID, STAFF_CONCERN, policy);

const discussed = (step: Step) => send(step, ev('staff.informed', { recipients: ['school-leadership', 'counsellor'] }));
const scheduleConversation = (step: Step, withPupil = true) =>
  send(
    step,
    ev('meeting.scheduled', {
      meeting: 'guardian-conversation',
      scheduledFor: '2026-09-10T12:00:00+02:00',
      participants: withPupil ? ['contact-teacher', 'guardians', 'pupil'] : ['contact-teacher', 'guardians'],
    }),
  );
const conversationHeld = (step: Step, participants: Parameters<typeof ev<'meeting.held'>>[1]['participants'] = ['contact-teacher', 'guardians', 'pupil']) =>
  send(
    step,
    ev('meeting.held', { meeting: 'guardian-conversation', participants, pupilPresent: participants.includes('pupil'), minutesRef: 'minutes-1' }),
  );
const causeAssessed = (step: Step, relatedToSchool = true, guardiansExpectReturn = true) =>
  send(step, ev('absenceCause.assessed', { relatedToSchool, guardiansExpectReturn }));
const pupilHeard = (step: Step) => send(step, ev('pupilVoice.recorded', { via: 'pupil', documentRef: 'voice-1' }));
const measuresAgreed = (step: Step, evaluationDate = '2026-09-21', at = AT) =>
  send(step, ev('measures.agreed', { measures: ['fast oppmøtetid', 'ukentlig kontakt med hjemmet'], evaluationDate, planRef: 'plan-1' }, { at }));
const evaluated = (step: Step, outcome: 'improved' | 'unchanged' | 'worse') =>
  send(step, ev('evaluation.held', { outcome, minutesRef: 'evaluation-1' }));

/** Nivå 0 → Nivå 1 up to the pupil conversation, with an ordinary cause. */
const toLevel1PupilConversation = (step = open()) => causeAssessed(conversationHeld(scheduleConversation(discussed(step))));
/** ... → measures agreed at Nivå 1. */
const toLevel1Measures = (step = open()) => measuresAgreed(pupilHeard(toLevel1PupilConversation(step)));
/** ... → the Nivå 1 evaluation found absence persisting: Nivå 2. */
const toLevel2 = (step = open()) => evaluated(fire(toLevel1Measures(step), 'evaluationOnAgreedDate'), 'unchanged');
/** Nivå 2 conversation held with leadership, attendance evaluated. */
const toLevel2Evaluated = (step = open()) =>
  evaluated(conversationHeld(toLevel2(step), ['contact-teacher', 'school-leadership', 'guardians']), 'unchanged');
const toLevel2Measures = (step = open()) => measuresAgreed(pupilHeard(causeAssessed(toLevel2Evaluated(step))), '2026-10-05');
const toLevel3 = (step = open()) => evaluated(fire(toLevel2Measures(step), 'evaluationOnAgreedDate'), 'worse');

/** Fires, in `step`, a delayed event that an earlier step scheduled (timers outlive later steps, as in the host). */
function fireScheduledBy(earlier: Step, step: Step, name: string): Step {
  const timer = scheduled(earlier).find((t) => t.id.includes(name));
  if (!timer) throw new Error(`No timer "${name}" was scheduled`);
  return send(step, timer.event);
}

/** The event is refused: `can` is false and sending it changes neither state nor context. */
function expectRefused(step: Step, event: Parameters<typeof send>[1]) {
  expect(step.snapshot.can(event)).toBe(false);
  const after = send(step, event);
  expect(after.snapshot.value).toEqual(step.snapshot.value);
  expect(after.snapshot.context).toEqual(step.snapshot.context);
}

describe('Hardanger: Nivå 0', () => {
  test('[B.N0a] missing first-day notice asks the guardians for it; a received notice is filed', () => {
    const s0 = open();
    const missing = send(s0, ev('absence.noticeMissing', { firstDay: '2026-09-07', schoolDaysWithoutNotice: 1 }));
    expect(stateOf(missing)).toBe('open.level0.discussingConcern');
    expect(declared(missing)).toEqual([{ type: 'notifyGuardians', params: { message: 'absence-without-notice' } }]);
    const received = send(missing, ev('absence.noticeReceived', { documentRef: 'visma-1' }, { role: 'guardians' }));
    expect(docKinds(received)).toEqual(['absence-notice']);
  });

  test('[B.N0b] a staff concern opens the case at Nivå 0, where leadership and the counsellor are told', () => {
    const s0 = open();
    expect(stateOf(s0)).toBe('open.level0.discussingConcern');
    expect(metaOf(s0).clauses).toContain('B.N0b');
    expect(declared(s0)).toEqual([
      { type: 'notifyStaff', params: { roles: ['contact-teacher', 'school-leadership', 'counsellor'], about: 'case-opened' } },
    ]);
    expect(delayOf(s0, 'concernDiscussionReminder')).toBe(3 * MS_PER_DAY);
    const reminded = fire(s0, 'concernDiscussionReminder');
    expect(stateOf(reminded)).toBe('open.level0.discussingConcern');
    // Only the reminder: the case is not announced again.
    expect(declared(reminded)).toEqual([{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'decide-escalation' } }]);
  });

  test('[B.N0b] opening rules: staff concern opens a case, a numeric rule from another municipality does not', () => {
    expect(getProcedure(HARDANGER_ID).openingRules).toContain('staff-concern');
    expect(() => start(HARDANGER_ID, { trigger: { rule: 'consecutive-days', dates: ['2026-09-02'], days: 3 } })).toThrow(
      /åpner ikke sak på «consecutive-days»/,
    );
  });

  test('[B.N0b] only a discussion with leadership or the counsellor moves the case to Nivå 1', () => {
    const s0 = open();
    const teachersOnly = send(s0, ev('staff.informed', { recipients: ['teacher'] }));
    expect(stateOf(teachersOnly)).toBe('open.level0.discussingConcern');
    expect(stateOf(discussed(s0))).toBe('open.level1.preparingConversation');
  });

  test('[B.N0b] leadership may close an unfounded concern at Nivå 0; the contact teacher alone may not', () => {
    const s0 = open();
    const close = (role: 'counsellor' | 'contact-teacher') =>
      ev('case.closed', { reason: 'natural-explanation', note: 'Planlagt permisjon', documentRef: 'note-1' }, { role });
    expectRefused(s0, close('contact-teacher'));
    const closed = send(s0, close('counsellor'));
    expect(stateOf(closed)).toBe('closed');
    expect(closed.snapshot.status).toBe('done');
  });
});

describe('Hardanger: Nivå 1 and the conversation guides', () => {
  test('[B.N1a] the guardians and the pupil are met together and joint measures are agreed', () => {
    const l1 = discussed(open());
    expect(declared(l1)).toEqual([{ type: 'notifyGuardians', params: { message: 'school-is-concerned' } }]);
    const agreed = toLevel1Measures();
    expect(stateOf(agreed)).toBe('open.level1.measuresInProgress');
    expect(agreed.snapshot.context.evaluationDate).toBe('2026-09-21');
  });

  test('[B.G1] whether the pupil attends is decided before the meeting: no conversation is held before it is scheduled', () => {
    const l1 = discussed(open());
    expectRefused(
      l1,
      ev('meeting.held', { meeting: 'guardian-conversation', participants: ['contact-teacher', 'guardians'], pupilPresent: false, minutesRef: 'm' }),
    );
    const withoutPupil = scheduleConversation(l1, false);
    expect(stateOf(withoutPupil)).toBe('open.level1.conversationScheduled');
    expect(declared(withoutPupil)).toEqual([{ type: 'notifyGuardians', params: { message: 'meeting-invitation' } }]);
    expect(delayOf(l1, 'conversationReminder')).toBe(7 * MS_PER_DAY);
  });

  test('[B.G2] the minutes are filed in the pupil file and sent home', () => {
    const held = conversationHeld(scheduleConversation(discussed(open())));
    expect(stateOf(held)).toBe('open.level1.assessingCause');
    expect(held.snapshot.context.documents).toContainEqual(expect.objectContaining({ kind: 'minutes', ref: 'minutes-1' }));
    expect(declared(held)).toEqual([{ type: 'notifyGuardians', params: { message: 'minutes-shared' } }]);
  });

  test('[B.G3] a cause outside school leads to a further conversation offered within a week', () => {
    const held = conversationHeld(scheduleConversation(discussed(open())));
    const offered = causeAssessed(held, false, true);
    expect(stateOf(offered)).toBe('open.level1.extraConversationOffered');
    expect(declared(offered)).toEqual([
      { type: 'scheduleMeeting', params: { meeting: 'guardian-conversation', participants: ['contact-teacher', 'guardians'], withinDays: 7 } },
      { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
    ]);
    expect(delayOf(offered, 'extraConversationWithinAWeek')).toBe(7 * MS_PER_DAY);
    const reminded = fire(offered, 'extraConversationWithinAWeek');
    expect(stateOf(reminded)).toBe('open.level1.extraConversationOffered');
    expect(declared(reminded)).toEqual([{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'hold-meeting' } }]);
    expect(stateOf(conversationHeld(reminded))).toBe('open.level1.pupilConversation');
  });

  test('[B.G3] guardians who doubt the return are offered a further conversation; a declined offer is put on file', () => {
    const offered = causeAssessed(conversationHeld(scheduleConversation(discussed(open()))), true, false);
    expect(stateOf(offered)).toBe('open.level1.extraConversationOffered');
    // Another document is kept on file but does not stand in for the decision.
    const logged = send(offered, ev('document.recorded', { kind: 'contact-log', documentRef: 'log-1' }));
    expect(stateOf(logged)).toBe('open.level1.extraConversationOffered');
    const declined = send(offered, ev('document.recorded', { kind: 'decision-note', documentRef: 'declined-1' }));
    expect(stateOf(declined)).toBe('open.level1.pupilConversation');
  });

  test('[B.G3] a school-related cause with guardians expecting the return goes straight to the pupil conversation', () => {
    expect(stateOf(toLevel1PupilConversation())).toBe('open.level1.pupilConversation');
  });

  test('[B.G4] the agreement must set a new meeting on a later date to evaluate it', () => {
    const heard = pupilHeard(toLevel1PupilConversation());
    expectRefused(
      heard,
      ev('measures.agreed', { measures: ['tiltak'], evaluationDate: '2026-09-07', planRef: 'plan-1' }, { at: AT }),
    );
    const agreed = measuresAgreed(heard, '2026-09-21');
    expect(declared(agreed)).toContainEqual({
      type: 'scheduleMeeting',
      params: { meeting: 'evaluation-meeting', participants: ['contact-teacher', 'guardians', 'pupil'] },
    });
  });

  test('[B.N1b] the new meeting falls on the agreed date; when it comes the evaluation is due', () => {
    const agreed = measuresAgreed(pupilHeard(toLevel1PupilConversation()), '2026-09-21');
    // 2026-09-07T08:00Z → 2026-09-21T00:00Z
    expect(delayOf(agreed, 'evaluationOnAgreedDate')).toBe(14 * MS_PER_DAY - 8 * 60 * 60 * 1000);
    const due = fire(agreed, 'evaluationOnAgreedDate');
    expect(stateOf(due)).toBe('open.level1.evaluationDue');
    expect(metaOf(due).requiredDocuments).toEqual(['evaluation']);
    expect(declared(due)).toEqual([{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'evaluate-measures' } }]);
    expect(delayOf(due, 'evaluationReminder')).toBe(7 * MS_PER_DAY);
    const early = send(agreed, ev('meeting.held', { meeting: 'evaluation-meeting', participants: ['contact-teacher', 'guardians'], pupilPresent: false, minutesRef: 'm' }));
    expect(stateOf(early)).toBe('open.level1.evaluationDue');
  });

  test('[B.N1c] a class-teacher meeting is called to bring every teacher up to date', () => {
    const agreed = toLevel1Measures();
    expect(declared(agreed)).toContainEqual({
      type: 'scheduleMeeting',
      params: { meeting: 'class-teacher-meeting', participants: ['contact-teacher', 'teacher'] },
    });
    const held = send(agreed, ev('meeting.held', { meeting: 'class-teacher-meeting', participants: ['contact-teacher', 'teacher'], pupilPresent: false, minutesRef: 'ctm-1' }));
    expect(stateOf(held)).toBe('open.level1.measuresInProgress');
    expect(docKinds(held).at(-1)).toBe('minutes');
  });

  test('[B.P1] the pupil conversation follows the guardian conversation; a view heard earlier does not count', () => {
    const earlyVoice = pupilHeard(discussed(open()));
    const pc = causeAssessed(conversationHeld(scheduleConversation(earlyVoice)));
    expect(stateOf(pc)).toBe('open.level1.pupilConversation');
    expect(declared(pc)).toEqual([
      { type: 'scheduleMeeting', params: { meeting: 'pupil-conversation', participants: ['contact-teacher', 'pupil'] } },
      { type: 'requestDocument', params: { kind: 'pupil-voice', from: ['contact-teacher'] } },
    ]);
    expect(delayOf(pc, 'pupilConversationReminder')).toBe(7 * MS_PER_DAY);
    expectRefused(pc, ev('measures.agreed', { measures: ['tiltak'], evaluationDate: '2026-09-21', planRef: 'p' }));
    expect(stateOf(measuresAgreed(pupilHeard(pc)))).toBe('open.level1.measuresInProgress');
  });

  test('[B.P2] the points agreed with the pupil are written down and filed as the measures plan', () => {
    const agreed = toLevel1Measures();
    expect(agreed.snapshot.context.documents).toContainEqual(expect.objectContaining({ kind: 'measures-plan', ref: 'plan-1' }));
    expect(docKinds(agreed).indexOf('pupil-voice')).toBeLessThan(docKinds(agreed).indexOf('measures-plan'));
  });

  test('[D.2] measures cannot be agreed before the pupil is heard, at Nivå 1 or Nivå 2', () => {
    const pc1 = toLevel1PupilConversation();
    expectRefused(pc1, ev('measures.agreed', { measures: ['tiltak'], evaluationDate: '2026-09-21', planRef: 'p' }));
    const pc2 = causeAssessed(toLevel2Evaluated());
    expect(stateOf(pc2)).toBe('open.level2.pupilConversation');
    expectRefused(pc2, ev('measures.agreed', { measures: ['tiltak'], evaluationDate: '2026-10-05', planRef: 'p' }));
    const viaTrustedAdult = send(pc2, ev('pupilVoice.recorded', { via: 'trusted-adult', documentRef: 'voice-2' }));
    expect(stateOf(measuresAgreed(viaTrustedAdult, '2026-10-05'))).toBe('open.level2.measuresAndServices');
  });
});

describe('Hardanger: Nivå 2 and Nivå 3', () => {
  test('[B.N2a] persisting absence calls the guardians to a new conversation within one week', () => {
    const l2 = toLevel2();
    expect(stateOf(l2)).toBe('open.level2.conversationCalled');
    expect(declared(l2)).toEqual([
      {
        type: 'scheduleMeeting',
        params: {
          meeting: 'guardian-conversation',
          participants: ['contact-teacher', 'school-leadership', 'social-teacher', 'counsellor', 'guardians'],
          withinDays: 7,
        },
      },
      { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
      {
        type: 'notifyStaff',
        params: { roles: ['contact-teacher', 'school-leadership', 'social-teacher', 'counsellor'], about: 'case-escalated' },
      },
    ]);
    expect(delayOf(l2, 'newConversationWithinOneWeek')).toBe(7 * MS_PER_DAY);
  });

  test('[B.N2a] leadership, social teacher or counsellor must take part; the nurse may', () => {
    const l2 = toLevel2();
    expectRefused(
      l2,
      ev('meeting.held', { meeting: 'guardian-conversation', participants: ['contact-teacher', 'guardians'], pupilPresent: false, minutesRef: 'm' }),
    );
    const held = conversationHeld(l2, ['contact-teacher', 'social-teacher', 'school-nurse', 'guardians']);
    expect(stateOf(held)).toBe('open.level2.evaluatingAttendance');
    expect(declared(held)).toEqual([{ type: 'notifyGuardians', params: { message: 'minutes-shared' } }]);
  });

  test('[B.N2a] when the week passes without the conversation, leadership is told and reminded', () => {
    const overdue = fire(toLevel2(), 'newConversationWithinOneWeek');
    expect(stateOf(overdue)).toBe('open.level2.conversationOverdue');
    expect(declared(overdue)).toEqual([
      { type: 'notifyStaff', params: { roles: ['contact-teacher', 'school-leadership'], about: 'deadline-passed' } },
    ]);
    expect(delayOf(overdue, 'overdueReminder')).toBe(2 * MS_PER_DAY);
    const reminded = fire(overdue, 'overdueReminder');
    expect(declared(reminded)).toEqual([
      { type: 'remindResponsible', params: { roles: ['contact-teacher', 'school-leadership'], about: 'hold-meeting' } },
    ]);
    expect(stateOf(conversationHeld(reminded, ['contact-teacher', 'principal', 'guardians']))).toBe('open.level2.evaluatingAttendance');
  });

  test('[B.N2b] attendance is evaluated in the conversation before the cause is assessed and measures started', () => {
    const held = conversationHeld(toLevel2(), ['contact-teacher', 'school-leadership', 'guardians']);
    expectRefused(held, ev('absenceCause.assessed', { relatedToSchool: true, guardiansExpectReturn: true }));
    const evaluatedStep = evaluated(held, 'unchanged');
    expect(stateOf(evaluatedStep)).toBe('open.level2.evaluatingAttendance');
    const measures = measuresAgreed(pupilHeard(causeAssessed(evaluatedStep)), '2026-10-05');
    expect(stateOf(measures)).toBe('open.level2.measuresAndServices');
    expect(metaOf(measures).clauses).toEqual(expect.arrayContaining(['B.N2b', 'B.N2c']));
  });

  test('[B.G3] at Nivå 2 too, guardians who doubt the return are offered a further conversation within a week', () => {
    const offered = causeAssessed(toLevel2Evaluated(), false, false);
    expect(stateOf(offered)).toBe('open.level2.extraConversationOffered');
    expect(delayOf(offered, 'extraConversationWithinAWeek')).toBe(7 * MS_PER_DAY);
    expect(stateOf(conversationHeld(offered, ['contact-teacher', 'guardians']))).toBe('open.level2.pupilConversation');
  });

  test('[B.N2c] referrals are made together with the guardians: refused without their consent', () => {
    const l2 = toLevel2Measures();
    expectRefused(l2, ev('referral.sent', { service: 'ppt', documentRef: 'ref-1' }));
    const consented = send(l2, ev('consent.given', { service: 'ppt', documentRef: 'consent-1' }, { role: 'guardians' }));
    const referred = send(consented, ev('referral.sent', { service: 'ppt', documentRef: 'ref-1' }));
    expect(stateOf(referred)).toBe('open.level2.measuresAndServices');
    expect(referred.snapshot.context.referrals).toEqual(['ppt']);
  });

  test('[B.N3] when Nivå 2 does not help, a report of concern to child welfare is requested and then followed up', () => {
    const l3 = toLevel3();
    expect(stateOf(l3)).toBe('open.level3.reportingConcern');
    expect(metaOf(l3).stage).toBe('escalated');
    expect(declared(l3)).toEqual([
      { type: 'requestDocument', params: { kind: 'report-of-concern', from: ['principal', 'school-leadership'] } },
      { type: 'notifyStaff', params: { roles: ['principal', 'school-leadership', 'contact-teacher'], about: 'case-escalated' } },
    ]);
    expect(delayOf(l3, 'reportOfConcernReminder')).toBe(2 * MS_PER_DAY);
    const reminded = fire(l3, 'reportOfConcernReminder');
    expect(stateOf(reminded)).toBe('open.level3.reportingConcern');
    expect(declared(reminded)).toEqual([
      { type: 'remindResponsible', params: { roles: ['principal', 'school-leadership'], about: 'consult-child-welfare' } },
    ]);
    const reported = send(l3, ev('concern.reported', { documentRef: 'bekymring-1' }, { role: 'principal' }));
    expect(stateOf(reported)).toBe('open.level3.followingUpWithChildWelfare');
    expect(reported.snapshot.context.referrals).toContain('child-welfare');
    expect(delayOf(reported, 'childWelfareFollowUpReview')).toBe(30 * MS_PER_DAY);
  });

  test('[B.N3] leadership may judge Nivå 2 insufficient before its evaluation and go to the report', () => {
    const early = send(toLevel2Measures(), ev('escalation.decided', { reason: 'Eleven har ikke vært på skolen på to uker', documentRef: 'dec-2' }));
    expect(stateOf(early)).toBe('open.level3.reportingConcern');
    expect(declared(early)).toContainEqual({
      type: 'requestDocument',
      params: { kind: 'report-of-concern', from: ['principal', 'school-leadership'] },
    });
  });

  test('[B.N3] a report of concern may be sent from any level and moves the case to Nivå 3', () => {
    const reported = send(discussed(open()), ev('concern.reported', { documentRef: 'bekymring-1' }, { role: 'principal' }));
    expect(stateOf(reported)).toBe('open.level3.followingUpWithChildWelfare');
  });

  test('[D.3] improvement leads to monitoring, not to closing; the case closes after the monitoring period', () => {
    const improved = evaluated(fire(toLevel1Measures(), 'evaluationOnAgreedDate'), 'improved');
    expect(stateOf(improved)).toBe('open.monitoring');
    expect(delayOf(improved, 'monitoringPeriod')).toBe(30 * MS_PER_DAY);
    expectRefused(improved, ev('case.closed', { reason: 'absence-improved', note: 'Godt oppmøte', documentRef: 'close-1' }));
    const due = fire(improved, 'monitoringPeriod');
    expect(stateOf(due)).toBe('open.closingDue');
    const closed = send(due, ev('case.closed', { reason: 'absence-improved', note: 'Godt oppmøte', documentRef: 'close-1' }, { role: 'school-leadership' }));
    expect(stateOf(closed)).toBe('closed');
    expect(declared(closed)).toEqual([
      { type: 'notifyGuardians', params: { message: 'case-closed' } },
      { type: 'notifyStaff', params: { roles: ['contact-teacher', 'school-leadership'], about: 'case-closed' } },
    ]);
  });

  test('[D.3] absence returning during monitoring reopens the follow-up at Nivå 2', () => {
    const monitoring = evaluated(fire(toLevel1Measures(), 'evaluationOnAgreedDate'), 'improved');
    const worse = send(monitoring, ev('absence.trend', { trend: 'worse', from: '2026-09-21', to: '2026-10-02', absenceDays: 3 }, { role: 'system' }));
    expect(stateOf(worse)).toBe('open.monitoring');
    expect(declared(worse)).toEqual([{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'decide-escalation' } }]);
    const relapse = send(worse, ev('escalation.decided', { reason: 'Fraværet øker igjen', documentRef: 'dec-1' }));
    expect(stateOf(relapse)).toBe('open.level2.conversationCalled');
  });
});

describe('Hardanger: national rules on child welfare and BUP', () => {
  const suspicion = (step: Step) => send(step, ev('suspicion.raised', { kind: 'violence', documentRef: 'mistanke-1' }));
  const consent = (step: Step, service: 'bup' | 'ppt' | 'school-nurse') =>
    send(step, ev('consent.given', { service, documentRef: `samtykke-${service}` }, { role: 'guardians' }));
  const referral = (service: 'bup' | 'ppt', role: 'principal' | 'doctor' = 'principal') =>
    ev('referral.sent', { service, documentRef: `henvisning-${service}` }, { role });
  const nurse = () => ev('schoolNurse.conversationHeld', { conclusion: 'no-medical-cause', documentRef: 'helse-1' }, { role: 'school-nurse' });

  test('[E.CW1] while a suspicion of harm waits for child welfare, the school nurse, measures and other referrals wait', () => {
    const waiting = suspicion(consent(pupilHeard(toLevel1PupilConversation()), 'ppt'));
    expect(stateOf(waiting)).toBe('open.level1.pupilConversation');
    expectRefused(waiting, nurse());
    expectRefused(waiting, ev('measures.agreed', { measures: ['fast oppmøtetid'], evaluationDate: '2026-09-21', planRef: 'plan-1' }, { at: AT }));
    expectRefused(waiting, referral('ppt'));
    // Consulting child welfare (or reporting to it) lets the ordinary work go on.
    const consulted = send(waiting, ev('childWelfare.consulted', { advice: 'school-continues', documentRef: 'bv-1' }, { role: 'principal' }));
    expect(consulted.snapshot.can(nurse())).toBe(true);
    expect(stateOf(measuresAgreed(consulted))).toBe('open.level1.measuresInProgress');
    expect(send(consulted, referral('ppt')).snapshot.context.referrals).toEqual(['ppt']);
  });

  test('[E.BUP1] a BUP referral filled in with the guardians also needs municipal measures tried and evaluated, and a GP to send it', () => {
    // Nivå 2 reached before any measures were agreed: the leadership's decision at Nivå 1.
    const early = send(scheduleConversation(discussed(open())), ev('escalation.decided', { reason: 'Fraværet øker raskt', documentRef: 'dec-1' }));
    expect(stateOf(early)).toBe('open.level2.conversationCalled');
    const evaluatedEarly = consent(evaluated(conversationHeld(early, ['contact-teacher', 'school-leadership', 'guardians']), 'unchanged'), 'bup');
    expect(evaluatedEarly.snapshot.context.evaluations).toBe(1);
    expectRefused(evaluatedEarly, referral('bup', 'doctor')); // evaluated, but no measures were ever tried
    // Measures agreed and evaluated at Nivå 1, consent given: the GP may refer, the school may not.
    const tried = consent(toLevel2Evaluated(), 'bup');
    expectRefused(tried, referral('bup', 'principal'));
    expect(send(tried, referral('bup', 'doctor')).snapshot.context.referrals).toEqual(['bup']);
  });
});

describe('Hardanger: refusals, policy and structure', () => {
  test('invalid events are refused and leave state and context unchanged', () => {
    // Measures before the pupil's voice (national rule).
    expectRefused(toLevel1PupilConversation(), ev('measures.agreed', { measures: ['tiltak'], evaluationDate: '2026-09-21', planRef: 'p' }));
    // An evaluation at Nivå 0, before any measures exist.
    expectRefused(open(), ev('evaluation.held', { outcome: 'improved', minutesRef: 'm' }));
    // Closing on improvement in the middle of Nivå 1, skipping monitoring.
    expectRefused(toLevel1Measures(), ev('case.closed', { reason: 'absence-improved', note: 'Bedre', documentRef: 'c' }));
    // Escalating to Nivå 2 straight from Nivå 0, without the discussion.
    expectRefused(open(), ev('escalation.decided', { reason: 'Høyt fravær', documentRef: 'd' }));
    // A Nivå 2 conversation held without leadership, social teacher or counsellor.
    expectRefused(
      toLevel2(),
      ev('meeting.held', { meeting: 'guardian-conversation', participants: ['contact-teacher', 'guardians'], pupilPresent: false, minutesRef: 'm' }),
    );
  });

  test('a closed case takes no further events', () => {
    const closed = send(open(), ev('case.closed', { reason: 'pupil-moved', note: 'Flyttet', documentRef: 'c' }));
    expect(closed.snapshot.status).toBe('done');
    // XState's pure `transition` still runs handlers on a done snapshot; the fact handlers live
    // under `open`, so none matches here and a late report cannot reopen the case.
    expectRefused(closed, ev('concern.reported', { documentRef: 'late' }));
    expectRefused(closed, ev('staff.informed', { recipients: ['counsellor'] }));
    expect(send(closed, ev('concern.reported', { documentRef: 'late' })).actions).toEqual([]);
  });

  test('policy overrides change the delays and the invitation', () => {
    const l2 = toLevel2(open({ newConversationWithinDays: 5, monitoringDays: 60, concernDiscussionReminderDays: 1 }));
    expect(delayOf(l2, 'newConversationWithinOneWeek')).toBe(5 * MS_PER_DAY);
    expect(declared(l2)[0]).toEqual(expect.objectContaining({ params: expect.objectContaining({ withinDays: 5 }) }));
    expect(delayOf(open({ concernDiscussionReminderDays: 1 }), 'concernDiscussionReminder')).toBe(1 * MS_PER_DAY);
    const monitoring = evaluated(fire(toLevel1Measures(open({ monitoringDays: 60 })), 'evaluationOnAgreedDate'), 'improved');
    expect(delayOf(monitoring, 'monitoringPeriod')).toBe(60 * MS_PER_DAY);
  });

  test('an unknown or invalid policy field is refused, naming the field', () => {
    expect(() => open({ newConversationDays: 5 })).toThrow(/newConversationDays/);
    expect(() => open({ newConversationWithinDays: 0 })).toThrow(/newConversationWithinDays/);
  });

  test('the longest route from opening to closed passes every level', () => {
    const visited: string[] = [];
    const go = (step: Step) => {
      visited.push(stateOf(step));
      return step;
    };
    let s = go(open());
    s = go(fire(s, 'concernDiscussionReminder'));
    s = go(discussed(s));
    s = go(fire(s, 'conversationReminder'));
    s = go(scheduleConversation(s));
    s = go(conversationHeld(s));
    s = go(causeAssessed(s, false, false));
    s = go(conversationHeld(s, ['contact-teacher', 'guardians']));
    s = go(measuresAgreed(pupilHeard(s)));
    s = go(fire(s, 'evaluationOnAgreedDate'));
    s = go(fire(s, 'evaluationReminder'));
    s = go(evaluated(s, 'unchanged'));
    s = go(fire(s, 'newConversationWithinOneWeek'));
    s = go(conversationHeld(s, ['contact-teacher', 'school-leadership', 'school-nurse', 'guardians']));
    s = go(evaluated(s, 'unchanged'));
    s = go(causeAssessed(s, false, true));
    s = go(send(s, ev('document.recorded', { kind: 'decision-note', documentRef: 'declined' })));
    s = go(measuresAgreed(pupilHeard(s), '2026-10-05'));
    const measuresStarted = s;
    s = go(send(s, ev('consent.given', { service: 'school-nurse', documentRef: 'consent-1' }, { role: 'guardians' })));
    s = go(send(s, ev('referral.sent', { service: 'school-nurse', documentRef: 'ref-1' })));
    // The evaluation timer was scheduled when the measures were agreed and is still pending.
    s = go(fireScheduledBy(measuresStarted, s, 'evaluationOnAgreedDate'));
    s = go(evaluated(s, 'worse'));
    s = go(fire(s, 'reportOfConcernReminder'));
    s = go(send(s, ev('concern.reported', { documentRef: 'bekymring-1' }, { role: 'principal' })));
    const reported = s;
    s = go(send(s, ev('childWelfare.consulted', { advice: 'school-continues', documentRef: 'cw-1' }, { role: 'principal' })));
    s = go(fireScheduledBy(reported, s, 'childWelfareFollowUpReview'));
    s = go(evaluated(s, 'unchanged'));
    s = go(evaluated(s, 'improved'));
    s = go(fire(s, 'monitoringPeriod'));
    s = go(send(s, ev('case.closed', { reason: 'absence-improved', note: 'Stabilt oppmøte', documentRef: 'close-1' }, { role: 'school-leadership' })));
    expect(stateOf(s)).toBe('closed');
    expect(s.snapshot.status).toBe('done');
    expect([...new Set(visited)]).toEqual([
      'open.level0.discussingConcern',
      'open.level1.preparingConversation',
      'open.level1.conversationScheduled',
      'open.level1.assessingCause',
      'open.level1.extraConversationOffered',
      'open.level1.pupilConversation',
      'open.level1.measuresInProgress',
      'open.level1.evaluationDue',
      'open.level2.conversationCalled',
      'open.level2.conversationOverdue',
      'open.level2.evaluatingAttendance',
      'open.level2.extraConversationOffered',
      'open.level2.pupilConversation',
      'open.level2.measuresAndServices',
      'open.level2.evaluationDue',
      'open.level3.reportingConcern',
      'open.level3.followingUpWithChildWelfare',
      'open.monitoring',
      'open.closingDue',
      'closed',
    ]);
    // The whole case is documented: every kind the procedure asks for is on file.
    expect(new Set(docKinds(s))).toEqual(
      new Set(['minutes', 'pupil-voice', 'measures-plan', 'evaluation', 'consent', 'referral', 'report-of-concern', 'contact-log', 'decision-note', 'closing-note']),
    );
  });

  test('every state has meta with a Norwegian label, known clauses and a way forward', () => {
    const clauseIds = new Set(hardangerClauses.map((c) => c.id));
    const cited = new Set<string>();
    const nodes: AnyStateNode[] = [];
    const collect = (node: AnyStateNode) => {
      nodes.push(node);
      Object.values(node.states).forEach(collect);
    };
    collect(hardangerMachine.root);
    const atomic = nodes.filter((n) => n.type === 'atomic' || n.type === 'final');
    expect(atomic.length).toBe(20);
    for (const node of atomic) {
      const m = node.meta as StateMeta | undefined;
      expect({ id: node.id, label: m?.label.trim() || undefined }).toEqual({ id: node.id, label: expect.stringMatching(/\S/) });
      // Labels are Norwegian words, not the internal state key.
      expect(m?.label).not.toBe(node.key);
      expect(m?.label).toMatch(/^[A-ZÆØÅ][a-zæøåA-ZÆØÅ0-9 :–,?-]+$/);
      m?.clauses.forEach((id) => {
        expect(clauseIds).toContain(id);
        cited.add(id);
      });
      if (node.type === 'final') continue;
      // No dead ends: the state itself or its level (not `open`'s fact handlers) leads to another state.
      const leadsOn: string[] = [];
      for (let n: AnyStateNode | undefined = node; n && n.key !== 'open' && n !== hardangerMachine.root; n = n.parent) {
        for (const [eventType, definitions] of n.transitions) {
          if (definitions.some((d) => (d.target ?? []).some((t) => t !== node))) leadsOn.push(eventType);
        }
      }
      expect({ id: node.id, leadsOn: leadsOn.length > 0 }).toEqual({ id: node.id, leadsOn: true });
    }
    expect([...cited].sort()).toEqual([...clauseIds].sort());
  });

  test('the registry knows the procedure by its Norwegian title and seed', () => {
    const p = getProcedure(HARDANGER_ID);
    expect(p).toEqual(
      expect.objectContaining({
        displayName: 'Handlingsplan ved bekymring rundt fravær',
        owner: 'Hardanger',
        seed: 'seeds/001_2f6c982ea20012d9.txt',
        version: 2,
      }),
    );
  });
});
