/**
 * The case CLI: open a case, send it an event, show it, list cases, list procedures. Talks to
 * Temporal with the same configuration as the worker (TEMPORAL_* variables, see README).
 * Usage: `npm run case -- --help`; exit codes: app/exit-codes.ts.
 */
import { CaseAlreadyOpenError, CaseClient, CaseNotFoundError, CaseRefusedError } from '../app/case-client';
import { DatabaseError, openMigratedDatabase } from '../app/database/database';
import { ArchiveError } from '../archive/archive-error';
import { ArchiveStore } from '../archive/archive-store';
import { DocumentFilingError, fileCaseDocument } from '../casework/file-document';
import { DocumentFormError } from '../documents/document-forms';
import { SqlPeopleDirectory } from '../people/people-store';
import { EXIT, type ExitCode } from '../app/exit-codes';
import { ConfigError, type Settings, loadSettings } from '../app/settings';
import { SchoolDirectoryError, loadSchoolDirectory } from '../detection/school-directory';
import { caseIdsOf } from '../app/temporal';
import { ProcedureError, currentProcedures } from '../machines/registry';
import type { CaseEvent } from '../machines/events';
import { type CliCommand, USAGE, UsageError, parseCli } from './args';
import { DocumentFileError, readDocumentFile } from './document-request';
import { formatCase } from './format';
import { type CaseRow, caseRowOf, formatCaseRows, sortCaseRows } from './list';
import { TriggerBelowLimitError, UnknownSchoolError, WrongProcedureError, openCaseByHand } from '../casework/opening';

/** A failure with the exit code it ends the CLI with (app/exit-codes.ts). */
class CliFailure extends Error {
  constructor(
    message: string,
    readonly code: ExitCode,
  ) {
    super(message);
  }
}

const print = (json: boolean, value: unknown, text: string) => console.log(json ? JSON.stringify(value, null, 2) : text);

/** A case that must be open to take what is sent: "no such case" is exit code 8, worded for that. */
async function toOpenCase<T>(workflowId: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof CaseNotFoundError) throw new CliFailure(`Finner ingen åpen sak «${workflowId}».`, EXIT.notFound);
    throw err;
  }
}

/**
 * Renders, archives and sends: the document `file` describes is made for the event, stored in the
 * case's archive, and the event goes to the case with the archive reference (casework/).
 */
async function sendWithDocument(cases: CaseClient, settings: Settings, workflowId: string, event: CaseEvent, file: string) {
  const document = await readDocumentFile(file);
  // As the other command lines: a relative SQLite file or archive folder is read from where the command runs (npm: the project).
  const database = await openMigratedDatabase(settings.databaseUrl);
  try {
    const filed = await toOpenCase(workflowId, async () =>
      fileCaseDocument(
        {
          cases,
          archive: new ArchiveStore(database, settings.archiveDir),
          people: new SqlPeopleDirectory(database),
          schools: await loadSchoolDirectory(settings.schoolsConfig),
        },
        { workflowId, event, ...document },
      ),
    );
    return { filed, view: await cases.view(workflowId) };
  } finally {
    await database.close();
  }
}

async function execute(
  command: Exclude<CliCommand, { kind: 'help' | 'procedures' }>,
  cases: CaseClient,
  settings: Settings,
): Promise<void> {
  const { schoolsConfig } = settings;
  switch (command.kind) {
    case 'open': {
      const directory = await loadSchoolDirectory(command.schoolsConfig ?? schoolsConfig);
      let workflowId: string;
      try {
        workflowId = await openCaseByHand(
          { cases, schools: directory },
          {
            schoolId: command.schoolId,
            pupilId: command.pupilId,
            grade: command.grade,
            trigger: command.trigger,
            ...(command.procedureId !== undefined ? { procedureId: command.procedureId } : {}),
            ...(command.version !== undefined ? { version: command.version } : {}),
            caseId: command.caseId,
            openedAt: new Date().toISOString(),
          },
        );
      } catch (err) {
        if (err instanceof ProcedureError) throw new UsageError(err.message);
        if (err instanceof CaseAlreadyOpenError) throw new CliFailure(err.message, EXIT.refusedByCase);
        throw err;
      }
      const view = await cases.view(workflowId);
      print(command.json, view, `Sak åpnet: ${workflowId}\n\n${formatCase(view)}`);
      return;
    }
    case 'send': {
      if (command.asSignal) {
        await toOpenCase(command.workflowId, () => cases.signalFacts(command.workflowId, command.event));
        // The query is answered after the signal is taken, so a refusal is on the timeline now.
        const view = await cases.view(command.workflowId);
        const refused = view.timeline.find((e) => e.kind === 'refused' && e.eventId === command.event.eventId);
        if (refused && refused.kind === 'refused') throw new CliFailure(`Saken avviste fraværet: ${refused.reason}`, EXIT.refusedByCase);
        print(command.json, view, `Fraværet er registrert i saken.\n\n${formatCase(view)}`);
        return;
      }
      if (command.document !== undefined) {
        try {
          const { filed, view } = await sendWithDocument(cases, settings, command.workflowId, command.event, command.document);
          const { reference, duplicate } = filed.filed;
          print(
            command.json,
            { applied: filed.result.applied, reference, view },
            `${duplicate ? 'Dokumentet var allerede arkivert' : 'Dokumentet er arkivert'} som ${reference}; ${filed.result.applied ? 'hendelsen er registrert.' : 'hendelsen var allerede registrert (samme hendelses-id).'}\n\n${formatCase(view)}`,
          );
        } catch (err) {
          if (err instanceof CaseRefusedError) throw new CliFailure(err.message, EXIT.refusedByCase);
          throw err;
        }
        return;
      }
      try {
        // The workflow deduplicates by event id itself and says so (applied: false); the view is asked for after it.
        const result = await toOpenCase(command.workflowId, () => cases.sendForView(command.workflowId, command.event));
        print(
          command.json,
          result,
          `${result.applied ? 'Registrert.' : 'Allerede registrert (samme hendelses-id); ingenting endret.'}\n\n${formatCase(result.view)}`,
        );
      } catch (err) {
        if (err instanceof CaseRefusedError) throw new CliFailure(err.message, EXIT.refusedByCase);
        throw err;
      }
      return;
    }
    case 'show': {
      const view = await cases.view(command.workflowId);
      print(command.json, view, formatCase(view));
      return;
    }
    case 'list': {
      const now = new Date();
      const rows: CaseRow[] = [];
      const filter = {
        ...(command.schoolId ? { schoolId: command.schoolId } : {}),
        ...(command.procedureId ? { procedureId: command.procedureId } : {}),
        ...(command.status ? { status: command.status } : {}),
        ...(command.overdue ? { overdue: true } : {}),
        ...(command.dueWithinDays !== undefined ? { dueWithinDays: command.dueWithinDays } : {}),
      };
      for await (const wf of cases.list(filter, now)) rows.push(caseRowOf(wf, now));
      const sorted = sortCaseRows(rows, command.order);
      print(command.json, sorted, formatCaseRows(sorted));
      return;
    }
  }
}

/** The exit code and message for a failure; anything not foreseen is an internal error (1). */
function failure(err: unknown): { code: ExitCode; message: string } {
  if (err instanceof CliFailure) return { code: err.code, message: err.message };
  if (err instanceof UsageError || err instanceof WrongProcedureError || err instanceof TriggerBelowLimitError)
    return { code: EXIT.usage, message: err.message };
  if (err instanceof UnknownSchoolError) return { code: EXIT.notFound, message: err.message };
  if (err instanceof ProcedureError) return { code: EXIT.notFound, message: err.message };
  if (err instanceof CaseNotFoundError) return { code: EXIT.notFound, message: err.message };
  if (err instanceof SchoolDirectoryError || err instanceof ConfigError) return { code: EXIT.badConfiguration, message: err.message };
  // A document that cannot be made from what was given: the file, its fields or a participant.
  if (err instanceof DocumentFileError) return { code: EXIT.badFile, message: err.message };
  if (err instanceof DocumentFormError || err instanceof DocumentFilingError)
    return { code: EXIT.badFile, message: `Dokumentet ble ikke laget; ingenting er arkivert eller sendt. ${err.message}` };
  if (err instanceof ArchiveError) return { code: EXIT.internalError, message: `Arkivet tok ikke imot dokumentet: ${err.message}` };
  if (err instanceof DatabaseError) return { code: EXIT.databaseUnavailable, message: err.message };
  return { code: EXIT.internalError, message: `Uventet feil: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` };
}

async function run(): Promise<void> {
  const command = parseCli(process.argv.slice(2), {
    now: () => new Date().toISOString(),
    workflowIdOf: (schoolId, pupilId) => caseIdsOf(loadSettings().temporal).workflowId(schoolId, pupilId),
  });
  if (command.kind === 'help') {
    console.log(USAGE);
    return;
  }
  if (command.kind === 'procedures') {
    const list = currentProcedures().map((p) => ({
      id: p.id,
      version: p.version,
      displayName: p.displayName,
      owner: p.owner,
      openingRules: p.openingRules,
    }));
    print(
      command.json,
      list,
      list.map((p) => `${p.id} v${p.version}  ${p.displayName} (${p.owner})\n    åpner på: ${p.openingRules.join(', ')}`).join('\n'),
    );
    return;
  }
  const settings = loadSettings();
  let cases: CaseClient;
  try {
    cases = await CaseClient.connect(settings.temporal);
  } catch (err) {
    throw new CliFailure(
      `Får ikke kontakt med Temporal på ${settings.temporal.address}: ${(err as Error).message}. Kjører «npm start»?`,
      EXIT.temporalUnavailable,
    );
  }
  try {
    await execute(command, cases, settings);
  } finally {
    await cases.close();
  }
}

run().catch((err: unknown) => {
  const { code, message } = failure(err);
  console.error(message);
  process.exit(code);
});
