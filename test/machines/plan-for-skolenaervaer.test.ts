/**
 * Pure tests of procedure A, "Plan for skolenærvær" (seed 000): one or more tests per clause,
 * named after the clause they check, plus refusals, policy overrides, the longest route and the
 * structure every state must have (meta, a way forward).
 */
import type { AnyStateNode } from 'xstate';
import { days, msUntilDate } from '../../machines/durations';
import type { CaseEvent } from '../../machines/events';
import {
  PLAN_FOR_SKOLENAERVAER_ID as ID,
  planForSkolenaervaerClauses,
  planForSkolenaervaerMachine as machine,
  planForSkolenaervaerPolicySchema,
} from '../../machines/plan-for-skolenaervaer';
import type { StateMeta } from '../../machines/meta';
import { InvalidPolicyError } from '../../machines/policy';
import { ProcedureError, getProcedure } from '../../machines/registry';
import type { Role, Service } from '../../machines/vocabulary';
import { type Step, effects, ev, fire, metaOf, scheduled, send, sendAll, start, stateOf } from './harness';

// ---------------------------------------------------------------------------------------------
// Facts and events

const OVER_TEN_DAYS = { trigger: { rule: 'days-over-limit', dates: ['2026-08-24', '2026-09-04'], days: 11 } };
const WITHOUT_NOTICE = { trigger: { rule: 'unnotified-absence', dates: ['2026-09-07'], days: 1 } };

const contacted = (cause: 'unknown' | 'school-related' = 'school-related') =>
  ev('guardians.contacted', { channel: 'phone', cause, documentRef: 'vss/log-1' });
const pupilVoice = () => ev('pupilVoice.recorded', { via: 'pupil', documentRef: 'vss/voice-1' });
const psychosocialMapping = () => ev('mapping.completed', { form: 'psychosocial-environment', documentRef: 'vss/map-1' });
const extendedMapping = () => ev('mapping.completed', { form: 'extended-mapping', documentRef: 'vss/map-2' });
const measures = (evaluationDate: string, at?: string) =>
  ev(
    'measures.agreed',
    { measures: ['fast morning contact with a trusted adult'], evaluationDate, planRef: 'vss/plan-1' },
    at ? { at } : {},
  );
const evaluation = (outcome: 'improved' | 'unchanged' | 'worse') =>
  ev('evaluation.held', { outcome, minutesRef: 'vss/eval-1' });
const meetingHeld = (meeting: 'leadership-meeting' | 'evaluation-meeting' | 'innsatsteam-pre-meeting') =>
  ev('meeting.held', { meeting, participants: ['contact-teacher', 'guardians'], pupilPresent: true, minutesRef: 'vss/minutes-1' });
const consent = (service: Service) => ev('consent.given', { service, documentRef: 'vss/consent-1' });
const referral = (service: Service, role: Role = 'principal') =>
  ev('referral.sent', { service, documentRef: `vss/referral-${service}` }, { role });
const escalationDecided = () =>
  ev('escalation.decided', { reason: 'absence rising fast', documentRef: 'vss/decision-1' }, { role: 'principal' });
const trend = (t: 'improved' | 'unchanged' | 'worse') =>
  ev('absence.trend', { trend: t, from: '2026-09-01', to: '2026-09-30', absenceDays: 4 });
const closed = (reason: 'natural-explanation' | 'absence-improved' | 'pupil-moved') =>
  ev('case.closed', { reason, note: 'see the closing note', documentRef: 'vss/closing-1' }, { role: 'principal' });
const contactLogged = () => ev('document.recorded', { kind: 'contact-log', documentRef: 'vss/log-2' });
const suspicion = () => ev('suspicion.raised', { kind: 'neglect', documentRef: 'vss/suspicion-1' });
const childWelfareConsulted = () =>
  ev('childWelfare.consulted', { advice: 'school-continues', documentRef: 'vss/cw-1' }, { role: 'principal' });
const thresholdReached = (rule: 'days-over-limit' | 'high-absence-short-period', absenceDays: number) =>
  ev('absence.thresholdReached', { trigger: { rule, dates: ['2026-09-10'], days: absenceDays } }, { role: 'system' });

/** Effects as plain data: name and params, without XState's bookkeeping. */
const declared = (step: Step) => effects(step).map(({ type, params }) => ({ type, params }));

/** The delayed event a step scheduled under `delayName`, to send later from another step. */
function timer(step: Step, delayName: string) {
  const found = scheduled(step).find((s) => s.id.includes(delayName));
  if (!found) throw new Error(`no timer ${delayName}`);
  return found;
}

/** Refused: the machine says it cannot take the event, and sending it changes nothing. */
function expectRefused(step: Step, event: CaseEvent) {
  expect(step.snapshot.can(event)).toBe(false);
  const next = send(step, event);
  expect(next.snapshot.value).toEqual(step.snapshot.value);
  expect(next.snapshot.context).toEqual(step.snapshot.context);
}

// ---------------------------------------------------------------------------------------------
// Routes to each level

const openTrinn1 = (policy?: unknown) => start(ID, OVER_TEN_DAYS, policy);

function toTrinn1Measures(policy?: unknown): Step {
  return sendAll(openTrinn1(policy), [contacted(), psychosocialMapping(), pupilVoice(), measures('2026-09-21')]);
}

/** Enters Trinn 2 through a Trinn 1 evaluation without improvement; the returned step holds the six-week timer. */
function toTrinn2(policy?: unknown): Step {
  return send(toTrinn1Measures(policy), evaluation('unchanged'));
}

/** Trinn 2 measures agreed; the returned step holds the three-week timer. */
function toTrinn2Working(policy?: unknown, evaluationDate = '2026-09-28'): Step {
  return sendAll(toTrinn2(policy), [meetingHeld('leadership-meeting'), pupilVoice(), measures(evaluationDate)]);
}

const toTrinn3 = () => send(toTrinn2(), escalationDecided());

/** Innsatsteam measures agreed; the returned step holds the three-month timer. */
function toInnsatsteamWorking(policy?: unknown): Step {
  return sendAll(send(toTrinn2(policy), escalationDecided()), [
    consent('school-nurse'),
    referral('innsatsteam'),
    meetingHeld('innsatsteam-pre-meeting'),
    extendedMapping(),
    pupilVoice(),
    measures('2026-10-05'),
  ]);
}

const toMonitoring = () => send(toTrinn1Measures(), evaluation('improved'));

// ---------------------------------------------------------------------------------------------
// Universal level (§5.1)

describe('universal level', () => {
  test('[A.5.1a] a case opened on absence without notice waits for the guardians\' written notice', () => {
    const opened = start(ID, WITHOUT_NOTICE);
    expect(stateOf(opened)).toBe('universal.awaitingNotice');
    expect(metaOf(opened).responsible).toContain('guardians');

    const noticed = send(opened, ev('absence.noticeReceived', { documentRef: 'vfs/notice-1' }, { role: 'guardians' }));
    expect(stateOf(noticed)).toBe('universal.watchingAttendance');
    expect(noticed.snapshot.context.documents.map((d: { kind: string }) => d.kind)).toEqual(['absence-notice']);
  });

  test('[A.5.1b] the guardians\' notice of the cause is filed at any level without moving the case', () => {
    const working = toTrinn2Working();
    const step = send(working, ev('absence.noticeReceived', { documentRef: 'vfs/notice-2' }, { role: 'guardians' }));
    expect(stateOf(step)).toBe('trinn2.workingOnMeasures');
    expect(step.snapshot.context.documents.at(-1)).toMatchObject({ kind: 'absence-notice', ref: 'vfs/notice-2' });
  });

  test('[A.5.1c] without notice within three days the school contacts the guardians', () => {
    const opened = start(ID, WITHOUT_NOTICE);
    expect(timer(opened, 'contactAfterThreeDaysWithoutNotice').delay).toBe(days(3));

    const due = fire(opened, 'contactAfterThreeDaysWithoutNotice');
    expect(stateOf(due)).toBe('universal.contactingGuardians');
    expect(declared(due)).toEqual([
      { type: 'notifyGuardians', params: { message: 'absence-without-notice' } },
      { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } },
    ]);
    expect(stateOf(send(due, contacted('unknown')))).toBe('universal.watchingAttendance');
  });

  test('[A.5.1c] once the contact is due, an explanation closes the case only after the contact is logged', () => {
    const due = fire(start(ID, WITHOUT_NOTICE), 'contactAfterThreeDaysWithoutNotice');
    expect(metaOf(due).requiredDocuments).toEqual(['contact-log']);
    expectRefused(due, closed('natural-explanation'));
    expect(stateOf(sendAll(due, [contactLogged(), closed('natural-explanation')]))).toBe('closed');
    // The usual way: the logged contact, then the explanation closes the case.
    expect(stateOf(sendAll(due, [contacted('unknown'), closed('natural-explanation')]))).toBe('closed');
  });

  test('[A.5.1c] detection\'s count of three school days without notice makes the contact due at once', () => {
    const opened = start(ID, WITHOUT_NOTICE);
    const missing = (n: number) =>
      ev('absence.noticeMissing', { firstDay: '2026-09-07', schoolDaysWithoutNotice: n }, { role: 'system' });
    expect(stateOf(send(opened, missing(2)))).toBe('universal.awaitingNotice');
    expect(stateOf(send(opened, missing(3)))).toBe('universal.contactingGuardians');
  });

  test('[A.5.1c] the notice rule still applies when the case is at a higher level', () => {
    const working = toTrinn2Working();
    const step = send(working, ev('absence.noticeMissing', { firstDay: '2026-09-14', schoolDaysWithoutNotice: 3 }, { role: 'system' }));
    expect(stateOf(step)).toBe('trinn2.workingOnMeasures');
    expect(declared(step)).toEqual([
      { type: 'notifyGuardians', params: { message: 'absence-without-notice' } },
      { type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Trinn 1

describe('Trinn 1', () => {
  test('[A.T1.0] absence over ten days moves a universal-level case to Trinn 1; ten days does not', () => {
    const watching = send(start(ID, WITHOUT_NOTICE), ev('absence.noticeReceived', { documentRef: 'vfs/n' }));
    // Ten days is recorded as a fact but is not "over 10 days": the case stays at the universal level.
    const tenDays = send(watching, thresholdReached('days-over-limit', 10));
    expect(stateOf(tenDays)).toBe('universal.watchingAttendance');
    expect(tenDays.snapshot.context.triggers).toHaveLength(2);
    const step = send(watching, thresholdReached('days-over-limit', 11));
    expect(stateOf(step)).toBe('trinn1.contactingGuardians');
    expect(declared(step)).toContainEqual({
      type: 'notifyStaff',
      params: { roles: ['contact-teacher', 'teacher-team'], about: 'case-opened' },
    });
  });

  test('[A.T1.0] high absence over a short time or a teacher\'s concern opens the case in Trinn 1', () => {
    expect(stateOf(start(ID, { trigger: { rule: 'high-absence-short-period', dates: ['2026-09-03'] } }))).toBe(
      'trinn1.contactingGuardians',
    );
    expect(stateOf(start(ID, { trigger: { rule: 'staff-concern', dates: ['2026-09-03'] } }))).toBe('trinn1.contactingGuardians');
    const watching = send(start(ID, WITHOUT_NOTICE), ev('absence.noticeReceived', { documentRef: 'vfs/n' }));
    expect(stateOf(send(watching, thresholdReached('high-absence-short-period', 4)))).toBe('trinn1.contactingGuardians');
  });

  test('[A.T1.0] absence judged not worrying is closed with its explanation', () => {
    const step = sendAll(openTrinn1(), [contactLogged(), closed('natural-explanation')]);
    expect(stateOf(step)).toBe('closed');
    expect(step.snapshot.status).toBe('done');
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

  test('[A.T1.1a] the contact teacher\'s logged conversation with the guardians starts the mapping', () => {
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
    expect(timer(following, 'trinn1ReviewOnAgreedDate').delay).toBe(msUntilDate('2026-09-07T08:00:00Z', '2026-09-21'));

    const due = fire(following, 'trinn1ReviewOnAgreedDate');
    expect(stateOf(due)).toBe('trinn1.reviewDue');
    expect(declared(due)).toEqual([{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'evaluate-measures' } }]);
    expect(stateOf(send(due, evaluation('worse')))).toBe('trinn2.callingMeeting');
  });

  test('[A.T1.3] the school may start Trinn 2 while the Trinn 1 measures run', () => {
    expect(stateOf(send(toTrinn1Measures(), escalationDecided()))).toBe('trinn2.callingMeeting');
  });

  test('[A.T1.3] once the review date has come, the evaluation decides: a bare decision is refused', () => {
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
    expect(stateOf(met)).toBe('trinn2.agreeingMeasures');
    expect(met.snapshot.context.documents.at(-1)).toMatchObject({ kind: 'minutes' });
  });

  test('[A.T2.1b] the school nurse\'s consent given in Trinn 2 spares the school-health step of Trinn 3', () => {
    const met = sendAll(toTrinn2(), [meetingHeld('leadership-meeting'), consent('school-nurse')]);
    expect(met.snapshot.context.consents).toEqual(['school-nurse']);
    const trinn3 = send(met, escalationDecided());
    expect(stateOf(trinn3)).toBe('trinn3.consideringMeasuresBeforeReferral');
    expect(declared(trinn3).map((e) => e.type)).not.toContain('requestDocument');
  });

  test('[A.T2.1c] the meeting agrees minuted measures with an evaluation date at most three weeks ahead', () => {
    const heard = sendAll(toTrinn2(), [meetingHeld('leadership-meeting'), pupilVoice()]);
    expectRefused(heard, measures('2026-10-05'));
    const step = send(heard, measures('2026-09-28'));
    expect(stateOf(step)).toBe('trinn2.workingOnMeasures');
    expect(declared(step)).toEqual([
      { type: 'notifyGuardians', params: { message: 'minutes-shared' } },
      {
        type: 'scheduleMeeting',
        params: { meeting: 'evaluation-meeting', participants: ['contact-teacher', 'school-leadership', 'guardians', 'pupil'] },
      },
    ]);
    expect(step.snapshot.context.evaluationDate).toBe('2026-09-28');
  });

  test('[A.T2.3] the school works on the agreed measures under leadership and the contact teacher', () => {
    const working = toTrinn2Working();
    expect(metaOf(working)).toMatchObject({ stage: 'measures', responsible: ['contact-teacher', 'school-leadership'] });
    // An evaluation held early counts: improvement leaves Trinn 2 for monitoring.
    expect(stateOf(send(working, evaluation('improved')))).toBe('monitoring');
  });

  test('[A.T2.4] the evaluation meeting is due three weeks after the measures are agreed', () => {
    const working = toTrinn2Working();
    expect(timer(working, 'evaluationAfterThreeWeeks').delay).toBe(days(21));
    const due = fire(working, 'evaluationAfterThreeWeeks');
    expect(stateOf(due)).toBe('trinn2.evaluationDue');
    expect(metaOf(due).requiredDocuments).toEqual(['evaluation']);
    expect(declared(due)).toEqual([
      { type: 'remindResponsible', params: { roles: ['school-leadership', 'contact-teacher'], about: 'evaluate-measures' } },
    ]);
    const adjusting = send(due, evaluation('unchanged'));
    expect(stateOf(adjusting)).toBe('trinn2.continuingMeasures');
    // Adjusted measures are taken without leaving Trinn 2.
    expect(stateOf(send(adjusting, measures('2026-10-12')))).toBe('trinn2.continuingMeasures');
  });

  test('[A.T2.5] unchanged absence six weeks after entering Trinn 2 moves the case to Trinn 3', () => {
    const entered = toTrinn2();
    const sixWeeks = timer(entered, 'escalationAfterSixWeeksInTotal');
    expect(sixWeeks.delay).toBe(days(42));
    const adjusting = send(fire(toTrinn2Working(), 'evaluationAfterThreeWeeks'), evaluation('unchanged'));
    const step = send(adjusting, sixWeeks.event);
    expect(stateOf(step)).toBe('trinn3.involvingSchoolHealthService');
  });

  test('[A.T2.5] after six weeks without sign of worse absence the school evaluates before deciding', () => {
    const sixWeeks = timer(toTrinn2(), 'escalationAfterSixWeeksInTotal');
    const improving = send(toTrinn2Working(), trend('improved'));
    const review = send(improving, sixWeeks.event);
    expect(stateOf(review)).toBe('trinn2.sixWeekReview');
    expect(stateOf(send(review, evaluation('unchanged')))).toBe('trinn3.involvingSchoolHealthService');
    expect(stateOf(send(review, evaluation('improved')))).toBe('monitoring');
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
  test('[A.T3.0] Trinn 3 is led by school leadership with the support services', () => {
    const step = toTrinn3();
    expect(declared(step)).toContainEqual({
      type: 'notifyStaff',
      params: { roles: ['principal', 'school-leadership'], about: 'case-escalated' },
    });
    const all = step.snapshot.getMeta() as Record<string, StateMeta>;
    expect(all[`${ID}.trinn3`]).toMatchObject({ stage: 'escalated', responsible: ['school-leadership', 'school-nurse', 'innsatsteam'] });
  });

  test('[A.T3.1a] the school health service is involved with the guardians\' consent on file', () => {
    const step = toTrinn3();
    expect(declared(step)).toContainEqual({ type: 'requestDocument', params: { kind: 'consent', from: ['guardians'] } });
    expect(metaOf(step).requiredDocuments).toEqual(['consent']);
    expect(stateOf(send(step, consent('ppt')))).toBe('trinn3.involvingSchoolHealthService');
    expect(stateOf(send(step, consent('school-nurse')))).toBe('trinn3.consideringMeasuresBeforeReferral');
  });

  test('[A.T3.1b] measures may be tried with the school health service before a referral', () => {
    const considering = send(toTrinn3(), consent('school-nurse'));
    const trying = send(considering, measures('2026-10-05'));
    expect(stateOf(trying)).toBe('trinn3.consideringMeasuresBeforeReferral');
    expect(stateOf(send(trying, evaluation('unchanged')))).toBe('trinn3.consideringMeasuresBeforeReferral');
    expect(stateOf(send(trying, evaluation('improved')))).toBe('monitoring');
  });

  test('[A.T3.2] the school or the guardians refer the case to Innsatsteam', () => {
    const considering = send(toTrinn3(), consent('school-nurse'));
    expect(stateOf(send(considering, referral('ppt')))).toBe('trinn3.consideringMeasuresBeforeReferral');
    expect(stateOf(send(considering, referral('innsatsteam', 'guardians')))).toBe('trinn3.innsatsteam.preMeeting');
  });

  test('[A.T3.2a] a pre-meeting is held with the principal, the contact teacher and Innsatsteam', () => {
    const referred = sendAll(toTrinn3(), [consent('school-nurse'), referral('innsatsteam')]);
    expect(declared(referred)).toEqual([
      {
        type: 'scheduleMeeting',
        params: { meeting: 'innsatsteam-pre-meeting', participants: ['principal', 'contact-teacher', 'innsatsteam'] },
      },
    ]);
    expect(stateOf(send(referred, meetingHeld('evaluation-meeting')))).toBe('trinn3.innsatsteam.preMeeting');
    expect(stateOf(send(referred, meetingHeld('innsatsteam-pre-meeting')))).toBe('trinn3.innsatsteam.planning');
  });

  test('[A.T3.2b] the extended mapping must be on file before Innsatsteam agrees measures', () => {
    const planning = sendAll(toTrinn3(), [consent('school-nurse'), referral('innsatsteam'), meetingHeld('innsatsteam-pre-meeting'), pupilVoice()]);
    expectRefused(planning, measures('2026-10-05'));
    expect(send(planning, extendedMapping()).snapshot.can(measures('2026-10-05'))).toBe(true);
  });

  test('[A.T3.2c] measures made from the mapping start Innsatsteam\'s work', () => {
    const working = toInnsatsteamWorking();
    expect(stateOf(working)).toBe('trinn3.innsatsteam.working');
    expect(working.snapshot.context.documents.at(-1)).toMatchObject({ kind: 'measures-plan' });
  });

  test('[A.T3.2d] the minutes with the shared responsibilities are required and sent on', () => {
    const all = machine.root.states.trinn3?.states.innsatsteam?.states.planning?.meta as StateMeta;
    expect(all.requiredDocuments).toEqual(['minutes', 'mapping-form', 'pupil-voice', 'measures-plan']);
    expect(declared(toInnsatsteamWorking())).toEqual([
      { type: 'notifyGuardians', params: { message: 'minutes-shared' } },
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
    expect(stateOf(sendAll(others, [referral('ppt'), evaluation('improved')]))).toBe('monitoring');
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
    const referred = send(improved, referral('doctor'));
    expect(stateOf(send(referred, evaluation('improved')))).toBe('monitoring');
  });

  test('[A.T3.3] after three months of Innsatsteam work without improvement other services are contacted', () => {
    const working = toInnsatsteamWorking();
    expect(timer(working, 'innsatsteamThreeMonths').delay).toBe(days(90));
    const unchanged = send(working, evaluation('unchanged'));
    const step = send(unchanged, timer(working, 'innsatsteamThreeMonths').event);
    expect(stateOf(step)).toBe('trinn3.innsatsteam.contactingOtherServices');
    expect(declared(step)).toEqual([
      { type: 'remindResponsible', params: { roles: ['principal', 'innsatsteam'], about: 'decide-escalation' } },
    ]);
    const referred = sendAll(step, [
      referral('doctor'),
      referral('ppt'),
      referral('child-welfare'),
      consent('bup'),
      referral('bup', 'doctor'),
    ]);
    expect(referred.snapshot.context.referrals).toEqual(['innsatsteam', 'doctor', 'ppt', 'child-welfare', 'bup']);
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
    expectRefused(heard, ev('schoolNurse.conversationHeld', { conclusion: 'no-medical-cause', documentRef: 'vss/nurse-1' }));
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

  test('[E.BUP1] a BUP referral needs municipal measures tried, the guardians\' consent, and a GP, psychologist or child welfare to send it', () => {
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
    const withdrawn = send(trinn2, ev('consent.withdrawn', { service: 'bup', documentRef: 'vss/withdrawn-1' }, { role: 'guardians' }));
    expectRefused(withdrawn, referral('bup', 'doctor'));
  });
});

// ---------------------------------------------------------------------------------------------
// National guidance

describe('national guidance', () => {
  test('[D.2] measures are never agreed before the pupil is heard, at any level', () => {
    expectRefused(sendAll(openTrinn1(), [contacted(), psychosocialMapping()]), measures('2026-09-21'));
    expectRefused(send(toTrinn2(), meetingHeld('leadership-meeting')), measures('2026-09-28'));
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

  test('[D.3] follow-up continues after improvement, and the case closes only after monitoring', () => {
    const monitoring = toMonitoring();
    expect(stateOf(monitoring)).toBe('monitoring');
    expect(timer(monitoring, 'monitoringPeriod').delay).toBe(days(30));
    expectRefused(monitoring, closed('absence-improved'));

    const due = fire(monitoring, 'monitoringPeriod');
    expect(stateOf(due)).toBe('closingDue');
    expectRefused(due, closed('natural-explanation'));
    const done = send(due, closed('absence-improved'));
    expect(stateOf(done)).toBe('closed');
    expect(declared(done)).toEqual([
      { type: 'notifyGuardians', params: { message: 'case-closed' } },
      { type: 'notifyStaff', params: { roles: ['contact-teacher', 'principal'], about: 'case-closed' } },
    ]);
  });

  test('[D.3] absence that returns during monitoring reopens the case at Trinn 2', () => {
    const relapsed = send(toMonitoring(), thresholdReached('high-absence-short-period', 4));
    expect(stateOf(relapsed)).toBe('trinn2.callingMeeting');
    expect(declared(relapsed)).toContainEqual({ type: 'informSchoolOwner', params: { about: 'case-escalated' } });
  });
});

// ---------------------------------------------------------------------------------------------
// Refusals, policy, the whole route, structure

describe('refusals', () => {
  test('measures before the pupil\'s voice are refused', () => {
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
  test('the defaults are the seed\'s limits, each saying whether it counts calendar or school days', () => {
    expect(planForSkolenaervaerPolicySchema.parse({})).toEqual({
      noticeWithinDays: 3,
      worryingAbsenceOverDays: 10,
      evaluationAfterDays: 21,
      trinn3AfterTotalDays: 42,
      innsatsteamWithoutImprovementDays: 90,
      monitoringDays: 30,
    });
    const descriptions = Object.entries(planForSkolenaervaerPolicySchema.shape).map(
      ([name, field]) => [name, field.description] as const,
    );
    for (const [, description] of descriptions) expect(description).toMatch(/\((calendar|school) days\)$/);
    expect(planForSkolenaervaerPolicySchema.shape.worryingAbsenceOverDays.description).toMatch(/\(school days\)$/);
  });

  test('a municipality\'s override of the three-week evaluation changes the delay', () => {
    const working = toTrinn2Working({ evaluationAfterDays: 14 }, '2026-09-21');
    expect(timer(working, 'evaluationAfterThreeWeeks').delay).toBe(days(14));
    // The evaluation date must then also fit within the shorter limit.
    const heard = sendAll(toTrinn2({ evaluationAfterDays: 14 }), [meetingHeld('leadership-meeting'), pupilVoice()]);
    expectRefused(heard, measures('2026-09-28'));
  });

  test('overrides change the six-week, three-month, notice and monitoring limits', () => {
    const policy = { trinn3AfterTotalDays: 28, innsatsteamWithoutImprovementDays: 60, noticeWithinDays: 2, monitoringDays: 14 };
    expect(timer(toTrinn2(policy), 'escalationAfterSixWeeksInTotal').delay).toBe(days(28));
    expect(timer(toInnsatsteamWorking(policy), 'innsatsteamThreeMonths').delay).toBe(days(60));
    expect(timer(start(ID, WITHOUT_NOTICE, policy), 'contactAfterThreeDaysWithoutNotice').delay).toBe(days(2));
    expect(timer(send(toTrinn1Measures(policy), evaluation('improved')), 'monitoringPeriod').delay).toBe(days(14));
  });

  test('an override of the day limit changes when a universal-level case enters Trinn 1', () => {
    const watching = send(start(ID, WITHOUT_NOTICE, { worryingAbsenceOverDays: 8 }), ev('absence.noticeReceived', { documentRef: 'vfs/n' }));
    expect(stateOf(send(watching, thresholdReached('days-over-limit', 9)))).toBe('trinn1.contactingGuardians');
  });

  test('an unknown policy field is refused, naming the field', () => {
    expect(() => start(ID, OVER_TEN_DAYS, { evaluationAfterWeeks: 3 })).toThrow(InvalidPolicyError);
    expect(() => start(ID, OVER_TEN_DAYS, { evaluationAfterWeeks: 3 })).toThrow(/evaluationAfterWeeks/);
    expect(() => start(ID, OVER_TEN_DAYS, { evaluationAfterDays: 0 })).toThrow(/evaluationAfterDays/);
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
    step = go(send(step, thresholdReached('days-over-limit', 11)));
    step = go(send(step, contacted()));
    step = go(sendAll(step, [psychosocialMapping(), pupilVoice(), measures('2026-09-21')]));
    step = go(fire(step, 'trinn1ReviewOnAgreedDate'));
    step = go(send(step, evaluation('unchanged')));
    const sixWeeks = timer(step, 'escalationAfterSixWeeksInTotal');
    step = go(send(step, meetingHeld('leadership-meeting')));
    step = go(sendAll(step, [pupilVoice(), measures('2026-09-28')]));
    step = go(fire(step, 'evaluationAfterThreeWeeks'));
    step = go(send(step, evaluation('unchanged')));
    step = go(sendAll(step, [measures('2026-10-12'), trend('improved')]));
    step = go(send(step, sixWeeks.event));
    step = go(send(step, evaluation('worse')));
    step = go(send(step, consent('school-nurse')));
    step = go(send(step, referral('innsatsteam')));
    step = go(send(step, meetingHeld('innsatsteam-pre-meeting')));
    step = go(sendAll(step, [extendedMapping(), pupilVoice(), measures('2026-11-09')]));
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
      'trinn2.agreeingMeasures',
      'trinn2.workingOnMeasures',
      'trinn2.evaluationDue',
      'trinn2.continuingMeasures',
      'trinn2.continuingMeasures',
      'trinn2.sixWeekReview',
      'trinn3.involvingSchoolHealthService',
      'trinn3.consideringMeasuresBeforeReferral',
      'trinn3.innsatsteam.preMeeting',
      'trinn3.innsatsteam.planning',
      'trinn3.innsatsteam.working',
      'trinn3.innsatsteam.working',
      'trinn3.innsatsteam.threeMonthReview',
      'trinn3.innsatsteam.contactingOtherServices',
      'trinn3.innsatsteam.contactingOtherServices',
      'monitoring',
      'closingDue',
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
    expect(states.length).toBeGreaterThanOrEqual(25);
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
    }
  });

  test('every clause is implemented by at least one state', () => {
    const cited = new Set(allStates().flatMap((node) => (node.meta as StateMeta).clauses));
    expect([...clauseIds].filter((id) => !cited.has(id))).toEqual([]);
  });

  test('clauses have unique ids and cite seed 000, the national guidance or the national child-welfare and BUP rules', () => {
    expect(clauseIds.size).toBe(planForSkolenaervaerClauses.length);
    for (const clause of planForSkolenaervaerClauses) {
      expect(clause.id).toMatch(/^(A|D)\.|^E\.(CW1|BUP1)$/);
      const seeds = clause.id.startsWith('E.') ? ['seeds/004_53de83eb73d91c3c.txt'] : ['seeds/000_1c05628d5467a2d6.txt', 'seeds/003_454750ee85d3d9e6.txt'];
      expect(seeds).toContain(clause.seed);
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

  test('the procedure is registered under its Norwegian name and seed', () => {
    expect(getProcedure(ID)).toMatchObject({
      id: ID,
      version: 2,
      displayName: 'Plan for skolenærvær',
      owner: 'Kommunen',
      seed: 'seeds/000_1c05628d5467a2d6.txt',
      machine,
    });
  });
});
