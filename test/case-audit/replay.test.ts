/**
 * The audit of real cases re-drives recorded histories through the case host: every recorded
 * history (old and new versions of every procedure) conforms, and a copy altered in one place, as
 * a case changed outside its procedure would be, does not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Payload } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../../app/payload-codec';
import { loadOrCreateKeyRing } from '../../app/payload-keys';
import { latestChains } from '../../case-audit/case-histories';
import { PayloadReader, readCaseRun } from '../../case-audit/history-run';
import { replayCase } from '../../case-audit/replay-case';
import { redriveRun } from '../../case-audit/redrive';
import {
  EventType,
  eventsOf,
  historyFiles,
  historyOf,
  payloadValue,
  readRun,
  recordedWorkflowId,
  setPayloadValue,
} from './history-fixtures';
import { temporal } from '@temporalio/proto';

test('there are recorded histories of both versions', () => {
  expect(historyFiles.filter((f) => f.startsWith('v1-')).length).toBeGreaterThan(0);
  expect(historyFiles.filter((f) => !f.startsWith('v1-')).length).toBeGreaterThan(0);
});

test.each(historyFiles)('recorded history %s re-drives through the case host without a mismatch', async (file) => {
  const run = await readRun(historyOf(file));
  const result = redriveRun(run, recordedWorkflowId(run));
  expect(result.mismatch).toBeUndefined();
  // The re-drive reaches the run's end as the history has it.
  expect(result.expectedEnd?.kind).toBe(run.end?.kind);
  expect(result.host).toBeDefined();
});

test.each(historyFiles.filter((f) => !f.includes('after-continue-as-new')))('%s as a whole case conforms', async (file) => {
  const run = await readRun(historyOf(file));
  expect(replayCase(recordedWorkflowId(run), [run]).issues).toEqual([]);
});

test('a run that continued from another is forged when no predecessor handed its state over, and conforms after the run that did', async () => {
  const second = await readRun(historyOf('tiltaksplan-elevfravaer-after-continue-as-new.history.pb'));
  const id = recordedWorkflowId(second);
  expect(replayCase(id, [second]).issues.map((i) => i.kind)).toEqual(['forged-carried']);
  // A predecessor that handed over exactly this input: the chain holds.
  const handedOver = {
    ...second,
    input: { ...second.input, carried: undefined },
    end: { kind: 'continuedAsNew' as const, input: second.input, newRunId: second.runId },
  };
  const predecessor = { ...handedOver, activations: [], patches: second.patches, anomalies: [] };
  const issues = replayCase(id, [predecessor, second]).issues.filter((i) => i.runId === second.runId);
  expect(issues).toEqual([]);
  // One that handed over something else: the second run's start is found out.
  const differing = {
    ...predecessor,
    end: { ...predecessor.end, input: { ...second.input, carried: { ...second.input.carried!, effectSequence: 99 } } },
  };
  expect(
    replayCase(id, [differing, second])
      .issues.filter((i) => i.runId === second.runId)
      .map((i) => i.kind),
  ).toEqual(['carried-differs']);
});

const FILE = 'tiltaksplan-elevfravaer-longest-route.history.pb';

async function mismatchOf(alter: (history: temporal.api.history.v1.History) => void): Promise<string | undefined> {
  const history = historyOf(FILE);
  alter(history);
  const run = await readRun(history);
  return redriveRun(run, recordedWorkflowId(run)).mismatch?.what;
}

describe('an altered copy of a recorded history does not conform', () => {
  test('a step a person sent, changed afterwards (another event type)', async () => {
    const what = await mismatchOf((h) => {
      const accepted = eventsOf(h, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)[2]!;
      const payload = accepted.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args!.payloads![0]!;
      setPayloadValue(payload, { ...(payloadValue(payload) as object), type: 'case.closed', reason: 'other', note: 'x', documentRef: 'd' });
    });
    expect(what).toMatch(/rutinen ville ha avvist|Svaret|Søkeattributtene|Aktivitetene|Tidsfristene/);
  });

  test('a step a person sent, moved to another time', async () => {
    const what = await mismatchOf((h) => {
      const accepted = eventsOf(h, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)[1]!;
      const payload = accepted.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args!.payloads![0]!;
      const event = payloadValue(payload) as { at: string };
      setPayloadValue(payload, { ...event, at: new Date(Date.parse(event.at) - 3 * 24 * 3600 * 1000).toISOString() });
    });
    expect(what).toBeDefined();
  });

  test('a message the case never issued', async () => {
    const what = await mismatchOf((h) => {
      const scheduled = eventsOf(h, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)[0]!;
      const payload = scheduled.activityTaskScheduledEventAttributes!.input!.payloads![0]!;
      setPayloadValue(payload, { ...(payloadValue(payload) as object), pupilId: 'someone-else' });
    });
    expect(what).toMatch(/Aktivitetene/);
  });

  test('a deadline given another length', async () => {
    const what = await mismatchOf((h) => {
      const started = eventsOf(h, EventType.EVENT_TYPE_TIMER_STARTED)[0]!.timerStartedEventAttributes!;
      // Half a second longer (or shorter, past a whole second): any other length than the host's.
      started.startToFireTimeout = { ...started.startToFireTimeout, nanos: ((started.startToFireTimeout!.nanos ?? 0) + 500_000_000) % 1e9 };
    });
    expect(what).toMatch(/Tidsfristene/);
  });

  test('a deadline the case kept, cancelled anyway', async () => {
    const what = await mismatchOf((h) => {
      const fired = eventsOf(h, EventType.EVENT_TYPE_TIMER_FIRED)[0]!;
      fired.eventType = EventType.EVENT_TYPE_TIMER_CANCELED;
      fired.timerCanceledEventAttributes = { timerId: fired.timerFiredEventAttributes!.timerId ?? '' };
      fired.timerFiredEventAttributes = null;
    });
    expect(what).toBeDefined();
  });

  test('a search attribute set to a value the case never had', async () => {
    const what = await mismatchOf((h) => {
      const upsert = eventsOf(h, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES).find(
        (e) => e.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!.CaseStage,
      )!;
      setPayloadValue(upsert.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!.CaseStage!, 'closed');
    });
    expect(what).toMatch(/Søkeattributtene/);
  });

  test('a final view that is not what the case came to', async () => {
    const what = await mismatchOf((h) => {
      const completed = eventsOf(h, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)[0]!;
      const payload = completed.workflowExecutionCompletedEventAttributes!.result!.payloads![0]!;
      setPayloadValue(payload, { ...(payloadValue(payload) as object), documents: [] });
    });
    expect(what).toMatch(/Slik kjøringen sluttet/);
  });

  test('a step removed from the history (its Update taken out)', async () => {
    const what = await mismatchOf((h) => {
      const accepted = eventsOf(h, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED)[1]!;
      h.events = h.events.filter((e) => e !== accepted);
    });
    expect(what).toBeDefined();
  });

  test('a run reset by hand', async () => {
    const history = historyOf(FILE);
    const i = history.events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && Number(e.eventId) > 10);
    const started = history.events
      .slice(0, i)
      .reverse()
      .find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)!;
    history.events.splice(
      i,
      0,
      temporal.api.history.v1.HistoryEvent.create({
        eventId: started.eventId,
        eventTime: started.eventTime,
        eventType: EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
        workflowTaskFailedEventAttributes: {
          cause: temporal.api.enums.v1.WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
        },
      }),
      // As a reset leaves it: the running task fails with the cause «reset», and a new one starts.
      started,
    );
    const run = await readRun(history);
    expect(replayCase(recordedWorkflowId(run), [run]).issues.map((x) => x.kind)).toContain('reset');
  });

  test('a run terminated by hand', async () => {
    const history = historyOf(FILE);
    const last = history.events[history.events.length - 1]!;
    history.events[history.events.length - 1] = temporal.api.history.v1.HistoryEvent.create({
      eventId: last.eventId,
      eventTime: last.eventTime,
      eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
      workflowExecutionTerminatedEventAttributes: { reason: 'ryddet bort' },
    });
    const run = await readRun(history);
    expect(replayCase(recordedWorkflowId(run), [run]).issues.map((x) => x.kind)).toContain('terminated');
  });
});

test('a reset leaves the run it reset beside the new one: the case is audited once, by the newer; a second case of the pupil is kept', async () => {
  const run = await readRun(historyOf(FILE));
  const reset = { ...run, runId: 'tilbakestilt', startedAtMs: run.startedAtMs + 1000 };
  const secondCase = { ...run, runId: 'ny-sak', firstExecutionRunId: 'ny-sak', startedAtMs: run.startedAtMs + 5000 };
  const chains = [
    { workflowId: 'w', runs: [run] },
    { workflowId: 'w', runs: [reset] },
    { workflowId: 'w', runs: [secondCase] },
    { workflowId: 'other', runs: [run] },
  ];
  expect(latestChains(chains)).toEqual([1, 2, 3]);
});

test('a history sealed with the case data converter (AES-GCM) reads as the plain one with the codec, and cannot be read without it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'case-audit-keys-'));
  try {
    const codec = new AesGcmPayloadCodec(loadOrCreateKeyRing(join(dir, 'keys.json')));
    const history = historyOf(FILE);
    // Every `payloads` list in the history is sealed, as the client's and the worker's codec leaves them.
    const seal = async (node: unknown): Promise<void> => {
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      if (Array.isArray(record.payloads)) record.payloads = await codec.encode(record.payloads as Payload[]);
      for (const value of Object.values(record))
        if (typeof value === 'object' && value !== null && value !== record.payloads) await seal(value);
    };
    for (const event of history.events) await seal(event);
    const sealed = await readCaseRun(history, new PayloadReader([codec]));
    const plain = await readRun(historyOf(FILE));
    expect(sealed.input).toEqual(plain.input);
    expect(sealed.activations).toEqual(plain.activations);
    expect(redriveRun(sealed, recordedWorkflowId(plain)).mismatch).toBeUndefined();
    await expect(readCaseRun(history, new PayloadReader())).rejects.toThrow();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
