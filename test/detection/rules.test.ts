/**
 * The detection rules at their boundaries, each test citing the clause it checks. Every test
 * asserts the exact evidence dates, so a rule that fires on the wrong days fails.
 */
import { resolveDetectionPolicy } from '../../detection/policy';
import type { Registration } from '../../intake/registration-schema';
import {
  activeRules,
  consecutiveDays,
  cutDays,
  detect,
  detectInOrder,
  daysOrLessonsOverLimit,
  daysOverLimit,
  groupByPupil,
  lateArrivals,
  leftDuringDay,
  partialDaysInMonth,
  type PreviousTrigger,
  type Rule,
  type RuleContext,
  singleDaysInMonth,
  suspectedInvalidAbsence,
  trend,
  unnotifiedAbsence,
  validAbsenceHalfYear,
} from '../../detection/rules';
import type { SchoolCalendar } from '../../detection/school-calendar';
import { getProcedure } from '../../machines/registry';
import { calendar, invalid, monthCalendar, openCalendar, partial, whole } from './fixtures';

const C = 'tiltaksplan-elevfravaer';
const A = 'plan-for-skolenaervaer';
const E = 'raelingen-veileder';
const B = 'hardanger-handlingsplan';

/** Runs one rule for the single pupil in `regs` as of `today`. */
function run(rule: Rule, regs: Registration[], opts: { today?: string; procedureId?: string; cal?: SchoolCalendar } = {}) {
  const cal = opts.cal ?? calendar;
  const procedureId = opts.procedureId ?? C;
  const today = opts.today ?? '2026-06-19';
  const pupil = groupByPupil(regs, cal).get('elev-1');
  if (!pupil) return undefined;
  const ctx: RuleContext = {
    procedureId,
    noticeClause: getProcedure(procedureId).detection.noticeClause,
    calendar: cal,
    policy: resolveDetectionPolicy(procedureId),
    today,
    isNew: false,
  };
  return rule(cutDays(pupil, today), ctx);
}
const wholeDays = (...dates: string[]) => dates.map((d) => whole(d));

describe('C.2 three consecutive school days', () => {
  test('[C.2] 2 days across a weekend do not fire; the 3rd school day does, with the run as evidence', () => {
    expect(run(consecutiveDays, wholeDays('2026-04-24', '2026-04-27'))).toBeUndefined();
    const hit = run(consecutiveDays, wholeDays('2026-04-24', '2026-04-27', '2026-04-28'));
    expect(hit).toMatchObject({
      rule: 'consecutive-days',
      dates: ['2026-04-24', '2026-04-27', '2026-04-28'],
      days: 3,
      firedOn: '2026-04-28',
      clause: 'C.2',
    });
  });

  test('[C.2] Kristi himmelfartsdag (2026-05-14) between absences does not break the run', () => {
    expect(run(consecutiveDays, wholeDays('2026-05-13', '2026-05-15'))).toBeUndefined();
    expect(run(consecutiveDays, wholeDays('2026-05-12', '2026-05-13', '2026-05-15'))?.dates).toEqual([
      '2026-05-12',
      '2026-05-13',
      '2026-05-15',
    ]);
  });

  test("[C.2] the municipality's winter holiday between absences does not break the run", () => {
    expect(run(consecutiveDays, wholeDays('2026-02-20', '2026-03-02'))).toBeUndefined();
    expect(run(consecutiveDays, wholeDays('2026-02-20', '2026-03-02', '2026-03-03'))?.dates).toEqual([
      '2026-02-20',
      '2026-03-02',
      '2026-03-03',
    ]);
  });

  test('[C.2] a school day attended breaks the run, and so does a day with only partial absence', () => {
    expect(run(consecutiveDays, wholeDays('2026-04-20', '2026-04-21', '2026-04-23', '2026-04-24'))).toBeUndefined();
    expect(run(consecutiveDays, [...wholeDays('2026-04-20', '2026-04-21', '2026-04-23'), partial('2026-04-22', 2)])).toBeUndefined();
    // The run that does fire is the later one, with its own dates.
    expect(run(consecutiveDays, wholeDays('2026-04-20', '2026-04-21', '2026-04-23', '2026-04-24', '2026-04-27'))?.dates).toEqual([
      '2026-04-23',
      '2026-04-24',
      '2026-04-27',
    ]);
  });
});

describe('C.2 four single days within a month (a calendar month)', () => {
  const three = ['2026-05-04', '2026-05-12', '2026-05-20'];
  /** The 4-day rule over `dates` on a calendar with school days at every month's ends. */
  const four = (...dates: string[]) => run(singleDaysInMonth, wholeDays(...dates), { cal: monthCalendar, today: '2028-12-31' });

  test('[C.2] the 4th day on the last day of the month from the first (4 May – 3 June) fires, with the days and the month in the description', () => {
    const hit = run(singleDaysInMonth, wholeDays(...three, '2026-06-03'));
    expect(hit).toMatchObject({
      rule: 'single-days-in-month',
      dates: [...three, '2026-06-03'],
      days: 4,
      firedOn: '2026-06-03',
      clause: 'C.2',
    });
    expect(hit?.description).toBe('4 fraværsdager i løpet av en måned (04.05.2026, 12.05.2026, 20.05.2026, 03.06.2026).');
  });

  test('[C.2] the 4th day on the same date next month (4 June) is outside the month', () => {
    expect(run(singleDaysInMonth, wholeDays(...three, '2026-06-04'))).toBeUndefined();
  });

  test('[C.2] 3 days within a month do not fire', () => {
    expect(run(singleDaysInMonth, wholeDays(...three))).toBeUndefined();
  });

  test('[C.2] a 31-day month: 1–31 October fires (31 days, more than 30)', () => {
    expect(four('2025-10-01', '2025-10-10', '2025-10-20', '2025-10-31')).toMatchObject({
      dates: ['2025-10-01', '2025-10-10', '2025-10-20', '2025-10-31'],
      firedOn: '2025-10-31',
    });
  });

  test('[C.2] a 30-day month: 1–30 September fires; 1 September – 1 October does not', () => {
    expect(four('2026-09-01', '2026-09-10', '2026-09-21', '2026-09-30')).toMatchObject({ firedOn: '2026-09-30' });
    expect(four('2026-09-01', '2026-09-10', '2026-09-21', '2026-10-01')).toBeUndefined();
  });

  test('[C.2] a 28-day month: 1 February – 2 March does not fire, nor 1 February – 1 March; 2 February – 1 March does', () => {
    expect(four('2027-02-01', '2027-02-10', '2027-02-19', '2027-03-02')).toBeUndefined();
    expect(four('2027-02-01', '2027-02-10', '2027-02-19', '2027-03-01')).toBeUndefined();
    expect(four('2027-02-02', '2027-02-10', '2027-02-19', '2027-03-01')).toMatchObject({ firedOn: '2027-03-01' });
  });

  test('[C.2] a 29-day month (leap year): 1–29 February 2028 fires; 1 February – 1 March does not', () => {
    expect(four('2028-02-01', '2028-02-10', '2028-02-18', '2028-02-29')).toMatchObject({ firedOn: '2028-02-29' });
    expect(four('2028-02-01', '2028-02-10', '2028-02-18', '2028-03-01')).toBeUndefined();
  });

  test('[C.2] from the 31st the month runs to the end of a shorter next month: 31 January – 29 February 2028 and 31 March – 30 April 2027 fire, a day later does not', () => {
    expect(four('2028-01-31', '2028-02-08', '2028-02-17', '2028-02-29')).toMatchObject({ firedOn: '2028-02-29' });
    expect(four('2028-01-31', '2028-02-08', '2028-02-17', '2028-03-01')).toBeUndefined();
    expect(four('2027-03-31', '2027-04-08', '2027-04-19', '2027-04-30')).toMatchObject({ firedOn: '2027-04-30' });
    expect(four('2027-03-31', '2027-04-08', '2027-04-19', '2027-05-03')).toBeUndefined();
  });

  test('[C.2] the window slides: an early day that falls out of the month leaves the next four to fire', () => {
    // The month from 1 September ends on 30 September; with 1 October the count starts from the next day in it.
    expect(four('2026-09-01', '2026-09-03', '2026-09-21', '2026-09-30', '2026-10-01')).toMatchObject({
      dates: ['2026-09-01', '2026-09-03', '2026-09-21', '2026-09-30'],
      firedOn: '2026-09-30',
    });
    expect(four('2026-09-01', '2026-09-21', '2026-09-30', '2026-10-01', '2026-10-02')).toMatchObject({
      dates: ['2026-09-21', '2026-09-30', '2026-10-01', '2026-10-02'],
      firedOn: '2026-10-02',
    });
  });
});

describe('C.2 repeated partial-day absence in the last month (a calendar month)', () => {
  const partials = (...dates: string[]) => dates.map((d) => partial(d, 1));
  const repeated = (...dates: string[]) => run(partialDaysInMonth, partials(...dates), { cal: monthCalendar, today: '2028-12-31' });

  test('[C.2] 3 partial days in the month up to 31 October (from 1 October) fire; from 30 September they do not', () => {
    expect(repeated('2025-10-01', '2025-10-15', '2025-10-31')).toMatchObject({
      dates: ['2025-10-01', '2025-10-15', '2025-10-31'],
      lessons: 3,
      firedOn: '2025-10-31',
    });
    expect(repeated('2025-09-30', '2025-10-15', '2025-10-31')).toBeUndefined();
  });

  test('[C.2] the last month up to 2 March starts on 3 February: 2 February is outside, 3 February inside', () => {
    expect(repeated('2026-02-02', '2026-02-16', '2026-03-02')).toBeUndefined();
    expect(repeated('2026-02-03', '2026-02-16', '2026-03-02')).toMatchObject({ firedOn: '2026-03-02' });
  });

  test('[C.2] the last month up to 31 March starts on 1 March (February has no 31st): 26 February is outside', () => {
    expect(repeated('2027-03-01', '2027-03-15', '2027-03-31')).toMatchObject({ firedOn: '2027-03-31' });
    expect(repeated('2027-02-26', '2027-03-15', '2027-03-31')).toBeUndefined();
  });

  test('[C.2] partial absence on 3 days within a month fires with the lessons; on 2 days it does not', () => {
    expect(run(partialDaysInMonth, [partial('2026-05-04', 2), partial('2026-05-20', 1)])).toBeUndefined();
    const hit = run(partialDaysInMonth, [partial('2026-05-04', 2), partial('2026-05-20', 1), partial('2026-06-02', 3)]);
    expect(hit).toMatchObject({ rule: 'partial-days-in-month', dates: ['2026-05-04', '2026-05-20', '2026-06-02'], lessons: 6 });
  });

  test('[C.2] minutes without a lesson count are rounded up to lessons (46 minutes = 2 lessons)', () => {
    const minutes = { ...partial('2026-05-05', 1), lessons: undefined, minutes: 46 };
    const hit = run(partialDaysInMonth, [partial('2026-05-04', 1), minutes, partial('2026-05-06', 1)]);
    expect(hit?.lessons).toBe(4);
  });

  test('[C.2] the third partial day on the same date next month (4 May – 4 June) is outside the month; a day earlier it is inside', () => {
    expect(run(partialDaysInMonth, [partial('2026-05-04', 1), partial('2026-05-20', 1), partial('2026-06-04', 1)])).toBeUndefined();
    expect(run(partialDaysInMonth, [partial('2026-05-04', 1), partial('2026-05-20', 1), partial('2026-06-03', 1)])?.description).toBe(
      'Gjentakende fravær deler av skoledagen: 3 dager i løpet av en måned, 3 timer (04.05.2026, 20.05.2026, 03.06.2026).',
    );
  });
});

describe('A.T1.0 absence over 10 days in the school year', () => {
  const days = [
    '2026-04-20',
    '2026-04-22',
    '2026-04-24',
    '2026-04-28',
    '2026-04-30',
    '2026-05-05',
    '2026-05-07',
    '2026-05-11',
    '2026-05-13',
    '2026-05-19',
  ];

  test('[A.T1.0] 10 days do not fire; the 11th does, with all 11 days as evidence', () => {
    expect(run(daysOverLimit, wholeDays(...days), { procedureId: A })).toBeUndefined();
    const hit = run(daysOverLimit, wholeDays(...days, '2026-05-21'), { procedureId: A });
    expect(hit).toMatchObject({
      rule: 'days-over-limit',
      dates: [...days, '2026-05-21'],
      days: 11,
      firedOn: '2026-05-21',
      clause: 'A.T1.0',
    });
  });

  test('[A.T1.0] the count starts again on Aug 1: 10 days in spring and 1 in autumn do not fire', () => {
    expect(run(daysOverLimit, wholeDays(...days, '2026-08-17'), { procedureId: A })).toBeUndefined();
  });
});

describe('unnotified absence', () => {
  const unnotified = { notifiedByGuardians: false } as const;

  test('[A.5.1c] no notice by the 3rd school day: fires on that day, not on the 2nd', () => {
    const regs = [whole('2026-05-11', unnotified), whole('2026-05-12', unnotified)];
    expect(run(unnotifiedAbsence, regs, { procedureId: A, today: '2026-05-12' })).toBeUndefined();
    const hit = run(unnotifiedAbsence, regs, { procedureId: A, today: '2026-05-13' });
    expect(hit).toMatchObject({
      rule: 'unnotified-absence',
      dates: ['2026-05-11', '2026-05-12'],
      days: 2,
      firedOn: '2026-05-13',
      clause: 'A.5.1c',
    });
  });

  test('[A.5.1c] the 3 days are school days: over Kristi himmelfartsdag and the weekend the 3rd is Monday', () => {
    const regs = [whole('2026-05-13', unnotified)];
    expect(run(unnotifiedAbsence, regs, { procedureId: A, today: '2026-05-17' })).toBeUndefined();
    expect(run(unnotifiedAbsence, regs, { procedureId: A, today: '2026-05-18' })?.firedOn).toBe('2026-05-18');
  });

  test('[A.5.1c] notified absence never fires', () => {
    expect(run(unnotifiedAbsence, wholeDays('2026-05-11', '2026-05-12', '2026-05-13'), { procedureId: A })).toBeUndefined();
  });

  test('[E.S4] grade 7 (barnetrinn): the home is contacted on the first school day', () => {
    const hit = run(unnotifiedAbsence, [whole('2026-05-11', { ...unnotified, grade: 7 })], { procedureId: E, today: '2026-05-11' });
    expect(hit).toMatchObject({ dates: ['2026-05-11'], firedOn: '2026-05-11', clause: 'E.S4' });
  });

  test('[E.S4] grade 8 (ungdomsskole): not on the 1st or 2nd school day, on the 3rd', () => {
    const regs = [whole('2026-05-11', { ...unnotified, grade: 8 }), partial('2026-05-13', 2, { ...unnotified, grade: 8 })];
    expect(run(unnotifiedAbsence, regs, { procedureId: E, today: '2026-05-11' })).toBeUndefined();
    expect(run(unnotifiedAbsence, regs, { procedureId: E, today: '2026-05-12' })).toBeUndefined();
    expect(run(unnotifiedAbsence, regs, { procedureId: E, today: '2026-05-13' })).toMatchObject({
      dates: ['2026-05-11', '2026-05-13'],
      days: 1,
      firedOn: '2026-05-13',
    });
  });
});

describe('C.1.2 absence without notice: the school contacts the home the same day', () => {
  const unnotified = { notifiedByGuardians: false } as const;

  test('[C.1.2] C runs the unnotified rule: a day without notice fires that school day, in every grade', () => {
    for (const grade of [3, 9]) {
      const hit = run(unnotifiedAbsence, [whole('2026-05-11', { ...unnotified, grade })], { today: '2026-05-11' });
      expect(hit).toMatchObject({ rule: 'unnotified-absence', dates: ['2026-05-11'], days: 1, firedOn: '2026-05-11', clause: 'C.1.2' });
    }
    expect(run(unnotifiedAbsence, [whole('2026-05-11', unnotified)], { today: '2026-05-11' })?.description).toBe(
      'Fravær uten melding fra foresatte 11.05.2026 (trinn 5, barnetrinnet). Skolen kontakter hjemmet samme dag.',
    );
    // A late arrival without notice is absence without notice too.
    expect(run(unnotifiedAbsence, [partial('2026-05-11', 1, { ...unnotified, lateArrival: true })], { today: '2026-05-11' })).toMatchObject(
      { days: 0, firedOn: '2026-05-11' },
    );
  });

  test('[C.1.2] absence with notice never fires', () => {
    expect(run(unnotifiedAbsence, wholeDays('2026-05-11', '2026-05-12'), { today: '2026-05-12' })).toBeUndefined();
  });

  test('[C.1.2] one absence is reported once: the next school days of the same absence are not a new missing notice; a new absence after a day at school is', () => {
    const pupil = groupByPupil(
      [...['2026-05-11', '2026-05-12', '2026-05-13', '2026-05-15'].map((d) => whole(d, unnotified)), whole('2026-05-19', unnotified)],
      calendar,
    ).get('elev-1')!;
    const ctx = (after: string): RuleContext => ({
      procedureId: C,
      noticeClause: getProcedure(C).detection.noticeClause,
      calendar,
      policy: resolveDetectionPolicy(C),
      today: '2026-06-19',
      isNew: true,
      after,
    });
    // 12, 13 and 15 May (Kristi himmelfartsdag on the 14th is no school day) continue the absence of the 11th.
    expect(unnotifiedAbsence(cutDays(pupil, '2026-06-19', '2026-05-11'), ctx('2026-05-11'))).toMatchObject({
      dates: ['2026-05-19'],
      firedOn: '2026-05-19',
    });
    // The 18th was a school day without absence: the 19th starts a new absence.
    expect(unnotifiedAbsence(cutDays(pupil, '2026-06-19', '2026-05-19'), ctx('2026-05-19'))).toBeUndefined();
  });
});

describe("cut-off families: one rule's trigger does not hide another rule's pattern", () => {
  const unnotified = { notifiedByGuardians: false } as const;
  const steps = (procedureId: string, regs: Registration[], today: string, previous: PreviousTrigger[] = []) =>
    detectInOrder(procedureId, groupByPupil(regs, calendar), calendar, today, previous).map((s) => ({
      rule: s.trigger.rule,
      dates: s.trigger.dates,
      clause: s.trigger.clause,
      sameDay: s.sameDay.map((t) => t.rule),
    }));

  test('[C.1.2][C.2] three consecutive days without notice: the first day asks for the contact, the third is the first pattern (not a 4th day later)', () => {
    const regs = ['2026-05-11', '2026-05-12', '2026-05-13'].map((d) => whole(d, unnotified));
    expect(steps(C, regs, '2026-05-13')).toEqual([
      { rule: 'unnotified-absence', dates: ['2026-05-11'], clause: 'C.1.2', sameDay: [] },
      { rule: 'consecutive-days', dates: ['2026-05-11', '2026-05-12', '2026-05-13'], clause: 'C.2', sameDay: [] },
    ]);
  });

  test('[C.1.2][C.3] a pattern does not hide the next day without notice, and a missing notice does not make the next pattern "new" (C.3)', () => {
    const regs = [...['2026-05-04', '2026-05-05', '2026-05-06'].map((d) => whole(d)), whole('2026-05-07', unnotified)];
    expect(steps(C, regs, '2026-05-07')).toEqual([
      { rule: 'consecutive-days', dates: ['2026-05-04', '2026-05-05', '2026-05-06'], clause: 'C.2', sameDay: [] },
      { rule: 'unnotified-absence', dates: ['2026-05-07'], clause: 'C.1.2', sameDay: [] },
    ]);
    // After a missing notice only, the next pattern is still the first (C.2), and its days count from the start.
    const previous: PreviousTrigger[] = [{ pupilId: 'elev-1', rule: 'unnotified-absence', dates: ['2026-05-04'] }];
    expect(
      steps(
        C,
        ['2026-05-04', '2026-05-05', '2026-05-06'].map((d) => whole(d)),
        '2026-05-06',
        previous,
      ),
    ).toEqual([{ rule: 'consecutive-days', dates: ['2026-05-04', '2026-05-05', '2026-05-06'], clause: 'C.2', sameDay: [] }]);
  });

  test('[C.1.2][C.2] on the same day a pattern and a missing notice are both delivered, the pattern first; rules of one family are merged', () => {
    const regs = [whole('2026-04-27'), whole('2026-05-05'), whole('2026-05-06'), whole('2026-05-07', unnotified)];
    expect(steps(C, regs, '2026-05-07')).toEqual([
      { rule: 'consecutive-days', dates: ['2026-05-05', '2026-05-06', '2026-05-07'], clause: 'C.2', sameDay: ['single-days-in-month'] },
      { rule: 'unnotified-absence', dates: ['2026-05-07'], clause: 'C.1.2', sameDay: [] },
    ]);
  });

  test('[E.S4][E.S5a] a day without notice (grade 5: the 1st day) does not start the "over 8 days" count again', () => {
    const eight = ['2026-04-20', '2026-04-22', '2026-04-24', '2026-04-28', '2026-04-30', '2026-05-05', '2026-05-07', '2026-05-11'];
    const regs = [whole(eight[0]!, unnotified), ...eight.slice(1).map((d) => whole(d)), whole('2026-05-13')];
    expect(steps(E, regs, '2026-05-13')).toEqual([
      { rule: 'unnotified-absence', dates: ['2026-04-20'], clause: 'E.S4', sameDay: [] },
      { rule: 'days-or-lessons-over-limit', dates: [...eight, '2026-05-13'], clause: 'E.S5a', sameDay: [] },
    ]);
  });

  test('[A.5.1c][A.T1.0] absence without notice does not start the school year\'s "over 10 days" count again', () => {
    const ten = [
      '2026-04-20',
      '2026-04-21',
      '2026-04-22',
      '2026-04-24',
      '2026-04-28',
      '2026-04-30',
      '2026-05-05',
      '2026-05-07',
      '2026-05-11',
      '2026-05-13',
    ];
    const regs = [...ten.slice(0, 3).map((d) => whole(d, unnotified)), ...ten.slice(3).map((d) => whole(d)), whole('2026-05-18')];
    expect(steps(A, regs, '2026-05-18')).toEqual([
      { rule: 'unnotified-absence', dates: ten.slice(0, 3), clause: 'A.5.1c', sameDay: [] },
      { rule: 'days-over-limit', dates: [...ten, '2026-05-18'], clause: 'A.T1.0', sameDay: [] },
    ]);
  });

  test('[C.3] fed back as previous triggers, nothing is found again (a repeated run delivers nothing)', () => {
    const regs = [...['2026-05-11', '2026-05-12', '2026-05-13'].map((d) => whole(d, unnotified)), whole('2026-05-18', unnotified)];
    const found = detectInOrder(C, groupByPupil(regs, calendar), calendar, '2026-05-18');
    expect(found.map((s) => s.trigger.rule)).toEqual(['unnotified-absence', 'consecutive-days', 'unnotified-absence']);
    const previous = found.flatMap((s) => [s.trigger, ...s.sameDay]);
    expect(detectInOrder(C, groupByPupil(regs, calendar), calendar, '2026-05-18', previous)).toEqual([]);
  });

  test('detect and detectInOrder take the run alike: previous triggers cut both, and both check today against the calendar', () => {
    const regs = [...['2026-05-11', '2026-05-12', '2026-05-13'].map((d) => whole(d, unnotified)), whole('2026-05-18', unnotified)];
    const pupils = groupByPupil(regs, calendar);
    expect(detect(C, regs, calendar, '2026-05-18').map((t) => t.rule)).toEqual([
      'unnotified-absence',
      'consecutive-days',
      'single-days-in-month',
    ]);
    const previous = detectInOrder(C, pupils, calendar, '2026-05-18').flatMap((s) => [s.trigger, ...s.sameDay]);
    expect(detect(C, regs, calendar, '2026-05-18', previous)).toEqual([]);
    expect(detectInOrder(C, pupils, calendar, '2026-05-18', previous)).toEqual([]);
    expect(() => detect(C, regs, calendar, '2027-01-04')).toThrow('utenfor skolekalenderen');
    expect(() => detectInOrder(C, pupils, calendar, '2027-01-04')).toThrow('utenfor skolekalenderen');
  });
});

describe('E.DS invalid absence with notice (suspected invalid absence)', () => {
  const invalidWithNotice = { valid: false, notifiedByGuardians: true, reasonCode: 'UGYLDIG' } as const;

  test('[E.DS][E.S3] a whole day registered as invalid although the guardians gave notice fires that day', () => {
    const hit = run(suspectedInvalidAbsence, [whole('2026-05-04'), whole('2026-05-05', invalidWithNotice)], { procedureId: E });
    expect(hit).toMatchObject({ rule: 'suspected-invalid-absence', dates: ['2026-05-05'], days: 1, firedOn: '2026-05-05', clause: 'E.DS' });
    expect(hit?.lessons).toBeUndefined();
    expect(hit?.description).toBe(
      'Ugyldig fravær hele dagen 05.05.2026, selv om foresatte ga beskjed. Meld til skolens ledelse og kontakt hjemmet straks.',
    );
  });

  test('[E.DS][E.S3] invalid absence from single lessons fires with its lessons (minutes rounded up)', () => {
    const hit = run(suspectedInvalidAbsence, [partial('2026-05-05', 2, invalidWithNotice)], { procedureId: E });
    expect(hit).toMatchObject({ dates: ['2026-05-05'], days: 0, lessons: 2, firedOn: '2026-05-05' });
    const late = { ...partial('2026-05-06', 1, { ...invalidWithNotice, lateArrival: true }), lessons: undefined, minutes: 20 };
    expect(run(suspectedInvalidAbsence, [late], { procedureId: E })).toMatchObject({ lessons: 1, firedOn: '2026-05-06' });
  });

  test("[E.DS][E.S3] valid absence does not fire, nor invalid absence without notice (that is the unnotified rule's, E.S4)", () => {
    expect(run(suspectedInvalidAbsence, [whole('2026-05-05'), partial('2026-05-06', 3)], { procedureId: E })).toBeUndefined();
    expect(run(suspectedInvalidAbsence, [whole('2026-05-05', invalid)], { procedureId: E })).toBeUndefined();
  });

  test('[E.DS][E.S3] each such day is its own trigger, counted after the previous one; it neither hides nor is hidden by the other rules', () => {
    const regs = [
      whole('2026-05-04', invalidWithNotice),
      partial('2026-05-06', 1, invalidWithNotice),
      whole('2026-05-07', { ...invalid, grade: 5 }),
    ];
    expect(detectInOrder(E, groupByPupil(regs, calendar), calendar, '2026-05-07').map((s) => [s.trigger.rule, s.trigger.dates])).toEqual([
      ['suspected-invalid-absence', ['2026-05-04']],
      ['suspected-invalid-absence', ['2026-05-06']],
      ['unnotified-absence', ['2026-05-07']],
    ]);
  });

  test('[E.DS] detection raises it for Rælingen only: not for C, and not for Hardanger, whose plan names no such sign although a person may open on it', () => {
    const regs = [whole('2026-05-05', invalidWithNotice)];
    expect(detect(E, regs, calendar, '2026-05-05').map((t) => t.rule)).toEqual(['suspected-invalid-absence']);
    expect(detect(C, regs, calendar, '2026-05-05')).toEqual([]);
    expect(getProcedure(B).openingRules).toContain('suspected-invalid-absence');
    expect(activeRules(B).map((r) => r.id)).toEqual(['unnotified-absence']);
    expect(detect(B, regs, calendar, '2026-05-05')).toEqual([]);
  });
});

describe('E.S5a over 8 days and/or 10 single lessons, all absence counted', () => {
  const eight = ['2026-04-20', '2026-04-22', '2026-04-24', '2026-04-28', '2026-04-30', '2026-05-05', '2026-05-07', '2026-05-11'];
  const invalidDays = (...dates: string[]) => dates.map((d) => whole(d, invalid));

  test('[E.S5a] 8 invalid days do not fire; the 9th does ("over 8")', () => {
    expect(run(daysOrLessonsOverLimit, invalidDays(...eight), { procedureId: E })).toBeUndefined();
    const hit = run(daysOrLessonsOverLimit, invalidDays(...eight, '2026-05-13'), { procedureId: E });
    expect(hit).toMatchObject({
      rule: 'days-or-lessons-over-limit',
      dates: [...eight, '2026-05-13'],
      days: 9,
      lessons: 0,
      firedOn: '2026-05-13',
      clause: 'E.S5a',
    });
  });

  test('[E.S5a] valid absence with notice counts: 8 such days do not fire, the 9th does', () => {
    expect(run(daysOrLessonsOverLimit, wholeDays(...eight), { procedureId: E })).toBeUndefined();
    const hit = run(daysOrLessonsOverLimit, wholeDays(...eight, '2026-05-13'), { procedureId: E });
    expect(hit).toMatchObject({ dates: [...eight, '2026-05-13'], days: 9, lessons: 0, firedOn: '2026-05-13', clause: 'E.S5a' });
    expect(hit?.description).toBe(
      'Fravær dette halvåret (gyldig og ugyldig): 9 hele dager og 0 timer (grense: over 8 dager og/eller 10 timer). Meld til skolens ledelse og bruk kartleggingsskjema 1.',
    );
  });

  test('[E.S5a] valid, invalid and unnotified days count together: 4 + 4 do not fire, a 9th of any kind does', () => {
    const mixed = [
      ...wholeDays(...eight.slice(0, 4)),
      ...invalidDays(...eight.slice(4, 6)),
      ...eight.slice(6).map((d) => whole(d, { notifiedByGuardians: false })),
    ];
    expect(run(daysOrLessonsOverLimit, mixed, { procedureId: E })).toBeUndefined();
    expect(run(daysOrLessonsOverLimit, [...mixed, whole('2026-05-13')], { procedureId: E })).toMatchObject({
      days: 9,
      firedOn: '2026-05-13',
    });
    expect(run(daysOrLessonsOverLimit, [...mixed, whole('2026-05-13', invalid)], { procedureId: E })).toMatchObject({
      days: 9,
      firedOn: '2026-05-13',
    });
  });

  test('[E.S5a] 9 and 10 lessons do not fire ("over 10"); the 11th lesson does, valid or invalid', () => {
    const nine = [partial('2026-04-20', 4, invalid), partial('2026-04-21', 5, invalid)];
    expect(run(daysOrLessonsOverLimit, nine, { procedureId: E })).toBeUndefined();
    expect(run(daysOrLessonsOverLimit, [...nine, partial('2026-04-22', 1, invalid)], { procedureId: E })).toBeUndefined();
    const hit = run(daysOrLessonsOverLimit, [...nine, partial('2026-04-22', 2, invalid)], { procedureId: E });
    expect(hit).toMatchObject({ dates: ['2026-04-20', '2026-04-21', '2026-04-22'], days: 0, lessons: 11, firedOn: '2026-04-22' });
    const validTen = [partial('2026-04-20', 4), partial('2026-04-21', 5), partial('2026-04-22', 1)];
    expect(run(daysOrLessonsOverLimit, validTen, { procedureId: E })).toBeUndefined();
    expect(run(daysOrLessonsOverLimit, [...validTen, partial('2026-04-23', 1)], { procedureId: E })).toMatchObject({
      days: 0,
      lessons: 11,
      firedOn: '2026-04-23',
    });
  });

  test('[E.S5a] days and lessons are two limits, not one sum: 8 days and 10 lessons do not fire', () => {
    const regs = [...wholeDays(...eight), partial('2026-05-12', 5), partial('2026-05-13', 5)];
    expect(run(daysOrLessonsOverLimit, regs, { procedureId: E })).toBeUndefined();
    expect(run(daysOrLessonsOverLimit, [...regs, partial('2026-05-15', 1)], { procedureId: E })).toMatchObject({
      days: 8,
      lessons: 11,
      firedOn: '2026-05-15',
    });
  });

  test('[E.S5a] counting starts again each half-year: 8 days before Jan 1 and 1 after do not fire', () => {
    const autumn = ['2025-11-03', '2025-11-05', '2025-11-07', '2025-11-11', '2025-11-13', '2025-11-17', '2025-11-19', '2025-12-31'];
    expect(run(daysOrLessonsOverLimit, invalidDays(...autumn, '2026-01-02'), { procedureId: E, cal: openCalendar })).toBeUndefined();
    expect(run(daysOrLessonsOverLimit, invalidDays(...autumn, '2025-12-30'), { procedureId: E, cal: openCalendar })?.firedOn).toBe(
      '2025-12-31',
    );
    expect(run(daysOrLessonsOverLimit, wholeDays(...autumn, '2026-01-02'), { procedureId: E, cal: openCalendar })).toBeUndefined();
  });
});

describe('E.DS 10 days of valid absence in a half-year', () => {
  const nineSpring = [
    '2025-07-14',
    '2025-07-16',
    '2025-07-18',
    '2025-07-21',
    '2025-07-23',
    '2025-07-25',
    '2025-07-28',
    '2025-07-29',
    '2025-07-30',
  ];

  test('[E.DS] 9 valid days up to Jul 31 and 1 on Aug 1 are in different half-years and do not fire', () => {
    expect(run(validAbsenceHalfYear, wholeDays(...nineSpring, '2025-08-01'), { procedureId: E, cal: openCalendar })).toBeUndefined();
  });

  test('[E.DS] the 10th valid day on Jul 31 fires, with the 10 days as evidence', () => {
    const hit = run(validAbsenceHalfYear, wholeDays(...nineSpring, '2025-07-31'), { procedureId: E, cal: openCalendar });
    expect(hit).toMatchObject({ rule: 'valid-absence-half-year', dates: [...nineSpring, '2025-07-31'], days: 10, firedOn: '2025-07-31' });
  });

  test('[E.DS] 10 valid days split by Dec 31 / Jan 1 do not fire; invalid days are not counted', () => {
    const nineAutumn = [
      '2025-12-15',
      '2025-12-16',
      '2025-12-17',
      '2025-12-18',
      '2025-12-19',
      '2025-12-22',
      '2025-12-23',
      '2025-12-29',
      '2025-12-30',
    ];
    expect(run(validAbsenceHalfYear, wholeDays(...nineAutumn, '2026-01-02'), { procedureId: E, cal: openCalendar })).toBeUndefined();
    expect(
      run(validAbsenceHalfYear, [...wholeDays(...nineAutumn), whole('2025-12-31', invalid)], { procedureId: E, cal: openCalendar }),
    ).toBeUndefined();
    expect(run(validAbsenceHalfYear, wholeDays(...nineAutumn, '2025-12-31'), { procedureId: E, cal: openCalendar })?.firedOn).toBe(
      '2025-12-31',
    );
  });
});

describe('E.DS late arrivals and leaving during the day', () => {
  const late = (date: string) => partial(date, 1, { lateArrival: true });
  const left = (date: string) => partial(date, 3, { leftDuringDay: true });

  test('[E.DS] 3 late arrivals within 5 school days fire (across Kristi himmelfartsdag); spread over 6 school days they do not', () => {
    expect(run(lateArrivals, [late('2026-05-13'), late('2026-05-15'), late('2026-05-18')], { procedureId: E })).toMatchObject({
      rule: 'late-arrivals',
      dates: ['2026-05-13', '2026-05-15', '2026-05-18'],
      firedOn: '2026-05-18',
    });
    expect(run(lateArrivals, [late('2026-05-11'), late('2026-05-15'), late('2026-05-18')], { procedureId: E })?.dates).toEqual([
      '2026-05-11',
      '2026-05-15',
      '2026-05-18',
    ]);
    expect(run(lateArrivals, [late('2026-05-11'), late('2026-05-15'), late('2026-05-19')], { procedureId: E })).toBeUndefined();
  });

  test('[E.DS] leaving during the day twice within 30 days fires; once, or 30 days apart, does not', () => {
    expect(run(leftDuringDay, [left('2026-05-04')], { procedureId: E })).toBeUndefined();
    expect(run(leftDuringDay, [left('2026-05-04'), left('2026-06-03')], { procedureId: E })).toBeUndefined();
    expect(run(leftDuringDay, [left('2026-05-04'), left('2026-06-02')], { procedureId: E })).toMatchObject({
      rule: 'left-during-day',
      dates: ['2026-05-04', '2026-06-02'],
      firedOn: '2026-06-02',
    });
  });
});

describe('trend: latest 20 school days against the 20 before', () => {
  const policy = resolveDetectionPolicy(C);
  const today = '2026-06-12';
  const pupilOf = (regs: Registration[]) => groupByPupil(regs, calendar).get('elev-1');
  // Latest window: 2026-05-15..2026-06-12; previous: 2026-04-15..2026-05-13 (holidays skipped).

  test("[C.3.3] fewer absence days by more than the tolerance is improved, with both windows' numbers", () => {
    const t = trend(pupilOf(wholeDays('2026-04-15', '2026-04-20', '2026-05-13', '2026-06-12')), calendar, today, policy);
    expect(t).toMatchObject({
      trend: 'improved',
      from: '2026-05-15',
      to: '2026-06-12',
      absenceDays: 1,
      absenceLessons: 0,
      previous: { from: '2026-04-15', to: '2026-05-13', absenceDays: 3, absenceLessons: 0 },
    });
  });

  test('[C.3.3] one more day is within the tolerance: unchanged', () => {
    const t = trend(pupilOf(wholeDays('2026-04-15', '2026-05-13', '2026-05-15', '2026-05-18', '2026-06-12')), calendar, today, policy);
    expect(t).toMatchObject({ trend: 'unchanged', absenceDays: 3, previous: { absenceDays: 2 } });
  });

  test('[C.3.3] partial lessons count as days (6 lessons = 1 day): from 1 day to 2 days and 6 lessons is worse', () => {
    const regs = [whole('2026-05-13'), whole('2026-05-15'), whole('2026-06-12'), partial('2026-06-01', 6)];
    const t = trend(pupilOf(regs), calendar, today, policy);
    expect(t).toMatchObject({
      trend: 'worse',
      absenceDays: 2,
      absenceLessons: 6,
      dayEquivalent: 3,
      previous: { absenceDays: 1, dayEquivalent: 1 },
    });
    expect(t?.description).toBe('Verre: 2 dager og 6 timer fravær 15.05.2026–12.06.2026, mot 1 dag og 0 timer 15.04.2026–13.05.2026.');
  });

  test('[C.3.3] a pupil without absence is unchanged', () => {
    expect(trend(undefined, calendar, today, policy)?.trend).toBe('unchanged');
  });
});
