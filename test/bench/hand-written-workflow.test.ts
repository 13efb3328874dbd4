/**
 * bench/hand-written-workflow.ts on the time-skipping server: as bench/cases-in-worker.ts uses it
 * (opens with two effects, an Update moves it on, a reminder when its 14-day deadline passes, it
 * stays open), and driven along a route as bench/history.ts drives it (its deadlines when the
 * route says, the effects per step, the search attributes at every step, closing after the last).
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import {
  type BenchEffect,
  type handWrittenCaseWorkflow,
  handWrittenSendEvent,
  handWrittenViewQuery,
} from '../../bench/hand-written-workflow';
import { addSearchAttributes } from '../../worker/search-attribute-registration';
import { caseSearchAttributes } from '../../workflows/search-attributes';
import { createTimeSkippingEnv } from '../helpers/time-skipping';

jest.setTimeout(3 * 60_000);

const DAY_MS = 24 * 60 * 60 * 1000;
let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
const effects: BenchEffect[] = [];
const taskQueue = `hand-written-${randomUUID()}`;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  await addSearchAttributes(env.connection, caseSearchAttributes, env.namespace ?? 'default');
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../bench/hand-written-workflow'),
    activities: { recordEffect: async (effect: BenchEffect) => void effects.push(effect) },
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
});

const event = (type: string, at: number) => ({
  eventId: randomUUID(),
  type,
  actor: { role: 'contactTeacher', userId: 'u1' },
  at: new Date(at).toISOString(),
});
const countOf = (history: temporal.api.history.v1.IHistory, type: temporal.api.enums.v1.EventType) =>
  (history.events ?? []).filter((e) => e.eventType === type).length;

test('as cases-in-worker uses it: two effects at opening, an Update moves it on, a reminder after 14 days, still open', async () => {
  const caseId = `default-${randomUUID()}`;
  const opened = await env.currentTimeMs();
  const handle = await env.client.workflow.start<typeof handWrittenCaseWorkflow>('handWrittenCaseWorkflow', {
    taskQueue,
    workflowId: caseId,
    args: [{ caseId, openedAt: new Date(opened).toISOString() }],
  });
  const receipt = await handle.executeUpdate(handWrittenSendEvent, { args: [event('guardians.contacted', opened)] });
  expect(receipt).toMatchObject({ applied: true, state: 'mapping' });
  const view = await handle.query(handWrittenViewQuery);
  expect(Date.parse(view.deadlineAt!) - opened).toBeGreaterThanOrEqual(14 * DAY_MS);
  await env.sleep(15 * DAY_MS);
  const later = await handle.query(handWrittenViewQuery);
  expect(later.timeline.map((t) => (t as { type: string }).type)).toEqual(['guardians.contacted', 'reminder']);
  expect(later.state).toBe('mapping');
  // The two opening effects run at once, in either order.
  expect(
    effects
      .filter((e) => e.caseId === caseId)
      .map((e) => e.effect)
      .sort(),
  ).toEqual(['notifyGuardians', 'notifyStaff', 'remindResponsible']);
  expect((await handle.describe()).status.name).toBe('RUNNING');
});

test('along a route: its deadline fires when told, each step issues its effects and upserts the attributes, it closes after the last step', async () => {
  const caseId = `route-${randomUUID()}`;
  const opened = await env.currentTimeMs();
  const handle = await env.client.workflow.start<typeof handWrittenCaseWorkflow>('handWrittenCaseWorkflow', {
    taskQueue,
    workflowId: caseId,
    args: [
      {
        caseId,
        openedAt: new Date(opened).toISOString(),
        attributes: { schoolId: 'skole-1', procedureId: 'rutine-1' },
        deadlines: [2 * DAY_MS, null],
        effects: [1, 0, 3],
        closesAfterStep: 2,
      },
    ],
  });
  await env.sleep(3 * DAY_MS);
  expect((await handle.query(handWrittenViewQuery)).state).toBe('deadline');
  await handle.executeUpdate(handWrittenSendEvent, { args: [event('case.closed', opened + 3 * DAY_MS)] });
  expect(await handle.result()).toBe('case.closed');
  expect(effects.filter((e) => e.caseId === caseId)).toHaveLength(4);
  const history = await handle.fetchHistory();
  const { EventType } = temporal.api.enums.v1;
  expect(countOf(history, EventType.EVENT_TYPE_TIMER_FIRED)).toBe(1);
  expect(countOf(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toBe(4);
  expect(countOf(history, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)).toBeGreaterThanOrEqual(3);
});
