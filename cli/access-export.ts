/**
 * Command line for a guardian's access request (innsyn):
 *   npm run access-export -- --school S --pupil P [--out MAPPE] [--database URL]
 * Writes one folder with everything held about the pupil at the school (casework/pupil-export.ts):
 * innsyn.json, LESMEG.txt and the archived documents in dokumenter/ (casework/pupil-export-files.ts).
 * Only the folder's path and counts are printed: the personal data stays in the folder. Exit
 * codes are the project's one table (app/exit-codes.ts): ok, usage (also a target folder that is
 * not empty), notFound (unknown school, nothing held about the pupil), temporalUnavailable,
 * databaseUnavailable, badConfiguration, checkFailed (an archived file does not match its
 * checksum; nothing is written), badFile (the folder cannot be written), internalError.
 */
import { CaseClient } from '../app/case-client';
import { EXIT, type ExitCode, exitCodeMeanings } from '../app/exit-codes';
import { type Settings, type TemporalSettings, loadSettings } from '../app/settings';
import { ArchiveIntegrityError } from '../archive/archive-error';
import { ArchiveStore } from '../archive/archive-store';
import { ExportFolderError, defaultExportFolder, writeExportFolder } from '../casework/pupil-export-files';
import { NothingHeldError, TemporalReadError, UnknownSchoolForExportError, gatherPupilExport } from '../casework/pupil-export';
import { SchoolDirectoryError, loadSchoolDirectory } from '../detection/school-directory';
import { pupilIdSchema, quoteValue, schoolIdSchema } from '../machines/identifiers';
import { type CommandIo, commandOrExit, databaseOrExit, databaseUrlOption, parseCommandLine, runAsMain } from './command-line';

const exitCodesUsed: readonly ExitCode[] = [
  EXIT.ok,
  EXIT.usage,
  EXIT.badFile,
  EXIT.temporalUnavailable,
  EXIT.badConfiguration,
  EXIT.notFound,
  EXIT.checkFailed,
  EXIT.databaseUnavailable,
  EXIT.internalError,
];

export const ACCESS_EXPORT_USAGE = `Bruk: npm run access-export -- --school SKOLE --pupil ELEV [--out MAPPE] [--database URL]

Innsyn: skriver alt systemet har lagret om eleven ved skolen til én mappe (standard:
data/innsyn/<skole>-<elev>-<dato>/), til den som behandler en foresatts innsynsbegjæring:
  innsyn.json   eleven, foresatte og kontaktlærer, fraværsregistreringer, fraværsoppfølgingens
                logg, alle elevens saker ved skolen (også avsluttede) med tidslinje, frister,
                meldinger og dokumenter, arkivets metadata, meldingsleveranser og tilgangsloggen
  dokumenter/   de arkiverte dokumentene som PDF, kontrollert mot sjekksummene
  LESMEG.txt    hva mappen inneholder og hvor det kommer fra
Målmappen må være ny eller tom. Bare mappens sti og antall skrives ut her.

Databasen er --database eller DATABASE_URL (standard: SQLite-filen data/skolefravaer.sqlite);
sakene leses fra Temporal (TEMPORAL_*), arkivfilene fra ARCHIVE_DIR.

Avslutningskoder:
${exitCodesUsed.map((code) => `  ${code}  ${exitCodeMeanings[code]}`).join('\n')}`;

class UsageError extends Error {}

/** The id given for `option`, checked against its pattern; a refusal names the option and the value. */
function idOption(option: string, value: string | undefined, schema: typeof schoolIdSchema): string {
  if (value === undefined) throw new UsageError(`Mangler --${option}.`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`--${option} ${quoteValue(value)}: ${parsed.error.issues[0]?.message ?? 'ugyldig'}.`);
  return parsed.data;
}

function parseCommand(argv: string[], settings: () => Settings) {
  const { values } = parseCommandLine(
    {
      args: argv,
      options: {
        school: { type: 'string' },
        pupil: { type: 'string' },
        out: { type: 'string' },
        database: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    UsageError,
  );
  if (values.help) return { kind: 'help' as const };
  const schoolId = idOption('school', values.school, schoolIdSchema);
  const pupilId = idOption('pupil', values.pupil, pupilIdSchema);
  if (values.out?.trim() === '') throw new UsageError('--out kan ikke være tom.');
  const defaults = settings();
  return {
    kind: 'export' as const,
    schoolId,
    pupilId,
    out: values.out,
    databaseUrl: databaseUrlOption(values.database, defaults.databaseUrl, UsageError),
    settings: defaults,
  };
}

const number = (n: number) => n.toLocaleString('nb-NO');

/** Runs the CLI and returns its exit code; printing goes through `io`, Temporal through `connect`, so tests pass their own. */
export async function runAccessExportCli(
  argv: string[],
  io: CommandIo = { out: console.log, err: console.error },
  settings: () => Settings = loadSettings,
  connect: (temporal: TemporalSettings) => Promise<CaseClient> = (temporal) => CaseClient.connect(temporal),
): Promise<ExitCode> {
  const command = commandOrExit(() => parseCommand(argv, settings), io, {
    usageError: UsageError,
    usage: ACCESS_EXPORT_USAGE,
    notDone: 'Ingenting ble eksportert',
  });
  if (typeof command === 'number') return command;
  const { schoolId, pupilId, settings: chosen } = command;
  const notDone = `Innsynet for eleven ${quoteValue(pupilId)} ved skolen ${quoteValue(schoolId)} ble ikke eksportert`;

  let schools;
  try {
    schools = await loadSchoolDirectory(chosen.schoolsConfig);
  } catch (err) {
    if (!(err instanceof SchoolDirectoryError)) throw err;
    io.err(`${notDone}. ${err.message}`);
    return EXIT.badConfiguration;
  }
  if (schools.get(schoolId) === undefined) {
    io.err(`${notDone}: skolen ${quoteValue(schoolId)} finnes ikke i skolekatalogen (${chosen.schoolsConfig}).`);
    return EXIT.notFound;
  }
  const database = await databaseOrExit(command.databaseUrl, io, notDone);
  if (typeof database === 'number') return database;
  let cases: CaseClient;
  try {
    cases = await connect(chosen.temporal);
  } catch (err) {
    await database.close();
    io.err(`${notDone}: får ikke kontakt med Temporal på ${chosen.temporal.address} (${(err as Error).message}). Kjører «npm start»?`);
    return EXIT.temporalUnavailable;
  }
  try {
    const archive = new ArchiveStore(database, chosen.archiveDir);
    const now = new Date();
    const record = await gatherPupilExport(
      { cases, database, archive, schools, namespace: chosen.temporal.namespace, now: () => now },
      schoolId,
      pupilId,
    );
    const target = command.out ?? defaultExportFolder(chosen.dataDir, schoolId, pupilId, now);
    const counts = await writeExportFolder(record, archive, target);
    io.out(
      [
        `Innsyn eksportert til ${target}`,
        `Fraværsregistreringer: ${number(counts.registrations)}`,
        `Sakskjøringer: ${number(counts.caseRuns)}`,
        `Arkiverte dokumenter: ${number(counts.documents)} (${number(counts.files)} filer)`,
        `Meldingsleveranser: ${number(counts.messageDeliveries)}`,
        `Oppføringer i tilgangsloggen: ${number(counts.accessLogEntries)}`,
      ].join('\n'),
    );
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UnknownSchoolForExportError || err instanceof NothingHeldError) {
      io.err(`${notDone}: ${err.message}`);
      return EXIT.notFound;
    }
    if (err instanceof TemporalReadError) {
      io.err(`${notDone}: ${err.message}`);
      return EXIT.temporalUnavailable;
    }
    if (err instanceof ExportFolderError) {
      io.err(`${notDone}: ${err.message}`);
      return EXIT.usage;
    }
    if (err instanceof ArchiveIntegrityError) {
      io.err(`${notDone}: ${err.message} Ingenting er skrevet.`);
      return EXIT.checkFailed;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && ['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'ENOTDIR', 'EEXIST'].includes(code)) {
      io.err(`${notDone}: mappen kunne ikke skrives (${code}: ${(err as Error).message}).`);
      return EXIT.badFile;
    }
    throw err;
  } finally {
    await cases.close();
    await database.close();
  }
}

if (require.main === module) void runAsMain(runAccessExportCli, 'innsynseksporten');
