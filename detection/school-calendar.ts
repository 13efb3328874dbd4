/**
 * The school calendar detection counts on: which dates are school days for one municipality,
 * and the periods the procedures count within (half-years, school years, "a month").
 *
 * Pure: built once from a validated config. Norwegian public holidays come from the bundled
 * `date-holidays` data ('NO', type 'public'); the municipality's school holidays and extra
 * non-teaching days are input. Nothing is loaded from the network and there is no clock.
 *
 * Every lookup is O(1): the calendar precomputes, for each date in its range, whether it is a
 * school day and how many school days came before it, so rules can count school days by
 * subtraction instead of walking the calendar.
 */
import Holidays from 'date-holidays';
import { addDays, eachDayOfInterval, format, isWeekend, parseISO } from 'date-fns';
import { z } from 'zod';
import { isoDateSchema } from '../machines/events';
import { describeIssues, parseOptions } from '../machines/zod-issues';

/** Thrown when a calendar config is invalid; the message names every bad field. */
export class InvalidCalendarConfigError extends Error {
  override name = 'InvalidCalendarConfigError';
}

/** Thrown when a date outside the calendar's years is looked up. */
export class CalendarRangeError extends RangeError {
  override name = 'CalendarRangeError';
}

const namedPeriodSchema = z
  .object({
    name: z.string().trim().min(1, 'navnet kan ikke være tomt'),
    from: isoDateSchema,
    to: isoDateSchema,
  })
  .superRefine((p, ctx) => {
    if (p.from > p.to) ctx.addIssue({ code: 'custom', path: ['to'], message: `sluttdatoen «${p.to}» er før startdatoen «${p.from}»` });
  });

const namedDaySchema = z.object({
  name: z.string().trim().min(1, 'navnet kan ikke være tomt'),
  date: isoDateSchema,
});

/** A municipality's school calendar, as configured (years are calendar years, inclusive). */
export const schoolCalendarConfigSchema = z
  .object({
    municipality: z.string().trim().min(1, 'kommunenavnet kan ikke være tomt'),
    firstYear: z.number().int().min(2000).max(2100),
    lastYear: z.number().int().min(2000).max(2100),
    /** Ferier: autumn, Christmas, winter, Easter and summer holidays, with their dates. */
    schoolHolidays: z.array(namedPeriodSchema).default([]),
    /** Planleggingsdager and other single days without teaching. */
    extraNonTeachingDays: z.array(namedDaySchema).default([]),
  })
  .superRefine((c, ctx) => {
    if (c.lastYear < c.firstYear) {
      ctx.addIssue({ code: 'custom', path: ['lastYear'], message: `siste år «${c.lastYear}» er før første år «${c.firstYear}»` });
    } else if (c.lastYear - c.firstYear > 10) {
      ctx.addIssue({
        code: 'custom',
        path: ['lastYear'],
        message: `en skolekalender dekker høyst 11 år, ikke ${c.firstYear}–${c.lastYear}`,
      });
    }
    const first = `${c.firstYear}-01-01`;
    const last = `${c.lastYear}-12-31`;
    c.schoolHolidays.forEach((p, i) => {
      if (p.from < first || p.to > last) {
        ctx.addIssue({
          code: 'custom',
          path: ['schoolHolidays', i],
          message: `ferien «${p.name}» (${p.from}–${p.to}) ligger utenfor kalenderens år ${first}–${last}`,
        });
      }
    });
    c.extraNonTeachingDays.forEach((d, i) => {
      if (d.date < first || d.date > last) {
        ctx.addIssue({
          code: 'custom',
          path: ['extraNonTeachingDays', i, 'date'],
          message: `dagen «${d.name}» (${d.date}) ligger utenfor kalenderens år ${first}–${last}`,
        });
      }
    });
  });
export type SchoolCalendarConfig = z.input<typeof schoolCalendarConfigSchema>;

/** A span of dates, both ends inclusive, yyyy-MM-dd. */
export interface DateRange {
  from: string;
  to: string;
}

/** A school half-year: autumn = Aug 1 – Dec 31, spring = Jan 1 – Jul 31 (summer belongs to spring). */
export interface HalfYear extends DateRange {
  half: 'autumn' | 'spring';
}

/**
 * "A month" (i løpet av en måned, siste måned) is a calendar month, never a number of days: the
 * month that starts on a date runs to the day before the same date in the next month (1 October
 * – 31 October, 15 January – 14 February); when the next month has no such date (31 January,
 * 30 and 31 March, 31 May ...) it runs to the last day of that next month (31 January – 28 or 29
 * February, 31 March – 30 April). Read backwards, "the last month" up to a date starts the day
 * after the same date in the month before, or on the 1st of the date's own month when the month
 * before has no such date; both readings give the same windows (see `monthFrom`, `monthUpTo`).
 */

export interface SchoolCalendar {
  readonly municipality: string;
  /** First and last date the calendar knows. */
  readonly range: DateRange;
  /** Whether the date has teaching: not a weekend, public holiday, school holiday or extra day off. */
  isSchoolDay(date: string): boolean;
  /** Why a date has no teaching ('helg', the holiday's name, ...), or undefined on a school day. */
  nonTeachingReason(date: string): string | undefined;
  /** School days from `from` to `to`, both included; 0 when `from` is after `to`. */
  schoolDaysBetween(from: string, to: string): number;
  /** The last school day strictly before the date, or undefined if none is in range. */
  previousSchoolDay(date: string): string | undefined;
  /** The n-th school day before the date (n = 1 is previousSchoolDay), or undefined if out of range. */
  nthSchoolDayBefore(date: string, n: number): string | undefined;
  /**
   * The n-th school day counting from the date: n = 1 is the date itself when it is a school
   * day, else the next school day. Undefined if it lies beyond the calendar.
   */
  nthSchoolDayFrom(date: string, n: number): string | undefined;
  /** The half-year the date belongs to (autumn Aug 1 – Dec 31, spring Jan 1 – Jul 31). */
  halfYearOf(date: string): HalfYear;
  /** The school year the date belongs to: Aug 1 – Jul 31. */
  schoolYearOf(date: string): DateRange;
  /** "The last month" up to and including the date: the calendar month that ends on it (see `monthUpTo`). */
  monthUpTo(date: string): DateRange;
  /** Position of the date in the calendar (0 = range.from); throws CalendarRangeError outside the range. */
  dayNumber(date: string): number;
  /** The date at a day number. */
  dateAt(dayNumber: number): string;
  /** School days strictly before a day number; school days between a and b inclusive = before(b + 1) - before(a). */
  schoolDaysBefore(dayNumber: number): number;
  /** The date of the k-th school day of the calendar (0-based), or undefined. */
  schoolDateAt(ordinal: number): string | undefined;
}

/** Public holidays for Norway in a year, as yyyy-MM-dd → name, from the bundled date-holidays data. */
function norwegianPublicHolidays(year: number): Map<string, string> {
  const holidays = new Holidays('NO');
  const result = new Map<string, string>();
  for (const h of holidays.getHolidays(year)) {
    if (h.type === 'public') result.set(h.date.slice(0, 10), h.name);
  }
  return result;
}

/** Validates a calendar config; throws InvalidCalendarConfigError naming each field at fault. */
export function parseSchoolCalendarConfig(config: unknown): z.output<typeof schoolCalendarConfigSchema> {
  const result = schoolCalendarConfigSchema.safeParse(config, parseOptions);
  if (result.success) return result.data;
  const lines = describeIssues(result.error, '(kalender)', config);
  throw new InvalidCalendarConfigError(`Ugyldig skolekalender: ${lines.join('; ')}`);
}

/** Builds a school calendar from a config (validated here). */
export function buildSchoolCalendar(config: unknown): SchoolCalendar {
  const c = parseSchoolCalendarConfig(config);
  const range: DateRange = { from: `${c.firstYear}-01-01`, to: `${c.lastYear}-12-31` };
  const days = eachDayOfInterval({ start: parseISO(range.from), end: parseISO(range.to) });
  const dates = days.map((d) => format(d, 'yyyy-MM-dd'));
  const index = new Map<string, number>();
  dates.forEach((d, i) => index.set(d, i));

  const reasons = new Map<number, string>();
  days.forEach((d, i) => {
    if (isWeekend(d)) reasons.set(i, 'helg');
  });
  for (const p of c.schoolHolidays) {
    for (let i = index.get(p.from) ?? 0, end = index.get(p.to) ?? -1; i <= end; i++) {
      if (!reasons.has(i)) reasons.set(i, p.name);
    }
  }
  for (const d of c.extraNonTeachingDays) {
    const i = index.get(d.date);
    if (i !== undefined && !reasons.has(i)) reasons.set(i, d.name);
  }
  // Public holidays win over "helg" so a coordinator sees e.g. "Grunnlovsdagen" on a Sunday.
  for (let year = c.firstYear; year <= c.lastYear; year++) {
    for (const [date, name] of norwegianPublicHolidays(year)) {
      const i = index.get(date);
      if (i !== undefined) reasons.set(i, name);
    }
  }

  // before[i] = school days with day number < i.
  const before = new Int32Array(dates.length + 1);
  const schoolDates: string[] = [];
  for (let i = 0; i < dates.length; i++) {
    const school = !reasons.has(i);
    before[i + 1] = (before[i] ?? 0) + (school ? 1 : 0);
    if (school) schoolDates.push(dates[i] ?? '');
  }

  const dayNumber = (date: string): number => {
    const i = index.get(date);
    if (i === undefined) throw new CalendarRangeError(`datoen «${date}» ligger utenfor skolekalenderen ${range.from}–${range.to}`);
    return i;
  };
  const schoolDaysBefore = (n: number): number => before[Math.max(0, Math.min(n, dates.length))] ?? 0;

  return {
    municipality: c.municipality,
    range,
    isSchoolDay: (date) => !reasons.has(dayNumber(date)),
    nonTeachingReason: (date) => reasons.get(dayNumber(date)),
    schoolDaysBetween: (from, to) => {
      const a = dayNumber(from);
      const b = dayNumber(to);
      return b < a ? 0 : schoolDaysBefore(b + 1) - schoolDaysBefore(a);
    },
    previousSchoolDay: (date) => schoolDates[schoolDaysBefore(dayNumber(date)) - 1],
    nthSchoolDayBefore: (date, n) => schoolDates[schoolDaysBefore(dayNumber(date)) - n],
    nthSchoolDayFrom: (date, n) => schoolDates[schoolDaysBefore(dayNumber(date)) + n - 1],
    halfYearOf,
    schoolYearOf,
    monthUpTo,
    dayNumber,
    dateAt: (n) => {
      const d = dates[n];
      if (d === undefined) throw new CalendarRangeError(`dag nummer ${n} ligger utenfor skolekalenderen ${range.from}–${range.to}`);
      return d;
    },
    schoolDaysBefore,
    schoolDateAt: (ordinal) => schoolDates[ordinal],
  };
}

/** School half-year of a date: autumn = Aug 1 – Dec 31, spring = Jan 1 – Jul 31. */
export function halfYearOf(date: string): HalfYear {
  const year = date.slice(0, 4);
  return date.slice(5, 7) >= '08'
    ? { half: 'autumn', from: `${year}-08-01`, to: `${year}-12-31` }
    : { half: 'spring', from: `${year}-01-01`, to: `${year}-07-31` };
}

/** School year of a date: Aug 1 – Jul 31. */
export function schoolYearOf(date: string): DateRange {
  const year = Number(date.slice(0, 4));
  const start = date.slice(5, 7) >= '08' ? year : year - 1;
  return { from: `${start}-08-01`, to: `${start + 1}-07-31` };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
/** Days in a month (month 1-12). */
const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
const isoDate = (year: number, month: number, day: number): string => `${year}-${pad2(month)}-${pad2(day)}`;

/**
 * The calendar month that starts on `date` (yyyy-MM-dd): to the day before the same date in the
 * next month, or to the last day of the next month when it has no such date (31 January → 28/29
 * February). "Within a month" of a first day means on or before `monthFrom(first).to`.
 */
export function monthFrom(date: string): DateRange {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const nextYear = month === 12 ? year + 1 : year;
  const nextMonth = month === 12 ? 1 : month + 1;
  const nextLength = daysInMonth(nextYear, nextMonth);
  if (day > nextLength) return { from: date, to: isoDate(nextYear, nextMonth, nextLength) };
  if (day === 1) return { from: date, to: isoDate(year, month, daysInMonth(year, month)) };
  return { from: date, to: isoDate(nextYear, nextMonth, day - 1) };
}

/**
 * "The last month" up to and including `date`: from the day after the same date in the month
 * before, or from the 1st of the date's month when the month before has no such date (31 March
 * → 1 March). The same windows as `monthFrom` read backwards: `monthFrom(monthUpTo(d).from).to`
 * is never before `d`, and no earlier first day reaches `d`.
 */
export function monthUpTo(date: string): DateRange {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const previousYear = month === 1 ? year - 1 : year;
  const previousMonth = month === 1 ? 12 : month - 1;
  const previousLength = daysInMonth(previousYear, previousMonth);
  if (day > previousLength) {
    return { from: isoDate(year, month, 1), to: date };
  }
  const sameDate = Date.UTC(previousYear, previousMonth - 1, day);
  return { from: format(addDays(new Date(sameDate), 1), 'yyyy-MM-dd'), to: date };
}
