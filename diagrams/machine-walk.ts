/**
 * Reads a machine's structure (not its behaviour): every state node with its meta, and every
 * transition with event, guard, delay and target. A pure library over the machines, kept here
 * with the diagrams, its main user; the audit's model, the traceability table (scripts/) and the
 * structural tests use it too.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { StateMeta } from '../machines/meta';

export interface WalkedTransition {
  /** Event type, `after:<delayName>` for a delayed transition, or `always` for an eventless one. */
  event: string;
  guard?: string;
  targets: string[];
  actions: string[];
}

export interface WalkedState {
  /** Dotted path from the root, e.g. 'newTrigger.planning'. */
  path: string;
  /** XState id, e.g. 'tiltaksplan-elevfravaer.newTrigger.planning'. */
  id: string;
  meta?: StateMeta;
  final: boolean;
  /** Compound states have children; only leaves are ever "the" state of a case. */
  leaf: boolean;
  transitions: WalkedTransition[];
}

const DELAYED = /^xstate\.after\.([^.]+)\./;

/** Readable name of a guard or action: its name, or `and(a, b)` for XState's guard combinators. */
function nameOf(item: unknown): string {
  if (typeof item === 'string') return item;
  // and(), or() and not() return functions named after themselves that carry their `guards`.
  const combinator = item as { name?: string; guards?: unknown[] };
  if (typeof item === 'function' && Array.isArray(combinator.guards)) {
    return `${combinator.name || 'guard'}(${combinator.guards.map(nameOf).join(', ')})`;
  }
  if (item && typeof item === 'object' && 'type' in item) return String((item as { type: unknown }).type);
  if (typeof item === 'function') return item.name || '(inline)';
  return '(unknown)';
}

/** All state nodes of `machine`, depth first, root excluded. */
export function walkStates(machine: AnyStateMachine): WalkedState[] {
  const out: WalkedState[] = [];
  const visit = (node: AnyStateNode, path: string[]) => {
    for (const [key, child] of Object.entries(node.states) as [string, AnyStateNode][]) {
      const childPath = [...path, key];
      const transitions: WalkedTransition[] = [];
      // Eventless transitions (`always`) leave a transient state as soon as it is entered.
      for (const def of child.always ?? []) {
        transitions.push({
          event: 'always',
          ...(def.guard ? { guard: nameOf(def.guard) } : {}),
          targets: (def.target ?? []).map((t: AnyStateNode) => t.id),
          actions: (def.actions ?? []).map(nameOf),
        });
      }
      for (const [eventType, defs] of child.transitions) {
        const delayed = DELAYED.exec(eventType);
        for (const def of defs) {
          transitions.push({
            event: delayed ? `after:${delayed[1]}` : eventType,
            ...(def.guard ? { guard: nameOf(def.guard) } : {}),
            targets: (def.target ?? []).map((t: AnyStateNode) => t.id),
            actions: (def.actions ?? []).map(nameOf),
          });
        }
      }
      out.push({
        path: childPath.join('.'),
        id: child.id,
        meta: child.meta as StateMeta | undefined,
        final: child.type === 'final',
        leaf: Object.keys(child.states).length === 0,
        transitions,
      });
      visit(child, childPath);
    }
  };
  visit(machine.root, []);
  return out;
}

/** Transitions declared on the root (accepted in every open state). */
export function rootTransitions(machine: AnyStateMachine): WalkedTransition[] {
  const out: WalkedTransition[] = [];
  for (const [eventType, defs] of machine.root.transitions) {
    for (const def of defs) {
      out.push({
        event: eventType,
        ...(def.guard ? { guard: nameOf(def.guard) } : {}),
        targets: (def.target ?? []).map((t: AnyStateNode) => t.id),
        actions: (def.actions ?? []).map(nameOf),
      });
    }
  }
  return out;
}

/** The named guards inside a guard name such as `and(isA, not(isB))`. */
export function guardNamesIn(guard: string): string[] {
  return guard.split(/[(),\s]+/).filter((part) => part !== '' && !['and', 'or', 'not'].includes(part));
}

/**
 * The initial child of every compound state, by dotted path ('' for the root). Diagrams draw
 * initial markers from it and follow it to find the leaf a transition into a compound state ends in.
 */
export function initialChildren(machine: AnyStateMachine): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (node: AnyStateNode) => {
    const [target] = (node.initial?.target ?? []) as AnyStateNode[];
    if (target && Object.keys(node.states).length > 0) out.set(node.path.join('.'), target.path.join('.'));
    for (const child of Object.values(node.states) as AnyStateNode[]) visit(child);
  };
  visit(machine.root);
  return out;
}
