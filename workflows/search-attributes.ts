/**
 * Search attributes every case keeps current, so coordinators can find cases in the Temporal
 * Web UI and the dashboard (school, procedure, stage, open/closed, next deadline, overdue,
 * opened date). The start script and the tests register exactly these with the server.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SchoolId = defineSearchAttributeKey('SchoolId', SearchAttributeType.KEYWORD);
export const ProcedureId = defineSearchAttributeKey('ProcedureId', SearchAttributeType.KEYWORD);
export const CaseStage = defineSearchAttributeKey('CaseStage', SearchAttributeType.KEYWORD);
export const CaseStatus = defineSearchAttributeKey('CaseStatus', SearchAttributeType.KEYWORD);
export const NextDeadline = defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME);
export const DeadlineOverdue = defineSearchAttributeKey('DeadlineOverdue', SearchAttributeType.BOOL);
export const CaseOpenedAt = defineSearchAttributeKey('CaseOpenedAt', SearchAttributeType.DATETIME);

/** All case search attributes, for registration with a server. */
export const caseSearchAttributes = [SchoolId, ProcedureId, CaseStage, CaseStatus, NextDeadline, DeadlineOverdue, CaseOpenedAt];
