/**
 * bench/history.ts and bench/typical-route.ts: the typical route is a valid closing route of
 * about three months; the hand-written schedule mirrors it step for step; and one procedure end
 * to end on the time-skipping server reports every figure with its baseline. No timing assertions.
 */
import { replayPath } from '../../audit/replay';
import { getProcedure } from '../../machines/registry';
import type { BenchFigure } from '../../bench/figures';
import {
  HISTORY_EVENTS_LIMIT,
  HISTORY_KB_LIMIT,
  type MeasuredHistory,
  handWrittenSchedule,
  historyFigures,
  runHistoryBench,
} from '../../bench/history';
import { SPAN_DAYS, typicalRoute } from '../../bench/typical-route';

jest.setTimeout(5 * 60_000);

const PROCEDURE = 'hardanger-handlingsplan';

describe('the typical route', () => {
  const procedure = getProcedure(PROCEDURE);
  const route = typicalRoute(procedure);

  test('is spread over about three months, ends with the case closed and replays on the pure host', () => {
    expect(route.spread).toBe(true);
    expect(route.days).toBeGreaterThan(SPAN_DAYS - 7);
    expect(route.days).toBeLessThanOrEqual(SPAN_DAYS + 7);
    expect(route.path.steps.at(-1)?.expected.status).toBe('done');
    expect(replayPath(procedure, route.path).error).toBeUndefined();
    const times = route.path.steps.map((s) => Date.parse(s.kind === 'event' ? s.event.at : s.dueAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  test('the hand-written schedule has one deadline and one effect count per step, and every event at its time', () => {
    const schedule = handWrittenSchedule(procedure, route.path);
    const events = route.path.steps.filter((s) => s.kind === 'event');
    expect(schedule.input.deadlines).toHaveLength(route.path.steps.length + 1);
    expect(schedule.input.effects).toHaveLength(route.path.steps.length + 1);
    expect(schedule.input.closesAfterStep).toBe(route.path.steps.length);
    expect(schedule.events.map((e) => e.event.eventId)).toEqual(events.map((s) => s.event.eventId));
    const openedMs = Date.parse(route.path.facts.openedAt);
    expect(schedule.events.map((e) => e.afterMs)).toEqual(events.map((s) => Date.parse(s.event.at) - openedMs));
    expect(schedule.input.effects!.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

test('the figures: events against the limit, KB against the baseline and the 50 KB limit, replay time beside the baseline', () => {
  const measured = (events: number, bytes: number): MeasuredHistory => ({
    events,
    bytes,
    replayMsPerCase: 2,
    replayCpuMsPerCase: 1,
    byType: [],
  });
  const figures = historyFigures([
    {
      procedureId: 'p',
      route: { fromPathId: 'p/1', steps: 10, updates: 9, signals: 0, deadlines: 1, days: 88 },
      host: measured(150, 60 * 1024),
      handWritten: measured(140, 40 * 1024),
    },
  ]);
  const byName = new Map(figures.map((f) => [f.name, f]));
  expect(byName.get('history events (p)')).toMatchObject({
    value: 150,
    met: true,
    target: { kind: 'value-at-most', limit: HISTORY_EVENTS_LIMIT },
  });
  expect(byName.get('history KB (p)')).toMatchObject({ value: 60, ratio: 1.5, met: false, baseline: { name: 'hand-written', value: 40 } });
  expect(byName.get('history KB, three-month limit (p)')).toMatchObject({ value: 60, met: false, target: { limit: HISTORY_KB_LIMIT } });
  expect(byName.get('replay ms per case (p)')?.baseline?.value).toBe(2);
  expect(byName.get('replay CPU ms per case (p)')?.baseline?.value).toBe(1);
});

describe('one procedure on the time-skipping server', () => {
  let figures: BenchFigure[];
  let report: string;
  let results: Awaited<ReturnType<typeof runHistoryBench>>['results'];
  const lines: string[] = [];

  beforeAll(async () => {
    ({ figures, report, results } = await runHistoryBench({ procedures: [PROCEDURE], replayRounds: 1, replayCopies: 2 }, (line) =>
      lines.push(line),
    ));
  });

  test('every figure of the history group is there, with a baseline where one compares', () => {
    expect(figures.map((f) => f.name)).toEqual([
      `history events (${PROCEDURE})`,
      `history KB (${PROCEDURE})`,
      `history KB, three-month limit (${PROCEDURE})`,
      `replay ms per case (${PROCEDURE})`,
      `replay CPU ms per case (${PROCEDURE})`,
    ]);
    for (const f of figures) {
      expect(f.group).toBe('history');
      expect(Number.isFinite(f.value)).toBe(true);
    }
    for (const name of [
      `history events (${PROCEDURE})`,
      `history KB (${PROCEDURE})`,
      `replay ms per case (${PROCEDURE})`,
      `replay CPU ms per case (${PROCEDURE})`,
    ]) {
      expect(figures.find((f) => f.name === name)?.baseline?.name).toBe('hand-written');
    }
    expect(lines).toEqual([`  history: ${PROCEDURE}`]);
    expect(report).toContain(PROCEDURE);
    expect(report).toContain('largest event types');
  });

  test('both histories hold the route: events and bytes positive, every Update, Signal and deadline, and the case completed', () => {
    const [r] = results;
    const count = (m: MeasuredHistory, type: string) => m.byType.find((t) => t.type === type)?.events ?? 0;
    for (const side of [r!.host, r!.handWritten]) {
      expect(side.events).toBeGreaterThan(r!.route.steps);
      expect(side.bytes).toBeGreaterThan(0);
      expect(count(side, 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED')).toBe(r!.route.updates);
      expect(count(side, 'WORKFLOW_EXECUTION_SIGNALED')).toBe(r!.route.signals);
      expect(count(side, 'WORKFLOW_EXECUTION_COMPLETED')).toBe(1);
    }
    // The route's deadline falls due with the event before it: both fire it at once, with no durable timer.
    expect(count(r!.host, 'TIMER_FIRED')).toBe(count(r!.handWritten, 'TIMER_FIRED'));
  });
});
