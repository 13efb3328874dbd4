/**
 * One database and one phase of the database benchmark, in a fresh child process (so each peak
 * RSS is its own): the real `importFile` of the generated CSV into the database's registration
 * store, or the real `runDetection` over every school with the store's own ledger and a counting
 * dispatcher. The in-memory baseline has nothing to read from in a new process, so its detection
 * process first imports (not timed) and then detects; its detection peak therefore includes the
 * whole country held in memory, which is exactly what the in-memory design costs.
 */
import { type AppDatabase, openMigratedDatabase } from '../app/database/database';
import { SqlSchoolLocks } from '../detection/school-locks';
import { type DetectionRunSummary, runDetection } from '../detection/run-detection';
import { InMemoryTriggerLedger, SqlTriggerLedger, type TriggerLedger } from '../detection/trigger-ledger';
import { importFile } from '../intake/import-file';
import { InMemoryRegistrationStore, type RegistrationStore, SqlRegistrationStore } from '../intake/registration-store';
import { schoolDays } from '../intake/generate';
import { benchSchoolDirectory, benchSchoolIds } from './bench-schools';
import { CountingDispatcher, type DispatchCounts } from './counting-dispatcher';

export const BENCH_DATABASES = ['memory', 'sqlite', 'postgres'] as const;
export type BenchDatabase = (typeof BENCH_DATABASES)[number];

export interface DatabasePhaseTask {
  role: 'database-phase';
  database: BenchDatabase;
  phase: 'import' | 'detect';
  pupils: number;
  file: string;
  schoolYear: number;
  expectedRows: number;
  procedureId: string;
  /** DATABASE_URL of the database (sqlite: or postgres://); none for memory. */
  url?: string;
}

export interface DatabasePhaseResult {
  database: BenchDatabase;
  phase: 'import' | 'detect';
  pupils: number;
  /** Rows imported (import) or registrations read by detection (detect). */
  rows: number;
  ms: number;
  /** Highest RSS seen during the timed phase (sampled every 50 ms, per school and per delivery). */
  peakRssMb: number;
  /** The kernel's high-water mark for the whole process. */
  maxRssMb: number;
  /** Detection's deliveries (detect only). */
  counts?: DispatchCounts & { merged: number; schools: number; skipped: number };
}

const mb = (bytes: number): number => bytes / 1024 / 1024;

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Samples RSS while a phase runs: on a timer and whenever the caller says so. */
function rssSampler(): { sample: () => void; stop: () => number } {
  let peak = process.memoryUsage().rss;
  const sample = (): void => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
  };
  const timer = setInterval(sample, 50);
  timer.unref();
  return {
    sample,
    stop: () => {
      clearInterval(timer);
      sample();
      return mb(peak);
    },
  };
}

async function importInto(task: DatabasePhaseTask, store: RegistrationStore): Promise<number> {
  const summary = await importFile(task.file, store, new Set(benchSchoolIds(task.pupils)));
  if (summary.errors.length > 0 || summary.kept !== task.expectedRows) {
    const first = summary.errors[0];
    throw new Error(
      `${task.database}: the import kept ${summary.kept} of ${summary.rowsRead} rows (expected ${task.expectedRows})` +
        (first ? `; first refused: line ${first.line}: ${first.message}` : ''),
    );
  }
  return summary.kept;
}

export async function runDatabasePhase(task: DatabasePhaseTask, log: (line: string) => void): Promise<DatabasePhaseResult> {
  let database: AppDatabase | undefined;
  try {
    let store: RegistrationStore;
    let ledger: TriggerLedger;
    if (task.database === 'memory') {
      store = new InMemoryRegistrationStore();
      ledger = new InMemoryTriggerLedger();
      if (task.phase === 'detect') {
        await importInto(task, store);
        log('memory: imported (not timed) before detection');
      }
    } else {
      if (task.url === undefined) throw new Error(`${task.database}: no database URL`);
      database = await openMigratedDatabase(task.url);
      store = new SqlRegistrationStore(database);
      ledger = new SqlTriggerLedger(database);
    }
    collectGarbage();
    const sampler = rssSampler();
    const started = performance.now();
    let rows: number;
    let counts: DatabasePhaseResult['counts'];
    if (task.phase === 'import') {
      rows = await importInto(task, store);
    } else {
      const days = schoolDays(task.schoolYear);
      const today = days[days.length - 1];
      if (today === undefined) throw new Error(`No school days in school year ${task.schoolYear}`);
      const schoolIds = benchSchoolIds(task.pupils);
      const dispatcher = new CountingDispatcher(sampler.sample);
      const summary: DetectionRunSummary = await runDetection({
        store,
        directory: benchSchoolDirectory(schoolIds, task.schoolYear, task.procedureId),
        ledger,
        dispatcher,
        today,
        now: new Date(`${today}T15:00:00Z`),
        schoolIds,
        ...(database ? { locks: new SqlSchoolLocks(database) } : {}),
        onProgress: sampler.sample,
      });
      rows = summary.schools.reduce((sum, s) => sum + s.registrations, 0);
      counts = {
        ...dispatcher.counts,
        merged: summary.merged,
        schools: summary.schools.length,
        skipped: summary.schools.filter((s) => s.skipped).length,
      };
    }
    const ms = performance.now() - started;
    const peakRssMb = sampler.stop();
    log(`${task.database} ${task.phase}: ${rows.toLocaleString('en-US')} rows in ${Math.round(ms).toLocaleString('en-US')} ms`);
    return {
      database: task.database,
      phase: task.phase,
      pupils: task.pupils,
      rows,
      ms,
      peakRssMb,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      ...(counts ? { counts } : {}),
    };
  } finally {
    await database?.close();
  }
}
