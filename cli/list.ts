/**
 * The case list: one row per case from Temporal visibility (search attributes only, no query to
 * the case), in Norwegian, sorted so what is due or late comes first. Every cell written to the
 * terminal goes through `spreadsheetSafe`, so a list copied into a spreadsheet stays text.
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { stageNames } from '../machines/labels';
import type { PublicStage } from '../machines/meta';
import { currentProcedures } from '../machines/registry';
import {
  CaseClosingReason,
  CaseStage,
  CaseStatus,
  NextDeadline,
  OverdueSince,
  ProcedureId,
  SchoolId,
} from '../workflows/search-attributes';
import type { ListOrder } from './args';
import { formatDate } from './format';
import { spreadsheetSafe } from '../app/text-safety';
import { pupilOfListed } from '../app/case-client';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One case as the list shows it. */
export interface CaseRow {
  workflowId: string;
  schoolId: string;
  pupilId: string;
  procedureId: string;
  /** Public stage (internal id); the text table shows its Norwegian name. */
  stage?: PublicStage;
  status: 'open' | 'closed' | 'other';
  openedAt?: string;
  nextDeadline?: string;
  overdueSince?: string;
  /** Whole days since the overdue deadline fell due; absent when not overdue. */
  daysOverdue?: number;
  closingReason?: string;
}

/** The row of a listed workflow, read from its search attributes. */
export function caseRowOf(wf: WorkflowExecutionInfo, now: Date): CaseRow {
  const attributes = wf.typedSearchAttributes;
  const schoolId = attributes.get(SchoolId) ?? '';
  const next = attributes.get(NextDeadline);
  const since = attributes.get(OverdueSince);
  const stage = attributes.get(CaseStage) as PublicStage | undefined;
  const status = attributes.get(CaseStatus);
  // Sealed in the memo from the `closing-reason-sealed` patch on; a search attribute before it.
  const memoReason = (wf.memo as { closingReason?: unknown } | undefined)?.closingReason;
  const closingReason = typeof memoReason === 'string' ? memoReason : attributes.get(CaseClosingReason);
  return {
    workflowId: wf.workflowId,
    schoolId,
    // From the case's sealed memo: the workflow id is pseudonymous (app/case-ids.ts).
    pupilId: pupilOfListed(wf) ?? '',
    procedureId: attributes.get(ProcedureId) ?? '',
    ...(stage ? { stage } : {}),
    status: status === 'open' || status === 'closed' ? status : 'other',
    ...(wf.startTime ? { openedAt: wf.startTime.toISOString() } : {}),
    ...(next ? { nextDeadline: next.toISOString() } : {}),
    ...(since
      ? { overdueSince: since.toISOString(), daysOverdue: Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY_MS)) }
      : {}),
    ...(closingReason ? { closingReason } : {}),
  };
}

const byText = (a?: string, b?: string) => (a ?? '\uffff').localeCompare(b ?? '\uffff');

/** Overdue first (longest overdue first), then by next deadline; or by next deadline, or newest opened first. */
export function sortCaseRows(rows: readonly CaseRow[], order: ListOrder): CaseRow[] {
  const sorted = [...rows];
  if (order === 'opened') return sorted.sort((a, b) => byText(b.openedAt, a.openedAt) || a.workflowId.localeCompare(b.workflowId));
  if (order === 'overdue') {
    return sorted.sort(
      (a, b) =>
        (b.daysOverdue ?? -1) - (a.daysOverdue ?? -1) || byText(a.nextDeadline, b.nextDeadline) || a.workflowId.localeCompare(b.workflowId),
    );
  }
  return sorted.sort((a, b) => byText(a.nextDeadline, b.nextDeadline) || a.workflowId.localeCompare(b.workflowId));
}

const statusNames: Record<CaseRow['status'], string> = { open: 'åpen', closed: 'avsluttet', other: 'annen' };

/** The rows as an aligned Norwegian table with a header, or a sentence when there are none. */
export function formatCaseRows(rows: readonly CaseRow[]): string {
  if (rows.length === 0) return 'Ingen saker.';
  const shortNames = new Map(currentProcedures().map((p) => [p.id, p.shortName]));
  const header = ['SAK', 'SKOLE', 'ELEV', 'RUTINE', 'STEG', 'STATUS', 'NESTE FRIST', 'FORSINKET'];
  const lines = rows.map((r) =>
    [
      r.workflowId,
      r.schoolId,
      r.pupilId,
      shortNames.get(r.procedureId) ?? r.procedureId,
      r.stage ? stageNames[r.stage] : '–',
      statusNames[r.status],
      r.nextDeadline ? formatDate(r.nextDeadline) : '–',
      r.daysOverdue !== undefined ? `${r.daysOverdue} ${r.daysOverdue === 1 ? 'dag' : 'dager'}` : '–',
    ].map(spreadsheetSafe),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const render = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [render(header), ...lines.map(render), '', `${rows.length} ${rows.length === 1 ? 'sak' : 'saker'}.`].join('\n');
}
