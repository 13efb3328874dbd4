/**
 * bench/load.ts end to end with a few cases: a real dev server, the real case worker in process,
 * real cases opened through CaseClient.open, one Update each, and the accounting of every case and
 * event. No timing assertions: only that every figure is there, that every case is listed once
 * and took its event once, and that the server and folders are gone afterwards. The accounting
 * itself is checked on made-up observations, so a lost or doubled case is shown to fail it.
 */
import { existsSync } from 'node:fs';
import {
  type LoadObservations,
  type LoadResult,
  PhaseClock,
  accountCases,
  loadHeapLimitMb,
  loadReport,
  parseLoadArgs,
  runLoadBench,
} from '../../bench/load';
import { parseOptions } from '../../bench/main';
import type { CaseView, TimelineEntry } from '../../workflows/case-messages';

jest.setTimeout(10 * 60_000);

const CASES = 30;
let result: LoadResult;
const lines: string[] = [];

beforeAll(async () => {
  result = await runLoadBench({ cases: CASES, concurrency: 8, timeoutMs: 8 * 60_000 }, (line) => lines.push(line));
});

test('every case opened is listed once by visibility, none lost, none duplicated, each took its Update exactly once', () => {
  const a = result.accounting;
  expect(a.failures).toEqual([]);
  expect(a).toMatchObject({
    expected: CASES,
    distinctIds: CASES,
    listed: CASES,
    listedDistinct: CASES,
    lost: 0,
    duplicated: 0,
    unexpected: 0,
    appliedOnce: CASES,
    appliedTwice: 0,
    notApplied: 0,
    deadlinePendingBefore: CASES,
    deadlinePendingAfter: CASES,
    updatesApplied: CASES,
    updatesFailed: 0,
    otherFailures: 0,
    ok: true,
  });
});

test('reports cases and Updates per second and the Update latency, with the accounting as rows', () => {
  for (const figure of [
    result.casesPerSecond,
    result.casesRunningPerSecond,
    result.updatesPerSecond,
    result.updateMedianMs,
    result.updateP95Ms,
  ]) {
    expect(Number.isFinite(figure)).toBe(true);
    expect(figure).toBeGreaterThan(0);
  }
  expect(result.updateP95Ms).toBeGreaterThanOrEqual(result.updateMedianMs);
  expect(result.cachedAtEnd).toBe(CASES);
  const report = loadReport(result);
  for (const row of [
    /cases opened per second +[\d.]+/,
    /Updates per second +[\d.]+/,
    /Update latency median \(ms\) +\d+/,
    /Update latency p95 \(ms\) +\d+/,
    /cases listed \(visibility\) +30 +30 +ok/,
    /distinct workflow ids \(open\) +30 +30 +ok/,
    /cases lost +0 +0 +ok/,
    /cases duplicated +0 +0 +ok/,
    /event applied exactly once \(view\) +30 +30 +ok/,
  ]) {
    expect(report).toMatch(row);
  }
  expect(report).not.toContain('WRONG');
});

test('leaves no temporary folder behind', () => {
  expect(result.tempDirs.length).toBeGreaterThan(0);
  expect(result.tempDirs.filter((d) => existsSync(d))).toEqual([]);
});

/** A view with a pending deadline and the given events applied. */
function view(eventIds: string[]): CaseView {
  const timeline: TimelineEntry[] = eventIds.map((eventId) => ({
    kind: 'event',
    eventId,
    type: 'staff.informed',
    actor: { role: 'contact-teacher', userId: 'x' },
    at: '2026-12-02T08:00:00Z',
    appliedAt: '2026-12-02T08:00:00Z',
    stateLabel: 'Kartlegging',
  }));
  return { deadlines: [{ name: 'd', dueAt: '2026-12-20T00:00:00Z' }], timeline } as unknown as CaseView;
}

function observations(n: number): LoadObservations & { finalViews: Map<string, CaseView | undefined> } {
  const ids = Array.from({ length: n }, (_, i) => `case-${i}`);
  return {
    expected: n,
    openedIds: ids,
    listedIds: [...ids],
    finalViews: new Map(ids.map((id, i) => [id, view([`e-${i}`])])),
    eventIds: new Map(ids.map((id, i) => [id, `e-${i}`])),
    deadlinePendingBefore: n,
    updatesApplied: n,
    updateFailures: [],
    otherFailures: [],
  };
}

test('the accounting fails when visibility loses a case, lists one twice or lists one never opened', () => {
  expect(accountCases(observations(3)).ok).toBe(true);
  const lost = observations(3);
  expect(accountCases({ ...lost, listedIds: lost.listedIds.slice(1) })).toMatchObject({ lost: 1, listed: 2, ok: false });
  const doubled = observations(3);
  expect(accountCases({ ...doubled, listedIds: [...doubled.listedIds, 'case-0'] })).toMatchObject({ duplicated: 1, lost: 0, ok: false });
  const stranger = observations(3);
  expect(accountCases({ ...stranger, listedIds: [...stranger.listedIds.slice(1), 'case-x'] })).toMatchObject({
    lost: 1,
    unexpected: 1,
    ok: false,
  });
  const failedOpen = observations(3);
  expect(accountCases({ ...failedOpen, openedIds: failedOpen.openedIds.slice(1) })).toMatchObject({ distinctIds: 2, lost: 1, ok: false });
  const sameIdTwice = observations(3);
  expect(accountCases({ ...sameIdTwice, openedIds: [...sameIdTwice.openedIds.slice(1), 'case-1'] })).toMatchObject({
    duplicated: 1,
    ok: false,
  });
});

test('the accounting fails when a case took its event twice, not at all, or its view is gone', () => {
  const twice = observations(3);
  twice.finalViews.set('case-1', view(['e-1', 'e-1']));
  expect(accountCases(twice)).toMatchObject({ appliedOnce: 2, appliedTwice: 1, ok: false });
  const never = observations(3);
  never.finalViews.set('case-2', view([]));
  expect(accountCases(never)).toMatchObject({ appliedOnce: 2, notApplied: 1, ok: false });
  const gone = observations(3);
  gone.finalViews.set('case-0', undefined);
  expect(accountCases(gone)).toMatchObject({ lost: 1, ok: false });
  expect(accountCases({ ...observations(3), deadlinePendingBefore: 2 }).ok).toBe(false);
  expect(accountCases({ ...observations(3), updateFailures: ['Update of case case-0: refused'] })).toMatchObject({
    updatesFailed: 1,
    ok: false,
  });
  expect(accountCases({ ...observations(3), otherFailures: ['viewing case case-0: gone'] })).toMatchObject({ otherFailures: 1, ok: false });
});

test('the phase clock fails the step it is in once its time is up, and tells the lanes to stop', async () => {
  const clock = new PhaseClock(50);
  await expect(clock.run('first step', () => Promise.resolve('done'))).resolves.toBe('done');
  expect(clock.stopped()).toBe(false);
  await expect(clock.run('opening the cases', () => new Promise(() => undefined))).rejects.toThrow(
    /exceeded its time limit \(--load-timeout 0\.0 min\) while opening the cases/,
  );
  expect(clock.stopped()).toBe(true);
  clock.stop();
});

test('the heap limit lets the SDK cache every case only where the default heap does not', () => {
  expect(loadHeapLimitMb(300, 4288)).toBeUndefined();
  const mb = loadHeapLimitMb(10_000, 4288)!;
  // The SDK's own default: 600 cached workflows per GiB above 200 MiB (worker-options.js).
  expect(Math.floor(((mb - 200) * 600) / 1024)).toBeGreaterThanOrEqual(10_000);
  expect(mb).toBeLessThan(20 * 1024);
});

test('the command lines: --cases for the phase alone, --phases load and --load-* for npm run bench', () => {
  expect(parseLoadArgs([])).toMatchObject({ cases: 10_000, concurrency: 32, timeoutMs: 30 * 60_000 });
  expect(parseLoadArgs(['--cases', '300', '--timeout', '2.5'])).toMatchObject({ cases: 300, timeoutMs: 150_000 });
  expect(() => parseLoadArgs(['--cases', '0'])).toThrow('--cases');
  expect(() => parseLoadArgs(['--fast'])).toThrow('unknown option --fast');
  expect(parseOptions([])).toMatchObject({ phases: expect.not.arrayContaining(['load']) });
  expect(parseOptions(['--phases', 'load', '--load-cases', '300', '--load-concurrency', '8', '--load-timeout', '5'])).toMatchObject({
    phases: ['load'],
    loadCases: 300,
    loadConcurrency: 8,
    loadTimeoutMs: 300_000,
  });
  expect(() => parseOptions(['--load-timeout', '0'])).toThrow('--load-timeout');
});
