/**
 * Command line for importing absence registrations:
 *   npx tsx intake/cli.ts import <file> [--data-dir DIR] [--progress-every N]
 * Exit codes: 0 every row stored, 3 some rows refused (the good ones are stored), 2 usage error,
 * 4 the file as a whole is not in the documented format (nothing stored), 1 unexpected failure.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type ImportSummary, importFile } from './import-file';
import { DEFAULT_PROGRESS_EVERY, IntakeFormatError, type ParseProgress } from './parse-registrations';
import { FileRegistrationStore } from './registration-store';

export const EXIT = { ok: 0, failed: 1, usage: 2, rowsRefused: 3, badFile: 4 } as const;

export const USAGE = `Bruk: npx tsx intake/cli.ts import <fil> [--data-dir MAPPE] [--progress-every N]

Leser fraværsregistreringer fra en CSV- eller JSON-fil (se docs/absence-format.md) og lagrer dem
i MAPPE (standard: data/registrations). Samme fil kan importeres flere ganger.`;

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
      options: { 'data-dir': { type: 'string' }, 'progress-every': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
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
  return { kind: 'import' as const, file, dataDir: values['data-dir'] ?? DEFAULT_DATA_DIR, progressEvery };
}

/** Runs the CLI and returns its exit code; printing goes through `io` so tests can read it. */
export async function runCli(argv: string[], io: CliIo = { out: console.log, err: console.error }): Promise<number> {
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
    return summary.errors.length === 0 ? EXIT.ok : EXIT.rowsRefused;
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
