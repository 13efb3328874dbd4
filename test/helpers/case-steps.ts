/**
 * The steps a case workflow test takes on a running case: ask for its view, send a person's event
 * as the Update, deliver a detection fact as the Signal and wait for the case to take it, and read
 * the deadlines it has fired. Dates come from the server's clock, as the case sees them.
 */
import { addDays } from 'date-fns';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { OutboxMessage } from '../../activities/outbox';
import type { CaseEvent } from '../../machines/events';
import { type CaseView, type TimelineEntry, absenceFactsSignal, caseViewQuery, sendEventForView } from '../../workflows/case-messages';
import { CaseClosingReason } from '../../workflows/search-attributes';
import { type CaseHandle, type CaseTestEnv, caseEvent } from './case-env';

/** The case as coordinators see it. */
export const viewOf = (handle: CaseHandle): Promise<CaseView> => handle.query(caseViewQuery);

/** Sends a person's event as the Update; resolves to whether it was applied and the view after it, rejects when the validator refuses it. */
export const sendEvent = (handle: CaseHandle, event: CaseEvent) => sendEventForView(handle, event);

/** The refusal's Norwegian reason, or 'taken' when the case took the event. */
export async function attemptEvent(handle: CaseHandle, event: CaseEvent): Promise<string> {
  try {
    await sendEvent(handle, event);
    return 'taken';
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return String(err.cause?.message);
    throw err;
  }
}

/**
 * The case's view once `ready` holds, asked for every 50 ms (a deadline already due fires as soon
 * as the case runs; a Signal is not answered).
 */
export async function settled(handle: CaseHandle, ready: (v: CaseView) => boolean, what = 'the expected view'): Promise<CaseView> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const v = await viewOf(handle);
    if (ready(v)) return v;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`The case never reached ${what}`);
}

/** Delivers a detection fact as the Signal and returns the view once the case has recorded it (applied or refused). */
export async function signalAndSettle(handle: CaseHandle, event: CaseEvent): Promise<CaseView> {
  await handle.signal(absenceFactsSignal, event);
  return settled(handle, (v) => v.timeline.some((e) => 'eventId' in e && e.eventId === event.eventId), `the signalled ${event.type}`);
}

export type DeadlineEntry = Extract<TimelineEntry, { kind: 'deadline' }>;

/** The deadlines the case has fired, oldest first. */
export const deadlineEntries = (v: CaseView): DeadlineEntry[] => v.timeline.filter((e): e is DeadlineEntry => e.kind === 'deadline');

/** A predicate on the view: the case has fired the deadline `name`. */
export const hasFired = (name: string) => (v: CaseView) => deadlineEntries(v).some((e) => e.name === name);

/** The UTC calendar date (yyyy-MM-dd) `days` from server time; machines read agreed dates on the UTC calendar. */
export async function utcDateIn(t: CaseTestEnv, days: number): Promise<string> {
  return addDays(new Date(await t.now()), days)
    .toISOString()
    .slice(0, 10);
}

/** Sends a person's event the case must take, and returns the view after it. */
export async function sendTaken(handle: CaseHandle, event: CaseEvent): Promise<CaseView> {
  const result = await sendEvent(handle, event);
  expect(result.applied).toBe(true);
  return result.view;
}

/** The timeline entry of the applied `event`. */
export function appliedEntry(v: CaseView, event: CaseEvent): Extract<TimelineEntry, { kind: 'event' }> {
  const entry = v.timeline.find((e) => e.kind === 'event' && e.eventId === event.eventId);
  if (entry?.kind !== 'event') throw new Error(`The case has not applied ${event.type} ${event.eventId}`);
  return entry;
}

/** What the case `caseId` has sent through the shared outbox, oldest first. */
export async function messagesOf(t: CaseTestEnv, caseId: string): Promise<OutboxMessage[]> {
  return (await t.outbox.list()).filter((m) => m.caseId === caseId);
}

/** Detection's absence trend over the last seven days (UTC dates), sent by the system now. */
export async function weeklyTrend(t: CaseTestEnv, trend: 'improved' | 'unchanged' | 'worse', absenceDays: number): Promise<CaseEvent> {
  return caseEvent(
    'absence.trend',
    { trend, from: await utcDateIn(t, -7), to: await utcDateIn(t, 0), absenceDays },
    await t.now(),
    'system',
  );
}

/**
 * Why the closed case was closed, as its memo keeps it (sealed by the codec in the product);
 * throws if the reason is also in the plain search attributes, where it must not be.
 */
export async function closingReasonOf(handle: CaseHandle): Promise<unknown> {
  const description = await handle.describe();
  const plain = description.typedSearchAttributes.get(CaseClosingReason);
  if (plain !== undefined) throw new Error(`the closing reason «${plain}» is in the plain search attributes`);
  return (description.memo as { closingReason?: unknown } | undefined)?.closingReason;
}
