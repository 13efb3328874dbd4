/**
 * The procedures' deadlines run for weeks (3 weeks to evaluation, 6 weeks to escalation);
 * tests must pass them in seconds. This proves the pinned time-skipping server does that.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { buildWorker } from '../../worker/build-worker';
import { createTimeSkippingEnv } from '../helpers/time-skipping';
import { stackCheckWorkflow } from '../../workflows';
import { proceedSignal, progressQuery } from '../../workflows/stack-check';

const DAY_MS = 24 * 60 * 60 * 1000;
let env: TestWorkflowEnvironment;
const taskQueue = `time-skipping-${randomUUID()}`;

// A worker runs once; each test gets its own on the shared server.
const newWorker = () => buildWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue });

beforeAll(async () => {
  env = await createTimeSkippingEnv();
});

afterAll(async () => {
  await env?.teardown();
});

test('a 21-day durable timer completes on the time-skipping server and 21 days of workflow time pass', async () => {
  const worker = await newWorker();
  const result = await worker.runUntil(
    env.client.workflow.execute(stackCheckWorkflow, {
      taskQueue,
      workflowId: `stack-check-${randomUUID()}`,
      args: [{ timer: '21 days', signalsRequired: 0 }],
    }),
  );
  expect(result.finishedAtMs - result.startedAtMs).toBeGreaterThanOrEqual(21 * DAY_MS);
  expect(result.finishedAtMs - result.startedAtMs).toBeLessThan(22 * DAY_MS);
});

test('a timer does not fire before its time: after 20 of 21 days the workflow is still sleeping', async () => {
  const worker = await newWorker();
  await worker.runUntil(async () => {
    const handle = await env.client.workflow.start(stackCheckWorkflow, {
      taskQueue,
      workflowId: `stack-check-${randomUUID()}`,
      args: [{ timer: '21 days', signalsRequired: 1 }],
    });
    await handle.signal(proceedSignal);
    await env.sleep('20 days');
    expect(await handle.query(progressQuery)).toEqual({ signalsReceived: 1, phase: 'sleeping' });
    await env.sleep('2 days');
    const result = await handle.result();
    expect(result.signalsReceived).toBe(1);
  });
});
