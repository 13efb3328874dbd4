/**
 * The `sendEvent` Update answers with a small receipt, not the whole view (issue 11, point 2):
 * Update results are written to the case's history, and a long case's view is tens of kilobytes.
 * Callers that need the view ask for it (`sendEventForView`, the CLI). Runs opened before the
 * `case-update-receipt` patch keep answering with the view (test/workflows/replay.test.ts).
 */
import { caseViewQuery, sendEventForView, sendEventUpdate } from '../../workflows/case-messages';
import { caseEvent, closeCaseAsMoved, openCase, useCaseTestEnv, withCaseWorker } from '../helpers/case-env';
import { viewOf } from '../helpers/case-steps';

const t = useCaseTestEnv();
const trigger = { rule: 'consecutive-days' as const, dates: ['2026-09-02', '2026-09-03', '2026-09-04'] };

test("a person's event is answered with a receipt (applied, event id, step, status), and the history keeps only that", async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, 'tiltaksplan-elevfravaer', trigger);
    const event = caseEvent('staff.informed', { recipients: ['principal'] }, await t.now());
    const result = await handle.executeUpdate(sendEventUpdate, { args: [event] });
    const view = await viewOf(handle);
    expect(result).toEqual({
      applied: true,
      eventId: event.eventId,
      status: 'open',
      stage: view.stage,
      stateLabel: view.state.label,
      overdue: false,
    });
    expect(view.timeline.some((e) => e.kind === 'event' && e.eventId === event.eventId)).toBe(true);

    // A retry of the same event changes nothing and says so.
    expect(await handle.executeUpdate(sendEventUpdate, { args: [event] })).toMatchObject({ applied: false, eventId: event.eventId });

    const history = await handle.fetchHistory();
    const answers = (history.events ?? []).flatMap(
      (e) => e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.success?.payloads ?? [],
    );
    expect(answers).toHaveLength(2); // the event and its retry
    for (const answer of answers) expect(answer.data!.length).toBeLessThan(300);
    expect(JSON.stringify(view).length).toBeGreaterThan(1000);

    await closeCaseAsMoved(t, handle.workflowId);
  });
});

test('sendEventForView sends the event and returns the view after it, as the CLI shows it', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, 'tiltaksplan-elevfravaer', trigger);
    const event = caseEvent('staff.informed', { recipients: ['principal'] }, await t.now());
    const { applied, view } = await sendEventForView(handle, event);
    expect(applied).toBe(true);
    expect(view).toEqual(await handle.query(caseViewQuery));
    expect(view.timeline.some((e) => e.kind === 'event' && e.eventId === event.eventId)).toBe(true);
    await closeCaseAsMoved(t, handle.workflowId);
  });
});
