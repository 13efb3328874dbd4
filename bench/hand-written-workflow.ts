/**
 * The baseline for bench/cases-in-worker.ts and bench/history.ts: a case workflow written by hand,
 * without XState, zod or the procedure machines, doing the same kind of work as `caseWorkflow` for
 * an open case: activity calls when it opens (a message to the guardians and to the staff), a
 * durable deadline that reminds the responsible when it passes, an Update handler that validates a
 * person's step, moves the case on and re-arms the deadline, a Signal for detection's facts, a
 * Query for the view and a small timeline.
 *
 * Driven along a case's route (bench/history.ts), it can be told the route's shape so its history
 * holds the same work as the case's: the case's search attributes (upserted at opening and after
 * every step and deadline, as the case does), when each deadline falls due (so its durable timers
 * fire when the case's do), how many effects each step issues, and after which step the case
 * closes. Without those optional fields it behaves as it always did (cases-in-worker).
 * Bundled on its own (it is the `workflowsPath` of its worker), so nothing else is loaded with it.
 */
import * as wf from '@temporalio/workflow';
import {
  CaseOpenedAt,
  CaseStage,
  CaseStatus,
  DeadlineOverdue,
  NextDeadline,
  OverdueSince,
  ProcedureId,
  SchoolId,
} from '../workflows/search-attributes';

export interface HandWrittenCaseInput {
  caseId: string;
  openedAt: string;
  /** Keep the case search attributes current (the case is given its school and procedure the same way). */
  attributes?: { schoolId: string; procedureId: string };
  /**
   * When the deadline pending after each step falls due, in ms after `openedAt` (index 0: after
   * the opening, k: after the k-th step, an Update, a Signal or a deadline firing); null: none.
   * Unset: 14 days after every step, then a reminder every 7 days.
   */
  deadlines?: (number | null)[];
  /** Effects (activity calls) each step issues, indexed as `deadlines`. Unset: 2 at opening, 1 per deadline. */
  effects?: number[];
  /** The step after which the case is closed: the workflow waits for its effects and returns. Unset: never. */
  closesAfterStep?: number;
}

export interface HandWrittenEvent {
  eventId: string;
  type: string;
  actor: { role: string; userId: string };
  at: string;
}

export interface HandWrittenResult {
  applied: boolean;
  eventId: string;
  state: string;
}

export interface BenchEffect {
  idempotencyKey: string;
  caseId: string;
  effect: string;
  issuedAt: string;
}

export interface BenchActivities {
  recordEffect(effect: BenchEffect): Promise<void>;
}

const { recordEffect } = wf.proxyActivities<BenchActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '3 days',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

export const handWrittenSendEvent = wf.defineUpdate<HandWrittenResult, [HandWrittenEvent]>('sendEvent');
export const handWrittenFactsSignal = wf.defineSignal<[HandWrittenEvent]>('absenceFacts');
export const handWrittenViewQuery = wf.defineQuery<{ state: string; deadlineAt: string | null; timeline: unknown[] }>('caseView');

const DAY_MS = 24 * 60 * 60 * 1000;
const STEPS = ['contactingHome', 'mapping', 'measures', 'followUp'];

export async function handWrittenCaseWorkflow(input: HandWrittenCaseInput): Promise<string> {
  const { workflowId } = wf.workflowInfo();
  const openedMs = Date.parse(input.openedAt);
  /** Steps taken (Updates, Signals, deadlines fired): indexes `deadlines` and `effects`. */
  let step = 0;
  /** Updates and Signals taken: the state of the default walk through STEPS. */
  let moves = 0;
  let effects = 0;
  let changed = 0;
  let stage = 'opened';
  const applied = new Set<string>();
  const timeline: { kind: string; type: string; at: string; state: string }[] = [];
  const running: Promise<void>[] = [];
  /** The deadline after `step`: from the route when given, else 14 days on. */
  const deadlineAfter = (fromMs: number, reminder: boolean): number | null => {
    if (!input.deadlines) return fromMs + (reminder ? 7 : 14) * DAY_MS;
    const due = input.deadlines[step];
    return due === null || due === undefined ? null : openedMs + due;
  };
  let deadlineMs = deadlineAfter(Date.now(), false);
  const closed = () => input.closesAfterStep !== undefined && step >= input.closesAfterStep;
  const state = () => (input.deadlines ? stage : STEPS[Math.min(moves, STEPS.length - 1)]!);

  const effect = (name: string): void => {
    effects += 1;
    const call = recordEffect({
      idempotencyKey: `${workflowId}/${effects}/${name}`,
      caseId: input.caseId,
      effect: name,
      issuedAt: new Date().toISOString(),
    });
    // Only a case that closes waits for its effects; an open one never holds on to them.
    if (input.closesAfterStep !== undefined) running.push(call);
    else void call;
  };
  const issue = (fallback: number, name: string): void => {
    const count = input.effects ? (input.effects[step] ?? 0) : fallback;
    for (let i = 0; i < count; i += 1) effect(name);
  };
  const upsertAttributes = (): void => {
    if (!input.attributes) return;
    wf.upsertSearchAttributes([
      { key: SchoolId, value: input.attributes.schoolId },
      { key: ProcedureId, value: input.attributes.procedureId },
      { key: CaseStage, value: stage },
      { key: CaseStatus, value: closed() ? 'closed' : 'open' },
      { key: NextDeadline, value: deadlineMs === null || closed() ? null : new Date(deadlineMs) },
      { key: DeadlineOverdue, value: false },
      { key: CaseOpenedAt, value: new Date(openedMs) },
      { key: OverdueSince, value: null },
    ]);
  };
  /** A person's step or detection's fact: the case moves on and its deadline is re-armed. */
  const take = (event: HandWrittenEvent): void => {
    applied.add(event.eventId);
    step += 1;
    moves += 1;
    stage = event.type;
    deadlineMs = deadlineAfter(Date.now(), false);
    changed += 1;
    timeline.push({ kind: 'event', type: event.type, at: event.at, state: state() });
    issue(0, 'notifyParticipants');
    upsertAttributes();
  };
  const validate = (event: HandWrittenEvent): void => {
    if (typeof event?.eventId !== 'string' || event.eventId === '') throw new Error('hendelses-id mangler');
    if (typeof event.actor?.role !== 'string') throw new Error('rolle mangler');
  };

  wf.setHandler(
    handWrittenSendEvent,
    (event) => {
      if (!applied.has(event.eventId)) take(event);
      return { applied: applied.has(event.eventId), eventId: event.eventId, state: state() };
    },
    { validator: validate },
  );
  wf.setHandler(handWrittenFactsSignal, (event) => {
    try {
      validate(event);
    } catch {
      return; // a malformed fact is dropped, as the case refuses it onto its timeline
    }
    if (!applied.has(event.eventId)) take(event);
  });
  wf.setHandler(handWrittenViewQuery, () => ({
    state: state(),
    deadlineAt: deadlineMs === null ? null : new Date(deadlineMs).toISOString(),
    timeline: [...timeline],
  }));

  if (input.effects) issue(0, 'notifyParticipants');
  else {
    effect('notifyGuardians');
    effect('notifyStaff');
  }
  upsertAttributes();
  while (!closed()) {
    const seen = changed;
    let moved = true;
    // condition() without a timeout resolves to nothing: only a timeout can say "not moved".
    if (deadlineMs === null) await wf.condition(() => changed !== seen || closed());
    // A deadline already due (one of no length) fires at once, without a durable timer, as the case's does.
    else if (deadlineMs <= Date.now()) moved = false;
    else moved = await wf.condition(() => changed !== seen || closed(), Math.max(1, deadlineMs - Date.now()));
    if (!moved) {
      step += 1;
      stage = 'deadline';
      timeline.push({ kind: 'deadline', type: 'reminder', at: new Date().toISOString(), state: state() });
      issue(1, 'remindResponsible');
      deadlineMs = deadlineAfter(Date.now(), true);
      upsertAttributes();
    }
  }
  await Promise.allSettled(running);
  await wf.condition(wf.allHandlersFinished);
  return state();
}
