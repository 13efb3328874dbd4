/**
 * The real-time limit on one path's replay: a replay that never answers (as one did when the
 * test server dropped the gRPC connection for "excess pings") fails its path with a Norwegian
 * message and marks the environment for rebuilding, instead of hanging the audit.
 */
import { pathTimeLimitMs, withPathTimeLimit } from '../../audit/conformance';
import type { AuditPath, ConformanceResult } from '../../audit/types';

const path = {
  id: 'tiltaksplan-elevfravaer/7',
  steps: [{}, {}, {}],
} as unknown as AuditPath;

test('a replay that never answers fails its path after the limit and taints the environment', async () => {
  const env = { tainted: false };
  const result = await withPathTimeLimit(env, path, new Promise<ConformanceResult>(() => undefined), 50);
  expect(result).toMatchObject({ pathId: 'tiltaksplan-elevfravaer/7', passed: false });
  expect(result.message).toContain('ble avbrutt etter 0.05 sekunder uten svar fra testserveren');
  expect(result.message).toContain('3 steg');
  expect(env.tainted).toBe(true);
});

test('a replay that answers in time is returned as it is and leaves the environment usable', async () => {
  const env = { tainted: false };
  const answered: ConformanceResult = { pathId: path.id, passed: true, message: 'ok', durationMs: 1 };
  await expect(withPathTimeLimit(env, path, Promise.resolve(answered), 10_000)).resolves.toBe(answered);
  expect(env.tainted).toBe(false);
});

test('the limit grows with the number of steps and is far above a normal replay', () => {
  expect(pathTimeLimitMs(path)).toBe(120_000 + 3 * 15_000);
  expect(pathTimeLimitMs({ ...path, steps: [] })).toBeGreaterThanOrEqual(60_000);
});
