/**
 * Duration arithmetic for machine delays. XState delays are milliseconds; the procedures speak
 * in days and weeks. Policies store days so municipalities can read and override them.
 */
export const MS_PER_DAY = 24 * 60 * 60 * 1000;

/** Milliseconds in `n` calendar days. */
export const days = (n: number): number => n * MS_PER_DAY;

/**
 * Milliseconds from the moment `fromIso` (an event's timestamp) until the start of `dateIso`
 * (yyyy-MM-dd, read as midnight UTC), never negative: a date already passed fires at once.
 */
export function msUntilDate(fromIso: string, dateIso: string): number {
  return Math.max(0, Date.parse(`${dateIso}T00:00:00Z`) - Date.parse(fromIso));
}

/**
 * Milliseconds from the moment `fromIso` until the moment `toIso` (both ISO date-times with
 * offset, e.g. a meeting's scheduled time), never negative: a moment already passed is now.
 */
export function msUntilMoment(fromIso: string, toIso: string): number {
  return Math.max(0, Date.parse(toIso) - Date.parse(fromIso));
}

/**
 * Milliseconds from `fromIso` until the end of `dateIso` (the start of the next day, UTC), never
 * negative: a meeting agreed for a date may be held at any time that day, so it is due only when
 * the day is over.
 */
export function msUntilEndOfDate(fromIso: string, dateIso: string): number {
  return Math.max(0, Date.parse(`${dateIso}T00:00:00Z`) + MS_PER_DAY - Date.parse(fromIso));
}

/** yyyy-MM-dd of a moment, on the UTC calendar (the calendar agreed dates are read on). */
export function utcDateOf(iso: string): string {
  return new Date(Date.parse(iso)).toISOString().slice(0, 10);
}

/** The date `n` calendar days after `dateIso` (yyyy-MM-dd; `n` may be negative). */
export function addCalendarDays(dateIso: string, n: number): string {
  return new Date(Date.parse(`${dateIso}T00:00:00Z`) + n * MS_PER_DAY).toISOString().slice(0, 10);
}

/**
 * The `n`-th weekday (Monday to Friday) counting `firstDayIso` as the 1st, or the first weekday
 * after it when it falls on a weekend. A machine has no school calendar, so a weekday stands in
 * for a school day: a public holiday on a weekday is counted, which can make the day come
 * earlier than the school-day count, never later.
 */
export function nthWeekdayFrom(firstDayIso: string, n: number): string {
  let ms = Date.parse(`${firstDayIso}T00:00:00Z`);
  const isWeekday = () => {
    const weekday = new Date(ms).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  };
  while (!isWeekday()) ms += MS_PER_DAY;
  for (let counted = 1; counted < n;) {
    ms += MS_PER_DAY;
    if (isWeekday()) counted += 1;
  }
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Milliseconds from `fromIso` until the same moment `months` calendar months later: the same day
 * of the month and time of day (UTC), or the last day of a shorter month (31 October + 3 months
 * is 31 January; 30 November + 3 months is 28 or 29 February). "Months" in a procedure are
 * calendar months, never a fixed number of days.
 */
export function msUntilCalendarMonthsLater(fromIso: string, months: number): number {
  const from = new Date(Date.parse(fromIso));
  const monthIndex = from.getUTCMonth() + months;
  const year = from.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(from.getUTCDate(), lastDay);
  const target = Date.UTC(year, month, day, from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds());
  return target - from.getTime();
}
