/**
 * A detection run without a server: triggers open a case once (signal-with-start by business
 * key), a second import's new absence is delivered as a new trigger counting only absence after
 * the first (C §3), re-runs deliver nothing new, trends reach open cases when they change or
 * weekly, and bad configuration is reported per school without losing the other schools. Two
 * runs at once deliver every trigger once: each school is evaluated under its lock, in one
 * process and, with the ledger and the lock in the database, across processes (SQLite and
 * PostgreSQL).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TriggerMismatchError, deliveryKey, planTriggerDelivery } from '../../detection/dispatch-plan';
import { detect } from '../../detection/rules';
import { DetectionDispatchError, describeRun, isTrendDue, osloDate, runDetection } from '../../detection/run-detection';
import { type SchoolDirectory, buildSchoolDirectory } from '../../detection/school-directory';
import { InProcessSchoolLocks, SqlSchoolLocks } from '../../detection/school-locks';
import { InMemoryTriggerLedger, SqlTriggerLedger, type TriggerLedger } from '../../detection/trigger-ledger';
import { InMemoryRegistrationStore } from '../../intake/registration-store';
import { caseFactsSchema } from '../../machines/case-context';
import { parseCaseEvent } from '../../machines/events';
import { testDatabases } from '../helpers/databases';
import { FakeDispatcher, calendar, calendarConfig, whole } from './fixtures';

const databases = testDatabases();

const C = 'tiltaksplan-elevfravaer';
const NOW = new Date('2026-06-30T10:00:00Z');

const directory: SchoolDirectory = buildSchoolDirectory({
  formatVersion: 1,
  municipalities: { test: { name: 'Testkommune', procedureId: C, calendar: calendarConfig } },
  schools: [{ schoolId: 'skole1', name: 'Testskole', municipality: 'test' }],
});

function setup() {
  const store = new InMemoryRegistrationStore();
  const ledger = new InMemoryTriggerLedger();
  const dispatcher = new FakeDispatcher();
  const run = (today: string, now = NOW) => runDetection({ store, directory, ledger, dispatcher, today, now });
  return { store, ledger, dispatcher, run };
}

test('[C.2] three consecutive school days open one case with the trigger and its evidence; the input and signal are valid', async () => {
  const { store, dispatcher, run } = setup();
  await store.upsert([whole('2026-05-05'), whole('2026-05-06'), whole('2026-05-07'), whole('2026-05-05', { pupilId: 'elev-2' })]);
  const summary = await run('2026-05-07', new Date('2026-05-07T09:00:00Z'));
  expect(summary).toMatchObject({ opened: 1, signalled: 0, merged: 0 });
  const [delivery] = dispatcher.started;
  expect(delivery && deliveryKey(delivery)).toBe('skole1/elev-1');
  expect(delivery?.input).toMatchObject({ procedureId: C, openingEventId: delivery?.event.eventId });
  expect(caseFactsSchema.parse(delivery?.input.facts)).toMatchObject({
    pupilId: 'elev-1',
    grade: 5,
    trigger: { rule: 'consecutive-days', dates: ['2026-05-05', '2026-05-06', '2026-05-07'], days: 3 },
    // The fact happened at the end of the school day, but is never dated after the run.
    openedAt: '2026-05-07T09:00:00.000Z',
  });
  expect(parseCaseEvent(delivery?.event)).toMatchObject({ type: 'absence.newTrigger', actor: { role: 'system' } });
  expect(delivery?.event.eventId).toBe('fravaer/tiltaksplan-elevfravaer/skole1/elev-1/consecutive-days/2026-05-05..2026-05-07');
});

test('[C.3] a re-run delivers nothing new; a second import with absence after the first trigger signals the open case with only the new dates', async () => {
  const { store, dispatcher, run } = setup();
  await store.upsert([whole('2026-05-05'), whole('2026-05-06'), whole('2026-05-07')]);
  await run('2026-05-07');
  expect(await run('2026-05-07')).toMatchObject({ opened: 0, signalled: 0 });
  expect(await run('2026-05-08')).toMatchObject({ opened: 0, signalled: 0 });

  await store.upsert([whole('2026-05-11'), whole('2026-05-12'), whole('2026-05-13')]);
  expect(await run('2026-05-13')).toMatchObject({ opened: 0, signalled: 1 });
  const open = dispatcher.running.get('skole1/elev-1');
  expect(open?.signals.flatMap((e) => (e.type === 'absence.newTrigger' ? [e.trigger.dates] : []))).toEqual([
    ['2026-05-11', '2026-05-12', '2026-05-13'],
  ]);
  expect(dispatcher.started).toHaveLength(1);
});

test('[C.1.2] a day without notice opens the case that day; a repeat delivers nothing; the pattern that follows reaches the same case as the first pattern (C.2)', async () => {
  const { store, ledger, dispatcher, run } = setup();
  await store.upsert([whole('2026-05-11', { notifiedByGuardians: false })]);
  expect(await run('2026-05-11')).toMatchObject({ opened: 1, signalled: 0 });
  expect(dispatcher.started[0]?.input.facts.trigger).toEqual({ rule: 'unnotified-absence', dates: ['2026-05-11'], days: 1 });
  expect(await run('2026-05-11')).toMatchObject({ opened: 0, signalled: 0, merged: 0 });
  // The absence goes on with notice: the three days are the first pattern, counted from the 11th.
  await store.upsert([whole('2026-05-12'), whole('2026-05-13')]);
  expect(await run('2026-05-13')).toMatchObject({ opened: 0, signalled: 1 });
  const [signal] = dispatcher.running.get('skole1/elev-1')?.signals ?? [];
  expect(signal).toMatchObject({
    type: 'absence.newTrigger',
    trigger: { rule: 'consecutive-days', dates: ['2026-05-11', '2026-05-12', '2026-05-13'] },
  });
  expect((await ledger.load('skole1')).get('elev-1')?.triggers.map((t) => [t.rule, t.delivery])).toEqual([
    ['unnotified-absence', 'opened'],
    ['consecutive-days', 'signalled'],
  ]);
  expect(await run('2026-05-13')).toMatchObject({ opened: 0, signalled: 0, merged: 0 });
});

test('several rules firing the same day for one pupil open one case; the others are merged (recorded, not sent) and not found again', async () => {
  const { store, ledger, dispatcher, run } = setup();
  // Four days in a month, three of them consecutive: both C rules fire on the same data.
  await store.upsert([whole('2026-04-27'), whole('2026-05-05'), whole('2026-05-06'), whole('2026-05-07')]);
  expect(await run('2026-05-07')).toMatchObject({ opened: 1, merged: 1 });
  expect(dispatcher.running.get('skole1/elev-1')?.signals).toEqual([]);
  const entry = (await ledger.load('skole1')).get('elev-1');
  expect(entry?.triggers.map((t) => [t.rule, t.delivery])).toEqual([
    ['consecutive-days', 'opened'],
    ['single-days-in-month', 'merged'],
  ]);
  expect(await run('2026-05-08')).toMatchObject({ opened: 0, signalled: 0, merged: 0 });
});

test('[C.3.3] the trend reaches the open case, once per window, again when it changes or after a week; a closed case gets none and the next trigger opens a new one', async () => {
  const { store, ledger, dispatcher, run } = setup();
  await store.upsert([whole('2026-04-20'), whole('2026-04-21'), whole('2026-04-22')]);
  await run('2026-04-22');
  expect(dispatcher.trends).toHaveLength(0); // not on the day the case opened
  expect(await run('2026-04-22')).toMatchObject({ opened: 0, signalled: 0, trendsSent: 0 }); // nor when that run is repeated
  expect(dispatcher.trends).toHaveLength(0);

  expect(await run('2026-04-23')).toMatchObject({ trendsSent: 1 });
  expect(dispatcher.trends[0]).toMatchObject({ type: 'absence.trend', trend: 'worse', to: '2026-04-23', absenceDays: 3 });
  expect(parseCaseEvent(dispatcher.trends[0])).toBeTruthy();
  expect(await run('2026-04-23')).toMatchObject({ trendsSent: 0 }); // same window
  expect(await run('2026-04-24')).toMatchObject({ trendsSent: 0 }); // unchanged, within a week
  expect(await run('2026-04-30')).toMatchObject({ trendsSent: 1 }); // a week later

  dispatcher.running.clear(); // the school closed the case
  expect(await run('2026-05-07')).toMatchObject({ trendsSent: 0 });
  expect((await ledger.load('skole1')).get('elev-1')?.caseOpen).toBe(false);
  await store.upsert([whole('2026-05-11'), whole('2026-05-12'), whole('2026-05-13')]);
  expect(await run('2026-05-13')).toMatchObject({ opened: 1 });
  expect(dispatcher.started.map((d) => d.input.facts.trigger.dates)).toEqual([
    ['2026-04-20', '2026-04-21', '2026-04-22'],
    ['2026-05-11', '2026-05-12', '2026-05-13'],
  ]);
});

test('[C.3] a backlog showing two successive triggers delivers both in one run, in order; the repeated run delivers nothing', async () => {
  const { store, ledger, dispatcher, run } = setup();
  // Imported at once: three consecutive days, then three new consecutive days a week later.
  await store.upsert(['2026-05-05', '2026-05-06', '2026-05-07', '2026-05-11', '2026-05-12', '2026-05-13'].map((d) => whole(d)));
  expect(await run('2026-05-20')).toMatchObject({ opened: 1, signalled: 1, merged: 0 });
  expect(dispatcher.triggers.map((d) => [d.event.trigger.dates, d.event.at])).toEqual([
    [['2026-05-05', '2026-05-06', '2026-05-07'], '2026-05-07T14:00:00.000Z'],
    [['2026-05-11', '2026-05-12', '2026-05-13'], '2026-05-13T14:00:00.000Z'],
  ]);
  // The case took the first as its opening trigger and the second as a new trigger.
  const open = dispatcher.running.get('skole1/elev-1');
  expect(open?.input.facts.trigger.dates).toEqual(['2026-05-05', '2026-05-06', '2026-05-07']);
  expect(open?.signals.map((e) => e.type === 'absence.newTrigger' && e.trigger.dates)).toEqual([
    ['2026-05-11', '2026-05-12', '2026-05-13'],
  ]);
  expect((await ledger.load('skole1')).get('elev-1')?.triggers.map((t) => [t.delivery, t.dates[0]])).toEqual([
    ['opened', '2026-05-05'],
    ['signalled', '2026-05-11'],
  ]);
  expect(await run('2026-05-20')).toMatchObject({ opened: 0, signalled: 0, merged: 0, trendsSent: 0 });
  expect(dispatcher.triggers).toHaveLength(2);
});

test('schools missing from the directory or outside its calendar are reported by id in Norwegian, the others evaluated (issue 10.8)', async () => {
  const { store, dispatcher, run } = setup();
  await store.upsert([
    whole('2026-05-05'),
    whole('2026-05-06'),
    whole('2026-05-07'),
    ...['2026-05-05', '2026-05-06', '2026-05-07'].map((d) => whole(d, { schoolId: 'S999', pupilId: 'elev-9' })),
  ]);
  const summary = await run('2026-05-07');
  expect(summary.opened).toBe(1);
  expect(dispatcher.started.map(deliveryKey)).toEqual(['skole1/elev-1']);
  expect(summary.schools.find((s) => s.schoolId === 'S999')?.skipped).toEqual({
    kind: 'unknown-school',
    message: 'skolen står ikke i skolekatalogen, så ingen sak er åpnet eller oppdatert',
  });
  expect(describeRun(summary).split('\n')).toEqual([
    'Fraværsdeteksjon for 2026-05-07: 1 skoler vurdert (1 ikke vurdert), 1 nye saker, 0 nye utløsere til åpne saker, 0 slått sammen, 0 trender sendt.',
    '  Ikke vurdert: skole «S999» – skolen står ikke i skolekatalogen, så ingen sak er åpnet eller oppdatert (3 registreringer).',
  ]);
  const late = await run('2030-01-01');
  expect(late.schools.find((s) => s.schoolId === 'skole1')?.skipped).toMatchObject({
    kind: 'calendar',
    message: 'skolekalenderen til test dekker ikke 2030-01-01',
  });
});

test("a case is opened with the school's own procedure from the directory; a trigger for another procedure or school is refused (issue 10.8)", async () => {
  const E = 'raelingen-veileder';
  const twoProcedures = buildSchoolDirectory({
    formatVersion: 1,
    municipalities: {
      c: { name: 'Kommune C', procedureId: C, calendar: calendarConfig },
      e: { name: 'Kommune E', procedureId: E, calendar: calendarConfig },
    },
    schools: [
      { schoolId: 'skoleC', name: 'Skole C', municipality: 'c' },
      { schoolId: 'skoleE', name: 'Skole E', municipality: 'e' },
    ],
  });
  const store = new InMemoryRegistrationStore();
  const dispatcher = new FakeDispatcher();
  // The same nine days at both schools: C's three-day rule and E's "over 8 days" both fire.
  const nine = [
    '2026-04-20',
    '2026-04-21',
    '2026-04-22',
    '2026-04-23',
    '2026-04-24',
    '2026-04-27',
    '2026-04-28',
    '2026-04-29',
    '2026-04-30',
  ];
  await store.upsert(['c', 'e'].flatMap((x) => nine.map((d) => whole(d, { schoolId: `skole${x.toUpperCase()}`, pupilId: `elev-${x}` }))));
  await runDetection({ store, directory: twoProcedures, ledger: new InMemoryTriggerLedger(), dispatcher, today: '2026-04-30', now: NOW });
  expect(dispatcher.started.map((d) => [deliveryKey(d), d.input.procedureId, d.input.facts.trigger.rule])).toEqual([
    ['skoleC/elev-c', C, 'consecutive-days'],
    ['skoleE/elev-e', E, 'days-or-lessons-over-limit'],
  ]);
  for (const d of dispatcher.triggers) expect(d.input.procedureId).toBe(twoProcedures.get(d.input.facts.schoolId)?.procedureId);

  const [cTrigger] = detect(
    C,
    nine.map((d) => whole(d, { schoolId: 'skoleE' })),
    calendar,
    '2026-04-30',
  );
  const schoolE = twoProcedures.get('skoleE')!;
  expect(() => planTriggerDelivery(schoolE, cTrigger!, 5, NOW)).toThrow(TriggerMismatchError);
  expect(() => planTriggerDelivery(schoolE, cTrigger!, 5, NOW)).toThrow(
    'Utløseren for elev «elev-1» gjelder skole «skoleE» og rutine «tiltaksplan-elevfravaer», men skolekatalogen gir skole «skoleE» rutine «raelingen-veileder»; ingen sak er åpnet.',
  );
  const [eTrigger] = detect(
    E,
    nine.map((d) => whole(d, { schoolId: 'skoleC' })),
    calendar,
    '2026-04-30',
  );
  expect(() => planTriggerDelivery(schoolE, eTrigger!, 5, NOW)).toThrow(/gjelder skole «skoleC»/);
});

test('a delivery failure stops the run with a Norwegian error; what was delivered before is in the ledger and not sent twice', async () => {
  const { store, ledger, dispatcher, run } = setup();
  await store.upsert(
    ['elev-1', 'elev-2'].flatMap((pupilId) => ['2026-05-05', '2026-05-06', '2026-05-07'].map((d) => whole(d, { pupilId }))),
  );
  dispatcher.failAfter = 1;
  const error = await run('2026-05-07').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DetectionDispatchError);
  expect((error as Error).message).toContain('Kunne ikke levere til sakene for skole skole1: Temporal svarer ikke');
  expect([...(await ledger.load('skole1')).keys()]).toEqual(['elev-1']);
  dispatcher.failAfter = Infinity;
  expect(await run('2026-05-07')).toMatchObject({ opened: 1 });
  expect(dispatcher.started.map((d) => d.input.facts.pupilId)).toEqual(['elev-1', 'elev-2']);
});

test('isTrendDue and osloDate', () => {
  expect(isTrendDue(undefined, 'worse', '2026-05-14', '2026-05-14')).toBe(true);
  const last = { trend: 'worse' as const, to: '2026-05-14', sentOn: '2026-05-14', eventId: 'x' };
  expect(isTrendDue(last, 'improved', '2026-05-14', '2026-05-14')).toBe(false);
  expect(isTrendDue(last, 'improved', '2026-05-15', '2026-05-15')).toBe(true);
  expect(isTrendDue(last, 'worse', '2026-05-20', '2026-05-20')).toBe(false);
  expect(isTrendDue(last, 'worse', '2026-05-21', '2026-05-21')).toBe(true);
  // 23:30 UTC on 31 December is already New Year's Day in Norway.
  expect(osloDate(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  expect(osloDate(new Date('2026-06-30T21:59:00Z'))).toBe('2026-06-30');
});

/** Five pupils, each with two successive three-day patterns: one run delivers 5 openings and 5 new triggers. */
const PUPILS = ['elev-1', 'elev-2', 'elev-3', 'elev-4', 'elev-5'];
const backlog = () =>
  PUPILS.flatMap((pupilId) =>
    ['2026-05-05', '2026-05-06', '2026-05-07', '2026-05-11', '2026-05-12', '2026-05-13'].map((d) => whole(d, { pupilId })),
  );

/** Two runs started at the same time; every trigger must be delivered and counted once in total. */
async function expectTwoRunsDeliverOnce(
  ledger: TriggerLedger,
  runWith: (store: InMemoryRegistrationStore, dispatcher: FakeDispatcher) => Promise<ReturnType<typeof runDetection>[]>,
) {
  const store = new InMemoryRegistrationStore();
  await store.upsert(backlog());
  const dispatcher = new FakeDispatcher();
  const summaries = await Promise.all(await runWith(store, dispatcher));
  expect(dispatcher.triggers).toHaveLength(10);
  expect(new Set(dispatcher.triggers.map((d) => d.event.eventId)).size).toBe(10);
  expect(dispatcher.started.map((d) => d.input.facts.pupilId).sort()).toEqual(PUPILS);
  expect({
    opened: summaries.reduce((n, s) => n + s.opened, 0),
    signalled: summaries.reduce((n, s) => n + s.signalled, 0),
  }).toEqual({ opened: 5, signalled: 5 });
  const saved = await ledger.load('skole1');
  expect([...saved.values()].map((p) => p.triggers.map((t) => t.delivery))).toEqual(PUPILS.map(() => ['opened', 'signalled']));
}

test('two runs at once in one process deliver every trigger once in total: the second waits for the school and reads what the first saved', async () => {
  const ledger = new InMemoryTriggerLedger();
  await expectTwoRunsDeliverOnce(ledger, async (store, dispatcher) => {
    const run = () => runDetection({ store, directory, ledger, dispatcher, today: '2026-05-20', now: NOW });
    return [run(), run()];
  });
});

test("a run waiting for the school reads the registrations stored meanwhile: they are read under the school's lock", async () => {
  const store = new InMemoryRegistrationStore();
  const dispatcher = new FakeDispatcher();
  const locks = new InProcessSchoolLocks();
  let run: ReturnType<typeof runDetection> | undefined;
  // An import holds the school: the run starts, waits, and sees what the import stored.
  await locks.run('skole1', async () => {
    run = runDetection({
      store,
      directory,
      ledger: new InMemoryTriggerLedger(),
      locks,
      dispatcher,
      today: '2026-05-07',
      now: NOW,
      schoolIds: ['skole1'],
    });
    await sleep(20);
    await store.upsert([whole('2026-05-05'), whole('2026-05-06'), whole('2026-05-07')]);
  });
  expect(await run).toMatchObject({ opened: 1, schools: [{ schoolId: 'skole1', registrations: 3 }] });
});

describe.each(databases)('$name', ({ open }) => {
  test('two runs at once sharing the ledger and the school lock in the database deliver every trigger once in total', async () => {
    const database = await open();
    const ledger = new SqlTriggerLedger(database);
    await expectTwoRunsDeliverOnce(ledger, async (store, dispatcher) => {
      // Two holders, as two processes would be.
      const run = (host: string) =>
        runDetection({
          store,
          directory,
          ledger,
          locks: new SqlSchoolLocks(database, { pollMs: 10, holderPrefix: host }),
          dispatcher,
          today: '2026-05-20',
          now: NOW,
        });
      return [run('vert-a:1'), run('vert-b:2')];
    });
    expect(await database.db.selectFrom('detection_locks').selectAll().execute()).toEqual([]);
  });
});
