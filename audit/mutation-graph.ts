/**
 * Deciding a mutant on the original's model graph (the one the path generator walked), without
 * walking the mutant's own: every reachable abstract state of the original is given to the
 * mutant's machine (the same case host state, `CaseHost.resume` on the mutant), and the mutant
 * must offer the same events there and each must lead to the same abstract state (the original
 * model's key: state, status, timers with their whole days left, and what the guards read) and
 * issue the same effects. Both models use the original's key plan, which is at least as fine as
 * the mutant's needs: every operator leaves the mutant's guards reading no more than the
 * original's.
 *
 * Only states where the mutant can act differently are asked: those where a state of the
 * mutant's scope is active, or is entered or passed through by one of the state's edges. Elsewhere
 * the mutant's chart is the original's, transition for transition, so its edges are the same.
 * When every state asked agrees (and the opening does), the mutant's reachable graph is the
 * original's, edge for edge, from every opening: the mutant is equivalent. Otherwise the first
 * state that disagrees (in breadth-first order, so the shortest path to it runs through states that
 * agree) and its edge give a path that tells the two apart.
 */
import type { ProcedureDefinition } from '../machines/registry';
import { CURRENT_HOST_RULES, CaseHost } from '../workflows/case-host';
import type { EventType } from '../machines/events';
import { allowedEventTypes } from '../machines/public-view';
import {
  type ModelEvent,
  type ModelSnapshot,
  type ProcedureModel,
  activeStatePaths,
  createProcedureModel,
  createStepper,
  modelSnapshot,
  takes,
} from './model';
import type { Mutation } from './mutation-operators';
import type { WalkedGraph } from './paths';
import { effectsOf } from './replay';

/** The dotted path and every ancestor of it. */
export function withAncestors(path: string): string[] {
  const parts = path.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}

/** Dotted paths (with ancestors) of the states a model step visits: active after it, and every source and target of a transition it took. */
function visitedBy(next: ModelSnapshot, endpoints: ReadonlyMap<string, readonly string[]>): string[] {
  const out = new Set<string>(activeStatePaths(next.machine.value));
  for (const id of next.taken ?? []) for (const path of endpoints.get(id) ?? []) for (const p of withAncestors(path)) out.add(p);
  return [...out];
}

/** What the graph comparison found. */
export type GraphVerdict =
  | {
      kind: 'equivalent';
      /** Abstract states and edges of the original's graphs, summed over openings. */
      states: number;
      edges: number;
      /** States where the mutant was asked (its scope active, entered or passed through). */
      checked: number;
      /** Edges among those where the original takes the mutated transition. */
      taken: number;
    }
  | {
      kind: 'different';
      /** The model that takes `labels` and `event` (the mutant's, or the original's for an event the mutant refuses). */
      model: ProcedureModel;
      /** The shortest path (model labels) to the state where they differ. */
      labels: string[];
      /** The event they differ on there (absent when the opening differs). */
      event?: ModelEvent;
      /** Norwegian: what differs, at which state. */
      message: string;
    };

const effectsKey = (snapshot: ModelSnapshot): string => JSON.stringify(effectsOf(snapshot.host.lastStep.actions));

/** The original's snapshot as the mutant's: the same case host state, on the mutant's machine. */
function transplant(snapshot: ModelSnapshot, mutant: ProcedureDefinition, stepper: ReturnType<typeof createStepper>): ModelSnapshot {
  const host = CaseHost.resume({ procedure: mutant, rules: CURRENT_HOST_RULES, stepper }, snapshot.host.carried());
  return modelSnapshot(host, snapshot.clockMs, snapshot.eventCount);
}

/** The model snapshot after `event` in `snapshot`, stepped concretely (no memo: the two machines share labels). */
function stepped(snapshot: ModelSnapshot, event: ModelEvent): ModelSnapshot {
  const host = snapshot.host.clone();
  if (event.kind === 'delay') {
    const timer = host.pendingTimers().find((t) => t.id === event.timerId);
    if (!timer) throw new Error(`Fristen ${event.delayName} er ikke satt`);
    host.fireTimer(timer, timer.dueAtMs);
    return modelSnapshot(host, timer.dueAtMs, snapshot.eventCount);
  }
  const atMs = Date.parse(event.event.at);
  host.applyEvent(event.event, atMs);
  return modelSnapshot(host, atMs, snapshot.eventCount + 1);
}

/** What the mutated transition reacts to: its event type, when it is a case event (not `always` or a delay). */
export interface ComparedPlace {
  /** Id of the mutated transition (see `indexMachine`), when the mutation changes one. */
  transitionId?: string;
  /** Its event type when it is a case event: only that event can behave differently. */
  eventType?: EventType;
  /**
   * The mutation changes what entering its scope does (an entry's effect, a delay the scope
   * starts), not a transition: only steps that enter the scope can differ, and they take the same
   * transitions in both machines, so each edge's own event stands for the variants merged into it.
   */
  entering?: boolean;
}

/** Dotted paths (with ancestors) a model step enters: active after but not before, and every target of a transition it took. */
function enteredBy(before: ModelSnapshot, next: ModelSnapshot, targets: ReadonlyMap<string, readonly string[]>): string[] {
  const was = new Set(activeStatePaths(before.machine.value));
  const out = new Set(activeStatePaths(next.machine.value).filter((p) => !was.has(p)));
  for (const id of next.taken ?? []) for (const path of targets.get(id) ?? []) for (const p of withAncestors(path)) out.add(p);
  return [...out];
}

/**
 * Compares `mutant` with the original's walked `graphs` (see the file comment). Each state asked
 * is compared on every payload variant of the event types that can differ (not only the
 * variants the model keeps as edges: a mutant may tell apart variants the original merges) and on
 * its earliest timer.
 */
export function compareWithGraphs(
  graphs: readonly WalkedGraph[],
  mutant: ProcedureDefinition & { mutation: Mutation },
  place: ComparedPlace,
  policyOverrides: Record<string, unknown> | undefined,
): GraphVerdict {
  const scope = mutant.mutation.scope;
  const everywhere = scope.includes('');
  const inScope = (paths: readonly string[]) => everywhere || paths.some((p) => scope.includes(p));
  const stepper = createStepper(mutant.machine);
  let states = 0;
  let edges = 0;
  let checked = 0;
  let taken = 0;
  for (const graph of graphs) {
    const original = graph.model;
    const endpoints = new Map(original.index.transitions.map((t) => [t.id, [t.source, ...t.targets]] as const));
    const targets = new Map(original.index.transitions.map((t) => [t.id, t.targets] as const));
    const model = createProcedureModel(mutant, original.facts, {
      ...(policyOverrides ? { policyOverrides } : {}),
      keyPlan: original.keyPlan,
    });
    const initialKey = graph.keys[0] as string;
    if (original.serialize(model.initial) !== initialKey || effectsKey(model.initial) !== effectsKey(original.initial)) {
      return {
        kind: 'different',
        model,
        labels: [],
        message: `Åpningen (${graph.rule}) gir en annen tilstand eller andre handlinger hos mutanten.`,
      };
    }
    for (const key of graph.keys) {
      const snapshot = graph.states.get(key) as ModelSnapshot;
      const out = graph.edges.get(key) ?? [];
      states += 1;
      edges += out.length;
      const active = inScope(activeStatePaths(snapshot.machine.value));
      const entering = place.entering ? out.filter((edge) => inScope(enteredBy(snapshot, edge.next, targets))) : [];
      // A changed case-event transition acts only while its state is active, and only on its event.
      const relevant = place.entering
        ? entering.length > 0
        : place.eventType
          ? active
          : active || out.some((edge) => inScope(visitedBy(edge.next, endpoints)));
      if (!relevant) continue;
      checked += 1;
      if (place.transitionId !== undefined) taken += out.filter((edge) => edge.next.taken.includes(place.transitionId as string)).length;
      const head = graph.heads.get(key)?.labels ?? [];
      const where = `i ${activeStatePaths(snapshot.machine.value)[0] ?? '(start)'} etter ${head.length} steg`;
      const mine = transplant(snapshot, mutant, stepper);
      let candidates: ModelEvent[];
      if (place.entering) candidates = entering.map((edge) => edge.event);
      else {
        const types = place.eventType
          ? [place.eventType]
          : [...new Set([...allowedEventTypes(snapshot.machine), ...allowedEventTypes(mine.machine)])];
        candidates = original.variants(snapshot, types);
        const delay = out.find((edge) => edge.event.kind === 'delay');
        if (delay && !place.eventType) candidates.push(delay.event);
      }
      for (const event of candidates) {
        const theirs = event.kind === 'delay' || takes(snapshot, event.event);
        const ours = event.kind === 'delay' || takes(mine, event.event);
        if (!theirs && !ours) continue;
        const found = { kind: 'different' as const, labels: [...head], event };
        if (theirs !== ours) {
          return {
            ...found,
            model: ours ? model : original,
            message: ours
              ? `Mutanten tar imot ${event.type} ${where}, der originalen avviser det.`
              : `Mutanten avviser ${event.type} ${where}, der originalen tar imot det.`,
          };
        }
        const next = stepped(mine, event);
        const expected = stepped(snapshot, event);
        if (original.serialize(next) !== original.serialize(expected)) {
          return {
            ...found,
            model,
            message: `${event.type} ${where} fører mutanten til ${activeStatePaths(next.machine.value)[0] ?? '(slutt)'}, originalen til ${activeStatePaths(expected.machine.value)[0] ?? '(slutt)'} (eller med andre frister eller fakta).`,
          };
        }
        if (effectsKey(next) !== effectsKey(expected)) {
          return { ...found, model, message: `${event.type} ${where} gir andre handlinger hos mutanten enn hos originalen.` };
        }
      }
    }
  }
  return { kind: 'equivalent', states, edges, checked, taken };
}
