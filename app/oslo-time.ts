/**
 * Norwegian time: a moment's date and wall-clock time in Europe/Oslo, from the runtime's own time
 * zone data (Intl), so summer time is right whatever zone the process runs in. Detection's
 * "today", the archive's journal date and a meeting's time in its invitation all read it here.
 */
export const OSLO_TIME_ZONE = 'Europe/Oslo';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** `yyyy-MM-ddTHH:mm` of `moment` on the clocks of `timeZone`. */
export function formatInTimeZone(moment: Date, timeZone: string): string {
  if (Number.isNaN(moment.getTime())) throw new RangeError(`ugyldig tidspunkt: ${String(moment)}`);
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(moment)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The Norwegian date (yyyy-MM-dd) of an instant: a moment at 00:30 in Oslo already counts as the new day. */
export function osloDate(at: Date = new Date()): string {
  return formatInTimeZone(at, OSLO_TIME_ZONE).slice(0, 10);
}

/** A calendar date (yyyy-MM-dd) as Norwegian text writes it: 14.05.2026. */
export function norwegianDayText(date: string): string {
  return `${date.slice(8, 10)}.${date.slice(5, 7)}.${date.slice(0, 4)}`;
}
