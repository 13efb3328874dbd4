/**
 * A detection run without a server: triggers open a case once (signal-with-start by business
 * key), a second import's new absence is delivered as a new trigger counting only absence after
 * the first (C §3), re-runs deliver nothing new, trends reach open cases when they change or
 * weekly, and bad configuration is reported per school without losing the other schools.
 */
import type { CaseDelivery } from '../../detection/dispatch-plan';
import type { CaseDispatcher, TrendOutcome } from '../../detection/case-dispatcher';
import { DetectionDispatchError, isTrendDue, osloDate, runDetection } from '../../detection/run-detection';
import { type SchoolDirectory, buildSchoolDirectory } from '../../detection/school-directory';
import { InMemoryTriggerLedger } from '../../detection/trigger-ledger';
import { InMemoryRegistrationStore } from '../../intake/registration-store';
import { caseFactsSchema } from '../../machines/case-context';
import { type CaseEvent, parseCaseEvent } from '../../machines/events';
import { calendarConfig, whole } from './fixtures';

const C = 'tiltaksplan-elevfravaer';
const NOW = new Date('2026-06-30T10:00:00Z');

/** A stand-in for Temporal that keeps "running cases" in memory, like signal-with-start would. */
class FakeDispatcher implements CaseDispatcher {
  readonly running = new Map<string, { input: CaseDelivery['input']; signals: CaseEvent[] }>();
  readonly started: CaseDelivery[] = [];
  readonly trends: CaseEvent[] = [];
  failAfter = Infinity;
  private calls = 0;

  async deliverTrigger(delivery: CaseDelivery) {
    if (++this.calls > this.failAfter) throw new Error('Temporal svarer ikke');
    const open = this.running.get(delivery.workflowId);
    if (open) {
      if (!open.signals.some((e) => e.eventId === delivery.event.eventId) && delivery.event.eventId !== open.input.openingEventId) {
        open.signals.push(delivery.event);
      }
      return 'signalled' as const;
    }
    this.running.set(delivery.workflowId, { input: delivery.input, signals: [] });
    this.started.push(delivery);
    return 'opened' as const;
  }

  async deliverTrend(workflowId: string, event: CaseEvent): Promise<TrendOutcome> {
    const open = this.running.get(workflowId);
    if (!open) return 'no-open-case';
    open.signals.push(event);
    this.trends.push(event);
    return 'signalled';
  }
}

const directory: SchoolDirectory = buildSchoolDirectory({
  formatVersion: 1,
  municipalities: { test: { name: 'Testkommune', procedureId: C, calendar: calendarConfig } },
  schools: [{ schoolId: 'skole-1', name: 'Testskole', municipality: 'test' }],
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
  expect(delivery?.workflowId).toBe('fravaerssak-skole-1-elev-1');
  expect(delivery?.input).toMatchObject({ procedureId: C, openingEventId: delivery?.event.eventId });
  expect(caseFactsSchema.parse(delivery?.input.facts)).toMatchObject({
    pupilId: 'elev-1',
    grade: 5,
    trigger: { rule: 'consecutive-days', dates: ['2026-05-05', '2026-05-06', '2026-05-07'], days: 3 },
    // The fact happened at the end of the school day, but is never dated after the run.
    openedAt: '2026-05-07T09:00:00.000Z',
  });
  expect(parseCaseEvent(delivery?.event)).toMatchObject({ type: 'absence.newTrigger', actor: { role: 'system' } });
  expect(delivery?.event.eventId).toBe('fravaer/tiltaksplan-elevfravaer/skole-1/elev-1/consecutive-days/2026-05-05..2026-05-07');
});

test('[C.3] a re-run delivers nothing new; a second import with absence after the first trigger signals the open case with only the new dates', async () => {
  const { store, dispatcher, run } = setup();
  await store.upsert([whole('2026-05-05'), whole('2026-05-06'), whole('2026-05-07')]);
  await run('2026-05-07');
  expect(await run('2026-05-07')).toMatchObject({ opened: 0, signalled: 0 });
  expect(await run('2026-05-08')).toMatchObject({ opened: 0, signalled: 0 });

  await store.upsert([whole('2026-05-11'), whole('2026-05-12'), whole('2026-05-13')]);
  expect(await run('2026-05-13')).toMatchObject({ opened: 0, signalled: 1 });
  const open = dispatcher.running.get('fravaerssak-skole-1-elev-1');
  expect(open?.signals.flatMap((e) => (e.type === 'absence.newTrigger' ? [e.trigger.dates] : []))).toEqual([['2026-05-11', '2026-05-12', '2026-05-13']]);
  expect(dispatcher.started).toHaveLength(1);
});

test('several rules firing for one pupil in one run open one case; the others are merged and not found again', async () => {
  const { store, ledger, dispatcher, run } = setup();
  // Four days in a month, three of them consecutive: both C rules fire on the same data.
  await store.upsert([whole('2026-04-27'), whole('2026-05-05'), whole('2026-05-06'), whole('2026-05-07')]);
  expect(await run('2026-05-07')).toMatchObject({ opened: 1, merged: 1 });
  expect(dispatcher.running.get('fravaerssak-skole-1-elev-1')?.signals).toEqual([]);
  const entry = (await ledger.load('skole-1')).get('elev-1');
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

  expect(await run('2026-04-23')).toMatchObject({ trendsSent: 1 });
  expect(dispatcher.trends[0]).toMatchObject({ type: 'absence.trend', trend: 'worse', to: '2026-04-23', absenceDays: 3 });
  expect(parseCaseEvent(dispatcher.trends[0])).toBeTruthy();
  expect(await run('2026-04-23')).toMatchObject({ trendsSent: 0 }); // same window
  expect(await run('2026-04-24')).toMatchObject({ trendsSent: 0 }); // unchanged, within a week
  expect(await run('2026-04-30')).toMatchObject({ trendsSent: 1 }); // a week later

  dispatcher.running.clear(); // the school closed the case
  expect(await run('2026-05-07')).toMatchObject({ trendsSent: 0 });
  expect((await ledger.load('skole-1')).get('elev-1')?.caseOpen).toBe(false);
  await store.upsert([whole('2026-05-11'), whole('2026-05-12'), whole('2026-05-13')]);
  expect(await run('2026-05-13')).toMatchObject({ opened: 1 });
  expect(dispatcher.started.map((d) => d.input.facts.trigger.dates)).toEqual([
    ['2026-04-20', '2026-04-21', '2026-04-22'],
    ['2026-05-11', '2026-05-12', '2026-05-13'],
  ]);
});

test('schools missing from the directory or outside its calendar are reported, the others evaluated', async () => {
  const { store, run } = setup();
  await store.upsert([whole('2026-05-05'), whole('2026-05-06'), whole('2026-05-07'), whole('2026-05-05', { schoolId: 'ukjent', pupilId: 'elev-9' })]);
  const summary = await run('2026-05-07');
  expect(summary.opened).toBe(1);
  expect(summary.schools.find((s) => s.schoolId === 'ukjent')?.skipped).toContain('står ikke i skolekatalogen');
  const late = await run('2030-01-01');
  expect(late.schools.find((s) => s.schoolId === 'skole-1')?.skipped).toContain('dekker ikke 2030-01-01');
});

test('a delivery failure stops the run with a Norwegian error; what was delivered before is in the ledger and not sent twice', async () => {
  const { store, ledger, dispatcher, run } = setup();
  await store.upsert(['elev-1', 'elev-2'].flatMap((pupilId) => ['2026-05-05', '2026-05-06', '2026-05-07'].map((d) => whole(d, { pupilId }))));
  dispatcher.failAfter = 1;
  const error = await run('2026-05-07').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DetectionDispatchError);
  expect((error as Error).message).toContain('Kunne ikke levere til sakene for skole skole-1: Temporal svarer ikke');
  expect([...(await ledger.load('skole-1')).keys()]).toEqual(['elev-1']);
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
