/**
 * Command line for absence detection:
 *   npm run detect -- [--today ÅÅÅÅ-MM-DD] [--school ID ...] [--database URL] [--schools-config FIL]
 * Runs detection over the stored registrations and delivers triggers and trends to the cases in
 * Temporal (TEMPORAL_ADDRESS etc., see README) through detect-and-deliver.ts, which the intake CLI
 * also runs after every import. Everything the user reads is Norwegian and names the bad value; exit codes are the
 * project's one table (app/exit-codes.ts): ok, usage, notFound (a --school not in the directory),
 * temporalUnavailable (Temporal unreachable or delivery failed part-way; what was delivered is
 * recorded, run again), badConfiguration (invalid school directory), databaseUnavailable (the
 * database cannot be opened or reached), internalError (a damaged stored record or a bug; the
 * message names it or the fault).
 */
import { stat } from 'node:fs/promises';
import { EXIT, type ExitCode, exitCodeMeanings } from '../app/exit-codes';
import { schoolIdSchema, quoteValue } from '../machines/identifiers';
import { type Settings, loadSettings } from '../app/settings';
import {
  type CliIo,
  type DetectOptions,
  DetectUsageError as UsageError,
  type TemporalAccess,
  detectAndDeliver,
  parseToday,
} from '../detection/detect-and-deliver';
import { databaseUrlOption, parseCommandLine, refusedCommandLine, runAsMain } from './command-line';

/** The exit codes `npm run detect` can end with (a subset of app/exit-codes.ts). */
const exitCodesUsed: readonly ExitCode[] = [
  EXIT.ok,
  EXIT.usage,
  EXIT.notFound,
  EXIT.temporalUnavailable,
  EXIT.badConfiguration,
  EXIT.databaseUnavailable,
  EXIT.internalError,
];

export const DETECT_USAGE = `Bruk: npm run detect -- [--today ÅÅÅÅ-MM-DD] [--school ID ...] [--database URL]
                         [--schools-config FIL]

Vurderer lagrede fraværsregistreringer etter kommunens rutine, åpner saker for elever som har
nådd en grense og sender nye utløsere og fraværsutvikling til åpne saker. Standard er dagens
dato, alle skoler og databasen og skolekatalogen i miljøet (DATABASE_URL, SCHOOLS_CONFIG; uten dem
SQLite-filen data/skolefravaer.sqlite og config/schools.json). Trygt å kjøre
flere ganger: det som alt er levert, sendes ikke på nytt. Se docs/detection.md.

Avslutningskoder:
${exitCodesUsed.map((code) => `  ${code}  ${exitCodeMeanings[code]}`).join('\n')}`;

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
  settings: () => Settings = loadSettings,
): Promise<ExitCode> {
  let options: DetectOptions;
  try {
    const { values, positionals } = parseCommandLine(
      {
        args: argv,
        allowPositionals: true,
        options: {
          today: { type: 'string' },
          school: { type: 'string', multiple: true },
          database: { type: 'string' },
          'schools-config': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      },
      UsageError,
    );
    if (values.help) {
      io.out(DETECT_USAGE);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new UsageError(`Uventet argument ${positionals.map(quoteValue).join(', ')}: detect tar bare valg.`);
    const schoolIds = schoolOption(values.school);
    const defaults = settings();
    options = {
      databaseUrl: databaseUrlOption(values.database, defaults.databaseUrl, UsageError),
      schoolsConfig: await pathOption('schools-config', values['schools-config'], defaults.schoolsConfig),
      today: parseToday(values.today),
      ...(schoolIds ? { schoolIds, unknownSchools: 'refuse' as const } : {}),
    };
  } catch (err) {
    return refusedCommandLine(err, io, { usageError: UsageError, usage: DETECT_USAGE, notDone: 'Fraværsdeteksjonen ble ikke kjørt' });
  }
  return detectAndDeliver(options, io, temporal);
}

if (require.main === module) void runAsMain(runDetectCli, 'fraværsdeteksjonen');
