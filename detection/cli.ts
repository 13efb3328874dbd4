/**
 * Command line for absence detection:
 *   npm run detect -- [--today ÅÅÅÅ-MM-DD] [--school ID ...] [--data-dir MAPPE] [--ledger-dir MAPPE]
 *                     [--schools-config FIL]
 * Runs detection over the stored registrations and delivers triggers and trends to the cases in
 * Temporal (TEMPORAL_ADDRESS etc., see README). `intake/cli.ts` calls `detectAndDeliver` after
 * every import. Exit codes: 0 done, 2 usage error, 5 Temporal unreachable or delivery failed part-way
 * (what was delivered is recorded; run again), 6 the school directory is invalid, 1 unexpected.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { FileRegistrationStore } from '../intake/registration-store';
import { isoDateSchema } from '../machines/events';
import { loadTemporalConfig } from '../worker/config';
import { connectClient } from '../worker/connection';
import { TemporalCaseDispatcher } from './case-dispatcher';
import { DetectionDispatchError, describeRun, osloDate, runDetection } from './run-detection';
import { DEFAULT_SCHOOLS_CONFIG, SchoolDirectoryError, loadSchoolDirectory } from './school-directory';
import { FileTriggerLedger } from './trigger-ledger';

export const DETECT_EXIT = { ok: 0, failed: 1, usage: 2, notDelivered: 5, badDirectory: 6 } as const;

export const DEFAULT_REGISTRATIONS_DIR = path.join('data', 'registrations');
export const DEFAULT_LEDGER_DIR = path.join('data', 'detection');

export const DETECT_USAGE = `Bruk: npm run detect -- [--today ÅÅÅÅ-MM-DD] [--school ID ...] [--data-dir MAPPE]
                         [--ledger-dir MAPPE] [--schools-config FIL]

Vurderer lagrede fraværsregistreringer etter kommunens rutine, åpner saker for elever som har
nådd en grense og sender nye utløsere og fraværsutvikling til åpne saker. Standard er dagens
dato, alle skoler, data/registrations, data/detection og config/schools.json. Trygt å kjøre
flere ganger: det som alt er levert, sendes ikke på nytt.`;

/** How detection reaches Temporal; tests pass their own client. */
export interface TemporalAccess {
  connect(): Promise<{ client: Client; taskQueue: string; address: string; close(): Promise<void> }>;
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
}

/** Runs detection and delivers to Temporal; prints progress and a summary; returns the exit code. */
export async function detectAndDeliver(options: DetectOptions, io: CliIo, temporal: TemporalAccess = environmentTemporal): Promise<number> {
  let directory;
  try {
    directory = await loadSchoolDirectory(options.schoolsConfig);
  } catch (err) {
    if (!(err instanceof SchoolDirectoryError)) throw err;
    io.err(`Fraværsdeteksjonen ble ikke kjørt: ${err.message}`);
    return DETECT_EXIT.badDirectory;
  }
  let connection;
  try {
    connection = await temporal.connect();
  } catch (err) {
    io.err(
      `Sakene ble ikke oppdatert: får ikke kontakt med Temporal (${(err as Error).message}). ` +
        'Start systemet med «npm start» og kjør «npm run detect» på nytt; registreringene er lagret.',
    );
    return DETECT_EXIT.notDelivered;
  }
  try {
    const summary = await runDetection({
      store: await FileRegistrationStore.open(options.registrationsDir),
      directory,
      ledger: new FileTriggerLedger(options.ledgerDir),
      dispatcher: new TemporalCaseDispatcher(connection.client, connection.taskQueue),
      today: options.today,
      ...(options.schoolIds ? { schoolIds: options.schoolIds } : {}),
      onProgress: (line) => io.err(line),
    });
    io.out(describeRun(summary));
    return DETECT_EXIT.ok;
  } catch (err) {
    if (!(err instanceof DetectionDispatchError)) throw err;
    io.err(err.message);
    io.out(describeRun(err.partial));
    return DETECT_EXIT.notDelivered;
  } finally {
    await connection.close();
  }
}

class UsageError extends Error {}

/** Parses `--today`, checking it is a real date. Shared with the intake CLI. */
export function parseToday(value: string | undefined, now: () => Date = () => new Date()): string {
  if (value === undefined) return osloDate(now());
  if (!isoDateSchema.safeParse(value).success) throw new UsageError(`--today må være en dato på formen ÅÅÅÅ-MM-DD, ikke «${value}».`);
  return value;
}
export { UsageError as DetectUsageError };

export async function runDetectCli(argv: string[], io: CliIo = { out: console.log, err: console.error }, temporal?: TemporalAccess): Promise<number> {
  let options: DetectOptions;
  try {
    const { values, positionals } = parseArgs({
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
    if (values.help) {
      io.out(DETECT_USAGE);
      return DETECT_EXIT.ok;
    }
    if (positionals.length > 0) throw new UsageError(`Ukjente argumenter: ${positionals.join(' ')}`);
    options = {
      registrationsDir: values['data-dir'] ?? DEFAULT_REGISTRATIONS_DIR,
      ledgerDir: values['ledger-dir'] ?? DEFAULT_LEDGER_DIR,
      schoolsConfig: values['schools-config'] ?? process.env.SCHOOLS_CONFIG ?? DEFAULT_SCHOOLS_CONFIG,
      today: parseToday(values.today),
      ...(values.school ? { schoolIds: values.school } : {}),
    };
  } catch (err) {
    if (!(err instanceof UsageError) && !(err instanceof TypeError)) throw err;
    io.err(`${(err as Error).message}\n\n${DETECT_USAGE}`);
    return DETECT_EXIT.usage;
  }
  return detectAndDeliver(options, io, temporal);
}

if (require.main === module) {
  runDetectCli(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(DETECT_EXIT.failed);
    });
}
