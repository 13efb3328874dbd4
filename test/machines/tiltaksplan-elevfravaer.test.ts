/**
 * Procedure C (seed 002, "Tiltaksplan ved elevfravær"), rule by rule. Each test name starts
 * with the clause id it checks; the traceability table is generated from these names.
 */
import { buildCaseInput, getProcedure } from '../../machines/registry';
import { InvalidPolicyError } from '../../machines/policy';
import { MS_PER_DAY } from '../../machines/durations';
import { type CaseContext, stageDocuments } from '../../machines/case-context';
import type { TiltaksplanPolicy } from '../../machines/tiltaksplan-elevfravaer';
import { type Step, caseFacts, effects, ev, fire, metaOf, scheduled, send, sendAll, start, stateOf } from './harness';

const ID = 'tiltaksplan-elevfravaer';
const ctx = (step: Step) => step.snapshot.context as CaseContext<TiltaksplanPolicy>;
const delayOf = (step: Step, name: string) => scheduled(step).find((s) => s.id.includes(name))?.delay;

/** Sends to `current` the delayed event `scheduler` scheduled under `name`, as the workflow fires it later. */
function sendTimer(scheduler: Step, current: Step, name: string): Step {
  const timer = scheduled(scheduler).find((s) => s.id.includes(name));
  if (!timer) throw new Error(`no timer ${name}`);
  return send(current, timer.event);
}

const contacted = (cause: 'illness' | 'school-related' | 'home-related' = 'school-related') =>
  ev('guardians.contacted', { channel: 'phone', cause, documentRef: `log-${cause}` });
const voice = () => ev('pupilVoice.recorded', { via: 'pupil', documentRef: 'voice-1' }, { role: 'contact-teacher' });
const plan = (evaluationDate = '2026-09-10', at = '2026-09-07T08:00:00Z') =>
  ev('measures.agreed', { measures: ['Daglig innsjekk med kontaktlærer'], evaluationDate, planRef: 'plan-1' }, { at });
const newTrigger = () =>
  ev('absence.newTrigger', { trigger: { rule: 'consecutive-days', dates: ['2026-09-21', '2026-09-22', '2026-09-23'] } }, { role: 'system' });
const leadershipMeeting = () =>
  ev(
    'meeting.held',
    {
      meeting: 'leadership-meeting',
      participants: ['principal', 'school-leadership', 'contact-teacher', 'guardians', 'pupil'],
      pupilPresent: true,
      minutesRef: 'minutes-1',
    },
    { role: 'principal', at: '2026-09-24T10:00:00Z' },
  );
const mappingForm = () => ev('mapping.completed', { form: 'situation-mapping', documentRef: 'mapping-1' }, { role: 'principal' });
const evaluation = (outcome: 'improved' | 'unchanged' | 'worse') =>
  ev('evaluation.held', { outcome, minutesRef: `evaluation-${outcome}` }, { role: 'principal' });
const closing = () =>
  ev('case.closed', { reason: 'absence-improved', note: 'Fraværet er normalisert.', documentRef: 'closing-1' }, { role: 'principal' });

/** From opening to the planning stage of phase 3 (new trigger, non-illness cause, meeting held). */
function toPlanning(): Step {
  let s = start(ID);
  s = sendAll(s, [contacted(), voice(), plan()]);
  s = send(s, newTrigger());
  s = sendAll(s, [contacted('home-related'), leadershipMeeting()]);
  return s;
}

describe('phase 1: notice', () => {
  test('[C.1.1] a guardian notice is filed on the case without moving it', () => {
    const s = send(start(ID), ev('absence.noticeReceived', { documentRef: 'notice-1' }, { role: 'guardians' }));
    expect(stateOf(s)).toBe('open.firstTrigger.contactingHome');
    expect(ctx(s).documents.map((d) => d.kind)).toEqual(['absence-notice']);
  });

  test('[C.1.2] absence without notice makes the school contact the home', () => {
    const s = send(start(ID), ev('absence.noticeMissing', { firstDay: '2026-09-08', schoolDaysWithoutNotice: 1 }, { role: 'system' }));
    expect(effects(s).map((e) => [e.type, e.params])).toEqual([
      ['notifyGuardians', { message: 'absence-without-notice' }],
      ['remindResponsible', { roles: ['contact-teacher'], about: 'contact-guardians' }],
    ]);
  });
});

describe('phase 2: first trigger', () => {
  test('[C.2] a case opens on 3 consecutive days, 4 single days in a month or repeated partial days, and on nothing else', () => {
    const procedure = getProcedure(ID);
    for (const rule of ['consecutive-days', 'single-days-in-month', 'partial-days-in-month']) {
      expect(() => buildCaseInput(procedure, caseFacts({ trigger: { rule, dates: ['2026-09-01'] } }))).not.toThrow();
    }
    expect(() => buildCaseInput(procedure, caseFacts({ trigger: { rule: 'days-over-limit', dates: ['2026-09-01'] } }))).toThrow(
      /åpner ikke sak på «days-over-limit»/,
    );
  });

  test('[C.2.1a] the contact teacher is responsible for contacting the home and is reminded daily until it is done', () => {
    const s = start(ID);
    expect(stateOf(s)).toBe('open.firstTrigger.contactingHome');
    expect(metaOf(s).responsible).toEqual(['contact-teacher']);
    expect(delayOf(s, 'contactReminder')).toBe(1 * MS_PER_DAY);
    const reminded = fire(s, 'contactReminder');
    expect(stateOf(reminded)).toBe('open.firstTrigger.contactingHome');
    expect(effects(reminded).map((e) => e.type)).toContain('remindResponsible');
    expect(delayOf(reminded, 'contactReminder')).toBe(1 * MS_PER_DAY);
  });

  test('[C.2.1a] contacting the home files the conversation and informs the guardians about the plan', () => {
    const s = send(start(ID), contacted());
    expect(ctx(s).documents.map((d) => d.kind)).toEqual(['contact-log']);
    expect(effects(s)).toEqual([expect.objectContaining({ type: 'notifyGuardians', params: { message: 'absence-routine' } })]);
  });

  test("[C.2.1b] illness closes the case only with the guardians' approval", () => {
    const illness = send(start(ID), contacted('illness'));
    expect(stateOf(illness)).toBe('open.firstTrigger.confirmingIllness');
    const approved = send(illness, ev('illness.confirmed', { recurring: false, guardiansApproveClosing: true, documentRef: 'ill-1' }));
    expect(approved.snapshot.status).toBe('done');
    expect(stateOf(approved)).toBe('closed');
    const notApproved = send(illness, ev('illness.confirmed', { recurring: false, guardiansApproveClosing: false, documentRef: 'ill-2' }));
    expect(stateOf(notApproved)).toBe('open.firstTrigger.planningThreeDays');
  });

  test('[C.2.1c] otherwise a plan for the next 3 days is made, then follow-up continues', () => {
    let s = send(start(ID), contacted());
    expect(stateOf(s)).toBe('open.firstTrigger.planningThreeDays');
    s = sendAll(s, [voice(), plan()]);
    expect(stateOf(s)).toBe('open.firstTrigger.followingPlan');
    expect(delayOf(s, 'threeDayPlanPeriod')).toBe(3 * MS_PER_DAY);
    expect(stateOf(fire(s, 'threeDayPlanPeriod'))).toBe('open.monitoring');
  });

  test('[C.2.1c] the contact reminder does not restart the stage: the pupil heard before it still counts for the plan', () => {
    const opened = start(ID);
    const heard = send(opened, voice());
    const reminded = sendTimer(opened, heard, 'contactReminder');
    expect(stateOf(reminded)).toBe('open.firstTrigger.contactingHome');
    const planning = send(reminded, contacted());
    expect(stateOf(planning)).toBe('open.firstTrigger.planningThreeDays');
    expect(metaOf(planning).requiredDocuments).toContain('pupil-voice');
    expect(stageDocuments(ctx(planning)).map((d) => d.kind)).toEqual(['pupil-voice', 'contact-log']);
    expect(stateOf(send(planning, plan()))).toBe('open.firstTrigger.followingPlan');
  });

  test('[C.2.2] informing staff on the grade, the principal and the resource team is accepted at any stage without moving the case', () => {
    const opened = start(ID);
    expect(effects(opened)).toEqual([expect.objectContaining({ type: 'notifyStaff', params: { roles: ['contact-teacher'], about: 'case-opened' } })]);
    const informed = ev('staff.informed', { recipients: ['teacher-team', 'principal', 'resource-team'] });
    expect(opened.snapshot.can(informed)).toBe(true);
    expect(stateOf(send(opened, informed))).toBe('open.firstTrigger.contactingHome');
    expect(toPlanning().snapshot.can(informed)).toBe(true);
  });
});

describe('phase 3: new trigger', () => {
  test('[C.3] a new trigger during the three-day plan or after it moves the case to phase 3 and tells the principal', () => {
    const during = sendAll(start(ID), [contacted(), voice(), plan()]);
    const moved = send(during, newTrigger());
    expect(stateOf(moved)).toBe('open.newTrigger.contactingHome');
    expect(effects(moved)).toContainEqual(
      expect.objectContaining({ type: 'notifyStaff', params: { roles: ['principal', 'contact-teacher'], about: 'new-trigger' } }),
    );
    expect(ctx(moved).triggers).toHaveLength(2);
    const after = fire(during, 'threeDayPlanPeriod');
    expect(stateOf(send(after, newTrigger()))).toBe('open.newTrigger.contactingHome');
  });

  test("[C.3.1] new or recurring illness closes the case with the guardians' approval, documented", () => {
    let s = send(sendAll(start(ID), [contacted(), voice(), plan()]), newTrigger());
    s = send(s, contacted('illness'));
    expect(stateOf(s)).toBe('open.newTrigger.confirmingIllness');
    s = send(s, ev('illness.confirmed', { recurring: true, guardiansApproveClosing: true, documentRef: 'ill-3' }));
    expect(stateOf(s)).toBe('closed');
    expect(ctx(s).documents.filter((d) => d.eventType === 'illness.confirmed')).toHaveLength(1);
  });

  test('[C.3.2a] otherwise the principal calls leadership, contact teacher, guardians and pupil to a meeting at once', () => {
    let s = send(sendAll(start(ID), [contacted(), voice(), plan()]), newTrigger());
    s = send(s, contacted('home-related'));
    expect(stateOf(s)).toBe('open.newTrigger.meetingCalled');
    expect(metaOf(s).responsible).toEqual(['principal']);
    expect(effects(s)).toContainEqual(
      expect.objectContaining({
        type: 'scheduleMeeting',
        params: { meeting: 'leadership-meeting', participants: ['principal', 'school-leadership', 'contact-teacher', 'guardians', 'pupil'], withinDays: 0 },
      }),
    );
    expect(delayOf(s, 'meetingCalledImmediately')).toBe(2 * MS_PER_DAY);
    // Another kind of meeting does not count as the one the principal called.
    const other = ev('meeting.held', { meeting: 'pupil-conversation', participants: ['contact-teacher', 'pupil'], pupilPresent: true, minutesRef: 'm' });
    expect(s.snapshot.can(other)).toBe(false);
  });

  test('[C.3.2b] the pupil takes part in the meeting: the plan waits for the pupil heard there, not only in phase 2', () => {
    const s = send(toPlanning(), mappingForm());
    expect(ctx(s).pupilVoiceRecorded).toBe(true); // heard for the three-day plan
    expect(metaOf(s).requiredDocuments).toContain('pupil-voice');
    expect(s.snapshot.can(plan('2026-10-08', '2026-09-24T12:00:00Z'))).toBe(false);
    expect(stateOf(sendAll(s, [voice(), plan('2026-10-08', '2026-09-24T12:00:00Z')]))).toBe('open.newTrigger.measuresInProgress');
  });

  test('[C.3.2a] the reminder for the meeting called at once does not restart its stage', () => {
    const called = send(send(sendAll(start(ID), [contacted(), voice(), plan()]), newTrigger()), contacted('home-related'));
    let s = send(called, voice());
    s = sendTimer(called, s, 'meetingCalledImmediately');
    expect(stateOf(s)).toBe('open.newTrigger.meetingCalled');
    expect(stageDocuments(ctx(s)).map((d) => d.kind)).toEqual(['pupil-voice']);
    s = sendAll(s, [leadershipMeeting(), mappingForm()]);
    expect(stateOf(send(s, plan('2026-10-08', '2026-09-24T12:00:00Z')))).toBe('open.newTrigger.measuresInProgress');
  });

  test('[C.3.2b] the plan cannot be made before the minutes and the mapping form are on file', () => {
    const s = send(toPlanning(), voice());
    expect(stateOf(s)).toBe('open.newTrigger.planning');
    expect(metaOf(s).requiredDocuments).toEqual(expect.arrayContaining(['minutes', 'mapping-form']));
    expect(s.snapshot.can(plan('2026-10-08', '2026-09-24T12:00:00Z'))).toBe(false);
    const mapped = send(s, mappingForm());
    expect(mapped.snapshot.can(plan('2026-10-08', '2026-09-24T12:00:00Z'))).toBe(true);
  });

  test('[C.3.2c] the measures plan sets a follow-up meeting no later than three weeks ahead, and the timer runs to that date', () => {
    const s = sendAll(toPlanning(), [voice(), mappingForm()]);
    expect(s.snapshot.can(plan('2026-10-20', '2026-09-24T12:00:00Z'))).toBe(false); // 26 days: too late
    const agreed = send(s, plan('2026-10-08', '2026-09-24T12:00:00Z'));
    expect(stateOf(agreed)).toBe('open.newTrigger.measuresInProgress');
    expect(delayOf(agreed, 'followUpMeetingWithinThreeWeeks')).toBe(Date.parse('2026-10-08T00:00:00Z') - Date.parse('2026-09-24T12:00:00Z'));
    expect(effects(agreed).map((e) => e.type)).toEqual(expect.arrayContaining(['notifyGuardians', 'scheduleMeeting']));
    const due = fire(agreed, 'followUpMeetingWithinThreeWeeks');
    expect(stateOf(due)).toBe('open.newTrigger.followUpDue');
    expect(effects(due)).toContainEqual(expect.objectContaining({ type: 'remindResponsible', params: { roles: ['principal'], about: 'evaluate-measures' } }));
  });

  test('[C.3.3a] a follow-up meeting with clearly lower absence leads to monitoring and then closing', () => {
    let s = sendAll(toPlanning(), [voice(), mappingForm(), plan('2026-10-08', '2026-09-24T12:00:00Z')]);
    s = fire(s, 'followUpMeetingWithinThreeWeeks');
    s = send(s, evaluation('improved'));
    expect(stateOf(s)).toBe('open.monitoring');
    s = fire(s, 'monitoringPeriod');
    expect(stateOf(s)).toBe('open.closingDue');
    s = send(s, closing());
    expect(stateOf(s)).toBe('closed');
    expect(s.snapshot.status).toBe('done');
  });

  test('[C.3.3b] otherwise further measures are agreed under the principal and evaluated again', () => {
    let s = sendAll(toPlanning(), [voice(), mappingForm(), plan('2026-10-08', '2026-09-24T12:00:00Z')]);
    s = send(fire(s, 'followUpMeetingWithinThreeWeeks'), evaluation('unchanged'));
    expect(stateOf(s)).toBe('open.newTrigger.furtherMeasures');
    expect(metaOf(s).responsible).toEqual(['principal']);
    s = send(s, plan('2026-10-29', '2026-10-08T12:00:00Z'));
    expect(stateOf(s)).toBe('open.newTrigger.measuresInProgress');
    expect(ctx(s).evaluationDate).toBe('2026-10-29');
  });
});

describe('national guidance (Udir)', () => {
  test('[D.2] measures are refused until the pupil has been heard, directly or through a trusted adult', () => {
    const s = send(start(ID), contacted());
    const before = s.snapshot;
    expect(s.snapshot.can(plan())).toBe(false);
    const refused = send(s, plan());
    expect(refused.snapshot.value).toEqual(before.value);
    expect(refused.snapshot.context).toEqual(before.context);
    const heard = send(s, ev('pupilVoice.recorded', { via: 'trusted-adult', documentRef: 'voice-2' }));
    expect(heard.snapshot.can(plan())).toBe(true);
  });

  test('[D.3] follow-up continues after absence improves: a new trigger during monitoring reopens phase 3, closing needs a note', () => {
    const monitoring = fire(sendAll(start(ID), [contacted(), voice(), plan()]), 'threeDayPlanPeriod');
    expect(metaOf(monitoring).stage).toBe('monitoring');
    expect(monitoring.snapshot.can(closing())).toBe(false);
    expect(stateOf(send(monitoring, newTrigger()))).toBe('open.newTrigger.contactingHome');
    expect(delayOf(monitoring, 'monitoringPeriod')).toBe(30 * MS_PER_DAY);
  });
});

describe('national rules on child welfare and BUP', () => {
  const suspicion = () => ev('suspicion.raised', { kind: 'neglect', documentRef: 'suspicion-1' });
  const referral = (service: 'ppt' | 'bup' | 'child-welfare', role: 'principal' | 'doctor' = 'principal') =>
    ev('referral.sent', { service, documentRef: `referral-${service}` }, { role });

  test('[E.CW1] while a suspicion of harm waits for child welfare, no plan or referral elsewhere is accepted', () => {
    const waiting = sendAll(start(ID), [contacted(), voice(), suspicion()]);
    expect(stateOf(waiting)).toBe('open.firstTrigger.planningThreeDays');
    expect(waiting.snapshot.can(plan())).toBe(false);
    expect(waiting.snapshot.can(referral('ppt'))).toBe(false);
    // Child welfare itself is always the first call, by consultation, report or referral.
    expect(waiting.snapshot.can(referral('child-welfare'))).toBe(true);
    expect(waiting.snapshot.can(ev('concern.reported', { documentRef: 'concern-1' }, { role: 'principal' }))).toBe(true);
    const consulted = send(waiting, ev('childWelfare.consulted', { advice: 'school-continues', documentRef: 'cw-1' }, { role: 'principal' }));
    expect(ctx(consulted).childWelfareConsulted).toBe(true);
    expect(stateOf(send(consulted, plan()))).toBe('open.firstTrigger.followingPlan');
    expect(consulted.snapshot.can(referral('ppt'))).toBe(true);
  });

  test('[E.CW1] the meeting\'s plan also waits for child welfare', () => {
    const s = sendAll(toPlanning(), [mappingForm(), voice(), suspicion()]);
    expect(s.snapshot.can(plan('2026-10-08', '2026-09-24T12:00:00Z'))).toBe(false);
    const reported = send(s, ev('concern.reported', { documentRef: 'concern-1' }, { role: 'principal' }));
    expect(reported.snapshot.can(plan('2026-10-08', '2026-09-24T12:00:00Z'))).toBe(true);
  });

  test('[E.BUP1] a BUP referral needs municipal measures tried and evaluated, the guardians\' consent, and a GP, psychologist or child welfare to send it', () => {
    const consent = ev('consent.given', { service: 'bup', documentRef: 'consent-bup' }, { role: 'guardians' });
    // A plan was made, but not yet evaluated.
    const agreed = sendAll(toPlanning(), [mappingForm(), voice(), plan('2026-10-08', '2026-09-24T12:00:00Z')]);
    const planned = send(agreed, consent);
    expect(planned.snapshot.can(referral('bup', 'doctor'))).toBe(false);
    const evaluated = send(sendTimer(agreed, planned, 'followUpMeetingWithinThreeWeeks'), evaluation('unchanged'));
    expect(stateOf(evaluated)).toBe('open.newTrigger.furtherMeasures');
    expect(evaluated.snapshot.can(referral('bup', 'principal'))).toBe(false);
    expect(send(evaluated, referral('bup', 'doctor')).snapshot.context.referrals).toEqual(['bup']);
    const withdrawn = send(evaluated, ev('consent.withdrawn', { service: 'bup', documentRef: 'withdrawn-bup' }, { role: 'guardians' }));
    expect(withdrawn.snapshot.can(referral('bup', 'doctor'))).toBe(false);
  });
});

describe('refusals, policy and structure', () => {
  test.each([
    ['an evaluation before any measures', () => start(ID), () => evaluation('improved')],
    ['closing an open case without a reason it allows', () => start(ID), () => closing()],
    ['a leadership meeting before the new trigger', () => start(ID), () => leadershipMeeting()],
  ])('%s is refused and changes nothing', (_name, make, event) => {
    const s = make();
    expect(s.snapshot.can(event())).toBe(false);
    const after = send(s, event());
    expect(after.snapshot.value).toEqual(s.snapshot.value);
    expect(after.snapshot.context).toEqual(s.snapshot.context);
  });

  test('a pupil who moves closes the case from any open stage', () => {
    const moved = ev('case.closed', { reason: 'pupil-moved', note: 'Flyttet til annen kommune.', documentRef: 'closing-2' });
    expect(stateOf(send(start(ID), moved))).toBe('closed');
    expect(stateOf(send(toPlanning(), moved))).toBe('closed');
  });

  test('policy overrides change the delays without touching the chart', () => {
    const s = start(ID, {}, { contactReminderDays: 2, threeDayPlanDays: 5, monitoringDays: 60 });
    expect(delayOf(s, 'contactReminder')).toBe(2 * MS_PER_DAY);
    const following = sendAll(s, [contacted(), voice(), plan()]);
    expect(delayOf(following, 'threeDayPlanPeriod')).toBe(5 * MS_PER_DAY);
    expect(delayOf(fire(following, 'threeDayPlanPeriod'), 'monitoringPeriod')).toBe(60 * MS_PER_DAY);
  });

  test('a shorter follow-up limit tightens the plan guard', () => {
    let s = start(ID, {}, { followUpMeetingWithinDays: 14 });
    s = sendAll(s, [contacted(), voice(), plan(), newTrigger(), contacted('home-related'), leadershipMeeting(), mappingForm(), voice()]);
    expect(s.snapshot.can(plan('2026-10-15', '2026-09-24T12:00:00Z'))).toBe(false); // 21 days > 14
    expect(s.snapshot.can(plan('2026-10-07', '2026-09-24T12:00:00Z'))).toBe(true);
  });

  test('an unknown or invalid policy field is refused with its name', () => {
    expect(() => start(ID, {}, { followUpWithinDays: 14 })).toThrow(InvalidPolicyError);
    expect(() => start(ID, {}, { followUpWithinDays: 14 })).toThrow(/followUpWithinDays/);
    expect(() => start(ID, {}, { monitoringDays: 0 })).toThrow(/monitoringDays/);
  });

  test('the longest route: first trigger, plan, new trigger, meeting, two rounds of measures, monitoring, closed', () => {
    let s = start(ID);
    s = sendAll(s, [contacted(), voice(), plan()]);
    s = fire(s, 'threeDayPlanPeriod');
    s = sendAll(s, [newTrigger(), contacted('illness')]);
    s = send(s, ev('illness.confirmed', { recurring: true, guardiansApproveClosing: false, documentRef: 'ill-4' }));
    expect(stateOf(s)).toBe('open.newTrigger.meetingCalled');
    s = fire(s, 'meetingCalledImmediately');
    s = sendAll(s, [leadershipMeeting(), mappingForm(), voice(), plan('2026-10-08', '2026-09-24T12:00:00Z')]);
    s = send(fire(s, 'followUpMeetingWithinThreeWeeks'), evaluation('worse'));
    s = send(s, plan('2026-10-29', '2026-10-08T12:00:00Z'));
    s = send(fire(s, 'followUpMeetingWithinThreeWeeks'), evaluation('improved'));
    s = send(fire(s, 'monitoringPeriod'), closing());
    expect(stateOf(s)).toBe('closed');
    expect(ctx(s).evaluations).toBe(2);
    expect(ctx(s).documents.map((d) => d.kind)).toEqual(
      expect.arrayContaining(['contact-log', 'pupil-voice', 'measures-plan', 'minutes', 'mapping-form', 'evaluation', 'closing-note']),
    );
  });
});
