/** Dates and deadlines as the pages write them (Norwegian, Oslo time). */
import { OSLO_TIME_ZONE, formatInTimeZone, norwegianDayText, osloDate } from '../../app/oslo-time';

const DAY_MS = 24 * 60 * 60 * 1000;

const asDate = (at: Date | string) => (typeof at === 'string' ? new Date(at) : at);

/** 14.05.2026 (a plain yyyy-MM-dd date is taken as it is; an instant on Oslo's calendar). */
export function dayText(at: Date | string): string {
  if (typeof at === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(at)) return norwegianDayText(at);
  return norwegianDayText(osloDate(asDate(at)));
}

/** 14.05.2026 kl. 09:30 (Oslo time) */
export function timeText(at: Date | string): string {
  const local = formatInTimeZone(asDate(at), OSLO_TIME_ZONE);
  return `${norwegianDayText(local.slice(0, 10))} kl. ${local.slice(11, 16)}`;
}

/** Whole days from `now` to `due` (negative when passed), counted on Oslo calendar days. */
export function daysUntil(due: Date | string, now: Date): number {
  const day = (d: Date) => Date.parse(`${osloDate(d)}T00:00:00Z`);
  return Math.round((day(asDate(due)) - day(now)) / DAY_MS);
}

/** «i dag», «i morgen», «om 5 dager», «1 dag over fristen», «12 dager over fristen». */
export function daysLeftText(due: Date | string, now: Date): string {
  const days = daysUntil(due, now);
  if (days === 0) return 'i dag';
  if (days === 1) return 'i morgen';
  if (days > 1) return `om ${days} dager`;
  return `${-days} ${days === -1 ? 'dag' : 'dager'} over fristen`;
}
