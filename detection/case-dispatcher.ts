/**
 * Delivers detection's plan to the case workflows through the case client (app/case-client.ts): signal-with-start
 * for triggers (opens the pupil's case, or signals the open one), a plain signal for trends (a
 * trend never opens a case). The interface lets the detection run be tested without a server.
 */
import { type CaseClient, CaseNotFoundError } from '../app/case-client';
import type { CaseEvent } from '../machines/events';
import type { CaseDelivery } from './dispatch-plan';

export type TriggerOutcome = 'opened' | 'signalled';
export type TrendOutcome = 'signalled' | 'no-open-case';

export interface CaseDispatcher {
  deliverTrigger(delivery: CaseDelivery): Promise<TriggerOutcome>;
  /** The trend for the pupil's open case at the school (found by that business key). */
  deliverTrend(schoolId: string, pupilId: string, event: CaseEvent): Promise<TrendOutcome>;
}

export class TemporalCaseDispatcher implements CaseDispatcher {
  constructor(private readonly cases: CaseClient) {}

  async deliverTrigger(delivery: CaseDelivery): Promise<TriggerOutcome> {
    const workflowId = this.cases.workflowIdFor(delivery.trigger.schoolId, delivery.trigger.pupilId);
    // Only for the report: whether a case was running before. Signal-with-start itself is
    // atomic, so a case that closes in between is simply opened anew.
    const wasRunning = await this.cases.isOpen(workflowId);
    await this.cases.openOrSignal(workflowId, delivery.input, delivery.event);
    return wasRunning ? 'signalled' : 'opened';
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
}
