/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 */
/**
 * bench/case-list.ts end to end with a few cases: a real dev server, cases opened without a
 * worker, the web application in process, every variant timed beside its raw listing, and the
 * server and folders gone afterwards. No timing assertions: only that every figure is there and
 * the page and the listing agree on which cases match.
 */
import '../web/helpers/host-modules';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  type CaseListResult,
  caseListReport,
  generateCase,
  parseCaseListArgs,
  percentile,
  rowsOnPage,
  runCaseListBench,
  shownOnPage,
} from '../../bench/case-list';
import { parseOptions } from '../../bench/main';

jest.setTimeout(5 * 60_000);

const CASES = 60;
let result: CaseListResult;
const lines: string[] = [];
const benchDirs = () => [
  ...readdirSync(tmpdir()).filter((d) => d.startsWith('bench-case-list-')),
  ...(existsSync('/dev/shm') ? readdirSync('/dev/shm').filter((d) => d.startsWith('bench-case-list-')) : []),
];
let dirsBefore: string[];

beforeAll(async () => {
  dirsBefore = benchDirs();
  result = await runCaseListBench({ cases: CASES, requests: 3, warmups: 1, concurrency: 8, seed: 1 }, (line) => lines.push(line));
});

test('times every variant of «Saker» beside the raw listing of the same query, with median, p95 and ratio', () => {
  expect(result.figures.map((f) => f.figure)).toEqual([
    'GET /saker (administrator)',
    'GET /saker?forfalt=ja (administrator)',
    'GET /saker?side=200 (administrator)',
    'GET /saker (koordinator)',
  ]);
  for (const f of result.figures) {
    for (const value of [f.medianMs, f.p95Ms, f.baselineMedianMs, f.baselineP95Ms, f.ratio]) {
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThan(0);
    }
    expect(f.p95Ms).toBeGreaterThanOrEqual(f.medianMs);
  }
  const report = caseListReport(result);
  for (const text of ['60 open cases', 'median ms', 'p95 ms', 'baseline median ms', 'ratio', 'GET /saker?forfalt=ja (administrator)']) {
    expect(report).toContain(text);
  }
});

test('the administrator sees every case, the overdue filter the overdue ones, the coordinator the 5 schools of the municipality', () => {
  const [all, overdue, deep, coordinator] = result.figures;
  expect(all!.matched).toBe(CASES);
  expect(deep!.matched).toBe(CASES);
  expect(overdue!.matched).toBe(result.overdueCases);
  expect(result.overdueCases).toBeGreaterThan(0);
  expect(result.overdueCases).toBeLessThan(CASES / 2);
  // Cases go round the 20 schools of config/schools.json; «tiltaksplan» has 5 of them.
  expect(coordinator!.matched).toBe(CASES / 4);
});

test('leaves no temporary folder behind', () => {
  expect(benchDirs().filter((d) => !dirsBefore.includes(d))).toEqual([]);
});

test('a generated case carries every case search attribute; about 15 % are overdue, since their deadline', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  let seed = 0;
  const next = () => (seed = (seed * 16807 + 12345) % 2147483647) / 2147483647;
  const cases = Array.from({ length: 2000 }, (_, i) => generateCase(i, ['S001', 'S002'], () => 'tiltaksplan-elevfravaer', next, now));
  const first = cases[0]!;
  expect(first.workflowId).toMatch(/^fravaerssak-S001-[0-9a-f]{24}$/);
  expect(first.input.facts.pupilId).toBe('B1');
  const names = (c: (typeof cases)[number]) => c.attributes.map((a) => a.key.name).sort();
  const overdue = cases.filter((c) => c.overdue);
  expect(overdue.length / cases.length).toBeGreaterThan(0.1);
  expect(overdue.length / cases.length).toBeLessThan(0.2);
  expect(names(overdue[0]!)).toEqual([
    'CaseOpenedAt',
    'CaseStage',
    'CaseStatus',
    'DeadlineOverdue',
    'NextDeadline',
    'OverdueSince',
    'ProcedureId',
    'SchoolId',
  ]);
  for (const c of cases) {
    const deadline = c.attributes.find((a) => a.key.name === 'NextDeadline')!.value as Date;
    expect(deadline.getTime() < now.getTime()).toBe(c.overdue);
    expect(Math.abs(deadline.getTime() - now.getTime())).toBeLessThanOrEqual(60 * 86_400_000);
  }
});

test('percentile is nearest rank; rows on a page follow the page size and clamping', () => {
  const values = Array.from({ length: 20 }, (_, i) => i + 1);
  expect(percentile(values, 95)).toBe(19);
  expect(percentile(values, 50)).toBe(10);
  expect(percentile([7], 95)).toBe(7);
  expect(rowsOnPage(10_000, 200)).toBe(25);
  expect(rowsOnPage(60, 200)).toBe(10);
  expect(rowsOnPage(0, 1)).toBe(0);
});

test('the page shows its total in the caption', () => {
  expect(shownOnPage('<caption>Saker du har tilgang til, sortert etter frist (42)</caption><a>Testelev B1</a>')).toEqual({
    total: 42,
    namedRows: 1,
  });
  expect(shownOnPage('<p>Ingen saker passer.</p>')).toEqual({ total: 0, namedRows: 0 });
  expect(() => shownOnPage('<p>Noe annet</p>')).toThrow('no case count');
});

test('the command lines: --cases for the phase alone, --phases and --open-cases for npm run bench', () => {
  expect(parseCaseListArgs([])).toMatchObject({ cases: 10_000, requests: 30, warmups: 3 });
  expect(parseCaseListArgs(['--cases', '500', '--requests', '10'])).toMatchObject({ cases: 500, requests: 10 });
  expect(() => parseCaseListArgs(['--cases', '0'])).toThrow('--cases');
  expect(() => parseCaseListArgs(['--fast'])).toThrow('unknown option --fast');
  expect(parseOptions([])).toMatchObject({ phases: expect.arrayContaining(['intake', 'databases', 'case-list']), openCases: 10_000 });
  expect(parseOptions(['--phases', 'case-list,intake', '--open-cases', '2000'])).toMatchObject({
    phases: ['intake', 'case-list'],
    openCases: 2000,
  });
  expect(() => parseOptions(['--phases', 'cases'])).toThrow('--phases');
});
