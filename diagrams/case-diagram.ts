/**
 * One case's diagram: asks the case workflow for its machine state and route
 * (`caseMachineStateQuery`) and draws its procedure with the route and current state marked.
 * Used by `npm run diagrams -- --case` and tested on the time-skipping server.
 */
import { type Client, ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { type ProcedureDefinition, type ProcedureRegistry, ProcedureError, procedureRegistry } from '../machines/registry';
import { type CaseMachineState, caseMachineStateQuery } from '../workflows/case-messages';
import { procedureDot } from './dot';
import { buildGraph } from './graph';
import { renderSvg } from './render';
import { NamedError } from '../app/named-error';

/** How long the case may take to answer; a query waits for a worker, and none may be running. */
const QUERY_TIMEOUT_MS = 15_000;

/** Thrown when no case exists for the pupil at the school. */
export class CaseNotFoundError extends NamedError {}

/** Thrown when Temporal cannot be reached (connecting, or the connection lost while asking). */
export class TemporalUnreachableError extends NamedError {}

/** Thrown when the case exists but cannot be drawn (no answer, or a procedure this build lacks). */
export class CaseDiagramError extends NamedError {}

export interface CaseDiagram {
  workflowId: string;
  procedure: ProcedureDefinition;
  state: CaseMachineState;
  /** Norwegian label of the state the case is in now. */
  currentLabel: string;
  dot: string;
  svg: string;
}

/** Asks the case for its machine state and route. Throws CaseNotFoundError or CaseDiagramError. */
async function queryMachineState(client: Client, workflowId: string): Promise<CaseMachineState> {
  try {
    const handle = client.workflow.getHandle(workflowId);
    return await client.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(caseMachineStateQuery));
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new CaseNotFoundError(`Fant ingen sak med id ${workflowId}. Sjekk skole- og elev-id (npm run case -- list viser sakene).`);
    }
    if (err instanceof ServiceError && /DEADLINE_EXCEEDED|deadline/i.test(`${err.message} ${String(err.cause)}`)) {
      throw new CaseDiagramError(
        `Saken ${workflowId} svarte ikke innen ${QUERY_TIMEOUT_MS / 1000} sekunder. Kjører workeren (npm run worker)?`,
      );
    }
    if (err instanceof ServiceError && /UNAVAILABLE|ECONNREFUSED/i.test(`${err.message} ${String(err.cause)}`)) {
      throw new TemporalUnreachableError(
        `Mistet kontakten med Temporal mens saken ${workflowId} ble spurt: ${String(err.cause ?? err.message)}`,
      );
    }
    throw err;
  }
}

/**
 * The diagram of the case `workflowId` (app/case-ids.ts gives a pupil's): DOT and SVG of the
 * procedure version the case runs, with its route and current state marked.
 */
export async function caseDiagram(
  client: Client,
  workflowId: string,
  registry: ProcedureRegistry = procedureRegistry,
): Promise<CaseDiagram> {
  const state = await queryMachineState(client, workflowId);
  let procedure: ProcedureDefinition;
  try {
    procedure = registry.get(state.procedureId, state.procedureVersion);
  } catch (err) {
    if (err instanceof ProcedureError) {
      throw new CaseDiagramError(
        `Saken ${workflowId} følger rutinen ${state.procedureId} versjon ${state.procedureVersion}, som denne versjonen av programmet ikke kjenner.`,
      );
    }
    throw err;
  }
  const dot = procedureDot(procedure, {
    highlight: { current: state.path, route: state.route.map((step) => ({ path: step.path, cause: step.cause })) },
    caption: `Sak ${workflowId}${state.status === 'done' ? ' (avsluttet)' : ''}`,
  });
  const currentLabel = buildGraph(procedure).states.find((s) => s.path === state.path)?.label ?? state.path;
  return { workflowId, procedure, state, currentLabel, dot, svg: await renderSvg(dot) };
}

/** The case's diagram as an SVG document (see `caseDiagram`). */
export async function caseDiagramSvg(client: Client, workflowId: string): Promise<string> {
  return (await caseDiagram(client, workflowId)).svg;
}
