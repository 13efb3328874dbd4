/**
 * Procedure A, "Plan for skolenærvær" (version 2), run as a durable case on the time-skipping
 * server with the real policy durations: the contact on the third school day without notice,
 * the Trinn 1 review and the Trinn 2 evaluation when their agreed day is over, six weeks from the
 * first Trinn 2 meeting, three calendar months of Innsatsteam and 30 days of follow-up all pass
 * as durable timers; a municipality's override narrows a limit; a case opened from old facts
 * fires what it missed once and is overdue since then; and a step taken by the wrong role is
 * refused in Norwegian, naming the role and the step.
 */
import { addDays } from 'date-fns';
import { addCalendarDays, msUntilCalendarMonthsLater, nthWeekdayFrom } from '../../machines/durations';
import type { CaseEvent } from '../../machines/events';
import { type CaseView, type CaseWorkflowInput } from '../../workflows/case-messages';
import {
  caseEvent,
  type CaseHandle,
  closeCaseAsMoved,
  closeCaseWith,
  openCase,
  saveHistoryIfRecording,
  startCase,
  useCaseTestEnv,
  withCaseWorker,
  withoutDeliveries,
} from '../helpers/case-env';
import {
  attemptEvent,
  deadlineEntries,
  hasFired,
  messagesOf,
  sendEvent,
  settled,
  signalAndSettle,
  utcDateIn,
  viewOf,
} from '../helpers/case-steps';

const ID = 'plan-for-skolenaervaer';
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/**
 * The last day before a deadline and one hour past it. While a timer's workflow task and the
 * activities it starts run, the test server's clock moves in real time; a sleep that ended a few
 * milliseconds after the due time could return before the case has taken its deadline. Time
 * can only be skipped past the extra hour once the case is idle again, so the query that
 * follows sees the deadline fully handled.
 */
const LAST_DAY_AND_AN_HOUR = DAY + HOUR;
const LABEL = {
  awaitingNotice: 'Venter på melding fra foresatte',
  contactOwed: 'Skolen kontakter foresatte om manglende melding',
  watching: 'Fraværet følges på universelt nivå',
  t1Contact: 'Trinn 1: Vurdering og samtale med foresatte',
  t1Mapping: 'Trinn 1: Kartlegging av psykososialt miljø og tiltak',
  t1Following: 'Trinn 1: Tiltak prøves ut',
  t1Review: 'Trinn 1: Vurder om bekymringen består',
  t2Calling: 'Trinn 2: Møte med foresatte og elev innkalles',
  t2Agreeing: 'Trinn 2: Kartlegging og avtale om tiltak',
  t2Working: 'Trinn 2: Skolen arbeider med tiltakene',
  t2EvaluationDue: 'Trinn 2: Evalueringsmøtet på avtalt dato',
  t2Continuing: 'Trinn 2: Justerte tiltak fram til seksukersgrensen',
  t2SixWeeks: 'Trinn 2: Vurdering etter seks uker',
  t3Health: 'Trinn 3: Skolehelsetjenesten kobles inn',
  t3Considering: 'Trinn 3: Tiltak vurderes før melding til Innsatsteam',
  t3PreMeeting: 'Trinn 3: Formøte med Innsatsteam',
  t3Mapping: 'Trinn 3: Utvidet kartlegging av ressurser og hjelpebehov',
  t3Planning: 'Trinn 3: Tiltak ut fra kartleggingen',
  t3Working: 'Trinn 3: Innsatsteam følger opp tiltakene',
  t3ThreeMonths: 'Trinn 3: Vurdering etter tre måneder',
  t3Others: 'Trinn 3: Andre instanser kontaktes',
  monitoring: 'Oppfølging etter bedring',
  closingDue: 'Klar til avslutning',
} as const;
const t = useCaseTestEnv();

const iso = (ms: number) => new Date(ms).toISOString();
const dateIn = (days: number) => utcDateIn(t, days);
const nowMs = async () => Date.parse(await t.now());
/** When an agreed day is over: the start (UTC) of the next day. */
const endOfDay = (date: string) => `${addCalendarDays(date, 1)}T00:00:00.000Z`;
/** A human event, as an Update; every event sent this way is one the case takes. */
const send = async (handle: CaseHandle, event: CaseEvent): Promise<CaseView> => (await sendEvent(handle, event)).view;
/** A detection fact, as a Signal: the view once the case has recorded it (applied or refused). */
const signalFact = signalAndSettle;

// Events, stamped with the server's clock unless a time is given.
const contacted = async (cause: 'unknown' | 'school-related', at?: string) =>
  caseEvent('guardians.contacted', { channel: 'phone', cause, documentRef: `vss/log-${cause}` }, at ?? (await t.now()));
const voice = async (at?: string) => caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef: 'vss/voice' }, at ?? (await t.now()));
const mapping = async (form: 'psychosocial-environment' | 'extended-mapping', at?: string) =>
  caseEvent('mapping.completed', { form, documentRef: `vss/${form}` }, at ?? (await t.now()));
const measuresFor = async (evaluationDate: string, role: 'contact-teacher' | 'principal' = 'principal', at?: string) =>
  caseEvent(
    'measures.agreed',
    { measures: ['Fast morgenkontakt med en trygg voksen'], evaluationDate, planRef: 'vss/plan' },
    at ?? (await t.now()),
    role,
  );
const measures = async (evaluationInDays: number, role: 'contact-teacher' | 'principal' = 'principal') =>
  measuresFor(await dateIn(evaluationInDays), role);
const evaluation = async (outcome: 'improved' | 'unchanged' | 'worse') =>
  caseEvent('evaluation.held', { outcome, minutesRef: `vss/evaluation-${outcome}` }, await t.now(), 'principal');
/** The first Trinn 2 meeting, with the guardians and the leadership; the pre-meeting, with Innsatsteam. */
const meeting = async (kind: 'leadership-meeting' | 'innsatsteam-pre-meeting') =>
  caseEvent(
    'meeting.held',
    {
      meeting: kind,
      participants:
        kind === 'leadership-meeting' ? ['principal', 'contact-teacher', 'guardians'] : ['principal', 'contact-teacher', 'innsatsteam'],
      pupilPresent: kind === 'leadership-meeting',
      minutesRef: `vss/minutes-${kind}`,
    },
    await t.now(),
    'principal',
  );
/** The guardians' consent, as the school records it: the guardians never record in the case. */
const consent = async (service: 'school-nurse' | 'bup') =>
  caseEvent('consent.given', { service, documentRef: `vss/consent-${service}` }, await t.now(), 'contact-teacher');
const referral = async (service: 'innsatsteam' | 'ppt' | 'bup', role: 'principal' | 'doctor' = 'principal') =>
  caseEvent('referral.sent', { service, documentRef: `vss/referral-${service}` }, await t.now(), role);
const trend = async (direction: 'improved' | 'unchanged' | 'worse') =>
  caseEvent('absence.trend', { trend: direction, from: await dateIn(-14), to: await dateIn(0), absenceDays: 2 }, await t.now(), 'system');
/** Over ten days of absence: a Trinn 1 criterion, and one of the procedure's opening rules. */
const overTenDays = async () => ({ rule: 'days-over-limit' as const, dates: [await dateIn(-15), await dateIn(-1)], days: 11 });

/** Nothing moved: same state, the deadline still pending, not overdue. */
function expectWaiting(v: CaseView, label: string, deadline: string) {
  expect(v.state.label).toBe(label);
  expect(v.deadlines.map((d) => d.name)).toContain(deadline);
  expect(v.overdue).toBe(false);
}

/**
 * The deadline fired on time: the new state, the remaining deadlines, the timeline entry, and the
 * case flagged overdue, unless the delay is a planned period ending (the follow-up period),
 * which marks no lateness.
 */
function expectFired(
  v: CaseView,
  deadline: string,
  after: { label: string; stage: CaseView['stage']; deadlines: string[]; overdue?: boolean },
) {
  expect(v.state.label).toBe(after.label);
  expect(v.stage).toBe(after.stage);
  expect(v.deadlines.map((d) => d.name)).toEqual(after.deadlines);
  expect(v.overdue).toBe(after.overdue ?? true);
  expect(v.timeline.filter((e) => e.kind !== 'effect').at(-1)).toMatchObject({ kind: 'deadline', name: deadline, stateLabel: after.label });
  expect(v.timeline.filter((e) => e.kind !== 'effect').at(-1)).not.toHaveProperty('missed');
}

/** The due time of `name` in `v`. */
function dueOf(v: CaseView, name: string): number {
  const deadline = v.deadlines.find((d) => d.name === name);
  if (!deadline) throw new Error(`no deadline ${name}; deadlines: ${v.deadlines.map((d) => d.name).join(', ')}`);
  return Date.parse(deadline.dueAt);
}

/** Sleeps to a day before `name` falls due (nothing has happened), then past it. */
async function passDeadline(handle: CaseHandle, name: string, waitingLabel: string): Promise<CaseView> {
  const due = dueOf(await viewOf(handle), name);
  await t.env.sleep(due - (await nowMs()) - DAY);
  expectWaiting(await viewOf(handle), waitingLabel, name);
  await t.env.sleep(LAST_DAY_AND_AN_HOUR);
  return viewOf(handle);
}

/**
 * Ends a test's case the way a school would (the pupil moved) rather than terminating it: on
 * the time-skipping server, terminating a workflow that has taken a signal leaves time skipping
 * locked for the rest of the file.
 */
async function closeCase(handle: CaseHandle): Promise<void> {
  expect((await closeCaseAsMoved(t, handle.workflowId, 'vss/closing-moved')).status).toBe('closed');
}

/** Opens a case on over ten days of absence and brings it to Trinn 2 through a Trinn 1 evaluation without improvement. */
async function openInTrinn2(extra: Parameters<typeof openCase>[3] = {}): Promise<CaseHandle> {
  const handle = await openCase(t, ID, await overTenDays(), extra);
  expect((await viewOf(handle)).state.label).toBe(LABEL.t1Contact);
  await send(handle, await contacted('school-related'));
  await send(handle, await mapping('psychosocial-environment'));
  await send(handle, await voice());
  await send(handle, await measures(14, 'contact-teacher'));
  const v = await send(handle, await evaluation('unchanged'));
  expect(v.state.label).toBe(LABEL.t2Calling);
  // No clock runs before the Trinn 2 meeting.
  expect(v.deadlines).toEqual([]);
  return handle;
}

test('[A.T3.3] the longest route runs end to end with real durations: universal level, Trinn 1, Trinn 2 with its evaluation and six-week review, Trinn 3 with Innsatsteam for three calendar months, other services, follow-up, closed', async () => {
  await withCaseWorker(t, async () => {
    // Universal level: absence without notice from today; the contact is due when the third school day begins.
    const today = await dateIn(0);
    const handle = await openCase(t, ID, { rule: 'unnotified-absence', dates: [today] });
    let v = await viewOf(handle);
    expect(v.state.label).toBe(LABEL.awaitingNotice);
    expect(v.stage).toBe('identification');
    expect(v.deadlines).toEqual([{ name: 'contactAfterThreeDaysWithoutNotice', dueAt: `${nthWeekdayFrom(today, 3)}T00:00:00.000Z` }]);
    await t.env.sleep(dueOf(v, 'contactAfterThreeDaysWithoutNotice') - (await nowMs()) - HOUR);
    expectWaiting(await viewOf(handle), LABEL.awaitingNotice, 'contactAfterThreeDaysWithoutNotice');
    await t.env.sleep(2 * HOUR);
    expectFired(await viewOf(handle), 'contactAfterThreeDaysWithoutNotice', {
      label: LABEL.contactOwed,
      stage: 'identification',
      deadlines: [],
    });

    v = await send(handle, await contacted('unknown'));
    expect(v.state.label).toBe(LABEL.watching);
    expect(v.overdue).toBe(false);

    // Trinn 1: detection's new trigger reports over ten days of absence.
    v = await signalFact(handle, caseEvent('absence.newTrigger', { trigger: await overTenDays() }, await t.now(), 'system'));
    expect(v.state.label).toBe(LABEL.t1Contact);
    expect(v.triggers.map((tr) => tr.effect)).toEqual(['opened', 'moved']);
    v = await send(handle, await contacted('school-related'));
    expect(v.state.label).toBe(LABEL.t1Mapping);
    await send(handle, await mapping('psychosocial-environment'));
    await send(handle, await voice());
    const trinn1Plan = await measures(14, 'contact-teacher');
    v = await send(handle, trinn1Plan);
    expect(v.state.label).toBe(LABEL.t1Following);
    // The review is late once the agreed day is over.
    expect(v.deadlines).toEqual([{ name: 'trinn1ReviewOnAgreedDate', dueAt: endOfDay(trinn1Plan.evaluationDate) }]);
    expectFired(await passDeadline(handle, 'trinn1ReviewOnAgreedDate', LABEL.t1Following), 'trinn1ReviewOnAgreedDate', {
      label: LABEL.t1Review,
      stage: 'evaluation',
      deadlines: [],
    });

    // Trinn 2: no improvement. The six weeks in total start at the first meeting, as do the three weeks.
    v = await send(handle, await evaluation('unchanged'));
    expect(v.state.label).toBe(LABEL.t2Calling);
    expect(v.stage).toBe('measures');
    expect(v.deadlines).toEqual([]);
    const firstMeeting = await meeting('leadership-meeting');
    v = await send(handle, firstMeeting);
    expect(v.state.label).toBe(LABEL.t2Agreeing);
    expect(v.deadlines).toEqual([{ name: 'escalationAfterSixWeeksInTotal', dueAt: iso(Date.parse(firstMeeting.at) + 42 * DAY) }]);
    await send(handle, await voice());
    const trinn2Plan = await measures(21);
    v = await send(handle, trinn2Plan);
    expect(v.state.label).toBe(LABEL.t2Working);
    expect(v.deadlines.map((d) => d.name)).toEqual(['evaluationAfterThreeWeeks', 'escalationAfterSixWeeksInTotal']);
    expect(dueOf(v, 'evaluationAfterThreeWeeks')).toBe(Date.parse(endOfDay(trinn2Plan.evaluationDate)));
    expectFired(await passDeadline(handle, 'evaluationAfterThreeWeeks', LABEL.t2Working), 'evaluationAfterThreeWeeks', {
      label: LABEL.t2EvaluationDue,
      stage: 'evaluation',
      deadlines: ['escalationAfterSixWeeksInTotal'],
    });

    v = await send(handle, await evaluation('unchanged'));
    expect(v.state.label).toBe(LABEL.t2Continuing);
    v = await send(handle, await measures(14));
    expect(v.state.label).toBe(LABEL.t2Continuing);
    // Detection sees improvement, so at six weeks the leadership reviews rather than the case escalating at once.
    v = await signalFact(handle, await trend('improved'));
    expect(v.state.label).toBe(LABEL.t2Continuing);
    expectFired(await passDeadline(handle, 'escalationAfterSixWeeksInTotal', LABEL.t2Continuing), 'escalationAfterSixWeeksInTotal', {
      label: LABEL.t2SixWeeks,
      stage: 'evaluation',
      deadlines: [],
    });

    // Trinn 3: worse at the review; school health service, then Innsatsteam.
    v = await send(handle, await evaluation('worse'));
    expect(v.state.label).toBe(LABEL.t3Health);
    expect(v.stage).toBe('escalated');
    v = await send(handle, await consent('school-nurse'));
    expect(v.state.label).toBe(LABEL.t3Considering);
    v = await send(handle, await referral('innsatsteam'));
    expect(v.state.label).toBe(LABEL.t3PreMeeting);
    v = await send(handle, await meeting('innsatsteam-pre-meeting'));
    expect(v.state.label).toBe(LABEL.t3Mapping);
    v = await send(handle, await mapping('extended-mapping'));
    expect(v.state.label).toBe(LABEL.t3Planning);
    await send(handle, await voice());
    const innsatsteamPlan = await measures(28);
    v = await send(handle, innsatsteamPlan);
    expect(v.state.label).toBe(LABEL.t3Working);
    // Three calendar months from the day the measures were agreed, to the same time of day.
    const agreedMs = Date.parse(innsatsteamPlan.at);
    expect(v.deadlines).toEqual([
      { name: 'innsatsteamThreeMonths', dueAt: iso(agreedMs + msUntilCalendarMonthsLater(innsatsteamPlan.at, 3)) },
    ]);

    v = await send(handle, await evaluation('unchanged'));
    expect(v.state.label).toBe(LABEL.t3Working);
    v = await signalFact(handle, await trend('improved'));
    expect(v.deadlines.map((d) => d.name)).toEqual(['innsatsteamThreeMonths']);
    expectFired(await passDeadline(handle, 'innsatsteamThreeMonths', LABEL.t3Working), 'innsatsteamThreeMonths', {
      label: LABEL.t3ThreeMonths,
      stage: 'escalated',
      deadlines: [],
    });

    // No improvement after three months: other services are contacted.
    v = await send(handle, await evaluation('unchanged'));
    expect(v.state.label).toBe(LABEL.t3Others);
    await send(handle, await referral('ppt'));
    // E.BUP1: with the guardians' consent, after the municipality's measures, the GP refers to BUP.
    await send(handle, await consent('bup'));
    await send(handle, await referral('bup', 'doctor'));

    // Improvement: follow-up, then closing.
    const improved = await evaluation('improved');
    v = await send(handle, improved);
    expect(v.state.label).toBe(LABEL.monitoring);
    expect(v.stage).toBe('monitoring');
    expect(v.deadlines).toEqual([{ name: 'monitoringPeriod', dueAt: iso(Date.parse(improved.at) + 30 * DAY) }]);
    v = await passDeadline(handle, 'monitoringPeriod', LABEL.monitoring);
    // The end of the follow-up period is planned, not late: the case is due for closing but not overdue.
    expectFired(v, 'monitoringPeriod', { label: LABEL.closingDue, stage: 'monitoring', deadlines: [], overdue: false });
    expect(deadlineEntries(v).map((e) => e.name)).toEqual([
      'contactAfterThreeDaysWithoutNotice',
      'trinn1ReviewOnAgreedDate',
      'evaluationAfterThreeWeeks',
      'escalationAfterSixWeeksInTotal',
      'innsatsteamThreeMonths',
      'monitoringPeriod',
    ]);
    expect(v.timeline.filter((e) => e.kind === 'refused')).toEqual([]);

    const final = await closeCaseWith(
      t,
      handle.workflowId,
      { reason: 'absence-improved', note: 'Stabilt oppmøte gjennom hele oppfølgingsperioden.', documentRef: 'vss/closing' },
      'principal',
    );
    expect(final.status).toBe('closed');
    expect(final.state.label).toBe('Avsluttet');
    expect(final.closing).toMatchObject({ reason: 'absence-improved', note: 'Stabilt oppmøte gjennom hele oppfølgingsperioden.' });
    expect(final.documents.map((d) => d.kind)).toEqual(
      expect.arrayContaining([
        'contact-log',
        'psychosocial-mapping',
        'pupil-voice',
        'measures-plan',
        'evaluation',
        'minutes',
        'consent',
        'referral',
        'mapping-form',
        'closing-note',
      ]),
    );
    const mine = await messagesOf(t, final.caseId);
    expect(mine.map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        'Vi mangler beskjed om fravær',
        'Påminnelse: kontakt hjemmet',
        'Ny fraværssak',
        'Påminnelse: tiltakene skal evalueres',
        'Melding til skoleeier: fraværssak på høyere nivå',
        'Fraværssak løftet til neste nivå',
        'Invitasjon til møte om skolefravær',
        'Referat fra møtet',
        'Referat med ansvarsfordeling',
        'Møte: møte med skolens ledelse',
        'Møte: evalueringsmøte',
        'Dokument mangler: samtykkeskjema',
        'Møte: formøte med Innsatsteam',
        'Møte: samarbeidsmøte',
        'Påminnelse: vurder neste nivå',
        'Påminnelse: dokumentasjon mangler',
        'Oppfølgingen av fraværet er avsluttet',
        'Fraværssak avsluttet',
      ]),
    );
    // Every effect the machine declared on this route was delivered exactly once.
    expect(mine).toHaveLength(25);
    expect(new Set(mine.map((m) => m.idempotencyKey)).size).toBe(mine.length);
    await saveHistoryIfRecording(t, handle.workflowId, 'plan-for-skolenaervaer-longest-route');
  });
});

test('[A.T2.4] the evaluation is due on the date agreed at the first Trinn 2 meeting, whenever the measures are recorded: not on the day itself, at once when it is over', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openInTrinn2();
    const meetingDay = await dateIn(0);
    await send(handle, await meeting('leadership-meeting'));
    await send(handle, await voice());
    // The measures are written up three days after the meeting, for the date agreed there: three weeks after the meeting.
    await t.env.sleep('3 days');
    const agreedDate = addCalendarDays(meetingDay, 21);
    const v = await send(handle, await measuresFor(agreedDate));
    expect(v.state.label).toBe(LABEL.t2Working);
    expect(dueOf(v, 'evaluationAfterThreeWeeks')).toBe(Date.parse(endOfDay(agreedDate)));

    const before = await viewOf(handle);
    expect(deadlineEntries(before)).toEqual([]);
    expectFired(await passDeadline(handle, 'evaluationAfterThreeWeeks', LABEL.t2Working), 'evaluationAfterThreeWeeks', {
      label: LABEL.t2EvaluationDue,
      stage: 'evaluation',
      deadlines: ['escalationAfterSixWeeksInTotal'],
    });
    const reminders = (await messagesOf(t, before.caseId)).filter((m) => m.subject === 'Påminnelse: tiltakene skal evalueres');
    expect(reminders).toHaveLength(1);
    await closeCase(handle);
  });
});

test('[A.T2.5] six weeks from the first Trinn 2 meeting, with absence found unchanged in Trinn 2, move the case to Trinn 3 — not one day earlier', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openInTrinn2();
    // The meeting is held a week into Trinn 2: nothing counts before it.
    await t.env.sleep('7 days');
    expect((await viewOf(handle)).deadlines).toEqual([]);
    const firstMeeting = await meeting('leadership-meeting');
    await send(handle, firstMeeting);
    await send(handle, await voice());
    await send(handle, await measures(21));
    expect(dueOf(await viewOf(handle), 'escalationAfterSixWeeksInTotal')).toBe(Date.parse(firstMeeting.at) + 42 * DAY);
    await passDeadline(handle, 'evaluationAfterThreeWeeks', LABEL.t2Working);
    const adjusted = await send(handle, await evaluation('unchanged'));
    expect(adjusted.state.label).toBe(LABEL.t2Continuing);

    expectFired(await passDeadline(handle, 'escalationAfterSixWeeksInTotal', LABEL.t2Continuing), 'escalationAfterSixWeeksInTotal', {
      label: LABEL.t3Health,
      stage: 'escalated',
      deadlines: [],
    });
    await closeCase(handle);
  });
});

test('[A.T2.1c] a municipality override of the evaluation limit (evaluationAfterDays: 14): the meeting agrees a date two weeks ahead, and the timer fires when that day is over', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openInTrinn2({ policyOverrides: { evaluationAfterDays: 14 } });
    const firstMeeting = await meeting('leadership-meeting');
    await send(handle, firstMeeting);
    // Only the overridden limit changes: the six weeks in total keep their default.
    expect(dueOf(await viewOf(handle), 'escalationAfterSixWeeksInTotal')).toBe(Date.parse(firstMeeting.at) + 42 * DAY);
    await send(handle, await voice());
    const plan = await measures(14);
    const v = await send(handle, plan);
    expect(dueOf(v, 'evaluationAfterThreeWeeks')).toBe(Date.parse(endOfDay(plan.evaluationDate)));
    expectFired(await passDeadline(handle, 'evaluationAfterThreeWeeks', LABEL.t2Working), 'evaluationAfterThreeWeeks', {
      label: LABEL.t2EvaluationDue,
      stage: 'evaluation',
      deadlines: ['escalationAfterSixWeeksInTotal'],
    });
    await closeCase(handle);
  });
});

test('[A.5.1c] a case opened from 60-day-old facts sends each reminder at most once, shows no past deadline, marks what it missed and is overdue since the first deadline missed', async () => {
  await withCaseWorker(t, async () => {
    const now = await nowMs();
    const daysAgo = (n: number) => iso(now - n * DAY);
    const dayOf = (n: number) => daysAgo(n).slice(0, 10);
    const pupilId = `gammel-${now}`;
    // The first day without notice was 62 days ago; the case is opened on it, from the old registrations.
    const firstDay = dayOf(62);
    const input: CaseWorkflowInput = {
      procedureId: ID,
      facts: {
        caseId: `sak-${pupilId}`,
        pupilId,
        schoolId: 'school1',
        grade: 7,
        openedAt: `${firstDay}T08:00:00.000Z`,
        trigger: { rule: 'unnotified-absence', dates: [firstDay], days: 1 },
      },
    };
    const handle = await startCase(t, input);

    // The contact fell due on the third school day: it fires once, now, marked as missed.
    const contactDue = `${nthWeekdayFrom(firstDay, 3)}T00:00:00.000Z`;
    let v = await settled(handle, hasFired('contactAfterThreeDaysWithoutNotice'));
    expect(v.state.label).toBe(LABEL.contactOwed);
    expect(deadlineEntries(v).map(({ name, dueAt, missed }) => ({ name, dueAt, missed }))).toEqual([
      { name: 'contactAfterThreeDaysWithoutNotice', dueAt: contactDue, missed: true },
    ]);
    expect(v.deadlines).toEqual([]);
    expect(v).toMatchObject({ overdue: true, overdueSince: contactDue, daysOverdue: Math.floor((now - Date.parse(contactDue)) / DAY) });

    // Detection's facts never clear it: the case moves to Trinn 1, still overdue since the contact it owed.
    v = await signalFact(
      handle,
      caseEvent(
        'absence.newTrigger',
        { trigger: { rule: 'days-over-limit', dates: [dayOf(64), dayOf(51)], days: 11 } },
        daysAgo(50),
        'system',
      ),
    );
    expect(v.state.label).toBe(LABEL.t1Contact);
    expect(v).toMatchObject({ overdue: true, overdueSince: contactDue });

    // The school registers now what it did weeks ago: the conversation clears the flag; the plan's
    // review date had already passed when it was agreed, so the review fires at once, marked missed.
    v = await send(handle, await contacted('school-related', daysAgo(49)));
    expect(v).toMatchObject({ state: { label: LABEL.t1Mapping }, overdue: false, overdueSince: null, daysOverdue: 0 });
    await send(handle, await mapping('psychosocial-environment', daysAgo(48)));
    await send(handle, await voice(daysAgo(48)));
    const reviewDate = dayOf(41);
    await send(handle, await measuresFor(reviewDate, 'contact-teacher', daysAgo(48)));
    v = await settled(handle, hasFired('trinn1ReviewOnAgreedDate'));
    expect(v.state.label).toBe(LABEL.t1Review);
    expect(deadlineEntries(v).map(({ name, dueAt, missed }) => ({ name, dueAt, missed }))).toEqual([
      { name: 'contactAfterThreeDaysWithoutNotice', dueAt: contactDue, missed: true },
      { name: 'trinn1ReviewOnAgreedDate', dueAt: endOfDay(reviewDate), missed: true },
    ]);
    expect(v).toMatchObject({ overdue: true, overdueSince: endOfDay(reviewDate) });
    expect(v.deadlines).toEqual([]);

    // A day later nothing more has fired: no burst of reminders, each sent once.
    await t.env.sleep(DAY);
    v = await viewOf(handle);
    expect(deadlineEntries(v)).toHaveLength(2);
    const mine = await messagesOf(t, input.facts.caseId);
    const count = (subject: string) => mine.filter((m) => m.subject === subject).length;
    expect(count('Vi mangler beskjed om fravær')).toBe(1);
    expect(count('Påminnelse: kontakt hjemmet')).toBe(1);
    expect(count('Påminnelse: tiltakene skal evalueres')).toBe(1);
    expect(new Set(mine.map((m) => m.idempotencyKey)).size).toBe(mine.length);

    // The review is held: the step owed is taken and the flag clears.
    v = await send(handle, await evaluation('unchanged'));
    expect(v).toMatchObject({ state: { label: LABEL.t2Calling }, overdue: false, overdueSince: null, daysOverdue: 0 });
    await closeCase(handle);
  });
});

test('[A.T1.0] absence the guardians explain by illness closes the case with its reason and note kept', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, await overTenDays());
    const v = await send(
      handle,
      caseEvent('guardians.contacted', { channel: 'phone', cause: 'illness', documentRef: 'vss/log-illness' }, await t.now()),
    );
    expect(v.state.label).toBe('Trinn 1: Vurdering etter samtalen med foresatte');
    const note = 'Legeerklæring: langvarig sykdom, ikke bekymringsfullt fravær.';
    const final = await closeCaseWith(
      t,
      handle.workflowId,
      { reason: 'illness-approved', note, documentRef: 'vss/closing-illness' },
      'contact-teacher',
    );
    expect(final.status).toBe('closed');
    expect(final.closing).toMatchObject({
      reason: 'illness-approved',
      note,
      documentRef: 'vss/closing-illness',
      actor: { role: 'contact-teacher' },
    });
    expect(final.timeline.filter((e) => e.kind !== 'effect').at(-1)).toMatchObject({
      kind: 'event',
      type: 'case.closed',
      data: { reason: 'illness-approved', note },
    });
  });
});

// Last, on a server of its own: the time-skipping test server keeps time skipping locked after it
// rejects an update, which would stall the timers of any test after it.
describe('refused updates', () => {
  const r = useCaseTestEnv();

  test('[A.T2.5] the contact teacher cannot take the six-week review, and the pupil cannot close the case: refused in Norwegian naming the role and the step, leaving the case as it was', async () => {
    await withCaseWorker(r, async () => {
      const at = async () => r.now();
      const date = async (days: number) =>
        addDays(new Date(await r.now()), days)
          .toISOString()
          .slice(0, 10);
      const handle = await openCase(r, ID, { rule: 'days-over-limit', dates: [await date(-15), await date(-1)] });
      const take = (event: CaseEvent) => sendEvent(handle, event);
      await take(caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'vss/log' }, await at()));
      await take(caseEvent('mapping.completed', { form: 'psychosocial-environment', documentRef: 'vss/map' }, await at()));
      await take(caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef: 'vss/voice' }, await at()));
      await take(
        caseEvent(
          'measures.agreed',
          { measures: ['Trygg voksen om morgenen'], evaluationDate: await date(14), planRef: 'vss/plan' },
          await at(),
        ),
      );
      await take(caseEvent('evaluation.held', { outcome: 'unchanged', minutesRef: 'vss/eval-1' }, await at(), 'principal'));
      await take(
        caseEvent(
          'meeting.held',
          {
            meeting: 'leadership-meeting',
            participants: ['principal', 'contact-teacher', 'guardians'],
            pupilPresent: false,
            minutesRef: 'vss/minutes',
          },
          await at(),
          'principal',
        ),
      );
      // Six weeks pass with no evaluation held in Trinn 2: the leadership must review.
      await r.env.sleep(42 * DAY + HOUR);
      const before = await viewOf(handle);
      expect(before.state.label).toBe(LABEL.t2SixWeeks);

      const review = async (role: 'contact-teacher' | 'principal') =>
        caseEvent('evaluation.held', { outcome: 'worse', minutesRef: 'vss/eval-2' }, await at(), role);
      expect(await attemptEvent(handle, await review('contact-teacher'))).toBe(
        'Rollen kontaktlærer kan ikke registrere «Tiltakene evaluert» i steget «Trinn 2: Vurdering etter seks uker». Det kan: rektor, skolens ledelse.',
      );
      const closing = caseEvent(
        'case.closed',
        { reason: 'pupil-moved', note: 'Flyttet.', documentRef: 'vss/closing' },
        await at(),
        'pupil',
      );
      expect(await attemptEvent(handle, closing)).toBe(
        'Rollen eleven kan ikke registrere «Saken avsluttet» i steget «Trinn 2: Vurdering etter seks uker». Det kan: kontaktlærer, rektor, skolens ledelse.',
      );
      expect(withoutDeliveries(await viewOf(handle))).toEqual(withoutDeliveries(before));
      expect(await attemptEvent(handle, await review('principal'))).toBe('taken');
      expect((await viewOf(handle)).state.label).toBe(LABEL.t3Health);
      expect((await closeCaseAsMoved(r, handle.workflowId)).status).toBe('closed');
    });
  });
});
