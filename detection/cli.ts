/**
 * Command line for absence detection:
 *   npm run detect -- [--today ÅÅÅÅ-MM-DD] [--school ID ...] [--data-dir MAPPE] [--ledger-dir MAPPE]
 *                     [--schools-config FIL]
 * Runs detection over the stored registrations and delivers triggers and trends to the cases in
 * Temporal (TEMPORAL_ADDRESS etc., see README). `intake/cli.ts` calls `detectAndDeliver` after
 * every import. Everything the user reads is Norwegian and names the bad value; exit codes are the
 * project's one table (cli/exit-codes.ts): ok, usage, notFound (a --school not in the directory),
 * temporalUnavailable (Temporal unreachable or delivery failed part-way; what was delivered is
 * recorded, run again), badConfiguration (invalid school directory), internalError (a damaged
 * stored file or a bug; the message names the file or the fault).
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { EXIT, type ExitCode, exitCodeMeanings } from '../cli/exit-codes';
import { parseArgsMessage } from '../intake/cli-args';
import { FileRegistrationStore, RegistrationStoreError } from '../intake/registration-store';
import { isoDateSchema } from '../machines/events';
import { quoteValue, schoolIdSchema } from '../machines/identifiers';
import { loadTemporalConfig } from '../worker/config';
import { connectClient } from '../worker/connection';
import { type CaseDispatcher, TemporalCaseDispatcher } from './case-dispatcher';
import { DetectionDispatchError, describeRun, osloDate, runDetection } from './run-detection';
import { DEFAULT_SCHOOLS_CONFIG, SchoolDirectoryError, loadSchoolDirectory } from './school-directory';
import { FileTriggerLedger, TriggerLedgerError } from './trigger-ledger';

export const DEFAULT_REGISTRATIONS_DIR = path.join('data', 'registrations');
export const DEFAULT_LEDGER_DIR = path.join('data', 'detection');

/** The exit codes `npm run detect` can end with (a subset of cli/exit-codes.ts). */
const exitCodesUsed: readonly ExitCode[] = [
  EXIT.ok,
  EXIT.usage,
  EXIT.notFound,
  EXIT.temporalUnavailable,
  EXIT.badConfiguration,
  EXIT.internalError,
];

export const DETECT_USAGE = `Bruk: npm run detect -- [--today ÅÅÅÅ-MM-DD] [--school ID ...] [--data-dir MAPPE]
                         [--ledger-dir MAPPE] [--schools-config FIL]

Vurderer lagrede fraværsregistreringer etter kommunens rutine, åpner saker for elever som har
nådd en grense og sender nye utløsere og fraværsutvikling til åpne saker. Standard er dagens
dato, alle skoler, data/registrations, data/detection og config/schools.json. Trygt å kjøre
flere ganger: det som alt er levert, sendes ikke på nytt. Se docs/detection.md.

Avslutningskoder:
${exitCodesUsed.map((code) => `  ${code}  ${exitCodeMeanings[code]}`).join('\n')}`;

/** An open connection to Temporal; `dispatcher` replaces the Temporal one (tests without a server). */
export interface TemporalConnection {
  client: Client;
  taskQueue: string;
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
    const config = loadTemporalConfig();
    const client = await connectClient(config);
    return { client, taskQueue: config.taskQueue, address: config.address, close: () => client.connection.close() };
  },
};

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface DetectOptions {
  registrationsDir: string;
  ledgerDir: string;
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
 * EXIT.badConfiguration or EXIT.internalError (a damaged stored file). Other errors are thrown.
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
  let connection: TemporalConnection;
  try {
    connection = await temporal.connect();
  } catch (err) {
    io.err(
      `Sakene ble ikke oppdatert: får ikke kontakt med Temporal (${(err as Error).message}). ` +
        'Start systemet med «npm start» og kjør «npm run detect» på nytt; registreringene er lagret.',
    );
    return EXIT.temporalUnavailable;
  }
  try {
    const summary = await runDetection({
      store: await FileRegistrationStore.open(options.registrationsDir),
      directory,
      ledger: new FileTriggerLedger(options.ledgerDir),
      dispatcher: connection.dispatcher ?? new TemporalCaseDispatcher(connection.client, connection.taskQueue),
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
      // Losing the ledger is safe (see trigger-ledger.ts), so the way out is to move the file away.
      io.err(
        `Fraværsdeteksjonen stoppet: ${err.message}. Skolene som ble vurdert før denne, er levert og lagret. ` +
          `Flytt filen bort og kjør «npm run detect» på nytt: åpne saker tar ikke imot det samme to ganger.`,
      );
      return EXIT.internalError;
    }
    if (err instanceof RegistrationStoreError) {
      io.err(`Fraværsdeteksjonen ble ikke kjørt: ${err.message}`);
      return EXIT.internalError;
    }
    throw err;
  } finally {
    await connection.close();
  }
}

class UsageError extends Error {}

/** Parses `--today`, checking it is a real date. Shared with the intake CLI. */
export function parseToday(value: string | undefined, now: () => Date = () => new Date()): string {
  if (value === undefined) return osloDate(now());
  if (!isoDateSchema.safeParse(value).success)
    throw new UsageError(`--today må være en gyldig dato på formen ÅÅÅÅ-MM-DD, ikke ${quoteValue(value)}.`);
  return value;
}
export { UsageError as DetectUsageError };

/** A path option: not empty; when `mustExist`, an existing directory or file of the kind named. */
async function pathOption(name: string, value: string | undefined, fallback: string, mustExist?: 'mappe' | 'fil'): Promise<string> {
  if (value === undefined) return fallback;
  if (value.trim() === '') throw new UsageError(`--${name} kan ikke være tom.`);
  if (mustExist) {
    const found = await stat(value).catch(() => undefined);
    const fits = mustExist === 'mappe' ? found?.isDirectory() : found?.isFile();
    if (!fits) throw new UsageError(`--${name}: finner ingen ${mustExist} ${quoteValue(value)}.`);
  }
  return value;
}

/** `--school` values: each a valid school id, each once. */
function schoolOption(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  for (const value of values) {
    const parsed = schoolIdSchema.safeParse(value);
    if (!parsed.success) throw new UsageError(`--school: ${parsed.error.issues[0]?.message ?? `ugyldig skole-id ${quoteValue(value)}`}.`);
  }
  return [...new Set(values)];
}

export async function runDetectCli(
  argv: string[],
  io: CliIo = { out: console.log, err: console.error },
  temporal?: TemporalAccess,
): Promise<ExitCode> {
  let options: DetectOptions;
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          today: { type: 'string' },
          school: { type: 'string', multiple: true },
          'data-dir': { type: 'string' },
          'ledger-dir': { type: 'string' },
          'schools-config': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (err) {
      throw new UsageError(parseArgsMessage(err));
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(DETECT_USAGE);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new UsageError(`Uventet argument ${positionals.map(quoteValue).join(', ')}: detect tar bare valg.`);
    const schoolIds = schoolOption(values.school);
    options = {
      // A mistyped --data-dir must not look like a directory without absence.
      registrationsDir: await pathOption('data-dir', values['data-dir'], DEFAULT_REGISTRATIONS_DIR, 'mappe'),
      ledgerDir: await pathOption('ledger-dir', values['ledger-dir'], DEFAULT_LEDGER_DIR),
      schoolsConfig: await pathOption('schools-config', values['schools-config'], process.env.SCHOOLS_CONFIG ?? DEFAULT_SCHOOLS_CONFIG),
      today: parseToday(values.today),
      ...(schoolIds ? { schoolIds, unknownSchools: 'refuse' as const } : {}),
    };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`${err.message}\n\n${DETECT_USAGE}`);
    return EXIT.usage;
  }
  return detectAndDeliver(options, io, temporal);
}

if (require.main === module) {
  runDetectCli(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((err: unknown) => {
      console.error(`Uventet feil i fraværsdeteksjonen: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exit(EXIT.internalError);
    });
}
