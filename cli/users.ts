/**
 * Command line for the web application's users (web/users/):
 *   npm run users -- add --username U --name N --role R [--school S] [--municipality M] [--staff A] [--password-file F]
 *   npm run users -- list
 *   npm run users -- disable <brukernavn>
 *   npm run users -- token create <brukernavn> --name N --scopes read,send
 *   npm run users -- token revoke <nøkkel-id>
 * The password of a new user comes from NEW_USER_PASSWORD or a file (never the command line,
 * where the process list and the shell history would show it); without either the user signs in
 * through OpenID Connect only. A token's secret is printed once. Exit codes are the project's one
 * table (app/exit-codes.ts).
 */
import { readFile } from 'node:fs/promises';
import { EXIT, type ExitCode, exitCodeMeanings } from '../app/exit-codes';
import { type Settings, loadSettings } from '../app/settings';
import { quoteValue } from '../machines/identifiers';
import { PasswordPolicyError } from '../web/users/password';
import { SqlUserStore, type WebUserRecord } from '../web/users/user-store';
import { WEB_ROLES, type WebRole, WebUserError, webRoleNames } from '../web/users/web-user';
import { type CommandIo, commandOrExit, databaseOrExit, databaseUrlOption, parseCommandLine, runAsMain } from './command-line';

const exitCodesUsed: readonly ExitCode[] = [
  EXIT.ok,
  EXIT.internalError,
  EXIT.usage,
  EXIT.badFile,
  EXIT.badConfiguration,
  EXIT.notFound,
  EXIT.databaseUnavailable,
];

/** The environment variable a new user's password is read from (when --password-file is not given). */
export const NEW_USER_PASSWORD_VARIABLE = 'NEW_USER_PASSWORD';

export const USERS_USAGE = `Bruk: npm run users -- <kommando> [valg] [--database URL]

Kommandoer:
  add --username BRUKERNAVN --name NAVN --role ROLLE [--school SKOLE-ID] [--municipality KOMMUNE-ID]
      [--staff ANSATT-ID] [--password-file FIL]
                      Oppretter en bruker av webapplikasjonen. Passordet (minst 10 tegn) leses fra
                      filen eller fra miljøvariabelen ${NEW_USER_PASSWORD_VARIABLE}, aldri fra kommandolinjen;
                      uten passord logger brukeren inn bare med OpenID Connect.
                      Roller: ${WEB_ROLES.map((r) => `${r} (${webRoleNames[r]})`).join(', ')}.
                      Kontaktlærer krever --staff og --school, rektor --school, koordinator
                      --municipality; revisor kan begrenses til én kommune.
  list                Lister brukerne.
  disable BRUKERNAVN  Deaktiverer brukeren: ingen innlogging, ingen API-nøkler godtas.
  token create BRUKERNAVN --name NAVN --scopes read,send
                      Lager en API-nøkkel. Hemmeligheten vises én gang og lagres ikke.
  token revoke NØKKEL-ID
                      Trekker tilbake en API-nøkkel.

Databasen: --database eller DATABASE_URL (standard: SQLite-filen data/skolefravaer.sqlite).

Avslutningskoder:
${exitCodesUsed.map((code) => `  ${code}  ${exitCodeMeanings[code]}`).join('\n')}`;

class UsageError extends Error {}

/** Norwegian role names accepted beside the role ids (as the people import accepts «rektor»). */
const roleByName: Readonly<Record<string, WebRole>> = {
  ...Object.fromEntries(WEB_ROLES.map((role) => [role, role])),
  ...Object.fromEntries(WEB_ROLES.map((role) => [webRoleNames[role], role])),
  koordinator: 'coordinator',
};

type Command =
  | { kind: 'help' }
  | {
      kind: 'add';
      databaseUrl: string;
      username: string;
      displayName: string;
      role: string;
      schoolId?: string;
      municipalityId?: string;
      staffId?: string;
      passwordFile?: string;
    }
  | { kind: 'list'; databaseUrl: string }
  | { kind: 'disable'; databaseUrl: string; username: string }
  | { kind: 'token-create'; databaseUrl: string; username: string; name: string; scopes: string[] }
  | { kind: 'token-revoke'; databaseUrl: string; tokenId: string };

const OPTIONS_BY_COMMAND: Record<string, readonly string[]> = {
  add: ['username', 'name', 'role', 'school', 'municipality', 'staff', 'password-file'],
  list: [],
  disable: [],
  'token create': ['name', 'scopes'],
  'token revoke': [],
};

function parseCommand(argv: string[], settings: () => Settings): Command {
  const { values, positionals } = parseCommandLine(
    {
      args: argv,
      allowPositionals: true,
      options: {
        database: { type: 'string' },
        username: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        school: { type: 'string' },
        municipality: { type: 'string' },
        staff: { type: 'string' },
        'password-file': { type: 'string' },
        scopes: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    UsageError,
  );
  if (values.help) return { kind: 'help' };
  const [first, ...rest] = positionals;
  if (first === undefined) throw new UsageError('Mangler kommando (add, list, disable, token).');
  const [command, args] = first === 'token' ? [`token ${rest[0] ?? ''}`.trim(), rest.slice(1)] : [first, rest];
  const allowed = OPTIONS_BY_COMMAND[command];
  if (allowed === undefined)
    throw new UsageError(
      first === 'token' && rest[0] === undefined ? 'Mangler token-kommando (create, revoke).' : `Ukjent kommando ${quoteValue(command)}.`,
    );
  const given = Object.keys(values).filter((key) => key !== 'database' && key !== 'help');
  const foreign = given.filter((key) => !allowed.includes(key));
  if (foreign.length > 0) throw new UsageError(`Valget ${foreign.map((k) => `--${k}`).join(', ')} hører ikke til kommandoen ${command}.`);
  const expectArgs = (names: readonly string[]) => {
    if (args.length < names.length) throw new UsageError(`Mangler ${names[args.length]}.`);
    if (args.length > names.length)
      throw new UsageError(
        `For mange argumenter: ${args
          .slice(names.length)
          .map((a) => quoteValue(a))
          .join(' ')}.`,
      );
  };
  const required = (option: 'username' | 'name' | 'role' | 'scopes'): string => {
    const value = values[option];
    if (value === undefined || value.trim() === '') throw new UsageError(`Mangler --${option}.`);
    return value;
  };
  const databaseUrl = databaseUrlOption(values.database, settings().databaseUrl, UsageError);
  switch (command) {
    case 'add': {
      expectArgs([]);
      const role = required('role');
      return {
        kind: 'add',
        databaseUrl,
        username: required('username'),
        displayName: required('name'),
        role: roleByName[role.trim().toLowerCase()] ?? role,
        ...(values.school === undefined ? {} : { schoolId: values.school }),
        ...(values.municipality === undefined ? {} : { municipalityId: values.municipality }),
        ...(values.staff === undefined ? {} : { staffId: values.staff }),
        ...(values['password-file'] === undefined ? {} : { passwordFile: values['password-file'] }),
      };
    }
    case 'list':
      expectArgs([]);
      return { kind: 'list', databaseUrl };
    case 'disable':
      expectArgs(['brukernavn']);
      return { kind: 'disable', databaseUrl, username: args[0] as string };
    case 'token create':
      expectArgs(['brukernavn']);
      return {
        kind: 'token-create',
        databaseUrl,
        username: args[0] as string,
        name: required('name'),
        scopes: required('scopes')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      };
    default:
      expectArgs(['nøkkel-id']);
      return { kind: 'token-revoke', databaseUrl, tokenId: args[0] as string };
  }
}

/** The new user's password: the file's first line, else the environment variable, else none. */
async function passwordOf(file: string | undefined, env: Readonly<Record<string, string | undefined>>, io: CommandIo) {
  if (file === undefined) {
    const value = env[NEW_USER_PASSWORD_VARIABLE];
    return value === undefined || value === '' ? undefined : value;
  }
  try {
    // The first line only: an editor's final newline is not part of the password.
    return (await readFile(file, 'utf8')).split(/\r?\n/)[0] ?? '';
  } catch (err) {
    io.err(
      `Brukeren ble ikke opprettet: passordfilen ${quoteValue(file)} kan ikke leses (${(err as NodeJS.ErrnoException).code ?? 'ukjent feil'}).`,
    );
    return EXIT.badFile;
  }
}

/** One line per user: username, role, scope, status. */
export function formatUser(user: WebUserRecord): string {
  const scope = [
    user.schoolId === undefined ? undefined : `skole ${user.schoolId}`,
    user.municipalityId === undefined ? undefined : `kommune ${user.municipalityId}`,
    user.staffId === undefined ? undefined : `ansatt ${user.staffId}`,
  ].filter((part) => part !== undefined);
  const status = [user.disabled ? 'deaktivert' : 'aktiv', user.hasPassword ? 'passord' : 'kun OpenID Connect'];
  return `${user.username}  ${user.displayName}  ${webRoleNames[user.role]}${scope.length > 0 ? ` (${scope.join(', ')})` : ''}  [${status.join(', ')}]`;
}

/** Runs the CLI and returns its exit code; printing goes through `io`, the password variable comes from `env`. */
export async function runUsersCli(
  argv: string[],
  io: CommandIo = { out: console.log, err: console.error },
  settings: () => Settings = loadSettings,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<ExitCode> {
  const command = commandOrExit(() => parseCommand(argv, settings), io, {
    usageError: UsageError,
    usage: USERS_USAGE,
    notDone: 'Ingenting ble endret',
  });
  if (typeof command === 'number') return command;
  let password: string | undefined;
  if (command.kind === 'add') {
    const read = await passwordOf(command.passwordFile, env, io);
    if (typeof read === 'number') return read;
    password = read;
  }
  const database = await databaseOrExit(command.databaseUrl, io, 'Ingenting ble endret');
  if (typeof database === 'number') return database;
  const store = new SqlUserStore(database);
  try {
    return await runCommand(command, store, password, io);
  } catch (err) {
    if (!(err instanceof WebUserError || err instanceof PasswordPolicyError)) throw err;
    io.err(err.message);
    return EXIT.usage;
  } finally {
    await database.close();
  }
}

async function runCommand(command: Exclude<Command, { kind: 'help' }>, store: SqlUserStore, password: string | undefined, io: CommandIo) {
  const userOrExit = async (username: string) => {
    const user = await store.byUsername(username);
    if (user === undefined) io.err(`Finner ingen bruker med brukernavn ${quoteValue(username)}.`);
    return user ?? EXIT.notFound;
  };
  switch (command.kind) {
    case 'add': {
      const { kind: _kind, databaseUrl: _url, passwordFile: _file, ...fields } = command;
      const user = await store.create({ ...fields, ...(password === undefined ? {} : { password }) });
      io.out(`Opprettet ${formatUser(user)}`);
      if (password === undefined)
        io.out(`Uten passord (verken --password-file eller ${NEW_USER_PASSWORD_VARIABLE}): innlogging kun med OpenID Connect.`);
      return EXIT.ok;
    }
    case 'list': {
      const users = await store.list();
      io.out(users.length === 0 ? 'Ingen brukere.' : users.map(formatUser).join('\n'));
      return EXIT.ok;
    }
    case 'disable': {
      const user = await userOrExit(command.username);
      if (typeof user === 'number') return user;
      await store.disable(user.userId);
      io.out(`Deaktiverte ${user.username}.`);
      return EXIT.ok;
    }
    case 'token-create': {
      const user = await userOrExit(command.username);
      if (typeof user === 'number') return user;
      const { tokenId, secret } = await store.createApiToken({ userId: user.userId, name: command.name, scopes: command.scopes });
      io.out(
        `API-nøkkel ${tokenId} for ${user.username} (${command.scopes.join(', ')}):\n${secret}\nHemmeligheten vises bare nå; ta vare på den.`,
      );
      return EXIT.ok;
    }
    case 'token-revoke': {
      let revoked: boolean;
      try {
        revoked = await store.revokeApiToken(command.tokenId);
      } catch (err) {
        if (!(err instanceof WebUserError)) throw err;
        io.err(err.message);
        return EXIT.notFound;
      }
      io.out(revoked ? `API-nøkkel ${command.tokenId} er trukket tilbake.` : `API-nøkkel ${command.tokenId} var allerede trukket tilbake.`);
      return EXIT.ok;
    }
  }
}

if (require.main === module) void runAsMain(runUsersCli, 'brukerverktøyet');
