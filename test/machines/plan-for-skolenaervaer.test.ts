/**
 * Pure tests of procedure A, "Plan for skolenærvær" (version 2): one or more tests per clause,
 * named after the clause they check, plus detection's facts in every open state, who may take
 * each step, reminders that only remind, refusals, policy overrides, the longest route and the
 * structure every state must have. Every event a test sends is first checked against the
 * authorization rule, so no test passes on a step the case workflow would refuse from that role.
 */
import type { AnyMachineSnapshot, AnyStateNode, StateValue } from 'xstate';
import { authorisationRefusal, authorisedRoles, detectionEventTypes } from '../../machines/authorization';
import { days, msUntilDate, msUntilEndOfDate } from '../../machines/durations';
import { type CaseEvent, type EventType, eventTypes } from '../../machines/events';
import {
  PLAN_FOR_SKOLENAERVAER_ID as ID,
  planForSkolenaervaerClauses,
  planForSkolenaervaerMachine as machine,
  planForSkolenaervaerPolicySchema,
} from '../../machines/plan-for-skolenaervaer';
import type { StateMeta } from '../../machines/meta';
import { InvalidPolicyError } from '../../machines/policy';
import { activeMeta } from '../../machines/public-view';
import { ProcedureError, getProcedure } from '../../machines/registry';
import type { Role, Service } from '../../machines/vocabulary';
import { walkStates } from '../../diagrams/machine-walk';
import { type Step, effects, ev, fire, metaOf, scheduled, send as sendUnchecked, start, stateOf } from './harness';

const procedure = getProcedure(ID);

/** The roles that may send `type` in the step's state. */
const roles = (step: Step, type: EventType): Role[] => authorisedRoles(step.snapshot, type, procedure.extraSenders);

/**
 * Sends `event`, after checking that its sender may send it in this step (as the case workflow
 * does before the machine sees it). Deadlines (XState's delayed events) come from no one.
 */
function send(step: Step, event: CaseEvent | { type: string }): Step {
  if (!event.type.startsWith('xstate.')) {
    const refusal = authorisationRefusal(step.snapshot, event as CaseEvent, activeMeta(step.snapshot).label, procedure.extraSenders);
    expect({ event: event.type, refusal }).toEqual({ event: event.type, refusal: undefined });
  }
  return sendUnchecked(step, event);
}

const sendAll = (step: Step, events: readonly CaseEvent[]): Step => events.reduce(send, step);

// ---------------------------------------------------------------------------------------------
// Facts and events

const OVER_TEN_DAYS = { trigger: { rule: 'days-over-limit', dates: ['2026-08-24', '2026-09-04'], days: 11 } };
/** Opened on Monday 7 September, the first day without notice. */
const WITHOUT_NOTICE = { trigger: { rule: 'unnotified-absence', dates: ['2026-09-07'], days: 1 } };

const contacted = (cause: 'unknown' | 'school-related' = 'school-related') =>
  ev('guardians.contacted', { channel: 'phone', cause, documentRef: 'vss/log-1' });
const noticeReceived = () => ev('absence.noticeReceived', { documentRef: 'vfs/notice-1' });
const pupilVoice = () => ev('pupilVoice.recorded', { via: 'pupil', documentRef: 'vss/voice-1' });
const psychosocialMapping = () => ev('mapping.completed', { form: 'psychosocial-environment', documentRef: 'vss/map-1' });
const extendedMapping = () => ev('mapping.completed', { form: 'extended-mapping', documentRef: 'vss/map-2' });
const measures = (evaluationDate: string, options: { at?: string; role?: Role } = {}) =>
  ev('measures.agreed', { measures: ['fast morning contact with a trusted adult'], evaluationDate, planRef: 'vss/plan-1' }, options);
const evaluation = (outcome: 'improved' | 'unchanged' | 'worse', at?: string) =>
  ev('evaluation.held', { outcome, minutesRef: 'vss/eval-1' }, { role: 'principal', ...(at ? { at } : {}) });
const TRINN2_MEETING: Role[] = ['principal', 'contact-teacher', 'guardians', 'pupil'];
const PRE_MEETING: Role[] = ['principal', 'contact-teacher', 'innsatsteam'];
const meetingHeld = (
  meeting: 'leadership-meeting' | 'evaluation-meeting' | 'innsatsteam-pre-meeting',
  participants: Role[] = meeting === 'innsatsteam-pre-meeting' ? PRE_MEETING : TRINN2_MEETING,
  at?: string,
) => ev('meeting.held', { meeting, participants, pupilPresent: true, minutesRef: 'vss/minutes-1' }, at ? { at } : {});
const consent = (service: Service) => ev('consent.given', { service, documentRef: 'vss/consent-1' });
const consentWithdrawn = (service: Service) => ev('consent.withdrawn', { service, documentRef: 'vss/consent-2' });
const referral = (service: Service, role: Role = 'principal') =>
  ev('referral.sent', { service, documentRef: `vss/referral-${service}` }, { role });
const escalationDecided = () =>
  ev('escalation.decided', { reason: 'absence rising fast', documentRef: 'vss/decision-1' }, { role: 'principal' });
const trend = (t: 'improved' | 'unchanged' | 'worse') =>
  ev('absence.trend', { trend: t, from: '2026-09-01', to: '2026-09-30', absenceDays: 4 }, { role: 'system' });
const closed = (reason: 'natural-explanation' | 'absence-improved' | 'pupil-moved', role: Role = 'principal') =>
  ev('case.closed', { reason, note: 'see the closing note', documentRef: 'vss/closing-1' }, { role });
const contactLogged = () => ev('document.recorded', { kind: 'contact-log', documentRef: 'vss/log-2' });
const suspicion = () => ev('suspicion.raised', { kind: 'neglect', documentRef: 'vss/suspicion-1' });
const childWelfareConsulted = () =>
  ev('childWelfare.consulted', { advice: 'school-continues', documentRef: 'vss/cw-1' }, { role: 'principal' });
const thresholdReached = (rule: 'days-over-limit' | 'high-absence-short-period', absenceDays: number) =>
  ev('absence.thresholdReached', { trigger: { rule, dates: ['2026-09-10'], days: absenceDays } }, { role: 'system' });
const newTrigger = (rule: 'days-over-limit' | 'unnotified-absence', absenceDays: number, dates = ['2026-09-10']) =>
  ev('absence.newTrigger', { trigger: { rule, dates, days: absenceDays } }, { role: 'system' });
const noticeMissing = (firstDay: string, n = 3) =>
  ev('absence.noticeMissing', { firstDay, schoolDaysWithoutNotice: n }, { role: 'system' });

/** Effects as plain data: name and params, without XState's bookkeeping. */
const declared = (step: Step) => effects(step).map(({ type, params }) => ({ type, params }));

const ASK_FOR_CONTACT = [
  { type: 'notifyGuardians', params: { message: 'absence-without-notice' } },
  { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } },
];

/** The delayed event a step scheduled under `delayName`, to send later from another step. */
function timer(step: Step, delayName: string) {
  const found = scheduled(step).find((s) => s.id.includes(delayName));
  if (!found) throw new Error(`no timer ${delayName}`);
  return found;
}

/** Refused: the machine says it cannot take the event, and sending it changes nothing. */
function expectRefused(step: Step, event: CaseEvent) {
  expect(step.snapshot.can(event)).toBe(false);
  const next = sendUnchecked(step, event);
  expect(next.snapshot.value).toEqual(step.snapshot.value);
  expect(next.snapshot.context).toEqual(step.snapshot.context);
}

// ---------------------------------------------------------------------------------------------
// Routes to each level

const openTrinn1 = (policy?: unknown) => start(ID, OVER_TEN_DAYS, policy);

function toTrinn1Measures(policy?: unknown): Step {
  return sendAll(openTrinn1(policy), [contacted(), psychosocialMapping(), pupilVoice(), measures('2026-09-21')]);
}

/** Enters Trinn 2 through a Trinn 1 evaluation without improvement. */
function toTrinn2(policy?: unknown): Step {
  return send(toTrinn1Measures(policy), evaluation('unchanged'));
}

/** The first Trinn 2 meeting held; the returned step holds the six-week timer. */
const toTrinn2Met = (policy?: unknown) => send(toTrinn2(policy), meetingHeld('leadership-meeting'));

/** Trinn 2 measures agreed; the returned step holds the evaluation timer. */
function toTrinn2Working(policy?: unknown, evaluationDate = '2026-09-28'): Step {
  return sendAll(toTrinn2Met(policy), [pupilVoice(), measures(evaluationDate)]);
}

const toTrinn3 = () => send(toTrinn2(), escalationDecided());

/** Innsatsteam measures agreed at `at`; the returned step holds the three-month timer. */
function toInnsatsteamWorking(policy?: unknown, at?: string): Step {
  return sendAll(send(toTrinn2(policy), escalationDecided()), [
    consent('school-nurse'),
    referral('innsatsteam'),
    meetingHeld('innsatsteam-pre-meeting'),
    extendedMapping(),
    pupilVoice(),
    measures('2026-10-05', at ? { at } : {}),
  ]);
}

const toMonitoring = (policy?: unknown) => send(toTrinn1Measures(policy), evaluation('improved'));

// ---------------------------------------------------------------------------------------------
// Universal level (§5.1)

describe('universal level', () => {
  test("[A.5.1a] a case opened on absence without notice waits for the guardians' written notice, registered by the school", () => {
    const opened = start(ID, WITHOUT_NOTICE);
    expect(stateOf(opened)).toBe('universal.awaitingNotice');
    // The guardians owe the notice but never record in the case: the school registers it.
    expect(metaOf(opened).responsible).toEqual(['contact-teacher', 'teacher-team']);
    expect(roles(opened, 'absence.noticeReceived')).not.toContain('guardians');

    const noticed = send(opened, noticeReceived());
    expect(stateOf(noticed)).toBe('universal.watchingAttendance');
    expect(noticed.snapshot.context.documents.map((d: { kind: string }) => d.kind)).toEqual(['absence-notice']);
  });

  test("[A.5.1b] the guardians' notice of the cause is filed at any level without moving the case", () => {
    const working = toTrinn2Working();
    const step = send(working, ev('absence.noticeReceived', { documentRef: 'vfs/notice-2' }));
    expect(stateOf(step)).toBe('trinn2.afterMeeting.workingOnMeasures');
    expect(step.snapshot.context.documents.at(-1)).toMatchObject({ kind: 'absence-notice', ref: 'vfs/notice-2' });
  });

  test('[A.5.1c] a case opened on the first day without notice is due on the third school day counted from it', () => {
    const opened = start(ID, WITHOUT_NOTICE);
    // Monday is the 1st day, so the contact is due when Wednesday begins (not three days after opening).
    expect(timer(opened, 'contactAfterThreeDaysWithoutNotice').delay).toBe(msUntilDate('2026-09-07T07:00:00Z', '2026-09-09'));

    const due = fire(opened, 'contactAfterThreeDaysWithoutNotice');
    expect(stateOf(due)).toBe('universal.contactingGuardians');
    expect(declared(due)).toEqual(ASK_FOR_CONTACT);
    expect(stateOf(send(due, contacted('unknown')))).toBe('universal.watchingAttendance');
  });

  test('[A.5.1c] the three days are school days: a weekend does not count', () => {
    // Friday 4 September is the 1st day, Monday the 2nd, Tuesday the 3rd.
    const opened = start(ID, { openedAt: '2026-09-04T09:00:00Z', trigger: { rule: 'unnotified-absence', dates: ['2026-09-04'], days: 1 } });
    expect(timer(opened, 'contactAfterThreeDaysWithoutNotice').delay).toBe(msUntilDate('2026-09-04T09:00:00Z', '2026-09-08'));
  });

  test('[A.5.1c] a case detection opens on the third school day without notice asks for the contact at once', () => {
    // Thursday, Friday and Monday without notice: detection opens the case on Monday.
    const opened = start(ID, { trigger: { rule: 'unnotified-absence', dates: ['2026-09-03', '2026-09-04', '2026-09-07'], days: 3 } });
    expect(timer(opened, 'contactAfterThreeDaysWithoutNotice').delay).toBe(0);
    expect(stateOf(fire(opened, 'contactAfterThreeDaysWithoutNotice'))).toBe('universal.contactingGuardians');
  });

  test('[A.5.1c] once the contact is due, an explanation closes the case only after the contact is logged', () => {
    const due = fire(start(ID, WITHOUT_NOTICE), 'contactAfterThreeDaysWithoutNotice');
    expect(metaOf(due).requiredDocuments).toEqual(['contact-log']);
    expectRefused(due, closed('natural-explanation'));
    expect(stateOf(sendAll(due, [contactLogged(), closed('natural-explanation')]))).toBe('closed');
    // The usual way: the logged contact, then the explanation closes the case.
    expect(stateOf(sendAll(due, [contacted('unknown'), closed('natural-explanation')]))).toBe('closed');
  });

  test('[A.5.1c] a notice that comes after the three days is filed, and the contact is still owed', () => {
    const due = fire(start(ID, WITHOUT_NOTICE), 'contactAfterThreeDaysWithoutNotice');
    const late = send(due, noticeReceived());
    expect(stateOf(late)).toBe('universal.contactingGuardians');
    expect(late.snapshot.context.documents.map((d: { kind: string }) => d.kind)).toEqual(['absence-notice']);
    expect(stateOf(send(late, contacted('unknown')))).toBe('universal.watchingAttendance');
  });

  test("[A.5.1c] detection's count of three school days without notice makes the contact due at once", () => {
    const opened = start(ID, WITHOUT_NOTICE);
    expect(stateOf(send(opened, noticeMissing('2026-09-07', 2)))).toBe('universal.awaitingNotice');
    const due = send(opened, noticeMissing('2026-09-07', 3));
    expect(stateOf(due)).toBe('universal.contactingGuardians');
    expect(declared(due)).toEqual(ASK_FOR_CONTACT);
  });

  test('[A.5.1c] the notice rule still applies when the case is at a higher level: a new episode without notice at Trinn 2 asks for the contact', () => {
    const working = toTrinn2Working();
    const step = send(working, newTrigger('unnotified-absence', 3, ['2026-09-14', '2026-09-15', '2026-09-16']));
    expect(stateOf(step)).toBe('trinn2.afterMeeting.workingOnMeasures');
    expect(declared(step)).toEqual(ASK_FOR_CONTACT);
    expect(step.snapshot.context.triggers.at(-1)).toMatchObject({
      rule: 'unnotified-absence',
      dates: ['2026-09-14', '2026-09-15', '2026-09-16'],
    });
  });

  test('[A.5.1c] a repeated count of days without notice asks nothing again; each new episode detection finds does', () => {
    const asked = send(toTrinn2Working(), newTrigger('unnotified-absence', 3, ['2026-09-14', '2026-09-15', '2026-09-16']));
    // A count of school days without notice is recorded only, once the case no longer waits for
    // the notice it was opened on: it never sends the guardians the same message twice.
    const counted = send(asked, noticeMissing('2026-09-14', 4));
    expect(declared(counted)).toEqual([]);
    expect(counted.snapshot.context.documents).toEqual(asked.snapshot.context.documents);
    const due = fire(start(ID, WITHOUT_NOTICE), 'contactAfterThreeDaysWithoutNotice');
    expect(declared(send(due, noticeMissing('2026-09-07', 3)))).toEqual([]);
    expect(declared(send(send(due, noticeMissing('2026-09-07', 3)), noticeMissing('2026-09-07', 4)))).toEqual([]);
    // Detection reports each episode once (its evidence starts after the previous trigger's): a later one asks again.
    expect(declared(send(counted, newTrigger('unnotified-absence', 3, ['2026-10-05', '2026-10-06', '2026-10-07'])))).toEqual(
      ASK_FOR_CONTACT,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Trinn 1

describe('Trinn 1', () => {
  const watching = () => send(start(ID, WITHOUT_NOTICE), noticeReceived());

  test('[A.T1.0] absence over ten days moves a universal-level case to Trinn 1; ten days does not', () => {
    // Ten days is recorded as a fact but is not "over 10 days": the case stays at the universal level.
    const tenDays = send(watching(), thresholdReached('days-over-limit', 10));
    expect(stateOf(tenDays)).toBe('universal.watchingAttendance');
    expect(tenDays.snapshot.context.triggers).toHaveLength(2);
    const step = send(watching(), thresholdReached('days-over-limit', 11));
    expect(stateOf(step)).toBe('trinn1.contactingGuardians');
    expect(declared(step)).toContainEqual({
      type: 'notifyStaff',
      params: { roles: ['contact-teacher', 'teacher-team'], about: 'case-opened' },
    });
  });

  test("[A.T1.0] detection's new trigger of over ten days moves a universal-level case to Trinn 1; ten days does not", () => {
    const tenDays = send(watching(), newTrigger('days-over-limit', 10));
    expect(stateOf(tenDays)).toBe('universal.watchingAttendance');
    expect(tenDays.snapshot.context.triggers.at(-1)).toMatchObject({ rule: 'days-over-limit', days: 10 });
    const step = send(watching(), newTrigger('days-over-limit', 11));
    expect(stateOf(step)).toBe('trinn1.contactingGuardians');
    expect(step.snapshot.context.triggers.at(-1)).toMatchObject({ rule: 'days-over-limit', days: 11 });
  });

  test("[A.T1.0] high absence over a short time or a teacher's concern opens the case in Trinn 1", () => {
    expect(stateOf(start(ID, { trigger: { rule: 'high-absence-short-period', dates: ['2026-09-03'] } }))).toBe(
      'trinn1.contactingGuardians',
    );
    expect(stateOf(start(ID, { trigger: { rule: 'staff-concern', dates: ['2026-09-03'] } }))).toBe('trinn1.contactingGuardians');
    expect(stateOf(send(watching(), thresholdReached('high-absence-short-period', 4)))).toBe('trinn1.contactingGuardians');
  });

  test('[A.T1.0] absence judged not worrying is closed with its explanation', () => {
    const step = sendAll(openTrinn1(), [contactLogged(), closed('natural-explanation')]);
    expect(stateOf(step)).toBe('closed');
    expect(step.snapshot.status).toBe('done');
  });

  test('[A.T1.0] a conversation that explains the absence leaves the assessment open: the case closes as explained, or the mapping starts', () => {
    const explained = send(openTrinn1(), ev('guardians.contacted', { channel: 'phone', cause: 'illness', documentRef: 'vss/log-3' }));
    // Logged and the principal informed, but the contact teacher has not yet judged the absence worrying.
    expect(stateOf(explained)).toBe('trinn1.assessingAfterConversation');
    expect(metaOf(explained)).toMatchObject({ responsible: ['contact-teacher'], requiredDocuments: ['contact-log'] });
    expect(declared(explained)).toEqual([{ type: 'notifyStaff', params: { roles: ['principal'], about: 'case-opened' } }]);
    const done = send(explained, closed('natural-explanation', 'contact-teacher'));
    expect(stateOf(done)).toBe('closed');
    expect(done.snapshot.context.documents.map((d: { kind: string }) => d.kind)).toEqual(['contact-log', 'closing-note']);
    expectRefused(explained, closed('absence-improved'));
    // Still worrying: the psychosocial mapping starts the work on measures; another form does not.
    expect(stateOf(send(explained, ev('mapping.completed', { form: 'absence-pattern', documentRef: 'vss/map-4' })))).toBe(
      'trinn1.assessingAfterConversation',
    );
    expect(stateOf(send(explained, psychosocialMapping()))).toBe('trinn1.mappingAndMeasures');
    // A cause that does not explain the absence is the judgement that it is worrying.
    expect(stateOf(send(openTrinn1(), contacted('unknown')))).toBe('trinn1.mappingAndMeasures');
  });

  test('[A.T1.1b] closing as explained waits for the conversation with the guardians to be logged', () => {
    const opened = openTrinn1();
    expect(metaOf(opened).requiredDocuments).toEqual(['contact-log']);
    expectRefused(opened, closed('natural-explanation'));
    expectRefused(opened, ev('case.closed', { reason: 'illness-approved', note: 'see the note', documentRef: 'vss/closing-2' }));
    const logged = send(opened, contactLogged());
    expect(stateOf(logged)).toBe('trinn1.contactingGuardians');
    expect(stateOf(send(logged, closed('natural-explanation')))).toBe('closed');
    // A conversation logged at the universal level is not this level's: Trinn 1 tells the guardians the school is worried.
    const due = fire(start(ID, WITHOUT_NOTICE), 'contactAfterThreeDaysWithoutNotice');
    const trinn1 = send(send(due, contacted('unknown')), thresholdReached('days-over-limit', 11));
    expect(stateOf(trinn1)).toBe('trinn1.contactingGuardians');
    expectRefused(trinn1, closed('natural-explanation'));
  });

  test("[A.T1.1a] the contact teacher's logged conversation with the guardians starts the mapping", () => {
    const opened = openTrinn1();
    expect(metaOf(opened)).toMatchObject({ responsible: ['contact-teacher'], requiredDocuments: ['contact-log'] });
    const step = send(opened, contacted());
    expect(stateOf(step)).toBe('trinn1.mappingAndMeasures');
    expect(step.snapshot.context.documents.map((d: { kind: string }) => d.kind)).toEqual(['contact-log']);
  });

  test('[A.T1.1b] the principal is informed when the conversation is logged', () => {
    const step = send(openTrinn1(), contacted());
    expect(declared(step)).toEqual([{ type: 'notifyStaff', params: { roles: ['principal'], about: 'case-opened' } }]);
  });

  test('[A.T1.2] Trinn 1 measures need the psychosocial mapping on file', () => {
    const heard = sendAll(openTrinn1(), [contacted(), pupilVoice()]);
    expectRefused(heard, measures('2026-09-21'));
    const mapped = send(heard, psychosocialMapping());
    const step = send(mapped, measures('2026-09-21'));
    expect(stateOf(step)).toBe('trinn1.followingMeasures');
  });

  test('[A.T1.3] Trinn 1 measures are reviewed on the agreed date; further concern starts Trinn 2', () => {
    const following = toTrinn1Measures();
    // The review is late once the agreed day is over.
    expect(timer(following, 'trinn1ReviewOnAgreedDate').delay).toBe(msUntilEndOfDate('2026-09-07T08:00:00Z', '2026-09-21'));

    const due = fire(following, 'trinn1ReviewOnAgreedDate');
    expect(stateOf(due)).toBe('trinn1.reviewDue');
    expect(declared(due)).toEqual([{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'evaluate-measures' } }]);
    expect(stateOf(send(due, evaluation('worse')))).toBe('trinn2.callingMeeting');
  });

  test('[A.T1.3] a review date before the day the measures are agreed is refused', () => {
    const mapped = sendAll(openTrinn1(), [contacted(), psychosocialMapping(), pupilVoice()]);
    expectRefused(mapped, measures('2026-09-06'));
    // The same day is allowed: the review may be held at once.
    expect(stateOf(send(mapped, measures('2026-09-07')))).toBe('trinn1.followingMeasures');
  });

  test('[A.T1.3] the school may start Trinn 2 while the Trinn 1 measures run', () => {
    expect(stateOf(send(toTrinn1Measures(), escalationDecided()))).toBe('trinn2.callingMeeting');
  });

  test('[A.T1.3] once the review date has passed, the evaluation decides: a bare decision is refused', () => {
    const due = fire(toTrinn1Measures(), 'trinn1ReviewOnAgreedDate');
    expect(metaOf(due).requiredDocuments).toEqual(['evaluation']);
    expectRefused(due, escalationDecided());
    const trinn2 = send(due, evaluation('unchanged'));
    expect(stateOf(trinn2)).toBe('trinn2.callingMeeting');
    expect(trinn2.snapshot.context.documents.map((d: { kind: string }) => d.kind)).toContain('evaluation');
  });
});

// ---------------------------------------------------------------------------------------------
// Trinn 2

describe('Trinn 2', () => {
  test('[A.T2.0] Trinn 2 starts only after Trinn 1 measures have been tried', () => {
    expectRefused(openTrinn1(), escalationDecided());
    expectRefused(send(openTrinn1(), contacted()), escalationDecided());
    expect(stateOf(toTrinn2())).toBe('trinn2.callingMeeting');
  });

  test('[A.T2.2] the principal informs the school owner when the case enters Trinn 2', () => {
    expect(declared(toTrinn2())).toEqual(
      expect.arrayContaining([
        { type: 'informSchoolOwner', params: { about: 'case-escalated' } },
        { type: 'notifyStaff', params: { roles: ['principal', 'school-leadership'], about: 'case-escalated' } },
      ]),
    );
  });

  test('[A.T2.1a] Trinn 2 calls the guardians and the pupil to a meeting whose minutes are filed', () => {
    const entered = toTrinn2();
    expect(declared(entered)).toEqual(
      expect.arrayContaining([
        {
          type: 'scheduleMeeting',
          params: { meeting: 'leadership-meeting', participants: ['contact-teacher', 'school-leadership', 'guardians', 'pupil'] },
        },
        { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
      ]),
    );
    // Another kind of meeting is recorded but does not count as this one.
    expect(stateOf(send(entered, meetingHeld('evaluation-meeting')))).toBe('trinn2.callingMeeting');
    const met = send(entered, meetingHeld('leadership-meeting'));
    expect(stateOf(met)).toBe('trinn2.afterMeeting.agreeingMeasures');
    expect(met.snapshot.context.documents.at(-1)).toMatchObject({ kind: 'minutes', meeting: 'leadership-meeting' });
  });

  test("[A.T2.1a] the meeting counts only with the guardians and the school's leadership taking part", () => {
    const entered = toTrinn2();
    // Without the guardians, or without anyone from the leadership, it is filed but is not the Trinn 2 meeting.
    expect(stateOf(send(entered, meetingHeld('leadership-meeting', ['principal', 'contact-teacher', 'pupil'])))).toBe(
      'trinn2.callingMeeting',
    );
    expect(stateOf(send(entered, meetingHeld('leadership-meeting', ['contact-teacher', 'guardians', 'pupil'])))).toBe(
      'trinn2.callingMeeting',
    );
    // The pupil takes part by age and maturity: the meeting counts without the pupil.
    expect(stateOf(send(entered, meetingHeld('leadership-meeting', ['school-leadership', 'guardians'])))).toBe(
      'trinn2.afterMeeting.agreeingMeasures',
    );
  });

  test("[A.T2.1b] the school nurse's consent given in Trinn 2 spares the school-health step of Trinn 3", () => {
    const met = sendAll(toTrinn2(), [meetingHeld('leadership-meeting'), consent('school-nurse')]);
    expect(met.snapshot.context.consents).toEqual(['school-nurse']);
    const trinn3 = send(met, escalationDecided());
    expect(stateOf(trinn3)).toBe('trinn3.consideringMeasuresBeforeReferral');
    expect(declared(trinn3).map((e) => e.type)).not.toContain('requestDocument');
  });

  test('[A.T2.1c] the meeting agrees minuted measures with an evaluation date at most three weeks ahead', () => {
    const heard = send(toTrinn2Met(), pupilVoice());
    expectRefused(heard, measures('2026-10-05'));
    const step = send(heard, measures('2026-09-28'));
    expect(stateOf(step)).toBe('trinn2.afterMeeting.workingOnMeasures');
    expect(declared(step)).toEqual([
      { type: 'notifyGuardians', params: { message: 'minutes-shared' } },
      {
        type: 'scheduleMeeting',
        params: { meeting: 'evaluation-meeting', participants: ['contact-teacher', 'school-leadership', 'guardians', 'pupil'] },
      },
    ]);
    expect(step.snapshot.context.evaluationDate).toBe('2026-09-28');
  });

  test('[A.T2.1c] an evaluation date more than three weeks after the meeting, or before it, is refused', () => {
    // The meeting is held on 7 September; the measures are written up a week later.
    const heard = send(toTrinn2Met(), pupilVoice());
    const later = { at: '2026-09-14T10:00:00Z' };
    // 29 September is only 15 days after the measures were recorded, but 22 days after the meeting.
    expectRefused(heard, measures('2026-09-29', later));
    expect(stateOf(send(heard, measures('2026-09-28', later)))).toBe('trinn2.afterMeeting.workingOnMeasures');
    // Before the meeting, or already past when the measures are agreed.
    expectRefused(heard, measures('2026-09-06'));
    expectRefused(heard, measures('2026-09-10', later));
  });

  test('[A.T2.3] the school works on the agreed measures under leadership and the contact teacher', () => {
    const working = toTrinn2Working();
    expect(metaOf(working)).toMatchObject({ stage: 'measures', responsible: ['contact-teacher', 'school-leadership'] });
    // An evaluation held early counts: improvement leaves Trinn 2 for monitoring.
    expect(stateOf(send(working, evaluation('improved')))).toBe('followUp.monitoring');
  });

  test('[A.T2.4] the evaluation is due on the date agreed at the first Trinn 2 meeting, whenever the measures are recorded', () => {
    const heard = send(toTrinn2Met(), pupilVoice());
    // Recorded three days after the meeting: due when the agreed 21 September is over, not three weeks from recording.
    const working = send(heard, measures('2026-09-21', { at: '2026-09-10T12:00:00Z' }));
    expect(timer(working, 'evaluationAfterThreeWeeks').delay).toBe(msUntilEndOfDate('2026-09-10T12:00:00Z', '2026-09-21'));
    const due = fire(working, 'evaluationAfterThreeWeeks');
    expect(stateOf(due)).toBe('trinn2.afterMeeting.evaluationDue');
    expect(metaOf(due).requiredDocuments).toEqual(['evaluation']);
    expect(declared(due)).toEqual([
      { type: 'remindResponsible', params: { roles: ['school-leadership', 'contact-teacher'], about: 'evaluate-measures' } },
    ]);
    const adjusting = send(due, evaluation('unchanged'));
    expect(stateOf(adjusting)).toBe('trinn2.afterMeeting.continuingMeasures');
    // Adjusted measures are taken without leaving Trinn 2.
    expect(stateOf(send(adjusting, measures('2026-10-12')))).toBe('trinn2.afterMeeting.continuingMeasures');
  });

  test('[A.T2.5] the six weeks count from the first Trinn 2 meeting', () => {
    // Entering Trinn 2 starts no clock; the meeting does.
    expect(scheduled(toTrinn2())).toEqual([]);
    const met = send(toTrinn2(), meetingHeld('leadership-meeting', TRINN2_MEETING, '2026-09-14T09:00:00Z'));
    // The host counts a delay from the fact's time, here the meeting's.
    expect(timer(met, 'escalationAfterSixWeeksInTotal').delay).toBe(days(42));
  });

  test('[A.T3.0] six weeks in Trinn 2 without the meeting held do not move the case to Trinn 3', () => {
    // Before the meeting there is no six-week clock at all.
    expect(scheduled(toTrinn2()).map((s) => s.id)).toEqual([]);
    // The Trinn 1 evaluation ("unchanged") is not a finding from Trinn 2: six weeks after the
    // meeting, with no evaluation held there, the leadership evaluates before anything moves.
    const met = toTrinn2Met();
    expect(met.snapshot.context.lastTrend).toBe('unchanged');
    const review = fire(met, 'escalationAfterSixWeeksInTotal');
    expect(stateOf(review)).toBe('trinn2.afterMeeting.sixWeekReview');
  });

  test('[A.T2.5] unchanged absence six weeks after the first meeting, found by an evaluation in Trinn 2, moves the case to Trinn 3', () => {
    const sixWeeks = timer(toTrinn2Met(), 'escalationAfterSixWeeksInTotal');
    const adjusting = send(fire(toTrinn2Working(), 'evaluationAfterThreeWeeks'), evaluation('unchanged'));
    const step = send(adjusting, sixWeeks.event);
    expect(stateOf(step)).toBe('trinn3.involvingSchoolHealthService');
  });

  test('[A.T2.5] after six weeks without sign of worse absence the school evaluates before deciding', () => {
    const sixWeeks = timer(toTrinn2Met(), 'escalationAfterSixWeeksInTotal');
    const improving = sendAll(toTrinn2Working(), [evaluation('unchanged'), trend('improved')]);
    const review = send(improving, sixWeeks.event);
    expect(stateOf(review)).toBe('trinn2.afterMeeting.sixWeekReview');
    expect(stateOf(send(review, evaluation('unchanged')))).toBe('trinn3.involvingSchoolHealthService');
    expect(stateOf(send(review, evaluation('improved')))).toBe('followUp.monitoring');
  });

  test('[A.T2.5] the school may move to Trinn 3 before the six weeks are up', () => {
    const step = send(toTrinn2Working(), escalationDecided());
    expect(stateOf(step)).toBe('trinn3.involvingSchoolHealthService');
    expect(step.snapshot.context.documents.at(-1)).toMatchObject({ kind: 'decision-note' });
  });
});

// ---------------------------------------------------------------------------------------------
// Trinn 3

describe('Trinn 3', () => {
  const referred = () => sendAll(toTrinn3(), [consent('school-nurse'), referral('innsatsteam')]);

  test('[A.T3.0] Trinn 3 is led by school leadership with the support services', () => {
    const step = toTrinn3();
    expect(declared(step)).toContainEqual({
      type: 'notifyStaff',
      params: { roles: ['principal', 'school-leadership'], about: 'case-escalated' },
    });
    const all = step.snapshot.getMeta() as Record<string, StateMeta>;
    expect(all[`${ID}.trinn3`]).toMatchObject({ stage: 'escalated', responsible: ['school-leadership', 'school-nurse', 'innsatsteam'] });
  });

  test("[A.T3.1a] the school health service is involved with the guardians' consent on file", () => {
    const step = toTrinn3();
    expect(declared(step)).toContainEqual({ type: 'requestDocument', params: { kind: 'consent', from: ['guardians'] } });
    expect(metaOf(step).requiredDocuments).toEqual(['consent']);
    expect(stateOf(send(step, consent('ppt')))).toBe('trinn3.involvingSchoolHealthService');
    expect(stateOf(send(step, consent('school-nurse')))).toBe('trinn3.consideringMeasuresBeforeReferral');
  });

  test('[A.T3.1a] when the guardians refuse the school health service, the refusal is filed and the case goes on to Innsatsteam', () => {
    const step = toTrinn3();
    // No answer on file yet: the referral is filed, but it cannot skip the school health service.
    expect(stateOf(send(step, referral('innsatsteam')))).toBe('trinn3.involvingSchoolHealthService');
    // The consent form comes back without the school health service.
    const refused = send(step, consentWithdrawn('school-nurse'));
    expect(stateOf(refused)).toBe('trinn3.involvingSchoolHealthService');
    expect(refused.snapshot.context.consents).toEqual([]);
    const innsatsteam = send(refused, referral('innsatsteam'));
    expect(stateOf(innsatsteam)).toBe('trinn3.innsatsteam.preMeeting');
    expect(innsatsteam.snapshot.context.referrals).toEqual(['innsatsteam']);
    // Another referral is filed without moving the case.
    expect(stateOf(send(refused, referral('ppt')))).toBe('trinn3.involvingSchoolHealthService');
  });

  test('[A.T3.1b] measures may be tried with the school health service before a referral', () => {
    const considering = send(toTrinn3(), consent('school-nurse'));
    const trying = send(considering, measures('2026-10-05', { role: 'school-nurse' }));
    expect(stateOf(trying)).toBe('trinn3.consideringMeasuresBeforeReferral');
    expect(stateOf(send(trying, evaluation('unchanged')))).toBe('trinn3.consideringMeasuresBeforeReferral');
    expect(stateOf(send(trying, evaluation('improved')))).toBe('followUp.monitoring');
  });

  test('[A.T3.2] the school refers the case to Innsatsteam, also when the guardians asked for it', () => {
    const considering = send(toTrinn3(), consent('school-nurse'));
    expect(stateOf(send(considering, referral('ppt')))).toBe('trinn3.consideringMeasuresBeforeReferral');
    // The guardians may refer themselves; the school records it, the guardians never record.
    expect(roles(considering, 'referral.sent')).not.toContain('guardians');
    expect(stateOf(send(considering, referral('innsatsteam', 'school-leadership')))).toBe('trinn3.innsatsteam.preMeeting');
  });

  test('[A.T3.2a] a pre-meeting is held with the principal, the contact teacher and Innsatsteam', () => {
    const step = referred();
    expect(declared(step)).toEqual([
      {
        type: 'scheduleMeeting',
        params: { meeting: 'innsatsteam-pre-meeting', participants: ['principal', 'contact-teacher', 'innsatsteam'] },
      },
    ]);
    expect(stateOf(send(step, meetingHeld('evaluation-meeting')))).toBe('trinn3.innsatsteam.preMeeting');
    // Without Innsatsteam, or without the contact teacher, it is not the pre-meeting.
    expect(stateOf(send(step, meetingHeld('innsatsteam-pre-meeting', ['principal', 'contact-teacher'])))).toBe(
      'trinn3.innsatsteam.preMeeting',
    );
    expect(stateOf(send(step, meetingHeld('innsatsteam-pre-meeting', ['principal', 'innsatsteam'])))).toBe('trinn3.innsatsteam.preMeeting');
    expect(stateOf(send(step, meetingHeld('innsatsteam-pre-meeting')))).toBe('trinn3.innsatsteam.extendedMapping');
  });

  test('[A.T3.2b] the extended mapping must be on file before Innsatsteam agrees measures; another form does not count', () => {
    const mapping = sendAll(referred(), [meetingHeld('innsatsteam-pre-meeting'), pupilVoice()]);
    expect(stateOf(mapping)).toBe('trinn3.innsatsteam.extendedMapping');
    expectRefused(mapping, measures('2026-10-05'));
    // A mapping of the absence pattern is filed as a mapping form, but it is not the extended mapping.
    const otherForm = send(mapping, ev('mapping.completed', { form: 'absence-pattern', documentRef: 'vss/map-3' }));
    expect(stateOf(otherForm)).toBe('trinn3.innsatsteam.extendedMapping');
    expect(otherForm.snapshot.context.documents.at(-1)).toMatchObject({ kind: 'mapping-form' });
    expectRefused(otherForm, measures('2026-10-05'));
    const mapped = send(otherForm, extendedMapping());
    expect(stateOf(mapped)).toBe('trinn3.innsatsteam.planning');
    expect(mapped.snapshot.can(measures('2026-10-05'))).toBe(true);
  });

  test("[A.T3.2c] measures made from the mapping start Innsatsteam's work", () => {
    const working = toInnsatsteamWorking();
    expect(stateOf(working)).toBe('trinn3.innsatsteam.working');
    expect(working.snapshot.context.documents.at(-1)).toMatchObject({ kind: 'measures-plan' });
  });

  test('[A.T3.2d] the minutes with the shared responsibilities are required and reach every participant', () => {
    const planning = machine.root.states.trinn3?.states.innsatsteam?.states.planning?.meta as StateMeta;
    expect(planning.requiredDocuments).toEqual(['minutes', 'mapping-form', 'pupil-voice', 'measures-plan']);
    expect(declared(toInnsatsteamWorking())).toEqual([
      { type: 'notifyGuardians', params: { message: 'minutes-shared' } },
      { type: 'notifyStaff', params: { roles: ['principal', 'contact-teacher', 'innsatsteam'], about: 'minutes-shared' } },
      {
        type: 'scheduleMeeting',
        params: { meeting: 'cooperation-meeting', participants: ['principal', 'contact-teacher', 'innsatsteam', 'guardians', 'pupil'] },
      },
    ]);
  });

  test('[A.T3.2e] each evaluation without improvement sets up the next cooperation meeting', () => {
    const working = toInnsatsteamWorking();
    const step = send(working, evaluation('unchanged'));
    expect(stateOf(step)).toBe('trinn3.innsatsteam.working');
    expect(step.snapshot.context.evaluations).toBe(working.snapshot.context.evaluations + 1);
    expect(declared(step)).toEqual([
      {
        type: 'scheduleMeeting',
        params: { meeting: 'cooperation-meeting', participants: ['principal', 'contact-teacher', 'innsatsteam', 'guardians', 'pupil'] },
      },
    ]);
  });

  test('[A.T3.2f] the work goes on while absence lasts; only improvement leaves it', () => {
    const working = toInnsatsteamWorking();
    const others = send(fire(working, 'innsatsteamThreeMonths'), evaluation('worse'));
    expect(stateOf(others)).toBe('trinn3.innsatsteam.contactingOtherServices');
    // No timer closes or drops the case, and no closing is accepted without improvement.
    expect(scheduled(others)).toEqual([]);
    expectRefused(others, closed('absence-improved'));
    expect(stateOf(sendAll(others, [referral('ppt'), evaluation('improved')]))).toBe('followUp.monitoring');
  });

  test('[A.T3.3] improvement leads to monitoring only once another service has been contacted', () => {
    const others = send(toInnsatsteamWorking(), escalationDecided());
    expect(metaOf(others).requiredDocuments).toEqual(['referral']);
    // The improved evaluation is filed, but the duty to contact other services stands.
    const improved = send(others, evaluation('improved'));
    expect(stateOf(improved)).toBe('trinn3.innsatsteam.contactingOtherServices');
    expect(improved.snapshot.context.evaluations).toBe(others.snapshot.context.evaluations + 1);
    // The Innsatsteam referral from before does not count: another service is meant.
    expect(others.snapshot.context.referrals).toEqual(['innsatsteam']);
    const referredOn = send(improved, referral('doctor'));
    expect(stateOf(send(referredOn, evaluation('improved')))).toBe('followUp.monitoring');
  });

  test('[A.T3.3] after three months of Innsatsteam work without improvement other services are contacted', () => {
    const working = toInnsatsteamWorking();
    const unchanged = send(working, evaluation('unchanged'));
    const step = send(unchanged, timer(working, 'innsatsteamThreeMonths').event);
    expect(stateOf(step)).toBe('trinn3.innsatsteam.contactingOtherServices');
    expect(declared(step)).toEqual([
      { type: 'remindResponsible', params: { roles: ['principal', 'innsatsteam'], about: 'decide-escalation' } },
    ]);
    const sent = sendAll(step, [referral('doctor'), referral('ppt'), referral('child-welfare'), consent('bup'), referral('bup', 'doctor')]);
    expect(sent.snapshot.context.referrals).toEqual(['innsatsteam', 'doctor', 'ppt', 'child-welfare', 'bup']);
  });

  test('[A.T3.3] three months of Innsatsteam work are three calendar months', () => {
    // 31 October + 3 months is 31 January: 92 days, not 90.
    expect(timer(toInnsatsteamWorking(undefined, '2026-10-31T08:00:00Z'), 'innsatsteamThreeMonths').delay).toBe(days(92));
    // 30 November 2027 + 3 months is the last day of February 2028, a leap year: 91 days.
    expect(timer(toInnsatsteamWorking(undefined, '2027-11-30T08:00:00Z'), 'innsatsteamThreeMonths').delay).toBe(days(91));
  });

  test('[A.T3.3] other services may be contacted before the three months are up', () => {
    expect(stateOf(send(toInnsatsteamWorking(), escalationDecided()))).toBe('trinn3.innsatsteam.contactingOtherServices');
  });

  test('[A.T3.3] an improving trend at three months leads to an evaluation instead', () => {
    const working = toInnsatsteamWorking();
    const review = send(send(working, trend('improved')), timer(working, 'innsatsteamThreeMonths').event);
    expect(stateOf(review)).toBe('trinn3.innsatsteam.threeMonthReview');
    expect(stateOf(send(review, evaluation('unchanged')))).toBe('trinn3.innsatsteam.contactingOtherServices');
  });
});

// ---------------------------------------------------------------------------------------------
// National rules on child welfare and BUP

describe('child welfare and BUP', () => {
  test('[E.CW1] while a suspicion of harm waits for child welfare, no measure, nurse conversation or other referral is accepted', () => {
    const heard = sendAll(openTrinn1(), [contacted(), psychosocialMapping(), pupilVoice(), suspicion()]);
    expect(stateOf(heard)).toBe('trinn1.mappingAndMeasures');
    expectRefused(heard, measures('2026-09-21'));
    expectRefused(heard, referral('ppt'));
    expectRefused(
      heard,
      ev('schoolNurse.conversationHeld', { conclusion: 'no-medical-cause', documentRef: 'vss/nurse-1' }, { role: 'school-nurse' }),
    );
    // Child welfare itself is the first call: a referral to it is accepted at once.
    expect(heard.snapshot.can(referral('child-welfare'))).toBe(true);
    const consulted = send(heard, childWelfareConsulted());
    expect(consulted.snapshot.context.childWelfareConsulted).toBe(true);
    expect(stateOf(send(consulted, measures('2026-09-21')))).toBe('trinn1.followingMeasures');
  });

  test('[E.CW1] the referral to Innsatsteam and the Innsatsteam plan also wait for child welfare', () => {
    const trinn3 = sendAll(toTrinn3(), [consent('school-nurse'), suspicion()]);
    expect(stateOf(trinn3)).toBe('trinn3.consideringMeasuresBeforeReferral');
    expectRefused(trinn3, referral('innsatsteam'));
    const reported = send(trinn3, ev('concern.reported', { documentRef: 'vss/concern-1' }, { role: 'principal' }));
    expect(stateOf(send(reported, referral('innsatsteam')))).toBe('trinn3.innsatsteam.preMeeting');
  });

  test("[E.BUP1] a BUP referral needs municipal measures tried, the guardians' consent, and a GP, psychologist or child welfare to send it", () => {
    // Measures agreed in Trinn 1 but not yet evaluated: not tried.
    const agreed = sendAll(toTrinn1Measures(), [consent('bup')]);
    expectRefused(agreed, referral('bup', 'doctor'));
    const trinn2 = send(agreed, evaluation('unchanged'));
    expect(stateOf(trinn2)).toBe('trinn2.callingMeeting');
    // Tried and evaluated, with consent: the school does not refer to BUP itself; the GP does.
    expectRefused(trinn2, referral('bup', 'principal'));
    expect(send(trinn2, referral('bup', 'doctor')).snapshot.context.referrals).toEqual(['bup']);
    expect(send(trinn2, referral('bup', 'mental-health')).snapshot.context.referrals).toEqual(['bup']);
    // Without consent, or with consent withdrawn, it is refused.
    expectRefused(toTrinn2(), referral('bup', 'doctor'));
    const withdrawn = send(trinn2, consentWithdrawn('bup'));
    expectRefused(withdrawn, referral('bup', 'doctor'));
  });
});

// ---------------------------------------------------------------------------------------------
// National guidance

describe('national guidance', () => {
  test('[D.2] measures are never agreed before the pupil is heard, at any level', () => {
    expectRefused(sendAll(openTrinn1(), [contacted(), psychosocialMapping()]), measures('2026-09-21'));
    expectRefused(toTrinn2Met(), measures('2026-09-28'));
    expectRefused(
      sendAll(toTrinn3(), [consent('school-nurse'), referral('innsatsteam'), meetingHeld('innsatsteam-pre-meeting'), extendedMapping()]),
      measures('2026-10-05'),
    );
    // Heard through a trusted adult counts as heard.
    const viaAdult = sendAll(openTrinn1(), [
      contacted(),
      psychosocialMapping(),
      ev('pupilVoice.recorded', { via: 'trusted-adult', documentRef: 'vss/voice-2' }),
    ]);
    expect(viaAdult.snapshot.can(measures('2026-09-21'))).toBe(true);
  });

  test('[D.3] an evaluation that finds absence improved lets the case close at once with its closing note; a monitoring period of 0 is allowed', () => {
    const monitoring = toMonitoring();
    expect(stateOf(monitoring)).toBe('followUp.monitoring');
    // Closed at the evaluation, without waiting for the monitoring period.
    const done = send(monitoring, closed('absence-improved', 'contact-teacher'));
    expect(stateOf(done)).toBe('closed');
    expect(done.snapshot.context.documents.at(-1)).toMatchObject({ kind: 'closing-note', ref: 'vss/closing-1' });
    expect(declared(done)).toEqual([
      { type: 'notifyGuardians', params: { message: 'case-closed' } },
      { type: 'notifyStaff', params: { roles: ['contact-teacher', 'principal'], about: 'case-closed' } },
    ]);
    // Only as improved: the improvement is why it closes.
    expectRefused(monitoring, closed('natural-explanation'));
    // A municipality may drop the follow-up period: the reminder to close comes at once.
    expect(planForSkolenaervaerPolicySchema.parse({ monitoringDays: 0 }).monitoringDays).toBe(0);
    expect(timer(toMonitoring({ monitoringDays: 0 }), 'monitoringPeriod').delay).toBe(0);
  });

  test('[D.3] a school that keeps following up is reminded to close when the follow-up period ends', () => {
    const monitoring = toMonitoring();
    expect(timer(monitoring, 'monitoringPeriod').delay).toBe(days(30));
    const due = fire(monitoring, 'monitoringPeriod');
    expect(stateOf(due)).toBe('followUp.closingDue');
    expect(declared(due)).toEqual([
      { type: 'remindResponsible', params: { roles: ['contact-teacher', 'principal'], about: 'file-document' } },
    ]);
    expectRefused(due, closed('natural-explanation'));
    expect(stateOf(send(due, closed('absence-improved')))).toBe('closed');
  });

  test('[D.3] absence that returns during follow-up reopens the case at Trinn 2, also when detection reports it', () => {
    const relapsed = send(toMonitoring(), thresholdReached('high-absence-short-period', 4));
    expect(stateOf(relapsed)).toBe('trinn2.callingMeeting');
    expect(declared(relapsed)).toContainEqual({ type: 'informSchoolOwner', params: { about: 'case-escalated' } });
    expect(stateOf(send(toMonitoring(), newTrigger('days-over-limit', 11)))).toBe('trinn2.callingMeeting');
    const due = fire(toMonitoring(), 'monitoringPeriod');
    expect(stateOf(send(due, newTrigger('days-over-limit', 11)))).toBe('trinn2.callingMeeting');
  });

  test('[D.3] a single episode without notice during follow-up does not reopen Trinn 2', () => {
    const monitoring = toMonitoring();
    const step = send(monitoring, newTrigger('unnotified-absence', 3, ['2026-10-05', '2026-10-06', '2026-10-07']));
    expect(stateOf(step)).toBe('followUp.monitoring');
    expect(declared(step)).toEqual(ASK_FOR_CONTACT);
    // Nor does new absence under the Trinn 1 criterion: it is recorded only.
    const small = send(monitoring, newTrigger('days-over-limit', 10));
    expect(stateOf(small)).toBe('followUp.monitoring');
    expect(small.snapshot.context.triggers).toHaveLength(monitoring.snapshot.context.triggers.length + 1);
  });
});

// ---------------------------------------------------------------------------------------------
// Detection's facts in every open state (issue point 1)

/** The state value of a dotted leaf path, e.g. 'trinn2.afterMeeting.sixWeekReview'. */
function valueOf(path: string): StateValue {
  const parts = path.split('.');
  return parts.reduceRight<StateValue>((inner, part) => ({ [part]: inner }), parts.pop() as string);
}

/** Every open leaf a case can rest in (the transient opening is never rested in), resolved with a Trinn 1 case's context. */
const openLeaves = walkStates(machine)
  .filter((s) => s.leaf && !s.final && s.path !== 'opening')
  .map((s) => {
    const snapshot = machine.resolveState({ value: valueOf(s.path), context: toTrinn1Measures().snapshot.context }) as AnyMachineSnapshot;
    return [s.path, { snapshot, actions: [] } as Step] as const;
  });

describe("detection's facts", () => {
  test('every open state of the chart is checked', () => {
    expect(openLeaves.length).toBeGreaterThanOrEqual(20);
  });

  test.each(openLeaves)('%s takes absence.newTrigger and absence.trend and records them with their evidence', (_path, step) => {
    for (const trigger of [
      { rule: 'days-over-limit' as const, dates: ['2026-09-10', '2026-09-11'], days: 12 },
      { rule: 'days-over-limit' as const, dates: ['2026-09-12'], days: 2 },
      { rule: 'unnotified-absence' as const, dates: ['2026-09-14', '2026-09-16'], days: 3 },
    ]) {
      const event = ev('absence.newTrigger', { trigger }, { role: 'system' });
      expect(step.snapshot.can(event)).toBe(true);
      const after = send(step, event);
      expect(after.snapshot.context.triggers).toEqual([...step.snapshot.context.triggers, trigger]);
    }
    for (const direction of ['improved', 'unchanged', 'worse'] as const) {
      const event = trend(direction);
      expect(step.snapshot.can(event)).toBe(true);
      expect(send(step, event).snapshot.context.lastTrend).toBe(direction);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Who may act (issue point 6)

describe('who may act', () => {
  const noRecorders: Role[] = ['guardians', 'pupil', 'system'];

  test.each(openLeaves)('%s: the pupil, the guardians and detection never close the case or take a step', (_path, step) => {
    for (const type of eventTypes) {
      if (detectionEventTypes.includes(type)) continue;
      const allowed = roles(step, type);
      expect({ type, allowed: allowed.filter((r) => noRecorders.includes(r)) }).toEqual({ type, allowed: [] });
    }
    expect(roles(step, 'case.closed')).toEqual(expect.arrayContaining(['principal', 'school-leadership']));
  });

  test('[A.T1.1a] the contact teacher takes the Trinn 1 steps; the school health service does not', () => {
    const opened = openTrinn1();
    expect(roles(opened, 'guardians.contacted')).toEqual(['contact-teacher', 'principal', 'school-leadership']);
    expect(roles(send(opened, contacted()), 'measures.agreed')).toEqual([
      'contact-teacher',
      'teacher-team',
      'principal',
      'school-leadership',
    ]);
  });

  test("[A.T2.5] the six-week review is the leadership's: the contact teacher cannot take it", () => {
    const review = fire(toTrinn2Met(), 'escalationAfterSixWeeksInTotal');
    expect(roles(review, 'evaluation.held')).toEqual(['principal', 'school-leadership']);
    const byTeacher = ev('evaluation.held', { outcome: 'worse', minutesRef: 'vss/eval-2' }, { role: 'contact-teacher' });
    expect(authorisationRefusal(review.snapshot, byTeacher, metaOf(review).label, procedure.extraSenders)).toBe(
      'Rollen kontaktlærer kan ikke registrere «Tiltakene evaluert» i steget «Trinn 2: Vurdering etter seks uker». Det kan: rektor, skolens ledelse.',
    );
  });

  test("[A.T3.2] the referral to Innsatsteam is the leadership's step with the school health service, not the contact teacher's", () => {
    const considering = send(toTrinn3(), consent('school-nurse'));
    expect(roles(considering, 'referral.sent')).not.toContain('contact-teacher');
    expect(roles(considering, 'referral.sent')).toEqual(expect.arrayContaining(['principal', 'school-leadership', 'school-nurse']));
  });

  test('[A.T3.3] contacting other services early, and the three-month review, are for the leadership and Innsatsteam', () => {
    const working = toInnsatsteamWorking();
    expect(roles(working, 'escalation.decided')).toEqual(['principal', 'school-leadership', 'innsatsteam']);
    expect(roles(working, 'evaluation.held')).not.toContain('contact-teacher');
    const review = send(send(working, trend('improved')), timer(working, 'innsatsteamThreeMonths').event);
    expect(roles(review, 'evaluation.held')).toEqual(['principal', 'school-leadership', 'innsatsteam']);
  });

  test('[A.T3.2a] the pre-meeting is recorded by its participants: the principal, the contact teacher or Innsatsteam', () => {
    const step = sendAll(toTrinn3(), [consent('school-nurse'), referral('innsatsteam')]);
    expect(roles(step, 'meeting.held')).toEqual(['contact-teacher', 'principal', 'school-leadership', 'innsatsteam']);
  });

  test('[A.T2.1b] the school nurse records her own conversations at every level, and the GP, a psychologist or child welfare a BUP referral (E.BUP1)', () => {
    for (const step of [openTrinn1(), toTrinn2(), toTrinn3(), toMonitoring()]) {
      expect(roles(step, 'schoolNurse.conversationHeld')).toContain('school-nurse');
      expect(roles(step, 'referral.sent')).toEqual(expect.arrayContaining(['child-welfare', 'doctor', 'mental-health']));
    }
  });

  test('[D.3] the case is closed after improvement by the contact teacher or the leadership', () => {
    expect(roles(toMonitoring(), 'case.closed')).toEqual(['contact-teacher', 'principal', 'school-leadership']);
    expect(roles(fire(toMonitoring(), 'monitoringPeriod'), 'case.closed')).toEqual(['contact-teacher', 'principal', 'school-leadership']);
  });
});

// ---------------------------------------------------------------------------------------------
// Reminders remind (issue point 11)

describe('reminders', () => {
  /** The effects a deadline declares, and that the state it left is not re-entered (no xstate.cancel of itself, no second entry). */
  const onlyReminds = (step: Step, delay: string) => {
    const after = fire(step, delay);
    return { state: stateOf(after), effects: declared(after), timers: scheduled(after).map((s) => s.id.split('.')[2]) };
  };

  test('[A.5.1c] the contact deadline asks for the contact once and sets no new timer', () => {
    expect(onlyReminds(start(ID, WITHOUT_NOTICE), 'contactAfterThreeDaysWithoutNotice')).toEqual({
      state: 'universal.contactingGuardians',
      effects: ASK_FOR_CONTACT,
      timers: [],
    });
  });

  test('[A.T1.3] the Trinn 1 review reminds without re-opening Trinn 1 (no second "new case" notice)', () => {
    expect(onlyReminds(toTrinn1Measures(), 'trinn1ReviewOnAgreedDate')).toEqual({
      state: 'trinn1.reviewDue',
      effects: [{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'evaluate-measures' } }],
      timers: [],
    });
  });

  test('[A.T2.4] the evaluation deadline reminds without re-scheduling the meeting or re-sending the minutes', () => {
    expect(onlyReminds(toTrinn2Working(), 'evaluationAfterThreeWeeks')).toEqual({
      state: 'trinn2.afterMeeting.evaluationDue',
      effects: [{ type: 'remindResponsible', params: { roles: ['school-leadership', 'contact-teacher'], about: 'evaluate-measures' } }],
      timers: [],
    });
  });

  test('[A.T2.5] the six-week limit reminds without informing the school owner again or restarting Trinn 2', () => {
    const review = fire(toTrinn2Working(), 'evaluationAfterThreeWeeks');
    const sixWeeks = timer(toTrinn2Met(), 'escalationAfterSixWeeksInTotal');
    const after = send(review, sixWeeks.event);
    expect(stateOf(after)).toBe('trinn2.afterMeeting.sixWeekReview');
    expect(declared(after)).toEqual([
      { type: 'remindResponsible', params: { roles: ['principal', 'school-leadership'], about: 'evaluate-measures' } },
    ]);
    expect(scheduled(after)).toEqual([]);
    // The Trinn 2 stage goes on: its documents still count.
    expect(after.snapshot.context.stageDocumentStart).toBe(review.snapshot.context.stageDocumentStart);
  });

  test('[A.T3.3] the three-month limit reminds without scheduling another cooperation meeting', () => {
    const working = toInnsatsteamWorking();
    const review = send(send(working, trend('improved')), timer(working, 'innsatsteamThreeMonths').event);
    expect(stateOf(review)).toBe('trinn3.innsatsteam.threeMonthReview');
    expect(declared(review)).toEqual([
      { type: 'remindResponsible', params: { roles: ['principal', 'innsatsteam'], about: 'evaluate-measures' } },
    ]);
    expect(scheduled(review)).toEqual([]);
  });

  test('[D.3] the end of the follow-up period reminds once and does not restart the follow-up', () => {
    const monitoring = toMonitoring();
    const due = fire(monitoring, 'monitoringPeriod');
    expect(declared(due)).toEqual([
      { type: 'remindResponsible', params: { roles: ['contact-teacher', 'principal'], about: 'file-document' } },
    ]);
    expect(scheduled(due)).toEqual([]);
    expect(due.snapshot.context.stageDocumentStart).toBe(monitoring.snapshot.context.stageDocumentStart);
  });
});

// ---------------------------------------------------------------------------------------------
// Refusals, policy, the whole route, structure

describe('refusals', () => {
  test("measures before the pupil's voice are refused", () => {
    expectRefused(sendAll(openTrinn1(), [contacted(), psychosocialMapping()]), measures('2026-09-21'));
  });

  test('an evaluation before any measures is refused', () => {
    expectRefused(openTrinn1(), evaluation('improved'));
    expectRefused(start(ID, WITHOUT_NOTICE), evaluation('worse'));
  });

  test('closing as improved in the middle of Trinn 2 is refused', () => {
    expectRefused(toTrinn2Working(), closed('absence-improved'));
  });

  test('a pupil who moves closes the case at any level', () => {
    expect(stateOf(send(toTrinn2Working(), closed('pupil-moved')))).toBe('closed');
  });

  test('a case cannot open on a trigger this procedure does not use', () => {
    expect(() => start(ID, { trigger: { rule: 'consecutive-days', dates: ['2026-09-01'], days: 3 } })).toThrow(ProcedureError);
  });
});

describe('policy', () => {
  test("the defaults are the source's limits, each saying what it counts", () => {
    expect(planForSkolenaervaerPolicySchema.parse({})).toEqual({
      noticeWithinDays: 3,
      worryingAbsenceOverDays: 10,
      evaluationAfterDays: 21,
      trinn3AfterTotalDays: 42,
      innsatsteamWithoutImprovementMonths: 3,
      monitoringDays: 30,
    });
    const descriptionOf = (name: keyof typeof planForSkolenaervaerPolicySchema.shape) =>
      planForSkolenaervaerPolicySchema.shape[name].description;
    expect(descriptionOf('noticeWithinDays')).toMatch(/\(school days\)$/);
    expect(descriptionOf('worryingAbsenceOverDays')).toMatch(/\(school days\)$/);
    expect(descriptionOf('evaluationAfterDays')).toMatch(/\(calendar days\)$/);
    expect(descriptionOf('trinn3AfterTotalDays')).toMatch(/\(calendar days\)$/);
    expect(descriptionOf('innsatsteamWithoutImprovementMonths')).toMatch(/\(calendar months\)$/);
    expect(descriptionOf('monitoringDays')).toMatch(/\(calendar days\)$/);
  });

  test("a municipality's shorter evaluation limit narrows the dates the meeting may agree", () => {
    const heard = send(toTrinn2Met({ evaluationAfterDays: 14 }), pupilVoice());
    expectRefused(heard, measures('2026-09-22'));
    const working = send(heard, measures('2026-09-21'));
    expect(timer(working, 'evaluationAfterThreeWeeks').delay).toBe(msUntilEndOfDate('2026-09-07T08:00:00Z', '2026-09-21'));
  });

  test('overrides change the six-week, three-month, notice and monitoring limits', () => {
    const policy = { trinn3AfterTotalDays: 28, innsatsteamWithoutImprovementMonths: 2, noticeWithinDays: 2, monitoringDays: 14 };
    expect(timer(toTrinn2Met(policy), 'escalationAfterSixWeeksInTotal').delay).toBe(days(28));
    // 7 September + 2 months is 7 November: 61 days.
    expect(timer(toInnsatsteamWorking(policy), 'innsatsteamThreeMonths').delay).toBe(days(61));
    expect(timer(start(ID, WITHOUT_NOTICE, policy), 'contactAfterThreeDaysWithoutNotice').delay).toBe(
      msUntilDate('2026-09-07T07:00:00Z', '2026-09-08'),
    );
    expect(timer(toMonitoring(policy), 'monitoringPeriod').delay).toBe(days(14));
  });

  test('an override of the day limit changes when a universal-level case enters Trinn 1', () => {
    const watching = send(start(ID, WITHOUT_NOTICE, { worryingAbsenceOverDays: 8 }), noticeReceived());
    expect(stateOf(send(watching, thresholdReached('days-over-limit', 9)))).toBe('trinn1.contactingGuardians');
  });

  test('an unknown or out-of-range policy field is refused, naming the field', () => {
    expect(() => start(ID, OVER_TEN_DAYS, { evaluationAfterWeeks: 3 })).toThrow(InvalidPolicyError);
    expect(() => start(ID, OVER_TEN_DAYS, { evaluationAfterWeeks: 3 })).toThrow(/evaluationAfterWeeks/);
    expect(() => start(ID, OVER_TEN_DAYS, { evaluationAfterDays: 0 })).toThrow(/evaluationAfterDays/);
    // The limit in days from version 1 is gone: three months are calendar months now.
    expect(() => start(ID, OVER_TEN_DAYS, { innsatsteamWithoutImprovementDays: 90 })).toThrow(/innsatsteamWithoutImprovementDays/);
    expect(() => start(ID, OVER_TEN_DAYS, { innsatsteamWithoutImprovementMonths: 0 })).toThrow(/innsatsteamWithoutImprovementMonths/);
  });
});

describe('the whole procedure', () => {
  test('the longest route runs from absence without notice through every level to closed', () => {
    const visited: string[] = [];
    const go = (step: Step) => {
      visited.push(stateOf(step));
      return step;
    };

    let step = go(start(ID, WITHOUT_NOTICE));
    step = go(fire(step, 'contactAfterThreeDaysWithoutNotice'));
    step = go(send(step, contacted('unknown')));
    step = go(send(step, newTrigger('days-over-limit', 11)));
    step = go(send(step, contacted()));
    step = go(sendAll(step, [psychosocialMapping(), pupilVoice(), measures('2026-09-21')]));
    step = go(fire(step, 'trinn1ReviewOnAgreedDate'));
    step = go(send(step, evaluation('unchanged')));
    step = go(send(step, meetingHeld('leadership-meeting')));
    const sixWeeks = timer(step, 'escalationAfterSixWeeksInTotal');
    step = go(sendAll(step, [pupilVoice(), measures('2026-09-28')]));
    step = go(fire(step, 'evaluationAfterThreeWeeks'));
    step = go(send(step, evaluation('unchanged')));
    step = go(sendAll(step, [measures('2026-10-12'), trend('improved')]));
    step = go(send(step, sixWeeks.event));
    step = go(send(step, evaluation('worse')));
    step = go(send(step, consent('school-nurse')));
    step = go(send(step, referral('innsatsteam')));
    step = go(send(step, meetingHeld('innsatsteam-pre-meeting')));
    step = go(send(step, extendedMapping()));
    step = go(sendAll(step, [pupilVoice(), measures('2026-11-09')]));
    const threeMonths = timer(step, 'innsatsteamThreeMonths');
    step = go(sendAll(step, [evaluation('unchanged'), trend('improved')]));
    step = go(send(step, threeMonths.event));
    step = go(send(step, evaluation('unchanged')));
    step = go(sendAll(step, [referral('ppt'), consent('bup'), referral('bup', 'doctor')]));
    step = go(send(step, evaluation('improved')));
    step = go(fire(step, 'monitoringPeriod'));
    step = go(send(step, closed('absence-improved')));

    expect(visited).toEqual([
      'universal.awaitingNotice',
      'universal.contactingGuardians',
      'universal.watchingAttendance',
      'trinn1.contactingGuardians',
      'trinn1.mappingAndMeasures',
      'trinn1.followingMeasures',
      'trinn1.reviewDue',
      'trinn2.callingMeeting',
      'trinn2.afterMeeting.agreeingMeasures',
      'trinn2.afterMeeting.workingOnMeasures',
      'trinn2.afterMeeting.evaluationDue',
      'trinn2.afterMeeting.continuingMeasures',
      'trinn2.afterMeeting.continuingMeasures',
      'trinn2.afterMeeting.sixWeekReview',
      'trinn3.involvingSchoolHealthService',
      'trinn3.consideringMeasuresBeforeReferral',
      'trinn3.innsatsteam.preMeeting',
      'trinn3.innsatsteam.extendedMapping',
      'trinn3.innsatsteam.planning',
      'trinn3.innsatsteam.working',
      'trinn3.innsatsteam.working',
      'trinn3.innsatsteam.threeMonthReview',
      'trinn3.innsatsteam.contactingOtherServices',
      'trinn3.innsatsteam.contactingOtherServices',
      'followUp.monitoring',
      'followUp.closingDue',
      'closed',
    ]);
    expect(step.snapshot.status).toBe('done');
    expect(step.snapshot.context.evaluations).toBe(6);
    expect(step.snapshot.context.referrals).toEqual(['innsatsteam', 'ppt', 'bup']);
  });
});

describe('structure', () => {
  /** Every state node below the root, with its path. */
  function allStates(): AnyStateNode[] {
    const out: AnyStateNode[] = [];
    const walk = (node: AnyStateNode) => {
      for (const child of Object.values(node.states)) {
        out.push(child);
        walk(child);
      }
    };
    walk(machine.root);
    return out;
  }
  const clauseIds = new Set(planForSkolenaervaerClauses.map((c) => c.id));

  test('every state has meta with a Norwegian label, roles, known clauses and a public stage', () => {
    const states = allStates();
    expect(states.length).toBeGreaterThanOrEqual(28);
    for (const node of states) {
      const meta = node.meta as StateMeta | undefined;
      expect({ id: node.id, hasMeta: meta !== undefined }).toEqual({ id: node.id, hasMeta: true });
      if (!meta) continue;
      expect(meta.label.trim()).not.toBe('');
      // Labels are written for users, not state ids.
      expect(meta.label).not.toMatch(/[a-z][A-Z]/);
      expect(['identification', 'measures', 'evaluation', 'escalated', 'monitoring', 'closed']).toContain(meta.stage);
      for (const id of meta.clauses) expect(clauseIds).toContain(id);
      if (node.type !== 'final') expect(meta.responsible.length).toBeGreaterThan(0);
      // Guardians and the pupil take part but never record: they are never listed as who acts.
      expect(meta.responsible.filter((r) => r === 'guardians' || r === 'pupil')).toEqual([]);
    }
  });

  test('every clause is implemented by at least one state', () => {
    const cited = new Set(allStates().flatMap((node) => (node.meta as StateMeta).clauses));
    expect([...clauseIds].filter((id) => !cited.has(id))).toEqual([]);
  });

  test("clauses have unique ids and cite the procedure's source, the national guidance or the national child-welfare and BUP rules", () => {
    expect(clauseIds.size).toBe(planForSkolenaervaerClauses.length);
    for (const clause of planForSkolenaervaerClauses) {
      expect(clause.id).toMatch(/^(A|D)\.|^E\.(CW1|BUP1)$/);
      const sources = clause.id.startsWith('E.')
        ? [/^Rælingen kommune: /]
        : clause.id.startsWith('D.')
          ? [/^Udir: /]
          : [/^Plan for skolenærvær$/];
      expect(sources.some((source) => source.test(clause.source))).toBe(true);
    }
  });

  test('no dead ends: every non-final leaf moves on by an event or a delay of its own level', () => {
    const movesOn = (node: AnyStateNode) =>
      node.always?.some((t) => t.target !== undefined) ||
      [...node.transitions.values()].some((list) => list.some((t) => (t.target ?? []).length > 0));
    for (const node of allStates().filter((n) => n.type === 'atomic')) {
      const ancestors: AnyStateNode[] = [];
      for (let p: AnyStateNode | undefined = node; p && p !== machine.root; p = p.parent) ancestors.push(p);
      expect({ id: node.id, movesOn: ancestors.some(movesOn) }).toEqual({ id: node.id, movesOn: true });
    }
  });

  test('the procedure is registered as version 2 under its Norwegian name, with only the follow-up period as a routine delay', () => {
    expect(getProcedure(ID)).toMatchObject({
      id: ID,
      version: 2,
      displayName: 'Plan for skolenærvær',
      owner: 'Kommunen',
      specification: 'docs/procedures/plan-for-skolenaervaer.md',
      machine,
    });
    // Every other deadline is one a person must meet: when it passes, the case is overdue.
    expect(getProcedure(ID).routineDelays).toEqual(['monitoringPeriod']);
  });
});
