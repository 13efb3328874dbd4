/**
 * Reads the latest `npm run audit` report (reports/audit/audit.json) for «Revisjon». Only the
 * fields the page shows are checked, with a schema of their own: the README lets a report gain
 * fields within a schema version, and readers must ignore what they do not know. A report of
 * another schema version, or one that does not parse, is reported as such, never half-shown.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

/** Where `npm run audit` writes its reports by default. */
// The project root is this folder's parent (web/ never imports scripts/: the folder graph has no loops).
export const DEFAULT_AUDIT_DIR = join(__dirname, '..', 'reports', 'audit');

/** The schema version this page understands (README, «Audit report JSON»). */
const SCHEMA_VERSION = 3;

const count = z.number().int().nonnegative();
const ratio = z.object({ covered: count, total: count, percent: z.number() });

const summarySchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  generatedAt: z.string(),
  options: z.object({ mutations: z.boolean(), conformance: z.boolean() }),
  summary: z.object({
    procedures: count,
    paths: count,
    steps: count,
    invariantChecks: count,
    invariantFailures: count,
    conformancePassed: count,
    conformanceFailed: count,
    mutants: count,
    mutantsKilled: count,
    /** Mutants no test can tell from the original (the same graph): not counted as survivors. */
    mutantsEquivalent: count,
    mutationScore: z.number().nullable(),
  }),
  procedures: z.array(
    z.object({
      id: z.string(),
      version: z.number(),
      displayName: z.string(),
      counts: z.object({ states: count, transitions: count, paths: count, steps: count }),
      coverage: z.object({ states: ratio, transitions: ratio }),
      paths: z.array(z.object({ conformance: z.object({ passed: z.boolean() }).nullable().optional() })),
      mutations: z.object({ ran: z.boolean(), total: count, killed: count, equivalent: count }),
      failures: z.array(z.string()),
      passed: z.boolean(),
    }),
  ),
  passed: z.boolean(),
});

/** What «Revisjon» shows of one procedure. */
export interface AuditProcedureSummary {
  id: string;
  version: number;
  displayName: string;
  paths: number;
  steps: number;
  states: { covered: number; total: number; percent: number };
  transitions: { covered: number; total: number; percent: number };
  /** Paths whose replay against the workflow matched the model. */
  conformancePassed: number;
  mutations: { ran: boolean; total: number; killed: number; equivalent: number };
  failures: string[];
  passed: boolean;
}

export interface AuditSummary {
  generatedAt: Date;
  passed: boolean;
  mutationsRan: boolean;
  totals: z.infer<typeof summarySchema>['summary'];
  procedures: AuditProcedureSummary[];
}

export type AuditReading =
  { kind: 'found'; summary: AuditSummary } | { kind: 'missing'; path: string } | { kind: 'unreadable'; path: string; reason: string };

/** The summary of the report in `jsonPath`: missing when there is no file, unreadable when it does not parse. */
export async function readAuditSummary(jsonPath: string): Promise<AuditReading> {
  let text: string;
  try {
    text = await readFile(jsonPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing', path: jsonPath };
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { kind: 'unreadable', path: jsonPath, reason: `filen er ikke gyldig JSON (${(err as Error).message})` };
  }
  const parsed = summarySchema.safeParse(json);
  if (!parsed.success) {
    const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
    const reason =
      version !== SCHEMA_VERSION
        ? `rapporten har skjemaversjon «${String(version)}», denne siden leser versjon ${SCHEMA_VERSION}`
        : `feltet «${parsed.error.issues[0]?.path.join('.') ?? '?'}» mangler eller har feil type`;
    return { kind: 'unreadable', path: jsonPath, reason };
  }
  const report = parsed.data;
  return {
    kind: 'found',
    summary: {
      generatedAt: new Date(report.generatedAt),
      passed: report.passed,
      mutationsRan: report.options.mutations,
      totals: report.summary,
      procedures: report.procedures.map((p) => ({
        id: p.id,
        version: p.version,
        displayName: p.displayName,
        paths: p.counts.paths,
        steps: p.counts.steps,
        states: p.coverage.states,
        transitions: p.coverage.transitions,
        conformancePassed: p.paths.filter((x) => x.conformance?.passed === true).length,
        mutations: p.mutations,
        failures: p.failures,
        passed: p.passed,
      })),
    },
  };
}
