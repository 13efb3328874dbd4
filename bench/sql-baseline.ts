/**
 * The plain-SQL baseline on sql.js (SQLite compiled to WebAssembly: no native build, nothing
 * downloaded at run time): the opening rules of detection as SQLite queries with window
 * functions (bench/sql-rules.ts, shared with the PostgreSQL run in bench/sql-baseline-pg.ts),
 * over the same intake registrations detect() reads, as the importer stored them.
 *
 * Load: `registration` (one row per registration, every field) and `school_day` (the calendar's
 * school days), indexed; the queries and the tables are described in bench/sql-rules.ts.
 */
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import type { DetectionPolicy } from '../detection/policy';
import type { SchoolCalendar } from '../detection/school-calendar';
import type { Registration } from '../intake/registration-schema';
import {
  SQLITE_DIALECT,
  SQL_RULES,
  type SqlHit,
  type SqlRule,
  type SqlTimings,
  pupilDaySql,
  ruleQueries,
  schoolDayRows,
} from './sql-rules';

export { SQL_RULES, type SqlHit, type SqlRule, type SqlTimings } from './sql-rules';

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
  for (const row of schoolDayRows(calendar)) day.run(row);
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

/** Runs the three rules as of `today`; returns the hits and the time each step took. */
export function runRules(db: Database, policy: DetectionPolicy, today: string): { hits: SqlHit[]; timings: SqlTimings } {
  const started = now();
  db.run(SQLITE_DIALECT.dropPupilDay);
  db.run(pupilDaySql(SQLITE_DIALECT, today));
  const pupilDayMs = now() - started;
  const hits: SqlHit[] = [];
  const ruleMs = {} as Record<SqlRule, number>;
  const queries = ruleQueries(policy, SQLITE_DIALECT);
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
