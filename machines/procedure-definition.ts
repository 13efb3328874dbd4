/**
 * What a procedure is, in one definition: its machine, policy schema, clauses and opening rules,
 * which of its delays are routine, what detection raises for it and with which thresholds, and
 * what the audit's model needs to tell its states apart. Detection, the audit, the diagrams, the
 * traceability table and the registry read a procedure from here, never from a switch on its id.
 *
 * `defineProcedure` checks the routine delays against the machine's own delay names, so a
 * misspelt delay fails the type check instead of silently marking a deadline as overdue.
 */
import type { AnyStateMachine, StateMachine } from 'xstate';
import type { z } from 'zod';
import type { ExtraSenders } from './authorization';
import type { CaseContext } from './case-context';
import type { DetectionPolicy } from './detection-policy';
import type { AbsenceTrigger } from './events';
import type { Clause } from './meta';
import type { TriggerRule } from './vocabulary';

/** What detection does for a procedure. */
export interface ProcedureDetection {
  /** The procedure's thresholds as its source sets them; a municipality overrides single values. */
  defaults: DetectionPolicy;
  /**
   * The opening rules detection raises from absence data for this procedure, in this order. A
   * procedure may open on a trigger only a person reports (Hardanger opens on suspected invalid
   * absence, but its plan names no such sign), so this is a subset of `openingRules`. Detection
   * reads the newest version of a procedure; the registry checks the subset for those.
   */
  rules: readonly TriggerRule[];
  /** The clause the unnotified-absence rule implements in this procedure (e.g. 'C.1.2'). */
  noticeClause: string;
}

/**
 * A summary of the case history for guards that read it rather than the current stage, and the
 * context fields it stands in for: the audit's model (audit/model.ts) keys states on the summary
 * instead of those fields, so its graph tells apart what the guards do without multiplying by
 * every value of the fields.
 */
export interface HistorySummary {
  summary: (context: CaseContext<unknown>) => unknown;
  /** Fields whose only readers are the guards the summary answers for; the key leaves them out. */
  replaces: readonly string[];
}

/**
 * Procedures that apply the national rules through the shared guards
 * `isNoSuspicionAwaitingChildWelfare` and `isReferralAllowed` (E.CW1, E.BUP1), which read the
 * case history: whether a suspicion waits for child welfare (the audit key's own `harmPending`)
 * and whether municipal measures were tried (`haveMunicipalMeasuresBeenTried`: a plan or
 * agreement anywhere in the case, and an evaluation held). When no other guard reads the fields
 * behind these answers, the answers stand in for them.
 */
export const nationalRulesSummary: HistorySummary = {
  // Both halves of "tried", so the answer after the next evaluation is known before it.
  summary: (context) => [
    context.documents.some((d) => d.kind === 'measures-plan' || d.kind === 'cooperation-agreement'),
    context.evaluations > 0,
  ],
  replaces: ['suspicions', 'childWelfareConsulted', 'evaluations'],
};

export interface ProcedureDefinition {
  id: string;
  version: number;
  /** Norwegian name shown to users. */
  displayName: string;
  /** A short Norwegian name for lists and tables. */
  shortName: string;
  /** Municipality or body that owns the written procedure. */
  owner: string;
  /** The product's specification of the procedure (its source document, rules, judgement calls), relative to the repository root. */
  specification: string;
  machine: AnyStateMachine;
  policySchema: z.ZodObject;
  /** Absence patterns that may open a case under this procedure. */
  openingRules: readonly TriggerRule[];
  clauses: readonly Clause[];
  /**
   * Delays that mark no lateness when they fire (a planned period ending, a routine weekly
   * look); every other delay that fires means something was due, and the case is flagged
   * overdue until someone acts on it.
   */
  routineDelays: readonly string[];
  /** Roles that may send an event beyond the responsible roles of the step that takes it (see authorization.ts). */
  extraSenders: ExtraSenders;
  /**
   * Why a person may not open a case on this trigger under this policy (Norwegian), or undefined
   * when they may: a counted trigger below the procedure's own limit is no worrying absence.
   * Checked where a person opens a case by hand; detection opens only on its own thresholds.
   */
  openingCheck?: (trigger: AbsenceTrigger, policy: unknown) => string | undefined;
  /** What detection raises for this procedure and with which thresholds. */
  detection: ProcedureDetection;
  /** For the audit's model: a summary of the history the procedure's guards read, if any. */
  historySummary?: HistorySummary;
}

/** The names of a machine's delays (`setup({ delays })`), or `string` for an untyped machine. */
export type DelayNameOf<M> =
  M extends StateMachine<
    infer _C,
    infer _E,
    infer _Ch,
    infer _A,
    infer _Ac,
    infer _G,
    infer TDelay,
    infer _S,
    infer _T,
    infer _I,
    infer _O,
    infer _Em,
    infer _M,
    infer _Sc,
    infer _Tm
  >
    ? TDelay
    : never;

/** A procedure definition whose routine delays are names of its own machine's delays. */
export type ProcedureDefinitionOf<M extends AnyStateMachine> = Omit<ProcedureDefinition, 'machine' | 'routineDelays'> & {
  machine: M;
  routineDelays: readonly NoInfer<DelayNameOf<M>>[];
};

/**
 * A procedure definition, with its routine delays typed against its machine's delay names: a
 * typo (or a delay the machine lost) fails `tsc`. The delays are checked at run time as well, for
 * machines whose delay names the type does not know.
 */
export function defineProcedure<M extends AnyStateMachine>(definition: ProcedureDefinitionOf<M>): ProcedureDefinition {
  const known = Object.keys(definition.machine.implementations.delays ?? {});
  const unknown = definition.routineDelays.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `Rutinen ${definition.id} v${definition.version}: ukjente rutinefrister ${unknown.join(', ')}; maskinen har ${known.join(', ')}.`,
    );
  }
  return definition;
}
