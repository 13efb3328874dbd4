/**
 * Procedure C ("Tiltaksplan ved elevfravær"), version 2, rule by rule. Each test name starts
 * with the clause id it checks; the traceability table is generated from these names. Besides
 * the clauses: every open state records new absence, who may send each step (authorization),
 * reminders that only remind, which deadlines are a person's, and the policy.
 */
import { authorisedRoles } from '../../machines/authorization';
import { type CaseContext, stageDocuments } from '../../machines/case-context';
import { MS_PER_DAY } from '../../machines/durations';
import type { EventType } from '../../machines/events';
import { InvalidPolicyError } from '../../machines/policy';
import { buildCaseInput, getProcedure } from '../../machines/registry';
import type { TiltaksplanPolicy } from '../../machines/tiltaksplan-elevfravaer';
import type { Role } from '../../machines/vocabulary';
import { walkStates } from '../../diagrams/machine-walk';
import { type Step, caseFacts, effects, ev, fire, metaOf, scheduled, send, sendAll, start, stateOf } from './harness';

const ID = 'tiltaksplan-elevfravaer';
const ctx = (step: Step) => step.snapshot.context as CaseContext<TiltaksplanPolicy>;
const delayOf = (step: Step, name: string) => scheduled(step).find((s) => s.id.includes(name))?.delay;
const roles = (step: Step, type: EventType): Role[] => authorisedRoles(step.snapshot, type, getProcedure(ID).extraSenders);

/** Sends to `current` the delayed event `scheduler` scheduled under `name`, as the workflow fires it later. */
function sendTimer(scheduler: Step, current: Step, name: string): Step {
  const timer = scheduled(scheduler).find((s) => s.id.includes(name));
  if (!timer) throw new Error(`no timer ${name}`);
  return send(current, timer.event);
}

const contacted = (cause: 'illness' | 'school-related' | 'home-related' = 'school-related', at?: string) =>
  ev('guardians.contacted', { channel: 'phone', cause, documentRef: `log-${cause}` }, at ? { at } : {});
const approval = (approved: boolean, recurring = false) =>
  ev('illness.confirmed', { recurring, guardiansApproveClosing: approved, documentRef: `ill-${String(approved)}` });
const voice = (at?: string) => ev('pupilVoice.recorded', { via: 'pupil', documentRef: 'voice-1' }, at ? { at } : {});
const plan = (evaluationDate = '2026-09-10', at = '2026-09-07T08:00:00Z', role: Role = 'contact-teacher') =>
  ev('measures.agreed', { measures: ['Daglig innsjekk med kontaktlærer'], evaluationDate, planRef: 'plan-1' }, { at, role });
const newTrigger = (dates = ['2026-09-21', '2026-09-22', '2026-09-23']) =>
  ev('absence.newTrigger', { trigger: { rule: 'consecutive-days', dates, days: dates.length } }, { role: 'system' });
/** Detection's trigger for a school day without notice from the guardians (C.1.2). */
const missingNotice = (date = '2026-09-08') =>
  ev(
    'absence.newTrigger',
    { trigger: { rule: 'unnotified-absence', dates: [date], days: 1 } },
    { role: 'system', at: `${date}T14:00:00Z` },
  );
const noticeReceived = () => ev('absence.noticeReceived', { documentRef: 'notice-1' });
const explained = (reason: 'natural-explanation' | 'illness-approved' = 'natural-explanation', role: Role = 'contact-teacher') =>
  ev('case.closed', { reason, note: 'Mor ringte: eleven er syk i dag.', documentRef: 'log-phase-1' }, { role });
/** A case opened on a day without notice (phase 1). */
const startPhase1 = (policy?: unknown) =>
  start(ID, { trigger: { rule: 'unnotified-absence', dates: ['2026-09-07'], days: 1 }, openedAt: '2026-09-07T14:00:00Z' }, policy);
const trend = () =>
  ev(
    'absence.trend',
    { trend: 'worse', from: '2026-09-01', to: '2026-09-28', absenceDays: 4 },
    { role: 'system', at: '2026-09-28T06:00:00Z' },
  );
const meeting = (
  kind: 'leadership-meeting' | 'evaluation-meeting',
  at: string,
  participants: Role[] = ['principal', 'school-leadership', 'contact-teacher', 'guardians', 'pupil'],
) =>
  ev(
    'meeting.held',
    { meeting: kind, participants, pupilPresent: participants.includes('pupil'), minutesRef: `minutes-${kind}` },
    { role: 'principal', at },
  );
const leadershipMeeting = (at = '2026-09-24T10:00:00Z') => meeting('leadership-meeting', at);
const followUpMeeting = (at = '2026-10-08T10:00:00Z') =>
  meeting('evaluation-meeting', at, ['principal', 'contact-teacher', 'guardians', 'pupil']);
const mappingForm = () => ev('mapping.completed', { form: 'situation-mapping', documentRef: 'mapping-1' }, { role: 'principal' });
const evaluation = (outcome: 'improved' | 'unchanged' | 'worse') =>
  ev('evaluation.held', { outcome, minutesRef: `evaluation-${outcome}` }, { role: 'principal', at: '2026-10-08T11:00:00Z' });
const closing = (role: Role = 'principal') =>
  ev('case.closed', { reason: 'absence-improved', note: 'Fraværet er normalisert.', documentRef: 'closing-1' }, { role });
const suspicion = () => ev('suspicion.raised', { kind: 'neglect', documentRef: 'suspicion-1' });

/** The meeting's plan, made at the meeting with a follow-up two weeks later. */
const meetingPlan = () => plan('2026-10-08', '2026-09-24T12:00:00Z', 'principal');
/** Further measures agreed at the follow-up meeting, with the next follow-up three weeks later. */
const furtherPlan = () => plan('2026-10-29', '2026-10-08T12:00:00Z', 'principal');

const toFollowingPlan = () => sendAll(start(ID), [contacted(), voice(), plan()]);
const toPhase3 = () => send(toFollowingPlan(), newTrigger());
/** From opening to the planning stage of phase 3 (new trigger, non-illness cause, meeting held). */
const toPlanning = () => sendAll(toPhase3(), [contacted('home-related'), leadershipMeeting()]);
const toMeasures = () => sendAll(toPlanning(), [mappingForm(), voice('2026-09-24T10:30:00Z'), meetingPlan()]);
const toFollowUp = () => send(toMeasures(), followUpMeeting());

/** How to reach every open leaf of the chart, in chart order. */
const reach: Record<string, () => Step> = {
  'open.missingNotice.contactingHome': () => startPhase1(),
  'open.missingNotice.answered': () => send(startPhase1(), contacted('illness')),
  'open.firstTrigger.contactingHome': () => start(ID),
  'open.firstTrigger.confirmingIllness': () => send(start(ID), contacted('illness')),
  'open.firstTrigger.planningThreeDays': () => send(start(ID), contacted()),
  'open.firstTrigger.followingPlan': toFollowingPlan,
  'open.restingAfterIllness': () => sendAll(start(ID), [contacted('illness'), approval(true)]),
  'open.newTrigger.contactingHome': toPhase3,
  'open.newTrigger.confirmingIllness': () => send(toPhase3(), contacted('illness')),
  'open.newTrigger.meetingCalled': () => send(toPhase3(), contacted('home-related')),
  'open.newTrigger.planning': toPlanning,
  'open.newTrigger.measuresInProgress': toMeasures,
  'open.newTrigger.followUpDue': toFollowUp,
  'open.newTrigger.furtherMeasures': () => send(toFollowUp(), evaluation('unchanged')),
  'open.monitoring': () => fire(toFollowingPlan(), 'threeDayPlanPeriod'),
  'open.closingDue': () => send(toFollowUp(), evaluation('improved')),
};
const openLeaves = Object.keys(reach);

describe('phase 1: notice', () => {
  test('[C.1.1] a guardian notice is filed on the case without moving it', () => {
    const s = send(start(ID), ev('absence.noticeReceived', { documentRef: 'notice-1' }));
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

  test('[C.1.2] a case opened on a day without notice starts in phase 1: the contact teacher is asked to contact the home that day, the guardians hear notice is missing', () => {
    const s = startPhase1();
    expect(stateOf(s)).toBe('open.missingNotice.contactingHome');
    expect(metaOf(s)).toMatchObject({
      label: 'Fravær uten melding – kontakt med hjemmet',
      responsible: ['contact-teacher'],
      clauses: ['C.1.2'],
      stage: 'identification',
    });
    expect(effects(s).map((e) => [e.type, e.params])).toEqual([
      ['notifyStaff', { roles: ['contact-teacher'], about: 'notice-missing' }],
      ['notifyGuardians', { message: 'absence-without-notice' }],
    ]);
    // A case opened on a pattern still starts at phase 2.
    expect(stateOf(start(ID))).toBe('open.firstTrigger.contactingHome');
  });

  test('[C.1.2] the contact is due that day: the contact teacher is reminded daily, the reminder only reminds, and a missed contact makes the case overdue', () => {
    const s = startPhase1();
    expect(delayOf(s, 'contactReminder')).toBe(1 * MS_PER_DAY);
    const first = fire(s, 'contactReminder');
    const second = fire(first, 'contactReminder');
    for (const reminded of [first, second]) {
      expect(stateOf(reminded)).toBe('open.missingNotice.contactingHome');
      expect(effects(reminded)).toEqual([
        expect.objectContaining({ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } }),
      ]);
      expect(delayOf(reminded, 'contactReminder')).toBe(1 * MS_PER_DAY);
    }
    // Not a routine delay: when it fires, the workflow marks the case overdue until someone acts.
    expect(getProcedure(ID).routineDelays).not.toContain('contactReminder');
  });

  test("[C.1.2] the guardians' answer or the late notice ends the contact step; the case then closes with its reason, reminded weekly until someone closes it", () => {
    for (const answer of [contacted('illness'), contacted('home-related'), noticeReceived()]) {
      const answered = send(startPhase1(), answer);
      expect(stateOf(answered)).toBe('open.missingNotice.answered');
      expect(metaOf(answered).requiredDocuments).toEqual(['closing-note']);
      expect(ctx(answered).documents.map((d) => d.kind)).toEqual([
        answer.type === 'guardians.contacted' ? 'contact-log' : 'absence-notice',
      ]);
      expect(delayOf(answered, 'closingReminder')).toBe(7 * MS_PER_DAY);
      const reminded = fire(answered, 'closingReminder');
      expect({ to: stateOf(reminded), effects: effects(reminded).map((e) => e.params) }).toEqual({
        to: 'open.missingNotice.answered',
        effects: [{ roles: ['contact-teacher'], about: 'file-document' }],
      });
      const closed = send(reminded, explained());
      expect(closed.snapshot.status).toBe('done');
      expect(ctx(closed).documents.at(-1)).toMatchObject({ kind: 'closing-note', eventType: 'case.closed' });
    }
    // Closing for illness keeps that reason; a reason that is no explanation is refused.
    expect(send(send(startPhase1(), contacted('illness')), explained('illness-approved')).snapshot.status).toBe('done');
    const answered = send(startPhase1(), contacted());
    expect(answered.snapshot.can(closing())).toBe(false); // absence-improved: nothing has improved in phase 1
  });

  test('[C.1.2] a school that already knows the cause closes the case at once with the explanation', () => {
    const closed = send(startPhase1(), explained());
    expect(stateOf(closed)).toBe('closed');
    expect(startPhase1().snapshot.can(closing())).toBe(false);
  });

  test('[C.1.2][C.2] an absence pattern in phase 1 is the first pattern: the case goes on at phase 2, whichever phase 1 step it was in', () => {
    for (const phase1 of [startPhase1(), send(startPhase1(), contacted())]) {
      const moved = send(phase1, newTrigger());
      expect(stateOf(moved)).toBe('open.firstTrigger.contactingHome');
      expect(effects(moved)).toEqual([
        expect.objectContaining({ type: 'notifyStaff', params: { roles: ['contact-teacher'], about: 'case-opened' } }),
      ]);
      expect(ctx(moved).triggers.map((t) => t.rule)).toEqual(['unnotified-absence', 'consecutive-days']);
      // Phase 2 builds on its own contact: the phase 1 contact log does not count for it.
      expect(stageDocuments(ctx(moved))).toEqual([]);
    }
  });

  test('[C.1.2] a new day without notice is recorded in every open state: the guardians are told, the contact teacher reminded, and the case stays where it is', () => {
    for (const leaf of openLeaves) {
      const s = reach[leaf]!();
      const after = send(s, missingNotice('2026-10-12'));
      expect({
        leaf,
        to: stateOf(after),
        last: ctx(after).triggers.at(-1)?.rule,
        effects: effects(after).map((e) => [e.type, e.params]),
      }).toEqual({
        leaf,
        to: leaf,
        last: 'unnotified-absence',
        effects: [
          ['notifyGuardians', { message: 'absence-without-notice' }],
          ['remindResponsible', { roles: ['contact-teacher'], about: 'contact-guardians' }],
        ],
      });
    }
  });

  test('[C.1.2][C.3] a day without notice is not a new pattern: it never moves phase 2 on to phase 3', () => {
    for (const leaf of [
      'open.firstTrigger.planningThreeDays',
      'open.firstTrigger.followingPlan',
      'open.restingAfterIllness',
      'open.monitoring',
      'open.closingDue',
    ]) {
      expect({ leaf, to: stateOf(send(reach[leaf]!(), missingNotice())) }).toEqual({ leaf, to: leaf });
      expect({ leaf, to: stateOf(send(reach[leaf]!(), newTrigger())) }).toEqual({ leaf, to: 'open.newTrigger.contactingHome' });
    }
  });
});

describe('phase 2: first trigger', () => {
  test('[C.2] a case opens on 3 consecutive days, 4 single days in a month or repeated partial days (and on a day without notice, C.1.2), and on nothing else', () => {
    const procedure = getProcedure(ID);
    for (const rule of ['unnotified-absence', 'consecutive-days', 'single-days-in-month', 'partial-days-in-month']) {
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
    expect(effects(s)).toEqual([
      expect.objectContaining({ type: 'notifyStaff', params: { roles: ['contact-teacher'], about: 'case-opened' } }),
    ]);
    expect(delayOf(s, 'contactReminder')).toBe(1 * MS_PER_DAY);
    const reminded = fire(s, 'contactReminder');
    expect(stateOf(reminded)).toBe('open.firstTrigger.contactingHome');
    expect(delayOf(reminded, 'contactReminder')).toBe(1 * MS_PER_DAY);
  });

  test('[C.2.1a] the daily contact reminder reminds and re-sends nothing else', () => {
    const first = fire(start(ID), 'contactReminder');
    const second = fire(first, 'contactReminder');
    for (const reminded of [first, second]) {
      expect(effects(reminded)).toEqual([
        expect.objectContaining({ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } }),
      ]);
    }
  });

  test('[C.2.1a] contacting the home files the conversation and informs the guardians about the plan', () => {
    const s = send(start(ID), contacted());
    expect(ctx(s).documents.map((d) => d.kind)).toEqual(['contact-log']);
    expect(effects(s)).toEqual([expect.objectContaining({ type: 'notifyGuardians', params: { message: 'absence-routine' } })]);
  });

  test("[C.2.1a] the guardians hear about the school's procedure also when the cause is illness", () => {
    const s = send(start(ID), contacted('illness'));
    expect(stateOf(s)).toBe('open.firstTrigger.confirmingIllness');
    expect(effects(s)).toEqual([expect.objectContaining({ type: 'notifyGuardians', params: { message: 'absence-routine' } })]);
  });

  test("[C.2.1b] illness puts the case aside only with the guardians' approval, and the guardians are told", () => {
    const illness = send(start(ID), contacted('illness'));
    const approved = send(illness, approval(true));
    expect(stateOf(approved)).toBe('open.restingAfterIllness');
    expect(metaOf(approved).stage).toBe('monitoring');
    expect(effects(approved)).toEqual([expect.objectContaining({ type: 'notifyGuardians', params: { message: 'closed-for-illness' } })]);
    expect(ctx(approved).documents.map((d) => d.eventType)).toEqual(['guardians.contacted', 'illness.confirmed']);
    expect(stateOf(send(illness, approval(false)))).toBe('open.firstTrigger.planningThreeDays');
  });

  test("[C.2.1b] while the guardians' answer on illness is awaited, the contact teacher is reminded daily", () => {
    const illness = send(start(ID), contacted('illness'));
    expect(delayOf(illness, 'contactReminder')).toBe(1 * MS_PER_DAY);
    const reminded = fire(illness, 'contactReminder');
    expect(stateOf(reminded)).toBe('open.firstTrigger.confirmingIllness');
    expect(effects(reminded)).toEqual([
      expect.objectContaining({ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'contact-guardians' } }),
    ]);
  });

  test('[C.2.1d] a phase 2 case «closed» for illness goes on at phase 3 on new absence', () => {
    const resting = sendAll(start(ID), [contacted('illness'), approval(true)]);
    const moved = send(resting, newTrigger());
    expect(stateOf(moved)).toBe('open.newTrigger.contactingHome');
    expect(ctx(moved).triggers).toHaveLength(2);
    // New or recurring illness is judged there, and closes the case for good with the approval.
    const closed = sendAll(moved, [contacted('illness'), approval(true, true)]);
    expect(closed.snapshot.status).toBe('done');
  });

  test('[C.2.1d] a case «closed» for illness rests for half a year (a policy value), then closes; nobody is late meanwhile', () => {
    const resting = sendAll(start(ID), [contacted('illness'), approval(true)]);
    expect(delayOf(resting, 'illnessRestPeriod')).toBe(180 * MS_PER_DAY);
    expect(getProcedure(ID).routineDelays).toContain('illnessRestPeriod');
    const closed = fire(resting, 'illnessRestPeriod');
    expect(closed.snapshot.status).toBe('done');
    const shorter = sendAll(start(ID, {}, { illnessRestDays: 60 }), [contacted('illness'), approval(true)]);
    expect(delayOf(shorter, 'illnessRestPeriod')).toBe(60 * MS_PER_DAY);
  });

  test('[C.2.1c] otherwise a plan for the next 3 days is made, then follow-up continues', () => {
    let s = send(start(ID), contacted());
    expect(stateOf(s)).toBe('open.firstTrigger.planningThreeDays');
    s = sendAll(s, [voice(), plan()]);
    expect(stateOf(s)).toBe('open.firstTrigger.followingPlan');
    expect(delayOf(s, 'threeDayPlanPeriod')).toBe(3 * MS_PER_DAY);
    expect(stateOf(fire(s, 'threeDayPlanPeriod'))).toBe('open.monitoring');
  });

  test('[C.2.1c] the three-day plan is due at once: the contact teacher is reminded daily until it is recorded', () => {
    const planning = send(start(ID), contacted());
    expect(delayOf(planning, 'planReminder')).toBe(1 * MS_PER_DAY);
    const reminded = fire(planning, 'planReminder');
    expect(stateOf(reminded)).toBe('open.firstTrigger.planningThreeDays');
    expect(effects(reminded)).toEqual([
      expect.objectContaining({ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'agree-measures' } }),
    ]);
  });

  test('[C.2.1c] when the three days are over, the contact teacher is asked how the plan went', () => {
    const ended = fire(toFollowingPlan(), 'threeDayPlanPeriod');
    expect(effects(ended)).toEqual([
      expect.objectContaining({ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'evaluate-measures' } }),
    ]);
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
    const informed = ev('staff.informed', { recipients: ['teacher-team', 'principal', 'resource-team'] });
    for (const leaf of openLeaves) {
      const s = reach[leaf]!();
      expect({ leaf, can: s.snapshot.can(informed), after: stateOf(send(s, informed)) }).toEqual({ leaf, can: true, after: leaf });
    }
  });
});

describe('phase 3: new trigger', () => {
  test('[C.3] a new trigger during the three-day plan or after it moves the case to phase 3 and tells the principal', () => {
    const during = toFollowingPlan();
    const moved = send(during, newTrigger());
    expect(stateOf(moved)).toBe('open.newTrigger.contactingHome');
    expect(effects(moved)).toContainEqual(
      expect.objectContaining({ type: 'notifyStaff', params: { roles: ['principal', 'contact-teacher'], about: 'new-trigger' } }),
    );
    expect(ctx(moved).triggers).toHaveLength(2);
    const after = fire(during, 'threeDayPlanPeriod');
    expect(stateOf(send(after, newTrigger()))).toBe('open.newTrigger.contactingHome');
  });

  test('[C.3] every open state records a new trigger and a trend with their evidence; only the plan states, a case put aside for illness, follow-up after improvement and ready to close move to phase 3', () => {
    // Every leaf a case can rest in (the transient opening is never rested in).
    const chartLeaves = walkStates(getProcedure(ID).machine)
      .filter((s) => s.leaf && !s.final && s.path !== 'open.opening')
      .map((s) => s.path);
    expect(openLeaves).toEqual(chartLeaves);
    const moving = [
      'open.firstTrigger.planningThreeDays',
      'open.firstTrigger.followingPlan',
      'open.restingAfterIllness',
      'open.monitoring',
      'open.closingDue',
    ];
    // In phase 1 a pattern is the first one: the case goes on at phase 2 (C.1.2).
    const toPhase2 = ['open.missingNotice.contactingHome', 'open.missingNotice.answered'];
    for (const leaf of openLeaves) {
      const s = reach[leaf]!();
      expect(stateOf(s)).toBe(leaf);
      const dates = ['2026-10-12', '2026-10-13', '2026-10-14'];
      const triggered = send(s, newTrigger(dates));
      expect({ leaf, can: s.snapshot.can(newTrigger(dates)) }).toEqual({ leaf, can: true });
      expect({ leaf, last: ctx(triggered).triggers.at(-1) }).toEqual({ leaf, last: { rule: 'consecutive-days', dates, days: 3 } });
      const to = moving.includes(leaf)
        ? 'open.newTrigger.contactingHome'
        : toPhase2.includes(leaf)
          ? 'open.firstTrigger.contactingHome'
          : leaf;
      expect({ leaf, to: stateOf(triggered) }).toEqual({ leaf, to });
      const trended = send(s, trend());
      expect({ leaf, can: s.snapshot.can(trend()), to: stateOf(trended), trend: ctx(trended).lastTrend }).toEqual({
        leaf,
        can: true,
        to: leaf,
        trend: 'worse',
      });
    }
  });

  test('[C.3] new absence before the phase 2 contact or during phase 3 is recorded, the principal and contact teacher are told, and the case stays', () => {
    for (const leaf of [
      'open.firstTrigger.contactingHome',
      'open.firstTrigger.confirmingIllness',
      'open.newTrigger.planning',
      'open.newTrigger.measuresInProgress',
    ]) {
      const s = send(reach[leaf]!(), newTrigger());
      expect({ leaf, to: stateOf(s), effects: effects(s).map((e) => e.params) }).toEqual({
        leaf,
        to: leaf,
        effects: [{ roles: ['principal', 'contact-teacher'], about: 'new-absence' }],
      });
    }
  });

  test("[C.3.1] new or recurring illness closes the case with the guardians' approval, documented, and the guardians are told", () => {
    let s = send(toPhase3(), contacted('illness'));
    expect(stateOf(s)).toBe('open.newTrigger.confirmingIllness');
    s = send(s, approval(true, true));
    expect(stateOf(s)).toBe('closed');
    expect(ctx(s).documents.filter((d) => d.eventType === 'illness.confirmed')).toHaveLength(1);
    expect(effects(s)).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'notifyGuardians', params: { message: 'case-closed' } })]),
    );
  });

  test('[C.3.2a] otherwise the principal calls leadership, contact teacher, guardians and pupil to a meeting at once', () => {
    const s = send(toPhase3(), contacted('home-related'));
    expect(stateOf(s)).toBe('open.newTrigger.meetingCalled');
    expect(metaOf(s).responsible).toEqual(['principal']);
    expect(effects(s)).toEqual([
      expect.objectContaining({
        type: 'scheduleMeeting',
        params: {
          meeting: 'leadership-meeting',
          participants: ['principal', 'school-leadership', 'contact-teacher', 'guardians', 'pupil'],
          withinDays: 0,
        },
      }),
      expect.objectContaining({ type: 'notifyGuardians', params: { message: 'meeting-invitation' } }),
    ]);
    expect(delayOf(s, 'meetingCalledImmediately')).toBe(2 * MS_PER_DAY);
    // Another kind of meeting does not count as the one the principal called.
    const other = ev('meeting.held', {
      meeting: 'pupil-conversation',
      participants: ['contact-teacher', 'pupil'],
      pupilPresent: true,
      minutesRef: 'm',
    });
    expect(s.snapshot.can(other)).toBe(false);
  });

  test('[C.3.2a] the meeting is also called when the guardians do not approve closing for new illness', () => {
    const s = sendAll(toPhase3(), [contacted('illness'), approval(false, true)]);
    expect(stateOf(s)).toBe('open.newTrigger.meetingCalled');
    expect(effects(s).map((e) => e.type)).toEqual(['scheduleMeeting', 'notifyGuardians']);
  });

  test('[C.3.2a] the meeting reminder reminds the principal only: no new scheduling, no new invitation', () => {
    const called = send(toPhase3(), contacted('home-related'));
    const first = fire(called, 'meetingCalledImmediately');
    const second = fire(first, 'meetingCalledImmediately');
    for (const reminded of [first, second]) {
      expect(stateOf(reminded)).toBe('open.newTrigger.meetingCalled');
      expect(effects(reminded)).toEqual([
        expect.objectContaining({ type: 'remindResponsible', params: { roles: ['principal'], about: 'hold-meeting' } }),
      ]);
    }
  });

  test('[C.3.2a] the reminder for the meeting called at once does not restart its stage', () => {
    const called = send(toPhase3(), contacted('home-related'));
    let s = send(called, voice());
    s = sendTimer(called, s, 'meetingCalledImmediately');
    expect(stateOf(s)).toBe('open.newTrigger.meetingCalled');
    expect(stageDocuments(ctx(s)).map((d) => d.kind)).toEqual(['pupil-voice']);
    s = sendAll(s, [leadershipMeeting(), mappingForm()]);
    expect(stateOf(send(s, meetingPlan()))).toBe('open.newTrigger.measuresInProgress');
  });

  test('[C.3.2a] the meeting counts only with the principal, the contact teacher and the guardians there', () => {
    const called = send(toPhase3(), contacted('home-related'));
    for (const missing of ['principal', 'contact-teacher', 'guardians'] as const) {
      const participants = (['principal', 'school-leadership', 'contact-teacher', 'guardians', 'pupil'] as Role[]).filter(
        (r) => r !== missing,
      );
      expect({ missing, can: called.snapshot.can(meeting('leadership-meeting', '2026-09-24T10:00:00Z', participants)) }).toEqual({
        missing,
        can: false,
      });
    }
    // The pupil who does not come is heard through a trusted adult before the plan (J12, D.2).
    const withoutPupil = meeting('leadership-meeting', '2026-09-24T10:00:00Z', ['principal', 'contact-teacher', 'guardians']);
    expect(stateOf(send(called, withoutPupil))).toBe('open.newTrigger.planning');
  });

  test('[C.3.2b] the pupil takes part in the meeting: the plan waits for the pupil heard there, not only in phase 2', () => {
    const s = send(toPlanning(), mappingForm());
    expect(ctx(s).pupilVoiceRecorded).toBe(true); // heard for the three-day plan
    expect(metaOf(s).requiredDocuments).toContain('pupil-voice');
    expect(s.snapshot.can(meetingPlan())).toBe(false);
    expect(stateOf(sendAll(s, [voice(), meetingPlan()]))).toBe('open.newTrigger.measuresInProgress');
  });

  test('[C.3.2b] the plan cannot be made before the minutes and the mapping form are on file', () => {
    const s = send(toPlanning(), voice());
    expect(stateOf(s)).toBe('open.newTrigger.planning');
    expect(metaOf(s).requiredDocuments).toEqual(expect.arrayContaining(['minutes', 'mapping-form']));
    expect(s.snapshot.can(meetingPlan())).toBe(false);
    const mapped = send(s, mappingForm());
    expect(mapped.snapshot.can(meetingPlan())).toBe(true);
  });

  test('[C.3.2c] the measures plan sets a follow-up meeting no later than three weeks ahead, and the guardians get the minutes', () => {
    const s = sendAll(toPlanning(), [voice(), mappingForm()]);
    expect(s.snapshot.can(plan('2026-10-20', '2026-09-24T12:00:00Z', 'principal'))).toBe(false); // 26 days: too late
    expect(s.snapshot.can(plan('2026-10-15', '2026-09-24T12:00:00Z', 'principal'))).toBe(true); // 21 days: the limit
    const agreed = send(s, meetingPlan());
    expect(stateOf(agreed)).toBe('open.newTrigger.measuresInProgress');
    expect(effects(agreed).map((e) => [e.type, e.params])).toEqual([
      ['notifyGuardians', { message: 'minutes-shared' }],
      ['scheduleMeeting', { meeting: 'evaluation-meeting', participants: ['principal', 'contact-teacher', 'guardians', 'pupil'] }],
    ]);
    const due = fire(agreed, 'followUpMeetingWithinThreeWeeks');
    expect(stateOf(due)).toBe('open.newTrigger.followUpDue');
    expect(effects(due)).toContainEqual(
      expect.objectContaining({ type: 'remindResponsible', params: { roles: ['principal'], about: 'evaluate-measures' } }),
    );
  });

  test('[C.3.2c] the follow-up date lies within three weeks of the meeting, however late the plan is recorded', () => {
    const s = sendAll(toPlanning(), [voice(), mappingForm()]);
    // Recorded five days after the meeting of 2026-09-24: the limit is still 2026-10-15.
    expect(s.snapshot.can(plan('2026-10-15', '2026-09-29T12:00:00Z', 'principal'))).toBe(true);
    expect(s.snapshot.can(plan('2026-10-16', '2026-09-29T12:00:00Z', 'principal'))).toBe(false);
  });

  test('[C.3.2c] a follow-up date on or before the meeting day is refused', () => {
    const s = sendAll(toPlanning(), [voice(), mappingForm()]);
    expect(s.snapshot.can(plan('2026-09-24', '2026-09-24T12:00:00Z', 'principal'))).toBe(false);
    expect(s.snapshot.can(plan('2026-09-20', '2026-09-24T12:00:00Z', 'principal'))).toBe(false);
    expect(s.snapshot.can(plan('2026-09-25', '2026-09-24T12:00:00Z', 'principal'))).toBe(true);
  });

  test('[C.3.2c] the follow-up falls due at the end of the agreed day, not at its start', () => {
    const agreed = toMeasures();
    expect(delayOf(agreed, 'followUpMeetingWithinThreeWeeks')).toBe(
      Date.parse('2026-10-09T00:00:00Z') - Date.parse('2026-09-24T12:00:00Z'),
    );
  });

  test('[C.3.2c] the plan made in the meeting is due that day: the principal and the contact teacher are reminded daily', () => {
    const planning = toPlanning();
    const reminded = fire(planning, 'planReminder');
    expect(stateOf(reminded)).toBe('open.newTrigger.planning');
    expect(effects(reminded)).toEqual([
      expect.objectContaining({ type: 'remindResponsible', params: { roles: ['principal', 'contact-teacher'], about: 'agree-measures' } }),
    ]);
  });

  test('[C.3.2d] the assessment of other services is made in the meeting: the plan needs its minutes, and services can be brought in from the meeting on', () => {
    const s = toPlanning();
    expect(metaOf(s).clauses).toContain('C.3.2d');
    expect(metaOf(s).requiredDocuments).toContain('minutes');
    const ppt = ev('referral.sent', { service: 'ppt', documentRef: 'referral-ppt' }, { role: 'principal' });
    expect(send(s, ppt).snapshot.context.referrals).toEqual(['ppt']);
  });

  test('[C.3.3a] the follow-up meeting closes the case when absence is clearly lower', () => {
    const s = send(toFollowUp(), evaluation('improved'));
    expect(stateOf(s)).toBe('open.closingDue');
    expect(metaOf(s).requiredDocuments).toEqual(['closing-note']);
    const closed = send(s, closing());
    expect(closed.snapshot.status).toBe('done');
    expect(effects(closed)).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'notifyGuardians', params: { message: 'case-closed' } })]),
    );
    expect(ctx(closed).documents.at(-1)).toMatchObject({ kind: 'closing-note', ref: 'closing-1' });
  });

  test('[C.3.3a] follow-up after improvement is a policy option, 0 allowed, after the follow-up meeting and after the three-day plan', () => {
    const kept = sendAll(start(ID, {}, { monitoringAfterFollowUpDays: 14 }), [
      contacted(),
      voice(),
      plan(),
      newTrigger(),
      contacted('home-related'),
      leadershipMeeting(),
      mappingForm(),
      voice('2026-09-24T10:30:00Z'),
      meetingPlan(),
      followUpMeeting(),
      evaluation('improved'),
    ]);
    expect(stateOf(kept)).toBe('open.monitoring');
    expect(delayOf(kept, 'monitoringPeriod')).toBe(14 * MS_PER_DAY);
    expect(stateOf(fire(kept, 'monitoringPeriod'))).toBe('open.closingDue');
    const noneAfterPlan = fire(sendAll(start(ID, {}, { monitoringDays: 0 }), [contacted(), voice(), plan()]), 'threeDayPlanPeriod');
    expect(stateOf(noneAfterPlan)).toBe('open.closingDue');
  });

  test("[C.3.3a] the evaluation needs the follow-up meeting's minutes on file", () => {
    const due = fire(toMeasures(), 'followUpMeetingWithinThreeWeeks');
    expect(due.snapshot.can(evaluation('improved'))).toBe(false);
    expect(due.snapshot.can(evaluation('unchanged'))).toBe(false);
    const held = send(due, followUpMeeting('2026-10-09T09:00:00Z'));
    expect(stateOf(held)).toBe('open.newTrigger.followUpDue');
    expect(stateOf(send(held, evaluation('improved')))).toBe('open.closingDue');
  });

  test('[C.3.3a] once the follow-up meeting is held, the evaluation is reminded daily until it is recorded', () => {
    const held = toFollowUp();
    const reminded = fire(held, 'evaluationReminder');
    expect(stateOf(reminded)).toBe('open.newTrigger.followUpDue');
    expect(effects(reminded)).toEqual([
      expect.objectContaining({ type: 'remindResponsible', params: { roles: ['principal'], about: 'evaluate-measures' } }),
    ]);
    expect(stageDocuments(ctx(reminded)).map((d) => d.kind)).toEqual(['minutes']);
  });

  test('[C.3.3c] the follow-up meeting counts only with the principal, the contact teacher and the guardians there', () => {
    const measures = toMeasures();
    const withoutGuardians = meeting('evaluation-meeting', '2026-10-08T10:00:00Z', ['principal', 'contact-teacher', 'pupil']);
    expect(measures.snapshot.can(withoutGuardians)).toBe(false);
    const withoutPrincipal = meeting('evaluation-meeting', '2026-10-08T10:00:00Z', ['contact-teacher', 'guardians', 'pupil']);
    expect(measures.snapshot.can(withoutPrincipal)).toBe(false);
    expect(stateOf(send(measures, followUpMeeting()))).toBe('open.newTrigger.followUpDue');
  });

  test('[C.3.3b] otherwise further measures are agreed under the principal and evaluated again', () => {
    let s = send(toFollowUp(), evaluation('unchanged'));
    expect(stateOf(s)).toBe('open.newTrigger.furtherMeasures');
    expect(metaOf(s).responsible).toEqual(['principal']);
    s = sendAll(s, [voice('2026-10-08T10:30:00Z'), furtherPlan()]);
    expect(stateOf(s)).toBe('open.newTrigger.measuresInProgress');
    expect(ctx(s).evaluationDate).toBe('2026-10-29');
  });

  test('[C.3.3b] further measures need the pupil heard at the follow-up meeting, a next follow-up within three weeks of it, and share the minutes', () => {
    const further = send(toFollowUp(), evaluation('worse'));
    // The pupil was heard for the first plan, but not at this meeting.
    expect(ctx(further).pupilVoiceRecorded).toBe(true);
    expect(further.snapshot.can(furtherPlan())).toBe(false);
    const heard = send(further, voice('2026-10-08T10:30:00Z'));
    expect(heard.snapshot.can(plan('2026-10-30', '2026-10-08T12:00:00Z', 'principal'))).toBe(false); // 22 days after the meeting
    const agreed = send(heard, furtherPlan());
    expect(effects(agreed).map((e) => [e.type, e.params])).toEqual([
      ['notifyGuardians', { message: 'minutes-shared' }],
      ['scheduleMeeting', { meeting: 'evaluation-meeting', participants: ['principal', 'contact-teacher', 'guardians', 'pupil'] }],
    ]);
  });
});

describe("who may act (authorization from the states' responsible roles)", () => {
  const leadership: Role[] = ['principal', 'school-leadership'];
  const teacherAndLeadership: Role[] = ['contact-teacher', ...leadership];

  /** The moving step of each open leaf and who may send it. */
  const steps: [string, EventType, Role[]][] = [
    ['open.missingNotice.contactingHome', 'guardians.contacted', teacherAndLeadership],
    ['open.missingNotice.contactingHome', 'case.closed', teacherAndLeadership],
    ['open.missingNotice.answered', 'case.closed', teacherAndLeadership],
    ['open.firstTrigger.contactingHome', 'guardians.contacted', teacherAndLeadership],
    ['open.firstTrigger.confirmingIllness', 'illness.confirmed', teacherAndLeadership],
    ['open.firstTrigger.planningThreeDays', 'measures.agreed', teacherAndLeadership],
    ['open.newTrigger.contactingHome', 'guardians.contacted', teacherAndLeadership],
    ['open.newTrigger.confirmingIllness', 'illness.confirmed', teacherAndLeadership],
    ['open.newTrigger.meetingCalled', 'meeting.held', leadership],
    ['open.newTrigger.planning', 'measures.agreed', teacherAndLeadership],
    ['open.newTrigger.planning', 'mapping.completed', teacherAndLeadership],
    ['open.newTrigger.measuresInProgress', 'meeting.held', teacherAndLeadership],
    ['open.newTrigger.followUpDue', 'evaluation.held', teacherAndLeadership],
    ['open.newTrigger.furtherMeasures', 'measures.agreed', leadership],
    ['open.closingDue', 'case.closed', teacherAndLeadership],
  ];

  test.each(steps)('%s: «%s» may be sent by the responsible roles and the leadership only', (leaf, type, expected) => {
    const s = reach[leaf]!();
    expect(roles(s, type)).toEqual(expected);
  });

  test("[C.2.1b] the guardians' approval of an illness closing is recorded by the contact teacher or the leadership, never by the guardians or the pupil", () => {
    for (const leaf of ['open.firstTrigger.confirmingIllness', 'open.newTrigger.confirmingIllness']) {
      const allowed = roles(reach[leaf]!(), 'illness.confirmed');
      expect(allowed).toEqual(teacherAndLeadership);
      expect(allowed).not.toContain('guardians');
      expect(allowed).not.toContain('pupil');
    }
  });

  test("[C.3.3b] the contact teacher cannot take the principal's steps: calling the meeting to order and coordinating further measures", () => {
    expect(roles(reach['open.newTrigger.meetingCalled']!(), 'meeting.held')).not.toContain('contact-teacher');
    expect(roles(reach['open.newTrigger.furtherMeasures']!(), 'measures.agreed')).not.toContain('contact-teacher');
  });

  test('[C.3.3a] the pupil and the guardians can close no case in any state; a case ready to close is closed by the contact teacher or the leadership', () => {
    for (const leaf of openLeaves) {
      const allowed = roles(reach[leaf]!(), 'case.closed');
      expect({
        leaf,
        pupil: allowed.includes('pupil'),
        guardians: allowed.includes('guardians'),
        principal: allowed.includes('principal'),
      }).toEqual({
        leaf,
        pupil: false,
        guardians: false,
        principal: true,
      });
    }
    expect(roles(reach['open.closingDue']!(), 'case.closed')).toContain('contact-teacher');
  });

  test("[C.3] detection's facts come from the system only, in every open state", () => {
    for (const leaf of openLeaves) {
      const s = reach[leaf]!();
      for (const type of ['absence.newTrigger', 'absence.trend', 'absence.noticeMissing'] as const) {
        expect({ leaf, type, roles: roles(s, type) }).toEqual({ leaf, type, roles: ['system'] });
      }
    }
  });
});

describe('reminders and deadlines', () => {
  /** Every repeating reminder of the chart, with the open leaf it repeats in. */
  const reminders: [string, string][] = [
    ['open.missingNotice.contactingHome', 'contactReminder'],
    ['open.missingNotice.answered', 'closingReminder'],
    ['open.firstTrigger.contactingHome', 'contactReminder'],
    ['open.firstTrigger.confirmingIllness', 'contactReminder'],
    ['open.firstTrigger.planningThreeDays', 'planReminder'],
    ['open.newTrigger.contactingHome', 'contactReminder'],
    ['open.newTrigger.confirmingIllness', 'contactReminder'],
    ['open.newTrigger.meetingCalled', 'meetingCalledImmediately'],
    ['open.newTrigger.planning', 'planReminder'],
    ['open.newTrigger.followUpDue', 'evaluationReminder'],
    ['open.newTrigger.furtherMeasures', 'planReminder'],
    ['open.closingDue', 'closingReminder'],
  ];

  test.each(reminders)(
    '%s: the reminder «%s» only reminds: same state, same stage, nothing but a reminder, and it comes again',
    (leaf, delay) => {
      const s = reach[leaf]!();
      const reminded = fire(s, delay);
      expect(stateOf(reminded)).toBe(leaf);
      expect(ctx(reminded).stageDocumentStart).toBe(ctx(s).stageDocumentStart);
      expect(effects(reminded).map((e) => e.type)).toEqual(['remindResponsible']);
      expect(delayOf(reminded, delay)).toBe(delayOf(s, delay));
    },
  );

  test('[C.3.2c] the deadlines a person must meet make the case overdue; a planned period that ends does not', () => {
    const procedure = getProcedure(ID);
    expect(procedure.routineDelays).toEqual(['threeDayPlanPeriod', 'monitoringPeriod', 'illnessRestPeriod']);
    const personal = Object.keys(procedure.machine.implementations.delays).filter((d) => !procedure.routineDelays.includes(d));
    expect(personal).toEqual([
      'contactReminder',
      'planReminder',
      'evaluationReminder',
      'meetingCalledImmediately',
      'followUpMeetingWithinThreeWeeks',
      'closingReminder',
    ]);
  });

  test('[C.3.3a] a case ready to close is reminded weekly until someone closes it', () => {
    const ready = reach['open.closingDue']!();
    expect(delayOf(ready, 'closingReminder')).toBe(7 * MS_PER_DAY);
    expect(effects(fire(ready, 'closingReminder'))).toEqual([
      expect.objectContaining({ type: 'remindResponsible', params: { roles: ['contact-teacher', 'principal'], about: 'file-document' } }),
    ]);
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

  test('[D.3] follow-up continues after absence improves: a new trigger during monitoring or when ready to close reopens phase 3, closing needs a note', () => {
    const monitoring = fire(toFollowingPlan(), 'threeDayPlanPeriod');
    expect(metaOf(monitoring).stage).toBe('monitoring');
    expect(monitoring.snapshot.can(closing())).toBe(false);
    expect(stateOf(send(monitoring, newTrigger()))).toBe('open.newTrigger.contactingHome');
    expect(delayOf(monitoring, 'monitoringPeriod')).toBe(30 * MS_PER_DAY);
    const ready = fire(monitoring, 'monitoringPeriod');
    expect(stateOf(ready)).toBe('open.closingDue');
    expect(stateOf(send(ready, newTrigger()))).toBe('open.newTrigger.contactingHome');
  });
});

describe('national rules on child welfare and BUP', () => {
  const referral = (service: 'ppt' | 'bup' | 'child-welfare', role: Role = 'principal') =>
    ev('referral.sent', { service, documentRef: `referral-${service}` }, { role });

  test('[E.CW1] while a suspicion of harm waits for child welfare, no plan or referral elsewhere is accepted', () => {
    const waiting = sendAll(start(ID), [contacted(), voice(), suspicion()]);
    expect(stateOf(waiting)).toBe('open.firstTrigger.planningThreeDays');
    expect(waiting.snapshot.can(plan())).toBe(false);
    expect(waiting.snapshot.can(referral('ppt'))).toBe(false);
    // Child welfare itself is always the first call, by consultation, report or referral.
    expect(waiting.snapshot.can(referral('child-welfare'))).toBe(true);
    expect(waiting.snapshot.can(ev('concern.reported', { documentRef: 'concern-1' }, { role: 'principal' }))).toBe(true);
    const consulted = send(
      waiting,
      ev('childWelfare.consulted', { advice: 'school-continues', documentRef: 'cw-1' }, { role: 'principal' }),
    );
    expect(ctx(consulted).childWelfareConsulted).toBe(true);
    expect(stateOf(send(consulted, plan()))).toBe('open.firstTrigger.followingPlan');
    expect(consulted.snapshot.can(referral('ppt'))).toBe(true);
  });

  test("[E.CW1] the meeting's plan also waits for child welfare", () => {
    const s = sendAll(toPlanning(), [mappingForm(), voice(), suspicion()]);
    expect(s.snapshot.can(meetingPlan())).toBe(false);
    const reported = send(s, ev('concern.reported', { documentRef: 'concern-1' }, { role: 'principal' }));
    expect(reported.snapshot.can(meetingPlan())).toBe(true);
  });

  test('[E.CW1] while a suspicion blocks a plan, its daily reminder asks the principal to bring child welfare in', () => {
    for (const leaf of ['open.firstTrigger.planningThreeDays', 'open.newTrigger.planning', 'open.newTrigger.furtherMeasures']) {
      const entered = reach[leaf]!();
      const reminded = sendTimer(entered, send(entered, suspicion()), 'planReminder');
      expect({ leaf, to: stateOf(reminded), effects: effects(reminded).map((e) => e.params) }).toEqual({
        leaf,
        to: leaf,
        effects: [{ roles: ['principal'], about: 'consult-child-welfare' }],
      });
    }
  });

  test("[E.BUP1] a BUP referral needs municipal measures tried and evaluated, the guardians' consent, and a GP, psychologist or child welfare to send it", () => {
    const consent = ev('consent.given', { service: 'bup', documentRef: 'consent-bup' });
    // A plan was made, but not yet evaluated.
    const planned = send(toMeasures(), consent);
    expect(planned.snapshot.can(referral('bup', 'doctor'))).toBe(false);
    const evaluated = sendAll(planned, [followUpMeeting(), evaluation('unchanged')]);
    expect(stateOf(evaluated)).toBe('open.newTrigger.furtherMeasures');
    expect(evaluated.snapshot.can(referral('bup', 'principal'))).toBe(false);
    expect(send(evaluated, referral('bup', 'doctor')).snapshot.context.referrals).toEqual(['bup']);
    const withdrawn = send(evaluated, ev('consent.withdrawn', { service: 'bup', documentRef: 'withdrawn-bup' }));
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
    for (const leaf of openLeaves) expect({ leaf, to: stateOf(send(reach[leaf]!(), moved)) }).toEqual({ leaf, to: 'closed' });
  });

  test('policy overrides change the delays without touching the chart', () => {
    const s = start(
      ID,
      {},
      { contactReminderDays: 2, threeDayPlanDays: 5, monitoringDays: 60, recordReminderDays: 3, closingReminderDays: 14 },
    );
    expect(delayOf(s, 'contactReminder')).toBe(2 * MS_PER_DAY);
    expect(delayOf(send(s, contacted()), 'planReminder')).toBe(3 * MS_PER_DAY);
    const following = sendAll(s, [contacted(), voice(), plan()]);
    expect(delayOf(following, 'threeDayPlanPeriod')).toBe(5 * MS_PER_DAY);
    const monitoring = fire(following, 'threeDayPlanPeriod');
    expect(delayOf(monitoring, 'monitoringPeriod')).toBe(60 * MS_PER_DAY);
    expect(delayOf(fire(monitoring, 'monitoringPeriod'), 'closingReminder')).toBe(14 * MS_PER_DAY);
  });

  test('a shorter follow-up limit tightens the plan guard', () => {
    let s = start(ID, {}, { followUpMeetingWithinDays: 14 });
    s = sendAll(s, [contacted(), voice(), plan(), newTrigger(), contacted('home-related'), leadershipMeeting(), mappingForm(), voice()]);
    expect(s.snapshot.can(plan('2026-10-15', '2026-09-24T12:00:00Z', 'principal'))).toBe(false); // 21 days > 14
    expect(s.snapshot.can(plan('2026-10-08', '2026-09-24T12:00:00Z', 'principal'))).toBe(true);
  });

  test('an unknown or invalid policy field is refused with its name; follow-up after improvement may be 0, reminders may not', () => {
    expect(() => start(ID, {}, { followUpWithinDays: 14 })).toThrow(InvalidPolicyError);
    expect(() => start(ID, {}, { followUpWithinDays: 14 })).toThrow(/followUpWithinDays/);
    expect(() => start(ID, {}, { monitoringDays: -1 })).toThrow(/monitoringDays/);
    expect(() => start(ID, {}, { contactReminderDays: 0 })).toThrow(/contactReminderDays/);
    expect(() => start(ID, {}, { monitoringDays: 0, monitoringAfterFollowUpDays: 0 })).not.toThrow();
  });

  test('the longest route: first trigger, plan, new trigger, meeting, two rounds of measures, follow-up, closed', () => {
    let s = start(ID, {}, { monitoringAfterFollowUpDays: 30 });
    s = sendAll(s, [contacted(), voice(), plan()]);
    s = fire(s, 'threeDayPlanPeriod');
    s = sendAll(s, [newTrigger(), contacted('illness'), approval(false, true)]);
    expect(stateOf(s)).toBe('open.newTrigger.meetingCalled');
    s = fire(s, 'meetingCalledImmediately');
    s = sendAll(s, [leadershipMeeting(), mappingForm(), voice('2026-09-24T10:30:00Z'), meetingPlan()]);
    s = fire(s, 'followUpMeetingWithinThreeWeeks');
    s = sendAll(s, [followUpMeeting('2026-10-09T10:00:00Z'), evaluation('worse'), voice('2026-10-09T10:30:00Z')]);
    s = send(s, plan('2026-10-29', '2026-10-09T12:00:00Z', 'principal'));
    s = sendAll(s, [followUpMeeting('2026-10-29T10:00:00Z'), evaluation('improved')]);
    s = send(fire(s, 'monitoringPeriod'), closing());
    expect(stateOf(s)).toBe('closed');
    expect(ctx(s).evaluations).toBe(2);
    expect(ctx(s).documents.map((d) => d.kind)).toEqual(
      expect.arrayContaining(['contact-log', 'pupil-voice', 'measures-plan', 'minutes', 'mapping-form', 'evaluation', 'closing-note']),
    );
  });
});
