/**
 * Procedure C run as a durable case on the time-skipping server with the real policy
 * durations: deadlines fire as durable timers, refused updates leave no trace, duplicates apply
 * once, and a case crosses continue-as-new mid-timer.
 */
import { addDays } from 'date-fns';
import { caseWorkflow } from '../../workflows';
import { sendEventUpdate, caseViewQuery, absenceFactsSignal, type CaseView } from '../../workflows/case-messages';
import { CaseStage, CaseStatus, NextDeadline, ProcedureId } from '../../workflows/search-attributes';
import { type CaseTestEnv, caseEvent, closeCaseAsMoved, createCaseTestEnv, openCase, saveHistoryIfRecording } from '../helpers/case-env';

const ID = 'tiltaksplan-elevfravaer';
const DAY = 24 * 60 * 60 * 1000;
const trigger = { rule: 'consecutive-days', dates: ['2026-09-02', '2026-09-03', '2026-09-04'] };
let t: CaseTestEnv;

beforeAll(async () => {
  t = await createCaseTestEnv();
});
afterAll(async () => {
  await t?.teardown();
});

/** The UTC calendar date `days` from server time; machines read agreed dates as UTC midnight. */
const dateIn = async (days: number) => addDays(new Date(await t.now()), days).toISOString().slice(0, 10);

async function contacted(cause: 'school-related' | 'home-related' | 'illness' = 'school-related') {
  return caseEvent('guardians.contacted', { channel: 'phone', cause, documentRef: `log-${cause}` }, await t.now());
}
async function voice() {
  return caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef: 'voice-1' }, await t.now());
}
async function plan(days: number) {
  return caseEvent('measures.agreed', { measures: ['Fast oppmøte med kontaktlærer hver morgen'], evaluationDate: await dateIn(days), planRef: 'plan-1' }, await t.now(), 'principal');
}

type Handle = Awaited<ReturnType<typeof openCase>>;
const send = async (handle: Handle, event: Parameters<typeof caseEvent>[0] extends never ? never : Awaited<ReturnType<typeof contacted>> | object) =>
  handle.executeUpdate(sendEventUpdate, { args: [event as never] });
const view = (handle: Handle): Promise<CaseView> => handle.query(caseViewQuery);

/**
 * Ends a test's case the way a school would (the pupil moved) rather than terminating it: on
 * the time-skipping server, terminating a workflow that has taken a signal leaves time skipping
 * locked for the rest of the file.
 */
const closeCase = (handle: Handle) => closeCaseAsMoved(t, handle.workflowId);

test('[C.3.3a] the longest route runs end to end with real durations: 3-day plan, new trigger, meeting, 3-week follow-up, 30-day monitoring, closed', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const handle = await openCase(t, ID, trigger);
    let v = await view(handle);
    expect(v.state.label).toBe('Kontakt med hjemmet');
    expect(v.stage).toBe('identification');
    expect(v.deadlines.map((d) => d.name)).toEqual(['contactReminder']);

    await send(handle, await contacted());
    await send(handle, await voice());
    const planned = await send(handle, await plan(3));
    expect(planned.view.deadlines.map((d) => d.name)).toEqual(['threeDayPlanPeriod']);
    const planDue = Date.parse(planned.view.deadlines[0]!.dueAt);
    expect(planDue - Date.parse(await t.now())).toBeGreaterThan(3 * DAY - 60_000);

    await t.env.sleep('2 days');
    expect((await view(handle)).state.label).toBe('Planen følges');
    await t.env.sleep('1 day');
    v = await view(handle);
    expect(v.stage).toBe('monitoring');
    expect(v.timeline.filter((e) => e.kind === 'deadline').map((e) => e.kind === 'deadline' && e.name)).toEqual(['threeDayPlanPeriod']);

    await handle.signal(absenceFactsSignal, caseEvent('absence.newTrigger', { trigger: { rule: 'consecutive-days', dates: [await dateIn(-1)] } }, await t.now(), 'system'));
    await send(handle, await contacted('home-related'));
    v = await view(handle);
    expect(v.state.label).toBe('Rektor kaller inn til møte');
    await send(
      handle,
      caseEvent(
        'meeting.held',
        { meeting: 'leadership-meeting', participants: ['principal', 'school-leadership', 'contact-teacher', 'guardians', 'pupil'], pupilPresent: true, minutesRef: 'minutes-1' },
        await t.now(),
        'principal',
      ),
    );
    await send(handle, caseEvent('mapping.completed', { form: 'situation-mapping', documentRef: 'mapping-1' }, await t.now(), 'principal'));
    // The pupil takes part in the meeting and is heard there before the plan (C.3.2b, D.2).
    await send(handle, await voice());
    v = (await send(handle, await plan(21))).view;
    expect(v.state.label).toBe('Tiltak gjennomføres');
    expect(v.deadlines.map((d) => d.name)).toEqual(['followUpMeetingWithinThreeWeeks']);

    await t.env.sleep('20 days');
    expect((await view(handle)).state.label).toBe('Tiltak gjennomføres');
    await t.env.sleep('2 days');
    v = await view(handle);
    expect(v.state.label).toBe('Oppfølgingsmøte');
    expect(v.overdue).toBe(true);

    await send(handle, caseEvent('evaluation.held', { outcome: 'improved', minutesRef: 'evaluation-1' }, await t.now(), 'principal'));
    await t.env.sleep('30 days');
    expect((await view(handle)).state.label).toBe('Klar til avslutning');
    await send(handle, caseEvent('case.closed', { reason: 'absence-improved', note: 'Stabilt oppmøte i en måned.', documentRef: 'closing-1' }, await t.now(), 'principal'));

    const final = await handle.result();
    expect(final.status).toBe('closed');
    expect(final.documents.map((d) => d.kind)).toEqual(
      expect.arrayContaining(['contact-log', 'pupil-voice', 'measures-plan', 'minutes', 'mapping-form', 'evaluation', 'closing-note']),
    );
    const messages = await t.outbox.list();
    const mine = messages.filter((m) => m.caseId === final.caseId);
    expect(mine.map((m) => m.subject)).toEqual(
      expect.arrayContaining(['Ny fraværssak', 'Slik følger skolen opp fravær', 'Påminnelse: tiltakene skal evalueres', 'Oppfølgingen av fraværet er avsluttet']),
    );
    // Every effect was delivered once: idempotency keys are unique.
    expect(new Set(mine.map((m) => m.idempotencyKey)).size).toBe(mine.length);
    await saveHistoryIfRecording(t, handle.workflowId, 'tiltaksplan-elevfravaer-longest-route');
  });
});

test('a duplicated event (same event id) is applied once', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const handle = await openCase(t, ID, trigger);
    const event = await contacted();
    const first = await send(handle, event);
    const second = await send(handle, event);
    expect(first.applied).toBe(true);
    expect(second.applied).toBe(false);
    await handle.signal(absenceFactsSignal, event as never);
    const v = await view(handle);
    expect(v.timeline.filter((e) => e.kind === 'event' && e.eventId === event.eventId)).toHaveLength(1);
    expect(v.documents).toHaveLength(1);
    await closeCase(handle);
  });
});

test('a fact the case cannot take by signal is kept on the timeline as refused, and the case goes on', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const handle = await openCase(t, ID, trigger);
    await handle.signal(absenceFactsSignal, caseEvent('evaluation.held', { outcome: 'improved', minutesRef: 'm' }, await t.now(), 'system'));
    await handle.signal(absenceFactsSignal, { type: 'absence.trend', eventId: 'bad' } as never);
    const v = await view(handle);
    expect(v.timeline.map((e) => e.kind)).toEqual(['refused', 'refused']);
    expect(v.state.label).toBe('Kontakt med hjemmet');
    await closeCase(handle);
  });
});

test('search attributes follow the case: school, procedure, stage, status and next deadline', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const handle = await openCase(t, ID, trigger);
    await send(handle, await contacted());
    const attrs = (await handle.describe()).typedSearchAttributes;
    expect(attrs.get(ProcedureId)).toBe(ID);
    expect(attrs.get(CaseStage)).toBe('measures');
    expect(attrs.get(CaseStatus)).toBe('open');
    expect(attrs.get(NextDeadline)).toBeUndefined(); // planning the three days has no deadline
    await send(handle, await voice());
    await send(handle, await plan(3));
    expect((await handle.describe()).typedSearchAttributes.get(NextDeadline)).toBeInstanceOf(Date);
    await closeCase(handle);
  });
});

test('a case crosses continue-as-new mid-timer without losing or doubling its deadline', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const handle = await openCase(t, ID, trigger, { historyEventLimit: 60 });
    const firstRun = (await handle.describe()).runId;
    await send(handle, await contacted());
    await send(handle, await voice());
    const planned = await send(handle, await plan(3));
    const due = planned.view.deadlines[0]!.dueAt;
    // Grow the history past the limit while the 3-day timer is pending.
    for (let i = 0; i < 12; i += 1) {
      await send(handle, caseEvent('staff.informed', { recipients: ['principal'] }, await t.now()));
    }
    await t.env.sleep('1 hour');
    const described = await t.env.client.workflow.getHandle(handle.workflowId).describe();
    expect(described.runId).not.toBe(firstRun);
    const latest = t.env.client.workflow.getHandle(handle.workflowId);
    let v = await latest.query(caseViewQuery);
    expect(v.deadlines).toEqual([{ name: 'threeDayPlanPeriod', dueAt: due }]);
    expect(v.timeline.filter((e) => e.kind === 'event')).toHaveLength(15);

    await t.env.sleep('3 days');
    v = await latest.query(caseViewQuery);
    expect(v.stage).toBe('monitoring');
    expect(v.timeline.filter((e) => e.kind === 'deadline')).toHaveLength(1);
    expect(v.deadlines.map((d) => d.name)).toEqual(['monitoringPeriod']);
    await closeCase(latest);
    await saveHistoryIfRecording(t, handle.workflowId, 'tiltaksplan-elevfravaer-after-continue-as-new');
  });
});

test('a plan registered two days after it was made gets its deadline from when it was made', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const handle = await openCase(t, ID, trigger);
    await send(handle, await contacted());
    await send(handle, await voice());
    const madeAt = new Date(Date.parse(await t.now()) - 2 * DAY).toISOString();
    const late = caseEvent('measures.agreed', { measures: ['Fast oppmøte'], evaluationDate: await dateIn(1), planRef: 'plan-late' }, madeAt, 'principal');
    const { view: v } = await send(handle, late);
    expect(v.deadlines).toEqual([{ name: 'threeDayPlanPeriod', dueAt: new Date(Date.parse(madeAt) + 3 * DAY).toISOString() }]);
    await t.env.sleep('1 day');
    expect((await view(handle)).stage).toBe('monitoring');
    await closeCase(handle);
  });
});

test('a message that keeps failing does not hold back the deadlines; its failure is kept on the timeline', async () => {
  const failing = { deliver: () => Promise.reject(new Error('SMTP-tjeneren svarer ikke')) };
  const worker = await t.newWorker(failing);
  await worker.runUntil(async () => {
    const handle = await openCase(t, ID, trigger);
    await send(handle, await contacted());
    await send(handle, await voice());
    await send(handle, await plan(3));
    await t.env.sleep('3 days');
    let v = await view(handle);
    expect(v.stage).toBe('monitoring'); // the 3-day plan ended on time while messages were retried
    await t.env.sleep('3 days');
    v = await view(handle);
    const failures = v.timeline.flatMap((e) => (e.kind === 'refused' && e.type.startsWith('effect:') ? [e] : []));
    expect(failures.map((e) => e.type)).toEqual(expect.arrayContaining(['effect:notifyStaff', 'effect:notifyGuardians']));
    expect(failures.every((e) => e.reason.includes('kunne ikke utføres'))).toBe(true);
    await closeCase(handle);
  });
});

test('a case opened from five-day-old facts sends one overdue reminder, not one per missed day', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const now = Date.parse(await t.now());
    const handle = await openCase(t, ID, trigger);
    // A second case for the same school, opened as if detection had found the absence five days late.
    const late = await t.env.client.workflow.start(caseWorkflow, {
      taskQueue: t.taskQueue,
      workflowId: `${handle.workflowId}-late`,
      args: [{ procedureId: ID, facts: { caseId: 'late-1', pupilId: 'late-1', schoolId: 'school-1', grade: 9, openedAt: new Date(now - 5 * DAY).toISOString(), trigger } as never }],
    });
    await t.env.sleep('1 minute');
    const v = await late.query(caseViewQuery);
    expect(v.timeline.filter((e) => e.kind === 'deadline')).toHaveLength(1);
    expect(v.overdue).toBe(true);
    expect(Date.parse(v.deadlines[0]!.dueAt)).toBeGreaterThan(now + DAY - 5 * 60_000);
    await closeCase(late as never);
    await closeCase(handle);
  });
});
