/**
 * The database part of `npm run bench` on a small country (300 pupils, one school) on all three
 * databases, each phase in its own child process as the bench runs it: the three deliver the
 * same openings and triggers, and the figures are printed. No timing assertions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { benchSchoolDirectory, benchSchoolIds } from '../../bench/bench-schools';
import { CountingDispatcher } from '../../bench/counting-dispatcher';
import { BENCH_DATABASES } from '../../bench/database-phase';
import {
  type DatabaseSizeResult,
  databaseReport,
  disagreements,
  measureDatabases,
  parseDatabases,
  startBenchPostgres,
} from '../../bench/databases';
import { parseOptions } from '../../bench/main';
import { runChild } from '../../bench/run-child';
import type { WriteDataResult } from '../../bench/write-data';
import type { CaseDelivery } from '../../detection/dispatch-plan';
import type { PostgresServer } from '../../scripts/lib/postgres-server';

jest.setTimeout(120_000);

const PUPILS = 300;
let dir: string;
let postgres: PostgresServer | undefined;
let written: WriteDataResult;
let result: DatabaseSizeResult;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'bench-databases-test-'));
  postgres = await startBenchPostgres();
  const file = path.join(dir, 'registrations.csv');
  written = await runChild<WriteDataResult>({ role: 'write-data', pupils: PUPILS, seed: 1, file });
  result = await measureDatabases(
    {
      pupils: PUPILS,
      file,
      schoolYear: written.schoolYear,
      expectedRows: written.registrations,
      procedureId: 'tiltaksplan-elevfravaer',
      databases: BENCH_DATABASES,
      dir,
      postgres,
    },
    runChild,
  );
});

afterAll(async () => {
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('imports and detects on memory, SQLite and PostgreSQL, and the three deliver the same', () => {
  expect(result.byDatabase.map((r) => r.database)).toEqual(['memory', 'sqlite', 'postgres']);
  for (const r of result.byDatabase) {
    expect(r.import.rows).toBe(written.registrations);
    expect(r.detect.rows).toBe(written.registrations);
    expect(r.detect.counts?.schools).toBe(1);
    expect(r.detect.counts?.skipped).toBe(0);
    expect(r.detect.counts?.opened).toBeGreaterThan(0);
    for (const figure of [r.import.ms, r.import.maxRssMb, r.detect.ms, r.detect.peakRssMb]) expect(figure).toBeGreaterThan(0);
  }
  expect(disagreements(result)).toEqual([]);
  const report = databaseReport([result]);
  console.log(report);
  expect(report).toContain('detection regs/s');
  expect(report).toMatch(/memory, sqlite, postgres agree/);
});

test('a database that delivered a different number of openings is named as a disagreement', () => {
  const [memory, sqlite] = result.byDatabase;
  const changed = {
    ...sqlite!,
    detect: { ...sqlite!.detect, counts: { ...sqlite!.detect.counts!, opened: sqlite!.detect.counts!.opened + 1 } },
  };
  expect(disagreements({ ...result, byDatabase: [memory!, changed] })).toEqual([
    `${PUPILS} pupils: openings: memory ${memory!.detect.counts!.opened}, sqlite ${memory!.detect.counts!.opened + 1}`,
  ]);
});

test('the memory line compares detection peak memory at the smallest and the largest size', () => {
  const bigger: DatabaseSizeResult = {
    ...result,
    pupils: PUPILS * 4,
    byDatabase: result.byDatabase.map((r) => ({ ...r, detect: { ...r.detect, peakRssMb: r.detect.peakRssMb * 2 } })),
  };
  expect(databaseReport([result, bigger])).toMatch(/300 → 1,200 pupils \(×4\.0 the country\): memory \d+ → \d+ MB \(×2\.00\)/);
});

test('--databases takes known names only, default all three', () => {
  expect(parseOptions(['--sizes', '300'])).toMatchObject({ databases: ['memory', 'sqlite', 'postgres'] });
  expect(parseOptions(['--databases', 'memory,sqlite'])).toMatchObject({ databases: ['memory', 'sqlite'] });
  expect(() => parseDatabases('memory,oracle')).toThrow('--databases');
  expect(() => parseDatabases('')).toThrow('--databases');
});

test('a PostgreSQL that cannot start is reported in English and Norwegian', async () => {
  await expect(startBenchPostgres(() => Promise.reject(new Error('fant ikke initdb')))).rejects.toThrow(
    /Could not start PostgreSQL for the benchmark \/ Kunne ikke starte PostgreSQL for benchmarken: fant ikke initdb/,
  );
});

test("the generated schools are in the bench's directory, and the counting dispatcher opens once per case", async () => {
  const ids = benchSchoolIds(601);
  expect(ids).toEqual(['B0001', 'B0002', 'B0003']);
  const directory = benchSchoolDirectory(ids, written.schoolYear, 'tiltaksplan-elevfravaer');
  expect(directory.schoolIds()).toEqual(ids);
  const dispatcher = new CountingDispatcher();
  const delivery = (pupilId: string) => ({ trigger: { schoolId: 'B0001', pupilId } }) as CaseDelivery;
  expect([
    await dispatcher.deliverTrigger(delivery('E1')),
    await dispatcher.deliverTrigger(delivery('E1')),
    await dispatcher.deliverTrigger(delivery('E2')),
  ]).toEqual(['opened', 'signalled', 'opened']);
  expect(await dispatcher.deliverTrend()).toBe('signalled');
  expect(dispatcher.counts).toEqual({ opened: 2, signalled: 1, trends: 1 });
});
