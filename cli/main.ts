/**
 * The case CLI: open a case, send it an event, show it, list cases, list procedures. Talks to
 * Temporal with the same configuration as the worker (TEMPORAL_* variables, see README).
 * Usage: `npm run case -- --help`; exit codes: cli/exit-codes.ts.
 */
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { DEFAULT_SCHOOLS_CONFIG, SchoolDirectoryError, loadSchoolDirectory } from '../detection/school-directory';
import { ProcedureError, buildCaseInput, currentProcedures } from '../machines/registry';
import { ConfigError, loadTemporalConfig } from '../worker/config';
import { connectClient } from '../worker/connection';
import { caseWorkflow } from '../workflows';
import { type CaseView, absenceFactsSignal, caseViewQuery, caseWorkflowId, sendEventForView } from '../workflows/case-messages';
import { CaseStatus, DeadlineOverdue, NextDeadline, ProcedureId, SchoolId } from '../workflows/search-attributes';
import { type CliCommand, USAGE, UsageError, parseCli } from './args';
import { EXIT, type ExitCode } from './exit-codes';
import { formatCase } from './format';
import { type CaseRow, caseRowOf, formatCaseRows, sortCaseRows } from './list';
import { TriggerBelowLimitError, UnknownSchoolError, WrongProcedureError, checkOpeningTrigger, resolveOpening } from './opening';

/** A failure with the exit code it ends the CLI with (cli/exit-codes.ts). */
class CliFailure extends Error {
  constructor(
    message: string,
    readonly code: ExitCode,
  ) {
    super(message);
  }
}

const print = (json: boolean, value: unknown, text: string) => console.log(json ? JSON.stringify(value, null, 2) : text);
const quote = (value: string) => `'${value.replace(/'/g, "\\'")}'`;

/** A query on a case, turning "no such case" into exit code 8. */
async function viewOf(client: Client, workflowId: string): Promise<CaseView> {
  try {
    return await client.workflow.getHandle(workflowId).query(caseViewQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new CliFailure(`Finner ingen sak «${workflowId}».`, EXIT.notFound);
    throw err;
  }
}

async function execute(command: Exclude<CliCommand, { kind: 'help' | 'procedures' }>, client: Client, taskQueue: string): Promise<void> {
  switch (command.kind) {
    case 'open': {
      const directory = await loadSchoolDirectory(command.schoolsConfig ?? process.env.SCHOOLS_CONFIG ?? DEFAULT_SCHOOLS_CONFIG);
      const opening = resolveOpening(directory, command.schoolId, command.procedureId, command.version);
      const { procedure, policyOverrides } = opening;
      const facts = {
        caseId: command.caseId,
        pupilId: command.pupilId,
        schoolId: command.schoolId,
        grade: command.grade,
        openedAt: new Date().toISOString(),
        trigger: command.trigger,
      };
      try {
        buildCaseInput(procedure, facts, policyOverrides); // refuse bad input before anything starts
        checkOpeningTrigger(opening, command.trigger);
      } catch (err) {
        if (err instanceof ProcedureError) throw new UsageError(err.message);
        throw err;
      }
      const workflowId = caseWorkflowId(command.schoolId, command.pupilId);
      try {
        await client.workflow.start(caseWorkflow, {
          taskQueue,
          workflowId,
          args: [
            { procedureId: procedure.id, procedureVersion: procedure.version, facts, ...(policyOverrides ? { policyOverrides } : {}) },
          ],
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          throw new CliFailure(`Eleven har allerede en åpen sak ved denne skolen: ${workflowId}`, EXIT.refusedByCase);
        }
        throw err;
      }
      const view = await viewOf(client, workflowId);
      print(command.json, view, `Sak åpnet: ${workflowId}\n\n${formatCase(view)}`);
      return;
    }
    case 'send': {
      const handle = client.workflow.getHandle(command.workflowId);
      if (command.asSignal) {
        try {
          await handle.signal(absenceFactsSignal, command.event);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) throw new CliFailure(`Finner ingen åpen sak «${command.workflowId}».`, EXIT.notFound);
          throw err;
        }
        // The query is answered after the signal is taken, so a refusal is on the timeline now.
        const view = await viewOf(client, command.workflowId);
        const refused = view.timeline.find((e) => e.kind === 'refused' && e.eventId === command.event.eventId);
        if (refused && refused.kind === 'refused') throw new CliFailure(`Saken avviste fraværet: ${refused.reason}`, EXIT.refusedByCase);
        print(command.json, view, `Fraværet er registrert i saken.\n\n${formatCase(view)}`);
        return;
      }
      try {
        // The workflow deduplicates by event id itself and says so (applied: false); the view is asked for after it.
        const result = await sendEventForView(handle, command.event);
        print(
          command.json,
          result,
          `${result.applied ? 'Registrert.' : 'Allerede registrert (samme hendelses-id); ingenting endret.'}\n\n${formatCase(result.view)}`,
        );
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError)
          throw new CliFailure(`Saken avviste hendelsen: ${err.cause?.message ?? err.message}`, EXIT.refusedByCase);
        if (err instanceof WorkflowNotFoundError) throw new CliFailure(`Finner ingen åpen sak «${command.workflowId}».`, EXIT.notFound);
        throw err;
      }
      return;
    }
    case 'show': {
      const view = await viewOf(client, command.workflowId);
      print(command.json, view, formatCase(view));
      return;
    }
    case 'list': {
      const now = new Date();
      const clauses = ["WorkflowType = 'caseWorkflow'"];
      if (command.schoolId) clauses.push(`${SchoolId.name} = ${quote(command.schoolId)}`);
      if (command.procedureId) clauses.push(`${ProcedureId.name} = ${quote(command.procedureId)}`);
      if (command.status) clauses.push(`${CaseStatus.name} = '${command.status}'`);
      if (command.overdue) clauses.push(`${DeadlineOverdue.name} = true`);
      if (command.dueWithinDays !== undefined) {
        clauses.push(`${NextDeadline.name} <= '${new Date(now.getTime() + command.dueWithinDays * 24 * 60 * 60 * 1000).toISOString()}'`);
      }
      const rows: CaseRow[] = [];
      for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
        // A case that continued as new is listed once, by its current run.
        if (wf.status.name === 'CONTINUED_AS_NEW') continue;
        rows.push(caseRowOf(wf, now));
      }
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
  if (err instanceof SchoolDirectoryError || err instanceof ConfigError) return { code: EXIT.badConfiguration, message: err.message };
  return { code: EXIT.internalError, message: `Uventet feil: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` };
}

async function run(): Promise<void> {
  const command = parseCli(process.argv.slice(2), { now: () => new Date().toISOString(), workflowIdOf: caseWorkflowId });
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
  const config = loadTemporalConfig();
  let client: Client;
  try {
    client = await connectClient(config);
  } catch (err) {
    throw new CliFailure(
      `Får ikke kontakt med Temporal på ${config.address}: ${(err as Error).message}. Kjører «npm start»?`,
      EXIT.temporalUnavailable,
    );
  }
  try {
    await execute(command, client, config.taskQueue);
  } finally {
    await client.connection.close();
  }
}

run().catch((err: unknown) => {
  const { code, message } = failure(err);
  console.error(message);
  process.exit(code);
});
