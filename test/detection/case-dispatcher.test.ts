/**
 * TemporalCaseDispatcher without a server, against a stand-in that answers as Temporal does (a
 * start of a running case is refused, a signal to a case that is not running is refused): one
 * call per trigger when the ledger's hint is right, the other call when it is wrong, the outcome
 * always what the server did, never what the hint said; a case that opens or closes between the
 * calls is tried the other way, and one that keeps doing so ends in a Norwegian error. The path
 * through the real server is test/detection/detection.workflow.test.ts.
 */
import { CaseAlreadyOpenError } from '../../app/case-client';
import { TemporalCaseDispatcher, TriggerDeliveryError } from '../../detection/case-dispatcher';
import { planTrendEvent, planTriggerDelivery } from '../../detection/dispatch-plan';
import { detect } from '../../detection/rules';
import { buildSchoolDirectory } from '../../detection/school-directory';
import type { CaseWorkflowInput } from '../../workflows/case-messages';
import { testCaseIds } from '../helpers/case-ids';
import { ServerLikeCases, calendar, calendarConfig, whole } from './fixtures';

const C = 'tiltaksplan-elevfravaer';
const school = buildSchoolDirectory({
  formatVersion: 1,
  municipalities: { test: { name: 'Testkommune', procedureId: C, calendar: calendarConfig } },
  schools: [{ schoolId: 'skole1', name: 'Testskole', municipality: 'test' }],
}).get('skole1')!;

// Three consecutive school days: C.2's trigger, as detection finds it.
const [trigger] = detect(C, [whole('2026-05-05'), whole('2026-05-06'), whole('2026-05-07')], calendar, '2026-05-07');
const delivery = planTriggerDelivery(school, trigger!, 5, new Date('2026-05-07T16:00:00Z'));
const workflowId = testCaseIds.workflowId('skole1', 'elev-1');

test('no case and a hint of none: one start, opened; the case starts from the trigger with its event id applied', async () => {
  const server = new ServerLikeCases();
  expect(await new TemporalCaseDispatcher(server).deliverTrigger(delivery, { caseLikelyOpen: false })).toBe('opened');
  expect(server.calls).toEqual(['start']);
  expect(server.running.get(workflowId)).toEqual({ input: delivery.input, applied: [delivery.event.eventId] });
  expect(delivery.input.openingEventId).toBe(delivery.event.eventId);
});

test('an open case and a hint of one: one signal, signalled with the trigger as a new trigger', async () => {
  const server = new ServerLikeCases();
  server.running.set(workflowId, { input: delivery.input, applied: [] });
  expect(await new TemporalCaseDispatcher(server).deliverTrigger(delivery, { caseLikelyOpen: true })).toBe('signalled');
  expect(server.calls).toEqual(['signal']);
  expect(server.running.get(workflowId)?.applied).toEqual([delivery.event.eventId]);
});

test('a wrong hint costs one more call, never a wrong outcome; without a hint the start comes first', async () => {
  // The ledger thinks the case is open, but the school closed it: the signal is refused, the case opened anew.
  const closed = new ServerLikeCases();
  expect(await new TemporalCaseDispatcher(closed).deliverTrigger(delivery, { caseLikelyOpen: true })).toBe('opened');
  expect(closed.calls).toEqual(['signal', 'start']);
  // The ledger knows of no case, but one is running (a crash before the ledger was saved): the start is refused, the case signalled.
  const running = new ServerLikeCases();
  running.running.set(workflowId, { input: delivery.input, applied: [] });
  expect(await new TemporalCaseDispatcher(running).deliverTrigger(delivery, { caseLikelyOpen: false })).toBe('signalled');
  expect(running.calls).toEqual(['start', 'signal']);
  expect(running.running.size).toBe(1);
  const noHint = new ServerLikeCases();
  expect(await new TemporalCaseDispatcher(noHint).deliverTrigger(delivery)).toBe('opened');
  expect(noHint.calls).toEqual(['start']);
});

test('a case that closes between the refused start and the signal is opened anew; one that keeps flipping ends in a Norwegian error', async () => {
  const server = new ServerLikeCases();
  server.running.set(workflowId, { input: delivery.input, applied: [] });
  let call = 0;
  // Closed by the school right after the refused start.
  server.between = () => {
    if (++call === 2) server.running.delete(workflowId);
  };
  expect(await new TemporalCaseDispatcher(server).deliverTrigger(delivery, { caseLikelyOpen: false })).toBe('opened');
  expect(server.calls).toEqual(['start', 'signal', 'start']);

  const flipping = new ServerLikeCases();
  // Before a start the case is running; before a signal it is not: every attempt is refused.
  flipping.open = async function (this: ServerLikeCases, input: CaseWorkflowInput) {
    this.calls.push('start');
    throw new CaseAlreadyOpenError(this.workflowIdFor(input.facts.schoolId, input.facts.pupilId));
  };
  const error = await new TemporalCaseDispatcher(flipping).deliverTrigger(delivery).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TriggerDeliveryError);
  expect((error as Error).message).toBe(
    'Utløseren for elev «elev-1» ved skole «skole1» ble ikke levert: saken ble åpnet eller lukket mellom hvert av 4 forsøk.',
  );
  expect(flipping.calls).toEqual(['start', 'signal', 'start', 'signal']);
});

test('any other failure of a call is passed on at once', async () => {
  const server = new ServerLikeCases();
  server.between = () => {
    throw new Error('Temporal svarer ikke');
  };
  await expect(new TemporalCaseDispatcher(server).deliverTrigger(delivery)).rejects.toThrow('Temporal svarer ikke');
  await expect(new TemporalCaseDispatcher(server).deliverTrigger(delivery, { caseLikelyOpen: true })).rejects.toThrow(
    'Temporal svarer ikke',
  );
});

test('a trend reaches only an open case', async () => {
  const server = new ServerLikeCases();
  const dispatcher = new TemporalCaseDispatcher(server);
  const window = { from: '2026-04-10', to: '2026-05-07', absenceDays: 3, absenceLessons: 0, dayEquivalent: 3 };
  const trend = planTrendEvent('skole1', 'elev-1', { ...window, trend: 'worse', previous: window, description: '' }, new Date());
  expect(await dispatcher.deliverTrend('skole1', 'elev-1', trend)).toBe('no-open-case');
  server.running.set(workflowId, { input: delivery.input, applied: [] });
  expect(await dispatcher.deliverTrend('skole1', 'elev-1', trend)).toBe('signalled');
  expect(server.running.get(workflowId)?.applied).toEqual([trend.eventId]);
});
