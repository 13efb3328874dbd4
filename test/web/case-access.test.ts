/**
 * Who sees and does what (web/case-access.ts) without a server: scopes per role, the role a
 * person acts in for an event, and «Mine oppgaver»'s responsibility rule.
 */
import { buildSchoolDirectory } from '../../detection/school-directory';
import type { CaseView } from '../../workflows/case-messages';
import { actorUserId, caseScope, eventsFor, mayAct, responsibleForStep, roleForEvent, scopeCovers } from '../../web/case-access';
import type { DirectoryLookup } from '../../web/directory-lookup';
import type { WebUser } from '../../web/users/web-user';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const schools = buildSchoolDirectory(JSON.parse(readFileSync(join(__dirname, '..', '..', 'config', 'schools.json'), 'utf8')));
const directory = {
  pupilsOfContactTeacher: async (schoolId: string, staffId: string) => (schoolId === 'S001' && staffId === 'T1' ? ['e1', 'e2'] : []),
} as unknown as DirectoryLookup;
const user = (fields: Partial<WebUser> & Pick<WebUser, 'role'>): WebUser => ({
  userId: 'u1',
  username: 'u@x.no',
  displayName: 'U',
  ...fields,
});

describe('caseScope and scopeCovers', () => {
  test("a contact teacher sees their own pupils' cases only", async () => {
    const scope = await caseScope(user({ role: 'contact-teacher', schoolId: 'S001', staffId: 'T1' }), schools, directory);
    expect(scope).toEqual({ kind: 'pupils', schoolId: 'S001', pupilIds: ['e1', 'e2'] });
    expect(scopeCovers(scope, 'S001', 'e1')).toBe(true);
    expect(scopeCovers(scope, 'S001', 'e3')).toBe(false);
    expect(scopeCovers(scope, 'S002', 'e1')).toBe(false);
  });

  test('a principal sees their school; a coordinator the municipality’s schools; auditors and administrators everything', async () => {
    const principal = await caseScope(user({ role: 'principal', schoolId: 'S006' }), schools, directory);
    expect(principal).toEqual({ kind: 'schools', schoolIds: ['S006'] });
    const municipality = schools.get('S001')!.municipality;
    const coordinator = await caseScope(user({ role: 'coordinator', municipalityId: municipality }), schools, directory);
    expect(coordinator.kind).toBe('schools');
    const ids = coordinator.kind === 'schools' ? coordinator.schoolIds : [];
    expect(ids).toContain('S001');
    expect(ids.every((id) => schools.get(id)!.municipality === municipality)).toBe(true);
    expect(ids).not.toContain('S006');
    expect(await caseScope(user({ role: 'auditor' }), schools, directory)).toEqual({ kind: 'all' });
    expect(await caseScope(user({ role: 'administrator' }), schools, directory)).toEqual({ kind: 'all' });
  });

  test('auditors and administrators never act; the actor id is the staff id when there is one', () => {
    expect(mayAct(user({ role: 'auditor' }))).toBe(false);
    expect(mayAct(user({ role: 'administrator' }))).toBe(false);
    expect(mayAct(user({ role: 'principal' }))).toBe(true);
    expect(actorUserId(user({ role: 'principal', staffId: 'R1' }))).toBe('R1');
    expect(actorUserId(user({ role: 'coordinator' }))).toBe('u1');
  });
});

describe('the role an event goes as', () => {
  const view = {
    status: 'open',
    allowedEvents: ['guardians.contacted', 'case.closed', 'absence.noticeReceived'],
    senders: {
      'guardians.contacted': ['contact-teacher', 'principal'],
      'case.closed': ['principal'],
      'absence.noticeReceived': ['teacher-team'],
    },
    state: { label: 'Kontakt med hjemmet', responsible: ['contact-teacher'], clauses: [], requiredDocuments: [] },
  } as unknown as CaseView;

  test('the first of the person’s roles the case lets send it, or none', () => {
    expect(roleForEvent(view, 'guardians.contacted', ['contact-teacher', 'teacher-team'])).toBe('contact-teacher');
    expect(roleForEvent(view, 'absence.noticeReceived', ['contact-teacher', 'teacher-team'])).toBe('teacher-team');
    expect(roleForEvent(view, 'case.closed', ['contact-teacher'])).toBeUndefined();
    expect(roleForEvent(view, 'meeting.held', ['principal'])).toBeUndefined();
    expect(eventsFor(view, ['contact-teacher']).map((e) => e.type)).toEqual(['guardians.contacted']);
    expect(eventsFor({ ...view, status: 'closed' }, ['principal'])).toEqual([]);
  });

  test('«Mine oppgaver»: responsible when one of the roles is responsible for the open step', () => {
    expect(responsibleForStep(view, ['contact-teacher'])).toBe(true);
    expect(responsibleForStep(view, ['principal'])).toBe(false);
    expect(responsibleForStep({ ...view, status: 'closed' }, ['contact-teacher'])).toBe(false);
  });
});
