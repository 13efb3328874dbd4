/**
 * How fast detection opens cases (issue 16): "detection delivers cases with bounded concurrency at
 * ≥ 0.9× the rate of raw signal-with-start calls at the same concurrency, still idempotent, one
 * case per pupil and school".
 *
 * On loopback: a Temporal dev server in a temp directory (the case search attributes registered)
 * and one real case worker in this process (`buildWorker`, sealed payloads, real activities
 * writing to a temp outbox), as bench/load.ts. Each round has N fresh pupils per side, each with
 * three consecutive days of absence before today (one C.2 trigger each) at a school of its own:
 *
 * - detection: the real `runDetection` over an in-memory store and ledger, delivering through the
 *   real `TemporalCaseDispatcher` at `deliveryConcurrency` C. Rate = N ÷ the whole run (reading
 *   the registrations, the rules, every start accepted, the ledger saved).
 * - baseline: the same deliveries (planned by the same detection run, delivered nowhere) sent as
 *   raw `client.workflow.signalWithStart` calls of `caseWorkflow` with the arguments
 *   `CaseClient.openOrSignal` (called, not copied), C in flight. Rate = N ÷ the time until every call was accepted.
 *
 * The two sides alternate which goes first, the worker is let go quiet before each, and the
 * figure is the median over the rounds. Every round then checks on visibility that every pupil
 * of both sides has exactly one case (each expected workflow id listed once, nothing else listed
 * for the school). The first round also runs detection again with an empty ledger, as after a
 * crash that lost it: every trigger is delivered again, no case is opened, and still one case per pupil.
 *
 * Usage: `node --import tsx bench/detection-dispatch.ts [--pupils N] [--concurrency C] [--rounds R] [--json FILE]`.
 */
import { writeFileSync } from 'node:fs';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { CaseClient, caseListQuery, pupilOfListed } from '../app/case-client';
import { osloDate } from '../app/oslo-time';
import type { CaseDispatcher, TrendOutcome, TriggerOutcome } from '../detection/case-dispatcher';
import { TemporalCaseDispatcher } from '../detection/case-dispatcher';
import { DEFAULT_DELIVERY_CONCURRENCY } from '../detection/delivery-lanes';
import type { CaseDelivery } from '../detection/dispatch-plan';
import { type DetectionRunSummary, runDetection } from '../detection/run-detection';
import { buildSchoolCalendar } from '../detection/school-calendar';
import { type SchoolDirectory, buildSchoolDirectory } from '../detection/school-directory';
import { InMemoryTriggerLedger } from '../detection/trigger-ledger';
import type { Registration } from '../intake/registration-schema';
import { InMemoryRegistrationStore } from '../intake/registration-store';
import { startBenchCaseServer } from './case-server';
import { type BenchFigure, figure, formatValue } from './figures';
import { inParallel, median, positiveIntegerArg, sleep } from './measure';

export interface DetectionDispatchOptions {
  /** Pupils per side and round, each opening one case. */
  pupils: number;
  /** Deliveries in flight at once, on both sides. */
  concurrency: number;
  /** Rounds of both sides; the figure is the median. */
  rounds: number;
  /** Run detection a second time with an empty ledger in the first round (the re-delivery check). */
  redelivery: boolean;
}

/** The phase as bench/main.ts would start it in a fresh process (bench/child.ts). */
export interface DetectionDispatchTask {
  role: 'detection-dispatch';
  options: DetectionDispatchOptions;
}

export const DEFAULT_DETECTION_DISPATCH_OPTIONS: DetectionDispatchOptions = {
  pupils: 1_000,
  concurrency: DEFAULT_DELIVERY_CONCURRENCY,
  rounds: 3,
  redelivery: true,
};

export const DETECTION_FIGURE = 'cases opened per second by detection';
export const RAW_BASELINE = 'raw signal-with-start (same concurrency)';
/** The target: detection at least 0.9× the raw rate. */
export const DETECTION_TARGET_RATIO = 0.9;

/** Whether every pupil of a side got exactly one case. */
export interface CaseCount {
  school: string;
  expected: number;
  /** Executions visibility lists for the school (each run of a case is one). */
  listed: number;
  /** Expected workflow ids listed exactly once. */
  once: number;
  /** Expected workflow ids not listed, and listed more than once. */
  missing: number;
  doubled: number;
  /** Listed executions of workflow ids no pupil of the side has. */
  unexpected: number;
  /** Distinct pupils whose case's memo names them. */
  pupils: number;
  ok: boolean;
}

export interface DetectionDispatchRound {
  round: number;
  first: 'detection' | 'raw';
  /** The whole detection run: registrations read, rules, every start accepted, ledger saved. */
  detectionSeconds: number;
  /** From the first delivery call to the last accepted: the delivery alone. */
  detectionDeliverySeconds: number;
  rawSeconds: number;
  detectionRate: number;
  detectionDeliveryRate: number;
  rawRate: number;
  /** Cases the detection run reported opened (must be N). */
  opened: number;
  detectionCases: CaseCount;
  rawCases: CaseCount;
}

export interface Redelivery {
  seconds: number;
  opened: number;
  signalled: number;
  cases: CaseCount;
}

export interface DetectionDispatchResult {
  figures: BenchFigure[];
  report: string;
  options: DetectionDispatchOptions;
  rounds: DetectionDispatchRound[];
  /** Detection's own time for N pupils with no server (the baseline's planning run), median over the rounds. */
  planningSeconds: number;
  redelivery?: Redelivery;
  /** Every count as it must be: N opened per round, one case per pupil, a re-delivery that opened nothing. */
  ok: boolean;
  /** The temp folders the run used (the server's database, the outbox, the key file), removed at its end. */
  tempDirs: string[];
}

const TASK_QUEUE = 'bench-detection-dispatch';
const PROCEDURE = 'tiltaksplan-elevfravaer';
/** The worker counts as quiet after this many polls in a row with nothing in flight. */
const QUIET_POLLS = 4;
const QUIET_POLL_MS = 250;
const QUIET_LIMIT_MS = 10 * 60_000;
const VISIBILITY_POLL_MS = 250;
const VISIBILITY_LIMIT_MS = 2 * 60_000;

/** Records the deliveries a detection run plans and answers as a server with no cases would: the plan, delivered nowhere. */
class PlanningDispatcher implements CaseDispatcher {
  readonly deliveries: CaseDelivery[] = [];

  async deliverTrigger(delivery: CaseDelivery): Promise<TriggerOutcome> {
    this.deliveries.push(delivery);
    return 'opened';
  }

  async deliverTrend(): Promise<TrendOutcome> {
    return 'no-open-case';
  }
}

/** A dispatcher that times the first call and the last accepted one. */
class TimedDispatcher implements CaseDispatcher {
  first = Number.POSITIVE_INFINITY;
  last = 0;

  constructor(private readonly inner: CaseDispatcher) {}

  async deliverTrigger(...args: Parameters<CaseDispatcher['deliverTrigger']>): Promise<TriggerOutcome> {
    this.first = Math.min(this.first, performance.now());
    const outcome = await this.inner.deliverTrigger(...args);
    this.last = Math.max(this.last, performance.now());
    return outcome;
  }

  deliverTrend(...args: Parameters<CaseDispatcher['deliverTrend']>): Promise<TrendOutcome> {
    return this.inner.deliverTrend(...args);
  }
}

/** A school of the bench, its pupils and their registrations: three whole days of notified absence before today. */
export interface BenchSchool {
  schoolId: string;
  pupilIds: string[];
  registrations: Registration[];
}

export function benchSchool(schoolId: string, pupils: number, days: readonly string[]): BenchSchool {
  const pupilIds = Array.from({ length: pupils }, (_, i) => `p${String(i + 1).padStart(5, '0')}`);
  const registrations = pupilIds.flatMap((pupilId, i) =>
    days.map((date): Registration => ({
      pupilId,
      schoolId,
      grade: 1 + (i % 10),
      date,
      wholeDay: true,
      valid: true,
      notifiedByGuardians: true,
      lateArrival: false,
      leftDuringDay: false,
      reasonCode: 'SYK',
    })),
  );
  return { schoolId, pupilIds, registrations };
}

/** The baseline's one call per trigger: signal-with-start through `CaseClient.openOrSignal`, no describe, no ledger. */
async function rawSignalWithStart(cases: CaseClient, delivery: CaseDelivery): Promise<void> {
  const { input, event } = delivery;
  await cases.openOrSignal(cases.workflowIdFor(input.facts.schoolId, input.facts.pupilId), input, event);
}

/** Waits until the worker has had nothing in flight for a few polls: the cases opened before have run their first tasks. */
async function workerQuiet(worker: Worker): Promise<void> {
  const started = performance.now();
  let quiet = 0;
  while (quiet < QUIET_POLLS) {
    if (performance.now() - started > QUIET_LIMIT_MS) {
      throw new Error(`the case worker was still busy after ${QUIET_LIMIT_MS / 60_000} minutes`);
    }
    const status = worker.getStatus();
    quiet = status.numInFlightWorkflowActivations === 0 && status.numInFlightActivities === 0 ? quiet + 1 : 0;
    await sleep(QUIET_POLL_MS);
  }
}

/** One case as visibility lists it: its workflow id and the pupil in its memo. */
export interface ListedCase {
  workflowId: string;
  pupilId: string | undefined;
}

/** Whether each of the school's pupils has exactly one case among `listed`; `expectedIds` maps each pupil's workflow id to the pupil. */
export function tallyCases(schoolId: string, expectedIds: ReadonlyMap<string, string>, listed: readonly ListedCase[]): CaseCount {
  const times = new Map<string, number>();
  for (const c of listed) times.set(c.workflowId, (times.get(c.workflowId) ?? 0) + 1);
  let once = 0;
  let missing = 0;
  let doubled = 0;
  for (const id of expectedIds.keys()) {
    const n = times.get(id) ?? 0;
    if (n === 1) once += 1;
    else if (n === 0) missing += 1;
    else doubled += 1;
  }
  const unexpected = listed.filter((c) => !expectedIds.has(c.workflowId)).length;
  const pupils = new Set(
    listed.flatMap((c) => (c.pupilId !== undefined && expectedIds.get(c.workflowId) === c.pupilId ? [c.pupilId] : [])),
  );
  const expected = expectedIds.size;
  return {
    school: schoolId,
    expected,
    listed: listed.length,
    once,
    missing,
    doubled,
    unexpected,
    pupils: pupils.size,
    ok: once === expected && listed.length === expected && unexpected === 0 && pupils.size === expected,
  };
}

/** Waits until visibility counts a case per pupil at the school (or a while has passed), then tallies them. */
export async function countCases(cases: CaseClient, school: BenchSchool): Promise<CaseCount> {
  const query = caseListQuery({ schoolId: school.schoolId }, new Date());
  const started = performance.now();
  while ((await cases.client.workflow.count(query)).count < school.pupilIds.length) {
    if (performance.now() - started > VISIBILITY_LIMIT_MS) break; // the missing ones show in the tally
    await sleep(VISIBILITY_POLL_MS);
  }
  const listed: ListedCase[] = [];
  for await (const wf of cases.list({ schoolId: school.schoolId })) listed.push({ workflowId: wf.workflowId, pupilId: pupilOfListed(wf) });
  // The ids the case client gives the pupils' cases (never computed here).
  const expectedIds = new Map(school.pupilIds.map((p) => [cases.workflowIdFor(school.schoolId, p), p]));
  return tallyCases(school.schoolId, expectedIds, listed);
}

/** One run of detection over the school's registrations with an empty (or the given) ledger. */
async function detectionRun(
  school: BenchSchool,
  directory: SchoolDirectory,
  dispatcher: CaseDispatcher,
  concurrency: number,
  today: string,
  ledger = new InMemoryTriggerLedger(),
): Promise<DetectionRunSummary> {
  const store = new InMemoryRegistrationStore();
  await store.upsert(school.registrations);
  return runDetection({ store, directory, ledger, dispatcher, today, schoolIds: [school.schoolId], deliveryConcurrency: concurrency });
}

export async function runDetectionDispatchBench(
  options: DetectionDispatchOptions,
  log: (line: string) => void = console.log,
): Promise<DetectionDispatchResult> {
  const n = (v: number) => v.toLocaleString('en-US');
  const bench = await startBenchCaseServer('bench-detection-dispatch', TASK_QUEUE);
  try {
    const { worker: w, cases: caseClient } = bench;
    const guarded = <T>(work: Promise<T>): Promise<T> => Promise.race([work, bench.workerFailed]);

    // A calendar around today; the three school days before today are every pupil's absence.
    const now = new Date();
    const today = osloDate(now);
    const year = Number(today.slice(0, 4));
    const calendarConfig = { municipality: 'Benchkommune', firstYear: year - 1, lastYear: year + 1 };
    const calendar = buildSchoolCalendar(calendarConfig);
    const days = [3, 2, 1].map((k) => calendar.nthSchoolDayBefore(today, k) as string);
    const schoolIds = [
      'warm_det',
      'warm_raw',
      ...Array.from({ length: options.rounds }, (_, r) => [`r${r + 1}_det`, `r${r + 1}_raw`]).flat(),
    ];
    const directory = buildSchoolDirectory({
      formatVersion: 1,
      municipalities: { bench: { name: 'Benchkommune', procedureId: PROCEDURE, calendar: calendarConfig } },
      schools: schoolIds.map((schoolId) => ({ schoolId, name: schoolId, municipality: 'bench' })),
    });

    /** Plans the side's deliveries with detection itself (no server), timed: detection's own share. */
    const plan = async (school: BenchSchool) => {
      const planner = new PlanningDispatcher();
      const t = performance.now();
      await detectionRun(school, directory, planner, options.concurrency, today);
      return { deliveries: planner.deliveries, seconds: (performance.now() - t) / 1000 };
    };
    const rawSide = async (deliveries: readonly CaseDelivery[]) => {
      await guarded(workerQuiet(w));
      const t = performance.now();
      await guarded(inParallel(deliveries.length, options.concurrency, (i) => rawSignalWithStart(caseClient, deliveries[i]!)));
      return (performance.now() - t) / 1000;
    };
    const detectionSide = async (school: BenchSchool) => {
      await guarded(workerQuiet(w));
      const timed = new TimedDispatcher(new TemporalCaseDispatcher(caseClient));
      const t = performance.now();
      const summary = await guarded(detectionRun(school, directory, timed, options.concurrency, today));
      return { seconds: (performance.now() - t) / 1000, deliverySeconds: (timed.last - timed.first) / 1000, summary };
    };

    // Warm-up: connections, the worker's bundle and both code paths, not counted.
    const warmPupils = Math.min(50, options.pupils);
    log(`warming up (${warmPupils} pupils each way) ...`);
    await detectionSide(benchSchool('warm_det', warmPupils, days));
    await rawSide((await plan(benchSchool('warm_raw', warmPupils, days))).deliveries);

    const rounds: DetectionDispatchRound[] = [];
    const planning: number[] = [];
    let redelivery: Redelivery | undefined;
    for (let r = 1; r <= options.rounds; r += 1) {
      const det = benchSchool(`r${r}_det`, options.pupils, days);
      const raw = benchSchool(`r${r}_raw`, options.pupils, days);
      const planned = await plan(raw);
      planning.push(planned.seconds);
      if (planned.deliveries.length !== options.pupils) {
        throw new Error(`detection planned ${planned.deliveries.length} openings for ${options.pupils} pupils`);
      }
      const first = r % 2 === 1 ? 'detection' : 'raw';
      let detection: Awaited<ReturnType<typeof detectionSide>>;
      let rawSeconds: number;
      if (first === 'detection') {
        detection = await detectionSide(det);
        rawSeconds = await rawSide(planned.deliveries);
      } else {
        rawSeconds = await rawSide(planned.deliveries);
        detection = await detectionSide(det);
      }
      const detectionCases = await countCases(caseClient, det);
      const rawCases = await countCases(caseClient, raw);
      const round: DetectionDispatchRound = {
        round: r,
        first,
        detectionSeconds: detection.seconds,
        detectionDeliverySeconds: detection.deliverySeconds,
        rawSeconds,
        detectionRate: options.pupils / detection.seconds,
        detectionDeliveryRate: options.pupils / detection.deliverySeconds,
        rawRate: options.pupils / rawSeconds,
        opened: detection.summary.opened,
        detectionCases,
        rawCases,
      };
      rounds.push(round);
      log(
        `round ${r} (${first} first): detection ${formatValue(round.detectionRate)} cases/s ` +
          `(delivery alone ${formatValue(round.detectionDeliveryRate)}), raw signal-with-start ${formatValue(round.rawRate)} cases/s; ` +
          `one case per pupil: ${detectionCases.ok && rawCases.ok ? 'yes' : 'NO'}`,
      );

      if (r === 1 && options.redelivery) {
        // As after a crash that lost the ledger: every trigger goes again; the cases take none twice.
        await guarded(workerQuiet(w));
        const t = performance.now();
        const again = await guarded(detectionRun(det, directory, new TemporalCaseDispatcher(caseClient), options.concurrency, today));
        redelivery = {
          seconds: (performance.now() - t) / 1000,
          opened: again.opened,
          signalled: again.signalled,
          cases: await countCases(caseClient, det),
        };
        log(
          `re-delivery with an empty ledger: ${n(again.opened)} opened, ${n(again.signalled)} signalled, one case per pupil: ${redelivery.cases.ok ? 'yes' : 'NO'}`,
        );
      }
    }

    const detectionRate = median(rounds.map((r) => r.detectionRate));
    const rawRate = median(rounds.map((r) => r.rawRate));
    const figures = [
      figure(
        'detection',
        DETECTION_FIGURE,
        'cases/s',
        detectionRate,
        { name: RAW_BASELINE, value: rawRate },
        { kind: 'ratio-at-least', limit: DETECTION_TARGET_RATIO },
      ),
    ];
    const ok =
      rounds.every((r) => r.opened === options.pupils && r.detectionCases.ok && r.rawCases.ok) &&
      (redelivery === undefined || (redelivery.opened === 0 && redelivery.signalled === options.pupils && redelivery.cases.ok));
    const result: Omit<DetectionDispatchResult, 'report'> = {
      figures,
      options,
      rounds,
      planningSeconds: median(planning),
      ...(redelivery ? { redelivery } : {}),
      ok,
      tempDirs: bench.tempDirs,
    };
    return { ...result, report: detectionDispatchReport(result) };
  } finally {
    await bench.close();
  }
}

/** The rounds as a plain text table, the medians and the accounting. */
export function detectionDispatchReport(result: Omit<DetectionDispatchResult, 'report'>): string {
  const { options, rounds } = result;
  const n = (v: number) => v.toLocaleString('en-US');
  const s = (v: number) => v.toFixed(2);
  const header = [
    'round',
    'first',
    'detection s',
    'detection cases/s',
    'delivery alone cases/s',
    'raw s',
    'raw cases/s',
    'ratio',
    'one case per pupil',
  ];
  const rows = rounds.map((r) => [
    String(r.round),
    r.first,
    s(r.detectionSeconds),
    formatValue(r.detectionRate),
    formatValue(r.detectionDeliveryRate),
    s(r.rawSeconds),
    formatValue(r.rawRate),
    `${(r.detectionRate / r.rawRate).toFixed(2)}×`,
    r.detectionCases.ok && r.rawCases.ok && r.opened === options.pupils ? 'yes' : 'NO',
  ]);
  const med = (pick: (r: DetectionDispatchRound) => number) => median(rounds.map(pick));
  rows.push([
    'median',
    '',
    s(med((r) => r.detectionSeconds)),
    formatValue(med((r) => r.detectionRate)),
    formatValue(med((r) => r.detectionDeliveryRate)),
    s(med((r) => r.rawSeconds)),
    formatValue(med((r) => r.rawRate)),
    `${(med((r) => r.detectionRate) / med((r) => r.rawRate)).toFixed(2)}×`,
    '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const bad = rounds.flatMap((r) => [r.detectionCases, r.rawCases]).filter((c) => !c.ok);
  const re = result.redelivery;
  return [
    '',
    `Detection delivery (one case worker on loopback, ${n(options.pupils)} pupils per side and round, ${options.concurrency} in flight, ${rounds.length} rounds):`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    `  detection = runDetection through TemporalCaseDispatcher, whole run; delivery alone = its first call to its last accepted start;`,
    `  raw = client.workflow.signalWithStart of caseWorkflow with the same input, event, search attributes and memo.`,
    `  detection's own time for ${n(options.pupils)} pupils without a server: ${(result.planningSeconds * 1000).toFixed(0)} ms (median)`,
    ...(re
      ? [
          `  re-delivery with an empty ledger (round 1): ${n(re.opened)} opened, ${n(re.signalled)} signalled in ${s(re.seconds)} s; ` +
            `cases listed ${n(re.cases.listed)}, each pupil once: ${re.cases.ok ? 'yes' : 'NO'}`,
        ]
      : []),
    ...bad.map(
      (c) =>
        `  school ${c.school}: ${n(c.listed)} listed for ${n(c.expected)} pupils, ${n(c.once)} once, ${n(c.missing)} missing, ` +
        `${n(c.doubled)} doubled, ${n(c.unexpected)} unexpected, ${n(c.pupils)} pupils in the memos`,
    ),
    result.ok ? '  accounting: every pupil of every side has exactly one case' : '  accounting: WRONG (see above)',
  ].join('\n');
}

/** `--pupils N --concurrency C --rounds R --no-redelivery --json FILE`; throws on what it does not know. */
export function parseDetectionDispatchArgs(argv: readonly string[]): DetectionDispatchOptions & { json?: string } {
  const options: DetectionDispatchOptions & { json?: string } = { ...DEFAULT_DETECTION_DISPATCH_OPTIONS };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const value = (): number => positiveIntegerArg(arg, argv[++i]);
    if (arg === '--pupils') options.pupils = value();
    else if (arg === '--concurrency') options.concurrency = value();
    else if (arg === '--rounds') options.rounds = value();
    else if (arg === '--no-redelivery') options.redelivery = false;
    else if (arg === '--json') options.json = argv[++i];
    else throw new Error(`unknown option ${arg} (see the comment at the top of bench/detection-dispatch.ts)`);
  }
  return options;
}

if (require.main === module) {
  void (async () => {
    const { json, ...options } = parseDetectionDispatchArgs(process.argv.slice(2));
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const result = await runDetectionDispatchBench(options);
    console.log(result.report);
    if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
    if (!result.ok) process.exitCode = 1;
  })().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  });
}
