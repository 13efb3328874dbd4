/**
 * The case list behind «Saker» and «Mine oppgaver»: the cases a person may see, narrowed by the
 * page's filters, read from Temporal visibility (search attributes only: no case is asked), sorted
 * by next deadline (overdue first) and cut into pages. Visibility on the embedded SQL store cannot
 * order by a custom attribute, so the list is sorted here: each row is a few hundred bytes, and
 * the benchmark measures the cost with many thousand open cases.
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { type CaseFilter, pupilOfListed } from '../app/case-client';
import {
  CaseOpenedAt,
  CaseStage,
  CaseStatus,
  DeadlineOverdue,
  NextDeadline,
  OverdueSince,
  ProcedureId,
  SchoolId,
} from '../workflows/search-attributes';
import type { CaseScope } from './case-access';

/** One case as the list shows it. */
export interface CaseRow {
  workflowId: string;
  schoolId: string;
  pupilId: string;
  procedureId: string;
  stage: string;
  status: 'open' | 'closed';
  nextDeadline?: Date;
  overdue: boolean;
  overdueSince?: Date;
  openedAt?: Date;
  closedAt?: Date;
}

/** What lists cases: the case client's `list`. */
export interface CaseLister {
  list(filter: CaseFilter, now?: Date): AsyncIterable<WorkflowExecutionInfo>;
}

/** The page's own filters (each narrows the list). */
export interface ListFilters {
  schoolId?: string;
  procedureId?: string;
  stage?: string;
  status?: 'open' | 'closed';
  overdue?: boolean;
  dueWithinDays?: number;
}

/** The visibility filter for the person's scope and the page's filters, or undefined when nothing can match. */
export function scopedFilter(scope: CaseScope, filters: ListFilters): CaseFilter | undefined {
  const filter: CaseFilter = {
    ...(filters.procedureId ? { procedureId: filters.procedureId } : {}),
    ...(filters.stage ? { stage: filters.stage } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.overdue ? { overdue: true } : {}),
    ...(filters.dueWithinDays !== undefined ? { dueWithinDays: filters.dueWithinDays } : {}),
  };
  if (scope.kind === 'all') return filters.schoolId ? { ...filter, schoolId: filters.schoolId } : filter;
  if (scope.kind === 'schools') {
    const schoolIds = filters.schoolId ? scope.schoolIds.filter((id) => id === filters.schoolId) : scope.schoolIds;
    return schoolIds.length === 0 ? undefined : { ...filter, schoolIds };
  }
  if (filters.schoolId && filters.schoolId !== scope.schoolId) return undefined;
  if (scope.pupilIds.length === 0) return undefined;
  return { ...filter, schoolId: scope.schoolId, pupilIds: scope.pupilIds };
}

/** The row of one execution from its search attributes. */
export function rowOf(wf: WorkflowExecutionInfo): CaseRow {
  const attrs = wf.typedSearchAttributes;
  const schoolId = attrs.get(SchoolId) ?? '';
  return {
    workflowId: wf.workflowId,
    schoolId,
    // From the case's memo (sealed by the codec); the workflow id is pseudonymous.
    pupilId: pupilOfListed(wf) ?? '',
    procedureId: attrs.get(ProcedureId) ?? '',
    stage: attrs.get(CaseStage) ?? '',
    status: attrs.get(CaseStatus) === 'closed' || wf.status.name !== 'RUNNING' ? 'closed' : 'open',
    ...optionalDate('nextDeadline', attrs.get(NextDeadline)),
    overdue: attrs.get(DeadlineOverdue) === true,
    ...optionalDate('overdueSince', attrs.get(OverdueSince)),
    ...optionalDate('openedAt', attrs.get(CaseOpenedAt) ?? wf.startTime),
    ...optionalDate('closedAt', wf.closeTime),
  };
}

function optionalDate<K extends string>(key: K, value: Date | undefined): Partial<Record<K, Date>> {
  return value ? ({ [key]: value } as Record<K, Date>) : {};
}

/** Overdue first (longest overdue first), then by next deadline, cases without a deadline last, closed after open. */
export function compareRows(a: CaseRow, b: CaseRow): number {
  if (a.status !== b.status) return a.status === 'open' ? -1 : 1;
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  if (a.overdue && b.overdue) return (a.overdueSince?.getTime() ?? 0) - (b.overdueSince?.getTime() ?? 0);
  const da = a.nextDeadline?.getTime() ?? Number.POSITIVE_INFINITY;
  const db = b.nextDeadline?.getTime() ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  return a.workflowId.localeCompare(b.workflowId);
}

/** Every case the filter matches, as rows, sorted (see compareRows). */
export async function listCaseRows(lister: CaseLister, filter: CaseFilter | undefined, now: Date): Promise<CaseRow[]> {
  if (!filter) return [];
  const rows: CaseRow[] = [];
  for await (const wf of lister.list(filter, now)) rows.push(rowOf(wf));
  return rows.sort(compareRows);
}

export interface Page<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
}

/** Page `page` (1-based, clamped) of `items`. */
export function pageOf<T>(items: readonly T[], page: number, size: number): Page<T> {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(Math.max(1, page), pages);
  return { items: items.slice((current - 1) * size, current * size), page: current, pages, total: items.length };
}
