/**
 * One case, every run of its continue-as-new chain, re-driven through the case host (redrive.ts)
 * and judged for conformance: a history the procedure could not have produced is a finding. What
 * it detects besides a mismatch inside a run:
 * - a run reset by hand (a workflow task failed with the cause "reset");
 * - a run terminated, cancelled, timed out or failed, none of which the procedure does;
 * - a first run started with a `carried` state (a case forged from a state no run handed over);
 * - a run started with another state than its predecessor handed over at continue-as-new, or a
 *   predecessor that did not continue as new at all.
 */
import { firstDifference } from './first-difference';
import type { CaseRun } from './history-run';
import { type RedriveResult, redriveRun } from './redrive';
import type { CaseHost } from '../workflows/case-host';
import type { ProcedureDefinition } from '../machines/registry';

export type ConformanceKind =
  'mismatch' | 'reset' | 'terminated' | 'canceled' | 'failed' | 'timedOut' | 'forged-carried' | 'carried-differs';

/** Why a case's history is not one its procedure could have produced. */
export interface ConformanceIssue {
  kind: ConformanceKind;
  runId: string;
  /** When (ISO). */
  at: string;
  /** In Norwegian, for the auditor, with the values that differ. */
  message: string;
  /** The same without any value from the case (which may hold notes or ids): for a pseudonymised report. */
  summary: string;
}

export interface ReplayedCase {
  workflowId: string;
  runs: number;
  /** The host after the last run (undefined when the case could not be opened at all). */
  host: CaseHost | undefined;
  procedure: ProcedureDefinition | undefined;
  issues: ConformanceIssue[];
  /** Workflow time of the last activation of the last run (ms). */
  lastAtMs: number;
  /** True while the last run is still open. */
  open: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();
const json = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const show = (v: unknown): string => {
  const text = JSON.stringify(v);
  return text === undefined ? 'ingenting' : text.length > 160 ? `${text.slice(0, 157)}…` : text;
};

const anomalyMessages: Record<string, string> = {
  reset: 'Kjøringen ble tilbakestilt for hånd (reset) til et tidligere punkt; steg kan være fjernet eller tatt på nytt utenfor rutinen.',
  terminated: 'Kjøringen ble avsluttet for hånd (terminate) utenfor rutinen.',
  canceled: 'Kjøringen ble avbrutt for hånd (cancel) utenfor rutinen.',
  failed: 'Kjøringen feilet og ble stående uten å følge rutinen videre.',
  timedOut: 'Kjøringen ble stoppet av en tidsgrense utenfor rutinen.',
};

/** Re-drives the case's runs, oldest first, and judges the chain. */
export function replayCase(workflowId: string, runs: readonly CaseRun[]): ReplayedCase {
  const issues: ConformanceIssue[] = [];
  let last: RedriveResult | undefined;
  runs.forEach((run, i) => {
    const previous = runs[i - 1];
    if (!previous && run.input.carried !== undefined) {
      issues.push({
        kind: 'forged-carried',
        runId: run.runId,
        at: iso(run.startedAtMs),
        message: 'Saken ble startet med en tilstand (carried) som ingen tidligere kjøring overleverte: den er laget utenfor rutinen.',
        summary: 'Saken ble startet med en tilstand (carried) som ingen tidligere kjøring overleverte: den er laget utenfor rutinen.',
      });
    }
    if (previous) {
      const handed = previous.end?.kind === 'continuedAsNew' ? previous.end.input : undefined;
      if (handed === undefined) {
        issues.push({
          kind: 'carried-differs',
          runId: run.runId,
          at: iso(run.startedAtMs),
          message: 'Kjøringen fortsetter en kjøring som ikke overleverte saken (ingen continue-as-new).',
          summary: 'Kjøringen fortsetter en kjøring som ikke overleverte saken (ingen continue-as-new).',
        });
      } else {
        const d = firstDifference(json(handed), json(run.input));
        if (d) {
          issues.push({
            kind: 'carried-differs',
            runId: run.runId,
            at: iso(run.startedAtMs),
            message: `Kjøringen startet med en annen tilstand enn forrige kjøring overleverte (${d.path || 'hele tilstanden'}: overlevert ${show(d.expected)}, startet med ${show(d.recorded)}).`,
            summary: `Kjøringen startet med en annen tilstand enn forrige kjøring overleverte (${d.path || 'hele tilstanden'}).`,
          });
        }
      }
    }
    for (const anomaly of run.anomalies) {
      const message = anomalyMessages[anomaly.kind] ?? anomaly.detail;
      issues.push({
        kind: anomaly.kind === 'unfinishedTask' ? 'mismatch' : anomaly.kind,
        runId: run.runId,
        at: iso(anomaly.atMs),
        message,
        summary: message,
      });
    }
    last = redriveRun(run, workflowId);
    // A reset run's history is the old one up to the reset point and then goes its own way: the
    // re-drive judges the rest, but the reset is the finding; a mismatch after it adds nothing.
    if (last.mismatch && !run.anomalies.some((a) => a.kind === 'reset')) {
      const m = last.mismatch;
      issues.push({
        kind: 'mismatch',
        runId: run.runId,
        at: m.at,
        message: `Historikken avviker fra det rutinen ville ha gjort: ${m.what} – rutinen gir ${show(m.expected)}, historikken har ${show(m.recorded)}.`,
        summary: `Historikken avviker fra det rutinen ville ha gjort: ${m.what}.`,
      });
    }
  });
  const lastRun = runs[runs.length - 1];
  return {
    workflowId,
    runs: runs.length,
    host: last?.host,
    procedure: last?.procedure,
    issues,
    lastAtMs: last?.lastAtMs ?? 0,
    open: lastRun !== undefined && lastRun.end === undefined,
  };
}
