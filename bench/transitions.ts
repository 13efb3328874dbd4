/**
 * Pure machine transitions per second per procedure (issue 16): the audit's generated paths of
 * every current procedure, replayed in memory through the case host the workflow runs
 * (workflows/case-host.ts, as the workflow calls it: an Update validated and taken, a Signal
 * received, a deadline fired, the effects taken off the queue), beside XState's bare pure
 * `initialTransition`/`transition` over the same event sequences (a deadline as its delayed
 * event). No Temporal: this is the cost of deciding, without history or activities.
 *
 * A path is used up to its first step the pure replay (audit/replay.ts) refuses, so both sides
 * take the same, valid steps. Rounds alternate host and bare after a warm-up round; the median
 * rate of the rounds counts.
 */
import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import { generatePaths } from '../audit/paths';
import { replayPath } from '../audit/replay';
import type { AuditPath, PathStep } from '../audit/types';
import { type ProcedureDefinition, buildCaseInput, currentProcedures } from '../machines/registry';
import { CURRENT_HOST_RULES, CaseHost } from '../workflows/case-host';
import { type BenchFigure, figure } from './figures';
import { median } from './measure';

export interface TransitionsBenchOptions {
  /** Procedure ids to measure; default every current procedure. */
  procedures?: string[];
  /** Timed rounds per side (after one warm-up round); the median rate counts. */
  rounds: number;
  /** Least time one round takes: its paths are replayed again until it has passed. */
  roundMs: number;
}

export const defaultTransitionsBenchOptions: TransitionsBenchOptions = { rounds: 5, roundMs: 1000 };

export interface ProcedureTransitions {
  procedureId: string;
  paths: number;
  /** Steps (events and deadlines) in one pass over the paths. */
  steps: number;
  hostPerSecond: number;
  barePerSecond: number;
  /** Paths whose bare replay ended in the state the path expects (the same event sequences decide alike). */
  bareAgrees: number;
}

/** The steps of `path` the pure replay takes (all of them for a valid path). */
function validSteps(procedure: ProcedureDefinition, path: AuditPath): PathStep[] {
  const replay = replayPath(procedure, path);
  return replay.error ? path.steps.slice(0, replay.error.stepIndex) : path.steps;
}

/** One case through the host, as the workflow drives it. Returns the steps taken. */
function throughHost(procedure: ProcedureDefinition, path: AuditPath, steps: readonly PathStep[]): number {
  const host = CaseHost.open(
    { procedure, rules: CURRENT_HOST_RULES },
    { facts: path.facts, policyOverrides: path.policyOverrides },
    Date.parse(path.facts.openedAt),
  );
  host.startQueuedEffects();
  for (const step of steps) {
    if (step.kind === 'delay') {
      const timer = host.pendingTimers().find((t) => t.id === step.timerId);
      if (!timer) throw new Error(`${path.id}: deadline ${step.delayName} is not pending in the host`);
      host.fireTimer(timer, timer.dueAtMs);
    } else if (step.via === 'update') {
      host.validateUpdate(step.event);
      host.acceptUpdate(step.event, Date.parse(step.event.at));
    } else {
      host.receiveFact(step.event, Date.parse(step.event.at));
    }
    host.startQueuedEffects();
  }
  return steps.length;
}

/** The same sequence through XState's bare pure API. Returns the final snapshot. */
function bare(procedure: ProcedureDefinition, path: AuditPath, steps: readonly PathStep[]): AnyMachineSnapshot {
  let [snapshot] = initialTransition(procedure.machine, buildCaseInput(procedure, path.facts, path.policyOverrides) as never);
  for (const step of steps) {
    [snapshot] = transition(procedure.machine, snapshot, (step.kind === 'delay' ? { type: step.timerId } : step.event) as never);
  }
  return snapshot as AnyMachineSnapshot;
}

/** Steps per second of `pass` (one pass over every path, returning its steps), repeated for at least `roundMs`. */
function rate(pass: () => number, roundMs: number): number {
  let steps = 0;
  const started = process.hrtime.bigint();
  const elapsedMs = () => Number(process.hrtime.bigint() - started) / 1e6;
  do steps += pass();
  while (elapsedMs() < roundMs);
  return (steps * 1000) / elapsedMs();
}

export function measureProcedureTransitions(
  procedure: ProcedureDefinition,
  options: TransitionsBenchOptions,
  paths: readonly AuditPath[] = generatePaths(procedure),
): ProcedureTransitions {
  const cases = paths.map((path) => ({ path, steps: validSteps(procedure, path) }));
  const sameState = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const bareAgrees = cases.filter(({ path, steps }) => {
    const expected = steps.at(-1)?.expected ?? path.initial;
    return sameState(bare(procedure, path, steps).value, expected.value);
  }).length;
  const hostPass = () => cases.reduce((n, c) => n + throughHost(procedure, c.path, c.steps), 0);
  const barePass = () => cases.reduce((n, c) => (bare(procedure, c.path, c.steps), n + c.steps.length), 0);
  hostPass();
  barePass();
  const host: number[] = [];
  const bareRates: number[] = [];
  for (let i = 0; i < options.rounds; i += 1) {
    host.push(rate(hostPass, options.roundMs));
    bareRates.push(rate(barePass, options.roundMs));
  }
  return {
    procedureId: procedure.id,
    paths: cases.length,
    steps: cases.reduce((n, c) => n + c.steps.length, 0),
    hostPerSecond: median(host),
    barePerSecond: median(bareRates),
    bareAgrees,
  };
}

export function transitionsFigures(results: readonly ProcedureTransitions[]): BenchFigure[] {
  return results.map((r) =>
    figure('machines', `pure transitions per second (${r.procedureId})`, 'steps/s', r.hostPerSecond, {
      name: 'bare XState transition()',
      value: r.barePerSecond,
    }),
  );
}

export function transitionsReport(results: readonly ProcedureTransitions[]): string {
  const lines = ['procedure                   paths  steps/pass   host steps/s   bare steps/s   host/bare   bare ends as expected'];
  for (const r of results) {
    lines.push(
      `${r.procedureId.padEnd(27)} ${String(r.paths).padStart(5)}  ${String(r.steps).padStart(10)}   ${Math.round(r.hostPerSecond).toLocaleString('en-US').padStart(12)}   ${Math.round(r.barePerSecond).toLocaleString('en-US').padStart(12)}   ${(r.hostPerSecond / r.barePerSecond).toFixed(2).padStart(8)}×   ${r.bareAgrees}/${r.paths}`,
    );
  }
  return lines.join('\n');
}

export async function runTransitionsBench(
  options: Partial<TransitionsBenchOptions> = {},
  log: (line: string) => void = console.log,
): Promise<{ figures: BenchFigure[]; report: string; results: ProcedureTransitions[] }> {
  const settings = { ...defaultTransitionsBenchOptions, ...options };
  const procedures = currentProcedures().filter((p) => !settings.procedures || settings.procedures.includes(p.id));
  const unknown = (settings.procedures ?? []).filter((id) => !procedures.some((p) => p.id === id));
  if (unknown.length > 0) throw new Error(`transitions bench: unknown procedure ${unknown.join(', ')}`);
  const results: ProcedureTransitions[] = [];
  for (const procedure of procedures) {
    log(`  machines: ${procedure.id} (generating paths)`);
    results.push(measureProcedureTransitions(procedure, settings));
    // Let the event loop breathe between procedures (a log line, a signal) in a long synchronous run.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { figures: transitionsFigures(results), report: transitionsReport(results), results };
}

if (require.main === module) {
  runTransitionsBench()
    .then(({ report }) => console.log(`\n${report}`))
    .catch((err: unknown) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      process.exit(1);
    });
}
