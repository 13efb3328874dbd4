/**
 * Procedure A, "Plan for skolenærvær", run as a durable case on the time-skipping server with
 * the real policy durations: 3 days without notice, the Trinn 1 review on its agreed date, the
 * 3-week evaluation, 6 weeks in total on Trinn 2, 3 months of Innsatsteam and 30 days of
 * monitoring all pass as durable timers, and a municipality's override moves a timer.
 */
import { addDays } from 'date-fns';
import type { CaseEvent } from '../../machines/events';
import { type CaseView, absenceFactsSignal, caseViewQuery, sendEventUpdate } from '../../workflows/case-messages';
import { type CaseTestEnv, caseEvent, closeCaseAsMoved, createCaseTestEnv, openCase, saveHistoryIfRecording } from '../helpers/case-env';

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
let t: CaseTestEnv;

beforeAll(async () => {
  t = await createCaseTestEnv();
});
afterAll(async () => {
  await t?.teardown();
});

type Handle = Awaited<ReturnType<typeof openCase>>;

/** The UTC calendar date `days` from server time; machines read agreed dates as UTC midnight. */
const dateIn = async (days: number) => addDays(new Date(await t.now()), days).toISOString().slice(0, 10);
const nowMs = async () => Date.parse(await t.now());
const view = (handle: Handle): Promise<CaseView> => handle.query(caseViewQuery);
/** A human event, as an Update; every event sent in this file is one the case takes. */
const send = async (handle: Handle, event: CaseEvent): Promise<CaseView> =>
  (await handle.executeUpdate(sendEventUpdate, { args: [event] })).view;

/**
 * A detection fact, as a Signal. Signals are not answered, so this waits until the case has
 * recorded the fact (applied or refused) and returns the view after it.
 */
async function signalFact(handle: Handle, event: CaseEvent): Promise<CaseView> {
  await handle.signal(absenceFactsSignal, event);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const v = await view(handle);
    if (v.timeline.some((e) => 'eventId' in e && e.eventId === event.eventId)) return v;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the case never recorded ${event.type} (${event.eventId})`);
}

// Events, stamped with the server's clock.
const contacted = async (cause: 'unknown' | 'school-related') =>
  caseEvent('guardians.contacted', { channel: 'phone', cause, documentRef: `vss/log-${cause}` }, await t.now());
const voice = async () => caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef: 'vss/voice' }, await t.now());
const mapping = async (form: 'psychosocial-environment' | 'extended-mapping') =>
  caseEvent('mapping.completed', { form, documentRef: `vss/${form}` }, await t.now());
const measures = async (evaluationInDays: number, role: 'contact-teacher' | 'principal' = 'principal') =>
  caseEvent(
    'measures.agreed',
    { measures: ['Fast morgenkontakt med en trygg voksen'], evaluationDate: await dateIn(evaluationInDays), planRef: 'vss/plan' },
    await t.now(),
    role,
  );
const evaluation = async (outcome: 'improved' | 'unchanged' | 'worse') =>
  caseEvent('evaluation.held', { outcome, minutesRef: `vss/evaluation-${outcome}` }, await t.now(), 'principal');
const meeting = async (kind: 'leadership-meeting' | 'innsatsteam-pre-meeting') =>
  caseEvent(
    'meeting.held',
    { meeting: kind, participants: ['principal', 'contact-teacher', 'guardians'], pupilPresent: true, minutesRef: `vss/minutes-${kind}` },
    await t.now(),
    'principal',
  );
const consent = async () => caseEvent('consent.given', { service: 'school-nurse', documentRef: 'vss/consent-school-nurse' }, await t.now(), 'guardians');
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
 * The deadline fired: the new state, the remaining deadlines, the timeline entry, and the case
 * flagged overdue, unless the delay is a planned period ending (the monitoring period), which
 * marks no lateness.
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
  expect(v.timeline.at(-1)).toMatchObject({ kind: 'deadline', name: deadline, stateLabel: after.label });
}

/** The due time of `name` in `v`, checked to be `days` after `fromMs` (within the minute the test took). */
function expectDueAfter(v: CaseView, name: string, fromMs: number, days: number) {
  const deadline = v.deadlines.find((d) => d.name === name);
  expect(deadline).toBeDefined();
  const due = Date.parse(deadline!.dueAt);
  expect(due - fromMs).toBeGreaterThanOrEqual(days * DAY - 60_000);
  expect(due - fromMs).toBeLessThanOrEqual(days * DAY + 60_000);
}

/**
 * Ends a test's case the way a school would (the pupil moved) rather than terminating it: on
 * the time-skipping server, terminating a workflow that has taken a signal leaves time skipping
 * locked for the rest of the file.
 */
async function closeCase(handle: Handle): Promise<void> {
  expect((await closeCaseAsMoved(t, handle.workflowId, 'vss/closing-moved')).status).toBe('closed');
}

/** Opens a case on over ten days of absence and brings it to Trinn 2 through a Trinn 1 evaluation without improvement. */
async function openInTrinn2(extra: Parameters<typeof openCase>[3] = {}): Promise<Handle> {
  const handle = await openCase(t, ID, await overTenDays(), extra);
  expect((await view(handle)).state.label).toBe('Trinn 1: Vurdering og samtale med foresatte');
  await send(handle, await contacted('school-related'));
  await send(handle, await mapping('psychosocial-environment'));
  await send(handle, await voice());
  await send(handle, await measures(14, 'contact-teacher'));
  const v = await send(handle, await evaluation('unchanged'));
  expect(v.state.label).toBe('Trinn 2: Møte med foresatte og elev innkalles');
  expect(v.deadlines.map((d) => d.name)).toEqual(['escalationAfterSixWeeksInTotal']);
  return handle;
}

/** Holds the Trinn 2 meeting and agrees measures; returns the view with the evaluation timer set. */
async function agreeTrinn2Measures(handle: Handle, evaluationInDays: number): Promise<CaseView> {
  await send(handle, await meeting('leadership-meeting'));
  await send(handle, await voice());
  const v = await send(handle, await measures(evaluationInDays));
  expect(v.state.label).toBe('Trinn 2: Skolen arbeider med tiltakene');
  return v;
}

test('[A.T3.3] the longest route runs end to end with real durations: universal level, Trinn 1, Trinn 2 with 3-week evaluation and 6-week review, Trinn 3 with Innsatsteam for 3 months, other services, monitoring, closed', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    // Universal level: absence without notice; the school contacts the home after three days.
    const openedAt = await nowMs();
    const handle = await openCase(t, ID, { rule: 'unnotified-absence', dates: [await dateIn(0)] });
    let v = await view(handle);
    expect(v.state.label).toBe('Venter på melding fra foresatte');
    expect(v.stage).toBe('identification');
    expect(v.deadlines.map((d) => d.name)).toEqual(['contactAfterThreeDaysWithoutNotice']);
    expectDueAfter(v, 'contactAfterThreeDaysWithoutNotice', openedAt, 3);

    await t.env.sleep('2 days');
    expectWaiting(await view(handle), 'Venter på melding fra foresatte', 'contactAfterThreeDaysWithoutNotice');
    await t.env.sleep(LAST_DAY_AND_AN_HOUR);
    expectFired(await view(handle), 'contactAfterThreeDaysWithoutNotice', {
      label: 'Skolen kontakter foresatte om manglende melding',
      stage: 'identification',
      deadlines: [],
    });

    v = await send(handle, await contacted('unknown'));
    expect(v.state.label).toBe('Fraværet følges på universelt nivå');

    // Trinn 1: detection reports over ten days of absence.
    v = await signalFact(handle, caseEvent('absence.thresholdReached', { trigger: await overTenDays() }, await t.now(), 'system'));
    expect(v.state.label).toBe('Trinn 1: Vurdering og samtale med foresatte');
    v = await send(handle, await contacted('school-related'));
    expect(v.state.label).toBe('Trinn 1: Kartlegging av psykososialt miljø og tiltak');
    await send(handle, await mapping('psychosocial-environment'));
    await send(handle, await voice());
    const trinn1Plan = await measures(14, 'contact-teacher');
    v = await send(handle, trinn1Plan);
    expect(v.state.label).toBe('Trinn 1: Tiltak prøves ut');
    expect(v.deadlines.map((d) => d.name)).toEqual(['trinn1ReviewOnAgreedDate']);
    // The review is due at the start (UTC) of the agreed date, at most 14 days away.
    const reviewDue = Date.parse(v.deadlines[0]!.dueAt);
    expect(new Date(reviewDue).toISOString().slice(0, 10)).toBe(trinn1Plan.evaluationDate);
    expect(reviewDue - (await nowMs())).toBeLessThanOrEqual(14 * DAY);
    await t.env.sleep(reviewDue - (await nowMs()) - DAY);
    expectWaiting(await view(handle), 'Trinn 1: Tiltak prøves ut', 'trinn1ReviewOnAgreedDate');
    await t.env.sleep(LAST_DAY_AND_AN_HOUR);
    expectFired(await view(handle), 'trinn1ReviewOnAgreedDate', { label: 'Trinn 1: Vurder om bekymringen består', stage: 'evaluation', deadlines: [] });

    // Trinn 2: no improvement; the six weeks in total start now.
    const trinn2At = await nowMs();
    v = await send(handle, await evaluation('unchanged'));
    expect(v.state.label).toBe('Trinn 2: Møte med foresatte og elev innkalles');
    expect(v.stage).toBe('measures');
    expectDueAfter(v, 'escalationAfterSixWeeksInTotal', trinn2At, 42);
    v = await agreeTrinn2Measures(handle, 21);
    expect(v.deadlines.map((d) => d.name)).toEqual(['evaluationAfterThreeWeeks', 'escalationAfterSixWeeksInTotal']);
    expectDueAfter(v, 'evaluationAfterThreeWeeks', await nowMs(), 21);

    await t.env.sleep('20 days');
    expectWaiting(await view(handle), 'Trinn 2: Skolen arbeider med tiltakene', 'evaluationAfterThreeWeeks');
    await t.env.sleep(LAST_DAY_AND_AN_HOUR);
    expectFired(await view(handle), 'evaluationAfterThreeWeeks', {
      label: 'Trinn 2: Evalueringsmøte etter tre uker',
      stage: 'evaluation',
      deadlines: ['escalationAfterSixWeeksInTotal'],
    });

    v = await send(handle, await evaluation('unchanged'));
    expect(v.state.label).toBe('Trinn 2: Justerte tiltak fram til seksukersgrensen');
    v = await send(handle, await measures(14));
    expect(v.state.label).toBe('Trinn 2: Justerte tiltak fram til seksukersgrensen');
    // Detection sees improvement, so at six weeks the school reviews rather than escalating at once.
    v = await signalFact(handle, await trend('improved'));
    expect(v.state.label).toBe('Trinn 2: Justerte tiltak fram til seksukersgrensen');

    const sixWeeksDue = Date.parse(v.deadlines[0]!.dueAt);
    expect(sixWeeksDue - (await nowMs())).toBeLessThanOrEqual(21 * DAY);
    await t.env.sleep('20 days');
    expectWaiting(await view(handle), 'Trinn 2: Justerte tiltak fram til seksukersgrensen', 'escalationAfterSixWeeksInTotal');
    await t.env.sleep(LAST_DAY_AND_AN_HOUR);
    expectFired(await view(handle), 'escalationAfterSixWeeksInTotal', { label: 'Trinn 2: Vurdering etter seks uker', stage: 'evaluation', deadlines: [] });

    // Trinn 3: worse at the review; school health service, then Innsatsteam.
    v = await send(handle, await evaluation('worse'));
    expect(v.state.label).toBe('Trinn 3: Skolehelsetjenesten kobles inn');
    expect(v.stage).toBe('escalated');
    v = await send(handle, await consent());
    expect(v.state.label).toBe('Trinn 3: Tiltak vurderes før melding til Innsatsteam');
    v = await send(handle, await referral('innsatsteam'));
    expect(v.state.label).toBe('Trinn 3: Formøte med Innsatsteam');
    v = await send(handle, await meeting('innsatsteam-pre-meeting'));
    expect(v.state.label).toBe('Trinn 3: Utvidet kartlegging og tiltak');
    await send(handle, await mapping('extended-mapping'));
    await send(handle, await voice());
    v = await send(handle, await measures(28));
    expect(v.state.label).toBe('Trinn 3: Innsatsteam følger opp tiltakene');
    expect(v.deadlines.map((d) => d.name)).toEqual(['innsatsteamThreeMonths']);
    expectDueAfter(v, 'innsatsteamThreeMonths', await nowMs(), 90);

    v = await send(handle, await evaluation('unchanged'));
    expect(v.state.label).toBe('Trinn 3: Innsatsteam følger opp tiltakene');
    v = await signalFact(handle, await trend('improved'));
    expect(v.deadlines.map((d) => d.name)).toEqual(['innsatsteamThreeMonths']);

    await t.env.sleep('89 days');
    expectWaiting(await view(handle), 'Trinn 3: Innsatsteam følger opp tiltakene', 'innsatsteamThreeMonths');
    await t.env.sleep(LAST_DAY_AND_AN_HOUR);
    expectFired(await view(handle), 'innsatsteamThreeMonths', { label: 'Trinn 3: Vurdering etter tre måneder', stage: 'escalated', deadlines: [] });

    // No improvement after three months: other services are contacted.
    v = await send(handle, await evaluation('unchanged'));
    expect(v.state.label).toBe('Trinn 3: Andre instanser kontaktes');
    await send(handle, await referral('ppt'));
    // E.BUP1: with the guardians' consent, after the municipality's measures, the GP refers to BUP.
    await send(handle, caseEvent('consent.given', { service: 'bup', documentRef: 'vss/consent-bup' }, await t.now(), 'guardians'));
    await send(handle, await referral('bup', 'doctor'));

    // Improvement: monitoring, then closing.
    v = await send(handle, await evaluation('improved'));
    expect(v.state.label).toBe('Oppfølging etter bedring');
    expect(v.stage).toBe('monitoring');
    expect(v.deadlines.map((d) => d.name)).toEqual(['monitoringPeriod']);
    expectDueAfter(v, 'monitoringPeriod', await nowMs(), 30);

    await t.env.sleep('29 days');
    expectWaiting(await view(handle), 'Oppfølging etter bedring', 'monitoringPeriod');
    await t.env.sleep(LAST_DAY_AND_AN_HOUR);
    v = await view(handle);
    // The end of the monitoring period is planned, not late: the case is due for closing but not overdue.
    expectFired(v, 'monitoringPeriod', { label: 'Klar til avslutning', stage: 'monitoring', deadlines: [], overdue: false });
    expect(v.timeline.filter((e) => e.kind === 'deadline').map((e) => e.kind === 'deadline' && e.name)).toEqual([
      'contactAfterThreeDaysWithoutNotice',
      'trinn1ReviewOnAgreedDate',
      'evaluationAfterThreeWeeks',
      'escalationAfterSixWeeksInTotal',
      'innsatsteamThreeMonths',
      'monitoringPeriod',
    ]);
    expect(v.timeline.filter((e) => e.kind === 'refused')).toEqual([]);

    await send(
      handle,
      caseEvent('case.closed', { reason: 'absence-improved', note: 'Stabilt oppmøte gjennom hele oppfølgingsperioden.', documentRef: 'vss/closing' }, await t.now(), 'principal'),
    );

    const final = await handle.result();
    expect(final.status).toBe('closed');
    expect(final.state.label).toBe('Avsluttet');
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
    const mine = (await t.outbox.list()).filter((m) => m.caseId === final.caseId);
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
    expect(mine).toHaveLength(24);
    expect(new Set(mine.map((m) => m.idempotencyKey)).size).toBe(mine.length);
    await saveHistoryIfRecording(t, handle.workflowId, 'plan-for-skolenaervaer-longest-route');
  });
});

test('[A.T2.4] the three-week evaluation is not due one day early, and is due at three weeks', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const handle = await openInTrinn2();
    const agreedAt = await nowMs();
    const v = await agreeTrinn2Measures(handle, 21);
    expectDueAfter(v, 'evaluationAfterThreeWeeks', agreedAt, 21);

    await t.env.sleep('20 days');
    const before = await view(handle);
    expectWaiting(before, 'Trinn 2: Skolen arbeider med tiltakene', 'evaluationAfterThreeWeeks');
    expect(before.stage).toBe('measures');
    expect(before.timeline.filter((e) => e.kind === 'deadline')).toEqual([]);

    await t.env.sleep(LAST_DAY_AND_AN_HOUR);
    expectFired(await view(handle), 'evaluationAfterThreeWeeks', {
      label: 'Trinn 2: Evalueringsmøte etter tre uker',
      stage: 'evaluation',
      deadlines: ['escalationAfterSixWeeksInTotal'],
    });
    const reminders = (await t.outbox.list()).filter((m) => m.caseId === before.caseId && m.subject === 'Påminnelse: tiltakene skal evalueres');
    expect(reminders).toHaveLength(1);
    await closeCase(handle);
  });
});

test('[A.T2.5] six weeks in total from entering Trinn 2, with absence unchanged, move the case to Trinn 3 — not one day earlier', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const trinn2At = await nowMs();
    const handle = await openInTrinn2();
    expectDueAfter(await view(handle), 'escalationAfterSixWeeksInTotal', trinn2At, 42);

    // The meeting is held a week into Trinn 2; the six weeks still count from entering it.
    await t.env.sleep('7 days');
    await agreeTrinn2Measures(handle, 21);
    await t.env.sleep(21 * DAY + HOUR);
    expectFired(await view(handle), 'evaluationAfterThreeWeeks', {
      label: 'Trinn 2: Evalueringsmøte etter tre uker',
      stage: 'evaluation',
      deadlines: ['escalationAfterSixWeeksInTotal'],
    });
    const adjusted = await send(handle, await evaluation('unchanged'));
    expect(adjusted.state.label).toBe('Trinn 2: Justerte tiltak fram til seksukersgrensen');
    const due = Date.parse(adjusted.deadlines[0]!.dueAt);

    await t.env.sleep(due - (await nowMs()) - DAY);
    expectWaiting(await view(handle), 'Trinn 2: Justerte tiltak fram til seksukersgrensen', 'escalationAfterSixWeeksInTotal');

    await t.env.sleep(LAST_DAY_AND_AN_HOUR);
    expectFired(await view(handle), 'escalationAfterSixWeeksInTotal', {
      label: 'Trinn 3: Skolehelsetjenesten kobles inn',
      stage: 'escalated',
      deadlines: [],
    });
    await closeCase(handle);
  });
});

test('[A.T2.4] a municipality override of the evaluation limit (evaluationAfterDays: 14) makes the workflow timer fire after two weeks instead of three', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const trinn2At = await nowMs();
    const handle = await openInTrinn2({ policyOverrides: { evaluationAfterDays: 14 } });
    // Only the overridden limit changes: the six weeks in total keep their default.
    expectDueAfter(await view(handle), 'escalationAfterSixWeeksInTotal', trinn2At, 42);
    const agreedAt = await nowMs();
    const v = await agreeTrinn2Measures(handle, 14);
    expectDueAfter(v, 'evaluationAfterThreeWeeks', agreedAt, 14);

    await t.env.sleep('13 days');
    expectWaiting(await view(handle), 'Trinn 2: Skolen arbeider med tiltakene', 'evaluationAfterThreeWeeks');
    await t.env.sleep(LAST_DAY_AND_AN_HOUR);
    expectFired(await view(handle), 'evaluationAfterThreeWeeks', {
      label: 'Trinn 2: Evalueringsmøte etter tre uker',
      stage: 'evaluation',
      deadlines: ['escalationAfterSixWeeksInTotal'],
    });
    await closeCase(handle);
  });
});
