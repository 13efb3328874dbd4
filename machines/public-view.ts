/**
 * Pure read-outs of a machine snapshot for people and search: the active state's meta, the
 * events it can take and the public stage. The workflow's query and the dashboard use these, so
 * internal state ids and XState event names never reach users.
 */
import type { AnyMachineSnapshot, AnyStateNode } from 'xstate';
import type { StateMeta } from './meta';
import type { EventType } from './events';
import { eventTypes } from './events';

/** Dotted path of the active leaf, e.g. 'newTrigger.planning' (machines are not parallel). */
export function activePath(value: unknown): string {
  if (typeof value === 'string') return value;
  const [entry] = Object.entries(value as Record<string, unknown>);
  return entry ? `${entry[0]}.${activePath(entry[1])}` : '';
}

/** The active leaf node and its ancestors, innermost first (authorization.ts reads who acts on them). */
export function activeNodes(snapshot: AnyMachineSnapshot): AnyStateNode[] {
  const parts = activePath(snapshot.value).split('.');
  const nodes: AnyStateNode[] = [];
  for (let i = parts.length; i > 0; i -= 1) {
    nodes.push(snapshot.machine.getStateNodeById(`${snapshot.machine.id}.${parts.slice(0, i).join('.')}`));
  }
  return nodes;
}

/** Meta of the active leaf state. Throws if the state has none: every state must carry meta. */
export function activeMeta(snapshot: AnyMachineSnapshot): StateMeta {
  const [leaf] = activeNodes(snapshot);
  const meta = leaf?.meta as StateMeta | undefined;
  if (!meta) throw new Error(`State "${activePath(snapshot.value)}" of ${snapshot.machine.id} has no meta`);
  return meta;
}

/**
 * Case event types the current state has a transition for (own, inherited or root), in
 * vocabulary order. Guards may still refuse a particular event; `snapshot.can(event)` decides.
 */
export function allowedEventTypes(snapshot: AnyMachineSnapshot): EventType[] {
  if (snapshot.status !== 'active') return [];
  const types = new Set<string>();
  for (const node of [...activeNodes(snapshot), snapshot.machine.root]) {
    for (const type of node.transitions.keys()) types.add(type);
  }
  return eventTypes.filter((type) => types.has(type));
}

/**
 * The events the step itself waits for: the transitions of the active leaf state (of its nearest
 * ancestor with any, when the leaf has none), without the level-wide and root transitions every
 * step shares (a notice received, a meeting set up, the case closed). «Mine oppgaver» shows these
 * as the action the step expects.
 */
export function stepEventTypes(snapshot: AnyMachineSnapshot): EventType[] {
  if (snapshot.status !== 'active') return [];
  for (const node of activeNodes(snapshot)) {
    const own = new Set<string>(node.transitions.keys());
    const types = eventTypes.filter((type) => own.has(type));
    if (types.length > 0) return types;
  }
  return [];
}

/** Name of the delay behind an XState delayed-event id (`xstate.after.<delay>.<state id>`). */
export function delayNameOf(timerId: string): string {
  const match = /^xstate\.after\.([^.]+)\./.exec(timerId);
  return match?.[1] ?? timerId;
}
