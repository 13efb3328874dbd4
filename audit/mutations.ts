/**
 * Mutation testing of the audit: every operator of `mutation-operators.ts` at every place it
 * applies puts a fault into a copy of a procedure's machine, and the audit must tell the copy
 * from the original. Most mutants are decided on the model, fast; only what the model cannot
 * decide costs generated paths and the time-skipping server:
 *
 * 1. The original's paths (generated once per procedure, and replayed on the real workflow) are
 *    the test suite. Each is replayed purely on the mutant (`replay.ts`) when it visits the
 *    mutant's scope (elsewhere the two charts are the same), and compared after every step with
 *    the original's replay: the state, the status, the timers (names and due times) and the
 *    effects issued. The invariants judge the mutant's replays too.
 *    - A fault an invariant finds that the original's paths do not show: caught by that invariant.
 *    - Any difference: the real workflow, which runs the original machine, would disagree with
 *      the mutant on that path: caught by conformance, decided on the graph.
 * 2. Else the mutant is compared with the original's model graph (`mutation-graph.ts`): the same
 *    graph (states, edges and effects, from every opening) makes it equivalent, listed apart and
 *    not a survivor; a state where it differs gives a path that tells them apart, judged as in 1.
 * 3. Only a mutant that neither decides gets its own generated paths (slow): the invariants on
 *    them, and at last the replay of those that are not the original's against the real workflow
 *    (the `conformance` callback, on the time-skipping server). What none of these catches survived.
 */
import type { ProcedureDefinition } from '../machines/registry';
import { collectFindings, replayFindings } from './invariants';
import { type EventType, eventTypes } from '../machines/events';
import { type IndexedTransition, activeStatePaths } from './model';
import { type ComparedPlace, compareWithGraphs, withAncestors } from './mutation-graph';
import { type MutantProcedure, type Mutation, createMutants } from './mutation-operators';
import { type WalkedGraph, generatePaths, generatePathsWithStats, pathFromLabels } from './paths';
import { type Replay, replayPath } from './replay';
import type { AuditPath, MutationOutcome } from './types';

export { MUTATION_OPERATORS, OPERATOR_LABELS, type MutantProcedure, type MutationOperator, createMutants } from './mutation-operators';

/** Options of `runMutationCheck`. */
export interface MutationCheckOptions {
  /** Replays paths against the real workflow; resolves true when it found a mismatch. */
  conformance?: (paths: AuditPath[]) => Promise<boolean>;
  /** Policy overrides the paths are generated for. */
  policyOverrides?: Record<string, unknown>;
  /** The original procedure's paths, when the caller has generated them already (with `graphs`). */
  originalPaths?: AuditPath[];
  /** The model graphs the original's paths were generated from (`generatePathsWithStats`). */
  graphs?: WalkedGraph[];
  /** The mutants to check; default every mutant `createMutants` makes. */
  mutants?: MutantProcedure[];
}

// ---------------------------------------------------------------------------------------------
// Comparing replays

/** What a replay shows after the opening or a step: state, status, timers and effects. */
function observation(snapshot: Replay['initial'], timers: Replay['initialTimers'], effects: Replay['initialEffects']): string[] {
  return [
    JSON.stringify(snapshot.value),
    snapshot.status,
    timers.map((t) => `${t.name}@${new Date(t.dueAtMs).toISOString()}`).join(', '),
    JSON.stringify(effects),
  ];
}

const ASPECTS = ['tilstand', 'status', 'frister', 'handlinger'] as const;

/** The observation of one replayed step, joined. */
const observationsOf1 = (step: Replay['steps'][number]): string => observation(step.after, step.timers, step.effects).join('\u0000');

/** Observations of a replay: the opening's, then one per replayed step. */
function observationsOf(replay: Replay): string[][] {
  return [
    observation(replay.initial, replay.initialTimers, replay.initialEffects),
    ...replay.steps.map((s) => observation(s.after, s.timers, s.effects)),
  ];
}

/** The first place `mine` (the mutant's replay of `path`) shows something else than `theirs` (the original's), in Norwegian. */
function firstDifference(path: AuditPath, theirs: Replay, theirObservations: string[][], mine: Replay): string | undefined {
  const ours = observationsOf(mine);
  for (let i = 0; i < theirObservations.length; i += 1) {
    const expected = theirObservations[i] as string[];
    const got = ours[i];
    const where = i === 0 ? `${path.id} åpningen` : `${path.id} steg ${i}`;
    if (!got) {
      if (mine.error && mine.error.stepIndex === i - 1) return `${where}: mutanten ${mine.error.message}`;
      if (theirs.error && theirs.error.stepIndex === i - 1) return undefined;
      return `${where}: mutanten stoppet`;
    }
    const aspect = expected.findIndex((value, k) => value !== got[k]);
    if (aspect >= 0) {
      const state = (r: Replay) => {
        const snapshot = i === 0 ? r.initial : r.steps[i - 1]?.after;
        return snapshot ? (activeStatePaths(snapshot.value)[0] ?? '(slutt)') : '(ingen)';
      };
      return ASPECTS[aspect] === 'tilstand'
        ? `${where}: originalen går til ${state(theirs)}, mutanten til ${state(mine)}`
        : `${where}: ${ASPECTS[aspect]} er annerledes (originalen ${expected[aspect] || '(ingen)'}, mutanten ${got[aspect] || '(ingen)'})`;
    }
  }
  if (mine.error && mine.error.stepIndex !== theirs.error?.stepIndex) {
    return `${path.id} steg ${mine.error.stepIndex + 1}: mutanten ${mine.error.message}`;
  }
  if (theirs.error && theirs.error.stepIndex !== mine.error?.stepIndex) {
    return `${path.id} steg ${theirs.error.stepIndex + 1}: originalen ${theirs.error.message}, mutanten tar steget`;
  }
  return undefined;
}

/** The original's run of one path: its replay, what it shows, and the states it visits. */
interface OriginalRun {
  path: AuditPath;
  replay: Replay;
  observations: string[][];
  visited: Set<string>;
  /** Ids of the transitions the path takes. */
  taken: Set<string>;
}

function originalRun(procedure: ProcedureDefinition, path: AuditPath): OriginalRun {
  const replay = replayPath(procedure, path);
  const endpoints = new Map(replay.index.transitions.map((t) => [t.id, [t.source, ...t.targets]] as const));
  const visited = new Set<string>();
  const takenIds = new Set<string>();
  const visit = (value: unknown, taken: readonly string[]) => {
    for (const p of activeStatePaths(value)) visited.add(p);
    for (const id of taken) {
      takenIds.add(id);
      for (const end of endpoints.get(id) ?? []) for (const p of withAncestors(end)) visited.add(p);
    }
  };
  visit(replay.initial.value, replay.initialTaken);
  for (const step of replay.steps) visit(step.after.value, step.taken);
  return { path, replay, observations: observationsOf(replay), visited, taken: takenIds };
}

/** What a set of paths tells about a mutant. */
interface Judgement {
  /** The first new fault an invariant found, and the invariants that found others. */
  invariant?: { id: string; detail: string };
  /** The first difference from the original's replay. */
  difference?: string;
}

const findingKey = (invariant: string, signature: string) => `${invariant}\u0000${signature}`;

/**
 * Replays `runs`' paths on `mutant` and compares (see step 1 of the file comment), up to the
 * first path that tells the mutant apart: the invariants judge that path and those before it, so
 * a fault an invariant sees on the path that first shows it is named (a later path could only
 * name another invariant for the same mutant).
 */
function judge(mutant: MutantProcedure, runs: readonly OriginalRun[], baseline: ReadonlySet<string>): Judgement {
  const out: Judgement = {};
  const scope = new Set(mutant.mutation.scope);
  const everywhere = scope.has('');
  for (const run of runs) {
    const mine = replayPath(mutant, run.path);
    out.difference = firstDifference(run.path, run.replay, run.observations, mine);
    // A step the mutant took as the original did, outside its scope, breaks what the original's broke.
    const judged = (step: Replay['steps'][number]) =>
      everywhere ||
      run.observations[step.index + 1]?.join('\u0000') !== observationsOf1(step) ||
      [...activeStatePaths(step.before.value), ...activeStatePaths(step.after.value)].some((p) => scope.has(p));
    const fresh = replayFindings(mutant, run.path, mine, judged).filter(
      (f) => f.invariant !== 'path-replays' && !baseline.has(findingKey(f.invariant, f.signature)),
    );
    const [first] = fresh;
    if (first) {
      const others = [...new Set(fresh.map((f) => f.invariant))].filter((id) => id !== first.invariant);
      out.invariant = {
        id: first.invariant,
        detail: `${run.path.id}: ${first.message}${others.length ? ` Også fanget av: ${others.join(', ')}.` : ''}`,
      };
    }
    if (out.invariant || out.difference) return out;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Deciding each mutant

/** Why a mutant with the same graph as the original's is equivalent, per operator (Norwegian). */
function equivalenceReason(mutation: Mutation, taken: number): string {
  switch (mutation.operator) {
    case 'drop-transition':
      return taken === 0
        ? 'Overgangen tas aldri: i alle nåbare tilstander går en annen overgang for samme hendelse foran, eller hendelsen kan ikke komme der.'
        : 'Uten overgangen tar en annen overgang hendelsen, med samme mål, frister og handlinger.';
    case 'drop-guard':
      return 'Vakten er sann i alle nåbare tilstander der overgangen vurderes, så den avviser aldri noe.';
    case 'negate-guard':
      return 'Vakten avgjør ikke noe i nåbare tilstander: begge utfall gir samme overgang.';
    case 'drop-required-document':
      return 'Dokumentet finnes alltid når resten av vakten er oppfylt (hendelsen arkiverer det selv, eller vakten krever det også på annen måte).';
    case 'drop-effect':
      return 'Handlingen sendes aldri i noen nåbar tilstand.';
    case 'retarget':
      return 'Målet og søskentilstanden oppfører seg likt i alle nåbare tilstander (målet går for eksempel straks videre til søskentilstanden under revisjonens policy).';
    case 'shorten-delay':
      return 'Fristen er like lang hos mutanten overalt der den settes: den er så kort at en tredjedel, i hele dager og minst én dag, blir det samme.';
    default:
      return 'Fristen settes aldri i noen nåbar tilstand, eller blir like lang i hele dager.';
  }
}

/** The chart transition a mutation changes, when it changes one, and the case event it reacts to. */
function placeOf(mutation: Mutation, transitions: ReadonlyMap<string, IndexedTransition>): ComparedPlace {
  const transition = mutation.transition === undefined ? undefined : transitions.get(mutation.transition);
  // An entry's effect or a delay changes only what entering the scope does.
  if (!transition) return mutation.operator === 'drop-effect' || mutation.operator.endsWith('-delay') ? { entering: true } : {};
  const isCaseEvent = (eventTypes as readonly string[]).includes(transition.event);
  return { transitionId: transition.id, ...(isCaseEvent ? { eventType: transition.event as EventType } : {}) };
}

/**
 * Applies every mutant of `procedure` (or `options.mutants`) and reports what decided each: an
 * invariant, conformance on the graph, equivalence, conformance on the time-skipping server, or
 * nothing (a survivor).
 */
export async function runMutationCheck(procedure: ProcedureDefinition, options: MutationCheckOptions = {}): Promise<MutationOutcome[]> {
  const generate = { ...(options.policyOverrides ? { policyOverrides: options.policyOverrides } : {}) };
  let originalPaths = options.originalPaths;
  let graphs = options.graphs;
  if (!originalPaths || !graphs) {
    const generated = generatePathsWithStats(procedure, generate);
    originalPaths ??= generated.paths;
    graphs ??= generated.graphs;
  }
  const runs = originalPaths.map((path) => originalRun(procedure, path));
  const findings = collectFindings(procedure, originalPaths);
  const baseline = new Set(findings.map((f) => findingKey(f.invariant, f.signature)));
  const transitions = new Map((runs[0]?.replay.index.transitions ?? []).map((t) => [t.id, t] as const));
  const cleanSignatures = new Set(originalPaths.map((p) => JSON.stringify(p.steps)));
  const outcomes: MutationOutcome[] = [];

  for (const mutant of options.mutants ?? createMutants(procedure)) {
    const { mutation } = mutant;
    const base = {
      id: mutation.id,
      procedureId: procedure.id,
      operator: mutation.operator,
      place: mutation.place,
      description: mutation.description,
    };
    const caught = (judgement: Judgement, how: string): MutationOutcome | undefined => {
      if (judgement.invariant) {
        return { ...base, verdict: 'invariant', caughtBy: judgement.invariant.id, detail: `${how}${judgement.invariant.detail}` };
      }
      if (judgement.difference) {
        return { ...base, verdict: 'conformance-graph', caughtBy: 'conformance', detail: `${how}${judgement.difference}` };
      }
      return undefined;
    };

    // 1. The original's paths that visit the mutant's scope.
    const everywhere = mutation.scope.includes('');
    const relevant = runs.filter((run) => everywhere || mutation.scope.some((state) => run.visited.has(state)));
    // Paths that take the changed transition first: they are the likeliest to tell it apart.
    if (mutation.transition !== undefined) {
      const id = mutation.transition;
      relevant.sort((a, b) => Number(b.taken.has(id)) - Number(a.taken.has(id)));
    }
    const onOriginalPaths = caught(judge(mutant, relevant, baseline), '');
    if (onOriginalPaths) {
      outcomes.push(onOriginalPaths);
      continue;
    }

    // 2. The original's model graph.
    let graphNote: string;
    try {
      // Without the original's graph nothing can be shown equal to it.
      if (graphs.length === 0) throw new Error('originalens graf mangler');
      const verdict = compareWithGraphs(graphs, mutant, placeOf(mutation, transitions), options.policyOverrides);
      if (verdict.kind === 'equivalent') {
        outcomes.push({
          ...base,
          verdict: 'equivalent',
          caughtBy: null,
          detail:
            `Samme modellgraf som originalen: ${verdict.states} tilstander og ${verdict.edges} kanter fra ${graphs.length} ${graphs.length === 1 ? 'åpning' : 'åpninger'}; ` +
            `i de ${verdict.checked} tilstandene der mutanten kan skille seg ut, gir den samme hendelser, mål, frister og handlinger. ${equivalenceReason(mutation, verdict.taken)}`,
        });
        continue;
      }
      const built = pathFromLabels(
        verdict.model,
        verdict.labels,
        `${procedure.id}/mutant`,
        'skiller mutanten fra originalen',
        options.policyOverrides,
        verdict.event,
      );
      const run = originalRun(procedure, built);
      const onGraphPath = caught(judge(mutant, [run], baseline), `${verdict.message} `);
      if (onGraphPath) {
        outcomes.push(onGraphPath);
        continue;
      }
      graphNote = ` Grafen viste en forskjell (${verdict.message}), men stien dit spilte likt av.`;
    } catch (err) {
      graphNote = ` Grafen kunne ikke avgjøre mutanten: ${(err as Error).message}.`;
    }

    // 3. The mutant's own paths (slow), then the real workflow.
    let paths: AuditPath[];
    try {
      paths = generatePaths(mutant, generate);
    } catch (err) {
      outcomes.push({
        ...base,
        verdict: 'survived',
        caughtBy: null,
        detail: `Stier kunne ikke lages for mutanten: ${(err as Error).message}.${graphNote}`,
      });
      continue;
    }
    const fresh = collectFindings(mutant, paths).filter(
      (f) => f.invariant !== 'path-replays' && !baseline.has(findingKey(f.invariant, f.signature)),
    );
    const [first] = fresh;
    if (first) {
      outcomes.push({
        ...base,
        verdict: 'invariant',
        caughtBy: first.invariant,
        detail: `Mutantens egne stier: ${first.pathIds[0]}: ${first.message}`,
      });
      continue;
    }
    const candidates = paths.filter((p) => !cleanSignatures.has(JSON.stringify(p.steps)));
    if (options.conformance && candidates.length > 0 && (await options.conformance(candidates))) {
      outcomes.push({
        ...base,
        verdict: 'conformance-temporal',
        caughtBy: 'conformance',
        detail: 'Mutantens egne stier avviker fra den virkelige arbeidsflyten.',
      });
      continue;
    }
    outcomes.push({ ...base, verdict: 'survived', caughtBy: null, detail: `Ingen kontroll skilte mutanten fra originalen.${graphNote}` });
  }
  return outcomes;
}
