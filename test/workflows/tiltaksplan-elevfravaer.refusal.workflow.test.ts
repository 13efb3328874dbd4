/**
 * Refused updates on a running case. In a file of its own: the time-skipping test server keeps
 * time skipping locked after it rejects an update, which would stall later tests' timers.
 */
import { addDays, formatISO } from 'date-fns';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { CaseEvent } from '../../machines/events';
import { caseEvent, type CaseHandle, openCase, useCaseTestEnv, withCaseWorker, withoutDeliveries } from '../helpers/case-env';
import { sendEvent, viewOf } from '../helpers/case-steps';

const ID = 'tiltaksplan-elevfravaer';
const trigger = { rule: 'consecutive-days', dates: ['2026-09-02', '2026-09-03', '2026-09-04'] };
const t = useCaseTestEnv();

/** Sends anything as the Update, malformed events included: the validator must refuse them. */
const send = (handle: CaseHandle, event: object) => sendEvent(handle, event as CaseEvent);

async function contacted() {
  return caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'log-1' }, await t.now());
}
async function plan(days: number) {
  const evaluationDate = formatISO(addDays(new Date(await t.now()), days), { representation: 'date' });
  return caseEvent(
    'measures.agreed',
    { measures: ['Fast oppmøte hver morgen'], evaluationDate, planRef: 'plan-1' },
    await t.now(),
    'principal',
  );
}

/**
 * Kinds of the history events written since `from`. The time-skipping test server records a
 * workflow task for every update it validates (a production server drops the task of a rejected
 * update), and activities started earlier may complete meanwhile; neither is the update's doing.
 */
async function writtenSince(handle: CaseHandle, from: number): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events
    .slice(from)
    .map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes')) ?? 'unknown')
    .filter((kind) => !/^(workflowTask|activityTask)/.test(kind));
}

test('a refused update names the event and the state and leaves history and state unchanged', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger);
    await send(handle, await contacted());
    const before = await viewOf(handle);
    const historyBefore = (await handle.fetchHistory()).events?.length ?? 0;

    const early = await plan(3); // no pupil voice yet: the machine refuses measures
    await expect(send(handle, early)).rejects.toThrow(WorkflowUpdateFailedError);
    const error = await send(handle, early).catch((err: WorkflowUpdateFailedError) => String(err.cause?.message));
    expect(error).toMatch(/«Tiltak avtalt»/);
    expect(error).toMatch(/Plan for de neste dagene/);
    await expect(send(handle, { type: 'measures.agreed', eventId: 'x' })).rejects.toThrow(WorkflowUpdateFailedError);

    expect(await writtenSince(handle, historyBefore)).toEqual([]);
    expect(withoutDeliveries(await viewOf(handle))).toEqual(withoutDeliveries(before));
  });
});
