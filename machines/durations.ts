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

/**
 * Milliseconds from `fromIso` until the Norwegian school year it falls in ends: 1 August 00:00
 * UTC (the school year runs 1 August to 31 July).
 */
export function msUntilSchoolYearEnd(fromIso: string): number {
  const from = new Date(fromIso);
  const year = from.getUTCMonth() >= 7 ? from.getUTCFullYear() + 1 : from.getUTCFullYear();
  return Date.UTC(year, 7, 1) - from.getTime();
}
