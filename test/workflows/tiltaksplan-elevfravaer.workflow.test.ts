/**
 * Procedure C (version 2) run as a durable case on the time-skipping server with the real policy
 * durations: deadlines fire as durable timers, duplicates apply once, a case crosses
 * continue-as-new mid-timer, a case opened from old facts fires each passed deadline once and is
 * overdue only for the steps a person owed, an illness closing keeps its reason, a case opened on
 * a day without notice is overdue until the home has answered and closes with the explanation,
 * and a role the step does not allow is refused by name.
 */
import type { WorkflowUpdateFailedError } from '@temporalio/client';
import { caseWorkflow } from '../../workflows';
import { absenceFactsSignal } from '../../workflows/case-messages';
import { CaseStage, CaseStatus, NextDeadline, OverdueSince, ProcedureId } from '../../workflows/search-attributes';
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
import { messagesOf, sendEvent, utcDateIn, viewOf, closingReasonOf } from '../helpers/case-steps';

const ID = 'tiltaksplan-elevfravaer';
const DAY = 24 * 60 * 60 * 1000;
const trigger = { rule: 'consecutive-days' as const, dates: ['2026-09-02', '2026-09-03', '2026-09-04'] };
const t = useCaseTestEnv();

/** The UTC calendar date `days` from server time; machines read agreed dates as UTC midnight. */
const dateIn = (days: number) => utcDateIn(t, days);

async function contacted(cause: 'school-related' | 'home-related' | 'illness' = 'school-related') {
  return caseEvent('guardians.contacted', { channel: 'phone', cause, documentRef: `log-${cause}` }, await t.now());
}
async function voice() {
  return caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef: 'voice-1' }, await t.now());
}
async function plan(days: number) {
  return caseEvent(
    'measures.agreed',
    { measures: ['Fast oppmøte med kontaktlærer hver morgen'], evaluationDate: await dateIn(days), planRef: 'plan-1' },
    await t.now(),
    'principal',
  );
}

/** A meeting held with everyone the source names there (C.3.2a, C.3.3c), recorded by the principal who led it. */
async function meetingHeld(meeting: 'leadership-meeting' | 'evaluation-meeting') {
  return caseEvent(
    'meeting.held',
    {
      meeting,
      participants: ['principal', 'school-leadership', 'contact-teacher', 'guardians', 'pupil'],
      pupilPresent: true,
      minutesRef: `minutes-${meeting}`,
    },
    await t.now(),
    'principal',
  );
}

const send = sendEvent;
/** Detection's new trigger: absence on consecutive days up to yesterday. */
const newAbsenceSinceYesterday = async () =>
  caseEvent('absence.newTrigger', { trigger: { rule: 'consecutive-days', dates: [await dateIn(-1)] } }, await t.now(), 'system');

/**
 * Ends a test's case the way a school would (the pupil moved) rather than terminating it: on
 * the time-skipping server, terminating a workflow that has taken a signal leaves time skipping
 * locked for the rest of the file.
 */
const closeCase = (handle: CaseHandle) => closeCaseAsMoved(t, handle.workflowId);

test('[C.3.3a] the longest route runs end to end with real durations: 3-day plan, new trigger during follow-up, meeting, 3-week follow-up meeting, closed at it', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger);
    let v = await viewOf(handle);
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
    expect((await viewOf(handle)).state.label).toBe('Planen følges');
    await t.env.sleep('1 day');
    v = await viewOf(handle);
    expect(v.stage).toBe('monitoring');
    expect(v.overdue).toBe(false); // the plan's days ending is a planned period, not a missed step
    expect(v.timeline.filter((e) => e.kind === 'deadline').map((e) => e.kind === 'deadline' && e.name)).toEqual(['threeDayPlanPeriod']);

    await handle.signal(absenceFactsSignal, await newAbsenceSinceYesterday());
    await send(handle, await contacted('home-related'));
    v = await viewOf(handle);
    expect(v.state.label).toBe('Rektor kaller inn til møte');
    expect(v.triggers.map((tr) => tr.effect)).toEqual(['opened', 'moved']);
    await send(handle, await meetingHeld('leadership-meeting'));
    await send(handle, caseEvent('mapping.completed', { form: 'situation-mapping', documentRef: 'mapping-1' }, await t.now(), 'principal'));
    // The pupil takes part in the meeting and is heard there before the plan (C.3.2b, D.2).
    await send(handle, await voice());
    v = (await send(handle, await plan(21))).view;
    expect(v.state.label).toBe('Tiltak gjennomføres');
    expect(v.deadlines.map((d) => d.name)).toEqual(['followUpMeetingWithinThreeWeeks']);

    // Due at the end of the agreed day, three weeks on: not overdue on the day itself.
    await t.env.sleep('21 days');
    expect((await viewOf(handle)).state.label).toBe('Tiltak gjennomføres');
    await t.env.sleep('1 day');
    v = await viewOf(handle);
    expect(v.state.label).toBe('Oppfølgingsmøte');
    expect(v.overdue).toBe(true);

    // The meeting is recorded, then its evaluation; absence is clearly lower, so the case is closed at it.
    await send(handle, await meetingHeld('evaluation-meeting'));
    expect((await viewOf(handle)).overdue).toBe(true);
    v = (await send(handle, caseEvent('evaluation.held', { outcome: 'improved', minutesRef: 'evaluation-1' }, await t.now(), 'principal')))
      .view;
    expect(v.state.label).toBe('Klar til avslutning');
    expect(v.overdue).toBe(false);
    const final = await closeCaseWith(
      t,
      handle.workflowId,
      { reason: 'absence-improved', note: 'Fraværet er merkbart mindre.', documentRef: 'closing-1' },
      'principal',
    );
    expect(final.status).toBe('closed');
    expect(final.closing).toMatchObject({ reason: 'absence-improved', note: 'Fraværet er merkbart mindre.' });
    expect(final.documents.map((d) => d.kind)).toEqual(
      expect.arrayContaining(['contact-log', 'pupil-voice', 'measures-plan', 'minutes', 'mapping-form', 'evaluation', 'closing-note']),
    );
    const mine = await messagesOf(t, final.caseId);
    expect(mine.map((m) => m.subject)).toEqual(
      expect.arrayContaining([
        'Ny fraværssak',
        'Slik følger skolen opp fravær',
        'Påminnelse: tiltakene skal evalueres',
        'Oppfølgingen av fraværet er avsluttet',
      ]),
    );
    // Every effect was delivered once: idempotency keys are unique, and the case-opened message and the invitation went once.
    expect(new Set(mine.map((m) => m.idempotencyKey)).size).toBe(mine.length);
    expect(mine.filter((m) => m.subject === 'Ny fraværssak')).toHaveLength(1);
    expect(mine.filter((m) => m.subject === 'Invitasjon til møte om skolefravær')).toHaveLength(1);
    await saveHistoryIfRecording(t, handle.workflowId, 'tiltaksplan-elevfravaer-longest-route');
  });
});

test('a duplicated event (same event id) is applied once', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger);
    const event = await contacted();
    const first = await send(handle, event);
    const second = await send(handle, event);
    expect(first.applied).toBe(true);
    expect(second.applied).toBe(false);
    await handle.signal(absenceFactsSignal, event as never);
    const v = await viewOf(handle);
    expect(v.timeline.filter((e) => e.kind === 'event' && e.eventId === event.eventId)).toHaveLength(1);
    expect(v.documents).toHaveLength(1);
    await closeCase(handle);
  });
});

test('a fact the case cannot take by signal is kept on the timeline as refused, and the case goes on', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger);
    await handle.signal(
      absenceFactsSignal,
      caseEvent('evaluation.held', { outcome: 'improved', minutesRef: 'm' }, await t.now(), 'system'),
    );
    await handle.signal(absenceFactsSignal, { type: 'absence.trend', eventId: 'bad' } as never);
    const v = await viewOf(handle);
    // The opening message may be delivered meanwhile; it is on the timeline as an effect.
    expect(v.timeline.filter((e) => e.kind !== 'effect').map((e) => e.kind)).toEqual(['refused', 'refused']);
    expect(v.state.label).toBe('Kontakt med hjemmet');
    await closeCase(handle);
  });
});

test('search attributes follow the case: school, procedure, stage, status and next deadline', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger);
    await send(handle, await contacted());
    const attrs = (await handle.describe()).typedSearchAttributes;
    expect(attrs.get(ProcedureId)).toBe(ID);
    expect(attrs.get(CaseStage)).toBe('measures');
    expect(attrs.get(CaseStatus)).toBe('open');
    // The three-day plan is due at once: its reminder is the next deadline, a day after the contact.
    expect(Date.parse(String(attrs.get(NextDeadline)?.toISOString())) - Date.parse(await t.now())).toBeGreaterThan(DAY - 60_000);
    await send(handle, await voice());
    await send(handle, await plan(3));
    expect((await handle.describe()).typedSearchAttributes.get(NextDeadline)).toBeInstanceOf(Date);
    await closeCase(handle);
  });
});

test('a case crosses continue-as-new mid-timer without losing or doubling its deadline', async () => {
  await withCaseWorker(t, async () => {
    // One continue-as-new, while the 3-day timer is pending: the first run passes the limit part way
    // through the notes below, the second stays under it. (On the time-skipping server a second
    // continue-as-new as the timer fires holds time skipping until the abandoned activity times out.)
    const handle = await openCase(t, ID, trigger, { historyEventLimit: 70 });
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
    // The memo (the pupil, for the lists) goes with the case into its next run.
    expect(described.memo).toMatchObject({ pupilId: expect.stringMatching(/^pupil-/) });
    const latest = t.env.client.workflow.getHandle(handle.workflowId);
    let v = await viewOf(latest);
    expect(v.deadlines).toEqual([{ name: 'threeDayPlanPeriod', dueAt: due }]);
    expect(v.timeline.filter((e) => e.kind === 'event')).toHaveLength(15);

    await t.env.sleep('3 days');
    v = await viewOf(latest);
    expect(v.stage).toBe('monitoring');
    expect(v.timeline.filter((e) => e.kind === 'deadline')).toHaveLength(1);
    expect(v.deadlines.map((d) => d.name)).toEqual(['monitoringPeriod']);
    await closeCase(latest);
    await saveHistoryIfRecording(t, handle.workflowId, 'tiltaksplan-elevfravaer-after-continue-as-new');
  });
});

test('a plan registered two days after it was made gets its deadline from when it was made', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger);
    await send(handle, await contacted());
    await send(handle, await voice());
    const madeAt = new Date(Date.parse(await t.now()) - 2 * DAY).toISOString();
    const late = caseEvent(
      'measures.agreed',
      { measures: ['Fast oppmøte'], evaluationDate: await dateIn(1), planRef: 'plan-late' },
      madeAt,
      'principal',
    );
    const { view: v } = await send(handle, late);
    expect(v.deadlines).toEqual([{ name: 'threeDayPlanPeriod', dueAt: new Date(Date.parse(madeAt) + 3 * DAY).toISOString() }]);
    await t.env.sleep('1 day');
    expect((await viewOf(handle)).stage).toBe('monitoring');
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
    let v = await viewOf(handle);
    expect(v.stage).toBe('monitoring'); // the 3-day plan ended on time while messages were retried
    await t.env.sleep('3 days');
    v = await viewOf(handle);
    const failures = v.timeline.flatMap((e) => (e.kind === 'refused' && e.type.startsWith('effect:') ? [e] : []));
    expect(failures.map((e) => e.type)).toEqual(expect.arrayContaining(['effect:notifyStaff', 'effect:notifyGuardians']));
    expect(failures.every((e) => e.reason.includes('kunne ikke utføres'))).toBe(true);
    await closeCase(handle);
  });
});

test('[C.2.1a] a case opened from 60-day-old facts sends each reminder once, shows no past deadline, marks the missed ones, and is overdue since the first step a person owed', async () => {
  await withCaseWorker(t, async () => {
    const now = Date.parse(await t.now());
    const openedAt = now - 60 * DAY;
    const pupilId = `late${Date.now()}`;
    const late = await startCase(t, {
      procedureId: ID,
      facts: { caseId: `case-${pupilId}`, pupilId, schoolId: 'school1', grade: 9, openedAt: new Date(openedAt).toISOString(), trigger },
    });
    await t.env.sleep('1 minute');
    let v = await viewOf(late);
    // The contact was due a day after opening: missed once, not 59 times.
    expect(v.timeline.flatMap((e) => (e.kind === 'deadline' ? [[e.name, e.dueAt, e.missed]] : []))).toEqual([
      ['contactReminder', new Date(openedAt + DAY).toISOString(), true],
    ]);
    expect(v.overdue).toBe(true);
    expect(v.overdueSince).toBe(new Date(openedAt + DAY).toISOString());
    expect(v.daysOverdue).toBe(59);
    expect((await late.describe()).typedSearchAttributes.get(OverdueSince)?.toISOString()).toBe(new Date(openedAt + DAY).toISOString());
    expect(v.deadlines.every((d) => Date.parse(d.dueAt) > now)).toBe(true);
    expect(Date.parse(v.deadlines[0]!.dueAt)).toBeGreaterThan(now + DAY - 5 * 60_000);

    // The school registers what it did long ago: each deadline that follows has passed too, and fires once.
    const at = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
    const handle = t.env.client.workflow.getHandle<typeof caseWorkflow>(late.workflowId);
    await send(handle, caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'log-old' }, at(59)));
    await t.env.sleep('1 minute');
    v = await viewOf(handle);
    expect(v.state.label).toBe('Plan for de neste dagene');
    expect(v.overdueSince).toBe(at(58)); // the plan, due a day after the contact, is the step owed now
    await send(handle, caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef: 'voice-old' }, at(58)));
    await send(
      handle,
      caseEvent('measures.agreed', { measures: ['Fast oppmøte'], evaluationDate: at(55).slice(0, 10), planRef: 'plan-old' }, at(58)),
    );
    await t.env.sleep('1 hour');
    v = await viewOf(handle);
    expect(v.stage).toBe('monitoring');
    expect(v.overdue).toBe(false);
    // The plan's days ending is a planned period, not a step a person missed.
    expect(v.timeline.flatMap((e) => (e.kind === 'deadline' ? [[e.name, e.missed]] : []))).toEqual([
      ['contactReminder', true],
      ['planReminder', true],
      ['threeDayPlanPeriod', undefined],
    ]);
    expect(v.deadlines.map((d) => d.name)).toEqual(['monitoringPeriod']);
    expect(Date.parse(v.deadlines[0]!.dueAt)).toBeGreaterThan(now + 29 * DAY);
    const reminders = (await messagesOf(t, `case-${pupilId}`)).filter((m) => m.subject.startsWith('Påminnelse'));
    expect(reminders.map((m) => m.subject).sort()).toEqual([
      'Påminnelse: kontakt hjemmet',
      'Påminnelse: planen er ikke registrert',
      'Påminnelse: tiltakene skal evalueres',
    ]);
    await closeCase(handle);
  });
});

test('[C.3.1] an illness closing keeps why the case closed; in phase 2 it only puts the case aside until new absence', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger);
    await send(handle, await contacted('illness'));
    const approve = async (recurring: boolean) =>
      caseEvent(
        'illness.confirmed',
        { recurring, guardiansApproveClosing: true, documentRef: `illness-${String(recurring)}` },
        await t.now(),
      );
    let v = (await send(handle, await approve(false))).view;
    expect(v.status).toBe('open');
    expect(v.state.label).toBe('Lukket for sykdom – følges ved nytt fravær');
    expect(v.deadlines.map((d) => d.name)).toEqual(['illnessRestPeriod']);
    expect(v.overdue).toBe(false);

    // New absence in the same school year goes on at phase 3, where the illness is new or recurring.
    await handle.signal(absenceFactsSignal, await newAbsenceSinceYesterday());
    await send(handle, await contacted('illness'));
    v = await viewOf(handle);
    expect(v.state.label).toBe('Ny sykdom – venter på foresattes godkjenning');
    await send(handle, await approve(true));

    const final = await handle.result();
    expect(final.status).toBe('closed');
    expect(final.closing).toMatchObject({ reason: 'illness-approved', documentRef: 'illness-true' });
    expect(await closingReasonOf(handle)).toBe('illness-approved');
    const subjects = (await messagesOf(t, final.caseId)).map((m) => m.subject);
    expect(subjects).toEqual(expect.arrayContaining(['Saken om fraværet er avsluttet', 'Oppfølgingen av fraværet er avsluttet']));
  });
});

test('[C.1.2] a case opened on a day without notice: the contact is due that day, the case is overdue from the next day until the home has answered, and closes with the explanation as its reason', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, { rule: 'unnotified-absence', dates: [await dateIn(0)] });
    let v = await viewOf(handle);
    expect(v.state.label).toBe('Fravær uten melding – kontakt med hjemmet');
    expect(v.stage).toBe('identification');
    expect(v.deadlines.map((d) => d.name)).toEqual(['contactReminder']);
    expect(v.overdue).toBe(false);

    // Nobody has contacted the home by the next day: reminded, and overdue since then.
    await t.env.sleep('1 day');
    v = await viewOf(handle);
    expect(v.state.label).toBe('Fravær uten melding – kontakt med hjemmet');
    expect(v.overdue).toBe(true);

    // Another day without notice is recorded and asks for the contact again, but only a person's step clears the mark.
    await handle.signal(
      absenceFactsSignal,
      caseEvent(
        'absence.newTrigger',
        { trigger: { rule: 'unnotified-absence', dates: [await dateIn(0)], days: 1 } },
        await t.now(),
        'system',
      ),
    );
    v = (await send(handle, await contacted('illness'))).view;
    expect(v.triggers.map((tr) => [tr.rule, tr.effect])).toEqual([
      ['unnotified-absence', 'opened'],
      ['unnotified-absence', 'recorded'],
    ]);
    expect(v.state.label).toBe('Svar fra hjemmet – saken avsluttes');
    expect(v.overdue).toBe(false);

    const final = await closeCaseWith(t, handle.workflowId, {
      reason: 'natural-explanation',
      note: 'Mor meldte sykdom på telefon.',
      documentRef: 'log-illness',
    });
    expect(final.status).toBe('closed');
    expect(final.closing).toMatchObject({
      reason: 'natural-explanation',
      note: 'Mor meldte sykdom på telefon.',
      actor: { role: 'contact-teacher' },
    });
    expect(await closingReasonOf(handle)).toBe('natural-explanation');
    const subjects = (await messagesOf(t, final.caseId)).map((m) => m.subject);
    expect(subjects.filter((s) => s === 'Fravær uten melding fra foresatte')).toHaveLength(1);
    // Once when the case opened, once for the second day without notice.
    expect(subjects.filter((s) => s === 'Vi mangler beskjed om fravær')).toHaveLength(2);
    expect(subjects).toEqual(expect.arrayContaining(['Påminnelse: kontakt hjemmet']));
  });
});

/**
 * Last in the file: the time-skipping test server may keep time skipping locked after it rejects
 * an update, which would stall the timers of any test after it.
 */
test("[C.3.2a] the contact teacher cannot record the principal's meeting: the update is refused naming the role and the step", async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger);
    await send(handle, await contacted());
    await send(handle, await voice());
    await send(handle, await plan(3));
    await handle.signal(absenceFactsSignal, await newAbsenceSinceYesterday());
    await send(handle, await contacted('home-related'));
    const before = await viewOf(handle);
    expect(before.state.label).toBe('Rektor kaller inn til møte');
    const byTeacher = caseEvent(
      'meeting.held',
      {
        meeting: 'leadership-meeting',
        participants: ['principal', 'contact-teacher', 'guardians', 'pupil'],
        pupilPresent: true,
        minutesRef: 'minutes-1',
      },
      await t.now(),
      'contact-teacher',
    );
    const error = await send(handle, byTeacher).then(
      () => 'accepted',
      (err: WorkflowUpdateFailedError) => String(err.cause?.message),
    );
    expect(error).toBe(
      'Rollen kontaktlærer kan ikke registrere «Møte holdt» i steget «Rektor kaller inn til møte». Det kan: rektor, skolens ledelse.',
    );
    expect(withoutDeliveries(await viewOf(handle))).toEqual(withoutDeliveries(before));
    await closeCase(handle);
  });
});
