/**
 * Procedure E (Rælingen's school routine), version 2, run as a durable case on the time-skipping
 * server with the real policy durations: the home-contact reminder after a day, mapping form 1,
 * the principal's conversation and the further meeting within a week of it, the evaluation when
 * the agreed date is over, the weekly absence summary, the child-welfare reminder and three weeks
 * of monitoring all fire as durable timers while the test passes time with `t.env.sleep`. Each is
 * due exactly its delay after the fact that armed it (the event's `at`, or for a reminder armed by
 * another deadline, that deadline's due time), and when it fires the case is flagged overdue,
 * except for the routine weekly summary and the end of the monitoring period. Human events arrive
 * as Updates from a role that may send them, detection facts as the Signal. A case opened from old
 * facts marks its missed deadlines once; refused Updates run last, on a server of their own.
 */
import type { CaseEvent, CaseEventOf } from '../../machines/events';
import type { PublicStage } from '../../machines/meta';
import type { Role } from '../../machines/vocabulary';
import { type CaseView, type CaseWorkflowInput, absenceFactsSignal } from '../../workflows/case-messages';
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
  messagesOf,
  sendEvent,
  signalAndSettle,
  utcDateIn,
  viewOf,
  weeklyTrend,
  closingReasonOf,
} from '../helpers/case-steps';

const ID = 'raelingen-veileder';
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Delays that mark no lateness when they fire (a routine weekly look, a planned period ending); every other one flags the case overdue. */
const ROUTINE_DELAYS: readonly string[] = ['weeklyAbsenceSummary', 'monitoringPeriod'];

/** The Norwegian labels coordinators see, per state of the routine. */
const LABEL = {
  contactingHome: 'Meldt til ledelsen – hjemmet kontaktes',
  absencePatternForm: 'Kartleggingsskjema 1 fylles ut',
  conversation: 'Samtale med foresatte og elev',
  meetingWeek: 'Nytt møte innen en uke ved behov',
  cooperationMeeting: 'Samarbeidsmøte og samarbeidsavtale',
  measures: 'Tiltak etter samarbeidsavtalen',
  evaluationDue: 'Evalueringsmøte',
  revising: 'Nye tiltak – vurder henvisning',
  childWelfareFirst: 'Barnevernet må drøfte saken først',
  monitoring: 'Oppfølging etter bedring',
  closingDue: 'Klar til avslutning',
  closed: 'Avsluttet',
} as const;

const t = useCaseTestEnv();

const serverMs = async () => Date.parse(await t.now());

/** The calendar date `days` from the server's now, as the machine reads dates: UTC (an agreed evaluation date is due when its UTC day is over). */
const dateIn = (days: number) => utcDateIn(t, days);

/** Over 8 days of absence: worrying absence, one of the routine's opening rules (E.S5a), with mapping form 1 due. */
async function worryingAbsence() {
  return { rule: 'days-or-lessons-over-limit', dates: [await dateIn(-14), await dateIn(-1)], days: 9, lessons: 4 };
}

// Events, stamped with the server's clock, each sent by a role that may send it in its step.
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
    {
      evaluationDate: await dateIn(evaluationInDays),
      signedBy: ['principal', 'guardians', 'pupil', 'ungdomslos'],
      hasPlanB: true,
      documentRef,
    },
    await now(),
    'principal',
  );
const evaluated = async (outcome: CaseEventOf<'evaluation.held'>['outcome'], minutesRef: string) =>
  caseEvent('evaluation.held', { outcome, minutesRef }, await now(), 'principal');
/** The school records the guardians' consent (guardians take part, but never record in the case). */
const consent = async (service: CaseEventOf<'consent.given'>['service']) =>
  caseEvent('consent.given', { service, documentRef: `samtykke-${service}` }, await now(), 'contact-teacher');
const referral = async (service: CaseEventOf<'referral.sent'>['service'], role: Role) =>
  caseEvent('referral.sent', { service, documentRef: `henvisning-${service}` }, await now(), role);
const closing = async (reason: CaseEventOf<'case.closed'>['reason'], note: string) =>
  caseEvent('case.closed', { reason, note, documentRef: `avslutning-${reason}` }, await now(), 'principal');

const deadlineNames = (v: CaseView) => v.deadlines.map((d) => d.name);

/** Due time (ms) of the pending deadline `name`. */
function dueOf(v: CaseView, name: string): number {
  const deadline = v.deadlines.find((d) => d.name === name);
  if (!deadline) throw new Error(`No pending deadline "${name}"; pending: ${deadlineNames(v).join(', ') || 'none'}`);
  return Date.parse(deadline.dueAt);
}

/** The end of the agreed date (the next UTC midnight) in ms, when the machine takes the evaluation to fall due. */
const endOf = (date: string) => Date.parse(`${date}T00:00:00.000Z`) + DAY;

/**
 * When the applied `event` happened, as the case counts its deadlines: the event's `at`, which for
 * an event stamped on the server clock just before it was sent is no later than when the case
 * applied it.
 */
function factTime(v: CaseView, event: CaseEvent): number {
  const entry = appliedEntry(v, event);
  expect(entry.at).toBe(event.at);
  expect(Date.parse(event.at)).toBeLessThanOrEqual(Date.parse(entry.appliedAt));
  return Date.parse(event.at);
}

/** Sends a human event the case takes; returns the view and the moment its deadlines count from. */
async function sendTimed(handle: CaseHandle, event: CaseEvent): Promise<{ v: CaseView; at: number }> {
  const result = await sendEvent(handle, event);
  expect(result.applied).toBe(true);
  return { v: result.view, at: factTime(result.view, event) };
}

/** Delivers a detection fact as the Signal and waits until the case has applied it. */
async function signalFact(handle: CaseHandle, event: CaseEvent): Promise<{ v: CaseView; at: number }> {
  const v = await signalAndSettle(handle, event);
  return { v, at: factTime(v, event) };
}

/** Lets server time pass (time-skipping) until `ms`. */
async function sleepUntil(ms: number): Promise<void> {
  const remaining = ms - (await serverMs());
  if (remaining > 0) await t.env.sleep(remaining);
}

/** Sleeps until just before the pending deadline `name` falls due; returns its due time. */
async function sleepUntilJustBefore(handle: CaseHandle, name: string, margin = HOUR): Promise<number> {
  const due = dueOf(await viewOf(handle), name);
  await sleepUntil(due - margin);
  return due;
}

/** Sleeps until just after the pending deadline `name` falls due; returns its due time. */
async function sleepPast(handle: CaseHandle, name: string): Promise<number> {
  const due = dueOf(await viewOf(handle), name);
  await sleepUntil(due + MINUTE);
  return due;
}

/**
 * Queries the case after the deadline `name` passed: the Norwegian label, stage and pending
 * deadlines are what the machine says, the case is overdue unless the delay is routine, and the
 * timeline's last deadline entry is this one, fired at or after its due time in the state it led to.
 */
async function expectFired(
  handle: CaseHandle,
  expected: { name: string; due: number; label: string; stage: PublicStage; deadlines: string[] },
): Promise<CaseView> {
  const v = await viewOf(handle);
  expect(v.state.label).toBe(expected.label);
  expect(v.stage).toBe(expected.stage);
  expect(deadlineNames(v)).toEqual(expected.deadlines);
  // A routine look or a planned period ending is not late; every other deadline flags the case until someone acts.
  expect(v.overdue).toBe(!ROUTINE_DELAYS.includes(expected.name));
  const entry = deadlineEntries(v).at(-1);
  expect(entry).toMatchObject({ kind: 'deadline', name: expected.name, stateLabel: expected.label });
  expect(Date.parse(entry!.firedAt)).toBeGreaterThanOrEqual(expected.due);
  expect(Date.parse(entry!.firedAt)).toBeLessThanOrEqual(expected.due + MINUTE);
  return v;
}

/**
 * Ends a test's case the way a school would (the pupil moved) rather than terminating it:
 * terminating on the time-skipping server leaves time skipping locked for the rest of the file.
 * The routine takes this at every open stage (not while child welfare must be consulted first).
 */
const closeCase = (handle: CaseHandle): Promise<CaseView> => closeCaseAsMoved(t, handle.workflowId, 'avslutning-pupil-moved');

/**
 * Fires the weekly summaries that fall due before `before` (ms), each in `label`: a week apart
 * from `first`, the case not overdue, every other pending deadline untouched. Returns how many fired.
 */
async function weeklySummariesBefore(
  handle: CaseHandle,
  before: number,
  label: string,
  stage: PublicStage,
  first: number,
): Promise<number> {
  let fired = 0;
  for (
    let due = dueOf(await viewOf(handle), 'weeklyAbsenceSummary');
    due < before;
    due = dueOf(await viewOf(handle), 'weeklyAbsenceSummary')
  ) {
    expect(due).toBe(first + fired * 7 * DAY);
    await sleepUntil(due + MINUTE);
    const next = due + 7 * DAY;
    const others = deadlineNames(await viewOf(handle)).filter((name) => name !== 'weeklyAbsenceSummary');
    const pending = next < before ? ['weeklyAbsenceSummary', ...others] : [...others, 'weeklyAbsenceSummary'];
    const v = await expectFired(handle, { name: 'weeklyAbsenceSummary', due, label, stage, deadlines: pending });
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(next);
    fired += 1;
  }
  return fired;
}

/** Brings a new case through contact, mapping form 1, the conversation and decision B to the cooperation meeting, ready for the agreement. */
async function toCooperationMeeting(handle: CaseHandle): Promise<void> {
  await sendEvent(handle, await contacted());
  await sendEvent(handle, await mapped());
  await sendEvent(handle, await decidedWorrying());
  await sendEvent(handle, await meetingHeld('cooperation-meeting', ['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos']));
  // The pupil is heard in the meeting that makes the agreement (E.S7c, D.2).
  await sendEvent(handle, await pupilHeard());
}

/**
 * Brings a new case to a signed cooperation agreement; returns the view, the agreement's `at` (ms)
 * and its agreed evaluation date.
 */
async function toMeasures(handle: CaseHandle, evaluationInDays = 21): Promise<{ v: CaseView; at: number; evaluationDate: string }> {
  await toCooperationMeeting(handle);
  const signed = await agreement(evaluationInDays, 'samarbeidsavtale-1');
  const { v, at } = await sendTimed(handle, signed);
  expect(v.state.label).toBe(LABEL.measures);
  return { v, at, evaluationDate: signed.evaluationDate };
}

test('[E.S10c] the longest route with real durations: home contact, absence without notice, form 1, conversation, cooperation agreement, evaluation, new measures, child welfare first and back, BUP referral, relapse, monitoring, closed', async () => {
  await withCaseWorker(t, async () => {
    // Grade 10: UngdomsLOS is invited to every meeting, NAV once the case shows invalid absence.
    const handle = await openCase(t, ID, await worryingAbsence(), {}, 10);
    let v = await viewOf(handle);
    expect(v.status).toBe('open');
    expect(v.state.label).toBe(LABEL.contactingHome);
    expect(v.stage).toBe('identification');
    expect(deadlineNames(v)).toEqual(['homeContactedImmediately']);
    expect(dueOf(v, 'homeContactedImmediately')).toBe(Date.parse(v.openedAt) + DAY);
    expect(v.overdue).toBe(false);

    // E.S3: the home is not contacted within a day; the contact teacher is reminded and the reminder re-arms a day after it was due.
    let due = await sleepPast(handle, 'homeContactedImmediately');
    v = await expectFired(handle, {
      name: 'homeContactedImmediately',
      due,
      label: LABEL.contactingHome,
      stage: 'identification',
      deadlines: ['homeContactedImmediately'],
    });
    expect(dueOf(v, 'homeContactedImmediately')).toBe(due + DAY);
    const overdueSince = v.overdueSince;
    expect(overdueSince).toBe(new Date(due).toISOString());

    // E.S4, point 1: detection finds absence without notice in the open case; it is kept with its evidence,
    // the case stays where it is, and a system fact does not clear the overdue mark.
    const withoutNotice = await signalFact(
      handle,
      caseEvent(
        'absence.newTrigger',
        { trigger: { rule: 'unnotified-absence', dates: [await dateIn(0)], days: 1 } },
        await now(),
        'system',
      ),
    );
    v = withoutNotice.v;
    expect(v.state.label).toBe(LABEL.contactingHome);
    expect(v.triggers.at(-1)).toMatchObject({ rule: 'unnotified-absence', days: 1, effect: 'recorded' });
    expect(v.overdueSince).toBe(overdueSince);

    // E.S5b: the home is contacted (cause at school); over 8 days, mapping form 1 comes first.
    let step = await sendTimed(handle, await contacted());
    v = step.v;
    expect(v.state.label).toBe(LABEL.absencePatternForm);
    expect(v.state.requiredDocuments).toEqual(['mapping-form']);
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['mappingFormWithinOneWeek']);
    expect(dueOf(v, 'mappingFormWithinOneWeek')).toBe(step.at + 7 * DAY);

    // E.S6a: with the form on file the principal holds the conversation; E.S6e: its minutes go home.
    step = await sendTimed(handle, await mapped());
    v = step.v;
    expect(v.state.label).toBe(LABEL.conversation);
    expect(deadlineNames(v)).toEqual(['conversationReminder']);
    expect(dueOf(v, 'conversationReminder')).toBe(step.at + 7 * DAY);
    await sendEvent(handle, await pupilHeard());
    step = await sendTimed(
      handle,
      await meetingHeld('guardian-conversation', ['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos', 'nav']),
    );
    v = step.v;
    const conversationAt = step.at;
    expect(v.state.label).toBe(LABEL.meetingWeek);
    expect(deadlineNames(v)).toEqual(['newMeetingWithinOneWeek']);
    expect(dueOf(v, 'newMeetingWithinOneWeek')).toBe(conversationAt + 7 * DAY);
    // E.S8, E.S9: the school nurse with consent, and a PPT referral.
    await sendEvent(handle, await consent('school-nurse'));
    await sendEvent(
      handle,
      caseEvent(
        'schoolNurse.conversationHeld',
        { conclusion: 'no-medical-cause', documentRef: 'helsenotat-1' },
        await now(),
        'school-nurse',
      ),
    );
    v = (await sendEvent(handle, await referral('ppt', 'principal'))).view;
    expect(v.state.label).toBe(LABEL.meetingWeek);

    // A week after the conversation, with neither a further meeting nor a decision: the principal is reminded once.
    due = await sleepPast(handle, 'newMeetingWithinOneWeek');
    expect(due).toBe(conversationAt + 7 * DAY);
    await expectFired(handle, { name: 'newMeetingWithinOneWeek', due, label: LABEL.meetingWeek, stage: 'identification', deadlines: [] });

    // E.S7b: decision B calls the cooperation meeting within a week.
    step = await sendTimed(handle, await decidedWorrying());
    v = step.v;
    expect(v.state.label).toBe(LABEL.cooperationMeeting);
    expect(v.stage).toBe('measures');
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['cooperationMeetingWithinOneWeek']);
    expect(dueOf(v, 'cooperationMeetingWithinOneWeek')).toBe(step.at + 7 * DAY);
    due = await sleepPast(handle, 'cooperationMeetingWithinOneWeek');
    await expectFired(handle, {
      name: 'cooperationMeetingWithinOneWeek',
      due,
      label: LABEL.cooperationMeeting,
      stage: 'measures',
      deadlines: [],
    });

    // E.S7c: the cooperation agreement, made in a meeting where the pupil is heard, evaluated on a date within three weeks.
    await sendEvent(
      handle,
      await meetingHeld('cooperation-meeting', ['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos', 'nav']),
    );
    await sendEvent(handle, await pupilHeard());
    const firstAgreement = await agreement(21, 'samarbeidsavtale-1');
    step = await sendTimed(handle, firstAgreement);
    v = step.v;
    const firstAgreementAt = step.at;
    expect(v.state.label).toBe(LABEL.measures);
    expect(v.stage).toBe('measures');
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['weeklyAbsenceSummary', 'evaluationWithinThreeWeeks']);
    const evaluationDue = dueOf(v, 'evaluationWithinThreeWeeks');
    // E.S10a: due when the agreed day is over.
    expect(evaluationDue).toBe(endOf(firstAgreement.evaluationDate));
    expect(evaluationDue - firstAgreementAt).toBeGreaterThan(21 * DAY);
    expect(evaluationDue - firstAgreementAt).toBeLessThanOrEqual(22 * DAY);
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(firstAgreementAt + 7 * DAY);

    // E.S2: the weekly summaries, a week apart from the agreement, each leaving the evaluation date where it was.
    // Detection's trend for the week arrives as a signal and is recorded.
    await signalFact(handle, await weeklyTrend(t, 'unchanged', 2));
    expect(await weeklySummariesBefore(handle, evaluationDue, LABEL.measures, 'measures', firstAgreementAt + 7 * DAY)).toBe(3);
    expect(dueOf(await viewOf(handle), 'evaluationWithinThreeWeeks')).toBe(evaluationDue);

    // E.S10a: the agreed date is over.
    await sleepUntilJustBefore(handle, 'evaluationWithinThreeWeeks');
    expect((await viewOf(handle)).state.label).toBe(LABEL.measures);
    due = await sleepPast(handle, 'evaluationWithinThreeWeeks');
    expect(due).toBe(evaluationDue);
    v = await expectFired(handle, {
      name: 'evaluationWithinThreeWeeks',
      due,
      label: LABEL.evaluationDue,
      stage: 'evaluation',
      deadlines: ['evaluationOverdueReminder'],
    });
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
    v = await expectFired(handle, {
      name: 'childWelfareConsultedFirst',
      due,
      label: LABEL.childWelfareFirst,
      stage: 'escalated',
      deadlines: ['childWelfareConsultedFirst'],
    });
    expect(dueOf(v, 'childWelfareConsultedFirst')).toBe(due + DAY);
    step = await sendTimed(
      handle,
      caseEvent('childWelfare.consulted', { advice: 'school-continues', documentRef: 'barnevern-1' }, await now(), 'principal'),
    );
    v = step.v;
    // Back to the stage the case had reached, with its week restarted from the consultation; no longer overdue.
    expect(v.state.label).toBe(LABEL.revising);
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['revisedAgreementWithinOneWeek']);
    const consultedAt = step.at;
    expect(dueOf(v, 'revisedAgreementWithinOneWeek')).toBe(consultedAt + 7 * DAY);

    // E.BUP1: municipal measures have been tried; with the guardians' consent the GP refers to BUP.
    await sendEvent(handle, await consent('bup'));
    v = (await sendEvent(handle, await referral('bup', 'doctor'))).view;
    expect(v.state.label).toBe(LABEL.revising);
    due = await sleepPast(handle, 'revisedAgreementWithinOneWeek');
    expect(due).toBe(consultedAt + 7 * DAY);
    await expectFired(handle, { name: 'revisedAgreementWithinOneWeek', due, label: LABEL.revising, stage: 'measures', deadlines: [] });

    // A new cooperation agreement with an evaluation in two weeks, the pupil heard again on why the first did not help.
    await sendEvent(
      handle,
      await meetingHeld('cooperation-meeting', ['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos', 'nav']),
    );
    await sendEvent(handle, await pupilHeard());
    const secondAgreement = await agreement(14, 'samarbeidsavtale-2');
    step = await sendTimed(handle, secondAgreement);
    v = step.v;
    expect(v.state.label).toBe(LABEL.measures);
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['weeklyAbsenceSummary', 'evaluationWithinThreeWeeks']);
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(step.at + 7 * DAY);
    expect(dueOf(v, 'evaluationWithinThreeWeeks')).toBe(endOf(secondAgreement.evaluationDate));
    due = await sleepPast(handle, 'weeklyAbsenceSummary');
    expect(due).toBe(step.at + 7 * DAY);
    await expectFired(handle, {
      name: 'weeklyAbsenceSummary',
      due,
      label: LABEL.measures,
      stage: 'measures',
      deadlines: ['weeklyAbsenceSummary', 'evaluationWithinThreeWeeks'],
    });

    // E.S10b, D.3: evaluated early as improved; the team keeps following up this time.
    await t.env.sleep('3 days');
    step = await sendTimed(handle, await evaluated('improved', 'evaluering-2'));
    v = step.v;
    expect(v.state.label).toBe(LABEL.monitoring);
    expect(v.stage).toBe('monitoring');
    expect(deadlineNames(v)).toEqual(['weeklyAbsenceSummary', 'monitoringPeriod']);
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(step.at + 7 * DAY);
    expect(dueOf(v, 'monitoringPeriod')).toBe(step.at + 21 * DAY);
    due = await sleepPast(handle, 'weeklyAbsenceSummary');
    v = await expectFired(handle, {
      name: 'weeklyAbsenceSummary',
      due,
      label: LABEL.monitoring,
      stage: 'monitoring',
      deadlines: ['weeklyAbsenceSummary', 'monitoringPeriod'],
    });
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(due + 7 * DAY);

    // E.DS: the pupil leaves during the day again; detection's signal calls an evaluation at once.
    const relapse = await signalFact(
      handle,
      caseEvent('absence.newTrigger', { trigger: { rule: 'left-during-day', dates: [await dateIn(0)] } }, await now(), 'system'),
    );
    v = relapse.v;
    expect(v.state.label).toBe(LABEL.evaluationDue);
    expect(v.stage).toBe('evaluation');
    expect(v.triggers.at(-1)).toMatchObject({ rule: 'left-during-day', effect: 'moved' });
    expect(deadlineNames(v)).toEqual(['evaluationOverdueReminder']);
    expect(dueOf(v, 'evaluationOverdueReminder')).toBe(relapse.at + 7 * DAY);
    expect(v.overdue).toBe(false);
    due = await sleepPast(handle, 'evaluationOverdueReminder');
    v = await expectFired(handle, {
      name: 'evaluationOverdueReminder',
      due,
      label: LABEL.evaluationDue,
      stage: 'evaluation',
      deadlines: ['evaluationOverdueReminder'],
    });
    expect(dueOf(v, 'evaluationOverdueReminder')).toBe(due + 7 * DAY);
    step = await sendTimed(handle, await evaluated('improved', 'evaluering-3'));
    v = step.v;
    expect(v.state.label).toBe(LABEL.monitoring);
    expect(v.overdue).toBe(false);
    expect(deadlineNames(v)).toEqual(['weeklyAbsenceSummary', 'monitoringPeriod']);
    const improvedAt = step.at;
    const monitoringDue = dueOf(v, 'monitoringPeriod');
    expect(monitoringDue).toBe(improvedAt + 21 * DAY);

    // Two weekly summaries, then the three weeks of monitoring end; the third summary would fall due at the very moment the period ends.
    expect(await weeklySummariesBefore(handle, monitoringDue, LABEL.monitoring, 'monitoring', improvedAt + 7 * DAY)).toBe(2);
    await sleepUntilJustBefore(handle, 'monitoringPeriod');
    expect((await viewOf(handle)).state.label).toBe(LABEL.monitoring);
    due = await sleepPast(handle, 'monitoringPeriod');
    expect(due).toBe(monitoringDue);
    // The period's end leaves the weekly follow-up: the summary due at the same moment never fires.
    await expectFired(handle, { name: 'monitoringPeriod', due, label: LABEL.closingDue, stage: 'monitoring', deadlines: [] });

    await sendEvent(handle, await closing('absence-improved', 'Stabilt oppmøte gjennom hele oppfølgingsperioden.'));
    const final = await handle.result();
    expect(final.status).toBe('closed');
    expect(final.state.label).toBe(LABEL.closed);
    expect(final.stage).toBe('closed');
    expect(final.deadlines).toEqual([]);
    expect(final.closing).toMatchObject({ reason: 'absence-improved', note: 'Stabilt oppmøte gjennom hele oppfølgingsperioden.' });
    expect(final.timeline.filter((e) => e.kind === 'refused')).toEqual([]);
    expect(deadlineEntries(final).map((e) => e.name)).toEqual([
      'homeContactedImmediately',
      'newMeetingWithinOneWeek',
      'cooperationMeetingWithinOneWeek',
      'weeklyAbsenceSummary',
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

    const mine = await messagesOf(t, final.caseId);
    expect(mine.map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        'Ny fraværssak',
        'Påminnelse: kontakt hjemmet',
        'Nytt fravær registrert i saken',
        'Vi mangler beskjed om fravær',
        'Slik følger skolen opp fravær',
        'Dokument mangler: kartleggingsskjema',
        'Møte: samtale med foresatte',
        'Referat fra møtet',
        'Påminnelse: møtet er ikke holdt',
        'Møte: samarbeidsmøte',
        'Invitasjon til møte om skolefravær',
        'Påminnelse: vurder å involvere helsesykepleier',
        'Møte: samtale med helsesykepleier',
        'Møte: evalueringsmøte',
        'Påminnelse: følg med på oppmøtet',
        'Påminnelse: tiltakene skal evalueres',
        'Saken trenger ledelsens oppmerksomhet i dag',
        'Påminnelse: et steg må avklares med ledelsen',
        'Nytt fravær i åpen sak',
        'Påminnelse: dokumentasjon mangler',
        'Oppfølgingen av fraværet er avsluttet',
        'Fraværssak avsluttet',
      ]),
    );
    // One weekly-summary reminder per week the timer fired.
    expect(mine.filter((m) => m.subject === 'Påminnelse: følg med på oppmøtet')).toHaveLength(7);
    // E.S6b, E.NAV1: every meeting about the absence of this grade 10 pupil includes UngdomsLOS and NAV;
    // E.S10a: the evaluation also invites the services involved.
    const invitations = mine.filter(
      (m) => m.channel === 'calendar' && m.subject.startsWith('Møte:') && m.subject !== 'Møte: samtale med helsesykepleier',
    );
    expect(invitations.length).toBeGreaterThanOrEqual(5);
    for (const invitation of invitations) expect(invitation.recipients).toEqual(expect.arrayContaining(['ungdomslos', 'nav']));
    const evaluations = invitations.filter((m) => m.subject === 'Møte: evalueringsmøte');
    expect(evaluations.at(-1)?.recipients).toEqual(expect.arrayContaining(['school-nurse', 'ppt', 'bup']));
    // Every effect was delivered once: idempotency keys are unique.
    expect(new Set(mine.map((m) => m.idempotencyKey)).size).toBe(mine.length);
    await saveHistoryIfRecording(t, handle.workflowId, 'raelingen-veileder-longest-route');
  });
});

test('[E.S3] the home-contact reminder does not fire before a day has passed, fires right after, and repeats daily until the home is contacted', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, { rule: 'suspected-invalid-absence', dates: [await dateIn(-1)] });
    let v = await viewOf(handle);
    expect(v.state.label).toBe(LABEL.contactingHome);
    // A day after the case was opened.
    expect(dueOf(v, 'homeContactedImmediately')).toBe(Date.parse(v.openedAt) + DAY);

    let due = await sleepUntilJustBefore(handle, 'homeContactedImmediately');
    v = await viewOf(handle);
    expect(v.state.label).toBe(LABEL.contactingHome);
    expect(v.overdue).toBe(false);
    expect(deadlineEntries(v)).toEqual([]);

    await sleepUntil(due + MINUTE);
    v = await expectFired(handle, {
      name: 'homeContactedImmediately',
      due,
      label: LABEL.contactingHome,
      stage: 'identification',
      deadlines: ['homeContactedImmediately'],
    });
    // Re-armed from the reminder's due time, not from the moment the timer happened to fire.
    const nextDue = dueOf(v, 'homeContactedImmediately');
    expect(nextDue).toBe(due + DAY);

    // Still not contacted the next day: reminded again.
    due = await sleepPast(handle, 'homeContactedImmediately');
    expect(due).toBe(nextDue);
    v = await expectFired(handle, {
      name: 'homeContactedImmediately',
      due,
      label: LABEL.contactingHome,
      stage: 'identification',
      deadlines: ['homeContactedImmediately'],
    });
    expect(deadlineEntries(v)).toHaveLength(2);

    // Contacting the home ends the reminders and clears the overdue mark; below 8 days the principal's conversation is next.
    const { v: contactedView, at } = await sendTimed(handle, await contacted());
    expect(contactedView.state.label).toBe(LABEL.conversation);
    expect(contactedView.overdue).toBe(false);
    expect(contactedView.deadlines).toEqual([{ name: 'conversationReminder', dueAt: new Date(at + 7 * DAY).toISOString() }]);

    const final = await closeCase(handle);
    expect(final.status).toBe('closed');
    const reminders = (await messagesOf(t, final.caseId)).filter((m) => m.subject === 'Påminnelse: kontakt hjemmet');
    expect(reminders).toHaveLength(2);
    expect(reminders[0]!.recipients).toEqual(['contact-teacher']);
    // Reminding never restarted the stage: the opening message went out once.
    expect((await messagesOf(t, final.caseId)).filter((m) => m.subject === 'Ny fraværssak')).toHaveLength(1);
  });
});

test('[E.S10a] the evaluation falls due when the agreed date is over, not an hour before; the weekly summary (E.S2) fires every week without moving it', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, await worryingAbsence(), {}, 9);
    const agreed = await toMeasures(handle, 21);
    let v = agreed.v;
    const agreedAt = agreed.at;
    expect(deadlineNames(v)).toEqual(['weeklyAbsenceSummary', 'evaluationWithinThreeWeeks']);
    const evaluationDue = dueOf(v, 'evaluationWithinThreeWeeks');
    // Due when the agreed date (at most three weeks ahead) is over.
    expect(evaluationDue).toBe(endOf(agreed.evaluationDate));
    expect(Date.parse(`${agreed.evaluationDate}T00:00:00.000Z`) - agreedAt).toBeLessThanOrEqual(21 * DAY);
    // The first summary is a week after the agreement was signed.
    expect(dueOf(v, 'weeklyAbsenceSummary')).toBe(agreedAt + 7 * DAY);

    expect(await weeklySummariesBefore(handle, evaluationDue, LABEL.measures, 'measures', agreedAt + 7 * DAY)).toBe(3);
    v = await viewOf(handle);
    expect(deadlineEntries(v)).toHaveLength(3);
    expect(dueOf(v, 'evaluationWithinThreeWeeks')).toBe(evaluationDue);

    // Detection's trend for the week is recorded; the routine summaries left the case not overdue.
    v = (await signalFact(handle, await weeklyTrend(t, 'unchanged', 1))).v;
    expect(v.overdue).toBe(false);

    // Late on the agreed day the case is still in measures, not overdue.
    await sleepUntilJustBefore(handle, 'evaluationWithinThreeWeeks');
    v = await viewOf(handle);
    expect(v.state.label).toBe(LABEL.measures);
    expect(v.stage).toBe('measures');
    expect(v.overdue).toBe(false);

    await sleepUntil(evaluationDue + MINUTE);
    // The missed evaluation flags the case overdue (checked by expectFired); the reminder is a week after the agreed date.
    v = await expectFired(handle, {
      name: 'evaluationWithinThreeWeeks',
      due: evaluationDue,
      label: LABEL.evaluationDue,
      stage: 'evaluation',
      deadlines: ['evaluationOverdueReminder'],
    });
    expect(dueOf(v, 'evaluationOverdueReminder')).toBe(evaluationDue + 7 * DAY);
    expect(v.state.requiredDocuments).toEqual(['evaluation']);
    expect(v.overdueSince).toBe(new Date(evaluationDue).toISOString());

    // The next weekly summary is gone with the measures stage: a day later nothing more has fired.
    await t.env.sleep('1 day');
    v = await viewOf(handle);
    expect(deadlineEntries(v).map((e) => e.name)).toEqual([
      'weeklyAbsenceSummary',
      'weeklyAbsenceSummary',
      'weeklyAbsenceSummary',
      'evaluationWithinThreeWeeks',
    ]);
    expect(v.overdue).toBe(true);
    // Detection's next fact does not clear the mark; the evaluation, the step that was owed, does.
    v = (await signalFact(handle, await weeklyTrend(t, 'unchanged', 0))).v;
    expect(v.overdue).toBe(true);
    expect(v.state.label).toBe(LABEL.evaluationDue);
    v = (await sendEvent(handle, await evaluated('unchanged', 'evaluering-sen'))).view;
    expect(v.state.label).toBe(LABEL.revising);
    expect(v.overdue).toBe(false);

    const final = await closeCase(handle);
    const mine = await messagesOf(t, final.caseId);
    expect(mine.filter((m) => m.subject === 'Påminnelse: følg med på oppmøtet')).toHaveLength(3);
    expect(mine.filter((m) => m.subject === 'Påminnelse: tiltakene skal evalueres')).toHaveLength(1);
  });
});

test('[E.S10b] an evaluation that finds absence improved ends systematic follow-up at once: the case closes with its note, and the reason is kept', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, await worryingAbsence(), {}, 8);
    await toMeasures(handle, 14);
    let v = (await sendTimed(handle, await evaluated('improved', 'evaluering-1'))).v;
    expect(v.state.label).toBe(LABEL.monitoring);
    expect(v.stage).toBe('monitoring');
    expect(v.state.requiredDocuments).toEqual(['closing-note']);
    expect(deadlineNames(v)).toEqual(['weeklyAbsenceSummary', 'monitoringPeriod']);

    await sendEvent(
      handle,
      await closing('absence-improved', 'Evalueringsmøtet fant at det ikke lenger er behov for systematisk oppfølging.'),
    );
    const final = await handle.result();
    expect(final.status).toBe('closed');
    expect(final.state.label).toBe(LABEL.closed);
    expect(final.deadlines).toEqual([]);
    expect(final.closing).toMatchObject({
      reason: 'absence-improved',
      note: 'Evalueringsmøtet fant at det ikke lenger er behov for systematisk oppfølging.',
      documentRef: 'avslutning-absence-improved',
      actor: { role: 'principal' },
    });
    expect(final.documents.at(-1)).toMatchObject({ kind: 'closing-note' });
    expect(await closingReasonOf(handle)).toBe('absence-improved');
    const mine = await messagesOf(t, final.caseId);
    expect(mine.filter((m) => m.subject === 'Oppfølgingen av fraværet er avsluttet')).toHaveLength(1);
    expect(mine.filter((m) => m.subject === 'Påminnelse: dokumentasjon mangler')).toHaveLength(0);

    // A municipality that sets no monitoring period: the principal is reminded to close at the evaluation itself.
    const noPeriod = await openCase(t, ID, await worryingAbsence(), { policyOverrides: { monitoringDays: 0 } }, 8);
    await toMeasures(noPeriod, 14);
    await sendEvent(noPeriod, await evaluated('improved', 'evaluering-2'));
    for (let i = 0; i < 100 && v.state.label !== LABEL.closingDue; i += 1) {
      v = await viewOf(noPeriod);
      if (v.state.label !== LABEL.closingDue) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(v.state.label).toBe(LABEL.closingDue);
    expect(v.overdue).toBe(false);
    expect(deadlineEntries(v).map((e) => e.name)).toEqual(['monitoringPeriod']);
    expect((await closeCase(noPeriod)).status).toBe('closed');
  });
});

test('[E.S3] a municipality override (homeContactReminderDays: 3) moves the workflow timer from one day to three', async () => {
  await withCaseWorker(t, async () => {
    const trigger = { rule: 'suspected-invalid-absence', dates: [await dateIn(-1)] };
    const standard = await openCase(t, ID, trigger);
    const overridden = await openCase(t, ID, trigger, { policyOverrides: { homeContactReminderDays: 3 } });
    const standardView = await viewOf(standard);
    let v = await viewOf(overridden);
    expect(dueOf(standardView, 'homeContactedImmediately')).toBe(Date.parse(standardView.openedAt) + DAY);
    const overriddenDue = dueOf(v, 'homeContactedImmediately');
    expect(overriddenDue).toBe(Date.parse(v.openedAt) + 3 * DAY);

    // A day on, the default case has been reminded; the overridden one has not.
    await sleepPast(standard, 'homeContactedImmediately');
    expect(deadlineEntries(await viewOf(standard))).toHaveLength(1);
    v = await viewOf(overridden);
    expect(deadlineEntries(v)).toEqual([]);
    expect(v.overdue).toBe(false);

    await sleepUntil(overriddenDue - HOUR);
    v = await viewOf(overridden);
    expect(deadlineEntries(v)).toEqual([]);
    expect(v.state.label).toBe(LABEL.contactingHome);
    // Meanwhile the default case was reminded on day two as well.
    expect(deadlineEntries(await viewOf(standard))).toHaveLength(2);

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
    const standardNow = await viewOf(standard);
    expect(deadlineEntries(standardNow)).toHaveLength(3);
    expect(dueOf(standardNow, 'homeContactedImmediately')).toBe(Date.parse(standardNow.openedAt) + 4 * DAY);

    expect((await closeCase(standard)).status).toBe('closed');
    expect((await closeCase(overridden)).status).toBe('closed');
  });
});

test('[E.S6b] UngdomsLOS is invited to the meetings of a grade 7 pupil and not of a grade 5 pupil; for contact without notice (E.S4) both are primary pupils', async () => {
  await withCaseWorker(t, async () => {
    const trigger = { rule: 'late-arrivals', dates: [await dateIn(-3), await dateIn(-2), await dateIn(-1)] };
    const grade5 = await openCase(t, ID, trigger, {}, 5);
    const grade7 = await openCase(t, ID, trigger, {}, 7);

    for (const handle of [grade5, grade7]) {
      // E.S4: grades 1-7 contact the home on the first day without notice.
      await handle.signal(
        absenceFactsSignal,
        caseEvent('absence.noticeMissing', { firstDay: await dateIn(0), schoolDaysWithoutNotice: 1 }, await now(), 'system'),
      );
      const v = (await sendEvent(handle, await contacted())).view;
      // Late arrivals are not counted in days or lessons over the limit: no mapping form 1, straight to the conversation.
      expect(v.state.label).toBe(LABEL.conversation);
    }

    // Scheduling a meeting: without UngdomsLOS for the grade 5 pupil, with it for the grade 7 pupil (required from grade 6).
    const scheduled = async (participants: Role[]) =>
      caseEvent(
        'meeting.scheduled',
        { meeting: 'multi-agency-meeting', scheduledFor: await now(), participants },
        await now(),
        'principal',
      );
    expect((await sendEvent(grade5, await scheduled(['principal', 'guardians', 'ppt']))).applied).toBe(true);
    expect((await sendEvent(grade7, await scheduled(['principal', 'guardians', 'ppt', 'ungdomslos']))).applied).toBe(true);

    for (const handle of [grade5, grade7]) {
      const v = (await sendEvent(handle, await decidedWorrying())).view;
      expect(v.state.label).toBe(LABEL.cooperationMeeting);
      expect(v.grade).toBe(handle === grade5 ? 5 : 7);
    }

    const final5 = await closeCase(grade5);
    const final7 = await closeCase(grade7);
    // The calls to set up the meetings (the invitations of a scheduled meeting go to its own participants).
    const invitations = async (caseId: string) =>
      (await messagesOf(t, caseId)).filter((m) => m.channel === 'calendar' && m.subject.startsWith('Møte:'));
    const invited5 = await invitations(final5.caseId);
    const invited7 = await invitations(final7.caseId);
    expect(invited5.map((m) => m.subject)).toEqual(expect.arrayContaining(['Møte: samtale med foresatte', 'Møte: samarbeidsmøte']));
    expect(invited7.map((m) => m.subject)).toEqual(expect.arrayContaining(['Møte: samtale med foresatte', 'Møte: samarbeidsmøte']));
    for (const m of invited5) expect(m.recipients).toEqual(['principal', 'contact-teacher', 'guardians', 'pupil']);
    for (const m of invited7) expect(m.recipients).toEqual(['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos']);

    for (const final of [final5, final7]) {
      const subjects = (await messagesOf(t, final.caseId)).map((m) => m.subject);
      expect(subjects.filter((s) => s === 'Vi mangler beskjed om fravær')).toHaveLength(1);
    }
  });
});

test('an agreement registered two days after it was signed counts its weekly summaries from the signing, and each repeat from the one before', async () => {
  await withCaseWorker(t, async () => {
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
      { name: 'evaluationWithinThreeWeeks', dueAt: new Date(endOf(evaluationDate)).toISOString() },
    ]);

    // Five days after it was registered, a week after the signing: the first summary.
    let due = await sleepPast(handle, 'weeklyAbsenceSummary');
    expect(due).toBe(signedAt + 7 * DAY);
    let fired = await expectFired(handle, {
      name: 'weeklyAbsenceSummary',
      due,
      label: LABEL.measures,
      stage: 'measures',
      deadlines: ['weeklyAbsenceSummary', 'evaluationWithinThreeWeeks'],
    });
    expect(dueOf(fired, 'weeklyAbsenceSummary')).toBe(signedAt + 14 * DAY);
    due = await sleepPast(handle, 'weeklyAbsenceSummary');
    expect(due).toBe(signedAt + 14 * DAY);
    fired = await expectFired(handle, {
      name: 'weeklyAbsenceSummary',
      due,
      label: LABEL.measures,
      stage: 'measures',
      deadlines: ['evaluationWithinThreeWeeks', 'weeklyAbsenceSummary'],
    });
    expect(dueOf(fired, 'evaluationWithinThreeWeeks')).toBe(endOf(evaluationDate));

    expect((await closeCase(handle)).status).toBe('closed');
  });
});

test('[point 13] a case opened from 60-day-old facts sends each reminder at most once, shows no past deadline, marks the missed deadlines, and is overdue since the first missed deadline a person had to meet', async () => {
  await withCaseWorker(t, async () => {
    const nowMs = await serverMs();
    const openedMs = nowMs - 60 * DAY;
    const iso = (ms: number) => new Date(ms).toISOString();
    const day = (ms: number) => iso(ms).slice(0, 10);
    const pupilId = 'gammel60';
    const input: CaseWorkflowInput = {
      procedureId: ID,
      facts: {
        caseId: `sak-${pupilId}`,
        pupilId,
        schoolId: 'school1',
        grade: 9,
        openedAt: iso(openedMs),
        trigger: { rule: 'days-or-lessons-over-limit', dates: [day(openedMs - 14 * DAY), day(openedMs - DAY)], days: 9, lessons: 2 },
      },
    };
    const handle = await startCase(t, input);
    let v = await viewOf(handle);
    // The first home-contact reminder was due 59 days ago: fired once, at once, marked missed.
    expect(deadlineEntries(v)).toEqual([
      expect.objectContaining({
        name: 'homeContactedImmediately',
        missed: true,
        dueAt: iso(openedMs + DAY),
        stateLabel: LABEL.contactingHome,
      }),
    ]);
    // No past date is shown as coming; the daily reminder counts from now.
    expect(v.deadlines.every((d) => Date.parse(d.dueAt) > nowMs)).toBe(true);
    expect(v.overdueSince).toBe(iso(openedMs + DAY));
    expect(v.daysOverdue).toBe(59);

    // The contact, registered now with when it happened (two days after the absence was found), moves the case on;
    // form 1 was then due five days later and is missed in turn, and the case is overdue from that deadline.
    const contactedAt = openedMs + 2 * DAY;
    v = (
      await sendEvent(
        handle,
        caseEvent('guardians.contacted', { channel: 'phone', cause: 'unknown', documentRef: 'logg-gammel' }, iso(contactedAt)),
      )
    ).view;
    for (let i = 0; i < 100 && deadlineEntries(v).length < 2; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      v = await viewOf(handle);
    }
    expect(v.state.label).toBe(LABEL.absencePatternForm);
    expect(deadlineEntries(v).map((e) => [e.name, e.missed])).toEqual([
      ['homeContactedImmediately', true],
      ['mappingFormWithinOneWeek', true],
    ]);
    expect(deadlineEntries(v)[1]).toMatchObject({ dueAt: iso(contactedAt + 7 * DAY) });
    expect(v.deadlines).toEqual([]);
    expect(v.overdueSince).toBe(iso(contactedAt + 7 * DAY));

    // A day later nothing has come again: each reminder went out once.
    await t.env.sleep('1 day');
    const reminders = (await messagesOf(t, `sak-${pupilId}`)).filter((m) => m.subject.startsWith('Påminnelse'));
    const bySubject = new Map<string, number>();
    for (const m of reminders) bySubject.set(m.subject, (bySubject.get(m.subject) ?? 0) + 1);
    expect(Object.fromEntries(bySubject)).toEqual({ 'Påminnelse: kontakt hjemmet': 1, 'Påminnelse: dokumentasjon mangler': 1 });
    expect((await closeCaseAsMoved(t, handle.workflowId)).status).toBe('closed');
  });
});

// Last, on a server of its own: the time-skipping test server keeps time skipping locked after it
// rejects an update, which would stall the timers of any test after it.
describe('refused updates', () => {
  const r = useCaseTestEnv();

  test('[E.S7a] the contact teacher cannot decide A or B and the pupil cannot close: refused in Norwegian naming the role and the step, leaving the case as it was', async () => {
    await withCaseWorker(r, async () => {
      const handle = await openCase(r, ID, { rule: 'suspected-invalid-absence', dates: ['2026-09-04'] });
      const at = async () => r.now();
      await sendEvent(
        handle,
        caseEvent('guardians.contacted', { channel: 'phone', cause: 'unknown', documentRef: 'logg-1' }, await at(), 'contact-teacher'),
      );
      const before = await viewOf(handle);
      expect(before.state.label).toBe(LABEL.conversation);
      const decision = async (role: Role) =>
        caseEvent('escalation.decided', { reason: 'Fraværet øker', documentRef: 'beslutning-1' }, await at(), role);
      const closingAs = async (role: Role) =>
        caseEvent('case.closed', { reason: 'natural-explanation', note: 'Planlagt reise.', documentRef: 'avslutning-1' }, await at(), role);
      expect(await attemptEvent(handle, await decision('contact-teacher'))).toBe(
        'Rollen kontaktlærer kan ikke registrere «Beslutning om å løfte saken» i steget «Samtale med foresatte og elev». Det kan: rektor, skolens ledelse.',
      );
      expect(await attemptEvent(handle, await closingAs('contact-teacher'))).toBe(
        'Rollen kontaktlærer kan ikke registrere «Saken avsluttet» i steget «Samtale med foresatte og elev». Det kan: rektor, skolens ledelse.',
      );
      expect(await attemptEvent(handle, await closingAs('pupil'))).toBe(
        'Rollen eleven kan ikke registrere «Saken avsluttet» i steget «Samtale med foresatte og elev». Det kan: rektor, skolens ledelse.',
      );
      expect(withoutDeliveries(await viewOf(handle))).toEqual(withoutDeliveries(before));
      expect(await attemptEvent(handle, await decision('principal'))).toBe('taken');
      expect((await viewOf(handle)).state.label).toBe(LABEL.cooperationMeeting);
      expect((await closeCaseAsMoved(r, handle.workflowId)).status).toBe('closed');
    });
  });
});
