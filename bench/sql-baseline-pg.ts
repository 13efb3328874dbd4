/**
 * The plain-SQL baseline on a real SQL engine: the same opening rules as on sql.js
 * (bench/sql-rules.ts, PostgreSQL's dialect), over the same registrations and school-day
 * calendar, in PostgreSQL on loopback with indexes. Issue 16 asks for this beside sql.js: how
 * detection's in-memory pass compares with a database doing the same work in SQL.
 *
 * The tables live in a schema of their own (`sql_baseline`), created and dropped here, so the
 * given database may be any empty one (the bench's throwaway server, `createDatabase`); nothing
 * else in it is touched. The load (batched multi-row INSERT from arrays, then the index and
 * ANALYZE) is timed apart from the queries; the queries run `runs` times and the median counts.
 * The hits must equal detect()'s: a disagreement throws, since a baseline computing something
 * else measures nothing.
 */
import { createReadStream } from 'node:fs';
import { Client, type ClientBase } from 'pg';
import type { DetectionPolicy } from '../detection/policy';
import { resolveDetectionPolicy } from '../detection/policy';
import { type DetectedTrigger, detect } from '../detection/rules';
import type { SchoolCalendar } from '../detection/school-calendar';
import { schoolDays } from '../intake/generate';
import { parseRegistrationsCsvStream } from '../intake/parse-registrations';
import type { Registration } from '../intake/registration-schema';
import { getProcedure } from '../machines/registry';
import { benchCalendar } from './calendar';
import { type Agreement, compareHits } from './compare';
import { type BenchFigure, figure } from './figures';
import { type MeasureResult, median } from './measure';
import {
  POSTGRES_DIALECT,
  SQL_RULES,
  type SqlHit,
  type SqlRule,
  type SqlTimings,
  pupilDaySql,
  ruleQueries,
  schoolDayRows,
} from './sql-rules';

/** The schema holding the baseline's tables; dropped when the measurement ends. */
export const SQL_BASELINE_SCHEMA = 'sql_baseline';

/** Rows per INSERT: 13 arrays of this length per statement, well inside a message's limits. */
const BATCH_ROWS = 10_000;

const now = (): number => performance.now();

/**
 * Creates the schema (dropping a previous run's) and makes it the session's search path, so the
 * shared queries' unqualified `registration` and `school_day` are the baseline's tables.
 */
export async function createBaselineSchema(client: ClientBase): Promise<void> {
  await client.query(`DROP SCHEMA IF EXISTS ${SQL_BASELINE_SCHEMA} CASCADE`);
  await client.query(`CREATE SCHEMA ${SQL_BASELINE_SCHEMA}`);
  await client.query(`SET search_path TO ${SQL_BASELINE_SCHEMA}`);
}

/**
 * Loads the registrations and the calendar's school days into the session's schema, as sql.js
 * gets them (the same columns, 0/1 for the flags), then the same index and ANALYZE so the
 * planner knows the sizes. Each batch is one INSERT … SELECT FROM unnest(arrays): one round trip
 * per 10 000 rows instead of one per row.
 */
export async function loadRegistrationsPg(
  client: ClientBase,
  registrations: readonly Registration[],
  calendar: SchoolCalendar,
): Promise<void> {
  await client.query(`
    CREATE TABLE registration (
      pupil_id TEXT NOT NULL, school_id TEXT NOT NULL, grade INTEGER NOT NULL, date DATE NOT NULL,
      whole_day SMALLINT NOT NULL, lessons INTEGER, minutes INTEGER, valid SMALLINT NOT NULL,
      notified_by_guardians SMALLINT NOT NULL, late_arrival SMALLINT NOT NULL,
      left_during_day SMALLINT NOT NULL, reason_code TEXT NOT NULL, note TEXT);
    CREATE TABLE school_day (date DATE PRIMARY KEY, day_no INTEGER NOT NULL, school_ordinal INTEGER NOT NULL);`);
  await client.query('BEGIN');
  try {
    const days = schoolDayRows(calendar);
    await client.query('INSERT INTO school_day SELECT * FROM unnest($1::date[], $2::int[], $3::int[])', [
      days.map((d) => d[0]),
      days.map((d) => d[1]),
      days.map((d) => d[2]),
    ]);
    const bit = (b: boolean): number => (b ? 1 : 0);
    for (let from = 0; from < registrations.length; from += BATCH_ROWS) {
      const batch = registrations.slice(from, from + BATCH_ROWS);
      await client.query(
        `INSERT INTO registration SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::date[], $5::smallint[],
           $6::int[], $7::int[], $8::smallint[], $9::smallint[], $10::smallint[], $11::smallint[], $12::text[], $13::text[])`,
        [
          batch.map((r) => r.pupilId),
          batch.map((r) => r.schoolId),
          batch.map((r) => r.grade),
          batch.map((r) => r.date),
          batch.map((r) => bit(r.wholeDay)),
          batch.map((r) => r.lessons ?? null),
          batch.map((r) => r.minutes ?? null),
          batch.map((r) => bit(r.valid)),
          batch.map((r) => bit(r.notifiedByGuardians)),
          batch.map((r) => bit(r.lateArrival)),
          batch.map((r) => bit(r.leftDuringDay)),
          batch.map((r) => r.reasonCode),
          batch.map((r) => r.note ?? null),
        ],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
  await client.query('CREATE INDEX registration_pupil_date ON registration (pupil_id, date)');
  await client.query('ANALYZE registration, school_day');
}

/** Runs the rules as of `today` in the session's schema; the hits and the time each step took. */
export async function runRulesPg(
  client: ClientBase,
  policy: DetectionPolicy,
  today: string,
): Promise<{ hits: SqlHit[]; timings: SqlTimings }> {
  const started = now();
  await client.query(POSTGRES_DIALECT.dropPupilDay);
  await client.query(pupilDaySql(POSTGRES_DIALECT, today));
  const pupilDayMs = now() - started;
  const hits: SqlHit[] = [];
  const ruleMs = {} as Record<SqlRule, number>;
  const queries = ruleQueries(policy, POSTGRES_DIALECT);
  for (const rule of SQL_RULES) {
    const t = now();
    const result = await client.query<[string, string]>({ text: queries[rule], rowMode: 'array' });
    for (const [pupilId, firedOn] of result.rows) hits.push({ rule, pupilId, firedOn });
    ruleMs[rule] = now() - t;
  }
  return { hits, timings: { pupilDayMs, ruleMs, totalMs: now() - started } };
}

export interface PostgresSqlOptions {
  /** An empty database to work in (its `sql_baseline` schema is created and dropped). */
  databaseUrl: string;
  /** The registrations, or `file`: a CSV the intake parser reads (not timed). */
  registrations?: readonly Registration[];
  file?: string;
  schoolYear: number;
  procedureId: string;
  /** How many times the queries run; the median counts. */
  runs: number;
  /** detect()'s triggers for the same data and today, when the caller has them; computed otherwise. */
  triggers?: readonly DetectedTrigger[];
  log?: (line: string) => void;
}

export interface PostgresSqlResult {
  registrations: number;
  today: string;
  /** Tables, batched INSERTs, index and ANALYZE. */
  loadMs: number;
  /** The median over the runs of pupil_day plus every rule's query. */
  queryMs: number;
  /** The run whose total is the median. */
  timings: SqlTimings;
  hits: number;
  /** The rules compared with detect(): those of SQL_RULES the procedure opens on. */
  compared: SqlRule[];
  /** Always agreeing: a disagreement throws. */
  agreement: Agreement;
}

/** Why the hits differ from detect()'s, rule by rule, for the error. */
export function disagreementText(engine: string, agreement: Agreement): string {
  const rules = agreement.rules
    .filter((r) => r.onlyDetectCount > 0 || r.onlySqlCount > 0)
    .map(
      (r) =>
        `${r.rule}: ${r.onlyDetectCount} only in detect() (${r.onlyDetect.join('; ')}), ${r.onlySqlCount} only in SQL (${r.onlySql.join('; ')})`,
    );
  return `SQL rules on ${engine} disagree with detect(): ${rules.join(' | ')}`;
}

async function readRegistrations(options: PostgresSqlOptions): Promise<readonly Registration[]> {
  if (options.registrations) return options.registrations;
  if (options.file === undefined) throw new Error('measureSqlOnPostgres: give registrations or file');
  const parsed = await parseRegistrationsCsvStream(createReadStream(options.file));
  const first = parsed.errors[0];
  if (first) throw new Error(`${options.file}: ${parsed.errors.length} rows refused; first: line ${first.line}: ${first.message}`);
  return parsed.registrations;
}

/**
 * Loads the registrations into PostgreSQL and runs the rules `runs` times as of the school
 * year's last school day; throws when the hits differ from detect()'s.
 */
export async function measureSqlOnPostgres(options: PostgresSqlOptions): Promise<PostgresSqlResult> {
  const log = options.log ?? (() => undefined);
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new Error(`runs must be a positive integer, got ${options.runs}`);
  const registrations = await readRegistrations(options);
  const calendar = benchCalendar(options.schoolYear);
  const days = schoolDays(options.schoolYear);
  const today = days[days.length - 1];
  if (today === undefined) throw new Error(`No school days in school year ${options.schoolYear}`);
  const policy = resolveDetectionPolicy(options.procedureId);
  const opens = getProcedure(options.procedureId).openingRules;
  const compared = SQL_RULES.filter((rule) => opens.includes(rule));
  const triggers = options.triggers ?? detect(options.procedureId, registrations, calendar, today);

  const client = new Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await createBaselineSchema(client);
    const started = now();
    await loadRegistrationsPg(client, registrations, calendar);
    const loadMs = now() - started;
    log(`PostgreSQL load ${Math.round(loadMs).toLocaleString('en-US')} ms (${registrations.length.toLocaleString('en-US')} registrations)`);
    const runs: SqlTimings[] = [];
    let hits: SqlHit[] = [];
    for (let run = 1; run <= options.runs; run++) {
      const result = await runRulesPg(client, policy, today);
      hits = result.hits;
      runs.push(result.timings);
      log(
        `PostgreSQL query run ${run}/${options.runs}: ${Math.round(result.timings.totalMs).toLocaleString('en-US')} ms, ${hits.length} hits`,
      );
    }
    const agreement = compareHits(triggers, hits, compared);
    if (!agreement.agree) throw new Error(disagreementText('PostgreSQL', agreement));
    const queryMs = median(runs.map((t) => t.totalMs));
    return {
      registrations: registrations.length,
      today,
      loadMs,
      queryMs,
      timings: runs.find((t) => t.totalMs === queryMs) ?? (runs[0] as SqlTimings),
      hits: hits.length,
      compared,
      agreement,
    };
  } finally {
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${SQL_BASELINE_SCHEMA} CASCADE`);
    } finally {
      await client.end();
    }
  }
}

/** One size's SQL baseline, as measure() and measureSqlOnPostgres() report it. */
export interface SqlBaselineSize {
  pupils: number;
  /** detect() in memory over the same registrations, median ms. */
  detectMs: number;
  sqlJs: { loadMs: number; queryMs: number; agreement: Agreement };
  postgres?: { loadMs: number; queryMs: number; agreement: Agreement };
}

/** The SQL baseline of one size as the `measure` child reported it, for sqlBaselineFigures. */
export function sqlBaselineOf(result: MeasureResult): SqlBaselineSize {
  return {
    pupils: result.pupils,
    detectMs: result.evaluationMs,
    sqlJs: { loadMs: result.sqlLoadMs, queryMs: result.sqlQueryMs, agreement: result.agreement },
    ...(result.postgres ? { postgres: result.postgres } : {}),
  };
}

/** The SQL rules' hits and detect()'s triggers over the compared rules. */
const hitCounts = (agreement: Agreement) => ({
  detect: agreement.rules.reduce((sum, r) => sum + r.detect, 0),
  sql: agreement.rules.reduce((sum, r) => sum + r.sql, 0),
});

/**
 * The detection group's SQL figures for one size, per engine: its query time against detect()
 * in memory (no target: the point is the comparison), its load time (PostgreSQL's beside
 * sql.js's), and its hits beside detect()'s triggers for the compared rules (equal: ratio 1).
 * Throws when an engine's hits differ from detect()'s, so no figure ever stands for a baseline
 * that computed something else.
 */
export function sqlBaselineFigures(size: SqlBaselineSize): BenchFigure[] {
  const pupils = size.pupils.toLocaleString('en-US');
  const engine = (
    name: string,
    result: { loadMs: number; queryMs: number; agreement: Agreement },
    loadBaseline: { name: string; value: number } | null,
  ): BenchFigure[] => {
    if (!result.agreement.agree) throw new Error(`${pupils} pupils: ${disagreementText(name, result.agreement)}`);
    const hits = hitCounts(result.agreement);
    return [
      figure('detection', `SQL rules on ${name}, query ms (${pupils} pupils)`, 'ms', result.queryMs, {
        name: 'detect() in memory',
        value: size.detectMs,
      }),
      figure('detection', `SQL rules on ${name}, load ms (${pupils} pupils)`, 'ms', result.loadMs, loadBaseline),
      figure('detection', `SQL rules on ${name}, hits (${pupils} pupils)`, 'hits', hits.sql, {
        name: 'detect() triggers',
        value: hits.detect,
      }),
    ];
  };
  return [
    ...engine('sql.js', size.sqlJs, null),
    ...(size.postgres ? engine('PostgreSQL', size.postgres, { name: 'SQL rules on sql.js, load', value: size.sqlJs.loadMs }) : []),
  ];
}
