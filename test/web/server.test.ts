/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 */
/**
 * The web application over HTTP (fastify inject, no browser) against a real Temporal dev server,
 * a worker, SQLite with the people directory and an archive: sign-in and its limits, CSRF,
 * security headers, who sees which case, read-only users, refused and invalid events (nothing
 * changes), a document form that files a PDF and moves the case, and the access log.
 */
import { PASSWORD, createWebTestEnv, type WebTestEnv } from './helpers/web-env';
import { CONTACT, contactForm } from './helpers/contact-form';
import { Session, hiddenInputs } from './helpers/session';

jest.setTimeout(180_000);

let w: WebTestEnv;
let own: string; // E1 at S001: Kari Kontakt's pupil
let notMine: string; // E2 at S001: Kåre Kontakt's pupil
let otherSchool: string; // a pupil at S002

beforeAll(async () => {
  w = await createWebTestEnv({ signInAttemptsPerMinute: 3 });
  own = await w.openCase('S001', 'E1');
  notMine = await w.openCase('S001', 'E2');
  otherSchool = await w.openCase('S002', 'E9');
}, 180_000);
afterAll(async () => {
  await w?.close();
});

async function signedIn(username: string): Promise<Session> {
  const s = new Session(w.app);
  const r = await s.signIn(username);
  expect([r.statusCode, r.headers.location]).toEqual([303, '/oppgaver']);
  return s;
}

/** Posts the event form of `url` as it was shown, with `fields`. */
async function postForm(s: Session, url: string, fields: Record<string, string>) {
  const form = await s.get(url);
  expect(form.statusCode).toBe(200);
  return s.submit(url.split('?')[0]!, { ...hiddenInputs(form.body), ...fields }, url);
}

test('a request without a session is sent to the sign-in page, with the page to come back to', async () => {
  const r = await new Session(w.app).get('/oppgaver');
  expect(r.statusCode).toBe(303);
  expect(r.headers.location).toBe('/logg-inn?neste=%2Foppgaver');
});

test('a wrong password and an unknown user get the same Norwegian answer (401)', async () => {
  const wrong = await new Session(w.app).signIn('kontaktlaerer', 'feil-passord');
  const unknown = await new Session(w.app).signIn('finnes-ikke', 'feil-passord');
  expect(wrong.statusCode).toBe(401);
  expect(unknown.statusCode).toBe(401);
  expect(wrong.body).toContain('Feil brukernavn eller passord');
  const message = (body: string) => /<div[^>]*class="message[^"]*"[^>]*>([\s\S]*?)<\/div>/.exec(body)?.[1];
  expect(message(wrong.body)).toContain('Feil brukernavn eller passord');
  expect(message(unknown.body)).toBe(message(wrong.body));
  expect(wrong.headers['set-cookie'] ?? '').not.toMatch(/userId/);
});

test('sign-in attempts beyond the limit from one address get 429 in Norwegian', async () => {
  const s = new Session(w.app);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await s.signIn('kontaktlaerer', `feil-${i}`)).statusCode);
  expect(statuses).toEqual([401, 401, 401, 429]);
  const last = await s.signIn('kontaktlaerer');
  expect(last.statusCode).toBe(429);
  expect(last.body).toContain('For mange innloggingsforsøk');
  // Another address is not held back.
  await signedIn('kontaktlaerer');
});

test('pages carry strict security headers and the session cookie is HttpOnly and SameSite=Lax', async () => {
  const r = await new Session(w.app).get('/logg-inn');
  const csp = String(r.headers['content-security-policy']);
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
  expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
  expect(r.headers['x-content-type-options']).toBe('nosniff');
  const cookie = String(r.headers['set-cookie']);
  expect(cookie).toMatch(/^skolefravaer_okt=/);
  expect(cookie).toMatch(/; HttpOnly/);
  expect(cookie).toMatch(/; SameSite=Lax/);
});

test('a POST without the CSRF token is refused (403, Norwegian) and changes nothing', async () => {
  const s = await signedIn('kontaktlaerer');
  const before = await w.cases.view(own);
  const form = await s.get(`/saker/${own}/hendelser/${CONTACT}`);
  const r = await s.request('POST', `/saker/${own}/hendelser/${CONTACT}`, { ...hiddenInputs(form.body), ...contactForm() });
  expect(r.statusCode).toBe(403);
  expect(r.body).toContain('Skjemaet er utløpt');
  expect(r.body).toContain('ingenting er lagret');
  const after = await w.cases.view(own);
  expect(after.timeline).toEqual(before.timeline);
});

test('a contact teacher gets 403 for another school’s case and for a pupil at their school who is not theirs', async () => {
  const s = await signedIn('kontaktlaerer');
  for (const id of [otherSchool, notMine]) {
    for (const url of [`/saker/${id}`, `/saker/${id}/diagram.svg`, `/saker/${id}/hendelser/${CONTACT}`]) {
      const r = await s.get(url);
      expect([url, r.statusCode]).toEqual([url, 403]);
      expect(r.body).toContain('Ingen tilgang');
    }
  }
  expect((await s.get(`/saker/${own}`)).statusCode).toBe(200);
  // The list shows their own pupil's case only.
  const list = await s.get('/saker');
  expect(list.body).toContain(own);
  expect(list.body).not.toContain(notMine);
  expect(list.body).not.toContain(otherSchool);
});

test('an auditor reads the case but may not open a form or post an event (403), and the case is unchanged', async () => {
  const s = await signedIn('revisor');
  const before = await w.cases.view(notMine);
  const page = await s.get(`/saker/${notMine}`);
  expect(page.statusCode).toBe(200);
  expect(page.body).not.toContain('/hendelser/');
  expect((await s.get(`/saker/${notMine}/hendelser/${CONTACT}`)).statusCode).toBe(403);
  const r = await s.submit(
    `/saker/${notMine}/hendelser/${CONTACT}`,
    { eventId: 'web-00000000-0000-4000-8000-000000000000', ...contactForm() },
    `/saker/${notMine}`,
  );
  expect(r.statusCode).toBe(403);
  expect(r.body).toContain('lesetilgang');
  expect((await w.cases.view(notMine)).timeline).toEqual(before.timeline);
});

test('an event the case does not take now is refused with the reason (409) and changes nothing', async () => {
  const s = await signedIn('rektor');
  const before = await w.cases.view(notMine);
  const shown = await s.get(`/saker/${notMine}/hendelser/evaluation.held`);
  expect(shown.statusCode).toBe(409);
  expect(shown.body).toContain('Ingenting er endret');
  expect(shown.body).toContain(`i steget «${before.state.label}»`);
  const posted = await s.submit(
    `/saker/${notMine}/hendelser/evaluation.held`,
    { eventId: 'web-00000000-0000-4000-8000-000000000001', 'hendelse.outcome': 'improved' },
    `/saker/${notMine}`,
  );
  expect(posted.statusCode).toBe(409);
  expect((await w.cases.view(notMine)).timeline).toEqual(before.timeline);
});

test('a bad field (an impossible date) is answered 422 naming the field and the value; nothing is sent or filed', async () => {
  const s = await signedIn('kontaktlaerer');
  const before = await w.cases.view(own);
  const r = await postForm(s, `/saker/${own}/hendelser/${CONTACT}`, contactForm({ 'dokument.conversationDate': '2026-13-45' }));
  expect(r.statusCode).toBe(422);
  expect(r.body).toContain('Dato for samtalen');
  expect(r.body).toContain('2026-13-45');
  // The rest of what was typed is kept.
  expect(r.body).toContain('Samtale med mor om fraværet.');
  expect((await w.cases.view(own)).timeline).toEqual(before.timeline);
  expect(await w.archiveDocuments(before.caseId)).toEqual([]);
});

test('the contact-log form files a PDF in the archive and the event moves the case; the PDF is served for its own case only', async () => {
  const s = await signedIn('kontaktlaerer');
  const before = await w.cases.view(own);
  const r = await postForm(s, `/saker/${own}/hendelser/${CONTACT}`, contactForm());
  expect(r.statusCode).toBe(303);
  expect(r.headers.location).toBe(`/saker/${own}?registrert=${CONTACT}`);
  const after = await w.cases.view(own);
  expect(after.state.label).not.toBe(before.state.label);
  expect(after.timeline.length).toBeGreaterThan(before.timeline.length);
  const documents = await w.archiveDocuments(after.caseId);
  expect(documents.map((d) => d.documentKind)).toEqual(['contact-log']);
  const page = await s.get(r.headers.location as string);
  expect(page.body).toContain('«Kontakt med foresatte» er registrert.');
  const link = `/saker/${own}/dokumenter/${encodeURIComponent(documents[0]!.reference)}`;
  expect(page.body).toContain(link.replace(/&/g, '&amp;'));
  const pdf = await s.get(link);
  expect(pdf.statusCode).toBe(200);
  expect(pdf.headers['content-type']).toBe('application/pdf');
  expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  // The same reference under a case the principal may see, but that is not the document's: as if it did not exist.
  const principal = await signedIn('rektor');
  expect((await principal.get(link)).statusCode).toBe(200);
  const wrongCase = await principal.get(`/saker/${notMine}/dokumenter/${encodeURIComponent(documents[0]!.reference)}`);
  expect(wrongCase.statusCode).toBe(404);
  expect(wrongCase.headers['content-type']).toMatch(/^text\/html/);
  // A reference that does not exist: 404.
  expect((await principal.get(`/saker/${own}/dokumenter/arkiv%3Afinnes-ikke`)).statusCode).toBe(404);
});

test('every opening of a case page and of a document is in the access log', async () => {
  const s = await signedIn('koordinator');
  const user = await w.userStore.byUsername('koordinator');
  await s.get(`/saker/${otherSchool}`);
  await s.get(`/saker/${otherSchool}`);
  const log = await w.userStore.caseAccessLog({ userId: user!.userId, limit: 100 });
  expect(log.filter((e) => e.workflowId === otherSchool && e.action === 'view')).toHaveLength(2);
  const teacher = await w.userStore.byUsername('kontaktlaerer');
  const teacherLog = await w.userStore.caseAccessLog({ userId: teacher!.userId, limit: 100 });
  expect(teacherLog.some((e) => e.workflowId === own && e.action === 'view')).toBe(true);
  expect(teacherLog.some((e) => e.workflowId === own && e.action === 'document')).toBe(true);
  // Refused openings are not logged as views.
  expect(teacherLog.some((e) => e.workflowId === otherSchool || e.workflowId === notMine)).toBe(false);
});

test('after signing in the person lands on the page they asked for, never on another site', async () => {
  const s = new Session(w.app);
  const asked = await s.get(`/saker/${own}`);
  expect(asked.headers.location).toBe(`/logg-inn?neste=${encodeURIComponent(`/saker/${own}`)}`);
  const signIn = await s.submit(
    '/logg-inn',
    { brukernavn: 'kontaktlaerer', passord: 'riktig-passord-123' },
    asked.headers.location as string,
  );
  expect([signIn.statusCode, signIn.headers.location]).toEqual([303, `/saker/${own}`]);
  for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
    const other = new Session(w.app);
    const r = await other.submit(
      '/logg-inn',
      { brukernavn: 'kontaktlaerer', passord: 'riktig-passord-123' },
      `/logg-inn?neste=${encodeURIComponent(next)}`,
    );
    expect([next, r.headers.location]).toEqual([next, '/oppgaver']);
  }
});

test('an htmx request without a session is sent to sign in by HX-Redirect, not a redirect htmx would swap in', async () => {
  const r = await w.app.inject({ method: 'GET', url: '/saker?skole=S001', headers: { 'hx-request': 'true' } });
  expect(r.statusCode).toBe(204);
  expect(r.headers['hx-redirect']).toBe('/logg-inn?neste=%2Fsaker%3Fskole%3DS001');
});

test('signing out ends the session; a tampered cookie counts as none', async () => {
  const s = await signedIn('rektor');
  const out = await s.submit('/logg-ut', {}, '/oppgaver');
  expect([out.statusCode, out.headers.location]).toEqual([303, '/logg-inn']);
  expect((await s.get('/oppgaver')).statusCode).toBe(303);
  const tampered = await w.app.inject({ method: 'GET', url: '/oppgaver', headers: { cookie: 'skolefravaer_okt=AAAA%3BBBBB' } });
  expect([tampered.statusCode, tampered.headers.location]).toEqual([303, '/logg-inn?neste=%2Foppgaver']);
});

test('an unknown case is 404 in Norwegian, and a bad filter is 400 naming it', async () => {
  const s = await signedIn('koordinator');
  const missing = await s.get('/saker/fravaerssak-S001-finnes-ikke');
  expect(missing.statusCode).toBe(404);
  expect(missing.body).toContain('Finner ikke saken');
  const bad = await s.get('/saker?innen=mange');
  expect(bad.statusCode).toBe(400);
  expect(bad.body).toContain('«innen» = «mange»: frist innen må være et tall.');
  expect(bad.body).not.toContain('Invalid input');
});

test('a form sent twice (the same event id) is applied once and files one document', async () => {
  const s = await signedIn('rektor');
  const url = `/saker/${notMine}/hendelser/${CONTACT}`;
  const form = await s.get(url);
  const fields = { ...hiddenInputs(form.body), ...contactForm() };
  const first = await s.submit(url, fields, url);
  expect(first.statusCode).toBe(303);
  const once = await w.cases.view(notMine);
  const second = await s.submit(url, fields, url);
  // The step has moved on because of the first: the second is told it was registered, not refused.
  expect(second.statusCode).toBe(303);
  expect(second.headers.location).toContain('?registrert=');
  const twice = await w.cases.view(notMine);
  expect(twice.timeline.filter((e) => e.kind === 'event')).toEqual(once.timeline.filter((e) => e.kind === 'event'));
  expect((await w.archiveDocuments(once.caseId)).map((d) => d.documentKind)).toEqual(['contact-log']);
});

test('a disabled user loses access at once, even with a session that has not run out', async () => {
  const created = await w.userStore.create({
    username: 'vikar',
    displayName: 'Vera Vikar',
    role: 'principal',
    schoolId: 'S001',
    password: PASSWORD,
  });
  const s = await signedIn('vikar');
  expect((await s.get('/oppgaver')).statusCode).toBe(200);
  await w.userStore.disable(created.userId);
  const after = await s.get('/oppgaver');
  expect(after.statusCode).toBe(303);
  expect(after.headers.location).toBe('/logg-inn?neste=%2Foppgaver');
});
