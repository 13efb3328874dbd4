/**
 * What every state and every procedure carries besides its transitions: the Norwegian label
 * users see, who is responsible, which seed clause it implements and which documents must exist
 * before the state is left. Diagrams, the dashboard, the audit and the traceability table all
 * read these, so they are typed here once.
 */
import type { EffectName } from './effects';
import type { DocumentKind, Role } from './vocabulary';

/** The stable public stage of a case; internal state ids never leave the machine. */
export type PublicStage =
  | 'identification' // threshold reached, first contact with the home
  | 'measures' // measures planned and carried out at school level
  | 'evaluation' // measures being evaluated
  | 'escalated' // other services involved
  | 'monitoring' // absence improved; follow-up continues before closing
  | 'closed';

/** Metadata on every state of every procedure machine. */
export interface StateMeta {
  /** Short Norwegian (bokmål) label shown to users. */
  label: string;
  /** Who must act while the case is in this state. */
  responsible: readonly Role[];
  /** Ids of the procedure clauses this state implements (see the machine's `clauses`). */
  clauses: readonly string[];
  /** Documents that must be on file before the case leaves this state by a human decision. */
  requiredDocuments: readonly DocumentKind[];
  /** Public stage for dashboards and search attributes. */
  stage: PublicStage;
  /**
   * Effects a clause requires every time the case enters this state (a notice, an invitation):
   * the audit checks that every step entering the state issues them (`required-effects`).
   */
  requiredEffects?: readonly RequiredEffect[];
}

/** An effect a clause requires on entering a state. */
export interface RequiredEffect {
  /** The effect (machines/effects). */
  effect: EffectName;
  /** Parameters the issued effect must carry (those named here; others may differ), e.g. `{ about: 'case-escalated' }`. */
  params?: Readonly<Record<string, unknown>>;
  /** The clause that requires it, e.g. 'A.T2.2'. */
  clause: string;
}

/** One rule of a written procedure, in the project's own English words. */
export interface Clause {
  /** Stable id, e.g. 'C.3.2'; tests cite it in their names as "[C.3.2]". */
  id: string;
  /** The source document the rule comes from, by its title, e.g. 'Tiltaksplan ved elevfravær – faser for tidlig innsats'. */
  source: string;
  /** Section of the source document, e.g. '3.2'; docs/procedures/ cites the same sections. */
  section: string;
  /** The rule, summarised. */
  rule: string;
}

/** Types a state's meta in a chart (XState's `meta` is untyped), so a missing field fails to compile. */
export const stateMeta = (meta: StateMeta): StateMeta => meta;
