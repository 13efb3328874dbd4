/**
 * Command line for importing absence registrations:
 *   npm run intake -- import <file> [--database URL] [--progress-every N] [--today YYYY-MM-DD]
 *                    [--no-detect] [--schools-config FILE]
 * Rows are checked against the school directory (--schools-config) before anything is stored.
 * After storing, detection runs for the schools in the file and opens or signals their cases
 * (detection/detect-and-deliver.ts, as `npm run detect` does), unless --no-detect. Everything
 * the user reads is Norwegian and names the bad value. Exit codes are the project's one table
 * (app/exit-codes.ts): ok, usage, rowsRefused (the good rows are stored), badFile (nothing
 * stored), temporalUnavailable (rows stored, cases not updated), badConfiguration (invalid school
 * directory; nothing stored), databaseUnavailable (nothing stored), internalError.
 */
import { EXIT, type ExitCode, exitCodeMeanings } from '../app/exit-codes';
import { type Settings, loadSettings } from '../app/settings';
import { DetectUsageError, type TemporalAccess, detectAndDeliver, parseToday } from '../detection/detect-and-deliver';
import { quoteValue } from '../machines/identifiers';
import { type CrossSchoolConflict, type ImportSummary, importFile } from '../intake/import-file';
import { DEFAULT_PROGRESS_EVERY, IntakeFormatError, type ParseProgress, type ReplacedRow } from '../intake/parse-registrations';
import { kindLabels } from '../intake/registration-schema';
import { RegistrationStoreError, SqlRegistrationStore } from '../intake/registration-store';
import {
  type CommandIo,
  commandOrExit,
  databaseOrExit,
  databaseUrlOption,
  knownSchoolsOrExit,
  parseCommandLine,
  refusedInputFile,
  runAsMain,
} from './command-line';
import { norwegianDayText } from '../app/oslo-time';

/** The project-wide exit codes, re-exported under the name this module always had. */
export { EXIT };

const exitCodesUsed: readonly ExitCode[] = [
  EXIT.ok,
  EXIT.rowsRefused,
  EXIT.usage,
  EXIT.badFile,
  EXIT.temporalUnavailable,
  EXIT.badConfiguration,
  EXIT.databaseUnavailable,
  EXIT.internalError,
];

export const USAGE = `Bruk: npm run intake -- import <fil> [--database URL] [--progress-every N] [--today ÅÅÅÅ-MM-DD]
                              [--no-detect] [--schools-config FIL]

Leser fraværsregistreringer fra en CSV- eller JSON-fil (se docs/absence-format.md) og lagrer dem
i databasen (--database eller DATABASE_URL; standard: SQLite-filen data/skolefravaer.sqlite),
alle gyldige rader i én transaksjon. Rader for skoler som ikke står i skolekatalogen
(standard: config/schools.json) avvises. Samme fil kan importeres flere ganger. Deretter vurderes
fraværet ved skolene i filen (per --today, standard i dag), og saker åpnes eller oppdateres i
Temporal; --no-detect hopper over dette.

Avslutningskoder:
${exitCodesUsed.map((code) => `  ${code}  ${exitCodeMeanings[code]}`).join('\n')}`;

class UsageError extends Error {}

export type CliIo = CommandIo;

const number = (n: number) => n.toLocaleString('nb-NO');
/** yyyy-MM-dd as the Norwegian dd.MM.yyyy. */
const norwegianDate = norwegianDayText;

export function formatProgress(p: ParseProgress): string {
  return `Lest ${number(p.rowsRead)} rader (${number(p.kept)} godkjent, ${number(p.errors)} avvist)`;
}

function replacedLine(r: ReplacedRow): string {
  const what = `elev ${quoteValue(r.pupilId)}, skole ${quoteValue(r.schoolId)}, ${norwegianDate(r.date)}, ${kindLabels[r.kind]}`;
  return r.identical
    ? `  linje ${r.line} gjentar linje ${r.replacedLine} med like verdier (${what})`
    : `  linje ${r.line} erstatter linje ${r.replacedLine} (${what})`;
}

function conflictLine(c: CrossSchoolConflict): string {
  const rows = c.rows.map(
    (row) => `skole ${quoteValue(row.schoolId)} ${row.line === undefined ? '(lagret fra før)' : `linje ${row.line}`}`,
  );
  return `  elev ${quoteValue(c.pupilId)} ${norwegianDate(c.date)}, ${kindLabels[c.kind]}: ${rows.join(', ')}`;
}

/** The import summary in Norwegian; `schoolsConfig` names the directory unknown schools are missing from. */
export function formatSummary(s: ImportSummary, context: { schoolsConfig?: string } = {}): string {
  const lines = [
    `Import av ${s.file} ferdig.`,
    `Rader lest: ${number(s.rowsRead)}`,
    `Godkjent og lagret: ${number(s.kept)} (nye: ${number(s.inserted)}, endret: ${number(s.updated)}, uendret: ${number(s.unchanged)})`,
  ];
  if (s.replaced.length > 0) {
    lines.push(`Erstattet av en senere linje i samme fil: ${number(s.replaced.length)}`, ...s.replaced.map(replacedLine));
  }
  lines.push(`Avvist: ${number(s.errors.length)}`, ...s.errors.map((e) => `  linje ${e.line}: ${e.message}`));
  if (s.unknownSchools.length > 0) {
    const where = context.schoolsConfig === undefined ? '' : ` (${context.schoolsConfig})`;
    lines.push(
      `Skoler som ikke finnes i skolekatalogen${where}: ${s.unknownSchools.map((id) => quoteValue(id)).join(', ')}. ` +
        'Legg dem inn i skolekatalogen eller rett skole-id, og importer filen på nytt.',
    );
  }
  if (s.conflicts.length > 0) {
    lines.push(
      `Samme elev registrert ved flere skoler samme dag: ${number(s.conflicts.length)} (alle radene er lagret; sjekk hvilken skole som gjelder)`,
      ...s.conflicts.map(conflictLine),
    );
  }
  if (s.ignoredColumns.length > 0) lines.push(`Kolonner som ikke ble lest: ${s.ignoredColumns.join(', ')}`);
  return lines.join('\n');
}

function parseCommand(argv: string[], settings: () => Settings) {
  const { values, positionals } = parseCommandLine(
    {
      args: argv,
      allowPositionals: true,
      options: {
        database: { type: 'string' },
        'progress-every': { type: 'string' },
        today: { type: 'string' },
        'no-detect': { type: 'boolean' },
        'schools-config': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    UsageError,
  );
  if (values.help) return { kind: 'help' as const };
  const [command, file, ...rest] = positionals;
  if (command !== 'import')
    throw new UsageError(command === undefined ? 'Mangler kommando (import).' : `Ukjent kommando ${quoteValue(command)}.`);
  if (file === undefined) throw new UsageError('Mangler filnavn.');
  if (rest.length > 0) throw new UsageError(`For mange argumenter: ${rest.map((r) => quoteValue(r)).join(' ')}.`);
  const progressText = values['progress-every'];
  const progressEvery = progressText === undefined ? DEFAULT_PROGRESS_EVERY : Number(progressText);
  if (!Number.isInteger(progressEvery) || progressEvery < 1)
    throw new UsageError(`--progress-every må være et positivt heltall, ikke ${quoteValue(progressText)}.`);
  let today: string;
  try {
    today = parseToday(values.today);
  } catch (err) {
    if (err instanceof DetectUsageError) throw new UsageError(err.message);
    throw err;
  }
  const defaults = settings();
  return {
    kind: 'import' as const,
    file,
    databaseUrl: databaseUrlOption(values.database, defaults.databaseUrl, UsageError),
    progressEvery,
    detect: !values['no-detect'],
    today,
    schoolsConfig: values['schools-config'] ?? defaults.schoolsConfig,
  };
}

type ImportCommand = Extract<ReturnType<typeof parseCommand>, { kind: 'import' }>;

/** Runs the CLI and returns its exit code; printing goes through `io` so tests can read it. */
export async function runCli(
  argv: string[],
  io: CliIo = { out: console.log, err: console.error },
  temporal?: TemporalAccess,
  settings: () => Settings = loadSettings,
): Promise<number> {
  const command = commandOrExit(() => parseCommand(argv, settings), io, {
    usageError: UsageError,
    usage: USAGE,
    notDone: 'Ingenting ble importert',
  });
  if (typeof command === 'number') return command;
  try {
    return await runImport(command, io, temporal);
  } catch (err) {
    io.err(`Uventet feil under import av ${quoteValue(command.file)}: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.internalError;
  }
}

async function runImport(command: ImportCommand, io: CliIo, temporal: TemporalAccess | undefined): Promise<number> {
  const { file } = command;
  const notImported = `Filen ${quoteValue(file)} ble ikke importert`;
  const badFile = await refusedInputFile(file, io);
  if (badFile !== undefined) return badFile;
  const knownSchools = await knownSchoolsOrExit(command.schoolsConfig, io, `${notImported}: skoleradene kan ikke kontrolleres`);
  if (typeof knownSchools === 'number') return knownSchools;
  const database = await databaseOrExit(command.databaseUrl, io, notImported);
  if (typeof database === 'number') return database;
  let summary: ImportSummary;
  try {
    summary = await importFile(file, new SqlRegistrationStore(database), knownSchools, {
      progressEvery: command.progressEvery,
      onProgress: (p) => io.err(formatProgress(p)),
    });
  } catch (err) {
    if (err instanceof IntakeFormatError) {
      io.err(`${notImported}: ${err.message}`);
      return EXIT.badFile;
    }
    if (err instanceof RegistrationStoreError) {
      io.err(`${notImported}: ${err.message}`);
      return EXIT.internalError;
    }
    throw err;
  } finally {
    await database.close();
  }
  io.out(formatSummary(summary, { schoolsConfig: command.schoolsConfig }));
  const importCode = summary.errors.length === 0 ? EXIT.ok : EXIT.rowsRefused;
  if (!command.detect || summary.kept === 0) return importCode;
  let detectCode: number;
  try {
    detectCode = await detectAndDeliver(
      {
        databaseUrl: command.databaseUrl,
        schoolsConfig: command.schoolsConfig,
        today: command.today,
        schoolIds: summary.schoolIds,
      },
      io,
      temporal,
    );
  } catch (err) {
    io.err(
      `Registreringene er lagret, men vurderingen av fraværet stoppet med en uventet feil: ${err instanceof Error ? err.message : String(err)}. ` +
        'Kjør «npm run detect» når feilen er rettet.',
    );
    return EXIT.internalError;
  }
  // Cases not updated outweighs refused rows: the good rows are stored either way.
  return detectCode === EXIT.ok ? importCode : detectCode;
}

if (require.main === module) void runAsMain(runCli, 'importen');
