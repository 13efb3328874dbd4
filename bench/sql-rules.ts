/**
 * The opening rules of detection as SQL, shared by the engines the baseline runs on (sql.js in
 * memory, bench/sql-baseline.ts; PostgreSQL on loopback, bench/sql-baseline-pg.ts). The queries
 * are written once in SQL both engines read; what differs between the engines (date arithmetic,
 * how `today` is written, how the temporary table is named, how a date comes back as text) is a
 * `SqlDialect`, so every difference lives in one place.
 *
 * Tables the queries read:
 * - `registration`: one row per intake registration (pupil_id, date, whole_day 0/1, lessons, minutes, …).
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
import type { DetectionPolicy } from '../detection/policy';
import type { SchoolCalendar } from '../detection/school-calendar';

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

/** What one engine's SQL says differently; everything else in the queries is shared. */
export interface SqlDialect {
  /**
   * SQL that is true when the date `last` lies within the calendar month that starts on the date
   * `first` (detection's `monthFrom`).
   */
  withinMonth(first: string, last: string): string;
  /** The date column `expr` as `YYYY-MM-DD` text. */
  dateText(expr: string): string;
  /** `today` (`YYYY-MM-DD`, checked by `isoDate`) as a literal of the engine's date type. */
  today(date: string): string;
  /** Drops the temporary pupil_day table if a previous run left it. */
  dropPupilDay: string;
}

/**
 * SQLite (sql.js): dates are ISO text. Within the month: before the same date next month, and
 * before the month after next starts (31 January's month ends on the last day of February,
 * where SQLite's `+1 month` overflows into March).
 */
export const SQLITE_DIALECT: SqlDialect = {
  withinMonth: (first, last) => `${last} < MIN(date(${first}, '+1 month'), date(${first}, 'start of month', '+2 months'))`,
  dateText: (expr) => expr,
  today: (date) => `'${isoDate(date)}'`,
  dropPupilDay: 'DROP TABLE IF EXISTS temp.pupil_day',
};

/**
 * PostgreSQL: dates are `date`. `+ interval '1 month'` clamps (31 January → 28 February) instead
 * of overflowing, so a clamped result (its day differs from the first's) means the next month has
 * no such date and the month runs to that month's last day: before the month after next starts.
 */
export const POSTGRES_DIALECT: SqlDialect = {
  withinMonth: (first, last) =>
    `${last} < CASE WHEN EXTRACT(DAY FROM ${first} + INTERVAL '1 month') = EXTRACT(DAY FROM ${first})` +
    ` THEN (${first} + INTERVAL '1 month')::date` +
    ` ELSE (date_trunc('month', ${first}::timestamp) + INTERVAL '2 months')::date END`,
  dateText: (expr) => `to_char(${expr}, 'YYYY-MM-DD')`,
  today: (date) => `DATE '${isoDate(date)}'`,
  dropPupilDay: 'DROP TABLE IF EXISTS pg_temp.pupil_day',
};

/**
 * A date to be written into SQL as a literal: only `YYYY-MM-DD`. A literal rather than a bound
 * parameter because PostgreSQL takes no parameters in CREATE TABLE … AS.
 */
export function isoDate(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`Expected today as YYYY-MM-DD, got "${date}"`);
  return date;
}

/** A policy number as SQL text; the policy schema makes them positive integers, checked again here. */
function int(value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`Expected a positive integer threshold, got ${value}`);
  return value;
}

/**
 * Merges registrations up to `today` per pupil and school day (registrations on other days are
 * dropped by the join). CASE rather than a boolean aggregate, so both engines read it.
 */
export function pupilDaySql(dialect: SqlDialect, today: string): string {
  return `
  CREATE TEMP TABLE pupil_day AS
  SELECT r.pupil_id, r.date, d.day_no, d.school_ordinal,
         MAX(r.whole_day) AS whole,
         MAX(CASE WHEN r.whole_day = 0 AND (COALESCE(r.lessons, 0) > 0 OR COALESCE(r.minutes, 0) > 0) THEN 1 ELSE 0 END) AS partial
  FROM registration r JOIN school_day d ON d.date = r.date
  WHERE r.date <= ${dialect.today(today)}
  GROUP BY r.pupil_id, r.date, d.day_no, d.school_ordinal`;
}

/** The query of each rule over pupil_day: (pupil_id, fired_on), one row per pupil that hits. */
export function ruleQueries(policy: DetectionPolicy, dialect: SqlDialect): Record<SqlRule, string> {
  const firedOn = dialect.dateText('MIN(date)');
  const inMonth = dialect.withinMonth('first', 'date');
  return {
    'consecutive-days': `
      WITH whole AS (
        SELECT pupil_id, date,
               school_ordinal - ROW_NUMBER() OVER (PARTITION BY pupil_id ORDER BY school_ordinal) AS island
        FROM pupil_day WHERE whole = 1),
      runs AS (
        SELECT pupil_id, date, ROW_NUMBER() OVER (PARTITION BY pupil_id, island ORDER BY date) AS run_length
        FROM whole)
      SELECT pupil_id, ${firedOn} FROM runs WHERE run_length >= ${int(policy.consecutiveSchoolDays)} GROUP BY pupil_id`,
    'single-days-in-month': `
      SELECT pupil_id, ${firedOn} FROM (
        SELECT pupil_id, date, LAG(date, ${int(policy.singleDaysInMonth) - 1}) OVER (PARTITION BY pupil_id ORDER BY day_no) AS first
        FROM pupil_day WHERE whole = 1) AS windowed
      WHERE first IS NOT NULL AND ${inMonth} GROUP BY pupil_id`,
    'partial-days-in-month': `
      SELECT pupil_id, ${firedOn} FROM (
        SELECT pupil_id, date, LAG(date, ${int(policy.repeatedPartialDaysInMonth) - 1}) OVER (PARTITION BY pupil_id ORDER BY day_no) AS first
        FROM pupil_day WHERE whole = 0 AND partial = 1) AS windowed
      WHERE first IS NOT NULL AND ${inMonth} GROUP BY pupil_id`,
  };
}

/** The school days of a calendar as rows (date, day_no, school_ordinal), for the `school_day` table. */
export function schoolDayRows(calendar: SchoolCalendar): [string, number, number][] {
  const rows: [string, number, number][] = [];
  for (let n = 0, last = calendar.dayNumber(calendar.range.to); n <= last; n++) {
    const ordinal = calendar.schoolDaysBefore(n);
    if (calendar.schoolDaysBefore(n + 1) > ordinal) rows.push([calendar.dateAt(n), n, ordinal]);
  }
  return rows;
}
