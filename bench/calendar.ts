/**
 * The detection school calendar that matches the synthetic data of `intake/generate.ts`: the
 * generator's built-in holidays (schoolHolidays) as the municipality's school holidays, and
 * everything before 18 August and after 20 June as summer. `benchCalendar` checks that the
 * calendar's school days are exactly the generator's, so the benchmark never measures detection
 * on a calendar that silently disagrees with the data.
 */
import { addDays, format, parseISO } from 'date-fns';
import { type SchoolCalendar, type SchoolCalendarConfig, buildSchoolCalendar } from '../detection/school-calendar';
import { schoolDays, schoolHolidays } from '../intake/generate';

const iso = (d: Date): string => format(d, 'yyyy-MM-dd');

/** Sorted dates as runs of consecutive calendar days. */
export function toPeriods(dates: Iterable<string>, name: string): { name: string; from: string; to: string }[] {
  const sorted = [...dates].sort();
  const periods: { name: string; from: string; to: string }[] = [];
  for (const date of sorted) {
    const last = periods[periods.length - 1];
    if (last !== undefined && iso(addDays(parseISO(last.to), 1)) === date) last.to = date;
    else periods.push({ name, from: date, to: date });
  }
  return periods;
}

/** Calendar config for the school year starting in August of `schoolYear`, as the generator sees it. */
export function benchCalendarConfig(schoolYear: number): SchoolCalendarConfig {
  const days = schoolDays(schoolYear);
  const first = days[0] ?? `${schoolYear}-08-18`;
  const last = days[days.length - 1] ?? `${schoolYear + 1}-06-20`;
  return {
    municipality: 'Syntetisk kommune (intake/generate.ts)',
    firstYear: schoolYear,
    lastYear: schoolYear + 1,
    schoolHolidays: [
      { name: 'Før skoleåret', from: `${schoolYear}-01-01`, to: iso(addDays(parseISO(first), -1)) },
      ...toPeriods(schoolHolidays(schoolYear), 'Ferie (generator)'),
      { name: 'Etter skoleåret', from: iso(addDays(parseISO(last), 1)), to: `${schoolYear + 1}-12-31` },
    ],
    extraNonTeachingDays: [],
  };
}

/**
 * The calendar for the generator's school year; throws when its school days differ from the
 * generator's (e.g. a public holiday the generator does not know about).
 */
export function benchCalendar(schoolYear: number): SchoolCalendar {
  const calendar = buildSchoolCalendar(benchCalendarConfig(schoolYear));
  const expected = new Set(schoolDays(schoolYear));
  const differ: string[] = [];
  for (let n = 0; n <= calendar.dayNumber(calendar.range.to); n++) {
    const date = calendar.dateAt(n);
    if (calendar.isSchoolDay(date) !== expected.has(date)) differ.push(date);
  }
  if (differ.length > 0) {
    throw new Error(
      `Calendar and generator disagree on school days: ${differ.slice(0, 10).join(', ')}${differ.length > 10 ? ', ...' : ''}`,
    );
  }
  return calendar;
}
