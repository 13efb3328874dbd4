/**
 * The web application's dependencies made from the real components: the case client, the
 * school's database (users, people, archive metadata), the archive's files and the school
 * directory. `web/main.ts` and the tests build the server through here, so both run the same.
 */
import type { CaseClient } from '../app/case-client';
import type { AppDatabase } from '../app/database/database';
import { ArchiveStore } from '../archive/archive-store';
import type { SchoolDirectory } from '../detection/school-directory';
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
  now?: () => Date;
}): WebDependencies & { userStore: SqlUserStore } {
  const userStore = new SqlUserStore(args.database);
  return {
    cases: args.cases,
    caseDiagramSvg: async (workflowId) => (await caseDiagram(args.cases.client, workflowId)).svg,
    users: userStore,
    userStore,
    directory: new DirectoryLookup(args.database),
    people: new SqlPeopleDirectory(args.database),
    archive: new ArchiveStore(args.database, args.archiveDir),
    schools: args.schools,
    now: args.now ?? (() => new Date()),
  };
}
