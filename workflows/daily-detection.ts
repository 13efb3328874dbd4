/**
 * The daily detection run, started by the Temporal Schedule `daglig-fravaersdeteksjon` (see
 * detection/daily-schedule.ts) or by hand. One activity does the work; the workflow gives
 * it retries, a heartbeat timeout and a visible history per day.
 */
import * as wf from '@temporalio/workflow';
import type { DailyDetectionInput, DetectionActivities } from '../activities/detection';
import type { DetectionRunSummary } from '../detection/run-detection';
import { DETECTION_NON_RETRYABLE_ERROR_TYPES } from './activity-errors';

const { runDailyDetection } = wf.proxyActivities<DetectionActivities>({
  startToCloseTimeout: '1 hour',
  // One heartbeat per school; a minute of silence means the worker is gone.
  heartbeatTimeout: '2 minutes',
  retry: {
    initialInterval: '30 seconds',
    backoffCoefficient: 2,
    maximumInterval: '30 minutes',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [...DETECTION_NON_RETRYABLE_ERROR_TYPES],
  },
});

/** Runs detection as of `today` (default: the Norwegian date when the activity runs). */
export async function dailyDetectionWorkflow(input: DailyDetectionInput = {}): Promise<DetectionRunSummary> {
  return runDailyDetection(input);
}
