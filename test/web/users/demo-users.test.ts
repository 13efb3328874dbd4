/**
 * The demo's users (web/users/demo-users.ts) from a small imported people batch, on SQLite and
 * PostgreSQL: each school's principal and contact teachers by their e-mail address, a coordinator
 * per municipality, one auditor and one administrator; creating them twice changes nothing and
 * leaves a changed user as it is.
 */
import type { AppDatabase } from '../../../app/database/database';
import { buildSchoolDirectory } from '../../../detection/school-directory';
import { parsePeopleCsv } from '../../../people/parse-people';
import { SqlPeopleDirectory } from '../../../people/people-store';
import { DEMO_PASSWORD, demoUsers, ensureDemoUsers } from '../../../web/users/demo-users';
import { SqlUserStore } from '../../../web/users/user-store';
import { testDatabases } from '../../helpers/databases';
import { GOOD_ROWS, csv } from '../../people/fixtures';

const databases = testDatabases();
const calendar = (municipality: string) => ({ municipality, firstYear: 2025, lastYear: 2027 });
const schools = buildSchoolDirectory({
  formatVersion: 1,
  municipalities: {
    nord: { name: 'Nordkommune', procedureId: 'tiltaksplan-elevfravaer', calendar: calendar('Nordkommune') },
    sor: { name: 'Sørkommune', procedureId: 'tiltaksplan-elevfravaer', calendar: calendar('Sørkommune') },
  },
  schools: [
    { schoolId: 'S001', name: 'Nordskolen', municipality: 'nord' },
    { schoolId: 'S002', name: 'Sørskolen', municipality: 'sor' },
    { schoolId: 'S003', name: 'Tredje skole', municipality: 'sor' },
  ],
});
/** GOOD_ROWS (S001: A1 and A4 contact teachers, A2 principal, A3 nurse) and a second school; A1 teaches at both. */
const ROWS = [
  ...GOOD_ROWS,
  'ansatt;S002;;;B1;Per Rektor;;;Per.Rektor@Sor.no;;;;;;;rektor, kontaktlærer',
  'ansatt;S002;;;A1;Kari Kontakt;;;kari@skole.no;;;;;;;kontaktlærer',
  'ansatt;S003;;;C1;Ola Rektor;;;ola@tredje.no;;;;;;;rektor',
];

describe.each(databases)('$name', ({ open }) => {
  let database: AppDatabase;
  let people: SqlPeopleDirectory;
  beforeEach(async () => {
    database = await open();
    people = new SqlPeopleDirectory(database);
    const { batch, errors } = parsePeopleCsv(csv(ROWS));
    expect(errors).toEqual([]);
    await people.importBatch(batch);
  });

  test('principals and contact teachers of the given schools, a coordinator per municipality, an auditor and an administrator', async () => {
    const users = await demoUsers(people, schools, ['S001', 'S002']);
    expect(users).toEqual([
      { username: 'rita@skole.no', displayName: 'Rita Rektor', role: 'principal', staffId: 'A2', schoolId: 'S001' },
      { username: 'kari@skole.no', displayName: 'Kari Kontakt', role: 'contact-teacher', staffId: 'A1', schoolId: 'S001' },
      { username: 'kare@skole.no', displayName: 'Kåre Kontakt', role: 'contact-teacher', staffId: 'A4', schoolId: 'S001' },
      // Principal and contact teacher at S002: one user, as principal. Kari stays S001's contact teacher.
      { username: 'per.rektor@sor.no', displayName: 'Per Rektor', role: 'principal', staffId: 'B1', schoolId: 'S002' },
      {
        username: 'koordinator.nord@demo.kommune.no',
        displayName: 'Koordinator, Nordkommune',
        role: 'coordinator',
        municipalityId: 'nord',
      },
      { username: 'koordinator.sor@demo.kommune.no', displayName: 'Koordinator, Sørkommune', role: 'coordinator', municipalityId: 'sor' },
      { username: 'revisor@demo.kommune.no', displayName: 'Revisor', role: 'auditor' },
      { username: 'admin@demo.kommune.no', displayName: 'Administrator', role: 'administrator' },
    ]);
    await expect(demoUsers(people, schools, ['S999'])).rejects.toThrow('skole-id «S999» står ikke i skolekatalogen.');
  });

  test('ensureDemoUsers creates them with the demo password once; a second run leaves existing users untouched', async () => {
    const store = new SqlUserStore(database);
    const users = await demoUsers(people, schools, ['S001']);
    const first = await ensureDemoUsers(store, users, DEMO_PASSWORD);
    expect(first).toEqual({ created: users.map((u) => u.username), existing: [] });
    expect((await store.verifyPassword('rita@skole.no', DEMO_PASSWORD))?.role).toBe('principal');
    const rita = await store.byUsername('rita@skole.no');
    await store.setPassword(rita?.userId as string, 'et nytt passord');
    const second = await ensureDemoUsers(store, users, DEMO_PASSWORD);
    expect(second).toEqual({ created: [], existing: users.map((u) => u.username) });
    expect(await store.verifyPassword('rita@skole.no', DEMO_PASSWORD)).toBeUndefined();
    expect(await store.verifyPassword('rita@skole.no', 'et nytt passord')).toBeDefined();
    expect((await store.list()).length).toBe(users.length);
  });
});
