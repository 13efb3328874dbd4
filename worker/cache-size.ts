/**
 * How many open cases the worker keeps cached, from its memory budget (WORKER_MEMORY_MB).
 *
 * A cached case answers an Update or a timer at once; an evicted one is replayed from its history
 * first (correct, only slower). The SDK's own default (600 workflows per GiB of heap above
 * 200 MiB) was set for workflows that carry their own modules; a case shares XState and the
 * machines with every other case (workflows/shared-modules.ts), and the bench measured what a
 * cached case really costs: about 300 KB of resident memory (77 KB of it workflow heap) with a
 * worker of about 270 MB before any case (bench/cases-in-worker.ts, 5 000 cases). The figures
 * below leave a third more for both, so the budget holds on a busy worker.
 */

/** Resident memory of a worker with no case cached: Node, the SDK's native core, the bundle, the activities. */
export const WORKER_BASE_MB = 400;
/** Resident memory one cached case adds (measured ~300 KB). */
export const CACHED_CASE_KB = 400;
/** Below this, replays would dominate: a worker with a smaller budget still caches this many. */
export const MIN_CACHED_CASES = 100;

/** The cache size for a memory budget in MB: what is left after the worker's base, per cached case. */
export function casesCacheSize(memoryMb: number): number {
  const forCases = Math.max(0, memoryMb - WORKER_BASE_MB) * 1024;
  return Math.max(MIN_CACHED_CASES, Math.floor(forCases / CACHED_CASE_KB));
}

/** The budget in MB a worker needs to keep `cases` open cases cached: the inverse of casesCacheSize. */
export function memoryForCachedCases(cases: number): number {
  return WORKER_BASE_MB + (cases * CACHED_CASE_KB) / 1024;
}
