/**
 * A detection run delivers to several pupils' cases at once (deliveryConcurrency) through the real
 * TemporalCaseDispatcher, against a stand-in answering as Temporal does (fixtures.ts
 * ServerLikeCases) with calls that take time: never more calls in flight than the bound, never two
 * for one case, each pupil's triggers in the order they fired, and the summary and the ledger
 * exactly those of a run one delivery at a time. A failure part-way records what was delivered;
 * a run after a crash that lost the ledger delivers everything again, and still every pupil has one
 * case that took every trigger once.
 */
import { TemporalCaseDispatcher } from '../../detection/case-dispatcher';
import { DeliveryConcurrencyError } from '../../detection/delivery-lanes';
import { DetectionDispatchError, runDetection } from '../../detection/run-detection';
import { type SchoolDirectory, buildSchoolDirectory } from '../../detection/school-directory';
import { InMemoryTriggerLedger, type TriggerLedger } from '../../detection/trigger-ledger';
import { InMemoryRegistrationStore } from '../../intake/registration-store';
import { FakeDispatcher, ServerLikeCases, calendarConfig, whole } from './fixtures';

const C = 'tiltaksplan-elevfravaer';
const NOW = new Date('2026-06-30T10:00:00Z');
const TODAY = '2026-05-20';
const directory: SchoolDirectory = buildSchoolDirectory({
  formatVersion: 1,
  municipalities: { test: { name: 'Testkommune', procedureId: C, calendar: calendarConfig } },
  schools: [{ schoolId: 'skole1', name: 'Testskole', municipality: 'test' }],
});

/** Twelve pupils, each with two successive three-day patterns: 12 openings and 12 new triggers. */
const PUPILS = Array.from({ length: 12 }, (_, i) => `elev-${String(i + 1).padStart(2, '0')}`);
const FIRST = ['2026-05-05', '2026-05-06', '2026-05-07'];
const SECOND = ['2026-05-11', '2026-05-12', '2026-05-13'];

async function storeWithBacklog(): Promise<InMemoryRegistrationStore> {
  const store = new InMemoryRegistrationStore();
  await store.upsert(PUPILS.flatMap((pupilId) => [...FIRST, ...SECOND].map((d) => whole(d, { pupilId }))));
  return store;
}

/** Calls take 1–4 ms, varying by case, so deliveries finish out of order. */
function slowServer(): ServerLikeCases {
  const server = new ServerLikeCases();
  server.delayMs = (id) => 1 + (id.charCodeAt(id.length - 1) % 4);
  return server;
}

/** Which event ids each pupil's case applied, in order. */
const appliedByPupil = (server: ServerLikeCases) => new Map([...server.running.values()].map((c) => [c.input.facts.pupilId, c.applied]));

async function run(server: ServerLikeCases, ledger: TriggerLedger, deliveryConcurrency?: number) {
  return runDetection({
    store: await storeWithBacklog(),
    directory,
    ledger,
    dispatcher: new TemporalCaseDispatcher(server),
    today: TODAY,
    now: NOW,
    ...(deliveryConcurrency === undefined ? {} : { deliveryConcurrency }),
  });
}

test('at most the bound in flight, never two for one case, each pupil in order; the summary and the ledger are those of one at a time', async () => {
  const parallel = slowServer();
  const parallelLedger = new InMemoryTriggerLedger();
  const summary = await run(parallel, parallelLedger, 4);
  expect(summary).toMatchObject({ opened: 12, signalled: 12, merged: 0 });
  expect(parallel.maxInFlight).toBe(4);
  expect(parallel.maxInFlightPerCase).toBe(1);
  // One call per trigger: the ledger's hint (none open, then the one just opened) was right every time.
  expect(parallel.calls.filter((c) => c === 'start')).toHaveLength(12);
  expect(parallel.calls.filter((c) => c === 'signal')).toHaveLength(12);
  for (const [pupilId, applied] of appliedByPupil(parallel)) {
    expect(applied.map((id) => id.split('/').pop())).toEqual([`${FIRST[0]}..${FIRST[2]}`, `${SECOND[0]}..${SECOND[2]}`]);
    expect(applied.every((id) => id.includes(`/${pupilId}/`))).toBe(true);
  }

  const serial = slowServer();
  const serialLedger = new InMemoryTriggerLedger();
  expect(await run(serial, serialLedger, 1)).toEqual(summary);
  expect(serial.maxInFlight).toBe(1);
  const [a, b] = [await parallelLedger.load('skole1'), await serialLedger.load('skole1')];
  expect([...a.entries()]).toEqual([...b.entries()]);
  expect([...a.keys()]).toEqual(PUPILS);
  expect(appliedByPupil(parallel)).toEqual(appliedByPupil(serial));
});

test('the default bound is 16: twelve pupils are all in flight at once', async () => {
  const server = slowServer();
  await run(server, new InMemoryTriggerLedger());
  expect(server.maxInFlight).toBe(12);
  expect(server.maxInFlightPerCase).toBe(1);
});

test('a failure part-way: the ledger holds exactly what was delivered; the next run delivers the rest, one case per pupil, every trigger once', async () => {
  const server = slowServer();
  const ledger = new InMemoryTriggerLedger();
  let calls = 0;
  server.between = () => {
    if (++calls === 9) throw new Error('Temporal svarer ikke');
  };
  const error = await run(server, ledger, 4).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DetectionDispatchError);
  expect((error as Error).message).toContain('Kunne ikke levere til sakene for skole skole1: Temporal svarer ikke');
  const partial = (error as DetectionDispatchError).partial.schools[0]!;
  const saved = await ledger.load('skole1');
  const recorded = [...saved.values()].flatMap((p) => p.triggers.map((t) => t.eventId));
  const applied = [...server.running.values()].flatMap((c) => c.applied);
  // Every call that got through was recorded, and counted in the partial summary.
  expect(recorded.sort()).toEqual([...applied].sort());
  expect(partial.opened + partial.signalled).toBe(recorded.length);
  expect(recorded.length).toBeGreaterThan(0);
  expect(recorded.length).toBeLessThan(24);

  server.between = () => undefined;
  const rest = await run(server, ledger, 4);
  expect(rest.opened + rest.signalled + partial.opened + partial.signalled).toBe(24);
  expect(server.runs.map((r) => r.input.facts.pupilId).sort()).toEqual(PUPILS);
  expect(server.ignored).toBe(0);
  for (const applied of appliedByPupil(server).values()) expect(applied).toHaveLength(2);
});

test('after a crash that lost the ledger, the run delivers everything again: the cases ignore it, one case per pupil stays', async () => {
  const server = slowServer();
  await run(server, new InMemoryTriggerLedger(), 4);
  const before = appliedByPupil(server);
  // A fresh ledger: as if the run had crashed after delivering, before saving.
  const again = await run(server, new InMemoryTriggerLedger(), 4);
  // The ledger knew of no case, so each pupil's first trigger tried a start, was refused, and was signalled.
  expect(again).toMatchObject({ opened: 0, signalled: 24 });
  expect(server.ignored).toBe(24);
  expect(server.runs).toHaveLength(12);
  expect(appliedByPupil(server)).toEqual(before);
});

test('a bound that is not a whole number of at least 1 is refused before any school is evaluated', async () => {
  const dispatcher = new FakeDispatcher();
  for (const bad of [0, 2.5]) {
    await expect(
      runDetection({
        store: await storeWithBacklog(),
        directory,
        ledger: new InMemoryTriggerLedger(),
        dispatcher,
        today: TODAY,
        now: NOW,
        deliveryConcurrency: bad,
      }),
    ).rejects.toThrow(DeliveryConcurrencyError);
  }
  expect(dispatcher.triggers).toHaveLength(0);
});
