/**
 * The shape of detection's thresholds: every count and window the detection rules
 * (detection/rules.ts) use. Declared here, beside the procedures, because each procedure's
 * definition (procedure-definition.ts) carries its own defaults; detection/policy.ts resolves a
 * municipality's overrides against them.
 */
import { z } from 'zod';

const positive = (description: string) => z.number().int().min(1).max(366).describe(description);

export const detectionPolicySchema = z.object({
  /** C §2: whole-day absence on this many consecutive school days. */
  consecutiveSchoolDays: positive('whole-day absence on this many consecutive school days (school days)'),
  /** C §2: this many whole days of absence within a calendar month (school-calendar.ts `monthFrom`). */
  singleDaysInMonth: positive('whole days of absence within a calendar month'),
  /** C §2 "gjentakende": partial-day absence on at least this many days within a calendar month (policy, not in the seed). */
  repeatedPartialDaysInMonth: positive('days with partial-day absence within a calendar month that count as repeated'),
  /** A Trinn 1: more than this many whole days of absence in the school year to date. */
  daysOverLimit: positive('absence over this many whole days in the school year (days)'),
  /** Unnotified absence: the school acts on this school day of absence without notice, grades 1-7. */
  unnotifiedPrimaryBySchoolDay: positive('grades 1-7: act on this school day of absence without notice (school days)'),
  /** Unnotified absence: the school acts on this school day of absence without notice, grades 8-10. */
  unnotifiedLowerSecondaryBySchoolDay: positive('grades 8-10: act on this school day of absence without notice (school days)'),
  /** First grade of ungdomsskole. */
  lowerSecondaryFromGrade: z.number().int().min(1).max(10).describe('first grade of lower secondary school'),
  /** E.S5a: worrying when whole days of absence (valid or not) in the half-year exceed this. */
  worryingOverDays: positive('whole days of absence, valid or not, in the half-year that are exceeded (days)'),
  /** E.S5a: worrying when single lessons of absence (valid or not) in the half-year exceed this. */
  worryingOverLessons: positive('single lessons of absence, valid or not, in the half-year that are exceeded'),
  /** E danger sign: this many whole days of valid absence in one half-year. */
  validDaysPerHalfYear: positive('whole days of valid absence in one half-year (days)'),
  /** E danger sign: this many late arrivals ... */
  lateArrivals: positive('late arrivals that are a danger sign'),
  /** ... within this many consecutive school days ("several times a week" = 3 in 5). */
  lateArrivalsWithinSchoolDays: positive('window for late arrivals (school days)'),
  /** E danger sign: the pupil came and left on this many days ... */
  leftDuringDay: positive('days the pupil came to school and left, within the window below'),
  /**
   * ... within this many calendar days. The seed names no period for this sign, so it is the
   * product's number of days, not a month (a month in a seed is a calendar month).
   */
  leftDuringDayWithinCalendarDays: positive('window for leaving during the day (calendar days)'),
  /** A partial registration with minutes only counts ceil(minutes / this) lessons. */
  minutesPerLesson: z.number().int().min(10).max(120).describe('minutes in one lesson'),
  /** Trend: partial lessons are turned into days with this many lessons per day. */
  lessonsPerDay: z.number().int().min(1).max(12).describe('lessons in one school day'),
  /** Trend: length of each compared window (school days). */
  trendWindowSchoolDays: positive('length of each window the trend compares (school days)'),
  /** Trend: a change of at most this many days counts as unchanged (C §3.3 "merkbart mindre"). */
  trendToleranceDays: z.number().min(0).max(30).describe('change in days that still counts as unchanged'),
});
export type DetectionPolicy = z.infer<typeof detectionPolicySchema>;

/** Values shared by every procedure unless its seed says otherwise; a procedure's definition starts from these. */
export const commonDetectionPolicy: DetectionPolicy = {
  consecutiveSchoolDays: 3,
  singleDaysInMonth: 4,
  repeatedPartialDaysInMonth: 3,
  daysOverLimit: 10,
  unnotifiedPrimaryBySchoolDay: 3,
  unnotifiedLowerSecondaryBySchoolDay: 3,
  lowerSecondaryFromGrade: 8,
  worryingOverDays: 8,
  worryingOverLessons: 10,
  validDaysPerHalfYear: 10,
  lateArrivals: 3,
  lateArrivalsWithinSchoolDays: 5,
  leftDuringDay: 2,
  leftDuringDayWithinCalendarDays: 30,
  minutesPerLesson: 45,
  lessonsPerDay: 6,
  trendWindowSchoolDays: 20,
  trendToleranceDays: 1,
};
