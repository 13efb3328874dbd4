/**
 * The baseline for bench/cases-in-worker.ts: a case workflow written by hand, without XState,
 * zod or the procedure machines, doing the same kind of work as `caseWorkflow` for an open case:
 * activity calls when it opens (a message to the guardians and to the staff), a durable deadline
 * that reminds the responsible when it passes, an Update handler that validates a person's step,
 * moves the case on and re-arms the deadline, a Query for the view and a small timeline.
 * Bundled on its own (it is the `workflowsPath` of its worker), so nothing else is loaded with it.
 */
import * as wf from '@temporalio/workflow';

export interface HandWrittenCaseInput {
  caseId: string;
  openedAt: string;
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
export const handWrittenViewQuery = wf.defineQuery<{ state: string; deadlineAt: string; timeline: unknown[] }>('caseView');

const DAY_MS = 24 * 60 * 60 * 1000;
const STEPS = ['contactingHome', 'mapping', 'measures', 'followUp'];

export async function handWrittenCaseWorkflow(input: HandWrittenCaseInput): Promise<string> {
  const { workflowId } = wf.workflowInfo();
  let step = 0;
  let effects = 0;
  let deadlineMs = Date.parse(input.openedAt) + 14 * DAY_MS;
  let changed = 0;
  const applied = new Set<string>();
  const timeline: { kind: string; type: string; at: string; state: string }[] = [];

  const effect = (name: string): void => {
    effects += 1;
    void recordEffect({
      idempotencyKey: `${workflowId}/${effects}/${name}`,
      caseId: input.caseId,
      effect: name,
      issuedAt: new Date().toISOString(),
    });
  };

  wf.setHandler(
    handWrittenSendEvent,
    (event) => {
      if (applied.has(event.eventId)) return { applied: false, eventId: event.eventId, state: STEPS[step]! };
      applied.add(event.eventId);
      step = Math.min(step + 1, STEPS.length - 1);
      deadlineMs = Date.now() + 14 * DAY_MS;
      changed += 1;
      timeline.push({ kind: 'event', type: event.type, at: event.at, state: STEPS[step]! });
      return { applied: true, eventId: event.eventId, state: STEPS[step]! };
    },
    {
      validator: (event) => {
        if (typeof event?.eventId !== 'string' || event.eventId === '') throw new Error('hendelses-id mangler');
        if (typeof event.actor?.role !== 'string') throw new Error('rolle mangler');
      },
    },
  );
  wf.setHandler(handWrittenViewQuery, () => ({
    state: STEPS[step]!,
    deadlineAt: new Date(deadlineMs).toISOString(),
    timeline: [...timeline],
  }));

  effect('notifyGuardians');
  effect('notifyStaff');
  for (;;) {
    const seen = changed;
    const moved = await wf.condition(() => changed !== seen, Math.max(1, deadlineMs - Date.now()));
    if (!moved) {
      timeline.push({ kind: 'deadline', type: 'reminder', at: new Date().toISOString(), state: STEPS[step]! });
      effect('remindResponsible');
      deadlineMs = Date.now() + 7 * DAY_MS;
    }
  }
}
