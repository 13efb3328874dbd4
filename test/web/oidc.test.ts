/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 */
/**
 * «Logg inn med …» end to end: the web application (Temporal dev server, worker, SQLite) with
 * openid-client against oauth2-mock-server on loopback. Each sign-in follows the real redirects:
 * the app to the mock's /authorize, the mock back to /logg-inn/oidc/tilbake with a code, which the
 * app exchanges for an ID token signed with the mock's key. Claims are set per sign-in with the
 * mock's beforeTokenSigning hook. Both packages are ES modules only, loaded with Node's require
 * (hostRequire, see the environment named above).
 */
import type * as MockServer from 'oauth2-mock-server' with { 'resolution-mode': 'import' };
import { OidcClient } from '../../web/auth/oidc-client';
import type { OidcUsers } from '../../web/auth/find-oidc-user';
import type { OpenIdClientModule } from '../../web/auth/openid-client';
import { WebUserError } from '../../web/users/web-user';
import { createWebTestEnv, type WebTestEnv } from './helpers/web-env';
import { Session } from './helpers/session';

declare const hostRequire: NodeJS.Require;

jest.setTimeout(180_000);

const { OAuth2Server } = hostRequire('oauth2-mock-server') as typeof MockServer;
const openIdClient = hostRequire('openid-client') as OpenIdClientModule;

const CLIENT_ID = 'skolefravaer-test';
let mock: InstanceType<typeof OAuth2Server>;
let issuer: string;
let w: WebTestEnv;
/** The claims the mock puts into the next tokens it signs. */
let claims: Record<string, unknown> = {};
/** Changes the mock's redirect back to the app, for the next sign-in only. */
let alterRedirect: ((url: URL) => void) | undefined;

beforeAll(async () => {
  mock = new OAuth2Server();
  await mock.issuer.keys.generate('RS256');
  await mock.start(0, '127.0.0.1');
  issuer = mock.issuer.url!;
  mock.service.on('beforeTokenSigning', (token) => Object.assign(token.payload, claims));
  mock.service.on('beforeAuthorizeRedirect', (redirect) => {
    alterRedirect?.(redirect.url);
    alterRedirect = undefined;
  });
  const settings = {
    issuer,
    clientId: CLIENT_ID,
    clientSecret: 'test-hemmelighet',
    displayName: 'Testleverandør',
    usernameClaim: 'email',
    redirectUri: 'http://127.0.0.1:8080/logg-inn/oidc/tilbake',
  };
  // The user store exists once the environment is built; the sign-in reaches it through these.
  const users: OidcUsers = {
    byOidcSubject: (subject) => w.userStore.byOidcSubject(subject),
    byUsername: (username) => w.userStore.byUsername(username),
    linkOidcSubject: (userId, subject) => w.userStore.linkOidcSubject(userId, subject),
  };
  w = await createWebTestEnv({ oidc: { client: new OidcClient(settings, openIdClient), users } });
  for (const [username, displayName] of [
    ['kari@skole.no', 'Kari Feide'],
    ['ola@skole.no', 'Ola Feide'],
    ['per@skole.no', 'Per Deaktivert'],
  ] as const) {
    await w.userStore.create({ username, displayName, role: 'contact-teacher', staffId: 'A1', schoolId: 'S001' });
  }
  await w.userStore.disable((await w.userStore.byUsername('per@skole.no'))!.userId);
}, 180_000);

afterAll(async () => {
  await w?.close();
  await mock?.stop();
});

/** Walks the whole flow with these ID token claims; returns the app's answer to the provider's redirect back. */
async function viaProvider(s: Session, tokenClaims: Record<string, unknown>, start = '/logg-inn/oidc') {
  // The provider has verified the address unless a test says otherwise.
  claims = { email_verified: true, ...tokenClaims };
  const begun = await s.get(start);
  expect(begun.statusCode).toBe(303);
  const authorize = new URL(String(begun.headers.location));
  expect(authorize.origin + authorize.pathname).toBe(`${issuer}/authorize`);
  const provider = await fetch(authorize, { redirect: 'manual' });
  expect(provider.status).toBe(302);
  const back = new URL(provider.headers.get('location')!);
  expect(back.pathname).toBe('/logg-inn/oidc/tilbake');
  return s.get(back.pathname + back.search);
}

/** Whether the session is signed in: «Mine oppgaver» answers 200 instead of sending to the sign-in page. */
async function signedIn(s: Session): Promise<boolean> {
  const r = await s.get('/oppgaver');
  if (r.statusCode === 303) expect(String(r.headers.location)).toMatch(/^\/logg-inn/);
  else expect(r.statusCode).toBe(200);
  return r.statusCode === 200;
}

test('the sign-in page offers «Logg inn med <provider>», keeping the page to come back to', async () => {
  const page = await new Session(w.app).get('/logg-inn?neste=%2Fsaker');
  expect(page.body).toContain('<a class="button" href="/logg-inn/oidc?neste=%2Fsaker">Logg inn med Testleverandør</a>');
});

test('the request to the provider is the code flow with PKCE (S256), state, nonce and the registered redirect address', async () => {
  const r = await new Session(w.app).get('/logg-inn/oidc');
  const url = new URL(String(r.headers.location));
  const q = Object.fromEntries(url.searchParams);
  expect(q).toMatchObject({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: 'http://127.0.0.1:8080/logg-inn/oidc/tilbake',
    code_challenge_method: 'S256',
    scope: 'openid email profile',
  });
  expect(q.state).toMatch(/^[\w-]{20,}$/);
  expect(q.nonce).toMatch(/^[\w-]{20,}$/);
  expect(q.code_challenge).toMatch(/^[\w-]{43}$/);
});

test('a known user signs in by the e-mail claim, reaches «Mine oppgaver» and is linked by the subject', async () => {
  const s = new Session(w.app);
  const r = await viaProvider(s, { sub: 'feide-kari', email: 'Kari@Skole.no' });
  expect([r.statusCode, r.headers.location]).toEqual([303, '/oppgaver']);
  const tasks = await s.get('/oppgaver');
  expect(tasks.statusCode).toBe(200);
  expect(tasks.body).toContain('Kari Feide');
  const kari = await w.userStore.byUsername('kari@skole.no');
  expect(await w.userStore.byOidcSubject(`${issuer}|feide-kari`)).toEqual(kari);
});

test('the second sign-in finds the user by the linked subject even when the e-mail claim changed; neste is followed', async () => {
  const first = await viaProvider(new Session(w.app), { sub: 'feide-ola', email: 'ola@skole.no' });
  expect(first.statusCode).toBe(303);
  const s = new Session(w.app);
  const r = await viaProvider(s, { sub: 'feide-ola', email: 'ola.nordmann@ny-kommune.no' }, '/logg-inn/oidc?neste=%2Fsaker');
  expect([r.statusCode, r.headers.location]).toEqual([303, '/saker']);
  expect((await s.get('/oppgaver')).body).toContain('Ola Feide');
});

test('neste pointing to another site is not followed', async () => {
  const r = await viaProvider(
    new Session(w.app),
    { sub: 'feide-kari', email: 'kari@skole.no' },
    '/logg-inn/oidc?neste=%2F%2Fangriper.example',
  );
  expect([r.statusCode, r.headers.location]).toEqual([303, '/oppgaver']);
});

test('an unknown e-mail is refused (403, Norwegian), no session, and no user is created', async () => {
  const before = await w.userStore.list();
  const s = new Session(w.app);
  const r = await viaProvider(s, { sub: 'feide-ukjent', email: 'ukjent@skole.no' });
  expect(r.statusCode).toBe(403);
  expect(r.body).toContain('Du har ingen bruker i denne løsningen. Be administratoren opprette deg.');
  expect(await signedIn(s)).toBe(false);
  expect(await w.userStore.list()).toEqual(before);
  expect(await w.userStore.byOidcSubject(`${issuer}|feide-ukjent`)).toBeUndefined();
});

test('an e-mail address the provider has not verified never links an account: refused like an unknown user', async () => {
  const s = new Session(w.app);
  const r = await viaProvider(s, { sub: 'feide-uverifisert', email: 'kari@skole.no', email_verified: false });
  expect(r.statusCode).toBe(403);
  expect(await signedIn(s)).toBe(false);
  expect(await w.userStore.byOidcSubject(`${issuer}|feide-uverifisert`)).toBeUndefined();
});

test('a token without the username claim is refused like an unknown user', async () => {
  const s = new Session(w.app);
  const r = await viaProvider(s, { sub: 'feide-uten-epost', email: undefined });
  expect(r.statusCode).toBe(403);
  expect(await signedIn(s)).toBe(false);
});

test('a disabled user is refused (403) and not linked', async () => {
  const s = new Session(w.app);
  const r = await viaProvider(s, { sub: 'feide-per', email: 'per@skole.no' });
  expect(r.statusCode).toBe(403);
  expect(r.body).toContain('Brukeren din er deaktivert');
  expect(await signedIn(s)).toBe(false);
  expect(await w.userStore.byOidcSubject(`${issuer}|feide-per`)).toBeUndefined();
});

test('a disabled user already linked is refused too', async () => {
  const user = await w.userStore.create({ username: 'siri@skole.no', displayName: 'Siri', role: 'auditor' });
  const s = new Session(w.app);
  expect((await viaProvider(s, { sub: 'feide-siri', email: 'siri@skole.no' })).statusCode).toBe(303);
  await w.userStore.disable(user.userId);
  const again = new Session(w.app);
  const r = await viaProvider(again, { sub: 'feide-siri', email: 'siri@skole.no' });
  expect(r.statusCode).toBe(403);
  expect(await signedIn(again)).toBe(false);
});

test('another subject whose e-mail claim names an already linked user does not take the user over', async () => {
  await viaProvider(new Session(w.app), { sub: 'feide-kari', email: 'kari@skole.no' });
  const s = new Session(w.app);
  const r = await viaProvider(s, { sub: 'feide-inntrenger', email: 'kari@skole.no' });
  expect(r.statusCode).toBe(403);
  expect(r.body).toContain('allerede koblet til en annen Testleverandør-konto');
  expect(await signedIn(s)).toBe(false);
});

test('a tampered state is refused (400) and the sign-in cannot be completed after it', async () => {
  const s = new Session(w.app);
  claims = { sub: 'feide-kari', email: 'kari@skole.no' };
  const begun = await s.get('/logg-inn/oidc');
  const provider = await fetch(String(begun.headers.location), { redirect: 'manual' });
  const back = new URL(provider.headers.get('location')!);
  const state = back.searchParams.get('state')!;
  back.searchParams.set('state', `${state}x`);
  const r = await s.get(back.pathname + back.search);
  expect(r.statusCode).toBe(400);
  expect(r.body).toContain('Du er ikke logget inn');
  // The pending sign-in was used up: the genuine answer is refused now as well.
  back.searchParams.set('state', state);
  expect((await s.get(back.pathname + back.search)).statusCode).toBe(400);
  expect(await signedIn(s)).toBe(false);
});

test("the provider's answer in another browser (no sign-in started there) is refused", async () => {
  const provider = await fetch(String((await new Session(w.app).get('/logg-inn/oidc')).headers.location), { redirect: 'manual' });
  const back = new URL(provider.headers.get('location')!);
  const other = new Session(w.app);
  expect((await other.get(back.pathname + back.search)).statusCode).toBe(400);
  expect(await signedIn(other)).toBe(false);
});

test('access_denied from the provider is refused (403, Norwegian); another error is 400', async () => {
  for (const [error, status, text] of [
    ['access_denied', 403, 'Testleverandør ga ikke tilgang'],
    ['server_error', 400, 'Testleverandør svarte med feilen «server_error»'],
  ] as const) {
    alterRedirect = (url) => {
      url.searchParams.delete('code');
      url.searchParams.set('error', error);
    };
    const s = new Session(w.app);
    const r = await viaProvider(s, { sub: 'feide-kari', email: 'kari@skole.no' });
    expect(r.statusCode).toBe(status);
    expect(r.body).toContain(text);
    expect(await signedIn(s)).toBe(false);
  }
});

test.each([
  ['a wrong nonce', { nonce: 'en-annen' }],
  ['another audience', { aud: 'en-annen-klient' }],
  ['another issuer', { iss: 'https://falsk.example' }],
  ['an expired token', { exp: Math.floor(Date.now() / 1000) - 3600 }],
])('an ID token with %s is refused (400) and nothing is signed in', async (_what, bad) => {
  const s = new Session(w.app);
  const r = await viaProvider(s, { sub: 'feide-kari', email: 'kari@skole.no', ...bad });
  expect(r.statusCode).toBe(400);
  expect(r.body).toContain('kunne ikke bekreftes');
  expect(await signedIn(s)).toBe(false);
});

test('linkOidcSubject never moves a link: another subject for a linked user, or a subject of another user, is refused', async () => {
  const kari = (await w.userStore.byUsername('kari@skole.no'))!;
  const ola = (await w.userStore.byUsername('ola@skole.no'))!;
  await expect(w.userStore.linkOidcSubject(kari.userId, `${issuer}|feide-kari`)).resolves.toBeUndefined();
  await expect(w.userStore.linkOidcSubject(kari.userId, `${issuer}|noe-annet`)).rejects.toThrow(WebUserError);
  await expect(w.userStore.linkOidcSubject(ola.userId, `${issuer}|feide-kari`)).rejects.toThrow(
    /allerede koblet til brukeren «kari@skole\.no»/,
  );
  await expect(w.userStore.linkOidcSubject('finnes-ikke', `${issuer}|ny`)).rejects.toThrow(/Finner ingen bruker/);
  expect(await w.userStore.byOidcSubject(`${issuer}|feide-kari`)).toMatchObject({ userId: kari.userId });
});
