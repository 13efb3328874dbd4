/**
 * The detection rules: pure functions from a pupil's absence registrations, a school calendar
 * and "today" to the triggers the procedures open or move a case on. Each trigger carries its
 * evidence (the dates and counts that made it fire) and a Norwegian description, so a
 * coordinator can see why.
 *
 * How a rule fires. Every rule scans the pupil's absence in date order, from the day after the
 * last evidence date of the pupil's previous triggers of the rule's cut-off family (if any; see
 * `cutoffFamily`: the patterns share one, a day without notice and a day of invalid absence with
 * notice each have their own) up to and including today, and reports the
 * FIRST point where its threshold is met, once (`detect`). Feeding the returned triggers back as
 * `previousTriggers` yields the next ones (the Tiltaksplan ved elevfravær §3: "3 nye sammenhengende fraværsdager").
 * `detectInOrder` does that feeding itself until nothing more fires, so one call returns every
 * trigger the data already shows, in the order a daily run would have found them; this is what a
 * detection run delivers, and why a second run on the same data finds nothing.
 *
 * Counting conventions (see each rule for its own):
 * - Only school days count. Registrations on days without teaching are ignored (the importer
 *   should never produce them).
 * - A "day" of absence is a whole-day absence. A day with only partial absence counts its lessons;
 *   the pupil was at school, so it breaks a run of consecutive days.
 * - Validity matters only where the seed says so: the Rælingen guide's "over 8 days and/or 10 single
 *   lessons" counts all absence, its danger sign "high valid absence" only valid absence.
 * - "A month" is a calendar month (school-calendar.ts `monthFrom`), never a number of days.
 *
 * Performance: registrations are grouped by pupil once and sorted once; every rule is a single
 * pass (two pointers for sliding windows) over that pupil's absence days, and the calendar
 * answers "how many school days before this date" in O(1).
 */
import type { AbsenceTrigger } from '../machines/events';
import { type ProcedureRegistry, procedureRegistry } from '../machines/registry';
import type { Trend, TriggerRule } from '../machines/vocabulary';
import type { Registration } from '../intake/registration-schema';
import { type DetectionPolicy, resolveDetectionPolicy } from './policy';
import { type SchoolCalendar, halfYearOf, monthFrom, schoolYearOf } from './school-calendar';
import { norwegianDayText } from '../app/oslo-time';

/** One pupil's absence on one school day, merged from that day's registrations. */
export interface DayAbsence {
  date: string;
  /** Calendar day number (SchoolCalendar.dayNumber). */
  day: number;
  /** Ordinal of this school day in the calendar; consecutive school days differ by 1. */
  ordinal: number;
  /** Away the whole day (any whole-day registration). */
  whole: boolean;
  /** Lessons missed in partial registrations that give a lesson count. */
  lessons: number;
  /** Minutes missed in partial registrations that give minutes only. */
  minutesOnly: number;
  /** Every registration that day is valid (gyldig). */
  valid: boolean;
  /** The guardians gave notice of every registration that day. */
  notified: boolean;
  lateArrival: boolean;
  leftDuringDay: boolean;
  grade: number;
}

/** A pupil's absence, one entry per school day with absence, sorted by date. */
export interface PupilAbsence {
  pupilId: string;
  schoolId: string;
  /** Grade on the latest registration. */
  grade: number;
  days: DayAbsence[];
}

/** What a rule found: the trigger (as machines/events absenceTriggerSchema) and why. */
export interface RuleHit extends AbsenceTrigger {
  /** The date the rule fired: the last evidence date, or the day action fell due. */
  firedOn: string;
  /** The procedure clause the rule implements, e.g. 'C.2'. */
  clause: string;
  /** Norwegian (bokmål) explanation for the coordinator. */
  description: string;
}

/** A trigger found for a pupil under a procedure. */
export interface DetectedTrigger extends RuleHit {
  pupilId: string;
  schoolId: string;
  procedureId: string;
}

/**
 * A trigger reported earlier for a pupil; the rules of its family (`cutoffFamily`) count only
 * absence after its last date.
 */
export type PreviousTrigger = Pick<DetectedTrigger, 'pupilId' | 'dates' | 'rule'>;

/** Everything a rule needs besides the pupil's days. */
export interface RuleContext {
  procedureId: string;
  /** The clause a day without notice implements in this procedure (its definition's `detection.noticeClause`). */
  noticeClause: string;
  calendar: SchoolCalendar;
  policy: DetectionPolicy;
  /** The evaluation date (yyyy-MM-dd); nothing after it is looked at. */
  today: string;
  /** True when the pupil already has triggers of this rule's family: the hit is a "new" trigger (C §3). */
  isNew: boolean;
  /** The family's cut-off: the last evidence date of the pupil's previous triggers of this rule's family. */
  after?: string;
}

/** A detection rule: the first hit in the pupil's (already cut) absence days, or undefined. */
export type Rule = (pupil: PupilAbsence, ctx: RuleContext) => RuleHit | undefined;

// ---------------------------------------------------------------------------------------------
// Grouping

/**
 * Groups registrations by pupil and merges each pupil's registrations per date, sorted by date.
 * Registrations on days without teaching are dropped; a date outside the calendar throws
 * CalendarRangeError (the calendar does not cover the data: a configuration error).
 */
export function groupByPupil(registrations: readonly Registration[], calendar: SchoolCalendar): Map<string, PupilAbsence> {
  const byPupil = new Map<string, { pupil: PupilAbsence; byDay: Map<number, DayAbsence> }>();
  for (const r of registrations) {
    const day = calendar.dayNumber(r.date);
    const ordinal = calendar.schoolDaysBefore(day);
    if (calendar.schoolDaysBefore(day + 1) === ordinal) continue; // not a school day
    let entry = byPupil.get(r.pupilId);
    if (!entry) {
      entry = { pupil: { pupilId: r.pupilId, schoolId: r.schoolId, grade: r.grade, days: [] }, byDay: new Map() };
      byPupil.set(r.pupilId, entry);
    }
    let d = entry.byDay.get(day);
    if (!d) {
      d = {
        date: r.date,
        day,
        ordinal,
        whole: false,
        lessons: 0,
        minutesOnly: 0,
        valid: true,
        notified: true,
        lateArrival: false,
        leftDuringDay: false,
        grade: r.grade,
      };
      entry.byDay.set(day, d);
      entry.pupil.days.push(d);
    }
    if (r.wholeDay) d.whole = true;
    else if (r.lessons !== undefined) d.lessons += r.lessons;
    else d.minutesOnly += r.minutes ?? 0;
    d.valid &&= r.valid;
    d.notified &&= r.notifiedByGuardians;
    d.lateArrival ||= r.lateArrival;
    d.leftDuringDay ||= r.leftDuringDay;
  }
  const result = new Map<string, PupilAbsence>();
  for (const [pupilId, { pupil }] of byPupil) {
    pupil.days.sort((a, b) => a.day - b.day);
    const last = pupil.days[pupil.days.length - 1];
    if (last) {
      pupil.grade = last.grade;
      result.set(pupilId, pupil);
    }
  }
  return result;
}

/** Lessons missed on a day's partial absence; minutes-only registrations are rounded up to lessons. */
export function partialLessons(d: DayAbsence, policy: DetectionPolicy): number {
  return d.lessons + Math.ceil(d.minutesOnly / policy.minutesPerLesson);
}

const isPartial = (d: DayAbsence): boolean => !d.whole && (d.lessons > 0 || d.minutesOnly > 0);

/** Norwegian date for descriptions: 14.05.2026. */
const no = norwegianDayText;
/** "1 dag" / "2 dager", "1 time" / "2 timer". */
function days(n: number): string {
  return `${n} ${n === 1 ? 'dag' : 'dager'}`;
}
function lessonsText(n: number): string {
  return `${n} ${n === 1 ? 'time' : 'timer'}`;
}
function dateList(dates: readonly string[]): string {
  return dates.map(no).join(', ');
}

/**
 * The first `need` items that fit in a window of `width` positions (position difference < width),
 * scanning in order with two pointers. Returns the slice or undefined.
 */
function firstWindow(
  items: readonly DayAbsence[],
  position: (d: DayAbsence) => number,
  width: number,
  need: number,
): DayAbsence[] | undefined {
  let start = 0;
  for (let end = 0; end < items.length; end++) {
    const endItem = items[end] as DayAbsence;
    while (position(endItem) - position(items[start] as DayAbsence) >= width) start++;
    if (end - start + 1 >= need) return items.slice(start, end + 1);
  }
  return undefined;
}

/**
 * The first `need` items that lie within one calendar month (school-calendar.ts `monthFrom`: the
 * last of them no later than the last day of the month that starts on the first), scanning in
 * order with two pointers. The month's end only moves forward as its first day does, so the
 * window never has to look back. Returns the items of that month up to the one that reached
 * `need`, or undefined.
 */
function firstWithinMonth(items: readonly DayAbsence[], need: number): DayAbsence[] | undefined {
  let start = 0;
  let monthEnd = items[0] === undefined ? '' : monthFrom(items[0].date).to;
  for (let end = 0; end < items.length; end++) {
    const endDate = (items[end] as DayAbsence).date;
    while (endDate > monthEnd) {
      start++;
      monthEnd = monthFrom((items[start] as DayAbsence).date).to;
    }
    if (end - start + 1 >= need) return items.slice(start, end + 1);
  }
  return undefined;
}

/**
 * Counts items per period (school year or half-year) in date order and returns the items of the
 * first period up to the point where `reached` says the threshold is met.
 */
function firstInPeriod(
  items: readonly DayAbsence[],
  periodOf: (date: string) => string,
  reached: (sofar: readonly DayAbsence[]) => boolean,
): DayAbsence[] | undefined {
  let period = '';
  let sofar: DayAbsence[] = [];
  for (const d of items) {
    const p = periodOf(d.date);
    if (p !== period) {
      period = p;
      sofar = [];
    }
    sofar.push(d);
    if (reached(sofar)) return sofar;
  }
  return undefined;
}

/** Cheap period keys (no allocation beyond a short string): the first date of the period. */
const halfYearKey = (date: string): string => (date.slice(5, 7) >= '08' ? `${date.slice(0, 4)}-08` : `${date.slice(0, 4)}-01`);
const schoolYearKey = (date: string): number => Number(date.slice(0, 4)) - (date.slice(5, 7) >= '08' ? 0 : 1);

const datesOf = (ds: readonly DayAbsence[]): string[] => ds.map((d) => d.date);
const lastDate = (ds: readonly DayAbsence[]): string => (ds[ds.length - 1] as DayAbsence).date;

// ---------------------------------------------------------------------------------------------
// Seed 002 (C): tiltaksplan ved elevfravær

function cClause(ctx: RuleContext): string {
  return ctx.isNew ? 'C.3' : 'C.2';
}
function cNew(ctx: RuleContext): string {
  return ctx.isNew ? 'nye ' : '';
}

/**
 * C §2 / §3 (the Tiltaksplan ved elevfravær): "fravær 3 sammenhengende dager". Fires on the first run of
 * `consecutiveSchoolDays` whole-day absences on consecutive SCHOOL days: weekends, public and
 * school holidays between them do not break the run; a school day the pupil attended (no
 * absence, or only partial absence) does. Evidence: the days of the run.
 */
export const consecutiveDays: Rule = (pupil, ctx) => {
  const need = ctx.policy.consecutiveSchoolDays;
  let runStart = 0;
  let runLength = 0;
  let previousOrdinal = -2;
  for (let i = 0; i < pupil.days.length; i++) {
    const d = pupil.days[i] as DayAbsence;
    if (!d.whole) {
      runLength = 0;
      continue;
    }
    if (runLength > 0 && d.ordinal === previousOrdinal + 1) runLength++;
    else {
      runStart = i;
      runLength = 1;
    }
    previousOrdinal = d.ordinal;
    if (runLength >= need) {
      const dates = datesOf(pupil.days.slice(runStart, i + 1));
      return {
        rule: 'consecutive-days',
        dates,
        days: dates.length,
        firedOn: d.date,
        clause: cClause(ctx),
        description: `Fravær ${dates.length} ${cNew(ctx)}sammenhengende skoledager (${dateList(dates)}).`,
      };
    }
  }
  return undefined;
};

/**
 * C §2 / §3 (the Tiltaksplan ved elevfravær): "4 enkeltdager i løpet av en måned". Fires when `singleDaysInMonth`
 * whole-day absences fall within one calendar month: the last of them no later than the last day
 * of the month that starts on the first (1 October – 31 October; 31 January – 28 or 29 February;
 * see `monthFrom`). A month, because the seed says a month, not a number of days. Evidence: the
 * days of that month up to the one that reached the count.
 */
export const singleDaysInMonth: Rule = (pupil, ctx) => {
  const hit = firstWithinMonth(
    pupil.days.filter((d) => d.whole),
    ctx.policy.singleDaysInMonth,
  );
  if (!hit) return undefined;
  const dates = datesOf(hit);
  return {
    rule: 'single-days-in-month',
    dates,
    days: dates.length,
    firedOn: lastDate(hit),
    clause: cClause(ctx),
    description: `${dates.length} ${cNew(ctx)}fraværsdager i løpet av en måned (${dateList(dates)}).`,
  };
};

/**
 * C §2 / §3 (the Tiltaksplan ved elevfravær): "gjentakende fravær deler av skoledagen i løpet av siste måned".
 * "Repeated" is a policy number (`repeatedPartialDaysInMonth`, default 3): partial-day absence
 * (late arrival, leaving early or missed lessons, whatever the validity) on that many school
 * days within one calendar month, the same month as `singleDaysInMonth`: read from the day it
 * fires, the month since the same date in the month before (`monthUpTo`). Evidence: those days
 * and their lessons.
 */
export const partialDaysInMonth: Rule = (pupil, ctx) => {
  const hit = firstWithinMonth(pupil.days.filter(isPartial), ctx.policy.repeatedPartialDaysInMonth);
  if (!hit) return undefined;
  const dates = datesOf(hit);
  const lessons = hit.reduce((sum, d) => sum + partialLessons(d, ctx.policy), 0);
  return {
    rule: 'partial-days-in-month',
    dates,
    lessons,
    firedOn: lastDate(hit),
    clause: cClause(ctx),
    description: `${ctx.isNew ? 'Fortsatt gjentakende' : 'Gjentakende'} fravær deler av skoledagen: ${dates.length} dager i løpet av en måned, ${lessons} timer (${dateList(dates)}).`,
  };
};

// ---------------------------------------------------------------------------------------------
// Seed 000 (A): plan for skolenærvær

/**
 * A Trinn 1 (the Plan for skolenærvær §5.2): "fravær over 10 dager". Counts whole-day absence (valid or not) in
 * the school year to date (Aug 1 – Jul 31; the seed names no period, and the school year is the
 * period the school reports absence for). Fires on the day the count exceeds `daysOverLimit`
 * (the 11th day). Evidence: every counted day that school year.
 */
export const daysOverLimit: Rule = (pupil, ctx) => {
  const limit = ctx.policy.daysOverLimit;
  const hit = firstInPeriod(
    pupil.days.filter((d) => d.whole),
    (date) => String(schoolYearKey(date)),
    (s) => s.length > limit,
  );
  if (!hit) return undefined;
  const dates = datesOf(hit);
  const year = schoolYearOf(lastDate(hit));
  return {
    rule: 'days-over-limit',
    dates,
    days: dates.length,
    firedOn: lastDate(hit),
    clause: 'A.T1.0',
    description: `Fravær ${dates.length} hele dager dette skoleåret (fra ${no(year.from)}), over grensen på ${limit} dager. Vurder om fraværet er bekymringsfullt.`,
  };
};

/**
 * Absence without notice from the guardians. A (the Plan for skolenærvær §5.1): no notice within 3 days ⇒ the
 * school contacts the guardians. E (the Rælingen guide): grades 1-7 contact the home immediately (the 1st
 * school day), grades 8-10 at the latest on the 3rd school day. B (the Hardanger action plan Nivå 0): notice is due
 * on the first day. C (the Tiltaksplan ved elevfravær §1.2): without notice the school contacts the home; the notice is
 * due the same day (§1.1), so the 1st school day.
 *
 * Taken from the earliest absence day still without notice: the rule fires once the school has
 * reached the N-th SCHOOL day counting that day as the 1st (N by grade from the policy) and
 * today is on or after it. School days, because the school can only act on days it is open.
 * Evidence: the days without notice from the first one up to that N-th school day.
 *
 * One absence is reported once: days without notice that follow the previous trigger's last
 * evidence day on the next school days, without a break, are the same absence the school was
 * already asked to contact the home about, so they are not counted again. A school day without
 * absence or with notice ends it; the next day without notice starts a new absence.
 */
export const unnotifiedAbsence: Rule = (pupil, ctx) => {
  let start = 0;
  if (ctx.after !== undefined) {
    // The ordinal of the previous evidence day (a school day: registrations are grouped on school days).
    let previousOrdinal = ctx.calendar.schoolDaysBefore(ctx.calendar.dayNumber(ctx.after));
    for (let d = pupil.days[start]; d !== undefined && !d.notified && d.ordinal === previousOrdinal + 1; d = pupil.days[start]) {
      previousOrdinal = d.ordinal;
      start++;
    }
  }
  const firstIndex = pupil.days.findIndex((d, i) => i >= start && !d.notified);
  const first = pupil.days[firstIndex];
  if (!first) return undefined;
  const lowerSecondary = first.grade >= ctx.policy.lowerSecondaryFromGrade;
  const n = lowerSecondary ? ctx.policy.unnotifiedLowerSecondaryBySchoolDay : ctx.policy.unnotifiedPrimaryBySchoolDay;
  const due = ctx.calendar.schoolDateAt(first.ordinal + n - 1);
  if (due === undefined || due > ctx.today) return undefined;
  const evidence = pupil.days.slice(firstIndex).filter((d) => !d.notified && d.date <= due);
  const dates = datesOf(evidence);
  const wholeDays = evidence.filter((d) => d.whole).length;
  const who = lowerSecondary ? `trinn ${first.grade}` : `trinn ${first.grade}, barnetrinnet`;
  return {
    rule: 'unnotified-absence',
    dates,
    days: wholeDays,
    firedOn: due,
    clause: ctx.noticeClause,
    description:
      n === 1
        ? `Fravær uten melding fra foresatte ${no(first.date)} (${who}). Skolen kontakter hjemmet samme dag.`
        : `Fravær uten melding fra foresatte siden ${no(first.date)}; ${n}. skoledag uten melding var ${no(due)} (${who}). Skolen kontakter hjemmet.`,
  };
};

// ---------------------------------------------------------------------------------------------
// Seed 004 (E): Rælingen, skolens rutine

/**
 * E danger signs (the Rælingen guide, faresignaler som krever handling): "ugyldig fravær fra enkelttimer"
 * and "ugyldig fravær hel dag"; the school's weekly routine adds that invalid absence, or a
 * suspicion of it, is reported to the school's leadership and the home is contacted at once
 * (E.S3). Fires on the first school day with absence the school registered as invalid although
 * the guardians gave notice of it, a single lesson or a whole day: invalid absence WITHOUT notice
 * is absence without notice, which has its own rule (`unnotifiedAbsence`, E.S4), so one day is
 * never reported twice. Each such day is its own trigger (the next one counts only days after
 * this one's evidence). Evidence: that day, as a whole day or its lessons.
 */
export const suspectedInvalidAbsence: Rule = (pupil, ctx) => {
  const d = pupil.days.find((day) => !day.valid && day.notified);
  if (!d) return undefined;
  const lessons = d.whole ? 0 : partialLessons(d, ctx.policy);
  const what = d.whole ? 'hele dagen' : `fra enkelttimer (${lessonsText(lessons)})`;
  return {
    rule: 'suspected-invalid-absence',
    dates: [d.date],
    days: d.whole ? 1 : 0,
    ...(d.whole ? {} : { lessons }),
    firedOn: d.date,
    clause: 'E.DS',
    description: `Ugyldig fravær ${what} ${no(d.date)}, selv om foresatte ga beskjed. Meld til skolens ledelse og kontakt hjemmet straks.`,
  };
};

/**
 * E.S5a (the Rælingen guide, bekymringsfullt fravær): worrying absence is suspected invalid absence OR
 * absence "over 8 dager og/eller 10 enkelttimer". The two are alternatives, so the 8/10 count
 * takes ALL absence, valid or not, notified or not (suspected invalid absence has its own rule,
 * `unnotifiedAbsence`, E.S4). Counted per school half-year, the only period the seed names.
 * "Over" applies to both numbers: fires when whole days exceed `worryingOverDays` (the 9th day)
 * or single lessons exceed `worryingOverLessons` (the 11th lesson), whichever comes first.
 * Evidence: every counted day that half-year, with days and lessons.
 */
export const daysOrLessonsOverLimit: Rule = (pupil, ctx) => {
  const { worryingOverDays, worryingOverLessons } = ctx.policy;
  let period = '';
  let counted: DayAbsence[] = [];
  let wholeDays = 0;
  let lessons = 0;
  let hit: DayAbsence[] | undefined;
  for (const d of pupil.days) {
    if (!(d.whole || isPartial(d))) continue;
    const p = halfYearKey(d.date);
    if (p !== period) {
      period = p;
      counted = [];
      wholeDays = 0;
      lessons = 0;
    }
    counted.push(d);
    if (d.whole) wholeDays++;
    else lessons += partialLessons(d, ctx.policy);
    if (wholeDays > worryingOverDays || lessons > worryingOverLessons) {
      hit = counted;
      break;
    }
  }
  if (!hit) return undefined;
  const dates = datesOf(hit);
  return {
    rule: 'days-or-lessons-over-limit',
    dates,
    days: wholeDays,
    lessons,
    firedOn: lastDate(hit),
    clause: 'E.S5a',
    description: `Fravær dette halvåret (gyldig og ugyldig): ${wholeDays} hele ${wholeDays === 1 ? 'dag' : 'dager'} og ${lessonsText(lessons)} (grense: over ${worryingOverDays} dager og/eller ${worryingOverLessons} timer). Meld til skolens ledelse og bruk kartleggingsskjema 1.`,
  };
};

/**
 * E danger sign (the Rælingen guide, faresignaler): "høyt gyldig fravær (10 dager i halvåret)". Whole days
 * of valid absence in one school half-year (autumn Aug 1 – Dec 31, spring Jan 1 – Jul 31); fires
 * on the day the count reaches `validDaysPerHalfYear`. Evidence: those days.
 */
export const validAbsenceHalfYear: Rule = (pupil, ctx) => {
  const need = ctx.policy.validDaysPerHalfYear;
  const hit = firstInPeriod(
    pupil.days.filter((d) => d.whole && d.valid),
    halfYearKey,
    (s) => s.length >= need,
  );
  if (!hit) return undefined;
  const dates = datesOf(hit);
  const half = halfYearOf(lastDate(hit));
  return {
    rule: 'valid-absence-half-year',
    dates,
    days: dates.length,
    firedOn: lastDate(hit),
    clause: 'E.DS',
    description: `Høyt gyldig fravær: ${dates.length} hele dager ${half.half === 'autumn' ? 'dette høsthalvåret' : 'dette vårhalvåret'} (fra ${no(half.from)}).`,
  };
};

/**
 * E danger sign (the Rælingen guide): "for sent komming til skolestart"; the seed's list of early signs
 * speaks of pupils late "flere ganger i løpet av uka". Policy: `lateArrivals` (3) late arrivals
 * within `lateArrivalsWithinSchoolDays` (5) consecutive school days, whatever the validity.
 * Evidence: those days.
 */
export const lateArrivals: Rule = (pupil, ctx) => {
  const hit = firstWindow(
    pupil.days.filter((d) => d.lateArrival),
    (d) => d.ordinal,
    ctx.policy.lateArrivalsWithinSchoolDays,
    ctx.policy.lateArrivals,
  );
  if (!hit) return undefined;
  const dates = datesOf(hit);
  return {
    rule: 'late-arrivals',
    dates,
    firedOn: lastDate(hit),
    clause: 'E.DS',
    description: `Kom for sent ${dates.length} ganger i løpet av ${ctx.policy.lateArrivalsWithinSchoolDays} skoledager (${dateList(dates)}).`,
  };
};

/**
 * E danger sign (the Rælingen guide): "eleven møter opp på skolen, men forlater den igjen". The seed gives
 * no number and no period; one departure may be a dentist visit. Policy: `leftDuringDay` (2)
 * days within `leftDuringDayWithinCalendarDays` (30) calendar days (a number of days, since the
 * seed names no month here). Evidence: those days.
 */
export const leftDuringDay: Rule = (pupil, ctx) => {
  const hit = firstWindow(
    pupil.days.filter((d) => d.leftDuringDay),
    (d) => d.day,
    ctx.policy.leftDuringDayWithinCalendarDays,
    ctx.policy.leftDuringDay,
  );
  if (!hit) return undefined;
  const dates = datesOf(hit);
  return {
    rule: 'left-during-day',
    dates,
    firedOn: lastDate(hit),
    clause: 'E.DS',
    description: `Møtte på skolen, men gikk i løpet av dagen ${dates.length} ganger i løpet av ${ctx.policy.leftDuringDayWithinCalendarDays} dager (${dateList(dates)}).`,
  };
};

/** Every implemented rule by trigger id. Rules not here ('staff-concern', ...) are not detected from data. */
export const rules: Readonly<Partial<Record<TriggerRule, Rule>>> = {
  'consecutive-days': consecutiveDays,
  'single-days-in-month': singleDaysInMonth,
  'partial-days-in-month': partialDaysInMonth,
  'days-over-limit': daysOverLimit,
  'unnotified-absence': unnotifiedAbsence,
  'suspected-invalid-absence': suspectedInvalidAbsence,
  'days-or-lessons-over-limit': daysOrLessonsOverLimit,
  'valid-absence-half-year': validAbsenceHalfYear,
  'late-arrivals': lateArrivals,
  'left-during-day': leftDuringDay,
};

/**
 * Which earlier triggers a rule's count starts after: its cut-off family. Rules of one family
 * read the same absence through different thresholds (a run of days, days in a month, days in a
 * half-year ...), so they share one cut-off and one absence never counts as two worries. A rule
 * about one school day's facts is a family of its own: a day without notice (C.1.2, A.5.1c,
 * B.N0a, E.S4) and a day of invalid absence with notice (E.DS) ask for a contact about that day,
 * not for a count, so their triggers neither move the cut-off of the patterns nor are moved by it.
 * Otherwise the first day without notice would hide the first days of a pattern (three
 * consecutive days would need a fourth), and a pattern would hide the next day without notice.
 */
export type CutoffFamily = 'pattern' | 'notice' | 'invalid';

export function cutoffFamily(rule: TriggerRule): CutoffFamily {
  if (rule === 'unnotified-absence') return 'notice';
  if (rule === 'suspected-invalid-absence') return 'invalid';
  return 'pattern';
}

/**
 * The order families are delivered in when they fire on the same day: a pattern first (it opens
 * the case, or moves it on), then the day's facts, which the case then records in its new step.
 */
const FAMILY_ORDER: readonly CutoffFamily[] = ['pattern', 'notice', 'invalid'];

interface ActiveRule {
  id: TriggerRule;
  rule: Rule;
  family: CutoffFamily;
}

/**
 * The rules detection runs for a procedure: the ones its definition lists (`detection.rules`),
 * each looked up here by its trigger id. A listed rule without a detector is a definition error.
 */
export function activeRules(procedureId: string, registry: ProcedureRegistry = procedureRegistry): ActiveRule[] {
  return registry.get(procedureId).detection.rules.map((id) => {
    const rule = rules[id];
    if (!rule) throw new Error(`Rutinen ${procedureId} ber deteksjonen om regelen «${id}», som ikke har noen detektor.`);
    return { id, rule, family: cutoffFamily(id) };
  });
}

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * The days a rule may look at: after `after` (exclusive, if given) and up to `today` (inclusive).
 * Binary search on the sorted days, so cutting costs O(log n).
 */
export function cutDays(pupil: PupilAbsence, today: string, after?: string): PupilAbsence {
  const upper = upperBound(pupil.days, today);
  const lower = after === undefined ? 0 : upperBound(pupil.days, after);
  return lower === 0 && upper === pupil.days.length ? pupil : { ...pupil, days: pupil.days.slice(lower, upper) };
}

/** Index of the first day with date > `date`. */
function upperBound(days: readonly DayAbsence[], date: string): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((days[mid] as DayAbsence).date <= date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Runs the rules of a procedure (`activeRules`: the rules its definition in `registry` lists) over every pupil's registrations, as of `today`, and returns the
 * triggers sorted by the date they fired (then pupil, then rule).
 *
 * `previousTriggers` (any rule, per pupil) are the triggers already reported: for that pupil each
 * rule counts only absence after the latest evidence date among those of its cut-off family, and
 * its hits are then "new" triggers (C §3). Registrations are trusted as validated by the importer (registrationSchema in intake/registration-schema.ts);
 * they are not parsed again here, to keep a run over 100 000 pupils fast.
 */
export function detect(procedureId: string, registrations: readonly Registration[], ...args: DetectionRunArgs): DetectedTrigger[] {
  return detectGrouped(procedureId, groupByPupil(registrations, args[0]), ...args);
}

/**
 * What a detection run is given besides the procedure and the absence: the school's calendar,
 * the evaluation date, the triggers already reported, the municipality's policy overrides and the
 * registry the procedure is looked up in. `detect`, `detectGrouped` and `detectInOrder` take them alike.
 */
export type DetectionRunArgs = [
  calendar: SchoolCalendar,
  today: string,
  previousTriggers?: readonly PreviousTrigger[],
  policyOverrides?: unknown,
  registry?: ProcedureRegistry,
];

/** `detect` on registrations already grouped by `groupByPupil`, so a caller groups a school once. */
export function detectGrouped(
  procedureId: string,
  pupils: ReadonlyMap<string, PupilAbsence>,
  ...args: DetectionRunArgs
): DetectedTrigger[] {
  const run = startRun(procedureId, ...args);
  const found: DetectedTrigger[] = [];
  for (const pupil of pupils.values()) found.push(...run.hits(pupil, run.cutoff.get(pupil.pupilId)));
  return found.sort((a, b) => compare(a.firedOn, b.firedOn) || compare(a.pupilId, b.pupilId) || compare(a.rule, b.rule));
}

/** One detection run of a procedure: the cut-offs of the previous triggers, and the rules run over one pupil. */
interface DetectionRun {
  /** Per pupil and cut-off family, the latest evidence date among the previous triggers. */
  cutoff: ReadonlyMap<string, ReadonlyMap<CutoffFamily, string>>;
  /** Every rule's hit for `pupil`, each rule over the absence after its family's cut-off in `after`. */
  hits(pupil: PupilAbsence, after: ReadonlyMap<CutoffFamily, string> | undefined): DetectedTrigger[];
}

/** Looks up what a run of `procedureId`'s rules needs, once, and fails fast when today lies outside the calendar. */
function startRun(
  procedureId: string,
  calendar: SchoolCalendar,
  today: string,
  previousTriggers: readonly PreviousTrigger[] = [],
  policyOverrides?: unknown,
  registry: ProcedureRegistry = procedureRegistry,
): DetectionRun {
  const active = activeRules(procedureId, registry);
  const policy = resolveDetectionPolicy(procedureId, policyOverrides, registry);
  const noticeClause = registry.get(procedureId).detection.noticeClause;
  calendar.dayNumber(today); // fail fast when today lies outside the calendar
  const base = { procedureId, noticeClause, calendar, policy, today };
  return {
    cutoff: cutoffs(previousTriggers),
    hits(pupil, after) {
      const days = new Map<CutoffFamily, PupilAbsence>();
      const hits: DetectedTrigger[] = [];
      for (const { rule, family } of active) {
        const hit = runRule(rule, family, pupil, after, days, base);
        if (hit) hits.push({ ...hit, pupilId: pupil.pupilId, schoolId: pupil.schoolId, procedureId });
      }
      return hits;
    },
  };
}

/**
 * One rule over the pupil's absence after its family's cut-off (`after`), up to today. The cut
 * days are kept per family in `days`, so the rules of one family cut once.
 */
function runRule(
  rule: Rule,
  family: CutoffFamily,
  pupil: PupilAbsence,
  after: ReadonlyMap<CutoffFamily, string> | undefined,
  days: Map<CutoffFamily, PupilAbsence>,
  base: Omit<RuleContext, 'isNew' | 'after'>,
): RuleHit | undefined {
  const from = after?.get(family);
  let cut = days.get(family);
  if (!cut) {
    cut = cutDays(pupil, base.today, from);
    days.set(family, cut);
  }
  if (cut.days.length === 0) return undefined;
  return rule(cut, { ...base, isNew: from !== undefined, ...(from !== undefined ? { after: from } : {}) });
}

/**
 * One trigger of a pupil in the order a detection run delivers them: the trigger sent to the
 * case, and the other rules of its family that fired on the same day for the same absence.
 */
export interface TriggerStep {
  /** Delivered to the case: of its family's rules that fired on the earliest day, the first by rule id. */
  trigger: DetectedTrigger;
  /**
   * Other rules of the same family that fired on that same day: the same absence seen through
   * another rule. They are recorded (their evidence moves the family's cut-off for the next
   * trigger) but not delivered, so that one absence is never counted as two worries (in C a
   * second trigger escalates the case).
   */
  sameDay: DetectedTrigger[];
}

/**
 * Every trigger the data shows up to `today`, per pupil in the order a daily run would have found
 * them (a run every school day, each rule counting only absence after the evidence of the earlier
 * triggers of its family, as in `detect`). Per pupil: run the rules, each over the absence after
 * its family's cut-off; of the hits, the ones that fired on the earliest day make one step per
 * family (a pattern first, then a day's facts); each family that fired moves its cut-off to the
 * latest evidence date of its step; repeat until no rule fires. Hits that fired later are not
 * kept: after the new cut-off they may count less absence, exactly as the next daily run would.
 *
 * So a backlog (a school year imported at once) gives every successive trigger in one call, and
 * calling it again with the steps fed back as `previousTriggers` returns nothing: a repeated
 * detection run on the same data delivers nothing. Steps are returned by pupil id, each pupil's
 * in order.
 */
export function detectInOrder(procedureId: string, pupils: ReadonlyMap<string, PupilAbsence>, ...args: DetectionRunArgs): TriggerStep[] {
  const run = startRun(procedureId, ...args);
  const today = args[1];
  const steps: TriggerStep[] = [];
  const pupilIds = [...pupils.keys()].sort(compare);
  for (const pupilId of pupilIds) {
    const pupil = pupils.get(pupilId) as PupilAbsence;
    const after = new Map(run.cutoff.get(pupilId));
    for (;;) {
      const hits = run.hits(pupil, after);
      if (hits.length === 0) break;
      const earliest = hits.reduce((min, h) => (h.firedOn < min ? h.firedOn : min), today);
      for (const family of FAMILY_ORDER) {
        const fired = hits.filter((h) => h.firedOn === earliest && cutoffFamily(h.rule) === family).sort((a, b) => compare(a.rule, b.rule));
        if (fired.length === 0) continue;
        steps.push({ trigger: fired[0] as DetectedTrigger, sameDay: fired.slice(1) });
        const next = fired.flatMap((h) => h.dates).reduce((max, d) => (d > max ? d : max), '');
        const previous = after.get(family);
        // Every rule's evidence lies in the days after its family's cut-off, so the cut-off always moves on.
        if (previous !== undefined && next <= previous) {
          throw new Error(
            `Programfeil i fraværsdeteksjonen: kom ikke forbi ${previous} for elev «${pupilId}» (${procedureId}, ${family}).`,
          );
        }
        after.set(family, next);
      }
    }
  }
  return steps;
}

/** Per pupil and cut-off family, the latest evidence date among the previous triggers. */
function cutoffs(previousTriggers: readonly PreviousTrigger[]): Map<string, Map<CutoffFamily, string>> {
  const cutoff = new Map<string, Map<CutoffFamily, string>>();
  for (const t of previousTriggers) {
    const family = cutoffFamily(t.rule);
    let pupil = cutoff.get(t.pupilId);
    if (!pupil) {
      pupil = new Map();
      cutoff.set(t.pupilId, pupil);
    }
    for (const date of t.dates) {
      const current = pupil.get(family);
      if (current === undefined || date > current) pupil.set(family, date);
    }
  }
  return cutoff;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Trend

/** Absence in one window of school days. */
export interface AbsenceWindow {
  from: string;
  to: string;
  /** Whole days of absence. */
  absenceDays: number;
  /** Lessons of partial-day absence. */
  absenceLessons: number;
  /** Whole days plus partial lessons turned into days (lessonsPerDay), used to compare. */
  dayEquivalent: number;
}

/** The trend and the numbers behind it; `from`, `to`, `absenceDays`, `absenceLessons` fit the absence.trend event. */
export interface TrendResult extends AbsenceWindow {
  trend: Trend;
  previous: AbsenceWindow;
  description: string;
}

/**
 * Direction of a pupil's absence (C §3.3 "merkbart mindre", A Trinn 2 "uendret eller økende",
 * E evaluation "bedring"): compares the latest `trendWindowSchoolDays` (20) school days ending
 * today (or the last school day before it) with the same number of school days before them.
 * School days, so that a window over Christmas or Easter is not "improved" only because the
 * school was closed. Measured in day-equivalents (whole days + lessons / lessonsPerDay): more
 * than `trendToleranceDays` lower is 'improved', more than that higher is 'worse', else
 * 'unchanged'. Returns undefined when the calendar does not hold two full windows before today.
 */
export function trend(
  pupil: PupilAbsence | undefined,
  calendar: SchoolCalendar,
  today: string,
  policy: DetectionPolicy,
): TrendResult | undefined {
  const n = policy.trendWindowSchoolDays;
  const end = calendar.schoolDaysBefore(calendar.dayNumber(today) + 1); // school days up to and including today
  if (end - 2 * n < 0) return undefined;
  const window = (firstOrdinal: number): AbsenceWindow => {
    const from = calendar.schoolDateAt(firstOrdinal) as string;
    const to = calendar.schoolDateAt(firstOrdinal + n - 1) as string;
    let absenceDays = 0;
    let absenceLessons = 0;
    for (const d of pupil?.days ?? []) {
      if (d.ordinal < firstOrdinal || d.ordinal >= firstOrdinal + n) continue;
      if (d.whole) absenceDays++;
      else absenceLessons += partialLessons(d, policy);
    }
    return { from, to, absenceDays, absenceLessons, dayEquivalent: absenceDays + absenceLessons / policy.lessonsPerDay };
  };
  const latest = window(end - n);
  const previous = window(end - 2 * n);
  const change = latest.dayEquivalent - previous.dayEquivalent;
  const result: Trend = change < -policy.trendToleranceDays ? 'improved' : change > policy.trendToleranceDays ? 'worse' : 'unchanged';
  const label = { improved: 'Bedre', unchanged: 'Uendret', worse: 'Verre' }[result];
  return {
    ...latest,
    trend: result,
    previous,
    description: `${label}: ${days(latest.absenceDays)} og ${lessonsText(latest.absenceLessons)} fravær ${no(latest.from)}–${no(latest.to)}, mot ${days(previous.absenceDays)} og ${lessonsText(previous.absenceLessons)} ${no(previous.from)}–${no(previous.to)}.`,
  };
}
