/**
 * The whole audit of the example procedure (test/fixtures/example-procedure.ts), as `npm run
 * audit` runs it: paths, coverage, invariants, deadlines, conformance and mutations. Its paths
 * replay against the real case workflow on the time-skipping server, in a worker whose bundle
 * registers the example procedure (test/fixtures/example-bundle.ts); nothing in workflows/ knows it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuditRun, runAudit } from '../../audit/main';
import { procedureRegistry } from '../../machines/registry';
import { withExampleProcedure } from '../fixtures/example-bundle';
import { EXAMPLE_ID, exampleProcedure } from '../fixtures/example-procedure';
import { exampleRegistry } from '../fixtures/example-registry';

// The replay resolves a path's procedure in this process too (its timers, whether it takes the
// closing), so the example joins this test file's system registry as it joins the bundle's.
procedureRegistry.register(exampleProcedure);
const outDir = mkdtempSync(join(tmpdir(), 'example-audit-'));
let run: AuditRun;

beforeAll(async () => {
  run = await runAudit({
    registry: exampleRegistry,
    procedure: EXAMPLE_ID,
    outDir,
    conformance: { webpackConfigHook: withExampleProcedure },
    log: () => undefined,
  });
}, 900_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

test('[X.4] the whole audit passes: every path replays on the real workflow as the model says, every mutant is caught', () => {
  const [report] = run.report.procedures;
  expect(report).toMatchObject({ id: EXAMPLE_ID, passed: true });
  expect(report!.failures).toEqual([]);
  expect(report!.counts.paths).toBeGreaterThan(5);
  expect(report!.paths.every((p) => p.conformance?.passed)).toBe(true);
  expect(report!.coverage.states.percent).toBe(100);
  expect(report!.coverage.transitions.percent).toBe(100);
  expect(report!.mutations.ran).toBe(true);
  expect(report!.mutations.killed).toBe(report!.mutations.total);
});
