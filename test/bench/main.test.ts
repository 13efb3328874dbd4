/**
 * `npm run bench` end to end at a tiny size: the intake and database phases run in their child
 * processes (the SQL baseline and the databases on a throwaway PostgreSQL too), the run prints one table of every figure beside its baseline and writes them, with
 * the machine's facts, to the results file. The heavier phases have tests of their own
 * (test/bench/*.test.ts); this one checks the report they all feed.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResults } from '../../bench/figures';
import type { LoadResult } from '../../bench/load';
import { DEFAULT_PHASES, DEFAULT_RESULTS_FILE, main, parseOptions } from '../../bench/main';
import { loadFigures } from '../../bench/phase-figures';
import { memoryForCachedCases } from '../../worker/cache-size';

jest.setTimeout(240_000);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bench-main-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('every phase but the load runs by default, and the figures go to bench/results.json unless --results says otherwise', () => {
  expect(DEFAULT_PHASES).not.toContain('load');
  expect(parseOptions([])).toMatchObject({ phases: DEFAULT_PHASES, resultsFile: DEFAULT_RESULTS_FILE });
  expect(DEFAULT_RESULTS_FILE).toMatch(/bench[/\\]results\.json$/);
  expect(parseOptions(['--results', join(dir, 'r.json')])).toMatchObject({ resultsFile: join(dir, 'r.json') });
});

test('a tiny run prints the figures beside their baselines and writes them with the machine, versions and date', async () => {
  const file = join(dir, 'results.json');
  const out: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
  try {
    const code = await main([
      '--sizes',
      '300',
      '--runs',
      '1',
      '--phases',
      'intake,databases',
      '--databases',
      'memory,postgres',
      '--results',
      file,
    ]);
    expect(code).toBe(0);
  } finally {
    log.mockRestore();
  }
  const printed = out.join('\n');
  expect(printed).toContain('Every figure beside its baseline from the same run');
  expect(printed).toMatch(/SQL rules on sql\.js, query ms \(300 pupils\).*detect\(\) in memory/);

  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  expect(results).toMatchObject({
    cores: expect.any(Number),
    node: process.version,
    temporalSdk: expect.stringMatching(/^\d+\.\d+\.\d+$/),
  });
  expect(results.temporalServer).toMatch(/^\d+\.\d+\.\d+$/);
  expect(Date.parse(results.date)).not.toBeNaN();
  expect(results.failedPhases).toEqual([]);
  const names = results.figures.map((f) => f.name);
  expect(names).toEqual(
    expect.arrayContaining([
      'CSV import, rows/s (300 pupils)',
      'SQL rules on sql.js, query ms (300 pupils)',
      'SQL rules on PostgreSQL, query ms (300 pupils)',
      'importFile on postgres, rows/s (300 pupils)',
      'runDetection on postgres, registrations/s (300 pupils)',
    ]),
  );
  for (const f of results.figures.filter((x) => x.baseline !== null)) {
    expect(f.ratio).toBeCloseTo(f.value / f.baseline!.value, 10);
  }
});

test('the load phase’s peak memory is held against the budget for the cases it had cached', () => {
  const load = { options: { cases: 10_000 }, cachedAtEnd: 10_000, peakRssMb: 3_832 } as LoadResult;
  const [memory] = loadFigures({ ...load, casesPerSecond: 1, casesRunningPerSecond: 1, updatesPerSecond: 1 }).filter((f) =>
    f.name.startsWith('peak memory'),
  );
  expect(memory).toMatchObject({
    name: 'peak memory with 10,000 cases cached (worker and client in one process)',
    value: 3_832,
    baseline: { value: memoryForCachedCases(10_000) },
    target: { kind: 'value-at-most', limit: 4_306 },
    met: true,
  });
  expect(loadFigures({ ...load, peakRssMb: 5_000 }).find((f) => f.name.startsWith('peak memory'))?.met).toBe(false);
});
