/**
 * delivery-lanes.ts: each lane's items in order, at most `concurrency` lanes at once (and that
 * many when there is work for them), and at the first failure no new delivery starts while those
 * in flight finish, so the results are a prefix of every lane.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_DELIVERY_CONCURRENCY, DeliveryConcurrencyError, deliverInLanes, lanesBy } from '../../detection/delivery-lanes';

/** Lanes a..j with three items each; items are `<lane><n>`. */
const lanes = 'abcdefghij'.split('').map((lane) => [1, 2, 3].map((n) => `${lane}${n}`));

/** A delivery that takes a few milliseconds (varying), counting what is in flight and the order per lane. */
function recorder() {
  let inFlight = 0;
  let maxInFlight = 0;
  const order = new Map<string, string[]>();
  const deliver = async (item: string, position: number) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await sleep(1 + ((item.charCodeAt(0) * 7 + position) % 5));
    const lane = item[0] as string;
    order.set(lane, [...(order.get(lane) ?? []), item]);
    inFlight -= 1;
    return `${item}@${position}`;
  };
  return { deliver, order, maxInFlight: () => maxInFlight };
}

test('every lane is delivered in order, with its positions; at most the bound at once, and the bound is used', async () => {
  const r = recorder();
  const { results, failure } = await deliverInLanes(lanes, 4, r.deliver);
  expect(failure).toBeUndefined();
  expect(results).toEqual(lanes.map((lane) => lane.map((item, i) => `${item}@${i}`)));
  for (const lane of lanes) expect(r.order.get(lane[0]![0]!)).toEqual(lane);
  expect(r.maxInFlight()).toBe(4);
});

test('a bound of 1 delivers one at a time in the order given; a bound above the lanes uses one worker per lane', async () => {
  const one = recorder();
  const seen: string[] = [];
  await deliverInLanes(lanes, 1, async (item, position) => (seen.push(item), one.deliver(item, position)));
  expect(seen).toEqual(lanes.flat());
  expect(one.maxInFlight()).toBe(1);
  const wide = recorder();
  await deliverInLanes(lanes, 100, wide.deliver);
  expect(wide.maxInFlight()).toBe(lanes.length);
  expect(DEFAULT_DELIVERY_CONCURRENCY).toBe(16);
});

test('the first failure stops new deliveries; those in flight finish; every lane keeps a prefix', async () => {
  const started: string[] = [];
  const { results, failure } = await deliverInLanes(lanes, 3, async (item) => {
    started.push(item);
    await sleep(item === 'b2' ? 1 : 5);
    if (item === 'b2') throw new Error('Temporal svarer ikke');
    return item;
  });
  expect((failure?.error as Error).message).toBe('Temporal svarer ikke');
  // b2 failed while a2 and c2 were in flight: those finished and their lanes stopped; b3 and lanes d.. never started.
  expect(started.sort()).toEqual(['a1', 'a2', 'b1', 'b2', 'c1', 'c2']);
  expect(results).toEqual([['a1', 'a2'], ['b1'], ['c1', 'c2'], ...lanes.slice(3).map(() => [])]);
});

test('no lanes: nothing delivered; a bound that is not a whole number of at least 1 is refused, naming the value', async () => {
  expect(await deliverInLanes([], 4, async () => 1)).toEqual({ results: [] });
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    await expect(deliverInLanes(lanes, bad, async () => 1)).rejects.toThrow(DeliveryConcurrencyError);
  }
  await expect(deliverInLanes(lanes, 0, async () => 1)).rejects.toThrow('deliveryConcurrency må være et helt tall på minst 1, ikke 0.');
});

test('lanesBy groups by key, each group in the order given, groups in the order of their first item', () => {
  const items = ['p2:1', 'p1:1', 'p2:2', 'p3:1', 'p1:2'];
  expect(lanesBy(items, (i) => i.split(':')[0]!)).toEqual([['p2:1', 'p2:2'], ['p1:1', 'p1:2'], ['p3:1']]);
  expect(lanesBy([], String)).toEqual([]);
});
