/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 */
/**
 * The web application while its database is down: a real PostgreSQL behind a TCP gate that the
 * test closes (new connections refused, open ones cut) and opens again, with the real Temporal
 * dev server, a worker and the archive (test/web/helpers/web-env.ts). Every page and API route
 * that needs the database answers 503 with a Norwegian message (an error page for HTML, JSON
 * under /api), never a stack trace; a form posted during the outage leaves nothing behind, and
 * the same form sent again once the database is back is taken whole; the app works again
 * without a restart. Also which errors count as "the database is out of reach" (web/database-unavailable.ts).
 */
import { CONTACT, contactForm } from '../web/helpers/contact-form';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { DatabaseError, openDatabase } from '../../app/database/database';
import { isDatabaseUnavailable } from '../../web/database-unavailable';
import { usePostgres } from '../helpers/postgres';
import { Session, csrfOf, hiddenInputs } from '../web/helpers/session';
import { type WebTestEnv, createWebTestEnv } from '../web/helpers/web-env';
import { type TcpGate, startTcpGate } from './tcp-gate';

jest.setTimeout(120_000);

describe('the web application with PostgreSQL down and back', () => {
  let w: WebTestEnv | undefined;
  let gate: TcpGate | undefined;
  // Registered before usePostgres(): the pool is closed before the server stops.
  afterAll(async () => {
    await gate?.open();
    await w?.close();
    await gate?.stop();
  });
  const postgres = usePostgres();

  let own: string;
  let session: Session;
  /** The auditor: the access log is theirs to read. */
  let auditor: Session;
  let apiToken: string;

  beforeAll(async () => {
    const url = new URL(await postgres.newDatabaseUrl());
    gate = await startTcpGate({ port: Number(url.port) });
    url.port = String(gate.port);
    w = await createWebTestEnv({}, { databaseUrl: url.toString() });
    own = await w.openCase('S001', 'E1');
    session = new Session(w.app);
    expect((await session.signIn('kontaktlaerer')).statusCode).toBe(303);
    auditor = new Session(w.app);
    expect((await auditor.signIn('revisor')).statusCode).toBe(303);
    const user = await w.userStore.byUsername('kontaktlaerer');
    apiToken = (await w.userStore.createApiToken({ userId: user!.userId, name: 'utfallstest', scopes: ['read', 'send'] })).secret;
  }, 120_000);

  const env = () => w as WebTestEnv;
  /** Every page that reads the database, each as a person who may see it. */
  const pages = (): [Session, string][] => [
    ...['/oppgaver', '/saker', `/saker/${own}`, `/saker/${own}/hendelser/${CONTACT}`, '/saker/ny'].map((url): [Session, string] => [
      session,
      url,
    ]),
    [auditor, '/tilgangslogg'],
  ];
  const apiRoutes = () => ['/api/v1/cases', `/api/v1/cases/${own}`];
  const api = (url: string) => env().app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${apiToken}` } });
  /** The case's own record (effects land later, on their own). */
  const recorded = async () => (await env().cases.view(own)).timeline.filter((e) => e.kind !== 'effect');

  /** No trace of the code behind the answer: no stack frame, no driver's or Node's error text. */
  function expectNoInternals(body: string): void {
    expect(body).not.toMatch(/\n\s+at |ECONNREFUSED|Connection terminated|node_modules|\.ts:\d+|Error:/);
  }

  test('while the database is down every page and API route answers 503 in Norwegian; a form posted then leaves nothing; back, all works again', async () => {
    // Before: the pages, the API and the form answer.
    for (const [s, url] of pages()) expect([url, (await s.get(url)).statusCode]).toEqual([url, 200]);
    for (const url of apiRoutes()) expect([url, (await api(url)).statusCode]).toEqual([url, 200]);
    const form = await session.get(`/saker/${own}/hendelser/${CONTACT}`);
    const hidden = hiddenInputs(form.body);
    const eventId = hidden.eventId!;
    expect(eventId).toMatch(/^web-/);
    const formFields = { ...hidden, _csrf: csrfOf(form.body), ...contactForm() };
    const before = await recorded();
    const caseId = (await env().cases.view(own)).caseId;
    expect(await env().archiveDocuments(caseId)).toEqual([]);
    const signInPage = await new Session(env().app).get('/logg-inn');
    expect(signInPage.statusCode).toBe(200);

    // A query running when the database goes: its caller gets the error, and the process goes on
    // (a lost connection in use must not end it with an unhandled 'error' event).
    const inFlight = sql`select pg_sleep(10)`.execute(env().database.db).then(
      () => 'finished',
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 300));
    await gate!.close();
    expect(isDatabaseUnavailable(await inFlight)).toBe(true);
    const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      for (const [s, url] of pages()) {
        const r = await s.get(url);
        expect([url, r.statusCode]).toEqual([url, 503]);
        expect(r.headers['content-type']).toMatch(/^text\/html/);
        expect(r.headers['retry-after']).toBe('30');
        expect(r.body).toContain('<h1>Databasen svarer ikke</h1>');
        expect(r.body).toContain('Skolens database kan ikke nås akkurat nå. Ingenting er lagret eller endret; prøv igjen om litt.');
        expectNoInternals(r.body);
      }
      for (const url of apiRoutes()) {
        const r = await api(url);
        expect([url, r.statusCode]).toEqual([url, 503]);
        expect(r.headers['content-type']).toMatch(/^application\/json/);
        expect(r.json()).toEqual({ error: { code: 'unavailable', message: expect.stringContaining('Skolens database kan ikke nås') } });
        expectNoInternals(r.body);
      }
      // Signing in reads the users: 503, and no session is given.
      const signIn = await new Session(env().app).signIn('rektor');
      expect(signIn.statusCode).toBe(503);
      expect(signIn.body).toContain('Databasen svarer ikke');
      // The contact-log form with its document, posted during the outage.
      const posted = await session.request('POST', `/saker/${own}/hendelser/${CONTACT}`, formFields);
      expect(posted.statusCode).toBe(503);
      expectNoInternals(posted.body);
      // Each outage answer is one line in the log, not a stack trace.
      for (const [first] of consoleError.mock.calls) expect(String(first)).toMatch(/^Databasen svarer ikke \((GET|POST) \//);
    } finally {
      consoleError.mockRestore();
    }

    // Back: nothing of the posted form was kept, neither the event nor its document.
    await gate!.open();
    expect(await recorded()).toEqual(before);
    expect(await env().archiveDocuments(caseId)).toEqual([]);
    // The app works again, without a restart, with the session it had.
    for (const [s, url] of pages()) expect([url, (await s.get(url)).statusCode]).toEqual([url, 200]);
    for (const url of apiRoutes()) expect([url, (await api(url)).statusCode]).toEqual([url, 200]);
    expect((await new Session(env().app).signIn('rektor')).statusCode).toBe(303);
    // The same form sent again (same event id) is taken whole: one event and its one document.
    const again = await session.request('POST', `/saker/${own}/hendelser/${CONTACT}`, formFields);
    expect(again.statusCode).toBe(303);
    const after = await recorded();
    expect(after.filter((e) => e.kind === 'event' && e.eventId === eventId)).toHaveLength(1);
    expect((await env().archiveDocuments(caseId)).map((d) => d.documentKind)).toEqual(['contact-log']);
  });
});

describe('which errors mean the database is out of reach', () => {
  const withCode = (code: string, message = 'feil') => Object.assign(new Error(message), { code });

  test('connection refused or cut, PostgreSQL shutting down, the driver ending a connection, the database layer’s own error: yes', () => {
    expect(isDatabaseUnavailable(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('ECONNRESET'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isDatabaseUnavailable(withCode('08006'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new DatabaseError('Databasen kunne ikke åpnes'))).toBe(true);
    // Node's dual-stack connect and wrapped causes.
    expect(isDatabaseUnavailable(new AggregateError([withCode('ECONNREFUSED')], ''))).toBe(true);
    expect(isDatabaseUnavailable(new Error('lagring feilet', { cause: withCode('ECONNREFUSED') }))).toBe(true);
  });

  test('a SQLite file that cannot be opened: yes (a real node:sqlite error)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sqlite-unavailable-'));
    // A folder where the file should be: SQLite cannot open it.
    const database = openDatabase(`sqlite:${dir}`);
    try {
      const err: unknown = await sql`select 1`.execute(database.db).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeDefined();
      expect(isDatabaseUnavailable(err)).toBe(true);
    } finally {
      await database.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a constraint broken, bad SQL, a plain bug, nothing thrown: no (those stay 500)', () => {
    expect(isDatabaseUnavailable(withCode('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isDatabaseUnavailable(withCode('42P01', 'relation "x" does not exist'))).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('UNIQUE constraint failed'), { code: 'ERR_SQLITE_ERROR', errcode: 2067 }))).toBe(
      false,
    );
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
  });
});
