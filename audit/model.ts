/**
 * The audit's model of one case: a procedure machine hosted the way the case workflow hosts it,
 * wrapped as XState actor logic so the graph utilities in `xstate/graph` can walk it.
 *
 * `createTestModel` refuses machines with `after`, because an XState actor would start real
 * timers. The workflow does not: its case host (workflows/case-host.ts) turns every delayed
 * `xstate.raise` into a timer due at fact time + delay, cancels it on `xstate.cancel`, and when
 * nothing else happens the earliest one fires. The model steps every case through that same
 * host, on its own clock:
 * - a snapshot is the case host (machine snapshot, pending timers with due times in the order
 *   they were set, timeline) and the model clock;
 * - the events a snapshot can take are the valid payload variants (`event-variants.ts`) the
 *   machine accepts now (what `snapshot.can` decides), sent one minute after the previous step,
 *   plus the firing of the earliest pending timer only (a later timer cannot fire before an
 *   earlier one in the workflow); a human event is not offered when a timer falls due within
 *   that minute, because the timer comes first. Variants that take the same transitions and
 *   change the key alike are one edge;
 * - a timer step moves the clock to the timer's due time.
 *
 * `serialize` (the graph's `serializeState`) keeps only what decides behaviour, so the graph
 * stays finite: the state value, the pending timers in firing order with their remaining whole
 * days, and a summary of the context fields that the machine's own guards read (found by probing
 * every guard the chart uses with a recording proxy, see `analyseGuards`), plus whether a
 * suspicion of harm waits for child welfare (the audit's own question). Absolute times never
 * enter the key. Whole days are exact for delays of whole days and delays that run to a date,
 * which is what the policies give. The path generator replays every chosen path concretely and
 * checks that each step lands in the abstract state the graph said, so a summary that merged
 * states which behave differently is caught, never trusted.
 */
import {
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type ActorLogic,
  type ExecutableActionObject,
  type Snapshot,
  createActor,
} from 'xstate';
import { type CaseContext, type CaseFacts, type CaseInput, documentOf, initialCaseContext, stageDocuments } from '../machines/case-context';
import { type CaseEvent, type EventType, eventTypes } from '../machines/events';
import type { StateMeta } from '../machines/meta';
import { activePath, allowedEventTypes } from '../machines/public-view';
import { type ProcedureDefinition, buildCaseInput } from '../machines/registry';
import { type Role, documentKindSchema, serviceSchema, suspicionKindSchema, trendSchema } from '../machines/vocabulary';
import { authorisedRoles } from '../machines/authorization';
import { CURRENT_HOST_RULES, CaseHost, type MachineStepper } from '../workflows/case-host';
import type { PendingTimer } from '../workflows/case-messages';
import { type WalkedState, rootTransitions, walkStates } from '../diagrams/machine-walk';
import { type EventVariant, dateOf, eventVariants, isoOf, viaOf } from './event-variants';
import { isHarmPending } from '../machines/rule-predicates';
import type { ExpectedState } from './types';

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;
/**
 * How far the model clock moves for a human or detection event: one minute. Small against every
 * delay (the shortest is a day), so a path of a few dozen events stays within the same hour and
 * a timer's remaining time, rounded to whole days in the key, rounds the same way whichever
 * route led to the state (with an hour per event, a route with more events could round a
 * three-week evaluation date to 13 days where another gave 14, and the key would merge states
 * whose timers fire in a different order).
 */
export const EVENT_STEP_MS = 60 * 1000;
/** Who the model lets send a step when the variant's own sender may not: the staff who usually act. */
const PREFERRED_SENDERS: readonly Role[] = ['contact-teacher', 'principal', 'school-leadership', 'school-nurse', 'coordinator'];

// ---------------------------------------------------------------------------------------------
// The machine's structure: every state node and every transition, with stable ids

/** One transition definition of the chart, with a readable id that is stable across runs. */
export interface IndexedTransition {
  /** e.g. `trinn2.agreeingMeasures: measures.agreed [isTrinn2PlanComplete] → trinn2.workingOnMeasures`. */
  id: string;
  /** Dotted path of the state that declares it ('' for the root). */
  source: string;
  /** Event type, `after:<delay>` or `always`. */
  event: string;
  guard?: string;
  /** Dotted paths of the targets; empty when the transition stays in its state. */
  targets: string[];
}

/** A machine's state nodes and transitions, indexed by the definition objects XState uses. */
export interface MachineIndex {
  machineId: string;
  states: WalkedState[];
  transitions: IndexedTransition[];
  /** XState's transition definition → its indexed transition. */
  byDefinition: Map<unknown, IndexedTransition>;
  /** Dotted path → state node. */
  nodes: Map<string, AnyStateNode>;
}

const indexCache = new WeakMap<AnyStateMachine, MachineIndex>();

/** Dotted path of a state node relative to the root ('' for the root). */
export const pathOfNode = (node: AnyStateNode): string => node.path.join('.');

/**
 * Indexes `machine` with the shared structure walker: every state node below the root and every
 * transition (root ones first, then each state's `always` and `on`/`after` in walker order).
 */
export function indexMachine(machine: AnyStateMachine): MachineIndex {
  const cached = indexCache.get(machine);
  if (cached) return cached;
  const states = walkStates(machine);
  const transitions: IndexedTransition[] = [];
  const byDefinition = new Map<unknown, IndexedTransition>();
  const nodes = new Map<string, AnyStateNode>();
  const prefix = `${machine.id}.`;
  const rel = (id: string) => (id.startsWith(prefix) ? id.slice(prefix.length) : id);
  const seen = new Map<string, number>();
  const add = (source: string, walked: { event: string; guard?: string; targets: string[] }, definition: unknown) => {
    const targets = walked.targets.map(rel);
    const base = `${source || '(rot)'}: ${walked.event}${walked.guard ? ` [${walked.guard}]` : ''} → ${targets.join(', ') || '(blir)'}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const entry: IndexedTransition = {
      id: n === 0 ? base : `${base} #${n + 1}`,
      source,
      event: walked.event,
      ...(walked.guard ? { guard: walked.guard } : {}),
      targets,
    };
    transitions.push(entry);
    byDefinition.set(definition, entry);
  };
  const rootDefs = [...machine.root.transitions.values()].flat();
  rootTransitions(machine).forEach((walked, i) => add('', walked, rootDefs[i]));
  nodes.set('', machine.root);
  for (const state of states) {
    const node = machine.getStateNodeById(state.id);
    nodes.set(state.path, node);
    const defs: unknown[] = [...(node.always ?? []), ...[...node.transitions.values()].flat()];
    if (defs.length !== state.transitions.length) throw new Error(`Walker and machine disagree on ${state.id}`);
    state.transitions.forEach((walked, i) => add(state.path, walked, defs[i]));
  }
  const index: MachineIndex = { machineId: machine.id, states, transitions, byDefinition, nodes };
  indexCache.set(machine, index);
  return index;
}

/** Dotted paths of the active state nodes of a snapshot, leaf first (the root excluded). */
export function activeStatePaths(value: unknown): string[] {
  const parts = activePath(value)
    .split('.')
    .filter((p) => p !== '');
  const out: string[] = [];
  for (let i = parts.length; i > 0; i -= 1) out.push(parts.slice(0, i).join('.'));
  return out;
}

/** Meta of a state node by dotted path. */
export function metaAt(index: MachineIndex, path: string): StateMeta | undefined {
  return index.nodes.get(path)?.meta as StateMeta | undefined;
}

/** The expected-state record of a machine snapshot. */
export function expectedOf(snapshot: AnyMachineSnapshot): ExpectedState {
  return { value: snapshot.value, path: activePath(snapshot.value), status: snapshot.status === 'done' ? 'done' : 'active' };
}

// ---------------------------------------------------------------------------------------------
// Stepping a machine the way the workflow does, recording the transitions taken

/** The result of one macrostep: next snapshot, the actions to execute, the transitions taken. */
export interface MachineStep {
  snapshot: AnyMachineSnapshot;
  actions: ExecutableActionObject[];
  /** Ids (see `indexMachine`) of every transition taken, eventless ones included, in order. */
  taken: string[];
}

/**
 * A stepper for one machine: XState's pure `initialTransition`/`transition`, with an actor
 * scope that also records the microsteps' transitions (XState's inspection events carry them).
 */
export interface RecordingStepper extends MachineStepper<MachineStep> {
  index: MachineIndex;
}

export function createStepper(machine: AnyStateMachine): RecordingStepper {
  const index = indexMachine(machine);
  let transitions: unknown[] = [];
  let actions: ExecutableActionObject[] = [];
  const actor = createActor(machine, {
    inspect: (inspection) => {
      if (inspection.type === '@xstate.microstep') {
        transitions.push(...((inspection as unknown as { _transitions: unknown[] })._transitions ?? []));
      }
    },
  });
  const scope = {
    self: actor,
    id: '',
    sessionId: '',
    logger: () => {},
    defer: () => {},
    emit: () => {},
    stopChild: () => {},
    system: actor.system,
    actionExecutor: (action: ExecutableActionObject) => {
      actions.push(action);
    },
  } as unknown as AnyActorScope;
  const collect = (snapshot: AnyMachineSnapshot): MachineStep => {
    const taken = transitions.map((t) => {
      const found = index.byDefinition.get(t);
      if (!found) throw new Error(`A transition of ${machine.id} is missing from the audit index`);
      return found.id;
    });
    const step = { snapshot, actions, taken };
    transitions = [];
    actions = [];
    return step;
  };
  return {
    index,
    initial: (input) => {
      transitions = [];
      actions = [];
      return collect(machine.getInitialSnapshot(scope, input) as AnyMachineSnapshot);
    },
    next: (snapshot, event) => {
      transitions = [];
      actions = [];
      return collect(machine.transition(snapshot, event as never, scope) as AnyMachineSnapshot);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The model's snapshot and events

/** A pending timer, as the case host keeps it. */
export type ModelTimer = PendingTimer;

/** The model's snapshot: the case host (machine snapshot, pending timers), and the model clock. */
export type ModelSnapshot = Snapshot<undefined> & {
  status: 'active';
  /** The case as the workflow keeps it; never changed once in a snapshot (a step clones it). */
  host: CaseHost<MachineStep>;
  /** The host's machine snapshot. */
  machine: AnyMachineSnapshot;
  /** The host's pending timers, in the order they were set. */
  timers: readonly ModelTimer[];
  clockMs: number;
  /** Events sent so far (numbers the event ids). */
  eventCount: number;
  /** Transitions taken by the step that produced this snapshot. */
  taken: readonly string[];
};

/** A case event the model sends; `type` is its label, e.g. `evaluation.held[outcome=worse]`. */
export interface ModelCaseEvent {
  type: string;
  kind: 'event';
  via: 'update' | 'signal';
  variant?: string;
  event: CaseEvent;
}

/** The earliest pending timer falls due; `type` is `after:<delay name>`. */
export interface ModelDelayEvent {
  type: string;
  kind: 'delay';
  timerId: string;
  delayName: string;
  dueAtMs: number;
}

export type ModelEvent = ModelCaseEvent | ModelDelayEvent;

/** Label of a case event variant. */
export const labelOf = (type: string, variant?: string): string => (variant ? `${type}[${variant}]` : type);

/** The transitions `event` selects in `snapshot` (what `snapshot.can` decides, from one look). */
export function selectedBy(snapshot: ModelSnapshot, event: CaseEvent): { target?: unknown; actions: unknown[] }[] {
  return snapshot.machine.machine.getTransitionData(snapshot.machine as never, event as never) as unknown as {
    target?: unknown;
    actions: unknown[];
  }[];
}

/** Does the machine in `snapshot` take `event` (a transition with a target or actions)? */
export function takes(snapshot: ModelSnapshot, event: CaseEvent): boolean {
  return selectedBy(snapshot, event).some((t) => t.target !== undefined || t.actions.length > 0);
}

/** A model snapshot of `host` at model time `clockMs`. */
export function modelSnapshot(host: CaseHost<MachineStep>, clockMs: number, eventCount: number): ModelSnapshot {
  return {
    status: 'active',
    output: undefined,
    error: undefined,
    host,
    machine: host.snapshot,
    timers: host.pendingTimers(),
    clockMs,
    eventCount,
    taken: host.lastStep.taken,
  };
}

// ---------------------------------------------------------------------------------------------
// What the guards read: the behaviour-deciding part of the context

/** Context fields fixed when the case opens; they never tell two states of one case apart. */
const CONSTANT_FIELDS = new Set(['caseId', 'pupilId', 'schoolId', 'grade', 'openedAt', 'trigger', 'policy']);

/** The named guards inside a guard of the chart (a name, `{ type, params }`, or an and/or/not combinator). */
function namedGuards(guard: unknown, out: [string, unknown][] = []): [string, unknown][] {
  if (typeof guard === 'string') out.push([guard, undefined]);
  else if (typeof guard === 'function' && Array.isArray((guard as { guards?: unknown[] }).guards)) {
    for (const inner of (guard as unknown as { guards: unknown[] }).guards) namedGuards(inner, out);
  } else if (guard && typeof guard === 'object' && 'type' in guard) {
    out.push([(guard as { type: string }).type, (guard as { params?: unknown }).params]);
  }
  return out;
}

/** A context with every collection filled and every flag set, so guards read past their first test. */
export function richContext(base: CaseContext<unknown>, atMs: number): CaseContext<unknown> {
  const kinds = documentKindSchema.options;
  return {
    ...base,
    documents: kinds.map((kind, i) => ({
      kind,
      ref: `probe-${i}`,
      at: isoOf(atMs),
      by: { role: 'contact-teacher', userId: 'probe' },
      eventType: eventTypes[i % eventTypes.length] as EventType,
    })),
    stageDocumentStart: 0,
    consents: [...serviceSchema.options],
    referrals: [...serviceSchema.options],
    pupilVoiceRecorded: true,
    suspicions: [...suspicionKindSchema.options],
    childWelfareConsulted: true,
    lastTrend: 'unchanged',
    evaluationDate: dateOf(atMs + 7 * DAY_MS),
    evaluations: 1,
    nurseConversations: 1,
  };
}

type GuardImplementation = (args: unknown, params: unknown) => unknown;

/**
 * Calls guards as XState would, with probe contexts and every event variant, and records what
 * they answer and which context fields they read.
 */
class GuardProbe {
  readonly base: CaseContext<unknown>;
  readonly rich: CaseContext<unknown>;
  private readonly events: { type: string }[];
  private readonly guards: [GuardImplementation, unknown][];

  constructor(machine: AnyStateMachine, input: CaseInput<unknown>, named: readonly [string, unknown][]) {
    const implementations = (machine.implementations?.guards ?? {}) as Record<string, GuardImplementation>;
    const atMs = Date.parse(input.openedAt);
    this.base = initialCaseContext(input);
    this.rich = richContext(this.base, atMs);
    this.events = [
      ...eventTypes.flatMap((type) => eventVariants(type, atMs, 'probe', [...serviceSchema.options]).map((v) => v.event)),
      { type: 'xstate.after.probe' },
    ];
    this.guards = named.flatMap(([name, params]) => {
      const guard = implementations[name];
      return guard ? [[guard, params] as [GuardImplementation, unknown]] : [];
    });
  }

  /** Every guard's answer to every event in `context`, as one string; fields read go to `read`. */
  answers(context: CaseContext<unknown>, read?: Set<string>): string {
    const subject = read
      ? new Proxy(context, {
          get(target, property, receiver) {
            if (typeof property === 'string') read.add(property);
            return Reflect.get(target, property, receiver) as unknown;
          },
        })
      : context;
    let out = '';
    for (const [guard, params] of this.guards) {
      for (const event of this.events) {
        try {
          out += guard({ context: subject, event }, params) ? '1' : '0';
        } catch {
          // A guard that cannot read a probe value still told us what it reads.
          out += 'x';
        }
      }
    }
    return out;
  }

  /** Context fields read with the opening context or the full one. */
  fieldsRead(): string[] {
    const read = new Set<string>();
    this.answers(this.base, read);
    this.answers(this.rich, read);
    return [...read].sort();
  }
}

/** Which context fields decide behaviour, and which of their values the chart's guards tell apart. */
export interface KeyPlan {
  /** Context fields some guard of the chart reads (fields fixed at opening left out). */
  fields: string[];
  /** `lastTrend` value → class; values no guard tells apart share a class. */
  trendClass: Map<string, number>;
  /** Members of set-valued fields whose presence changes some guard's answer. */
  members: { consents: string[]; referrals: string[]; suspicions: string[] };
}

/**
 * Probes every guard the chart uses: calls it for every event variant with a recording proxy as
 * context, once with the opening context and once with a full one, to learn which fields it
 * reads; then varies one field at a time (each trend value, each service in or out of the
 * consents and referrals, each suspicion kind) and compares the answers of all guards, so values
 * that no guard tells apart share one class in the key.
 */
export function analyseGuards(machine: AnyStateMachine, input: CaseInput<unknown>): KeyPlan {
  const named = [...indexMachine(machine).byDefinition.keys()].flatMap((definition) =>
    namedGuards((definition as { guard?: unknown }).guard),
  );
  const probe = new GuardProbe(machine, input, named);
  const { base, rich } = probe;

  const trendClass = new Map<string, number>();
  const signatures: string[] = [];
  for (const trend of ['none', ...trendSchema.options]) {
    const signature = probe.answers({ ...rich, lastTrend: trend === 'none' ? undefined : (trend as CaseContext<unknown>['lastTrend']) });
    const known = signatures.indexOf(signature);
    trendClass.set(trend, known >= 0 ? known : signatures.push(signature) - 1);
  }
  const members = (field: 'consents' | 'referrals' | 'suspicions', values: readonly string[]): string[] =>
    values.filter((value) => {
      const full = rich[field] as string[];
      return (
        probe.answers({ ...rich, [field]: full.filter((v) => v !== value) }) !== probe.answers({ ...rich, [field]: full }) ||
        probe.answers({ ...base, [field]: [value] }) !== probe.answers({ ...base, [field]: [] })
      );
    });
  return {
    fields: probe.fieldsRead().filter((field) => !CONSTANT_FIELDS.has(field)),
    trendClass,
    members: {
      consents: members('consents', serviceSchema.options),
      referrals: members('referrals', serviceSchema.options),
      suspicions: members('suspicions', suspicionKindSchema.options),
    },
  };
}

/** Context fields read by the named guards inside `guard`, probed as in `analyseGuards`. */
export function fieldsReadByGuard(machine: AnyStateMachine, input: CaseInput<unknown>, guard: unknown): string[] {
  return new GuardProbe(machine, input, namedGuards(guard)).fieldsRead();
}

const keyPlans = new WeakMap<AnyStateMachine, Map<string, KeyPlan>>();

/**
 * `analyseGuards`, once per machine and policy: the opening facts only set fields that are the
 * same in both contexts a probe compares, so every opening of a procedure shares the plan.
 */
function cachedKeyPlan(machine: AnyStateMachine, input: CaseInput<unknown>): KeyPlan {
  let byPolicy = keyPlans.get(machine);
  if (!byPolicy) {
    byPolicy = new Map();
    keyPlans.set(machine, byPolicy);
  }
  const policy = JSON.stringify(input.policy);
  let plan = byPolicy.get(policy);
  if (!plan) {
    plan = analyseGuards(machine, input);
    byPolicy.set(policy, plan);
  }
  return plan;
}

/** Does entering `node` start a new documentation stage (`beginStage` in its entry)? */
function beginsStage(node: AnyStateNode): boolean {
  return (node.entry ?? []).some((action: unknown) => {
    if (typeof action === 'string') return action === 'beginStage';
    return typeof action === 'object' && action !== null && (action as { type?: unknown }).type === 'beginStage';
  });
}

/**
 * Document kinds that matter in the active state: required by an active state, named by a
 * guard's params, or required by a state one transition away that is still in the same stage
 * (a document filed now counts there too). A target that starts a new stage forgets the
 * stage's documents, so its requirements do not matter yet.
 */
function relevantKinds(index: MachineIndex, value: unknown, cache: Map<string, readonly string[]>): readonly string[] {
  const key = activePath(value);
  const cached = cache.get(key);
  if (cached) return cached;
  const active = new Set(activeStatePaths(value));
  const kinds = new Set<string>();
  const requiredBy = (node: AnyStateNode | undefined) => (node?.meta as StateMeta | undefined)?.requiredDocuments ?? [];
  const addTarget = (target: AnyStateNode) => {
    const entered: AnyStateNode[] = [];
    for (let n: AnyStateNode | undefined = target; n && n.parent && !active.has(pathOfNode(n)); n = n.parent) entered.push(n);
    for (let n: AnyStateNode | undefined = target; n && Object.keys(n.states).length > 0;) {
      n = (n.initial?.target as AnyStateNode[] | undefined)?.[0];
      if (n) entered.push(n);
    }
    if (entered.some(beginsStage)) return;
    for (const n of [target, ...entered]) for (const kind of requiredBy(n)) kinds.add(kind);
  };
  for (const path of active) {
    const node = index.nodes.get(path);
    if (!node) continue;
    for (const kind of requiredBy(node)) kinds.add(kind);
    const definitions = [...(node.always ?? []), ...[...node.transitions.values()].flat()];
    for (const definition of definitions) {
      for (const target of (definition.target ?? []) as AnyStateNode[]) addTarget(target);
      const guard = definition.guard as { params?: { kinds?: string[] } } | undefined;
      for (const kind of guard?.params?.kinds ?? []) kinds.add(kind);
    }
  }
  const out = [...kinds].sort();
  cache.set(key, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The model

/** Options of a procedure model. */
export interface ModelOptions {
  policyOverrides?: Record<string, unknown>;
  /**
   * The key plan to use instead of probing this machine's guards: a mutant's model takes its
   * original's, so both key and offer events alike (a mutant's guards read no more than the original's).
   */
  keyPlan?: KeyPlan;
}

/** A procedure model: the actor logic for `xstate/graph` and what the path generator needs beside it. */
export interface ProcedureModel {
  procedure: ProcedureDefinition;
  facts: CaseFacts;
  logic: ActorLogic<ModelSnapshot, ModelEvent, undefined>;
  initial: ModelSnapshot;
  /** Every event the snapshot can take, in a fixed order (memoised per snapshot). */
  events(snapshot: ModelSnapshot): ModelEvent[];
  /**
   * Every payload variant of the event types given that could be sent now (none while a timer
   * falls due first), before `events` drops those the machine refuses and merges those that
   * behave alike: the mutation check compares two machines on each one.
   */
  variants(snapshot: ModelSnapshot, types: readonly EventType[]): ModelCaseEvent[];
  /** The behaviour-deciding key of a snapshot. */
  serialize(snapshot: ModelSnapshot): string;
  /** The next snapshot (memoised per snapshot and event label). */
  step(snapshot: ModelSnapshot, event: ModelEvent): ModelSnapshot;
  /** What the key keeps of the context (from probing the chart's guards). */
  keyPlan: KeyPlan;
  index: MachineIndex;
}

/** Builds the model of one case of `procedure` opened with `facts`. */
export function createProcedureModel(procedure: ProcedureDefinition, facts: CaseFacts, options: ModelOptions = {}): ProcedureModel {
  const input = buildCaseInput(procedure, facts, options.policyOverrides);
  const stepper = createStepper(procedure.machine);
  const index = stepper.index;
  // The history the procedure's guards read, summarised by its definition (machines/procedure-definition.ts).
  const history = procedure.historySummary;
  const keyPlan = options.keyPlan ?? cachedKeyPlan(procedure.machine, input);
  const keyFields = keyPlan.fields.filter((field) => !history?.replaces.includes(field));
  const kindsCache = new Map<string, readonly string[]>();

  const openedMs = Date.parse(input.openedAt);
  const initial = modelSnapshot(
    CaseHost.open({ procedure, rules: CURRENT_HOST_RULES, stepper }, { facts, policyOverrides: options.policyOverrides }, openedMs),
    openedMs,
    0,
  );

  const summarise = (snapshot: ModelSnapshot): unknown[] => {
    const context = snapshot.machine.context as CaseContext<unknown>;
    const out: unknown[] = [];
    for (const field of keyFields) {
      switch (field) {
        case 'documents':
        case 'stageDocumentStart': {
          if (field === 'stageDocumentStart' && keyFields.includes('documents')) break;
          const relevant = relevantKinds(index, snapshot.machine.value, kindsCache);
          const filed = new Set<string>(stageDocuments(context).map((d) => d.kind));
          out.push(['docs', relevant.filter((kind) => filed.has(kind))]);
          break;
        }
        case 'consents':
        case 'referrals':
        case 'suspicions': {
          const relevant = keyPlan.members[field];
          const present = new Set(context[field] as string[]);
          out.push([field, relevant.filter((value) => present.has(value))]);
          break;
        }
        case 'lastTrend':
          out.push([field, keyPlan.trendClass.get(context.lastTrend ?? 'none') ?? null]);
          break;
        case 'evaluations':
          // Guards compare the count with zero.
          out.push([field, Math.min(context.evaluations, 1)]);
          break;
        case 'nurseConversations':
          out.push([field, Math.min(context.nurseConversations, 10)]);
          break;
        case 'triggers':
          out.push([field, context.triggers.length > 1 ? context.triggers[context.triggers.length - 1]?.rule : null]);
          break;
        case 'evaluationDate':
          // Read by delays to set a due time; the timers in the key already carry it.
          break;
        default:
          out.push([field, (context as unknown as Record<string, unknown>)[field] ?? null]);
      }
    }
    if (history) out.push(['history', history.summary(context)]);
    // Consent can only be withdrawn once given; when no guard reads consents, whether any is on
    // file still decides whether a withdrawal can be sent.
    if (!keyFields.includes('consents')) out.push(['anyConsent', context.consents.length > 0]);
    // The audit's own question, not the chart's: is a suspicion of harm waiting for child
    // welfare? Kept so the generator can look for measures taken meanwhile (national rule).
    out.push(['harmPending', isHarmPending(context)]);
    return out;
  };

  /** A closed case is its final state; an open one adds its timers (firing order, whole days left) and context summary. */
  const serialize = (snapshot: ModelSnapshot): string => {
    const { value, status } = snapshot.machine;
    if (status !== 'active') return JSON.stringify([value, status]);
    const timers = snapshot.host.timersInFiringOrder().map((t) => `${t.name}@${Math.round((t.dueAtMs - snapshot.clockMs) / DAY_MS)}`);
    return JSON.stringify([value, status, timers, summarise(snapshot)]);
  };

  /**
   * What an event's payload changes beyond the transitions it selects: the document it files,
   * and the fields `recordCaseFacts` and the delays read, mapped to what the key tells apart.
   * Referral services are kept whole, because the national rules judge a BUP referral.
   */
  const effectOf = (event: CaseEvent): unknown[] => {
    const e = event as unknown as Record<string, unknown>;
    const member = (field: 'consents' | 'suspicions', value: unknown) => (keyPlan.members[field].includes(value as string) ? value : '*');
    return [
      documentOf(event)?.kind,
      event.type === 'consent.given' || event.type === 'consent.withdrawn' ? member('consents', e.service) : undefined,
      event.type === 'referral.sent' ? e.service : undefined,
      event.type === 'suspicion.raised' ? member('suspicions', e.kind) : undefined,
      event.type === 'absence.trend' ? keyPlan.trendClass.get(e.trend as string) : undefined,
      event.type === 'evaluation.held' ? keyPlan.trendClass.get(e.outcome as string) : undefined,
      e.trigger,
      e.evaluationDate,
    ];
  };

  const eventsCache = new WeakMap<ModelSnapshot, ModelEvent[]>();
  const allowedCache = new Map<string, EventType[]>();
  // States at the same model time share their payloads (events are data; nothing mutates them).
  const variantsCache = new Map<string, EventVariant[]>();

  /** Every payload variant of `type` at `atMs`, each sent by someone the workflow lets send it. */
  const sendable = (
    snapshot: ModelSnapshot,
    type: EventType,
    atMs: number,
    eventId: string,
    consents: readonly string[],
  ): ModelCaseEvent[] => {
    const variantsKey = `${type}|${atMs}|${eventId}|${consents.join(',')}`;
    let variants = variantsCache.get(variantsKey);
    if (!variants) {
      variants = eventVariants(type, atMs, eventId, consents as CaseContext<unknown>['consents']);
      variantsCache.set(variantsKey, variants);
    }
    const senders = authorisedRoles(snapshot.machine, type, procedure.extraSenders);
    const out: ModelCaseEvent[] = [];
    for (const built of variants) {
      const { variant } = built;
      // The workflow refuses a sender whose role may not take this step. A variant built
      // for a particular sender (`by=…`) is then impossible; any other is sent by someone
      // who may (machines/authorization.ts).
      let { event } = built;
      if (!senders.includes(event.actor.role)) {
        if (variant?.includes('by=')) continue;
        const role = PREFERRED_SENDERS.find((r) => senders.includes(r)) ?? senders[0];
        if (!role) continue;
        event = { ...event, actor: { role, userId: `modell-${role}` } };
      }
      out.push({ type: labelOf(type, variant), kind: 'event', via: viaOf(type), ...(variant ? { variant } : {}), event });
    }
    return out;
  };

  /** Every variant of every event type in `types` the snapshot could be sent now, merged or not (see `ProcedureModel.variants`). */
  const variants = (snapshot: ModelSnapshot, types: readonly EventType[]): ModelCaseEvent[] => {
    if (snapshot.machine.status !== 'active') return [];
    const earliest = snapshot.host.nextTimer();
    const atMs = snapshot.clockMs + EVENT_STEP_MS;
    if (earliest && earliest.dueAtMs <= atMs) return [];
    const consents = (snapshot.machine.context as CaseContext<unknown>).consents;
    const eventId = `modell-${snapshot.eventCount + 1}`;
    return types.flatMap((type) => sendable(snapshot, type, atMs, eventId, consents));
  };
  const events = (snapshot: ModelSnapshot): ModelEvent[] => {
    const cached = eventsCache.get(snapshot);
    if (cached) return cached;
    const out: ModelEvent[] = [];
    if (snapshot.machine.status === 'active') {
      const earliest = snapshot.host.nextTimer();
      const atMs = snapshot.clockMs + EVENT_STEP_MS;
      if (!earliest || earliest.dueAtMs > atMs) {
        const consents = (snapshot.machine.context as CaseContext<unknown>).consents;
        const eventId = `modell-${snapshot.eventCount + 1}`;
        const pathKey = activePath(snapshot.machine.value);
        let types = allowedCache.get(pathKey);
        if (!types) {
          types = allowedEventTypes(snapshot.machine);
          allowedCache.set(pathKey, types);
        }
        for (const type of types) {
          // Variants that take the same transitions and change the key alike are one edge.
          const seen = new Set<string>();
          for (const candidate of sendable(snapshot, type, atMs, eventId, consents)) {
            const selected = selectedBy(snapshot, candidate.event);
            if (!selected.some((t) => t.target !== undefined || t.actions.length > 0)) continue;
            const signature = JSON.stringify([selected.map((t) => index.byDefinition.get(t)?.id), effectOf(candidate.event)]);
            if (seen.has(signature)) continue;
            seen.add(signature);
            out.push(candidate);
          }
        }
      }
      if (earliest) {
        out.push({
          type: `after:${earliest.name}`,
          kind: 'delay',
          timerId: earliest.id,
          delayName: earliest.name,
          dueAtMs: earliest.dueAtMs,
        });
      }
    }
    eventsCache.set(snapshot, out);
    return out;
  };

  const stepCache = new WeakMap<ModelSnapshot, Map<string, ModelSnapshot>>();
  const step = (snapshot: ModelSnapshot, event: ModelEvent): ModelSnapshot => {
    let byLabel = stepCache.get(snapshot);
    if (!byLabel) {
      byLabel = new Map();
      stepCache.set(snapshot, byLabel);
    }
    const cached = byLabel.get(event.type);
    if (cached) return cached;
    const host = snapshot.host.clone();
    let next: ModelSnapshot;
    if (event.kind === 'delay') {
      const timer = host.pendingTimers().find((t) => t.id === event.timerId);
      if (!timer) throw new Error(`No pending timer ${event.timerId}`);
      host.fireTimer(timer, timer.dueAtMs);
      next = modelSnapshot(host, timer.dueAtMs, snapshot.eventCount);
    } else {
      const atMs = Date.parse(event.event.at);
      host.applyEvent(event.event, atMs);
      next = modelSnapshot(host, atMs, snapshot.eventCount + 1);
    }
    byLabel.set(event.type, next);
    return next;
  };

  const logic: ActorLogic<ModelSnapshot, ModelEvent, undefined> = {
    getInitialSnapshot: () => initial,
    transition: (snapshot, event) => step(snapshot, event),
    getPersistedSnapshot: (snapshot) => snapshot,
  };

  return { procedure, facts, logic, initial, events, variants, serialize, step, keyPlan, index };
}
