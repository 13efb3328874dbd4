/**
 * Determinism guard: every saved case history in test/workflows/histories/ must replay on the
 * current workflow code without a nondeterminism error. Record new ones with
 * `RECORD_HISTORIES=1 npm test -- test/workflows` after a deliberate, versioned change.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { caseWorkflowBundleOptions } from '../../worker/build-worker';
import { HISTORIES_DIR } from '../helpers/case-env';

const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.history.pb'))
  .sort();

const historyOf = (file: string) => temporal.api.history.v1.History.decode(readFileSync(join(HISTORIES_DIR, file)));
const workflowIdOf = (file: string) => file.replace(/\.history\.pb$/, '');

// Bundled exactly as the worker bundles it: the machines preloaded and shared by every case
// (workflows/shared-modules.ts), so the guard covers the code production runs.
let workflowBundle: WorkflowBundle;
beforeAll(async () => {
  workflowBundle = await bundleWorkflowCode({
    ...caseWorkflowBundleOptions,
    preloadModules: [...caseWorkflowBundleOptions.preloadModules],
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (m: string) => console.error(m),
    },
  });
}, 120_000);

test('there are saved histories to replay', () => {
  expect(files.length).toBeGreaterThan(0);
});

test.each(files)('history %s replays deterministically', async (file) => {
  await expect(Worker.runReplayHistory({ workflowBundle, replayName: file }, historyOf(file), workflowIdOf(file))).resolves.toBeUndefined();
});

test('every history replays twice, one after another, in one worker: nothing one case leaves in the shared modules changes another', async () => {
  const histories = [...files, ...files].map((file) => ({ workflowId: workflowIdOf(file), history: historyOf(file) }));
  const results = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'alle-historikker' }, histories)) results.push(result);
  expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`)).toEqual([]);
  expect(results).toHaveLength(histories.length);
});
