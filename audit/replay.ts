/**
 * Replays an audit path with XState's pure API, hosted as the workflow hosts it (timers due at
 * fact time + delay, the earliest fires first), and records what every step did: the snapshot
 * before and after, the transitions taken and the timers left pending. Coverage, the invariants
 * and the tests all read paths through this one replay, so they judge what the machine really
 * does with the path, not what the path claims.
 */
import type { AnyMachineSnapshot } from 'xstate';
import { type EffectName, effectNames } from '../machines/effects';
import type { ProcedureDefinition } from '../machines/registry';
import { CURRENT_HOST_RULES, CaseHost } from '../workflows/case-host';
import { type MachineIndex, type MachineStep, type ModelTimer, createStepper } from './model';
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
  /** The case host after the last step replayed (it may take further events). */
  host: CaseHost<MachineStep>;
}

/** Replays `path` on `procedure`'s machine (which may be a mutant's). Stops at the first refused step. */
export function replayPath(procedure: ProcedureDefinition, path: AuditPath): Replay {
  const stepper = createStepper(procedure.machine);
  const openedMs = Date.parse(path.facts.openedAt);
  const host = CaseHost.open(
    { procedure, rules: CURRENT_HOST_RULES, stepper },
    { facts: path.facts, policyOverrides: path.policyOverrides },
    openedMs,
  );
  let clockMs = openedMs;
  const replay: Replay = {
    index: stepper.index,
    initial: host.snapshot,
    initialTaken: host.lastStep.taken,
    initialTimers: host.timersInFiringOrder(),
    initialEffects: effectsOf(host.lastStep.actions),
    steps: [],
    host,
  };
  for (const [index, step] of path.steps.entries()) {
    if (!host.isActive) {
      replay.error = { stepIndex: index, message: 'saken er allerede avsluttet' };
      break;
    }
    const before = host.snapshot;
    const earliest = host.nextTimer();
    let atMs: number;
    if (step.kind === 'delay') {
      const timer = host.pendingTimers().find((t) => t.id === step.timerId);
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
      host.fireTimer(timer, atMs);
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
      // What the workflow refuses: the channel, the sender's role, or the machine itself (workflows/case-host.ts).
      const refused = host.refusal(step.event, step.via);
      if (refused) {
        replay.error = { stepIndex: index, message: `arbeidsflyten avviser ${step.event.type}: ${refused}` };
        break;
      }
      host.applyEvent(step.event, atMs);
    }
    clockMs = atMs;
    replay.steps.push({
      index,
      step,
      before,
      after: host.snapshot,
      taken: host.lastStep.taken,
      timers: host.timersInFiringOrder(),
      atMs,
      effects: effectsOf(host.lastStep.actions),
    });
  }
  return replay;
}
