/**
 * The rules the audit of real cases judges each case by: a stable id (in the JSON, the CSV and
 * tests), a severity, and a Norwegian title for the reports. What each checks is in checks.ts.
 */
export const CASE_RULES = {
  conformance: { severity: 'high', title: 'Saken er endret utenfor rutinen' },
  'deadline-missed': { severity: 'high', title: 'Frist ikke overholdt' },
  'first-contact-late': { severity: 'high', title: 'Sen første kontakt med foresatte' },
  'required-documents': { severity: 'medium', title: 'Påkrevd dokument mangler' },
  'pupil-voice-before-measures': { severity: 'high', title: 'Tiltak før elevens stemme var dokumentert' },
  'delivery-failed': { severity: 'medium', title: 'Melding ikke levert' },
  'required-notice-missing': { severity: 'high', title: 'Påkrevd varsel ikke sendt' },
  'child-welfare-first': { severity: 'high', title: 'Andre tiltak før barnevernet ved mistanke om omsorgssvikt' },
} as const;

export type CaseRuleId = keyof typeof CASE_RULES;
export type Severity = 'high' | 'medium' | 'low';
export const caseRuleIds = Object.keys(CASE_RULES) as CaseRuleId[];

/** Norwegian names of the severities. */
export const severityNames: Record<Severity, string> = { high: 'høy', medium: 'middels', low: 'lav' };
