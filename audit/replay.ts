/**
 * Replays an audit path with XState's pure API, hosted as the workflow hosts it (timers due at
 * fact time + delay, the earliest fires first), and records what every step did: the snapshot
 * before and after, the transitions taken and the timers left pending. Coverage, the invariants
 * and the tests all read paths through this one replay, so they judge what the machine really
 * does with the path, not what the path claims.
 */
import type { AnyMachineSnapshot } from 'xstate';
import { authorisationRefusal, detectionEventTypes } from '../machines/authorization';
import { type EffectName, effectNames } from '../machines/effects';
import { buildCaseInput, type ProcedureDefinition } from '../machines/registry';
import { type ModelTimer, type MachineIndex, activeStatePaths, applyTimerActions, createStepper, firingOrder } from './model';
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
  /** The effects (messages, meetings, reminders) the step issued, in order. */
  effects: DeclaredEffect[];
}

/** An effect a step declared: its name and parameters, as the workflow hands them to an activity. */
export interface DeclaredEffect {
  name: EffectName;
  params: unknown;
}

const isEffect = (action: { type: string }): boolean => (effectNames as readonly string[]).includes(action.type);
/** The effects among a step's actions. */
export const effectsOf = (actions: readonly { type: string; params?: unknown }[]): DeclaredEffect[] =>
  actions.filter(isEffect).map((a) => ({ name: a.type as EffectName, params: a.params }));

/** A replayed path. */
export interface Replay {
  index: MachineIndex;
  initial: AnyMachineSnapshot;
  initialTaken: string[];
  initialTimers: ModelTimer[];
  /** The effects the opening issued. */
  initialEffects: DeclaredEffect[];
  steps: ReplayedStep[];
  /** The first step the machine or the host would not take as the path says, if any. */
  error?: { stepIndex: number; message: string };
}

/**
 * What the workflow host refuses before the machine is asked (workflows/case-workflow.ts): a
 * person's event sent as detection's Signal, detection's fact sent as a person's Update, or a
 * sender whose role may not take this step (machines/authorization.ts). Undefined when it takes it.
 */
export function hostRefusal(
  procedure: ProcedureDefinition,
  snapshot: AnyMachineSnapshot,
  step: Extract<PathStep, { kind: 'event' }>,
): string | undefined {
  const fromDetection = detectionEventTypes.includes(step.event.type);
  if (step.via === 'signal' && !fromDetection) return 'en persons hendelse kan ikke komme som fravær fra deteksjonen';
  return authorisationRefusal(snapshot, step.event, activeStatePaths(snapshot.value)[0] ?? '', procedure.extraSenders);
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
    initialEffects: effectsOf(first.actions),
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
      const refused = hostRefusal(procedure, snapshot, step);
      if (refused) {
        replay.error = { stepIndex: index, message: `arbeidsflyten avviser ${step.event.type}: ${refused}` };
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
    replay.steps.push({
      index,
      step,
      before: snapshot,
      after: result.snapshot,
      taken: result.taken,
      timers: firingOrder(timers),
      atMs,
      effects: effectsOf(result.actions),
    });
    snapshot = result.snapshot;
  }
  return replay;
}
