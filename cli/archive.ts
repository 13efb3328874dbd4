/**
 * Command line for the case archive (archive/):
 *   npm run archive -- list <sak-id> [--database URL] [--archive-dir MAPPE]
 *   npm run archive -- export <sak-id> <målmappe> [--database URL] [--archive-dir MAPPE] [--system NAVN] [--municipality NAVN]
 *   npm run archive -- document <referanse> <fil.pdf> [--database URL] [--archive-dir MAPPE]
 * `list` shows the case file and its documents with ids only; `export` writes the arkivmelding
 * for the municipality's archive system with the files, naming the correspondence parties from
 * the people directory at that moment; `document` writes one archived document's PDF (checked
 * against its checksum) to a file, to open it. Exit codes are the project's one table
 * (app/exit-codes.ts): ok, usage (also a target folder that is not empty), notFound (no case
 * file for the case), checkFailed (a stored file is missing or altered; nothing is exported),
 * badConfiguration, databaseUnavailable, internalError.
 */
import { writeFile } from 'node:fs/promises';
import type { AppDatabase } from '../app/database/database';
import { EXIT, type ExitCode, exitCodeMeanings } from '../app/exit-codes';
import { type Settings, loadSettings } from '../app/settings';
import { ArchiveError, ArchiveIntegrityError, ArchiveNotFoundError } from '../archive/archive-error';
import { type ArchivedDocumentRecord, ArchiveStore, type CaseFileRecord } from '../archive/archive-store';
import { exportArkivmelding } from '../archive/arkivmelding';
import { CASE_STATUS, JOURNAL_POST_TYPE, documentType } from '../archive/noark';
import { quoteValue } from '../machines/identifiers';
import { type CommandIo, commandOrExit, databaseOrExit, databaseUrlOption, parseCommandLine, runAsMain } from './command-line';

const exitCodesUsed: readonly ExitCode[] = [
  EXIT.ok,
  EXIT.usage,
  EXIT.badFile,
  EXIT.badConfiguration,
  EXIT.notFound,
  EXIT.checkFailed,
  EXIT.databaseUnavailable,
  EXIT.internalError,
];

/** The sending system named in the arkivmelding unless --system says otherwise. */
export const DEFAULT_SYSTEM = 'skolefravaer';

export const ARCHIVE_USAGE = `Bruk: npm run archive -- list <sak-id> [--database URL] [--archive-dir MAPPE]
       npm run archive -- export <sak-id> <målmappe> [--database URL] [--archive-dir MAPPE]
                                 [--system NAVN] [--municipality NAVN]
       npm run archive -- document <referanse> <fil.pdf> [--version N] [--database URL] [--archive-dir MAPPE]

list    viser sakens saksmappe (saksnummer, status, skjerming) og de arkiverte dokumentene
        med referanse, journalpost, versjon, størrelse og sjekksum (bare id-er, ingen navn)
export  skriver arkivmelding.xml (Noark 5) med saksmappen, journalpostene og dokumentene, og
        kopierer filene til <målmappe>/dokumenter/; hver fil kontrolleres mot sjekksummen
        først. Målmappen må være ny eller tom. Navn på korrespondanseparter hentes fra
        personkatalogen; --system (standard: ${DEFAULT_SYSTEM}) og --municipality (journalenhet)
        står i meldingen.
document skriver det arkiverte dokumentet med referansen (f.eks. arkiv:2026/17-3, slik saken
        viser den) til <fil.pdf>, etter kontroll mot sjekksummen; siste versjon med mindre
        --version sier annet. Filen må ikke finnes fra før.

Databasen er --database eller DATABASE_URL (standard: SQLite-filen data/skolefravaer.sqlite);
arkivfilene ligger i --archive-dir eller ARCHIVE_DIR (standard: data/archive).

Avslutningskoder:
${exitCodesUsed.map((code) => `  ${code}  ${exitCodeMeanings[code]}`).join('\n')}`;

class UsageError extends Error {}

const COMMANDS = ['list', 'export', 'document'] as const;

function parseCommand(argv: string[], settings: () => Settings) {
  const { values, positionals } = parseCommandLine(
    {
      args: argv,
      allowPositionals: true,
      options: {
        database: { type: 'string' },
        'archive-dir': { type: 'string' },
        system: { type: 'string' },
        municipality: { type: 'string' },
        version: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    UsageError,
  );
  if (values.help) return { kind: 'help' as const };
  const [command, caseId, ...rest] = positionals;
  if (command === undefined) throw new UsageError(`Mangler kommando (${COMMANDS.join(', ')}).`);
  if (command !== 'list' && command !== 'export' && command !== 'document')
    throw new UsageError(`Ukjent kommando ${quoteValue(command)} (kjent: ${COMMANDS.join(', ')}).`);
  if (caseId === undefined || caseId.trim() === '')
    throw new UsageError(command === 'document' ? 'Mangler dokumentreferanse.' : 'Mangler sak-id.');
  const target = command === 'list' ? undefined : rest.shift();
  if (command === 'export' && (target === undefined || target.trim() === '')) throw new UsageError('Mangler målmappe for eksporten.');
  if (command === 'document' && (target === undefined || target.trim() === ''))
    throw new UsageError('Mangler filen dokumentet skal skrives til.');
  if (values.version !== undefined && (command !== 'document' || !/^[1-9]\d*$/.test(values.version)))
    throw new UsageError(
      command === 'document'
        ? `--version må være et heltall fra 1 (fikk ${quoteValue(values.version)}).`
        : '--version gjelder bare document.',
    );
  if (rest.length > 0) throw new UsageError(`For mange argumenter: ${rest.map((r) => quoteValue(r)).join(' ')}.`);
  for (const option of ['archive-dir', 'system', 'municipality'] as const)
    if (values[option]?.trim() === '') throw new UsageError(`--${option} kan ikke være tom.`);
  if (command === 'list' && (values.system !== undefined || values.municipality !== undefined))
    throw new UsageError('--system og --municipality gjelder bare export.');
  const defaults = settings();
  return {
    kind: command,
    caseId,
    target,
    databaseUrl: databaseUrlOption(values.database, defaults.databaseUrl, UsageError),
    archiveDir: values['archive-dir'] ?? defaults.archiveDir,
    system: values.system ?? DEFAULT_SYSTEM,
    municipality: values.municipality,
    version: values.version === undefined ? undefined : Number(values.version),
  };
}

const number = (n: number) => n.toLocaleString('nb-NO');

/** The case file and its documents in Norwegian, one document a line (ids, never names). */
export function formatCaseFile(caseFile: CaseFileRecord, documents: readonly ArchivedDocumentRecord[]): string {
  const lines = [
    `Saksmappe ${caseFile.caseFileNumber} (${CASE_STATUS[caseFile.status]}): ${quoteValue(caseFile.title)}`,
    `Sak: ${caseFile.caseId}, skole: ${caseFile.administrativeUnit}, saksansvarlig: ${caseFile.responsibleId ?? '(ikke satt)'}`,
    `Opprettet: ${caseFile.createdAt}${caseFile.closedAt ? `, avsluttet: ${caseFile.closedAt}` : ''}`,
    `Skjerming: tilgangsrestriksjon ${caseFile.accessRestriction}, ${caseFile.restrictionBasis}`,
    `Dokumenter: ${number(documents.length)}`,
    ...documents.map(
      (d) =>
        `  ${d.reference}  ${d.journalDate}  ${JOURNAL_POST_TYPE[d.entryType]}  ${documentType(d.documentKind)}: ${quoteValue(d.title)}  ` +
        `versjon ${d.version}, ${number(d.size)} byte, SHA-256 ${d.checksum}`,
    ),
  ];
  return lines.join('\n');
}

/**
 * A person's name from the people directory, by id: staff and guardians by their id, a pupil by
 * id at the case file's school. Asked at export time only; the archive keeps ids.
 */
function namesFromDirectory(database: AppDatabase, schoolId: string) {
  return async (personId: string): Promise<string | undefined> => {
    const { db } = database;
    const staff = await db.selectFrom('staff').select('name').where('staff_id', '=', personId).executeTakeFirst();
    if (staff) return staff.name;
    const guardian = await db.selectFrom('guardians').select('name').where('guardian_id', '=', personId).executeTakeFirst();
    if (guardian) return guardian.name;
    const pupil = await db
      .selectFrom('pupils')
      .select('name')
      .where('school_id', '=', schoolId)
      .where('pupil_id', '=', personId)
      .executeTakeFirst();
    return pupil?.name;
  };
}

/** Runs the CLI and returns its exit code; printing goes through `io` so tests can read it. */
export async function runArchiveCli(
  argv: string[],
  io: CommandIo = { out: console.log, err: console.error },
  settings: () => Settings = loadSettings,
): Promise<ExitCode> {
  const command = commandOrExit(() => parseCommand(argv, settings), io, {
    usageError: UsageError,
    usage: ARCHIVE_USAGE,
    notDone: 'Ingenting ble gjort',
  });
  if (typeof command === 'number') return command;
  const notDone =
    command.kind === 'export'
      ? `Saken ${quoteValue(command.caseId)} ble ikke eksportert`
      : command.kind === 'document'
        ? `Dokumentet ${quoteValue(command.caseId)} ble ikke skrevet`
        : 'Arkivet kunne ikke leses';
  const database = await databaseOrExit(command.databaseUrl, io, notDone);
  if (typeof database === 'number') return database;
  try {
    const store = new ArchiveStore(database, command.archiveDir);
    if (command.kind === 'document') {
      const { record, version, content } = await store.readDocument(command.caseId, command.version);
      try {
        await writeFile(command.target!, content, { flag: 'wx' });
      } catch (err) {
        io.err(
          `${notDone}: ${quoteValue(command.target!)} kan ikke skrives (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
        );
        return (err as NodeJS.ErrnoException).code === 'EEXIST' ? EXIT.usage : EXIT.badFile;
      }
      io.out(
        `${record.reference} (${quoteValue(record.title)}, versjon ${version.version}, ${number(content.length)} byte) er skrevet til ${command.target}.`,
      );
      return EXIT.ok;
    }
    const caseFile = await store.caseFile(command.caseId);
    if (!caseFile) {
      io.err(`Saken ${quoteValue(command.caseId)} har ingen saksmappe i arkivet.`);
      return EXIT.notFound;
    }
    if (command.kind === 'list') {
      io.out(formatCaseFile(caseFile, await store.documentsOfCase(command.caseId)));
      return EXIT.ok;
    }
    const result = await exportArkivmelding(store, command.caseId, command.target!, {
      system: command.system,
      ...(command.municipality === undefined ? {} : { municipality: command.municipality }),
      nameOf: namesFromDirectory(database, caseFile.administrativeUnit),
    });
    io.out(
      [
        `Saksmappe ${caseFile.caseFileNumber} eksportert til ${command.target}.`,
        `Arkivmelding: ${result.xmlPath}`,
        `Filer: ${number(result.files.length)}`,
      ].join('\n'),
    );
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof ArchiveError)) throw err;
    io.err(`${notDone}: ${err.message}`);
    if (err instanceof ArchiveNotFoundError) return EXIT.notFound;
    return err instanceof ArchiveIntegrityError ? EXIT.checkFailed : EXIT.usage;
  } finally {
    await database.close();
  }
}

if (require.main === module) void runAsMain(runArchiveCli, 'arkivverktøyet');
