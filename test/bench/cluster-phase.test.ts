/**
 * The bench's `cluster` phase at a tiny size, in its own child process as `npm run bench` starts
 * it: detection opens 20 cases and each takes one Update on the dev server, then on the real
 * Temporal cluster (the pinned server build in .tools/, built first when missing) with one and
 * with two worker processes; every side has one case per pupil and every Update applied, and the
 * cluster's figures stand beside the dev server's of the same run.
 */
import { type ClusterBenchResult, DEFAULT_CLUSTER_OPTIONS, clusterFigures } from '../../bench/cluster-phase';
import { runChild } from '../../bench/run-child';

// The first run on a machine builds the Temporal server (about 5 minutes on 2 cores).
jest.setTimeout(15 * 60_000);

test('20 cases a side: dev server, cluster with 1 and 2 workers; every case once, every Update applied, figures beside the dev server', async () => {
  const result = await runChild<ClusterBenchResult>({ role: 'cluster', options: { ...DEFAULT_CLUSTER_OPTIONS, cases: 20 } });
  expect(result.ok).toBe(true);
  expect(result.sides.map((s) => [s.side, s.workers])).toEqual([
    ['dev server', 1],
    ['cluster, 1 worker', 1],
    ['cluster, 2 workers', 2],
  ]);
  for (const side of result.sides) {
    expect(side).toMatchObject({ opened: 20, applied: 20, notApplied: 0, updateErrors: [] });
    expect(side.cases).toMatchObject({ expected: 20, listed: 20, once: 20, ok: true });
    expect(side.detectionRate).toBeGreaterThan(0);
    expect(side.updateRate).toBeGreaterThan(0);
  }

  expect(result.figures).toEqual(clusterFigures(result.sides));
  expect(result.figures).toHaveLength(6);
  const dev = result.sides[0]!;
  for (const f of result.figures) {
    expect(f.group).toBe('cluster');
    expect(f.value).toBeGreaterThan(0);
    if (f.name.includes('(dev server')) {
      expect(f.baseline).toBeNull();
    } else {
      const base = f.unit === 'cases/s' ? dev.detectionRate : dev.updateRate;
      expect(f.baseline).toEqual({ name: 'dev server (same run)', value: base });
      expect(f.ratio).toBeCloseTo(f.value / base, 10);
      expect(f.target).toBeUndefined();
    }
  }
  expect(result.report).toContain('cluster, 2 workers');
  expect(result.report).toContain('accounting: every side opened one case per pupil and applied every Update');
});
