/**
 * The case CLI: open a case, send it an event, show it, list cases, list procedures. Talks to
 * Temporal with the same configuration as the worker (TEMPORAL_* variables, see README).
 * Usage: `npm run case -- --help`.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { buildCaseInput, getProcedure, currentProcedures } from '../machines/registry';
import { loadTemporalConfig } from '../worker/config';
import { connectClient } from '../worker/connection';
import { caseWorkflow } from '../workflows';
import { absenceFactsSignal, caseViewQuery, caseWorkflowId, sendEventUpdate } from '../workflows/case-messages';
import { CaseStatus, SchoolId } from '../workflows/search-attributes';
import { type CliCommand, USAGE, UsageError, parseCli } from './args';
import { formatCase, formatTime } from './format';

const print = (json: boolean, value: unknown, text: string) => console.log(json ? JSON.stringify(value, null, 2) : text);

/** Temporal's execution status in the words a coordinator uses. */
const executionStatusNames: Record<string, string> = {
  RUNNING: 'åpen',
  COMPLETED: 'avsluttet',
  CONTINUED_AS_NEW: 'videreført',
  FAILED: 'feilet',
  CANCELLED: 'avbrutt',
  TERMINATED: 'stoppet',
  TIMED_OUT: 'tidsavbrutt',
};

async function execute(command: Exclude<CliCommand, { kind: 'help' | 'procedures' }>, client: Client, taskQueue: string): Promise<void> {
  switch (command.kind) {
    case 'open': {
      const procedure = getProcedure(command.procedureId, command.version);
      const facts = {
        caseId: command.caseId,
        pupilId: command.pupilId,
        schoolId: command.schoolId,
        grade: command.grade,
        openedAt: new Date().toISOString(),
        trigger: command.trigger,
      };
      buildCaseInput(procedure, facts, command.policyOverrides); // refuse bad input before anything starts
      const workflowId = caseWorkflowId(command.schoolId, command.pupilId);
      try {
        await client.workflow.start(caseWorkflow, {
          taskQueue,
          workflowId,
          args: [{ procedureId: procedure.id, procedureVersion: procedure.version, facts, ...(command.policyOverrides ? { policyOverrides: command.policyOverrides } : {}) }],
        });
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          throw new UsageError(`Eleven har allerede en åpen sak ved denne skolen: ${workflowId}`);
        }
        throw err;
      }
      const view = await client.workflow.getHandle(workflowId).query(caseViewQuery);
      print(command.json, view, `Sak åpnet: ${workflowId}\n\n${formatCase(view)}`);
      return;
    }
    case 'send': {
      const handle = client.workflow.getHandle(command.workflowId);
      if (command.asSignal) {
        await handle.signal(absenceFactsSignal, command.event);
        const view = await handle.query(caseViewQuery);
        print(command.json, view, `Sendt som fakta fra fraværsregistreringen.\n\n${formatCase(view)}`);
        return;
      }
      try {
        // The workflow deduplicates by event id itself and says so (applied: false).
        const result = await handle.executeUpdate(sendEventUpdate, { args: [command.event] });
        print(command.json, result, `${result.applied ? 'Registrert.' : 'Allerede registrert (samme hendelses-id); ingenting endret.'}\n\n${formatCase(result.view)}`);
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) throw new UsageError(`Saken avviste hendelsen: ${err.cause?.message ?? err.message}`);
        throw err;
      }
      return;
    }
    case 'show': {
      const view = await client.workflow.getHandle(command.workflowId).query(caseViewQuery);
      print(command.json, view, formatCase(view));
      return;
    }
    case 'list': {
      const clauses = ["WorkflowType = 'caseWorkflow'"];
      if (command.schoolId) clauses.push(`${SchoolId.name} = '${command.schoolId.replace(/'/g, "\\'")}'`);
      if (command.status) clauses.push(`${CaseStatus.name} = '${command.status}'`);
      const rows: { workflowId: string; status: string; stage?: string; nextDeadline?: string }[] = [];
      for await (const wf of client.workflow.list({ query: clauses.join(' AND ') })) {
        const next = wf.typedSearchAttributes.getAll().find((p) => p.key.name === 'NextDeadline')?.value;
        const stage = wf.typedSearchAttributes.getAll().find((p) => p.key.name === 'CaseStage')?.value;
        rows.push({
          workflowId: wf.workflowId,
          status: executionStatusNames[wf.status.name] ?? wf.status.name,
          ...(typeof stage === 'string' ? { stage } : {}),
          ...(next instanceof Date ? { nextDeadline: next.toISOString() } : {}),
        });
      }
      const text = rows.length
        ? rows.map((r) => `${r.workflowId}  ${r.status}  ${r.stage ?? '–'}  ${r.nextDeadline ? `neste frist ${formatTime(r.nextDeadline)}` : ''}`).join('\n')
        : 'Ingen saker.';
      print(command.json, rows, text);
      return;
    }
  }
}

async function run(): Promise<void> {
  const command = parseCli(process.argv.slice(2), { now: () => new Date().toISOString(), workflowIdOf: caseWorkflowId });
  if (command.kind === 'help') {
    console.log(USAGE);
    return;
  }
  if (command.kind === 'procedures') {
    const list = currentProcedures().map((p) => ({ id: p.id, version: p.version, displayName: p.displayName, owner: p.owner, openingRules: p.openingRules }));
    print(command.json, list, list.map((p) => `${p.id} v${p.version}  ${p.displayName} (${p.owner})\n    åpner på: ${p.openingRules.join(', ')}`).join('\n'));
    return;
  }
  const config = loadTemporalConfig();
  const client = await connectClient(config);
  try {
    await execute(command, client, config.taskQueue);
  } finally {
    await client.connection.close();
  }
}

run().catch((err) => {
  console.error(err instanceof UsageError ? err.message : err instanceof Error ? `Feil: ${err.message}` : err);
  process.exit(err instanceof UsageError ? 2 : 1);
});
