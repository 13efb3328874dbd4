/**
 * «Oversikt»: the numbers a principal or the municipality follows, counted from the case list's
 * rows alone (Temporal visibility; no case is asked): open cases per public stage, cases overdue
 * now, cases closed this school term and cases opened per month over the last twelve months,
 * for each school and in total. Pure: the page and the tests give it rows and a clock.
 *
 * Rules (all on Oslo's calendar, the one the schools live by):
 * - the school term is the autumn term (1 August – 31 December) or the spring term
 *   (1 January – 31 July) that `now` falls in;
 * - "closed this term" counts closed cases whose closing day is on or after the term's first day;
 * - "opened per month" counts cases by the month of their opening day, for the twelve calendar
 *   months ending with the month of `now`; a case opened earlier is in none of them;
 * - "overdue now" counts open cases whose visibility mark says a deadline has passed.
 */
import { osloDate } from '../app/oslo-time';
import type { PublicStage } from '../machines/meta';
import type { CaseRow } from './case-list';

/** The stages an open case can be in, in the order a case passes them. */
export const OPEN_STAGES = [
  'identification',
  'measures',
  'evaluation',
  'escalated',
  'monitoring',
] as const satisfies readonly PublicStage[];
export type OpenStage = (typeof OPEN_STAGES)[number];

/** Months the chart covers. */
export const OVERVIEW_MONTHS = 12;

export interface SchoolTerm {
  /** First day, yyyy-MM-dd. */
  start: string;
  /** Last day, yyyy-MM-dd. */
  end: string;
  /** «høsten 2026», «våren 2027». */
  name: string;
}

export interface OverviewCounts {
  open: number;
  openByStage: Record<OpenStage, number>;
  /** Open cases whose stage is none of OPEN_STAGES (a stage this build does not know). */
  openOtherStage: number;
  overdue: number;
  closedThisTerm: number;
  /** Cases opened in each month of `Overview.months`, same order. */
  openedByMonth: number[];
}

export interface Overview {
  term: SchoolTerm;
  /** The chart's months, oldest first, as yyyy-MM. */
  months: string[];
  /** One entry per school asked for, in the order given. */
  schools: { schoolId: string; counts: OverviewCounts }[];
  /** All the schools together. */
  total: OverviewCounts;
}

/** The school term `now` falls in, on Oslo's calendar. */
export function schoolTerm(now: Date): SchoolTerm {
  const day = osloDate(now);
  const year = Number(day.slice(0, 4));
  return Number(day.slice(5, 7)) >= 8
    ? { start: `${year}-08-01`, end: `${year}-12-31`, name: `høsten ${year}` }
    : { start: `${year}-01-01`, end: `${year}-07-31`, name: `våren ${year}` };
}

/** The `count` calendar months ending with `now`'s month (Oslo), oldest first, as yyyy-MM. */
export function monthsUpTo(now: Date, count: number = OVERVIEW_MONTHS): string[] {
  const day = osloDate(now);
  let year = Number(day.slice(0, 4));
  let month = Number(day.slice(5, 7));
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.unshift(`${year}-${String(month).padStart(2, '0')}`);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return out;
}

function emptyCounts(months: number): OverviewCounts {
  return {
    open: 0,
    openByStage: Object.fromEntries(OPEN_STAGES.map((s) => [s, 0])) as Record<OpenStage, number>,
    openOtherStage: 0,
    overdue: 0,
    closedThisTerm: 0,
    openedByMonth: new Array<number>(months).fill(0),
  };
}

function add(counts: OverviewCounts, row: CaseRow, term: SchoolTerm, monthIndex: ReadonlyMap<string, number>): void {
  if (row.status === 'open') {
    counts.open += 1;
    if ((OPEN_STAGES as readonly string[]).includes(row.stage)) counts.openByStage[row.stage as OpenStage] += 1;
    else counts.openOtherStage += 1;
    if (row.overdue) counts.overdue += 1;
  } else if (row.closedAt && osloDate(row.closedAt) >= term.start) {
    counts.closedThisTerm += 1;
  }
  const month = row.openedAt ? monthIndex.get(osloDate(row.openedAt).slice(0, 7)) : undefined;
  if (month !== undefined) counts.openedByMonth[month]! += 1;
}

/**
 * The overview of `schoolIds` from `rows` (rows of other schools are left out, so the total is
 * the sum of the schools shown).
 */
export function aggregateOverview(rows: readonly CaseRow[], schoolIds: readonly string[], now: Date): Overview {
  const term = schoolTerm(now);
  const months = monthsUpTo(now);
  const monthIndex = new Map(months.map((m, i) => [m, i]));
  const bySchool = new Map(schoolIds.map((id) => [id, emptyCounts(months.length)]));
  const total = emptyCounts(months.length);
  for (const row of rows) {
    const counts = bySchool.get(row.schoolId);
    if (!counts) continue;
    add(counts, row, term, monthIndex);
    add(total, row, term, monthIndex);
  }
  return { term, months, schools: schoolIds.map((schoolId) => ({ schoolId, counts: bySchool.get(schoolId)! })), total };
}
