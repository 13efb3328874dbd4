/**
 * Mutation testing of the audit: deliberate faults are put into COPIES of a procedure's machine
 * (the chart config is copied on write and rebuilt with `createMachine(config, implementations)`;
 * the registered machine is never touched), each copy gets its own generated paths, and the
 * audit must notice the fault:
 * - by an invariant: the mutant's paths show a fault (`collectFindings`) the original's do not;
 * - by conformance, when the audit command passes the replay of the mutant's paths against the
 *   real workflow (which runs the original machine);
 * - by replay on the original machine with the pure API, both ways (the mutant's paths on the
 *   original, the original's paths on the mutant): the model-level stand-in for conformance.
 *
 * The faults are chosen from the chart by rule, not by state name, so every procedure gets them
 * and a renamed state does not break the list:
 * - drop-transition: the procedure's own closing (a human event from a follow-up-after-improvement
 *   state into a final state) is removed;
 * - remove-required-document: the guard that checks a leaving state's documents (a guard that
 *   reads the documents or the pupil's voice) is dropped while meta still requires them;
 * - flip-guard: the next such guard is replaced by not(guard);
 * - shorten-delay: the first deadline that moves the case on (not a routine period, not a
 *   reminder that repeats its own state) fires after a third of its time;
 * - drop-timer: the `after` that ends follow-up after improvement is removed;
 * - drop-guard (consent): a referral guard that reads consent is dropped;
 * - drop-target (child welfare first): a suspicion of harm no longer moves the case;
 * - retarget-to-escalated: the first ordinary step forward of the procedure leads straight to
 *   the first state of the 'escalated' stage.
 */
import { type AnyStateMachine, createMachine, not } from 'xstate';
import type { StateMeta } from '../machines/meta';
import type { ProcedureDefinition } from '../machines/registry';
import { buildCaseInput } from '../machines/registry';
import { systemEventTypes } from '../workflows/case-messages';
import { collectFindings } from './invariants';
import { DAY_MS, type IndexedTransition, activeStatePaths, fieldsReadByGuard, indexMachine, metaAt } from './model';
import { generatePaths, openingFacts } from './paths';
import { replayPath } from './replay';
import type { AuditPath, MutationOutcome } from './types';

/** A procedure definition whose machine carries a deliberate fault. */
export interface MutantProcedure extends ProcedureDefinition {
  mutation: {
    id: string;
    operator: string;
    description: string;
    /** Which kind of check is expected to catch it: an invariant, or only a replay (conformance). */
    expectedCatch: 'invariants' | 'conformance';
  };
}

// ---------------------------------------------------------------------------------------------
// Editing a copy of the chart

type Config = Record<string, unknown>;
type TransitionConfig = Record<string, unknown>;

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

/** Where a transition of the index lives in its state's config: `on`, `after` or `always`. */
function slotOf(transition: IndexedTransition): { field: 'on' | 'after' | 'always'; key?: string } {
  if (transition.event === 'always') return { field: 'always' };
  if (transition.event.startsWith('after:')) return { field: 'after', key: transition.event.slice('after:'.length) };
  return { field: 'on', key: transition.event };
}

/** Position of `transition` among the transitions its state declares for the same event. */
function positionOf(index: ReturnType<typeof indexMachine>, transition: IndexedTransition): number {
  return index.transitions.filter((t) => t.source === transition.source && t.event === transition.event).indexOf(transition);
}

/**
 * Rewrites one transition of a copy of `machine`'s chart: `edit` gets a copy of its config
 * (a bare target string is read as `{ target }`) and returns the replacement, or undefined to drop it.
 */
function editTransition(
  machine: AnyStateMachine,
  transition: IndexedTransition,
  edit: (definition: TransitionConfig) => TransitionConfig | undefined,
): Config {
  const index = indexMachine(machine);
  const position = positionOf(index, transition);
  const { field, key } = slotOf(transition);
  const path = transition.source === '' ? [] : transition.source.split('.');
  return editState(machine.config as Config, path, (node) => {
    const holder = field === 'always' ? node : { ...((node[field] ?? {}) as Record<string, unknown>) };
    const slot = field === 'always' ? 'always' : (key as string);
    const raw = (holder as Record<string, unknown>)[slot];
    const list = (Array.isArray(raw) ? raw : [raw]).map((d) => (typeof d === 'string' ? { target: d } : { ...(d as TransitionConfig) }));
    const replaced = edit(list[position] as TransitionConfig);
    const next = replaced === undefined ? list.filter((_, i) => i !== position) : list.map((d, i) => (i === position ? replaced : d));
    if (next.length === 0) delete (holder as Record<string, unknown>)[slot];
    else (holder as Record<string, unknown>)[slot] = next;
    if (field !== 'always') node[field] = holder;
  });
}

/** A transition's config with its guard removed (an edit for `editTransition`). */
function withoutGuard(definition: TransitionConfig): TransitionConfig {
  const { guard: _dropped, ...rest } = definition;
  return rest;
}

/** A copy of `procedure` running `config` with the original implementations, possibly changed. */
function mutant(
  procedure: ProcedureDefinition,
  config: Config,
  mutation: MutantProcedure['mutation'],
  implementations: Record<string, unknown> = procedure.machine.implementations as unknown as Record<string, unknown>,
): MutantProcedure {
  const machine = createMachine(config as never, implementations as never) as unknown as AnyStateMachine;
  return { ...procedure, machine, mutation };
}

// ---------------------------------------------------------------------------------------------
// Choosing the faults

const isHumanEvent = (event: string) =>
  event !== 'always' && !event.startsWith('after:') && !(systemEventTypes as readonly string[]).includes(event);

/** Does the transition move the case out of its state (a target outside it)? */
const leaves = (t: IndexedTransition) =>
  t.targets.length > 0 && t.targets.every((target) => target !== t.source && !target.startsWith(`${t.source}.`));

function definitionOf(machine: AnyStateMachine, transition: IndexedTransition): { guard?: unknown } {
  const index = indexMachine(machine);
  for (const [definition, entry] of index.byDefinition) if (entry === transition) return definition as { guard?: unknown };
  throw new Error(`Fant ikke overgangen ${transition.id}`);
}

/** Options of `createMutants`. */
export interface CreateMutantsOptions {
  /**
   * States where the original already breaks `required-documents`: a document guard there is
   * not chosen, because the fault it would show is the one the original already has.
   */
  maskedStates?: Iterable<string>;
}

/** The faults this procedure's chart offers, in a fixed order. */
export function createMutants(procedure: ProcedureDefinition, options: CreateMutantsOptions = {}): MutantProcedure[] {
  const masked = new Set(options.maskedStates ?? []);
  const machine = procedure.machine;
  const index = indexMachine(machine);
  const input = buildCaseInput(procedure, openingFacts(procedure.openingRules[0] as never));
  const metaOf = (path: string): StateMeta | undefined => metaAt(index, path);
  const reads = (t: IndexedTransition) => fieldsReadByGuard(machine, input, definitionOf(machine, t).guard);
  const out: MutantProcedure[] = [];
  const id = (n: string) => `${procedure.id}/${n}`;

  // drop-transition: the procedure's own closing.
  const closing = index.transitions.find(
    (t) =>
      metaOf(t.source)?.stage === 'monitoring' &&
      isHumanEvent(t.event) &&
      t.targets.some((target) => index.states.find((s) => s.path === target)?.final),
  );
  if (closing) {
    out.push(
      mutant(
        procedure,
        editTransition(machine, closing, () => undefined),
        {
          id: id('drop-closing'),
          operator: 'drop-transition',
          description: `Overgangen som avslutter saken etter oppfølging er fjernet: ${closing.id}`,
          expectedCatch: 'invariants',
        },
      ),
    );
  }

  // remove-required-document and flip-guard: guards that check a leaving state's documents.
  const documentGuards = index.transitions.filter(
    (t) =>
      t.guard !== undefined &&
      isHumanEvent(t.event) &&
      leaves(t) &&
      (metaOf(t.source)?.requiredDocuments.length ?? 0) > 0 &&
      !masked.has(t.source) &&
      reads(t).some((field) => field === 'documents' || field === 'pupilVoiceRecorded'),
  );
  // Guards on agreeing measures first: there the documents are the point of the guard (a guard
  // on a state that is only entered with its documents on file can never refuse for lack of them).
  const agreeing = (t: IndexedTransition) => t.event === 'measures.agreed' || t.event === 'cooperationAgreement.signed';
  documentGuards.sort((a, b) => Number(agreeing(b)) - Number(agreeing(a)));
  const [firstDocumentGuard, secondDocumentGuard = firstDocumentGuard] = documentGuards;
  if (firstDocumentGuard) {
    out.push(
      mutant(procedure, editTransition(machine, firstDocumentGuard, withoutGuard), {
        id: id('drop-document-guard'),
        operator: 'remove-required-document',
        description: `Vakten som krever ${metaOf(firstDocumentGuard.source)?.requiredDocuments.join(', ')} er fjernet (meta krever dem fortsatt): ${firstDocumentGuard.id}`,
        expectedCatch: 'invariants',
      }),
    );
  }
  if (secondDocumentGuard) {
    out.push(
      mutant(
        procedure,
        editTransition(machine, secondDocumentGuard, (d) => ({ ...d, guard: not(d.guard as never) })),
        {
          id: id('flip-document-guard'),
          operator: 'flip-guard',
          description: `Vakten er snudd til not(${secondDocumentGuard.guard}): ${secondDocumentGuard.id}`,
          expectedCatch: 'invariants',
        },
      ),
    );
  }

  // shorten-delay: the first deadline that moves the case on.
  const deadline = index.transitions.find(
    (t) =>
      t.event.startsWith('after:') &&
      !procedure.routineDelays.includes(t.event.slice('after:'.length)) &&
      t.targets.length > 0 &&
      t.targets.every((target) => target !== t.source),
  );
  if (deadline) {
    const name = deadline.event.slice('after:'.length);
    const implementations = machine.implementations as unknown as { delays: Record<string, unknown> };
    const original = implementations.delays[name];
    // A third, in whole days (at least one): the model's key rounds remaining time to whole
    // days, which is exact for whole-day delays and delays that run to a date, as the policies give.
    const shortened = (args: unknown, params: unknown) => {
      const ms = typeof original === 'function' ? (original as (a: unknown, p: unknown) => number)(args, params) : (original as number);
      return Math.max(DAY_MS, Math.floor(ms / 3 / DAY_MS) * DAY_MS);
    };
    out.push(
      mutant(
        procedure,
        machine.config as Config,
        {
          id: id('shorten-delay'),
          operator: 'shorten-delay',
          description: `Fristen ${name} løper ut etter en tredjedel av tiden (hele dager): ${deadline.id}`,
          expectedCatch: 'conformance',
        },
        { ...implementations, delays: { ...implementations.delays, [name]: shortened } },
      ),
    );
  }

  // drop-timer: follow-up after improvement never ends.
  const followUpEnd = index.transitions.find((t) => t.event.startsWith('after:') && metaOf(t.source)?.stage === 'monitoring' && leaves(t));
  if (followUpEnd) {
    out.push(
      mutant(
        procedure,
        editTransition(machine, followUpEnd, () => undefined),
        {
          id: id('drop-follow-up-timer'),
          operator: 'drop-timer',
          description: `Fristen som avslutter oppfølgingen etter bedring er fjernet: ${followUpEnd.id}`,
          expectedCatch: 'invariants',
        },
      ),
    );
  }

  // drop-guard: a referral that needs the guardians' consent.
  const consentGuard = index.transitions.find((t) => t.event === 'referral.sent' && t.guard !== undefined && reads(t).includes('consents'));
  if (consentGuard) {
    out.push(
      mutant(procedure, editTransition(machine, consentGuard, withoutGuard), {
        id: id('drop-consent-guard'),
        operator: 'drop-guard',
        description: `Vakten som krever samtykke før henvisning er fjernet: ${consentGuard.id}`,
        expectedCatch: 'invariants',
      }),
    );
  }

  // drop-target: a suspicion of harm no longer sends the case to child welfare first.
  const harm = index.transitions.find((t) => t.event === 'suspicion.raised' && leaves(t));
  if (harm) {
    out.push(
      mutant(
        procedure,
        editTransition(machine, harm, (d) => {
          const { target: _dropped, ...rest } = d;
          return rest;
        }),
        {
          id: id('drop-child-welfare-first'),
          operator: 'drop-target',
          description: `Mistanke om omsorgssvikt registreres, men saken går ikke lenger til barnevernet først: ${harm.id}`,
          expectedCatch: 'invariants',
        },
      ),
    );
  }

  // retarget-to-escalated: an ordinary step forward goes straight to other services.
  const escalated = index.states.find((s) => s.meta?.stage === 'escalated');
  const ordinary = escalated
    ? index.transitions.find(
        (t) =>
          isHumanEvent(t.event) &&
          leaves(t) &&
          !['evaluation.held', 'escalation.decided', 'suspicion.raised', 'concern.reported', 'case.closed'].includes(t.event) &&
          (metaOf(t.source)?.stage === 'identification' || metaOf(t.source)?.stage === 'measures') &&
          !t.source.startsWith(escalated.path),
      )
    : undefined;
  if (escalated && ordinary) {
    out.push(
      mutant(
        procedure,
        editTransition(machine, ordinary, (d) => ({ ...d, target: `#${escalated.id}` })),
        {
          id: id('retarget-to-escalated'),
          operator: 'retarget-to-escalated',
          description: `Et vanlig steg fører rett til «${escalated.meta?.label}» (${escalated.path}): ${ordinary.id}`,
          expectedCatch: 'invariants',
        },
      ),
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Running the check

/** Options of `runMutationCheck`. */
export interface MutationCheckOptions {
  /** Replays paths against the real workflow; resolves true when it found a mismatch. */
  conformance?: (paths: AuditPath[]) => Promise<boolean>;
  /** Policy overrides the paths are generated for. */
  policyOverrides?: Record<string, unknown>;
  /** The original procedure's paths, when the caller has generated them already (saves a generation). */
  originalPaths?: AuditPath[];
}

/** The first step where replaying `path` on `procedure` disagrees with what the path expects. */
function replayMismatch(procedure: ProcedureDefinition, path: AuditPath): string | undefined {
  const replay = replayPath(procedure, path);
  if (replay.error) return `${path.id} steg ${replay.error.stepIndex + 1}: ${replay.error.message}`;
  if (JSON.stringify(replay.initial.value) !== JSON.stringify(path.initial.value)) return `${path.id}: annen starttilstand`;
  for (const step of replay.steps) {
    const expected = step.step.expected;
    if (
      JSON.stringify(step.after.value) !== JSON.stringify(expected.value) ||
      (step.after.status === 'done') !== (expected.status === 'done')
    ) {
      return `${path.id} steg ${step.index + 1}: ventet ${expected.path}, fikk ${activeStatePaths(step.after.value)[0] ?? ''}`;
    }
  }
  return undefined;
}

/**
 * Applies every fault of `createMutants(procedure)` and reports what caught each: the first
 * invariant whose findings are new against the original's, else conformance (when given), else
 * the replay on the original machine.
 */
export async function runMutationCheck(procedure: ProcedureDefinition, options: MutationCheckOptions = {}): Promise<MutationOutcome[]> {
  const generate = { ...(options.policyOverrides ? { policyOverrides: options.policyOverrides } : {}) };
  const originalPaths = options.originalPaths ?? generatePaths(procedure, generate);
  const findings = collectFindings(procedure, originalPaths);
  const baseline = new Set(findings.map((f) => `${f.invariant}\u0000${f.signature}`));
  const maskedStates = findings.filter((f) => f.invariant === 'required-documents' && f.state).map((f) => f.state as string);
  const outcomes: MutationOutcome[] = [];
  for (const m of createMutants(procedure, { maskedStates })) {
    const base = {
      id: m.mutation.id,
      procedureId: procedure.id,
      operator: m.mutation.operator,
      description: m.mutation.description,
      expectedCatch: m.mutation.expectedCatch,
    };
    let paths: AuditPath[];
    try {
      paths = generatePaths(m, generate);
    } catch (err) {
      outcomes.push({ ...base, caughtBy: null, detail: `Stier kunne ikke lages for mutanten: ${(err as Error).message}` });
      continue;
    }
    const fresh = collectFindings(m, paths).filter((f) => !baseline.has(`${f.invariant}\u0000${f.signature}`));
    const [first] = fresh;
    if (first) {
      const others = [...new Set(fresh.map((f) => f.invariant))].filter((i) => i !== first.invariant);
      outcomes.push({
        ...base,
        caughtBy: first.invariant,
        detail: `${first.pathIds[0]}: ${first.message}${others.length ? ` Også fanget av: ${others.join(', ')}.` : ''}`,
      });
      continue;
    }
    if (options.conformance && (await options.conformance(paths))) {
      outcomes.push({ ...base, caughtBy: 'conformance', detail: 'Stiene til mutanten avviker fra den virkelige arbeidsflyten.' });
      continue;
    }
    const mismatch =
      paths.map((p) => replayMismatch(procedure, p)).find((x) => x !== undefined) ??
      originalPaths.map((p) => replayMismatch(m, p)).find((x) => x !== undefined);
    outcomes.push(
      mismatch
        ? { ...base, caughtBy: 'replay-on-original', detail: `Avspilling mot den ekte maskinen avviker: ${mismatch}` }
        : { ...base, caughtBy: null, detail: 'Ingen kontroll skilte mutanten fra originalen.' },
    );
  }
  return outcomes;
}
