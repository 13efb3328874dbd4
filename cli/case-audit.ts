/**
 * Command line of the audit of real cases (case-audit/): which cases (a school, opened within a
 * period), where the report goes, and whose eyes it is for (names from the people directory for
 * the school owner's own control, pseudonyms for the county governor). Wired as
 * `npm run audit -- --cases …` by audit/main.ts, which calls `runCaseAuditCli` (or
 * `parseCaseAuditArgs` and case-audit's `runCaseAudit` itself).
 *
 * Exit codes (app/exit-codes.ts): ok (no findings), checkFailed (findings), usage (a bad
 * argument, named with its value), internalError (the audit could not run: Temporal unreachable,
 * the key file or the database not readable; the message says what).
 */
import { join } from 'node:path';
import { EXIT, type ExitCode, exitCodeMeanings } from '../app/exit-codes';
import { type Settings, loadSettings } from '../app/settings';
import { openMigratedDatabase } from '../app/database/database';
import { isoDateSchema } from '../machines/events';
import { quoteValue, schoolIdSchema } from '../machines/identifiers';
import { SqlPeopleDirectory } from '../people/people-store';
import { type CaseAuditOptions, runCaseAudit } from '../case-audit/run-case-audit';
import { CASE_RULES } from '../case-audit/rules';
import { type CommandIo, databaseUrlOption, parseCommandLine } from './command-line';

/** A command line the audit of cases cannot run (Norwegian, names the bad value). */
export class CaseAuditUsageError extends Error {
  override name = 'CaseAuditUsageError';
}

const exitCodesUsed: readonly ExitCode[] = [EXIT.ok, EXIT.checkFailed, EXIT.usage, EXIT.internalError];

/** Where the report goes unless `--out` says otherwise. */
export const DEFAULT_CASE_AUDIT_DIR = join('reports', 'case-audit');

export const CASE_AUDIT_USAGE = `Bruk: npm run audit -- --cases [--school SKOLE] [--from ÅÅÅÅ-MM-DD] [--to ÅÅÅÅ-MM-DD]
                         [--out MAPPE] [--pseudonymise | --with-names [--database URL]]

Reviderer de virkelige fraværssakene i Temporal: spiller hver sak av gjennom rutinen den fulgte
(avdekker saker endret utenfor rutinen) og sjekker frister, første kontakt med foresatte,
dokumenter, elevens stemme, varsler og barnevernet først. Skriver cases.json, index.html og
findings.csv til ${DEFAULT_CASE_AUDIT_DIR}/ (eller --out).

  --school SKOLE      bare sakene ved denne skolen
  --from, --to        bare saker åpnet i perioden (datoene tas med)
  --pseudonymise      statsforvalterens rapport: pseudonyme sak- og elev-id-er, ingen navn, ingen fritekst
  --with-names        elevenes navn fra personkatalogen i databasen (DATABASE_URL eller --database)

Avslutningskoder:
${exitCodesUsed.map((code) => `  ${code}  ${exitCodeMeanings[code]}`).join('\n')}`;

/** What the command line asks for. */
export interface CaseAuditArgs {
  kind: 'audit' | 'help';
  schoolId?: string;
  from?: string;
  to?: string;
  outDir: string;
  pseudonymise: boolean;
  /** Pupils' names from this database's people directory (absent: no names). */
  namesFrom?: string;
}

function dateOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!isoDateSchema.safeParse(value).success)
    throw new CaseAuditUsageError(`--${name} må være en gyldig dato på formen ÅÅÅÅ-MM-DD, ikke ${quoteValue(value)}.`);
  return value;
}

/** Reads the audit's arguments (a leading `--cases` is taken and ignored). Throws CaseAuditUsageError. */
export function parseCaseAuditArgs(argv: readonly string[], defaults: Pick<Settings, 'databaseUrl'> = { databaseUrl: '' }): CaseAuditArgs {
  const { values, positionals } = parseCommandLine(
    {
      args: [...argv],
      allowPositionals: true,
      options: {
        cases: { type: 'boolean' },
        school: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        out: { type: 'string' },
        pseudonymise: { type: 'boolean' },
        'with-names': { type: 'boolean' },
        database: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    CaseAuditUsageError,
  );
  if (values.help) return { kind: 'help', outDir: DEFAULT_CASE_AUDIT_DIR, pseudonymise: false };
  if (positionals.length > 0)
    throw new CaseAuditUsageError(`Uventet argument ${positionals.map(quoteValue).join(', ')}: revisjonen av saker tar bare valg.`);
  if (values.school !== undefined) {
    const parsed = schoolIdSchema.safeParse(values.school);
    if (!parsed.success)
      throw new CaseAuditUsageError(`--school: ${parsed.error.issues[0]?.message ?? `ugyldig skole-id ${quoteValue(values.school)}`}.`);
  }
  const from = dateOption('from', values.from);
  const to = dateOption('to', values.to);
  if (from && to && from > to) throw new CaseAuditUsageError(`--from (${from}) er etter --to (${to}).`);
  if (values.out !== undefined && values.out.trim() === '') throw new CaseAuditUsageError('--out kan ikke være tom.');
  if (values.pseudonymise && values['with-names']) {
    throw new CaseAuditUsageError('--pseudonymise og --with-names kan ikke brukes sammen: en pseudonymisert rapport har ingen navn.');
  }
  if (values.database !== undefined && !values['with-names']) throw new CaseAuditUsageError('--database brukes bare med --with-names.');
  return {
    kind: 'audit',
    ...(values.school !== undefined ? { schoolId: values.school } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    outDir: values.out ?? DEFAULT_CASE_AUDIT_DIR,
    pseudonymise: values.pseudonymise ?? false,
    ...(values['with-names'] ? { namesFrom: databaseUrlOption(values.database, defaults.databaseUrl, CaseAuditUsageError) } : {}),
  };
}

/**
 * Runs the audit of cases from the command line; answers the exit code. `audit` replaces the
 * audit itself in tests (it gets the options runCaseAudit would).
 */
export async function runCaseAuditCli(
  argv: readonly string[],
  io: CommandIo = { out: console.log, err: console.error },
  settings: () => Settings = loadSettings,
  audit: typeof runCaseAudit = runCaseAudit,
): Promise<ExitCode> {
  let args: CaseAuditArgs;
  let loaded: Settings;
  try {
    loaded = settings();
    args = parseCaseAuditArgs(argv, loaded);
  } catch (err) {
    if (!(err instanceof CaseAuditUsageError)) {
      io.err(`Revisjonen av sakene ble ikke kjørt: ${(err as Error).message}`);
      return EXIT.internalError;
    }
    io.err(`${err.message}\n\n${CASE_AUDIT_USAGE}`);
    return EXIT.usage;
  }
  if (args.kind === 'help') {
    io.out(CASE_AUDIT_USAGE);
    return EXIT.ok;
  }
  const database = args.namesFrom ? await openMigratedDatabase(args.namesFrom).catch((err: Error) => err) : undefined;
  if (database instanceof Error) {
    io.err(`Revisjonen av sakene ble ikke kjørt: personkatalogen kunne ikke åpnes: ${database.message}`);
    return EXIT.internalError;
  }
  try {
    const options: CaseAuditOptions = {
      temporal: { settings: loaded.temporal },
      outDir: args.outDir,
      pseudonymise: args.pseudonymise,
      ...(args.schoolId !== undefined ? { schoolId: args.schoolId } : {}),
      ...(args.from !== undefined ? { from: args.from } : {}),
      ...(args.to !== undefined ? { to: args.to } : {}),
      ...(database ? { people: new SqlPeopleDirectory(database) } : {}),
    };
    const { report, files, exitCode } = await audit(options);
    const s = report.summary;
    io.out(`Reviderte ${s.cases} saker: ${s.conforming} følger rutinen, ${s.withoutFindings} uten funn, ${s.findings} funn.`);
    for (const [rule, n] of Object.entries(s.findingsByRule))
      io.out(`  ${CASE_RULES[rule as keyof typeof CASE_RULES]?.title ?? rule}: ${n}`);
    io.out(`Rapport: ${files.html}, ${files.json}, ${files.csv}`);
    return exitCode;
  } catch (err) {
    io.err(`Revisjonen av sakene kunne ikke kjøres: ${(err as Error).message}`);
    return EXIT.internalError;
  } finally {
    if (database) await database.close();
  }
}
