/**
 * Property-based tests of the case host (workflows/case-host.ts), the pure rules the case
 * workflow runs with, for every registered procedure and version: random persons' events
 * (through the Update's validator, as the workflow takes them), detection's facts (the Signal)
 * and the clock moving on (due timers fire), with valid and broken payloads, garbage types, any
 * role and event times going forwards and back. After every step:
 * - an event the validator refuses throws a Norwegian message and changes nothing in the case
 *   (everything a continue-as-new would carry is as before);
 * - an event the validator lets through is one the step takes, from a role the rule allows (a
 *   person never sends detection's facts; guardians and pupils never send), and is applied
 *   exactly once: a repeat of its id is answered without applying again;
 * - a fact the Signal refuses leaves the machine's state and context as they were and is kept
 *   on the timeline as refused;
 * - the case is in a valid state: its step has a label, its view and search attributes can be
 *   read, no event id is on the timeline twice, a closed case has its closing and takes nothing.
 */
import fc from 'fast-check';
import { authorisedRoles, detectionEventTypes, nonRecordingRoles } from '../../machines/authorization';
import { type CaseEvent, InvalidEventError, parseCaseEvent } from '../../machines/events';
import { activeMeta, allowedEventTypes } from '../../machines/public-view';
import { listProcedures } from '../../machines/registry';
import { CURRENT_HOST_RULES, CaseHost } from '../../workflows/case-host';
import { hostileEvent, rawAt, roles, validPayloadOf } from './arbitraries/case-events';
import { OPENED_MS, openingFacts, procedureName } from './arbitraries/openings';

const RUNS = 50;
const HOUR = 3_600_000;

const step = fc.oneof(
  // A person's event, at a time up to ten days before and a day after the case's clock.
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('update' as const), event: hostileEvent(), offsetHours: fc.integer({ min: -240, max: 24 }) }),
  },
  // A valid event of a type the step takes now, by any role or by one the rule allows.
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('guided' as const),
      pick: fc.nat(),
      role: fc.oneof(
        fc.constantFrom(...roles),
        fc.nat().map((n) => ({ allowed: n })),
      ),
      offsetHours: fc.integer({ min: -240, max: 0 }),
    }),
  },
  // Detection's fact through the Signal.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('signal' as const),
      event: hostileEvent(detectionEventTypes),
      offsetHours: fc.integer({ min: -240, max: 0 }),
    }),
  },
  // The clock moves on, up to three weeks; the timers that fall due fire.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('clock' as const), hours: fc.integer({ min: 1, max: 24 * 21 }) }) },
);

const parses = (raw: unknown) => {
  try {
    parseCaseEvent(raw);
    return true;
  } catch {
    return false;
  }
};

/** The case's state and context (what the machine decided). */
const machineOf = (host: CaseHost) => ({ value: host.snapshot.value, context: host.snapshot.context });

/** Every rule of a case in a valid state. */
function expectValidCase(host: CaseHost, nowMs: number): void {
  expect(['active', 'done']).toContain(host.snapshot.status);
  expect(activeMeta(host.snapshot).label).toMatch(/\S/);
  const view = host.view('wf-1', nowMs);
  expect(view.status).toBe(host.isActive ? 'open' : 'closed');
  const applied = view.timeline.flatMap((e) => (e.kind === 'event' ? [e.eventId] : []));
  expect(new Set(applied).size).toBe(applied.length);
  for (const id of applied) expect(host.hasApplied(id)).toBe(true);
  for (const timer of host.pendingTimers()) expect(Number.isFinite(timer.dueAtMs)).toBe(true);
  expect(host.attributes().status).toBe(view.status);
  if (!host.isActive) {
    expect(view.closing).toBeDefined();
    expect(allowedEventTypes(host.snapshot)).toEqual([]);
  }
}

describe.each(listProcedures().map((p) => [procedureName(p), p] as const))('%s', (_name, procedure) => {
  test('refused events change nothing, accepted ones come from an allowed role and apply once, the case stays valid', () => {
    let applied = 0;
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.gen(), (steps, g) => {
        const host = CaseHost.open({ procedure, rules: CURRENT_HOST_RULES }, { facts: openingFacts(procedure) }, OPENED_MS);
        let now = OPENED_MS;
        expectValidCase(host, now);
        for (const s of steps) {
          if (s.kind === 'clock') {
            now += s.hours * HOUR;
            for (let timer = host.nextTimer(); timer && timer.dueAtMs <= now; timer = host.nextTimer()) host.fireTimer(timer, now);
            expectValidCase(host, now);
            continue;
          }
          const at = now + s.offsetHours * HOUR;
          let raw: Record<string, unknown>;
          if (s.kind === 'guided') {
            const types = allowedEventTypes(host.snapshot).filter((t) => !detectionEventTypes.includes(t));
            if (types.length === 0) continue;
            const type = types[s.pick % types.length]!;
            const allowed = authorisedRoles(host.snapshot, type, procedure.extraSenders);
            const role = typeof s.role === 'string' ? s.role : (allowed[s.role.allowed % Math.max(1, allowed.length)] ?? 'principal');
            raw = {
              type,
              eventId: `guided-${at}-${s.pick}`,
              actor: { role, userId: 'u1' },
              at: new Date(at).toISOString(),
              ...g(validPayloadOf, type),
            };
          } else raw = rawAt(s.event, at);

          if (s.kind === 'signal') {
            const before = machineOf(host);
            const timelineLength = host.view('wf-1', now).timeline.length;
            // A repeat of an applied fact is dropped quietly; a malformed one is always kept as refused.
            const duplicate = typeof raw.eventId === 'string' && host.hasApplied(raw.eventId) && parses(raw);
            const took = host.receiveFact(raw, now);
            if (took) {
              const event = parseCaseEvent(raw);
              expect(event.actor.role).toBe('system');
              expect(detectionEventTypes).toContain(event.type);
            } else {
              expect(machineOf(host)).toEqual(before);
              const timeline = host.view('wf-1', now).timeline;
              if (!duplicate) expect(timeline.at(-1)).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/\S/) });
              else expect(timeline).toHaveLength(timelineLength);
            }
            expectValidCase(host, now);
            continue;
          }

          // A person's event: the Update's validator, then (when it passes) the update itself.
          const before = host.carried();
          const snapshot = host.snapshot;
          let event: CaseEvent;
          try {
            event = host.validateUpdate(raw);
          } catch (err) {
            expect(err).toBeInstanceOf(Error);
            const message = (err as Error).message;
            // Norwegian, never zod's or XState's English.
            expect(message).toMatch(/hendelse|Saken|Steget|Rollen|Fraværsdeteksjonen|kommer bare fra|må sendes som|Ingen kan/);
            expect(message).not.toMatch(/Invalid input|Expected|undefined is not|Cannot read/);
            if (err instanceof InvalidEventError) expect(() => parseCaseEvent(raw)).toThrow(InvalidEventError);
            expect(host.carried()).toEqual(before);
            continue;
          }
          const repeat = host.hasApplied(event.eventId);
          if (!repeat) {
            expect(allowedEventTypes(snapshot)).toContain(event.type);
            // A person's channel: never detection's facts (whatever role is claimed), never a non-recording role.
            expect(detectionEventTypes).not.toContain(event.type);
            expect(nonRecordingRoles).not.toContain(event.actor.role);
            expect(authorisedRoles(snapshot, event.type, procedure.extraSenders)).toContain(event.actor.role);
            expect(snapshot.can(event)).toBe(true);
          }
          const result = host.acceptUpdate(raw, now);
          expect(result.applied).toBe(!repeat);
          if (repeat) expect(host.carried()).toEqual(before);
          else {
            applied += 1;
            expect(host.hasApplied(event.eventId)).toBe(true);
            expect(host.view('wf-1', now).timeline.at(-1)).toMatchObject({ kind: 'event', eventId: event.eventId, type: event.type });
          }
          expectValidCase(host, now);
        }
      }),
      { numRuns: RUNS },
    );
    // The runs must have applied events, or the properties above checked only refusals.
    expect(applied).toBeGreaterThan(RUNS / 2);
  });
});
