/** The worker's cache of open cases is sized from its memory budget (WORKER_MEMORY_MB). */
import { parseSettings } from '../../app/settings';
import { CACHED_CASE_KB, MIN_CACHED_CASES, WORKER_BASE_MB, casesCacheSize, memoryForCachedCases } from '../../worker/cache-size';

test('the default budget of 4 096 MB caches about 9 000 open cases: the budget less the worker, per case', () => {
  expect(casesCacheSize(4096)).toBe(Math.floor(((4096 - WORKER_BASE_MB) * 1024) / CACHED_CASE_KB));
  expect(casesCacheSize(4096)).toBe(9461);
});

test('the budget for a number of cached cases is the inverse: 10 000 cases need about 4.3 GB', () => {
  expect(memoryForCachedCases(10_000)).toBeCloseTo(400 + 10_000 * (400 / 1024), 6);
  expect(casesCacheSize(Math.ceil(memoryForCachedCases(10_000)))).toBeGreaterThanOrEqual(10_000);
  expect(casesCacheSize(4300)).toBeLessThan(10_000);
  expect(casesCacheSize(4400)).toBeGreaterThanOrEqual(10_000);
});

test('a budget that barely holds the worker still caches the minimum, never zero', () => {
  expect(casesCacheSize(512)).toBe(286);
  expect(casesCacheSize(400)).toBe(MIN_CACHED_CASES);
  expect(casesCacheSize(0)).toBe(MIN_CACHED_CASES);
});

test('the setting: default 4 096, a given number of megabytes, and a refusal naming the bad value', () => {
  expect(parseSettings({}).workerMemoryMb).toBe(4096);
  expect(parseSettings({ WORKER_MEMORY_MB: '8192' }).workerMemoryMb).toBe(8192);
  for (const bad of ['256', '4 GB', '-1', '1.5']) {
    expect(() => parseSettings({ WORKER_MEMORY_MB: bad })).toThrow(
      new RegExp(`WORKER_MEMORY_MB: må være et helt antall megabyte \\(512 eller flere\\) \\(fikk «${bad.replace('.', '\\.')}»\\)`),
    );
  }
});
