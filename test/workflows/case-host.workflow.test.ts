/**
 * The case host's own rules, whatever the procedure: what detection's Signal may do, when a case
 * is overdue and what clears it, what happens to deadlines that had passed before a case was
 * opened, how the closing and every trigger are kept. Run on version 1 of procedure C (frozen in
 * machines/v1), so these tests follow the host and not a chart that is still being refined.
 */
import { type CaseView, type CaseWorkflowInput, absenceFactsSignal } from '../../workflows/case-messages';
import { DeadlineOverdue, OverdueSince } from '../../workflows/search-attributes';
import type { CaseEvent } from '../../machines/events';
import { caseEvent, type CaseHandle, closeCaseAsMoved, openCase, startCase, useCaseTestEnv, withCaseWorker } from '../helpers/case-env';
import { messagesOf, sendEvent, viewOf, closingReasonOf } from '../helpers/case-steps';

const ID = 'tiltaksplan-elevfravaer';
const V1 = { procedureVersion: 1 } as const;
const DAY = 24 * 60 * 60 * 1000;
const trigger = { rule: 'consecutive-days' as const, dates: ['2026-09-02', '2026-09-03', '2026-09-04'] };
const t = useCaseTestEnv();

const send = async (handle: CaseHandle, event: CaseEvent): Promise<CaseView> => (await sendEvent(handle, event)).view;
/** Signals are not answered: wait until the case has taken (or refused) the fact. */
async function signal(handle: CaseHandle, event: CaseEvent): Promise<CaseView> {
  // Messages are delivered after the step that issued them, so they do not count as the signal taken.
  const taken = (v: CaseView) => v.timeline.filter((e) => e.kind !== 'effect').length;
  const before = taken(await viewOf(handle));
  await handle.signal(absenceFactsSignal, event);
  for (let i = 0; i < 50; i += 1) {
    const v = await viewOf(handle);
    if (taken(v) > before || v.triggers.some((tr) => tr.eventId === event.eventId)) return v;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the case never took signal ${event.eventId}`);
}
const detected = async (type: 'absence.trend' | 'absence.newTrigger', payload: object) =>
  caseEvent(type, payload as never, await t.now(), 'system') as CaseEvent;
const newTrigger = (dates: string[]) =>
  detected('absence.newTrigger', { trigger: { rule: 'consecutive-days', dates, days: dates.length } });

test('[point 12] a passed contact deadline makes the case overdue from when it fell due; a trend or a filed note does not clear it, the contact with the home does', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger, V1);
    const openedAt = Date.parse((await viewOf(handle)).openedAt);
    await t.env.sleep('3 days');
    let v = await viewOf(handle);
    expect(v.overdue).toBe(true);
    expect(v.overdueSince).toBe(new Date(openedAt + DAY).toISOString());
    expect(v.daysOverdue).toBe(2);
    const attributes = (await handle.describe()).typedSearchAttributes;
    expect(attributes.get(DeadlineOverdue)).toBe(true);
    expect(attributes.get(OverdueSince)?.toISOString()).toBe(v.overdueSince);

    // Detection's facts and a note filed on the side are not what the deadline asked for.
    v = await signal(handle, await detected('absence.trend', { trend: 'worse', from: '2026-09-01', to: '2026-09-20', absenceDays: 6 }));
    expect(v.overdue).toBe(true);
    v = await send(handle, caseEvent('document.recorded', { kind: 'contact-log', documentRef: 'forsok-1' }, await t.now()));
    expect(v.overdue).toBe(true);

    // The contact teacher reaches the home: the step is taken.
    v = await send(
      handle,
      caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'log-1' }, await t.now()),
    );
    expect(v).toMatchObject({ overdue: false, overdueSince: null, daysOverdue: 0 });
    expect((await handle.describe()).typedSearchAttributes.get(OverdueSince)).toBeUndefined();
    await closeCaseAsMoved(t, handle.workflowId);
  });
});

test('[point 13] a case opened from 40-day-old facts: the missed deadline fires once, at once, is marked missed, and no past date is shown as coming', async () => {
  await withCaseWorker(t, async () => {
    const now = Date.parse(await t.now());
    const openedAt = new Date(now - 40 * DAY).toISOString();
    const input: CaseWorkflowInput = {
      procedureId: ID,
      ...V1,
      facts: { caseId: 'gammel-1', pupilId: 'gammel-1', schoolId: 'school1', grade: 9, openedAt, trigger },
    };
    const handle = await startCase(t, input);
    const v = await viewOf(handle);
    const deadlines = v.timeline.filter((e) => e.kind === 'deadline');
    expect(deadlines).toEqual([
      expect.objectContaining({ name: 'contactReminder', missed: true, dueAt: new Date(Date.parse(openedAt) + DAY).toISOString() }),
    ]);
    expect(v.deadlines.every((d) => Date.parse(d.dueAt) > now)).toBe(true);
    expect(v.overdueSince).toBe(new Date(Date.parse(openedAt) + DAY).toISOString());
    expect(v.daysOverdue).toBe(39);
    await t.env.sleep('1 minute');
    const reminders = (await messagesOf(t, 'gammel-1')).filter((m) => m.subject.startsWith('Påminnelse'));
    expect(reminders).toHaveLength(1);
    await closeCaseAsMoved(t, handle.workflowId);
  });
});

test('[point 16] a case closed for illness keeps why: in the view, as a search attribute and on the timeline with what the guardians approved', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger, V1);
    await send(
      handle,
      caseEvent(
        'guardians.contacted',
        { channel: 'phone', cause: 'illness', causeNote: 'Influensa, lege kontaktet.', documentRef: 'log-1' },
        await t.now(),
      ),
    );
    await send(
      handle,
      caseEvent('illness.confirmed', { recurring: false, guardiansApproveClosing: true, documentRef: 'sykdom-1' }, await t.now()),
    );
    const closed = await handle.result();
    expect(closed.status).toBe('closed');
    expect(closed.closing).toMatchObject({ reason: 'illness-approved', documentRef: 'sykdom-1', actor: { role: 'contact-teacher' } });
    expect(await closingReasonOf(handle)).toBe('illness-approved');
    const events = closed.timeline.filter((e) => e.kind === 'event');
    expect(events.map((e) => e.kind === 'event' && e.data)).toEqual([
      { channel: 'phone', cause: 'illness', causeNote: 'Influensa, lege kontaktet.', documentRef: 'log-1' },
      { recurring: false, guardiansApproveClosing: true, documentRef: 'sykdom-1' },
    ]);
  });
});

test('[point 16] a case closed because the pupil moved keeps the reason and the note', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger, V1);
    const closed = await closeCaseAsMoved(t, handle.workflowId, 'flyttet-1');
    expect(closed.closing).toMatchObject({
      reason: 'pupil-moved',
      note: 'Eleven har flyttet.',
      documentRef: 'flyttet-1',
      actor: { role: 'principal' },
    });
    expect(await closingReasonOf(handle)).toBe('pupil-moved');
  });
});

test('[point 1] new absence reaching a step whose (version 1) chart refuses it is still kept on the case record with its evidence', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger, V1);
    const fact = await newTrigger(['2026-09-07', '2026-09-08', '2026-09-09']);
    const v = await signal(handle, fact);
    expect(v.state.label).toBe('Kontakt med hjemmet');
    expect(v.triggers).toEqual([
      expect.objectContaining({ rule: 'consecutive-days', dates: trigger.dates, effect: 'opened' }),
      expect.objectContaining({
        rule: 'consecutive-days',
        dates: ['2026-09-07', '2026-09-08', '2026-09-09'],
        days: 3,
        eventId: fact.eventId,
        effect: 'recorded',
      }),
    ]);
    // Delivered again (a repeated detection run): kept once.
    await handle.signal(absenceFactsSignal, fact);
    await t.env.sleep('1 minute');
    expect((await viewOf(handle)).triggers).toHaveLength(2);
    await closeCaseAsMoved(t, handle.workflowId);
  });
});

test('[point 1] the current version of every procedure records new absence in its opening step without refusing it', async () => {
  await withCaseWorker(t, async () => {
    const openings: [string, { rule: string; dates: string[] }][] = [
      ['tiltaksplan-elevfravaer', trigger],
      ['plan-for-skolenaervaer', { rule: 'days-over-limit', dates: ['2026-09-01'] }],
      ['raelingen-veileder', { rule: 'unnotified-absence', dates: ['2026-09-01'] }],
      ['hardanger-handlingsplan', { rule: 'staff-concern', dates: ['2026-09-01'] }],
    ];
    for (const [procedureId, opening] of openings) {
      const handle = await openCase(
        t,
        procedureId,
        procedureId === 'plan-for-skolenaervaer' ? ({ ...opening, days: 11 } as never) : opening,
      );
      const v = await signal(handle, await newTrigger(['2026-09-14', '2026-09-15', '2026-09-16']));
      expect({ procedureId, refused: v.timeline.filter((e) => e.kind === 'refused') }).toEqual({ procedureId, refused: [] });
      expect(v.triggers.map((tr) => tr.dates[0])).toEqual([opening.dates[0], '2026-09-14']);
      await closeCaseAsMoved(t, handle.workflowId);
    }
  });
});

test("[point 7] the absence-facts Signal applies only detection facts: a person's event sent as a signal is refused and kept on the timeline", async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger, V1);
    const forged = caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'log-1' }, await t.now());
    const v = await signal(handle, forged);
    expect(v.state.label).toBe('Kontakt med hjemmet');
    expect(v.documents).toEqual([]);
    expect(v.timeline.filter((e) => e.kind !== 'effect').at(-1)).toMatchObject({
      kind: 'refused',
      eventId: forged.eventId,
      reason: expect.stringMatching(/må sendes som en vanlig hendelse/),
    });
    // The same fact from a person, as the Update, is taken.
    expect((await send(handle, forged)).state.label).toBe('Plan for de neste dagene');
    await closeCaseAsMoved(t, handle.workflowId);
  });
});

test('[point 16] a case a procedure closes when a period ends keeps why (C.2.1d: the rest after an illness closing)', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger);
    await send(handle, caseEvent('guardians.contacted', { channel: 'phone', cause: 'illness', documentRef: 'log-1' }, await t.now()));
    const resting = await send(
      handle,
      caseEvent('illness.confirmed', { recurring: false, guardiansApproveClosing: true, documentRef: 'sykdom-1' }, await t.now()),
    );
    expect(resting.status).toBe('open');
    await t.env.sleep('181 days');
    const closed = await handle.result();
    expect(closed.closing).toMatchObject({
      reason: 'other',
      note: expect.stringMatching(/^Avsluttet da fristen «.+» løp ut\.$/),
      actor: { role: 'system' },
    });
    expect(await closingReasonOf(handle)).toBe('other');
  });
});
