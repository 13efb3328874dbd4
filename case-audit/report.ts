/**
 * The report of the audit of real cases: one JSON document with a stable, versioned schema (the
 * zod schema below is its single definition; the report is parsed with it before it is written,
 * as audit/report.ts does for audit.json), per case and per school. The HTML page and the CSV
 * of findings are rendered from the parsed report (render-html.ts, render-csv.ts).
 *
 * Personal data: pupils' names only when the caller passed a people directory and did not ask for
 * pseudonyms; with `pseudonymised` the case and pupil ids are keyed pseudonyms and no free text
 * (notes, document references) is kept.
 */
import { z } from 'zod';
import { CASE_RULES, type CaseRuleId, caseRuleIds } from './rules';

/** Bumped only when a field is removed, renamed or changes meaning; new optional fields keep it. */
export const CASE_AUDIT_SCHEMA_VERSION = 1;

const count = z.number().int().nonnegative();
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'ikke et tidspunkt');
const ruleId = z.enum(caseRuleIds as [CaseRuleId, ...CaseRuleId[]]);
const byRule = z.record(z.string(), count);

export const caseFindingSchema = z.object({
  rule: ruleId,
  severity: z.enum(['high', 'medium', 'low']),
  /** The case: its workflow id (already a keyed pseudonym), as in every other list of cases. */
  caseRef: z.string(),
  schoolId: z.string(),
  procedureId: z.string(),
  procedureVersion: z.number().int().positive(),
  clauses: z.array(z.string()),
  at: isoTime,
  dueAt: isoTime.optional(),
  doneAt: isoTime.nullable().optional(),
  daysLate: count.optional(),
  message: z.string().min(1),
});

const conformanceIssueSchema = z.object({
  kind: z.string(),
  runId: z.string(),
  at: isoTime,
  message: z.string(),
});

export const auditedCaseSchema = z.object({
  caseRef: z.string(),
  /** The case id as the school knows it; a pseudonym in a pseudonymised report. */
  caseId: z.string(),
  /** The pupil's id at the school; a pseudonym in a pseudonymised report. */
  pupilId: z.string(),
  /** Only when the caller may see names (never in a pseudonymised report). */
  pupilName: z.string().optional(),
  schoolId: z.string(),
  procedure: z.object({ id: z.string(), version: z.number().int().positive(), name: z.string() }),
  openedAt: isoTime,
  status: z.enum(['open', 'closed']),
  closing: z.object({ reason: z.string(), at: isoTime, note: z.string().optional() }).nullable(),
  /** Runs of its continue-as-new chain. */
  runs: count,
  /** The histories are ones the procedure could have produced. */
  conforming: z.boolean(),
  conformance: z.array(conformanceIssueSchema),
  /** Days from the first absence of the opening trigger to the first contact with the guardians; null: none yet. */
  daysToFirstContact: count.nullable(),
  deadlines: z.array(
    z.object({ name: z.string(), label: z.string(), routine: z.boolean(), dueAt: isoTime, firedAt: isoTime, missed: z.boolean() }),
  ),
  deliveries: z.array(
    z.object({
      effect: z.string(),
      subject: z.string(),
      issuedAt: isoTime,
      deliveredAt: isoTime,
      recipients: z.array(z.string()),
      persons: z.array(z.object({ personId: z.string(), role: z.string(), channel: z.string(), status: z.enum(['sent', 'failed']) })),
    }),
  ),
  documents: z.array(z.object({ kind: z.string(), at: isoTime, ref: z.string().optional() })),
  triggers: z.array(z.object({ rule: z.string(), dates: z.array(z.string()), at: isoTime, effect: z.string() })),
  events: z.array(z.object({ type: z.string(), actorRole: z.string(), at: isoTime, appliedAt: isoTime })),
  refusals: z.array(z.object({ type: z.string(), at: isoTime })),
  route: z.array(z.object({ path: z.string(), label: z.string(), cause: z.string(), at: isoTime })),
  findings: z.array(caseFindingSchema),
});

export const schoolSummarySchema = z.object({
  schoolId: z.string(),
  cases: count,
  conforming: count,
  withoutFindings: count,
  findings: count,
  findingsByRule: byRule,
  /** Median days from first absence to first contact with the guardians over cases with a contact; null: none. */
  medianDaysToFirstContact: z.number().nonnegative().nullable(),
});

export const caseAuditReportSchema = z.object({
  schemaVersion: z.literal(CASE_AUDIT_SCHEMA_VERSION),
  generatedAt: isoTime,
  /** The audit time: open cases' steps not yet taken are counted to it. */
  auditedAt: isoTime,
  scope: z.object({ schoolId: z.string().nullable(), from: z.string().nullable(), to: z.string().nullable() }),
  pseudonymised: z.boolean(),
  namesIncluded: z.boolean(),
  rules: z.array(z.object({ rule: ruleId, severity: z.enum(['high', 'medium', 'low']), title: z.string() })),
  summary: z.object({
    cases: count,
    conforming: count,
    withoutFindings: count,
    findings: count,
    findingsByRule: byRule,
    timings: z.object({ fetchMs: z.number().nonnegative(), replayMs: z.number().nonnegative(), totalMs: z.number().nonnegative() }),
  }),
  schools: z.array(schoolSummarySchema),
  cases: z.array(auditedCaseSchema),
});

export type CaseAuditReport = z.infer<typeof caseAuditReportSchema>;
export type AuditedCase = z.infer<typeof auditedCaseSchema>;
export type ReportFinding = z.infer<typeof caseFindingSchema>;
export type SchoolSummary = z.infer<typeof schoolSummarySchema>;

/** The median of `values`, or null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function countByRule(findings: readonly ReportFinding[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) out[f.rule] = (out[f.rule] ?? 0) + 1;
  return out;
}

export interface BuildCaseAuditReportOptions {
  generatedAt: Date;
  auditedAt: Date;
  scope: { schoolId: string | null; from: string | null; to: string | null };
  pseudonymised: boolean;
  timings: { fetchMs: number; replayMs: number; totalMs: number };
}

/** The report from the audited cases, with the per-school and overall counts; parsed with the schema. */
export function buildCaseAuditReport(cases: readonly AuditedCase[], options: BuildCaseAuditReportOptions): CaseAuditReport {
  const sorted = [...cases].sort(
    (a, b) => a.schoolId.localeCompare(b.schoolId) || a.openedAt.localeCompare(b.openedAt) || a.caseRef.localeCompare(b.caseRef),
  );
  const all = sorted.flatMap((c) => c.findings);
  const schoolIds = [...new Set(sorted.map((c) => c.schoolId))].sort();
  const report: CaseAuditReport = {
    schemaVersion: CASE_AUDIT_SCHEMA_VERSION,
    generatedAt: options.generatedAt.toISOString(),
    auditedAt: options.auditedAt.toISOString(),
    scope: options.scope,
    pseudonymised: options.pseudonymised,
    namesIncluded: sorted.some((c) => c.pupilName !== undefined),
    rules: caseRuleIds.map((rule) => ({ rule, severity: CASE_RULES[rule].severity, title: CASE_RULES[rule].title })),
    summary: {
      cases: sorted.length,
      conforming: sorted.filter((c) => c.conforming).length,
      withoutFindings: sorted.filter((c) => c.findings.length === 0).length,
      findings: all.length,
      findingsByRule: countByRule(all),
      timings: options.timings,
    },
    schools: schoolIds.map((schoolId) => {
      const ofSchool = sorted.filter((c) => c.schoolId === schoolId);
      const findings = ofSchool.flatMap((c) => c.findings);
      return {
        schoolId,
        cases: ofSchool.length,
        conforming: ofSchool.filter((c) => c.conforming).length,
        withoutFindings: ofSchool.filter((c) => c.findings.length === 0).length,
        findings: findings.length,
        findingsByRule: countByRule(findings),
        medianDaysToFirstContact: median(ofSchool.flatMap((c) => (c.daysToFirstContact === null ? [] : [c.daysToFirstContact]))),
      };
    }),
    cases: sorted,
  };
  return caseAuditReportSchema.parse(report);
}
