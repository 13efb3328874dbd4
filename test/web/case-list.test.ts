/**
 * The case list's pure parts: a person's scope and the page's filters become one visibility
 * filter (or none, when nothing can match), rows sort overdue first then by deadline, and pages
 * are cut and clamped.
 */
import { type CaseRow, compareRows, pageOf, scopedFilter } from '../../web/case-list';

const row = (id: string, fields: Partial<CaseRow> = {}): CaseRow => ({
  workflowId: id,
  schoolId: 'S001',
  pupilId: id,
  procedureId: 'tiltaksplan-elevfravaer',
  stage: 'identification',
  status: 'open',
  overdue: false,
  ...fields,
});

describe('scopedFilter', () => {
  test('everything: only the page filters', () => {
    expect(scopedFilter({ kind: 'all' }, { status: 'open', schoolId: 'S003' })).toEqual({ status: 'open', schoolId: 'S003' });
  });

  test('schools: the scope, narrowed by the school filter; a school outside the scope matches nothing', () => {
    const scope = { kind: 'schools' as const, schoolIds: ['S001', 'S002'] };
    expect(scopedFilter(scope, {})).toEqual({ schoolIds: ['S001', 'S002'] });
    expect(scopedFilter(scope, { schoolId: 'S002', overdue: true })).toEqual({ schoolIds: ['S002'], overdue: true });
    expect(scopedFilter(scope, { schoolId: 'S009' })).toBeUndefined();
    expect(scopedFilter({ kind: 'schools', schoolIds: [] }, {})).toBeUndefined();
  });

  test("a contact teacher's pupils: their pupils at their school (the case client makes the ids), nothing without pupils", () => {
    const scope = { kind: 'pupils' as const, schoolId: 'S001', pupilIds: ['e1', 'e2'] };
    expect(scopedFilter(scope, { dueWithinDays: 7 })).toEqual({
      dueWithinDays: 7,
      schoolId: 'S001',
      pupilIds: ['e1', 'e2'],
    });
    expect(scopedFilter(scope, { schoolId: 'S002' })).toBeUndefined();
    expect(scopedFilter({ ...scope, pupilIds: [] }, {})).toBeUndefined();
  });
});

describe('compareRows', () => {
  test('open before closed, overdue first (longest overdue first), then by next deadline, no deadline last', () => {
    const rows = [
      row('closed', { status: 'closed' }),
      row('none'),
      row('late', { nextDeadline: new Date('2026-12-20T00:00:00Z') }),
      row('soon', { nextDeadline: new Date('2026-12-03T00:00:00Z') }),
      row('overdue-recent', { overdue: true, overdueSince: new Date('2026-11-30T00:00:00Z') }),
      row('overdue-long', { overdue: true, overdueSince: new Date('2026-10-01T00:00:00Z') }),
    ];
    expect([...rows].sort(compareRows).map((r) => r.workflowId)).toEqual([
      'overdue-long',
      'overdue-recent',
      'soon',
      'late',
      'none',
      'closed',
    ]);
  });
});

describe('pageOf', () => {
  const items = Array.from({ length: 53 }, (_, i) => i);
  test('cuts pages of the given size and counts them', () => {
    expect(pageOf(items, 3, 25)).toEqual({ items: [50, 51, 52], page: 3, pages: 3, total: 53 });
  });
  test('clamps a page outside the range; an empty list is one empty page', () => {
    expect(pageOf(items, 99, 25).page).toBe(3);
    expect(pageOf(items, 0, 25).page).toBe(1);
    expect(pageOf([], 1, 25)).toEqual({ items: [], page: 1, pages: 1, total: 0 });
  });
});
