/**
 * `npm run users -- …` (cli/users.ts) on SQLite and PostgreSQL: add with the password from the
 * environment or a file, list, disable, token create and revoke, and the exit codes of a refused
 * command line, a taken username, a weak password, an unknown user and an unreadable password
 * file; once as its own process, as the npm script runs it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../../app/database/database';
import { EXIT } from '../../../app/exit-codes';
import type { Settings } from '../../../app/settings';
import { USERS_USAGE, runUsersCli } from '../../../cli/users';
import { spawnGroup } from '../../../scripts/lib/child-processes';
import { PROJECT_ROOT } from '../../../scripts/lib/tools';
import { SqlUserStore } from '../../../web/users/user-store';
import { testDatabases } from '../../helpers/databases';

const databases = testDatabases();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'users-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Settings whose default database must never be used (every test names its own). */
const noDefault = () => ({ databaseUrl: 'postgres://127.0.0.1:1/not_the_default' }) as Settings;

async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runUsersCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, noDefault, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function withStore<T>(url: string, use: (store: SqlUserStore) => Promise<T>): Promise<T> {
  const database = openDatabase(url);
  try {
    return await use(new SqlUserStore(database));
  } finally {
    await database.close();
  }
}

describe.each(databases)('$name', ({ newUrl }) => {
  test('add (password from NEW_USER_PASSWORD, Norwegian role name), list, disable', async () => {
    const url = await newUrl();
    const add = await run(
      ['add', '--username', 'Rita@Skole.no', '--name', 'Rita Rektor', '--role', 'rektor', '--school', 'S001', '--database', url],
      { NEW_USER_PASSWORD: 'rektors passord' },
    );
    expect(add).toMatchObject({ code: EXIT.ok, err: '' });
    expect(add.out).toBe('Opprettet rita@skole.no  Rita Rektor  rektor (skole S001)  [aktiv, passord]');
    const file = path.join(dir, 'passord.txt');
    await writeFile(file, 'koordinatorens passord\n');
    expect(
      (
        await run([
          'add',
          '--username',
          'ko',
          '--name',
          'Koordinator',
          '--role',
          'coordinator',
          '--municipality',
          'nord',
          '--password-file',
          file,
          '--database',
          url,
        ])
      ).code,
    ).toBe(EXIT.ok);
    const oidc = await run(['add', '--username', 'revisor', '--name', 'Revisor', '--role', 'auditor', '--database', url]);
    expect(oidc.out).toContain('innlogging kun med OpenID Connect');

    const list = await run(['list', '--database', url]);
    expect(list.out.split('\n')).toEqual([
      'ko  Koordinator  kommunal koordinator (kommune nord)  [aktiv, passord]',
      'revisor  Revisor  revisor  [aktiv, kun OpenID Connect]',
      'rita@skole.no  Rita Rektor  rektor (skole S001)  [aktiv, passord]',
    ]);
    await withStore(url, async (store) => {
      expect((await store.verifyPassword('rita@skole.no', 'rektors passord'))?.schoolId).toBe('S001');
      expect((await store.verifyPassword('ko', 'koordinatorens passord'))?.municipalityId).toBe('nord');
    });

    expect(await run(['disable', 'RITA@skole.no', '--database', url])).toMatchObject({ code: EXIT.ok, out: 'Deaktiverte rita@skole.no.' });
    expect((await run(['list', '--database', url])).out).toContain(
      'rita@skole.no  Rita Rektor  rektor (skole S001)  [deaktivert, passord]',
    );
    expect(await run(['disable', 'ukjent', '--database', url])).toMatchObject({
      code: EXIT.notFound,
      err: 'Finner ingen bruker med brukernavn «ukjent».',
    });
  });

  test('refusals: a taken username, a weak password, a role without its scope (usage); nothing is stored', async () => {
    const url = await newUrl();
    const args = [
      'add',
      '--username',
      'kari',
      '--name',
      'Kari',
      '--role',
      'contact-teacher',
      '--staff',
      'A1',
      '--school',
      'S001',
      '--database',
      url,
    ];
    expect((await run(args)).code).toBe(EXIT.ok);
    expect(await run(args)).toMatchObject({ code: EXIT.usage, err: 'brukernavn «kari» er allerede i bruk.' });
    expect(
      await run(['add', '--username', 'ny', '--name', 'Ny', '--role', 'auditor', '--database', url], { NEW_USER_PASSWORD: 'kort' }),
    ).toMatchObject({
      code: EXIT.usage,
      err: 'Passordet må ha minst 10 tegn (det har 4).',
    });
    const noSchool = await run(['add', '--username', 'ny', '--name', 'Ny', '--role', 'kontaktlærer', '--staff', 'A4', '--database', url]);
    expect(noSchool).toMatchObject({ code: EXIT.usage, err: 'Ugyldig bruker: skole-id mangler: rollen kontaktlærer krever den.' });
    expect((await run(['list', '--database', url])).out.split('\n')).toHaveLength(1);
  });

  test('token create prints the secret once; it verifies until token revoke', async () => {
    const url = await newUrl();
    await run(['add', '--username', 'integrasjon', '--name', 'Integrasjon', '--role', 'administrator', '--database', url]);
    const created = await run(['token', 'create', 'integrasjon', '--name', 'Arkiv', '--scopes', 'read, send', '--database', url]);
    expect(created.code).toBe(EXIT.ok);
    const secret = /^(sft_[0-9a-f]{16}_\S+)$/m.exec(created.out)?.[1] as string;
    const tokenId = secret.slice(4, 20);
    expect(created.out).toContain(`API-nøkkel ${tokenId} for integrasjon (read, send):`);
    await withStore(url, async (store) => expect((await store.verifyApiToken(secret))?.scopes).toEqual(['read', 'send']));
    expect(await run(['token', 'revoke', tokenId, '--database', url])).toMatchObject({
      code: EXIT.ok,
      out: `API-nøkkel ${tokenId} er trukket tilbake.`,
    });
    await withStore(url, async (store) => expect(await store.verifyApiToken(secret)).toBeUndefined());
    expect((await run(['token', 'revoke', 'ukjent', '--database', url])).code).toBe(EXIT.notFound);
    expect((await run(['token', 'create', 'ukjent', '--name', 'x', '--scopes', 'read', '--database', url])).code).toBe(EXIT.notFound);
  });
});

test('a refused command line prints why and the usage (exit 2); --help prints the usage (exit 0)', async () => {
  expect(await run(['--help'])).toMatchObject({ code: EXIT.ok, out: USERS_USAGE });
  for (const [argv, message] of [
    [[], 'Mangler kommando (add, list, disable, token).'],
    [['slett'], 'Ukjent kommando «slett».'],
    [['token'], 'Mangler token-kommando (create, revoke).'],
    [['disable'], 'Mangler brukernavn.'],
    [['list', 'ekstra'], 'For mange argumenter: «ekstra».'],
    [['list', '--role', 'auditor'], 'Valget --role hører ikke til kommandoen list.'],
    [['add', '--name', 'Kari', '--role', 'auditor'], 'Mangler --username.'],
    [['token', 'create', 'kari', '--name', 'x'], 'Mangler --scopes.'],
  ] as const) {
    const result = await run([...argv]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.err).toBe(`${message}\n\n${USERS_USAGE}`);
  }
});

test('an unreadable password file exits 4 before the database is opened', async () => {
  const result = await run([
    'add',
    '--username',
    'x1',
    '--name',
    'X',
    '--role',
    'auditor',
    '--password-file',
    path.join(dir, 'finnes-ikke'),
  ]);
  expect(result.code).toBe(EXIT.badFile);
  expect(result.err).toContain('Brukeren ble ikke opprettet: passordfilen');
  expect(result.err).toContain('(ENOENT)');
});

test('as its own process: add with NEW_USER_PASSWORD, then list', async () => {
  const url = `sqlite:${path.join(dir, 'prosess.sqlite')}`;
  const spawnCli = async (args: string[]) => {
    const child = spawnGroup(process.execPath, ['--import', 'tsx', 'cli/users.ts', ...args, '--database', url], {
      name: 'brukerverktøyet',
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NEW_USER_PASSWORD: 'administratorpassord' },
    });
    let stdout = '';
    let stderr = '';
    child.process.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.process.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = await child.exited;
    return { code: exit.code, stdout, stderr };
  };
  expect(await spawnCli(['add', '--username', 'admin', '--name', 'Admin', '--role', 'administrator'])).toMatchObject({
    code: EXIT.ok,
    stderr: '',
  });
  const list = await spawnCli(['list']);
  expect(list).toMatchObject({ code: EXIT.ok, stdout: 'admin  Admin  administrator  [aktiv, passord]\n' });
  await withStore(url, async (store) => expect((await store.verifyPassword('admin', 'administratorpassord'))?.role).toBe('administrator'));
});
