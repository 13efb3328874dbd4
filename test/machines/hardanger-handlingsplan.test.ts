/**
 * Pure tests of procedure B (Hardanger, the Hardanger action plan), version 2, plus the national rules D.2, D.3,
 * E.CW1 and E.BUP1: every clause of `hardangerClauses` has a test named after it, and the tests
 * assert concrete states, declared effects and delays in milliseconds, so a changed chart makes
 * them fail. Besides the clauses: every open state records new absence, who may send each step
 * (authorization), reminders that only remind, and which delays mark a step a person owes.
 */
import type { AnyMachineSnapshot, AnyStateNode, StateValue } from 'xstate';
import { authorisedRoles } from '../../machines/authorization';
import { type CaseContext, initialCaseContext } from '../../machines/case-context';
import { MS_PER_DAY } from '../../machines/durations';
import type { EventType } from '../../machines/events';
import { HARDANGER_ID, type HardangerPolicy, hardangerClauses, hardangerMachine } from '../../machines/hardanger-handlingsplan';
import type { StateMeta } from '../../machines/meta';
import { buildCaseInput, getProcedure } from '../../machines/registry';
import type { Role } from '../../machines/vocabulary';
import { walkStates } from '../../diagrams/machine-walk';
import { type Step, caseFacts, effects, ev, fire, metaOf, scheduled, send, start, stateOf } from './harness';

const AT = '2026-09-07T08:00:00Z';
const HOUR = 60 * 60 * 1000;
const STAFF_CONCERN = { trigger: { rule: 'staff-concern', dates: ['2026-09-04'] } };

/** Dotted paths of the states the tests land in. */
const L1 = 'open.level1';
const L1A = 'open.level1.afterConversation';
const L2 = 'open.level2';
const L3 = 'open.level3';
const MONITORING = 'open.monitoring.monitoringPeriodRunning';
const CLOSING_DUE = 'open.monitoring.closingDue';

/** Effects as plain { type, params } so they can be compared exactly. */
const declared = (step: Step) => effects(step).map(({ type, params }) => ({ type, params }));
const delayOf = (step: Step, name: string): number | undefined => scheduled(step).find((s) => s.id.includes(name))?.delay;
const docKinds = (step: Step): string[] => step.snapshot.context.documents.map((d: { kind: string }) => d.kind);
const ctx = (step: Step) => step.snapshot.context as CaseContext<HardangerPolicy>;
const roles = (step: Step, type: EventType): Role[] => authorisedRoles(step.snapshot, type, getProcedure(HARDANGER_ID).extraSenders);

const open = (policy?: unknown): Step => start(HARDANGER_ID, STAFF_CONCERN, policy);

const discussed = (step: Step) => send(step, ev('staff.informed', { recipients: ['school-leadership', 'counsellor'] }));
const scheduleConversation = (step: Step, withPupil = true, scheduledFor = '2026-09-10T12:00:00+02:00') =>
  send(
    step,
    ev('meeting.scheduled', {
      meeting: 'guardian-conversation',
      scheduledFor,
      participants: withPupil ? ['contact-teacher', 'guardians', 'pupil'] : ['contact-teacher', 'guardians'],
    }),
  );
type Participants = Parameters<typeof ev<'meeting.held'>>[1]['participants'];
const heldEvent = (meeting: Parameters<typeof ev<'meeting.held'>>[1]['meeting'], participants: Participants, minutesRef = 'minutes-1') =>
  ev('meeting.held', { meeting, participants, pupilPresent: participants.includes('pupil'), minutesRef });
const conversationHeld = (step: Step, participants: Participants = ['contact-teacher', 'guardians', 'pupil']) =>
  send(step, heldEvent('guardian-conversation', participants));
const causeAssessed = (step: Step, relatedToSchool = true, guardiansExpectReturn = true) =>
  send(step, ev('absenceCause.assessed', { relatedToSchool, guardiansExpectReturn }));
const pupilHeard = (step: Step) => send(step, ev('pupilVoice.recorded', { via: 'pupil', documentRef: 'voice-1' }));
const measuresEvent = (evaluationDate = '2026-09-21', at = AT) =>
  ev('measures.agreed', { measures: ['fast oppmøtetid', 'ukentlig kontakt med hjemmet'], evaluationDate, planRef: 'plan-1' }, { at });
const measuresAgreed = (step: Step, evaluationDate = '2026-09-21', at = AT) => send(step, measuresEvent(evaluationDate, at));
const evaluated = (step: Step, outcome: 'improved' | 'unchanged' | 'worse', role: Role = 'contact-teacher') =>
  send(step, ev('evaluation.held', { outcome, minutesRef: 'evaluation-1' }, { role }));
const reported = (step: Step) => send(step, ev('concern.reported', { documentRef: 'bekymring-1' }, { role: 'principal' }));
const closing = (role: Role, reason: 'absence-improved' | 'natural-explanation' | 'pupil-moved' = 'absence-improved') =>
  ev('case.closed', { reason, note: 'Stabilt oppmøte etter tiltakene.', documentRef: 'avslutning-1' }, { role });
const newTrigger = (rule: 'unnotified-absence' | 'high-absence-short-period' = 'unnotified-absence') =>
  ev('absence.newTrigger', { trigger: { rule, dates: ['2026-09-28'], days: 1 } }, { role: 'system' });
const trend = (value: 'improved' | 'unchanged' | 'worse' = 'worse') =>
  ev('absence.trend', { trend: value, from: '2026-09-14', to: '2026-09-28', absenceDays: 3 }, { role: 'system' });

/** Nivå 0 → Nivå 1 up to the pupil conversation, with an ordinary cause. */
const toLevel1PupilConversation = (step = open()) => causeAssessed(conversationHeld(scheduleConversation(discussed(step))));
/** ... → measures agreed at Nivå 1. */
const toLevel1Measures = (step = open()) => measuresAgreed(pupilHeard(toLevel1PupilConversation(step)));
/** ... → the Nivå 1 evaluation is due. */
const toLevel1Evaluation = (step = open()) => fire(toLevel1Measures(step), 'evaluationOnAgreedDate');
/** ... → the Nivå 1 evaluation found absence persisting: Nivå 2. */
const toLevel2 = (step = open()) => evaluated(toLevel1Evaluation(step), 'unchanged');
/** Nivå 2 conversation held with leadership, attendance evaluated. */
const toLevel2Evaluated = (step = open()) =>
  evaluated(conversationHeld(toLevel2(step), ['contact-teacher', 'school-leadership', 'guardians']), 'unchanged');
const toLevel2Measures = (step = open()) => measuresAgreed(pupilHeard(causeAssessed(toLevel2Evaluated(step))), '2026-10-05');
const toLevel3 = (step = open()) => evaluated(fire(toLevel2Measures(step), 'evaluationOnAgreedDate'), 'worse');
/** An improved Nivå 1 evaluation: follow-up after improvement. */
const toImproved = (step = open()) => evaluated(toLevel1Evaluation(step), 'improved');

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

/** The state value of a dotted leaf path, e.g. 'open.level1.preparingConversation'. */
function valueOf(path: string): StateValue {
  const parts = path.split('.');
  return parts.reduceRight<StateValue>((inner, part) => ({ [part]: inner }), parts.pop() as string);
}

/** Every open leaf of the chart, as a snapshot resolved in it with a fresh case's context. */
const openLeaves = (() => {
  const procedure = getProcedure(HARDANGER_ID);
  const input = buildCaseInput(procedure, caseFacts(STAFF_CONCERN));
  return walkStates(procedure.machine)
    .filter((s) => s.leaf && !s.final)
    .map((s) => {
      const snapshot = procedure.machine.resolveState({ value: valueOf(s.path), context: initialCaseContext(input) }) as AnyMachineSnapshot;
      return { path: s.path, step: { snapshot, actions: [] } as Step, meta: s.meta as StateMeta };
    });
})();

describe('Hardanger: Nivå 0', () => {
  test('[B.N0a] missing first-day notice asks the guardians for it; a received notice is filed', () => {
    const s0 = open();
    const missing = send(s0, ev('absence.noticeMissing', { firstDay: '2026-09-07', schoolDaysWithoutNotice: 1 }, { role: 'system' }));
    expect(stateOf(missing)).toBe('open.level0.discussingConcern');
    expect(declared(missing)).toEqual([{ type: 'notifyGuardians', params: { message: 'absence-without-notice' } }]);
    const received = send(missing, ev('absence.noticeReceived', { documentRef: 'visma-1' }));
    expect(docKinds(received)).toEqual(['absence-notice']);
  });

  test('[B.N0a] a case opened on absence without the first-day notice asks the guardians for it; a staff concern does not', () => {
    const onMissingNotice = start(HARDANGER_ID, { trigger: { rule: 'unnotified-absence', dates: ['2026-09-04'], days: 1 } });
    expect(stateOf(onMissingNotice)).toBe('open.level0.discussingConcern');
    expect(declared(onMissingNotice)).toContainEqual({ type: 'notifyGuardians', params: { message: 'absence-without-notice' } });
    expect(declared(open())).not.toContainEqual({ type: 'notifyGuardians', params: { message: 'absence-without-notice' } });
  });

  test('[B.N0a] a new missing-notice trigger asks the guardians and tells the contact teacher; other new absence tells the contact teacher', () => {
    const pc = toLevel1PupilConversation();
    const unnotified = send(pc, newTrigger('unnotified-absence'));
    expect(stateOf(unnotified)).toBe(`${L1A}.pupilConversation`);
    expect(declared(unnotified)).toEqual([
      { type: 'notifyStaff', params: { roles: ['contact-teacher'], about: 'new-absence' } },
      { type: 'notifyGuardians', params: { message: 'absence-without-notice' } },
    ]);
    const other = send(unnotified, newTrigger('high-absence-short-period'));
    expect(declared(other)).toEqual([{ type: 'notifyStaff', params: { roles: ['contact-teacher'], about: 'new-absence' } }]);
    expect(ctx(other).triggers.map((t) => t.rule)).toEqual(['staff-concern', 'unnotified-absence', 'high-absence-short-period']);
  });

  test('[B.N0c] new absence the case receives reaches the contact teacher, whoever registered it and whatever the step', () => {
    for (const step of [open(), toLevel2Measures(), reported(toLevel3())]) {
      const after = send(step, newTrigger('high-absence-short-period'));
      expect({ at: stateOf(step), fx: declared(after) }).toEqual({
        at: stateOf(step),
        fx: [{ type: 'notifyStaff', params: { roles: ['contact-teacher'], about: 'new-absence' } }],
      });
    }
  });

  test('[B.N0b] a staff concern opens the case at Nivå 0, where leadership and the counsellor are told', () => {
    const s0 = open();
    expect(stateOf(s0)).toBe('open.level0.discussingConcern');
    expect(metaOf(s0).clauses).toContain('B.N0b');
    expect(delayOf(s0, 'concernDiscussionReminder')).toBe(3 * MS_PER_DAY);
    const reminded = fire(s0, 'concernDiscussionReminder');
    expect(stateOf(reminded)).toBe('open.level0.discussingConcern');
    // Only the reminder: the case is not announced again.
    expect(declared(reminded)).toEqual([{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'decide-escalation' } }]);
  });

  test('[B.N0b] the opening message asks for the discussion with leadership or the counsellor, not for contact with the home', () => {
    expect(declared(open())).toEqual([
      { type: 'notifyStaff', params: { roles: ['contact-teacher', 'school-leadership', 'counsellor'], about: 'concern-to-discuss' } },
    ]);
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
    expect(stateOf(discussed(s0))).toBe(`${L1}.preparingConversation`);
  });

  test('[B.C1] leadership or the counsellor may close an unfounded concern at Nivå 0; the contact teacher alone may not', () => {
    const s0 = open();
    expectRefused(s0, closing('contact-teacher', 'natural-explanation'));
    const closed = send(s0, closing('counsellor', 'natural-explanation'));
    expect(stateOf(closed)).toBe('closed');
    expect(closed.snapshot.status).toBe('done');
    // A subject teacher, the guardians or the pupil may not send a closing at all.
    expect(roles(s0, 'case.closed')).toEqual(['contact-teacher', 'principal', 'school-leadership', 'counsellor']);
  });
});

describe('Hardanger: Nivå 1 and the conversation guides', () => {
  test('[B.N1a] the guardians and the pupil are met together and joint measures are agreed', () => {
    const l1 = discussed(open());
    expect(declared(l1)).toEqual([{ type: 'notifyGuardians', params: { message: 'school-is-concerned' } }]);
    const agreed = toLevel1Measures();
    expect(stateOf(agreed)).toBe(`${L1A}.measuresInProgress`);
    expect(ctx(agreed).evaluationDate).toBe('2026-09-21');
  });

  test('[B.N1a] a conversation without the guardians is no guardian conversation: it is neither scheduled nor held as one', () => {
    const l1 = discussed(open());
    const withoutGuardians = send(
      l1,
      ev('meeting.scheduled', {
        meeting: 'guardian-conversation',
        scheduledFor: '2026-09-10T12:00:00+02:00',
        participants: ['contact-teacher', 'pupil'],
      }),
    );
    // Kept on file, but the conversation with the guardians is still to be set up.
    expect(stateOf(withoutGuardians)).toBe(`${L1}.preparingConversation`);
    const scheduledStep = scheduleConversation(l1);
    expectRefused(scheduledStep, heldEvent('guardian-conversation', ['contact-teacher', 'pupil']));
    expect(stateOf(conversationHeld(scheduledStep))).toBe(`${L1A}.assessingCause`);
  });

  test('[B.G1] whether the pupil attends is decided before the meeting: no conversation is held before it is scheduled', () => {
    const l1 = discussed(open());
    expectRefused(l1, heldEvent('guardian-conversation', ['contact-teacher', 'guardians'], 'm'));
    const withoutPupil = scheduleConversation(l1, false);
    expect(stateOf(withoutPupil)).toBe(`${L1}.conversationScheduled`);
    expect(declared(withoutPupil)).toEqual([{ type: 'notifyGuardians', params: { message: 'meeting-invitation' } }]);
    expect(delayOf(l1, 'conversationReminder')).toBe(7 * MS_PER_DAY);
  });

  test('[B.G1] a conversation scheduled 18 days ahead is not reminded about before its date; moved, it is reminded after the new date', () => {
    const l1 = discussed(open());
    // Scheduled at 2026-09-07T08:00Z for 2026-09-25T08:00Z: reminded the day after, 2026-09-26T08:00Z.
    const far = scheduleConversation(l1, true, '2026-09-25T10:00:00+02:00');
    expect(delayOf(far, 'scheduledConversationReminder')).toBe(19 * MS_PER_DAY);
    const reminded = fire(far, 'scheduledConversationReminder');
    expect(stateOf(reminded)).toBe(`${L1}.conversationScheduled`);
    expect(declared(reminded)).toEqual([{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'hold-meeting' } }]);
    // After the day it was due, the reminder repeats every reminder period.
    expect(delayOf(reminded, 'scheduledConversationReminder')).toBe(7 * MS_PER_DAY);
    // Moved to a later time: the guardians are invited again and the reminder counts to the new date.
    const moved = scheduleConversation(far, true, '2026-09-29T10:00:00+02:00');
    expect(stateOf(moved)).toBe(`${L1}.conversationScheduled`);
    expect(declared(moved)).toEqual([{ type: 'notifyGuardians', params: { message: 'meeting-invitation' } }]);
    expect(delayOf(moved, 'scheduledConversationReminder')).toBe(23 * MS_PER_DAY);
  });

  test('[B.G2] the minutes are filed in the pupil file and sent home', () => {
    const held = conversationHeld(scheduleConversation(discussed(open())));
    expect(stateOf(held)).toBe(`${L1A}.assessingCause`);
    expect(ctx(held).documents).toContainEqual(expect.objectContaining({ kind: 'minutes', ref: 'minutes-1' }));
    expect(declared(held)).toEqual([{ type: 'notifyGuardians', params: { message: 'minutes-shared' } }]);
  });

  test("[B.G2] the minutes of an evaluation meeting with the guardians are sent home; a staff meeting's are not", () => {
    const agreed = toLevel1Measures();
    const staffOnly = send(agreed, heldEvent('class-teacher-meeting', ['contact-teacher', 'teacher'], 'ctm-1'));
    expect(declared(staffOnly)).toEqual([]);
    const evaluation = send(staffOnly, heldEvent('evaluation-meeting', ['contact-teacher', 'guardians', 'pupil'], 'eval-meeting-1'));
    expect(stateOf(evaluation)).toBe(`${L1A}.evaluationDue`);
    expect(declared(evaluation)).toEqual([{ type: 'notifyGuardians', params: { message: 'minutes-shared' } }]);
    // At Nivå 2 and 3 too.
    const l2 = send(toLevel2Measures(), heldEvent('evaluation-meeting', ['contact-teacher', 'school-leadership', 'guardians'], 'eval-2'));
    expect(stateOf(l2)).toBe(`${L2}.evaluationDue`);
    expect(declared(l2)).toEqual([{ type: 'notifyGuardians', params: { message: 'minutes-shared' } }]);
    const l3 = send(
      reported(toLevel3()),
      heldEvent('cooperation-meeting', ['contact-teacher', 'guardians', 'child-welfare'], 'samarbeid-1'),
    );
    expect(declared(l3)).toEqual([{ type: 'notifyGuardians', params: { message: 'minutes-shared' } }]);
  });

  test('[B.G3] a cause outside school leads to a further conversation offered within a week', () => {
    const held = conversationHeld(scheduleConversation(discussed(open())));
    const offered = causeAssessed(held, false, true);
    expect(stateOf(offered)).toBe(`${L1A}.extraConversationOffered`);
    expect(declared(offered)).toEqual([
      {
        type: 'scheduleMeeting',
        params: { meeting: 'guardian-conversation', participants: ['contact-teacher', 'guardians'], withinDays: 7 },
      },
      { type: 'notifyGuardians', params: { message: 'meeting-invitation' } },
    ]);
    expect(delayOf(offered, 'extraConversationWithinAWeek')).toBe(7 * MS_PER_DAY);
    const reminded = fire(offered, 'extraConversationWithinAWeek');
    expect(stateOf(reminded)).toBe(`${L1A}.extraConversationOffered`);
    expect(declared(reminded)).toEqual([{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'hold-meeting' } }]);
    expect(stateOf(conversationHeld(reminded))).toBe(`${L1A}.pupilConversation`);
  });

  test('[B.G3] guardians who doubt the return are offered a further conversation; a declined offer is put on file', () => {
    const offered = causeAssessed(conversationHeld(scheduleConversation(discussed(open()))), true, false);
    expect(stateOf(offered)).toBe(`${L1A}.extraConversationOffered`);
    // Another document is kept on file but does not stand in for the decision.
    const logged = send(offered, ev('document.recorded', { kind: 'contact-log', documentRef: 'log-1' }));
    expect(stateOf(logged)).toBe(`${L1A}.extraConversationOffered`);
    const declined = send(offered, ev('document.recorded', { kind: 'decision-note', documentRef: 'declined-1' }));
    expect(stateOf(declined)).toBe(`${L1A}.pupilConversation`);
  });

  test('[B.G3] a school-related cause with guardians expecting the return goes straight to the pupil conversation', () => {
    expect(stateOf(toLevel1PupilConversation())).toBe(`${L1A}.pupilConversation`);
  });

  test('[B.G4] the agreement must set a new meeting on a later date to evaluate it', () => {
    const heard = pupilHeard(toLevel1PupilConversation());
    expectRefused(heard, measuresEvent('2026-09-07'));
    const agreed = measuresAgreed(heard, '2026-09-21');
    expect(declared(agreed)).toContainEqual({
      type: 'scheduleMeeting',
      params: { meeting: 'evaluation-meeting', participants: ['contact-teacher', 'guardians', 'pupil'] },
    });
  });

  test('[B.N1b] the new meeting falls on the agreed date; when it comes the evaluation is due', () => {
    const agreed = measuresAgreed(pupilHeard(toLevel1PupilConversation()), '2026-09-21');
    // 2026-09-07T08:00Z → 2026-09-21T00:00Z
    expect(delayOf(agreed, 'evaluationOnAgreedDate')).toBe(14 * MS_PER_DAY - 8 * HOUR);
    const due = fire(agreed, 'evaluationOnAgreedDate');
    expect(stateOf(due)).toBe(`${L1A}.evaluationDue`);
    expect(metaOf(due).requiredDocuments).toEqual(['evaluation']);
    expect(declared(due)).toEqual([{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'evaluate-measures' } }]);
    expect(delayOf(due, 'evaluationReminder')).toBe(7 * MS_PER_DAY);
    const early = send(agreed, heldEvent('evaluation-meeting', ['contact-teacher', 'guardians'], 'm'));
    expect(stateOf(early)).toBe(`${L1A}.evaluationDue`);
  });

  test('[B.N1c] a class-teacher meeting is called to bring every teacher up to date', () => {
    const agreed = toLevel1Measures();
    expect(declared(agreed)).toContainEqual({
      type: 'scheduleMeeting',
      params: { meeting: 'class-teacher-meeting', participants: ['contact-teacher', 'teacher'] },
    });
    const held = send(agreed, heldEvent('class-teacher-meeting', ['contact-teacher', 'teacher'], 'ctm-1'));
    expect(stateOf(held)).toBe(`${L1A}.measuresInProgress`);
    expect(docKinds(held).at(-1)).toBe('minutes');
  });

  test('[B.P1] the pupil conversation follows the guardian conversation; a view heard earlier does not count', () => {
    const earlyVoice = pupilHeard(discussed(open()));
    const pc = causeAssessed(conversationHeld(scheduleConversation(earlyVoice)));
    expect(stateOf(pc)).toBe(`${L1A}.pupilConversation`);
    expect(declared(pc)).toEqual([
      { type: 'scheduleMeeting', params: { meeting: 'pupil-conversation', participants: ['contact-teacher', 'pupil'] } },
      { type: 'requestDocument', params: { kind: 'pupil-voice', from: ['contact-teacher'] } },
    ]);
    expect(delayOf(pc, 'pupilConversationReminder')).toBe(7 * MS_PER_DAY);
    expectRefused(pc, measuresEvent());
    expect(stateOf(measuresAgreed(pupilHeard(pc)))).toBe(`${L1A}.measuresInProgress`);
  });

  test('[B.P2] the points agreed with the pupil are written down and filed as the measures plan', () => {
    const agreed = toLevel1Measures();
    expect(ctx(agreed).documents).toContainEqual(expect.objectContaining({ kind: 'measures-plan', ref: 'plan-1' }));
    expect(docKinds(agreed).indexOf('pupil-voice')).toBeLessThan(docKinds(agreed).indexOf('measures-plan'));
  });

  test('[D.2] measures cannot be agreed before the pupil is heard, at Nivå 1 or Nivå 2', () => {
    const pc1 = toLevel1PupilConversation();
    expectRefused(pc1, measuresEvent());
    const pc2 = causeAssessed(toLevel2Evaluated());
    expect(stateOf(pc2)).toBe(`${L2}.pupilConversation`);
    expectRefused(pc2, measuresEvent('2026-10-05'));
    const viaTrustedAdult = send(pc2, ev('pupilVoice.recorded', { via: 'trusted-adult', documentRef: 'voice-2' }));
    expect(stateOf(measuresAgreed(viaTrustedAdult, '2026-10-05'))).toBe(`${L2}.measuresAndServices`);
  });
});

describe('Hardanger: Nivå 2 and Nivå 3', () => {
  test('[B.N2a] persisting absence calls the guardians to a new conversation within one week', () => {
    const l2 = toLevel2();
    expect(stateOf(l2)).toBe(`${L2}.conversationCalled`);
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

  test('[B.N2a] Nivå 2 follows a Nivå 1 conversation: escalation is refused before the guardians are met, accepted after', () => {
    const decision = () => ev('escalation.decided', { reason: 'Fraværet øker raskt', documentRef: 'dec-1' }, { role: 'school-leadership' });
    const preparing = discussed(open());
    expectRefused(preparing, decision());
    const scheduledStep = scheduleConversation(preparing);
    expectRefused(scheduledStep, decision());
    const met = conversationHeld(scheduledStep);
    expect(stateOf(send(met, decision()))).toBe(`${L2}.conversationCalled`);
    // From every later Nivå 1 step as well.
    expect(stateOf(send(toLevel1PupilConversation(), decision()))).toBe(`${L2}.conversationCalled`);
    expect(stateOf(send(toLevel1Measures(), decision()))).toBe(`${L2}.conversationCalled`);
  });

  test('[B.N2a] leadership, social teacher or counsellor must take part; the nurse may', () => {
    const l2 = toLevel2();
    expectRefused(l2, heldEvent('guardian-conversation', ['contact-teacher', 'guardians'], 'm'));
    const held = conversationHeld(l2, ['contact-teacher', 'social-teacher', 'school-nurse', 'guardians']);
    expect(stateOf(held)).toBe(`${L2}.evaluatingAttendance`);
    expect(declared(held)).toEqual([{ type: 'notifyGuardians', params: { message: 'minutes-shared' } }]);
  });

  test('[B.N2a] the new conversation is with the guardians: one held by staff alone does not count', () => {
    const l2 = toLevel2();
    expectRefused(l2, heldEvent('guardian-conversation', ['contact-teacher', 'school-leadership', 'counsellor'], 'm'));
    const overdue = fire(l2, 'newConversationWithinOneWeek');
    expectRefused(overdue, heldEvent('guardian-conversation', ['contact-teacher', 'principal'], 'm'));
  });

  test('[B.N2a] when the week passes without the conversation, leadership is told and reminded', () => {
    const overdue = fire(toLevel2(), 'newConversationWithinOneWeek');
    expect(stateOf(overdue)).toBe(`${L2}.conversationOverdue`);
    expect(declared(overdue)).toEqual([
      { type: 'notifyStaff', params: { roles: ['contact-teacher', 'school-leadership'], about: 'deadline-passed' } },
    ]);
    expect(delayOf(overdue, 'overdueReminder')).toBe(2 * MS_PER_DAY);
    const reminded = fire(overdue, 'overdueReminder');
    expect(declared(reminded)).toEqual([
      { type: 'remindResponsible', params: { roles: ['contact-teacher', 'school-leadership'], about: 'hold-meeting' } },
    ]);
    expect(stateOf(conversationHeld(reminded, ['contact-teacher', 'principal', 'guardians']))).toBe(`${L2}.evaluatingAttendance`);
  });

  test("[B.N2a] only the seed's weeks, an evaluation past its reminder and a pending report mark the case overdue; nudges do not", () => {
    const routine = getProcedure(HARDANGER_ID).routineDelays;
    // A person owes these steps when the delay fires.
    for (const owed of [
      'newConversationWithinOneWeek',
      'overdueReminder',
      'extraConversationWithinAWeek',
      'evaluationReminder',
      'reportOfConcernReminder',
    ]) {
      expect({ owed, routine: routine.includes(owed) }).toEqual({ owed, routine: false });
    }
    // The seed sets no time for these; they nudge, mark the day an evaluation is due, or end a planned period.
    expect([...routine].sort()).toEqual(
      [
        'childWelfareFollowUpReview',
        'concernDiscussionReminder',
        'conversationReminder',
        'evaluationOnAgreedDate',
        'monitoringPeriod',
        'pupilConversationReminder',
        'scheduledConversationReminder',
      ].sort(),
    );
  });

  test('[B.N2b] attendance is evaluated in the conversation before the cause is assessed and measures started', () => {
    const held = conversationHeld(toLevel2(), ['contact-teacher', 'school-leadership', 'guardians']);
    expectRefused(held, ev('absenceCause.assessed', { relatedToSchool: true, guardiansExpectReturn: true }));
    const evaluatedStep = evaluated(held, 'unchanged');
    expect(stateOf(evaluatedStep)).toBe(`${L2}.evaluatingAttendance`);
    const measures = measuresAgreed(pupilHeard(causeAssessed(evaluatedStep)), '2026-10-05');
    expect(stateOf(measures)).toBe(`${L2}.measuresAndServices`);
    expect(metaOf(measures).clauses).toEqual(expect.arrayContaining(['B.N2b', 'B.N2c']));
  });

  test('[B.G3] at Nivå 2 too, guardians who doubt the return are offered a further conversation within a week', () => {
    const offered = causeAssessed(toLevel2Evaluated(), false, false);
    expect(stateOf(offered)).toBe(`${L2}.extraConversationOffered`);
    expect(delayOf(offered, 'extraConversationWithinAWeek')).toBe(7 * MS_PER_DAY);
    expect(stateOf(conversationHeld(offered, ['contact-teacher', 'guardians']))).toBe(`${L2}.pupilConversation`);
  });

  test('[B.N2c] referrals are made together with the guardians: refused without their consent', () => {
    const l2 = toLevel2Measures();
    expectRefused(l2, ev('referral.sent', { service: 'ppt', documentRef: 'ref-1' }));
    const consented = send(l2, ev('consent.given', { service: 'ppt', documentRef: 'consent-1' }));
    const referred = send(consented, ev('referral.sent', { service: 'ppt', documentRef: 'ref-1' }));
    expect(stateOf(referred)).toBe(`${L2}.measuresAndServices`);
    expect(ctx(referred).referrals).toEqual(['ppt']);
  });

  test('[B.N2c] referrals to other services are filled in from Nivå 2: refused at Nivå 0 and 1 even with consent', () => {
    const consent = (step: Step) => send(step, ev('consent.given', { service: 'ppt', documentRef: 'consent-ppt' }));
    const referral = () => ev('referral.sent', { service: 'ppt', documentRef: 'henvisning-ppt' });
    expectRefused(consent(open()), referral());
    expectRefused(consent(toLevel1Measures()), referral());
    // Child welfare is reached at any level by consulting it or by a report of concern.
    const consulted = send(
      discussed(open()),
      ev('childWelfare.consulted', { advice: 'school-continues', documentRef: 'bv-1' }, { role: 'principal' }),
    );
    expect(ctx(consulted).childWelfareConsulted).toBe(true);
    // From Nivå 2, and at Nivå 3, the referral goes out with consent.
    expect(ctx(send(consent(toLevel2()), referral())).referrals).toEqual(['ppt']);
    expect(ctx(send(consent(reported(toLevel3())), referral())).referrals).toEqual(['child-welfare', 'ppt']);
  });

  test('[B.N3] when Nivå 2 does not help, a report of concern to child welfare is requested and then followed up', () => {
    const l3 = toLevel3();
    expect(stateOf(l3)).toBe(`${L3}.reportingConcern`);
    expect(metaOf(l3).stage).toBe('escalated');
    expect(declared(l3)).toEqual([
      { type: 'requestDocument', params: { kind: 'report-of-concern', from: ['principal', 'school-leadership'] } },
      { type: 'notifyStaff', params: { roles: ['principal', 'school-leadership', 'contact-teacher'], about: 'case-escalated' } },
    ]);
    expect(delayOf(l3, 'reportOfConcernReminder')).toBe(2 * MS_PER_DAY);
    const reminded = fire(l3, 'reportOfConcernReminder');
    expect(stateOf(reminded)).toBe(`${L3}.reportingConcern`);
    expect(declared(reminded)).toEqual([
      { type: 'remindResponsible', params: { roles: ['principal', 'school-leadership'], about: 'consult-child-welfare' } },
    ]);
    const reportedStep = reported(l3);
    expect(stateOf(reportedStep)).toBe(`${L3}.followingUpWithChildWelfare`);
    expect(ctx(reportedStep).referrals).toContain('child-welfare');
    expect(delayOf(reportedStep, 'childWelfareFollowUpReview')).toBe(30 * MS_PER_DAY);
  });

  test('[B.N3] the 30-day review after a report only reminds: what was filed since the report still counts for the stage', () => {
    const reportedStep = reported(toLevel3());
    const start = ctx(reportedStep).stageDocumentStart;
    const meeting = send(reportedStep, heldEvent('cooperation-meeting', ['contact-teacher', 'child-welfare'], 'samarbeid-1'));
    const reviewed = fireScheduledBy(reportedStep, meeting, 'childWelfareFollowUpReview');
    expect(stateOf(reviewed)).toBe(`${L3}.followingUpWithChildWelfare`);
    expect(declared(reviewed)).toEqual([
      { type: 'remindResponsible', params: { roles: ['contact-teacher', 'school-leadership'], about: 'evaluate-measures' } },
    ]);
    expect(ctx(reviewed).stageDocumentStart).toBe(start);
    expect(
      ctx(reviewed)
        .documents.slice(start)
        .map((d) => d.ref),
    ).toEqual(['samarbeid-1']);
    expect(delayOf(reviewed, 'childWelfareFollowUpReview')).toBe(30 * MS_PER_DAY);
  });

  test('[B.N3] while the report is pending, meetings and evaluations are kept on file; the report is still due', () => {
    const l3 = toLevel3();
    const meeting = send(l3, heldEvent('guardian-conversation', ['contact-teacher', 'school-leadership', 'guardians'], 'samtale-n3'));
    expect(stateOf(meeting)).toBe(`${L3}.reportingConcern`);
    expect(declared(meeting)).toEqual([{ type: 'notifyGuardians', params: { message: 'minutes-shared' } }]);
    const evaluation = evaluated(meeting, 'improved', 'school-leadership');
    expect(stateOf(evaluation)).toBe(`${L3}.reportingConcern`);
    expect(ctx(evaluation).evaluations).toBe(ctx(meeting).evaluations + 1);
    expect(docKinds(evaluation).slice(-2)).toEqual(['minutes', 'evaluation']);
    // While the report is pending the principal and the leadership carry the step.
    expect(roles(evaluation, 'evaluation.held')).toEqual(['principal', 'school-leadership']);
  });

  test('[B.N3] leadership may judge Nivå 2 insufficient before its evaluation and go to the report', () => {
    const early = send(
      toLevel2Measures(),
      ev('escalation.decided', { reason: 'Eleven har ikke vært på skolen på to uker', documentRef: 'dec-2' }),
    );
    expect(stateOf(early)).toBe(`${L3}.reportingConcern`);
    expect(declared(early)).toContainEqual({
      type: 'requestDocument',
      params: { kind: 'report-of-concern', from: ['principal', 'school-leadership'] },
    });
  });

  test('[B.N3] a report of concern may be sent from any level and moves the case to Nivå 3', () => {
    const reportedStep = reported(discussed(open()));
    expect(stateOf(reportedStep)).toBe(`${L3}.followingUpWithChildWelfare`);
    // The follow-up stage begins with the report.
    expect(ctx(reportedStep).stageDocumentStart).toBe(ctx(reportedStep).documents.length);
  });

  test('[B.G4] new measures at Nivå 3 set their own evaluation date: the evaluation falls due on it, and a past date is refused', () => {
    const following = pupilHeard(reported(toLevel3()));
    expectRefused(following, measuresEvent('2026-09-07'));
    const agreed = measuresAgreed(following, '2026-10-19');
    expect(stateOf(agreed)).toBe(`${L3}.measuresAgreedAtLevel3`);
    expect(declared(agreed)).toEqual([{ type: 'notifyGuardians', params: { message: 'minutes-shared' } }]);
    // 2026-09-07T08:00Z → 2026-10-19T00:00Z
    expect(delayOf(agreed, 'evaluationOnAgreedDate')).toBe(42 * MS_PER_DAY - 8 * HOUR);
    // Agreed anew, the date moves with the agreement.
    const again = measuresAgreed(agreed, '2026-10-26');
    expect(stateOf(again)).toBe(`${L3}.measuresAgreedAtLevel3`);
    expect(delayOf(again, 'evaluationOnAgreedDate')).toBe(49 * MS_PER_DAY - 8 * HOUR);
    const due = fire(again, 'evaluationOnAgreedDate');
    expect(stateOf(due)).toBe(`${L3}.evaluationDueAtLevel3`);
    expect(declared(due)).toEqual([
      { type: 'remindResponsible', params: { roles: ['contact-teacher', 'school-leadership'], about: 'evaluate-measures' } },
    ]);
    expect(delayOf(due, 'evaluationReminder')).toBe(7 * MS_PER_DAY);
    // Not improved: the school keeps following up with child welfare; improved: follow-up after improvement.
    expect(stateOf(evaluated(due, 'unchanged'))).toBe(`${L3}.followingUpWithChildWelfare`);
    expect(stateOf(evaluated(due, 'improved'))).toBe(MONITORING);
    // An evaluation meeting held before the date makes the evaluation due at once.
    const early = send(agreed, heldEvent('evaluation-meeting', ['contact-teacher', 'guardians'], 'eval-n3'));
    expect(stateOf(early)).toBe(`${L3}.evaluationDueAtLevel3`);
  });
});

describe('Hardanger: closing and follow-up after improvement', () => {
  test('[B.C1] an evaluation finding absence improved lets the leadership close the case at once with a closing note', () => {
    const improved = toImproved();
    expect(stateOf(improved)).toBe(MONITORING);
    // No monitoring period unless the municipality sets one: it ends as it starts.
    expect(delayOf(improved, 'monitoringPeriod')).toBe(0);
    const due = fire(improved, 'monitoringPeriod');
    expect(stateOf(due)).toBe(CLOSING_DUE);
    expect(declared(due)).toEqual([{ type: 'remindResponsible', params: { roles: ['school-leadership'], about: 'file-document' } }]);
    expect(metaOf(due).requiredDocuments).toEqual(['closing-note']);
    const closed = send(due, closing('school-leadership'));
    expect(stateOf(closed)).toBe('closed');
    expect(declared(closed)).toEqual([
      { type: 'notifyGuardians', params: { message: 'case-closed' } },
      { type: 'notifyStaff', params: { roles: ['contact-teacher', 'school-leadership'], about: 'case-closed' } },
    ]);
    expect(ctx(closed).documents.at(-1)).toEqual(expect.objectContaining({ kind: 'closing-note', ref: 'avslutning-1' }));
    // After an evaluation at Nivå 2 as well.
    const l2 = fire(evaluated(fire(toLevel2Measures(), 'evaluationOnAgreedDate'), 'improved'), 'monitoringPeriod');
    expect(stateOf(send(l2, closing('principal')))).toBe('closed');
  });

  test('[B.C1] only the leadership closes an improved case: not the contact teacher, a subject teacher, the guardians or the pupil', () => {
    const due = fire(toImproved(), 'monitoringPeriod');
    expect(roles(due, 'case.closed')).toEqual(['principal', 'school-leadership']);
  });

  test('[B.C1] a municipal monitoring period (monitoringDays 30) holds the closing back until it has passed; 0 is accepted', () => {
    const monitoring = toImproved(open({ monitoringDays: 30 }));
    expect(stateOf(monitoring)).toBe(MONITORING);
    expect(delayOf(monitoring, 'monitoringPeriod')).toBe(30 * MS_PER_DAY);
    expectRefused(monitoring, closing('school-leadership'));
    const due = fire(monitoring, 'monitoringPeriod');
    expect(stateOf(due)).toBe(CLOSING_DUE);
    expect(stateOf(send(due, closing('school-leadership')))).toBe('closed');
    expect(ctx(open({ monitoringDays: 0 })).policy.monitoringDays).toBe(0);
    expect(() => open({ monitoringDays: -1 })).toThrow(/monitoringDays/);
  });

  test('[B.C1] new absence from detection after improvement reopens the follow-up at Nivå 2, before or after the period', () => {
    const during = send(toImproved(open({ monitoringDays: 30 })), newTrigger('high-absence-short-period'));
    expect(stateOf(during)).toBe(`${L2}.conversationCalled`);
    const ready = send(fire(toImproved(), 'monitoringPeriod'), newTrigger('unnotified-absence'));
    expect(stateOf(ready)).toBe(`${L2}.conversationCalled`);
    expect(declared(ready)).toContainEqual({ type: 'notifyGuardians', params: { message: 'absence-without-notice' } });
    expect(ctx(ready).triggers.at(-1)?.rule).toBe('unnotified-absence');
  });

  test('[D.3] improvement leads to follow-up, not to closing on the spot; a worsening trend asks the contact teacher to judge', () => {
    const monitoring = toImproved(open({ monitoringDays: 30 }));
    expect(metaOf(monitoring).stage).toBe('monitoring');
    const worse = send(monitoring, trend('worse'));
    expect(stateOf(worse)).toBe(MONITORING);
    expect(declared(worse)).toEqual([{ type: 'remindResponsible', params: { roles: ['contact-teacher'], about: 'decide-escalation' } }]);
    const relapse = send(worse, ev('escalation.decided', { reason: 'Fraværet øker igjen', documentRef: 'dec-1' }));
    expect(stateOf(relapse)).toBe(`${L2}.conversationCalled`);
    // Ready to close, the school may still judge that absence is back.
    const due = fire(toImproved(), 'monitoringPeriod');
    expect(stateOf(send(due, ev('escalation.decided', { reason: 'Fraværet øker igjen', documentRef: 'dec-2' })))).toBe(
      `${L2}.conversationCalled`,
    );
  });
});

describe('Hardanger: national rules on child welfare and BUP', () => {
  const suspicion = (step: Step) => send(step, ev('suspicion.raised', { kind: 'violence', documentRef: 'mistanke-1' }));
  const consent = (step: Step, service: 'bup' | 'ppt' | 'school-nurse') =>
    send(step, ev('consent.given', { service, documentRef: `samtykke-${service}` }));
  const referral = (service: 'bup' | 'ppt', role: 'principal' | 'doctor' = 'principal') =>
    ev('referral.sent', { service, documentRef: `henvisning-${service}` }, { role });
  const nurse = () =>
    ev('schoolNurse.conversationHeld', { conclusion: 'no-medical-cause', documentRef: 'helse-1' }, { role: 'school-nurse' });

  test('[E.CW1] a raised suspicion tells the principal, the leadership and the contact teacher at once', () => {
    const raised = suspicion(toLevel1PupilConversation());
    expect(declared(raised)).toEqual([
      { type: 'notifyStaff', params: { roles: ['principal', 'school-leadership', 'contact-teacher'], about: 'suspicion-raised' } },
    ]);
  });

  test('[E.CW1] while a suspicion of harm waits for child welfare, the school nurse, measures and other referrals wait', () => {
    const waiting = suspicion(consent(pupilHeard(causeAssessed(toLevel2Evaluated())), 'ppt'));
    expect(stateOf(waiting)).toBe(`${L2}.pupilConversation`);
    expectRefused(waiting, nurse());
    expectRefused(waiting, measuresEvent('2026-10-05'));
    expectRefused(waiting, referral('ppt'));
    // Consulting child welfare (or reporting to it) lets the ordinary work go on.
    const consulted = send(
      waiting,
      ev('childWelfare.consulted', { advice: 'school-continues', documentRef: 'bv-1' }, { role: 'principal' }),
    );
    expect(consulted.snapshot.can(nurse())).toBe(true);
    expect(ctx(send(consulted, referral('ppt'))).referrals).toEqual(['ppt']);
    expect(stateOf(measuresAgreed(consulted, '2026-10-05'))).toBe(`${L2}.measuresAndServices`);
    // At Nivå 1 too, measures wait.
    expectRefused(suspicion(pupilHeard(toLevel1PupilConversation())), measuresEvent());
  });

  test('[E.BUP1] a BUP referral filled in with the guardians also needs municipal measures tried and evaluated, and a GP to send it', () => {
    // Nivå 2 reached before any measures were agreed: the leadership's decision after the Nivå 1 conversation.
    const early = send(
      conversationHeld(scheduleConversation(discussed(open()))),
      ev('escalation.decided', { reason: 'Fraværet øker raskt', documentRef: 'dec-1' }),
    );
    expect(stateOf(early)).toBe(`${L2}.conversationCalled`);
    const evaluatedEarly = consent(
      evaluated(conversationHeld(early, ['contact-teacher', 'school-leadership', 'guardians']), 'unchanged'),
      'bup',
    );
    expect(ctx(evaluatedEarly).evaluations).toBe(1);
    expectRefused(evaluatedEarly, referral('bup', 'doctor')); // evaluated, but no measures were ever tried
    // Measures agreed and evaluated at Nivå 1, consent given: the GP may refer, the school may not.
    const tried = consent(toLevel2Evaluated(), 'bup');
    expectRefused(tried, referral('bup', 'principal'));
    expect(ctx(send(tried, referral('bup', 'doctor'))).referrals).toEqual(['bup']);
    expect(roles(tried, 'referral.sent')).toEqual(
      expect.arrayContaining(['contact-teacher', 'school-leadership', 'doctor', 'child-welfare', 'mental-health']),
    );
  });
});

describe('Hardanger: new absence, reminders and who may act', () => {
  test('[B.N0a] every open state takes new absence and a trend from detection and keeps them with their evidence', () => {
    expect(openLeaves.length).toBe(21);
    for (const { path, step } of openLeaves) {
      const trigger = ev(
        'absence.newTrigger',
        { trigger: { rule: 'suspected-invalid-absence', dates: ['2026-09-24', '2026-09-25'], days: 2 } },
        { role: 'system' },
      );
      expect({ path, can: step.snapshot.can(trigger) }).toEqual({ path, can: true });
      const afterTrigger = send(step, trigger);
      expect({ path, trigger: ctx(afterTrigger).triggers.at(-1) }).toEqual({ path, trigger: trigger.trigger });
      // Only follow-up after improvement moves on new absence; every other step keeps its place.
      const moved = stateOf(afterTrigger) !== path;
      expect({ path, moved }).toEqual({ path, moved: path.startsWith('open.monitoring.') });
      const t = trend('unchanged');
      expect({ path, can: step.snapshot.can(t) }).toEqual({ path, can: true });
      const afterTrend = send(step, t);
      expect({ path, lastTrend: ctx(afterTrend).lastTrend, same: stateOf(afterTrend) === path }).toEqual({
        path,
        lastTrend: 'unchanged',
        same: true,
      });
    }
  });

  /** Each repeating or one-shot reminder, the state it fires in and what it must send (and nothing else). */
  const reminders: [string, string, () => Step, string, { roles: Role[]; about: string }, boolean][] = [
    [
      'B.N0b',
      'open.level0.discussingConcern',
      () => open(),
      'concernDiscussionReminder',
      { roles: ['contact-teacher'], about: 'decide-escalation' },
      true,
    ],
    [
      'B.N1a',
      `${L1}.preparingConversation`,
      () => discussed(open()),
      'conversationReminder',
      { roles: ['contact-teacher'], about: 'hold-meeting' },
      true,
    ],
    [
      'B.G1',
      `${L1}.conversationScheduled`,
      () => scheduleConversation(discussed(open())),
      'scheduledConversationReminder',
      { roles: ['contact-teacher'], about: 'hold-meeting' },
      true,
    ],
    [
      'B.G3',
      `${L1A}.extraConversationOffered`,
      () => causeAssessed(conversationHeld(scheduleConversation(discussed(open()))), false),
      'extraConversationWithinAWeek',
      { roles: ['contact-teacher'], about: 'hold-meeting' },
      true,
    ],
    [
      'B.P1',
      `${L1A}.pupilConversation`,
      () => toLevel1PupilConversation(),
      'pupilConversationReminder',
      { roles: ['contact-teacher'], about: 'record-pupil-voice' },
      false,
    ],
    [
      'B.N1b',
      `${L1A}.evaluationDue`,
      () => toLevel1Evaluation(),
      'evaluationReminder',
      { roles: ['contact-teacher'], about: 'evaluate-measures' },
      true,
    ],
    [
      'B.N2a',
      `${L2}.conversationOverdue`,
      () => fire(toLevel2(), 'newConversationWithinOneWeek'),
      'overdueReminder',
      { roles: ['contact-teacher', 'school-leadership'], about: 'hold-meeting' },
      true,
    ],
    [
      'B.G3',
      `${L2}.extraConversationOffered`,
      () => causeAssessed(toLevel2Evaluated(), false),
      'extraConversationWithinAWeek',
      { roles: ['contact-teacher'], about: 'hold-meeting' },
      true,
    ],
    [
      'B.P1',
      `${L2}.pupilConversation`,
      () => causeAssessed(toLevel2Evaluated()),
      'pupilConversationReminder',
      { roles: ['contact-teacher'], about: 'record-pupil-voice' },
      false,
    ],
    [
      'B.N2b',
      `${L2}.evaluationDue`,
      () => fire(toLevel2Measures(), 'evaluationOnAgreedDate'),
      'evaluationReminder',
      { roles: ['contact-teacher', 'school-leadership'], about: 'evaluate-measures' },
      true,
    ],
    [
      'B.N3',
      `${L3}.reportingConcern`,
      () => toLevel3(),
      'reportOfConcernReminder',
      { roles: ['principal', 'school-leadership'], about: 'consult-child-welfare' },
      true,
    ],
    [
      'D.3',
      `${L3}.followingUpWithChildWelfare`,
      () => reported(toLevel3()),
      'childWelfareFollowUpReview',
      { roles: ['contact-teacher', 'school-leadership'], about: 'evaluate-measures' },
      true,
    ],
    [
      'B.G4',
      `${L3}.evaluationDueAtLevel3`,
      () => fire(measuresAgreed(pupilHeard(reported(toLevel3())), '2026-10-19'), 'evaluationOnAgreedDate'),
      'evaluationReminder',
      { roles: ['contact-teacher', 'school-leadership'], about: 'evaluate-measures' },
      true,
    ],
  ];

  test.each(reminders)(
    '[%s] the reminder in %s only reminds: no message again, no meeting again, the stage keeps its documents',
    (_clause, path, build, delay, params, repeats) => {
      const before = build();
      expect(stateOf(before)).toBe(path);
      const after = fire(before, delay);
      expect(stateOf(after)).toBe(path);
      expect(declared(after)).toEqual([{ type: 'remindResponsible', params }]);
      expect(ctx(after).stageDocumentStart).toBe(ctx(before).stageDocumentStart);
      expect(ctx(after).documents).toEqual(ctx(before).documents);
      // A repeating reminder re-arms only itself; a one-shot one is not armed again.
      expect(scheduled(after).map((s) => s.id.split('.')[2])).toEqual(repeats ? [delay] : []);
    },
  );

  test('[B.P1] who may act: guardians and the pupil take part but are never responsible for a step; each step names who carries it', () => {
    const responsible = Object.fromEntries(openLeaves.map(({ path, meta }) => [path, meta.responsible]));
    for (const [path, list] of Object.entries(responsible)) {
      expect({ path, recording: list.filter((r) => r === 'guardians' || r === 'pupil' || r === 'system') }).toEqual({
        path,
        recording: [],
      });
    }
    const ct = ['contact-teacher'];
    const ctLead = ['contact-teacher', 'school-leadership'];
    expect(responsible).toEqual({
      'open.level0.discussingConcern': ['contact-teacher', 'school-leadership', 'counsellor'],
      [`${L1}.preparingConversation`]: ct,
      [`${L1}.conversationScheduled`]: ct,
      [`${L1A}.assessingCause`]: ct,
      [`${L1A}.extraConversationOffered`]: ct,
      [`${L1A}.pupilConversation`]: ct,
      [`${L1A}.measuresInProgress`]: ct,
      [`${L1A}.evaluationDue`]: ct,
      [`${L2}.conversationCalled`]: ['contact-teacher', 'school-leadership', 'social-teacher', 'counsellor'],
      [`${L2}.conversationOverdue`]: ['contact-teacher', 'school-leadership', 'social-teacher', 'counsellor'],
      [`${L2}.evaluatingAttendance`]: ctLead,
      [`${L2}.extraConversationOffered`]: ct,
      [`${L2}.pupilConversation`]: ctLead,
      [`${L2}.measuresAndServices`]: ctLead,
      [`${L2}.evaluationDue`]: ctLead,
      [`${L3}.reportingConcern`]: ['principal', 'school-leadership'],
      [`${L3}.followingUpWithChildWelfare`]: ctLead,
      [`${L3}.measuresAgreedAtLevel3`]: ctLead,
      [`${L3}.evaluationDueAtLevel3`]: ctLead,
      [MONITORING]: ct,
      [CLOSING_DUE]: ['school-leadership'],
    });
  });

  test('[B.N2a] the school nurse, who may take part at Nivå 2, records her own conversations; a subject teacher records no step', () => {
    const l2 = toLevel2();
    expect(roles(l2, 'schoolNurse.conversationHeld')).toContain('school-nurse');
    expect(roles(l2, 'meeting.held')).toEqual(['contact-teacher', 'principal', 'school-leadership', 'social-teacher', 'counsellor']);
    expect(roles(l2, 'evaluation.held')).not.toContain('teacher');
  });

  test('[B.N1b] the pupil and the guardians never send a step of the case in any state', () => {
    for (const { path, step } of openLeaves) {
      for (const type of [
        'case.closed',
        'measures.agreed',
        'evaluation.held',
        'meeting.held',
        'escalation.decided',
        'consent.given',
      ] as EventType[]) {
        const sendersNow = roles(step, type);
        expect({ path, type, nonStaff: sendersNow.filter((r) => r === 'pupil' || r === 'guardians') }).toEqual({
          path,
          type,
          nonStaff: [],
        });
      }
    }
  });
});

describe('Hardanger: refusals, policy and structure', () => {
  test('invalid events are refused and leave state and context unchanged', () => {
    // Measures before the pupil's voice (national rule).
    expectRefused(toLevel1PupilConversation(), measuresEvent());
    // An evaluation at Nivå 0, before any measures exist.
    expectRefused(open(), ev('evaluation.held', { outcome: 'improved', minutesRef: 'm' }));
    // Closing on improvement in the middle of Nivå 1, skipping the evaluation.
    expectRefused(toLevel1Measures(), closing('school-leadership'));
    // Escalating to Nivå 2 straight from Nivå 0, without the discussion.
    expectRefused(open(), ev('escalation.decided', { reason: 'Høyt fravær', documentRef: 'd' }));
    // A Nivå 2 conversation held without leadership, social teacher or counsellor.
    expectRefused(toLevel2(), heldEvent('guardian-conversation', ['contact-teacher', 'guardians'], 'm'));
  });

  test('a closed case takes no further events', () => {
    const closed = send(open(), closing('principal', 'pupil-moved'));
    expect(closed.snapshot.status).toBe('done');
    // XState's pure `transition` still runs handlers on a done snapshot; the fact handlers live
    // under `open`, so none matches here and a late report cannot reopen the case.
    expectRefused(closed, ev('concern.reported', { documentRef: 'late' }));
    expectRefused(closed, ev('staff.informed', { recipients: ['counsellor'] }));
    expectRefused(closed, newTrigger());
    expect(send(closed, ev('concern.reported', { documentRef: 'late' })).actions).toEqual([]);
  });

  test('policy overrides change the delays and the invitation', () => {
    const l2 = toLevel2(open({ newConversationWithinDays: 5, monitoringDays: 60, concernDiscussionReminderDays: 1 }));
    expect(delayOf(l2, 'newConversationWithinOneWeek')).toBe(5 * MS_PER_DAY);
    expect(declared(l2)[0]).toEqual(expect.objectContaining({ params: expect.objectContaining({ withinDays: 5 }) }));
    expect(delayOf(open({ concernDiscussionReminderDays: 1 }), 'concernDiscussionReminder')).toBe(1 * MS_PER_DAY);
    expect(delayOf(toImproved(open({ monitoringDays: 60 })), 'monitoringPeriod')).toBe(60 * MS_PER_DAY);
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
    let s = go(open({ monitoringDays: 30 }));
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
    s = go(send(s, ev('consent.given', { service: 'school-nurse', documentRef: 'consent-1' })));
    s = go(send(s, ev('referral.sent', { service: 'school-nurse', documentRef: 'ref-1' })));
    // The evaluation timer was scheduled when the measures were agreed and is still pending.
    s = go(fireScheduledBy(measuresStarted, s, 'evaluationOnAgreedDate'));
    s = go(evaluated(s, 'worse'));
    s = go(fire(s, 'reportOfConcernReminder'));
    s = go(reported(s));
    const reportedStep = s;
    s = go(send(s, ev('childWelfare.consulted', { advice: 'school-continues', documentRef: 'cw-1' }, { role: 'principal' })));
    s = go(fireScheduledBy(reportedStep, s, 'childWelfareFollowUpReview'));
    s = go(evaluated(s, 'unchanged'));
    s = go(measuresAgreed(s, '2026-11-02'));
    s = go(fire(s, 'evaluationOnAgreedDate'));
    s = go(evaluated(s, 'improved'));
    s = go(fire(s, 'monitoringPeriod'));
    s = go(send(s, closing('school-leadership')));
    expect(stateOf(s)).toBe('closed');
    expect(s.snapshot.status).toBe('done');
    expect([...new Set(visited)]).toEqual([
      'open.level0.discussingConcern',
      `${L1}.preparingConversation`,
      `${L1}.conversationScheduled`,
      `${L1A}.assessingCause`,
      `${L1A}.extraConversationOffered`,
      `${L1A}.pupilConversation`,
      `${L1A}.measuresInProgress`,
      `${L1A}.evaluationDue`,
      `${L2}.conversationCalled`,
      `${L2}.conversationOverdue`,
      `${L2}.evaluatingAttendance`,
      `${L2}.extraConversationOffered`,
      `${L2}.pupilConversation`,
      `${L2}.measuresAndServices`,
      `${L2}.evaluationDue`,
      `${L3}.reportingConcern`,
      `${L3}.followingUpWithChildWelfare`,
      `${L3}.measuresAgreedAtLevel3`,
      `${L3}.evaluationDueAtLevel3`,
      MONITORING,
      CLOSING_DUE,
      'closed',
    ]);
    // The whole case is documented: every kind the procedure asks for is on file.
    expect(new Set(docKinds(s))).toEqual(
      new Set([
        'minutes',
        'pupil-voice',
        'measures-plan',
        'evaluation',
        'consent',
        'referral',
        'report-of-concern',
        'contact-log',
        'decision-note',
        'closing-note',
      ]),
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
    expect(atomic.length).toBe(22);
    for (const node of nodes.filter((n) => n !== hardangerMachine.root)) {
      const m = node.meta as StateMeta | undefined;
      expect({ id: node.id, label: m?.label.trim() || undefined }).toEqual({ id: node.id, label: expect.stringMatching(/\S/) });
      // Labels are Norwegian words, not the internal state key.
      expect(m?.label).not.toBe(node.key);
      expect(m?.label).toMatch(/^[A-ZÆØÅ][a-zæøåA-ZÆØÅ0-9 :–,?-]+$/);
      m?.clauses.forEach((id) => {
        expect(clauseIds).toContain(id);
        cited.add(id);
      });
    }
    for (const node of atomic) {
      if (node.type === 'final') continue;
      // No dead ends: the state itself or its levels (not `open`'s fact handlers) lead to another state.
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

  test('the registry knows the procedure by its Norwegian title and its specification', () => {
    const p = getProcedure(HARDANGER_ID);
    expect(p).toEqual(
      expect.objectContaining({
        displayName: 'Handlingsplan ved bekymring rundt fravær',
        owner: 'Hardanger',
        specification: 'docs/procedures/hardanger-handlingsplan.md',
        version: 2,
      }),
    );
  });
});
