/**
 * The one typed way into the cases for every client (the case CLI, detection, scripts and the
 * coming web application): open a case, send it a person's event (the `sendEvent` Update) or
 * detection's facts (the `absenceFacts` Signal), view it (the `caseView` Query) and list and
 * filter cases through Temporal visibility. Temporal's own "not found" and "update failed" become
 * the errors below, so no caller has to know the SDK's error classes.
 */
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  type WorkflowExecutionInfo,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { CaseEvent } from '../machines/events';
import type { caseWorkflow } from '../workflows/case-workflow';
import {
  type CaseView,
  type CaseWorkflowInput,
  type SendEventResult,
  absenceFactsSignal,
  caseViewQuery,
  daysOverdueAt,
  sendEventForView,
  sendEventUpdate,
} from '../workflows/case-messages';
import { CaseOpenedAt, CaseStage, CaseStatus, DeadlineOverdue, NextDeadline, ProcedureId, SchoolId } from '../workflows/search-attributes';
import { CaseIds } from './case-ids';
import type { TemporalSettings } from './settings';
import { connectClient, keyRingOf } from './temporal';

const DAY_MS = 24 * 60 * 60 * 1000;

/** No case with this workflow id (or, for a signal or an event, no open one). */
export class CaseNotFoundError extends Error {
  override name = 'CaseNotFoundError';
  constructor(readonly workflowId: string) {
    super(`Finner ingen sak «${workflowId}».`);
  }
}

/** The pupil already has an open case at the school. */
export class CaseAlreadyOpenError extends Error {
  override name = 'CaseAlreadyOpenError';
  constructor(readonly workflowId: string) {
    super(`Eleven har allerede en åpen sak ved denne skolen: ${workflowId}`);
  }
}

/** The case refused a person's event; `reason` is the case's own Norwegian explanation. */
export class CaseRefusedError extends Error {
  override name = 'CaseRefusedError';
  constructor(readonly reason: string) {
    super(`Saken avviste hendelsen: ${reason}`);
  }
}

/** Which cases to list; every field narrows the list. */
export interface CaseFilter {
  schoolId?: string;
  /** Any of these schools (a coordinator's municipality); an empty list matches nothing. */
  schoolIds?: readonly string[];
  /** Only these cases; an empty list matches nothing. */
  workflowIds?: readonly string[];
  /** Only the cases of these pupils at `schoolId` (a contact teacher's); an empty list matches nothing. */
  pupilIds?: readonly string[];
  /** The public stage (machines/labels.ts stageNames). */
  stage?: string;
  procedureId?: string;
  status?: 'open' | 'closed';
  /** Only cases with a deadline a person has missed. */
  overdue?: boolean;
  /** Only cases whose next deadline falls within this many days of `now` (or has passed). */
  dueWithinDays?: number;
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** `name IN (…)`; an empty list becomes a clause no case matches (never "every case"). */
function inList(name: string, values: readonly string[]): string {
  return values.length === 0 ? `${name} = ''` : `${name} IN (${values.map(quote).join(', ')})`;
}

/** The visibility query that lists the cases `filter` asks for, as of `now`. */
export function caseListQuery(filter: CaseFilter, now: Date): string {
  const clauses = ["WorkflowType = 'caseWorkflow'"];
  if (filter.schoolId !== undefined) clauses.push(`${SchoolId.name} = ${quote(filter.schoolId)}`);
  if (filter.schoolIds !== undefined) clauses.push(inList(SchoolId.name, filter.schoolIds));
  if (filter.workflowIds !== undefined) clauses.push(inList('WorkflowId', filter.workflowIds));
  if (filter.procedureId !== undefined) clauses.push(`${ProcedureId.name} = ${quote(filter.procedureId)}`);
  if (filter.stage !== undefined) clauses.push(`${CaseStage.name} = ${quote(filter.stage)}`);
  if (filter.status !== undefined) clauses.push(`${CaseStatus.name} = ${quote(filter.status)}`);
  if (filter.overdue) clauses.push(`${DeadlineOverdue.name} = true`);
  if (filter.dueWithinDays !== undefined) {
    clauses.push(`${NextDeadline.name} <= '${new Date(now.getTime() + filter.dueWithinDays * DAY_MS).toISOString()}'`);
  }
  return clauses.join(' AND ');
}

/**
 * What a case is found by from the moment it is started: the workflow sets these again (with its
 * stage, status and deadlines) in its first task, but a list taken in between would otherwise
 * show the case without its school and procedure.
 */
export function openingSearchAttributes(input: CaseWorkflowInput): SearchAttributePair[] {
  return [
    { key: SchoolId, value: input.facts.schoolId },
    { key: ProcedureId, value: input.procedureId },
    { key: CaseOpenedAt, value: new Date(input.facts.openedAt) },
  ];
}

/**
 * The case's memo: whose case it is, for the lists (visibility gives the memo with each case).
 * The memo goes through the payload codec, so the pupil's id is sealed like the case itself.
 */
export interface CaseMemo {
  pupilId: string;
}

/** The pupil of a listed case, from its memo (undefined for a case started without one). */
export function pupilOfListed(wf: Pick<WorkflowExecutionInfo, 'memo'>): string | undefined {
  const pupilId = (wf.memo as Partial<CaseMemo> | undefined)?.pupilId;
  return typeof pupilId === 'string' ? pupilId : undefined;
}

function caseMemo(input: CaseWorkflowInput): Record<string, unknown> {
  return { pupilId: input.facts.pupilId } satisfies CaseMemo;
}

export class CaseClient {
  constructor(
    /** The Temporal client underneath, for what cases are not (schedules, other workflows). */
    readonly client: Client,
    /** The task queue new cases are started on. */
    readonly taskQueue: string,
    /** The pseudonymous case ids (app/case-ids.ts), from the same key file as the client's codec. */
    readonly ids: CaseIds,
  ) {}

  /** Connects with the given settings (app/settings.ts). */
  static async connect(settings: TemporalSettings): Promise<CaseClient> {
    // The key file read once: its payload keys for the codec, its id key for the case ids.
    const ring = keyRingOf(settings);
    return new CaseClient(await connectClient(settings, ring), settings.taskQueue, new CaseIds(ring.caseIdKey));
  }

  /** The workflow id of the pupil's case at the school (pseudonymous). */
  workflowIdFor(schoolId: string, pupilId: string): string {
    return this.ids.workflowId(schoolId, pupilId);
  }

  /** Opens the pupil's case; returns its workflow id. Throws CaseAlreadyOpenError. */
  async open(input: CaseWorkflowInput): Promise<string> {
    const workflowId = this.workflowIdFor(input.facts.schoolId, input.facts.pupilId);
    try {
      await this.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
        taskQueue: this.taskQueue,
        workflowId,
        args: [input],
        typedSearchAttributes: openingSearchAttributes(input),
        memo: caseMemo(input),
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new CaseAlreadyOpenError(workflowId);
      throw err;
    }
    return workflowId;
  }

  /**
   * Delivers one of detection's facts, opening the case with `input` if none is open
   * (signal-with-start: atomic, so a case that closes in between is simply opened anew).
   */
  async openOrSignal(workflowId: string, input: CaseWorkflowInput, event: CaseEvent): Promise<void> {
    await this.client.workflow.signalWithStart<typeof caseWorkflow, [CaseEvent]>('caseWorkflow', {
      workflowId,
      taskQueue: this.taskQueue,
      args: [input],
      typedSearchAttributes: openingSearchAttributes(input),
      memo: caseMemo(input),
      signal: absenceFactsSignal,
      signalArgs: [event],
    });
  }

  /** Delivers one of detection's facts to the open case. Throws CaseNotFoundError when none is open. */
  async signalFacts(workflowId: string, event: CaseEvent): Promise<void> {
    try {
      await this.client.workflow.getHandle(workflowId).signal(absenceFactsSignal, event);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new CaseNotFoundError(workflowId);
      throw err;
    }
  }

  /** Sends a person's event; answers with the Update's receipt. Throws CaseRefusedError, CaseNotFoundError. */
  async send(workflowId: string, event: CaseEvent): Promise<SendEventResult> {
    return this.refusals(workflowId, () => this.client.workflow.getHandle(workflowId).executeUpdate(sendEventUpdate, { args: [event] }));
  }

  /** Sends a person's event and returns whether it was applied with the case's view after it. */
  async sendForView(workflowId: string, event: CaseEvent): Promise<{ applied: boolean; view: CaseView }> {
    return this.refusals(workflowId, () => sendEventForView(this.client.workflow.getHandle(workflowId), event));
  }

  /**
   * The case as coordinators see it, with the days overdue counted to `now` (the Query answers on
   * the case's own clock, its last activity). Throws CaseNotFoundError.
   */
  async view(workflowId: string, now: Date = new Date()): Promise<CaseView> {
    let view: CaseView;
    try {
      view = await this.client.workflow.getHandle(workflowId).query(caseViewQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new CaseNotFoundError(workflowId);
      throw err;
    }
    return view.overdueSince === null ? view : { ...view, daysOverdue: daysOverdueAt(view.overdueSince, now.getTime()) };
  }

  /** Whether a case with this id is running now. */
  async isOpen(workflowId: string): Promise<boolean> {
    try {
      return (await this.client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /** The cases `filter` asks for, from visibility (search attributes only; no case is queried). Each case once, by its current run. */
  async *list(filter: CaseFilter, now: Date = new Date()): AsyncGenerator<WorkflowExecutionInfo> {
    const { pupilIds, ...rest } = filter;
    // A pupil's case is found by its pseudonymous id, which only a client with the key can compute.
    const ofPupils = pupilIds?.map((p) => this.workflowIdFor(rest.schoolId ?? '', p));
    const resolved: CaseFilter =
      ofPupils === undefined
        ? rest
        : { ...rest, workflowIds: rest.workflowIds ? rest.workflowIds.filter((id) => ofPupils.includes(id)) : ofPupils };
    for await (const wf of this.client.workflow.list({ query: caseListQuery(resolved, now) })) {
      if (wf.status.name !== 'CONTINUED_AS_NEW') yield wf;
    }
  }

  async close(): Promise<void> {
    await this.client.connection.close();
  }

  private async refusals<T>(workflowId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) throw new CaseRefusedError(err.cause?.message ?? err.message);
      if (err instanceof WorkflowNotFoundError) throw new CaseNotFoundError(workflowId);
      throw err;
    }
  }
}
