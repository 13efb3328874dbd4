/**
 * The database part of `npm run bench` (issue 12): for one size, the real import and the real
 * detection run on the in-memory stores (the baseline), SQLite and PostgreSQL, each database
 * and phase in a fresh child process; a check that the three deliver the same openings and
 * triggers; and the second table and the memory line of the report.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { type PostgresServer, createDatabase, startPostgres } from '../scripts/lib/postgres-server';
import { BENCH_DATABASES, type BenchDatabase, type DatabasePhaseResult, type DatabasePhaseTask } from './database-phase';

export interface DatabaseSizeResult {
  pupils: number;
  registrations: number;
  byDatabase: { database: BenchDatabase; import: DatabasePhaseResult; detect: DatabasePhaseResult }[];
}

export interface DatabaseSizeTask {
  pupils: number;
  file: string;
  schoolYear: number;
  expectedRows: number;
  procedureId: string;
  databases: readonly BenchDatabase[];
  /** The run's temp dir: SQLite's file goes there. */
  dir: string;
  /** The bench's PostgreSQL server (required when `databases` has postgres). */
  postgres?: Pick<PostgresServer, 'url'>;
}

export type ChildRunner = (task: DatabasePhaseTask) => Promise<DatabasePhaseResult>;

/** `--databases memory,sqlite,postgres`: known names, no repeats, in the order given. */
export function parseDatabases(text: string): BenchDatabase[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !(BENCH_DATABASES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) throw new Error(`--databases takes a list of ${BENCH_DATABASES.join(', ')}, got "${text}"`);
  return [...new Set(names)] as BenchDatabase[];
}

/**
 * Starts the bench's PostgreSQL server; when it cannot, the error says so in English and
 * Norwegian (the caller exits 1 and suggests --databases without postgres).
 */
export async function startBenchPostgres(start: typeof startPostgres = startPostgres): Promise<PostgresServer> {
  try {
    return await start();
  } catch (err) {
    throw new Error(
      `Could not start PostgreSQL for the benchmark / Kunne ikke starte PostgreSQL for benchmarken: ${(err as Error).message}\n` +
        'Run without it / kjør uten: npm run bench -- --databases memory,sqlite',
      { cause: err },
    );
  }
}

/** Import then detection on each database, one child process per database and phase. */
export async function measureDatabases(task: DatabaseSizeTask, runChild: ChildRunner): Promise<DatabaseSizeResult> {
  const byDatabase: DatabaseSizeResult['byDatabase'] = [];
  for (const database of task.databases) {
    let url: string | undefined;
    let sqliteFile: string | undefined;
    if (database === 'sqlite') {
      sqliteFile = path.join(task.dir, `bench-${task.pupils}.sqlite`);
      rmSync(sqliteFile, { force: true });
      url = `sqlite:${sqliteFile}`;
    } else if (database === 'postgres') {
      if (!task.postgres) throw new Error('postgres: the benchmark has no PostgreSQL server');
      url = await createDatabase(task.postgres.url, `bench_${task.pupils}_${Date.now()}`);
    }
    const phase = (p: 'import' | 'detect'): DatabasePhaseTask => ({
      role: 'database-phase',
      database,
      phase: p,
      pupils: task.pupils,
      file: task.file,
      schoolYear: task.schoolYear,
      expectedRows: task.expectedRows,
      procedureId: task.procedureId,
      ...(url !== undefined ? { url } : {}),
    });
    try {
      const imported = await runChild(phase('import'));
      const detected = await runChild(phase('detect'));
      byDatabase.push({ database, import: imported, detect: detected });
    } finally {
      if (sqliteFile !== undefined) for (const suffix of ['', '-wal', '-shm']) rmSync(sqliteFile + suffix, { force: true });
    }
  }
  return { pupils: task.pupils, registrations: task.expectedRows, byDatabase };
}

/**
 * Where the databases disagree on what detection delivered (openings, triggers to open cases,
 * merged triggers, trends) or on what the import stored: one English line each, none when they agree.
 * A correctness check only; speed is never compared.
 */
export function disagreements(result: DatabaseSizeResult): string[] {
  const [first, ...rest] = result.byDatabase;
  if (!first) return [];
  const figures = (r: DatabaseSizeResult['byDatabase'][number]) => ({
    'rows imported': r.import.rows,
    'registrations read by detection': r.detect.rows,
    openings: r.detect.counts?.opened ?? -1,
    'triggers to open cases': r.detect.counts?.signalled ?? -1,
    'merged triggers': r.detect.counts?.merged ?? -1,
    trends: r.detect.counts?.trends ?? -1,
    'schools not evaluated': r.detect.counts?.skipped ?? -1,
  });
  const expected = figures(first);
  const lines: string[] = [];
  for (const other of rest) {
    const got = figures(other);
    for (const [name, value] of Object.entries(expected)) {
      const theirs = got[name as keyof typeof got];
      if (theirs !== value) lines.push(`${result.pupils} pupils: ${name}: ${first.database} ${value}, ${other.database} ${theirs}`);
    }
  }
  return lines;
}

const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const perSecond = (count: number, ms: number): number => (ms > 0 ? (count * 1000) / ms : Infinity);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The second table of one size: each database's import and detection, and its time ÷ in-memory's. */
export function databaseTable(result: DatabaseSizeResult): string {
  const memory = result.byDatabase.find((r) => r.database === 'memory');
  const ratio = (ms: number, base: number | undefined): string => (base === undefined || base <= 0 ? 'n/a' : `${(ms / base).toFixed(2)}×`);
  const rows = result.byDatabase.map((r) => [
    r.database,
    int(perSecond(r.import.rows, r.import.ms)),
    int(r.import.maxRssMb),
    int(perSecond(r.detect.rows, r.detect.ms)),
    int(r.detect.peakRssMb),
    `${ratio(r.import.ms, memory?.import.ms)} / ${ratio(r.detect.ms, memory?.detect.ms)}`,
  ]);
  const counts = result.byDatabase[0]?.detect.counts;
  return [
    `${int(result.pupils)} pupils, ${int(result.registrations)} registrations, ${int(counts?.schools ?? 0)} school${counts?.schools === 1 ? '' : 's'}:`,
    table(
      [
        'database',
        'import rows/s',
        'import peak MB',
        'detection regs/s',
        'detection peak MB',
        'ratio to in-memory (import / detection time)',
      ],
      rows,
    ),
    counts
      ? `  detection delivered: ${int(counts.opened)} openings, ${int(counts.signalled)} triggers to open cases, ${int(counts.merged)} merged, ${int(counts.trends)} trends` +
        (disagreements(result).length === 0 ? ` (${result.byDatabase.map((r) => r.database).join(', ')} agree)` : ' (DISAGREE, see below)')
      : '',
  ].join('\n');
}

/**
 * Detection's peak memory at the smallest and the largest size, per database: on a database it
 * reads one school at a time, so it should stay about flat while the country grows; in memory it
 * holds the whole country.
 */
export function detectionMemoryLine(results: readonly DatabaseSizeResult[]): string {
  const smallest = results[0];
  const largest = results[results.length - 1];
  if (!smallest || !largest || results.length < 2) return 'Detection peak memory vs size: needs at least two sizes.';
  const parts = largest.byDatabase.flatMap((big) => {
    const small = smallest.byDatabase.find((r) => r.database === big.database);
    if (!small) return [];
    return [
      `${big.database} ${int(small.detect.peakRssMb)} → ${int(big.detect.peakRssMb)} MB (×${(big.detect.peakRssMb / small.detect.peakRssMb).toFixed(2)})`,
    ];
  });
  return (
    `Detection peak memory, ${int(smallest.pupils)} → ${int(largest.pupils)} pupils (×${(largest.pupils / smallest.pupils).toFixed(1)} the country): ` +
    parts.join(', ')
  );
}

/** The database section of the report: a table per size, the memory line and any disagreement. */
export function databaseReport(results: readonly DatabaseSizeResult[]): string {
  const lines = [
    '',
    'Databases (importFile and runDetection, each database and phase in a fresh process; peak MB: import = the process, detection = while detecting):',
  ];
  for (const r of results) lines.push('', databaseTable(r));
  lines.push('', detectionMemoryLine(results));
  return lines.join('\n');
}
