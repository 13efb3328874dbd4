/** The event vocabulary refuses what it does not know, and says so in Norwegian with the bad value. */
import { InvalidEventError, eventSchemas, eventTypes, parseCaseEvent } from '../../machines/events';

const contact = {
  type: 'guardians.contacted',
  eventId: 'e-1',
  actor: { role: 'contact-teacher', userId: 'kari' },
  at: '2026-09-01T10:00:00+02:00',
  channel: 'phone',
  cause: 'school-related',
  causeNote: 'Eleven gruer seg til gymtimene.',
  documentRef: 'arkiv/1',
};

test('a misspelt field in an event is refused, naming the field, instead of being dropped with what it held', () => {
  const { causeNote, ...rest } = contact;
  const misspelt = { ...rest, causeNotes: causeNote };
  expect(() => parseCaseEvent(misspelt)).toThrow(InvalidEventError);
  expect(() => parseCaseEvent(misspelt)).toThrow(/Ugyldig hendelse «guardians.contacted»: .*ukjent felt: causeNotes/);
  expect(parseCaseEvent(contact)).toMatchObject({ causeNote: 'Eleven gruer seg til gymtimene.' });
});

test('unknown fields are refused in nested objects too (actor, trigger)', () => {
  expect(() => parseCaseEvent({ ...contact, actor: { role: 'contact-teacher', userId: 'kari', rolle: 'rektor' } })).toThrow(
    /actor: ukjent felt: rolle/,
  );
  expect(() =>
    parseCaseEvent({
      type: 'absence.newTrigger',
      eventId: 'e-2',
      actor: { role: 'system', userId: 'fravaersdeteksjon' },
      at: '2026-09-01T10:00:00+02:00',
      trigger: { rule: 'consecutive-days', dates: ['2026-09-01'], dager: 3 },
    }),
  ).toThrow(/trigger: ukjent felt: dager/);
});

test.each(eventTypes)('the schema of %s refuses unknown fields', (type) => {
  // Strict objects carry a catch-all that accepts nothing.
  const def = (eventSchemas[type] as unknown as { _zod: { def: { catchall?: { _zod: { def: { type: string } } } } } })._zod.def;
  expect(def.catchall?._zod.def.type).toBe('never');
});

test('errors are Norwegian, name each bad field and echo its value', () => {
  const bad = () => parseCaseEvent({ ...contact, channel: 'brevdue', at: 'i går' });
  expect(bad).toThrow(/channel: må være en av: phone, .* \(fikk «brevdue»\)/);
  expect(bad).toThrow(/at: må være et tidspunkt med tidssone.* \(fikk «i går»\)/);
  expect(() => parseCaseEvent({ ...contact, type: 'guardians.called' })).toThrow(/Ukjent hendelsestype «guardians.called»/);
});
