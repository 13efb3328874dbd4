/**
 * Procedure E (Rælingen's school routine) run as a durable case on the time-skipping server with
 * the real policy durations: the home-contact reminder after a day, meeting reminders after a
 * week, the evaluation on the agreed date within three weeks, the weekly absence summary, the
 * child-welfare reminder and three weeks of monitoring all fire as durable timers while the test
 * passes time with `t.env.sleep`. Each is due exactly its delay after the fact that armed it (the
 * event's `at`, or for a reminder armed by another deadline, that deadline's due time), and when it
 * fires the case is flagged overdue, except for the routine weekly summary and the end of the
 * monitoring period. Human events arrive as Updates, detection facts as the Signal.
 */
import { addDays, addMinutes, formatISO } from 'date-fns';
import type { CaseEvent, CaseEventOf } from '../../machines/events';
import type { PublicStage } from '../../machines/meta';
import type { Role } from '../../machines/vocabulary';
import type { OutboxMessage } from '../../activities/outbox';
import { type CaseView, type TimelineEntry, absenceFactsSignal, caseViewQuery, sendEventUpdate } from '../../workflows/case-messages';
import { type CaseTestEnv, caseEvent, closeCaseAsMoved, createCaseTestEnv, openCase, saveHistoryIfRecording } from '../helpers/case-env';

const ID = 'raelingen-veileder';
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Delays that mark no lateness when they fire (a routine weekly look, a planned period ending); every other one flags the case overdue. */
const ROUTINE_DELAYS: readonly string[] = ['weeklyAbsenceSummary', 'monitoringPeriod'];

/** The Norwegian labels coordinators see, per state of the routine. */
const LABEL = {
  contactingHome: 'Meldt til ledelsen – hjemmet kontaktes',
  mapping: 'Kartlegging av fraværsmønsteret',
  cooperationMeeting: 'Samarbeidsmøte og samarbeidsavtale',
  measures: 'Tiltak etter samarbeidsavtalen',
  evaluationDue: 'Evalueringsmøte',
  revising: 'Nye tiltak – vurder henvisning',
  childWelfareFirst: 'Barnevernet må drøfte saken først',
  monitoring: 'Oppfølging etter bedring',
  closingDue: 'Klar til avslutning',
  closed: 'Avsluttet',
} as const;

let t: CaseTestEnv;

beforeAll(async () => {
  t = await createCaseTestEnv();
});
afterAll(async () => {
  await t?.teardown();
});

type Handle = Awaited<ReturnType<typeof openCase>>;

const serverMs = async () => Date.parse(await t.now());

/**
 * The calendar date `days` from the server's now, as the machine reads dates: UTC (an agreed
 * evaluation date is due at its UTC midnight). formatISO prints the local date, so the instant is
 * shifted by the local offset first; on a UTC machine the shift is zero.
 */
const dateIn = async (days: number) => {
  const day = addDays(new Date(await t.now()), days);
  return formatISO(addMinutes(day, day.getTimezoneOffset()), { representation: 'date' });
};

/** Over 8 days of absence: worrying absence, one of the routine's opening rules (E.S5a). */
async function worryingAbsence() {
  return { rule: 'days-or-lessons-over-limit', dates: [await dateIn(-14), await dateIn(-1)], days: 9, lessons: 4 };
}

// Events, stamped with the server's clock.
const now = () => t.now();
const contacted = async () =>
  caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'logg-kontakt-1' }, await now());
const mapped = async () => caseEvent('mapping.completed', { form: 'absence-pattern', documentRef: 'kartleggingsskjema-1' }, await now());
const pupilHeard = async () => caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef: 'elevstemme-1' }, await now());
const decidedWorrying = async () =>
  caseEvent('escalation.decided', { reason: 'Fraværet øker', documentRef: 'beslutning-1' }, await now(), 'principal');
const meetingHeld = async (meeting: CaseEventOf<'meeting.held'>['meeting'], participants: Role[]) =>
  caseEvent('meeting.held', { meeting, participants, pupilPresent: true, minutesRef: `referat-${meeting}` }, await now(), 'principal');
const agreement = async (evaluationInDays: number, documentRef: string) =>
  caseEvent(
    'cooperationAgreement.signed',
    { evaluationDate: await dateIn(evaluationInDays), signedBy: ['principal', 'guardians', 'pupil', 'ungdomslos'], hasPlanB: true, documentRef },
    await now(),
    'principal',
  );
const evaluated = async (outcome: CaseEventOf<'evaluation.held'>['outcome'], minutesRef: string) =>
  caseEvent('evaluation.held', { outcome, minutesRef }, await now(), 'principal');
const consent = async (service: CaseEventOf<'consent.given'>['service']) =>
  caseEvent('consent.given', { service, documentRef: `samtykke-${service}` }, await now(), 'guardians');
const referral = async (service: CaseEventOf<'referral.sent'>['service'], role: Role) =>
  caseEvent('referral.sent', { service, documentRef: `henvisning-${service}` }, await now(), role);
const closing = async (reason: CaseEventOf<'case.closed'>['reason'], note: string) =>
  caseEvent('case.closed', { reason, note, documentRef: `avslutning-${reason}` }, await now(), 'principal');

const send = (handle: Handle, event: CaseEvent) => handle.executeUpdate(sendEventUpdate, { args: [event] });
const view = (handle: Handle): Promise<CaseView> => handle.query(caseViewQuery);

type DeadlineEntry = Extract<TimelineEntry, { kind: 'deadline' }>;
const firedDeadlines = (v: CaseView): DeadlineEntry[] => v.timeline.filter((e): e is DeadlineEntry => e.kind === 'deadline');
const deadlineNames = (v: CaseView) => v.deadlines.map((d) => d.name);

/** Due time (ms) of the pending deadline `name`. */
function dueOf(v: CaseView, name: string): number {
  const deadline = v.deadlines.find((d) => d.name === name);
  if (!deadline) throw new Error(`No pending deadline "${name}"; pending: ${deadlineNames(v).join(', ') || 'none'}`);
  return Date.parse(deadline.dueAt);
}

/** The agreed date's start (UTC midnight) in ms, when the machine takes it to fall due. */
const startOf = (date: string) => Date.parse(`${date}T00:00:00.000Z`);

/**
 * When the applied `event` happened, as the case counts its deadlines: the event's `at`, which for
 * an event stamped on the server clock just before it was sent is no later than when the case
 * applied it.
 */
function factTime(v: CaseView, event: CaseEvent): number {
  const entry = v.timeline.find((e) => e.kind === 'event' && e.eventId === event.eventId);
  if (entry?.kind !== 'event') throw new Error(`The case has not applied ${event.type} ${event.eventId}`);
  expect(entry.at).toBe(event.at);
  expect(Date.parse(event.at)).toBeLessThanOrEqual(Date.parse(entry.appliedAt));
  return Date.parse(event.at);
}

/** Sends a human event the case takes; returns the view and the moment its deadlines count from. */
async function sendTimed(handle: Handle, event: CaseEvent): Promise<{ v: CaseView; at: number }> {
  const result = await send(handle, event);
  expect(result.applied).toBe(true);
  return { v: result.view, at: factTime(result.view, event) };
}

/** Delivers a detection fact as the Signal and waits until the case has applied it. */
async function signalFact(handle: Handle, event: CaseEvent): Promise<{ v: CaseView; at: number }> {
  await handle.signal(absenceFactsSignal, event);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const v = await view(handle);
    if (v.timeline.some((e) => e.kind === 'event' && e.eventId === event.eventId)) return { v, at: factTime(v, event) };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`The case never applied the signalled ${event.type}`);
}

/** Lets server time pass (time-skipping) until `ms`. */
async function sleepUntil(ms: number): Promise<void> {
  const remaining = ms - (await serverMs());
  if (remaining > 0) await t.env.sleep(remaining);
}

/** Sleeps until just before the pending deadline `name` falls due; returns its due time. */
async function sleepUntilJustBefore(handle: Handle, name: string, margin = HOUR): Promise<number> {
  const due = dueOf(await view(handle), name);
  await sleepUntil(due - margin);
  return due;
}

/** Sleeps until just after the pending deadline `name` falls due; returns its due time. */
async function sleepPast(handle: Handle, name: string): Promise<number> {
  const due = dueOf(await view(handle), name);
  await sleepUntil(due + MINUTE);
  return due;
}

/**
 * Queries the case after the deadline `name` passed: the Norwegian label, stage and pending
 * deadlines are what the machine says, the case is overdue unless the delay is routine, and the
 * timeline's last deadline entry is this one, fired at or after its due time in the state it led to.
 */
async function expectFired(
  handle: Handle,
  expected: { name: string; due: number; label: string; stage: PublicStage; deadlines: string[] },
): Promise<CaseView> {
  const v = await view(handle);
  expect(v.state.label).toBe(expected.label);
  expect(v.stage).toBe(expected.stage);
  expect(deadlineNames(v)).toEqual(expected.deadlines);
  // A routine look or a planned period ending is not late; every other deadline flags the case until someone acts.
  expect(v.overdue).toBe(!ROUTINE_DELAYS.includes(expected.name));
  const entry = firedDeadlines(v).at(-1);
  expect(entry).toMatchObject({ kind: 'deadline', name: expected.name, stateLabel: expected.label });
  expect(Date.parse(entry!.firedAt)).toBeGreaterThanOrEqual(expected.due);
  expect(Date.parse(entry!.firedAt)).toBeLessThanOrEqual(expected.due + MINUTE);
  return v;
}

async function messagesOf(caseId: string): Promise<OutboxMessage[]> {
  return (await t.outbox.list()).filter((m) => m.caseId === caseId);
}

/**
 * Ends a test's case the way a school would (the pupil moved) rather than terminating it:
 * terminating on the time-skipping server leaves time skipping locked for the rest of the file.
 * The routine takes this at every open stage (not while child welfare must be consulted first).
 */
const closeCase = (handle: Handle): Promise<CaseView> => closeCaseAsMoved(t, handle.workflowId, 'avslutning-pupil-moved');

/** Brings a new case through contact, mapping and decision B to the cooperation meeting, ready for the agreement. */
async function toCooperationMeeting(handle: Handle): Promise<void> {
  await send(handle, await contacted());
  await send(handle, await mapped());
  await send(handle, await decidedWorrying());
  await send(handle, await meetingHeld('cooperation-meeting', ['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos']));
  // The pupil is heard in the meeting that makes the agreement (E.S7c, D.2).
  await send(handle, await pupilHeard());
}

/**
 * Brings a new case to a signed cooperation agreement; returns the view, the agreement's `at` (ms)
 * and its agreed evaluation date.
 */
async function toMeasures(handle: Handle, evaluationInDays = 21): Promise<{ v: CaseView; at: number; evaluationDate: string }> {
  await toCooperationMeeting(handle);
  const signed = await agreement(evaluationInDays, 'samarbeidsavtale-1');
  const { v, at } = await sendTimed(handle, signed);
  expect(v.state.label).toBe(LABEL.measures);
  return { v, at, evaluationDate: signed.evaluationDate };
}

test('[E.S10c] the longest route with real durations: home contact, mapping, cooperation agreement, evaluation after three weeks, new measures, child welfare first and back, BUP referral, relapse, monitoring, closed', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    // Grade 10 with invalid absence: UngdomsLOS and NAV are invited to every meeting.
    const handle = await openCase(t, ID, await worryingAbsence(), {}, 10);
    let v = await view(handle);
    expect(v.status).toBe('open');
    expect(v.state.label).toBe(LABEL.contactingHome);
    expect(v.stage).toBe('identification');
    expect(deadlineNames(v)).toEqual(['homeContactedImmediately']);
    expect(dueOf(v, 'homeContactedImmediately')).toBe(Date.parse(v.openedAt) + DAY);
    expect(v.overdue).toBe(false);

    // E.S3: the home is not contacted within a day; the contact teacher is reminded and the reminder re-arms a day after it was due.
    let due = await sleepPast(handle, 'homeContactedImmediately');
    v = await expectFired(handle, { name: 'homeContactedImmediately', due, label: LABEL.contactingHome, stage: 'identification', deadlines: ['homeContactedImmediately'] });
    expect(dueOf(v, 'homeContactedImmediately')).toBe(due + DAY);

    // E.S6a, E.S5b, E.S8, E.S9: the home is contacted (cause at school), mapping form 1, the pupil's voice,
    // a conversation with the guardians, the school nurse with consent, and a PPT referral.
    let step = await sendTimed(handle, await contacted());
    v = step.v;
    expect(v.state.label).toBe(LABEL.mapping);
    expect(v.stage).toBe('identification');
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['newMeetingWithinOneWeek']);
    const contactedAt = step.at;
    expect(dueOf(v, 'newMeetingWithinOneWeek')).toBe(contactedAt + 7 * DAY);
    await send(handle, await mapped());
    await send(handle, await pupilHeard());
    await send(handle, await meetingHeld('guardian-conversation', ['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos', 'nav']));
    await send(handle, await consent('school-nurse'));
    await send(handle, caseEvent('schoolNurse.conversationHeld', { conclusion: 'no-medical-cause', documentRef: 'helsenotat-1' }, await now(), 'school-nurse'));
    v = (await send(handle, await referral('ppt', 'principal'))).view;
    expect(v.state.label).toBe(LABEL.mapping);

    // A week after the home was contacted, without the further meeting: the principal is reminded once.
    due = await sleepPast(handle, 'newMeetingWithinOneWeek');
    expect(due).toBe(contactedAt + 7 * DAY);
    await expectFired(handle, { name: 'newMeetingWithinOneWeek', due, label: LABEL.mapping, stage: 'identification', deadlines: [] });

    // E.S7b: decision B calls the cooperation meeting within a week.
    step = await sendTimed(handle, await decidedWorrying());
    v = step.v;
    expect(v.state.label).toBe(LABEL.cooperationMeeting);
    expect(v.stage).toBe('measures');
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['cooperationMeetingWithinOneWeek']);
    expect(dueOf(v, 'cooperationMeetingWithinOneWeek')).toBe(step.at + 7 * DAY);
    due = await sleepPast(handle, 'cooperationMeetingWithinOneWeek');
    await expectFired(handle, { name: 'cooperationMeetingWithinOneWeek', due, label: LABEL.cooperationMeeting, stage: 'measures', deadlines: [] });

    // E.S7c: the cooperation agreement, made in a meeting where the pupil is heard, evaluated on a date within three weeks.
    await send(handle, await meetingHeld('cooperation-meeting', ['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos', 'nav']));
    await send(handle, await pupilHeard());
    const firstAgreement = await agreement(21, 'samarbeidsavtale-1');
    step = await sendTimed(handle, firstAgreement);
    v = step.v;
    const firstAgreementAt = step.at;
    expect(v.state.label).toBe(LABEL.measures);
    expect(v.stage).toBe('measures');
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['weeklyAbsenceSummary', 'evaluationWithinThreeWeeks']);
    const evaluationDue = dueOf(v, 'evaluationWithinThreeWeeks');
    expect(evaluationDue).toBe(startOf(firstAgreement.evaluationDate));
    expect(evaluationDue - firstAgreementAt).toBeLessThanOrEqual(21 * DAY);
    expect(evaluationDue - firstAgreementAt).toBeGreaterThan(20 * DAY);
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(firstAgreementAt + 7 * DAY);

    // E.S2: two weekly summaries, a week apart from the agreement, each leaving the evaluation date where it was.
    due = await sleepPast(handle, 'weeklyAbsenceSummary');
    expect(due).toBe(firstAgreementAt + 7 * DAY);
    v = await expectFired(handle, { name: 'weeklyAbsenceSummary', due, label: LABEL.measures, stage: 'measures', deadlines: ['weeklyAbsenceSummary', 'evaluationWithinThreeWeeks'] });
    expect(dueOf(v, 'evaluationWithinThreeWeeks')).toBe(evaluationDue);
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(firstAgreementAt + 14 * DAY);
    // Detection's trend for the week arrives as a signal and is recorded.
    await signalFact(handle, caseEvent('absence.trend', { trend: 'unchanged', from: await dateIn(-7), to: await dateIn(0), absenceDays: 2 }, await now(), 'system'));
    due = await sleepPast(handle, 'weeklyAbsenceSummary');
    expect(due).toBe(firstAgreementAt + 14 * DAY);
    // The next summary would fall after the evaluation date, so the evaluation now comes first.
    v = await expectFired(handle, { name: 'weeklyAbsenceSummary', due, label: LABEL.measures, stage: 'measures', deadlines: ['evaluationWithinThreeWeeks', 'weeklyAbsenceSummary'] });
    expect(dueOf(v, 'evaluationWithinThreeWeeks')).toBe(evaluationDue);
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(firstAgreementAt + 21 * DAY);

    // E.S10a: the agreed evaluation date arrives.
    await sleepUntilJustBefore(handle, 'evaluationWithinThreeWeeks');
    expect((await view(handle)).state.label).toBe(LABEL.measures);
    due = await sleepPast(handle, 'evaluationWithinThreeWeeks');
    expect(due).toBe(evaluationDue);
    v = await expectFired(handle, { name: 'evaluationWithinThreeWeeks', due, label: LABEL.evaluationDue, stage: 'evaluation', deadlines: ['evaluationOverdueReminder'] });
    expect(dueOf(v, 'evaluationOverdueReminder')).toBe(evaluationDue + 7 * DAY);

    // E.S10c: still worrying: new measures, referral to consider.
    step = await sendTimed(handle, await evaluated('unchanged', 'evaluering-1'));
    v = step.v;
    expect(v.state.label).toBe(LABEL.revising);
    expect(v.stage).toBe('measures');
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['revisedAgreementWithinOneWeek']);
    expect(dueOf(v, 'revisedAgreementWithinOneWeek')).toBe(step.at + 7 * DAY);

    // E.CW1: a suspicion of neglect makes child welfare the first call; the principal is reminded daily.
    step = await sendTimed(handle, caseEvent('suspicion.raised', { kind: 'neglect', documentRef: 'mistanke-1' }, await now()));
    v = step.v;
    expect(v.state.label).toBe(LABEL.childWelfareFirst);
    expect(v.stage).toBe('escalated');
    expect(deadlineNames(v)).toEqual(['childWelfareConsultedFirst']);
    expect(dueOf(v, 'childWelfareConsultedFirst')).toBe(step.at + DAY);
    due = await sleepPast(handle, 'childWelfareConsultedFirst');
    v = await expectFired(handle, { name: 'childWelfareConsultedFirst', due, label: LABEL.childWelfareFirst, stage: 'escalated', deadlines: ['childWelfareConsultedFirst'] });
    expect(dueOf(v, 'childWelfareConsultedFirst')).toBe(due + DAY);
    step = await sendTimed(handle, caseEvent('childWelfare.consulted', { advice: 'school-continues', documentRef: 'barnevern-1' }, await now(), 'principal'));
    v = step.v;
    // Back to the stage the case had reached, with its week restarted from the consultation; no longer overdue.
    expect(v.state.label).toBe(LABEL.revising);
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['revisedAgreementWithinOneWeek']);
    const consultedAt = step.at;
    expect(dueOf(v, 'revisedAgreementWithinOneWeek')).toBe(consultedAt + 7 * DAY);

    // E.BUP1: municipal measures have been tried; with the guardians' consent the GP refers to BUP.
    await send(handle, await consent('bup'));
    v = (await send(handle, await referral('bup', 'doctor'))).view;
    expect(v.state.label).toBe(LABEL.revising);
    due = await sleepPast(handle, 'revisedAgreementWithinOneWeek');
    expect(due).toBe(consultedAt + 7 * DAY);
    await expectFired(handle, { name: 'revisedAgreementWithinOneWeek', due, label: LABEL.revising, stage: 'measures', deadlines: [] });

    // A new cooperation agreement with an evaluation in two weeks, the pupil heard again on why the first did not help.
    await send(handle, await meetingHeld('cooperation-meeting', ['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos', 'nav']));
    await send(handle, await pupilHeard());
    const secondAgreement = await agreement(14, 'samarbeidsavtale-2');
    step = await sendTimed(handle, secondAgreement);
    v = step.v;
    expect(v.state.label).toBe(LABEL.measures);
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['weeklyAbsenceSummary', 'evaluationWithinThreeWeeks']);
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(step.at + 7 * DAY);
    expect(dueOf(v, 'evaluationWithinThreeWeeks')).toBe(startOf(secondAgreement.evaluationDate));
    due = await sleepPast(handle, 'weeklyAbsenceSummary');
    expect(due).toBe(step.at + 7 * DAY);
    await expectFired(handle, { name: 'weeklyAbsenceSummary', due, label: LABEL.measures, stage: 'measures', deadlines: ['evaluationWithinThreeWeeks', 'weeklyAbsenceSummary'] });

    // E.S10b, D.3: evaluated early as improved: follow-up continues for the monitoring period.
    await t.env.sleep('3 days');
    step = await sendTimed(handle, await evaluated('improved', 'evaluering-2'));
    v = step.v;
    expect(v.state.label).toBe(LABEL.monitoring);
    expect(v.stage).toBe('monitoring');
    expect(deadlineNames(v)).toEqual(['weeklyAbsenceSummary', 'monitoringPeriod']);
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(step.at + 7 * DAY);
    expect(dueOf(v, 'monitoringPeriod')).toBe(step.at + 21 * DAY);
    due = await sleepPast(handle, 'weeklyAbsenceSummary');
    v = await expectFired(handle, { name: 'weeklyAbsenceSummary', due, label: LABEL.monitoring, stage: 'monitoring', deadlines: ['weeklyAbsenceSummary', 'monitoringPeriod'] });
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(due + 7 * DAY);

    // E.DS: the pupil leaves during the day again; detection's signal calls an evaluation at once.
    const relapse = await signalFact(
      handle,
      caseEvent('absence.newTrigger', { trigger: { rule: 'left-during-day', dates: [await dateIn(0)] } }, await now(), 'system'),
    );
    v = relapse.v;
    expect(v.state.label).toBe(LABEL.evaluationDue);
    expect(v.stage).toBe('evaluation');
    expect(deadlineNames(v)).toEqual(['evaluationOverdueReminder']);
    expect(dueOf(v, 'evaluationOverdueReminder')).toBe(relapse.at + 7 * DAY);
    expect(v.overdue).toBe(false);
    due = await sleepPast(handle, 'evaluationOverdueReminder');
    v = await expectFired(handle, { name: 'evaluationOverdueReminder', due, label: LABEL.evaluationDue, stage: 'evaluation', deadlines: ['evaluationOverdueReminder'] });
    expect(dueOf(v, 'evaluationOverdueReminder')).toBe(due + 7 * DAY);
    step = await sendTimed(handle, await evaluated('improved', 'evaluering-3'));
    v = step.v;
    expect(v.state.label).toBe(LABEL.monitoring);
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['weeklyAbsenceSummary', 'monitoringPeriod']);
    const improvedAt = step.at;
    const monitoringDue = dueOf(v, 'monitoringPeriod');
    expect(monitoringDue).toBe(improvedAt + 21 * DAY);

    // Two weekly summaries, then the three weeks of monitoring end.
    for (const [week, pending] of [
      [1, ['weeklyAbsenceSummary', 'monitoringPeriod']],
      // The third summary would fall due at the very moment the period ends; the period's end comes first.
      [2, ['monitoringPeriod', 'weeklyAbsenceSummary']],
    ] as const) {
      due = await sleepPast(handle, 'weeklyAbsenceSummary');
      expect(due).toBe(improvedAt + week * 7 * DAY);
      v = await expectFired(handle, { name: 'weeklyAbsenceSummary', due, label: LABEL.monitoring, stage: 'monitoring', deadlines: [...pending] });
      expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(due + 7 * DAY);
    }
    await sleepUntilJustBefore(handle, 'monitoringPeriod');
    expect((await view(handle)).state.label).toBe(LABEL.monitoring);
    due = await sleepPast(handle, 'monitoringPeriod');
    expect(due).toBe(monitoringDue);
    // The period's end leaves the weekly follow-up: the summary due at the same moment never fires.
    await expectFired(handle, { name: 'monitoringPeriod', due, label: LABEL.closingDue, stage: 'monitoring', deadlines: [] });

    await send(handle, await closing('absence-improved', 'Stabilt oppmøte gjennom hele oppfølgingsperioden.'));
    const final = await handle.result();
    expect(final.status).toBe('closed');
    expect(final.state.label).toBe(LABEL.closed);
    expect(final.stage).toBe('closed');
    expect(final.deadlines).toEqual([]);
    expect(final.timeline.filter((e) => e.kind === 'refused')).toEqual([]);
    expect(firedDeadlines(final).map((e) => e.name)).toEqual([
      'homeContactedImmediately',
      'newMeetingWithinOneWeek',
      'cooperationMeetingWithinOneWeek',
      'weeklyAbsenceSummary',
      'weeklyAbsenceSummary',
      'evaluationWithinThreeWeeks',
      'childWelfareConsultedFirst',
      'revisedAgreementWithinOneWeek',
      'weeklyAbsenceSummary',
      'weeklyAbsenceSummary',
      'evaluationOverdueReminder',
      'weeklyAbsenceSummary',
      'weeklyAbsenceSummary',
      'monitoringPeriod',
    ]);
    expect(final.documents.map((d) => d.kind)).toEqual(
      expect.arrayContaining([
        'contact-log',
        'mapping-form',
        'pupil-voice',
        'minutes',
        'consent',
        'health-note',
        'referral',
        'decision-note',
        'cooperation-agreement',
        'evaluation',
        'suspicion-note',
        'closing-note',
      ]),
    );

    const mine = await messagesOf(final.caseId);
    expect(mine.map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        'Ny fraværssak',
        'Påminnelse: kontakt hjemmet',
        'Slik følger skolen opp fravær',
        'Dokument mangler: kartleggingsskjema',
        'Møte: samtale med foresatte',
        'Påminnelse: møtet er ikke holdt',
        'Møte: samarbeidsmøte',
        'Invitasjon til møte om skolefravær',
        'Referat fra møtet',
        'Møte: evalueringsmøte',
        'Påminnelse: følg med på oppmøtet',
        'Påminnelse: tiltakene skal evalueres',
        'Mistanke registrert i fraværssak',
        'Påminnelse: kontakt barnevernet',
        'Nytt fravær i åpen sak',
        'Påminnelse: dokumentasjon mangler',
        'Oppfølgingen av fraværet er avsluttet',
        'Fraværssak avsluttet',
      ]),
    );
    // One weekly-summary reminder per week the timer fired.
    expect(mine.filter((m) => m.subject === 'Påminnelse: følg med på oppmøtet')).toHaveLength(6);
    // E.S6b, E.NAV1: every meeting of this grade 10 pupil includes UngdomsLOS and NAV.
    const invitations = mine.filter((m) => m.channel === 'calendar');
    expect(invitations.length).toBeGreaterThanOrEqual(5);
    for (const invitation of invitations) expect(invitation.recipients).toEqual(expect.arrayContaining(['ungdomslos', 'nav']));
    // Every effect was delivered once: idempotency keys are unique.
    expect(new Set(mine.map((m) => m.idempotencyKey)).size).toBe(mine.length);
    await saveHistoryIfRecording(t, handle.workflowId, 'raelingen-veileder-longest-route');
  });
});

test('[E.S3] the home-contact reminder does not fire before a day has passed, fires right after, and repeats daily until the home is contacted', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const handle = await openCase(t, ID, { rule: 'suspected-invalid-absence', dates: [await dateIn(-1)] });
    let v = await view(handle);
    expect(v.state.label).toBe(LABEL.contactingHome);
    // A day after the case was opened.
    expect(dueOf(v, 'homeContactedImmediately')).toBe(Date.parse(v.openedAt) + DAY);

    let due = await sleepUntilJustBefore(handle, 'homeContactedImmediately');
    v = await view(handle);
    expect(v.state.label).toBe(LABEL.contactingHome);
    expect(v.overdue).toBe(false);
    expect(firedDeadlines(v)).toEqual([]);

    await sleepUntil(due + MINUTE);
    v = await expectFired(handle, { name: 'homeContactedImmediately', due, label: LABEL.contactingHome, stage: 'identification', deadlines: ['homeContactedImmediately'] });
    // Re-armed from the reminder's due time, not from the moment the timer happened to fire.
    const nextDue = dueOf(v, 'homeContactedImmediately');
    expect(nextDue).toBe(due + DAY);

    // Still not contacted the next day: reminded again.
    due = await sleepPast(handle, 'homeContactedImmediately');
    expect(due).toBe(nextDue);
    v = await expectFired(handle, { name: 'homeContactedImmediately', due, label: LABEL.contactingHome, stage: 'identification', deadlines: ['homeContactedImmediately'] });
    expect(firedDeadlines(v)).toHaveLength(2);

    // Contacting the home ends the reminders and clears the overdue mark.
    const { v: contactedView, at } = await sendTimed(handle, await contacted());
    expect(contactedView.state.label).toBe(LABEL.mapping);
    expect(contactedView.overdue).toBe(false);
    expect(contactedView.deadlines).toEqual([{ name: 'newMeetingWithinOneWeek', dueAt: new Date(at + 7 * DAY).toISOString() }]);

    const final = await closeCase(handle);
    expect(final.status).toBe('closed');
    const reminders = (await messagesOf(final.caseId)).filter((m) => m.subject === 'Påminnelse: kontakt hjemmet');
    expect(reminders).toHaveLength(2);
    expect(reminders[0]!.recipients).toEqual(['contact-teacher']);
  });
});

test('[E.S10a] the evaluation falls due on the agreed date within three weeks, not an hour before; the weekly summary (E.S2) fires every week without moving it', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const handle = await openCase(t, ID, await worryingAbsence(), {}, 9);
    const agreed = await toMeasures(handle, 21);
    let v = agreed.v;
    const agreedAt = agreed.at;
    expect(deadlineNames(v)).toEqual(['weeklyAbsenceSummary', 'evaluationWithinThreeWeeks']);
    const evaluationDue = dueOf(v, 'evaluationWithinThreeWeeks');
    // Due at the start (UTC midnight) of the agreed date, at most three weeks ahead.
    expect(evaluationDue).toBe(startOf(agreed.evaluationDate));
    expect(evaluationDue - agreedAt).toBeLessThanOrEqual(21 * DAY);
    expect(evaluationDue - agreedAt).toBeGreaterThan(20 * DAY);
    // The first summary is a week after the agreement was signed.
    let weeklyDue = dueOf(v, 'weeklyAbsenceSummary');
    expect(weeklyDue).toBe(agreedAt + 7 * DAY);

    for (let week = 1; week <= 2; week += 1) {
      const due = await sleepUntilJustBefore(handle, 'weeklyAbsenceSummary');
      expect(due).toBe(weeklyDue);
      expect(firedDeadlines(await view(handle))).toHaveLength(week - 1);
      await sleepUntil(due + MINUTE);
      v = await expectFired(handle, {
        name: 'weeklyAbsenceSummary',
        due,
        label: LABEL.measures,
        stage: 'measures',
        // After the second summary the third would fall after the evaluation date.
        deadlines: week === 1 ? ['weeklyAbsenceSummary', 'evaluationWithinThreeWeeks'] : ['evaluationWithinThreeWeeks', 'weeklyAbsenceSummary'],
      });
      expect(firedDeadlines(v)).toHaveLength(week);
      // The evaluation deadline is untouched; the summary re-arms exactly a week after it was due.
      expect(dueOf(v, 'evaluationWithinThreeWeeks')).toBe(evaluationDue);
      weeklyDue = dueOf(v, 'weeklyAbsenceSummary');
      expect(weeklyDue).toBe(due + 7 * DAY);
    }

    // Detection's trend for the week is recorded; the routine summaries left the case not overdue.
    v = (await signalFact(handle, caseEvent('absence.trend', { trend: 'unchanged', from: await dateIn(-7), to: await dateIn(0), absenceDays: 1 }, await now(), 'system'))).v;
    expect(v.overdue).toBe(false);

    await sleepUntilJustBefore(handle, 'evaluationWithinThreeWeeks');
    v = await view(handle);
    expect(v.state.label).toBe(LABEL.measures);
    expect(v.stage).toBe('measures');
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['evaluationWithinThreeWeeks', 'weeklyAbsenceSummary']);

    await sleepUntil(evaluationDue + MINUTE);
    // The missed evaluation flags the case overdue (checked by expectFired); the reminder is a week after the agreed date.
    v = await expectFired(handle, { name: 'evaluationWithinThreeWeeks', due: evaluationDue, label: LABEL.evaluationDue, stage: 'evaluation', deadlines: ['evaluationOverdueReminder'] });
    expect(dueOf(v, 'evaluationOverdueReminder')).toBe(evaluationDue + 7 * DAY);
    expect(v.state.requiredDocuments).toEqual(['evaluation']);

    // The third weekly summary is gone with the measures stage: a day later nothing more has fired.
    await t.env.sleep('1 day');
    v = await view(handle);
    expect(firedDeadlines(v).map((e) => e.name)).toEqual(['weeklyAbsenceSummary', 'weeklyAbsenceSummary', 'evaluationWithinThreeWeeks']);
    expect(v.overdue).toBe(true);
    // Detection's next fact clears the mark.
    v = (await signalFact(handle, caseEvent('absence.trend', { trend: 'unchanged', from: await dateIn(-7), to: await dateIn(0), absenceDays: 0 }, await now(), 'system'))).v;
    expect(v.overdue).toBe(false);
    expect(v.state.label).toBe(LABEL.evaluationDue);

    const final = await closeCase(handle);
    const mine = await messagesOf(final.caseId);
    expect(mine.filter((m) => m.subject === 'Påminnelse: følg med på oppmøtet')).toHaveLength(2);
    expect(mine.filter((m) => m.subject === 'Påminnelse: tiltakene skal evalueres')).toHaveLength(1);
  });
});

test('[D.3] an improved case is followed up for three weeks: still in monitoring an hour before, ready to close right after', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const handle = await openCase(t, ID, await worryingAbsence(), {}, 8);
    await toMeasures(handle, 14);
    const improved = await sendTimed(handle, await evaluated('improved', 'evaluering-1'));
    let v = improved.v;
    const improvedAt = improved.at;
    expect(v.state.label).toBe(LABEL.monitoring);
    expect(v.stage).toBe('monitoring');
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['weeklyAbsenceSummary', 'monitoringPeriod']);
    const monitoringDue = dueOf(v, 'monitoringPeriod');
    expect(monitoringDue).toBe(improvedAt + 21 * DAY);
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(improvedAt + 7 * DAY);

    for (const [week, pending] of [
      [1, ['weeklyAbsenceSummary', 'monitoringPeriod']],
      // The third summary would fall due at the very moment the period ends; the period's end comes first.
      [2, ['monitoringPeriod', 'weeklyAbsenceSummary']],
    ] as const) {
      const due = await sleepPast(handle, 'weeklyAbsenceSummary');
      expect(due).toBe(improvedAt + week * 7 * DAY);
      v = await expectFired(handle, { name: 'weeklyAbsenceSummary', due, label: LABEL.monitoring, stage: 'monitoring', deadlines: [...pending] });
      expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(due + 7 * DAY);
    }
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(monitoringDue);

    await sleepUntilJustBefore(handle, 'monitoringPeriod');
    v = await view(handle);
    expect(v.state.label).toBe(LABEL.monitoring);
    expect(v.state.requiredDocuments).toEqual([]);
    expect(firedDeadlines(v).map((e) => e.name)).toEqual(['weeklyAbsenceSummary', 'weeklyAbsenceSummary']);

    await sleepUntil(monitoringDue + MINUTE);
    // Ready to close and not overdue: the period's end is planned. The summary due at the same moment never fired.
    v = await expectFired(handle, { name: 'monitoringPeriod', due: monitoringDue, label: LABEL.closingDue, stage: 'monitoring', deadlines: [] });
    expect(v.overdue).toBe(false);
    expect(v.state.requiredDocuments).toEqual(['closing-note']);
    expect(firedDeadlines(v).map((e) => e.name)).toEqual(['weeklyAbsenceSummary', 'weeklyAbsenceSummary', 'monitoringPeriod']);

    await send(handle, await closing('absence-improved', 'Fraværet er stabilt lavt.'));
    const final = await handle.result();
    expect(final.status).toBe('closed');
    expect(final.state.label).toBe(LABEL.closed);
    const mine = await messagesOf(final.caseId);
    expect(mine.filter((m) => m.subject === 'Påminnelse: dokumentasjon mangler')).toHaveLength(1);
    expect(new Set(mine.map((m) => m.idempotencyKey)).size).toBe(mine.length);
  });
});

test('[E.S3] a municipality override (homeContactReminderDays: 3) moves the workflow timer from one day to three', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const trigger = { rule: 'suspected-invalid-absence', dates: [await dateIn(-1)] };
    const standard = await openCase(t, ID, trigger);
    const overridden = await openCase(t, ID, trigger, { policyOverrides: { homeContactReminderDays: 3 } });
    const standardView = await view(standard);
    let v = await view(overridden);
    expect(dueOf(standardView, 'homeContactedImmediately')).toBe(Date.parse(standardView.openedAt) + DAY);
    const overriddenDue = dueOf(v, 'homeContactedImmediately');
    expect(overriddenDue).toBe(Date.parse(v.openedAt) + 3 * DAY);

    // A day on, the default case has been reminded; the overridden one has not.
    await sleepPast(standard, 'homeContactedImmediately');
    expect(firedDeadlines(await view(standard))).toHaveLength(1);
    v = await view(overridden);
    expect(firedDeadlines(v)).toEqual([]);
    expect(v.overdue).toBe(false);

    await sleepUntil(overriddenDue - HOUR);
    v = await view(overridden);
    expect(firedDeadlines(v)).toEqual([]);
    expect(v.state.label).toBe(LABEL.contactingHome);
    // Meanwhile the default case was reminded on day two as well.
    expect(firedDeadlines(await view(standard))).toHaveLength(2);

    await sleepUntil(overriddenDue + MINUTE);
    v = await expectFired(overridden, {
      name: 'homeContactedImmediately',
      due: overriddenDue,
      label: LABEL.contactingHome,
      stage: 'identification',
      deadlines: ['homeContactedImmediately'],
    });
    // The override holds for the repeat too.
    expect(dueOf(v, 'homeContactedImmediately')).toBe(overriddenDue + 3 * DAY);
    // The default case's third daily reminder fell due three days after it opened, with no drift.
    const standardNow = await view(standard);
    expect(firedDeadlines(standardNow)).toHaveLength(3);
    expect(dueOf(standardNow, 'homeContactedImmediately')).toBe(Date.parse(standardNow.openedAt) + 4 * DAY);

    expect((await closeCase(standard)).status).toBe('closed');
    expect((await closeCase(overridden)).status).toBe('closed');
  });
});

test('[E.S6b] UngdomsLOS is invited to the meetings of a grade 7 pupil and not of a grade 5 pupil; for contact without notice (E.S4) both are primary pupils', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const trigger = { rule: 'late-arrivals', dates: [await dateIn(-3), await dateIn(-2), await dateIn(-1)] };
    const grade5 = await openCase(t, ID, trigger, {}, 5);
    const grade7 = await openCase(t, ID, trigger, {}, 7);

    for (const handle of [grade5, grade7]) {
      // E.S4: grades 1-7 contact the home on the first day without notice.
      await handle.signal(
        absenceFactsSignal,
        caseEvent('absence.noticeMissing', { firstDay: await dateIn(0), schoolDaysWithoutNotice: 1 }, await now(), 'system'),
      );
      const v = (await send(handle, await contacted())).view;
      expect(v.state.label).toBe(LABEL.mapping);
    }

    // Scheduling a meeting: without UngdomsLOS for the grade 5 pupil, with it for the grade 7 pupil (required from grade 6).
    const scheduled = async (participants: Role[]) =>
      caseEvent('meeting.scheduled', { meeting: 'multi-agency-meeting', scheduledFor: await now(), participants }, await now(), 'principal');
    expect((await send(grade5, await scheduled(['principal', 'guardians', 'ppt']))).applied).toBe(true);
    expect((await send(grade7, await scheduled(['principal', 'guardians', 'ppt', 'ungdomslos']))).applied).toBe(true);

    for (const handle of [grade5, grade7]) {
      await send(handle, await mapped());
      const v = (await send(handle, await decidedWorrying())).view;
      expect(v.state.label).toBe(LABEL.cooperationMeeting);
      expect(v.grade).toBe(handle === grade5 ? 5 : 7);
    }

    const final5 = await closeCase(grade5);
    const final7 = await closeCase(grade7);
    const invitations = async (caseId: string) => (await messagesOf(caseId)).filter((m) => m.channel === 'calendar');
    const invited5 = await invitations(final5.caseId);
    const invited7 = await invitations(final7.caseId);
    expect(invited5.map((m) => m.subject)).toEqual(expect.arrayContaining(['Møte: samtale med foresatte', 'Møte: samarbeidsmøte']));
    expect(invited7.map((m) => m.subject)).toEqual(expect.arrayContaining(['Møte: samtale med foresatte', 'Møte: samarbeidsmøte']));
    for (const m of invited5) expect(m.recipients).toEqual(['principal', 'contact-teacher', 'guardians', 'pupil']);
    for (const m of invited7) expect(m.recipients).toEqual(['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos']);

    for (const final of [final5, final7]) {
      const subjects = (await messagesOf(final.caseId)).map((m) => m.subject);
      expect(subjects.filter((s) => s === 'Vi mangler beskjed om fravær')).toHaveLength(1);
    }
  });
});

test('an agreement registered two days after it was signed counts its weekly summaries from the signing, and each repeat from the one before', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const handle = await openCase(t, ID, await worryingAbsence(), {}, 9);
    await toCooperationMeeting(handle);
    // Signed two days ago, registered now; the agreed evaluation date is within three weeks of the signing.
    const signedAt = (await serverMs()) - 2 * DAY;
    const evaluationDate = await dateIn(14);
    const late = caseEvent(
      'cooperationAgreement.signed',
      { evaluationDate, signedBy: ['principal', 'guardians', 'pupil', 'ungdomslos'], hasPlanB: true, documentRef: 'samarbeidsavtale-sent' },
      new Date(signedAt).toISOString(),
      'principal',
    );
    const { v, at } = await sendTimed(handle, late);
    expect(at).toBe(signedAt);
    expect(v.state.label).toBe(LABEL.measures);
    expect(v.deadlines).toEqual([
      { name: 'weeklyAbsenceSummary', dueAt: new Date(signedAt + 7 * DAY).toISOString() },
      { name: 'evaluationWithinThreeWeeks', dueAt: new Date(startOf(evaluationDate)).toISOString() },
    ]);

    // Five days after it was registered, a week after the signing: the first summary.
    let due = await sleepPast(handle, 'weeklyAbsenceSummary');
    expect(due).toBe(signedAt + 7 * DAY);
    let fired = await expectFired(handle, { name: 'weeklyAbsenceSummary', due, label: LABEL.measures, stage: 'measures', deadlines: ['weeklyAbsenceSummary', 'evaluationWithinThreeWeeks'] });
    expect(dueOf(fired, 'weeklyAbsenceSummary')).toBe(signedAt + 14 * DAY);
    due = await sleepPast(handle, 'weeklyAbsenceSummary');
    expect(due).toBe(signedAt + 14 * DAY);
    fired = await expectFired(handle, { name: 'weeklyAbsenceSummary', due, label: LABEL.measures, stage: 'measures', deadlines: ['evaluationWithinThreeWeeks', 'weeklyAbsenceSummary'] });
    expect(dueOf(fired, 'evaluationWithinThreeWeeks')).toBe(startOf(evaluationDate));

    expect((await closeCase(handle)).status).toBe('closed');
  });
});
