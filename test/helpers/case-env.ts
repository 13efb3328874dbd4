/**
 * A time-skipping environment for case workflow tests: the pinned test server with the case
 * search attributes registered, a worker with real activities writing to a temporary outbox,
 * and helpers to open a case and build events on the server's clock.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { createWorkerActivities } from '../../activities';
import { addSearchAttributes } from '../../scripts/lib/dev-server';
import { FileOutbox, type Outbox } from '../../activities/outbox';
import { parseCaseEvent, type CaseEvent, type EventType } from '../../machines/events';
import type { Role } from '../../machines/vocabulary';
import { buildWorker } from '../../worker/build-worker';
import { caseWorkflow } from '../../workflows';
import { type CaseView, type CaseWorkflowInput, sendEventUpdate } from '../../workflows/case-messages';
import { caseSearchAttributes } from '../../workflows/search-attributes';
import { caseWorkflowId } from './case-ids';
import { createTimeSkippingEnv } from './time-skipping';

export interface CaseTestEnv {
  env: TestWorkflowEnvironment;
  taskQueue: string;
  outbox: FileOutbox;
  /** A worker on the case task queue; pass an outbox to replace the shared one. */
  newWorker(outbox?: Outbox): Promise<Worker>;
  /** Server time as ISO, for event timestamps. */
  now(): Promise<string>;
  teardown(): Promise<void>;
}

/** A running case, as a test holds it. */
export type CaseHandle = WorkflowHandle<typeof caseWorkflow>;

export async function createCaseTestEnv(): Promise<CaseTestEnv> {
  const env = await createTimeSkippingEnv();
  // The test server cannot list search attributes, so they are added without asking first.
  await addSearchAttributes(env.connection, caseSearchAttributes, env.namespace ?? 'default');
  const outboxDir = mkdtempSync(join(tmpdir(), 'outbox-'));
  const outbox = new FileOutbox(outboxDir);
  const taskQueue = `cases-${randomUUID()}`;
  return {
    env,
    taskQueue,
    outbox,
    newWorker: (workerOutbox: Outbox = outbox) =>
      buildWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        activities: createWorkerActivities({ outbox: workerOutbox }),
      }),
    now: async () => new Date(await env.currentTimeMs()).toISOString(),
    teardown: async () => {
      await env.teardown();
      rmSync(outboxDir, { recursive: true, force: true });
    },
  };
}

/**
 * The case environment of a test file (or of a describe block): built before its tests, torn down
 * after them. The object is filled in by beforeAll, so tests use it as they would the one
 * createCaseTestEnv returns.
 */
export function useCaseTestEnv(): CaseTestEnv {
  const t = {} as CaseTestEnv;
  beforeAll(async () => {
    Object.assign(t, await createCaseTestEnv());
  });
  afterAll(async () => {
    await t.teardown?.();
  });
  return t;
}

/** Runs `body` while a worker on the case task queue polls (pass an outbox to replace the shared one). */
export async function withCaseWorker(t: CaseTestEnv, body: () => Promise<void>, outbox?: Outbox): Promise<void> {
  const worker = await t.newWorker(outbox);
  await worker.runUntil(body);
}

let counter = 0;

/** What an event of `type` carries besides its type, id, actor and time. */
export type CaseEventPayload<K extends EventType> = Omit<Extract<CaseEvent, { type: K }>, 'type' | 'eventId' | 'actor' | 'at'>;

/** A valid case event by `role` at `at`. */
export function caseEvent<K extends EventType>(
  type: K,
  payload: CaseEventPayload<K>,
  at: string,
  role: Role = 'contact-teacher',
): Extract<CaseEvent, { type: K }> {
  counter += 1;
  return parseCaseEvent({
    type,
    eventId: `evt-${counter}-${randomUUID()}`,
    actor: { role, userId: `${role}-1` },
    at,
    ...payload,
  }) as Extract<CaseEvent, { type: K }>;
}

/** Starts a case workflow for `input` under the id its school and pupil give it. */
export function startCase(t: CaseTestEnv, input: CaseWorkflowInput): Promise<CaseHandle> {
  return t.env.client.workflow.start(caseWorkflow, {
    taskQueue: t.taskQueue,
    workflowId: caseWorkflowId(input.facts.schoolId, input.facts.pupilId),
    args: [input],
    // As the case client opens cases (app/case-client.ts): the pupil in the memo.
    memo: { pupilId: input.facts.pupilId },
  });
}

/** Opens a case of `procedureId` for a fresh pupil and returns its handle. */
export async function openCase(
  t: CaseTestEnv,
  procedureId: string,
  trigger: { rule: string; dates: string[] },
  extra: Partial<CaseWorkflowInput> = {},
  grade = 9,
): Promise<CaseHandle> {
  const pupilId = `pupil-${randomUUID()}`;
  const openedAt = await t.now();
  return startCase(t, {
    procedureId,
    facts: { caseId: `case-${pupilId}`, pupilId, schoolId: 'school1', grade, openedAt, trigger },
    ...extra,
  } as CaseWorkflowInput);
}

/**
 * Ends a test's case the way a school would (the pupil moved) and returns its final view. Tests
 * close cases instead of terminating them: on the time-skipping server, terminating a workflow
 * that has taken a signal leaves time skipping locked for the rest of the file. Addresses the
 * latest run, so it also works after continue-as-new.
 */
export function closeCaseAsMoved(t: CaseTestEnv, workflowId: string, documentRef = 'closing-moved'): Promise<CaseView> {
  return closeCaseWith(t, workflowId, { reason: 'pupil-moved', note: 'Eleven har flyttet.', documentRef }, 'principal');
}

/** Closes the case (its latest run) with `closing`, recorded now by `role`, and returns its final view. */
export async function closeCaseWith(
  t: CaseTestEnv,
  workflowId: string,
  closing: CaseEventPayload<'case.closed'>,
  role: Role = 'contact-teacher',
): Promise<CaseView> {
  const latest = t.env.client.workflow.getHandle<typeof caseWorkflow>(workflowId);
  await latest.executeUpdate(sendEventUpdate, { args: [caseEvent('case.closed', closing, await t.now(), role)] });
  return latest.result();
}

/** Where saved case histories live; the replay test replays every file in it. */
export const HISTORIES_DIR = join(__dirname, '..', 'workflows', 'histories');

/**
 * With RECORD_HISTORIES=1, saves the finished case's full history as `<name>.history.pb` (the
 * protobuf encoding, which round-trips exactly; jest's module isolation breaks the SDK's JSON
 * converter) for the
 * replay test, which guards the workflow's determinism against these saved runs. Without it,
 * does nothing, so ordinary test runs never rewrite committed files.
 */
export async function saveHistoryIfRecording(t: CaseTestEnv, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await t.env.client.workflow.getHandle(workflowId).fetchHistory();
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const History = temporal.api.history.v1.History;
  writeFileSync(join(HISTORIES_DIR, `${name}.history.pb`), History.encode(History.fromObject(history)).finish());
}

/**
 * The view without its delivered effects: what a person's step left behind. Messages are delivered
 * after the step that issued them, so a view taken just after a step may not have them yet.
 */
export function withoutDeliveries(view: CaseView): CaseView {
  return { ...view, timeline: view.timeline.filter((e) => e.kind !== 'effect') };
}
