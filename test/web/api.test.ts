/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 *
 * The JSON API for school systems over the real stack (fastify inject, Temporal dev server with
 * a worker, SQLite with the people directory, an archive): API tokens and their scopes, the
 * user's role and case scope as on the pages, every error as `{ error: { code, message } }` in
 * Norwegian, the list/view/open/send/documents flow, a refused event that changes nothing, and
 * the OpenAPI document generated from the zod schemas.
 */
import { caseWorkflowId } from '../helpers/case-ids';
import { createWebTestEnv, type WebTestEnv } from './helpers/web-env';

jest.setTimeout(180_000);

let w: WebTestEnv;
let own: string; // E1 at S001: Kari Kontakt's pupil
let otherSchool: string; // a pupil at S002
const tokens: Record<string, string> = {};

async function token(username: string, scopes: string[]): Promise<string> {
  const user = await w.userStore.byUsername(username);
  return (await w.userStore.createApiToken({ userId: user!.userId, name: `test ${username}`, scopes })).secret;
}

beforeAll(async () => {
  w = await createWebTestEnv();
  own = await w.openCase('S001', 'E1');
  otherSchool = await w.openCase('S002', 'E9');
  tokens.teacherRead = await token('kontaktlaerer', ['read']);
  tokens.teacher = await token('kontaktlaerer', ['read', 'send']);
  tokens.principal = await token('rektor', ['read', 'send']);
  tokens.auditor = await token('revisor', ['read', 'send']);
}, 180_000);
afterAll(async () => {
  await w?.close();
});

type Json = Record<string, unknown> & { error?: { code: string; message: string } };

async function api(method: 'GET' | 'POST', url: string, options: { token?: string; body?: unknown; authorization?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  else if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const r = await w.app.inject({
    method,
    url,
    headers,
    ...(options.body !== undefined ? { payload: options.body as Record<string, unknown> } : {}),
  });
  const json = r.headers['content-type']?.toString().startsWith('application/json') ? (r.json() as Json) : undefined;
  return { status: r.statusCode, json: json ?? {}, response: r };
}

/** The case's own record (events, deadlines, refusals): effects land later, on their own, whatever the API did. */
const recorded = async (workflowId: string) => (await w.cases.view(workflowId)).timeline.filter((e) => e.kind !== 'effect');

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
      summary: 'Samtale med mor om fraværet.',
      agreed: 'Eleven kommer i morgen.',
      nextStep: 'Elevsamtale.',
    },
  },
});

describe('tokens and scopes', () => {
  test('without a token, with a malformed header, an unknown or a revoked token: 401 in Norwegian JSON', async () => {
    const none = await api('GET', '/api/v1/cases');
    expect(none.status).toBe(401);
    expect(none.json.error).toEqual({ code: 'unauthorized', message: expect.stringContaining('API-nøkkel mangler') });
    const basic = await api('GET', '/api/v1/cases', { authorization: 'Basic a29udGFrdDpwYXNz' });
    expect([basic.status, basic.json.error?.message]).toEqual([401, expect.stringContaining('Bearer sft_')]);
    const unknown = await api('GET', '/api/v1/cases', { token: 'sft_0000000000000000_ukjent' });
    expect([unknown.status, unknown.json.error?.code]).toEqual([401, 'unauthorized']);
    const secret = await token('rektor', ['read']);
    expect((await api('GET', '/api/v1/cases', { token: secret })).status).toBe(200);
    const tokenId = secret.split('_')[1]!;
    expect(await w.userStore.revokeApiToken(tokenId)).toBe(true);
    const revoked = await api('GET', '/api/v1/cases', { token: secret });
    expect([revoked.status, revoked.json.error?.message]).toEqual([401, expect.stringContaining('trukket tilbake')]);
  });

  test('a read-only token may not send (403 naming the scope) and nothing changes', async () => {
    const beforeRecord = await recorded(own);
    const r = await api('POST', `/api/v1/cases/${own}/events`, { token: tokens.teacherRead, body: contactEvent('api-read-only') });
    expect(r.status).toBe(403);
    expect(r.json.error).toEqual({ code: 'forbidden', message: expect.stringContaining('mangler tilgangen «send»') });
    expect(await recorded(own)).toEqual(beforeRecord);
  });

  test('the token acts as its user: a contact teacher gets 403 for another school’s case, an auditor may read but never send', async () => {
    const other = await api('GET', `/api/v1/cases/${otherSchool}`, { token: tokens.teacher });
    expect([other.status, other.json.error?.code]).toEqual([403, 'forbidden']);
    expect(other.json.error?.message).toContain('ikke tilgang');
    expect((await api('GET', `/api/v1/cases/${otherSchool}`, { token: tokens.auditor })).status).toBe(200);
    const beforeRecord = await recorded(own);
    const send = await api('POST', `/api/v1/cases/${own}/events`, { token: tokens.auditor, body: contactEvent('api-auditor') });
    expect([send.status, send.json.error?.message]).toEqual([403, expect.stringContaining('lesetilgang')]);
    expect(await recorded(own)).toEqual(beforeRecord);
  });

  test('no session and no CSRF on /api: a bearer POST needs neither and sets no cookie; an unknown case is 404 JSON', async () => {
    const r = await api('POST', `/api/v1/cases/fravaerssak-S001-E404/events`, {
      token: tokens.principal,
      body: { type: 'guardians.contacted', eventId: 'x', channel: 'phone', cause: 'school-related', document: { fields: {} } },
    });
    expect(r.status).toBe(404);
    expect(r.json.error).toEqual({ code: 'not_found', message: 'Finner ingen sak «fravaerssak-S001-E404».' });
    expect(r.response.headers['set-cookie']).toBeUndefined();
    const malformed = await w.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${own}/events`,
      headers: { authorization: `Bearer ${tokens.teacher}`, 'content-type': 'application/json' },
      payload: '{"type": "guardians.contacted",',
    });
    expect([malformed.statusCode, malformed.json()]).toEqual([
      422,
      { error: { code: 'invalid_input', message: 'Innholdet er ikke gyldig JSON.' } },
    ]);
    const route = await api('GET', '/api/v1/finnes-ikke', { token: tokens.principal });
    expect([route.status, route.json.error?.code]).toEqual([404, 'not_found']);
  });
});

describe('list and view', () => {
  test('the list holds the user’s cases only, with the page’s filters and paging; a bad filter is 422 naming field and value', async () => {
    const teacher = await api('GET', '/api/v1/cases', { token: tokens.teacher });
    expect(teacher.status).toBe(200);
    const ids = (teacher.json.items as { workflowId: string }[]).map((r) => r.workflowId);
    expect(ids).toContain(own);
    expect(ids).not.toContain(otherSchool);
    const auditor = await api('GET', '/api/v1/cases?schoolId=S002&status=open', { token: tokens.auditor });
    expect((auditor.json.items as { workflowId: string }[]).map((r) => r.workflowId)).toEqual([otherSchool]);
    const paged = await api('GET', '/api/v1/cases?pageSize=1&page=2', { token: tokens.auditor });
    expect(paged.json).toMatchObject({ page: 2, pageSize: 1, items: [expect.objectContaining({ status: 'open' })] });
    expect(paged.json.total).toBeGreaterThanOrEqual(2);
    const bad = await api('GET', '/api/v1/cases?dueWithinDays=400', { token: tokens.teacher });
    expect(bad.status).toBe(422);
    expect(bad.json.error?.code).toBe('invalid_input');
    expect(bad.json.error?.message).toMatch(/dueWithinDays: kan være høyst 365 \(fikk «400»\)/);
    const unknownFilter = await api('GET', '/api/v1/cases?skole=S001', { token: tokens.teacher });
    expect([unknownFilter.status, unknownFilter.json.error?.message]).toEqual([422, expect.stringContaining('skole')]);
  });

  test('the view is the case view, and reading it is in the access log', async () => {
    const r = await api('GET', `/api/v1/cases/${own}`, { token: tokens.teacher });
    expect(r.status).toBe(200);
    const view = await w.cases.view(own);
    expect(r.json).toMatchObject({ workflowId: own, caseId: view.caseId, status: 'open', state: { label: view.state.label } });
    expect(r.json.timeline).toEqual(JSON.parse(JSON.stringify(view.timeline)));
    const user = await w.userStore.byUsername('kontaktlaerer');
    const log = await w.userStore.caseAccessLog({ userId: user!.userId, limit: 100 });
    expect(log.some((e) => e.workflowId === own && e.action === 'view')).toBe(true);
  });
});

describe('open, send and documents', () => {
  test('a principal opens a case by hand for a pupil at their school; a second time is 409; out of scope 403; unknown pupil 422', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const body = { schoolId: 'S001', pupilId: 'E2', grade: 3, trigger: { rule: 'consecutive-days', dates: [day(-3), day(-2), day(-1)] } };
    const teacher = await api('POST', '/api/v1/cases', { token: tokens.teacher, body });
    expect([teacher.status, teacher.json.error?.message]).toEqual([403, expect.stringContaining('«E2»')]);
    const opened = await api('POST', '/api/v1/cases', { token: tokens.principal, body });
    expect(opened.status).toBe(201);
    expect(opened.json).toMatchObject({
      workflowId: caseWorkflowId('S001', 'E2'),
      case: { status: 'open', schoolId: 'S001', pupilId: 'E2', grade: 3 },
    });
    const again = await api('POST', '/api/v1/cases', { token: tokens.principal, body });
    expect([again.status, again.json.error?.code]).toEqual([409, 'refused']);
    const unknown = await api('POST', '/api/v1/cases', { token: tokens.principal, body: { ...body, pupilId: 'E77' } });
    expect([unknown.status, unknown.json.error?.message]).toEqual([422, expect.stringContaining('pupilId')]);
    const badGrade = await api('POST', '/api/v1/cases', { token: tokens.principal, body: { ...body, pupilId: 'E77', grade: 14 } });
    expect([badGrade.status, badGrade.json.error?.message]).toEqual([422, expect.stringMatching(/grade: .*14/)]);
  });

  test('an event the case does not take now is 409 with the case’s reason; the case and the archive are unchanged', async () => {
    const before = await w.cases.view(own);
    const beforeRecord = await recorded(own);
    const r = await api('POST', `/api/v1/cases/${own}/events`, {
      token: tokens.principal,
      body: { type: 'evaluation.held', eventId: 'api-refused-1', outcome: 'improved', document: { fields: {} } },
    });
    expect(r.status).toBe(409);
    expect(r.json.error?.code).toBe('refused');
    expect(r.json.error?.message).toContain(`i steget «${before.state.label}»`);
    expect(r.json.error?.message).toContain('ingenting er endret');
    expect(await recorded(own)).toEqual(beforeRecord);
    expect(await w.archiveDocuments(before.caseId)).toEqual([]);
  });

  test('invalid event and document fields are 422 naming field and value; nothing is sent or filed', async () => {
    const before = await w.cases.view(own);
    const beforeRecord = await recorded(own);
    const badEvent = await api('POST', `/api/v1/cases/${own}/events`, {
      token: tokens.teacher,
      body: { ...contactEvent('api-bad-1'), channel: 'brevdue' },
    });
    expect(badEvent.status).toBe(422);
    expect(badEvent.json.error?.message).toMatch(/channel: .*brevdue/);
    const badDocument = await api('POST', `/api/v1/cases/${own}/events`, {
      token: tokens.teacher,
      body: {
        ...contactEvent('api-bad-2'),
        document: { fields: { ...contactEvent('x').document.fields, conversationDate: '2026-13-45' } },
      },
    });
    expect(badDocument.status).toBe(422);
    expect(badDocument.json.error?.message).toMatch(/document\.fields\.conversationDate: .*2026-13-45/);
    const noDocument = await api('POST', `/api/v1/cases/${own}/events`, {
      token: tokens.teacher,
      body: { type: 'guardians.contacted', eventId: 'api-bad-3', channel: 'phone', cause: 'school-related' },
    });
    expect([noDocument.status, noDocument.json.error?.message]).toEqual([422, expect.stringContaining('document')]);
    const unknownType = await api('POST', `/api/v1/cases/${own}/events`, {
      token: tokens.teacher,
      body: { type: 'absence.trend', eventId: 'x' },
    });
    expect([unknownType.status, unknownType.json.error?.message]).toEqual([
      422,
      expect.stringContaining('type: ukjent hendelse «absence.trend»'),
    ]);
    expect(await recorded(own)).toEqual(beforeRecord);
    expect(await w.archiveDocuments(before.caseId)).toEqual([]);
  });

  test('an event with its document files a PDF and moves the case; a retry applies once; the PDF is served for its own case only', async () => {
    const before = await w.cases.view(own);
    const r = await api('POST', `/api/v1/cases/${own}/events`, { token: tokens.teacher, body: contactEvent('api-contact-1') });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ applied: true, eventId: 'api-contact-1', status: 'open', document: { duplicate: false } });
    const after = await w.cases.view(own);
    const afterRecord = await recorded(own);
    expect(after.state.label).not.toBe(before.state.label);
    expect(r.json.stateLabel).toBe(after.state.label);
    const applied = after.timeline.find((e) => e.kind === 'event' && e.eventId === 'api-contact-1');
    expect(applied).toMatchObject({ actor: { role: 'contact-teacher', userId: 'A1' } });

    const retry = await api('POST', `/api/v1/cases/${own}/events`, { token: tokens.teacher, body: contactEvent('api-contact-1') });
    expect(retry.status).toBe(200);
    expect(retry.json.applied).toBe(false);
    expect(await recorded(own)).toEqual(afterRecord);

    const documents = await api('GET', `/api/v1/cases/${own}/documents`, { token: tokens.teacherRead });
    expect(documents.status).toBe(200);
    const items = documents.json.items as { reference: string; documentKind: string; href: string; versions: Record<string, unknown>[] }[];
    expect(items.map((d) => d.documentKind)).toEqual(['contact-log']);
    expect(items[0]!.reference).toBe((r.json.document as { reference: string }).reference);
    expect(items[0]!.versions[0]).not.toHaveProperty('fileKey');
    const pdf = await api('GET', items[0]!.href, { token: tokens.teacherRead });
    expect(pdf.status).toBe(200);
    expect(pdf.response.headers['content-type']).toBe('application/pdf');
    expect(pdf.response.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const otherCase = caseWorkflowId('S001', 'E2');
    const wrongCase = await api('GET', `/api/v1/cases/${otherCase}/documents/${encodeURIComponent(items[0]!.reference)}`, {
      token: tokens.principal,
    });
    expect([wrongCase.status, wrongCase.json.error?.code]).toEqual([403, 'forbidden']);
    const missing = await api('GET', `/api/v1/cases/${own}/documents/${encodeURIComponent('arkiv:2099/1-1')}`, { token: tokens.principal });
    expect([missing.status, missing.json.error?.code]).toEqual([404, 'not_found']);
  });
});

describe('the OpenAPI document', () => {
  interface Operation {
    tags?: string[];
    summary?: string;
    security?: unknown;
    parameters?: { name: string; in: string; schema?: unknown }[];
    requestBody?: { content: Record<string, { schema: unknown }> };
    responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  }
  let doc: {
    openapi: string;
    info: { title: string; version: string; description?: string };
    paths: Record<string, Record<string, Operation>>;
    components: { securitySchemes: Record<string, { type: string; scheme?: string }>; schemas?: Record<string, unknown> };
    security: Record<string, string[]>[];
  };

  beforeAll(async () => {
    const r = await w.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(r.statusCode).toBe(200);
    doc = r.json();
  });

  test('validates against the OpenAPI 3.0 schema (@seriousme/openapi-schema-validator)', async () => {
    // ES-only package: loaded with Node's own require where the test environment offers it.
    const load = (globalThis as { hostRequire?: NodeJS.Require }).hostRequire ?? require;
    const { Validator } = load('@seriousme/openapi-schema-validator') as {
      Validator: new () => { validate(spec: unknown): Promise<{ valid: boolean; errors?: unknown }> };
    };
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  test('is OpenAPI 3.0 with the bearer scheme and only the /api/v1 routes', () => {
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info.title).toContain('Skolefravær');
    expect(doc.components.securitySchemes.apiToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ apiToken: [] }]);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/cases',
      '/api/v1/cases/{workflowId}',
      '/api/v1/cases/{workflowId}/documents',
      '/api/v1/cases/{workflowId}/documents/{reference}',
      '/api/v1/cases/{workflowId}/events',
    ]);
    expect(Object.keys(doc.paths['/api/v1/cases']!).sort()).toEqual(['get', 'post']);
  });

  /**
   * No OpenAPI validator or OpenAPI JSON Schema ships in node_modules, so this checks the
   * structure the 3.0 specification requires of what we generate, and that every $ref resolves.
   */
  test('every operation is well formed: Norwegian summary, tag, responses with descriptions and schemas, parameters in the path', () => {
    const methods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\/api\/v1\//);
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        expect(methods.has(method)).toBe(true);
        expect(op.summary).toMatch(/[a-zæøå]/);
        expect(op.tags?.length).toBeGreaterThan(0);
        const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(pathParams.sort()).toEqual([...templated].sort());
        for (const p of op.parameters ?? []) {
          expect(['path', 'query', 'header', 'cookie']).toContain(p.in);
          expect(p.schema).toBeDefined();
        }
        const statuses = Object.keys(op.responses);
        expect(statuses.length).toBeGreaterThan(0);
        for (const status of statuses) {
          expect(status).toMatch(/^[1-5]\d\d$|^default$/);
          expect(typeof op.responses[status]!.description).toBe('string');
        }
        expect(statuses).toEqual(expect.arrayContaining(['401', '403', '500']));
        const error = op.responses['401']!.content!['application/json']!.schema as { properties: Record<string, unknown> };
        expect(Object.keys(error.properties)).toEqual(['error']);
        if (method === 'post') expect(op.requestBody?.content['application/json']?.schema).toBeDefined();
      }
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const target = ref.slice(8, -1);
      expect(target).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas?.[target.split('/').pop()!]).toBeDefined();
    }
    // JSON Schema keywords of 2020-12 that 3.0 does not have must not leak in.
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/"\$defs"|"prefixItems"|"const":|"\$schema"|"type":\[/);
    // In 3.0, exclusiveMinimum/Maximum are booleans beside minimum/maximum, never numbers.
    expect(text).not.toMatch(/"exclusive(Minimum|Maximum)":-?\d/);
    expect(doc.paths['/api/v1/cases/{workflowId}']!.get!.responses['401']!.description).toBe('Mangler eller ugyldig API-nøkkel');
  });

  test('the event body documents each person event from its own schema, without actor, time and document reference', () => {
    const body = doc.paths['/api/v1/cases/{workflowId}/events']!.post!.requestBody!.content['application/json']!.schema as {
      oneOf?: { properties: Record<string, { enum?: string[] }>; required: string[] }[];
      anyOf?: { properties: Record<string, { enum?: string[] }>; required: string[] }[];
    };
    const variants = body.oneOf ?? body.anyOf ?? [];
    const contact = variants.find((v) => v.properties.type?.enum?.[0] === 'guardians.contacted');
    expect(contact).toBeDefined();
    expect(Object.keys(contact!.properties)).toEqual(expect.arrayContaining(['type', 'eventId', 'channel', 'cause', 'document']));
    expect(contact!.properties).not.toHaveProperty('actor');
    expect(contact!.properties).not.toHaveProperty('at');
    expect(contact!.properties).not.toHaveProperty('documentRef');
    expect(contact!.required).toEqual(expect.arrayContaining(['type', 'eventId', 'document']));
    expect(variants.some((v) => v.properties.type?.enum?.[0] === 'absence.trend')).toBe(false);
  });
});
