/**
 * Delivers detection's plan to the case workflows through the case client (app/case-client.ts):
 * a trigger opens the pupil's case, or reaches the open one as a new trigger; a trend goes by a
 * plain signal (a trend never opens a case). The interface lets the detection run be tested
 * without a server.
 *
 * A trigger costs one round trip to Temporal in the usual case. Whether the case was opened or
 * signalled matters (the ledger and the summary count it), and signal-with-start does not say
 * which it did, so instead of asking first (a describe, a second round trip) the dispatcher tries
 * the likely call and falls back to the other: start the case when the ledger knows of no open
 * one, signal it when it does. Each call answers exactly: a start refused because the case is
 * running means it is open, a signal refused because there is no running case means it is not.
 * So the hint only orders the attempts and never decides the outcome, and a case that closes
 * or opens in between is simply tried the other way, as signal-with-start would have done.
 */
import { type CaseClient, CaseAlreadyOpenError, CaseNotFoundError } from '../app/case-client';
import type { CaseEvent } from '../machines/events';
import type { CaseDelivery } from './dispatch-plan';

export type TriggerOutcome = 'opened' | 'signalled';
export type TrendOutcome = 'signalled' | 'no-open-case';

/** What detection's ledger says about the pupil's case: only which call to try first. */
export interface TriggerHint {
  /** The ledger recorded the case as open after the last delivery (or one was delivered earlier in this run). */
  caseLikelyOpen: boolean;
}

export interface CaseDispatcher {
  deliverTrigger(delivery: CaseDelivery, hint?: TriggerHint): Promise<TriggerOutcome>;
  /** The trend for the pupil's open case at the school (found by that business key). */
  deliverTrend(schoolId: string, pupilId: string, event: CaseEvent): Promise<TrendOutcome>;
}

/** The case client calls the dispatcher uses. */
export type DispatchCases = Pick<CaseClient, 'open' | 'signalFacts' | 'workflowIdFor'>;

/**
 * An attempt fails only when the case opened or closed since the one before it, so using up four
 * takes a case that keeps opening and closing under the run: a fault, reported rather than looped on.
 */
const TRIGGER_ATTEMPTS = 4;

/** The case opened or closed between every attempt; the message (Norwegian) names the case. */
export class TriggerDeliveryError extends Error {
  override name = 'TriggerDeliveryError';
}

export class TemporalCaseDispatcher implements CaseDispatcher {
  constructor(private readonly cases: DispatchCases) {}

  async deliverTrigger(delivery: CaseDelivery, hint?: TriggerHint): Promise<TriggerOutcome> {
    let signalFirst = hint?.caseLikelyOpen ?? false;
    for (let attempt = 0; attempt < TRIGGER_ATTEMPTS; attempt += 1, signalFirst = !signalFirst) {
      if (signalFirst) {
        try {
          await this.cases.signalFacts(this.workflowIdOf(delivery), delivery.event);
          return 'signalled';
        } catch (err) {
          // No running case (none, or closed by the school): open one.
          if (!(err instanceof CaseNotFoundError)) throw err;
        }
      } else {
        try {
          // The case starts from the trigger and counts its event id as applied (openingEventId).
          await this.cases.open(delivery.input);
          return 'opened';
        } catch (err) {
          // Already running: the trigger is new to it (or, delivered again after a crash, ignored by its event id).
          if (!(err instanceof CaseAlreadyOpenError)) throw err;
        }
      }
    }
    throw new TriggerDeliveryError(
      `Utløseren for elev «${delivery.trigger.pupilId}» ved skole «${delivery.trigger.schoolId}» ble ikke levert: ` +
        `saken ble åpnet eller lukket mellom hvert av ${TRIGGER_ATTEMPTS} forsøk.`,
    );
  }

  async deliverTrend(schoolId: string, pupilId: string, event: CaseEvent): Promise<TrendOutcome> {
    try {
      await this.cases.signalFacts(this.cases.workflowIdFor(schoolId, pupilId), event);
      return 'signalled';
    } catch (err) {
      // No case, or a closed one: the server refuses the signal; a trend never opens a case.
      if (err instanceof CaseNotFoundError) return 'no-open-case';
      throw err;
    }
  }

  private workflowIdOf(delivery: CaseDelivery): string {
    // The case `open` starts: the one its input names.
    return this.cases.workflowIdFor(delivery.input.facts.schoolId, delivery.input.facts.pupilId);
  }
}
