/**
 * A time-skipping Temporal test environment backed by the pinned test server in .tools/,
 * never the SDK's default download (this machine cannot reach it).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalTestServerPath } from '../../scripts/lib/tools';

export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
}
