/**
 * A small harness for pure machine tests: builds valid events (parsed with the real schemas, so
 * a test can never send what production would refuse), starts a case, sends events, and fires
 * the delayed events a transition scheduled, the way the workflow host will.
 */
import { type AnyMachineSnapshot, initialTransition, transition } from 'xstate';
import { type CaseEvent, type EventType, parseCaseEvent } from '../../machines/events';
import { buildCaseInput, getProcedure } from '../../machines/registry';
import type { StateMeta } from '../../machines/meta';
import type { Role } from '../../machines/vocabulary';

type Payload<K extends EventType> = Omit<Extract<CaseEvent, { type: K }>, 'type' | 'eventId' | 'actor' | 'at'>;

let counter = 0;

/** A valid event of type `type`, by `role`, at `at` (ISO date-time, default 2026-09-07 08:00 UTC). */
export function ev<K extends EventType>(
  type: K,
  payload: Payload<K>,
  options: { role?: Role; at?: string } = {},
): Extract<CaseEvent, { type: K }> {
  counter += 1;
  return parseCaseEvent({
    type,
    eventId: `evt-${counter}`,
    actor: { role: options.role ?? 'contact-teacher', userId: 'user-1' },
    at: options.at ?? '2026-09-07T08:00:00Z',
    ...payload,
  }) as Extract<CaseEvent, { type: K }>;
}

export interface ExecutedAction {
  type: string;
  params?: unknown;
}

export interface Step {
  snapshot: AnyMachineSnapshot;
  actions: ExecutedAction[];
}

/** Default case facts; override any field. */
export function caseFacts(overrides: Record<string, unknown> = {}) {
  return {
    caseId: 'case-1',
    pupilId: 'pupil-1',
    schoolId: 'school1',
    grade: 9,
    openedAt: '2026-09-07T07:00:00Z',
    trigger: { rule: 'consecutive-days', dates: ['2026-09-02', '2026-09-03', '2026-09-04'], days: 3 },
    ...overrides,
  };
}

/** Starts a case of `procedureId` with optional facts and policy overrides. */
export function start(procedureId: string, facts: Record<string, unknown> = {}, policy?: unknown): Step {
  const procedure = getProcedure(procedureId);
  const input = buildCaseInput(procedure, caseFacts(facts), policy);
  const [snapshot, actions] = initialTransition(procedure.machine, input);
  return { snapshot, actions: actions as ExecutedAction[] };
}

/** Sends `event` to the machine of `step`. */
export function send(step: Step, event: CaseEvent | { type: string }): Step {
  const [snapshot, actions] = transition(step.snapshot.machine, step.snapshot, event as never);
  return { snapshot, actions: actions as ExecutedAction[] };
}

/** Sends each event in turn. */
export function sendAll(step: Step, events: readonly CaseEvent[]): Step {
  return events.reduce(send, step);
}

export interface ScheduledEvent {
  id: string;
  delay: number;
  event: { type: string };
}

/** Delayed events the last transition scheduled (xstate.raise with a delay). */
export function scheduled(step: Step): ScheduledEvent[] {
  return step.actions
    .filter((a) => a.type === 'xstate.raise')
    .map((a) => a.params as { id: string; delay?: number; event: { type: string } })
    .filter((p) => typeof p.delay === 'number')
    .map((p) => ({ id: p.id, delay: p.delay as number, event: p.event }));
}

/** Fires the delayed event whose id contains `delayName` (e.g. 'threeDayPlanPeriod'). */
export function fire(step: Step, delayName: string): Step {
  const timer = scheduled(step).find((s) => s.id.includes(delayName));
  if (!timer) {
    throw new Error(
      `No timer "${delayName}" scheduled; scheduled: ${
        scheduled(step)
          .map((s) => s.id)
          .join(', ') || 'none'
      }`,
    );
  }
  return send(step, timer.event);
}

/** Effects (named, non-xstate actions) of the last transition. */
export function effects(step: Step): ExecutedAction[] {
  return step.actions.filter((a) => !a.type.startsWith('xstate.') && !['recordCaseFacts', 'beginStage'].includes(a.type));
}

/** The state value as a dotted path (one active leaf; machines are not parallel). */
export function stateOf(step: Step): string {
  const walk = (value: unknown): string =>
    typeof value === 'string' ? value : (Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}.${walk(v)}`)[0] ?? '');
  return walk(step.snapshot.value);
}

/** Meta of the active leaf state. */
export function metaOf(step: Step): StateMeta {
  const all = step.snapshot.getMeta() as Record<string, StateMeta>;
  const leafKey = `${step.snapshot.machine.id}.${stateOf(step)}`;
  const meta = all[leafKey];
  if (!meta) throw new Error(`State ${leafKey} has no meta`);
  return meta;
}
