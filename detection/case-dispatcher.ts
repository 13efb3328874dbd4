/**
 * Delivers detection's plan to the case workflows through a Temporal client: signal-with-start
 * for triggers (opens the pupil's case, or signals the open one), a plain signal for trends (a
 * trend never opens a case). The interface lets the detection run be tested without a server.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { CaseEvent } from '../machines/events';
import type { caseWorkflow } from '../workflows/case-workflow';
import { absenceFactsSignal } from '../workflows/case-messages';
import type { CaseDelivery } from './dispatch-plan';

export type TriggerOutcome = 'opened' | 'signalled';
export type TrendOutcome = 'signalled' | 'no-open-case';

export interface CaseDispatcher {
  deliverTrigger(delivery: CaseDelivery): Promise<TriggerOutcome>;
  deliverTrend(workflowId: string, event: CaseEvent): Promise<TrendOutcome>;
}

export class TemporalCaseDispatcher implements CaseDispatcher {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async deliverTrigger(delivery: CaseDelivery): Promise<TriggerOutcome> {
    // Only for the report: whether a case was running before. Signal-with-start itself is
    // atomic, so a case that closes in between is simply opened anew.
    const wasRunning = await this.isRunning(delivery.workflowId);
    await this.client.workflow.signalWithStart<typeof caseWorkflow, [CaseEvent]>('caseWorkflow', {
      workflowId: delivery.workflowId,
      taskQueue: this.taskQueue,
      args: [delivery.input],
      signal: absenceFactsSignal,
      signalArgs: [delivery.event],
    });
    return wasRunning ? 'signalled' : 'opened';
  }

  async deliverTrend(workflowId: string, event: CaseEvent): Promise<TrendOutcome> {
    try {
      await this.client.workflow.getHandle(workflowId).signal(absenceFactsSignal, event);
      return 'signalled';
    } catch (err) {
      // No case, or a closed one: the server refuses the signal; a trend never opens a case.
      if (err instanceof WorkflowNotFoundError) return 'no-open-case';
      throw err;
    }
  }

  private async isRunning(workflowId: string): Promise<boolean> {
    try {
      const description = await this.client.workflow.getHandle(workflowId).describe();
      return description.status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }
}
