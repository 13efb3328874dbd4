/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 */
/**
 * Web security over HTTP (fastify inject) against the real stack, for what server.test.ts and
 * api.test.ts do not already check (they cover a POST without a CSRF token, 403 for another
 * school's case, an auditor who may not post, and the sign-in limit set to 3):
 * - CSRF: a wrong token, and a token from another person's session, are refused; nothing changes;
 * - forged roles: a contact teacher posting a step only the leadership may take is refused; form
 *   fields claiming another role are ignored (the event carries the person's own role);
 * - another school's case and a pupil who is not the teacher's: no name, id or case data leaks;
 * - oversized bodies: 413 with a Norwegian message, nothing stored;
 * - path traversal in document downloads (pages and API): refused, no file outside the archive served;
 * - the sign-in limit as configured by default: the 11th attempt in a minute is refused (429).
 */
import { createWebTestEnv, type WebTestEnv } from './helpers/web-env';
import { CONTACT, contactForm } from './helpers/contact-form';
import { Session, csrfOf, hiddenInputs } from './helpers/session';

jest.setTimeout(180_000);

let w: WebTestEnv;
let own: string; // E1 at S001: Kari Kontakt's pupil Ola Nordmann
let notMine: string; // E2 at S001: Siri Nordmann, Kåre Kontakt's pupil
let otherSchool: string; // E9 at S002

beforeAll(async () => {
  // The default sign-in limit (10 a minute), as production runs it.
  w = await createWebTestEnv();
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

/** The case's own record (events, deadlines, refusals), without effects, which land on their own. */
const recorded = async (workflowId: string) => (await w.cases.view(workflowId)).timeline.filter((e) => e.kind !== 'effect');

describe('CSRF', () => {
  test('a form POST with a wrong token, or with another person’s token, is refused (403, Norwegian) and nothing changes', async () => {
    const teacher = await signedIn('kontaktlaerer');
    const other = await signedIn('rektor');
    const url = `/saker/${own}/hendelser/${CONTACT}`;
    const before = await recorded(own);
    const form = await teacher.get(url);
    expect(form.statusCode).toBe(200);
    const othersToken = csrfOf((await other.get(url)).body);
    for (const token of ['feil-token', othersToken, `${csrfOf(form.body)}x`, '']) {
      const r = await teacher.request('POST', url, { ...hiddenInputs(form.body), _csrf: token, ...contactForm() });
      expect([token, r.statusCode]).toEqual([token, 403]);
      expect(r.body).toContain('Skjemaet er utløpt');
      expect(r.body).toContain('ingenting er lagret');
    }
    // A sign-out without a token does not sign out either.
    expect((await teacher.request('POST', '/logg-ut', { _csrf: 'feil' })).statusCode).toBe(403);
    expect((await teacher.get('/oppgaver')).statusCode).toBe(200);
    expect(await recorded(own)).toEqual(before);
    expect(await w.archiveDocuments((await w.cases.view(own)).caseId)).toEqual([]);
  });
});

describe('oversized bodies', () => {
  test('a form over the body limit is answered 413 in Norwegian, and nothing is stored', async () => {
    const teacher = await signedIn('kontaktlaerer');
    const url = `/saker/${own}/hendelser/${CONTACT}`;
    const before = await recorded(own);
    const form = await teacher.get(url);
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const r = await teacher.request('POST', url, {
      ...hiddenInputs(form.body),
      _csrf: csrfOf(form.body),
      ...contactForm({ 'dokument.summary': huge }),
    });
    expect(r.statusCode).toBe(413);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('Skjemaet er for stort');
    expect(r.body).toContain('ingenting er lagret');
    expect(r.body).not.toContain('xxxxxxxxxx');
    // The sign-in form too, before any password is checked.
    const signIn = new Session(w.app);
    const page = await signIn.get('/logg-inn');
    const big = await signIn.request('POST', '/logg-inn', { _csrf: csrfOf(page.body), brukernavn: 'kontaktlaerer', passord: huge });
    expect(big.statusCode).toBe(413);
    expect(big.body).toContain('Skjemaet er for stort');
    expect(await recorded(own)).toEqual(before);
  });
});

describe('forged roles', () => {
  test('form fields claiming another role or user are ignored: the event carries the person’s own role and id', async () => {
    const teacher = await signedIn('kontaktlaerer');
    const url = `/saker/${own}/hendelser/${CONTACT}`;
    const form = await teacher.get(url);
    const forged = {
      rolle: 'principal',
      role: 'principal',
      'actor.role': 'principal',
      'hendelse.actor.role': 'principal',
      'hendelse.actor.userId': 'A2',
      'hendelse.actor': 'principal',
    };
    const r = await teacher.submit(url, { ...hiddenInputs(form.body), ...contactForm(), ...forged }, url);
    // Taken, with the teacher's own role and user, whatever the form claimed.
    expect(r.statusCode).toBe(303);
    const applied = (await w.cases.view(own)).timeline.filter((e) => e.kind === 'event' && e.type === CONTACT);
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({ actor: { role: 'contact-teacher', userId: 'A1' } });
  });

  test('a contact teacher cannot take a step only the principal may take: the form is 403, a POST is 403, and nothing changes', async () => {
    const teacher = await signedIn('kontaktlaerer');
    // Procedure C step 3 (tiltaksplan): new absence after the first plan, then the guardians
    // contacted again, and the principal calls the meeting: the next step is the principal's.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await w.cases.signalFacts(own, {
      type: 'absence.newTrigger',
      eventId: 'security-new-trigger',
      actor: { role: 'system', userId: 'fravaersdeteksjon' },
      at: new Date().toISOString(),
      trigger: { rule: 'consecutive-days', dates: [yesterday], days: 3 },
    });
    const contact = `/saker/${own}/hendelser/${CONTACT}`;
    for (let i = 0; i < 50 && !(await w.cases.view(own)).allowedEvents.includes(CONTACT); i++) await new Promise((r) => setTimeout(r, 100));
    const form = await teacher.get(contact);
    expect((await teacher.submit(contact, { ...hiddenInputs(form.body), ...contactForm() }, contact)).statusCode).toBe(303);
    const view = await w.cases.view(own);
    const forbidden = Object.entries(view.senders ?? {}).find(
      ([, roles]) => roles.includes('principal') && !roles.includes('contact-teacher'),
    );
    expect([view.state.label, forbidden?.[0]]).toEqual([view.state.label, expect.any(String)]);
    const url = `/saker/${own}/hendelser/${forbidden![0]}`;
    expect((await teacher.get(url)).statusCode).toBe(403);
    const before = await recorded(own);
    // The form as the principal sees it, posted by the teacher with a field claiming the principal's role.
    const principalForm = await (await signedIn('rektor')).get(url);
    expect(principalForm.statusCode).toBe(200);
    const r = await teacher.submit(
      url,
      { ...hiddenInputs(principalForm.body), rolle: 'principal', 'hendelse.actor.role': 'principal' },
      `/saker/${own}`,
    );
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain('Ingen av dine roller kan registrere');
    expect(await recorded(own)).toEqual(before);
  });
});

describe('another school’s case, another teacher’s pupil', () => {
  test('refused (403) on every page, with no name, pupil id or case data in the answer', async () => {
    const teacher = await signedIn('kontaktlaerer');
    const secrets: Record<string, string[]> = {
      [notMine]: ['Siri Nordmann', 'sak-S001-E2'],
      [otherSchool]: ['sak-S002-E9', 'S002'],
    };
    for (const [id, words] of Object.entries(secrets)) {
      const label = (await w.cases.view(id)).state.label;
      for (const url of [`/saker/${id}`, `/saker/${id}/hendelser/${CONTACT}`, `/saker/${id}/dokumenter/arkiv%3A2026%2F1-1`]) {
        const r = await teacher.get(url);
        expect([url, r.statusCode]).toEqual([url, 403]);
        expect(r.body).toContain('Ingen tilgang');
        for (const word of [...words, label]) expect([url, r.body.includes(word)]).toEqual([url, false]);
      }
    }
    // The case list and the tasks do not name them either.
    for (const url of ['/saker', '/oppgaver', '/saker?skole=S002']) {
      const r = await teacher.get(url);
      expect(r.statusCode).toBeLessThan(500);
      for (const word of ['Siri Nordmann', notMine, otherSchool]) expect([url, r.body.includes(word)]).toEqual([url, false]);
    }
  });
});

describe('path traversal in document downloads', () => {
  const attempts = [
    '../../../../etc/passwd',
    '..%2F..%2F..%2Fetc%2Fpasswd',
    '%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '%252e%252e%252fetc%252fpasswd',
    '..%5C..%5Cskolefravaer.sqlite',
    '%2Fetc%2Fpasswd',
    '%2Fproc%2Fself%2Fenviron',
    'arkiv%3A..%2F..%2Fskolefravaer.sqlite',
    'arkiv%3A2026%2F1-1%00.pdf',
    '%00',
    'C%3A%5CWindows%5Cwin.ini',
  ];
  /** Nothing from a file outside the archive: no passwd line, no SQLite header, no environment. */
  const expectNothingServed = (what: string, status: number, body: string, contentType: unknown) => {
    expect([what, status >= 400 && status < 500]).toEqual([what, true]);
    expect([what, String(contentType)]).not.toEqual([what, 'application/pdf']);
    for (const leak of ['root:', 'SQLite format', 'PATH=', '[fonts]']) expect([what, body.includes(leak)]).toEqual([what, false]);
  };

  test('on the pages: every traversal is refused (4xx), no file outside the archive is served', async () => {
    const principal = await signedIn('rektor');
    for (const attempt of attempts) {
      const r = await principal.get(`/saker/${own}/dokumenter/${attempt}`);
      expectNothingServed(attempt, r.statusCode, r.body, r.headers['content-type']);
    }
    for (const url of ['/static/..%2F..%2Fpackage.json', '/static/%2e%2e/%2e%2e/package.json', '/static/../../package.json']) {
      const r = await principal.get(url);
      expectNothingServed(url, r.statusCode, r.body, r.headers['content-type']);
      expect(r.body).not.toContain('"dependencies"');
    }
  });

  test('in the API: every traversal is refused with a JSON error (4xx), no file served', async () => {
    const user = await w.userStore.byUsername('rektor');
    const { secret } = await w.userStore.createApiToken({ userId: user!.userId, name: 'traversal', scopes: ['read'] });
    for (const attempt of attempts) {
      const r = await w.app.inject({
        method: 'GET',
        url: `/api/v1/cases/${own}/documents/${attempt}`,
        headers: { authorization: `Bearer ${secret}` },
      });
      expectNothingServed(attempt, r.statusCode, r.body, r.headers['content-type']);
      expect(r.json()).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
  });
});

describe('the sign-in limit', () => {
  test('ten attempts a minute from one address; the 11th is refused with a Norwegian 429 page, even with the right password', async () => {
    const s = new Session(w.app);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await s.signIn('kontaktlaerer', `feil-${i}`)).statusCode);
    expect(statuses).toEqual(Array(10).fill(401));
    const eleventh = await s.signIn('kontaktlaerer');
    expect(eleventh.statusCode).toBe(429);
    expect(eleventh.headers['content-type']).toMatch(/^text\/html/);
    expect(eleventh.body).toContain('For mange innloggingsforsøk fra denne adressen');
    expect(eleventh.headers['set-cookie'] ?? '').not.toMatch(/userId/);
    expect((await s.get('/oppgaver')).statusCode).toBe(303);
  });
});
