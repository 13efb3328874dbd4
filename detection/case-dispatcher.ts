/**
 * Delivers detection's plan to the case workflows through the case client (app/case-client.ts): signal-with-start
 * for triggers (opens the pupil's case, or signals the open one), a plain signal for trends (a
 * trend never opens a case). The interface lets the detection run be tested without a server.
 */
import type { Client } from '@temporalio/client';
import { CaseClient, CaseNotFoundError } from '../app/case-client';
import type { CaseEvent } from '../machines/events';
import type { CaseDelivery } from './dispatch-plan';

export type TriggerOutcome = 'opened' | 'signalled';
export type TrendOutcome = 'signalled' | 'no-open-case';

export interface CaseDispatcher {
  deliverTrigger(delivery: CaseDelivery): Promise<TriggerOutcome>;
  deliverTrend(workflowId: string, event: CaseEvent): Promise<TrendOutcome>;
}

export class TemporalCaseDispatcher implements CaseDispatcher {
  private readonly cases: CaseClient;

  constructor(client: Client, taskQueue: string) {
    this.cases = new CaseClient(client, taskQueue);
  }

  async deliverTrigger(delivery: CaseDelivery): Promise<TriggerOutcome> {
    // Only for the report: whether a case was running before. Signal-with-start itself is
    // atomic, so a case that closes in between is simply opened anew.
    const wasRunning = await this.cases.isOpen(delivery.workflowId);
    await this.cases.openOrSignal(delivery.workflowId, delivery.input, delivery.event);
    return wasRunning ? 'signalled' : 'opened';
  }

  async deliverTrend(workflowId: string, event: CaseEvent): Promise<TrendOutcome> {
    try {
      await this.cases.signalFacts(workflowId, event);
      return 'signalled';
    } catch (err) {
      // No case, or a closed one: the server refuses the signal; a trend never opens a case.
      if (err instanceof CaseNotFoundError) return 'no-open-case';
      throw err;
    }
  }
}
