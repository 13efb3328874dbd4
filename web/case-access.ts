/**
 * Who may see which cases and act in them, checked on the server for every request:
 *
 * - a contact teacher sees the cases of their own pupils (the people directory's contact teacher);
 * - a principal sees every case at their school;
 * - a municipal coordinator sees every case at the municipality's schools;
 * - an auditor sees every case (or one municipality's) and may never send an event;
 * - an administrator manages users and sees every case, but sends no event: only people with a
 *   role in the case's procedure act in it.
 *
 * Which step a person may take is the case's own rule (machines/authorization.ts, given in the
 * view's `senders`); this module only picks the role the person acts in.
 */
import type { SchoolDirectory } from '../detection/school-directory';
import type { EventType } from '../machines/events';
import type { Role } from '../machines/vocabulary';
import type { CaseView } from '../workflows/case-messages';
import type { DirectoryLookup } from './directory-lookup';
import type { WebUser } from './users/web-user';

/** The cases a person may see: every case, a set of schools, or some pupils at one school. */
export type CaseScope =
  { kind: 'all' } | { kind: 'schools'; schoolIds: string[] } | { kind: 'pupils'; schoolId: string; pupilIds: string[] };

/** The schools of a municipality, in the school directory's order. */
export function schoolsOfMunicipality(schools: SchoolDirectory, municipalityId: string): string[] {
  return schools.schoolIds().filter((id) => schools.get(id)?.municipality === municipalityId);
}

export async function caseScope(user: WebUser, schools: SchoolDirectory, directory: DirectoryLookup): Promise<CaseScope> {
  switch (user.role) {
    case 'administrator':
      return { kind: 'all' };
    case 'auditor':
      return user.municipalityId ? { kind: 'schools', schoolIds: schoolsOfMunicipality(schools, user.municipalityId) } : { kind: 'all' };
    case 'coordinator':
      return { kind: 'schools', schoolIds: user.municipalityId ? schoolsOfMunicipality(schools, user.municipalityId) : [] };
    case 'principal':
      return { kind: 'schools', schoolIds: user.schoolId ? [user.schoolId] : [] };
    case 'contact-teacher':
      if (!user.schoolId || !user.staffId) return { kind: 'pupils', schoolId: user.schoolId ?? '', pupilIds: [] };
      return { kind: 'pupils', schoolId: user.schoolId, pupilIds: await directory.pupilsOfContactTeacher(user.schoolId, user.staffId) };
  }
}

/** Whether the scope covers the pupil's case at the school. */
export function scopeCovers(scope: CaseScope, schoolId: string, pupilId: string): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'schools') return scope.schoolIds.includes(schoolId);
  return scope.schoolId === schoolId && scope.pupilIds.includes(pupilId);
}

/** Whether the person's web role ever records in cases (auditors and administrators only read). */
export function mayAct(user: WebUser): boolean {
  return user.role === 'contact-teacher' || user.role === 'principal' || user.role === 'coordinator';
}

/**
 * The procedure roles the person acts in for the pupil's case at the school, most specific first:
 * a staff member's roles from the people directory (a contact teacher may also be in the teacher
 * team), with the role their web role stands for always included. The contact teacher's role
 * counts only for their own pupils: a principal who also has a class is not the contact teacher
 * of every pupil at the school.
 */
export async function actingRoles(user: WebUser, schoolId: string, pupilId: string, directory: DirectoryLookup): Promise<Role[]> {
  return rolesForPupil(user, await actingContext(user, schoolId, directory), pupilId);
}

/** What `actingRoles` reads from the directory for one school: read once, used for every case there. */
export interface ActingContext {
  staffRoles: Role[];
  /** The pupils the person is contact teacher of at the school (only read when they hold that role). */
  ownPupils: ReadonlySet<string>;
}

export async function actingContext(user: WebUser, schoolId: string, directory: DirectoryLookup): Promise<ActingContext> {
  const staffRoles = mayAct(user) && user.staffId && user.schoolId === schoolId ? await directory.staffRoles(schoolId, user.staffId) : [];
  const ownPupils = staffRoles.includes('contact-teacher')
    ? new Set(await directory.pupilsOfContactTeacher(schoolId, user.staffId!))
    : new Set<string>();
  return { staffRoles, ownPupils };
}

/** The roles of `actingRoles` for one pupil, from the school's context (pure). */
export function rolesForPupil(user: WebUser, context: ActingContext, pupilId: string): Role[] {
  if (!mayAct(user)) return [];
  const own: Role = user.role === 'contact-teacher' ? 'contact-teacher' : user.role === 'principal' ? 'principal' : 'coordinator';
  const ownPupil = user.role === 'contact-teacher' || context.ownPupils.has(pupilId);
  return [own, ...context.staffRoles.filter((r) => r !== own && (r !== 'contact-teacher' || ownPupil))];
}

/** The id an event records as its actor: the person in the directory, else the web user. */
export function actorUserId(user: WebUser): string {
  return user.staffId ?? user.userId;
}

/**
 * The role the person sends `type` as, or undefined when none of their roles may send it now.
 * Falls back to the person's own role when the view predates `senders` (the case then decides).
 */
export function roleForEvent(view: CaseView, type: EventType, roles: readonly Role[]): Role | undefined {
  if (!view.allowedEvents.includes(type) || roles.length === 0) return undefined;
  if (!view.senders) return roles[0];
  const allowed = view.senders[type] ?? [];
  return roles.find((r) => allowed.includes(r));
}

/** The events the person may send to the case now, with the role each goes as. */
export function eventsFor(view: CaseView, roles: readonly Role[]): { type: EventType; role: Role }[] {
  if (view.status !== 'open') return [];
  return view.allowedEvents.flatMap((type) => {
    const role = roleForEvent(view, type, roles);
    return role ? [{ type, role }] : [];
  });
}

/** Whether the person is responsible for the case's current step (Mine oppgaver). */
export function responsibleForStep(view: CaseView, roles: readonly Role[]): boolean {
  return view.status === 'open' && view.state.responsible.some((r) => roles.includes(r));
}
