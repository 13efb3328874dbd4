/**
 * bench/detection-dispatch.ts end to end with a few pupils: a real dev server, the real case worker
 * in process, detection delivering through TemporalCaseDispatcher beside raw signal-with-start, two
 * rounds. No timing assertions: only that the figure is there in its shape, the rounds alternate,
 * every pupil of every side has exactly one case, the re-delivery with an empty ledger opened
 * nothing, and the server's folders are gone afterwards. The tally itself is checked on made-up
 * listings, so a missing, doubled or foreign case is shown to fail it.
 */
import { existsSync } from 'node:fs';
import {
  DETECTION_FIGURE,
  type DetectionDispatchResult,
  RAW_BASELINE,
  parseDetectionDispatchArgs,
  runDetectionDispatchBench,
  tallyCases,
} from '../../bench/detection-dispatch';

jest.setTimeout(10 * 60_000);

const PUPILS = 20;
let result: DetectionDispatchResult;
const lines: string[] = [];

beforeAll(async () => {
  result = await runDetectionDispatchBench({ pupils: PUPILS, concurrency: 4, rounds: 2, redelivery: true }, (line) => lines.push(line));
});

test('one figure: cases opened per second by detection beside raw signal-with-start, with the issue’s target', () => {
  expect(result.figures).toHaveLength(1);
  const [f] = result.figures;
  expect(f).toMatchObject({
    group: 'detection',
    name: DETECTION_FIGURE,
    unit: 'cases/s',
    baseline: { name: RAW_BASELINE },
    target: { kind: 'ratio-at-least', limit: 0.9 },
  });
  expect(f!.value).toBeGreaterThan(0);
  expect(Number.isFinite(f!.value)).toBe(true);
  expect(f!.baseline!.value).toBeGreaterThan(0);
  expect(f!.ratio).toBeCloseTo(f!.value / f!.baseline!.value, 10);
  expect(typeof f!.met).toBe('boolean');
});

test('the rounds alternate which side goes first; every round opened one case per pupil on both sides', () => {
  expect(result.rounds.map((r) => [r.round, r.first])).toEqual([
    [1, 'detection'],
    [2, 'raw'],
  ]);
  for (const r of result.rounds) {
    expect(r.opened).toBe(PUPILS);
    for (const count of [r.detectionCases, r.rawCases]) {
      expect(count).toMatchObject({
        expected: PUPILS,
        listed: PUPILS,
        once: PUPILS,
        missing: 0,
        doubled: 0,
        unexpected: 0,
        pupils: PUPILS,
        ok: true,
      });
    }
    for (const v of [r.detectionRate, r.detectionDeliveryRate, r.rawRate]) expect(v).toBeGreaterThan(0);
    expect(r.detectionDeliverySeconds).toBeLessThanOrEqual(r.detectionSeconds);
  }
  expect(result.planningSeconds).toBeGreaterThan(0);
  expect(result.ok).toBe(true);
});

test('detection run again with an empty ledger (a crash that lost it) opens nothing: every trigger reaches the one case', () => {
  expect(result.redelivery).toMatchObject({ opened: 0, signalled: PUPILS, cases: { listed: PUPILS, once: PUPILS, ok: true } });
});

test('the report has the rounds, the medians and the accounting; the log a line per round; the folders are gone', () => {
  expect(result.report).toContain(`${PUPILS} pupils per side and round, 4 in flight, 2 rounds`);
  expect(result.report).toMatch(/^median\s/m);
  expect(result.report).toContain('re-delivery with an empty ledger (round 1): 0 opened, 20 signalled');
  expect(result.report).toContain('accounting: every pupil of every side has exactly one case');
  expect(lines.filter((l) => l.startsWith('round '))).toHaveLength(2);
  for (const dir of result.tempDirs) expect(existsSync(dir)).toBe(false);
});

test('the tally fails a missing, a doubled, a foreign case and a case whose memo names another pupil', () => {
  const expected = new Map([
    ['wf-1', 'p1'],
    ['wf-2', 'p2'],
  ]);
  const good = [
    { workflowId: 'wf-1', pupilId: 'p1' },
    { workflowId: 'wf-2', pupilId: 'p2' },
  ];
  expect(tallyCases('s', expected, good)).toMatchObject({ once: 2, ok: true });
  expect(tallyCases('s', expected, good.slice(0, 1))).toMatchObject({ missing: 1, ok: false });
  expect(tallyCases('s', expected, [...good, good[1]!])).toMatchObject({ doubled: 1, listed: 3, ok: false });
  expect(tallyCases('s', expected, [...good, { workflowId: 'wf-9', pupilId: 'p9' }])).toMatchObject({ unexpected: 1, ok: false });
  expect(tallyCases('s', expected, [good[0]!, { workflowId: 'wf-2', pupilId: 'p1' }])).toMatchObject({ pupils: 1, ok: false });
});

test('the command line: defaults 1 000 pupils, 16 in flight, 3 rounds; bad values are refused by name', () => {
  expect(parseDetectionDispatchArgs([])).toEqual({ pupils: 1000, concurrency: 16, rounds: 3, redelivery: true });
  expect(
    parseDetectionDispatchArgs(['--pupils', '2_000', '--concurrency', '8', '--rounds', '5', '--no-redelivery', '--json', 'x.json']),
  ).toEqual({
    pupils: 2000,
    concurrency: 8,
    rounds: 5,
    redelivery: false,
    json: 'x.json',
  });
  expect(() => parseDetectionDispatchArgs(['--pupils', '0'])).toThrow('--pupils must be an integer ≥ 1, got "0"');
  expect(() => parseDetectionDispatchArgs(['--fast'])).toThrow('unknown option --fast');
});
