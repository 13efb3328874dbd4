/**
 * A case dispatcher that only counts, for the benchmark's detection runs: no Temporal server,
 * so the figures are detection and its database, not the delivery. It answers as a server
 * with no cases at the start would: the first trigger for a workflow id opens the case, later
 * ones reach it as new triggers, and every trend reaches an open case.
 */
import type { CaseDispatcher, TrendOutcome, TriggerOutcome } from '../detection/case-dispatcher';
import { type CaseDelivery, deliveryKey } from '../detection/dispatch-plan';

export interface DispatchCounts {
  opened: number;
  signalled: number;
  trends: number;
}

export class CountingDispatcher implements CaseDispatcher {
  private readonly open = new Set<string>();
  readonly counts: DispatchCounts = { opened: 0, signalled: 0, trends: 0 };

  constructor(private readonly onDelivery: () => void = () => undefined) {}

  async deliverTrigger(delivery: CaseDelivery): Promise<TriggerOutcome> {
    this.onDelivery();
    if (this.open.has(deliveryKey(delivery))) {
      this.counts.signalled += 1;
      return 'signalled';
    }
    this.open.add(deliveryKey(delivery));
    this.counts.opened += 1;
    return 'opened';
  }

  async deliverTrend(): Promise<TrendOutcome> {
    this.onDelivery();
    this.counts.trends += 1;
    return 'signalled';
  }
}
