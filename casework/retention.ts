/**
 * Deletes the working data of cases closed longer ago than the retention period
 * (`npm run retention`, cli/retention.ts): their runs in Temporal, their delivery records and the
 * case's files in the local outbox. What follows other rules is kept: the school's absence
 * registrations, the access log (who read what) and the archive (archived documents follow the
 * archive's rules; they are counted, so the archivist can act). Detection's ledger is kept too:
 * it holds only what derives from the kept registrations, and detection counts only absence after
 * the triggers it records (detection/run-detection.ts), so without it years-old absence would
 * open a new case. The namespace's own retention is set to the same period, so Temporal also
 * removes closed histories by itself.
 *
 * Order per case: the database and the outbox first, Temporal last. A run that stops half-way
 * then leaves the case listed, and the next run deletes what is left; every step is idempotent.
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type WorkflowExecutionInfo, isGrpcServiceError } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { msNumberToTs, tsToMs } from '@temporalio/common/lib/time';
import { type CaseClient, caseListQuery } from '../app/case-client';
import type { AppDatabase } from '../app/database/database';
import type { CaseWorkflowInput } from '../workflows/case-messages';
import { type CaseRun, type DueCase, closedBeforeBound, dueCases, keptFrom } from './retention-due';

const DAY_MS = 24 * 60 * 60 * 1000;
/** gRPC NOT_FOUND: the run is gone already. */
const NOT_FOUND = 5;
/** Workflow ids per visibility query (`WorkflowId IN (…)`). */
const IDS_PER_QUERY = 100;
/**
 * How long a run waits for Temporal to confirm its deletions. Temporal deletes a closed run
 * asynchronously (after its close is written to visibility); on the dev server that has taken
 * half a minute under load.
 */
const CONFIRM_WITHIN_MS = 180_000;
const CONFIRM_POLL_MS = 500;

/** Where a case's working data lives. */
export interface RetentionTarget {
  cases: CaseClient;
  database: AppDatabase;
  /** The local outbox (activities/outbox.ts). */
  outboxDir: string;
}

export interface RetentionOptions {
  /** yyyy-MM-dd, the Norwegian date of today. */
  today: string;
  retentionDays: number;
  /** Count what would be deleted; delete nothing and leave the namespace as it is. */
  dryRun: boolean;
  /** How long to wait for Temporal to confirm the runs are gone (default three minutes). */
  confirmWithinMs?: number;
}

/** What was (or, in a dry run, would be) deleted of one case, and what is kept. */
export interface CaseDeletion {
  workflowId: string;
  closedAt: Date;
  runs: number;
  /** Runs whose deletion was asked for but Temporal had not confirmed when the wait ended. */
  runsUnconfirmed: number;
  deliveries: number;
  outboxFiles: number;
  /** Archived documents of the case, kept (the archive's rules apply). */
  archivedDocuments: number;
  /** The archive's case file numbers (saksnummer «year/sequence») holding them. */
  archiveCaseFiles: string[];
}

/** A case's deletion with the runs asked deleted and not yet confirmed gone. */
type DeletionOfRuns = CaseDeletion & { deletedRunIds: string[] };

export interface RetentionReport {
  /** Cases closed before this Norwegian date were due. */
  keptFrom: string;
  /** The namespace's retention in days before this run (undefined when the server did not say). */
  namespaceRetentionBefore?: number;
  /** Whether the namespace's retention was (or would be) changed to the period. */
  namespaceRetentionChanged: boolean;
  cases: CaseDeletion[];
}

function runOf(wf: WorkflowExecutionInfo): CaseRun {
  return {
    workflowId: wf.workflowId,
    runId: wf.runId,
    ...(wf.status.name !== 'RUNNING' && wf.closeTime !== undefined ? { closedAt: wf.closeTime } : {}),
  };
}

/**
 * The cases due on `today`: visibility names the candidates (a run closed before the period),
 * then every run of each candidate is listed, so a pupil's open or recent case keeps the id.
 */
export async function findDueCases(cases: CaseClient, today: string, retentionDays: number): Promise<DueCase[]> {
  const now = new Date();
  const candidates = new Set<string>();
  const query = `${caseListQuery({}, now)} AND ExecutionStatus != 'Running' AND CloseTime < '${closedBeforeBound(today, retentionDays).toISOString()}'`;
  for await (const wf of cases.client.workflow.list({ query })) candidates.add(wf.workflowId);
  const ids = [...candidates];
  const runs: CaseRun[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const workflowIds = ids.slice(i, i + IDS_PER_QUERY);
    for await (const wf of cases.client.workflow.list({ query: caseListQuery({ workflowIds }, now) })) runs.push(runOf(wf));
  }
  return dueCases(runs, today, retentionDays);
}

function namespaceOf(cases: CaseClient): string {
  return cases.client.options.namespace;
}

/** Whether the run is still in Temporal (visibility may list a deleted run for a while). */
async function runExists(cases: CaseClient, workflowId: string, runId: string): Promise<boolean> {
  try {
    await cases.client.workflowService.describeWorkflowExecution({ namespace: namespaceOf(cases), execution: { workflowId, runId } });
    return true;
  } catch (err) {
    if (isGrpcServiceError(err) && err.code === NOT_FOUND) return false;
    throw err;
  }
}

/** The case's own id (facts.caseId: the key of its delivery records and its archive case file), from the run's start. */
async function caseIdOfRun(cases: CaseClient, workflowId: string, runId: string): Promise<string | undefined> {
  const { history } = await cases.client.workflowService.getWorkflowExecutionHistory({
    namespace: namespaceOf(cases),
    execution: { workflowId, runId },
    maximumPageSize: 1,
  });
  const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const [input] = await decodeArrayFromPayloads(cases.client.workflow.options.loadedDataConverter, payloads);
  const caseId = (input as Partial<CaseWorkflowInput> | undefined)?.facts?.caseId;
  return typeof caseId === 'string' ? caseId : undefined;
}

/** File names the outbox gives the case's messages: their keys start with `<workflow id>/` (activities/outbox.ts fileNameOf). */
function outboxPrefix(workflowId: string): string {
  return `${workflowId}/`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** The case's files in the outbox: named after its keys, and (when readable) holding a key of the case. */
async function outboxFilesOf(outboxDir: string, workflowId: string): Promise<string[]> {
  const names = await readdir(outboxDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const prefix = outboxPrefix(workflowId);
  const files: string[] = [];
  for (const name of names.filter((n) => n.startsWith(prefix)).sort()) {
    const path = join(outboxDir, name);
    if (name.endsWith('.json')) {
      // Another id could only share the file name through characters the outbox replaced.
      const key = await readFile(path, 'utf8')
        .then((text) => (JSON.parse(text) as { idempotencyKey?: unknown }).idempotencyKey)
        .catch(() => undefined);
      if (typeof key === 'string' && !key.startsWith(`${workflowId}/`)) continue;
    }
    files.push(path);
  }
  return files;
}

/** Deletes (or counts, in a dry run) one case's working data; runs already gone count nothing. */
async function deleteCase(target: RetentionTarget, due: DueCase, dryRun: boolean): Promise<DeletionOfRuns> {
  const { cases, database } = target;
  const { db } = database;
  const runIds: string[] = [];
  for (const runId of due.runIds) if (await runExists(cases, due.workflowId, runId)) runIds.push(runId);
  const caseIds = new Set<string>();
  for (const runId of runIds) {
    const caseId = await caseIdOfRun(cases, due.workflowId, runId);
    if (caseId !== undefined) caseIds.add(caseId);
  }
  const ofCase = [...caseIds];

  const archived =
    ofCase.length === 0
      ? []
      : await db
          .selectFrom('archive_documents as d')
          .innerJoin('archive_registry_entries as e', 'e.reference', 'd.reference')
          .innerJoin('archive_case_files as f', 'f.case_id', 'e.case_id')
          .select(['f.year', 'f.sequence_number'])
          .where('e.case_id', 'in', ofCase)
          .execute();
  const archiveCaseFiles = [...new Set(archived.map((r) => `${r.year}/${r.sequence_number}`))].sort();

  // Delivery records carry the case's own id and a key that starts with the workflow id.
  const deliveryKeys = (
    await db
      .selectFrom('message_deliveries')
      .select('idempotency_key')
      .where((eb) =>
        eb.or([
          ...(ofCase.length > 0 ? [eb('case_id', 'in', ofCase)] : []),
          eb(eb.fn('substr', ['idempotency_key', eb.lit(1), eb.lit(due.workflowId.length + 1)]), '=', `${due.workflowId}/`),
        ]),
      )
      .execute()
  ).map((r) => r.idempotency_key);

  const outboxFiles = await outboxFilesOf(target.outboxDir, due.workflowId);

  if (!dryRun) {
    if (deliveryKeys.length > 0) await db.deleteFrom('message_deliveries').where('idempotency_key', 'in', deliveryKeys).execute();
    for (const file of outboxFiles) await rm(file, { force: true });
    for (const runId of runIds) {
      try {
        await cases.client.workflowService.deleteWorkflowExecution({
          namespace: namespaceOf(cases),
          workflowExecution: { workflowId: due.workflowId, runId },
        });
      } catch (err) {
        if (!(isGrpcServiceError(err) && err.code === NOT_FOUND)) throw err;
      }
    }
  }
  return {
    workflowId: due.workflowId,
    closedAt: due.closedAt,
    runs: runIds.length,
    runsUnconfirmed: 0,
    deletedRunIds: dryRun ? [] : runIds,
    deliveries: deliveryKeys.length,
    outboxFiles: outboxFiles.length,
    archivedDocuments: archived.length,
    archiveCaseFiles,
  };
}

/** The namespace's retention in days, as the server reports it. */
async function namespaceRetentionDays(cases: CaseClient): Promise<number | undefined> {
  const described = await cases.client.workflowService.describeNamespace({ namespace: namespaceOf(cases) });
  const ttl = described.config?.workflowExecutionRetentionTtl;
  return ttl ? tsToMs(ttl) / DAY_MS : undefined;
}

/** Sets the namespace's retention, so Temporal removes closed histories after the period by itself. */
async function setNamespaceRetention(cases: CaseClient, days: number): Promise<void> {
  await cases.client.workflowService.updateNamespace({
    namespace: namespaceOf(cases),
    config: { workflowExecutionRetentionTtl: msNumberToTs(days * DAY_MS) },
  });
}

/** Runs the retention once: the namespace's period, then every due case. */
export async function applyRetention(target: RetentionTarget, options: RetentionOptions): Promise<RetentionReport> {
  const before = await namespaceRetentionDays(target.cases);
  const changed = before !== options.retentionDays;
  if (changed && !options.dryRun) await setNamespaceRetention(target.cases, options.retentionDays);
  const due = await findDueCases(target.cases, options.today, options.retentionDays);
  const deleted: DeletionOfRuns[] = [];
  for (const one of due) {
    // Opened again since the list was taken: the pupil's id is in use, keep it all.
    if (await target.cases.isOpen(one.workflowId)) continue;
    const deletion = await deleteCase(target, one, options.dryRun);
    // Every run already gone (visibility lags behind a deletion) and nothing left: not reported.
    if (deletion.runs + deletion.deliveries + deletion.outboxFiles > 0) deleted.push(deletion);
  }
  if (!options.dryRun) await confirmDeleted(target.cases, deleted, options.confirmWithinMs ?? CONFIRM_WITHIN_MS);
  return {
    keptFrom: keptFrom(options.today, options.retentionDays),
    ...(before !== undefined ? { namespaceRetentionBefore: before } : {}),
    namespaceRetentionChanged: changed,
    cases: deleted.map(({ deletedRunIds: _runIds, ...deletion }) => deletion),
  };
}

/**
 * Waits until Temporal no longer knows the deleted runs, so the report says what is gone and a
 * second run finds nothing; what is still there when the wait ends is counted as unconfirmed.
 */
async function confirmDeleted(cases: CaseClient, deleted: DeletionOfRuns[], withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  for (;;) {
    let left = 0;
    for (const deletion of deleted) {
      const still: string[] = [];
      for (const runId of deletion.deletedRunIds) if (await runExists(cases, deletion.workflowId, runId)) still.push(runId);
      deletion.deletedRunIds = still;
      deletion.runsUnconfirmed = still.length;
      left += still.length;
    }
    if (left === 0 || Date.now() >= until) return;
    await new Promise((resolve) => setTimeout(resolve, CONFIRM_POLL_MS));
  }
}
