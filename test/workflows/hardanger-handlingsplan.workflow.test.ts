/**
 * Procedure B (Hardanger, "Handlingsplan ved bekymring rundt fravær"), version 2, run as a
 * durable case on the time-skipping server with the real policy durations: every reminder and
 * time limit is a durable timer that fires on its due time and not before; it is due exactly its
 * delay after the fact that armed it (the event's `at`, or for a reminder armed by another
 * deadline, that deadline's due time). When a deadline a person must meet passes, the case is
 * overdue until a person's step moves it on; the procedure's nudges and planned periods never
 * flag it. The longest route climbs every level from Nivå 0 to the report of concern, agrees new
 * measures at Nivå 3 and comes back down through follow-up after improvement to a closing by the
 * leadership; a case opened from 60-day-old facts fires each missed deadline once; a
 * municipality's policy overrides move the Nivå 2 week and set a monitoring period.
 *
 * Human events go in as Updates, each sent by a role that may send it in that step; detection
 * facts (absence.*) as the Signal. No update in the first part of this file is refused and no
 * case is terminated: both leave time skipping locked on the test server. The refusal test runs
 * last, on a server of its own.
 */
import { addDays, formatISO } from 'date-fns';
import type { CaseEvent } from '../../machines/events';
import { type CaseView, type CaseWorkflowInput, sendEventUpdate } from '../../workflows/case-messages';
import {
  caseEvent,
  type CaseHandle,
  closeCaseAsMoved,
  openCase,
  saveHistoryIfRecording,
  startCase,
  useCaseTestEnv,
  withCaseWorker,
  withoutDeliveries,
} from '../helpers/case-env';
import {
  appliedEntry,
  attemptEvent,
  deadlineEntries,
  hasFired,
  messagesOf,
  sendEvent,
  sendTaken,
  settled,
  signalAndSettle,
  utcDateIn,
  viewOf,
  weeklyTrend,
} from '../helpers/case-steps';

const ID = 'hardanger-handlingsplan';
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/**
 * Delays that mark no lateness when they fire: nudges where the procedure sets no time, the day
 * an agreed evaluation becomes due, the end of the planned monitoring period. Every other delay
 * is a step a person owes, and flags the case overdue.
 */
const ROUTINE_DELAYS: readonly string[] = [
  'monitoringPeriod',
  'evaluationOnAgreedDate',
  'childWelfareFollowUpReview',
  'concernDiscussionReminder',
  'conversationReminder',
  'scheduledConversationReminder',
  'pupilConversationReminder',
];
const t = useCaseTestEnv();

type Stage = CaseView['stage'];

/** The Norwegian labels coordinators see, one per state of the procedure. */
const LABEL = {
  n0: 'Nivå 0: Bekymring drøftes med ledelse eller rådgiver',
  n1Preparing: 'Nivå 1: Samtale forberedes – skal eleven være med?',
  n1Scheduled: 'Nivå 1: Samtale med foresatte og elev er avtalt',
  n1Cause: 'Nivå 1: Årsak og foresattes tro på skolegang vurderes',
  n1Extra: 'Nivå 1: Ny samtale med foresatte tilbudt innen en uke',
  n1Pupil: 'Nivå 1: Elevsamtale og felles tiltak',
  n1Measures: 'Nivå 1: Tiltak gjennomføres til nytt møte',
  n1Evaluation: 'Nivå 1: Nytt møte evaluerer avtalen',
  n2Called: 'Nivå 2: Foresatte kalles inn til ny samtale innen en uke',
  n2Overdue: 'Nivå 2: Fristen for ny samtale er passert',
  n2Evaluating: 'Nivå 2: Frammøtet evalueres og behov for andre tjenester avklares',
  n2Extra: 'Nivå 2: Ny samtale med foresatte tilbudt innen en uke',
  n2Pupil: 'Nivå 2: Elevsamtale og tiltak',
  n2Measures: 'Nivå 2: Tiltak iverksatt, eventuelle henvisninger sammen med foresatte',
  n2Evaluation: 'Nivå 2: Tiltakene evalueres',
  n3Report: 'Nivå 3: Bekymringsmelding til barnevernet',
  n3FollowUp: 'Nivå 3: Skolen følger opp sammen med barnevernet',
  n3Measures: 'Nivå 3: Nye tiltak gjennomføres til avtalt evaluering',
  n3Evaluation: 'Nivå 3: Tiltakene evalueres',
  monitoring: 'Oppfølging etter bedring: oppfølgingsperioden løper',
  closingDue: 'Klar til avslutning',
  closed: 'Avsluttet',
} as const;

// ---- clock and events, always from the server's clock ----

const nowMs = async () => Date.parse(await t.now());
/** The UTC calendar date `days` from server time; the machine reads an agreed date as its UTC midnight. */
const dateIn = (days: number) => utcDateIn(t, days);
const iso = (ms: number) => new Date(ms).toISOString();
const dateTimeIn = async (days: number) => addDays(new Date(await t.now()), days).toISOString();
const staffConcern = async () => ({ rule: 'staff-concern', dates: [await dateIn(-1)] });

/** Sends a human event as an Update; every event in the first part of this file is one the case takes. */
const send = sendTaken;

/** Delivers a detection fact as the Signal and waits until the case has applied it. */
async function signalFact(handle: CaseHandle, event: CaseEvent): Promise<CaseView> {
  const v = await signalAndSettle(handle, event);
  expect(v.timeline.find((e) => 'eventId' in e && e.eventId === event.eventId)?.kind).toBe('event');
  return v;
}

const discussed = async (at?: string) =>
  caseEvent('staff.informed', { recipients: ['school-leadership', 'counsellor'] }, at ?? (await t.now()));
const scheduled = async (scheduledFor?: string, at?: string) =>
  caseEvent(
    'meeting.scheduled',
    {
      meeting: 'guardian-conversation',
      scheduledFor: scheduledFor ?? (await dateTimeIn(2)),
      participants: ['contact-teacher', 'guardians', 'pupil'],
    },
    at ?? (await t.now()),
  );
const conversationHeld = async (
  participants: Extract<CaseEvent, { type: 'meeting.held' }>['participants'] = ['contact-teacher', 'guardians', 'pupil'],
  minutesRef = 'minutes-1',
  at?: string,
) =>
  caseEvent(
    'meeting.held',
    { meeting: 'guardian-conversation', participants, pupilPresent: participants.includes('pupil'), minutesRef },
    at ?? (await t.now()),
  );
const causeAssessed = async (relatedToSchool: boolean, guardiansExpectReturn: boolean, at?: string) =>
  caseEvent('absenceCause.assessed', { relatedToSchool, guardiansExpectReturn }, at ?? (await t.now()));
const pupilHeard = async (documentRef = 'voice-1') => caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef }, await t.now());
const measuresAgreed = async (evaluationDate: string, planRef = 'plan-1') =>
  caseEvent('measures.agreed', { measures: ['Fast oppmøtetid', 'Ukentlig kontakt med hjemmet'], evaluationDate, planRef }, await t.now());
const evaluated = async (outcome: 'improved' | 'unchanged' | 'worse', minutesRef = 'evaluation-1') =>
  caseEvent('evaluation.held', { outcome, minutesRef }, await t.now(), 'school-leadership');
const escalated = async (reason: string) =>
  caseEvent('escalation.decided', { reason, documentRef: `decision-${reason.length}` }, await t.now(), 'school-leadership');
const reported = async () => caseEvent('concern.reported', { documentRef: 'bekymring-1' }, await t.now(), 'principal');
const closedByLeadership = async (note: string) =>
  caseEvent('case.closed', { reason: 'absence-improved', note, documentRef: 'closing-1' }, await t.now(), 'school-leadership');

/** Nivå 0 → the Nivå 1 conversation held: from here the school may judge that absence persists. */
async function toConversationHeld(handle: CaseHandle): Promise<CaseView> {
  await send(handle, await discussed());
  await send(handle, await scheduled());
  const v = await send(handle, await conversationHeld());
  expect(v.state.label).toBe(LABEL.n1Cause);
  return v;
}

/**
 * Ends a test's case the way a school would (the pupil moved) rather than terminating it: on
 * the time-skipping server, terminating a workflow leaves time skipping locked for the file.
 */
async function closeCase(handle: CaseHandle): Promise<CaseView> {
  const final = await closeCaseAsMoved(t, handle.workflowId);
  expect(final.status).toBe('closed');
  return final;
}

interface AfterDeadline {
  label: string;
  stage: Stage;
  /** Deadlines pending once it has fired, each armed by the firing and due `days` after this one's due time. */
  deadlines: { name: string; days: number }[];
}

/** When a deadline falls due. */
type DueTime =
  /** `days` calendar days after `from` (ms): the `at` of the event that armed it, or the due time of the deadline whose firing armed it. */
  | { days: number; from: number }
  /** A moment (ms), e.g. a day after a scheduled conversation. */
  | { at: number }
  /** The start (UTC midnight) of an agreed date, yyyy-MM-dd. */
  | { date: string };

/**
 * Passes the case's next deadline `name` on the server clock with t.env.sleep. It must be due at
 * exactly `due`: the workflow counts from when the fact happened, not from when it processed it.
 * One minute before it nothing may change; two minutes more and it must have fired exactly as the
 * machine says. A deadline a person owes flags the case overdue; a routine one leaves the flag as
 * it was (cleared by the last step a person took). Returns the view after the deadline and the
 * deadline's due time.
 */
async function passDeadline(handle: CaseHandle, name: string, after: AfterDeadline, due: DueTime): Promise<{ v: CaseView; dueMs: number }> {
  const before = await viewOf(handle);
  const dueMs = 'days' in due ? due.from + due.days * DAY : 'at' in due ? due.at : Date.parse(`${due.date}T00:00:00.000Z`);
  expect(before.deadlines).toEqual([{ name, dueAt: iso(dueMs) }]);
  const fired = deadlineEntries(before).length;

  await t.env.sleep(dueMs - (await nowMs()) - MINUTE);
  const shortly = await viewOf(handle);
  expect(shortly.state.label).toBe(before.state.label);
  expect(shortly.stage).toBe(before.stage);
  expect(shortly.deadlines).toEqual(before.deadlines);
  expect(shortly.overdue).toBe(before.overdue);
  expect(deadlineEntries(shortly)).toHaveLength(fired);

  await t.env.sleep(2 * MINUTE);
  const v = await viewOf(handle);
  expect(v.state.label).toBe(after.label);
  expect(v.stage).toBe(after.stage);
  // A reminder that repeats, and the next step's limit, count from this deadline's due time, not from when the timer happened to fire.
  expect(v.deadlines).toEqual(after.deadlines.map((d) => ({ name: d.name, dueAt: iso(dueMs + d.days * DAY) })));
  expect(v.overdue).toBe(ROUTINE_DELAYS.includes(name) ? before.overdue : true);
  if (!ROUTINE_DELAYS.includes(name) && !before.overdue) expect(v.overdueSince).toBe(iso(dueMs));
  const entries = deadlineEntries(v);
  expect(entries).toHaveLength(fired + 1);
  const entry = entries.at(-1)!;
  // On time: not marked missed.
  expect(entry).toEqual({ kind: 'deadline', name, firedAt: expect.any(String), stateLabel: after.label, dueAt: iso(dueMs) });
  expect(Date.parse(entry.firedAt)).toBeGreaterThanOrEqual(dueMs);
  expect(Date.parse(entry.firedAt)).toBeLessThanOrEqual(dueMs + 2 * MINUTE);
  // Nothing the case tried to deliver failed.
  expect(v.timeline.filter((e) => e.kind === 'refused')).toEqual([]);
  return { v, dueMs };
}

/**
 * Sends an event stamped on the server clock and returns the view with the event's `at` (ms), which
 * the deadlines it arms count from: it is no later than the moment the case applied it.
 */
async function sendTimed(handle: CaseHandle, event: CaseEvent): Promise<{ v: CaseView; at: number }> {
  const v = await send(handle, event);
  const at = Date.parse(event.at);
  expect(at).toBeLessThanOrEqual(Date.parse(appliedEntry(v, event).appliedAt));
  return { v, at };
}

test('[B.N3] the longest route runs with real durations: Nivå 0 → 1 → 2 → 3 report of concern → new measures → follow-up after improvement → closed by the leadership', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, await staffConcern());
    let v = await viewOf(handle);
    expect(v.procedure).toEqual({ id: ID, version: 2, displayName: 'Handlingsplan ved bekymring rundt fravær' });
    expect(v.state.label).toBe(LABEL.n0);
    expect(v.stage).toBe('identification');
    expect(v.deadlines.map((d) => d.name)).toEqual(['concernDiscussionReminder']);

    // Nivå 0: detection finds absence without the first-day notice; the school then files the guardians' notice.
    await signalFact(
      handle,
      caseEvent('absence.noticeMissing', { firstDay: await dateIn(0), schoolDaysWithoutNotice: 1 }, await t.now(), 'system'),
    );
    v = await send(handle, caseEvent('absence.noticeReceived', { documentRef: 'visma-notice-1' }, await t.now()));
    expect(v.state.label).toBe(LABEL.n0);
    // Nivå 0 sets no limit: the contact teacher is reminded 3 days after the case was opened, and again 3 days later.
    await passDeadline(
      handle,
      'concernDiscussionReminder',
      { label: LABEL.n0, stage: 'identification', deadlines: [{ name: 'concernDiscussionReminder', days: 3 }] },
      { days: 3, from: Date.parse(v.openedAt) },
    );

    // Nivå 1: the concern is discussed with leadership; the conversation is prepared.
    let step = await sendTimed(handle, await discussed());
    expect(step.v.state.label).toBe(LABEL.n1Preparing);
    await passDeadline(
      handle,
      'conversationReminder',
      { label: LABEL.n1Preparing, stage: 'identification', deadlines: [{ name: 'conversationReminder', days: 7 }] },
      { days: 7, from: step.at },
    );
    const conversationAt = await dateTimeIn(5);
    step = await sendTimed(handle, await scheduled(conversationAt));
    expect(step.v.state.label).toBe(LABEL.n1Scheduled);
    // The scheduled conversation is reminded about the day after its time, never before; then weekly.
    await passDeadline(
      handle,
      'scheduledConversationReminder',
      { label: LABEL.n1Scheduled, stage: 'identification', deadlines: [{ name: 'scheduledConversationReminder', days: 7 }] },
      { at: Date.parse(conversationAt) + DAY },
    );
    v = await send(handle, await conversationHeld());
    expect(v.state.label).toBe(LABEL.n1Cause);
    expect(v.deadlines).toEqual([]);
    // The cause is not at school and the guardians doubt the return: a further conversation within a week.
    step = await sendTimed(handle, await causeAssessed(false, false));
    expect(step.v.state.label).toBe(LABEL.n1Extra);
    await passDeadline(
      handle,
      'extraConversationWithinAWeek',
      { label: LABEL.n1Extra, stage: 'identification', deadlines: [{ name: 'extraConversationWithinAWeek', days: 7 }] },
      { days: 7, from: step.at },
    );
    step = await sendTimed(handle, await conversationHeld(['contact-teacher', 'guardians'], 'minutes-2'));
    expect(step.v.state.label).toBe(LABEL.n1Pupil);
    // The further conversation was the step owed: the case is no longer overdue.
    expect(step.v.overdue).toBe(false);
    // The pupil conversation has no limit: one reminder after a week, then none.
    await passDeadline(
      handle,
      'pupilConversationReminder',
      { label: LABEL.n1Pupil, stage: 'measures', deadlines: [] },
      { days: 7, from: step.at },
    );
    await send(handle, await pupilHeard());
    const n1EvaluationDate = await dateIn(14);
    v = await send(handle, await measuresAgreed(n1EvaluationDate));
    expect(v.state.label).toBe(LABEL.n1Measures);
    // The class-teacher meeting, new absence and a trend from detection are kept on file; the agreed date stands.
    await send(
      handle,
      caseEvent(
        'meeting.held',
        { meeting: 'class-teacher-meeting', participants: ['contact-teacher', 'teacher'], pupilPresent: false, minutesRef: 'ctm-1' },
        await t.now(),
      ),
    );
    const newAbsence = caseEvent(
      'absence.newTrigger',
      { trigger: { rule: 'unnotified-absence', dates: [await dateIn(0)], days: 1 } },
      await t.now(),
      'system',
    );
    v = await signalFact(handle, newAbsence);
    expect(v.state.label).toBe(LABEL.n1Measures);
    expect(v.triggers.at(-1)).toEqual({
      rule: 'unnotified-absence',
      dates: [await dateIn(0)],
      days: 1,
      eventId: newAbsence.eventId,
      at: newAbsence.at,
      effect: 'recorded',
    });
    await signalFact(handle, await weeklyTrend(t, 'unchanged', 2));
    let passed = await passDeadline(
      handle,
      'evaluationOnAgreedDate',
      { label: LABEL.n1Evaluation, stage: 'evaluation', deadlines: [{ name: 'evaluationReminder', days: 7 }] },
      { date: n1EvaluationDate },
    );
    await passDeadline(
      handle,
      'evaluationReminder',
      { label: LABEL.n1Evaluation, stage: 'evaluation', deadlines: [{ name: 'evaluationReminder', days: 7 }] },
      { days: 7, from: passed.dueMs },
    );

    // Nivå 2: absence persists; the guardians are called to a new conversation within one week.
    step = await sendTimed(handle, await evaluated('unchanged'));
    expect(step.v.state.label).toBe(LABEL.n2Called);
    expect(step.v.overdue).toBe(false);
    const level2At = step.at;
    passed = await passDeadline(
      handle,
      'newConversationWithinOneWeek',
      { label: LABEL.n2Overdue, stage: 'measures', deadlines: [{ name: 'overdueReminder', days: 2 }] },
      { days: 7, from: level2At },
    );
    await passDeadline(
      handle,
      'overdueReminder',
      { label: LABEL.n2Overdue, stage: 'measures', deadlines: [{ name: 'overdueReminder', days: 2 }] },
      { days: 2, from: passed.dueMs },
    );
    // Still overdue since the week passed, not since the reminder.
    expect((await viewOf(handle)).overdueSince).toBe(iso(passed.dueMs));
    v = await send(handle, await conversationHeld(['contact-teacher', 'school-leadership', 'school-nurse', 'guardians'], 'minutes-3'));
    expect(v.state.label).toBe(LABEL.n2Evaluating);
    expect(v.stage).toBe('evaluation');
    expect(v.deadlines).toEqual([]);
    // The conversation is held: the overdue flag is cleared.
    expect(v).toMatchObject({ overdue: false, overdueSince: null, daysOverdue: 0 });
    // The school nurse, who took part, records her own conversation.
    v = await send(
      handle,
      caseEvent('schoolNurse.conversationHeld', { conclusion: 'no-medical-cause', documentRef: 'helse-1' }, await t.now(), 'school-nurse'),
    );
    expect(v.documents.at(-1)).toMatchObject({ kind: 'health-note', by: { role: 'school-nurse' } });
    v = await send(handle, await evaluated('unchanged', 'evaluation-2'));
    expect(v.state.label).toBe(LABEL.n2Evaluating);
    step = await sendTimed(handle, await causeAssessed(false, true));
    expect(step.v.state.label).toBe(LABEL.n2Extra);
    await passDeadline(
      handle,
      'extraConversationWithinAWeek',
      { label: LABEL.n2Extra, stage: 'measures', deadlines: [{ name: 'extraConversationWithinAWeek', days: 7 }] },
      { days: 7, from: step.at },
    );
    // The guardians decline the offered conversation; the decision is put on file.
    step = await sendTimed(handle, caseEvent('document.recorded', { kind: 'decision-note', documentRef: 'declined-1' }, await t.now()));
    expect(step.v.state.label).toBe(LABEL.n2Pupil);
    await passDeadline(
      handle,
      'pupilConversationReminder',
      { label: LABEL.n2Pupil, stage: 'measures', deadlines: [] },
      { days: 7, from: step.at },
    );
    await send(handle, await pupilHeard('voice-2'));
    const n2EvaluationDate = await dateIn(14);
    v = await send(handle, await measuresAgreed(n2EvaluationDate, 'plan-2'));
    expect(v.state.label).toBe(LABEL.n2Measures);
    // A referral is filled in together with the guardians, whose consent the school records first.
    await send(handle, caseEvent('consent.given', { service: 'school-nurse', documentRef: 'consent-1' }, await t.now()));
    v = await send(handle, caseEvent('referral.sent', { service: 'school-nurse', documentRef: 'referral-1' }, await t.now()));
    expect(v.state.label).toBe(LABEL.n2Measures);
    passed = await passDeadline(
      handle,
      'evaluationOnAgreedDate',
      { label: LABEL.n2Evaluation, stage: 'evaluation', deadlines: [{ name: 'evaluationReminder', days: 7 }] },
      { date: n2EvaluationDate },
    );
    await passDeadline(
      handle,
      'evaluationReminder',
      { label: LABEL.n2Evaluation, stage: 'evaluation', deadlines: [{ name: 'evaluationReminder', days: 7 }] },
      { days: 7, from: passed.dueMs },
    );

    // Nivå 3: Nivå 2 did not help; leadership is reminded every 2 days until the report is sent.
    step = await sendTimed(handle, await evaluated('worse', 'evaluation-3'));
    expect(step.v.state.label).toBe(LABEL.n3Report);
    expect(step.v.stage).toBe('escalated');
    await passDeadline(
      handle,
      'reportOfConcernReminder',
      { label: LABEL.n3Report, stage: 'escalated', deadlines: [{ name: 'reportOfConcernReminder', days: 2 }] },
      { days: 2, from: step.at },
    );
    step = await sendTimed(handle, await reported());
    expect(step.v.state.label).toBe(LABEL.n3FollowUp);
    expect(step.v.overdue).toBe(false);
    await send(
      handle,
      caseEvent('childWelfare.consulted', { advice: 'school-continues', documentRef: 'cw-1' }, await t.now(), 'principal'),
    );
    // The review is 30 days after the report; consulting child welfare in between does not move it.
    await passDeadline(
      handle,
      'childWelfareFollowUpReview',
      { label: LABEL.n3FollowUp, stage: 'escalated', deadlines: [{ name: 'childWelfareFollowUpReview', days: 30 }] },
      { days: 30, from: step.at },
    );
    v = await send(handle, await evaluated('unchanged', 'evaluation-4'));
    expect(v.state.label).toBe(LABEL.n3FollowUp);
    expect(v.overdue).toBe(false);
    // New measures at Nivå 3 run to their own agreed date.
    const n3EvaluationDate = await dateIn(21);
    v = await send(handle, await measuresAgreed(n3EvaluationDate, 'plan-3'));
    expect(v.state.label).toBe(LABEL.n3Measures);
    await passDeadline(
      handle,
      'evaluationOnAgreedDate',
      { label: LABEL.n3Evaluation, stage: 'escalated', deadlines: [{ name: 'evaluationReminder', days: 7 }] },
      { date: n3EvaluationDate },
    );

    // Improved: the case is ready to close at once (no monitoring period by default), and not overdue.
    v = await send(handle, await evaluated('improved', 'evaluation-5'));
    expect(v.stage).toBe('monitoring');
    v = await settled(handle, (current) => current.state.label === LABEL.closingDue);
    expect(v).toMatchObject({ stage: 'monitoring', overdue: false, deadlines: [] });
    expect(v.state.requiredDocuments).toEqual(['closing-note']);
    expect(v.allowedEvents).toContain('case.closed');
    await signalFact(handle, await weeklyTrend(t, 'improved', 0));
    await send(handle, await closedByLeadership('Stabilt oppmøte etter tiltakene på nivå 3.'));

    const final = await handle.result();
    expect(final.status).toBe('closed');
    expect(final.state.label).toBe(LABEL.closed);
    expect(final.stage).toBe('closed');
    expect(final.deadlines).toEqual([]);
    expect(final.closing).toMatchObject({
      reason: 'absence-improved',
      note: 'Stabilt oppmøte etter tiltakene på nivå 3.',
      actor: { role: 'school-leadership' },
    });
    expect(final.timeline.filter((e) => e.kind === 'refused')).toEqual([]);
    expect(deadlineEntries(final).map((e) => e.name)).toEqual([
      'concernDiscussionReminder',
      'conversationReminder',
      'scheduledConversationReminder',
      'extraConversationWithinAWeek',
      'pupilConversationReminder',
      'evaluationOnAgreedDate',
      'evaluationReminder',
      'newConversationWithinOneWeek',
      'overdueReminder',
      'extraConversationWithinAWeek',
      'pupilConversationReminder',
      'evaluationOnAgreedDate',
      'evaluationReminder',
      'reportOfConcernReminder',
      'childWelfareFollowUpReview',
      'evaluationOnAgreedDate',
      'monitoringPeriod',
    ]);
    // Every level was passed, in order.
    const visited = [LABEL.n0, ...final.timeline.flatMap((e) => (e.kind === 'refused' || e.kind === 'effect' ? [] : [e.stateLabel]))];
    expect(visited.filter((label, i) => label !== visited[i - 1])).toEqual([
      LABEL.n0,
      LABEL.n1Preparing,
      LABEL.n1Scheduled,
      LABEL.n1Cause,
      LABEL.n1Extra,
      LABEL.n1Pupil,
      LABEL.n1Measures,
      LABEL.n1Evaluation,
      LABEL.n2Called,
      LABEL.n2Overdue,
      LABEL.n2Evaluating,
      LABEL.n2Extra,
      LABEL.n2Pupil,
      LABEL.n2Measures,
      LABEL.n2Evaluation,
      LABEL.n3Report,
      LABEL.n3FollowUp,
      LABEL.n3Measures,
      LABEL.n3Evaluation,
      LABEL.monitoring,
      LABEL.closingDue,
      LABEL.closed,
    ]);
    expect(new Set(final.documents.map((d) => d.kind))).toEqual(
      new Set([
        'absence-notice',
        'minutes',
        'pupil-voice',
        'measures-plan',
        'evaluation',
        'decision-note',
        'health-note',
        'consent',
        'referral',
        'report-of-concern',
        'contact-log',
        'closing-note',
      ]),
    );

    const mine = await messagesOf(t, final.caseId);
    expect(mine.map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        'Ny fraværssak: bekymringen skal drøftes',
        'Vi mangler beskjed om fravær',
        'Påminnelse: vurder neste nivå',
        'Skolen er bekymret for fraværet',
        'Invitasjon til møte om skolefravær',
        'Referat fra møtet',
        'Møte: samtale med foresatte',
        'Møte: elevsamtale',
        'Møte: evalueringsmøte',
        'Møte: klasselærermøte',
        'Nytt fravær registrert i saken',
        'Dokument mangler: elevens egen beskrivelse',
        'Påminnelse: elevens stemme',
        'Påminnelse: møtet er ikke holdt',
        'Påminnelse: tiltakene skal evalueres',
        'Fraværssak løftet til neste nivå',
        'Frist passert i fraværssak',
        'Dokument mangler: formell melding fra skolen',
        'Påminnelse: et steg må avklares med ledelsen',
        'Påminnelse: dokumentasjon mangler',
        'Oppfølgingen av fraværet er avsluttet',
        'Fraværssak avsluttet',
      ]),
    );
    // The opening announced the case once: no reminder re-sent it.
    expect(mine.filter((m) => m.subject === 'Ny fraværssak: bekymringen skal drøftes')).toHaveLength(1);
    // The Nivå 2 invitation names leadership and is due one week after the case reached Nivå 2.
    const level2Invitation = mine.find((m) => m.subject === 'Møte: samtale med foresatte' && m.recipients.includes('school-leadership'));
    expect(level2Invitation?.dueDate).toBe(formatISO(addDays(new Date(level2At), 7), { representation: 'date' }));
    // Every effect was delivered once: idempotency keys are unique.
    expect(new Set(mine.map((m) => m.idempotencyKey)).size).toBe(mine.length);
    await saveHistoryIfRecording(t, handle.workflowId, 'hardanger-handlingsplan-longest-route');
  });
});

test('[B.N2a] a case opened from 60-day-old facts sends each reminder at most once, shows no past deadline, marks what it missed and is overdue since the further conversation it owed', async () => {
  await withCaseWorker(t, async () => {
    const now = await nowMs();
    const daysAgo = (n: number) => iso(now - n * DAY);
    const pupilId = `gammel-${now}`;
    const input: CaseWorkflowInput = {
      procedureId: ID,
      facts: {
        caseId: `sak-${pupilId}`,
        pupilId,
        schoolId: 'school1',
        grade: 7,
        openedAt: daysAgo(60),
        trigger: { rule: 'staff-concern', dates: [daysAgo(61).slice(0, 10)] },
      },
    };
    const handle = await startCase(t, input);

    // Nivå 0's reminder fell due 57 days ago: it fires once, now, and the next one counts from now.
    let v = await settled(handle, hasFired('concernDiscussionReminder'));
    expect(v.deadlines).toEqual([{ name: 'concernDiscussionReminder', dueAt: expect.any(String) }]);
    expect(Date.parse(v.deadlines[0]!.dueAt)).toBeGreaterThan(now + 3 * DAY - 2 * MINUTE);
    expect(v.overdue).toBe(false);

    // The school registers now what it did weeks ago; each step's nudge had passed, and so had the week it owed.
    await send(handle, await discussed(daysAgo(58)));
    await settled(handle, hasFired('conversationReminder'));
    await send(handle, await scheduled(daysAgo(55), daysAgo(57)));
    await settled(handle, hasFired('scheduledConversationReminder'));
    await send(handle, await conversationHeld(['contact-teacher', 'guardians'], 'minutes-old', daysAgo(55)));
    await send(handle, await causeAssessed(false, true, daysAgo(54)));
    v = await settled(handle, hasFired('extraConversationWithinAWeek'));

    expect(v.state.label).toBe(LABEL.n1Extra);
    // Every passed deadline fired once, with the time it fell due; the one a person owed is marked
    // missed, the nudges (routine: nobody is late when they fire) are not.
    expect(deadlineEntries(v).map(({ name, dueAt, missed }) => ({ name, dueAt, missed }))).toEqual([
      { name: 'concernDiscussionReminder', dueAt: daysAgo(57), missed: undefined },
      { name: 'conversationReminder', dueAt: daysAgo(51), missed: undefined },
      { name: 'scheduledConversationReminder', dueAt: daysAgo(54), missed: undefined },
      { name: 'extraConversationWithinAWeek', dueAt: daysAgo(47), missed: true },
    ]);
    // Overdue since the first deadline a person had to meet (the nudges before it flag nothing).
    expect(v).toMatchObject({ overdue: true, overdueSince: daysAgo(47), daysOverdue: 47 });
    // No past deadline is shown as coming: the re-armed reminder counts from now.
    expect(v.deadlines.map((d) => d.name)).toEqual(['extraConversationWithinAWeek']);
    expect(v.deadlines.every((d) => Date.parse(d.dueAt) > now)).toBe(true);

    // A day later nothing more has fired: no burst of reminders.
    await t.env.sleep(DAY);
    v = await viewOf(handle);
    expect(deadlineEntries(v)).toHaveLength(4);
    const reminders = (await messagesOf(t, input.facts.caseId)).filter((m) => m.subject.startsWith('Påminnelse'));
    expect(reminders.map((m) => m.subject).sort()).toEqual(
      [
        'Påminnelse: møtet er ikke holdt',
        'Påminnelse: møtet er ikke holdt',
        'Påminnelse: møtet er ikke holdt',
        'Påminnelse: vurder neste nivå',
      ].sort(),
    );
    expect(new Set(reminders.map((m) => m.idempotencyKey)).size).toBe(4);
    // The further conversation is held: the step owed is taken and the flag clears.
    v = await send(handle, await conversationHeld(['contact-teacher', 'guardians'], 'minutes-new'));
    expect(v).toMatchObject({ overdue: false, overdueSince: null, daysOverdue: 0 });
    await closeCase(handle);
  });
});

test('[B.N2a] the new conversation within one week: not overdue a minute before the week is out, overdue right after', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, await staffConcern());
    await toConversationHeld(handle);
    // Absence persists before the agreed evaluation: the school moves to Nivå 2 at once.
    const { v, at } = await sendTimed(handle, await escalated('Fraværet fortsetter'));
    expect(v.state.label).toBe(LABEL.n2Called);
    expect(v.stage).toBe('measures');
    expect(v.overdue).toBe(false);
    const { v: after } = await passDeadline(
      handle,
      'newConversationWithinOneWeek',
      { label: LABEL.n2Overdue, stage: 'measures', deadlines: [{ name: 'overdueReminder', days: 2 }] },
      { days: 7, from: at },
    );
    expect(after.state.responsible).toEqual(['contact-teacher', 'school-leadership', 'social-teacher', 'counsellor']);
    const mine = await messagesOf(t, after.caseId);
    expect(mine.map((m) => m.subject)).toContain('Frist passert i fraværssak');
    await closeCase(handle);
  });
});

test('[B.N1b] the evaluation falls due at the start of the agreed date, not before, and is overdue only a reminder period later', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, await staffConcern());
    await toConversationHeld(handle);
    await send(handle, await causeAssessed(true, true));
    await send(handle, await pupilHeard());
    const evaluationDate = await dateIn(10);
    const v = await send(handle, await measuresAgreed(evaluationDate));
    expect(v.state.label).toBe(LABEL.n1Measures);
    const { v: due, dueMs } = await passDeadline(
      handle,
      'evaluationOnAgreedDate',
      { label: LABEL.n1Evaluation, stage: 'evaluation', deadlines: [{ name: 'evaluationReminder', days: 7 }] },
      { date: evaluationDate },
    );
    expect(due.overdue).toBe(false);
    const { v: late } = await passDeadline(
      handle,
      'evaluationReminder',
      { label: LABEL.n1Evaluation, stage: 'evaluation', deadlines: [{ name: 'evaluationReminder', days: 7 }] },
      { days: 7, from: dueMs },
    );
    expect(late).toMatchObject({ overdue: true, overdueSince: iso(dueMs + 7 * DAY) });
    await closeCase(handle);
  });
});

test('[B.N3] leadership is reminded every 2 days until the report of concern is sent', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, await staffConcern());
    await toConversationHeld(handle);
    await send(handle, await escalated('Fraværet fortsetter'));
    const { v, at } = await sendTimed(handle, await escalated('Nivå 2 er ikke nok'));
    expect(v.state.label).toBe(LABEL.n3Report);
    const reminded: AfterDeadline = {
      label: LABEL.n3Report,
      stage: 'escalated',
      deadlines: [{ name: 'reportOfConcernReminder', days: 2 }],
    };
    const first = await passDeadline(handle, 'reportOfConcernReminder', reminded, { days: 2, from: at });
    // The second reminder is due two days after the first was due: the reminders do not drift.
    await passDeadline(handle, 'reportOfConcernReminder', reminded, { days: 2, from: first.dueMs });
    const reminders = (await messagesOf(t, v.caseId)).filter((m) => m.subject === 'Påminnelse: et steg må avklares med ledelsen');
    expect(reminders).toHaveLength(2);
    const reportedView = await send(handle, await reported());
    expect(reportedView.overdue).toBe(false);
    await closeCase(handle);
  });
});

test('[B.C1] with no monitoring period, the leadership closes an improved case right after its evaluation, and the closing is kept', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, await staffConcern(), {}, 6);
    // A report of concern at Nivå 0 moves the case straight to the follow-up with child welfare.
    await send(handle, await reported());
    // The Update's receipt names the step the evaluation led to; a monitoring period of no length then ends at once.
    const receipt = await handle.executeUpdate(sendEventUpdate, { args: [await evaluated('improved')] });
    expect(receipt).toMatchObject({ applied: true, stateLabel: LABEL.monitoring });
    const ready = await settled(handle, (current) => current.state.label === LABEL.closingDue);
    expect(ready).toMatchObject({ overdue: false, deadlines: [] });
    expect(deadlineEntries(ready).at(-1)).toMatchObject({ name: 'monitoringPeriod', stateLabel: LABEL.closingDue });
    await send(handle, await closedByLeadership('Godt oppmøte etter evalueringen.'));
    const final = await handle.result();
    expect(final.status).toBe('closed');
    expect(final.grade).toBe(6);
    expect(final.closing).toMatchObject({ reason: 'absence-improved', note: 'Godt oppmøte etter evalueringen.', documentRef: 'closing-1' });
    const closingEntry = final.timeline.find((e) => e.kind === 'event' && e.type === 'case.closed');
    expect(closingEntry).toMatchObject({ data: { reason: 'absence-improved', note: 'Godt oppmøte etter evalueringen.' } });
  });
});

test('[B.C1] a municipal monitoring period (30 days) holds the closing back until it has passed; the end of it is not late', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, await staffConcern(), { policyOverrides: { monitoringDays: 30 } });
    await send(handle, await reported());
    const { v, at } = await sendTimed(handle, await evaluated('improved'));
    expect(v.state.label).toBe(LABEL.monitoring);
    const { v: due } = await passDeadline(
      handle,
      'monitoringPeriod',
      { label: LABEL.closingDue, stage: 'monitoring', deadlines: [] },
      { days: 30, from: at },
    );
    expect(due.overdue).toBe(false);
    expect(due.state.requiredDocuments).toEqual(['closing-note']);
    await send(handle, await closedByLeadership('Godt oppmøte gjennom oppfølgingsperioden.'));
    expect((await handle.result()).status).toBe('closed');
  });
});

test('a policy override of newConversationWithinDays (5) makes the Nivå 2 timer fire after 5 days, not 7', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, await staffConcern(), {
      policyOverrides: { newConversationWithinDays: 5, overdueReminderDays: 1 },
    });
    await toConversationHeld(handle);
    const { v, at } = await sendTimed(handle, await escalated('Fraværet fortsetter'));
    expect(v.state.label).toBe(LABEL.n2Called);
    // Due 5 days after the decision, and the overridden reminder period follows: one day after that.
    const { v: after, dueMs } = await passDeadline(
      handle,
      'newConversationWithinOneWeek',
      { label: LABEL.n2Overdue, stage: 'measures', deadlines: [{ name: 'overdueReminder', days: 1 }] },
      { days: 5, from: at },
    );
    expect(dueMs).toBe(at + 5 * DAY);
    expect(Date.parse(after.deadlines[0]!.dueAt)).toBe(dueMs + 1 * DAY);
    // The invitation the guardians and staff receive names the same 5-day limit.
    const invitation = (await t.outbox.list()).find(
      (m) => m.caseId === after.caseId && m.subject === 'Møte: samtale med foresatte' && m.recipients.includes('school-leadership'),
    );
    expect(invitation?.dueDate).toBe(formatISO(addDays(new Date(at), 5), { representation: 'date' }));
    await closeCase(handle);
  });
});

test('a deadline counts from when the fact happened: a decision registered two days late keeps its week; one stamped ahead of the clock counts from when the case took it', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, await staffConcern());
    await toConversationHeld(handle);
    // Nivå 2 was decided two days ago and is registered only now: five days of the week are left.
    const decidedAt = (await nowMs()) - 2 * DAY;
    const late = caseEvent(
      'escalation.decided',
      { reason: 'Fraværet fortsetter', documentRef: 'decision-late' },
      iso(decidedAt),
      'school-leadership',
    );
    const { v } = await sendTimed(handle, late);
    expect(v.state.label).toBe(LABEL.n2Called);
    expect(v.deadlines).toEqual([{ name: 'newConversationWithinOneWeek', dueAt: iso(decidedAt + 7 * DAY) }]);
    const registeredAt = Date.parse(appliedEntry(v, late).appliedAt);
    expect(registeredAt - decidedAt).toBeGreaterThanOrEqual(2 * DAY);
    await passDeadline(
      handle,
      'newConversationWithinOneWeek',
      { label: LABEL.n2Overdue, stage: 'measures', deadlines: [{ name: 'overdueReminder', days: 2 }] },
      { days: 7, from: decidedAt },
    );
    expect(await nowMs()).toBeLessThan(registeredAt + 5 * DAY + 2 * MINUTE);

    // A decision stamped an hour ahead of the server clock (a client's clock running fast): the
    // reminders count from the moment the case took it, never from the future.
    const ahead = caseEvent(
      'escalation.decided',
      { reason: 'Nivå 2 er ikke nok', documentRef: 'decision-ahead' },
      iso((await nowMs()) + HOUR),
      'school-leadership',
    );
    const escalatedView = await send(handle, ahead);
    expect(escalatedView.state.label).toBe(LABEL.n3Report);
    expect(escalatedView.overdue).toBe(false);
    const takenAt = Date.parse(appliedEntry(escalatedView, ahead).appliedAt);
    expect(takenAt).toBeLessThan(Date.parse(ahead.at));
    await passDeadline(
      handle,
      'reportOfConcernReminder',
      { label: LABEL.n3Report, stage: 'escalated', deadlines: [{ name: 'reportOfConcernReminder', days: 2 }] },
      { days: 2, from: takenAt },
    );
    await send(handle, await reported());
    await closeCase(handle);
  });
});

// Last, on a server of its own: the time-skipping test server keeps time skipping locked after it
// rejects an update, which would stall the timers of any test after it.
describe('refused updates', () => {
  const r = useCaseTestEnv();

  test('[B.C1] the contact teacher or the pupil cannot close an improved case: refused in Norwegian naming the role and the step, leaving the case as it was', async () => {
    await withCaseWorker(r, async () => {
      const handle = await openCase(r, ID, { rule: 'staff-concern', dates: ['2026-09-04'] });
      const at = async () => r.now();
      await sendEvent(handle, caseEvent('concern.reported', { documentRef: 'bekymring-1' }, await at(), 'principal'));
      await sendEvent(
        handle,
        caseEvent('evaluation.held', { outcome: 'improved', minutesRef: 'evaluering-1' }, await at(), 'school-leadership'),
      );
      const before = await settled(handle, (v) => v.state.label === LABEL.closingDue);
      expect(before.state.label).toBe(LABEL.closingDue);
      const closing = async (role: 'contact-teacher' | 'pupil' | 'school-leadership') =>
        caseEvent('case.closed', { reason: 'absence-improved', note: 'Bedre oppmøte.', documentRef: 'avslutning-1' }, await at(), role);
      expect(await attemptEvent(handle, await closing('contact-teacher'))).toBe(
        'Rollen kontaktlærer kan ikke registrere «Saken avsluttet» i steget «Klar til avslutning». Det kan: rektor, skolens ledelse.',
      );
      expect(await attemptEvent(handle, await closing('pupil'))).toBe(
        'Rollen eleven kan ikke registrere «Saken avsluttet» i steget «Klar til avslutning». Det kan: rektor, skolens ledelse.',
      );
      expect(withoutDeliveries(await viewOf(handle))).toEqual(withoutDeliveries(before));
      expect(await attemptEvent(handle, await closing('school-leadership'))).toBe('taken');
      expect((await handle.result()).closing).toMatchObject({ reason: 'absence-improved', actor: { role: 'school-leadership' } });
    });
  });
});
