/**
 * The case workflow's activity proxies, one per effect, each with the delivery policy its effect
 * module declares (machines/effects/<effect>.ts): derived from the list of effect definitions, so
 * a new effect gets its proxy, typed by its activity's input, without an edit here.
 */
import * as wf from '@temporalio/workflow';
import type { EffectActivities, EffectActivityInput, EffectDelivery } from '../activities';
import type { DeliveryPolicy, EffectName } from '../machines/effects';
import { EFFECT_NON_RETRYABLE_ERROR_TYPES } from './activity-errors';

/** Temporal's activity options for an effect's delivery policy; input the activity refuses is never retried. */
export function activityOptionsOf(policy: DeliveryPolicy): wf.ActivityOptions {
  return {
    startToCloseTimeout: policy.attemptTimeout,
    scheduleToCloseTimeout: policy.giveUpAfter,
    retry: { ...policy.retry, nonRetryableErrorTypes: [...EFFECT_NON_RETRYABLE_ERROR_TYPES] },
  };
}

/** The proxies, one per effect activity. */
export type EffectProxies = wf.ActivityInterfaceFor<EffectActivities>;

/** One typed proxy per effect, each scheduled with its own effect's options. */
export function effectProxies(definitions: readonly { name: EffectName; delivery: DeliveryPolicy }[]): EffectProxies {
  const proxies = definitions.map((d) => [d.name, wf.proxyActivities<EffectActivities>(activityOptionsOf(d.delivery))[d.name]]);
  // Object.fromEntries loses the names' types; the entries are exactly one proxy per effect.
  return Object.fromEntries(proxies) as unknown as EffectProxies;
}

/** Calls effect `name`'s activity; the input is checked against that effect's own input type. */
export function callEffect<K extends EffectName>(proxies: EffectProxies, name: K, input: EffectActivityInput<K>): Promise<EffectDelivery> {
  return (proxies[name] as (input: EffectActivityInput<K>) => Promise<EffectDelivery>)(input);
}
