/**
 * The registration store in the school's database, the same cases on SQLite and on a real
 * PostgreSQL 15: idempotent upsert with exact counts, one school's rows never touching another's,
 * reads in the order detection expects, an upsert that is one transaction, and concurrent
 * upserts that lose nothing and count nothing twice.
 */
import { sql } from 'kysely';
import { type AppDatabase, openDatabase } from '../../app/database/database';
import { InMemoryRegistrationStore, type RegistrationStore, SqlRegistrationStore } from '../../intake/registration-store';
import type { Registration } from '../../intake/registration-schema';
import { whole, partial } from '../detection/fixtures';
import { testDatabases } from '../helpers/databases';

const databases = testDatabases();

/** `n` pupils of `schoolId` absent on `date`. */
const pupils = (schoolId: string, n: number, date = '2026-09-03'): Registration[] =>
  Array.from({ length: n }, (_, i) => whole(date, { schoolId, pupilId: `elev-${String(i).padStart(4, '0')}` }));

describe.each(databases)('$name', ({ open, newUrl }) => {
  let database: AppDatabase;
  let store: SqlRegistrationStore;
  beforeEach(async () => {
    database = await open();
    store = new SqlRegistrationStore(database);
  });

  test('counts inserted, updated and unchanged exactly as the in-memory bookkeeping does', async () => {
    const memory: RegistrationStore = new InMemoryRegistrationStore();
    const first = [
      whole('2026-09-03'),
      partial('2026-09-04', 2),
      whole('2026-09-03', { schoolId: 'S002' }),
      whole('2026-09-03', { pupilId: 'elev-2' }),
    ];
    const second = [whole('2026-09-03'), partial('2026-09-04', 3), whole('2026-09-05'), whole('2026-09-05', { lessons: 6 })];
    for (const batch of [first, second, second]) expect(await store.upsert(batch)).toEqual(await memory.upsert(batch));
    expect(await store.count()).toBe(await memory.count());
    expect(await store.byPupil('elev-1')).toEqual(await memory.byPupil('elev-1'));
  });

  test('a pupil’s rows at two schools are both kept; each school reads only its own, in pupil, date and kind order', async () => {
    await store.upsert([
      whole('2026-09-04', { pupilId: 'b', schoolId: 'S001' }),
      partial('2026-09-03', 1, { pupilId: 'b', schoolId: 'S001', lateArrival: true }),
      whole('2026-09-03', { pupilId: 'b', schoolId: 'S001' }),
      whole('2026-09-03', { pupilId: 'a', schoolId: 'S001' }),
      whole('2026-09-03', { pupilId: 'b', schoolId: 'S002' }),
    ]);
    const s1 = await store.bySchool('S001');
    expect(s1.map((r) => [r.pupilId, r.date, r.wholeDay])).toEqual([
      ['a', '2026-09-03', true],
      ['b', '2026-09-03', true],
      ['b', '2026-09-03', false],
      ['b', '2026-09-04', true],
    ]);
    expect((await store.bySchool('S002')).map((r) => r.schoolId)).toEqual(['S002']);
    expect((await store.byPupil('b')).map((r) => r.schoolId).sort()).toEqual(['S001', 'S001', 'S001', 'S002']);
    expect(await store.schoolIds()).toEqual(['S001', 'S002']);
  });

  test('many pupils are read at once as each alone would be, an unknown pupil with none', async () => {
    await store.upsert([
      ...pupils('S001', 700),
      ...pupils('S002', 3, '2026-09-04'),
      partial('2026-09-05', 2, { pupilId: 'elev-0001', schoolId: 'S001' }),
    ]);
    const ids = ['elev-0001', 'elev-0002', 'elev-0699', 'ingen-slik'];
    const many = await store.byPupils([...ids, ...pupils('S001', 700).map((r) => r.pupilId)]);
    for (const id of ids) expect(many.get(id)).toEqual(await store.byPupil(id));
    expect(many.get('elev-0001')).toHaveLength(3);
    expect(many.get('ingen-slik')).toEqual([]);
  });

  test('a registration reads back exactly as it was stored, optional fields included', async () => {
    const reg = partial('2026-09-04', 2, { minutes: 25, reasonCode: 'SYK', note: 'Tannlege; «hentet» av mor', grade: 9 });
    await store.upsert([reg]);
    expect(await store.byPupil(reg.pupilId)).toEqual([reg]);
  });

  test('more rows than one statement takes are written, and counted, in full', async () => {
    expect(await store.upsert(pupils('S001', 1234))).toEqual({ inserted: 1234, updated: 0, unchanged: 0 });
    expect(await store.upsert([...pupils('S001', 1234), ...pupils('S001', 10, '2026-09-04')])).toEqual({
      inserted: 10,
      updated: 0,
      unchanged: 1234,
    });
    expect(await store.count()).toBe(1244);
  });

  test('an upsert is one transaction: when it fails half-way, none of its rows are stored', async () => {
    await store.upsert([whole('2026-09-01')]);
    // A trigger that refuses one school's rows makes the second chunk's statement fail after the first chunk was written.
    await installRefusal(database, 'S999');
    const batch = [...pupils('S001', 600), ...pupils('S999', 1)];
    await expect(store.upsert(batch)).rejects.toThrow(/refused/);
    expect(await store.count()).toBe(1);
  });

  test('two upserts at once of the same rows store them once and count each row inserted once in total', async () => {
    // Two connections to one database (on SQLite a process shares one; other processes are tested with the CLI).
    const url = await newUrl();
    const [first, second] = [openDatabase(url), openDatabase(url)];
    try {
      const batch = pupils('S001', 300);
      const [a, b] = await Promise.all([new SqlRegistrationStore(first).upsert(batch), new SqlRegistrationStore(second).upsert(batch)]);
      expect(a.inserted + b.inserted).toBe(300);
      expect(a.unchanged + b.unchanged).toBe(300);
      expect(await new SqlRegistrationStore(first).count()).toBe(300);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});

/** Makes the database refuse rows of `schoolId` (a trigger), to fail a write in the middle of an upsert. */
async function installRefusal(database: AppDatabase, schoolId: string): Promise<void> {
  if (database.kind === 'sqlite') {
    await sql
      .raw(
        `create trigger refuse_school before insert on registrations when new.school_id = '${schoolId}' begin select raise(abort, 'refused'); end`,
      )
      .execute(database.db);
    return;
  }
  await sql
    .raw(
      `create function refuse_school() returns trigger language plpgsql as $$ begin if new.school_id = '${schoolId}' then raise exception 'refused'; end if; return new; end $$`,
    )
    .execute(database.db);
  await sql
    .raw('create trigger refuse_school before insert on registrations for each row execute function refuse_school()')
    .execute(database.db);
}
