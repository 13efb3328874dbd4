/**
 * The web application's dependencies made from the real components: the case client, the
 * school's database (users, people, archive metadata), the archive's files and the school
 * directory. `web/main.ts` and the tests build the server through here, so both run the same.
 */
import type { CaseClient } from '../app/case-client';
import type { AppDatabase } from '../app/database/database';
import { ArchiveStore } from '../archive/archive-store';
import type { SchoolDirectory } from '../detection/school-directory';
import { auditCases } from '../case-audit/run-case-audit';
import { caseDiagram } from '../diagrams/case-diagram';
import { SqlPeopleDirectory } from '../people/people-store';
import type { WebDependencies } from './dependencies';
import { DirectoryLookup } from './directory-lookup';
import { SqlUserStore } from './users/user-store';

export function composeWebDependencies(args: {
  cases: CaseClient;
  database: AppDatabase;
  archiveDir: string;
  schools: SchoolDirectory;
  /** The key of the pseudonyms in the county governor's audit report (the key ring's id key); without it none can be made. */
  pseudonymKey?: Buffer;
  now?: () => Date;
}): WebDependencies & { userStore: SqlUserStore } {
  const userStore = new SqlUserStore(args.database);
  const people = new SqlPeopleDirectory(args.database);
  const now = args.now ?? (() => new Date());
  return {
    cases: args.cases,
    caseDiagramSvg: async (workflowId) => (await caseDiagram(args.cases.client, workflowId)).svg,
    users: userStore,
    userStore,
    directory: new DirectoryLookup(args.database),
    people,
    archive: new ArchiveStore(args.database, args.archiveDir),
    schools: args.schools,
    caseAudit: (request) =>
      auditCases({
        // The client's own codecs open the histories' payloads, as they open its results.
        temporal: { client: args.cases.client, payloadCodecs: args.cases.client.options.loadedDataConverter.payloadCodecs },
        ...(request.schoolId !== undefined ? { schoolId: request.schoolId } : {}),
        ...(request.from !== undefined ? { from: request.from } : {}),
        ...(request.to !== undefined ? { to: request.to } : {}),
        pseudonymise: request.pseudonymise,
        ...(args.pseudonymKey ? { pseudonymKey: args.pseudonymKey } : {}),
        // Names only in the report for the school owner's own auditors, never in the pseudonymised one.
        ...(request.pseudonymise ? {} : { people }),
        now: now(),
      }),
    now,
  };
}
