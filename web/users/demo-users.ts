/**
 * The users the demo signs in with, derived from the people directory and the school directory
 * so every demo user sees real demo cases: per school its principal(s) and contact teachers (as
 * the people import stored them, username = their e-mail address), one coordinator per
 * municipality of those schools, one auditor and one administrator. All share DEMO_PASSWORD.
 */
import type { SchoolDirectory } from '../../detection/school-directory';
import { quoteValue } from '../../machines/identifiers';
import type { StaffMember } from '../../people/people-schema';
import type { SqlUserStore } from './user-store';
import { type NewWebUser, WebUserError, parseNewWebUser } from './web-user';

/** The demo's one password, documented for whoever tries the demo; never for a real installation. */
export const DEMO_PASSWORD = 'demo-passord-2026';

/** Where the demo's staff come from: SqlPeopleDirectory.staffAt (people/people-store.ts). */
export interface StaffSource {
  staffAt(schoolId: string): Promise<StaffMember[]>;
}

/**
 * The demo's users for `schoolIds`, in order: for each school its principals, then its contact
 * teachers; then a coordinator per municipality, the auditor and the administrator. A member of
 * staff is one user (their e-mail address is their username): the first school and role they are
 * met with wins, principal before contact teacher. Throws for a school the directory does not list.
 */
export async function demoUsers(people: StaffSource, schools: SchoolDirectory, schoolIds: readonly string[]): Promise<NewWebUser[]> {
  const users = new Map<string, NewWebUser>();
  const add = (user: NewWebUser) => {
    if (!users.has(user.username)) users.set(user.username, user);
  };
  const municipalities = new Map<string, string>();
  for (const schoolId of schoolIds) {
    const school = schools.get(schoolId);
    if (school === undefined) throw new Error(`skole-id ${quoteValue(schoolId)} står ikke i skolekatalogen.`);
    municipalities.set(school.municipality, school.municipalityName);
    const staff = await people.staffAt(schoolId);
    for (const role of ['principal', 'contact-teacher'] as const)
      for (const member of staff.filter((s) => s.roles.includes(role)))
        add(
          parseNewWebUser({
            username: member.email,
            displayName: member.name,
            role,
            staffId: member.staffId,
            schoolId,
          }),
        );
  }
  for (const [municipalityId, name] of municipalities)
    add(
      parseNewWebUser({
        username: `koordinator.${municipalityId}@demo.kommune.no`,
        displayName: `Koordinator, ${name}`,
        role: 'coordinator',
        municipalityId,
      }),
    );
  add(parseNewWebUser({ username: 'revisor@demo.kommune.no', displayName: 'Revisor', role: 'auditor' }));
  add(parseNewWebUser({ username: 'admin@demo.kommune.no', displayName: 'Administrator', role: 'administrator' }));
  return [...users.values()];
}

/**
 * Creates the users not stored yet, each with `password`. Idempotent: a username that exists is
 * left as it is (its password, role and status too), so a restarted demo keeps what was changed.
 */
export async function ensureDemoUsers(
  store: SqlUserStore,
  users: readonly NewWebUser[],
  password: string,
): Promise<{ created: string[]; existing: string[] }> {
  const created: string[] = [];
  const existing: string[] = [];
  for (const user of users) {
    if ((await store.byUsername(user.username)) !== undefined) existing.push(user.username);
    else
      try {
        await store.create({ ...user, password });
        created.push(user.username);
      } catch (err) {
        // Another demo start created it meanwhile: as idempotent as finding it above.
        if (!(err instanceof WebUserError) || (await store.byUsername(user.username)) === undefined) throw err;
        existing.push(user.username);
      }
  }
  return { created, existing };
}
