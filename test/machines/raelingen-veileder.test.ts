/**
 * Pure machine tests for Rælingen's school routine (procedure E, the Rælingen guide), version 2, with the
 * national guidance (D). Each test whose name starts with a clause id in brackets checks that
 * clause; the traceability table collects them from these names. Besides the clauses: every open
 * step records new absence, who may send each step (authorization), reminders that only remind,
 * which deadlines are a person's, the policy and the longest route.
 */
import { readFileSync } from 'node:fs';
import type { AnyStateNode } from 'xstate';
import { authorisedRoles } from '../../machines/authorization';
import { type CaseContext, stageDocuments } from '../../machines/case-context';
import { MS_PER_DAY } from '../../machines/durations';
import type { CaseEvent, CaseEventOf, EventType } from '../../machines/events';
import type { StateMeta } from '../../machines/meta';
import { InvalidPolicyError } from '../../machines/policy';
import {
  RAELINGEN_ID,
  type RaelingenContext,
  type RaelingenPolicy,
  raelingenClauses,
  raelingenMachine,
  raelingenOpeningRules,
  raelingenPolicySchema,
} from '../../machines/raelingen-veileder';
import { ProcedureError, getProcedure } from '../../machines/registry';
import type { Role } from '../../machines/vocabulary';
import { walkStates } from '../../diagrams/machine-walk';
import { type Step, effects, ev, fire, scheduled, send, sendAll, start, stateOf, metaOf } from './harness';

const DAY = MS_PER_DAY;
const HOUR = 60 * 60 * 1000;

/** Over 8 days: worrying absence that opens a case and requires mapping form 1. */
const WORRYING = { rule: 'days-or-lessons-over-limit', dates: ['2026-08-24', '2026-09-04'], days: 9, lessons: 4 };
/** Suspected invalid absence: worrying, but below 8 days / 10 lessons, so no mapping form 1. */
const SUSPECTED = { rule: 'suspected-invalid-absence', dates: ['2026-09-04'] };

function open(facts: Record<string, unknown> = {}, policy?: unknown): Step {
  return start(RAELINGEN_ID, { trigger: WORRYING, ...facts }, policy);
}

/** Effects of the last transition as plain { type, params }. */
const fx = (step: Step) => effects(step).map(({ type, params }) => ({ type, params }));
const delayOf = (step: Step, name: string) => scheduled(step).find((s) => s.id.includes(`.${name}.`))?.delay;
const ctx = (step: Step) => step.snapshot.context as RaelingenContext;
const roles = (step: Step, type: EventType): Role[] => authorisedRoles(step.snapshot, type, getProcedure(RAELINGEN_ID).extraSenders);

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
const pupilHeard = (via: 'pupil' | 'trusted-adult' = 'pupil') => ev('pupilVoice.recorded', { via, documentRef: 'elevstemme-1' });
const decidedWorrying = () => ev('escalation.decided', { reason: 'Fraværet øker', documentRef: 'beslutning-1' }, { role: 'principal' });
const meetingHeld = (meeting: CaseEventOf<'meeting.held'>['meeting'], options: { at?: string; participants?: Role[] } = {}) =>
  ev(
    'meeting.held',
    {
      meeting,
      participants: options.participants ?? ['principal', 'guardians', 'pupil'],
      pupilPresent: true,
      minutesRef: `referat-${meeting}`,
    },
    { role: 'principal', ...(options.at ? { at: options.at } : {}) },
  );
const agreement = (overrides: Partial<CaseEventOf<'cooperationAgreement.signed'>> = {}, options: { at?: string } = {}) =>
  ev(
    'cooperationAgreement.signed',
    { evaluationDate: '2026-09-25', signedBy: ['principal', 'guardians', 'pupil'], hasPlanB: true, documentRef: 'avtale-1', ...overrides },
    { role: 'principal', ...options },
  );
const evaluated = (outcome: CaseEventOf<'evaluation.held'>['outcome'], options: { at?: string } = {}) =>
  ev('evaluation.held', { outcome, minutesRef: 'evaluering-1' }, { role: 'principal', ...options });
const measures = (options: { at?: string } = {}) =>
  ev(
    'measures.agreed',
    { measures: ['Fast voksen møter eleven ved skolestart'], evaluationDate: '2026-09-25', planRef: 'tiltak-1' },
    { role: 'principal', ...options },
  );
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
const trend = (value: 'improved' | 'unchanged' | 'worse' = 'worse') =>
  ev('absence.trend', { trend: value, from: '2026-09-01', to: '2026-09-07', absenceDays: 2 }, { role: 'system' });
const closed = (reason: CaseEventOf<'case.closed'>['reason']) =>
  ev('case.closed', { reason, note: 'Begrunnelse', documentRef: 'avslutning-1' }, { role: 'principal' });

const toMapping = (step: Step = open()) => send(step, contacted());
/** To the principal's conversation: mapping form 1 on file (over 8 days), or not needed. */
const toConversation = (step: Step = open()) =>
  ctx(step).absencePatternForm === 'due' ? send(toMapping(step), mapped()) : toMapping(step);
const toCooperationMeeting = (step: Step = open()) => send(toConversation(step), decidedWorrying());
const toMeasures = (step: Step = open()) =>
  sendAll(toCooperationMeeting(step), [pupilHeard(), meetingHeld('cooperation-meeting'), agreement()]);
const toMonitoring = (step: Step = open()) => send(toMeasures(step), evaluated('improved'));
const toRevising = (step: Step = open()) => send(toMeasures(step), evaluated('unchanged'));

/** Agreement on 2026-09-07 08:00 UTC, evaluation date 2026-09-25, due when that day is over: 18 days and 16 hours. */
const UNTIL_EVALUATION = 18 * DAY + 16 * HOUR;

const contactReminder = (...who: Role[]) => ({ type: 'remindResponsible', params: { roles: who, about: 'contact-guardians' } });

describe('Rælingen school routine (procedure E)', () => {
  test('[E.S1] the first contact with the home explains the absence routine to the guardians', () => {
    const step = toMapping();
    expect(stateOf(step)).toBe('open.mapping.absencePatternForm');
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
    expect(stateOf(step)).toBe('open.monitoring.watching.weeklyFollowUp');
    expect(delayOf(step, 'weeklyAbsenceSummary')).toBe(7 * DAY);
  });

  test('[E.S3] suspected invalid absence is reported to leadership and the contact teacher is reminded to contact the home after a day, then daily', () => {
    const step = open({ trigger: SUSPECTED });
    expect(stateOf(step)).toBe('open.contactingHome.awaitingContact');
    expect(fx(step)).toContainEqual({ type: 'notifyStaff', params: { roles: ['school-leadership', 'principal'], about: 'case-opened' } });
    expect(delayOf(step, 'homeContactedImmediately')).toBe(DAY);
    const reminded = fire(step, 'homeContactedImmediately');
    expect(stateOf(reminded)).toBe('open.contactingHome.awaitingContact');
    expect(fx(reminded)).toEqual([contactReminder('contact-teacher')]);
    expect(delayOf(reminded, 'homeContactedImmediately')).toBe(DAY);
  });

  test('[E.S3] the daily home-contact reminder only reminds: the stage is not restarted', () => {
    // A note filed while the home is being reached belongs to this stage; a restart would drop it.
    const opened = open({ trigger: SUSPECTED });
    const noted = send(opened, ev('document.recorded', { kind: 'decision-note', documentRef: 'notat-1' }));
    const once = fireFrom(opened, noted, 'homeContactedImmediately');
    const twice = fire(once, 'homeContactedImmediately');
    for (const step of [once, twice]) {
      expect(fx(step)).toEqual([contactReminder('contact-teacher')]);
      expect(step.actions.map((a) => a.type)).not.toContain('beginStage');
      expect(stageDocuments(step.snapshot.context as CaseContext<RaelingenPolicy>).map((d) => d.ref)).toEqual(['notat-1']);
    }
  });

  test('[E.S3] new worrying absence in an open case is reported to leadership and the contact teacher is reminded to contact the home; the case stays in its step', () => {
    const meeting = toCooperationMeeting();
    const step = send(meeting, newTrigger({ rule: 'suspected-invalid-absence', dates: ['2026-09-10'] }));
    expect(stateOf(step)).toBe('open.cooperationMeeting');
    expect(fx(step)).toEqual([
      { type: 'notifyStaff', params: { roles: ['school-leadership', 'principal'], about: 'new-absence' } },
      contactReminder('contact-teacher'),
    ]);
    expect(ctx(step).triggers.at(-1)).toEqual({ rule: 'suspected-invalid-absence', dates: ['2026-09-10'] });
    // Absence below the limits is kept on record without calling anyone.
    const small = send(meeting, newTrigger({ rule: 'days-or-lessons-over-limit', dates: ['2026-09-10'], days: 2 }));
    expect(fx(small)).toEqual([]);
    expect(ctx(small).triggers).toHaveLength(2);
  });

  const noticeMissing = (schoolDaysWithoutNotice: number) =>
    ev('absence.noticeMissing', { firstDay: '2026-09-07', schoolDaysWithoutNotice }, { role: 'system' });
  const contactDue = [
    { type: 'notifyGuardians', params: { message: 'absence-without-notice' } },
    contactReminder('principal', 'contact-teacher'),
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

  test("[E.S4] the contact without notice is the principal's: a case opened on it reminds the principal with the contact teacher", () => {
    const opened = open({ trigger: { rule: 'unnotified-absence', dates: ['2026-09-04'], days: 1 } });
    expect(fx(fire(opened, 'homeContactedImmediately'))).toEqual([contactReminder('principal', 'contact-teacher')]);
  });

  test('[E.S4] absence without notice found while measures run tells leadership and the guardians, and reminds the principal and contact teacher to contact the home', () => {
    const step = send(toMeasures(), newTrigger({ rule: 'unnotified-absence', dates: ['2026-09-14'], days: 1 }));
    expect(stateOf(step)).toBe('open.measuresInProgress.weeklyFollowUp');
    expect(fx(step)).toEqual([
      { type: 'notifyStaff', params: { roles: ['school-leadership', 'principal'], about: 'new-absence' } },
      { type: 'notifyGuardians', params: { message: 'absence-without-notice' } },
      contactReminder('principal', 'contact-teacher'),
    ]);
    // The evaluation date set by the agreement is not moved.
    expect(delayOf(step, 'evaluationWithinThreeWeeks')).toBeUndefined();
  });

  test('[E.S5a] worrying absence opens a case reported to leadership; other procedures triggers are refused', () => {
    for (const rule of raelingenOpeningRules) {
      const step = open({ trigger: { rule, dates: ['2026-09-04'], days: 9 } });
      expect(stateOf(step)).toBe('open.contactingHome.awaitingContact');
      expect(metaOf(step).responsible).toContain('contact-teacher');
    }
    expect(() => open({ trigger: { rule: 'consecutive-days', dates: ['2026-09-04'], days: 3 } })).toThrow(ProcedureError);
  });

  test("[E.S5b] over 8 days / 10 lessons mapping form 1 comes first, is asked for once, and moves the case to the principal's conversation", () => {
    const mapping = toMapping();
    expect(stateOf(mapping)).toBe('open.mapping.absencePatternForm');
    expect(fx(mapping)).toContainEqual({
      type: 'requestDocument',
      params: { kind: 'mapping-form', from: ['contact-teacher', 'principal'] },
    });
    expect(metaOf(mapping).requiredDocuments).toEqual(['mapping-form']);
    expect(metaOf(mapping).responsible).toEqual(['contact-teacher', 'principal']);
    // The principal cannot decide before the form is on file.
    expectRefused(mapping, decidedWorrying());
    expectRefused(mapping, closed('natural-explanation'));
    const withForm = send(mapping, mapped());
    expect(stateOf(withForm)).toBe('open.mapping.conversation.conversationDue');
    expect(ctx(withForm).absencePatternForm).toBe('filed');
    expect(ctx(withForm).documents.at(-1)).toMatchObject({ kind: 'mapping-form', ref: 'kartlegging-1' });
    expect(stateOf(send(withForm, decidedWorrying()))).toBe('open.cooperationMeeting');
    // By lessons as well as by days; at 8 days and 10 lessons the form is not needed.
    expect(stateOf(toMapping(open({ trigger: { ...WORRYING, days: 2, lessons: 11 } })))).toBe('open.mapping.absencePatternForm');
    expect(stateOf(toMapping(open({ trigger: { ...WORRYING, days: 8, lessons: 10 } })))).toBe('open.mapping.conversation.conversationDue');
  });

  test('[E.S5b] absence that goes over 8 days / 10 lessons during the conversation calls for form 1 before the principal decides; once filed it is not asked for again', () => {
    const conversation = toConversation(open({ trigger: SUSPECTED }));
    expect(stateOf(conversation)).toBe('open.mapping.conversation.conversationDue');
    const over = send(conversation, newTrigger({ rule: 'days-or-lessons-over-limit', dates: ['2026-09-08'], days: 9 }));
    expect(stateOf(over)).toBe('open.mapping.absencePatternForm');
    expect(fx(over)).toContainEqual({ type: 'requestDocument', params: { kind: 'mapping-form', from: ['contact-teacher', 'principal'] } });
    const filed = send(over, mapped());
    const again = send(filed, newTrigger({ rule: 'days-or-lessons-over-limit', dates: ['2026-09-09'], days: 10 }));
    expect(stateOf(again)).toBe('open.mapping.conversation.conversationDue');
    expect(fx(again).map((e) => e.type)).not.toContain('requestDocument');
  });

  test('[E.S5b] other mapping forms are recorded, not refused, and do not stand in for form 1', () => {
    const mapping = toMapping();
    const other = send(mapping, ev('mapping.completed', { form: 'psychosocial-environment', documentRef: 'annet-1' }));
    expect(stateOf(other)).toBe('open.mapping.absencePatternForm');
    expect(ctx(other).documents.at(-1)).toMatchObject({ kind: 'psychosocial-mapping', ref: 'annet-1' });
    const extended = send(other, ev('mapping.completed', { form: 'extended-mapping', documentRef: 'annet-2' }));
    expect(stateOf(extended)).toBe('open.mapping.absencePatternForm');
    expect(ctx(extended).absencePatternForm).toBe('due');
  });

  test('[E.S6a] the guardians and pupil are invited to a conversation, and the principal is reminded if it is not held within a week', () => {
    const mapping = toConversation(open({ grade: 4, trigger: SUSPECTED }));
    expect(fx(mapping)).toContainEqual({
      type: 'scheduleMeeting',
      params: { meeting: 'guardian-conversation', participants: ['principal', 'contact-teacher', 'guardians', 'pupil'], withinDays: 7 },
    });
    expect(delayOf(mapping, 'conversationReminder')).toBe(7 * DAY);
    const reminded = fire(mapping, 'conversationReminder');
    expect(stateOf(reminded)).toBe('open.mapping.conversation.conversationDue');
    expect(fx(reminded)).toEqual([{ type: 'remindResponsible', params: { roles: ['principal'], about: 'hold-meeting' } }]);
  });

  test('[E.S6a] a further meeting is due within a week of the conversation, with the leadership present; one without leadership does not count', () => {
    const conversation = toConversation(open({ trigger: SUSPECTED }));
    const held = send(conversation, meetingHeld('guardian-conversation', { at: at('2026-09-09') }));
    expect(stateOf(held)).toBe('open.mapping.conversation.meetingWeek');
    // Counted from the conversation (two days after the contact), not from the contact.
    expect(delayOf(held, 'newMeetingWithinOneWeek')).toBe(7 * DAY);
    const withoutLeadership = send(
      held,
      meetingHeld('guardian-conversation', { at: at('2026-09-12'), participants: ['contact-teacher', 'guardians'] }),
    );
    expect(stateOf(withoutLeadership)).toBe('open.mapping.conversation.meetingWeek');
    expect(delayOf(withoutLeadership, 'newMeetingWithinOneWeek')).toBeUndefined();
    const withLeadership = send(
      held,
      meetingHeld('leadership-meeting', { at: at('2026-09-12'), participants: ['school-leadership', 'contact-teacher', 'guardians'] }),
    );
    expect(delayOf(withLeadership, 'newMeetingWithinOneWeek')).toBe(7 * DAY);
    const due = fire(withLeadership, 'newMeetingWithinOneWeek');
    expect(fx(due)).toEqual([{ type: 'remindResponsible', params: { roles: ['principal'], about: 'hold-meeting' } }]);
    expect(scheduled(due)).toEqual([]);
  });

  test('[E.S6a] measures can start on what the mapping shows once the pupil is heard', () => {
    const step = sendAll(toConversation(), [pupilHeard(), measures()]);
    expect(stateOf(step)).toBe('open.mapping.conversation.conversationDue');
    expect(ctx(step).documents.at(-1)).toMatchObject({ kind: 'measures-plan' });
  });

  test('[E.S6b] UngdomsLOS is invited to meetings from grade 6 and not routinely below', () => {
    const invite = (grade: number) =>
      fx(toMapping(open({ grade }))).find((e) => e.type === 'scheduleMeeting')?.params as { participants: Role[] };
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
    const conversation = toConversation();
    const step = send(conversation, meetingHeld('multi-agency-meeting'));
    expect(stateOf(step)).toBe('open.mapping.conversation.conversationDue');
    expect(fx(step)).toEqual([]);
    expect(ctx(step).documents.at(-1)).toMatchObject({ kind: 'minutes', ref: 'referat-multi-agency-meeting' });
  });

  test('[E.S6d] when the causes are clear at the conversation the agreement is made there, and the evaluation is due within three weeks', () => {
    const conversation = toConversation(open({ trigger: SUSPECTED }));
    const agreed = agreement();
    // The conversation must have been held and the pupil heard.
    expectRefused(conversation, agreed);
    expectRefused(send(conversation, meetingHeld('guardian-conversation')), agreed);
    const heard = sendAll(conversation, [meetingHeld('guardian-conversation'), pupilHeard()]);
    expectRefused(heard, agreement({ evaluationDate: '2026-09-29' }));
    const signed = send(heard, agreed);
    expect(stateOf(signed)).toBe('open.measuresInProgress.weeklyFollowUp');
    expect(delayOf(signed, 'evaluationWithinThreeWeeks')).toBe(UNTIL_EVALUATION);
    expect(fx(signed)).toContainEqual({ type: 'notifyGuardians', params: { message: 'minutes-shared' } });
  });

  test('[E.S6e] after the conversation the minutes go to the guardians, also when it is held while form 1 is still being filled in', () => {
    const held = send(toConversation(), meetingHeld('guardian-conversation'));
    expect(fx(held)).toEqual([{ type: 'notifyGuardians', params: { message: 'minutes-shared' } }]);
    const early = send(toMapping(), meetingHeld('guardian-conversation'));
    expect(stateOf(early)).toBe('open.mapping.absencePatternForm');
    expect(fx(early)).toEqual([{ type: 'notifyGuardians', params: { message: 'minutes-shared' } }]);
    // The form then brings the case to the week for a further meeting, since the conversation is held.
    expect(stateOf(send(early, mapped()))).toBe('open.mapping.conversation.meetingWeek');
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

  test('[E.S7a] a natural explanation closes a case below 8 days / 10 lessons without mapping form 1', () => {
    const conversation = toMapping(open({ trigger: SUSPECTED }));
    expect(stateOf(conversation)).toBe('open.mapping.conversation.conversationDue');
    expect(metaOf(conversation).requiredDocuments).toEqual([]);
    expect(fx(conversation).map((e) => e.type)).not.toContain('requestDocument');
    const done = send(conversation, closed('natural-explanation'));
    expect(stateOf(done)).toBe('closed');
  });

  test('[E.S7b] worrying absence calls a cooperation meeting with guardians, pupil and UngdomsLOS, and asks for consent', () => {
    const step = toCooperationMeeting(open({ grade: 9 }));
    expect(stateOf(step)).toBe('open.cooperationMeeting');
    expect(fx(step)).toEqual([
      {
        type: 'scheduleMeeting',
        params: {
          meeting: 'cooperation-meeting',
          participants: ['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos'],
          withinDays: 7,
        },
      },
      { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
      { type: 'requestDocument', params: { kind: 'consent', from: ['guardians'] } },
      { type: 'remindResponsible', params: { roles: ['principal'], about: 'involve-school-nurse' } },
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
    expect(ctx(signed).evaluationDate).toBe('2026-09-25');
    expect(fx(signed)).toContainEqual({
      type: 'scheduleMeeting',
      params: {
        meeting: 'evaluation-meeting',
        participants: ['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos'],
        withinDays: 21,
      },
    });
  });

  test('[E.S7c] the pupil is heard in the cooperation meeting itself: a view from the mapping does not sign the agreement', () => {
    const meeting = sendAll(toConversation(), [pupilHeard(), decidedWorrying(), meetingHeld('cooperation-meeting')]);
    expect(stateOf(meeting)).toBe('open.cooperationMeeting');
    expect(metaOf(meeting).requiredDocuments).toEqual(['minutes', 'pupil-voice', 'cooperation-agreement']);
    expectRefused(meeting, agreement());
    expect(stateOf(sendAll(meeting, [pupilHeard(), agreement()]))).toBe('open.measuresInProgress.weeklyFollowUp');
  });

  test('[E.S7c] a pupil absent from the meeting does not sign; the agreement rests on the pupil heard through a trusted adult', () => {
    const met = sendAll(toCooperationMeeting(), [
      meetingHeld('cooperation-meeting', { participants: ['principal', 'guardians'] }),
      pupilHeard('trusted-adult'),
    ]);
    const withoutPupil = agreement({ present: ['principal', 'guardians'], signedBy: ['principal', 'guardians'] });
    expect(stateOf(send(met, withoutPupil))).toBe('open.measuresInProgress.weeklyFollowUp');
    // A pupil who was there signs too.
    expectRefused(met, agreement({ present: ['principal', 'guardians', 'pupil'], signedBy: ['principal', 'guardians'] }));
  });

  test('[E.S7c] everyone present signs: UngdomsLOS present but not signing is refused', () => {
    const met = sendAll(toCooperationMeeting(), [meetingHeld('cooperation-meeting'), pupilHeard()]);
    const present: Role[] = ['principal', 'guardians', 'pupil', 'ungdomslos'];
    expectRefused(met, agreement({ present, signedBy: ['principal', 'guardians', 'pupil'] }));
    expect(stateOf(send(met, agreement({ present, signedBy: present })))).toBe('open.measuresInProgress.weeklyFollowUp');
    // The agreement is between the home and the school: both must be there.
    expectRefused(met, agreement({ present: ['principal', 'pupil'], signedBy: ['principal', 'pupil'] }));
    expectRefused(met, agreement({ present: ['guardians', 'pupil', 'ungdomslos'], signedBy: ['guardians', 'pupil', 'ungdomslos'] }));
  });

  test('[E.S7d] UngdomsLOS starts in a meeting with the young person, the guardians and the school: from grade 6 the cooperation meeting invites all of them', () => {
    const invitation = fx(toCooperationMeeting(open({ grade: 6 }))).find((e) => e.type === 'scheduleMeeting')?.params as {
      participants: Role[];
    };
    expect(invitation.participants).toEqual(expect.arrayContaining(['ungdomslos', 'pupil', 'guardians', 'principal']));
  });

  test("[E.S8] decision B reminds the principal to involve the school nurse, and the guardians' consent books the first conversation", () => {
    const meeting = toCooperationMeeting();
    expect(fx(meeting)).toContainEqual({ type: 'remindResponsible', params: { roles: ['principal'], about: 'involve-school-nurse' } });
    const consented = send(meeting, consent('school-nurse'));
    expect(fx(consented)).toEqual([
      { type: 'scheduleMeeting', params: { meeting: 'school-nurse-conversation', participants: ['school-nurse', 'pupil', 'guardians'] } },
    ]);
    expect(fx(send(meeting, consent('ppt')))).toEqual([]);
  });

  test('[E.S8] the school nurse needs consent, holds at most three conversations and must conclude by the third', () => {
    const mapping = toMapping();
    expectRefused(mapping, nurseTalk('undetermined'));
    const twice = sendAll(mapping, [consent('school-nurse'), nurseTalk('undetermined'), nurseTalk('undetermined')]);
    expect(ctx(twice).nurseConversations).toBe(2);
    expectRefused(twice, nurseTalk('undetermined'));
    const concluded = send(twice, nurseTalk('no-medical-cause'));
    expect(ctx(concluded).nurseConversations).toBe(3);
    expect(ctx(concluded).documents.at(-1)).toMatchObject({ kind: 'health-note' });
    expectRefused(concluded, nurseTalk('medical-cause'));
  });

  test('[E.S9] a cause at school prompts the principal to consider PPT, and a PPT referral is recorded', () => {
    const mapping = send(open(), contacted('school-related'));
    expect(fx(mapping)).toContainEqual({ type: 'remindResponsible', params: { roles: ['principal'], about: 'decide-escalation' } });
    const inMapping = send(mapping, contacted('school-related'));
    expect(fx(inMapping)).toEqual([{ type: 'remindResponsible', params: { roles: ['principal'], about: 'decide-escalation' } }]);
    const referred = send(mapping, referral('ppt'));
    expect(ctx(referred).referrals).toEqual(['ppt']);
    expect(stateOf(referred)).toBe('open.mapping.absencePatternForm');
  });

  test('[E.S10a] the evaluation is due when the agreed date is over, within three weeks, with a reminder each week after', () => {
    const measuresStep = toMeasures();
    expect(delayOf(measuresStep, 'evaluationWithinThreeWeeks')).toBe(UNTIL_EVALUATION);
    const due = fire(measuresStep, 'evaluationWithinThreeWeeks');
    expect(stateOf(due)).toBe('open.evaluationDue');
    expect(metaOf(due).stage).toBe('evaluation');
    expect(fx(due)).toContainEqual({ type: 'remindResponsible', params: { roles: ['principal'], about: 'evaluate-measures' } });
    expect(delayOf(due, 'evaluationOverdueReminder')).toBe(7 * DAY);
    expect(stateOf(send(due, evaluated('improved')))).toBe('open.monitoring.watching.weeklyFollowUp');
  });

  test('[E.S10a] still in measures during the agreed day: the evaluation falls due when the agreed date is over', () => {
    const measuresStep = toMeasures();
    const agreedAt = Date.parse(at('2026-09-07'));
    const dueAt = agreedAt + (delayOf(measuresStep, 'evaluationWithinThreeWeeks') as number);
    expect(new Date(dueAt).toISOString()).toBe('2026-09-26T00:00:00.000Z');
    // An evaluation held late on the agreed day is on time.
    const evening = send(measuresStep, evaluated('improved', { at: at('2026-09-25', '18:00') }));
    expect(stateOf(evening)).toBe('open.monitoring.watching.weeklyFollowUp');
  });

  test("[E.S10a] the evaluation counts from the agreement's own time, also when it is registered later", () => {
    const met = sendAll(toCooperationMeeting(), [meetingHeld('cooperation-meeting'), pupilHeard()]);
    const signed = send(met, agreement({ evaluationDate: '2026-09-20' }, { at: at('2026-09-03') }));
    expect(delayOf(signed, 'evaluationWithinThreeWeeks')).toBe(17 * DAY + 16 * HOUR);
  });

  test('[E.S10a] the evaluation invites the services the case involves', () => {
    const met = sendAll(toCooperationMeeting(), [
      meetingHeld('cooperation-meeting'),
      pupilHeard(),
      consent('school-nurse'),
      referral('ppt'),
    ]);
    const invitation = fx(send(met, agreement())).find((e) => e.type === 'scheduleMeeting')?.params as { participants: Role[] };
    expect(invitation.participants).toEqual(['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos', 'school-nurse', 'ppt']);
  });

  test('[E.S10b] an evaluation that finds absence improved may end systematic follow-up at once: the case closes with its closing note', () => {
    const improved = toMonitoring();
    expect(metaOf(improved).requiredDocuments).toEqual(['closing-note']);
    const done = send(improved, closed('absence-improved'));
    expect(stateOf(done)).toBe('closed');
    expect(ctx(done).documents.at(-1)).toMatchObject({ kind: 'closing-note', ref: 'avslutning-1' });
    expect(fx(done)).toContainEqual({ type: 'notifyGuardians', params: { message: 'case-closed' } });
    // Only for improvement: a natural explanation is decision A, before measures.
    expectRefused(improved, closed('natural-explanation'));
  });

  test('[E.S10b] a monitoring period of 0 days is accepted by the policy: the principal is reminded to close at the evaluation', () => {
    expect(raelingenPolicySchema.parse({ monitoringDays: 0 }).monitoringDays).toBe(0);
    const improved = toMonitoring(open({}, { monitoringDays: 0 }));
    expect(delayOf(improved, 'monitoringPeriod')).toBe(0);
    const due = fire(improved, 'monitoringPeriod');
    expect(stateOf(due)).toBe('open.monitoring.closingDue');
    expect(() => open({}, { monitoringDays: -1 })).toThrow(/monitoringDays/);
  });

  test('[E.S10b] after improvement the team may agree follow-up with a new evaluation', () => {
    const monitoring = toMonitoring();
    expect(stateOf(monitoring)).toBe('open.monitoring.watching.weeklyFollowUp');
    const followUp = send(monitoring, agreement({ evaluationDate: '2026-09-28' }, { at: at('2026-09-14') }));
    expect(stateOf(followUp)).toBe('open.measuresInProgress.weeklyFollowUp');
    expect(delayOf(followUp, 'evaluationWithinThreeWeeks')).toBe(14 * DAY + 16 * HOUR);
  });

  test('[E.S10b] after the monitoring period the principal is reminded to end systematic follow-up', () => {
    const due = fire(toMonitoring(), 'monitoringPeriod');
    expect(stateOf(due)).toBe('open.monitoring.closingDue');
    expect(fx(due)).toContainEqual({
      type: 'remindResponsible',
      params: { roles: ['contact-teacher', 'principal'], about: 'file-document' },
    });
    const done = send(due, closed('absence-improved'));
    expect(stateOf(done)).toBe('closed');
    expect(fx(done)).toContainEqual({ type: 'notifyGuardians', params: { message: 'case-closed' } });
  });

  test('[E.S10c] still worrying absence leads to new measures in a new agreement and a referral to consider', () => {
    const revising = toRevising();
    expect(stateOf(revising)).toBe('open.revisingMeasures');
    expect(fx(revising)).toContainEqual({ type: 'remindResponsible', params: { roles: ['principal'], about: 'decide-escalation' } });
    expect(delayOf(revising, 'revisedAgreementWithinOneWeek')).toBe(7 * DAY);
    const renewed = sendAll(revising, [
      pupilHeard(),
      agreement({ evaluationDate: '2026-10-01', documentRef: 'avtale-2' }, { at: at('2026-09-25') }),
    ]);
    expect(stateOf(renewed)).toBe('open.measuresInProgress.weeklyFollowUp');
    expect(delayOf(renewed, 'evaluationWithinThreeWeeks')).toBe(6 * DAY + 16 * HOUR);
  });

  test('[E.S10c] a new agreement after a still-worrying evaluation needs the pupil heard again, as the state requires', () => {
    const revising = toRevising();
    expect(metaOf(revising).requiredDocuments).toContain('pupil-voice');
    // The pupil was heard for the first agreement; the new one rests on the pupil's view of why it did not help.
    expect(ctx(revising).pupilVoiceRecorded).toBe(true);
    const renewal = agreement({ evaluationDate: '2026-10-01', documentRef: 'avtale-2' }, { at: at('2026-09-25') });
    expectRefused(revising, renewal);
    expect(stateOf(sendAll(revising, [pupilHeard(), renewal]))).toBe('open.measuresInProgress.weeklyFollowUp');
  });

  test('[E.CW1] child welfare is consulted before any other measure on suspicion of neglect', () => {
    const meeting = sendAll(toCooperationMeeting(), [pupilHeard(), meetingHeld('cooperation-meeting')]);
    const waiting = send(meeting, suspicion('neglect'));
    expect(stateOf(waiting)).toBe('childWelfareFirst.awaitingConsultation');
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
    expect(stateOf(send(waiting, referral('child-welfare')))).toBe('childWelfareFirst.referred');
    const back = send(waiting, consulted());
    expect(stateOf(back)).toBe('open.cooperationMeeting');
    // The stage restarts: the agreement rests on a meeting held, and the pupil heard, after the consultation.
    expectRefused(back, agreement());
    expectRefused(send(back, meetingHeld('cooperation-meeting')), agreement());
    expect(stateOf(sendAll(back, [meetingHeld('cooperation-meeting'), pupilHeard(), agreement()]))).toBe(
      'open.measuresInProgress.weeklyFollowUp',
    );
  });

  test('[E.CW1] every kind of suspicion makes child welfare the first call, from any open stage', () => {
    const kinds = ['violence', 'abuse', 'neglect', 'guardian-substance-abuse', 'serious-behaviour'] as const;
    for (const kind of kinds) expect(stateOf(send(open(), suspicion(kind)))).toBe('childWelfareFirst.awaitingConsultation');
    expect(stateOf(send(toMonitoring(), suspicion()))).toBe('childWelfareFirst.awaitingConsultation');
  });

  test('[E.CW1] after consultation or a report of concern the case returns to the stage it had reached', () => {
    const report = () => ev('concern.reported', { documentRef: 'bekymringsmelding-1' }, { role: 'principal' });
    expect(stateOf(sendAll(open(), [suspicion(), report()]))).toBe('open.contactingHome.awaitingContact');
    expect(stateOf(sendAll(toMapping(), [suspicion(), report()]))).toBe('open.mapping.absencePatternForm');
    expect(stateOf(sendAll(toConversation(), [suspicion(), report()]))).toBe('open.mapping.conversation.conversationDue');
    expect(stateOf(sendAll(toRevising(), [suspicion(), consulted()]))).toBe('open.revisingMeasures');
    expect(stateOf(sendAll(toMonitoring(), [suspicion(), consulted()]))).toBe('open.monitoring.watching.weeklyFollowUp');
    // Back in measures, the evaluation timer counts from the consultation to the end of the agreed date.
    const measuresBack = sendAll(toMeasures(), [suspicion(), consulted({ at: at('2026-09-10') })]);
    expect(stateOf(measuresBack)).toBe('open.measuresInProgress.weeklyFollowUp');
    expect(delayOf(measuresBack, 'evaluationWithinThreeWeeks')).toBe(15 * DAY + 16 * HOUR);
  });

  test('[E.CW1] a pupil who moves while child welfare is awaited is let go once the suspicion is referred to child welfare', () => {
    const waiting = send(toConversation(), suspicion('violence'));
    expectRefused(waiting, closed('pupil-moved'));
    const referred = send(waiting, referral('child-welfare'));
    expect(stateOf(referred)).toBe('childWelfareFirst.referred');
    // Referring is not yet the consultation: other measures still wait, and the principal is still reminded daily.
    expectRefused(referred, referral('ppt'));
    expect(fx(fire(referred, 'childWelfareConsultedFirst'))).toEqual([
      { type: 'remindResponsible', params: { roles: ['principal'], about: 'consult-child-welfare' } },
    ]);
    const done = send(referred, closed('pupil-moved'));
    expect(stateOf(done)).toBe('closed');
    expect(ctx(done).referrals).toEqual(['child-welfare']);
  });

  test('[E.CW2] when the measures do not improve absence the principal is reminded to contact child welfare', () => {
    expect(fx(toRevising())).toContainEqual({
      type: 'remindResponsible',
      params: { roles: ['principal'], about: 'consult-child-welfare' },
    });
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
    expect(ctx(referred).referrals).toEqual(['bup']);
    expect(stateOf(referred)).toBe('open.revisingMeasures');
    expect(ctx(send(withConsent, referral('bup', 'child-welfare'))).referrals).toEqual(['bup']);
    // Consent withdrawn: refused again.
    expectRefused(send(withConsent, ev('consent.withdrawn', { service: 'bup', documentRef: 'trukket-1' })), referral('bup', 'doctor'));
  });

  test('[E.NAV1] NAV joins the meetings of a grade 10 pupil whose case shows invalid absence, not on the count of all absence alone', () => {
    const participants = (step: Step) =>
      (fx(step).find((e) => e.type === 'scheduleMeeting')?.params as { participants: Role[] }).participants;
    const invalid = open({ grade: 10, trigger: SUSPECTED });
    expect(participants(toMapping(invalid))).toEqual(['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos', 'nav']);
    expect(participants(toCooperationMeeting(invalid))).toContain('nav');
    expect(participants(toMapping(open({ grade: 9, trigger: SUSPECTED })))).not.toContain('nav');
    // Over 8 days counts valid absence too: no NAV until the case shows absence without notice or invalid absence.
    const counted = open({ grade: 10 });
    expect(participants(toMapping(counted))).not.toContain('nav');
    const withoutNotice = send(counted, newTrigger({ rule: 'unnotified-absence', dates: ['2026-09-07'], days: 1 }));
    expect(participants(toMapping(withoutNotice))).toContain('nav');
    const validOnly = open({ grade: 10, trigger: { rule: 'valid-absence-half-year', dates: ['2026-09-04'], days: 10 } });
    expect(participants(toMapping(validOnly))).not.toContain('nav');
  });

  test('[E.DS] the danger signs open a case, and a danger sign after improvement calls an evaluation at once', () => {
    expect([...raelingenOpeningRules].sort()).toEqual(
      [
        'days-or-lessons-over-limit',
        'left-during-day',
        'late-arrivals',
        'staff-concern',
        'suspected-invalid-absence',
        'unnotified-absence',
        'valid-absence-half-year',
      ].sort(),
    );
    const relapse = send(toMonitoring(), newTrigger({ rule: 'late-arrivals', dates: ['2026-10-01', '2026-10-02'] }));
    expect(stateOf(relapse)).toBe('open.evaluationDue');
    expect(fx(relapse)).toContainEqual({ type: 'notifyStaff', params: { roles: ['principal', 'contact-teacher'], about: 'new-trigger' } });
    expect(fx(relapse)).toContainEqual({ type: 'notifyGuardians', params: { message: 'meeting-invitation' } });
  });

  test('[E.DS] counted signs move the case only at the policy thresholds', () => {
    const monitoring = toMonitoring();
    const eightDays = send(monitoring, newTrigger({ rule: 'days-or-lessons-over-limit', dates: ['2026-10-01'], days: 8 }));
    expect(stateOf(eightDays)).toBe('open.monitoring.watching.weeklyFollowUp');
    expect(ctx(eightDays).triggers).toHaveLength(2);
    expect(stateOf(send(monitoring, newTrigger({ rule: 'days-or-lessons-over-limit', dates: ['2026-10-01'], lessons: 11 })))).toBe(
      'open.evaluationDue',
    );
    expect(stateOf(send(monitoring, newTrigger({ rule: 'valid-absence-half-year', dates: ['2026-10-01'], days: 6 })))).toBe(
      'open.monitoring.watching.weeklyFollowUp',
    );
    const stricter = toMonitoring(open({}, { validAbsenceDaysPerHalfYear: 5 }));
    expect(stateOf(send(stricter, newTrigger({ rule: 'valid-absence-half-year', dates: ['2026-10-01'], days: 6 })))).toBe(
      'open.evaluationDue',
    );
  });

  test('[D.2] measures cannot be agreed before the pupil voice is recorded', () => {
    expectRefused(toConversation(), measures());
  });

  test('[D.2] a cooperation agreement cannot be signed before the pupil voice is recorded', () => {
    const met = send(toCooperationMeeting(), meetingHeld('cooperation-meeting'));
    expectRefused(met, agreement());
    const heard = send(met, ev('pupilVoice.recorded', { via: 'trusted-adult', documentRef: 'elevstemme-2' }));
    expect(stateOf(send(heard, agreement()))).toBe('open.measuresInProgress.weeklyFollowUp');
  });

  test('[D.3] follow-up after improvement keeps the weekly look; the principal is reminded to decide after the monitoring period, and new absence reopens the evaluation', () => {
    const monitoring = toMonitoring();
    expect(metaOf(monitoring).stage).toBe('monitoring');
    expect(delayOf(monitoring, 'weeklyAbsenceSummary')).toBe(7 * DAY);
    expect(delayOf(monitoring, 'monitoringPeriod')).toBe(21 * DAY);
    const due = fire(monitoring, 'monitoringPeriod');
    expect(metaOf(due).requiredDocuments).toEqual(['closing-note']);
    const reopened = send(due, newTrigger({ rule: 'left-during-day', dates: ['2026-10-20'] }));
    expect(stateOf(reopened)).toBe('open.evaluationDue');
  });
});

describe('every open step takes new absence and the trend (issue point 1)', () => {
  /** A route to every leaf a case can rest in; the test below checks none is missing. */
  const routes: Record<string, () => Step> = {
    'open.contactingHome.awaitingContact': () => open(),
    'open.mapping.absencePatternForm': () => toMapping(),
    'open.mapping.conversation.conversationDue': () => toConversation(),
    'open.mapping.conversation.meetingWeek': () => send(toConversation(), meetingHeld('guardian-conversation')),
    'open.cooperationMeeting': () => toCooperationMeeting(),
    'open.measuresInProgress.weeklyFollowUp': () => toMeasures(),
    'open.evaluationDue': () => fire(toMeasures(), 'evaluationWithinThreeWeeks'),
    'open.revisingMeasures': () => toRevising(),
    'open.monitoring.watching.weeklyFollowUp': () => toMonitoring(),
    'open.monitoring.closingDue': () => fire(toMonitoring(), 'monitoringPeriod'),
    'childWelfareFirst.awaitingConsultation': () => send(toConversation(), suspicion()),
    'childWelfareFirst.referred': () => sendAll(toConversation(), [suspicion(), referral('child-welfare')]),
  };
  const restingLeaves = walkStates(raelingenMachine)
    .filter((s) => s.leaf && !s.final && !s.transitions.some((t) => t.event === 'always'))
    .map((s) => s.path);

  test('the routes reach every open leaf of the chart', () => {
    expect(Object.keys(routes).sort()).toEqual([...restingLeaves].sort());
    for (const [path, route] of Object.entries(routes)) expect(stateOf(route())).toBe(path);
  });

  test.each(Object.keys(routes))('%s records a new trigger with its evidence, worrying or not, and the trend', (path) => {
    const step = routes[path]!();
    const before = ctx(step).triggers.length;
    const small = { rule: 'days-or-lessons-over-limit', dates: ['2026-10-05'], days: 2 };
    const worrying = { rule: 'late-arrivals', dates: ['2026-10-05', '2026-10-06', '2026-10-07'], lessons: 3 };
    for (const trigger of [small, worrying]) {
      const event = newTrigger(trigger);
      expect(step.snapshot.can(event)).toBe(true);
      const next = send(step, event);
      expect(ctx(next).triggers).toHaveLength(before + 1);
      expect(ctx(next).triggers.at(-1)).toEqual(trigger);
    }
    const trended = send(step, trend('worse'));
    expect(step.snapshot.can(trend('worse'))).toBe(true);
    expect(ctx(trended).lastTrend).toBe('worse');
  });
});

describe('who may act (meta.responsible and authorization)', () => {
  const allLeaves = (): Step[] => [
    open(),
    toMapping(),
    toConversation(),
    send(toConversation(), meetingHeld('guardian-conversation')),
    toCooperationMeeting(),
    toMeasures(),
    fire(toMeasures(), 'evaluationWithinThreeWeeks'),
    toRevising(),
    toMonitoring(),
    fire(toMonitoring(), 'monitoringPeriod'),
    send(toConversation(), suspicion()),
    sendAll(toConversation(), [suspicion(), referral('child-welfare')]),
  ];

  test('guardians and the pupil can never close the case or record a step, in any step', () => {
    for (const step of allLeaves()) {
      for (const type of [
        'case.closed',
        'escalation.decided',
        'cooperationAgreement.signed',
        'evaluation.held',
        'guardians.contacted',
      ] as const) {
        expect({ state: stateOf(step), type, roles: roles(step, type).filter((r) => r === 'guardians' || r === 'pupil') }).toEqual({
          state: stateOf(step),
          type,
          roles: [],
        });
      }
    }
  });

  test("[E.S7a] the contact teacher cannot decide A or B: closing on a natural explanation and calling the cooperation meeting are the principal's", () => {
    const afterConversation = send(toConversation(), meetingHeld('guardian-conversation'));
    // An agreement at the conversation (E.S6d) is the principal's too.
    expect(roles(afterConversation, 'cooperationAgreement.signed')).toEqual(['principal', 'school-leadership']);
    for (const step of [toConversation(), afterConversation]) {
      expect(metaOf(step).responsible).toEqual(['principal']);
      for (const type of ['escalation.decided', 'case.closed'] as const) {
        expect(roles(step, type)).toEqual(['principal', 'school-leadership']);
      }
      // The principal holds the conversation (E.S6a).
      expect(roles(step, 'meeting.held')).toEqual(['principal', 'school-leadership']);
    }
  });

  test('[E.S5b] the contact teacher fills in mapping form 1 and logs the contact with the home', () => {
    expect(roles(toMapping(), 'mapping.completed')).toEqual(['contact-teacher', 'principal', 'school-leadership']);
    expect(roles(open(), 'guardians.contacted')).toEqual(['contact-teacher', 'principal', 'school-leadership']);
    // In the principal's part of the mapping the contact teacher still files forms and contacts.
    expect(roles(toConversation(), 'mapping.completed')).toContain('contact-teacher');
  });

  test('[E.S8] the school nurse records her own conversations; the GP, child welfare or a psychologist refers to BUP', () => {
    for (const step of [toMapping(), toMeasures(), toRevising()]) {
      expect(roles(step, 'schoolNurse.conversationHeld')).toContain('school-nurse');
      expect(roles(step, 'referral.sent')).toEqual(
        expect.arrayContaining(['doctor', 'child-welfare', 'mental-health', 'principal', 'contact-teacher']),
      );
    }
  });

  test('[E.CW1] while child welfare must be consulted first, the principal acts; any staff member may still report a concern', () => {
    const waiting = send(toConversation(), suspicion());
    expect(roles(waiting, 'childWelfare.consulted')).toEqual(['principal', 'school-leadership']);
    expect(roles(waiting, 'concern.reported')).toContain('contact-teacher');
  });

  test('[E.S10b] evaluating and ending follow-up: principal and contact teacher after the evaluation, the principal once the period is over', () => {
    expect(roles(toMeasures(), 'evaluation.held')).toEqual(['contact-teacher', 'principal', 'school-leadership']);
    expect(roles(toMonitoring(), 'case.closed')).toEqual(['contact-teacher', 'principal', 'school-leadership']);
    expect(roles(fire(toMonitoring(), 'monitoringPeriod'), 'case.closed')).toEqual(['principal', 'school-leadership']);
  });
});

describe('reminders only remind (issue point 11)', () => {
  /** Each reminder: a step that armed it, and whether it repeats. */
  const reminders: [string, () => Step, boolean][] = [
    ['homeContactedImmediately', () => open(), true],
    ['mappingFormWithinOneWeek', () => toMapping(), false],
    ['conversationReminder', () => toConversation(), false],
    ['newMeetingWithinOneWeek', () => send(toConversation(), meetingHeld('guardian-conversation')), false],
    ['cooperationMeetingWithinOneWeek', () => toCooperationMeeting(), false],
    ['evaluationOverdueReminder', () => fire(toMeasures(), 'evaluationWithinThreeWeeks'), true],
    ['revisedAgreementWithinOneWeek', () => toRevising(), false],
    ['weeklyAbsenceSummary', () => toMeasures(), true],
    ['childWelfareConsultedFirst', () => send(toConversation(), suspicion()), true],
  ];

  test.each(reminders)('%s sends one reminder and nothing else, and keeps the stage and the other deadlines', (name, armed, repeats) => {
    const step = armed();
    const fired = fire(step, name);
    expect(stateOf(fired)).toBe(stateOf(step));
    expect(fx(fired)).toHaveLength(1);
    expect(fx(fired)[0]?.type).toBe('remindResponsible');
    expect(fired.actions.map((a) => a.type)).not.toContain('beginStage');
    expect(ctx(fired).stageDocumentStart).toBe(ctx(step).stageDocumentStart);
    // Only the reminder itself is re-armed, if it repeats; no other deadline restarts.
    expect(scheduled(fired).map((s) => s.id.split('.')[2])).toEqual(repeats ? [name] : []);
  });

  test('the reminders of the chart are all listed above', () => {
    const delays = Object.keys(raelingenMachine.implementations.delays);
    const periods = ['evaluationWithinThreeWeeks', 'monitoringPeriod'];
    expect([...reminders.map(([name]) => name), ...periods].sort()).toEqual([...delays].sort());
  });
});

describe('deadlines a person must meet (issue points 12 and 13)', () => {
  test('only the weekly look and the end of the monitoring period are routine; every other delay is a step someone owes', () => {
    const procedure = getProcedure(RAELINGEN_ID);
    expect([...procedure.routineDelays].sort()).toEqual(['monitoringPeriod', 'weeklyAbsenceSummary']);
    for (const delay of Object.keys(raelingenMachine.implementations.delays)) {
      expect(Object.keys(procedure.machine.implementations.delays)).toContain(delay);
    }
  });
});

describe('refused events leave the case unchanged', () => {
  test('measures before the pupil voice', () => {
    expectRefused(toConversation(), measures());
  });

  test('a fourth school-nurse conversation', () => {
    const three = sendAll(toMeasures(), [
      consent('school-nurse'),
      nurseTalk('undetermined'),
      nurseTalk('undetermined'),
      nurseTalk('no-medical-cause'),
    ]);
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
    expect(delayOf(toMapping(opened), 'mappingFormWithinOneWeek')).toBe(5 * DAY);
    expect(delayOf(toConversation(opened), 'conversationReminder')).toBe(5 * DAY);
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

  test('the mapping-form limits follow the policy', () => {
    const stricter = { worryingAbsenceOverDays: 5 };
    expect(stateOf(toMapping(open({ trigger: { ...WORRYING, days: 6, lessons: 0 } }, stricter)))).toBe('open.mapping.absencePatternForm');
    expect(stateOf(toMapping(open({ trigger: { ...WORRYING, days: 6, lessons: 0 } })))).toBe('open.mapping.conversation.conversationDue');
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
  test('the longest route: reminder, form 1, conversation, suspicion, two agreements, relapse and closing', () => {
    let step = open({ grade: 10 });
    step = fire(step, 'homeContactedImmediately');
    expect(stateOf(step)).toBe('open.contactingHome.awaitingContact');
    step = send(step, contacted('school-related'));
    expect(stateOf(step)).toBe('open.mapping.absencePatternForm');
    step = sendAll(step, [mapped(), meetingHeld('guardian-conversation'), suspicion('guardian-substance-abuse')]);
    expect(stateOf(step)).toBe('childWelfareFirst.awaitingConsultation');
    step = send(step, consulted());
    // Form 1 is on file for the case: the mapping resumes at the principal's conversation.
    expect(stateOf(step)).toBe('open.mapping.conversation.conversationDue');
    step = sendAll(step, [
      meetingHeld('guardian-conversation'),
      pupilHeard(),
      consent('school-nurse'),
      nurseTalk('no-medical-cause'),
      referral('ppt'),
      decidedWorrying(),
    ]);
    expect(stateOf(step)).toBe('open.cooperationMeeting');
    step = sendAll(step, [meetingHeld('cooperation-meeting'), pupilHeard(), agreement()]);
    const firstAgreement = step;
    expect(stateOf(step)).toBe('open.measuresInProgress.weeklyFollowUp');
    step = fire(step, 'weeklyAbsenceSummary');
    step = fireFrom(firstAgreement, step, 'evaluationWithinThreeWeeks');
    expect(stateOf(step)).toBe('open.evaluationDue');
    step = send(step, evaluated('unchanged', { at: at('2026-09-26') }));
    expect(stateOf(step)).toBe('open.revisingMeasures');
    step = sendAll(step, [
      consent('bup'),
      referral('bup', 'doctor'),
      pupilHeard(),
      agreement({ evaluationDate: '2026-10-09', documentRef: 'avtale-2' }, { at: at('2026-09-28') }),
    ]);
    expect(stateOf(step)).toBe('open.measuresInProgress.weeklyFollowUp');
    step = send(step, evaluated('improved', { at: at('2026-10-09') }));
    expect(stateOf(step)).toBe('open.monitoring.watching.weeklyFollowUp');
    step = send(step, newTrigger({ rule: 'left-during-day', dates: ['2026-10-14'] }));
    expect(stateOf(step)).toBe('open.evaluationDue');
    step = send(step, evaluated('improved', { at: at('2026-10-16') }));
    step = fire(step, 'monitoringPeriod');
    expect(stateOf(step)).toBe('open.monitoring.closingDue');
    step = send(step, closed('absence-improved'));
    expect(stateOf(step)).toBe('closed');
    expect(step.snapshot.status).toBe('done');
    const context = ctx(step);
    expect(context.referrals).toEqual(['ppt', 'bup']);
    expect(context.evaluations).toBe(3);
    expect(context.suspicions).toEqual(['guardian-substance-abuse']);
    expect(context.documents.map((d) => d.kind)).toEqual(
      expect.arrayContaining([
        'contact-log',
        'mapping-form',
        'suspicion-note',
        'cooperation-agreement',
        'evaluation',
        'referral',
        'health-note',
        'closing-note',
      ]),
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
        count += (n.always ?? []).length;
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

  test('the registry lists the procedure with its Norwegian name and its specification', () => {
    const procedure = getProcedure(RAELINGEN_ID);
    expect(procedure.owner).toBe('Rælingen kommune');
    expect(procedure.specification).toBe('docs/procedures/raelingen-veileder.md');
    expect(procedure.displayName).toMatch(/^Fravær i barnehager og skoler/);
    expect(procedure.machine).toBe(raelingenMachine);
  });
});
