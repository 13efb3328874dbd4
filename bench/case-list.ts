/**
 * The «Saker» page's response time with many open cases (issue «Done when»: median and 95th
 * percentile with 10 000 open cases), beside the raw visibility listing of the same query.
 *
 * Starts a Temporal dev server, opens N cases WITHOUT a worker (each execution is started on a
 * task queue nothing polls, with every case search attribute given at start), builds the web
 * application in this process exactly as web/main.ts does (composeWebDependencies over a
 * migrated SQLite database, the school directory, pupils in the people directory for the names),
 * signs in through the real form and times `GET /saker` variants through `app.inject`. Every
 * timed page request is paired with the raw listing of the same visibility query
 * (`client.workflow.list`, every row collected): the ratio is what the web layer adds (reading
 * search attributes into rows, the in-memory sort, paging, name lookup, HTML).
 *
 * Usage: `npm run bench -- --phases case-list [--open-cases N]` or, alone,
 * `node --import tsx bench/case-list.ts [--cases N] [--requests R] [--json FILE]`. See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { CaseClient, caseListQuery } from '../app/case-client';
import { type AppDatabase, openMigratedDatabase } from '../app/database/database';
import { loadSchoolDirectory } from '../detection/school-directory';
import type { PublicStage } from '../machines/meta';
import { SqlPeopleDirectory } from '../people/people-store';
import { type DevServer, startDevServer } from '../scripts/lib/dev-server';
import { freePort } from '../scripts/lib/free-port';
import { PROJECT_ROOT } from '../scripts/lib/tools';
import { caseScope } from '../web/case-access';
import { type ListFilters, scopedFilter } from '../web/case-list';
import { composeWebDependencies } from '../web/compose';
import { type WebApp, buildWebServer } from '../web/server';
import type { WebUserRecord } from '../web/users/user-store';
import { CaseIds } from '../app/case-ids';
import type { CaseWorkflowInput } from '../workflows/case-messages';
import {
  CaseOpenedAt,
  CaseStage,
  CaseStatus,
  DeadlineOverdue,
  NextDeadline,
  OverdueSince,
  ProcedureId,
  SchoolId,
  caseSearchAttributes,
} from '../workflows/search-attributes';
import { table } from './main';
import { inParallel, median, sleep } from './measure';

export interface CaseListBenchOptions {
  /** Open cases in visibility. */
  cases: number;
  /** Timed requests per variant (each paired with one raw listing). */
  requests: number;
  /** Untimed requests per variant first (JIT, caches, connection). */
  warmups: number;
  /** Workflow starts in flight at once. */
  concurrency: number;
  /** Seed of the generated attributes (same seed, same cases). */
  seed: number;
}

/** The phase as bench/main.ts starts it in a fresh process (bench/child.ts). */
export interface CaseListTask {
  role: 'case-list';
  options: CaseListBenchOptions;
}

export const DEFAULT_CASE_LIST_OPTIONS: CaseListBenchOptions = { cases: 10_000, requests: 30, warmups: 3, concurrency: 32, seed: 1 };

/** One timed page variant and its baseline. */
export interface CaseListFigure {
  /** e.g. `GET /saker?forfalt=ja (administrator)`. */
  figure: string;
  username: string;
  url: string;
  /** Cases the query matches (the page's «(N saker)» and the raw listing's rows; they must agree). */
  matched: number;
  medianMs: number;
  p95Ms: number;
  baselineMedianMs: number;
  baselineP95Ms: number;
  /** medianMs / baselineMedianMs: how many times the raw listing the page takes. */
  ratio: number;
}

export interface CaseListResult {
  options: CaseListBenchOptions;
  /** Seconds to start the N executions and see them all in visibility. */
  openSeconds: number;
  overdueCases: number;
  figures: CaseListFigure[];
}

/** The bench's own id key: the cases it starts and the case client that lists them must agree. */
const BENCH_CASE_IDS = new CaseIds(randomBytes(32));

/** The p-th percentile (0–100), nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

/** mulberry32: a small seeded generator, so a run's cases can be made again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY_MS = 86_400_000;
const OPEN_STAGES: readonly PublicStage[] = ['identification', 'measures', 'evaluation', 'escalated', 'monitoring'];
/** Share of cases whose deadline has passed. */
const OVERDUE_SHARE = 0.15;
/** The case list's page 200 (cases 4 976–5 000 with 25 a page): deep paging over the whole sort. */
const DEEP_PAGE = 200;
/** Cases per page of «Saker» (web/routes/case-routes.ts). */
const PAGE_SIZE = 25;
/** A workflow task queue no worker polls: the cases never run, their start attributes stay as given. */
const UNPOLLED_TASK_QUEUE = 'bench-case-list-no-worker';
/** The municipality whose coordinator is measured (5 of the 20 schools in config/schools.json). */
const COORDINATOR_MUNICIPALITY = 'tiltaksplan';
const PASSWORD = 'bench-passord-123';

export interface GeneratedCase {
  input: CaseWorkflowInput;
  workflowId: string;
  attributes: SearchAttributePair[];
  overdue: boolean;
}

/**
 * The i-th case: school i mod the directory's schools, the school's procedure, an open stage, a
 * next deadline within 60 days ahead, or for OVERDUE_SHARE of the cases up to 60 days behind
 * (overdue since then), opened up to 180 days back.
 */
export function generateCase(
  i: number,
  schoolIds: readonly string[],
  procedureOf: (schoolId: string) => string,
  next: () => number,
  now: Date,
): GeneratedCase {
  const schoolId = schoolIds[i % schoolIds.length]!;
  const pupilId = `B${i + 1}`;
  const procedureId = procedureOf(schoolId);
  const overdue = next() < OVERDUE_SHARE;
  const deadline = new Date(now.getTime() + (overdue ? -1 : 1) * Math.ceil(next() * 60 * DAY_MS));
  const openedAt = new Date(now.getTime() - Math.ceil(next() * 180 * DAY_MS));
  const stage = OPEN_STAGES[Math.floor(next() * OPEN_STAGES.length)]!;
  const input: CaseWorkflowInput = {
    procedureId,
    facts: {
      caseId: `bench-${schoolId}-${pupilId}`,
      pupilId,
      schoolId,
      grade: 1 + (i % 10),
      openedAt: openedAt.toISOString(),
      trigger: { rule: 'unnotified-absence', dates: [openedAt.toISOString().slice(0, 10)] },
    },
  };
  // Everything the case workflow keeps current (workflows/case-workflow.ts), set at start: no
  // worker ever runs these executions, and the case list reads visibility only, never the case.
  const attributes: SearchAttributePair[] = [
    { key: SchoolId, value: schoolId },
    { key: ProcedureId, value: procedureId },
    { key: CaseStage, value: stage },
    { key: CaseStatus, value: 'open' },
    { key: NextDeadline, value: deadline },
    { key: DeadlineOverdue, value: overdue },
    { key: CaseOpenedAt, value: openedAt },
    ...(overdue ? [{ key: OverdueSince, value: deadline }] : []),
  ];
  return { input, workflowId: BENCH_CASE_IDS.workflowId(schoolId, pupilId), attributes, overdue };
}

/** A signed-in person's cookie jar for `app.inject` (the session cookie is resealed on every response). */
class BenchSession {
  private cookies = new Map<string, string>();

  constructor(
    private readonly app: WebApp,
    private readonly remoteAddress: string,
  ) {}

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>) {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await this.app.inject({
      method,
      url,
      headers,
      remoteAddress: this.remoteAddress,
      ...(form ? { payload: new URLSearchParams(form).toString() } : {}),
    });
    for (const c of response.cookies as { name: string; value: string }[]) this.cookies.set(c.name, c.value);
    return response;
  }

  /** GET /logg-inn for the CSRF token and cookie, then POST the form. */
  async signIn(username: string): Promise<void> {
    const form = await this.request('GET', '/logg-inn');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
    if (!csrf) throw new Error('the sign-in page has no CSRF token');
    const r = await this.request('POST', '/logg-inn', { _csrf: csrf, brukernavn: username, passord: PASSWORD });
    if (r.statusCode !== 303) throw new Error(`signing in as ${username} answered ${r.statusCode}: ${r.body.slice(0, 200)}`);
  }
}

/** A pupil's name in the people directory: the page shows it only when its name lookup found it. */
const pupilName = (pupilId: string) => `Testelev ${pupilId}`;

/**
 * What a «Saker» page shows: the total in the table's caption («sortert etter frist (N)», or 0 for
 * «Ingen saker passer») and how many rows carry a name from the people directory.
 */
export function shownOnPage(body: string): { total: number; namedRows: number } {
  const namedRows = body.split('>Testelev ').length - 1;
  const m = /sortert etter frist \((\d+)\)/.exec(body);
  if (m) return { total: Number(m[1]), namedRows };
  if (body.includes('Ingen saker passer')) return { total: 0, namedRows };
  throw new Error(`the «Saker» page shows no case count: ${body.slice(0, 300)}`);
}

/** Rows on 1-based page `requested` of `total` (the page clamps it, as web/case-list.ts pageOf). */
export function rowsOnPage(total: number, requested: number, size = PAGE_SIZE): number {
  const pages = Math.max(1, Math.ceil(total / size));
  const page = Math.min(Math.max(1, requested), pages);
  return Math.max(0, Math.min(size, total - (page - 1) * size));
}

interface Variant {
  username: 'administrator' | 'koordinator';
  url: string;
  page: number;
  filters: ListFilters;
}

const VARIANTS: readonly Variant[] = [
  { username: 'administrator', url: '/saker', page: 1, filters: {} },
  { username: 'administrator', url: '/saker?forfalt=ja', page: 1, filters: { overdue: true } },
  { username: 'administrator', url: `/saker?side=${DEEP_PAGE}`, page: DEEP_PAGE, filters: {} },
  { username: 'koordinator', url: '/saker', page: 1, filters: {} },
];

export async function runCaseListBench(options: CaseListBenchOptions, log: (line: string) => void = console.log): Promise<CaseListResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-case-list-'));
  // The server's SQLite file in memory where there is a tmpfs: on disk its writes limit how fast
  // thousands of executions start (as in bench/cases-in-worker.ts).
  const serverDir = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/bench-case-list-') : dir;
  let server: DevServer | undefined;
  let connection: Connection | undefined;
  let database: AppDatabase | undefined;
  let app: WebApp | undefined;
  try {
    server = await startDevServer({
      dbFile: join(serverDir, 'temporal.sqlite'),
      port: await freePort(),
      logFile: join(dir, 'temporal.log'),
      searchAttributes: caseSearchAttributes,
    });
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const schools = await loadSchoolDirectory(join(PROJECT_ROOT, 'config', 'schools.json'));
    const schoolIds = schools.schoolIds();
    const procedureOf = (schoolId: string) => schools.get(schoolId)!.procedureId;

    const now = new Date();
    const next = random(options.seed);
    const cases = Array.from({ length: options.cases }, (_, i) => generateCase(i, schoolIds, procedureOf, next, now));
    const overdueCases = cases.filter((c) => c.overdue).length;

    log(`opening ${options.cases.toLocaleString('en-US')} cases (no worker, ${options.concurrency} starts in flight) ...`);
    const started = performance.now();
    let lastReport = started;
    let startedCount = 0;
    await inParallel(cases.length, options.concurrency, async (i) => {
      const c = cases[i]!;
      await client.workflow.start('caseWorkflow', {
        taskQueue: UNPOLLED_TASK_QUEUE,
        workflowId: c.workflowId,
        args: [c.input],
        typedSearchAttributes: c.attributes,
        memo: { pupilId: c.input.facts.pupilId },
      });
      startedCount += 1;
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        log(`  ${startedCount.toLocaleString('en-US')} started (${((lastReport - started) / 1000).toFixed(0)} s)`);
      }
    });
    const everyCase = caseListQuery({}, now);
    for (let seen = -1; seen !== options.cases;) {
      seen = (await client.workflow.count(everyCase)).count;
      if (seen !== options.cases) await sleep(250);
    }
    const openSeconds = (performance.now() - started) / 1000;
    log(
      `${options.cases.toLocaleString('en-US')} cases in visibility after ${openSeconds.toFixed(1)} s (${overdueCases.toLocaleString('en-US')} overdue)`,
    );

    database = await openMigratedDatabase(`sqlite:${join(dir, 'skolefravaer.sqlite')}`);
    // The pupils, so the page's name lookup finds every name it asks for, as in a school.
    await new SqlPeopleDirectory(database).importBatch({
      pupils: cases.map((c) => ({
        schoolId: c.input.facts.schoolId,
        pupilId: c.input.facts.pupilId,
        name: pupilName(c.input.facts.pupilId),
        grade: c.input.facts.grade,
      })),
      guardians: [],
      guardianLinks: [],
      staff: [],
      staffRoles: [],
    });
    const deps = composeWebDependencies({
      cases: new CaseClient(client, UNPOLLED_TASK_QUEUE, BENCH_CASE_IDS),
      database,
      archiveDir: join(dir, 'arkiv'),
      schools,
    });
    const users: Record<Variant['username'], WebUserRecord> = {
      administrator: await deps.userStore.create({
        username: 'administrator',
        displayName: 'Ada Administrator',
        role: 'administrator',
        password: PASSWORD,
      }),
      koordinator: await deps.userStore.create({
        username: 'koordinator',
        displayName: 'Kim Koordinator',
        role: 'coordinator',
        municipalityId: COORDINATOR_MUNICIPALITY,
        password: PASSWORD,
      }),
    };
    app = await buildWebServer(deps, { sessionKey: randomBytes(32), secureCookies: false });
    const sessions = new Map<string, BenchSession>();
    for (const [i, username] of (['administrator', 'koordinator'] as const).entries()) {
      const session = new BenchSession(app, `10.9.0.${i + 1}`);
      await session.signIn(username);
      sessions.set(username, session);
    }

    const figures: CaseListFigure[] = [];
    for (const variant of VARIANTS) {
      const session = sessions.get(variant.username)!;
      const filter = scopedFilter(await caseScope(users[variant.username], schools, deps.directory), variant.filters);
      if (!filter) throw new Error(`${variant.username} sees no cases`);
      const query = caseListQuery(filter, now);
      const page = async (): Promise<number> => {
        const r = await session.request('GET', variant.url);
        if (r.statusCode !== 200)
          throw new Error(`GET ${variant.url} as ${variant.username} answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
        const shown = shownOnPage(r.body);
        if (shown.namedRows !== rowsOnPage(shown.total, variant.page)) {
          throw new Error(`GET ${variant.url} as ${variant.username} shows ${shown.namedRows} named rows of ${shown.total} cases`);
        }
        return shown.total;
      };
      const listing = async (): Promise<number> => {
        const rows = [];
        for await (const wf of client.workflow.list({ query })) rows.push(wf);
        return rows.length;
      };
      for (let i = 0; i < options.warmups; i += 1) {
        await page();
        await listing();
      }
      const pageMs: number[] = [];
      const listingMs: number[] = [];
      let matched = -1;
      // Alternating page and listing, so a busy moment on a shared machine weighs on both alike.
      for (let i = 0; i < options.requests; i += 1) {
        let t = performance.now();
        const shown = await page();
        pageMs.push(performance.now() - t);
        t = performance.now();
        const listed = await listing();
        listingMs.push(performance.now() - t);
        if (shown !== listed) throw new Error(`GET ${variant.url} as ${variant.username} shows ${shown} cases, the listing has ${listed}`);
        matched = listed;
      }
      const figure: CaseListFigure = {
        figure: `GET ${variant.url} (${variant.username})`,
        username: variant.username,
        url: variant.url,
        matched,
        medianMs: median(pageMs),
        p95Ms: percentile(pageMs, 95),
        baselineMedianMs: median(listingMs),
        baselineP95Ms: percentile(listingMs, 95),
        ratio: median(pageMs) / median(listingMs),
      };
      log(
        `${figure.figure}: ${matched.toLocaleString('en-US')} cases, median ${figure.medianMs.toFixed(0)} ms, p95 ${figure.p95Ms.toFixed(0)} ms; ` +
          `raw listing median ${figure.baselineMedianMs.toFixed(0)} ms (${figure.ratio.toFixed(2)}×)`,
      );
      figures.push(figure);
    }
    return { options, openSeconds, overdueCases, figures };
  } finally {
    // Every step runs even if one before it fails, so no server, database or folder is left behind.
    for (const step of [() => app?.close(), () => database?.close(), () => connection?.close(), () => server?.stop()]) {
      await Promise.resolve()
        .then(step)
        .catch((err: unknown) => console.error(err));
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(serverDir, { recursive: true, force: true });
  }
}

/** The result as the bench's plain text table: figure, value (median / p95), baseline and ratio. */
export function caseListReport(result: CaseListResult): string {
  const ms = (n: number) => Math.round(n).toLocaleString('en-US');
  const { options } = result;
  return [
    '',
    `Case list «Saker» (GET /saker through app.inject, ${options.cases.toLocaleString('en-US')} open cases, ${result.overdueCases.toLocaleString('en-US')} overdue; ` +
      `${options.requests} requests after ${options.warmups} warm-ups; baseline = the raw visibility listing of the same query, every row):`,
    '',
    table(
      ['figure', 'cases matched', 'median ms', 'p95 ms', 'baseline median ms', 'baseline p95 ms', 'ratio'],
      result.figures.map((f) => [
        f.figure,
        f.matched.toLocaleString('en-US'),
        ms(f.medianMs),
        ms(f.p95Ms),
        ms(f.baselineMedianMs),
        ms(f.baselineP95Ms),
        `${f.ratio.toFixed(2)}×`,
      ]),
    ),
    `  opening the ${options.cases.toLocaleString('en-US')} cases (starts until visibility counted them): ${result.openSeconds.toFixed(1)} s`,
  ].join('\n');
}

/** `--cases N --requests R --warmups W --concurrency C --seed S --json FILE`; throws on what it does not know. */
export function parseCaseListArgs(argv: readonly string[]): CaseListBenchOptions & { json?: string } {
  const options: CaseListBenchOptions & { json?: string } = { ...DEFAULT_CASE_LIST_OPTIONS };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const value = (min: number): number => {
      const text = argv[++i] ?? '';
      const n = Number(text.replace(/[_\s]/g, ''));
      if (!Number.isInteger(n) || n < min) throw new Error(`${arg} must be an integer ≥ ${min}, got "${text}"`);
      return n;
    };
    if (arg === '--cases') options.cases = value(1);
    else if (arg === '--requests') options.requests = value(1);
    else if (arg === '--warmups') options.warmups = value(0);
    else if (arg === '--concurrency') options.concurrency = value(1);
    else if (arg === '--seed') options.seed = value(0);
    else if (arg === '--json') options.json = argv[++i];
    else throw new Error(`unknown option ${arg} (see bench/README.md)`);
  }
  return options;
}

if (require.main === module) {
  void (async () => {
    const { json, ...options } = parseCaseListArgs(process.argv.slice(2));
    const result = await runCaseListBench(options);
    console.log(caseListReport(result));
    if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  })().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exitCode = 1;
  });
}
