/**
 * Detection's deliveries, many cases at once and each case's in order. A pupil's triggers must
 * reach the case in the order they fired (the first opens it, the next escalate it), but two
 * pupils' cases have nothing to do with each other, so up to `concurrency` cases are delivered to
 * at the same time: the run waits for Temporal's round trips side by side instead of one after
 * the other.
 *
 * At the first failure no new delivery starts; those in flight are awaited, so the caller records
 * exactly what was delivered (for every case a prefix of its deliveries) before it reports the
 * failure. What reached Temporal without being recorded is sent again by the next run, which the
 * deterministic event ids make harmless (dispatch-plan.ts).
 */

/** Cases delivered to at once when the caller does not say. */
export const DEFAULT_DELIVERY_CONCURRENCY = 16;

export interface LaneResults<R> {
  /** Per lane (case), the results of its deliveries that succeeded, in order: a prefix of the lane. */
  results: R[][];
  /** The first failure, when one stopped the deliveries; later ones are not kept. */
  failure?: { error: unknown };
}

/** A bound that is not a whole number of at least 1; the message names the value. */
export class DeliveryConcurrencyError extends RangeError {
  override name = 'DeliveryConcurrencyError';
}

/** Checks a delivery bound: a whole number of at least 1. */
export function checkDeliveryConcurrency(value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new DeliveryConcurrencyError(`deliveryConcurrency må være et helt tall på minst 1, ikke ${String(value)}.`);
  }
  return value;
}

/**
 * Delivers every lane's items in order, up to `concurrency` lanes at once (lanes are taken in the
 * order given). `deliver` gets the item and its position in the lane. Never throws for a failed
 * delivery: it stops and returns what succeeded with the failure.
 */
export async function deliverInLanes<T, R>(
  lanes: readonly (readonly T[])[],
  concurrency: number,
  deliver: (item: T, position: number) => Promise<R>,
): Promise<LaneResults<R>> {
  checkDeliveryConcurrency(concurrency);
  const results: R[][] = lanes.map(() => []);
  let failure: { error: unknown } | undefined;
  let next = 0;
  const worker = async () => {
    while (failure === undefined && next < lanes.length) {
      const lane = next;
      next += 1;
      const items = lanes[lane] as readonly T[];
      for (let position = 0; position < items.length && failure === undefined; position += 1) {
        try {
          (results[lane] as R[]).push(await deliver(items[position] as T, position));
        } catch (error) {
          failure ??= { error };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, lanes.length) }, worker));
  return failure === undefined ? { results } : { results, failure };
}

/** Items grouped by key, each group in the order given, the groups in the order their first item came. */
export function lanesBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const lanes = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const lane = lanes.get(k);
    if (lane) lane.push(item);
    else lanes.set(k, [item]);
  }
  return [...lanes.values()];
}
