/**
 * A minimal workflow that proves the Temporal stack works end to end: a durable timer and
 * durable signals. The start script runs it after the worker comes up, and the tests use it to
 * show that timers skip on the time-skipping server and that a case survives a server restart.
 */
import { condition, defineQuery, defineSignal, setHandler, sleep } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';

export interface StackCheckInput {
  /** How long to wait on a durable timer after the signals, e.g. '21 days'. */
  timer: Duration;
  /** How many `proceed` signals must arrive before the timer starts. */
  signalsRequired: number;
}

export interface StackCheckProgress {
  signalsReceived: number;
  phase: 'waiting-for-signals' | 'sleeping' | 'done';
}

export interface StackCheckResult {
  signalsReceived: number;
  /** Workflow time (ms since epoch) when the workflow started and finished. */
  startedAtMs: number;
  finishedAtMs: number;
}

export const proceedSignal = defineSignal('proceed');
export const progressQuery = defineQuery<StackCheckProgress>('progress');

export async function stackCheckWorkflow(input: StackCheckInput): Promise<StackCheckResult> {
  // Date.now() inside a workflow is Temporal's deterministic workflow clock.
  const startedAtMs = Date.now();
  const progress: StackCheckProgress = { signalsReceived: 0, phase: 'waiting-for-signals' };
  setHandler(proceedSignal, () => {
    progress.signalsReceived += 1;
  });
  setHandler(progressQuery, () => ({ ...progress }));

  await condition(() => progress.signalsReceived >= input.signalsRequired);
  progress.phase = 'sleeping';
  await sleep(input.timer);
  progress.phase = 'done';
  return { signalsReceived: progress.signalsReceived, startedAtMs, finishedAtMs: Date.now() };
}
