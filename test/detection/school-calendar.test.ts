/**
 * The school calendar: which dates are school days (weekends, Norwegian public holidays, the
 * municipality's school holidays and extra days off), counting school days, and the periods
 * the procedures count within.
 */
import {
  buildSchoolCalendar,
  CalendarRangeError,
  halfYearOf,
  InvalidCalendarConfigError,
  monthFrom,
  monthUpTo,
  schoolYearOf,
} from '../../detection/school-calendar';
import { calendar, calendarConfig } from './fixtures';

describe('school days', () => {
  test('[Calendar] weekends, public holidays, school holidays and extra days off are not school days, each with its reason', () => {
    expect(calendar.isSchoolDay('2026-05-13')).toBe(true);
    expect(calendar.isSchoolDay('2026-05-14')).toBe(false);
    expect(calendar.nonTeachingReason('2026-05-14')).toBe('Kristi himmelfartsdag');
    expect(calendar.nonTeachingReason('2026-05-16')).toBe('helg');
    expect(calendar.nonTeachingReason('2026-05-17')).toBe('Grunnlovsdagen');
    expect(calendar.nonTeachingReason('2026-02-25')).toBe('Vinterferie');
    expect(calendar.nonTeachingReason('2026-03-13')).toBe('Planleggingsdag');
    expect(calendar.nonTeachingReason('2026-03-12')).toBeUndefined();
  });

  test('[Calendar] only public holidays are taken from date-holidays: Midsummer Eve and Christmas Eve are school days', () => {
    // 2026-06-23 (Sankthansaften) and 2026-12-24 (Julaften) are observances in date-holidays.
    const noSchoolHolidays = buildSchoolCalendar({ municipality: 'X', firstYear: 2026, lastYear: 2026 });
    expect(noSchoolHolidays.isSchoolDay('2026-06-23')).toBe(true);
    expect(noSchoolHolidays.isSchoolDay('2026-12-24')).toBe(true);
    expect(noSchoolHolidays.isSchoolDay('2026-05-25')).toBe(false); // Andre pinsedag
  });

  test('[Calendar] school days between two dates count both ends and skip the holiday', () => {
    expect(calendar.schoolDaysBetween('2026-05-11', '2026-05-15')).toBe(4);
    expect(calendar.schoolDaysBetween('2026-05-15', '2026-05-15')).toBe(1);
    expect(calendar.schoolDaysBetween('2026-05-16', '2026-05-17')).toBe(0);
    expect(calendar.schoolDaysBetween('2026-05-15', '2026-05-11')).toBe(0);
  });

  test('[Calendar] previous and n-th school day step over holidays and weekends', () => {
    expect(calendar.previousSchoolDay('2026-05-15')).toBe('2026-05-13');
    expect(calendar.previousSchoolDay('2026-03-02')).toBe('2026-02-20');
    expect(calendar.nthSchoolDayBefore('2026-05-18', 1)).toBe('2026-05-15');
    expect(calendar.nthSchoolDayBefore('2026-05-18', 3)).toBe('2026-05-12');
    expect(calendar.nthSchoolDayFrom('2026-05-14', 1)).toBe('2026-05-15');
    expect(calendar.nthSchoolDayFrom('2026-05-13', 3)).toBe('2026-05-18');
    expect(calendar.previousSchoolDay('2025-01-01')).toBeUndefined();
  });

  test('[Calendar] a date outside the configured years is refused with the range', () => {
    expect(() => calendar.isSchoolDay('2027-01-04')).toThrow(CalendarRangeError);
    expect(() => calendar.isSchoolDay('2027-01-04')).toThrow('datoen «2027-01-04» ligger utenfor skolekalenderen 2025-01-01–2026-12-31');
  });
});

describe('periods', () => {
  test('[E.DS] half-year boundaries: Jul 31 is spring, Aug 1 autumn; Dec 31 is autumn, Jan 1 spring', () => {
    expect(halfYearOf('2026-07-31')).toEqual({ half: 'spring', from: '2026-01-01', to: '2026-07-31' });
    expect(halfYearOf('2026-08-01')).toEqual({ half: 'autumn', from: '2026-08-01', to: '2026-12-31' });
    expect(halfYearOf('2025-12-31')).toEqual({ half: 'autumn', from: '2025-08-01', to: '2025-12-31' });
    expect(halfYearOf('2026-01-01')).toEqual({ half: 'spring', from: '2026-01-01', to: '2026-07-31' });
    expect(calendar.halfYearOf('2026-01-01').half).toBe('spring');
  });

  test('[A.T1.0] the school year runs Aug 1 – Jul 31', () => {
    expect(schoolYearOf('2026-07-31')).toEqual({ from: '2025-08-01', to: '2026-07-31' });
    expect(schoolYearOf('2026-08-01')).toEqual({ from: '2026-08-01', to: '2027-07-31' });
  });

  test('[C.2] "a month" is a calendar month: to the day before the same date next month, or to the end of a shorter next month', () => {
    expect(monthFrom('2025-10-01')).toEqual({ from: '2025-10-01', to: '2025-10-31' }); // 31 days
    expect(monthFrom('2026-09-01')).toEqual({ from: '2026-09-01', to: '2026-09-30' }); // 30 days
    expect(monthFrom('2026-02-01')).toEqual({ from: '2026-02-01', to: '2026-02-28' }); // 28 days
    expect(monthFrom('2028-02-01')).toEqual({ from: '2028-02-01', to: '2028-02-29' }); // 29 days, leap year
    expect(monthFrom('2026-01-15')).toEqual({ from: '2026-01-15', to: '2026-02-14' });
    expect(monthFrom('2025-12-20')).toEqual({ from: '2025-12-20', to: '2026-01-19' }); // across the new year
    // No 29, 30 or 31 February: the month runs to the end of February.
    expect(monthFrom('2026-01-31')).toEqual({ from: '2026-01-31', to: '2026-02-28' });
    expect(monthFrom('2026-01-29')).toEqual({ from: '2026-01-29', to: '2026-02-28' });
    expect(monthFrom('2028-01-30')).toEqual({ from: '2028-01-30', to: '2028-02-29' });
    expect(monthFrom('2028-01-29')).toEqual({ from: '2028-01-29', to: '2028-02-28' });
    expect(monthFrom('2027-03-31')).toEqual({ from: '2027-03-31', to: '2027-04-30' });
    expect(monthFrom('2027-03-30')).toEqual({ from: '2027-03-30', to: '2027-04-29' });
  });

  test('[C.2] "the last month" up to a date starts the day after the same date last month, or on the 1st when last month has no such date', () => {
    expect(monthUpTo('2025-10-31')).toEqual({ from: '2025-10-01', to: '2025-10-31' });
    expect(monthUpTo('2026-03-02')).toEqual({ from: '2026-02-03', to: '2026-03-02' });
    expect(monthUpTo('2026-03-31')).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    expect(monthUpTo('2026-03-29')).toEqual({ from: '2026-03-01', to: '2026-03-29' });
    expect(monthUpTo('2028-03-29')).toEqual({ from: '2028-03-01', to: '2028-03-29' });
    expect(monthUpTo('2026-03-27')).toEqual({ from: '2026-02-28', to: '2026-03-27' });
    expect(monthUpTo('2026-01-10')).toEqual({ from: '2025-12-11', to: '2026-01-10' });
    expect(calendar.monthUpTo('2026-06-02')).toEqual({ from: '2026-05-03', to: '2026-06-02' });
  });

  test('[C.2] both readings give the same months: every day of 2025-2028, read backwards and forwards', () => {
    for (let day = Date.UTC(2025, 1, 1); day <= Date.UTC(2028, 11, 31); day += 86_400_000) {
      const date = new Date(day).toISOString().slice(0, 10);
      const { from } = monthUpTo(date);
      const dayBefore = new Date(Date.parse(`${from}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      // The month that starts on `from` still reaches `date`; the one that starts a day earlier no longer does.
      expect({ date, reaches: monthFrom(from).to >= date, earlierReaches: monthFrom(dayBefore).to >= date }).toEqual({
        date,
        reaches: true,
        earlierReaches: false,
      });
    }
  });
});

describe('config errors name the field and the bad value, in Norwegian', () => {
  const build = (patch: Record<string, unknown>) => () => buildSchoolCalendar({ ...calendarConfig, ...patch });

  test('[Calendar] a holiday that ends before it starts names schoolHolidays.<i>.to', () => {
    const bad = build({ schoolHolidays: [{ name: 'Høstferie', from: '2025-10-03', to: '2025-09-29' }] });
    expect(bad).toThrow(InvalidCalendarConfigError);
    expect(bad).toThrow('Ugyldig skolekalender: schoolHolidays.0.to: sluttdatoen «2025-09-29» er før startdatoen «2025-10-03»');
  });

  test('[Calendar] a malformed extra day names extraNonTeachingDays.<i>.date', () => {
    expect(build({ extraNonTeachingDays: [{ name: 'Planleggingsdag', date: '13.03.2026' }] })).toThrow(
      'extraNonTeachingDays.0.date: må være en dato på formen åååå-mm-dd (fikk «13.03.2026»)',
    );
  });

  test('[Calendar] years the wrong way round name lastYear; an empty municipality names municipality', () => {
    expect(build({ firstYear: 2026, lastYear: 2025 })).toThrow('lastYear: siste år «2025» er før første år «2026»');
    expect(build({ firstYear: 2025, lastYear: 2037 })).toThrow('lastYear: en skolekalender dekker høyst 11 år, ikke 2025–2037');
    expect(build({ municipality: ' ' })).toThrow('municipality: kommunenavnet kan ikke være tomt');
    expect(build({ firstYear: '2025' })).toThrow('firstYear: må være et tall (fikk «2025»)');
  });

  test('[Calendar] a holiday outside the configured years is refused', () => {
    expect(build({ schoolHolidays: [{ name: 'Juleferie', from: '2026-12-21', to: '2027-01-02' }] })).toThrow(
      'schoolHolidays.0: ferien «Juleferie» (2026-12-21–2027-01-02) ligger utenfor kalenderens år 2025-01-01–2026-12-31',
    );
  });
});
