/**
 * Runs detection over the stored registrations and delivers its triggers and trends to the cases
 * in Temporal, printing progress and a Norwegian summary: what `npm run detect`
 * (cli/detect.ts) does, and what the intake CLI (cli/intake.ts) does after every import. Kept
 * out of both command lines so neither entry script imports the other. Returns the project's exit
 * codes (app/exit-codes.ts).
 */
import { CaseClient } from '../app/case-client';
import { EXIT, type ExitCode } from '../app/exit-codes';
import { ConfigError, loadSettings } from '../app/settings';
import { type AppDatabase, DatabaseError, openMigratedDatabase } from '../app/database/database';
import { RegistrationStoreError, SqlRegistrationStore } from '../intake/registration-store';
import { isoDateSchema } from '../machines/events';
import { quoteValue } from '../machines/identifiers';
import { type CaseDispatcher, TemporalCaseDispatcher } from './case-dispatcher';
import { DetectionDispatchError, describeRun, osloDate, runDetection } from './run-detection';
import { type SchoolDirectory, SchoolDirectoryError, loadSchoolDirectory } from './school-directory';
import { loadSchoolDirectoryIntoDatabase } from './school-directory-store';
import { SchoolLockTimeoutError, SqlSchoolLocks } from './school-locks';
import { SqlTriggerLedger, TriggerLedgerError } from './trigger-ledger';

/** An open connection to Temporal; `dispatcher` replaces the Temporal one (tests without a server). */
export interface TemporalConnection {
  cases: CaseClient;
  address: string;
  close(): Promise<void>;
  dispatcher?: CaseDispatcher;
}

/** How detection reaches Temporal; tests pass their own client. */
export interface TemporalAccess {
  connect(): Promise<TemporalConnection>;
}

export const environmentTemporal: TemporalAccess = {
  async connect() {
    const { temporal } = loadSettings();
    const cases = await CaseClient.connect(temporal);
    return { cases, address: temporal.address, close: () => cases.close() };
  },
};

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface DetectOptions {
  /** The school's database (app/database/database-url.ts): registrations and detection's ledger. */
  databaseUrl: string;
  /** How long to wait for another run that is evaluating a school (default: the locks' own, ten minutes). */
  schoolLockWaitMs?: number;
  schoolsConfig: string;
  today: string;
  schoolIds?: readonly string[];
  /**
   * 'refuse': a school in `schoolIds` that the directory does not list stops the run before
   * anything is delivered (exit notFound); the CLI's `--school` does this, because the user
   * named it. 'report' (default, the intake's choice): such a school is not evaluated and is
   * named in the summary, and the other schools are evaluated.
   */
  unknownSchools?: 'refuse' | 'report';
}

/**
 * Runs detection and delivers to Temporal; prints progress and a summary; returns the exit code:
 * EXIT.ok, EXIT.notFound (only with `unknownSchools: 'refuse'`), EXIT.temporalUnavailable,
 * EXIT.badConfiguration, EXIT.databaseUnavailable or EXIT.internalError (a damaged stored record).
 * Other errors are thrown.
 */
export async function detectAndDeliver(
  options: DetectOptions,
  io: CliIo,
  temporal: TemporalAccess = environmentTemporal,
): Promise<ExitCode> {
  let directory;
  try {
    directory = await loadSchoolDirectory(options.schoolsConfig);
  } catch (err) {
    if (!(err instanceof SchoolDirectoryError)) throw err;
    io.err(`Fraværsdeteksjonen ble ikke kjørt: ${err.message}`);
    return EXIT.badConfiguration;
  }
  if (options.unknownSchools === 'refuse') {
    const unknown = (options.schoolIds ?? []).filter((id) => directory.get(id) === undefined);
    if (unknown.length > 0) {
      const known = directory.schoolIds();
      io.err(
        `Fraværsdeteksjonen ble ikke kjørt: ${unknown.length === 1 ? 'skolen' : 'skolene'} ${unknown.map(quoteValue).join(', ')} ` +
          `står ikke i skolekatalogen ${options.schoolsConfig}. Skolene i katalogen: ${known.slice(0, 30).join(', ')}${known.length > 30 ? ` … (${known.length} i alt)` : ''}.`,
      );
      return EXIT.notFound;
    }
  }
  let database;
  try {
    database = await openMigratedDatabase(options.databaseUrl);
  } catch (err) {
    if (!(err instanceof DatabaseError)) throw err;
    io.err(`Fraværsdeteksjonen ble ikke kjørt: ${err.message}`);
    return EXIT.databaseUnavailable;
  }
  try {
    await loadSchoolDirectoryIntoDatabase(database, directory, options.schoolsConfig);
    return await deliverWith(database, directory, options, io, temporal);
  } finally {
    await database.close();
  }
}

async function deliverWith(
  database: AppDatabase,
  directory: SchoolDirectory,
  options: DetectOptions,
  io: CliIo,
  temporal: TemporalAccess,
): Promise<ExitCode> {
  let connection: TemporalConnection;
  try {
    connection = await temporal.connect();
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`Sakene ble ikke oppdatert: ${err.message}`);
      return EXIT.badConfiguration;
    }
    io.err(
      `Sakene ble ikke oppdatert: får ikke kontakt med Temporal (${(err as Error).message}). ` +
        'Start systemet med «npm start» og kjør «npm run detect» på nytt; registreringene er lagret.',
    );
    return EXIT.temporalUnavailable;
  }
  try {
    const summary = await runDetection({
      store: new SqlRegistrationStore(database),
      directory,
      ledger: new SqlTriggerLedger(database),
      // One run per school at a time, across processes (two imports, the daily run).
      locks: new SqlSchoolLocks(database, options.schoolLockWaitMs === undefined ? {} : { waitMs: options.schoolLockWaitMs, pollMs: 50 }),
      dispatcher: connection.dispatcher ?? new TemporalCaseDispatcher(connection.cases),
      today: options.today,
      ...(options.schoolIds ? { schoolIds: options.schoolIds } : {}),
      onProgress: (line) => io.err(line),
    });
    io.out(describeRun(summary));
    return EXIT.ok;
  } catch (err) {
    if (err instanceof DetectionDispatchError) {
      io.err(err.message);
      io.out(describeRun(err.partial));
      return EXIT.temporalUnavailable;
    }
    if (err instanceof TriggerLedgerError) {
      // Losing the ledger is safe (see trigger-ledger.ts), so the way out is to remove the damaged record.
      io.err(
        `Fraværsdeteksjonen stoppet: ${err.message}. Skolene som ble vurdert før denne, er levert og lagret. ` +
          `Slett den skadde raden i detection_ledger og kjør «npm run detect» på nytt: åpne saker tar ikke imot det samme to ganger.`,
      );
      return EXIT.internalError;
    }
    if (err instanceof RegistrationStoreError) {
      io.err(`Fraværsdeteksjonen ble ikke kjørt: ${err.message}`);
      return EXIT.internalError;
    }
    if (err instanceof SchoolLockTimeoutError) {
      io.err(
        `Fraværsdeteksjonen stoppet: ${err.message}. Skolene som ble vurdert før denne, er levert og lagret. ` +
          'Kjør «npm run detect» på nytt når den andre kjøringen er ferdig.',
      );
      return EXIT.internalError;
    }
    throw err;
  } finally {
    await connection.close();
  }
}

/** A bad command-line value (shown with the usage text by whichever CLI was run). */
export class DetectUsageError extends Error {}

/** Parses `--today`, checking it is a real date. Shared with the intake CLI. */
export function parseToday(value: string | undefined, now: () => Date = () => new Date()): string {
  if (value === undefined) return osloDate(now());
  if (!isoDateSchema.safeParse(value).success)
    throw new DetectUsageError(`--today må være en gyldig dato på formen ÅÅÅÅ-MM-DD, ikke ${quoteValue(value)}.`);
  return value;
}
