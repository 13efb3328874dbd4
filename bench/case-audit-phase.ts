/**
 * The bench's `case-audit` phase: how long the audit of real cases (case-audit/, `npm run audit
 * -- --cases`) takes over many cases that really ran. The audit issue's target is 10 000 cases in
 * under 5 minutes on 2 cores; that target, scaled to the cases audited, is the figure's baseline.
 *
 * On loopback: a Temporal dev server and the real case worker (bench/case-server.ts). N cases of all the directory's procedures are opened through `CaseClient.open`, each
 * takes one Update from a person (so every history holds an opening, an Update, a deadline timer
 * and the effects), and once the worker is quiet and visibility lists every case, `auditCases`
 * reads every history through the codec, re-drives it through the case host and checks it, timed
 * as a whole and split into fetching and replaying. The audit must find every case and find each
 * conforming to its procedure (they were run by the real workflow): otherwise the phase fails.
 */
import { join } from 'node:path';
import { auditCases } from '../case-audit/run-case-audit';
import { loadSchoolDirectory } from '../detection/school-directory';
import { PROJECT_ROOT } from '../scripts/lib/tools';
import { startBenchCaseServer } from './case-server';
import { type BenchFigure, figure } from './figures';
import { loadCaseInput, loadUpdateEvent } from './load';
import { inParallel, sleep } from './measure';

export interface CaseAuditBenchOptions {
  /** Cases opened and then audited. */
  cases: number;
  /** Opens and Updates in flight at once. */
  concurrency: number;
}

/** The phase as bench/main.ts starts it in a fresh process (bench/child.ts). */
export interface CaseAuditTask {
  role: 'case-audit';
  options: CaseAuditBenchOptions;
}

export const DEFAULT_CASE_AUDIT_OPTIONS: CaseAuditBenchOptions = { cases: 10_000, concurrency: 32 };

/** The target: 10 000 real cases audited in under 5 minutes on 2 cores. */
export const CASE_AUDIT_TARGET = { cases: 10_000, seconds: 300 };

export interface CaseAuditBenchResult {
  options: CaseAuditBenchOptions;
  /** Cases opened and taking their Update, and how long that took. */
  opened: number;
  openSeconds: number;
  /** What the audit reported. */
  audited: number;
  conforming: number;
  findings: number;
  /** The whole audit (listing, fetching, replaying, checking), and its parts as the report gives them. */
  auditSeconds: number;
  fetchSeconds: number;
  replaySeconds: number;
}

const TASK_QUEUE = 'bench-case-audit';
const QUIET_POLLS = 4;
const POLL_MS = 500;

export async function runCaseAuditBench(
  options: CaseAuditBenchOptions,
  log: (line: string) => void = console.log,
): Promise<CaseAuditBenchResult> {
  const count = (n: number) => n.toLocaleString('en-US');
  const bench = await startBenchCaseServer('bench-case-audit', TASK_QUEUE);
  try {
    const w = bench.worker;
    const client = bench.cases;
    const schools = await loadSchoolDirectory(join(PROJECT_ROOT, 'config', 'schools.json'));
    const schoolIds = schools.schoolIds();
    const now = new Date();

    log(`opening ${count(options.cases)} cases, each with one Update (${options.concurrency} in flight) ...`);
    const started = performance.now();
    let opened = 0;
    const failures: string[] = [];
    await inParallel(options.cases, options.concurrency, async (i) => {
      try {
        const id = await client.open(loadCaseInput(i, schoolIds, (s) => schools.get(s)!.procedureId, now));
        await client.send(id, loadUpdateEvent(i, new Date()));
        opened += 1;
      } catch (err) {
        failures.push(`case ${i + 1}: ${(err as Error).message}`);
      }
      if ((i + 1) % 2_000 === 0) log(`  ${count(i + 1)} started (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    });
    if (failures.length > 0) throw new Error(`${failures.length} cases could not be opened or updated, e.g. ${failures[0]}`);
    // The worker quiet (every first task and effect done), then visibility listing every case.
    for (let quiet = 0; quiet < QUIET_POLLS; await sleep(POLL_MS)) {
      const status = w.getStatus();
      quiet = status.numInFlightWorkflowActivations === 0 && status.numInFlightActivities === 0 ? quiet + 1 : 0;
    }
    const openSeconds = (performance.now() - started) / 1000;
    log(`${count(opened)} cases ran in ${openSeconds.toFixed(0)} s; waiting for visibility to list them all ...`);
    for (;;) {
      const listed = (await client.client.workflow.count(`TaskQueue = '${TASK_QUEUE}'`)).count;
      if (listed >= opened) break;
      await sleep(POLL_MS);
    }

    log(`auditing ${count(opened)} cases (npm run audit -- --cases) ...`);
    const auditStarted = performance.now();
    const report = await auditCases({
      temporal: { client: client.client, payloadCodecs: client.client.options.loadedDataConverter.payloadCodecs },
      pseudonymise: false,
    });
    const auditSeconds = (performance.now() - auditStarted) / 1000;
    const s = report.summary;
    log(
      `audited ${count(s.cases)} cases in ${auditSeconds.toFixed(1)} s: ${count(s.conforming)} conforming, ${count(s.findings)} findings`,
    );
    if (s.cases !== opened) throw new Error(`the audit found ${s.cases} cases, not the ${opened} opened`);
    if (s.conforming !== opened) throw new Error(`the audit found ${opened - s.conforming} of the real workflow's cases not conforming`);
    return {
      options,
      opened,
      openSeconds,
      audited: s.cases,
      conforming: s.conforming,
      findings: s.findings,
      auditSeconds,
      fetchSeconds: s.timings.fetchMs / 1000,
      replaySeconds: s.timings.replayMs / 1000,
    };
  } finally {
    await bench.close();
  }
}

export function caseAuditFigures(result: CaseAuditBenchResult): BenchFigure[] {
  // The target scaled to the cases audited: 5 minutes for 10 000.
  const targetSeconds = (CASE_AUDIT_TARGET.seconds * result.audited) / CASE_AUDIT_TARGET.cases;
  return [
    figure(
      'case audit',
      `audit of ${result.audited.toLocaleString('en-US')} real cases (npm run audit -- --cases)`,
      's',
      result.auditSeconds,
      { name: 'the issue’s target (5 min per 10 000 cases)', value: targetSeconds },
      { kind: 'value-at-most', limit: targetSeconds },
    ),
    figure('case audit', 'audit time per case', 'ms', (result.auditSeconds * 1000) / Math.max(1, result.audited)),
  ];
}

export function caseAuditReport(result: CaseAuditBenchResult): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return [
    '',
    `Audit of real cases (${n(result.audited)} cases that ran on the dev server with the real worker, one Update each; ` +
      `${n(result.conforming)} conforming, ${n(result.findings)} findings):`,
    `  whole audit ${result.auditSeconds.toFixed(1)} s (${((result.auditSeconds * 1000) / Math.max(1, result.audited)).toFixed(2)} ms a case): ` +
      `listing and fetching histories ${result.fetchSeconds.toFixed(1)} s, replay and checks ${result.replaySeconds.toFixed(1)} s; ` +
      `the cases took ${result.openSeconds.toFixed(0)} s to open and run`,
  ].join('\n');
}
