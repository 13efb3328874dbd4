/**
 * What the intake, detection and generator command lines share: reading the command line with
 * Node's `parseArgs` into the tool's own usage error (in Norwegian), turning a refused command
 * line or a bad setting into its exit code (app/exit-codes.ts), and running as the process's main
 * module. Each tool keeps its own options, usage text and usage error.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, type ExitCode } from '../app/exit-codes';
import { ConfigError } from '../app/settings';
import { parseArgsMessage } from '../intake/cli-args';
import { stat } from 'node:fs/promises';
import { type AppDatabase, DatabaseError, openMigratedDatabase } from '../app/database/database';
import { parseDatabaseUrl } from '../app/database/database-url';
import { SchoolDirectoryError, loadSchoolDirectory } from '../detection/school-directory';
import { quoteValue } from '../machines/identifiers';

/** A tool's own usage error: thrown for a command line it cannot run, the message says what to fix. */
export type UsageErrorClass = new (message: string) => Error;

/** `parseArgs(config)`, with its (English) complaints thrown as the tool's usage error in Norwegian. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T, usageError: UsageErrorClass): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (err) {
    throw new usageError(parseArgsMessage(err));
  }
}

/** How a tool answers a command line it refuses. */
export interface CommandLineRefusal {
  /** The tool's usage error; its message is printed with `usage` beneath it. */
  usageError: UsageErrorClass;
  /** The tool's usage text. */
  usage: string;
  /** What a bad setting stopped, in Norwegian, e.g. «Ingenting ble importert». */
  notDone: string;
}

/**
 * The exit code for an error thrown while a tool reads its command line and settings: a bad
 * setting prints what was not done and why (badConfiguration), a usage error its message and
 * the usage text (usage). Anything else is no refusal but a fault, and is thrown on.
 */
export function refusedCommandLine(err: unknown, io: { err: (line: string) => void }, refusal: CommandLineRefusal): ExitCode {
  if (err instanceof ConfigError) {
    io.err(`${refusal.notDone}: ${err.message}`);
    return EXIT.badConfiguration;
  }
  if (!(err instanceof refusal.usageError)) throw err;
  io.err(`${err.message}\n\n${refusal.usage}`);
  return EXIT.usage;
}

/** The process a tool runs as: its arguments, its exit and where an unexpected fault is printed. */
export interface MainProcess {
  argv: readonly string[];
  exit: (code: number) => void;
  error: (line: string) => void;
}

/**
 * Runs `run` as the process's main module with the arguments after node and the script: exits
 * with the code it answers. A fault it did not foresee is printed with its stack, naming the tool
 * («Uventet feil i importen»), and exits internalError.
 */
export function runAsMain(
  run: (argv: string[]) => Promise<number>,
  tool: string,
  host: MainProcess = { argv: process.argv, exit: (code) => process.exit(code), error: console.error },
): Promise<void> {
  return run(host.argv.slice(2))
    .then((code) => host.exit(code))
    .catch((err: unknown) => {
      host.error(`Uventet feil i ${tool}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      host.exit(EXIT.internalError);
    });
}

/** `--database`: the school's database as a URL (sqlite:<file> or postgres://…), or `fallback` (DATABASE_URL) when not given. */
export function databaseUrlOption(value: string | undefined, fallback: string, usageError: UsageErrorClass): string {
  if (value === undefined) return fallback;
  const target = parseDatabaseUrl(value);
  // The value is not echoed: a PostgreSQL URL may hold a password.
  if ('error' in target) throw new usageError(`--database ${target.error}.`);
  return value;
}

/**
 * Reads a command line with `parse`: the command to run, or the exit code once the usage was
 * printed (`--help`, EXIT.ok) or the refusal (see refusedCommandLine).
 */
export function commandOrExit<C extends { kind: string }>(
  parse: () => C,
  io: { out: (line: string) => void; err: (line: string) => void },
  refusal: CommandLineRefusal,
): Exclude<C, { kind: 'help' }> | ExitCode {
  let command: C;
  try {
    command = parse();
  } catch (err) {
    return refusedCommandLine(err, io, refusal);
  }
  if (command.kind === 'help') {
    io.out(refusal.usage);
    return EXIT.ok;
  }
  return command as Exclude<C, { kind: 'help' }>;
}

/** Where an import prints its refusals. */
export interface ErrorOutput {
  err: (line: string) => void;
}

/** Where a command prints: its result to `out`, progress and refusals to `err` (tests pass their own). */
export interface CommandIo extends ErrorOutput {
  out: (line: string) => void;
}

/** An import's input file: EXIT.badFile, with why, when it is missing or not a file; undefined when it can be read. */
export async function refusedInputFile(file: string, io: ErrorOutput): Promise<ExitCode | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (info !== undefined && info.isFile()) return undefined;
  io.err(info === undefined ? `Finner ikke filen ${quoteValue(file)}.` : `${quoteValue(file)} er ikke en fil.`);
  return EXIT.badFile;
}

/**
 * The schools an import checks its rows against (the school directory `config`), or
 * EXIT.badConfiguration after printing `notDone` and why the directory cannot be read.
 */
export async function knownSchoolsOrExit(config: string, io: ErrorOutput, notDone: string): Promise<ReadonlySet<string> | ExitCode> {
  try {
    return new Set((await loadSchoolDirectory(config)).schoolIds());
  } catch (err) {
    if (!(err instanceof SchoolDirectoryError)) throw err;
    io.err(`${notDone}. ${err.message}`);
    return EXIT.badConfiguration;
  }
}

/** The school's database, migrated, or EXIT.databaseUnavailable after printing `notDone` and why. */
export async function databaseOrExit(url: string, io: ErrorOutput, notDone: string): Promise<AppDatabase | ExitCode> {
  try {
    return await openMigratedDatabase(url);
  } catch (err) {
    if (!(err instanceof DatabaseError)) throw err;
    io.err(`${notDone}: ${err.message}`);
    return EXIT.databaseUnavailable;
  }
}
