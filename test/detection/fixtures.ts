/**
 * Shared fixtures for the detection tests: a municipality calendar for the school year
 * 2025/2026, builders for absence registrations with sensible defaults, and a fake dispatcher
 * standing in for Temporal.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CaseAlreadyOpenError, CaseNotFoundError } from '../../app/case-client';
import type { CaseDispatcher, DispatchCases, TriggerOutcome, TrendOutcome } from '../../detection/case-dispatcher';
import { type CaseDelivery, deliveryKey } from '../../detection/dispatch-plan';
import type { Registration } from '../../intake/registration-schema';
import type { CaseEvent } from '../../machines/events';
import type { CaseWorkflowInput } from '../../workflows/case-messages';
import { testCaseIds } from '../helpers/case-ids';
import { buildSchoolCalendar, type SchoolCalendarConfig } from '../../detection/school-calendar';

/** A school year like most Norwegian municipalities have it. */
export const calendarConfig: SchoolCalendarConfig = {
  municipality: 'Testkommune',
  firstYear: 2025,
  lastYear: 2026,
  schoolHolidays: [
    { name: 'Sommerferie', from: '2025-06-21', to: '2025-08-17' },
    { name: 'Høstferie', from: '2025-09-29', to: '2025-10-03' },
    { name: 'Juleferie', from: '2025-12-22', to: '2026-01-02' },
    { name: 'Vinterferie', from: '2026-02-23', to: '2026-02-27' },
    { name: 'Påskeferie', from: '2026-03-30', to: '2026-04-06' },
    { name: 'Sommerferie', from: '2026-06-20', to: '2026-08-16' },
  ],
  extraNonTeachingDays: [{ name: 'Planleggingsdag', date: '2026-03-13' }],
};
export const calendar = buildSchoolCalendar(calendarConfig);

/** Weekends and public holidays only, so the half-year boundaries fall on school days. */
export const openCalendar = buildSchoolCalendar({ municipality: 'Uten ferier', firstYear: 2025, lastYear: 2026 });

/** Weekends and public holidays only, over four years, so every length of month (28, 29, 30, 31 days) has school days at both ends. */
export const monthCalendar = buildSchoolCalendar({ municipality: 'Uten ferier', firstYear: 2025, lastYear: 2028 });

type Overrides = Partial<Omit<Registration, 'wholeDay' | 'date'>>;

const defaults = {
  pupilId: 'elev-1',
  schoolId: 'skole1',
  grade: 5,
  valid: true,
  notifiedByGuardians: true,
  lateArrival: false,
  leftDuringDay: false,
  reasonCode: 'SYK',
} as const;

/** A whole-day absence (valid, notified, grade 5) unless overridden. */
export function whole(date: string, overrides: Overrides = {}): Registration {
  return { ...defaults, ...overrides, wholeDay: true, date };
}

/** A partial-day absence of `lessons` lessons (valid, notified, grade 5) unless overridden. */
export function partial(date: string, lessons: number, overrides: Overrides = {}): Registration {
  return { ...defaults, ...overrides, wholeDay: false, date, lessons };
}

/** Invalid and without notice: suspected invalid in the Rælingen guide's sense. */
export const invalid: Overrides = { valid: false, notifiedByGuardians: false, reasonCode: 'UKJENT' };

/**
 * A stand-in for Temporal that keeps "running cases" in memory, as signal-with-start would: a
 * trigger opens the pupil's case or is signalled to the open one (each event id applied once, as
 * the case workflow does), a trend reaches only an open case. It records every delivery, so a
 * test can count what a run delivered.
 */
export class FakeDispatcher implements CaseDispatcher {
  /** The running cases by school and pupil (`deliveryKey`: `<schoolId>/<pupilId>`). */
  readonly running = new Map<string, { input: CaseDelivery['input']; signals: CaseEvent[] }>();
  readonly started: CaseDelivery[] = [];
  /** Every trigger delivery, in order (openings and signals). */
  readonly triggers: CaseDelivery[] = [];
  readonly trends: CaseEvent[] = [];
  failAfter = Infinity;
  private calls = 0;

  async deliverTrigger(delivery: CaseDelivery): Promise<TriggerOutcome> {
    if (++this.calls > this.failAfter) throw new Error('Temporal svarer ikke');
    this.triggers.push(delivery);
    const open = this.running.get(deliveryKey(delivery));
    if (open) {
      if (!open.signals.some((e) => e.eventId === delivery.event.eventId) && delivery.event.eventId !== open.input.openingEventId) {
        open.signals.push(delivery.event);
      }
      return 'signalled';
    }
    this.running.set(deliveryKey(delivery), { input: delivery.input, signals: [] });
    this.started.push(delivery);
    return 'opened';
  }

  async deliverTrend(schoolId: string, pupilId: string, event: CaseEvent): Promise<TrendOutcome> {
    const open = this.running.get(`${schoolId}/${pupilId}`);
    if (!open) return 'no-open-case';
    open.signals.push(event);
    this.trends.push(event);
    return 'signalled';
  }
}

/**
 * The case client calls TemporalCaseDispatcher makes, answered as Temporal and the case workflow
 * answer them: a start of a running case is refused (CaseAlreadyOpenError), a signal to a case that
 * is not running is refused (CaseNotFoundError), and a case applies each event id once (the start's
 * `openingEventId` counts as applied). Every case ever started is kept (`runs`), so a test can count
 * cases per pupil. `delayMs` makes calls take time, `between` runs before each call (a school
 * closing a case meanwhile, or a failure), and it counts calls in flight, overall and per case.
 */
export class ServerLikeCases implements DispatchCases {
  readonly running = new Map<string, { input: CaseWorkflowInput; applied: string[] }>();
  /** Every case started, in order, by workflow id. */
  readonly runs: { workflowId: string; input: CaseWorkflowInput }[] = [];
  readonly calls: ('start' | 'signal')[] = [];
  /** Signals whose event id the case had already applied (ignored, as the workflow does). */
  ignored = 0;
  delayMs: (workflowId: string) => number = () => 0;
  between: (workflowId: string) => void = () => undefined;
  maxInFlight = 0;
  maxInFlightPerCase = 0;
  private inFlight = 0;
  private readonly inFlightByCase = new Map<string, number>();

  workflowIdFor(schoolId: string, pupilId: string): string {
    return testCaseIds.workflowId(schoolId, pupilId);
  }

  async open(input: CaseWorkflowInput): Promise<string> {
    const id = this.workflowIdFor(input.facts.schoolId, input.facts.pupilId);
    return this.call(id, 'start', () => {
      if (this.running.has(id)) throw new CaseAlreadyOpenError(id);
      this.running.set(id, { input, applied: input.openingEventId ? [input.openingEventId] : [] });
      this.runs.push({ workflowId: id, input });
      return id;
    });
  }

  async signalFacts(id: string, event: CaseEvent): Promise<void> {
    return this.call(id, 'signal', () => {
      const open = this.running.get(id);
      if (!open) throw new CaseNotFoundError(id);
      if (open.applied.includes(event.eventId)) this.ignored += 1;
      else open.applied.push(event.eventId);
    });
  }

  private async call<T>(id: string, kind: 'start' | 'signal', answer: () => T): Promise<T> {
    this.between(id);
    this.calls.push(kind);
    this.inFlight += 1;
    const here = (this.inFlightByCase.get(id) ?? 0) + 1;
    this.inFlightByCase.set(id, here);
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.maxInFlightPerCase = Math.max(this.maxInFlightPerCase, here);
    try {
      await sleep(this.delayMs(id));
      return answer();
    } finally {
      this.inFlight -= 1;
      this.inFlightByCase.set(id, (this.inFlightByCase.get(id) ?? 1) - 1);
    }
  }
}
