/**
 * The plain-SQL baseline: the three opening rules of procedure C (the Tiltaksplan ved elevfravær §2, tiltaksplan ved
 * elevfravær) as SQLite queries with window functions, run on sql.js (SQLite compiled to
 * WebAssembly: no native build, nothing downloaded at run time). It reads the same intake
 * registrations detect() reads, as the importer stored them.
 *
 * Tables (the load):
 * - `registration`: one row per intake registration, every field.
 * - `school_day`: one row per school day of the calendar with its calendar day number (`day_no`,
 *   SchoolCalendar.dayNumber) and its school-day index (`school_ordinal`,
 *   SchoolCalendar.schoolDaysBefore): consecutive school days differ by exactly 1, whatever
 *   weekends and holidays lie between them, so "consecutive" is an integer gap question.
 *
 * Queries (the evaluation), with the thresholds from the procedure's detection policy:
 * - `pupil_day`: registrations merged per pupil and school day, as detection's groupByPupil does
 *   (whole = any whole-day registration; partial = no whole-day registration but a partial one).
 * - consecutive-days: gaps and islands over whole days: `school_ordinal - ROW_NUMBER()` is
 *   constant within a run of consecutive school days; the rule fires on the first date a run
 *   reaches `consecutiveSchoolDays`.
 * - single-days-in-month / partial-days-in-month: the row `need - 1` rows back (`LAG(date, need - 1)`)
 *   starts a calendar month (detection's `monthFrom`: up to the day before the same date next
 *   month, or the next month's last day when it has no such date) that still holds this row;
 *   fires on the first such date.
 *
 * Every rule yields at most one hit per pupil (the first), like detect() without previous
 * triggers, so hits compare one to one: (rule, pupil, date fired).
 */
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import type { DetectionPolicy } from '../detection/policy';
import type { SchoolCalendar } from '../detection/school-calendar';
import type { Registration } from '../intake/registration-schema';

export const SQL_RULES = ['consecutive-days', 'single-days-in-month', 'partial-days-in-month'] as const;
export type SqlRule = (typeof SQL_RULES)[number];

export interface SqlHit {
  rule: SqlRule;
  pupilId: string;
  firedOn: string;
}

export interface SqlTimings {
  /** Building the merged pupil_day table. */
  pupilDayMs: number;
  /** Each rule's query. */
  ruleMs: Record<SqlRule, number>;
  /** All of the above. */
  totalMs: number;
}

/** Loads the WebAssembly module (from node_modules/sql.js/dist; no network). */
export function loadSqlJs(): Promise<SqlJsStatic> {
  return initSqlJs();
}

const now = (): number => performance.now();

/** A new in-memory database with the registrations and the calendar's school days, indexed. */
export function loadRegistrations(SQL: SqlJsStatic, registrations: readonly Registration[], calendar: SchoolCalendar): Database {
  const db = new SQL.Database();
  db.run(`
    CREATE TABLE registration (
      pupil_id TEXT NOT NULL, school_id TEXT NOT NULL, grade INTEGER NOT NULL, date TEXT NOT NULL,
      whole_day INTEGER NOT NULL, lessons INTEGER, minutes INTEGER, valid INTEGER NOT NULL,
      notified_by_guardians INTEGER NOT NULL, late_arrival INTEGER NOT NULL,
      left_during_day INTEGER NOT NULL, reason_code TEXT NOT NULL, note TEXT);
    CREATE TABLE school_day (date TEXT PRIMARY KEY, day_no INTEGER NOT NULL, school_ordinal INTEGER NOT NULL) WITHOUT ROWID;
  `);
  db.run('BEGIN');
  const day = db.prepare('INSERT INTO school_day VALUES (?, ?, ?)');
  for (let n = 0, last = calendar.dayNumber(calendar.range.to); n <= last; n++) {
    const ordinal = calendar.schoolDaysBefore(n);
    if (calendar.schoolDaysBefore(n + 1) > ordinal) day.run([calendar.dateAt(n), n, ordinal]);
  }
  day.free();
  const insert = db.prepare('INSERT INTO registration VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const bit = (b: boolean): number => (b ? 1 : 0);
  for (const r of registrations) {
    insert.run([
      r.pupilId,
      r.schoolId,
      r.grade,
      r.date,
      bit(r.wholeDay),
      r.lessons ?? null,
      r.minutes ?? null,
      bit(r.valid),
      bit(r.notifiedByGuardians),
      bit(r.lateArrival),
      bit(r.leftDuringDay),
      r.reasonCode,
      r.note ?? null,
    ]);
  }
  insert.free();
  db.run('COMMIT');
  db.run('CREATE INDEX registration_pupil_date ON registration (pupil_id, date)');
  return db;
}

/** A policy number as SQL text; the policy schema makes them positive integers, checked again here. */
function int(value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`Expected a positive integer threshold, got ${value}`);
  return value;
}

/**
 * SQL: the date in `last` lies within the calendar month that starts on the date in `first`, as
 * detection's `monthFrom`: before the same date next month, and before the month after next
 * starts (31 January's month ends on the last day of February, where `+1 month` would overflow).
 */
const withinMonth = (first: string, last: string) =>
  `${last} < MIN(date(${first}, '+1 month'), date(${first}, 'start of month', '+2 months'))`;

/** The query of each rule over pupil_day: (pupil_id, fired_on), one row per pupil that hits. */
export function ruleQueries(policy: DetectionPolicy): Record<SqlRule, string> {
  return {
    'consecutive-days': `
      WITH whole AS (
        SELECT pupil_id, date,
               school_ordinal - ROW_NUMBER() OVER (PARTITION BY pupil_id ORDER BY school_ordinal) AS island
        FROM pupil_day WHERE whole = 1),
      runs AS (
        SELECT pupil_id, date, ROW_NUMBER() OVER (PARTITION BY pupil_id, island ORDER BY date) AS run_length
        FROM whole)
      SELECT pupil_id, MIN(date) FROM runs WHERE run_length >= ${int(policy.consecutiveSchoolDays)} GROUP BY pupil_id`,
    'single-days-in-month': `
      SELECT pupil_id, MIN(date) FROM (
        SELECT pupil_id, date, LAG(date, ${int(policy.singleDaysInMonth) - 1}) OVER (PARTITION BY pupil_id ORDER BY day_no) AS first
        FROM pupil_day WHERE whole = 1)
      WHERE first IS NOT NULL AND ${withinMonth('first', 'date')} GROUP BY pupil_id`,
    'partial-days-in-month': `
      SELECT pupil_id, MIN(date) FROM (
        SELECT pupil_id, date, LAG(date, ${int(policy.repeatedPartialDaysInMonth) - 1}) OVER (PARTITION BY pupil_id ORDER BY day_no) AS first
        FROM pupil_day WHERE whole = 0 AND partial = 1)
      WHERE first IS NOT NULL AND ${withinMonth('first', 'date')} GROUP BY pupil_id`,
  };
}

/** Merges registrations up to `today` per pupil and school day (registrations on other days are dropped by the join). */
const PUPIL_DAY = `
  CREATE TEMP TABLE pupil_day AS
  SELECT r.pupil_id, r.date, d.day_no, d.school_ordinal,
         MAX(r.whole_day) AS whole,
         MAX(r.whole_day = 0 AND (COALESCE(r.lessons, 0) > 0 OR COALESCE(r.minutes, 0) > 0)) AS partial
  FROM registration r JOIN school_day d ON d.date = r.date
  WHERE r.date <= $today
  GROUP BY r.pupil_id, r.date;`;

/** Runs the three rules as of `today`; returns the hits and the time each step took. */
export function runRules(db: Database, policy: DetectionPolicy, today: string): { hits: SqlHit[]; timings: SqlTimings } {
  const started = now();
  db.run('DROP TABLE IF EXISTS temp.pupil_day');
  // With parameters sql.js runs only the first statement of a string, hence two calls.
  db.run(PUPIL_DAY, { $today: today });
  const pupilDayMs = now() - started;
  const hits: SqlHit[] = [];
  const ruleMs = {} as Record<SqlRule, number>;
  const queries = ruleQueries(policy);
  for (const rule of SQL_RULES) {
    const t = now();
    const statement = db.prepare(queries[rule]);
    while (statement.step()) {
      const [pupilId, firedOn] = statement.get();
      hits.push({ rule, pupilId: String(pupilId), firedOn: String(firedOn) });
    }
    statement.free();
    ruleMs[rule] = now() - t;
  }
  return { hits, timings: { pupilDayMs, ruleMs, totalMs: now() - started } };
}
