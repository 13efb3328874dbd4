/**
 * What detection tells the case workflows, as pure data: for each pupil with new triggers, the
 * case to open (or the open case to signal), and for each open case the trend. No I/O here; the
 * dispatcher (`case-dispatcher.ts`) delivers the plan and `run-detection.ts` decides what to plan.
 *
 * A repeated run sends nothing because the ledger (trigger-ledger.ts) records what was sent and
 * the rules count only absence after it. Should a message reach Temporal without reaching the
 * ledger (a crash in between), deterministic ids make sending it again harmless: a trigger's event
 * id is made of procedure, school, pupil, rule and evidence dates, so the same data gives the
 * same ids, and the case workflow applies an id once. A delivery carries both ways to reach the
 * case, by the business key (school + pupil): the start input with the trigger, and the same
 * trigger as the `absence.newTrigger` signal under the same id (case-dispatcher.ts uses the one
 * that fits). If no case is running the workflow starts from the trigger and counts the id as
 * applied (`openingEventId`), so the signal, should it come too, is a no-op; if a case is running
 * the signal is the new trigger the machine escalates on (C §3).
 */
import type { AbsenceTrigger, CaseEvent } from '../machines/events';
import type { CaseWorkflowInput } from '../workflows/case-messages';
import type { DetectedTrigger, TrendResult } from './rules';
import type { SchoolSettings } from './school-directory';

/** Hour of day (UTC) an absence fact is dated to: the end of the school day in Norway (15–16 local). */
const FACT_HOUR_UTC = 14;

const detectionActor = { role: 'system', userId: 'fravaersdeteksjon' } as const;

/**
 * When an absence fact dated `date` happened, as a timestamp: the end of that school day, but
 * never after `now` (a case's deadlines count from when the fact happened, and a fact found the
 * same afternoon must not lie in the future).
 */
export function factTime(date: string, now: Date): string {
  const endOfSchoolDay = Date.parse(`${date}T${String(FACT_HOUR_UTC).padStart(2, '0')}:00:00Z`);
  return new Date(Math.min(endOfSchoolDay, now.getTime())).toISOString();
}

/** The trigger's event id: the same trigger always gets the same id. */
export function triggerEventId(t: Pick<DetectedTrigger, 'procedureId' | 'schoolId' | 'pupilId' | 'rule' | 'dates'>): string {
  const first = t.dates[0] ?? '';
  const last = t.dates[t.dates.length - 1] ?? '';
  return `fravaer/${t.procedureId}/${t.schoolId}/${t.pupilId}/${t.rule}/${first}..${last}`;
}

/** The trend event id: one per pupil and window end. */
export function trendEventId(schoolId: string, pupilId: string, to: string): string {
  return `trend/${schoolId}/${pupilId}/${to}`;
}

/** The trigger as the machines' `absenceTriggerSchema` (evidence only; no detection internals). */
export function triggerEvidence(t: DetectedTrigger): AbsenceTrigger {
  return {
    rule: t.rule,
    dates: [...t.dates],
    ...(t.lessons !== undefined ? { lessons: t.lessons } : {}),
    ...(t.days !== undefined ? { days: t.days } : {}),
  };
}

/** Everything needed to open a pupil's case, or to signal it if it is already open. */
export interface CaseDelivery {
  /** The case input if the case has to be started. */
  input: CaseWorkflowInput;
  /** The signal: the same trigger, as a new trigger for an open case. */
  event: Extract<CaseEvent, { type: 'absence.newTrigger' }>;
  trigger: DetectedTrigger;
}

/** Which case a delivery is for (school and pupil): the business key detection opens and signals by. */
export function deliveryKey(delivery: Pick<CaseDelivery, 'trigger'>): string {
  return `${delivery.trigger.schoolId}/${delivery.trigger.pupilId}`;
}

/** A trigger planned for another school or procedure than the directory gives: a bug, never delivered. */
export class TriggerMismatchError extends Error {
  override name = 'TriggerMismatchError';
}

/**
 * The delivery for one pupil's trigger. `grade` is the pupil's grade on the latest registration.
 * The case is opened with the school's own procedure from the school directory; a trigger found
 * for another school or under another procedure is refused, so no case can ever be opened with a
 * procedure the school does not follow.
 */
export function planTriggerDelivery(school: SchoolSettings, trigger: DetectedTrigger, grade: number, now: Date): CaseDelivery {
  if (trigger.schoolId !== school.schoolId || trigger.procedureId !== school.procedureId) {
    throw new TriggerMismatchError(
      `Utløseren for elev «${trigger.pupilId}» gjelder skole «${trigger.schoolId}» og rutine «${trigger.procedureId}», ` +
        `men skolekatalogen gir skole «${school.schoolId}» rutine «${school.procedureId}»; ingen sak er åpnet.`,
    );
  }
  const eventId = triggerEventId(trigger);
  const at = factTime(trigger.firedOn, now);
  return {
    input: {
      procedureId: school.procedureId,
      facts: {
        caseId: `sak-${trigger.schoolId}-${trigger.pupilId}-${trigger.firedOn}`,
        pupilId: trigger.pupilId,
        schoolId: trigger.schoolId,
        grade,
        openedAt: at,
        trigger: triggerEvidence(trigger),
      },
      ...(school.policyOverrides ? { policyOverrides: school.policyOverrides } : {}),
      openingEventId: eventId,
    },
    event: { type: 'absence.newTrigger', eventId, actor: detectionActor, at, trigger: triggerEvidence(trigger) },
    trigger,
  };
}

/** The trend signal for an open case. */
export function planTrendEvent(
  schoolId: string,
  pupilId: string,
  trend: TrendResult,
  now: Date,
): Extract<CaseEvent, { type: 'absence.trend' }> {
  return {
    type: 'absence.trend',
    eventId: trendEventId(schoolId, pupilId, trend.to),
    actor: detectionActor,
    at: factTime(trend.to, now),
    trend: trend.trend,
    from: trend.from,
    to: trend.to,
    absenceDays: trend.absenceDays,
    absenceLessons: trend.absenceLessons,
  };
}
