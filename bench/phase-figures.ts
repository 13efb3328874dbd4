/**
 * The figures of the phases that had their own tables before the one report: the databases
 * (importFile and runDetection on SQLite and PostgreSQL against the in-memory stores), the case
 * list (the page against the raw visibility listing) and the load on one worker. Each keeps its
 * own table for the detail; these are the lines it adds to the report and to bench/results.json.
 */
import { memoryForCachedCases } from '../worker/cache-size';
import type { CaseListResult } from './case-list';
import type { DatabaseSizeResult } from './databases';
import { type BenchFigure, figure } from './figures';
import type { LoadResult } from './load';
import type { MeasureResult } from './measure';
import { sqlBaselineFigures, sqlBaselineOf } from './sql-baseline-pg';

const int = (n: number) => n.toLocaleString('en-US');

/**
 * Per size: the import's rate, and detect() against the same rules in SQL on sql.js and (when
 * PostgreSQL ran) PostgreSQL. A size where the SQL disagreed is failed by bench/main.ts already.
 */
export function intakeFigures(results: readonly MeasureResult[]): BenchFigure[] {
  return results.flatMap((r) => [
    figure('intake', `CSV import, rows/s (${int(r.pupils)} pupils)`, 'rows/s', r.importMs > 0 ? (r.registrations * 1000) / r.importMs : 0),
    ...(r.agreement.agree ? sqlBaselineFigures(sqlBaselineOf(r)) : []),
  ]);
}

/** Per size and database: import rows/s and detection registrations/s, against the in-memory stores. */
export function databaseFigures(results: readonly DatabaseSizeResult[]): BenchFigure[] {
  const figures: BenchFigure[] = [];
  for (const size of results) {
    const memory = size.byDatabase.find((d) => d.database === 'memory');
    const rate = (r: { rows: number; ms: number }) => (r.ms > 0 ? (r.rows * 1000) / r.ms : 0);
    for (const db of size.byDatabase.filter((d) => d.database !== 'memory')) {
      const baseline = (pick: 'import' | 'detect') => (memory ? { name: 'in-memory stores', value: rate(memory[pick]) } : null);
      figures.push(
        figure(
          'detection',
          `importFile on ${db.database}, rows/s (${int(size.pupils)} pupils)`,
          'rows/s',
          rate(db.import),
          baseline('import'),
        ),
        figure(
          'detection',
          `runDetection on ${db.database}, registrations/s (${int(size.pupils)} pupils)`,
          'regs/s',
          rate(db.detect),
          baseline('detect'),
        ),
        figure(
          'detection',
          `runDetection on ${db.database}, peak memory (${int(size.pupils)} pupils)`,
          'MB',
          db.detect.peakRssMb,
          memory ? { name: 'in-memory stores', value: memory.detect.peakRssMb } : null,
        ),
      );
    }
  }
  return figures;
}

/** Per variant of «Saker»: the page's median and p95 against the raw listing of the same query. */
export function caseListFigures(result: CaseListResult): BenchFigure[] {
  return result.figures.flatMap((f) => [
    figure('case list', `${f.figure}, median (${int(f.matched)} cases)`, 'ms', f.medianMs, {
      name: 'raw visibility listing',
      value: f.baselineMedianMs,
    }),
    figure('case list', `${f.figure}, p95 (${int(f.matched)} cases)`, 'ms', f.p95Ms, {
      name: 'raw visibility listing',
      value: f.baselineP95Ms,
    }),
  ]);
}

/** The load on one worker: no baseline runs beside it (the worker phase compares with the hand-written workflow). */
export function loadFigures(result: LoadResult): BenchFigure[] {
  const n = int(result.options.cases);
  return [
    figure('load', `cases opened per second (${n} cases, one worker)`, 'cases/s', result.casesPerSecond),
    figure('load', `cases running per second (${n} cases)`, 'cases/s', result.casesRunningPerSecond),
    figure('load', `Updates per second (${n} cases)`, 'updates/s', result.updatesPerSecond),
    figure('load', `Update latency median (${n} cases)`, 'ms', result.updateMedianMs),
    figure('load', `Update latency p95 (${n} cases)`, 'ms', result.updateP95Ms),
    // The worker and the client share the process, so this is an upper bound of the worker's own.
    figure(
      'load',
      `peak memory with ${int(result.cachedAtEnd)} cases cached (worker and client in one process)`,
      'MB',
      result.peakRssMb,
      { name: 'budget for that many cached cases (worker/cache-size.ts)', value: memoryForCachedCases(result.cachedAtEnd) },
      { kind: 'value-at-most', limit: Math.round(memoryForCachedCases(result.cachedAtEnd)) },
    ),
  ];
}
