/**
 * The recorded case histories (test/workflows/histories/) as the audit of real cases reads them,
 * and altered copies: a history changed in one place, as someone changing a case outside its
 * procedure would leave it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { type CaseRun, PayloadReader, readCaseRun } from '../../case-audit/history-run';
import { HISTORIES_DIR } from '../helpers/case-env';

export type History = temporal.api.history.v1.History;
export const EventType = temporal.api.enums.v1.EventType;

export const historyFiles = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.history.pb'))
  .sort();

/** A fresh, decoded copy of the recorded history (free to alter). */
export const historyOf = (file: string): History => temporal.api.history.v1.History.decode(readFileSync(join(HISTORIES_DIR, file)));

export const readRun = (history: History): Promise<CaseRun> => readCaseRun(history, new PayloadReader());

/**
 * The workflow id the history was recorded under: the recorded histories come from test servers
 * whose ids the files do not keep, but every case's effects carry it in their idempotency keys,
 * and the views older runs answered with name it.
 */
export function recordedWorkflowId(run: CaseRun): string {
  for (const a of run.activations) {
    for (const x of a.commands.activities) return String((x.input as { idempotencyKey: string }).idempotencyKey).split('/')[0]!;
    for (const u of a.commands.updateOutcomes) {
      const view = (u.result as { view?: { workflowId: string } } | undefined)?.view;
      if (view) return view.workflowId;
    }
  }
  throw new Error('the history names no workflow id');
}

/** A JSON payload's value. */
export function payloadValue(payload: temporal.api.common.v1.IPayload): unknown {
  return JSON.parse(Buffer.from(payload.data!).toString('utf8'));
}

/** Replaces a JSON payload's value in place. */
export function setPayloadValue(payload: temporal.api.common.v1.IPayload, value: unknown): void {
  payload.data = Buffer.from(JSON.stringify(value), 'utf8');
}

/** The events of the history of `type`. */
export const eventsOf = (history: History, type: number) => history.events.filter((e) => e.eventType === type);
