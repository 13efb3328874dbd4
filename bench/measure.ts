/**
 * Step 2 of a benchmark size, in a fresh process (so each size starts cold and its peak RSS is
 * its own): imports the CSV file, evaluates detection, runs the SQL baseline and compares.
 *
 * (a) import: intake's streaming CSV parser with full validation, file → Registration[].
 * (b) evaluation: detect() over every pupil's imported registrations as they are, with today
 *     = the last school day of the year. Repeated `runs` times; the median counts.
 * (c) SQL baseline: load into sql.js (timed once) and the rule queries (repeated, median).
 * (d) with `postgresUrl`: the same rules on PostgreSQL (bench/sql-baseline-pg.ts), load timed
 *     apart, queries repeated, median; its hits must equal detect()'s or the child fails.
 */
import { createReadStream } from 'node:fs';
import { resolveDetectionPolicy } from '../detection/policy';
import { type DetectedTrigger, detect } from '../detection/rules';
import { schoolDays } from '../intake/generate';
import { parseRegistrationsCsvStream } from '../intake/parse-registrations';
import { getProcedure } from '../machines/registry';
import { benchCalendar } from './calendar';
import { type Agreement, compareHits } from './compare';
import { SQL_RULES, type SqlHit, type SqlRule, type SqlTimings, loadRegistrations, loadSqlJs, runRules } from './sql-baseline';
import { type PostgresSqlResult, measureSqlOnPostgres } from './sql-baseline-pg';

export interface MeasureTask {
  role: 'measure';
  pupils: number;
  file: string;
  schoolYear: number;
  expectedRows: number;
  procedureId: string;
  runs: number;
  /** An empty PostgreSQL database (createDatabase on the bench's server): also run the SQL rules there. */
  postgresUrl?: string;
}

export interface MeasureResult {
  pupils: number;
  registrations: number;
  today: string;
  importMs: number;
  /** Medians over the runs. */
  /** detect() over all registrations, median of the runs. */
  evaluationMs: number;
  sqlInitMs: number;
  sqlLoadMs: number;
  sqlQueryMs: number;
  sqlTimings: SqlTimings;
  triggers: number;
  triggersByRule: Record<string, number>;
  /** The rules compared with SQL: those of SQL_RULES the procedure opens on. */
  compared: SqlRule[];
  agreement: Agreement;
  /** The same rules on PostgreSQL, when the task gave `postgresUrl` (always agreeing with detect()). */
  postgres?: PostgresSqlResult;
  /** Highest process.memoryUsage().rss seen by the sampler and at phase ends. */
  peakRssSampledMb: number;
  /** process.resourceUsage().maxRSS: the kernel's high-water mark for this process. */
  maxRssMb: number;
  rssByPhaseMb: Record<string, number>;
}

const mb = (bytes: number): number => bytes / 1024 / 1024;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Runs the garbage collector when node runs with --expose-gc (main.ts starts children so). */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export async function measure(task: MeasureTask, log: (line: string) => void): Promise<MeasureResult> {
  let peakRss = process.memoryUsage().rss;
  const rssByPhaseMb: Record<string, number> = {};
  const sample = (): number => {
    const rss = process.memoryUsage().rss;
    if (rss > peakRss) peakRss = rss;
    return rss;
  };
  const phaseEnd = (phase: string): void => {
    rssByPhaseMb[phase] = mb(sample());
  };
  const sampler = setInterval(sample, 50);
  sampler.unref();

  try {
    const calendar = benchCalendar(task.schoolYear);
    const days = schoolDays(task.schoolYear);
    const today = days[days.length - 1];
    if (today === undefined) throw new Error(`No school days in school year ${task.schoolYear}`);
    const policy = resolveDetectionPolicy(task.procedureId);
    const opens = getProcedure(task.procedureId).openingRules;
    const compared = SQL_RULES.filter((rule) => opens.includes(rule));
    phaseEnd('start');

    // (a) import
    let started = performance.now();
    const parsed = await parseRegistrationsCsvStream(createReadStream(task.file), {
      progressEvery: 100_000,
      onProgress: (p) => {
        const seconds = (performance.now() - started) / 1000;
        log(`import ${p.rowsRead.toLocaleString('en-US')} rows (${Math.round(p.rowsRead / seconds).toLocaleString('en-US')} rows/s)`);
      },
    });
    const importMs = performance.now() - started;
    if (parsed.errors.length > 0 || parsed.rowsRead !== task.expectedRows) {
      const first = parsed.errors[0];
      throw new Error(
        `Import refused ${parsed.errors.length} of ${parsed.rowsRead} rows (expected ${task.expectedRows} good rows)` +
          (first ? `; first: line ${first.line}: ${first.message}` : ''),
      );
    }
    const registrations = parsed.registrations;
    phaseEnd('import');

    // (b) evaluation
    const detectTimes: number[] = [];
    let triggers: DetectedTrigger[] = [];
    for (let run = 1; run <= task.runs; run++) {
      collectGarbage();
      started = performance.now();
      triggers = detect(task.procedureId, registrations, calendar, today);
      const done = performance.now();
      detectTimes.push(done - started);
      sample();
      log(`evaluation run ${run}/${task.runs}: detect ${ms(done - started)}, ${triggers.length.toLocaleString('en-US')} triggers`);
    }
    phaseEnd('evaluation');

    // (c) SQL baseline
    collectGarbage();
    started = performance.now();
    const SQL = await loadSqlJs();
    const sqlInitMs = performance.now() - started;
    started = performance.now();
    const db = loadRegistrations(SQL, registrations, calendar);
    const sqlLoadMs = performance.now() - started;
    phaseEnd('sql-load');
    log(`SQL load ${ms(sqlLoadMs)} (wasm init ${ms(sqlInitMs)})`);
    const queryRuns: SqlTimings[] = [];
    let hits: SqlHit[] = [];
    for (let run = 1; run <= task.runs; run++) {
      const result = runRules(db, policy, today);
      hits = result.hits;
      queryRuns.push(result.timings);
      sample();
      log(`SQL query run ${run}/${task.runs}: ${ms(result.timings.totalMs)}, ${hits.length.toLocaleString('en-US')} hits`);
    }
    db.close();
    phaseEnd('sql-query');

    // (d) SQL baseline on PostgreSQL
    let postgres: PostgresSqlResult | undefined;
    if (task.postgresUrl !== undefined) {
      collectGarbage();
      postgres = await measureSqlOnPostgres({
        databaseUrl: task.postgresUrl,
        registrations,
        schoolYear: task.schoolYear,
        procedureId: task.procedureId,
        runs: task.runs,
        triggers,
        log,
      });
      phaseEnd('sql-postgres');
    }

    const agreement = compareHits(triggers, hits, compared);
    const triggersByRule: Record<string, number> = {};
    for (const t of triggers) triggersByRule[t.rule] = (triggersByRule[t.rule] ?? 0) + 1;
    const sqlQueryMs = median(queryRuns.map((t) => t.totalMs));
    return {
      pupils: task.pupils,
      registrations: registrations.length,
      today,
      importMs,
      evaluationMs: median(detectTimes),
      sqlInitMs,
      sqlLoadMs,
      sqlQueryMs,
      sqlTimings: queryRuns.find((t) => t.totalMs === sqlQueryMs) ?? (queryRuns[0] as SqlTimings),
      triggers: triggers.length,
      triggersByRule,
      compared,
      agreement,
      ...(postgres ? { postgres } : {}),
      peakRssSampledMb: mb(peakRss),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      rssByPhaseMb,
    };
  } finally {
    clearInterval(sampler);
  }
}

function ms(value: number): string {
  return `${Math.round(value).toLocaleString('en-US')} ms`;
}

/** Runs `task` for 0..count-1 with at most `concurrency` in flight (starting cases for the bench phases). */
export async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) {
      const i = next;
      next += 1;
      await task(i);
    }
  });
  await Promise.all(lanes);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A phase's `--option N` value: a whole number ≥ 1 (`_` and spaces allowed as separators); throws naming the option. */
export function positiveIntegerArg(option: string, text: string | undefined): number {
  const value = Number((text ?? '').replace(/[_\s]/g, ''));
  if (!Number.isInteger(value) || value < 1) throw new Error(`${option} must be an integer ≥ 1, got "${text ?? ''}"`);
  return value;
}
