/**
 * The people directory in the school's database, the same cases on SQLite and on a real
 * PostgreSQL: an import stores every record, the same batch twice changes nothing, a changed
 * record is counted and updated, roles at a school are replaced, an import is one transaction,
 * and recipients are resolved from what is stored.
 */
import { type AppDatabase, openDatabase } from '../../app/database/database';
import { parsePeopleCsv } from '../../people/parse-people';
import { SqlPeopleDirectory } from '../../people/people-store';
import type { PeopleBatch } from '../../people/people-schema';
import { testDatabases } from '../helpers/databases';
import { GOOD_ROWS, csv } from './fixtures';

const databases = testDatabases();
const batchOf = (rows: readonly string[]): PeopleBatch => {
  const { batch, errors } = parsePeopleCsv(csv(rows));
  expect(errors).toEqual([]);
  return batch;
};
const fresh = (n: number) => ({ inserted: n, updated: 0, unchanged: 0 });
const same = (n: number) => ({ inserted: 0, updated: 0, unchanged: n });

describe.each(databases)('$name', ({ open, newUrl }) => {
  let database: AppDatabase;
  let directory: SqlPeopleDirectory;
  let clock: Date;
  beforeEach(async () => {
    database = await open();
    clock = new Date('2026-09-01T08:00:00Z');
    directory = new SqlPeopleDirectory(database, () => clock);
  });

  test('stores a batch and reads a pupil with guardians and staff back', async () => {
    expect(await directory.importBatch(batchOf(GOOD_ROWS))).toEqual({
      pupils: fresh(2),
      guardians: fresh(3),
      guardianLinks: fresh(4),
      staff: fresh(4),
      staffRoles: fresh(4),
    });
    const people = await directory.pupilPeople('S001', 'E1');
    expect(people?.pupil).toEqual({ schoolId: 'S001', pupilId: 'E1', name: 'Ola Nordmann', grade: 5, contactTeacherId: 'A1' });
    expect(people?.guardians).toEqual([
      {
        guardianId: 'F1',
        name: 'Mor Nordmann',
        email: 'mor@example.no',
        mobile: '91111111',
        language: 'nb',
        writtenStandard: 'bokmal',
        protectedAddress: false,
        parentalResponsibility: true,
        livesWith: true,
      },
      {
        guardianId: 'F2',
        name: 'Far Skjult',
        email: 'far@example.no',
        mobile: '92222222',
        language: 'nn',
        writtenStandard: 'nynorsk',
        protectedAddress: true,
        parentalResponsibility: true,
        livesWith: false,
      },
      {
        guardianId: 'F3',
        name: 'Steforelder',
        email: 'ste@example.no',
        language: 'en',
        writtenStandard: 'bokmal',
        protectedAddress: false,
        parentalResponsibility: false,
        livesWith: true,
      },
    ]);
    expect(people?.staff.find((s) => s.staffId === 'A2')).toEqual({
      staffId: 'A2',
      name: 'Rita Rektor',
      email: 'rita@skole.no',
      mobile: '91234567',
      schoolId: 'S001',
      roles: ['principal', 'school-leadership'],
    });
    expect(await directory.pupilPeople('S001', 'E404')).toBeUndefined();
    expect(await directory.pupilPeople('S002', 'E1')).toBeUndefined();
  });

  test('the same batch twice changes nothing: all unchanged, updated_at kept', async () => {
    await directory.importBatch(batchOf(GOOD_ROWS));
    clock = new Date('2026-09-02T08:00:00Z');
    expect(await directory.importBatch(batchOf(GOOD_ROWS))).toEqual({
      pupils: same(2),
      guardians: same(3),
      guardianLinks: same(4),
      staff: same(4),
      staffRoles: same(4),
    });
    const stamps = await database.db.selectFrom('pupils').select('updated_at').distinct().execute();
    expect(stamps.map((s) => s.updated_at)).toEqual(['2026-09-01T08:00:00.000Z']);
  });

  test('a changed record is counted as changed and updated; others stay unchanged', async () => {
    await directory.importBatch(batchOf(GOOD_ROWS));
    clock = new Date('2026-09-02T08:00:00Z');
    const changed = GOOD_ROWS.map((row) =>
      row
        .replace('Ola Nordmann;5;A1', 'Ola Nordmann;6;A4')
        .replace('Far Skjult;;;far@example.no', 'Far Skjult;;;far@ny.no')
        .replace('Steforelder;;;ste@example.no;;en;;nei', 'Steforelder;;;ste@example.no;;en;;ja')
        .replace('rektor, ledelse', 'rektor'),
    );
    expect(await directory.importBatch(batchOf(changed))).toEqual({
      pupils: { inserted: 0, updated: 1, unchanged: 1 },
      guardians: { inserted: 0, updated: 1, unchanged: 2 },
      guardianLinks: { inserted: 0, updated: 1, unchanged: 3 },
      staff: same(4),
      staffRoles: { inserted: 0, updated: 1, unchanged: 3 },
    });
    const people = await directory.pupilPeople('S001', 'E1');
    expect(people?.pupil).toMatchObject({ grade: 6, contactTeacherId: 'A4' });
    expect(people?.guardians.find((g) => g.guardianId === 'F2')?.email).toBe('far@ny.no');
    expect(people?.guardians.find((g) => g.guardianId === 'F3')?.parentalResponsibility).toBe(true);
    expect(people?.staff.find((s) => s.staffId === 'A2')?.roles).toEqual(['principal']);
    const pupil = await database.db.selectFrom('pupils').select('updated_at').where('pupil_id', '=', 'E1').executeTakeFirstOrThrow();
    expect(pupil.updated_at).toBe('2026-09-02T08:00:00.000Z');
  });

  test('roles at one school are replaced; the same person’s roles at another school are kept', async () => {
    await directory.importBatch(batchOf([...GOOD_ROWS, 'ansatt;S002;;;A2;Rita Rektor;;;rita@skole.no;912 34 567;;;;;;rådgiver']));
    await directory.importBatch(batchOf(['ansatt;S001;;;A2;Rita Rektor;;;rita@skole.no;912 34 567;;;;;;helsesykepleier']));
    expect((await directory.staffAt('S001')).find((s) => s.staffId === 'A2')?.roles).toEqual(['school-nurse']);
    expect((await directory.staffAt('S002')).map((s) => [s.staffId, s.roles])).toEqual([['A2', ['counsellor']]]);
  });

  test('an import is one transaction: a failure half-way stores nothing', async () => {
    const batch = batchOf(GOOD_ROWS);
    // A second link for the same key in one batch breaks the primary key after pupils and guardians were written.
    const broken = { ...batch, guardianLinks: [...batch.guardianLinks, batch.guardianLinks[0]!] };
    await expect(directory.importBatch(broken)).rejects.toThrow();
    for (const table of ['pupils', 'guardians', 'pupil_guardians', 'staff', 'staff_roles'] as const) {
      const rows = await database.db.selectFrom(table).selectAll().execute();
      expect([table, rows.length]).toEqual([table, 0]);
    }
  });

  test('two imports of the same file at once count every record as new exactly once', async () => {
    const url = await newUrl();
    const [a, b] = [openDatabase(url), openDatabase(url)];
    try {
      const batch = batchOf(GOOD_ROWS);
      const results = await Promise.all([new SqlPeopleDirectory(a).importBatch(batch), new SqlPeopleDirectory(b).importBatch(batch)]);
      const inserted = (kind: keyof (typeof results)[0]) => results[0]![kind].inserted + results[1]![kind].inserted;
      const unchanged = (kind: keyof (typeof results)[0]) => results[0]![kind].unchanged + results[1]![kind].unchanged;
      expect([inserted('pupils'), unchanged('pupils')]).toEqual([2, 2]);
      expect([inserted('guardianLinks'), unchanged('guardianLinks')]).toEqual([4, 4]);
      expect([inserted('staffRoles'), unchanged('staffRoles')]).toEqual([4, 4]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('recipients are resolved from what is stored, with the rules of recipients.ts', async () => {
    await directory.importBatch(batchOf(GOOD_ROWS));
    expect((await directory.recipients('guardians', 'S001', 'E1')).map((r) => [r.id, r.email, r.protectedAddress])).toEqual([
      ['F1', 'mor@example.no', false],
      ['F2', 'far@example.no', true],
    ]);
    expect((await directory.recipients('contact-teacher', 'S001', 'E2')).map((r) => r.id)).toEqual(['A4']);
    expect((await directory.recipients('school-nurse', 'S001', 'E2')).map((r) => r.email)).toEqual(['helga@skole.no']);
    expect(await directory.recipients('guardians', 'S001', 'E404')).toEqual([]);
  });
});
