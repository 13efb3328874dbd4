/**
 * `npm run bench`: how fast absence intake and detection are at national scale, against a plain
 * SQL baseline. For each size it generates a school year of synthetic registrations, writes them
 * as CSV, and in a fresh process measures import, detection and SQLite (sql.js) on the same data,
 * checks that SQL and detect() find the same triggers, and prints a table and a linearity line.
 * Then, per database (in memory, SQLite, PostgreSQL; bench/databases.ts), the real importFile and
 * runDetection in fresh processes, with a second table and a line on detection's peak memory.
 * Last, the case list (bench/case-list.ts): «Saker»'s response time with N open cases in Temporal
 * visibility, against the raw listing of the same query. The cluster (bench/cluster-phase.ts): cases
 * opened by detection and Updates per second on the real Temporal cluster with 1 and 2 case
 * workers, beside the dev server's in the same run. On request only (`--phases load`), the load
 * on one case worker (bench/load.ts): cases opened and Updates taken per second, the Update's
 * latency and the accounting of every case and event. `--phases` picks which phases run.
 * See bench/README.md for what each number means.
 *
 * Usage: npm run bench -- [--pupils N] [--sizes N,N,...] [--seed S] [--procedure ID] [--runs R]
 *                         [--databases memory,sqlite,postgres] [--phases intake,databases,case-list]
 *                         [--open-cases N] [--audit-cases N] [--cluster-cases N] [--load-cases N] [--load-concurrency C] [--load-timeout MIN]
 *
 * Exits 1 only when something fails (a child process, an import error, SQL and detect()
 * disagreeing, the databases delivering different triggers, PostgreSQL not starting, the load
 * phase losing or doubling a case or an event, or exceeding its time limit); never because
 * something is slow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type PostgresServer, createDatabase } from '../scripts/lib/postgres-server';
import { type AuditPhaseResult, auditFigures, auditReport, runAuditPhase } from './audit-phase';
import { type CaseAuditBenchResult, DEFAULT_CASE_AUDIT_OPTIONS, caseAuditFigures, caseAuditReport } from './case-audit-phase';
import { type CaseListResult, DEFAULT_CASE_LIST_OPTIONS, caseListReport } from './case-list';
import { type ClusterBenchResult, DEFAULT_CLUSTER_OPTIONS } from './cluster-phase';
import { DEFAULT_WORKER_OPTIONS, type WorkerSideBySide } from './cases-in-worker';
import { BENCH_DATABASES, type BenchDatabase } from './database-phase';
import { DEFAULT_DETECTION_DISPATCH_OPTIONS, type DetectionDispatchResult } from './detection-dispatch';
import { type DatabaseSizeResult, databaseReport, disagreements, measureDatabases, parseDatabases, startBenchPostgres } from './databases';
import { DEFAULT_LOAD_OPTIONS, type LoadResult, loadReport } from './load';
import { type BenchFigure, type PhaseFigures, figuresTable } from './figures';
import type { MeasureResult } from './measure';
import { caseListFigures, databaseFigures, intakeFigures, loadFigures } from './phase-figures';
import { benchResults, writeBenchResults } from './results';
import { runChild } from './run-child';
import type { WriteDataResult } from './write-data';

/**
 * The bench's phases: intake and detection per size, the databases per size, the case list, the
 * whole audit, and the load on one worker.
 */
export const BENCH_PHASES = [
  'intake',
  'databases',
  'machines',
  'history',
  'worker',
  'detection',
  'case-list',
  'audit',
  'case-audit',
  'cluster',
  'load',
] as const;
export type BenchPhase = (typeof BENCH_PHASES)[number];
/** What runs without --phases: everything but the load phase (another 20–30 minutes at 10 000 cases), which runs only when asked for. */
export const DEFAULT_PHASES: readonly BenchPhase[] = BENCH_PHASES.filter((p) => p !== 'load');
/**
 * Timed requests per case-list variant in the whole bench: with 10 000 cases a request for every
 * case takes seconds, and 30 of each (the case-list bench alone) would make it the longest phase.
 */
const LIST_REQUESTS = 12;
/** Where the figures go unless --results says otherwise. */
export const DEFAULT_RESULTS_FILE = path.join(__dirname, 'results.json');

const USAGE = `Usage: npm run bench -- [options]
  --pupils N        largest size (default 100000); without --sizes, N/4, N/2 and N are measured
  --sizes A,B,...   pupil counts to measure (e.g. 25000,50000,100000); overrides --pupils
  --seed S          generator seed (default 1)
  --procedure ID    procedure whose rules detect() runs (default tiltaksplan-elevfravaer)
  --runs R          repetitions of evaluation and SQL query per size; the median counts (default 3)
  --databases LIST  databases for importFile and runDetection (default memory,sqlite,postgres)
  --phases LIST     phases to run (default all but load): ${BENCH_PHASES.join(',')}
  --open-cases N    open cases for the case-list phase (default 10000)
  --list-requests R timed requests per variant of the case list (default 12; 30 alone via bench/case-list.ts)
  --audit-cases N   real cases the case-audit phase opens, runs and audits (default 10000)
  --cluster-cases N cases a side of the cluster phase opens and updates (default 1000; the first run builds the Temporal server, ~5 min)
  --load-cases N    cases the load phase opens and updates (default 10000)
  --load-concurrency C  requests in flight in the load phase (default 32)
  --load-timeout MIN    time limit of the load phase in minutes; exceeding it fails (default 30)
  --results FILE    where the figures are written as JSON (default bench/results.json)`;

/** `intake,case-list` → the phases, in the bench's order; throws naming an unknown one. */
export function parsePhases(text: string): BenchPhase[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !(BENCH_PHASES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`--phases must list some of ${BENCH_PHASES.join(', ')}; got "${text}"`);
  }
  return BENCH_PHASES.filter((p) => names.includes(p));
}

export interface BenchOptions {
  sizes: number[];
  seed: number;
  procedureId: string;
  runs: number;
  databases: BenchDatabase[];
  phases: BenchPhase[];
  /** Open cases in visibility for the case-list phase, and timed requests per variant. */
  openCases: number;
  listRequests: number;
  /** Real cases the case-audit phase opens and audits. */
  auditCases: number;
  /** Cases per side of the cluster phase (dev server; cluster with 1 and with 2 workers). */
  clusterCases: number;
  /** Cases the load phase opens and updates, requests it keeps in flight, and its time limit. */
  loadCases: number;
  loadConcurrency: number;
  loadTimeoutMs: number;
  /** Where the figures are written as JSON. */
  resultsFile: string;
}

/** Parses the command line; throws with a message for the user on bad input. */
export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      pupils: { type: 'string', default: '100000' },
      sizes: { type: 'string' },
      seed: { type: 'string', default: '1' },
      procedure: { type: 'string', default: 'tiltaksplan-elevfravaer' },
      runs: { type: 'string', default: '3' },
      databases: { type: 'string', default: BENCH_DATABASES.join(',') },
      phases: { type: 'string', default: DEFAULT_PHASES.join(',') },
      'open-cases': { type: 'string', default: String(DEFAULT_CASE_LIST_OPTIONS.cases) },
      'list-requests': { type: 'string', default: String(LIST_REQUESTS) },
      'audit-cases': { type: 'string', default: String(DEFAULT_CASE_AUDIT_OPTIONS.cases) },
      'cluster-cases': { type: 'string', default: String(DEFAULT_CLUSTER_OPTIONS.cases) },
      'load-cases': { type: 'string', default: String(DEFAULT_LOAD_OPTIONS.cases) },
      'load-concurrency': { type: 'string', default: String(DEFAULT_LOAD_OPTIONS.concurrency) },
      'load-timeout': { type: 'string', default: String(DEFAULT_LOAD_OPTIONS.timeoutMs / 60_000) },
      results: { type: 'string', default: DEFAULT_RESULTS_FILE },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  const integer = (name: string, text: string, min: number): number => {
    const n = Number(text.replace(/[_\s]/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${text}"`);
    return n;
  };
  const minutes = (name: string, text: string): number => {
    const n = Number(text.trim());
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a number of minutes > 0, got "${text}"`);
    return n;
  };
  const pupils = integer('pupils', values.pupils, 1);
  const sizes =
    values.sizes === undefined
      ? [...new Set([Math.max(1, Math.round(pupils / 4)), Math.max(1, Math.round(pupils / 2)), pupils])]
      : values.sizes.split(',').map((s) => integer('sizes', s.trim(), 1));
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    seed: integer('seed', values.seed, 0),
    procedureId: values.procedure,
    runs: integer('runs', values.runs, 1),
    databases: parseDatabases(values.databases),
    phases: parsePhases(values.phases),
    openCases: integer('open-cases', values['open-cases'], 1),
    listRequests: integer('list-requests', values['list-requests'], 1),
    auditCases: integer('audit-cases', values['audit-cases'], 1),
    clusterCases: integer('cluster-cases', values['cluster-cases'], 1),
    loadCases: integer('load-cases', values['load-cases'], 1),
    loadConcurrency: integer('load-concurrency', values['load-concurrency'], 1),
    loadTimeoutMs: minutes('load-timeout', values['load-timeout']) * 60_000,
    resultsFile: path.resolve(values.results),
  };
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits: number): string => n.toFixed(digits);
const perSecond = (count: number, ms: number): number => (ms > 0 ? (count * 1000) / ms : Infinity);

/** A plain text table, columns right-aligned except the first header cell's column. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** µs per registration for one metric across sizes, and max/min of them. */
export function linearity(label: string, results: readonly MeasureResult[], ms: (r: MeasureResult) => number): string {
  const perReg = results.map((r) => (ms(r) * 1000) / Math.max(1, r.registrations));
  const ratio = Math.max(...perReg) / Math.min(...perReg);
  return `  ${label.padEnd(12)} ${perReg.map((v) => fixed(v, 3)).join(' / ')} µs/reg   max/min ${fixed(ratio, 2)}`;
}

export function report(options: BenchOptions, results: readonly MeasureResult[], data: readonly WriteDataResult[]): string {
  const rows = results.map((r, i) => [
    int(r.pupils),
    int(r.registrations),
    `${fixed((data[i]?.bytes ?? 0) / 1024 / 1024, 1)}`,
    int(perSecond(r.registrations, r.importMs)),
    int(r.evaluationMs),
    int(perSecond(r.registrations, r.evaluationMs)),
    int(r.sqlLoadMs),
    int(r.sqlQueryMs),
    fixed(r.sqlQueryMs / r.evaluationMs, 2),
    int(r.peakRssSampledMb),
    int(r.maxRssMb),
    r.compared.length === 0 ? 'n/a' : r.agreement.agree ? 'yes' : 'NO',
  ]);
  const lines = [
    '',
    `Results (procedure ${options.procedureId}, seed ${options.seed}, median of ${options.runs} run${options.runs === 1 ? '' : 's'}, today = ${results[0]?.today ?? '?'}, node ${process.version}, ${availableParallelism()} cores)`,
    '',
    table(
      [
        'pupils',
        'registrations',
        'CSV MB',
        'import rows/s',
        'eval ms',
        'eval regs/s',
        'SQL load ms',
        'SQL query ms',
        'SQL/detect',
        'peak RSS MB',
        'maxRSS MB',
        'agree',
      ],
      rows,
    ),
    '',
    'Triggers per rule, detect() / SQL:',
  ];
  for (const r of results) {
    const byRule = r.agreement.rules.map((a) => `${a.rule} ${int(a.detect)} / ${int(a.sql)}`).join(', ');
    const others = Object.entries(r.triggersByRule)
      .filter(([rule]) => !r.compared.includes(rule as never))
      .map(([rule, n]) => `${rule} ${int(n)} (no SQL)`);
    lines.push(`  ${int(r.pupils).padStart(9)} pupils: ${[byRule, ...others].filter((s) => s !== '').join(', ') || 'no rules compared'}`);
    for (const a of r.agreement.rules) {
      if (a.onlyDetectCount > 0) lines.push(`      ${a.rule}: ${a.onlyDetectCount} only in detect(), e.g. ${a.onlyDetect.join('; ')}`);
      if (a.onlySqlCount > 0) lines.push(`      ${a.rule}: ${a.onlySqlCount} only in SQL, e.g. ${a.onlySql.join('; ')}`);
    }
  }
  lines.push('', 'SQL query breakdown (ms): pupil_day / consecutive-days / single-days-in-month / partial-days-in-month:');
  for (const r of results) {
    const t = r.sqlTimings;
    lines.push(
      `  ${int(r.pupils).padStart(9)} pupils: ${[t.pupilDayMs, t.ruleMs['consecutive-days'], t.ruleMs['single-days-in-month'], t.ruleMs['partial-days-in-month']].map(int).join(' / ')}`,
    );
  }
  lines.push('', 'RSS at the end of each phase (MB):');
  for (const r of results) {
    lines.push(
      `  ${int(r.pupils).padStart(9)} pupils: ${Object.entries(r.rssByPhaseMb)
        .map(([phase, v]) => `${phase} ${int(v)}`)
        .join(', ')}`,
    );
  }
  lines.push('');
  if (results.length < 2) {
    lines.push('Linearity: needs at least two sizes (--sizes A,B).');
  } else {
    lines.push(`Linearity (time per registration at ${results.map((r) => int(r.pupils)).join(' / ')} pupils; 1.00 = perfectly linear):`);
    lines.push(linearity('import', results, (r) => r.importMs));
    lines.push(linearity('evaluation', results, (r) => r.evaluationMs));
    lines.push(linearity('SQL query', results, (r) => r.sqlQueryMs));
  }
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'skolefravaer-bench-'));
  const results: MeasureResult[] = [];
  const data: WriteDataResult[] = [];
  const databaseResults: DatabaseSizeResult[] = [];
  let caseList: CaseListResult | undefined;
  let load: LoadResult | undefined;
  let audit: AuditPhaseResult | undefined;
  let caseAudit: CaseAuditBenchResult | undefined;
  /** Phases that broke, each with why: their figures are missing, the others are reported. */
  const failedPhases: string[] = [];
  /** Phases that report their own figures and table, in the order they ran. */
  const reported: { phase: string; figures: BenchFigure[]; report: string; ok: boolean }[] = [];
  const runs = (phase: BenchPhase): boolean => options.phases.includes(phase);
  let postgres: PostgresServer | undefined;
  // Ctrl-C or a kill: stop the PostgreSQL server (and remove its folder and the data) before leaving.
  const interrupted = (signal: NodeJS.Signals): void => {
    console.error(`\nBenchmark interrupted (${signal}); stopping PostgreSQL and removing temporary files ...`);
    void (postgres?.stop() ?? Promise.resolve()).finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    // PostgreSQL serves the databases phase and the intake phase's SQL baseline.
    if ((runs('databases') || runs('intake')) && options.databases.includes('postgres')) {
      console.log('Starting a throwaway PostgreSQL server for the benchmark ...');
      postgres = await startBenchPostgres();
    }
    const perSize = runs('intake') || runs('databases');
    console.log(
      perSize
        ? `Benchmark: sizes ${options.sizes.map(int).join(', ')} pupils; procedure ${options.procedureId}; seed ${options.seed}; ${options.runs} run(s); phases ${options.phases.join(', ')}`
        : `Benchmark: phases ${options.phases.join(', ')}`,
    );
    for (const pupils of perSize ? options.sizes : []) {
      const file = path.join(dir, `registrations-${pupils}.csv`);
      console.log(`[${int(pupils)}] generating a school year and writing CSV ...`);
      const written = await runChild<WriteDataResult>({ role: 'write-data', pupils, seed: options.seed, file });
      console.log(
        `[${int(pupils)}] ${int(written.registrations)} registrations, ${fixed(written.bytes / 1024 / 1024, 1)} MB CSV ` +
          `(generate ${int(written.generateMs)} ms, write ${int(written.writeMs)} ms, generator maxRSS ${int(written.maxRssMb)} MB)`,
      );
      data.push(written);
      if (runs('intake')) {
        console.log(`[${int(pupils)}] measuring in a fresh process ...`);
        const measured = await runChild<MeasureResult>({
          role: 'measure',
          pupils,
          file,
          schoolYear: written.schoolYear,
          expectedRows: written.registrations,
          procedureId: options.procedureId,
          runs: options.runs,
          ...(postgres ? { postgresUrl: await createDatabase(postgres.url, `sqlrules_${pupils}_${Date.now()}`) } : {}),
        });
        console.log(
          `[${int(pupils)}] import ${int(measured.importMs)} ms, evaluation ${int(measured.evaluationMs)} ms, SQL query ${int(measured.sqlQueryMs)} ms, ` +
            `SQL ${measured.compared.length === 0 ? 'not compared' : measured.agreement.agree ? 'agrees' : 'DISAGREES'}`,
        );
        results.push(measured);
      }
      if (runs('databases')) {
        console.log(`[${int(pupils)}] importFile and runDetection on ${options.databases.join(', ')}, each in a fresh process ...`);
        const databases = await measureDatabases(
          {
            pupils,
            file,
            schoolYear: written.schoolYear,
            expectedRows: written.registrations,
            procedureId: options.procedureId,
            databases: options.databases,
            dir,
            ...(postgres ? { postgres } : {}),
          },
          runChild,
        );
        databaseResults.push(databases);
      }
      rmSync(file, { force: true });
    }
    // From here on each phase stands alone: one that breaks is reported and the others still run,
    // so an hour's figures are not lost to the last phase.
    const attempt = async (phase: BenchPhase, work: () => Promise<void>): Promise<void> => {
      if (!runs(phase)) return;
      try {
        await work();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        console.error(`[${phase}] failed: ${message}`);
        failedPhases.push(`${phase}: ${message}`);
      }
    };
    await attempt('machines', async () => {
      console.log('[machines] pure transitions per second through the case host and bare XState, per procedure, in a fresh process ...');
      const r = await runChild<PhaseFigures>({ role: 'machines' });
      reported.push({ phase: 'machines', ...r, ok: true });
    });
    await attempt('history', async () => {
      console.log('[history] a typical case of each procedure on the time-skipping server, host and hand-written, in a fresh process ...');
      const r = await runChild<PhaseFigures>({ role: 'history' });
      reported.push({ phase: 'history', ...r, ok: true });
    });
    await attempt('worker', async () => {
      const o = DEFAULT_WORKER_OPTIONS;
      console.log(
        `[worker] this host beside the hand-written workflow: ${o.rounds} rounds of ${int(o.cases)} cases each, alternating, in a fresh process ...`,
      );
      const r = await runChild<WorkerSideBySide>({ role: 'worker', options: o });
      reported.push({ phase: 'worker', figures: r.figures, report: r.report, ok: true });
    });
    await attempt('detection', async () => {
      const o = DEFAULT_DETECTION_DISPATCH_OPTIONS;
      console.log(`[detection] ${int(o.pupils)} pupils a side, ${o.concurrency} in flight, ${o.rounds} rounds, in a fresh process ...`);
      const r = await runChild<DetectionDispatchResult>({ role: 'detection-dispatch', options: o });
      reported.push({ phase: 'detection', figures: r.figures, report: r.report, ok: r.ok });
    });
    await attempt('case-list', async () => {
      console.log(`[case list] ${int(options.openCases)} open cases, in a fresh process ...`);
      caseList = await runChild<CaseListResult>({
        role: 'case-list',
        options: { ...DEFAULT_CASE_LIST_OPTIONS, cases: options.openCases, requests: options.listRequests },
      });
    });
    await attempt('audit', async () => {
      console.log('[audit] the whole audit (every procedure, with mutations), in a fresh process ...');
      audit = await runAuditPhase((line) => console.log(`  [audit] ${line}`));
    });
    await attempt('case-audit', async () => {
      console.log(`[case audit] ${int(options.auditCases)} real cases opened, run and audited, in a fresh process ...`);
      caseAudit = await runChild<CaseAuditBenchResult>({
        role: 'case-audit',
        options: { ...DEFAULT_CASE_AUDIT_OPTIONS, cases: options.auditCases },
      });
    });
    await attempt('cluster', async () => {
      console.log(
        `[cluster] ${int(options.clusterCases)} cases a side through detection and one Update each: dev server, cluster with 1 and 2 workers, in a fresh process ...`,
      );
      const r = await runChild<ClusterBenchResult>({
        role: 'cluster',
        options: { ...DEFAULT_CLUSTER_OPTIONS, cases: options.clusterCases },
      });
      reported.push({ phase: 'cluster', figures: r.figures, report: r.report, ok: r.ok });
    });
    await attempt('load', async () => {
      console.log(`[load] ${int(options.loadCases)} cases on one worker, ${options.loadConcurrency} in flight, in a fresh process ...`);
      load = await runChild<LoadResult>({
        role: 'load',
        options: { cases: options.loadCases, concurrency: options.loadConcurrency, timeoutMs: options.loadTimeoutMs },
      });
    });
  } catch (err) {
    console.error(`Benchmark failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    await postgres?.stop();
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    rmSync(dir, { recursive: true, force: true });
  }
  if (runs('intake')) console.log(report(options, results, data));
  if (runs('databases')) console.log(databaseReport(databaseResults));
  if (caseList) console.log(caseListReport(caseList));
  if (load) console.log(loadReport(load));
  for (const r of reported) console.log(`\n${r.report}`);
  if (audit) console.log(auditReport(audit));
  if (caseAudit) console.log(caseAuditReport(caseAudit));
  const figures: BenchFigure[] = [
    ...intakeFigures(results),
    ...databaseFigures(databaseResults),
    ...reported.flatMap((r) => r.figures),
    ...(caseList ? caseListFigures(caseList) : []),
    ...(audit ? auditFigures(audit) : []),
    ...(caseAudit ? caseAuditFigures(caseAudit) : []),
    ...(load ? loadFigures(load) : []),
  ];
  console.log(`\nEvery figure beside its baseline from the same run (written to ${path.relative(process.cwd(), options.resultsFile)}):\n`);
  console.log(figuresTable(figures));
  const missed = figures.filter((f) => f.met === false);
  if (missed.length > 0) console.log(`\nTargets missed: ${missed.map((f) => f.name).join('; ')}`);
  writeBenchResults(options.resultsFile, benchResults(figures, { ...options }, failedPhases));
  if (failedPhases.length > 0) {
    console.error(
      `\nFAIL: ${failedPhases.length === 1 ? 'a phase' : 'phases'} broke (their figures are missing):\n${failedPhases.map((f) => `  ${f}`).join('\n')}`,
    );
    return 1;
  }
  const broken = reported.filter((r) => !r.ok);
  if (broken.length > 0) {
    console.error(
      `\nFAIL: ${broken.map((r) => r.phase).join(', ')}: a case was lost, doubled or opened twice, or an Update not applied (see the phase's report above).`,
    );
    return 1;
  }
  if (audit && !audit.passed) {
    console.error('\nFAIL: the audit did not pass (see its report above); its time measures something else.');
    return 1;
  }
  const databasesDisagree = databaseResults.flatMap(disagreements);
  const disagree = results.filter((r) => r.compared.length > 0 && !r.agreement.agree);
  if (results.some((r) => r.compared.length === 0)) {
    console.log(
      `\nNote: procedure ${options.procedureId} opens on none of ${['consecutive-days', 'single-days-in-month', 'partial-days-in-month'].join(', ')}; SQL was timed but not compared.`,
    );
  }
  if (disagree.length > 0) {
    console.error(`\nFAIL: SQL and detect() disagree at ${disagree.map((r) => int(r.pupils)).join(', ')} pupils (see above).`);
    return 1;
  }
  if (load && !load.accounting.ok) {
    console.error('\nFAIL: the load phase lost, doubled or did not apply a case or an event (see the accounting above).');
    return 1;
  }
  if (databasesDisagree.length > 0) {
    console.error(`\nFAIL: the databases' detection runs disagree:\n${databasesDisagree.map((l) => `  ${l}`).join('\n')}`);
    return 1;
  }
  console.log(results.some((r) => r.compared.length > 0) ? '\nOK: SQL and detect() agree on every compared rule at every size.' : '');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
