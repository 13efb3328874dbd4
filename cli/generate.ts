/**
 * Command line for the synthetic data generator (intake/generate.ts):
 *   npm run generate -- --pupils N --out file.csv [--seed S] [--school-year 2025]
 *                       [--style norwegian|canonical] [--schools-config FILE]   (a .json --out writes JSON instead)
 * Pupils go only to schools of the school directory (--schools-config, else SCHOOLS_CONFIG).
 */
import { writeFile } from 'node:fs/promises';
import { EXIT, type ExitCode } from '../app/exit-codes';
import { type Settings, loadSettings } from '../app/settings';
import { SchoolDirectoryError, loadSchoolDirectory } from '../detection/school-directory';
import { type CsvStyle, generate, toCsv } from '../intake/generate';
import { quoteValue } from '../machines/identifiers';
import { parseCommandLine, refusedCommandLine, runAsMain } from './command-line';

export const GENERATE_USAGE = `Bruk: npm run generate -- --pupils N --out FIL [--seed S] [--school-year ÅÅÅÅ]
                                [--style norwegian|canonical] [--schools-config FIL]

Lager syntetiske fraværsregistreringer for N elever ved skolene i skolekatalogen (standard:
config/schools.json), 300 elever per skole så langt skolene rekker. FIL som slutter på .json får
JSON, ellers CSV (norwegian: som en Visma-eksport; canonical: engelske kolonnenavn).`;

class GenerateUsageError extends Error {}

export interface GenerateCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

function integerOption(name: string, text: string, check: (n: number) => boolean, rule: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || !check(n))
    throw new GenerateUsageError(`--${name} må være ${rule}, ikke ${quoteValue(text)}.`);
  return n;
}

function parseGenerateArgs(argv: string[], settings: () => Settings) {
  const { values } = parseCommandLine(
    {
      args: argv,
      options: {
        pupils: { type: 'string' },
        seed: { type: 'string', default: '1' },
        out: { type: 'string' },
        'school-year': { type: 'string' },
        style: { type: 'string', default: 'norwegian' },
        'schools-config': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    GenerateUsageError,
  );
  if (values.help) return 'help' as const;
  if (values.pupils === undefined) throw new GenerateUsageError('--pupils mangler.');
  const pupils = integerOption('pupils', values.pupils, (n) => n >= 1, 'et positivt heltall');
  const seed = integerOption('seed', values.seed, () => true, 'et heltall');
  const yearText = values['school-year'];
  if (yearText !== undefined && !/^\d{4}$/.test(yearText.trim()))
    throw new GenerateUsageError(`--school-year må være et årstall (ÅÅÅÅ), ikke ${quoteValue(yearText)}.`);
  const style = values.style;
  if (style !== 'norwegian' && style !== 'canonical')
    throw new GenerateUsageError(`--style må være norwegian eller canonical, ikke ${quoteValue(style)}.`);
  if (values.out === undefined) throw new GenerateUsageError('--out mangler.');
  return {
    pupils,
    seed,
    ...(yearText === undefined ? {} : { schoolYear: Number(yearText) }),
    style: style as CsvStyle,
    out: values.out,
    schoolsConfig: values['schools-config'] ?? settings().schoolsConfig,
  };
}

/** Runs the generator CLI and returns its exit code (app/exit-codes.ts); printing goes through `io`. */
export async function runGenerateCli(
  argv: string[],
  io: GenerateCliIo = { out: console.log, err: console.error },
  settings: () => Settings = loadSettings,
): Promise<ExitCode> {
  let options: Exclude<ReturnType<typeof parseGenerateArgs>, 'help'>;
  try {
    const parsed = parseGenerateArgs(argv, settings);
    if (parsed === 'help') {
      io.out(GENERATE_USAGE);
      return EXIT.ok;
    }
    options = parsed;
  } catch (err) {
    return refusedCommandLine(err, io, { usageError: GenerateUsageError, usage: GENERATE_USAGE, notDone: 'Ingen data ble laget' });
  }
  let schoolIds: string[];
  try {
    schoolIds = (await loadSchoolDirectory(options.schoolsConfig)).schoolIds();
  } catch (err) {
    if (!(err instanceof SchoolDirectoryError)) throw err;
    io.err(`Ingen data ble laget: ${err.message}`);
    return EXIT.badConfiguration;
  }
  const data = generate({
    pupils: options.pupils,
    seed: options.seed,
    schoolIds,
    ...(options.schoolYear === undefined ? {} : { schoolYear: options.schoolYear }),
  });
  const text = options.out.toLowerCase().endsWith('.json')
    ? `${JSON.stringify(data.registrations, null, 1)}\n`
    : toCsv(data.registrations, options.style);
  try {
    await writeFile(options.out, text, 'utf8');
  } catch (err) {
    io.err(`Kan ikke skrive ${quoteValue(options.out)}: ${(err as Error).message}`);
    return EXIT.usage;
  }
  const n = (x: number) => x.toLocaleString('nb-NO');
  io.out(
    `Skrev ${n(data.registrations.length)} registreringer for ${n(options.pupils)} elever ved ${n(data.schools.length)} ${data.schools.length === 1 ? 'skole' : 'skoler'} til ${options.out}`,
  );
  return EXIT.ok;
}

if (require.main === module) void runAsMain(runGenerateCli, 'generatoren');
