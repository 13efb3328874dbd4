/**
 * The national rules (docs/procedures/national-guidance.md, with the child-welfare and BUP rules that the Rælingen guide states
 * and that follow from national law: the duty to report suspected neglect to child welfare, and
 * consent for health referrals) as pure predicates over a case's context and events. The model
 * audit's invariants judge paths with them and its path generator looks for paths that would
 * break them; the audit of real cases (case-audit/) judges the events that really happened with
 * the same predicates, so both audits mean the same by «a measure».
 */
import type { CaseContext } from './case-context';
import type { CaseEvent } from './events';

type Ctx = CaseContext<unknown>;

/**
 * Does the event put a measure in place or involve another service? These are what the pupil's
 * voice must precede (D.2) and what must wait for child welfare when harm is suspected (E.CW1).
 * A referral to child welfare itself is the first call, not a measure that must wait for it.
 */
export function isMeasureEvent(event: CaseEvent): boolean {
  switch (event.type) {
    case 'measures.agreed':
    case 'cooperationAgreement.signed':
    case 'schoolNurse.conversationHeld':
      return true;
    case 'referral.sent':
      return event.service !== 'child-welfare';
    default:
      return false;
  }
}

/** Does the event agree measures (a plan or a cooperation agreement)? The pupil must be heard first (D.2). */
export function agreesMeasures(event: CaseEvent): boolean {
  return event.type === 'measures.agreed' || event.type === 'cooperationAgreement.signed';
}

/** Has child welfare been brought in: consulted, reported to, or referred to? */
export function isChildWelfareInvolved(context: Ctx): boolean {
  return context.childWelfareConsulted || context.referrals.includes('child-welfare');
}

/** Is a suspicion of harm on file that child welfare has not yet been brought in on? */
export function isHarmPending(context: Ctx): boolean {
  return context.suspicions.length > 0 && !isChildWelfareInvolved(context);
}

/**
 * Have municipal measures been tried: a measures plan or cooperation agreement on file and at
 * least one evaluation of measures held (the Rælingen guide: BUP comes after the municipality's own measures).
 */
export function haveMunicipalMeasuresBeenTried(context: Ctx): boolean {
  const planned = context.documents.some((d) => d.kind === 'measures-plan' || d.kind === 'cooperation-agreement');
  return planned && context.evaluations > 0;
}

/** Why a BUP referral in this context breaks the rule, or undefined when it may be sent. */
export function bupReferralProblem(context: Ctx): string | undefined {
  const problems: string[] = [];
  if (!context.consents.includes('bup')) problems.push('foresattes samtykke til BUP mangler');
  if (!haveMunicipalMeasuresBeenTried(context)) problems.push('kommunale tiltak er ikke prøvd og evaluert');
  return problems.length ? problems.join(' og ') : undefined;
}

/**
 * Does the event close the case because the school's responsibility ends (the pupil moved, or
 * the case was handed over), rather than because the procedure was carried through?
 */
export function isLeavingResponsibility(event: CaseEvent): boolean {
  return event.type === 'case.closed' && (event.reason === 'pupil-moved' || event.reason === 'handed-over');
}
