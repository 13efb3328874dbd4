/**
 * Command line for the school's database (app/database/):
 *   npm run database -- migrate      [--database URL]
 *   npm run database -- status       [--database URL]
 *   npm run database -- import-json  [--database URL] [--registrations-dir MAPPE] [--ledger-dir MAPPE]
 * `migrate` brings the schema up to date (both README commands and every tool that opens the
 * database do it too); `status` says which database, which migrations it has run and how much it
 * holds; `import-json` imports the JSON stores of the first versions once (cli/json-store-import.ts).
 * Norwegian messages; exit codes from app/exit-codes.ts.
 */
import { EXIT, type ExitCode, exitCodeMeanings } from '../app/exit-codes';
import { type AppDatabase, DatabaseError, openMigratedDatabase } from '../app/database/database';
import { migrations } from '../app/database/migrations';
import { type Settings, loadSettings } from '../app/settings';
import { TriggerLedgerError } from '../detection/trigger-ledger';
import { RegistrationStoreError } from '../intake/registration-store';
import { quoteValue } from '../machines/identifiers';
import { databaseUrlOption, parseCommandLine, refusedCommandLine, runAsMain } from './command-line';
import { describeJsonStoreImport, hasJsonStores, importJsonStores } from './json-store-import';

const exitCodesUsed: readonly ExitCode[] = [
  EXIT.ok,
  EXIT.usage,
  EXIT.badFile,
  EXIT.badConfiguration,
  EXIT.databaseUnavailable,
  EXIT.internalError,
];

export const DATABASE_USAGE = `Bruk: npm run database -- migrate [--database URL]
       npm run database -- status [--database URL]
       npm run database -- import-json [--database URL] [--registrations-dir MAPPE] [--ledger-dir MAPPE]

migrate      oppgraderer databaseskjemaet (skjer også ved «npm start» og når verktøyene åpner databasen)
status       viser hvilken database som brukes, migreringene den har kjørt og hvor mye den inneholder
import-json  importerer de gamle JSON-lagrene (registreringer og deteksjonslogg) én gang og flytter
             mappene til <mappe>.importert-<tid> (standard: REGISTRATIONS_DIR og DETECTION_LEDGER_DIR)

Databasen er --database eller DATABASE_URL (standard: SQLite-filen data/skolefravaer.sqlite).

Avslutningskoder:
${exitCodesUsed.map((code) => `  ${code}  ${exitCodeMeanings[code]}`).join('\n')}`;

class DatabaseUsageError extends Error {}

export interface DatabaseCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const COMMANDS = ['migrate', 'status', 'import-json'] as const;
type Command = (typeof COMMANDS)[number];

function parseDatabaseArgs(argv: string[], settings: () => Settings) {
  const { values, positionals } = parseCommandLine(
    {
      args: argv,
      allowPositionals: true,
      options: {
        database: { type: 'string' },
        'registrations-dir': { type: 'string' },
        'ledger-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    DatabaseUsageError,
  );
  if (values.help) return 'help' as const;
  const [command, ...rest] = positionals;
  if (command === undefined) throw new DatabaseUsageError(`Mangler kommando (${COMMANDS.join(', ')}).`);
  if (!(COMMANDS as readonly string[]).includes(command))
    throw new DatabaseUsageError(`Ukjent kommando ${quoteValue(command)} (kjent: ${COMMANDS.join(', ')}).`);
  if (rest.length > 0) throw new DatabaseUsageError(`For mange argumenter: ${rest.map(quoteValue).join(' ')}.`);
  if (command !== 'import-json' && (values['registrations-dir'] !== undefined || values['ledger-dir'] !== undefined))
    throw new DatabaseUsageError('--registrations-dir og --ledger-dir gjelder bare import-json.');
  const defaults = settings();
  return {
    command: command as Command,
    databaseUrl: databaseUrlOption(values.database, defaults.databaseUrl, DatabaseUsageError),
    registrationsDir: values['registrations-dir'] ?? defaults.registrationsDir,
    ledgerDir: values['ledger-dir'] ?? defaults.detectionLedgerDir,
  };
}

/** What the database holds, in Norwegian. */
async function describeStatus(database: AppDatabase): Promise<string> {
  const count = async (table: 'registrations' | 'detection_ledger' | 'schools') =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const schools = await database.db.selectFrom('registrations').select('school_id').distinct().execute();
  return [
    `Database: ${database.description}`,
    `Migreringer: ${Object.keys(migrations).join(', ')} (alle kjørt)`,
    `Fraværsregistreringer: ${(await count('registrations')).toLocaleString('nb-NO')} ved ${schools.length} skole(r)`,
    `Deteksjonslogg: ${(await count('detection_ledger')).toLocaleString('nb-NO')} elev(er)`,
    `Skoler fra skolekatalogen: ${(await count('schools')).toLocaleString('nb-NO')}`,
  ].join('\n');
}

/** Runs the database CLI and returns its exit code; printing goes through `io`. */
export async function runDatabaseCli(
  argv: string[],
  io: DatabaseCliIo = { out: console.log, err: console.error },
  settings: () => Settings = loadSettings,
): Promise<ExitCode> {
  let options: Exclude<ReturnType<typeof parseDatabaseArgs>, 'help'>;
  try {
    const parsed = parseDatabaseArgs(argv, settings);
    if (parsed === 'help') {
      io.out(DATABASE_USAGE);
      return EXIT.ok;
    }
    options = parsed;
  } catch (err) {
    return refusedCommandLine(err, io, { usageError: DatabaseUsageError, usage: DATABASE_USAGE, notDone: 'Databasen ble ikke endret' });
  }
  let database: AppDatabase;
  try {
    database = await openMigratedDatabase(options.databaseUrl);
  } catch (err) {
    if (!(err instanceof DatabaseError)) throw err;
    io.err(err.message);
    return EXIT.databaseUnavailable;
  }
  try {
    if (options.command === 'migrate') io.out(`Databasen er oppdatert: ${database.description}.`);
    else if (options.command === 'status') io.out(await describeStatus(database));
    else {
      const folders = { registrationsDir: options.registrationsDir, ledgerDir: options.ledgerDir };
      if (!hasJsonStores(folders)) {
        io.out(`Fant ingen gamle JSON-lagre (${folders.registrationsDir}, ${folders.ledgerDir}); ingenting å importere.`);
        return EXIT.ok;
      }
      try {
        io.out(describeJsonStoreImport(await importJsonStores(database, folders)));
      } catch (err) {
        if (!(err instanceof RegistrationStoreError || err instanceof TriggerLedgerError)) throw err;
        io.err(`Ingenting ble importert: ${err.message}`);
        return EXIT.badFile;
      }
    }
    return EXIT.ok;
  } finally {
    await database.close();
  }
}

if (require.main === module) void runAsMain(runDatabaseCli, 'databaseverktøyet');
