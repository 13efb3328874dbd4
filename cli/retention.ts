/**
 * Command line for retention and deletion (casework/retention.ts):
 *   npm run retention -- [--dry-run] [--today ÅÅÅÅ-MM-DD] [--database URL]
 * Deletes the working data of every case closed more than CASE_RETENTION_DAYS days before today
 * (its runs in Temporal, delivery records, its outbox files) and sets the namespace's retention
 * to the same period; keeps registrations, detection's ledger (so old absence never opens a new
 * case), the access log and the archive. Prints a Norwegian summary per case (pseudonymous id
 * only) and totals. Exit codes (app/exit-codes.ts): ok, usage, badConfiguration,
 * temporalUnavailable (what was deleted stays deleted; run again), databaseUnavailable,
 * internalError.
 */
import { isGrpcServiceError } from '@temporalio/client';
import { CaseClient } from '../app/case-client';
import { EXIT, type ExitCode, exitCodeMeanings } from '../app/exit-codes';
import { osloDate } from '../app/oslo-time';
import { type Settings, loadSettings } from '../app/settings';
import { type CaseDeletion, type RetentionReport, applyRetention } from '../casework/retention';
import { isCalendarDate } from '../casework/retention-due';
import { quoteValue } from '../machines/identifiers';
import { type CommandIo, commandOrExit, databaseOrExit, databaseUrlOption, parseCommandLine, runAsMain } from './command-line';

const exitCodesUsed: readonly ExitCode[] = [
  EXIT.ok,
  EXIT.usage,
  EXIT.badConfiguration,
  EXIT.temporalUnavailable,
  EXIT.databaseUnavailable,
  EXIT.internalError,
];

export const RETENTION_USAGE = `Bruk: npm run retention -- [--dry-run] [--today ÅÅÅÅ-MM-DD] [--database URL]

Sletter arbeidsdata for saker som ble avsluttet for mer enn CASE_RETENTION_DAYS dager siden
(standard 365): sakens kjøringer i Temporal, leveringsloggen for meldingene og sakens filer i
den lokale utboksen (OUTBOX_DIR). Navnerommets oppbevaringstid i Temporal settes til samme antall
dager. Fraværsregistreringene, deteksjonsloggen (så gammelt fravær aldri åpner en ny sak),
tilgangsloggen og arkivet beholdes; arkiverte dokumenter følger arkivets regler og telles, så
arkivaren kan følge dem opp.

--dry-run   sletter ingenting og endrer ingenting, viser hva som ville blitt slettet
--today     dagens dato (standard: i dag, norsk tid)
--database  skolens database (standard: DATABASE_URL, ellers SQLite-filen data/skolefravaer.sqlite)

Trygt å kjøre flere ganger: en ny kjøring finner ingenting igjen å slette.

Avslutningskoder:
${exitCodesUsed.map((code) => `  ${code}  ${exitCodeMeanings[code]}`).join('\n')}`;

class UsageError extends Error {}

function parseCommand(argv: string[], settings: () => Settings, today: () => string) {
  const { values, positionals } = parseCommandLine(
    {
      args: argv,
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean' },
        today: { type: 'string' },
        database: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    UsageError,
  );
  if (values.help) return { kind: 'help' as const };
  if (positionals.length > 0)
    throw new UsageError(`Uventet argument ${positionals.map((p) => quoteValue(p)).join(', ')}: retention tar bare valg.`);
  if (values.today !== undefined && !isCalendarDate(values.today))
    throw new UsageError(`--today må være en dato ÅÅÅÅ-MM-DD (fikk ${quoteValue(values.today)}).`);
  const defaults = settings();
  return {
    kind: 'run' as const,
    dryRun: values['dry-run'] ?? false,
    today: values.today ?? today(),
    databaseUrl: databaseUrlOption(values.database, defaults.databaseUrl, UsageError),
    settings: defaults,
  };
}

const number = (n: number) => n.toLocaleString('nb-NO');
const count = (n: number, one: string, many: string) => `${number(n)} ${n === 1 ? one : many}`;

/** One case's line: what was (or would be) deleted and what is kept. */
export function formatCaseDeletion(deletion: CaseDeletion, dryRun: boolean): string {
  const verb = dryRun ? 'ville slettet' : 'slettet';
  const parts = [
    count(deletion.runs, 'kjøring i Temporal', 'kjøringer i Temporal'),
    count(deletion.deliveries, 'leveringsrad', 'leveringsrader'),
    count(deletion.outboxFiles, 'fil i utboksen', 'filer i utboksen'),
  ];
  const kept =
    deletion.archivedDocuments === 0
      ? 'ingen arkiverte dokumenter'
      : `${count(deletion.archivedDocuments, 'arkivert dokument', 'arkiverte dokumenter')} beholdes ` +
        `(saksmappe ${deletion.archiveCaseFiles.join(', ')}; følger arkivets regler)`;
  const line = `Sak ${deletion.workflowId}, avsluttet ${osloDate(deletion.closedAt)}: ${verb} ${parts.join(', ')}; ${kept}.`;
  if (dryRun || deletion.runsUnconfirmed === 0) return line;
  return (
    `${line} Temporal har ennå ikke bekreftet slettingen av ${count(deletion.runsUnconfirmed, 'kjøring', 'kjøringer')}; ` +
    'kjør kommandoen igjen senere for å se etter.'
  );
}

/** The whole summary: the namespace's retention, one line per case, and the totals. */
export function formatRetentionReport(report: RetentionReport, retentionDays: number, dryRun: boolean): string[] {
  const before = report.namespaceRetentionBefore === undefined ? 'ukjent' : count(report.namespaceRetentionBefore, 'dag', 'dager');
  const lines = [
    dryRun ? 'Prøvekjøring (--dry-run): ingenting er slettet eller endret.' : undefined,
    report.namespaceRetentionChanged
      ? `Temporal: navnerommets oppbevaringstid ${dryRun ? 'ville blitt satt' : 'er satt'} til ${count(retentionDays, 'dag', 'dager')} (var ${before}).`
      : `Temporal: navnerommets oppbevaringstid er allerede ${count(retentionDays, 'dag', 'dager')}.`,
    ...report.cases.map((c) => formatCaseDeletion(c, dryRun)),
  ].filter((line): line is string => line !== undefined);
  if (report.cases.length === 0) {
    lines.push(
      `Ingen saker å slette: ingen sak ble avsluttet før ${report.keptFrom} (oppbevaringstid ${count(retentionDays, 'dag', 'dager')}).`,
    );
    return lines;
  }
  const sum = (key: 'runs' | 'deliveries' | 'outboxFiles' | 'archivedDocuments') => report.cases.reduce((total, c) => total + c[key], 0);
  lines.push(
    `Totalt ${count(report.cases.length, 'sak', 'saker')} avsluttet før ${report.keptFrom}: ${dryRun ? 'ville slettet' : 'slettet'} ` +
      `${count(sum('runs'), 'kjøring', 'kjøringer')}, ${count(sum('deliveries'), 'leveringsrad', 'leveringsrader')}, ` +
      `${count(sum('outboxFiles'), 'fil', 'filer')} i utboksen; ` +
      `${count(sum('archivedDocuments'), 'arkivert dokument', 'arkiverte dokumenter')} beholdt.`,
  );
  return lines;
}

/** How the command reaches the cases; tests pass a client of their own server. */
export type ConnectCases = (settings: Settings) => Promise<{ cases: CaseClient; close(): Promise<void> }>;

const connectFromSettings: ConnectCases = async (settings) => {
  const cases = await CaseClient.connect(settings.temporal);
  return { cases, close: () => cases.close() };
};

/** Runs the CLI and returns its exit code; printing goes through `io` so tests can read it. */
export async function runRetentionCli(
  argv: string[],
  io: CommandIo = { out: console.log, err: console.error },
  settings: () => Settings = loadSettings,
  connect: ConnectCases = connectFromSettings,
  today: () => string = () => osloDate(),
): Promise<ExitCode> {
  const command = commandOrExit(() => parseCommand(argv, settings, today), io, {
    usageError: UsageError,
    usage: RETENTION_USAGE,
    notDone: 'Ingenting ble slettet',
  });
  if (typeof command === 'number') return command;
  const notDone = command.dryRun ? 'Prøvekjøringen ble ikke fullført' : 'Slettingen ble ikke fullført';
  const database = await databaseOrExit(command.databaseUrl, io, notDone);
  if (typeof database === 'number') return database;
  let connection: Awaited<ReturnType<ConnectCases>> | undefined;
  try {
    try {
      connection = await connect(command.settings);
    } catch (err) {
      io.err(`${notDone}: Temporal kunne ikke nås på ${command.settings.temporal.address} (${(err as Error).message}).`);
      return EXIT.temporalUnavailable;
    }
    const retentionDays = command.settings.caseRetentionDays;
    const report = await applyRetention(
      { cases: connection.cases, database, outboxDir: command.settings.outboxDir },
      { today: command.today, retentionDays, dryRun: command.dryRun },
    );
    for (const line of formatRetentionReport(report, retentionDays, command.dryRun)) io.out(line);
    return EXIT.ok;
  } catch (err) {
    if (!isGrpcServiceError(err)) throw err;
    io.err(`${notDone}: Temporal avviste eller svarte ikke (${err.message}). Det som er slettet, er slettet; kjør kommandoen på nytt.`);
    return EXIT.temporalUnavailable;
  } finally {
    await connection?.close();
    await database.close();
  }
}

if (require.main === module) void runAsMain(runRetentionCli, 'slettingen');
