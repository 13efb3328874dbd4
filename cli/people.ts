/**
 * Command line for the people directory:
 *   npm run people -- import <file> [--database URL] [--schools-config FILE]
 * Reads the directory export (docs/people-format.md), reports every refused row by line in
 * Norwegian and stores the good rows in one transaction (people/people-store.ts). Rows for schools
 * the school directory does not list are refused, as the absence intake does. Exit codes are the
 * project's one table (app/exit-codes.ts): ok, rowsRefused (the good rows are stored), usage,
 * badFile (nothing stored), badConfiguration (invalid school directory; nothing stored),
 * databaseUnavailable (nothing stored), internalError.
 */
import { readFile } from 'node:fs/promises';
import { EXIT, type ExitCode, exitCodeMeanings } from '../app/exit-codes';
import { type Settings, loadSettings } from '../app/settings';
import { quoteValue } from '../machines/identifiers';
import { PeopleFormatError, type PeopleParseResult, parsePeopleCsv } from '../people/parse-people';
import { type PeopleImportCounts, SqlPeopleDirectory, type UpsertCounts } from '../people/people-store';
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

const exitCodesUsed: readonly ExitCode[] = [
  EXIT.ok,
  EXIT.rowsRefused,
  EXIT.usage,
  EXIT.badFile,
  EXIT.badConfiguration,
  EXIT.databaseUnavailable,
  EXIT.internalError,
];

export const PEOPLE_USAGE = `Bruk: npm run people -- import <fil> [--database URL] [--schools-config FIL]

Leser personkatalogen (elever, foresatte og ansatte) fra en CSV-fil (se docs/people-format.md)
og lagrer den i databasen (--database eller DATABASE_URL; standard: SQLite-filen
data/skolefravaer.sqlite), alle gyldige rader i én transaksjon. Rader med feil listes med
linjenummer og lagres ikke, også rader for skoler som ikke står i skolekatalogen (standard:
config/schools.json). Samme fil kan importeres flere ganger.

Avslutningskoder:
${exitCodesUsed.map((code) => `  ${code}  ${exitCodeMeanings[code]}`).join('\n')}`;

class UsageError extends Error {}

export type CliIo = CommandIo;

const number = (n: number) => n.toLocaleString('nb-NO');
const countsText = (c: UpsertCounts) => `nye: ${number(c.inserted)}, endret: ${number(c.updated)}, uendret: ${number(c.unchanged)}`;

/** The import summary in Norwegian. */
export function formatPeopleSummary(file: string, parsed: PeopleParseResult, counts: PeopleImportCounts): string {
  const lines = [
    `Import av ${file} ferdig.`,
    `Rader lest: ${number(parsed.rowsRead)}`,
    `Elever: ${countsText(counts.pupils)}`,
    `Foresatte: ${countsText(counts.guardians)}`,
    `Foresatt–elev-koblinger: ${countsText(counts.guardianLinks)}`,
    `Ansatte: ${countsText(counts.staff)}`,
    `Roller ved skole: ${countsText(counts.staffRoles)}`,
    `Avvist: ${number(parsed.errors.length)}`,
    ...parsed.errors.map((e) => `  linje ${e.line}: ${e.message}`),
  ];
  if (parsed.ignoredColumns.length > 0) lines.push(`Kolonner som ikke ble lest: ${parsed.ignoredColumns.join(', ')}`);
  return lines.join('\n');
}

function parseCommand(argv: string[], settings: () => Settings) {
  const { values, positionals } = parseCommandLine(
    {
      args: argv,
      allowPositionals: true,
      options: { database: { type: 'string' }, 'schools-config': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    },
    UsageError,
  );
  if (values.help) return { kind: 'help' as const };
  const [command, file, ...rest] = positionals;
  if (command !== 'import')
    throw new UsageError(command === undefined ? 'Mangler kommando (import).' : `Ukjent kommando ${quoteValue(command)}.`);
  if (file === undefined) throw new UsageError('Mangler filnavn.');
  if (rest.length > 0) throw new UsageError(`For mange argumenter: ${rest.map((r) => quoteValue(r)).join(' ')}.`);
  if (values['schools-config']?.trim() === '') throw new UsageError('--schools-config kan ikke være tom.');
  const defaults = settings();
  return {
    kind: 'import' as const,
    file,
    databaseUrl: databaseUrlOption(values.database, defaults.databaseUrl, UsageError),
    schoolsConfig: values['schools-config'] ?? defaults.schoolsConfig,
  };
}

/** Runs the CLI and returns its exit code; printing goes through `io` so tests can read it. */
export async function runPeopleCli(
  argv: string[],
  io: CliIo = { out: console.log, err: console.error },
  settings: () => Settings = loadSettings,
): Promise<ExitCode> {
  const command = commandOrExit(() => parseCommand(argv, settings), io, {
    usageError: UsageError,
    usage: PEOPLE_USAGE,
    notDone: 'Ingenting ble importert',
  });
  if (typeof command === 'number') return command;
  const { file } = command;
  const notImported = `Filen ${quoteValue(file)} ble ikke importert`;
  const badFile = await refusedInputFile(file, io);
  if (badFile !== undefined) return badFile;
  const knownSchools = await knownSchoolsOrExit(command.schoolsConfig, io, `${notImported}: skolene kan ikke kontrolleres`);
  if (typeof knownSchools === 'number') return knownSchools;
  // The whole file is parsed before the database is opened: a file in the wrong format changes nothing.
  let parsed: PeopleParseResult;
  try {
    parsed = parsePeopleCsv(await readFile(file, 'utf8'), { knownSchools });
  } catch (err) {
    if (!(err instanceof PeopleFormatError)) throw err;
    io.err(`${notImported}: ${err.message}`);
    return EXIT.badFile;
  }
  const database = await databaseOrExit(command.databaseUrl, io, notImported);
  if (typeof database === 'number') return database;
  try {
    const counts = await new SqlPeopleDirectory(database).importBatch(parsed.batch);
    io.out(formatPeopleSummary(file, parsed, counts));
  } finally {
    await database.close();
  }
  return parsed.errors.length === 0 ? EXIT.ok : EXIT.rowsRefused;
}

if (require.main === module) void runAsMain(runPeopleCli, 'personimporten');
