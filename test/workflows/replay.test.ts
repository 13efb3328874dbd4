/**
 * Determinism guard: every saved case history in test/workflows/histories/ must replay on the
 * current workflow code without a nondeterminism error. Record new ones with
 * `RECORD_HISTORIES=1 npm test -- test/workflows` after a deliberate, versioned change.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR } from '../helpers/case-env';

const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.history.pb'))
  .sort();

test('there are saved histories to replay', () => {
  expect(files.length).toBeGreaterThan(0);
});

test.each(files)('history %s replays deterministically', async (file) => {
  const history = temporal.api.history.v1.History.decode(readFileSync(join(HISTORIES_DIR, file)));
  await expect(
    Worker.runReplayHistory(
      { workflowsPath: require.resolve('../../workflows'), replayName: file },
      history,
      file.replace(/\.history\.pb$/, ''),
    ),
  ).resolves.toBeUndefined();
});
