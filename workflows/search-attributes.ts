/**
 * Search attributes every case keeps current, so coordinators can find cases in the Temporal
 * Web UI and the dashboard (school, procedure, stage, open/closed, next deadline, overdue and
 * since when, opened date, closing reason). The start script and the tests register exactly these with the server.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SchoolId = defineSearchAttributeKey('SchoolId', SearchAttributeType.KEYWORD);
export const ProcedureId = defineSearchAttributeKey('ProcedureId', SearchAttributeType.KEYWORD);
export const CaseStage = defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD);
export const CaseStatus = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const NextDeadline = defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME);
export const DeadlineOverdue = defineSearchAttributeKey('DeadlineOverdue', SearchAttributeType.BOOL);
export const CaseOpenedAt = defineSearchAttributeKey('CaseOpenedAt', SearchAttributeType.DATETIME);
/** When the deadline a case is overdue for fell due; unset when not overdue. `OverdueSince < X` finds cases overdue since before X. */
export const OverdueSince = defineSearchAttributeKey('OverdueSince', SearchAttributeType.DATETIME);
/** Why a closed case was closed (the `case.closed` reason, e.g. `illness-approved`); unset while open. */
export const CaseClosingReason = defineSearchAttributeKey('CaseClosingReason', SearchAttributeType.KEYWORD);

/** All case search attributes, for registration with a server. */
export const caseSearchAttributes = [
  SchoolId,
  ProcedureId,
  CaseStage,
  CaseStatus,
  NextDeadline,
  DeadlineOverdue,
  CaseOpenedAt,
  OverdueSince,
  CaseClosingReason,
];
