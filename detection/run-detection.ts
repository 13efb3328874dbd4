/**
 * One detection run: for each school in the school directory, its procedure's rules over the
 * stored registrations as of `today`; every trigger the data shows that was not delivered before
 * is delivered to the pupil's case in the order it fired (the first opens the case when none is
 * open, the next are new triggers to it), and the absence trend goes to every open case when it
 * changed or a week has passed. Runs after every import and on the daily schedule.
 *
 * Running it again on the same data and date delivers nothing: one run delivers every trigger
 * the data already shows (`detectInOrder`), the ledger records them, and the next run counts
 * only absence after their evidence; a trend is sent at most once per window, and not on the
 * day (`today`) the case was opened. Schools missing from the directory are not evaluated and
 * are named in the summary.
 *
 * Each school is evaluated under its lock (school-locks.ts): registrations, ledger, deliveries
 * and the saved ledger in one piece, so two runs at once deliver each trigger once; the second
 * waits, then reads what the first stored and saved.
 *
 * Within a school, up to `deliveryConcurrency` pupils' cases are delivered to at once, each
 * pupil's triggers in order (delivery-lanes.ts); the ledger records the outcomes in the plan's
 * order once they are in, so it reads exactly as if they had been delivered one by one.
 */
import { differenceInCalendarDays, parseISO } from 'date-fns';
import { type ProcedureRegistry, procedureRegistry } from '../machines/registry';
import type { RegistrationStore } from '../intake/registration-store';
import type { CaseDispatcher } from './case-dispatcher';
import { planTrendEvent, planTriggerDelivery, triggerEvidence } from './dispatch-plan';
import { resolveDetectionPolicy } from './policy';
import { DEFAULT_DELIVERY_CONCURRENCY, checkDeliveryConcurrency, deliverInLanes, lanesBy } from './delivery-lanes';
import { type DetectedTrigger, type PreviousTrigger, type TrendResult, detectInOrder, groupByPupil, trend } from './rules';
import { CalendarRangeError } from './school-calendar';
import type { SchoolDirectory } from './school-directory';
import { InProcessSchoolLocks, type SchoolLocks } from './school-locks';
import type { LedgerTrigger, PupilLedger, TriggerLedger } from './trigger-ledger';
import { osloDate } from '../app/oslo-time';

/** A trend that has not changed is sent again after this many calendar days (a weekly summary). */
export const TREND_RESEND_DAYS = 7;

export interface DetectionRunOptions {
  store: RegistrationStore;
  directory: SchoolDirectory;
  ledger: TriggerLedger;
  /** One run per school at a time; default this process's runs only (give SqlSchoolLocks when several processes run detection). */
  locks?: SchoolLocks;
  dispatcher: CaseDispatcher;
  /**
   * Pupils' cases delivered to at once (default DEFAULT_DELIVERY_CONCURRENCY, 16); each pupil's
   * own triggers always go one after the other, in the order they fired.
   */
  deliveryConcurrency?: number;
  /** The evaluation date, yyyy-MM-dd (Norwegian date of the run). */
  today: string;
  /** Clock for fact timestamps; default the real one. */
  now?: Date;
  /** Only these schools; default every school with registrations. */
  schoolIds?: readonly string[];
  onProgress?: (line: string) => void;
  /** The procedures the school directory's ids refer to; default the system's. */
  registry?: ProcedureRegistry;
}

export interface SchoolRunSummary {
  schoolId: string;
  procedureId?: string;
  registrations: number;
  /** Cases opened by a trigger. */
  opened: number;
  /** Triggers delivered to a case that was already open (including one opened earlier in this run). */
  signalled: number;
  /** Triggers recorded but not delivered: another rule fired the same day for the same absence. */
  merged: number;
  trendsSent: number;
  /** Why the school was not evaluated, when it was not. */
  skipped?: SkipReason;
}

/** Why a school was not evaluated; `message` is Norwegian. */
export interface SkipReason {
  kind: 'unknown-school' | 'calendar';
  message: string;
}

export interface DetectionRunSummary {
  today: string;
  schools: SchoolRunSummary[];
  opened: number;
  signalled: number;
  merged: number;
  trendsSent: number;
}

/** Delivery to Temporal failed part-way; what was delivered before is recorded in the ledger. */
export class DetectionDispatchError extends Error {
  override name = 'DetectionDispatchError';
  constructor(
    message: string,
    readonly partial: DetectionRunSummary,
  ) {
    super(message);
  }
}

/** Norwegian date (yyyy-MM-dd) of an instant: detection's "today" (app/oslo-time.ts). */
export { osloDate };

/** The default: the runs of this process share one lock per school. */
const processSchoolLocks = new InProcessSchoolLocks();

export async function runDetection(options: DetectionRunOptions): Promise<DetectionRunSummary> {
  const now = options.now ?? new Date();
  const locks = options.locks ?? processSchoolLocks;
  // A bad bound is the caller's mistake: refused before any school is evaluated.
  if (options.deliveryConcurrency !== undefined) checkDeliveryConcurrency(options.deliveryConcurrency);
  const schoolIds = options.schoolIds ?? (await options.store.schoolIds());
  const summary: DetectionRunSummary = { today: options.today, schools: [], opened: 0, signalled: 0, merged: 0, trendsSent: 0 };
  for (const schoolId of schoolIds) {
    // Everything about the school is read under its lock: what a run before this one stored and saved.
    const school = await locks.run(schoolId, () => runSchool(schoolId, options, now, summary), options.onProgress);
    summary.schools.push(school);
    summary.opened += school.opened;
    summary.signalled += school.signalled;
    summary.merged += school.merged;
    summary.trendsSent += school.trendsSent;
    options.onProgress?.(describeSchool(school));
  }
  return summary;
}

async function runSchool(
  schoolId: string,
  options: DetectionRunOptions,
  now: Date,
  runSoFar: DetectionRunSummary,
): Promise<SchoolRunSummary> {
  const registrations = await options.store.bySchool(schoolId);
  const result: SchoolRunSummary = { schoolId, registrations: registrations.length, opened: 0, signalled: 0, merged: 0, trendsSent: 0 };
  const settings = options.directory.get(schoolId);
  if (!settings)
    return {
      ...result,
      skipped: { kind: 'unknown-school', message: 'skolen står ikke i skolekatalogen, så ingen sak er åpnet eller oppdatert' },
    };
  result.procedureId = settings.procedureId;
  const { range } = settings.calendar;
  if (options.today < range.from || options.today > range.to) {
    return {
      ...result,
      skipped: { kind: 'calendar', message: `skolekalenderen til ${settings.municipality} dekker ikke ${options.today}` },
    };
  }

  const pupils = await options.ledger.load(schoolId);
  // With their rule: each rule counts only absence after the triggers of its own cut-off family.
  const previous: PreviousTrigger[] = [...pupils.values()].flatMap((p) =>
    p.triggers.map((t) => ({ pupilId: p.pupilId, rule: t.rule, dates: t.dates })),
  );
  let absence;
  let steps;
  try {
    // Grouped once: the rules and the trend both read the pupils' school days.
    absence = groupByPupil(registrations, settings.calendar);
    steps = detectInOrder(
      settings.procedureId,
      absence,
      settings.calendar,
      options.today,
      previous,
      settings.detectionOverrides,
      options.registry ?? procedureRegistry,
    );
  } catch (err) {
    // Registrations outside the municipality's calendar: a configuration gap, reported per school.
    if (err instanceof CalendarRangeError) {
      return {
        ...result,
        skipped: {
          kind: 'calendar',
          message: `skolekalenderen til ${settings.municipality} dekker ikke alle registreringene (${err.message})`,
        },
      };
    }
    throw err;
  }
  const recordedAt = now.toISOString();
  const concurrency = options.deliveryConcurrency ?? DEFAULT_DELIVERY_CONCURRENCY;

  try {
    // Each pupil's steps in the order they fired: the first opens the case (or is a new trigger to
    // the open one), the next reach the case as new triggers, as daily runs would have sent them.
    // Pupils' cases are independent, so several pupils are delivered to at once (delivery-lanes.ts).
    const lanes = lanesBy(steps, (step) => step.trigger.pupilId);
    const delivered = await deliverInLanes(lanes, concurrency, async ({ trigger }, position) => {
      // A pupil with a trigger has absence days, so the grouping holds the grade of their latest registration.
      const delivery = planTriggerDelivery(settings, trigger, absence.get(trigger.pupilId)?.grade ?? 1, now);
      // After the lane's first step the case is open: this run opened or signalled it.
      const caseLikelyOpen = position > 0 || pupils.get(trigger.pupilId)?.caseOpen === true;
      return { delivery, outcome: await options.dispatcher.deliverTrigger(delivery, { caseLikelyOpen }) };
    });
    // Recorded in the plan's order once the deliveries are done, so the ledger reads as if they ran one by one.
    lanes.forEach((lane, i) =>
      delivered.results[i]?.forEach(({ delivery, outcome }, position) => {
        const { trigger, sameDay } = lane[position] as (typeof lane)[number];
        const { pupilId } = trigger;
        const entry: PupilLedger = pupils.get(pupilId) ?? { pupilId, triggers: [], caseOpen: true };
        const eventId = delivery.event.eventId;
        entry.triggers.push(
          ledgerEntry(trigger, outcome, eventId, recordedAt),
          ...sameDay.map((t) => ledgerEntry(t, 'merged', eventId, recordedAt)),
        );
        entry.caseOpen = true;
        if (outcome === 'opened') {
          delete entry.lastTrend; // a new case starts its trend history afresh
          entry.openedOn = options.today;
          result.opened += 1;
        } else result.signalled += 1;
        result.merged += sameDay.length;
        pupils.set(pupilId, entry);
      }),
    );
    if (delivered.failure) throw delivered.failure.error;

    const policy = resolveDetectionPolicy(settings.procedureId, settings.detectionOverrides, options.registry ?? procedureRegistry);
    const dueTrends: { entry: PupilLedger; current: TrendResult; event: ReturnType<typeof planTrendEvent> }[] = [];
    for (const entry of pupils.values()) {
      // No trend on the day the case opened (its trigger is the news), in this run or a repeat of it.
      if (!entry.caseOpen || entry.openedOn === options.today) continue;
      const current = trend(absence.get(entry.pupilId), settings.calendar, options.today, policy);
      if (!current || !isTrendDue(entry.lastTrend, current.trend, current.to, options.today)) continue;
      dueTrends.push({ entry, current, event: planTrendEvent(schoolId, entry.pupilId, current, now) });
    }
    // One trend per pupil: every one is a lane of its own.
    const trendsDelivered = await deliverInLanes(
      dueTrends.map((due) => [due]),
      concurrency,
      ({ entry, event }) => options.dispatcher.deliverTrend(schoolId, entry.pupilId, event),
    );
    dueTrends.forEach(({ entry, current, event }, i) => {
      const outcome = trendsDelivered.results[i]?.[0];
      if (outcome === undefined) return; // not delivered: the run stopped first
      if (outcome === 'no-open-case') {
        entry.caseOpen = false; // closed by the school; the next trigger opens a new case
        return;
      }
      entry.lastTrend = { trend: current.trend, to: current.to, sentOn: options.today, eventId: event.eventId };
      result.trendsSent += 1;
    });
    if (trendsDelivered.failure) throw trendsDelivered.failure.error;
  } catch (err) {
    // What was delivered before the failure is recorded; the rest goes again, harmlessly, next run.
    await options.ledger.save(schoolId, pupils);
    throw new DetectionDispatchError(
      `Kunne ikke levere til sakene for skole ${schoolId}: ${(err as Error).message}. Det som ble levert før feilen er lagret; kjør deteksjonen igjen.`,
      { ...runSoFar, schools: [...runSoFar.schools, result] },
    );
  }
  await options.ledger.save(schoolId, pupils);
  return result;
}

/** A trend is sent when it changed, or unchanged once a week, never twice for the same window. */
export function isTrendDue(last: PupilLedger['lastTrend'], trendNow: string, windowEnd: string, today: string): boolean {
  if (!last) return true;
  if (last.to === windowEnd) return false;
  if (last.trend !== trendNow) return true;
  return differenceInCalendarDays(parseISO(today), parseISO(last.sentOn)) >= TREND_RESEND_DAYS;
}

/** A delivered (or merged) trigger as the ledger keeps it: its evidence and how it was delivered. */
function ledgerEntry(t: DetectedTrigger, delivery: LedgerTrigger['delivery'], eventId: string, recordedAt: string): LedgerTrigger {
  return { ...triggerEvidence(t), eventId, firedOn: t.firedOn, delivery, recordedAt };
}

/** One Norwegian progress line per school. */
export function describeSchool(s: SchoolRunSummary): string {
  if (s.skipped) return `Skole «${s.schoolId}»: ikke vurdert – ${s.skipped.message} (${s.registrations} registreringer).`;
  return (
    `Skole ${s.schoolId} (${s.procedureId}): ${s.registrations} registreringer, ${s.opened} nye saker, ` +
    `${s.signalled} nye utløsere til åpne saker, ${s.merged} slått sammen, ${s.trendsSent} trender sendt.`
  );
}

/**
 * The run's Norwegian summary: the totals, then one line per school that was not evaluated,
 * naming the school and why, so a school missing from the directory is never silently passed over.
 */
export function describeRun(r: DetectionRunSummary): string {
  const skipped = r.schools.filter((s) => s.skipped);
  const lines = [
    `Fraværsdeteksjon for ${r.today}: ${r.schools.length - skipped.length} skoler vurdert` +
      (skipped.length > 0 ? ` (${skipped.length} ikke vurdert)` : '') +
      `, ${r.opened} nye saker, ${r.signalled} nye utløsere til åpne saker, ${r.merged} slått sammen, ${r.trendsSent} trender sendt.`,
  ];
  for (const s of skipped) lines.push(`  Ikke vurdert: skole «${s.schoolId}» – ${s.skipped?.message} (${s.registrations} registreringer).`);
  return lines.join('\n');
}
