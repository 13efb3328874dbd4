/**
 * Builds audit paths by hand for the audit tests: events with valid payloads (parsed with the
 * real schemas), deadlines fired by name, and every step's expected state taken from XState's
 * pure API hosted the way the workflow hosts it (timers due at fact time + delay, cancelled on
 * `xstate.cancel`). Also the independent replay the path tests compare generated paths with.
 */
import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import { type CaseEvent, type EventType, parseCaseEvent } from '../../machines/events';
import { activePath } from '../../machines/public-view';
import { type ProcedureDefinition, buildCaseInput } from '../../machines/registry';
import type { TriggerRule } from '../../machines/vocabulary';
import { openingFacts } from '../../audit/paths';
import type { AuditPath, ExpectedState, PathStep } from '../../audit/types';
import { systemEventTypes } from '../../workflows/case-messages';

type Payload<K extends EventType> = Omit<Extract<CaseEvent, { type: K }>, 'type' | 'eventId' | 'actor' | 'at'>;

/** A step of a hand-made path: an event (type, payload, optional role) or a deadline by name. */
export type HandStep = { [K in EventType]: { type: K; payload: Payload<K>; role?: string } }[EventType] | { delay: string };

interface Timer {
  id: string;
  event: { type: string };
  dueAtMs: number;
}

const expectedOf = (snapshot: AnyMachineSnapshot): ExpectedState => ({
  value: snapshot.value,
  path: activePath(snapshot.value),
  status: snapshot.status === 'done' ? 'done' : 'active',
});

/** Keeps the workflow's timer table from a transition's actions. */
function applyActions(timers: Map<string, Timer>, actions: readonly { type: string; params?: unknown }[], baseMs: number): void {
  for (const action of actions) {
    if (action.type === 'xstate.raise') {
      const params = action.params as { id: string; delay?: number; event: { type: string } };
      if (typeof params.delay === 'number') timers.set(params.id, { id: params.id, event: params.event, dueAtMs: baseMs + params.delay });
    } else if (action.type === 'xstate.cancel') {
      timers.delete((action.params as { sendId: string }).sendId);
    }
  }
}

const earliest = (timers: Map<string, Timer>): Timer | undefined => [...timers.values()].sort((a, b) => a.dueAtMs - b.dueAtMs)[0];

/**
 * A path on `procedure` (its machine may be a mutant's) opened on `rule`, one minute between
 * events. Throws if the machine refuses a step, so a test knows its path is real.
 */
export function handPath(
  procedure: ProcedureDefinition,
  rule: TriggerRule,
  steps: readonly HandStep[],
  id = `${procedure.id}/hånd`,
): AuditPath {
  const facts = openingFacts(rule);
  const input = buildCaseInput(procedure, facts);
  const timers = new Map<string, Timer>();
  let [snapshot, actions] = initialTransition(procedure.machine, input);
  let clock = Date.parse(facts.openedAt);
  applyActions(timers, actions, clock);
  const initial = expectedOf(snapshot);
  const out: PathStep[] = [];
  steps.forEach((step, i) => {
    if ('delay' in step) {
      const timer = [...timers.values()].find((t) => t.id.startsWith(`xstate.after.${step.delay}.`));
      if (!timer) throw new Error(`No pending timer ${step.delay}`);
      if (earliest(timers) !== timer) throw new Error(`${step.delay} is not the earliest timer`);
      timers.delete(timer.id);
      [snapshot, actions] = transition(procedure.machine, snapshot, timer.event as never);
      clock = timer.dueAtMs;
      applyActions(timers, actions, clock);
      out.push({
        kind: 'delay',
        delayName: step.delay,
        timerId: timer.id,
        dueAt: new Date(timer.dueAtMs).toISOString(),
        expected: expectedOf(snapshot),
      });
      return;
    }
    clock += 60_000;
    const role = step.role ?? (systemEventTypes.includes(step.type) ? 'system' : 'contact-teacher');
    const event = parseCaseEvent({
      type: step.type,
      eventId: `${id}#${i + 1}`,
      actor: { role, userId: 'test' },
      at: new Date(clock).toISOString(),
      ...step.payload,
    });
    if (!snapshot.can(event)) throw new Error(`The machine refuses ${event.type} in ${activePath(snapshot.value)}`);
    [snapshot, actions] = transition(procedure.machine, snapshot, event);
    applyActions(timers, actions, clock);
    out.push({ kind: 'event', via: systemEventTypes.includes(event.type) ? 'signal' : 'update', event, expected: expectedOf(snapshot) });
  });
  return {
    id,
    procedureId: procedure.id,
    procedureVersion: procedure.version,
    purpose: 'håndlaget sti',
    facts,
    initial,
    steps: out,
  };
}

/**
 * Replays `path` with XState's pure `initialTransition`/`transition`, hosted like the workflow,
 * and returns the state after the opening and after each step. Throws when a delay step names a
 * timer that is not the earliest pending one or falls due at another time, or when a human event
 * comes after a timer that was due.
 */
export function replayWithPureApi(procedure: ProcedureDefinition, path: AuditPath): { initial: ExpectedState; steps: ExpectedState[] } {
  const input = buildCaseInput(procedure, path.facts, path.policyOverrides);
  const timers = new Map<string, Timer>();
  let [snapshot, actions] = initialTransition(procedure.machine, input);
  applyActions(timers, actions, Date.parse(input.openedAt));
  const initial = expectedOf(snapshot);
  const steps: ExpectedState[] = [];
  for (const step of path.steps) {
    const next = earliest(timers);
    if (step.kind === 'delay') {
      const timer = timers.get(step.timerId);
      if (!timer || timer !== next) throw new Error(`${path.id}: ${step.delayName} is not the earliest pending timer`);
      if (new Date(timer.dueAtMs).toISOString() !== step.dueAt) throw new Error(`${path.id}: ${step.delayName} is due at another time`);
      timers.delete(timer.id);
      [snapshot, actions] = transition(procedure.machine, snapshot, timer.event as never);
      applyActions(timers, actions, timer.dueAtMs);
    } else {
      const at = Date.parse(step.event.at);
      if (next && next.dueAtMs <= at) throw new Error(`${path.id}: ${step.event.type} comes after the due timer ${next.id}`);
      if (!snapshot.can(step.event)) throw new Error(`${path.id}: the machine refuses ${step.event.type}`);
      [snapshot, actions] = transition(procedure.machine, snapshot, step.event);
      applyActions(timers, actions, at);
    }
    steps.push(expectedOf(snapshot));
  }
  return { initial, steps };
}
