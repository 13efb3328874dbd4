/**
 * The audit's shared vocabulary: a generated path through a procedure machine, what each check
 * says about it, and the mutation score. Path generation and invariants (`paths.ts`,
 * `invariants.ts`, `mutations.ts`), the conformance replay on the time-skipping server
 * (`conformance.ts`) and the report (`report.ts`) all speak these types, so each part can be
 * built and tested on its own.
 *
 * Times in a path are absolute and consistent with the model's own clock: the case opens at
 * `facts.openedAt`, every human or detection event carries its `at`, and a delay step happens
 * exactly when the timer the machine started falls due. A replay on a server whose clock is
 * elsewhere shifts every timestamp, and every yyyy-MM-dd date inside events, by the same whole
 * number of days (`shiftPath` in conformance), so guards that compare dates decide the same way.
 */
import type { CaseEvent } from '../machines/events';
import type { CaseFacts } from '../machines/case-context';

/** The machine state a step must leave the case in. */
export interface ExpectedState {
  /** XState state value (JSON), compared structurally. */
  value: unknown;
  /** Dotted path of the active leaf, e.g. 'open.trinn1.contactingHome'. */
  path: string;
  status: 'active' | 'done';
}

/** A case event sent by a person (as the `sendEvent` Update) or by detection (as the `absenceFacts` Signal). */
export interface EventStep {
  kind: 'event';
  via: 'update' | 'signal';
  event: CaseEvent;
  /** Which guarded branch the payload was built for, e.g. 'trend=worse'; absent when unguarded. */
  variant?: string;
  expected: ExpectedState;
}

/** A durable timer the machine started falls due (`after` in the chart). */
export interface DelayStep {
  kind: 'delay';
  /** The delay's name, e.g. 'evaluationWithinThreeWeeks'. */
  delayName: string;
  /** XState's delayed-event id, `xstate.after.<delay>.<state id>`. */
  timerId: string;
  /** When it falls due (ISO), on the model's clock. */
  dueAt: string;
  expected: ExpectedState;
}

export type PathStep = EventStep | DelayStep;

/** One generated route through a procedure, from opening to its end. */
export interface AuditPath {
  /** Stable id: `<procedure id>/<n>`, numbered in generation order. */
  id: string;
  procedureId: string;
  procedureVersion: number;
  /** Why the path exists, e.g. 'shortest path to open.trinn2.evaluating' or 'covers transition X'. */
  purpose: string;
  facts: CaseFacts;
  policyOverrides?: Record<string, unknown>;
  /** The state right after opening. */
  initial: ExpectedState;
  steps: PathStep[];
}

/** Outcome of one invariant on one path. */
export interface InvariantResult {
  /** Short id, e.g. 'no-dead-end', 'required-documents', 'escalation-after-evaluation'. */
  invariant: string;
  passed: boolean;
  /** Norwegian (bokmål) explanation for auditors; names the step when it failed. */
  message: string;
  /** Index of the failing step, when a single step is to blame. */
  stepIndex?: number;
}

/** Outcome of replaying one path against the real workflow. */
export interface ConformanceResult {
  pathId: string;
  passed: boolean;
  /** Index of the first step whose queried state differed (or failed), when it failed. */
  failedStep?: number;
  expected?: ExpectedState;
  actual?: { value: unknown; path: string; status: string };
  message: string;
  durationMs: number;
}

/**
 * How a mutant was decided: an invariant found its fault; conformance told it from the original,
 * on the model's graph (the pure replay of a path differs, so the real workflow, which runs the
 * original machine, would too) or on the time-skipping server; it has the original's graph
 * (equivalent: no test can tell it apart, not counted as a survivor); or nothing caught it.
 */
export type MutationVerdict = 'invariant' | 'conformance-graph' | 'conformance-temporal' | 'equivalent' | 'survived';

/** A deliberate fault applied to a copy of a machine. */
export interface MutationOutcome {
  /** Stable id, `<procedure>/<operator>/<place>` or an older hand-chosen name. */
  id: string;
  procedureId: string;
  /** One of `MUTATION_OPERATORS` (mutation-operators.ts), e.g. 'drop-transition'. */
  operator: string;
  /** Where in the chart: a transition's id, `entry <state>: <effect>`, or a delay's name. */
  place: string;
  description: string;
  verdict: MutationVerdict;
  /** What caught it: an invariant id, 'conformance', or null (equivalent or survived). */
  caughtBy: string | null;
  /** Norwegian: the path and step that told it apart, or why it is equivalent. */
  detail: string;
}

/** State and transition coverage of a procedure's paths (replayed with the pure machine API). */
export interface CoverageReport {
  procedureId: string;
  paths: number;
  /** State nodes below the root, compound and final ones included, by dotted path. */
  states: { total: number; covered: number; uncovered: string[] };
  /** Every transition of the chart (root ones, guarded branches, `after`, `always`), by readable id. */
  transitions: { total: number; covered: number; uncovered: string[] };
}
