/**
 * The detection rules at their boundaries, each test citing the clause it checks. Every test
 * asserts the exact evidence dates, so a rule that fires on the wrong days fails.
 */
import { resolveDetectionPolicy } from '../../detection/policy';
import type { Registration } from '../../intake/registration-schema';
import {
  consecutiveDays,
  cutDays,
  daysOrLessonsOverLimit,
  daysOverLimit,
  groupByPupil,
  lateArrivals,
  leftDuringDay,
  partialDaysInMonth,
  type Rule,
  type RuleContext,
  singleDaysInMonth,
  trend,
  unnotifiedAbsence,
  validAbsenceHalfYear,
} from '../../detection/rules';
import type { SchoolCalendar } from '../../detection/school-calendar';
import { calendar, invalid, openCalendar, partial, whole } from './fixtures';

const C = 'tiltaksplan-elevfravaer';
const A = 'plan-for-skolenaervaer';
const E = 'raelingen-veileder';

/** Runs one rule for the single pupil in `regs` as of `today`. */
function run(rule: Rule, regs: Registration[], opts: { today?: string; procedureId?: string; cal?: SchoolCalendar } = {}) {
  const cal = opts.cal ?? calendar;
  const procedureId = opts.procedureId ?? C;
  const today = opts.today ?? '2026-06-19';
  const pupil = groupByPupil(regs, cal).get('elev-1');
  if (!pupil) return undefined;
  const ctx: RuleContext = { procedureId, calendar: cal, policy: resolveDetectionPolicy(procedureId), today, isNew: false };
  return rule(cutDays(pupil, today), ctx);
}
const wholeDays = (...dates: string[]) => dates.map((d) => whole(d));

describe('C.2 three consecutive school days', () => {
  test('[C.2] 2 days across a weekend do not fire; the 3rd school day does, with the run as evidence', () => {
    expect(run(consecutiveDays, wholeDays('2026-04-24', '2026-04-27'))).toBeUndefined();
    const hit = run(consecutiveDays, wholeDays('2026-04-24', '2026-04-27', '2026-04-28'));
    expect(hit).toMatchObject({ rule: 'consecutive-days', dates: ['2026-04-24', '2026-04-27', '2026-04-28'], days: 3, firedOn: '2026-04-28', clause: 'C.2' });
  });

  test('[C.2] Kristi himmelfartsdag (2026-05-14) between absences does not break the run', () => {
    expect(run(consecutiveDays, wholeDays('2026-05-13', '2026-05-15'))).toBeUndefined();
    expect(run(consecutiveDays, wholeDays('2026-05-12', '2026-05-13', '2026-05-15'))?.dates).toEqual(['2026-05-12', '2026-05-13', '2026-05-15']);
  });

  test('[C.2] the municipality\'s winter holiday between absences does not break the run', () => {
    expect(run(consecutiveDays, wholeDays('2026-02-20', '2026-03-02'))).toBeUndefined();
    expect(run(consecutiveDays, wholeDays('2026-02-20', '2026-03-02', '2026-03-03'))?.dates).toEqual(['2026-02-20', '2026-03-02', '2026-03-03']);
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

describe('C.2 four single days within a month', () => {
  const three = ['2026-05-04', '2026-05-12', '2026-05-20'];

  test('[C.2] the 4th day on day 30 of the window (29 days after the first) fires', () => {
    const hit = run(singleDaysInMonth, wholeDays(...three, '2026-06-02'));
    expect(hit).toMatchObject({ rule: 'single-days-in-month', dates: [...three, '2026-06-02'], days: 4, firedOn: '2026-06-02' });
  });

  test('[C.2] the 4th day on day 31 (30 days after the first) does not', () => {
    expect(run(singleDaysInMonth, wholeDays(...three, '2026-06-03'))).toBeUndefined();
  });

  test('[C.2] 3 days within a month do not fire', () => {
    expect(run(singleDaysInMonth, wholeDays(...three))).toBeUndefined();
  });
});

describe('C.2 repeated partial-day absence in the last month', () => {
  test('[C.2] partial absence on 3 days within 30 days fires with the lessons; on 2 days it does not', () => {
    expect(run(partialDaysInMonth, [partial('2026-05-04', 2), partial('2026-05-20', 1)])).toBeUndefined();
    const hit = run(partialDaysInMonth, [partial('2026-05-04', 2), partial('2026-05-20', 1), partial('2026-06-02', 3)]);
    expect(hit).toMatchObject({ rule: 'partial-days-in-month', dates: ['2026-05-04', '2026-05-20', '2026-06-02'], lessons: 6 });
  });

  test('[C.2] minutes without a lesson count are rounded up to lessons (46 minutes = 2 lessons)', () => {
    const minutes = { ...partial('2026-05-05', 1), lessons: undefined, minutes: 46 };
    const hit = run(partialDaysInMonth, [partial('2026-05-04', 1), minutes, partial('2026-05-06', 1)]);
    expect(hit?.lessons).toBe(4);
  });

  test('[C.2] the third partial day 30 days after the first is outside the month', () => {
    expect(run(partialDaysInMonth, [partial('2026-05-04', 1), partial('2026-05-20', 1), partial('2026-06-03', 1)])).toBeUndefined();
  });
});

describe('A.T1.0 absence over 10 days in the school year', () => {
  const days = ['2026-04-20', '2026-04-22', '2026-04-24', '2026-04-28', '2026-04-30', '2026-05-05', '2026-05-07', '2026-05-11', '2026-05-13', '2026-05-19'];

  test('[A.T1.0] 10 days do not fire; the 11th does, with all 11 days as evidence', () => {
    expect(run(daysOverLimit, wholeDays(...days), { procedureId: A })).toBeUndefined();
    const hit = run(daysOverLimit, wholeDays(...days, '2026-05-21'), { procedureId: A });
    expect(hit).toMatchObject({ rule: 'days-over-limit', dates: [...days, '2026-05-21'], days: 11, firedOn: '2026-05-21', clause: 'A.T1.0' });
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
    expect(hit).toMatchObject({ rule: 'unnotified-absence', dates: ['2026-05-11', '2026-05-12'], days: 2, firedOn: '2026-05-13', clause: 'A.5.1c' });
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

describe('E.S5a over 8 days and/or 10 single lessons, all absence counted', () => {
  const eight = ['2026-04-20', '2026-04-22', '2026-04-24', '2026-04-28', '2026-04-30', '2026-05-05', '2026-05-07', '2026-05-11'];
  const invalidDays = (...dates: string[]) => dates.map((d) => whole(d, invalid));

  test('[E.S5a] 8 invalid days do not fire; the 9th does ("over 8")', () => {
    expect(run(daysOrLessonsOverLimit, invalidDays(...eight), { procedureId: E })).toBeUndefined();
    const hit = run(daysOrLessonsOverLimit, invalidDays(...eight, '2026-05-13'), { procedureId: E });
    expect(hit).toMatchObject({ rule: 'days-or-lessons-over-limit', dates: [...eight, '2026-05-13'], days: 9, lessons: 0, firedOn: '2026-05-13', clause: 'E.S5a' });
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
    expect(run(daysOrLessonsOverLimit, [...mixed, whole('2026-05-13')], { procedureId: E })).toMatchObject({ days: 9, firedOn: '2026-05-13' });
    expect(run(daysOrLessonsOverLimit, [...mixed, whole('2026-05-13', invalid)], { procedureId: E })).toMatchObject({ days: 9, firedOn: '2026-05-13' });
  });

  test('[E.S5a] 9 and 10 lessons do not fire ("over 10"); the 11th lesson does, valid or invalid', () => {
    const nine = [partial('2026-04-20', 4, invalid), partial('2026-04-21', 5, invalid)];
    expect(run(daysOrLessonsOverLimit, nine, { procedureId: E })).toBeUndefined();
    expect(run(daysOrLessonsOverLimit, [...nine, partial('2026-04-22', 1, invalid)], { procedureId: E })).toBeUndefined();
    const hit = run(daysOrLessonsOverLimit, [...nine, partial('2026-04-22', 2, invalid)], { procedureId: E });
    expect(hit).toMatchObject({ dates: ['2026-04-20', '2026-04-21', '2026-04-22'], days: 0, lessons: 11, firedOn: '2026-04-22' });
    const validTen = [partial('2026-04-20', 4), partial('2026-04-21', 5), partial('2026-04-22', 1)];
    expect(run(daysOrLessonsOverLimit, validTen, { procedureId: E })).toBeUndefined();
    expect(run(daysOrLessonsOverLimit, [...validTen, partial('2026-04-23', 1)], { procedureId: E })).toMatchObject({ days: 0, lessons: 11, firedOn: '2026-04-23' });
  });

  test('[E.S5a] days and lessons are two limits, not one sum: 8 days and 10 lessons do not fire', () => {
    const regs = [...wholeDays(...eight), partial('2026-05-12', 5), partial('2026-05-13', 5)];
    expect(run(daysOrLessonsOverLimit, regs, { procedureId: E })).toBeUndefined();
    expect(run(daysOrLessonsOverLimit, [...regs, partial('2026-05-15', 1)], { procedureId: E })).toMatchObject({ days: 8, lessons: 11, firedOn: '2026-05-15' });
  });

  test('[E.S5a] counting starts again each half-year: 8 days before Jan 1 and 1 after do not fire', () => {
    const autumn = ['2025-11-03', '2025-11-05', '2025-11-07', '2025-11-11', '2025-11-13', '2025-11-17', '2025-11-19', '2025-12-31'];
    expect(run(daysOrLessonsOverLimit, invalidDays(...autumn, '2026-01-02'), { procedureId: E, cal: openCalendar })).toBeUndefined();
    expect(run(daysOrLessonsOverLimit, invalidDays(...autumn, '2025-12-30'), { procedureId: E, cal: openCalendar })?.firedOn).toBe('2025-12-31');
    expect(run(daysOrLessonsOverLimit, wholeDays(...autumn, '2026-01-02'), { procedureId: E, cal: openCalendar })).toBeUndefined();
  });
});

describe('E.DS 10 days of valid absence in a half-year', () => {
  const nineSpring = ['2025-07-14', '2025-07-16', '2025-07-18', '2025-07-21', '2025-07-23', '2025-07-25', '2025-07-28', '2025-07-29', '2025-07-30'];

  test('[E.DS] 9 valid days up to Jul 31 and 1 on Aug 1 are in different half-years and do not fire', () => {
    expect(run(validAbsenceHalfYear, wholeDays(...nineSpring, '2025-08-01'), { procedureId: E, cal: openCalendar })).toBeUndefined();
  });

  test('[E.DS] the 10th valid day on Jul 31 fires, with the 10 days as evidence', () => {
    const hit = run(validAbsenceHalfYear, wholeDays(...nineSpring, '2025-07-31'), { procedureId: E, cal: openCalendar });
    expect(hit).toMatchObject({ rule: 'valid-absence-half-year', dates: [...nineSpring, '2025-07-31'], days: 10, firedOn: '2025-07-31' });
  });

  test('[E.DS] 10 valid days split by Dec 31 / Jan 1 do not fire; invalid days are not counted', () => {
    const nineAutumn = ['2025-12-15', '2025-12-16', '2025-12-17', '2025-12-18', '2025-12-19', '2025-12-22', '2025-12-23', '2025-12-29', '2025-12-30'];
    expect(run(validAbsenceHalfYear, wholeDays(...nineAutumn, '2026-01-02'), { procedureId: E, cal: openCalendar })).toBeUndefined();
    expect(run(validAbsenceHalfYear, [...wholeDays(...nineAutumn), whole('2025-12-31', invalid)], { procedureId: E, cal: openCalendar })).toBeUndefined();
    expect(run(validAbsenceHalfYear, wholeDays(...nineAutumn, '2025-12-31'), { procedureId: E, cal: openCalendar })?.firedOn).toBe('2025-12-31');
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

  test('[C.3.3] fewer absence days by more than the tolerance is improved, with both windows\' numbers', () => {
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
    expect(t).toMatchObject({ trend: 'worse', absenceDays: 2, absenceLessons: 6, dayEquivalent: 3, previous: { absenceDays: 1, dayEquivalent: 1 } });
    expect(t?.description).toBe('Verre: 2 dager og 6 timer fravær 15.05.2026–12.06.2026, mot 1 dag og 0 timer 15.04.2026–13.05.2026.');
  });

  test('[C.3.3] a pupil without absence is unchanged', () => {
    expect(trend(undefined, calendar, today, policy)?.trend).toBe('unchanged');
  });
});
