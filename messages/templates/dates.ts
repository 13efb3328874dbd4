/**
 * Dates and times as the reader reads them ("tirsdag 8. september 2026 kl. 09.00", "Tuesday
 * 8 September 2026 at 09:00"), from the plain strings a template key carries. A string that is
 * not a real date is refused with a Norwegian message naming the field and the value.
 */
import { format, isValid, parse } from 'date-fns';
import { enGB, nb, nn } from 'date-fns/locale';
import { quoteValue } from '../../machines/identifiers';
import { TemplateInputError } from './errors';
import type { TemplateLanguage } from './types';

const locales = { nb, nn, en: enGB } as const;
const dayFormat: Record<TemplateLanguage, string> = { nb: 'EEEE d. MMMM yyyy', nn: 'EEEE d. MMMM yyyy', en: 'EEEE d MMMM yyyy' };
/** The clock as each language writes it: "kl. 09.00" in Norwegian, "at 09:00" in English. */
const clock: Record<TemplateLanguage, (hours: string, minutes: string) => string> = {
  nb: (h, m) => `kl. ${h}.${m}`,
  nn: (h, m) => `kl. ${h}.${m}`,
  en: (h, m) => `at ${h}:${m}`,
};

const refuse = (field: string, value: unknown, example: string) =>
  new TemplateInputError(`${field} ${quoteValue(value)} må være en gyldig dato på formen ${example}`);

/** The calendar day of `yyyy-MM-dd`, or undefined when it does not exist (no 31 February). */
function calendarDay(value: string): Date | undefined {
  const day = parse(value, 'yyyy-MM-dd', new Date(0));
  return isValid(day) && format(day, 'yyyy-MM-dd') === value ? day : undefined;
}

/** A due date `yyyy-MM-dd` as a full date, e.g. "tirsdag 8. september 2026". */
export function formatDay(value: string, language: TemplateLanguage, field = 'frist'): string {
  const day = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? calendarDay(value) : undefined;
  if (day === undefined) throw refuse(field, value, '2026-09-08');
  return format(day, dayFormat[language], { locale: locales[language] });
}

/**
 * A wall-clock time `yyyy-MM-ddTHH:mm` (Oslo) as date and time, e.g. "tirsdag 8. september 2026
 * kl. 09.00". The clock is taken from the text itself, not through a Date, so the process's own
 * time zone (and its summer-time gaps) cannot move it.
 */
export function formatDayAndTime(value: string, language: TemplateLanguage, field = 'møtetidspunkt'): string {
  const match = typeof value === 'string' ? /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)$/.exec(value) : null;
  const day = match ? calendarDay(match[1] as string) : undefined;
  if (match === null || day === undefined) throw refuse(field, value, '2026-09-08T09:00');
  const [, , hours, minutes] = match as unknown as [string, string, string, string];
  return `${format(day, dayFormat[language], { locale: locales[language] })} ${clock[language](hours, minutes)}`;
}
