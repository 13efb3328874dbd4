/**
 * The web application's user store (web/users/user-store.ts), the same cases on SQLite and on a
 * real PostgreSQL: the migration's tables, sign-in with the right and wrong password, unknown and
 * disabled users, one user per username whatever its case, the case access log newest first and
 * filtered, and API tokens whose secret is never stored.
 */
import { createHash } from 'node:crypto';
import type { AppDatabase } from '../../../app/database/database';
import { SqlUserStore } from '../../../web/users/user-store';
import { WebUserError } from '../../../web/users/web-user';
import { PasswordPolicyError } from '../../../web/users/password';
import { testDatabases } from '../../helpers/databases';

const databases = testDatabases();
const PASSWORD = 'et langt passord';
const kari = { username: 'Kari@Skole.no', displayName: 'Kari Kontakt', role: 'contact-teacher', staffId: 'A1', schoolId: 'S001' };

describe.each(databases)('$name', ({ open }) => {
  let database: AppDatabase;
  let store: SqlUserStore;
  let clock: Date;
  beforeEach(async () => {
    database = await open();
    clock = new Date('2026-09-01T08:00:00Z');
    store = new SqlUserStore(database, () => clock);
  });

  test('the migration creates the three tables', async () => {
    const tables = (await database.db.introspection.getTables()).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['web_users', 'web_case_access_log', 'web_api_tokens']));
  });

  test('a created user signs in with the right password only; the username is matched in any case', async () => {
    const created = await store.create({ ...kari, password: PASSWORD });
    expect(created).toMatchObject({ username: 'kari@skole.no', role: 'contact-teacher', disabled: false, hasPassword: true });
    const user = {
      userId: created.userId,
      username: 'kari@skole.no',
      displayName: 'Kari Kontakt',
      role: 'contact-teacher',
      staffId: 'A1',
      schoolId: 'S001',
    };
    expect(await store.verifyPassword('KARI@skole.no', PASSWORD)).toEqual(user);
    expect(await store.verifyPassword('kari@skole.no', `${PASSWORD}!`)).toBeUndefined();
    expect(await store.verifyPassword('ukjent@skole.no', PASSWORD)).toBeUndefined();
    expect(await store.get(created.userId)).toEqual(created);
    expect(await store.byUsername('kari@SKOLE.no')).toEqual(created);
    const stored = await database.db.selectFrom('web_users').select('password_hash').executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
  });

  test('a disabled user, or one without a password, cannot sign in with a password', async () => {
    const created = await store.create({ ...kari, password: PASSWORD });
    await store.disable(created.userId);
    expect(await store.verifyPassword('kari@skole.no', PASSWORD)).toBeUndefined();
    expect((await store.get(created.userId))?.disabled).toBe(true);
    const oidcOnly = await store.create({ username: 'rita@skole.no', displayName: 'Rita Rektor', role: 'principal', schoolId: 'S001' });
    expect(oidcOnly.hasPassword).toBe(false);
    expect(await store.verifyPassword('rita@skole.no', '')).toBeUndefined();
    await store.setPassword(oidcOnly.userId, PASSWORD);
    expect((await store.verifyPassword('rita@skole.no', PASSWORD))?.userId).toBe(oidcOnly.userId);
    await expect(store.setPassword(oidcOnly.userId, 'kort')).rejects.toThrow(PasswordPolicyError);
    await expect(store.disable('finnes-ikke')).rejects.toThrow('Finner ingen bruker med id «finnes-ikke».');
  });

  test('an unknown user takes as long to refuse as a wrong password (both run scrypt)', async () => {
    await store.create({ ...kari, password: PASSWORD });
    await store.verifyPassword('ukjent@skole.no', 'oppvarming'); // makes the dummy hash once
    const time = async (username: string) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 5; i += 1) await store.verifyPassword(username, 'feil passord her');
      return Number(process.hrtime.bigint() - start) / 5e6;
    };
    const known = await time('kari@skole.no');
    const unknown = await time('ukjent@skole.no');
    // scrypt with N=16384 takes tens of milliseconds; a lookup without it well under one.
    expect(unknown).toBeGreaterThan(known / 3);
  });

  test('a username is one user whatever its case; a weak password or a bad role creates nothing', async () => {
    await store.create({ ...kari, password: PASSWORD });
    await expect(store.create({ ...kari, username: 'KARI@skole.no' })).rejects.toThrow('brukernavn «kari@skole.no» er allerede i bruk.');
    await expect(store.create({ ...kari, username: 'ny@skole.no', password: 'kort' })).rejects.toThrow(PasswordPolicyError);
    await expect(store.create({ ...kari, username: 'ny@skole.no', role: 'rektor' })).rejects.toThrow(WebUserError);
    expect((await store.list()).map((u) => u.username)).toEqual(['kari@skole.no']);
  });

  test('the access log lists newest first, by case or by user, a page at a time', async () => {
    const at = (minute: number) => new Date(Date.UTC(2026, 8, 1, 8, minute));
    await store.logCaseAccess({ userId: 'u1', workflowId: 'sak-1', action: 'view', at: at(1) });
    await store.logCaseAccess({ userId: 'u2', workflowId: 'sak-1', action: 'document', at: at(3) });
    await store.logCaseAccess({ userId: 'u1', workflowId: 'sak-2', action: 'view', at: at(2) });
    // Same instant as the previous: the one recorded last comes first.
    await store.logCaseAccess({ userId: 'u1', workflowId: 'sak-2', action: 'document', at: at(2) });
    const all = await store.caseAccessLog({ limit: 10 });
    expect(all.map((e) => [e.workflowId, e.userId, e.action, e.openedAt])).toEqual([
      ['sak-1', 'u2', 'document', '2026-09-01T08:03:00.000Z'],
      ['sak-2', 'u1', 'document', '2026-09-01T08:02:00.000Z'],
      ['sak-2', 'u1', 'view', '2026-09-01T08:02:00.000Z'],
      ['sak-1', 'u1', 'view', '2026-09-01T08:01:00.000Z'],
    ]);
    expect(typeof all[0]?.id).toBe('number');
    expect((await store.caseAccessLog({ workflowId: 'sak-1', limit: 10 })).map((e) => e.userId)).toEqual(['u2', 'u1']);
    expect((await store.caseAccessLog({ userId: 'u1', limit: 2 })).map((e) => e.action)).toEqual(['document', 'view']);
    expect((await store.caseAccessLog({ userId: 'u1', workflowId: 'sak-1', limit: 10 })).length).toBe(1);
    expect((await store.caseAccessLog({ limit: 10, before: at(2) })).map((e) => e.workflowId)).toEqual(['sak-1']);
    await expect(store.logCaseAccess({ userId: 'u1', workflowId: 'sak-1', action: 'edit' as 'view' })).rejects.toThrow(
      'handling «edit» er ukjent',
    );
    await expect(store.caseAccessLog({ limit: 0 })).rejects.toThrow('antall «0» må være et heltall fra 1 til 1000.');
  });

  test('an API token verifies to its user and scopes until revoked; only its SHA-256 is stored', async () => {
    const user = await store.create({ username: 'integrasjon', displayName: 'Integrasjon', role: 'administrator' });
    const { tokenId, secret } = await store.createApiToken({ userId: user.userId, name: 'Skolearkiv', scopes: ['read', 'send', 'read'] });
    expect(secret).toMatch(new RegExp(`^sft_${tokenId}_[A-Za-z0-9_-]{43}$`));
    const rows = await database.db.selectFrom('web_api_tokens').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(secret.slice(-43));
    expect(rows[0]?.last_used_at).toBeNull();

    clock = new Date('2026-09-02T10:00:00Z');
    const verified = await store.verifyApiToken(secret);
    expect(verified).toEqual({
      user: { userId: user.userId, username: 'integrasjon', displayName: 'Integrasjon', role: 'administrator' },
      scopes: ['read', 'send'],
      tokenId,
    });
    expect((await store.apiTokens(user.userId))[0]).toMatchObject({ tokenId, name: 'Skolearkiv', lastUsedAt: '2026-09-02T10:00:00.000Z' });
    expect(await store.verifyApiToken(`${secret}x`)).toBeUndefined();
    expect(await store.verifyApiToken('sft_')).toBeUndefined();

    expect(await store.revokeApiToken(tokenId)).toBe(true);
    expect(await store.revokeApiToken(tokenId)).toBe(false);
    expect(await store.verifyApiToken(secret)).toBeUndefined();
    expect((await store.apiTokens(user.userId))[0]?.revokedAt).toBe('2026-09-02T10:00:00.000Z');
    await expect(store.revokeApiToken('ukjent')).rejects.toThrow('Finner ingen API-nøkkel med id «ukjent».');
  });

  test('a disabled user’s tokens are refused, and a disabled user gets no new one; bad scopes are named', async () => {
    const user = await store.create({ username: 'integrasjon', displayName: 'Integrasjon', role: 'auditor' });
    await expect(store.createApiToken({ userId: user.userId, name: 'x', scopes: ['Les alt'] })).rejects.toThrow(
      'tilgang «Les alt» er ugyldig',
    );
    await expect(store.createApiToken({ userId: user.userId, name: 'x', scopes: [] })).rejects.toThrow('tilganger mangler');
    const { secret } = await store.createApiToken({ userId: user.userId, name: 'Rapport', scopes: ['read'] });
    await store.disable(user.userId);
    expect(await store.verifyApiToken(secret)).toBeUndefined();
    await expect(store.createApiToken({ userId: user.userId, name: 'Ny', scopes: ['read'] })).rejects.toThrow('er deaktivert');
  });
});
