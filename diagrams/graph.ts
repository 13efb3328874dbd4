/**
 * A procedure's machine as a diagram model: every state with its Norwegian label, responsible
 * roles and nesting, and every transition with its event, guard and (for delayed transitions)
 * the delay's length under the default policy. Built on the structure walker the traceability
 * table uses, so diagrams and traceability read the machine the same way. The DOT and Mermaid
 * renderers only format this model.
 */
import { roleNames } from '../machines/labels';
import type { ProcedureDefinition } from '../machines/registry';
import { type WalkedTransition, initialChildren, rootTransitions, walkStates } from './machine-walk';
import { type ResolvedDelay, defaultContext, resolveDelay } from './delays';

/** Path of the machine's root; root transitions are accepted in every state. */
export const ROOT = '';

export interface DiagramState {
  /** Dotted path from the root, e.g. 'trinn2.callingMeeting'. */
  path: string;
  /** Path of the parent state; ROOT for a top-level state. */
  parent: string;
  /** Norwegian label (meta.label); the state's key when a state has no meta. */
  label: string;
  /** Responsible roles in Norwegian, in the order the state names them. */
  responsible: string[];
  final: boolean;
  /** Has child states (drawn as a cluster / composite state). */
  compound: boolean;
  /** Path of the initial child, for a compound state. */
  initial?: string;
  /** Paths of the child states, in chart order. */
  children: string[];
  /** Transitions without a target: the state takes the event (records it, runs effects) and stays. */
  internal: DiagramTransition[];
}

export type TransitionKind = 'event' | 'delayed' | 'always';

export interface DiagramTransition {
  /** Stable within one graph: 't1', 't2', … in walk order. */
  id: string;
  /** Path of the state declaring the transition; ROOT for the machine's root. */
  source: string;
  /** Path of the target state; absent for a transition that stays. */
  target?: string;
  kind: TransitionKind;
  /** As the walker names it: the event type, `after:<delay>`, or `always`. */
  event: string;
  /** The delay of a delayed transition, evaluated under the default policy. */
  delay?: ResolvedDelay;
  /** Guard name, e.g. 'isAbsenceImprovedAtEvaluation' or 'and(isA, isB)'. */
  guard?: string;
  /**
   * Unguarded, after guarded alternatives for the same event on the same state: taken when none
   * of them is ("ellers").
   */
  otherwise: boolean;
}

export interface ProcedureGraph {
  procedureId: string;
  version: number;
  displayName: string;
  /** Path of the machine's initial (top-level) state. */
  initial: string;
  /** Every state, depth first in chart order. */
  states: DiagramState[];
  /** Transitions that move the case (have a target), the root's first, then in walk order. */
  transitions: DiagramTransition[];
  /** Root transitions without a target: events every state takes without moving. */
  rootInternal: DiagramTransition[];
}

/** The trigger and guard of a transition as diagram text (renderers only add layout). */
export interface TransitionText {
  /** The event type; "automatisk" for an eventless transition; the delay's name for a delayed one. */
  trigger: string;
  /** For a delayed transition: how long, e.g. "innen 3 uker". */
  delayPhrase?: string;
  /** "[guardName]", "[ellers]", or absent. */
  condition?: string;
}

/** Text of an eventless transition's trigger. */
export const ALWAYS_TEXT = 'automatisk';

/** Describes a transition for a label: trigger (event, delay or "automatisk") and condition. */
export function transitionText(t: DiagramTransition): TransitionText {
  const trigger = t.kind === 'always' ? ALWAYS_TEXT : t.kind === 'delayed' ? (t.delay?.name ?? t.event) : t.event;
  const condition = t.guard ? `[${t.guard}]` : t.otherwise ? '[ellers]' : undefined;
  return {
    trigger,
    ...(t.delay ? { delayPhrase: t.delay.phrase } : {}),
    ...(condition ? { condition } : {}),
  };
}

/** The Norwegian name of a role; the role id itself if wording has none. */
const roleName = (role: string): string => (roleNames as Record<string, string | undefined>)[role] ?? role;

/** Parent path of a dotted path (ROOT for a top-level state). */
export function parentOf(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? ROOT : path.slice(0, dot);
}

/** `path` and its ancestors, innermost first; ROOT not included. */
export function selfAndAncestors(path: string): string[] {
  const out: string[] = [];
  for (let p = path; p !== ROOT; p = parentOf(p)) out.push(p);
  return out;
}

/** Builds the diagram model of a registered procedure. */
export function buildGraph(procedure: ProcedureDefinition): ProcedureGraph {
  const machine = procedure.machine;
  const walked = walkStates(machine);
  const initials = initialChildren(machine);
  const pathOfId = new Map(walked.map((s) => [s.id, s.path]));
  const context = defaultContext(procedure);
  const delays = new Map<string, ResolvedDelay>();
  const delayOf = (name: string): ResolvedDelay => {
    let found = delays.get(name);
    if (!found) {
      found = resolveDelay(procedure, name, context);
      delays.set(name, found);
    }
    return found;
  };

  let counter = 0;
  const transitions: DiagramTransition[] = [];
  /** Splits a state's walked transitions into moving ones (with targets) and internal ones. */
  const collect = (source: string, walkedTransitions: WalkedTransition[]): DiagramTransition[] => {
    const internal: DiagramTransition[] = [];
    const guardedEvents = new Set<string>();
    for (const w of walkedTransitions) {
      const kind: TransitionKind = w.event === 'always' ? 'always' : w.event.startsWith('after:') ? 'delayed' : 'event';
      const base = {
        source,
        kind,
        event: w.event,
        ...(kind === 'delayed' ? { delay: delayOf(w.event.slice('after:'.length)) } : {}),
        ...(w.guard ? { guard: w.guard } : {}),
        otherwise: !w.guard && guardedEvents.has(w.event),
      };
      if (w.guard) guardedEvents.add(w.event);
      if (w.targets.length === 0) {
        counter += 1;
        internal.push({ id: `t${counter}`, ...base });
        continue;
      }
      for (const targetId of w.targets) {
        const target = pathOfId.get(targetId);
        if (target === undefined) throw new Error(`Ukjent mål «${targetId}» fra «${source || machine.id}»`);
        counter += 1;
        transitions.push({ id: `t${counter}`, ...base, target });
      }
    }
    return internal;
  };

  const rootInternal = collect(ROOT, rootTransitions(machine));
  const states: DiagramState[] = walked.map((s) => {
    const initial = initials.get(s.path);
    return {
      path: s.path,
      parent: parentOf(s.path),
      label: s.meta?.label ?? s.path.split('.').pop() ?? s.path,
      responsible: (s.meta?.responsible ?? []).map(roleName),
      final: s.final,
      compound: !s.leaf,
      ...(initial !== undefined ? { initial } : {}),
      children: walked.filter((c) => parentOf(c.path) === s.path).map((c) => c.path),
      internal: collect(s.path, s.transitions),
    };
  });
  const initial = initials.get(ROOT);
  if (initial === undefined) throw new Error(`Rutinen ${procedure.id} har ingen starttilstand`);
  return {
    procedureId: procedure.id,
    version: procedure.version,
    displayName: procedure.displayName,
    initial,
    states,
    transitions,
    rootInternal,
  };
}

/** The states directly under `parent` (ROOT for the top level), in chart order. */
export function childrenOf(graph: ProcedureGraph, parent: string): DiagramState[] {
  return graph.states.filter((s) => s.parent === parent);
}

/** Is `path` equal to `ancestor` or nested inside it? Every path is inside ROOT. */
export function isWithin(path: string, ancestor: string): boolean {
  return ancestor === ROOT || path === ancestor || path.startsWith(`${ancestor}.`);
}
