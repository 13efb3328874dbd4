/**
 * The demo's sign-in: after the demo data is loaded, its users are created (idempotent: a user
 * that exists is left as it is) and the main job prints a few to sign in with: a contact teacher
 * with the most open cases among their pupils (so their «Mine oppgaver» shows work), the
 * principal of that school, a coordinator, the auditor and the administrator.
 */
import { CaseClient } from '../../app/case-client';
import { openMigratedDatabase } from '../../app/database/database';
import type { TemporalSettings } from '../../app/settings';
import type { SchoolDirectory } from '../../detection/school-directory';
import { SqlPeopleDirectory } from '../../people/people-store';
import { DirectoryLookup } from '../../web/directory-lookup';
import { DEMO_PASSWORD, demoUsers, ensureDemoUsers } from '../../web/users/demo-users';
import { SqlUserStore } from '../../web/users/user-store';
import { webRoleNames } from '../../web/users/web-user';
import { DEMO_SCHOOL_IDS } from './demo-data';

export interface DemoSignIn {
  created: number;
  /** Lines «role: username» to print, the contact teacher first. */
  users: { role: string; username: string; note?: string }[];
  password: string;
}

export async function prepareDemoSignIn(args: {
  databaseUrl: string;
  schools: SchoolDirectory;
  temporal: TemporalSettings;
}): Promise<DemoSignIn> {
  const database = await openMigratedDatabase(args.databaseUrl);
  try {
    const store = new SqlUserStore(database);
    const users = await demoUsers(new SqlPeopleDirectory(database), args.schools, DEMO_SCHOOL_IDS);
    const { created } = await ensureDemoUsers(store, users, DEMO_PASSWORD);

    // The open cases, to find the contact teacher with the most of them.
    const cases = await CaseClient.connect(args.temporal);
    const open = new Set<string>();
    try {
      for await (const wf of cases.list({ status: 'open' })) open.add(wf.workflowId);
    } finally {
      await cases.close();
    }
    const lookup = new DirectoryLookup(database);
    let best: { username: string; schoolId: string; count: number } | undefined;
    for (const user of users.filter((u) => u.role === 'contact-teacher' && u.schoolId && u.staffId)) {
      const pupils = await lookup.pupilsOfContactTeacher(user.schoolId!, user.staffId!);
      const count = pupils.filter((p) => open.has(cases.workflowIdFor(user.schoolId!, p))).length;
      if (!best || count > best.count) best = { username: user.username, schoolId: user.schoolId!, count };
    }
    const shown: DemoSignIn['users'] = [];
    if (best)
      shown.push({ role: webRoleNames['contact-teacher'], username: best.username, note: `${best.count} åpne saker blant elevene` });
    const principal =
      users.find((u) => u.role === 'principal' && u.schoolId === best?.schoolId) ?? users.find((u) => u.role === 'principal');
    if (principal)
      shown.push({ role: webRoleNames.principal, username: principal.username, note: args.schools.get(principal.schoolId!)?.name });
    const municipality = best ? args.schools.get(best.schoolId)?.municipality : undefined;
    for (const role of ['coordinator', 'auditor', 'administrator'] as const) {
      // The coordinator of the contact teacher's municipality, so both see the same cases.
      const user =
        users.find((u) => u.role === role && (role !== 'coordinator' || u.municipalityId === municipality)) ??
        users.find((u) => u.role === role);
      if (user) shown.push({ role: webRoleNames[role], username: user.username });
    }
    return { created: created.length, users: shown, password: DEMO_PASSWORD };
  } finally {
    await database.close();
  }
}
