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
