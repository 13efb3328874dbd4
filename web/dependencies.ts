/**
 * What the web application runs on, passed in (so the tests give it a time-skipping Temporal, a
 * throwaway database and a fixed clock): the case client, the user store, the people directory,
 * the archive and the school directory.
 */
import type { ArchiveStore } from '../archive/archive-store';
import type { CaseAuditReport } from '../case-audit/report';
import type { SchoolDirectory } from '../detection/school-directory';
import type { CaseEvent } from '../machines/events';
import type { PupilPeople } from '../people/recipients';
import type { CaseView, CaseWorkflowInput, SendEventResult } from '../workflows/case-messages';
import type { CaseLister } from './case-list';
import type { DirectoryLookup } from './directory-lookup';
import type { CaseAccessAction, CaseAccessEntry } from './users/user-store';
import type { WebUser } from './users/web-user';

/** The user store's part the pages use (web/users/user-store.ts). */
export interface WebUsers {
  verifyPassword(username: string, password: string): Promise<WebUser | undefined>;
  /** The user, disabled ones included (`disabled` says so). */
  get(userId: string): Promise<(WebUser & { disabled?: boolean }) | undefined>;
  logCaseAccess(entry: { userId: string; workflowId: string; action: CaseAccessAction; at?: Date }): Promise<void>;
  caseAccessLog(query: { workflowId?: string; userId?: string; limit: number; before?: Date }): Promise<CaseAccessEntry[]>;
  byUsername(username: string): Promise<WebUser | undefined>;
  /** The user and scopes of an API token's secret (the JSON API, web/api/), or undefined. */
  verifyApiToken(secret: string): Promise<{ user: WebUser; scopes: string[]; tokenId: string } | undefined>;
}

export interface WebCases extends CaseLister {
  open(input: CaseWorkflowInput): Promise<string>;
  view(workflowId: string, now?: Date): Promise<CaseView>;
  send(workflowId: string, event: CaseEvent): Promise<SendEventResult>;
}

/** What «Revisjon av saker» asks the audit of real cases for: a school (or all), a period of opening, pseudonyms or names. */
export interface CaseAuditRequest {
  schoolId?: string;
  /** Cases opened on or after this day (YYYY-MM-DD). */
  from?: string;
  /** Cases opened on or before this day. */
  to?: string;
  /** The county governor's copy: pseudonymous ids, no names, no free text. */
  pseudonymise: boolean;
}

export interface WebDependencies {
  cases: WebCases;
  /** The case's diagram (SVG) with its route and current step marked. */
  caseDiagramSvg(workflowId: string): Promise<string>;
  users: WebUsers;
  directory: DirectoryLookup;
  people: { pupilPeople(schoolId: string, pupilId: string): Promise<PupilPeople | undefined> };
  archive: ArchiveStore;
  schools: SchoolDirectory;
  /** Audits the cases that really ran (case-audit/): their histories replayed through the procedure's model and checked. */
  caseAudit(request: CaseAuditRequest): Promise<CaseAuditReport>;
  now(): Date;
}
