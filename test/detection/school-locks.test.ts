/**
 * One detection run per school at a time: in one process (InProcessSchoolLocks) and across
 * processes through the `detection_locks` lease (SqlSchoolLocks, on SQLite and PostgreSQL). Two
 * runs for one school never overlap, two schools run at once, a dead holder's expired lease is
 * taken over, a live one is waited for up to a bound and then named in a Norwegian error, the
 * lease is renewed while the work runs, and it is released when the work throws.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppDatabase } from '../../app/database/database';
import { InProcessSchoolLocks, type SchoolLocks, SchoolLockTimeoutError, SqlSchoolLocks } from '../../detection/school-locks';
import { testDatabases } from '../helpers/databases';

const databases = testDatabases();

interface Visit {
  name: string;
  enter: number;
  leave: number;
}

/** Work that records when it ran: enters, waits `ms`, leaves. */
function visit(visits: Visit[], name: string, ms: number) {
  return async () => {
    const enter = performance.now();
    await sleep(ms);
    visits.push({ name, enter, leave: performance.now() });
    return name;
  };
}

/** True when no two visits overlap in time. */
function oneAtATime(visits: readonly Visit[]): boolean {
  const sorted = [...visits].sort((a, b) => a.enter - b.enter);
  return sorted.every((v, i) => i === 0 || v.enter >= sorted[i - 1]!.leave);
}

/** Two runs of two schools, each waiting inside its work until the other has entered too (or 2 s pass); who had entered when the first left. */
async function bothAtOnce(locks: [SchoolLocks, SchoolLocks]): Promise<string[]> {
  const entered: string[] = [];
  const work = (schoolId: string) => async () => {
    entered.push(schoolId);
    const until = performance.now() + 2_000;
    while (entered.length < 2 && performance.now() < until) await sleep(5);
    return [...entered].sort();
  };
  const [first] = await Promise.all([locks[0].run('skole1', work('skole1')), locks[1].run('skole2', work('skole2'))]);
  return first;
}

const leaseOf = (database: AppDatabase, schoolId: string) =>
  database.db.selectFrom('detection_locks').select(['holder', 'expires_at']).where('school_id', '=', schoolId).executeTakeFirst();

describe('InProcessSchoolLocks', () => {
  test('two runs for one school take turns, in the order they came; two schools run at once; a run that throws lets the next in', async () => {
    const locks = new InProcessSchoolLocks();
    const visits: Visit[] = [];
    const waits: string[] = [];
    const results = await Promise.all([
      locks.run('skole1', visit(visits, 'a', 60)),
      locks.run('skole1', visit(visits, 'b', 10), (message) => waits.push(message)),
      locks.run('skole1', visit(visits, 'c', 10)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(visits.map((v) => v.name)).toEqual(['a', 'b', 'c']);
    expect(oneAtATime(visits)).toBe(true);
    expect(waits).toEqual(['Skole skole1: venter på en annen deteksjonskjøring i samme prosess.']);

    expect(await bothAtOnce([locks, locks])).toEqual(['skole1', 'skole2']);

    const failed = locks.run('skole1', async () => {
      throw new Error('feil i arbeidet');
    });
    const next = locks.run('skole1', async () => 'neste');
    await expect(failed).rejects.toThrow('feil i arbeidet');
    expect(await next).toBe('neste');
  });
});

describe.each(databases)('SqlSchoolLocks on $name', ({ open }) => {
  // Short times, so the tests wait milliseconds rather than a minute.
  const fast = { leaseMs: 2_000, pollMs: 10, waitMs: 5_000 };

  test('two runs for one school from two holders do not overlap; the lease is gone afterwards', async () => {
    const database = await open();
    const hostA = new SqlSchoolLocks(database, { ...fast, holderPrefix: 'vert-a:1' });
    const hostB = new SqlSchoolLocks(database, { ...fast, holderPrefix: 'vert-b:2' });
    const visits: Visit[] = [];
    const waits: string[] = [];
    const onWait = (message: string) => waits.push(message);
    await Promise.all([
      hostA.run('skole1', visit(visits, 'a1', 80), onWait),
      hostB.run('skole1', visit(visits, 'b1', 80), onWait),
      hostA.run('skole1', visit(visits, 'a2', 80), onWait),
      hostB.run('skole1', visit(visits, 'b2', 80), onWait),
    ]);
    expect(visits).toHaveLength(4);
    expect(oneAtATime(visits)).toBe(true);
    expect(waits[0]).toMatch(/^Skole skole1: venter på en annen deteksjonskjøring \(vert-[ab]:\d:[0-9a-f]{8}, leiet gjelder til \S+Z\)\.$/);
    expect(await leaseOf(database, 'skole1')).toBeUndefined();
  });

  test('two schools run at once', async () => {
    const database = await open();
    expect(
      await bothAtOnce([
        new SqlSchoolLocks(database, { ...fast, holderPrefix: 'vert-a:1' }),
        new SqlSchoolLocks(database, { ...fast, holderPrefix: 'vert-b:2' }),
      ]),
    ).toEqual(['skole1', 'skole2']);
  });

  test("a dead holder's expired lease is taken over; a live one is waited for and then named in a Norwegian error", async () => {
    const database = await open();
    const locks = new SqlSchoolLocks(database, { ...fast, waitMs: 300 });
    await database.db
      .insertInto('detection_locks')
      .values({ school_id: 'skole1', holder: 'død-vert:99:0000', expires_at: new Date(Date.now() - 1_000).toISOString() })
      .execute();
    expect(await locks.run('skole1', async () => (await leaseOf(database, 'skole1'))?.holder)).toMatch(/:[0-9a-f]{8}$/);
    expect(await leaseOf(database, 'skole1')).toBeUndefined();

    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    await database.db
      .insertInto('detection_locks')
      .values({ school_id: 'skole1', holder: 'travel-vert:7:abcd', expires_at: expiresAt })
      .execute();
    let ran = false;
    const started = performance.now();
    const error = await locks
      .run('skole1', async () => {
        ran = true;
      })
      .catch((e: unknown) => e);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(SchoolLockTimeoutError);
    expect(error).toMatchObject({ name: 'SchoolLockTimeoutError', schoolId: 'skole1', holder: 'travel-vert:7:abcd', expiresAt });
    expect((error as Error).message).toBe(
      'Fraværsdeteksjonen for skole «skole1» ble ikke kjørt: en annen kjøring («travel-vert:7:abcd») holdt skolen hele ventetiden på 0,3 sekunder ' +
        `(leiet gjelder til ${expiresAt}). Prøv igjen senere; stopper den kjøringen, blir skolen ledig når leiet går ut.`,
    );
    expect(await leaseOf(database, 'skole1')).toEqual({ holder: 'travel-vert:7:abcd', expires_at: expiresAt });
    // The default wait, as a person reads it.
    expect(new SchoolLockTimeoutError('skole1', 'h', expiresAt, 10 * 60_000).message).toContain('hele ventetiden på 10 minutter');
  });

  test('the lease is renewed while the work runs, so a run longer than the lease keeps the school', async () => {
    const database = await open();
    // Renewed ten times per lease, so a busy machine delaying a renewal does not lose it.
    const holder = new SqlSchoolLocks(database, { leaseMs: 800, renewEveryMs: 80, pollMs: 10 });
    const other = new SqlSchoolLocks(database, { leaseMs: 800, pollMs: 10, waitMs: 1_600 });
    const visits: Visit[] = [];
    const long = holder.run('skole1', visit(visits, 'lang', 2_400));
    await sleep(50);
    const first = (await leaseOf(database, 'skole1'))?.expires_at;
    const refused = await other.run('skole1', visit(visits, 'annen', 1)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SchoolLockTimeoutError);
    expect((await leaseOf(database, 'skole1'))?.expires_at.localeCompare(first!)).toBe(1);
    await long;
    expect(visits.map((v) => v.name)).toEqual(['lang']);
    expect(await leaseOf(database, 'skole1')).toBeUndefined();
  });

  test('the lease is released when the work throws, and the error is the work’s', async () => {
    const database = await open();
    const locks = new SqlSchoolLocks(database, { ...fast, waitMs: 200 });
    await expect(
      locks.run('skole1', async () => {
        throw new Error('feil i arbeidet');
      }),
    ).rejects.toThrow('feil i arbeidet');
    expect(await leaseOf(database, 'skole1')).toBeUndefined();
    expect(await locks.run('skole1', async () => 'neste')).toBe('neste');
  });
});
