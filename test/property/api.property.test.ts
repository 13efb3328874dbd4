/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 */
/**
 * Property-based test of the JSON API (/api/v1) over the real stack (fastify inject, Temporal
 * dev server with a worker, SQLite, an archive): a storm of random requests (paths known and
 * unknown, every method, random query strings, JSON bodies of random shapes, wrong types and
 * huge sizes, broken JSON, random content types and bearer tokens, valid tokens among them).
 * Every answer is a success or a 4xx JSON error `{ error: { code, message } }` in Norwegian,
 * never a 5xx and never a crash; after the storm a valid request still works and nothing that
 * was applied before it is lost.
 */
import fc from 'fast-check';
import { eventTypes } from '../../machines/events';
import { API_ERROR_CODES } from '../../web/api/api-errors';
import { createWebTestEnv, type WebTestEnv } from '../web/helpers/web-env';

jest.setTimeout(300_000);

let w: WebTestEnv;
let own: string; // E1 at S001: Kari Kontakt's pupil
let otherSchool: string; // E9 at S002
const tokens: string[] = [];

beforeAll(async () => {
  w = await createWebTestEnv();
  own = await w.openCase('S001', 'E1');
  otherSchool = await w.openCase('S002', 'E9');
  for (const [username, scopes] of [
    ['kontaktlaerer', ['read', 'send']],
    ['kontaktlaerer', ['read']],
    ['rektor', ['read', 'send']],
    ['revisor', ['read']],
  ] as const) {
    const user = await w.userStore.byUsername(username);
    tokens.push((await w.userStore.createApiToken({ userId: user!.userId, name: `storm ${username}`, scopes: [...scopes] })).secret);
  }
}, 180_000);
afterAll(async () => {
  await w?.close();
});

const today = () => new Date().toISOString().slice(0, 10);
const contactEvent = (eventId: string) => ({
  type: 'guardians.contacted',
  eventId,
  channel: 'phone',
  cause: 'school-related',
  document: {
    fields: {
      conversationDate: today(),
      channel: 'phone',
      summary: 'Samtale med mor.',
      agreed: 'Eleven kommer.',
      nextStep: 'Elevsamtale.',
    },
  },
});

/** A message a Norwegian school user can read (Norwegian words; zod's or Node's English never alone). */
const NORWEGIAN =
  /[æøåÆØÅ]|\b(ikke|mangler|ugyldig|ugyldige|finner|må|kan|saken|nøkkel|tilgang|innholdet|forespørselen|feltet|verdien|fikk|være)\b/i;
const ENGLISH_ONLY = /^(Invalid input|Expected|Unexpected|Cannot|TypeError|Internal Server Error|Not Found|Bad Request)/;

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '../../etc/passwd',
    '%00',
    '\u202e',
    "' OR 1=1 --",
    '<script>alert(1)</script>',
    '=cmd|x',
    'null',
    '-1',
    '1e400',
  ),
);
const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('own', 'other') },
  { weight: 1, arbitrary: fc.constantFrom('fravaerssak-S001-E404', 'fravaerssak-S001-E1', '') },
  { weight: 2, arbitrary: text.map((t) => encodeURIComponent(t)) },
);
const path = fc.oneof(
  { weight: 2, arbitrary: fc.constant('/api/v1/cases') },
  { weight: 2, arbitrary: segment.map((id) => `/api/v1/cases/${id}`) },
  { weight: 4, arbitrary: segment.map((id) => `/api/v1/cases/${id}/events`) },
  { weight: 1, arbitrary: segment.map((id) => `/api/v1/cases/${id}/documents`) },
  { weight: 1, arbitrary: fc.tuple(segment, segment).map(([id, ref]) => `/api/v1/cases/${id}/documents/${ref}`) },
  { weight: 1, arbitrary: segment.map((s) => `/api/v1/${s}`) },
  { weight: 1, arbitrary: segment.map((s) => `/api/${s}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '/api/v2/cases',
      '/api/v1/cases/',
      '/api/v1//cases',
      '/api/v1/cases/own/events/x',
      '/api/v1/cases?',
      '/api/openapi.json/x',
    ),
  },
);
const query = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom('schoolId', 'procedureId', 'stage', 'status', 'overdue', 'dueWithinDays', 'page', 'pageSize', 'skole'),
        fc.string({ maxLength: 8 }),
      ),
      fc.oneof(text, fc.integer().map(String), fc.constantFrom('open', 'closed', 'true', 'false', '0', '400', '-1', '1.5', 'NaN')),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : ''));
const eventish = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...eventTypes), text),
    eventId: fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null)),
    actor: fc.oneof(fc.constant({ role: 'principal', userId: 'A2' }), fc.anything()),
    document: fc.oneof(
      fc.constant({ fields: {} }),
      fc.anything(),
      fc.record({ fields: fc.dictionary(fc.string({ maxLength: 10 }), fc.anything()) }),
    ),
    channel: fc.oneof(fc.constantFrom('phone', 'brevdue'), fc.anything()),
    cause: fc.anything(),
  },
  { requiredKeys: [] },
);
const openish = fc.record(
  {
    schoolId: fc.oneof(fc.constantFrom('S001', 'S002', '=S1'), fc.anything()),
    pupilId: fc.oneof(fc.constantFrom('E1', 'E9', 'E77', '../E1'), fc.anything()),
    grade: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.anything()),
    trigger: fc.anything(),
    procedureId: fc.anything(),
  },
  { requiredKeys: [] },
);
/** A body as sent: JSON of any shape, an event-like or opening-like object, broken JSON, huge, or none. */
const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 4, arbitrary: eventish.map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: openish.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.constantFrom('{"type":', '{}{}', '[', 'null', '"x"', '\u0000', '{"__proto__":{"admin":true}}') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(1, 2).map((mb) => JSON.stringify({ type: 'guardians.contacted', note: 'x'.repeat(mb * 1024 * 1024) })),
  },
);
const authorization = fc.oneof(
  fc.constant(undefined),
  fc.nat().map((i) => `Bearer ${tokens[i % tokens.length]}`),
  fc.nat().map((i) => `Bearer ${tokens[i % tokens.length]}`),
  fc.nat().map((i) => `Bearer ${tokens[i % tokens.length]}`),
  fc.nat().map((i) => `Bearer ${tokens[i % tokens.length]}`),
  fc.string({ maxLength: 40 }).map((s) => `Bearer ${s}`),
  fc.string({ maxLength: 40 }).map((s) => `Bearer sft_${s}`),
  fc.nat().map((i) => `Bearer ${tokens[i % tokens.length]!.slice(0, -1)}x`),
  fc.constantFrom('Basic a29udGFrdDpwYXNz', 'Bearer', 'bearer  ', 'Token abc'),
);
const request = fc.record({
  method: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('GET', 'POST') },
    { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS') },
  ),
  path,
  query,
  body,
  contentType: fc.oneof(
    { weight: 6, arbitrary: fc.constant('application/json') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/json; charset=latin1',
        '',
      ),
    },
  ),
  authorization,
});

const HEADER_SAFE = /^[\t\x20-\x7e]*$/;

describe('a storm of random requests', () => {
  test('every answer is a success or a Norwegian 4xx JSON error, never a 5xx; a valid request after it works and nothing applied is lost', async () => {
    // Something applied before the storm, which must be there after it.
    const teacher = tokens[0]!;
    const sent = await w.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${own}/events`,
      headers: { authorization: `Bearer ${teacher}` },
      payload: contactEvent('storm-before'),
    });
    expect(sent.statusCode).toBe(200);
    const before = (await w.cases.view(own)).timeline.filter((e) => e.kind === 'event');
    expect(before.some((e) => e.kind === 'event' && e.eventId === 'storm-before')).toBe(true);

    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const url = r.path.replace('/own', `/${own}`).replace('/other', `/${otherSchool}`) + r.query;
        const headers: Record<string, string> = {};
        if (r.authorization !== undefined && HEADER_SAFE.test(r.authorization)) headers.authorization = r.authorization;
        if (r.body !== undefined && r.contentType !== '') headers['content-type'] = r.contentType;
        const response = await w.app.inject({
          method: r.method as 'GET',
          url,
          headers,
          ...(r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD' ? { payload: r.body } : {}),
        });
        expect([url, response.statusCode < 500]).toEqual([url, true]);
        if (response.statusCode < 400 || r.method === 'HEAD') return;
        expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
        const json = response.json() as { error?: { code?: string; message?: string } };
        expect(Object.keys(json)).toEqual(['error']);
        expect(API_ERROR_CODES).toContain(json.error?.code);
        const message = json.error?.message ?? '';
        expect([url, message]).toEqual([url, expect.stringMatching(NORWEGIAN)]);
        expect(message).not.toMatch(ENGLISH_ONLY);
      }),
      { numRuns: 400 },
    );

    // Nothing applied was lost, and valid requests still work.
    const after = (await w.cases.view(own)).timeline.filter((e) => e.kind === 'event');
    for (const event of before) expect(after).toContainEqual(event);
    const view = await w.app.inject({ method: 'GET', url: `/api/v1/cases/${own}`, headers: { authorization: `Bearer ${teacher}` } });
    expect(view.statusCode).toBe(200);
    expect((view.json() as { timeline: { eventId?: string }[] }).timeline.some((e) => e.eventId === 'storm-before')).toBe(true);
    const retry = await w.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${own}/events`,
      headers: { authorization: `Bearer ${teacher}` },
      payload: contactEvent('storm-before'),
    });
    expect([retry.statusCode, (retry.json() as { applied: boolean }).applied]).toEqual([200, false]);
    const list = await w.app.inject({ method: 'GET', url: '/api/v1/cases', headers: { authorization: `Bearer ${teacher}` } });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { items: { workflowId: string }[] }).items.map((i) => i.workflowId)).toContain(own);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const opened = await w.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: { authorization: `Bearer ${tokens[2]}` },
      payload: { schoolId: 'S001', pupilId: 'E2', grade: 3, trigger: { rule: 'consecutive-days', dates: [day(-3), day(-2), day(-1)] } },
    });
    expect(opened.statusCode).toBe(201);
  });
});
