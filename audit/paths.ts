/**
 * Generates the audit's paths through a procedure: XState's graph utilities (`getAdjacencyMap`,
 * `getShortestPaths` from `xstate/graph`) walk the procedure model (`model.ts`), and a path is
 * chosen for every goal:
 * - every state node (compound and final ones included; a transient state counts when one of its
 *   eventless transitions is taken): the shortest path that reaches it;
 * - every transition of the chart (root ones, every guarded branch, every `after` and `always`):
 *   the shortest path to a state that takes it, plus that step;
 * - every step-local invariant (`invariants.ts`): the shortest path to a step that would break it,
 *   if the model has one; a correct machine has none, a faulty one is shown its fault.
 * Each path is then completed by the shortest route to a final state that the school can take by
 * itself: human events and deadlines, not the pupil moving away and not new absence from
 * detection. Where there is none the path ends where it is, and the dead-end invariant judges it.
 *
 * The graph is walked once per distinct opening (the procedure's opening rules, one per initial
 * state, e.g. procedure A's opening takes both of its branches). Simple paths (`getSimplePaths`)
 * are not used: the abstract graphs have hundreds of states with cycles (reminders, recorded
 * facts), and the number of simple paths between them explodes; shortest paths per goal give
 * full coverage with a few dozen paths.
 *
 * Every chosen path is replayed concretely through the model and must land, step by step, in the
 * abstract state the graph said; the expected state of each step comes from that replay.
 */
import { getAdjacencyMap, getShortestPaths } from 'xstate/graph';
import { type CaseFacts, caseFactsSchema } from '../machines/case-context';
import type { ProcedureDefinition } from '../machines/registry';
import type { TriggerRule } from '../machines/vocabulary';
import { dateOf, isoOf } from './event-variants';
import { stepViolations } from './invariants';
import {
  DAY_MS,
  type ModelEvent,
  type ModelSnapshot,
  type ProcedureModel,
  activeStatePaths,
  createProcedureModel,
  expectedOf,
  indexMachine,
  modelSnapshot,
} from './model';
import { effectsOf, replayPath } from './replay';
import { isLeavingResponsibility } from '../machines/rule-predicates';
import type { AuditPath, CoverageReport, PathStep } from './types';

/** When every generated case opens: a Monday morning in term time (UTC). */
export const AUDIT_OPENED_AT = '2026-09-07T08:00:00.000Z';
const SCHOOL_ID = 'skole_revisjon';

/** Options of `generatePaths`. */
export interface GenerateOptions {
  /** The municipality's policy overrides; the paths are valid for them only. */
  policyOverrides?: Record<string, unknown>;
}

/** Size and cost of one generation, for the report. */
export interface PathGenerationStats {
  procedureId: string;
  /** One entry per distinct opening the graph was walked from. */
  openings: { rule: TriggerRule; states: number; edges: number }[];
  goals: { total: number; reached: number };
  paths: number;
  steps: number;
  durationMs: number;
}

// ---------------------------------------------------------------------------------------------
// Openings

/** Counts that make each opening rule's trigger realistic (a few school days before opening). */
const triggerCounts: Record<TriggerRule, { days?: number; lessons?: number; dates: number }> = {
  'consecutive-days': { days: 3, dates: 3 },
  'single-days-in-month': { days: 4, dates: 4 },
  'partial-days-in-month': { lessons: 6, dates: 4 },
  'days-over-limit': { days: 12, dates: 12 },
  'high-absence-short-period': { days: 5, dates: 5 },
  'days-or-lessons-over-limit': { days: 9, lessons: 12, dates: 9 },
  'valid-absence-half-year': { days: 10, dates: 10 },
  'unnotified-absence': { days: 1, dates: 1 },
  'suspected-invalid-absence': { days: 2, dates: 2 },
  'late-arrivals': { lessons: 5, dates: 5 },
  'left-during-day': { lessons: 3, dates: 3 },
  'staff-concern': { dates: 1 },
};

/** Facts of a case opened on `rule`, validated with the real schema. */
export function openingFacts(rule: TriggerRule, caseId = 'revisjon', pupilId = 'elev-revisjon'): CaseFacts {
  const counts = triggerCounts[rule];
  const opened = Date.parse(AUDIT_OPENED_AT);
  const dates: string[] = [];
  // School days (Monday to Friday) before the opening, oldest first.
  for (let day = 1; dates.length < counts.dates; day += 1) {
    const ms = opened - day * DAY_MS;
    const weekday = new Date(ms).getUTCDay();
    if (weekday !== 0 && weekday !== 6) dates.unshift(dateOf(ms));
  }
  return caseFactsSchema.parse({
    caseId,
    pupilId,
    schoolId: SCHOOL_ID,
    grade: 9,
    openedAt: AUDIT_OPENED_AT,
    trigger: {
      rule,
      dates,
      ...(counts.days !== undefined ? { days: counts.days } : {}),
      ...(counts.lessons !== undefined ? { lessons: counts.lessons } : {}),
    },
  });
}

// ---------------------------------------------------------------------------------------------
// The walked graph of one opening

/** An edge of a walked model graph. */
export interface Edge {
  from: string;
  label: string;
  event: ModelEvent;
  to: string;
  next: ModelSnapshot;
}

/** The model graph of one opening, as the generator walked it (the mutation check compares mutants with it). */
export interface WalkedGraph {
  rule: TriggerRule;
  model: ProcedureModel;
  /** Abstract states in breadth-first order. */
  keys: string[];
  states: Map<string, ModelSnapshot>;
  edges: Map<string, Edge[]>;
  /** Shortest path (labels) and its abstract states, per abstract state. */
  heads: Map<string, { labels: string[]; keys: string[] }>;
  /** Next step towards a final state reached by the procedure, per abstract state. */
  towardsEnd: Map<string, Edge>;
}

/** A step the school takes itself: a human event (not closing because the pupil left) or a deadline. */
function isSchoolStep(edge: Edge): boolean {
  if (edge.event.kind === 'delay') return true;
  return edge.event.via === 'update' && !isLeavingResponsibility(edge.event.event);
}

function walk(model: ProcedureModel, rule: TriggerRule): WalkedGraph {
  const serialized = new WeakMap<ModelSnapshot, string>();
  const serializeState = (snapshot: ModelSnapshot): string => {
    let key = serialized.get(snapshot);
    if (key === undefined) {
      key = model.serialize(snapshot);
      serialized.set(snapshot, key);
    }
    return key;
  };
  const options = {
    events: (snapshot: ModelSnapshot) => model.events(snapshot),
    serializeState,
    serializeEvent: (event: ModelEvent) => event.type,
    fromState: model.initial,
  };
  const adjacency = getAdjacencyMap(model.logic, options);
  const keys = Object.keys(adjacency);
  const states = new Map<string, ModelSnapshot>();
  const edges = new Map<string, Edge[]>();
  for (const key of keys) {
    const value = adjacency[key as keyof typeof adjacency];
    if (!value) continue;
    states.set(key, value.state);
    edges.set(
      key,
      Object.entries(value.transitions).map(([label, { event, state }]) => ({
        from: key,
        label,
        event,
        to: serializeState(state),
        next: state,
      })),
    );
  }

  const heads = new Map<string, { labels: string[]; keys: string[] }>();
  for (const path of getShortestPaths(model.logic, options)) {
    // XState's steps start with the initial state under 'xstate.init'.
    const steps = path.steps.slice(1);
    heads.set(serializeState(path.state), {
      labels: steps.map((step) => step.event.type),
      keys: steps.map((step) => serializeState(step.state)),
    });
  }

  // Distances to a final state over the steps the school itself takes: human events and the
  // deadlines they start. Closing because the pupil left, or waiting for new absence to be
  // detected, is no way to finish the procedure.
  const distance = new Map<string, number>();
  const incoming = new Map<string, Edge[]>();
  for (const list of edges.values()) {
    for (const edge of list) {
      if (!isSchoolStep(edge)) continue;
      incoming.set(edge.to, [...(incoming.get(edge.to) ?? []), edge]);
    }
  }
  const queue = keys.filter((key) => states.get(key)?.machine.status === 'done');
  for (const key of queue) distance.set(key, 0);
  for (let i = 0; i < queue.length; i += 1) {
    const key = queue[i] as string;
    const d = distance.get(key) as number;
    for (const edge of incoming.get(key) ?? []) {
      if (!distance.has(edge.from)) {
        distance.set(edge.from, d + 1);
        queue.push(edge.from);
      }
    }
  }
  const towardsEnd = new Map<string, Edge>();
  for (const key of keys) {
    const d = distance.get(key);
    if (d === undefined || d === 0) continue;
    const edge = (edges.get(key) ?? []).find((e) => distance.get(e.to) === d - 1 && isSchoolStep(e));
    if (edge) towardsEnd.set(key, edge);
  }
  return { rule, model, keys, states, edges, heads, towardsEnd };
}

// ---------------------------------------------------------------------------------------------
// Goals

interface Candidate {
  graph: number;
  /** Abstract state the goal is reached in (after `edge` when there is one). */
  at: string;
  edge?: Edge;
  cost: number;
}

/** Dotted paths of the states a step visits: the active ones after it, and transient sources. */
function visited(sourceOf: ReadonlyMap<string, string>, snapshot: ModelSnapshot): string[] {
  const sources = snapshot.taken.map((id) => sourceOf.get(id)).filter((s): s is string => s !== undefined && s !== '');
  return [...new Set([...activeStatePaths(snapshot.machine.value), ...sources])];
}

function offer(best: Map<string, Candidate>, goal: string, candidate: Candidate): void {
  const current = best.get(goal);
  if (!current || candidate.cost < current.cost) best.set(goal, candidate);
}

// ---------------------------------------------------------------------------------------------
// Paths

function pathStepOf(event: ModelEvent, next: ModelSnapshot, eventId: string): PathStep {
  const expected = expectedOf(next.machine);
  if (event.kind === 'delay') {
    return { kind: 'delay', delayName: event.delayName, timerId: event.timerId, dueAt: isoOf(event.dueAtMs), expected };
  }
  return {
    kind: 'event',
    via: event.via,
    event: { ...event.event, eventId },
    ...(event.variant ? { variant: event.variant } : {}),
    expected,
  };
}

/**
 * Replays `labels` concretely from the graph's initial state, checking each step lands in the
 * abstract state `keys` says, and builds the audit path.
 */
function materialise(
  graph: WalkedGraph,
  labels: readonly string[],
  keys: readonly string[],
  id: string,
  purpose: string,
  facts: CaseFacts,
  policyOverrides: Record<string, unknown> | undefined,
): AuditPath {
  const { model } = graph;
  let snapshot = model.initial;
  const steps: PathStep[] = [];
  labels.forEach((label, i) => {
    const event = model.events(snapshot).find((e) => e.type === label);
    if (!event) throw new Error(`${id}: steg ${i + 1} («${label}») finnes ikke i modellen når stien spilles av`);
    const next = model.step(snapshot, event);
    const key = model.serialize(next);
    if (key !== keys[i]) {
      throw new Error(
        `${id}: modellens sammendrag skiller ikke tilstander som oppfører seg ulikt (steg ${i + 1}, «${label}»):\n  ventet ${keys[i]}\n  fikk   ${key}`,
      );
    }
    steps.push(pathStepOf(event, next, `${id}#${i + 1}`));
    snapshot = next;
  });
  return {
    id,
    procedureId: model.procedure.id,
    procedureVersion: model.procedure.version,
    purpose,
    facts,
    ...(policyOverrides ? { policyOverrides } : {}),
    initial: expectedOf(model.initial.machine),
    steps,
  };
}

/**
 * The audit path that follows `labels` from `model`'s initial state (no abstract state to check
 * against: the mutation check builds paths through a mutant's model this way). Throws when a
 * label is not offered.
 */
export function pathFromLabels(
  model: ProcedureModel,
  labels: readonly string[],
  id: string,
  purpose: string,
  policyOverrides: Record<string, unknown> | undefined,
  last?: ModelEvent,
): AuditPath {
  let snapshot = model.initial;
  const steps: PathStep[] = [];
  labels.forEach((label, i) => {
    const event = model.events(snapshot).find((e) => e.type === label);
    if (!event) throw new Error(`${id}: steg ${i + 1} («${label}») finnes ikke i modellen`);
    snapshot = model.step(snapshot, event);
    steps.push(pathStepOf(event, snapshot, `${id}#${i + 1}`));
  });
  // A last event given as it is (a payload variant the model may have merged with another).
  if (last) {
    const host = snapshot.host.clone();
    if (last.kind === 'delay') {
      const timer = host.pendingTimers().find((t) => t.id === last.timerId);
      if (!timer) throw new Error(`${id}: fristen ${last.delayName} er ikke satt`);
      host.fireTimer(timer, timer.dueAtMs);
    } else {
      host.applyEvent(last.event, Date.parse(last.event.at));
    }
    steps.push(pathStepOf(last, modelSnapshot(host, snapshot.clockMs, snapshot.eventCount), `${id}#${labels.length + 1}`));
  }
  return {
    id,
    procedureId: model.procedure.id,
    procedureVersion: model.procedure.version,
    purpose,
    facts: model.facts,
    ...(policyOverrides ? { policyOverrides } : {}),
    initial: expectedOf(model.initial.machine),
    steps,
  };
}

/** Generates the audit paths of `procedure` (which may be a mutant's copy); deterministic. */
export function generatePaths(procedure: ProcedureDefinition, options: GenerateOptions = {}): AuditPath[] {
  return generatePathsWithStats(procedure, options).paths;
}

/** `generatePaths` with the size of the walked graphs and the time it took. */
export function generatePathsWithStats(
  procedure: ProcedureDefinition,
  options: GenerateOptions = {},
): { paths: AuditPath[]; stats: PathGenerationStats; graphs: WalkedGraph[] } {
  const started = Date.now();
  // One walk per distinct initial state.
  const graphs: WalkedGraph[] = [];
  const initialKeys = new Set<string>();
  for (const rule of procedure.openingRules) {
    const model = createProcedureModel(procedure, openingFacts(rule), options);
    const key = model.serialize(model.initial);
    if (initialKeys.has(key)) continue;
    initialKeys.add(key);
    graphs.push(walk(model, rule));
  }

  // Goals, in report order: states, transitions, invariants.
  const index = graphs[0]?.model.index;
  if (!index) throw new Error(`Prosedyren ${procedure.id} har ingen åpningsregler`);
  const goals: { id: string; purpose: string }[] = [
    ...index.states.map((s) => ({ id: `state:${s.path}`, purpose: `korteste vei til tilstanden ${s.path}` })),
    ...index.transitions.map((t) => ({ id: `transition:${t.id}`, purpose: `dekker overgangen ${t.id}` })),
  ];
  const sourceOf = new Map(index.transitions.map((t) => [t.id, t.source]));
  const best = new Map<string, Candidate>();
  const invariantGoals = new Map<string, string>();
  graphs.forEach((graph, g) => {
    const { model } = graph;
    const initialKey = graph.keys[0] as string;
    for (const path of visited(sourceOf, model.initial)) offer(best, `state:${path}`, { graph: g, at: initialKey, cost: 0 });
    for (const id of model.initial.taken) offer(best, `transition:${id}`, { graph: g, at: initialKey, cost: 0 });
    for (const key of graph.keys) {
      const head = graph.heads.get(key);
      if (!head) continue;
      const cost = head.labels.length + 1;
      const from = graph.states.get(key) as ModelSnapshot;
      for (const edge of graph.edges.get(key) ?? []) {
        const candidate = { graph: g, at: edge.to, edge, cost };
        for (const path of visited(sourceOf, edge.next)) offer(best, `state:${path}`, candidate);
        for (const id of edge.next.taken) offer(best, `transition:${id}`, candidate);
        for (const violation of stepViolations(model.index, {
          before: from.machine,
          after: edge.next.machine,
          step: edgeStep(edge),
          taken: edge.next.taken,
          effects: effectsOf(edge.next.host.lastStep.actions),
        })) {
          const goal = `invariant:${violation.invariant}`;
          if (!invariantGoals.has(goal)) invariantGoals.set(goal, `leter etter brudd på ${violation.invariant}`);
          offer(best, goal, candidate);
        }
      }
    }
  });
  goals.push(...[...invariantGoals].map(([id, purpose]) => ({ id, purpose })));

  // One path per goal reached, completed towards a final state; identical paths merged.
  const chosen = new Map<string, { graph: number; labels: string[]; keys: string[]; purposes: string[] }>();
  for (const goal of goals) {
    const candidate = best.get(goal.id);
    if (!candidate) continue;
    const graph = graphs[candidate.graph] as WalkedGraph;
    const labels: string[] = [];
    const keys: string[] = [];
    if (candidate.edge) {
      const head = graph.heads.get(candidate.edge.from);
      if (!head) continue;
      labels.push(...head.labels, candidate.edge.label);
      keys.push(...head.keys, candidate.edge.to);
    }
    for (let at = candidate.at, edge = graph.towardsEnd.get(at); edge; at = edge.to, edge = graph.towardsEnd.get(at)) {
      labels.push(edge.label);
      keys.push(edge.to);
    }
    const signature = `${candidate.graph}|${labels.join('|')}`;
    const existing = chosen.get(signature);
    if (existing) existing.purposes.push(goal.purpose);
    else chosen.set(signature, { graph: candidate.graph, labels, keys, purposes: [goal.purpose] });
  }

  const paths: AuditPath[] = [];
  let n = 0;
  for (const { graph: g, labels, keys, purposes } of chosen.values()) {
    n += 1;
    const graph = graphs[g] as WalkedGraph;
    const id = `${procedure.id}/${n}`;
    const facts = { ...graph.model.facts, caseId: `revisjon-${procedure.id}-${n}`, pupilId: `elev-${procedure.id}-${n}` };
    const purpose = purposes.length > 1 ? `${purposes[0]} (og ${purposes.length - 1} mål til)` : (purposes[0] as string);
    paths.push(materialise(graph, labels, keys, id, purpose, facts, options.policyOverrides));
  }

  return {
    paths,
    graphs,
    stats: {
      procedureId: procedure.id,
      openings: graphs.map((g) => ({
        rule: g.rule,
        states: g.keys.length,
        edges: [...g.edges.values()].reduce((sum, list) => sum + list.length, 0),
      })),
      goals: { total: goals.length, reached: goals.filter((goal) => best.has(goal.id)).length },
      paths: paths.length,
      steps: paths.reduce((sum, p) => sum + p.steps.length, 0),
      durationMs: Date.now() - started,
    },
  };
}

/** The path step a model edge stands for (expected state left empty: step checks do not read it). */
function edgeStep(edge: Edge): PathStep {
  return pathStepOf(edge.event, edge.next, 'modell');
}

// ---------------------------------------------------------------------------------------------
// Coverage

/**
 * State and transition coverage of `paths` on `procedure`, measured by replaying each path with
 * the pure machine API (a path the machine refuses counts up to the refused step).
 */
export function coverage(procedure: ProcedureDefinition, paths: readonly AuditPath[]): CoverageReport {
  const coveredStates = new Set<string>();
  const coveredTransitions = new Set<string>();
  let index;
  for (const path of paths) {
    const replay = replayPath(procedure, path);
    index = replay.index;
    const sourceOf = new Map(replay.index.transitions.map((t) => [t.id, t.source]));
    const mark = (value: unknown, taken: readonly string[]) => {
      for (const state of activeStatePaths(value)) coveredStates.add(state);
      for (const id of taken) {
        coveredTransitions.add(id);
        const source = sourceOf.get(id);
        if (source) coveredStates.add(source);
      }
    };
    mark(replay.initial.value, replay.initialTaken);
    for (const step of replay.steps) mark(step.after.value, step.taken);
  }
  index ??= indexMachine(procedure.machine);
  const states = index.states.map((s) => s.path);
  const transitions = index.transitions.map((t) => t.id);
  return {
    procedureId: procedure.id,
    paths: paths.length,
    states: {
      total: states.length,
      covered: states.filter((s) => coveredStates.has(s)).length,
      uncovered: states.filter((s) => !coveredStates.has(s)),
    },
    transitions: {
      total: transitions.length,
      covered: transitions.filter((t) => coveredTransitions.has(t)).length,
      uncovered: transitions.filter((t) => !coveredTransitions.has(t)),
    },
  };
}
