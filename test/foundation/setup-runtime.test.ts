/**
 * The Temporal runtime options of the test set-up (test/setup-runtime.ts) are defaults, not an
 * installed runtime: a test file that never touches Temporal has no runtime keeping its jest
 * worker alive after the file (jest then waits, or ends the worker by force with whatever it
 * started), and the first use creates a runtime that logs through the set-up's logger: warnings
 * shown, the test server's heartbeat-capability warning dropped.
 */
import { Runtime } from '@temporalio/worker';

test('a test file that does not use Temporal has no Temporal runtime running', () => {
  expect(Runtime._instance).toBeUndefined();
});

test("the runtime created on first use logs through the set-up's logger and is gone once shut down", async () => {
  const written: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const runtime = Runtime.instance();
  try {
    runtime.logger.warn('en advarsel fra testen');
    runtime.logger.warn('core: activity_failure_include_heartbeat is not supported by the server');
    runtime.logger.info('bare informasjon');
    runtime.flushLogs();
  } finally {
    write.mockRestore();
    await runtime.shutdown();
  }
  expect(written.join('')).toMatch('[WARN] en advarsel fra testen');
  expect(written.join('')).not.toMatch('activity_failure_include_heartbeat');
  expect(written.join('')).not.toMatch('bare informasjon');
  expect(Runtime._instance).toBeUndefined();
});
