/**
 * Which closed cases are due for deletion: closed more than the period before today, counted in
 * Norwegian dates; never an id with an open run or a run closed within the period.
 */
import {
  type CaseRun,
  addDays,
  closedBeforeBound,
  dueCases,
  isCalendarDate,
  isPastRetention,
  keptFrom,
} from '../../casework/retention-due';

const closed = (workflowId: string, runId: string, closedAt: string): CaseRun => ({ workflowId, runId, closedAt: new Date(closedAt) });
const open = (workflowId: string, runId: string): CaseRun => ({ workflowId, runId });

describe('dates', () => {
  test('calendar dates only, written yyyy-MM-dd', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '01.02.2026', '', '2026-02-28T00:00'])
      expect(isCalendarDate(bad)).toBe(false);
  });

  test('addDays counts calendar days across months, leap days and summer time', () => {
    expect(addDays('2027-01-10', -365)).toBe('2026-01-10');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });

  test('closed more than the period: exactly the period is still kept, one day more is due', () => {
    expect(keptFrom('2027-01-10', 365)).toBe('2026-01-10');
    expect(isPastRetention(new Date('2026-01-09T12:00:00Z'), '2027-01-10', 365)).toBe(true);
    expect(isPastRetention(new Date('2026-01-10T12:00:00Z'), '2027-01-10', 365)).toBe(false);
  });

  test('the day is the Norwegian one: 23:30 UTC on the 9th is already the 10th in Oslo', () => {
    expect(isPastRetention(new Date('2026-01-09T22:59:00Z'), '2027-01-10', 365)).toBe(true);
    expect(isPastRetention(new Date('2026-01-09T23:30:00Z'), '2027-01-10', 365)).toBe(false);
  });

  test('the visibility bound is never earlier than a due close (it may only let more through)', () => {
    const bound = closedBeforeBound('2027-07-10', 365);
    // The last instant of 9 July 2026 in Oslo (summer time) is due and before the bound.
    const lastDue = new Date('2026-07-09T21:59:59Z');
    expect(isPastRetention(lastDue, '2027-07-10', 365)).toBe(true);
    expect(lastDue.getTime()).toBeLessThan(bound.getTime());
  });
});

describe('dueCases', () => {
  const today = '2027-06-01';

  test('a case closed long ago is due, with every run and its last close', () => {
    const due = dueCases(
      [closed('fravaerssak-S001-a', 'r2', '2026-01-05T10:00:00Z'), closed('fravaerssak-S001-a', 'r1', '2025-12-01T10:00:00Z')],
      today,
      365,
    );
    expect(due).toEqual([
      {
        workflowId: 'fravaerssak-S001-a',
        closedAt: new Date('2026-01-05T10:00:00Z'),
        runIds: ['r1', 'r2'],
      },
    ]);
  });

  test('nothing is due for an open case, even when its earlier runs closed long ago', () => {
    expect(dueCases([closed('id-b', 'r1', '2024-01-01T10:00:00Z'), open('id-b', 'r2')], today, 365)).toEqual([]);
  });

  test('nothing is due for a case closed within the period, nor for one whose latest run did', () => {
    expect(dueCases([closed('id-c', 'r1', '2027-05-01T10:00:00Z')], today, 365)).toEqual([]);
    expect(dueCases([closed('id-d', 'r1', '2024-01-01T10:00:00Z'), closed('id-d', 'r2', '2026-12-24T10:00:00Z')], today, 365)).toEqual([]);
  });

  test('the period decides: the same case is kept with a longer one', () => {
    const runs = [closed('id-e', 'r1', '2026-03-01T10:00:00Z')];
    expect(dueCases(runs, today, 365).map((c) => c.workflowId)).toEqual(['id-e']);
    expect(dueCases(runs, today, 730)).toEqual([]);
  });

  test('several cases: only the due ones, in id order', () => {
    const due = dueCases(
      [
        closed('id-z', 'r1', '2025-01-01T10:00:00Z'),
        open('id-y', 'r1'),
        closed('id-x', 'r1', '2025-02-01T10:00:00Z'),
        closed('id-w', 'r1', '2027-05-30T10:00:00Z'),
      ],
      today,
      365,
    );
    expect(due.map((c) => c.workflowId)).toEqual(['id-x', 'id-z']);
  });
});
