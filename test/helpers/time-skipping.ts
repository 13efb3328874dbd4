/**
 * A time-skipping Temporal test environment backed by the pinned test server in .tools/,
 * never the SDK's default download (this machine cannot reach it). The server stops when the
 * test process dies (scripts/lib/temporal-test-server.sh), and an environment a test file did not
 * tear down is torn down after the file (test/helpers/process-cleanup-environment.ts).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { registerCleanup } from '../../scripts/lib/child-processes';
import { temporalTestServerPath } from '../../scripts/lib/tools';

export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  const teardown = env.teardown.bind(env);
  const unregister = registerCleanup('tidshoppende testserver', teardown);
  // Tearing down by hand, as tests do in afterAll, takes it off the cleanup list.
  env.teardown = async () => {
    unregister();
    await teardown();
  };
  return env;
}
