/**
 * Command line for importing absence registrations:
 *   npm run intake -- import <file> [--data-dir DIR] [--progress-every N] [--today YYYY-MM-DD]
 *                    [--no-detect] [--ledger-dir DIR] [--schools-config FILE]
 * After storing, detection runs for the schools in the file and opens or signals their cases
 * (detection/cli.ts), unless --no-detect.
 * Exit codes: 0 every row stored (and cases updated), 3 some rows refused (the good ones are
 * stored), 2 usage error, 4 the file as a whole is not in the documented format (nothing stored),
 * 5 rows stored but the cases could not be updated (Temporal unreachable; run `npm run detect`),
 * 6 the school directory is invalid, 1 unexpected failure.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type ImportSummary, importFile } from './import-file';
import { DEFAULT_PROGRESS_EVERY, IntakeFormatError, type ParseProgress } from './parse-registrations';
import { FileRegistrationStore } from './registration-store';
import { DEFAULT_LEDGER_DIR, DetectUsageError, type TemporalAccess, detectAndDeliver, parseToday } from '../detection/cli';
import { DEFAULT_SCHOOLS_CONFIG } from '../detection/school-directory';

export const EXIT = { ok: 0, failed: 1, usage: 2, rowsRefused: 3, badFile: 4, casesNotUpdated: 5, badDirectory: 6 } as const;

export const USAGE = `Bruk: npm run intake -- import <fil> [--data-dir MAPPE] [--progress-every N] [--today ÅÅÅÅ-MM-DD]
                              [--no-detect] [--ledger-dir MAPPE] [--schools-config FIL]

Leser fraværsregistreringer fra en CSV- eller JSON-fil (se docs/absence-format.md) og lagrer dem
i MAPPE (standard: data/registrations). Samme fil kan importeres flere ganger. Deretter vurderes
fraværet ved skolene i filen (per --today, standard i dag), og saker åpnes eller oppdateres i
Temporal; --no-detect hopper over dette.`;

export const DEFAULT_DATA_DIR = path.join('data', 'registrations');

class UsageError extends Error {}

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const number = (n: number) => n.toLocaleString('nb-NO');

export function formatProgress(p: ParseProgress): string {
  return `Lest ${number(p.rowsRead)} rader (${number(p.kept)} godkjent, ${number(p.errors)} avvist)`;
}

export function formatSummary(s: ImportSummary): string {
  const lines = [
    `Import av ${s.file} ferdig.`,
    `Rader lest: ${number(s.rowsRead)}`,
    `Godkjent og lagret: ${number(s.kept)} (nye: ${number(s.inserted)}, endret: ${number(s.updated)}, uendret: ${number(s.unchanged)})`,
    `Avvist: ${number(s.errors.length)}`,
  ];
  if (s.ignoredColumns.length > 0) lines.push(`Kolonner som ikke ble lest: ${s.ignoredColumns.join(', ')}`);
  for (const e of s.errors) lines.push(`  linje ${e.line}: ${e.message}`);
  return lines.join('\n');
}

function parseCommand(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        'progress-every': { type: 'string' },
        today: { type: 'string' },
        'no-detect': { type: 'boolean' },
        'ledger-dir': { type: 'string' },
        'schools-config': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' as const };
  const [command, file, ...rest] = positionals;
  if (command !== 'import') throw new UsageError(command === undefined ? 'Mangler kommando.' : `Ukjent kommando «${command}».`);
  if (file === undefined) throw new UsageError('Mangler filnavn.');
  if (rest.length > 0) throw new UsageError(`For mange argumenter: ${rest.join(' ')}`);
  const progressEvery = values['progress-every'] === undefined ? DEFAULT_PROGRESS_EVERY : Number(values['progress-every']);
  if (!Number.isInteger(progressEvery) || progressEvery < 1) throw new UsageError('--progress-every må være et positivt heltall.');
  let today: string;
  try {
    today = parseToday(values.today);
  } catch (err) {
    if (err instanceof DetectUsageError) throw new UsageError(err.message);
    throw err;
  }
  return {
    kind: 'import' as const,
    file,
    dataDir: values['data-dir'] ?? DEFAULT_DATA_DIR,
    progressEvery,
    detect: !values['no-detect'],
    today,
    ledgerDir: values['ledger-dir'] ?? DEFAULT_LEDGER_DIR,
    schoolsConfig: values['schools-config'] ?? process.env.SCHOOLS_CONFIG ?? DEFAULT_SCHOOLS_CONFIG,
  };
}

/** Runs the CLI and returns its exit code; printing goes through `io` so tests can read it. */
export async function runCli(argv: string[], io: CliIo = { out: console.log, err: console.error }, temporal?: TemporalAccess): Promise<number> {
  let command: ReturnType<typeof parseCommand>;
  try {
    command = parseCommand(argv);
    if (command.kind === 'import') {
      const { file } = command;
      await access(file).catch(() => {
        throw new UsageError(`Finner ikke filen ${file}.`);
      });
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`${err.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (command.kind === 'help') {
    io.out(USAGE);
    return EXIT.ok;
  }
  const store = await FileRegistrationStore.open(command.dataDir);
  try {
    const summary = await importFile(command.file, store, { progressEvery: command.progressEvery, onProgress: (p) => io.err(formatProgress(p)) });
    io.out(formatSummary(summary));
    const importCode = summary.errors.length === 0 ? EXIT.ok : EXIT.rowsRefused;
    if (!command.detect || summary.kept === 0) return importCode;
    const detectCode = await detectAndDeliver(
      { registrationsDir: command.dataDir, ledgerDir: command.ledgerDir, schoolsConfig: command.schoolsConfig, today: command.today, schoolIds: summary.schoolIds },
      io,
      temporal,
    );
    // Cases not updated outweighs refused rows: the good rows are stored either way.
    return detectCode === 0 ? importCode : detectCode;
  } catch (err) {
    if (!(err instanceof IntakeFormatError)) throw err;
    io.err(`Filen ${command.file} ble ikke importert: ${err.message}`);
    return EXIT.badFile;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(EXIT.failed);
    });
}
