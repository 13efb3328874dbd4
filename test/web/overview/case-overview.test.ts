/**
 * The overview's counting rules (web/case-overview.ts): open cases per stage, overdue now, closed
 * this school term, and cases opened per month over twelve months, all on Oslo's calendar.
 */
import type { CaseRow } from '../../../web/case-list';
import { aggregateOverview, monthsUpTo, schoolTerm } from '../../../web/case-overview';

let n = 0;
function row(over: Partial<CaseRow>): CaseRow {
  n += 1;
  return {
    workflowId: `case-${n}`,
    schoolId: 'S001',
    pupilId: `E${n}`,
    procedureId: 'p',
    stage: 'identification',
    status: 'open',
    overdue: false,
    ...over,
  };
}

describe('schoolTerm', () => {
  test('August to December is the autumn term, January to July the spring term', () => {
    expect(schoolTerm(new Date('2026-08-01T08:00:00Z'))).toEqual({ start: '2026-08-01', end: '2026-12-31', name: 'høsten 2026' });
    expect(schoolTerm(new Date('2026-12-31T12:00:00Z'))).toEqual({ start: '2026-08-01', end: '2026-12-31', name: 'høsten 2026' });
    expect(schoolTerm(new Date('2027-07-31T12:00:00Z'))).toEqual({ start: '2027-01-01', end: '2027-07-31', name: 'våren 2027' });
  });

  test('the term follows Oslo’s calendar: 31 July 23:30 UTC is already 1 August in Oslo', () => {
    expect(schoolTerm(new Date('2026-07-31T23:30:00Z')).name).toBe('høsten 2026');
    expect(schoolTerm(new Date('2026-12-31T23:30:00Z')).name).toBe('våren 2027');
  });
});

describe('monthsUpTo', () => {
  test('the twelve months ending with the current one, across the year boundary, oldest first', () => {
    expect(monthsUpTo(new Date('2026-03-15T12:00:00Z'))).toEqual([
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ]);
  });
});

describe('aggregateOverview', () => {
  const now = new Date('2026-10-15T10:00:00Z');

  test('counts open cases per stage and overdue ones, per school and in total', () => {
    const rows = [
      row({ stage: 'identification', overdue: true }),
      row({ stage: 'identification' }),
      row({ stage: 'measures' }),
      row({ schoolId: 'S002', stage: 'escalated', overdue: true }),
    ];
    const o = aggregateOverview(rows, ['S001', 'S002'], now);
    const s1 = o.schools[0]!.counts;
    expect(s1.openByStage).toEqual({ identification: 2, measures: 1, evaluation: 0, escalated: 0, monitoring: 0 });
    expect([s1.open, s1.overdue]).toEqual([3, 1]);
    expect(o.schools[1]!.counts.openByStage.escalated).toBe(1);
    expect([o.total.open, o.total.overdue, o.total.openByStage.identification]).toEqual([4, 2, 2]);
  });

  test('closed this term counts only cases closed on or after the term’s first day (Oslo), and a closed case is never open or overdue', () => {
    const rows = [
      row({ status: 'closed', stage: 'closed', closedAt: new Date('2026-08-01T00:30:00+02:00') }), // 1 Aug in Oslo
      row({ status: 'closed', stage: 'closed', closedAt: new Date('2026-07-31T21:30:00Z') }), // 31 Jul 23:30 in Oslo
      row({ status: 'closed', stage: 'closed', overdue: true, closedAt: new Date('2026-09-01T10:00:00Z') }),
      row({ status: 'closed', stage: 'closed' }), // no closing time: not counted
    ];
    const o = aggregateOverview(rows, ['S001'], now);
    expect(o.total.closedThisTerm).toBe(2);
    expect([o.total.open, o.total.overdue]).toEqual([0, 0]);
  });

  test('cases opened per month: by the Oslo month of opening, open and closed alike, older than twelve months left out', () => {
    const rows = [
      row({ openedAt: new Date('2026-10-01T08:00:00Z') }),
      row({ openedAt: new Date('2026-09-30T22:30:00Z') }), // 1 Oct 00:30 in Oslo
      row({ status: 'closed', stage: 'closed', openedAt: new Date('2025-11-03T08:00:00Z') }),
      row({ openedAt: new Date('2025-10-31T08:00:00Z') }), // thirteen months back
      row({}), // no opening time
    ];
    const o = aggregateOverview(rows, ['S001'], now);
    expect(o.months[0]).toBe('2025-11');
    expect(o.months[11]).toBe('2026-10');
    expect(o.total.openedByMonth).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(o.total.openedByMonth.reduce((a, b) => a + b, 0)).toBe(3);
  });

  test('rows of schools not asked for are left out, schools without cases are shown with zeros, an unknown stage is counted apart', () => {
    const rows = [row({ schoolId: 'S009' }), row({ stage: 'something-new' })];
    const o = aggregateOverview(rows, ['S001', 'S002'], now);
    expect(o.schools.map((s) => s.schoolId)).toEqual(['S001', 'S002']);
    expect([o.total.open, o.total.openOtherStage]).toEqual([1, 1]);
    expect(o.schools[1]!.counts.open).toBe(0);
  });
});
