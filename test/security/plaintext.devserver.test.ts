/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 */
/**
 * No personal data outside the codec. Cases of a pupil with a known name, guardians and a health
 * note run on a real dev server with a database file, through the product's own codec (worker
 * and client alike, as `npm start` runs them). Then: none of it is in the file's bytes, nor in
 * `temporal workflow show` without the codec, and the workflow id does not name the pupil; the
 * case page of the web application, which opens payloads with the key, shows the note.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AesGcmPayloadCodec } from '../../app/payload-codec';
import { loadOrCreateKeyRing } from '../../app/payload-keys';
import { temporalCliPath } from '../../scripts/lib/tools';
import { caseEvent } from '../helpers/case-env';
import { Session } from '../web/helpers/session';
import { PASSWORD, type WebTestEnv, createWebTestEnv } from '../web/helpers/web-env';

jest.setTimeout(120_000);

const HEALTH_NOTE = 'Eleven har angst og depresjon, mor er innlagt';
/** What must never be readable outside the application: the note, names, contact details, the pupil's id as a case holds it. */
const SECRETS = [
  HEALTH_NOTE,
  'angst og depresjon',
  'Ola Nordmann',
  'Mor Nordmann',
  'mor@example.no',
  '91111111',
  '"pupilId":"E1"',
  'sak-S001-E1',
];

/** The Temporal Web UI the codec endpoint answers (CORS). */
const UI_ORIGIN = 'http://127.0.0.1:8233';

let env: WebTestEnv;
let workflowId: string;

beforeAll(async () => {
  const keys = loadOrCreateKeyRing(join(tmpdir(), `plaintext-keys-${process.pid}-${Date.now()}.json`));
  env = await createWebTestEnv({ codec: { codec: new AesGcmPayloadCodec(keys), allowedOrigins: [UI_ORIGIN] } }, { keys });
  await env.userStore.create({ username: 'admin', displayName: 'Ada Admin', role: 'administrator', password: PASSWORD });
  workflowId = await env.openCase('S001', 'E1', 10);
  await env.cases.send(
    workflowId,
    caseEvent(
      'case.closed',
      { reason: 'pupil-moved', note: HEALTH_NOTE, documentRef: 'avslutning-1' },
      new Date().toISOString(),
      'principal',
    ),
  );
  // The case's closing is written before we look (visibility lists it closed).
  for (let i = 0; i < 100; i++) {
    let closed = false;
    for await (const row of env.cases.list({ workflowIds: [workflowId] })) closed ||= row.status.name === 'COMPLETED';
    if (closed) break;
    await new Promise((r) => setTimeout(r, 100));
  }
});
afterAll(() => env?.close());

test('the workflow id is pseudonymous: school in front, no pupil id', () => {
  expect(workflowId).toMatch(/^fravaerssak-S001-[0-9a-f]{24}$/);
});

test("the dev server's database file holds none of the pupil's data", () => {
  const files = readdirSync(env.dir).filter((f) => f.startsWith('temporal.db'));
  expect(files).toContain('temporal.db');
  const bytes = Buffer.concat(files.map((f) => readFileSync(join(env.dir, f))));
  // The case is there (its sealed payloads), so an empty file cannot pass this test.
  expect(bytes.includes(Buffer.from(workflowId))).toBe(true);
  expect(bytes.includes(Buffer.from('binary/encrypted'))).toBe(true);
  for (const secret of SECRETS) expect({ secret, found: bytes.includes(Buffer.from(secret)) }).toEqual({ secret, found: false });
});

function workflowShow(): string {
  return execFileSync(temporalCliPath(), ['workflow', 'show', '--address', env.address, '--workflow-id', workflowId, '--output', 'json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

test('`temporal workflow show` without the codec shows ciphertext only', () => {
  const shown = workflowShow();
  expect(shown).toContain(Buffer.from('binary/encrypted').toString('base64'));
  const decodedStrings = [...shown.matchAll(/"([A-Za-z0-9+/]{16,}={0,2})"/g)].map((m) => Buffer.from(m[1]!, 'base64').toString('utf8'));
  for (const secret of SECRETS) {
    expect({ secret, inText: shown.includes(secret) }).toEqual({ secret, inText: false });
    // Not even as base64 of plain JSON, the way an unencoded payload would be shown.
    expect({ secret, inBase64: decodedStrings.some((s) => s.includes(secret)) }).toEqual({ secret, inBase64: false });
  }
});

test('with the codec the case page shows the note', async () => {
  const session = new Session(env.app);
  await session.signIn('admin');
  const page = await session.request('GET', `/saker/${workflowId}`);
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain(HEALTH_NOTE);
});

describe('the codec endpoint of the Temporal Web UI', () => {
  /** A sealed payload of the case as the UI gets it from the server: the closing Update's argument. */
  function sealedPayloads(): unknown[] {
    const history = JSON.parse(workflowShow()) as {
      events: { workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { input?: { args?: { payloads?: unknown[] } } } } }[];
    };
    return history.events.flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []);
  }
  const decode = (payloads: unknown[], headers: Record<string, string>) =>
    env.app.inject({
      method: 'POST',
      url: '/temporal-codec/decode',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', origin: UI_ORIGIN, ...headers },
      payload: JSON.stringify({ payloads }),
    });

  test('a preflight from the UI gets CORS with credentials; one from elsewhere gets none', async () => {
    const ok = await env.app.inject({ method: 'OPTIONS', url: '/temporal-codec/decode', headers: { origin: UI_ORIGIN } });
    expect(ok.statusCode).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    expect(ok.headers['access-control-allow-credentials']).toBe('true');
    expect(String(ok.headers['access-control-allow-headers'])).toContain('x-namespace');
    const other = await env.app.inject({
      method: 'OPTIONS',
      url: '/temporal-codec/decode',
      headers: { origin: 'https://angriper.example' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('not signed in: 401; signed in without the administrator role: 403; neither opens anything', async () => {
    const payloads = sealedPayloads();
    expect(payloads.length).toBeGreaterThan(0);
    const anonymous = await decode(payloads, {});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toEqual({ feil: expect.stringMatching(/Logg inn i nettløsningen først/) });
    const auditor = new Session(env.app);
    await auditor.signIn('revisor');
    const refused = await decode(payloads, { cookie: auditor.cookieHeader() });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('angst');
    const foreign = await decode(payloads, { cookie: auditor.cookieHeader(), origin: 'https://angriper.example' });
    expect(foreign.statusCode).toBe(403);
  });

  test('an administrator gets the payloads opened, and the decode is in the access log', async () => {
    const admin = new Session(env.app);
    await admin.signIn('admin');
    const opened = await decode(sealedPayloads(), { cookie: admin.cookieHeader() });
    expect(opened.statusCode).toBe(200);
    expect(opened.headers['access-control-allow-origin']).toBe(UI_ORIGIN);
    const texts = (opened.json() as { payloads: { data: string }[] }).payloads.map((p) => Buffer.from(p.data, 'base64').toString('utf8'));
    expect(texts.join('\n')).toContain(HEALTH_NOTE);
    const log = await env.userStore.caseAccessLog({ workflowId: 'temporal-ui/default', limit: 10 });
    expect(log.map((e) => e.action)).toContain('decode');
  });
});
