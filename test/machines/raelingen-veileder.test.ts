/**
 * Pure machine tests for Rælingen's school routine (procedure E, seed 004) with the national
 * guidance (D). Each test whose name starts with a clause id in brackets checks that clause; the
 * traceability table collects them from these names.
 */
import { readFileSync } from 'node:fs';
import type { AnyStateNode } from 'xstate';
import type { CaseContext } from '../../machines/case-context';
import { MS_PER_DAY } from '../../machines/durations';
import type { CaseEvent, CaseEventOf } from '../../machines/events';
import type { StateMeta } from '../../machines/meta';
import { InvalidPolicyError } from '../../machines/policy';
import {
  RAELINGEN_ID,
  type RaelingenPolicy,
  raelingenClauses,
  raelingenMachine,
  raelingenOpeningRules,
  raelingenPolicySchema,
} from '../../machines/raelingen-veileder';
import { ProcedureError, getProcedure } from '../../machines/registry';
import type { Role } from '../../machines/vocabulary';
import { type Step, effects, ev, fire, scheduled, send, sendAll, start, stateOf, metaOf } from './harness';

const DAY = MS_PER_DAY;
const HOUR = 60 * 60 * 1000;

/** Over 8 days: worrying absence that opens a case and requires mapping form 1. */
const WORRYING = { rule: 'days-or-lessons-over-limit', dates: ['2026-08-24', '2026-09-04'], days: 9, lessons: 4 };

function open(facts: Record<string, unknown> = {}, policy?: unknown): Step {
  return start(RAELINGEN_ID, { trigger: WORRYING, ...facts }, policy);
}

/** Effects of the last transition as plain { type, params }. */
const fx = (step: Step) => effects(step).map(({ type, params }) => ({ type, params }));
const delayOf = (step: Step, name: string) => scheduled(step).find((s) => s.id.includes(`.${name}.`))?.delay;

/** Sends a delayed event that an earlier step scheduled to the current snapshot. */
function fireFrom(scheduler: Step, current: Step, delayName: string): Step {
  const timer = scheduled(scheduler).find((s) => s.id.includes(`.${delayName}.`));
  if (!timer) throw new Error(`No timer ${delayName} in the scheduling step`);
  return send(current, timer.event);
}

/** The event is refused: `can` says no and sending it changes neither state nor context. */
function expectRefused(step: Step, event: CaseEvent): void {
  expect(step.snapshot.can(event)).toBe(false);
  const next = send(step, event);
  expect(next.snapshot.value).toEqual(step.snapshot.value);
  expect(next.snapshot.context).toEqual(step.snapshot.context);
}

const at = (date: string, time = '08:00') => `${date}T${time}:00Z`;

const contacted = (cause: CaseEventOf<'guardians.contacted'>['cause'] = 'unknown') =>
  ev('guardians.contacted', { channel: 'phone', cause, documentRef: 'logg-1' });
const mapped = () => ev('mapping.completed', { form: 'absence-pattern', documentRef: 'kartlegging-1' });
const pupilHeard = () => ev('pupilVoice.recorded', { via: 'pupil', documentRef: 'elevstemme-1' });
const decidedWorrying = () => ev('escalation.decided', { reason: 'Fraværet øker', documentRef: 'beslutning-1' });
const meetingHeld = (meeting: CaseEventOf<'meeting.held'>['meeting'], options: { at?: string } = {}) =>
  ev('meeting.held', { meeting, participants: ['principal', 'guardians', 'pupil'], pupilPresent: true, minutesRef: `referat-${meeting}` }, options);
const agreement = (overrides: Partial<CaseEventOf<'cooperationAgreement.signed'>> = {}, options: { at?: string } = {}) =>
  ev(
    'cooperationAgreement.signed',
    { evaluationDate: '2026-09-25', signedBy: ['principal', 'guardians', 'pupil'], hasPlanB: true, documentRef: 'avtale-1', ...overrides },
    options,
  );
const evaluated = (outcome: CaseEventOf<'evaluation.held'>['outcome'], options: { at?: string } = {}) =>
  ev('evaluation.held', { outcome, minutesRef: 'evaluering-1' }, options);
const measures = (options: { at?: string } = {}) =>
  ev('measures.agreed', { measures: ['Fast voksen møter eleven ved skolestart'], evaluationDate: '2026-09-25', planRef: 'tiltak-1' }, options);
const consent = (service: CaseEventOf<'consent.given'>['service']) => ev('consent.given', { service, documentRef: `samtykke-${service}` });
const nurseTalk = (conclusion: CaseEventOf<'schoolNurse.conversationHeld'>['conclusion']) =>
  ev('schoolNurse.conversationHeld', { conclusion, documentRef: 'helsenotat-1' }, { role: 'school-nurse' });
const referral = (service: CaseEventOf<'referral.sent'>['service'], role: Role = 'principal') =>
  ev('referral.sent', { service, documentRef: `henvisning-${service}` }, { role });
const suspicion = (kind: CaseEventOf<'suspicion.raised'>['kind'] = 'neglect') =>
  ev('suspicion.raised', { kind, documentRef: 'mistanke-1' }, { role: 'contact-teacher' });
const consulted = (options: { at?: string } = {}) =>
  ev('childWelfare.consulted', { advice: 'school-continues', documentRef: 'barnevern-1' }, { role: 'principal', ...options });
const newTrigger = (trigger: Record<string, unknown>) => ev('absence.newTrigger', { trigger } as never, { role: 'system' });
const closed = (reason: CaseEventOf<'case.closed'>['reason']) => ev('case.closed', { reason, note: 'Begrunnelse', documentRef: 'avslutning-1' });

const toMapping = (step: Step = open()) => send(step, contacted());
const toCooperationMeeting = (step: Step = open()) => sendAll(toMapping(step), [mapped(), decidedWorrying()]);
const toMeasures = (step: Step = open()) => sendAll(toCooperationMeeting(step), [pupilHeard(), meetingHeld('cooperation-meeting'), agreement()]);
const toMonitoring = (step: Step = open()) => send(toMeasures(step), evaluated('improved'));
const toRevising = (step: Step = open()) => send(toMeasures(step), evaluated('unchanged'));

/** Agreement on 2026-09-07 08:00 UTC, evaluation date 2026-09-25: 17 days and 16 hours. */
const UNTIL_EVALUATION = 17 * DAY + 16 * HOUR;

describe('Rælingen school routine (procedure E)', () => {
  test('[E.S1] the first contact with the home explains the absence routine to the guardians', () => {
    const step = toMapping();
    expect(stateOf(step)).toBe('open.mapping');
    expect(fx(step)).toContainEqual({ type: 'notifyGuardians', params: { message: 'absence-routine' } });
  });

  test('[E.S2] the contact teacher is reminded every week to summarise absence while measures run', () => {
    const measuresStep = toMeasures();
    expect(stateOf(measuresStep)).toBe('open.measuresInProgress.weeklyFollowUp');
    expect(delayOf(measuresStep, 'weeklyAbsenceSummary')).toBe(7 * DAY);
    const week = fire(measuresStep, 'weeklyAbsenceSummary');
    expect(stateOf(week)).toBe('open.measuresInProgress.weeklyFollowUp');
    expect(fx(week)).toEqual([{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'monitor-attendance' } }]);
    // The weekly loop repeats without restarting the evaluation deadline.
    expect(delayOf(week, 'weeklyAbsenceSummary')).toBe(7 * DAY);
    expect(delayOf(week, 'evaluationWithinThreeWeeks')).toBeUndefined();
  });

  test('[E.S2] the weekly summary continues during monitoring', () => {
    const step = toMonitoring();
    expect(stateOf(step)).toBe('open.monitoring.weeklyFollowUp');
    expect(delayOf(step, 'weeklyAbsenceSummary')).toBe(7 * DAY);
  });

  test('[E.S3] suspected invalid absence is reported to leadership and the home must be contacted within a day', () => {
    const step = open({ trigger: { rule: 'suspected-invalid-absence', dates: ['2026-09-04'] } });
    expect(stateOf(step)).toBe('open.contactingHome');
    expect(fx(step)).toContainEqual({ type: 'notifyStaff', params: { roles: ['school-leadership', 'principal'], about: 'case-opened' } });
    expect(delayOf(step, 'homeContactedImmediately')).toBe(DAY);
    const reminded = fire(step, 'homeContactedImmediately');
    expect(stateOf(reminded)).toBe('open.contactingHome');
    expect(fx(reminded)).toEqual([{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } }]);
    expect(delayOf(reminded, 'homeContactedImmediately')).toBe(DAY);
  });

  const noticeMissing = (schoolDaysWithoutNotice: number) =>
    ev('absence.noticeMissing', { firstDay: '2026-09-07', schoolDaysWithoutNotice }, { role: 'system' });
  const contactDue = [
    { type: 'notifyGuardians', params: { message: 'absence-without-notice' } },
    { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } },
  ];

  test('[E.S4] in grades 1-7 the home is contacted on the first day of absence without notice', () => {
    const step = send(open({ grade: 4 }), noticeMissing(1));
    expect(fx(step)).toEqual(contactDue);
  });

  test('[E.S4] in grades 8-10 the guardians are contacted at the latest on the third day without notice', () => {
    const opened = open({ grade: 9 });
    expect(fx(send(opened, noticeMissing(1)))).toEqual([]);
    expect(fx(send(opened, noticeMissing(2)))).toEqual([]);
    expect(fx(send(opened, noticeMissing(3)))).toEqual(contactDue);
    // A municipality may ask lower secondary schools to call earlier.
    expect(fx(send(open({ grade: 9 }, { lowerSecondaryContactWithoutNoticeBySchoolDay: 2 }), noticeMissing(2)))).toEqual(contactDue);
  });

  test('[E.S5a] worrying absence opens a case reported to leadership; other procedures triggers are refused', () => {
    for (const rule of raelingenOpeningRules) {
      const step = open({ trigger: { rule, dates: ['2026-09-04'], days: 9 } });
      expect(stateOf(step)).toBe('open.contactingHome');
      expect(metaOf(step).responsible).toContain('contact-teacher');
    }
    expect(() => open({ trigger: { rule: 'consecutive-days', dates: ['2026-09-04'], days: 3 } })).toThrow(ProcedureError);
  });

  test('[E.S5b] mapping form 1 is requested and must be on file before decision B; other forms do not count', () => {
    const mapping = toMapping();
    expect(fx(mapping)).toContainEqual({ type: 'requestDocument', params: { kind: 'mapping-form', from: ['contact-teacher', 'principal'] } });
    expect(metaOf(mapping).requiredDocuments).toEqual(['mapping-form']);
    expectRefused(mapping, decidedWorrying());
    expectRefused(mapping, ev('mapping.completed', { form: 'psychosocial-environment', documentRef: 'annet-1' }));
    const withForm = send(mapping, mapped());
    expect(withForm.snapshot.context.documents.at(-1)).toMatchObject({ kind: 'mapping-form', ref: 'kartlegging-1' });
    expect(stateOf(send(withForm, decidedWorrying()))).toBe('open.cooperationMeeting');
  });

  test('[E.S6a] the guardians and pupil are invited to a conversation and a new meeting is due within a week', () => {
    const mapping = toMapping(open({ grade: 4 }));
    expect(fx(mapping)).toContainEqual({
      type: 'scheduleMeeting',
      params: { meeting: 'guardian-conversation', participants: ['principal', 'contact-teacher', 'guardians', 'pupil'], withinDays: 7 },
    });
    expect(delayOf(mapping, 'newMeetingWithinOneWeek')).toBe(7 * DAY);
    const reminded = fire(mapping, 'newMeetingWithinOneWeek');
    expect(stateOf(reminded)).toBe('open.mapping');
    expect(fx(reminded)).toEqual([{ type: 'remindResponsible', params: { roles: ['principal'], about: 'hold-meeting' } }]);
  });

  test('[E.S6a] measures can start on what the mapping shows once the pupil is heard', () => {
    const step = sendAll(toMapping(), [pupilHeard(), measures()]);
    expect(stateOf(step)).toBe('open.mapping');
    expect(step.snapshot.context.documents.at(-1)).toMatchObject({ kind: 'measures-plan' });
  });

  test('[E.S6b] UngdomsLOS is invited to meetings from grade 6 and not routinely below', () => {
    const invite = (grade: number) => fx(toMapping(open({ grade }))).find((e) => e.type === 'scheduleMeeting')?.params as { participants: Role[] };
    expect(invite(6).participants).toContain('ungdomslos');
    expect(invite(5).participants).not.toContain('ungdomslos');
  });

  test('[E.S6b] from grade 6 a meeting about the absence cannot be scheduled without UngdomsLOS', () => {
    const scheduledMeeting = (participants: Role[]) =>
      ev('meeting.scheduled', { meeting: 'multi-agency-meeting', scheduledFor: at('2026-09-10', '12:00'), participants });
    const grade7 = toMapping(open({ grade: 7 }));
    expectRefused(grade7, scheduledMeeting(['principal', 'guardians']));
    expect(grade7.snapshot.can(scheduledMeeting(['principal', 'guardians', 'ungdomslos']))).toBe(true);
    // By agreement only for younger pupils.
    expect(toMapping(open({ grade: 5 })).snapshot.can(scheduledMeeting(['principal', 'guardians']))).toBe(true);
  });

  test('[E.S6c] a multi-agency meeting during mapping is recorded without deciding the case', () => {
    const step = send(toMapping(), meetingHeld('multi-agency-meeting'));
    expect(stateOf(step)).toBe('open.mapping');
    expect(step.snapshot.context.documents.at(-1)).toMatchObject({ kind: 'minutes', ref: 'referat-multi-agency-meeting' });
  });

  test('[E.S7a] a natural explanation closes the case once the mapping form is on file', () => {
    const mapping = toMapping();
    expectRefused(mapping, closed('natural-explanation'));
    const done = sendAll(mapping, [mapped(), closed('natural-explanation')]);
    expect(stateOf(done)).toBe('closed');
    expect(done.snapshot.status).toBe('done');
    expect(fx(done)).toEqual([
      { type: 'notifyGuardians', params: { message: 'case-closed' } },
      { type: 'notifyStaff', params: { roles: ['contact-teacher', 'principal'], about: 'case-closed' } },
    ]);
  });

  test('[E.S7b] worrying absence calls a cooperation meeting with guardians, pupil and UngdomsLOS, and asks for consent', () => {
    const step = toCooperationMeeting(open({ grade: 9 }));
    expect(stateOf(step)).toBe('open.cooperationMeeting');
    expect(fx(step)).toEqual([
      {
        type: 'scheduleMeeting',
        params: { meeting: 'cooperation-meeting', participants: ['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos'], withinDays: 7 },
      },
      { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
      { type: 'requestDocument', params: { kind: 'consent', from: ['guardians'] } },
    ]);
    expect(delayOf(step, 'cooperationMeetingWithinOneWeek')).toBe(7 * DAY);
    expect(metaOf(step).stage).toBe('measures');
  });

  test('[E.S7c] the cooperation agreement needs the meeting, the pupil and guardians signatures, a plan B and an evaluation within three weeks', () => {
    const ready = sendAll(toCooperationMeeting(), [pupilHeard()]);
    expectRefused(ready, agreement()); // the meeting has not been held
    const met = send(ready, meetingHeld('cooperation-meeting'));
    expectRefused(met, agreement({ signedBy: ['principal', 'guardians'] }));
    expectRefused(met, agreement({ signedBy: ['guardians', 'pupil'] }));
    expectRefused(met, agreement({ hasPlanB: false }));
    expectRefused(met, agreement({ evaluationDate: '2026-09-29' })); // 21 days 16 hours ahead
    expectRefused(met, agreement({ evaluationDate: '2026-09-06' })); // before the agreement
    const signed = send(met, agreement());
    expect(stateOf(signed)).toBe('open.measuresInProgress.weeklyFollowUp');
    expect(signed.snapshot.context.evaluationDate).toBe('2026-09-25');
    expect(fx(signed)).toContainEqual({
      type: 'scheduleMeeting',
      params: { meeting: 'evaluation-meeting', participants: ['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos'], withinDays: 21 },
    });
  });

  test('[E.S7c] the pupil is heard in the cooperation meeting itself: a view from the mapping does not sign the agreement', () => {
    const meeting = sendAll(toMapping(), [mapped(), pupilHeard(), decidedWorrying(), meetingHeld('cooperation-meeting')]);
    expect(stateOf(meeting)).toBe('open.cooperationMeeting');
    expect(metaOf(meeting).requiredDocuments).toEqual(['minutes', 'pupil-voice', 'cooperation-agreement']);
    expectRefused(meeting, agreement());
    expect(stateOf(sendAll(meeting, [pupilHeard(), agreement()]))).toBe('open.measuresInProgress.weeklyFollowUp');
  });

  test('[E.S8] the school nurse needs consent, holds at most three conversations and must conclude by the third', () => {
    const mapping = toMapping();
    expectRefused(mapping, nurseTalk('undetermined'));
    const twice = sendAll(mapping, [consent('school-nurse'), nurseTalk('undetermined'), nurseTalk('undetermined')]);
    expect(twice.snapshot.context.nurseConversations).toBe(2);
    expectRefused(twice, nurseTalk('undetermined'));
    const concluded = send(twice, nurseTalk('no-medical-cause'));
    expect(concluded.snapshot.context.nurseConversations).toBe(3);
    expect(concluded.snapshot.context.documents.at(-1)).toMatchObject({ kind: 'health-note' });
    expectRefused(concluded, nurseTalk('medical-cause'));
  });

  test('[E.S8] a fourth school-nurse conversation is refused', () => {
    const three = sendAll(toMapping(), [consent('school-nurse'), nurseTalk('undetermined'), nurseTalk('undetermined'), nurseTalk('medical-cause')]);
    expectRefused(three, nurseTalk('no-medical-cause'));
  });

  test('[E.S9] a cause at school prompts the principal to consider PPT, and a PPT referral is recorded', () => {
    const mapping = send(open(), contacted('school-related'));
    expect(fx(mapping)).toContainEqual({ type: 'remindResponsible', params: { roles: ['principal'], about: 'decide-escalation' } });
    const inMapping = send(mapping, contacted('school-related'));
    expect(fx(inMapping)).toEqual([{ type: 'remindResponsible', params: { roles: ['principal'], about: 'decide-escalation' } }]);
    const referred = send(mapping, referral('ppt'));
    expect(referred.snapshot.context.referrals).toEqual(['ppt']);
    expect(stateOf(referred)).toBe('open.mapping');
  });

  test('[E.S10a] the evaluation is due on the agreed date within three weeks, with a reminder each week after', () => {
    const measuresStep = toMeasures();
    expect(delayOf(measuresStep, 'evaluationWithinThreeWeeks')).toBe(UNTIL_EVALUATION);
    const due = fire(measuresStep, 'evaluationWithinThreeWeeks');
    expect(stateOf(due)).toBe('open.evaluationDue');
    expect(metaOf(due).stage).toBe('evaluation');
    expect(fx(due)).toContainEqual({ type: 'remindResponsible', params: { roles: ['principal'], about: 'evaluate-measures' } });
    expect(delayOf(due, 'evaluationOverdueReminder')).toBe(7 * DAY);
    expect(stateOf(send(due, evaluated('improved')))).toBe('open.monitoring.weeklyFollowUp');
  });

  test('[E.S10b] after improvement the team may agree follow-up with a new evaluation', () => {
    const monitoring = toMonitoring();
    expect(stateOf(monitoring)).toBe('open.monitoring.weeklyFollowUp');
    const followUp = send(monitoring, agreement({ evaluationDate: '2026-09-28' }, { at: at('2026-09-14') }));
    expect(stateOf(followUp)).toBe('open.measuresInProgress.weeklyFollowUp');
    expect(delayOf(followUp, 'evaluationWithinThreeWeeks')).toBe(13 * DAY + 16 * HOUR);
  });

  test('[E.S10b] after improvement systematic follow-up ends when the monitoring period is over', () => {
    const due = fire(toMonitoring(), 'monitoringPeriod');
    expect(stateOf(due)).toBe('open.closingDue');
    expect(fx(due)).toContainEqual({ type: 'remindResponsible', params: { roles: ['contact-teacher', 'principal'], about: 'file-document' } });
    const done = send(due, closed('absence-improved'));
    expect(stateOf(done)).toBe('closed');
    expect(fx(done)).toContainEqual({ type: 'notifyGuardians', params: { message: 'case-closed' } });
  });

  test('[E.S10c] still worrying absence leads to new measures in a new agreement and a referral to consider', () => {
    const revising = toRevising();
    expect(stateOf(revising)).toBe('open.revisingMeasures');
    expect(fx(revising)).toContainEqual({ type: 'remindResponsible', params: { roles: ['principal'], about: 'decide-escalation' } });
    expect(delayOf(revising, 'revisedAgreementWithinOneWeek')).toBe(7 * DAY);
    const renewed = sendAll(revising, [pupilHeard(), agreement({ evaluationDate: '2026-10-01', documentRef: 'avtale-2' }, { at: at('2026-09-25') })]);
    expect(stateOf(renewed)).toBe('open.measuresInProgress.weeklyFollowUp');
    expect(delayOf(renewed, 'evaluationWithinThreeWeeks')).toBe(5 * DAY + 16 * HOUR);
  });

  test('[E.S10c] a new agreement after a still-worrying evaluation needs the pupil heard again, as the state requires', () => {
    const revising = toRevising();
    expect(metaOf(revising).requiredDocuments).toContain('pupil-voice');
    // The pupil was heard for the first agreement; the new one rests on the pupil's view of why it did not help.
    expect(revising.snapshot.context.pupilVoiceRecorded).toBe(true);
    const renewal = agreement({ evaluationDate: '2026-10-01', documentRef: 'avtale-2' }, { at: at('2026-09-25') });
    expectRefused(revising, renewal);
    expect(stateOf(sendAll(revising, [pupilHeard(), renewal]))).toBe('open.measuresInProgress.weeklyFollowUp');
  });

  test('[E.CW1] child welfare is consulted before any other measure on suspicion of neglect', () => {
    const meeting = sendAll(toCooperationMeeting(), [pupilHeard(), meetingHeld('cooperation-meeting')]);
    const waiting = send(meeting, suspicion('neglect'));
    expect(stateOf(waiting)).toBe('childWelfareFirst');
    expect(metaOf(waiting).stage).toBe('escalated');
    expect(fx(waiting)).toEqual([
      { type: 'notifyStaff', params: { roles: ['principal', 'school-leadership'], about: 'suspicion-raised' } },
      { type: 'remindResponsible', params: { roles: ['principal'], about: 'consult-child-welfare' } },
    ]);
    expect(delayOf(waiting, 'childWelfareConsultedFirst')).toBe(DAY);
    expectRefused(waiting, agreement());
    expectRefused(waiting, measures());
    expectRefused(waiting, referral('ppt'));
    expectRefused(waiting, referral('bup', 'doctor'));
    expectRefused(waiting, nurseTalk('undetermined'));
    // Reporting to child welfare itself is always possible.
    expect(stateOf(send(waiting, referral('child-welfare')))).toBe('childWelfareFirst');
    const back = send(waiting, consulted());
    expect(stateOf(back)).toBe('open.cooperationMeeting');
    // The stage restarts: the agreement rests on a meeting held, and the pupil heard, after the consultation.
    expectRefused(back, agreement());
    expectRefused(send(back, meetingHeld('cooperation-meeting')), agreement());
    expect(stateOf(sendAll(back, [meetingHeld('cooperation-meeting'), pupilHeard(), agreement()]))).toBe('open.measuresInProgress.weeklyFollowUp');
  });

  test('[E.CW1] every kind of suspicion makes child welfare the first call, from any open stage', () => {
    const kinds = ['violence', 'abuse', 'neglect', 'guardian-substance-abuse', 'serious-behaviour'] as const;
    for (const kind of kinds) expect(stateOf(send(open(), suspicion(kind)))).toBe('childWelfareFirst');
    expect(stateOf(send(toMonitoring(), suspicion()))).toBe('childWelfareFirst');
  });

  test('[E.CW1] after consultation or a report of concern the case returns to the stage it had reached', () => {
    const report = () => ev('concern.reported', { documentRef: 'bekymringsmelding-1' }, { role: 'principal' });
    expect(stateOf(sendAll(open(), [suspicion(), report()]))).toBe('open.contactingHome');
    expect(stateOf(sendAll(toMapping(), [suspicion(), report()]))).toBe('open.mapping');
    expect(stateOf(sendAll(toRevising(), [suspicion(), consulted()]))).toBe('open.revisingMeasures');
    expect(stateOf(sendAll(toMonitoring(), [suspicion(), consulted()]))).toBe('open.monitoring.weeklyFollowUp');
    // Back in measures, the evaluation timer counts from the consultation to the agreed date.
    const measuresBack = sendAll(toMeasures(), [suspicion(), consulted({ at: at('2026-09-10') })]);
    expect(stateOf(measuresBack)).toBe('open.measuresInProgress.weeklyFollowUp');
    expect(delayOf(measuresBack, 'evaluationWithinThreeWeeks')).toBe(14 * DAY + 16 * HOUR);
  });

  test('[E.CW2] when the measures do not improve absence the principal is reminded to contact child welfare', () => {
    expect(fx(toRevising())).toContainEqual({ type: 'remindResponsible', params: { roles: ['principal'], about: 'consult-child-welfare' } });
    // Improvement that does not last: the absence comes back during monitoring.
    const relapse = send(toMonitoring(), newTrigger({ rule: 'suspected-invalid-absence', dates: ['2026-10-01'] }));
    expect(stateOf(relapse)).toBe('open.evaluationDue');
    expect(fx(send(relapse, evaluated('worse')))).toContainEqual({
      type: 'remindResponsible',
      params: { roles: ['principal'], about: 'consult-child-welfare' },
    });
  });

  test('[E.BUP1] a BUP referral is refused before municipal measures have been tried', () => {
    const step = sendAll(toCooperationMeeting(), [consent('bup')]);
    expectRefused(step, referral('bup', 'doctor'));
    // An agreement alone is not enough: it must also have been evaluated.
    const measuresStep = sendAll(toMeasures(), [consent('bup')]);
    expectRefused(measuresStep, referral('bup', 'doctor'));
  });

  test('[E.BUP1] a BUP referral is refused without the guardians consent, and allowed with it from GP or child welfare', () => {
    const revising = toRevising();
    expectRefused(revising, referral('bup', 'doctor'));
    const withConsent = send(revising, consent('bup'));
    expectRefused(withConsent, referral('bup', 'principal')); // the school does not refer to BUP itself
    const referred = send(withConsent, referral('bup', 'doctor'));
    expect(referred.snapshot.context.referrals).toEqual(['bup']);
    expect(stateOf(referred)).toBe('open.revisingMeasures');
    expect(send(withConsent, referral('bup', 'child-welfare')).snapshot.context.referrals).toEqual(['bup']);
    // Consent withdrawn: refused again.
    expectRefused(send(withConsent, ev('consent.withdrawn', { service: 'bup', documentRef: 'trukket-1' })), referral('bup', 'doctor'));
  });

  test('[E.NAV1] NAV joins the meetings of a grade 10 pupil with invalid absence, not otherwise', () => {
    const participants = (step: Step) => (fx(step).find((e) => e.type === 'scheduleMeeting')?.params as { participants: Role[] }).participants;
    expect(participants(toMapping(open({ grade: 10 })))).toEqual(['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos', 'nav']);
    expect(participants(toCooperationMeeting(open({ grade: 10 })))).toContain('nav');
    expect(participants(toMapping(open({ grade: 9 })))).not.toContain('nav');
    const validOnly = open({ grade: 10, trigger: { rule: 'valid-absence-half-year', dates: ['2026-09-04'], days: 10 } });
    expect(participants(toMapping(validOnly))).not.toContain('nav');
  });

  test('[E.DS] the danger signs open a case, and a danger sign after improvement calls an evaluation at once', () => {
    expect([...raelingenOpeningRules].sort()).toEqual(
      ['days-or-lessons-over-limit', 'left-during-day', 'late-arrivals', 'staff-concern', 'suspected-invalid-absence', 'unnotified-absence', 'valid-absence-half-year'].sort(),
    );
    const relapse = send(toMonitoring(), newTrigger({ rule: 'late-arrivals', dates: ['2026-10-01', '2026-10-02'] }));
    expect(stateOf(relapse)).toBe('open.evaluationDue');
    expect(fx(relapse)).toContainEqual({ type: 'notifyStaff', params: { roles: ['principal', 'contact-teacher'], about: 'new-trigger' } });
    expect(fx(relapse)).toContainEqual({ type: 'notifyGuardians', params: { message: 'meeting-invitation' } });
  });

  test('[E.DS] counted signs move the case only at the policy thresholds', () => {
    const monitoring = toMonitoring();
    const eightDays = send(monitoring, newTrigger({ rule: 'days-or-lessons-over-limit', dates: ['2026-10-01'], days: 8 }));
    expect(stateOf(eightDays)).toBe('open.monitoring.weeklyFollowUp');
    expect(eightDays.snapshot.context.triggers).toHaveLength(2);
    expect(stateOf(send(monitoring, newTrigger({ rule: 'days-or-lessons-over-limit', dates: ['2026-10-01'], lessons: 11 })))).toBe('open.evaluationDue');
    expect(stateOf(send(monitoring, newTrigger({ rule: 'valid-absence-half-year', dates: ['2026-10-01'], days: 6 })))).toBe(
      'open.monitoring.weeklyFollowUp',
    );
    const stricter = toMonitoring(open({}, { validAbsenceDaysPerHalfYear: 5 }));
    expect(stateOf(send(stricter, newTrigger({ rule: 'valid-absence-half-year', dates: ['2026-10-01'], days: 6 })))).toBe('open.evaluationDue');
  });

  test('[D.2] measures cannot be agreed before the pupil voice is recorded', () => {
    expectRefused(toMapping(), measures());
  });

  test('[D.2] a cooperation agreement cannot be signed before the pupil voice is recorded', () => {
    const met = send(toCooperationMeeting(), meetingHeld('cooperation-meeting'));
    expectRefused(met, agreement());
    const heard = send(met, ev('pupilVoice.recorded', { via: 'trusted-adult', documentRef: 'elevstemme-2' }));
    expect(stateOf(send(heard, agreement()))).toBe('open.measuresInProgress.weeklyFollowUp');
  });

  test('[D.3] follow-up continues for the monitoring period before an improved case can close', () => {
    const monitoring = toMonitoring();
    expect(metaOf(monitoring).stage).toBe('monitoring');
    expect(delayOf(monitoring, 'monitoringPeriod')).toBe(21 * DAY);
    expectRefused(monitoring, closed('absence-improved'));
    const due = fire(monitoring, 'monitoringPeriod');
    expect(metaOf(due).requiredDocuments).toEqual(['closing-note']);
    expect(stateOf(send(due, closed('absence-improved')))).toBe('closed');
  });
});

describe('refused events leave the case unchanged', () => {
  test('measures before the pupil voice', () => {
    expectRefused(toMapping(), measures());
  });

  test('a fourth school-nurse conversation', () => {
    const three = sendAll(toMeasures(), [consent('school-nurse'), nurseTalk('undetermined'), nurseTalk('undetermined'), nurseTalk('no-medical-cause')]);
    expectRefused(three, nurseTalk('undetermined'));
  });

  test('a BUP referral without consent', () => {
    expectRefused(toRevising(), referral('bup', 'doctor'));
  });

  test('a BUP referral without prior measures', () => {
    expectRefused(send(toMapping(), consent('bup')), referral('bup', 'doctor'));
  });

  test('a cooperation agreement while child welfare has not been consulted after a suspicion', () => {
    const met = sendAll(toCooperationMeeting(), [pupilHeard(), meetingHeld('cooperation-meeting'), suspicion('violence')]);
    expectRefused(met, agreement());
  });

  test('closing on a natural explanation once measures are running', () => {
    expectRefused(toMeasures(), closed('natural-explanation'));
  });

  test('events after the case is closed', () => {
    const done = sendAll(toMapping(), [mapped(), closed('natural-explanation')]);
    expect(send(done, pupilHeard()).snapshot.context).toEqual(done.snapshot.context);
  });
});

describe('policy', () => {
  test('overrides change the delays', () => {
    const policy = {
      homeContactReminderDays: 2,
      meetingWithinDays: 5,
      weeklySummaryDays: 14,
      monitoringDays: 30,
      childWelfareReminderDays: 3,
    };
    const opened = open({}, policy);
    expect(delayOf(opened, 'homeContactedImmediately')).toBe(2 * DAY);
    expect(delayOf(toMapping(opened), 'newMeetingWithinOneWeek')).toBe(5 * DAY);
    expect(delayOf(toMeasures(opened), 'weeklyAbsenceSummary')).toBe(14 * DAY);
    expect(delayOf(toMonitoring(opened), 'monitoringPeriod')).toBe(30 * DAY);
    expect(delayOf(send(opened, suspicion()), 'childWelfareConsultedFirst')).toBe(3 * DAY);
  });

  test('a shorter evaluation limit refuses a later evaluation date', () => {
    const met = sendAll(toCooperationMeeting(open({}, { evaluationWithinDays: 14 })), [pupilHeard(), meetingHeld('cooperation-meeting')]);
    expectRefused(met, agreement({ evaluationDate: '2026-09-25' }));
    expect(stateOf(send(met, agreement({ evaluationDate: '2026-09-21' })))).toBe('open.measuresInProgress.weeklyFollowUp');
  });

  test('the school nurse maximum can be changed', () => {
    const one = sendAll(toMapping(open({}, { maxSchoolNurseConversations: 1 })), [consent('school-nurse')]);
    expectRefused(one, nurseTalk('undetermined'));
    expectRefused(send(one, nurseTalk('medical-cause')), nurseTalk('medical-cause'));
  });

  test('the defaults are the seed values', () => {
    expect(raelingenPolicySchema.parse({})).toEqual({
      worryingAbsenceOverDays: 8,
      worryingAbsenceOverLessons: 10,
      validAbsenceDaysPerHalfYear: 10,
      lowerSecondaryFromGrade: 8,
      primaryContactWithoutNoticeBySchoolDay: 1,
      lowerSecondaryContactWithoutNoticeBySchoolDay: 3,
      homeContactReminderDays: 1,
      meetingWithinDays: 7,
      evaluationWithinDays: 21,
      maxSchoolNurseConversations: 3,
      ungdomsLosFromGrade: 6,
      navGrade: 10,
      weeklySummaryDays: 7,
      monitoringDays: 21,
      childWelfareReminderDays: 1,
    });
  });

  test('an unknown policy field is refused, naming it', () => {
    expect(() => open({}, { evaluationWithinWeeks: 3 })).toThrow(InvalidPolicyError);
    expect(() => open({}, { evaluationWithinWeeks: 3 })).toThrow(/evaluationWithinWeeks/);
    expect(() => open({}, { maxSchoolNurseConversations: 0 })).toThrow(/maxSchoolNurseConversations/);
  });
});

describe('the whole route', () => {
  test('the longest route: reminder, suspicion, two agreements, relapse and closing', () => {
    let step = open({ grade: 10 });
    step = fire(step, 'homeContactedImmediately');
    expect(stateOf(step)).toBe('open.contactingHome');
    step = send(step, contacted('school-related'));
    expect(stateOf(step)).toBe('open.mapping');
    step = sendAll(step, [mapped(), meetingHeld('guardian-conversation'), suspicion('guardian-substance-abuse')]);
    expect(stateOf(step)).toBe('childWelfareFirst');
    step = send(step, consulted());
    expect(stateOf(step)).toBe('open.mapping');
    step = sendAll(step, [mapped(), pupilHeard(), consent('school-nurse'), nurseTalk('no-medical-cause'), referral('ppt'), decidedWorrying()]);
    expect(stateOf(step)).toBe('open.cooperationMeeting');
    step = sendAll(step, [meetingHeld('cooperation-meeting'), pupilHeard(), agreement()]);
    const firstAgreement = step;
    expect(stateOf(step)).toBe('open.measuresInProgress.weeklyFollowUp');
    step = fire(step, 'weeklyAbsenceSummary');
    step = fireFrom(firstAgreement, step, 'evaluationWithinThreeWeeks');
    expect(stateOf(step)).toBe('open.evaluationDue');
    step = send(step, evaluated('unchanged', { at: at('2026-09-25') }));
    expect(stateOf(step)).toBe('open.revisingMeasures');
    step = sendAll(step, [
      consent('bup'),
      referral('bup', 'doctor'),
      pupilHeard(),
      agreement({ evaluationDate: '2026-10-09', documentRef: 'avtale-2' }, { at: at('2026-09-28') }),
    ]);
    expect(stateOf(step)).toBe('open.measuresInProgress.weeklyFollowUp');
    step = send(step, evaluated('improved', { at: at('2026-10-09') }));
    expect(stateOf(step)).toBe('open.monitoring.weeklyFollowUp');
    step = send(step, newTrigger({ rule: 'left-during-day', dates: ['2026-10-14'] }));
    expect(stateOf(step)).toBe('open.evaluationDue');
    step = send(step, evaluated('improved', { at: at('2026-10-16') }));
    step = fire(step, 'monitoringPeriod');
    expect(stateOf(step)).toBe('open.closingDue');
    step = send(step, closed('absence-improved'));
    expect(stateOf(step)).toBe('closed');
    expect(step.snapshot.status).toBe('done');
    const context = step.snapshot.context as CaseContext<RaelingenPolicy>;
    expect(context.referrals).toEqual(['ppt', 'bup']);
    expect(context.evaluations).toBe(3);
    expect(context.suspicions).toEqual(['guardian-substance-abuse']);
    expect(context.documents.map((d) => d.kind)).toEqual(
      expect.arrayContaining(['contact-log', 'mapping-form', 'suspicion-note', 'cooperation-agreement', 'evaluation', 'referral', 'health-note', 'closing-note']),
    );
  });
});

describe('structure', () => {
  const nodes: AnyStateNode[] = [];
  const collect = (node: AnyStateNode) => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      nodes.push(child);
      collect(child);
    }
  };
  collect(raelingenMachine.root);
  const clauseIds = new Set(raelingenClauses.map((c) => c.id));

  test('every state has meta with a Norwegian label, a stage and known clauses', () => {
    expect(nodes.length).toBeGreaterThan(10);
    for (const node of nodes) {
      const meta = node.meta as StateMeta | undefined;
      expect(meta).toBeDefined();
      expect(meta?.label.trim().length).toBeGreaterThan(0);
      expect(meta?.label).not.toBe(node.key);
      expect(['identification', 'measures', 'evaluation', 'escalated', 'monitoring', 'closed']).toContain(meta?.stage);
      for (const id of meta?.clauses ?? []) expect(clauseIds).toContain(id);
    }
  });

  test('no dead ends: every open leaf has a way out', () => {
    const exits = (node: AnyStateNode): number => {
      let count = 0;
      for (let n: AnyStateNode | undefined = node; n && n !== raelingenMachine.root; n = n.parent) {
        for (const defs of n.transitions.values() as Iterable<{ target?: readonly AnyStateNode[] }[]>) {
          count += defs.filter((d) => (d.target ?? []).some((t) => t !== node)).length;
        }
      }
      return count;
    };
    for (const leaf of nodes.filter((n) => Object.keys(n.states).length === 0 && n.type !== 'final')) {
      expect({ state: leaf.id, hasExit: exits(leaf) > 0 }).toEqual({ state: leaf.id, hasExit: true });
    }
  });

  test('every clause is implemented by a state and cited by a test', () => {
    const cited = new Set(nodes.flatMap((n) => (n.meta as StateMeta).clauses));
    const source = readFileSync(__filename, 'utf8');
    for (const clause of raelingenClauses) {
      expect({ clause: clause.id, inState: cited.has(clause.id) }).toEqual({ clause: clause.id, inState: true });
      expect({ clause: clause.id, tested: source.includes(`test('[${clause.id}]`) }).toEqual({ clause: clause.id, tested: true });
      expect(clause.rule).not.toMatch(/[æøå]/i);
    }
  });

  test('the registry lists the procedure with its Norwegian name and seed', () => {
    const procedure = getProcedure(RAELINGEN_ID);
    expect(procedure.owner).toBe('Rælingen kommune');
    expect(procedure.seed).toBe('seeds/004_53de83eb73d91c3c.txt');
    expect(procedure.displayName).toMatch(/^Fravær i barnehager og skoler/);
    expect(procedure.machine).toBe(raelingenMachine);
  });
});
