/**
 * The mutation operators: every fault the audit puts into a copy of a procedure's chart, at every
 * place the operator applies, found by rule from the chart itself (no state is named), so every
 * procedure gets them all and a renamed state changes an id, never the list's rules:
 * - drop-transition: each transition (on, after, always; the root's included) is removed;
 * - drop-guard and negate-guard: each guarded transition loses its guard, or takes not(guard);
 * - retarget: each transition with one target leads instead to each sibling of that target (a
 *   state with the same parent), one mutant per sibling;
 * - shorten-delay and lengthen-delay: each named delay the chart uses runs a third, or three
 *   times, as long (whole days, at least one);
 * - drop-effect: each effect (machines/effects) declared in a transition's actions or a state's
 *   entry is removed (effects a named action enqueues are not declared in the chart, and are not
 *   mutated);
 * - drop-required-document: each document kind a guard requires. Where a guard takes its kinds
 *   as params (`hasStageDocuments`, Rælingen's `isCooperationAgreementComplete`), the kind is
 *   removed from them. Most guards name their kinds inside their implementations, and there the
 *   finest honest equivalent is used: the transition's guard is evaluated as if a document of
 *   that kind were filed in the current stage (and, for the pupil's voice, as if it were
 *   recorded). Which kinds a guard requires is probed: a kind counts when some event the guard
 *   accepts with every document on file is refused without that kind.
 *
 * The registered machine is never touched: the config is copied on write and rebuilt with
 * `createMachine(config, implementations)`. Each mutant names its scope: the states where its
 * machine can behave differently from the original (the state whose transition changed, the
 * state whose entry changed, the states that start the changed delay; '' for the root, which is
 * everywhere), so a path that never visits the scope need not be replayed on it.
 */
import { type AnyStateMachine, createMachine, not } from 'xstate';
import { type CaseContext, type FiledDocument, initialCaseContext } from '../machines/case-context';
import { effectNames } from '../machines/effects';
import { type EventType, eventTypes } from '../machines/events';
import type { StateMeta } from '../machines/meta';
import { type ProcedureDefinition, buildCaseInput } from '../machines/registry';
import { type DocumentKind, documentKindSchema, meetingKindSchema, serviceSchema } from '../machines/vocabulary';
import { systemEventTypes } from '../workflows/case-messages';
import { eventVariants } from './event-variants';
import { DAY_MS, type IndexedTransition, type MachineIndex, fieldsReadByGuard, indexMachine, metaAt, richContext } from './model';
import { openingFacts } from './paths';

/** The operators, in report order. */
export const MUTATION_OPERATORS = [
  'drop-transition',
  'drop-guard',
  'negate-guard',
  'retarget',
  'shorten-delay',
  'lengthen-delay',
  'drop-effect',
  'drop-required-document',
] as const;
export type MutationOperator = (typeof MUTATION_OPERATORS)[number];

/** What each operator does, in Norwegian, for the report. */
export const OPERATOR_LABELS: Record<MutationOperator, string> = {
  'drop-transition': 'Fjern en overgang',
  'drop-guard': 'Fjern en vakt',
  'negate-guard': 'Snu en vakt',
  retarget: 'Send en overgang til en søskentilstand',
  'shorten-delay': 'Forkort en frist til en tredjedel',
  'lengthen-delay': 'Forleng en frist til det tredobbelte',
  'drop-effect': 'Fjern en handling (melding, møte, påminnelse)',
  'drop-required-document': 'Fjern et dokument en vakt krever',
};

/** One deliberate fault. */
export interface Mutation {
  /** Stable id: `<procedure id>/<operator>/<place>`, or a name the audit has used before. */
  id: string;
  operator: MutationOperator;
  /** Where in the chart: the transition's id, `entry <state>`, or the delay's name; and what. */
  place: string;
  /** Norwegian, for the report. */
  description: string;
  /** Dotted paths of the states where the mutant can behave differently ('' is the root: everywhere). */
  scope: string[];
  /** The transition changed (its id, see `indexMachine`), or its effects; absent for an entry or a delay. */
  transition?: string;
}

/** A procedure definition whose machine carries a deliberate fault. */
export interface MutantProcedure extends ProcedureDefinition {
  mutation: Mutation;
}

// ---------------------------------------------------------------------------------------------
// Editing a copy of the chart

type Config = Record<string, unknown>;
type TransitionConfig = Record<string, unknown>;
type Implementations = { guards: Record<string, unknown>; delays: Record<string, unknown>; actions: Record<string, unknown> };

/** Copies the config nodes from the root down to the state at `path` and lets `edit` change that copy. */
function editState(config: Config, path: readonly string[], edit: (node: Config) => void): Config {
  const copy: Config = { ...config };
  if (path.length === 0) {
    edit(copy);
    return copy;
  }
  const [head, ...rest] = path as [string, ...string[]];
  const states = { ...(copy.states as Record<string, Config>) };
  const child = states[head];
  if (!child) throw new Error(`Tilstanden ${head} finnes ikke i diagrammet`);
  states[head] = editState(child, rest, edit);
  copy.states = states;
  return copy;
}

const pathOf = (dotted: string): string[] => (dotted === '' ? [] : dotted.split('.'));

/** Where a transition of the index lives in its state's config: `on`, `after` or `always`. */
function slotOf(transition: IndexedTransition): { field: 'on' | 'after' | 'always'; key?: string } {
  if (transition.event === 'always') return { field: 'always' };
  if (transition.event.startsWith('after:')) return { field: 'after', key: transition.event.slice('after:'.length) };
  return { field: 'on', key: transition.event };
}

/** Position of `transition` among the transitions its state declares for the same event. */
function positionOf(index: MachineIndex, transition: IndexedTransition): number {
  return index.transitions.filter((t) => t.source === transition.source && t.event === transition.event).indexOf(transition);
}

/** The config of every transition its state declares for `transition`'s event, each as an object. */
function definitionList(node: Config, transition: IndexedTransition): TransitionConfig[] {
  const { field, key } = slotOf(transition);
  const raw = field === 'always' ? node.always : (node[field] as Record<string, unknown> | undefined)?.[key as string];
  return (Array.isArray(raw) ? raw : [raw]).map((d) => (typeof d === 'string' ? { target: d } : { ...(d as TransitionConfig) }));
}

/**
 * Rewrites one transition of a copy of `machine`'s chart: `edit` gets a copy of its config
 * (a bare target string is read as `{ target }`) and returns the replacement, or undefined to drop it.
 */
export function editTransition(
  machine: AnyStateMachine,
  transition: IndexedTransition,
  edit: (definition: TransitionConfig) => TransitionConfig | undefined,
): Config {
  const index = indexMachine(machine);
  const position = positionOf(index, transition);
  const { field, key } = slotOf(transition);
  return editState(machine.config as Config, pathOf(transition.source), (node) => {
    const list = definitionList(node, transition);
    const replaced = edit(list[position] as TransitionConfig);
    const next = replaced === undefined ? list.filter((_, i) => i !== position) : list.map((d, i) => (i === position ? replaced : d));
    if (field === 'always') {
      if (next.length === 0) delete node.always;
      else node.always = next;
      return;
    }
    const holder = { ...((node[field] ?? {}) as Record<string, unknown>) };
    if (next.length === 0) delete holder[key as string];
    else holder[key as string] = next;
    node[field] = holder;
  });
}

/** The config of `transition` in `machine`'s chart, as an object. */
function transitionConfig(machine: AnyStateMachine, transition: IndexedTransition): TransitionConfig {
  let node = machine.config as Config;
  for (const key of pathOf(transition.source)) node = (node.states as Record<string, Config>)[key] as Config;
  return definitionList(node, transition)[positionOf(indexMachine(machine), transition)] as TransitionConfig;
}

/** The config node of the state at dotted `path`. */
function stateConfig(machine: AnyStateMachine, path: string): Config {
  let node = machine.config as Config;
  for (const key of pathOf(path)) node = (node.states as Record<string, Config>)[key] as Config;
  return node;
}

const asList = (actions: unknown): unknown[] => (actions === undefined ? [] : Array.isArray(actions) ? actions : [actions]);

/** The effect an action of the chart declares (`{ type, params }` or a bare name), if it is one. */
function effectOfAction(action: unknown): { name: string; params?: unknown } | undefined {
  const name = typeof action === 'string' ? action : action && typeof action === 'object' ? (action as { type?: unknown }).type : undefined;
  if (typeof name !== 'string' || !(effectNames as readonly string[]).includes(name)) return undefined;
  return { name, ...(typeof action === 'object' ? { params: (action as { params?: unknown }).params } : {}) };
}

const describeEffect = (effect: { name: string; params?: unknown }) =>
  `${effect.name}${effect.params === undefined ? '' : ` ${JSON.stringify(effect.params)}`}`;

// ---------------------------------------------------------------------------------------------
// Guards: evaluating a guard tree, and evaluating it as if a document were on file

type GuardArgs = { context: CaseContext<unknown>; event: { type: string } };
type GuardImplementation = (args: GuardArgs, params: unknown) => boolean;

/** Evaluates a chart guard (a name, `{ type, params }`, an inline function, or and/or/not) as XState does. */
export function evaluateGuard(machine: AnyStateMachine, guard: unknown, args: GuardArgs): boolean {
  if (typeof guard === 'function') {
    const combinator = guard as unknown as { check?: (s: unknown, a: GuardArgs, p: unknown) => boolean; guards?: unknown[] };
    if (typeof combinator.check === 'function') {
      // XState's combinators evaluate their parts through the snapshot's machine.
      return combinator.check({ machine }, args, { guards: combinator.guards });
    }
    return Boolean((guard as GuardImplementation)(args, undefined));
  }
  const name = typeof guard === 'string' ? guard : (guard as { type: string }).type;
  const params = typeof guard === 'string' ? undefined : (guard as { params?: unknown }).params;
  const implementation = (machine.implementations.guards as Record<string, unknown>)[name];
  if (typeof implementation !== 'function') {
    if (implementation !== undefined) return evaluateGuard(machine, implementation, args);
    throw new Error(`Vakten ${name} er ikke definert`);
  }
  return Boolean((implementation as GuardImplementation)(args, params));
}

/**
 * `context` with a document of `kind` filed at the end of the current stage (and for the pupil's
 * voice, the voice recorded). A proxy, so the audit's guard probe still sees which fields the
 * wrapped guard reads.
 */
function withDocument(context: CaseContext<unknown>, kind: DocumentKind): CaseContext<unknown> {
  const filed: FiledDocument = {
    kind,
    ref: 'revisjon-mutant',
    at: context.openedAt,
    by: { role: 'contact-teacher', userId: 'revisjon-mutant' },
    eventType: 'document.recorded',
  };
  return new Proxy(context, {
    get(target, property, receiver) {
      if (property === 'documents') return [...target.documents, filed];
      if (property === 'pupilVoiceRecorded' && kind === 'pupil-voice') return true;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/** `context` without any document of `kind` (and for the pupil's voice, not recorded). */
function withoutDocument(context: CaseContext<unknown>, kind: DocumentKind): CaseContext<unknown> {
  const documents = context.documents.filter((d) => d.kind !== kind);
  const before = context.documents.slice(0, context.stageDocumentStart).filter((d) => d.kind !== kind).length;
  return {
    ...context,
    documents,
    stageDocumentStart: before,
    ...(kind === 'pupil-voice' ? { pupilVoiceRecorded: false } : {}),
  };
}

/** A copy of a chart guard with every named part changed by `change` (XState's and/or/not rebuilt around them). */
function mapGuard(guard: unknown, change: (named: { type: string; params?: unknown }) => unknown): unknown {
  const combinator = guard as { check?: unknown; guards?: unknown[]; name?: string };
  if (typeof guard === 'function' && typeof combinator.check === 'function' && Array.isArray(combinator.guards)) {
    // XState evaluates a combinator through its `check` and `guards`; the function itself is never called.
    const copy = () => false;
    Object.assign(copy, { check: combinator.check, guards: combinator.guards.map((inner) => mapGuard(inner, change)) });
    Object.defineProperty(copy, 'name', { value: combinator.name });
    return copy;
  }
  if (guard && typeof guard === 'object' && 'type' in guard) return change(guard as { type: string; params?: unknown });
  return guard;
}

/** Does a named part of `guard` take `kind` in its params' `kinds`? */
function namesKind(guard: unknown, kind: DocumentKind): boolean {
  let found = false;
  mapGuard(guard, (named) => {
    const kinds = (named.params as { kinds?: unknown } | undefined)?.kinds;
    if (Array.isArray(kinds) && kinds.includes(kind)) found = true;
    return named;
  });
  return found;
}

/** `guard` with `kind` removed from the `kinds` params of its named parts. */
function withoutKindParam(guard: unknown, kind: DocumentKind): unknown {
  return mapGuard(guard, (named) => {
    const params = named.params as { kinds?: unknown } | undefined;
    if (!params || !Array.isArray(params.kinds)) return named;
    return { ...named, params: { ...params, kinds: params.kinds.filter((k) => k !== kind) } };
  });
}

/** The name of the guard a drop-required-document mutant uses (added to the mutant's implementations). */
export const WITHOUT_DOCUMENT_GUARD = 'auditAsIfDocumentFiled';

/** Every document of every kind, filed by every event type and at every kind of meeting, in the current stage. */
function everyDocument(context: CaseContext<unknown>): FiledDocument[] {
  const by = { role: 'contact-teacher' as const, userId: 'probe' };
  return documentKindSchema.options.flatMap((kind) =>
    eventTypes.flatMap((eventType) =>
      [undefined, ...meetingKindSchema.options].map((meeting) => ({
        kind,
        ref: `probe-${kind}-${eventType}-${meeting ?? ''}`,
        at: context.openedAt,
        by,
        eventType,
        ...(meeting ? { meeting } : {}),
      })),
    ),
  );
}

/**
 * The document kinds `guard` requires: kinds without which some event it accepts with every
 * document on file (in a context with every collection filled) is refused.
 */
function requiredKinds(machine: AnyStateMachine, guard: unknown, eventType: string, rich: CaseContext<unknown>): DocumentKind[] {
  const atMs = Date.parse(rich.openedAt) + 7 * DAY_MS;
  const events: { type: string }[] =
    eventType === 'always' || eventType.startsWith('after:')
      ? [{ type: `xstate.after.probe` }]
      : (eventTypes as readonly string[]).includes(eventType)
        ? eventVariants(eventType as EventType, atMs, 'probe', [...serviceSchema.options]).map((v) => v.event)
        : [];
  const full = { ...rich, documents: everyDocument(rich), stageDocumentStart: 0 };
  const answer = (context: CaseContext<unknown>, event: { type: string }) => {
    try {
      return evaluateGuard(machine, guard, { context, event });
    } catch {
      return false;
    }
  };
  const accepted = events.filter((event) => answer(full, event));
  return documentKindSchema.options.filter((kind) => {
    const without = withoutDocument(full, kind);
    return accepted.some((event) => !answer(without, event));
  });
}

// ---------------------------------------------------------------------------------------------
// Delays

/** A delay changed to `factor` times its length, in whole days (at least one). */
function scaledDelay(original: unknown, factor: number): (args: unknown, params: unknown) => number {
  return (args, params) => {
    const ms = typeof original === 'function' ? (original as (a: unknown, p: unknown) => number)(args, params) : (original as number);
    // Whole days: the model's key rounds remaining time to whole days, which is exact for
    // whole-day delays and delays that run to a date, as the policies give.
    return Math.max(DAY_MS, Math.round((ms * factor) / DAY_MS) * DAY_MS);
  };
}

// ---------------------------------------------------------------------------------------------
// Legacy names

const isHumanEvent = (event: string) =>
  event !== 'always' && !event.startsWith('after:') && !(systemEventTypes as readonly string[]).includes(event);

/** Does the transition move the case out of its state (a target outside it)? */
const leaves = (t: IndexedTransition) =>
  t.targets.length > 0 && t.targets.every((target) => target !== t.source && !target.startsWith(`${t.source}.`));

/**
 * The names the audit gave its hand-chosen faults before the operators were applied everywhere:
 * the same fault keeps its id (operator and place → old name).
 */
function legacyNames(procedure: ProcedureDefinition, index: MachineIndex, reads: (t: IndexedTransition) => string[]): Map<string, string> {
  const names = new Map<string, string>();
  const metaOf = (path: string): StateMeta | undefined => metaAt(index, path);
  const closing = index.transitions.find(
    (t) =>
      metaOf(t.source)?.stage === 'monitoring' &&
      isHumanEvent(t.event) &&
      t.targets.some((target) => index.states.find((s) => s.path === target)?.final),
  );
  if (closing) names.set(`drop-transition|${closing.id}`, 'drop-closing');
  const documentGuards = index.transitions.filter(
    (t) =>
      t.guard !== undefined &&
      isHumanEvent(t.event) &&
      leaves(t) &&
      (metaOf(t.source)?.requiredDocuments.length ?? 0) > 0 &&
      reads(t).some((field) => field === 'documents' || field === 'pupilVoiceRecorded'),
  );
  const agreeing = (t: IndexedTransition) => t.event === 'measures.agreed' || t.event === 'cooperationAgreement.signed';
  documentGuards.sort((a, b) => Number(agreeing(b)) - Number(agreeing(a)));
  const [first, second = first] = documentGuards;
  if (first) names.set(`drop-guard|${first.id}`, 'drop-document-guard');
  if (second) names.set(`negate-guard|${second.id}`, 'flip-document-guard');
  const deadline = index.transitions.find(
    (t) =>
      t.event.startsWith('after:') &&
      !procedure.routineDelays.includes(t.event.slice('after:'.length)) &&
      t.targets.length > 0 &&
      t.targets.every((target) => target !== t.source),
  );
  if (deadline) names.set(`shorten-delay|${deadline.event.slice('after:'.length)}`, 'shorten-delay');
  const followUpEnd = index.transitions.find((t) => t.event.startsWith('after:') && metaOf(t.source)?.stage === 'monitoring' && leaves(t));
  if (followUpEnd) names.set(`drop-transition|${followUpEnd.id}`, 'drop-follow-up-timer');
  const consentGuard = index.transitions.find((t) => t.event === 'referral.sent' && t.guard !== undefined && reads(t).includes('consents'));
  if (consentGuard && !names.has(`drop-guard|${consentGuard.id}`)) names.set(`drop-guard|${consentGuard.id}`, 'drop-consent-guard');
  return names;
}

// ---------------------------------------------------------------------------------------------
// Creating the mutants

/** Every mutant of `procedure`'s chart, operator by operator, each place in chart order. */
export function createMutants(procedure: ProcedureDefinition): MutantProcedure[] {
  const machine = procedure.machine;
  const index = indexMachine(machine);
  const implementations = machine.implementations as unknown as Implementations;
  const input = buildCaseInput(procedure, openingFacts(procedure.openingRules[0] as never));
  const rich = richContext(initialCaseContext(input), Date.parse(input.openedAt));
  const readsCache = new Map<string, string[]>();
  const reads = (t: IndexedTransition): string[] => {
    let fields = readsCache.get(t.id);
    if (!fields) {
      fields = fieldsReadByGuard(machine, input, transitionConfig(machine, t).guard);
      readsCache.set(t.id, fields);
    }
    return fields;
  };
  const legacy = legacyNames(procedure, index, reads);
  const out: MutantProcedure[] = [];
  const seen = new Set<string>();
  const add = (
    operator: MutationOperator,
    place: string,
    description: string,
    scope: string[],
    config: Config,
    implementationsOf: Implementations = implementations,
    transition?: IndexedTransition,
  ) => {
    const legacyName = legacy.get(`${operator}|${place}`);
    let id = `${procedure.id}/${legacyName ?? `${operator}/${place}`}`;
    for (let n = 2; seen.has(id); n += 1) id = `${procedure.id}/${operator}/${place} #${n}`;
    seen.add(id);
    const mutated = createMachine(config as never, implementationsOf as never) as unknown as AnyStateMachine;
    out.push({
      ...procedure,
      machine: mutated,
      mutation: { id, operator, place, description, scope, ...(transition ? { transition: transition.id } : {}) },
    });
  };
  const label = (path: string) => {
    const meta = metaAt(index, path);
    return meta ? `«${meta.label}» (${path})` : path || 'roten';
  };

  for (const t of index.transitions) {
    add(
      'drop-transition',
      t.id,
      `Overgangen er fjernet: ${t.id}`,
      [t.source],
      editTransition(machine, t, () => undefined),
      implementations,
      t,
    );
  }
  for (const t of index.transitions.filter((x) => x.guard !== undefined)) {
    add(
      'drop-guard',
      t.id,
      `Vakten ${t.guard} er fjernet: ${t.id}`,
      [t.source],
      editTransition(machine, t, (d) => {
        const { guard: _dropped, ...rest } = d;
        return rest;
      }),
      implementations,
      t,
    );
  }
  for (const t of index.transitions.filter((x) => x.guard !== undefined)) {
    add(
      'negate-guard',
      t.id,
      `Vakten er snudd til not(${t.guard}): ${t.id}`,
      [t.source],
      editTransition(machine, t, (d) => ({ ...d, guard: not(d.guard as never) })),
      implementations,
      t,
    );
  }
  for (const t of index.transitions.filter((x) => x.targets.length === 1)) {
    const target = t.targets[0] as string;
    const parent = target.includes('.') ? target.slice(0, target.lastIndexOf('.')) : '';
    const siblings = index.states.filter(
      (s) => s.path !== target && (s.path.includes('.') ? s.path.slice(0, s.path.lastIndexOf('.')) : '') === parent,
    );
    for (const sibling of siblings) {
      add(
        'retarget',
        `${t.id} ⇒ ${sibling.path}`,
        `Overgangen fører til ${label(sibling.path)} i stedet for ${label(target)}: ${t.id}`,
        [t.source],
        editTransition(machine, t, (d) => ({ ...d, target: `#${sibling.id}` })),
        implementations,
        t,
      );
    }
  }
  const delayNames = [...new Set(index.transitions.filter((t) => t.event.startsWith('after:')).map((t) => t.event.slice('after:'.length)))];
  for (const [operator, factor, how] of [
    ['shorten-delay', 1 / 3, 'en tredjedel av tiden'],
    ['lengthen-delay', 3, 'tre ganger så lang tid'],
  ] as const) {
    for (const name of delayNames) {
      const starters = [...new Set(index.transitions.filter((t) => t.event === `after:${name}`).map((t) => t.source))];
      add(
        operator,
        name,
        `Fristen ${name} løper ut etter ${how} (hele dager), i ${starters.map(label).join(', ')}`,
        starters,
        machine.config as Config,
        {
          ...implementations,
          delays: { ...implementations.delays, [name]: scaledDelay(implementations.delays[name], factor) },
        },
      );
    }
  }
  for (const state of index.states) {
    const entry = asList(stateConfig(machine, state.path).entry);
    entry.forEach((action, position) => {
      const effect = effectOfAction(action);
      if (!effect) return;
      add(
        'drop-effect',
        `entry ${state.path}: ${describeEffect(effect)}`,
        `Handlingen ${describeEffect(effect)} ved inngang til ${label(state.path)} er fjernet`,
        [state.path],
        editState(machine.config as Config, pathOf(state.path), (node) => {
          node.entry = entry.filter((_, i) => i !== position);
        }),
      );
    });
  }
  for (const t of index.transitions) {
    const actions = asList(transitionConfig(machine, t).actions);
    actions.forEach((action, position) => {
      const effect = effectOfAction(action);
      if (!effect) return;
      add(
        'drop-effect',
        `${t.id}: ${describeEffect(effect)}`,
        `Handlingen ${describeEffect(effect)} er fjernet fra overgangen ${t.id}`,
        [t.source],
        editTransition(machine, t, (d) => ({ ...d, actions: actions.filter((_, i) => i !== position) })),
        implementations,
        t,
      );
    });
  }
  for (const t of index.transitions.filter((x) => x.guard !== undefined)) {
    const guard = transitionConfig(machine, t).guard;
    for (const kind of requiredKinds(machine, guard, t.event, rich)) {
      if (namesKind(guard, kind)) {
        // The guard takes its kinds as params: the kind is removed from them.
        add(
          'drop-required-document',
          `${t.id} − ${kind}`,
          `Vakten ${t.guard} krever ikke lenger ${kind} (fjernet fra vaktens parametre): ${t.id}`,
          [t.source],
          editTransition(machine, t, (d) => ({ ...d, guard: withoutKindParam(d.guard, kind) })),
          implementations,
          t,
        );
        continue;
      }
      add(
        'drop-required-document',
        `${t.id} − ${kind}`,
        `Vakten ${t.guard} krever ikke lenger ${kind} (den regner som om dokumentet finnes i steget): ${t.id}`,
        [t.source],
        editTransition(machine, t, (d) => ({ ...d, guard: { type: WITHOUT_DOCUMENT_GUARD, params: { guard: d.guard, kind } } })),
        {
          ...implementations,
          guards: {
            ...implementations.guards,
            [WITHOUT_DOCUMENT_GUARD]: ({ context, event }: GuardArgs, params: { guard: unknown; kind: DocumentKind }) =>
              evaluateGuard(machine, params.guard, { context: withDocument(context, params.kind), event }),
          },
        },
        t,
      );
    }
  }
  return out;
}
