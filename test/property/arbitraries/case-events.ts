/**
 * fast-check arbitraries for case events, derived from the event vocabulary's own zod schemas
 * (machines/events.ts), so a new event or field is generated without touching this file:
 * - `validPayloadOf(type)`: a payload the schema accepts (enum values, real dates, non-empty text);
 * - `hostileEvent`: any event type of the vocabulary or a garbage one, a valid or broken payload
 *   (a field dropped, given the wrong type, an unknown field added, an enum value misspelt),
 *   any role, a time that may go forwards or backwards, and event ids that repeat.
 * Whether the result is valid is decided by `parseCaseEvent` itself, never guessed here.
 */
import fc from 'fast-check';
import type { z } from 'zod';
import { type EventType, eventSchemas, eventTypes } from '../../../machines/events';
import { type Role, roleSchema } from '../../../machines/vocabulary';

/** Every role of the vocabulary. */
export const roles: readonly Role[] = roleSchema.options;

interface Def {
  type: string;
  format?: string;
  entries?: Record<string, string>;
  values?: unknown[];
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  checks?: { _zod: { def: { check: string; minimum?: number; value?: number } } }[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const day = fc.integer({ min: 0, max: 400 }).map((d) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));
const instant = fc.integer({ min: 0, max: 400 * 24 }).map((h) => new Date(Date.UTC(2026, 0, 1) + h * 3_600_000).toISOString());
// Text a person could write: letters (Norwegian ones too), digits, spaces and punctuation.
const text = fc.stringMatching(/^[A-Za-z0-9ÆØÅæøå][A-Za-z0-9ÆØÅæøå .,:/-]{0,30}$/);

/** A value the zod schema accepts, for the kinds of schema the event vocabulary uses. */
export function arbitraryOf(schema: z.ZodType): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return def.format === 'date' ? day : def.format === 'datetime' ? instant : text;
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries!));
    case 'literal':
      return fc.constantFrom(...def.values!);
    case 'boolean':
      return fc.boolean();
    case 'number': {
      const positive = def.checks?.some((c) => c._zod.def.check === 'greater_than');
      return fc.integer({ min: positive ? 1 : 0, max: 40 });
    }
    case 'optional':
      return fc.option(arbitraryOf(def.innerType!), { nil: undefined });
    case 'array':
      return fc.array(arbitraryOf(def.element!), { minLength: 1, maxLength: 3 });
    case 'object':
      return fc.record(Object.fromEntries(Object.entries(def.shape!).map(([k, v]) => [k, arbitraryOf(v)])));
    case 'pipe':
      return arbitraryOf((def as unknown as { in: z.ZodType }).in);
    default:
      throw new Error(`arbitraryOf: no generator for zod type «${def.type}»; add one`);
  }
}

/** Drops the keys whose value is undefined (an absent optional field, as JSON would send it). */
const compact = (value: Record<string, unknown>) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

/** The event's own fields (without type, eventId, actor, at), valid by its schema. */
export function validPayloadOf(type: EventType): fc.Arbitrary<Record<string, unknown>> {
  const {
    type: _t,
    eventId: _e,
    actor: _a,
    at: _at,
    ...payload
  } = (eventSchemas[type] as unknown as { shape: Record<string, z.ZodType> }).shape;
  return fc.record(Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, arbitraryOf(v)]))).map(compact);
}

/** Values of the wrong kind for any field. */
const wrongValue = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant('   '),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.string({ maxLength: 20 }),
  fc.constant("=cmd|' /C calc'!A0"),
  fc.constant('\u202egnp.exe'),
  fc.constant('2026-02-31'),
  fc.constant('a\u0000b'),
);

/** A valid payload broken in one way: a field dropped, replaced by a wrong value, or an unknown field added. */
function brokenPayloadOf(type: EventType): fc.Arbitrary<Record<string, unknown>> {
  return validPayloadOf(type).chain((payload) => {
    const keys = Object.keys(payload);
    const breaks: fc.Arbitrary<Record<string, unknown>>[] = [
      fc
        .record({ extra: fc.constantFrom('causeNotes', 'rolle', '__proto__x', 'actorRole'), value: wrongValue })
        .map(({ extra, value }) => ({
          ...payload,
          [extra]: value,
        })),
    ];
    if (keys.length > 0) {
      const key = fc.constantFrom(...keys);
      breaks.push(key.map((k) => compact({ ...payload, [k]: undefined })));
      breaks.push(fc.tuple(key, wrongValue).map(([k, v]) => ({ ...payload, [k]: v })));
    }
    return fc.oneof(...breaks);
  });
}

/** Event types the vocabulary does not know: misspellings, XState internals, empty, injected text. */
export const garbageType = fc.oneof(
  fc.constantFrom('', 'case.Closed', 'xstate.init', 'xstate.after.x.y', 'guardians.contacted ', 'toString', '__proto__', '*'),
  fc.string({ maxLength: 24 }).filter((s) => !(eventTypes as string[]).includes(s)),
);

/**
 * A raw event without its time: a known type with a valid or broken payload, or a garbage type;
 * any role and user (or a broken actor); an id from a small pool, so repeats of an applied id
 * occur; sometimes a broken time. Plain data, so fast-check prints a failing one in full.
 */
export interface HostileEvent {
  type: unknown;
  eventId: unknown;
  actor: unknown;
  /** A broken `at` that replaces the time given to `rawAt`. */
  badTime?: unknown;
  payload: Record<string, unknown>;
  /** How the test meant it (whether it is valid is for `parseCaseEvent` to say). */
  intent: 'valid' | 'broken' | 'garbage';
}

/** The raw object sent: the event at `atMs` (unless its time is broken). */
export const rawAt = (e: HostileEvent, atMs: number): Record<string, unknown> => ({
  type: e.type,
  eventId: e.eventId,
  actor: e.actor,
  at: e.badTime ?? new Date(atMs).toISOString(),
  ...e.payload,
});

export function hostileEvent(types: readonly EventType[] = eventTypes): fc.Arbitrary<HostileEvent> {
  const actor = fc.oneof(
    { weight: 9, arbitrary: fc.record({ role: fc.constantFrom(...roles), userId: fc.constantFrom('u1', 'u2') }) },
    { weight: 1, arbitrary: wrongValue },
  );
  const eventId = fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => `evt-${n}`) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>('', '  ', 42, null) },
  );
  const known = fc
    .constantFrom(...types)
    .chain((type) =>
      fc.oneof(
        { weight: 3, arbitrary: validPayloadOf(type).map((payload) => ({ type: type as unknown, payload, intent: 'valid' as const })) },
        { weight: 1, arbitrary: brokenPayloadOf(type).map((payload) => ({ type: type as unknown, payload, intent: 'broken' as const })) },
      ),
    );
  // A garbage type with the fields of some real event, so only the type is wrong.
  const garbage = fc
    .tuple(garbageType, fc.constantFrom(...types).chain(validPayloadOf))
    .map(([type, payload]) => ({ type: type as unknown, payload, intent: 'garbage' as const }));
  return fc
    .record({
      kind: fc.oneof({ weight: 6, arbitrary: known }, { weight: 1, arbitrary: garbage }),
      eventId,
      actor,
      badTime: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: wrongValue }),
    })
    .map(({ kind, eventId: id, actor: who, badTime }) => ({
      ...kind,
      eventId: id,
      actor: who,
      ...(badTime === undefined ? {} : { badTime }),
    }));
}

/** Steps in time between events, in hours: mostly forwards (up to two weeks), sometimes back. */
export const timeStepHours = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 24 * 14 }) },
  { weight: 1, arbitrary: fc.integer({ min: -24 * 10, max: -1 }) },
);
