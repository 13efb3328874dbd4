/**
 * Shifting an audit path in time: whole days, every date-time and every yyyy-MM-dd date in the
 * facts and the events, nothing else; so a guard that compares an event's date with its time
 * decides the same way on the server's clock as on the model's.
 */
import { retimePath, shiftDateString, shiftDaysFor, shiftPath } from '../../audit/conformance';
import { generatePaths } from '../../audit/paths';
import { replayPath } from '../../audit/replay';
import { getProcedure } from '../../machines/registry';
import type { AuditPath } from '../../audit/types';
import type { CaseEvent } from '../../machines/events';

const DAY = 24 * 60 * 60 * 1000;
const actor = { role: 'principal', userId: 'p-1' } as const;

const path: AuditPath = {
  id: 'tiltaksplan-elevfravaer/1',
  procedureId: 'tiltaksplan-elevfravaer',
  procedureVersion: 1,
  purpose: 'test',
  facts: {
    caseId: 'case-2026-09-07',
    pupilId: 'pupil-1',
    schoolId: 'school1',
    grade: 9,
    openedAt: '2026-09-07T08:00:00+02:00',
    trigger: { rule: 'consecutive-days', dates: ['2026-09-02', '2026-09-03'] },
  },
  initial: { value: { open: 'a' }, path: 'open.a', status: 'active' },
  steps: [
    {
      kind: 'event',
      via: 'update',
      event: {
        type: 'measures.agreed',
        eventId: 'evt-2026-09-08',
        actor,
        at: '2026-09-08T10:00:00.000Z',
        measures: ['Møte 2026-09-30 med rektor'],
        evaluationDate: '2026-09-29',
        planRef: 'plan-1',
      },
      variant: 'evaluation=within',
      expected: { value: { open: '2026-09-07' }, path: 'open.b', status: 'active' },
    },
    {
      kind: 'delay',
      delayName: 'followUpMeetingWithinThreeWeeks',
      timerId: 'xstate.after.followUpMeetingWithinThreeWeeks.x',
      dueAt: '2026-09-29T00:00:00.000Z',
      expected: { value: 'done', path: 'closed', status: 'done' },
    },
  ],
};

test('a date moves by whole calendar days across month and year ends and leap days', () => {
  expect(shiftDateString('2026-09-29', 3)).toBe('2026-10-02');
  expect(shiftDateString('2026-12-31', 1)).toBe('2027-01-01');
  expect(shiftDateString('2028-02-28', 1)).toBe('2028-02-29');
  expect(shiftDateString('2026-03-01', -1)).toBe('2026-02-28');
});

test('a date-time keeps its offset and wall-clock time and moves exactly n × 24 hours', () => {
  const shifted = shiftDateString('2026-09-07T08:00:00+02:00', 100);
  expect(shifted).toBe('2026-12-16T08:00:00+02:00');
  expect(Date.parse(shifted) - Date.parse('2026-09-07T08:00:00+02:00')).toBe(100 * DAY);
  expect(shiftDateString('2026-09-08T10:00:00.123Z', -8)).toBe('2026-08-31T10:00:00.123Z');
});

test('strings that are not dates are left alone', () => {
  for (const value of ['plan-1', '2026-09-07x', 'Møte 2026-09-30 med rektor', '20260907', '2026-09-07T08:00']) {
    expect(shiftDateString(value, 5)).toBe(value);
  }
});

test('shiftPath moves the opening, trigger dates, event times and dates and due times, and nothing else', () => {
  const shifted = shiftPath(path, 30);
  expect(shifted.facts.openedAt).toBe('2026-10-07T08:00:00+02:00');
  expect(shifted.facts.trigger.dates).toEqual(['2026-10-02', '2026-10-03']);
  expect(shifted.facts.caseId).toBe('case-2026-09-07');
  const event =
    shifted.steps[0]!.kind === 'event' ? (shifted.steps[0]!.event as Extract<CaseEvent, { type: 'measures.agreed' }>) : undefined;
  expect(event?.at).toBe('2026-10-08T10:00:00.000Z');
  expect(event?.evaluationDate).toBe('2026-10-29');
  expect(event?.eventId).toBe('evt-2026-09-08');
  expect(event?.measures).toEqual(['Møte 2026-09-30 med rektor']);
  expect(shifted.steps[0]!.expected).toEqual(path.steps[0]!.expected);
  const delay = shifted.steps[1]!;
  expect(delay.kind === 'delay' && delay.dueAt).toBe('2026-10-29T00:00:00.000Z');
  // The time between an event and the date it names is unchanged, so date guards decide alike.
  expect(Date.parse(`${event!.evaluationDate}T00:00:00Z`) - Date.parse(event!.at)).toBe(
    Date.parse('2026-09-29T00:00:00Z') - Date.parse('2026-09-08T10:00:00.000Z'),
  );
});

test('shiftPath is pure: the original path is not changed', () => {
  const before = JSON.stringify(path);
  shiftPath(path, -12);
  expect(JSON.stringify(path)).toBe(before);
});

test('shiftPath refuses a shift that is not whole days', () => {
  expect(() => shiftPath(path, 1.5)).toThrow(RangeError);
});

test('the shift is whole weeks and brings the opening to or just after the server time, forwards or backwards', () => {
  const opened = '2026-09-07T08:00:00+02:00';
  const now = Date.parse('2027-01-15T12:34:00Z');
  const days = shiftDaysFor(opened, now);
  const shiftedOpening = Date.parse(shiftDateString(opened, days));
  expect(shiftedOpening).toBeGreaterThanOrEqual(now);
  expect(shiftedOpening - now).toBeLessThan(7 * DAY);
  expect(days % 7).toBe(0);
  expect(new Date(shiftedOpening).getUTCDay()).toBe(new Date(opened).getUTCDay());
  const back = shiftDaysFor(opened, Date.parse('2026-01-01T00:00:00Z'));
  expect(back).toBeLessThan(0);
  expect(Date.parse(shiftDateString(opened, back))).toBeGreaterThanOrEqual(Date.parse('2026-01-01T00:00:00Z'));
  expect(shiftDaysFor(opened, Date.parse(opened))).toBe(0);
});

test('a deadline counted in calendar months is recomputed for the months the path is replayed in, and later steps move with it', () => {
  const A = getProcedure('plan-for-skolenaervaer');
  const months = generatePaths(A).find((p) => p.steps.some((s) => s.kind === 'delay' && s.delayName === 'innsatsteamThreeMonths'));
  if (!months) throw new Error('no path through the three months');
  // Moved by whole weeks, the three months run through other month lengths: on some shift the
  // deadline falls whole days off the plain shift, and the retimed path follows the calendar.
  const drifts = [1, 2, 3, 4, 5, 6, 7, 8].map((weeks) => {
    const moved = retimePath(A, shiftPath(months, 7 * weeks));
    const at = moved.steps.findIndex((s) => s.kind === 'delay' && s.delayName === 'innsatsteamThreeMonths');
    const [after, before] = [moved.steps[at], months.steps[at]] as { dueAt: string }[];
    return Date.parse(after!.dueAt) - Date.parse(before!.dueAt) - 7 * weeks * DAY;
  });
  expect(drifts.every((d) => d % DAY === 0)).toBe(true);
  expect(drifts.some((d) => d !== 0)).toBe(true);
  const shifted = retimePath(A, shiftPath(months, 49));
  // The replayed path still replays on the model, step for step.
  const replay = replayPath(A, shifted);
  expect(replay.error).toBeUndefined();
  expect(replay.steps.map((s) => s.after.value)).toEqual(replayPath(A, months).steps.map((s) => s.after.value));
}, 120_000);

test('a deadline a path puts at another time of day is kept as the path says, so the replay reports it at that step', () => {
  const C = getProcedure('tiltaksplan-elevfravaer');
  const original = generatePaths(C).find((p) => p.steps.some((s) => s.kind === 'delay'));
  if (!original) throw new Error('no path with a deadline');
  const tampered = structuredClone(original);
  const at = tampered.steps.findIndex((s) => s.kind === 'delay');
  const step = tampered.steps[at] as { dueAt: string };
  step.dueAt = new Date(Date.parse(step.dueAt) + 60 * 60 * 1000).toISOString();
  const retimed = retimePath(C, tampered);
  expect((retimed.steps[at] as { dueAt: string }).dueAt).toBe(step.dueAt);
  expect(retimePath(C, original).steps).toEqual(original.steps);
});
