/**
 * Replays an audit path with XState's pure API, hosted as the workflow hosts it (timers due at
 * fact time + delay, the earliest fires first), and records what every step did: the snapshot
 * before and after, the transitions taken and the timers left pending. Coverage, the invariants
 * and the tests all read paths through this one replay, so they judge what the machine really
 * does with the path, not what the path claims.
 */
import type { AnyMachineSnapshot } from 'xstate';
import { buildCaseInput, type ProcedureDefinition } from '../machines/registry';
import { type ModelTimer, type MachineIndex, applyTimerActions, createStepper, firingOrder } from './model';
import type { AuditPath, PathStep } from './types';

/** One replayed step. */
export interface ReplayedStep {
  index: number;
  step: PathStep;
  before: AnyMachineSnapshot;
  after: AnyMachineSnapshot;
  /** Ids of the transitions taken (see `indexMachine`). */
  taken: string[];
  /** Timers pending after the step, in firing order. */
  timers: ModelTimer[];
  /** Model time of the step (the event's `at`, or the timer's due time). */
  atMs: number;
}

/** A replayed path. */
export interface Replay {
  index: MachineIndex;
  initial: AnyMachineSnapshot;
  initialTaken: string[];
  initialTimers: ModelTimer[];
  steps: ReplayedStep[];
  /** The first step the machine or the host would not take as the path says, if any. */
  error?: { stepIndex: number; message: string };
}

/** Replays `path` on `procedure`'s machine (which may be a mutant's). Stops at the first refused step. */
export function replayPath(procedure: ProcedureDefinition, path: AuditPath): Replay {
  const stepper = createStepper(procedure.machine);
  const input = buildCaseInput(procedure, path.facts, path.policyOverrides);
  const first = stepper.initial(input);
  let timers = applyTimerActions([], first.actions, Date.parse(input.openedAt));
  let snapshot = first.snapshot;
  let clockMs = Date.parse(input.openedAt);
  const replay: Replay = {
    index: stepper.index,
    initial: first.snapshot,
    initialTaken: first.taken,
    initialTimers: firingOrder(timers),
    steps: [],
  };
  for (const [index, step] of path.steps.entries()) {
    if (snapshot.status !== 'active') {
      replay.error = { stepIndex: index, message: 'saken er allerede avsluttet' };
      break;
    }
    const [earliest] = firingOrder(timers);
    let result;
    let atMs: number;
    if (step.kind === 'delay') {
      const timer = timers.find((t) => t.id === step.timerId);
      if (!timer) {
        replay.error = { stepIndex: index, message: `fristen ${step.delayName} er ikke satt` };
        break;
      }
      if (earliest && earliest.id !== timer.id) {
        replay.error = { stepIndex: index, message: `fristen ${earliest.name} løper ut før ${step.delayName}` };
        break;
      }
      if (Date.parse(step.dueAt) !== timer.dueAtMs) {
        replay.error = {
          stepIndex: index,
          message: `fristen ${step.delayName} løper ut ${new Date(timer.dueAtMs).toISOString()}, ikke ${step.dueAt} som stien sier`,
        };
        break;
      }
      atMs = timer.dueAtMs;
      result = stepper.next(snapshot, timer.event);
      timers = applyTimerActions(
        timers.filter((t) => t.id !== timer.id),
        result.actions,
        atMs,
      );
    } else {
      atMs = Date.parse(step.event.at);
      if (earliest && earliest.dueAtMs <= atMs) {
        replay.error = { stepIndex: index, message: `fristen ${earliest.name} løper ut før hendelsen ${step.event.type}` };
        break;
      }
      if (atMs < clockMs) {
        replay.error = { stepIndex: index, message: `hendelsen ${step.event.type} er eldre enn forrige steg` };
        break;
      }
      if (!snapshot.can(step.event)) {
        replay.error = { stepIndex: index, message: `maskinen tar ikke imot ${step.event.type} i ${JSON.stringify(snapshot.value)}` };
        break;
      }
      result = stepper.next(snapshot, step.event);
      timers = applyTimerActions(timers, result.actions, atMs);
    }
    clockMs = atMs;
    replay.steps.push({ index, step, before: snapshot, after: result.snapshot, taken: result.taken, timers: firingOrder(timers), atMs });
    snapshot = result.snapshot;
  }
  return replay;
}
