/**
 * A small harness for pure machine tests: builds valid events (parsed with the real schemas, so
 * a test can never send what production would refuse), starts a case, sends events, and fires
 * pending timers. A case started here runs in the workflow's own case host
 * (workflows/case-host.ts): its timers are due at fact time + delay, outlive later steps and are
 * cancelled by the machine exactly as in the workflow, so a test fires only what the workflow
 * would. The host does not refuse here: an event the machine does not take leaves the state as
 * it was, which is what the tests of refusals check.
 */
import { type AnyMachineSnapshot, transition } from 'xstate';
import { type CaseEvent, type EventType, parseCaseEvent } from '../../machines/events';
import { getProcedure } from '../../machines/registry';
import type { StateMeta } from '../../machines/meta';
import type { Role } from '../../machines/vocabulary';
import { CURRENT_HOST_RULES, CaseHost, InvalidCaseInputError } from '../../workflows/case-host';
import type { PendingTimer } from '../../workflows/case-messages';

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
  /** The actions of the step's own transition. */
  actions: ExecutedAction[];
  /** The case host (absent in a step a test built from a resolved state: it has only its machine). */
  host?: CaseHost;
  /** The case's clock: the latest event or timer time so far (ms). */
  clockMs?: number;
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
  const opening = caseFacts(facts);
  const openedMs = Date.parse(String(opening.openedAt));
  try {
    const host = CaseHost.open(
      { procedure, rules: CURRENT_HOST_RULES },
      { facts: opening, policyOverrides: policy as Record<string, unknown> },
      openedMs,
    );
    return stepOf(host, openedMs);
  } catch (err) {
    // The procedure's own error (ProcedureError, InvalidPolicyError), as a test expects it.
    throw err instanceof InvalidCaseInputError ? err.cause : err;
  }
}

const stepOf = (host: CaseHost, clockMs: number): Step => ({
  snapshot: host.snapshot,
  actions: host.lastStep.actions as ExecutedAction[],
  host,
  clockMs,
});

const isCaseEvent = (event: CaseEvent | { type: string }): event is CaseEvent => 'eventId' in event && 'actor' in event;

/**
 * Sends `event` to the case of `step`: a case event as the workflow applies it, or a timer's
 * delayed event (`{ type: 'xstate.after…' }`), which must be pending in the case.
 */
export function send(step: Step, event: CaseEvent | { type: string }): Step {
  if (!step.host) {
    const [snapshot, actions] = transition(step.snapshot.machine, step.snapshot, event as never);
    return { snapshot, actions: actions as ExecutedAction[] };
  }
  if (!isCaseEvent(event)) {
    const timer = step.host.pendingTimers().find((t) => t.event.type === event.type);
    if (!timer) throw new Error(`No pending timer sends ${event.type}; pending: ${pendingNames(step)}`);
    return fireTimer(step, timer);
  }
  const host = step.host.clone();
  const nowMs = Math.max(step.clockMs ?? 0, Date.parse(event.at));
  host.applyEvent(event, nowMs);
  return stepOf(host, nowMs);
}

/** Sends each event in turn. */
export function sendAll(step: Step, events: readonly CaseEvent[]): Step {
  return events.reduce(send, step);
}

/** Timers pending in the case of `step`, in the order they fire. */
export function pending(step: Step): PendingTimer[] {
  if (!step.host) throw new Error('This step has no case host (it was built from a resolved state)');
  return step.host.timersInFiringOrder();
}

const pendingNames = (step: Step): string =>
  pending(step)
    .map((t) => t.name)
    .join(', ') || 'none';

/** The host fires `timer` when it falls due (or now, if the case's clock is past it). */
function fireTimer(step: Step, timer: PendingTimer): Step {
  const host = step.host!.clone();
  const nowMs = Math.max(step.clockMs ?? 0, timer.dueAtMs);
  host.fireTimer(timer, nowMs);
  return stepOf(host, nowMs);
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

/** Fires the pending timer whose id contains `delayName` (e.g. 'threeDayPlanPeriod'), as the host does when it falls due. */
export function fire(step: Step, delayName: string): Step {
  const timer = pending(step).find((t) => t.id.includes(delayName));
  if (!timer) throw new Error(`No timer "${delayName}" pending; pending: ${pendingNames(step)}`);
  return fireTimer(step, timer);
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
