/**
 * Works out what a case's route marks on its procedure's diagram: the states it went through,
 * the transitions that took it from one to the next (including eventless hops through transient
 * states and the initial arrows into compound states), and where it is now.
 */
import { type ProcedureGraph, ROOT, type DiagramState, selfAndAncestors } from './graph';

/** One step of a case's route: the dotted path of the leaf it ended in and what moved it. */
export interface RouteStep {
  path: string;
  /** 'opened', an event type, or 'after:<delay name>' (as the workflow's route records it). */
  cause?: string;
}

/** What to emphasize on a diagram. */
export interface HighlightOptions {
  /** Dotted path of the case's current state, e.g. 'open.trinn1.contactingHome'. */
  current?: string;
  /**
   * The states the case went through, in visit order (dotted paths, or route steps with their
   * cause, which picks the right transition when several lead to the same state).
   */
  route?: readonly (string | RouteStep)[];
}

/** Options every renderer takes. */
export interface DiagramOptions {
  highlight?: HighlightOptions;
  /** A line under the title, e.g. which case the highlight shows. */
  caption?: string;
}

/** The marks a renderer draws. */
export interface HighlightMarks {
  current?: string;
  /** States the route passed through, their ancestors included. */
  visitedStates: Set<string>;
  /** Ids of transitions the route took. */
  visitedTransitions: Set<string>;
  /** Compound states (ROOT for the machine) whose initial arrow the route followed. */
  visitedInitials: Set<string>;
}

/** Where entering a state can end: a leaf, and what was passed on the way. */
interface Entry {
  leaf: string;
  transitions: string[];
  initials: string[];
  states: string[];
}

const stepOf = (step: string | RouteStep): RouteStep => (typeof step === 'string' ? { path: step } : step);

/** Thrown for a highlighted path the procedure does not have (e.g. a case on another version). */
export class UnknownStateError extends Error {
  override name = 'UnknownStateError';
}

/** Computes the marks for `highlight` on `graph`. Throws UnknownStateError for an unknown path. */
export function highlightMarks(graph: ProcedureGraph, highlight: HighlightOptions | undefined): HighlightMarks {
  const marks: HighlightMarks = { visitedStates: new Set(), visitedTransitions: new Set(), visitedInitials: new Set() };
  if (!highlight) return marks;
  const byPath = new Map(graph.states.map((s) => [s.path, s]));
  const known = (path: string): DiagramState => {
    const state = byPath.get(path);
    if (!state) throw new UnknownStateError(`Tilstanden «${path}» finnes ikke i rutinen ${graph.procedureId} versjon ${graph.version}`);
    return state;
  };

  /** Every leaf entering `path` can end in: down initial children, on through eventless transitions. */
  const entries = (path: string, seen: ReadonlySet<string>): Entry[] => {
    const state = known(path);
    if (seen.has(path)) return [];
    const nextSeen = new Set(seen).add(path);
    if (state.compound && state.initial !== undefined) {
      return entries(state.initial, nextSeen).map((e) => ({ ...e, initials: [path, ...e.initials], states: [path, ...e.states] }));
    }
    const out: Entry[] = [{ leaf: path, transitions: [], initials: [], states: [path] }];
    const sources = new Set([...selfAndAncestors(path), ROOT]);
    for (const t of graph.transitions) {
      if (t.kind !== 'always' || !sources.has(t.source) || t.target === undefined) continue;
      for (const e of entries(t.target, nextSeen)) {
        out.push({ ...e, transitions: [t.id, ...e.transitions], states: [path, ...e.states] });
      }
    }
    return out;
  };

  const mark = (entry: Entry, transitionId?: string): void => {
    if (transitionId) marks.visitedTransitions.add(transitionId);
    entry.transitions.forEach((id) => marks.visitedTransitions.add(id));
    entry.initials.forEach((p) => marks.visitedInitials.add(p));
    entry.states.forEach((p) => marks.visitedStates.add(p));
  };

  const steps = (highlight.route ?? []).map(stepOf);
  steps.forEach((step) => known(step.path));
  const [first] = steps;
  if (first) {
    // The case started in the machine's initial state and may have hopped on at once.
    const opening = entries(graph.initial, new Set()).filter((e) => e.leaf === first.path);
    if (opening.length > 0) marks.visitedInitials.add(ROOT);
    opening.forEach((e) => mark(e));
  }
  for (let i = 1; i < steps.length; i += 1) {
    const from = steps[i - 1]!;
    const to = steps[i]!;
    const sources = new Set([...selfAndAncestors(from.path), ROOT]);
    const candidates = graph.transitions.filter((t) => sources.has(t.source) && t.target !== undefined);
    const byCause = to.cause ? candidates.filter((t) => t.event === to.cause) : [];
    // Without a cause (or with one no transition matches) a step between different states is
    // still drawn from any transition that leads there; a step that stayed put is not.
    const chosen = byCause.length > 0 ? byCause : from.path === to.path ? [] : candidates;
    for (const t of chosen) {
      for (const e of entries(t.target!, new Set())) if (e.leaf === to.path) mark(e, t.id);
    }
  }

  for (const step of steps) marks.visitedStates.add(step.path);
  if (highlight.current !== undefined) {
    known(highlight.current);
    marks.current = highlight.current;
    marks.visitedStates.add(highlight.current);
  }
  // Being in a nested state means being in each of its parents.
  for (const path of [...marks.visitedStates]) selfAndAncestors(path).forEach((p) => marks.visitedStates.add(p));
  return marks;
}
