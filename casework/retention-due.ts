/**
 * Which closed cases are due for deletion (pure): a case's working data is kept for the
 * retention period after it closed, counted in Norwegian calendar days. A case here is a workflow
 * id with all its runs: the pupil's id at the school is the same for every case they ever had
 * there (app/case-ids.ts), and its delivery records and outbox files are found by that id. So a
 * workflow id is due only when none of its runs is open and the last one closed more than the
 * period before today; while a pupil has an open case, or one closed within the period, nothing
 * of that id is deleted.
 */
import { osloDate } from '../app/oslo-time';

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** One run of a case as visibility lists it. */
export interface CaseRun {
  workflowId: string;
  runId: string;
  /** When the run closed; undefined while it runs. */
  closedAt?: Date;
}

/** A case whose working data may be deleted. */
export interface DueCase {
  workflowId: string;
  /** When its last run closed. */
  closedAt: Date;
  /** Every run of the case, oldest close first. */
  runIds: string[];
}

/** Whether `date` is a real calendar date written yyyy-MM-dd. */
export function isCalendarDate(date: string): boolean {
  if (!DATE.test(date)) return false;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

/** `date` (yyyy-MM-dd) moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  if (!isCalendarDate(date)) throw new RangeError(`ugyldig dato: ${date}`);
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The first Norwegian date whose closed cases are still kept: a case closed before it is due. */
export function keptFrom(today: string, retentionDays: number): string {
  return addDays(today, -retentionDays);
}

/** Whether a case closed at `closedAt` has been closed more than `retentionDays` days on `today`. */
export function isPastRetention(closedAt: Date, today: string, retentionDays: number): boolean {
  return osloDate(closedAt) < keptFrom(today, retentionDays);
}

/**
 * An instant every due case closed before (a little later than needed: Oslo's midnight comes
 * before UTC's), for narrowing the visibility query; `dueCases` decides exactly.
 */
export function closedBeforeBound(today: string, retentionDays: number): Date {
  return new Date(`${keptFrom(today, retentionDays)}T00:00:00Z`);
}

/** The cases among `runs` due on `today`, by workflow id. */
export function dueCases(runs: readonly CaseRun[], today: string, retentionDays: number): DueCase[] {
  const byId = new Map<string, CaseRun[]>();
  for (const run of runs) byId.set(run.workflowId, [...(byId.get(run.workflowId) ?? []), run]);
  const due: DueCase[] = [];
  for (const [workflowId, ofCase] of [...byId].sort(([a], [b]) => a.localeCompare(b))) {
    if (ofCase.some((run) => run.closedAt === undefined)) continue;
    const closed = [...ofCase].sort((a, b) => a.closedAt!.getTime() - b.closedAt!.getTime());
    const last = closed[closed.length - 1]!;
    if (!isPastRetention(last.closedAt!, today, retentionDays)) continue;
    due.push({ workflowId, closedAt: last.closedAt!, runIds: closed.map((run) => run.runId) });
  }
  return due;
}
