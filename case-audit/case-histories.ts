/**
 * Reads the cases an audit covers from Temporal: the visibility query by the case search
 * attributes (school, opening time in the period; open and closed), and each case's histories,
 * every run of its continue-as-new chain, oldest first, with payloads unsealed by the case data
 * converter's codecs. Fetches run with bounded concurrency.
 */
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { caseListQuery } from '../app/case-client';
import { CaseOpenedAt } from '../workflows/search-attributes';
import { type CaseRun, PayloadReader, readCaseRun } from './history-run';

/** Which cases: one school or all, opened within [from, to] (calendar dates, both included). */
export interface CaseScope {
  schoolId?: string;
  /** yyyy-MM-dd. */
  from?: string;
  /** yyyy-MM-dd. */
  to?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The visibility query of `scope` (every case run, whichever its status; continue-as-new links are dropped by the caller). */
export function caseAuditQuery(scope: CaseScope, now: Date): string {
  const clauses = [caseListQuery(scope.schoolId === undefined ? {} : { schoolId: scope.schoolId }, now)];
  if (scope.from) clauses.push(`${CaseOpenedAt.name} >= '${new Date(`${scope.from}T00:00:00Z`).toISOString()}'`);
  if (scope.to) clauses.push(`${CaseOpenedAt.name} < '${new Date(Date.parse(`${scope.to}T00:00:00Z`) + DAY_MS).toISOString()}'`);
  return clauses.join(' AND ');
}

/** A case as listed: its workflow id and latest run (absent: the workflow id's latest run). */
export interface ListedCase {
  workflowId: string;
  runId?: string;
}

/** The cases of `scope`, each once by the latest run of its chain. */
export async function listAuditedCases(client: Client, scope: CaseScope, now: Date): Promise<ListedCase[]> {
  const out: ListedCase[] = [];
  for await (const wf of client.workflow.list({ query: caseAuditQuery(scope, now) })) {
    if (wf.status.name === 'CONTINUED_AS_NEW') continue;
    out.push({ workflowId: wf.workflowId, runId: wf.runId });
  }
  return out;
}

/** Every run of the case's chain, oldest first, read from its histories. */
export async function fetchCaseRuns(client: Client, listed: ListedCase, codecs: readonly PayloadCodec[] = []): Promise<CaseRun[]> {
  const reader = new PayloadReader(codecs);
  const runs: CaseRun[] = [];
  let runId: string | undefined = listed.runId;
  const seen = new Set<string>();
  for (let first = true; first || (runId !== undefined && !seen.has(runId)); first = false) {
    if (runId !== undefined) seen.add(runId);
    const history = await client.workflow.getHandle(listed.workflowId, runId).fetchHistory();
    const run = await readCaseRun(history, reader);
    // The latest run asked for by workflow id alone: its start names it (unless it was reset from another).
    run.runId = runId ?? run.runId;
    runs.unshift(run);
    runId = run.continuedFromRunId;
  }
  return runs;
}

/**
 * One chain per case: a reset leaves the run it reset (terminated) beside the run it made, and
 * visibility lists both; they share the workflow id and the chain's first run, and the newer run
 * (which holds the reset and all that came after) is the case. Chains of other cases of the same
 * pupil (a case opened again after closing) start from another run and are kept.
 */
export function latestChains(chains: readonly { workflowId: string; runs: readonly CaseRun[] }[]): number[] {
  const latest = new Map<string, number>();
  chains.forEach((chain, i) => {
    const first = chain.runs[0];
    if (!first) return;
    const key = `${chain.workflowId}\u0000${first.firstExecutionRunId || first.runId}`;
    const seen = latest.get(key);
    const startedOf = (j: number) => chains[j]!.runs[chains[j]!.runs.length - 1]!.startedAtMs;
    if (seen === undefined || startedOf(i) > startedOf(seen)) latest.set(key, i);
  });
  return [...latest.values()].sort((a, b) => a - b);
}

/** Runs `work` over `items` with at most `limit` at a time; results in the items' order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
