/**
 * `npm run audit`: audits every registered procedure (or one, `--procedure <id>`): generates
 * paths through its machine, measures state and transition coverage, checks the invariants on
 * every path and that every deadline is started and fires, replays every path against the real
 * case workflow on the time-skipping server, and runs the mutation check (faults put into copies
 * of the machine must be caught by an invariant or by conformance). Writes
 * `reports/audit/audit.json` (schema: README.md, section Audit) and `reports/audit/index.html`.
 *
 * Exit codes: 0 all checks passed; 1 a check failed (an invariant, a replay, coverage below
 * 100 %, a deadline never fired, a surviving mutant) or the audit itself failed; 2 bad arguments.
 */
import { EXIT } from '../app/exit-codes';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { procedureDot, renderSvg } from '../diagrams';
import { type ProcedureDefinition, type ProcedureRegistry, procedureRegistry } from '../machines/registry';
import { runCaseAuditCli } from '../cli/case-audit';
import { PROJECT_ROOT } from '../scripts/lib/tools';
import { type ConformanceOptions, ConformanceRunner } from './conformance';
import { checkDeadlineCoverage, checkInvariants } from './invariants';
import { runMutationCheck } from './mutations';
import { coverage, generatePathsWithStats } from './paths';
import { type AuditReport, type ProcedureAuditResult, buildAuditReport, renderAuditHtml } from './report';
import type { AuditPath, ConformanceResult, InvariantResult, MutationOutcome, MutationVerdict } from './types';

export const DEFAULT_OUT_DIR = join(PROJECT_ROOT, 'reports', 'audit');

export interface AuditOptions {
  /** Only this procedure id (newest version); default every registered procedure version. */
  procedure?: string;
  outDir?: string;
  /** Run the mutation check (default true). */
  mutations?: boolean;
  /** Paths replayed at once on the time-skipping server (default 12). */
  concurrency?: number;
  /**
   * At most this many of a mutant's paths are replayed against the workflow; only paths that
   * differ from the original procedure's (which all replayed cleanly) can reveal the mutant.
   */
  mutantPathLimit?: number;
  /** Progress lines (Norwegian); default console.log. */
  log?: (line: string) => void;
  /** Replay progress is printed every this many paths (default 20). */
  progressEvery?: number;
  /** The procedures to audit; default the system's. */
  registry?: ProcedureRegistry;
  /** How the replay's workflow bundle differs from the worker's (a test's own procedure); default not at all. */
  conformance?: ConformanceOptions;
}

export interface AuditRun {
  report: AuditReport;
  jsonPath: string;
  htmlPath: string;
}

const seconds = (ms: number) => `${(ms / 1000).toLocaleString('nb-NO', { maximumFractionDigits: 1 })} s`;

/** What a replay depends on: the opening and the steps, not the path's id or purpose. */
function pathSignature(path: AuditPath): string {
  return JSON.stringify({ facts: path.facts, policy: path.policyOverrides ?? null, initial: path.initial, steps: path.steps });
}

async function timed<T>(durations: Record<string, number>, phase: string, work: () => T | Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    durations[phase] = Date.now() - started;
  }
}

async function auditProcedure(
  procedure: ProcedureDefinition,
  position: string,
  runner: ConformanceRunner,
  options: Required<Pick<AuditOptions, 'mutations' | 'concurrency' | 'mutantPathLimit' | 'progressEvery'>> & {
    log: (line: string) => void;
  },
): Promise<ProcedureAuditResult> {
  const { log } = options;
  const durations: Record<string, number> = {};
  log(`[${position}] ${procedure.displayName} (${procedure.id}, versjon ${procedure.version})`);

  const generated = await timed(durations, 'paths', () => generatePathsWithStats(procedure));
  const { paths } = generated;
  log(`  stier: ${paths.length} stier med ${paths.reduce((n, p) => n + p.steps.length, 0)} steg (${seconds(durations.paths!)})`);

  const cover = await timed(durations, 'coverage', () => coverage(procedure, paths));
  log(
    `  dekning: ${cover.states.covered}/${cover.states.total} tilstander, ${cover.transitions.covered}/${cover.transitions.total} overganger`,
  );

  const invariants = await timed(durations, 'invariants', () => new Map(paths.map((p) => [p.id, checkInvariants(p, procedure)] as const)));
  const broken = [...invariants.values()].flat().filter((r) => !r.passed).length;
  const deadlineCoverage: InvariantResult[] = await timed(durations, 'deadlines', () => checkDeadlineCoverage(procedure, paths));
  log(
    `  invarianter: ${broken === 0 ? 'ingen brudd' : `${broken} brudd`}; frister: ${deadlineCoverage.filter((d) => d.passed).length}/${deadlineCoverage.length} settes og løper ut`,
  );

  let failedReplays = 0;
  const replayed = await timed(durations, 'conformance', () =>
    runner.run(paths, {
      concurrency: options.concurrency,
      onProgress: (done, total, result) => {
        if (!result.passed) failedReplays += 1;
        if (done % options.progressEvery === 0 || done === total) {
          log(`  avspilling mot arbeidsflyten: ${done}/${total} stier${failedReplays ? ` (${failedReplays} avvik)` : ''}`);
        }
      },
    }),
  );
  const conformance = new Map<string, ConformanceResult>(replayed.map((r) => [r.pathId, r]));
  log(`  avspilling: ${replayed.filter((r) => r.passed).length}/${replayed.length} like modellen (${seconds(durations.conformance!)})`);
  for (const failure of replayed.filter((r) => !r.passed)) log(`    ✘ ${failure.pathId}: ${failure.message}`);

  let mutations: MutationOutcome[] | undefined;
  if (options.mutations) {
    // Only paths that differ from an original path that replayed cleanly can show a mutant.
    const clean = new Set(paths.filter((p) => conformance.get(p.id)?.passed).map(pathSignature));
    let replayedMutantPaths = 0;
    log('  mutasjonstest: alle operatorer på alle steder, avgjort på modellens graf der det går …');
    // The mismatch behind each "true", in call order (the check runs one mutant at a time).
    const findings: string[] = [];
    const outcomes = await timed(durations, 'mutations', () =>
      runMutationCheck(procedure, {
        originalPaths: paths,
        graphs: generated.graphs,
        // Only for a mutant neither the original's paths nor its graph decide: its own paths on the real workflow.
        conformance: async (mutantPaths) => {
          const candidates = mutantPaths.filter((p) => !clean.has(pathSignature(p))).slice(0, options.mutantPathLimit);
          // Small batches: the first mismatch settles it, so the rest need not run.
          for (let i = 0; i < candidates.length; i += options.concurrency) {
            const batch = candidates.slice(i, i + options.concurrency);
            replayedMutantPaths += batch.length;
            const mismatch = (await runner.run(batch, { concurrency: options.concurrency })).find((r) => !r.passed);
            if (mismatch) {
              findings.push(`${mismatch.pathId}: ${mismatch.message}`);
              return true;
            }
          }
          return false;
        },
      }),
    );
    mutations = outcomes.map((outcome) =>
      outcome.verdict === 'conformance-temporal' && findings.length > 0
        ? { ...outcome, detail: `Avspilling mot arbeidsflyten avvek: ${findings.shift()}` }
        : outcome,
    );
    const count = (verdict: MutationVerdict) => (mutations ?? []).filter((m) => m.verdict === verdict).length;
    log(
      `  mutasjonstest: ${mutations.length} mutanter: ${count('invariant')} fanget av invarianter, ` +
        `${count('conformance-graph')} av avspilling på grafen, ${count('conformance-temporal')} på testserveren, ` +
        `${count('equivalent')} ekvivalente, ${count('survived')} overlevde; ${replayedMutantPaths} mutantstier spilt av mot arbeidsflyten (${seconds(durations.mutations!)})`,
    );
    for (const survivor of mutations.filter((m) => m.verdict === 'survived')) log(`    ✘ overlevde: ${survivor.description}`);
  }

  return {
    procedure,
    paths,
    coverage: cover,
    invariants,
    conformance,
    deadlineCoverage,
    ...(mutations ? { mutations } : {}),
    durationsMs: durations,
  };
}

/** Runs the audit and writes the JSON and HTML reports. Throws only when the audit itself cannot run. */
export async function runAudit(options: AuditOptions = {}): Promise<AuditRun> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const registry = options.registry ?? procedureRegistry;
  const procedures = options.procedure ? [registry.get(options.procedure)] : [...registry.current()];
  const settings = {
    mutations: options.mutations ?? true,
    // 12 paths at a time halves the replay against 4 on two cores (the server mostly waits for
    // the paths' timers and queries); the per-path time limits stay far above what a path takes.
    concurrency: options.concurrency ?? 12,
    mutantPathLimit: options.mutantPathLimit ?? 12,
    progressEvery: options.progressEvery ?? 20,
    log,
  };
  const outDir = resolve(options.outDir ?? DEFAULT_OUT_DIR);

  log(
    `Revisjon av ${procedures.length} ${procedures.length === 1 ? 'rutine' : 'rutiner'}${settings.mutations ? '' : ' (uten mutasjonstest)'}`,
  );
  const results: ProcedureAuditResult[] = [];
  const svgs = new Map<string, string>();
  for (const [i, procedure] of procedures.entries()) {
    // A test server of its own per procedure: cases left open by earlier procedures' paths and
    // mutants kept the shared clock from moving (the whole audit stalled in its last procedure,
    // which passes on a fresh server).
    const runner = await ConformanceRunner.create(options.conformance);
    try {
      results.push(await auditProcedure(procedure, `${i + 1}/${procedures.length}`, runner, settings));
    } finally {
      await runner.teardown();
    }
    try {
      svgs.set(procedure.id, await renderSvg(procedureDot(procedure)));
    } catch (err) {
      log(`  diagrammet kunne ikke tegnes: ${(err as Error).message}`);
    }
  }

  const report = buildAuditReport(results, { durationMs: Date.now() - started, conformance: true, mutations: settings.mutations });
  mkdirSync(outDir, { recursive: true });
  const jsonPath = join(outDir, 'audit.json');
  const htmlPath = join(outDir, 'index.html');
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(htmlPath, renderAuditHtml(report, svgs));
  return { report, jsonPath, htmlPath };
}

/** The closing summary, one line per procedure and the verdict. */
export function summaryLines(run: AuditRun): string[] {
  const { report } = run;
  const lines = ['', 'Sammendrag:'];
  for (const p of report.procedures) {
    const conformed = p.paths.filter((x) => x.conformance?.passed).length;
    const mutation = p.mutations.ran
      ? `, mutanter ${p.mutations.killed}/${p.mutations.total - p.mutations.equivalent} (${p.mutations.equivalent} ekvivalente)`
      : '';
    lines.push(
      `  ${p.passed ? '✔' : '✘'} ${p.id}: ${p.counts.paths} stier, tilstander ${p.coverage.states.percent} %, overganger ${p.coverage.transitions.percent} %, ` +
        `arbeidsflyt ${conformed}/${p.counts.paths}${mutation}${p.passed ? '' : ` — ${p.failures.join('; ')}`}`,
    );
  }
  const shown = (path: string) => relative(process.cwd(), path) || path;
  lines.push(`Rapport: ${shown(run.htmlPath)} og ${shown(run.jsonPath)} (${seconds(report.summary.durationMs)})`);
  lines.push(report.passed ? 'Revisjonen er bestått.' : 'Revisjonen fant feil.');
  return lines;
}

export const USAGE = `Bruk: npm run audit -- [--procedure <id>] [--out <mappe>] [--skip-mutations] [--concurrency <n>]
       npm run audit -- --cases [--school SKOLE] [--from DATO] [--to DATO] …   (de virkelige sakene; --cases --help)

  --procedure <id>   revider bare denne rutinen (nyeste versjon)
  --out <mappe>      hvor rapporten skrives (standard reports/audit)
  --skip-mutations   hopp over mutasjonstesten (raskere)
  --concurrency <n>  stier som spilles av samtidig på testserveren (standard 12)

Avslutningskoder (felles for alle kommandoene, se README): 0 bestått, 1 revisjonen kunne ikke kjøres,
2 ugyldige argumenter, 9 revisjonen fant feil.`;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses the command line; throws UsageError (Norwegian) for anything it does not know. */
export function parseAuditArgs(argv: readonly string[]): AuditOptions & { help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        procedure: { type: 'string' },
        out: { type: 'string' },
        'skip-mutations': { type: 'boolean', default: false },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    const { code, message } = err as { code?: string; message: string };
    const option = /'([^']+)'/.exec(message)?.[1];
    throw new UsageError(
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `Ukjent valg «${option ?? message}»`
        : code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL'
          ? `Uventet argument «${option ?? message}»`
          : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
            ? `Valget mangler en verdi eller har feil verdi: ${message}`
            : `Ugyldige argumenter: ${message}`,
    );
  }
  const { values } = parsed;
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)) {
    throw new UsageError(`--concurrency må være et heltall fra 1 til 16, ikke «${values.concurrency}»`);
  }
  if (values.procedure !== undefined && !procedureRegistry.has(values.procedure)) {
    throw new UsageError(`Ukjent rutine «${values.procedure}». Kjente: ${procedureRegistry.ids().join(', ')}`);
  }
  return {
    help: values.help,
    mutations: !values['skip-mutations'],
    ...(values.procedure !== undefined ? { procedure: values.procedure } : {}),
    ...(values.out !== undefined ? { outDir: values.out } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
  };
}

async function main(): Promise<void> {
  // `--cases`: the audit of the cases that really ran (case-audit/), not of the model.
  if (process.argv.slice(2).includes('--cases')) {
    process.exit(await runCaseAuditCli(process.argv.slice(2)));
  }
  let options;
  try {
    options = parseAuditArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    process.exit(EXIT.usage);
  }
  if (options.help) {
    console.log(USAGE);
    return;
  }
  // The Temporal runtime (its native core included) logs only errors, so the progress lines stay readable.
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
  const run = await runAudit(options);
  for (const line of summaryLines(run)) console.log(line);
  process.exit(run.report.passed ? EXIT.ok : EXIT.checkFailed);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`Revisjonen kunne ikke kjøres: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(EXIT.internalError);
  });
}
