/**
 * The bench's `cluster` phase (issue 18): cases opened per second through detection and Updates
 * per second on the real Temporal cluster with 1 and 2 case workers, beside the dev server's on
 * this machine, in the same run (the dev server's figure is each cluster figure's baseline).
 *
 * Per side, on fresh pupils at a school of the side's own (three whole days of notified absence
 * before today each, bench/detection-dispatch.ts):
 *
 * - cases opened per second: the real `runDetection` over an in-memory store and ledger,
 *   delivering through the real `TemporalCaseDispatcher`. Rate = N ÷ the whole detection run
 *   (every start accepted); the run must report N opened.
 * - one case per pupil: visibility must list exactly one case per pupil of the school before the
 *   Updates start, so a figure never counts a lost or doubled case. Then, untimed, the cases settle:
 *   visibility lists every one with its next deadline (its first workflow task has run), so the
 *   Updates do not queue behind the opening's backlog.
 * - Updates per second: one `guardians.contacted` Update per case through `CaseClient.send`, C in
 *   flight. Rate = N ÷ the time until every Update was answered; each must be applied.
 *
 * The sides, in order: the dev server with one case worker in this process (bench/case-server.ts);
 * then the cluster (scripts/lib/temporal-cluster/local-cluster.ts: a throwaway PostgreSQL, two
 * history hosts, 4 shards, a fresh namespace with the case search attributes) with one real case
 * worker process (`worker/main.ts`), then with a second one started beside it. Each side first
 * runs a small warm-up school, not counted. The cluster's server is built into .tools/ the first
 * time (about 5 minutes on 2 cores).
 *
 * Usage: `node --import tsx bench/cluster-phase.ts [--cases N] [--concurrency C] [--json FILE]`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { CaseClient, caseListQuery } from '../app/case-client';
import { osloDate } from '../app/oslo-time';
import { parseSettings } from '../app/settings';
import { keyRingOf } from '../app/temporal';
import { TemporalCaseDispatcher } from '../detection/case-dispatcher';
import { DEFAULT_DELIVERY_CONCURRENCY } from '../detection/delivery-lanes';
import { runDetection } from '../detection/run-detection';
import { buildSchoolCalendar } from '../detection/school-calendar';
import { type SchoolDirectory, buildSchoolDirectory } from '../detection/school-directory';
import { InMemoryTriggerLedger } from '../detection/trigger-ledger';
import { InMemoryRegistrationStore } from '../intake/registration-store';
import { type CaseEvent, parseCaseEvent } from '../machines/events';
import type { GroupChild } from '../scripts/lib/child-processes';
import { type LocalCluster, startLocalCluster } from '../scripts/lib/temporal-cluster/local-cluster';
import { startWorker } from '../scripts/lib/worker-process';
import { NextDeadline, caseSearchAttributes } from '../workflows/search-attributes';
import { startBenchCaseServer } from './case-server';
import { type BenchSchool, type CaseCount, benchSchool, countCases } from './detection-dispatch';
import { type BenchFigure, figure, formatValue } from './figures';
import { inParallel, positiveIntegerArg, sleep } from './measure';

export interface ClusterBenchOptions {
  /** Pupils (and so cases and Updates) per side. */
  cases: number;
  /** Updates in flight at once. */
  concurrency: number;
  /** Detection's deliveries in flight at once. */
  deliveryConcurrency: number;
}

/** The phase as bench/main.ts starts it in a fresh process (bench/child.ts). */
export interface ClusterTask {
  role: 'cluster';
  options: ClusterBenchOptions;
}

export const DEFAULT_CLUSTER_OPTIONS: ClusterBenchOptions = {
  cases: 1_000,
  concurrency: 32,
  deliveryConcurrency: DEFAULT_DELIVERY_CONCURRENCY,
};

export type ClusterSideName = 'dev server' | 'cluster, 1 worker' | 'cluster, 2 workers';

/** One side's measurements and its accounting. */
export interface ClusterSide {
  side: ClusterSideName;
  /** Case worker processes (the dev server's worker runs in the bench process). */
  workers: number;
  detectionSeconds: number;
  detectionRate: number;
  /** Cases the detection run reported opened (must be N). */
  opened: number;
  /** One case per pupil on visibility, before the Updates. */
  cases: CaseCount;
  /** From the visibility check until every case showed its next deadline (untimed in the figures). */
  settleSeconds: number;
  updateSeconds: number;
  updateRate: number;
  /** Updates answered as applied; not applied; failed (with the first few reasons). */
  applied: number;
  notApplied: number;
  updateErrors: string[];
  ok: boolean;
}

export interface ClusterBenchResult {
  options: ClusterBenchOptions;
  sides: ClusterSide[];
  /** How long the cluster took to start (PostgreSQL, schemas, the services; the build if it was missing). */
  clusterStartSeconds: number;
  figures: BenchFigure[];
  report: string;
  /** Every side opened N cases, one per pupil, and every Update was applied. */
  ok: boolean;
}

const NAMESPACE = 'skolefravaer-bench';
const PROCEDURE = 'tiltaksplan-elevfravaer';
const WARM_UP_PUPILS = 20;
const WORKER_READY_MS = 120_000;
const SETTLE_LIMIT_MS = 10 * 60_000;
const SETTLE_POLL_MS = 500;
const DEV_SIDE: ClusterSideName = 'dev server';
const SIDE_SCHOOL: Record<ClusterSideName, string> = {
  'dev server': 'dev',
  'cluster, 1 worker': 'cluster1',
  'cluster, 2 workers': 'cluster2',
};

/** The bench's school directory and the three school days of absence before today. */
function benchSetting(): { directory: SchoolDirectory; days: string[]; today: string } {
  const today = osloDate(new Date());
  const year = Number(today.slice(0, 4));
  const calendarConfig = { municipality: 'Benchkommune', firstYear: year - 1, lastYear: year + 1 };
  const calendar = buildSchoolCalendar(calendarConfig);
  const days = [3, 2, 1].map((k) => calendar.nthSchoolDayBefore(today, k) as string);
  const schoolIds = Object.values(SIDE_SCHOOL).flatMap((s) => [s, `${s}_warm`]);
  const directory = buildSchoolDirectory({
    formatVersion: 1,
    municipalities: { bench: { name: 'Benchkommune', procedureId: PROCEDURE, calendar: calendarConfig } },
    schools: schoolIds.map((schoolId) => ({ schoolId, name: schoolId, municipality: 'bench' })),
  });
  return { directory, days, today };
}

/** The Update each case takes: the contact teacher logged a phone call with the home. */
export function contactedEvent(i: number, at: Date): CaseEvent {
  return parseCaseEvent({
    type: 'guardians.contacted',
    eventId: `bench-cluster-${i}-${randomUUID()}`,
    actor: { role: 'contact-teacher', userId: 'bench-cluster' },
    at: at.toISOString(),
    channel: 'phone',
    cause: 'school-related',
    documentRef: `bench-logg-${i}`,
  });
}

/** Detection opens the school's cases, visibility is checked, then each case takes one Update. */
async function measureSide(
  side: ClusterSideName,
  workers: number,
  school: BenchSchool,
  cases: CaseClient,
  setting: ReturnType<typeof benchSetting>,
  options: ClusterBenchOptions,
): Promise<ClusterSide> {
  const store = new InMemoryRegistrationStore();
  await store.upsert(school.registrations);
  const n = school.pupilIds.length;
  const t = performance.now();
  const summary = await runDetection({
    store,
    directory: setting.directory,
    ledger: new InMemoryTriggerLedger(),
    dispatcher: new TemporalCaseDispatcher(cases),
    today: setting.today,
    schoolIds: [school.schoolId],
    deliveryConcurrency: options.deliveryConcurrency,
  });
  const detectionSeconds = (performance.now() - t) / 1000;
  const listed = await countCases(cases, school);
  const s = performance.now();
  const settledQuery = `${caseListQuery({ schoolId: school.schoolId }, new Date())} AND ${NextDeadline.name} IS NOT NULL`;
  while ((await cases.client.workflow.count(settledQuery)).count < n) {
    if (performance.now() - s > SETTLE_LIMIT_MS) throw new Error(`${side}: the cases had not all run their first task after 10 minutes`);
    await sleep(SETTLE_POLL_MS);
  }
  const settleSeconds = (performance.now() - s) / 1000;

  const ids = school.pupilIds.map((p) => cases.workflowIdFor(school.schoolId, p));
  let applied = 0;
  let notApplied = 0;
  const updateErrors: string[] = [];
  let failed = 0;
  const u = performance.now();
  await inParallel(n, options.concurrency, async (i) => {
    try {
      const result = await cases.send(ids[i]!, contactedEvent(i, new Date()));
      if (result.applied) applied += 1;
      else notApplied += 1;
    } catch (err) {
      failed += 1;
      if (updateErrors.length < 5) updateErrors.push(`${ids[i]}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  const updateSeconds = (performance.now() - u) / 1000;
  if (failed > updateErrors.length) updateErrors.push(`… ${failed - updateErrors.length} more`);
  return {
    side,
    workers,
    detectionSeconds,
    detectionRate: n / detectionSeconds,
    opened: summary.opened,
    cases: listed,
    settleSeconds,
    updateSeconds,
    updateRate: n / updateSeconds,
    applied,
    notApplied,
    updateErrors,
    ok: summary.opened === n && listed.ok && applied === n,
  };
}

/** A warm-up school (not counted), then the side's own school. */
async function runSide(
  side: ClusterSideName,
  workers: number,
  cases: CaseClient,
  setting: ReturnType<typeof benchSetting>,
  options: ClusterBenchOptions,
  log: (line: string) => void,
): Promise<ClusterSide> {
  const school = SIDE_SCHOOL[side];
  const warm = await measureSide(
    side,
    workers,
    benchSchool(`${school}_warm`, Math.min(WARM_UP_PUPILS, options.cases), setting.days),
    cases,
    setting,
    options,
  );
  if (!warm.ok) throw new Error(`${side}: the warm-up lost a case or an Update (${JSON.stringify(warm)})`);
  const result = await measureSide(side, workers, benchSchool(school, options.cases, setting.days), cases, setting, options);
  log(
    `${side}: detection ${formatValue(result.detectionRate)} cases/s, Updates ${formatValue(result.updateRate)} /s; ` +
      `one case per pupil: ${result.cases.ok ? 'yes' : 'NO'}, Updates applied ${result.applied}/${options.cases}`,
  );
  return result;
}

/** A real case worker process (`worker/main.ts`), ready once it says it polls its task queue. */
async function startClusterWorker(env: Record<string, string>, name: string): Promise<GroupChild> {
  return (await startWorker(env, { name, readyTimeoutMs: WORKER_READY_MS })).child;
}

export async function runClusterBench(
  options: ClusterBenchOptions,
  log: (line: string) => void = console.log,
): Promise<ClusterBenchResult> {
  const setting = benchSetting();
  const sides: ClusterSide[] = [];
  const n = options.cases.toLocaleString('en-US');

  log(`dev server, one case worker in process: ${n} pupils through detection, then ${n} Updates (${options.concurrency} in flight) ...`);
  const dev = await startBenchCaseServer('bench-cluster-dev', 'bench-cluster');
  try {
    sides.push(await Promise.race([runSide(DEV_SIDE, 1, dev.cases, setting, options, log), dev.workerFailed]));
  } finally {
    await dev.close();
  }

  const dir = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
  let cluster: LocalCluster | undefined;
  let cases: CaseClient | undefined;
  const workers: GroupChild[] = [];
  let clusterStartSeconds: number;
  try {
    log('starting the cluster (PostgreSQL, schemas, frontend, matching, 2 history hosts, system worker) ...');
    const t = performance.now();
    cluster = await startLocalCluster({
      dir: join(dir, 'cluster'),
      keepData: false,
      namespace: NAMESPACE,
      searchAttributes: caseSearchAttributes,
      historyHosts: 2,
      shards: 4,
      log,
    });
    clusterStartSeconds = (performance.now() - t) / 1000;
    const env: Record<string, string> = {
      TEMPORAL_ADDRESS: cluster.temporal.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: `bench-cluster-${randomUUID()}`,
      DATA_DIR: join(dir, 'data'),
      OUTBOX_DIR: join(dir, 'outbox'),
      DATABASE_URL: await cluster.ensureDatabase('skolefravaer'),
      PAYLOAD_KEYS_FILE: join(dir, 'payload-keys.json'),
    };
    const settings = parseSettings(env).temporal;
    keyRingOf(settings); // the key file made once, before the workers and the client read it
    log(`cluster up in ${clusterStartSeconds.toFixed(0)} s; starting case worker 1 (worker/main.ts) ...`);
    workers.push(await startClusterWorker(env, 'case worker 1 (worker/main.ts)'));
    cases = await CaseClient.connect(settings);
    const dead = (): Promise<never> =>
      Promise.race(
        workers.map((w) =>
          w.exited.then((exit) => Promise.reject(new Error(`${w.name} exited during the phase (${JSON.stringify(exit)})`))),
        ),
      );
    sides.push(await Promise.race([runSide('cluster, 1 worker', 1, cases, setting, options, log), dead()]));
    log('starting case worker 2 ...');
    workers.push(await startClusterWorker(env, 'case worker 2 (worker/main.ts)'));
    sides.push(await Promise.race([runSide('cluster, 2 workers', 2, cases, setting, options, log), dead()]));
  } finally {
    const steps: Array<() => unknown> = [
      () => Promise.all(workers.map((w) => w.stop({ graceMs: 30_000 }))),
      () => cases?.close(),
      () => cluster?.stop(),
    ];
    for (const step of steps) {
      await Promise.resolve()
        .then(step)
        .catch((err: unknown) => console.error(err));
    }
    rmSync(dir, { recursive: true, force: true });
  }

  const result: Omit<ClusterBenchResult, 'figures' | 'report'> = { options, sides, clusterStartSeconds, ok: sides.every((s) => s.ok) };
  return { ...result, figures: clusterFigures(sides), report: clusterReport(result) };
}

/** The dev server's two figures, and each cluster side's beside them. */
export function clusterFigures(sides: readonly ClusterSide[]): BenchFigure[] {
  const dev = sides.find((s) => s.side === DEV_SIDE);
  const cluster = sides.filter((s) => s.side !== DEV_SIDE);
  const metrics = [
    { name: 'cases opened per second by detection', unit: 'cases/s', value: (s: ClusterSide) => s.detectionRate },
    { name: 'Updates per second', unit: 'Updates/s', value: (s: ClusterSide) => s.updateRate },
  ];
  return metrics.flatMap((m) => [
    ...(dev ? [figure('cluster', `${m.name} (dev server, 1 worker in process)`, m.unit, m.value(dev))] : []),
    ...cluster.map((s) =>
      figure('cluster', `${m.name} (${s.side})`, m.unit, m.value(s), dev ? { name: 'dev server (same run)', value: m.value(dev) } : null),
    ),
  ]);
}

export function clusterReport(result: Omit<ClusterBenchResult, 'figures' | 'report'>): string {
  const { options, sides } = result;
  const n = (v: number) => v.toLocaleString('en-US');
  const dev = sides.find((s) => s.side === DEV_SIDE);
  const ratio = (v: number, base: number | undefined) => (base === undefined ? '–' : `${(v / base).toFixed(2)}×`);
  const header = [
    'side',
    'detection s',
    'cases/s',
    'ratio',
    'settle s',
    'Updates s',
    'Updates/s',
    'ratio',
    'one case per pupil',
    'applied',
  ];
  const rows = sides.map((s) => [
    s.side,
    s.detectionSeconds.toFixed(2),
    formatValue(s.detectionRate),
    ratio(s.detectionRate, dev?.detectionRate),
    s.settleSeconds.toFixed(1),
    s.updateSeconds.toFixed(2),
    formatValue(s.updateRate),
    ratio(s.updateRate, dev?.updateRate),
    s.cases.ok && s.opened === options.cases ? 'yes' : 'NO',
    `${n(s.applied)}/${n(options.cases)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const problems = sides.flatMap((s) => [
    ...(s.opened === options.cases ? [] : [`  ${s.side}: detection opened ${n(s.opened)} of ${n(options.cases)}`]),
    ...(s.cases.ok
      ? []
      : [
          `  ${s.side}: ${n(s.cases.listed)} listed, ${n(s.cases.once)} once, ${n(s.cases.missing)} missing, ` +
            `${n(s.cases.doubled)} doubled, ${n(s.cases.unexpected)} unexpected`,
        ]),
    ...(s.notApplied > 0 ? [`  ${s.side}: ${n(s.notApplied)} Updates answered as not applied`] : []),
    ...s.updateErrors.map((e) => `  ${s.side}: Update failed: ${e}`),
  ]);
  return [
    '',
    `Cluster beside the dev server (${n(options.cases)} pupils a side, detection ${options.deliveryConcurrency} deliveries in flight, ` +
      `${options.concurrency} Updates in flight; cluster: 2 history hosts, 4 shards, PostgreSQL; started in ${result.clusterStartSeconds.toFixed(0)} s):`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '  cases/s = N ÷ the whole detection run (runDetection through TemporalCaseDispatcher, every start accepted);',
    '  settle s = untimed wait until every case showed its next deadline (its first workflow task run), before the Updates;',
    '  Updates/s = N ÷ the time until every guardians.contacted Update was answered; ratio = against the dev server in this run.',
    '  dev server: one case worker in the bench process; cluster: real worker/main.ts processes on the same machine.',
    ...problems,
    result.ok ? '  accounting: every side opened one case per pupil and applied every Update' : '  accounting: WRONG (see above)',
  ].join('\n');
}

/** `--cases N --concurrency C --json FILE`; throws on what it does not know. */
export function parseClusterArgs(argv: readonly string[]): ClusterBenchOptions & { json?: string } {
  const options: ClusterBenchOptions & { json?: string } = { ...DEFAULT_CLUSTER_OPTIONS };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const value = (): number => positiveIntegerArg(arg, argv[++i]);
    if (arg === '--cases') options.cases = value();
    else if (arg === '--concurrency') options.concurrency = value();
    else if (arg === '--json') options.json = argv[++i];
    else throw new Error(`unknown option ${arg} (see the comment at the top of bench/cluster-phase.ts)`);
  }
  return options;
}

if (require.main === module) {
  void (async () => {
    const { json, ...options } = parseClusterArgs(process.argv.slice(2));
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const result = await runClusterBench(options);
    console.log(result.report);
    if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
    if (!result.ok) process.exitCode = 1;
  })().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  });
}
