/**
 * The SQL baseline on a throwaway PostgreSQL: the same rules as on sql.js give the same hits as
 * sql.js and detect() on a generated school year, the PostgreSQL month arithmetic matches
 * detection's monthFrom, the measure child runs it beside sql.js, and the figures come out in
 * shape (no timing assertions).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addDays, format, isValid, parseISO } from 'date-fns';
import { Client } from 'pg';
import type { SqlJsStatic } from 'sql.js';
import { resolveDetectionPolicy } from '../../detection/policy';
import { detect } from '../../detection/rules';
import { monthFrom } from '../../detection/school-calendar';
import { generate, schoolDays, toCsv } from '../../intake/generate';
import type { Registration } from '../../intake/registration-schema';
import { benchCalendar } from '../../bench/calendar';
import { compareHits } from '../../bench/compare';
import { measure } from '../../bench/measure';
import { loadRegistrations, loadSqlJs, runRules } from '../../bench/sql-baseline';
import {
  SQL_BASELINE_SCHEMA,
  createBaselineSchema,
  loadRegistrationsPg,
  measureSqlOnPostgres,
  runRulesPg,
  sqlBaselineFigures,
  sqlBaselineOf,
} from '../../bench/sql-baseline-pg';
import { POSTGRES_DIALECT, SQLITE_DIALECT, SQL_RULES, type SqlHit } from '../../bench/sql-rules';
import { usePostgres } from '../helpers/postgres';

jest.setTimeout(120_000);

const PROCEDURE = 'tiltaksplan-elevfravaer';
const SCHOOL_YEAR = 2025;
const calendar = benchCalendar(SCHOOL_YEAR);
const policy = resolveDetectionPolicy(PROCEDURE);
const lastSchoolDay = schoolDays(SCHOOL_YEAR).at(-1) as string;

const clients: Client[] = [];
// Registered before usePostgres(): jest runs afterAll hooks in order, so the connections close before the server stops.
afterAll(async () => {
  for (const client of clients) await client.end();
});
const postgres = usePostgres();

let SQL: SqlJsStatic;
beforeAll(async () => {
  SQL = await loadSqlJs();
});

async function connect(): Promise<Client> {
  const client = new Client({ connectionString: await postgres.newDatabaseUrl() });
  await client.connect();
  clients.push(client);
  return client;
}

const sortHits = (hits: readonly SqlHit[]): string[] => hits.map((h) => `${h.rule} ${h.pupilId} ${h.firedOn}`).sort();

async function onBothEngines(registrations: readonly Registration[], today: string) {
  const client = await connect();
  await createBaselineSchema(client);
  await loadRegistrationsPg(client, registrations, calendar);
  const pg = await runRulesPg(client, policy, today);
  const db = loadRegistrations(SQL, registrations, calendar);
  try {
    const sqlJs = runRules(db, policy, today);
    return { pg: pg.hits, sqlJs: sqlJs.hits, triggers: detect(PROCEDURE, registrations, calendar, today) };
  } finally {
    db.close();
  }
}

describe('the SQL rules on PostgreSQL', () => {
  it('give the same hits as sql.js and detect() on a generated school year of 300 pupils, every rule', async () => {
    const { registrations } = generate({ pupils: 300, seed: 7 });
    const { pg, sqlJs, triggers } = await onBothEngines(registrations, lastSchoolDay);
    expect(sortHits(pg)).toEqual(sortHits(sqlJs));
    const agreement = compareHits(triggers, pg, SQL_RULES);
    expect(agreement.agree).toBe(true);
    expect(agreement.rules.map((r) => r.rule)).toEqual([...SQL_RULES]);
    for (const rule of agreement.rules) expect(rule.detect).toBeGreaterThan(0);
  });

  it('cut at today half-way through the year as sql.js and detect() do', async () => {
    const { registrations } = generate({ pupils: 200, seed: 8 });
    const { pg, sqlJs, triggers } = await onBothEngines(registrations, '2026-01-15');
    expect(sortHits(pg)).toEqual(sortHits(sqlJs));
    expect(compareHits(triggers, pg, SQL_RULES).agree).toBe(true);
    expect(pg.every((h) => h.firedOn <= '2026-01-15')).toBe(true);
  });

  it("end a calendar month where detection's monthFrom does, on both engines (31 January → 28 February, 1 March → 31 March)", async () => {
    const firsts: string[] = [];
    for (const month of ['2025-01', '2025-02', '2025-12', '2026-01', '2026-03', '2026-04', '2028-01']) {
      for (const day of ['01', '02', '15', '27', '28', '29', '30', '31']) {
        const date = `${month}-${day}`;
        if (isValid(parseISO(date))) firsts.push(date);
      }
    }
    const dayAfter = (date: string): string => format(addDays(parseISO(date), 1), 'yyyy-MM-dd');
    const pairs = firsts.flatMap((first) => {
      const last = monthFrom(first).to;
      return [
        { first, last, within: true },
        { first, last: dayAfter(last), within: false },
      ];
    });
    const client = await connect();
    const values = pairs.map((p) => `(DATE '${p.first}', DATE '${p.last}')`).join(', ');
    const pg = await client.query<{ within: boolean }>(
      `SELECT ${POSTGRES_DIALECT.withinMonth('first', 'last')} AS within FROM (VALUES ${values}) AS pair(first, last)`,
    );
    const db = new SQL.Database();
    try {
      const sqlite = db.exec(
        `SELECT ${SQLITE_DIALECT.withinMonth('first', 'last')} FROM (SELECT column1 AS first, column2 AS last FROM (VALUES ${pairs
          .map((p) => `('${p.first}', '${p.last}')`)
          .join(', ')}))`,
      );
      expect(sqlite[0]?.values.map((row) => row[0] === 1)).toEqual(pairs.map((p) => p.within));
    } finally {
      db.close();
    }
    expect(pg.rows.map((row) => row.within)).toEqual(pairs.map((p) => p.within));
    expect(pairs).toContainEqual({ first: '2026-01-31', last: '2026-02-28', within: true });
    expect(pairs).toContainEqual({ first: '2028-01-30', last: '2028-03-01', within: false });
  });

  it('refuse a today that is not YYYY-MM-DD (it is written into the SQL)', () => {
    expect(() => POSTGRES_DIALECT.today("2026-06-19'; DROP TABLE registration; --")).toThrow(/YYYY-MM-DD/);
  });
});

describe('measureSqlOnPostgres', () => {
  it('loads, queries, agrees with detect() and drops its schema, leaving the rest of the database alone', async () => {
    const url = await postgres.newDatabaseUrl();
    const client = new Client({ connectionString: url });
    await client.connect();
    clients.push(client);
    await client.query('CREATE TABLE registration (kept INTEGER)');
    const { registrations } = generate({ pupils: 120, seed: 9 });
    const lines: string[] = [];
    const result = await measureSqlOnPostgres({
      databaseUrl: url,
      registrations,
      schoolYear: SCHOOL_YEAR,
      procedureId: PROCEDURE,
      runs: 2,
      log: (line) => lines.push(line),
    });
    expect(result).toMatchObject({ registrations: registrations.length, today: lastSchoolDay, compared: [...SQL_RULES] });
    expect(result.agreement.agree).toBe(true);
    expect(result.hits).toBe(
      detect(PROCEDURE, registrations, calendar, lastSchoolDay).filter((t) => SQL_RULES.includes(t.rule as never)).length,
    );
    expect(result.loadMs).toBeGreaterThan(0);
    expect(result.queryMs).toBeGreaterThan(0);
    expect(Object.keys(result.timings.ruleMs)).toEqual([...SQL_RULES]);
    expect(lines.filter((l) => l.startsWith('PostgreSQL query run'))).toHaveLength(2);
    const schemas = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [SQL_BASELINE_SCHEMA]);
    expect(schemas.rowCount).toBe(0);
    const kept = await client.query(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'registration'",
    );
    expect(kept.rows).toEqual([{ column_name: 'kept' }]);
  });

  it('throws when the hits differ from the triggers it is given, naming the rule and the pupil', async () => {
    const { registrations } = generate({ pupils: 60, seed: 10 });
    const triggers = detect(PROCEDURE, registrations, calendar, lastSchoolDay);
    const dropped = triggers.find((t) => t.rule === 'consecutive-days');
    expect(dropped).toBeDefined();
    await expect(
      measureSqlOnPostgres({
        databaseUrl: await postgres.newDatabaseUrl(),
        registrations,
        schoolYear: SCHOOL_YEAR,
        procedureId: PROCEDURE,
        runs: 1,
        triggers: triggers.filter((t) => t !== dropped),
      }),
    ).rejects.toThrow(
      new RegExp(`consecutive-days: 0 only in detect\\(\\) \\(\\), 1 only in SQL \\(${dropped?.pupilId} ${dropped?.firedOn}\\)`),
    );
  });
});

describe('the measure child with a PostgreSQL database', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sql-baseline-pg-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the rules on sql.js and PostgreSQL beside detect(), and both give figures against detect() in memory', async () => {
    const { registrations } = generate({ pupils: 150, seed: 11 });
    const file = path.join(dir, 'registrations.csv');
    writeFileSync(file, toCsv(registrations));
    const result = await measure(
      {
        role: 'measure',
        pupils: 150,
        file,
        schoolYear: SCHOOL_YEAR,
        expectedRows: registrations.length,
        procedureId: PROCEDURE,
        runs: 1,
        postgresUrl: await postgres.newDatabaseUrl(),
      },
      () => undefined,
    );
    expect(result.agreement.agree).toBe(true);
    expect(result.postgres?.agreement.agree).toBe(true);
    expect(result.postgres?.hits).toBe(result.agreement.rules.reduce((sum, r) => sum + r.sql, 0));
    expect(result.rssByPhaseMb['sql-postgres']).toBeGreaterThan(0);

    const figures = sqlBaselineFigures(sqlBaselineOf(result));
    expect(figures.map((f) => [f.group, f.name, f.unit, f.baseline?.name ?? null])).toEqual([
      ['detection', 'SQL rules on sql.js, query ms (150 pupils)', 'ms', 'detect() in memory'],
      ['detection', 'SQL rules on sql.js, load ms (150 pupils)', 'ms', null],
      ['detection', 'SQL rules on sql.js, hits (150 pupils)', 'hits', 'detect() triggers'],
      ['detection', 'SQL rules on PostgreSQL, query ms (150 pupils)', 'ms', 'detect() in memory'],
      ['detection', 'SQL rules on PostgreSQL, load ms (150 pupils)', 'ms', 'SQL rules on sql.js, load'],
      ['detection', 'SQL rules on PostgreSQL, hits (150 pupils)', 'hits', 'detect() triggers'],
    ]);
    const pgQuery = figures[3];
    expect(pgQuery?.value).toBe(result.postgres?.queryMs);
    expect(pgQuery?.baseline?.value).toBe(result.evaluationMs);
    expect(pgQuery?.ratio).toBeCloseTo((result.postgres?.queryMs ?? 0) / result.evaluationMs);
    expect(figures[5]?.ratio).toBe(1);
    expect(figures.every((f) => f.target === undefined)).toBe(true);
  });
});

describe('sqlBaselineFigures', () => {
  const agree = compareHits([], [], SQL_RULES);
  it('has only the sql.js figures without a PostgreSQL run', () => {
    const figures = sqlBaselineFigures({ pupils: 25_000, detectMs: 100, sqlJs: { loadMs: 50, queryMs: 400, agreement: agree } });
    expect(figures.map((f) => f.name)).toEqual([
      'SQL rules on sql.js, query ms (25,000 pupils)',
      'SQL rules on sql.js, load ms (25,000 pupils)',
      'SQL rules on sql.js, hits (25,000 pupils)',
    ]);
    expect(figures[0]?.ratio).toBe(4);
  });

  it('throws when an engine disagreed with detect()', () => {
    const disagree = compareHits([], [{ rule: 'consecutive-days', pupilId: 'E1', firedOn: '2025-11-05' }], SQL_RULES);
    expect(() =>
      sqlBaselineFigures({
        pupils: 300,
        detectMs: 1,
        sqlJs: { loadMs: 1, queryMs: 1, agreement: agree },
        postgres: { loadMs: 1, queryMs: 1, agreement: disagree },
      }),
    ).toThrow(
      /300 pupils: SQL rules on PostgreSQL disagree with detect\(\): consecutive-days: 0 only in detect\(\) \(\), 1 only in SQL \(E1 2025-11-05\)/,
    );
  });
});
