/**
 * The Temporal Schedule that runs absence detection every day. Created by the main job
 * (`npm start`) and updated in place when it already exists, so a changed hour or task queue
 * takes effect on the next start without deleting the schedule's history.
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleOptions } from '@temporalio/client';
import type { dailyDetectionWorkflow } from '../workflows/daily-detection';

export const DETECTION_SCHEDULE_ID = 'daglig-fravaersdeteksjon';
/** After the school day, when the day's registrations are in. */
export const DEFAULT_DETECTION_HOUR = 17;

export interface DetectionScheduleOptions {
  taskQueue: string;
  hour?: number;
  timezone?: string;
}

function scheduleOptions(options: DetectionScheduleOptions): ScheduleOptions {
  return {
    scheduleId: DETECTION_SCHEDULE_ID,
    spec: { calendars: [{ hour: options.hour ?? DEFAULT_DETECTION_HOUR, minute: 0 }], timezone: options.timezone ?? 'Europe/Oslo' },
    action: {
      type: 'startWorkflow',
      workflowType: 'dailyDetectionWorkflow',
      workflowId: 'fravaersdeteksjon',
      taskQueue: options.taskQueue,
      args: [{}] as Parameters<typeof dailyDetectionWorkflow>,
    },
    // A run that is still going (a large municipality) is not doubled; a missed day is caught up once.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
    memo: { description: 'Kjører fraværsdeteksjonen for alle skoler hver dag.' },
  };
}

/** Creates the schedule, or updates its spec and action if it exists. Returns what was done. */
export async function ensureDetectionSchedule(client: Client, options: DetectionScheduleOptions): Promise<'created' | 'updated'> {
  const wanted = scheduleOptions(options);
  try {
    await client.schedule.create(wanted);
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule
    .getHandle(DETECTION_SCHEDULE_ID)
    .update((previous) => ({ ...previous, spec: wanted.spec, action: wanted.action, policies: wanted.policies }));
  return 'updated';
}
