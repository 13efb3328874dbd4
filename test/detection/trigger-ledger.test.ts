/**
 * Detection's ledger in the school's database, on SQLite and on PostgreSQL: what is saved loads
 * back the same, a save replaces the school's ledger (pupils no longer in it are gone, unchanged
 * pupils keep their row) and never touches another school's, a damaged row is refused naming the
 * school, the pupil and the fault in Norwegian, and a save that fails half-way leaves the
 * previous ledger whole (one transaction). The old JSON ledger files are read for the one-shot
 * import with the same checks.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { AppDatabase } from '../../app/database/database';
import { readLegacyLedgerFiles } from '../../detection/legacy-ledger-files';
import { type PupilLedger, SqlTriggerLedger, TriggerLedgerError } from '../../detection/trigger-ledger';
import { testDatabases } from '../helpers/databases';

const databases = testDatabases();

/** A pupil's ledger with one delivered trigger (and a trend when `trend` is given). */
function pupil(pupilId: string, firstDate = '2026-05-05', trend?: 'worse' | 'improved'): PupilLedger {
  return {
    pupilId,
    triggers: [
      {
        rule: 'consecutive-days',
        dates: [firstDate, '2026-05-06', '2026-05-07'],
        days: 3,
        eventId: `fravaer/tiltaksplan-elevfravaer/skole1/${pupilId}/consecutive-days/${firstDate}..2026-05-07`,
        firedOn: '2026-05-07',
        delivery: 'opened',
        recordedAt: '2026-05-07T16:00:00.000Z',
      },
    ],
    caseOpen: true,
    openedOn: '2026-05-07',
    ...(trend ? { lastTrend: { trend, to: '2026-05-08', sentOn: '2026-05-08', eventId: `trend/${pupilId}` } } : {}),
  };
}

const ledgerOf = (...pupils: PupilLedger[]) => new Map(pupils.map((p) => [p.pupilId, p]));

/** The school's rows as stored: pupil, updated_at. */
async function rows(database: AppDatabase, schoolId: string) {
  return database.db
    .selectFrom('detection_ledger')
    .select(['pupil_id', 'updated_at'])
    .where('school_id', '=', schoolId)
    .orderBy('pupil_id')
    .execute();
}

/** Makes the database itself refuse to store the row of `pupilId`: a failure in the middle of a save. */
async function refuseRowsOf(database: AppDatabase, pupilId: string): Promise<void> {
  if (database.kind === 'sqlite') {
    await sql
      .raw(
        `create trigger refuse_pupil before insert on detection_ledger when new.pupil_id = '${pupilId}' ` +
          `begin select raise(abort, 'testen nekter denne raden'); end`,
      )
      .execute(database.db);
  } else {
    await sql
      .raw(
        `create function refuse_pupil() returns trigger language plpgsql as $$ begin ` +
          `if new.pupil_id = '${pupilId}' then raise exception 'testen nekter denne raden'; end if; return new; end $$`,
      )
      .execute(database.db);
    await sql
      .raw('create trigger refuse_pupil before insert or update on detection_ledger for each row execute function refuse_pupil()')
      .execute(database.db);
  }
}

describe.each(databases)('$name', ({ open }) => {
  test('a saved ledger loads back the same, by pupil id; a school without a ledger loads empty', async () => {
    const database = await open();
    const ledger = new SqlTriggerLedger(database);
    const saved = ledgerOf(pupil('elev-2', '2026-05-05', 'worse'), pupil('elev-1'));
    await ledger.save('skole1', saved);
    const loaded = await ledger.load('skole1');
    expect([...loaded.keys()]).toEqual(['elev-1', 'elev-2']);
    expect(loaded).toEqual(saved);
    expect(await ledger.load('skole2')).toEqual(new Map());
    // A second ledger on the same database (another process) reads the same.
    expect(await new SqlTriggerLedger(database).load('skole1')).toEqual(saved);
  });

  test('a save replaces the ledger: pupils no longer in it are gone, a changed pupil is rewritten, an unchanged one keeps its row', async () => {
    const database = await open();
    let clock = new Date('2026-05-07T16:00:00Z');
    const ledger = new SqlTriggerLedger(database, { now: () => clock });
    await ledger.save('skole1', ledgerOf(pupil('elev-1'), pupil('elev-2'), pupil('elev-3')));
    clock = new Date('2026-05-08T16:00:00Z');
    const next = ledgerOf(pupil('elev-1'), pupil('elev-3', '2026-05-05', 'improved'), pupil('elev-4'));
    await ledger.save('skole1', next);
    expect(await ledger.load('skole1')).toEqual(next);
    expect(await rows(database, 'skole1')).toEqual([
      { pupil_id: 'elev-1', updated_at: '2026-05-07T16:00:00.000Z' },
      { pupil_id: 'elev-3', updated_at: '2026-05-08T16:00:00.000Z' },
      { pupil_id: 'elev-4', updated_at: '2026-05-08T16:00:00.000Z' },
    ]);
    await ledger.save('skole1', new Map());
    expect(await rows(database, 'skole1')).toEqual([]);
  });

  test("one school's save never touches another school's ledger, even for the same pupil id", async () => {
    const database = await open();
    const ledger = new SqlTriggerLedger(database);
    const other = ledgerOf(pupil('elev-1', '2026-04-20'), pupil('elev-9'));
    await ledger.save('skole2', other);
    await ledger.save('skole1', ledgerOf(pupil('elev-1'), pupil('elev-2')));
    await ledger.save('skole1', ledgerOf(pupil('elev-2')));
    await ledger.save('skole1', new Map());
    expect(await ledger.load('skole2')).toEqual(other);
    expect(await ledger.load('skole1')).toEqual(new Map());
  });

  test('a damaged row is refused with a Norwegian message naming the school, the pupil and the fault', async () => {
    const database = await open();
    const ledger = new SqlTriggerLedger(database);
    const insert = (pupilId: string, record: string) =>
      database.db
        .insertInto('detection_ledger')
        .values({ school_id: 'skole1', pupil_id: pupilId, record, updated_at: '2026-05-07T16:00:00.000Z' })
        .execute();
    const failure = async () => {
      const error = await ledger.load('skole1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TriggerLedgerError);
      return error as TriggerLedgerError;
    };

    await insert('elev-1', '{"pupilId":"elev-1",');
    const notJson = await failure();
    expect(notJson.message).toMatch(/^Deteksjonsloggen for skole «skole1», elev «elev-1» er skadet \(ikke gyldig JSON: .+\)$/);
    expect(notJson.source).toEqual({ schoolId: 'skole1', pupilId: 'elev-1' });

    await database.db.deleteFrom('detection_ledger').execute();
    await insert('elev-2', JSON.stringify({ pupilId: 'elev-2', triggers: 'ingen', caseOpen: true }));
    expect((await failure()).message).toBe(
      'Deteksjonsloggen for skole «skole1», elev «elev-2» er skadet: triggers: må være en liste (fikk «ingen»)',
    );

    await database.db.deleteFrom('detection_ledger').execute();
    await insert('elev-3', JSON.stringify(pupil('elev-4')));
    expect((await failure()).message).toBe('Deteksjonsloggen for skole «skole1», elev «elev-3» er skadet: posten gjelder elev «elev-4»');
  });

  test('a record the next load would refuse is not saved: the error names the pupil and the ledger stays as it was', async () => {
    const database = await open();
    const ledger = new SqlTriggerLedger(database);
    await ledger.save('skole1', ledgerOf(pupil('elev-1')));
    const bad = { ...pupil('elev-2'), openedOn: '7. mai' };
    const error = await ledger.save('skole1', ledgerOf(pupil('elev-3'), bad)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TriggerLedgerError);
    expect((error as Error).message).toMatch(/^Deteksjonsloggen for skole «skole1», elev «elev-2» kan ikke lagres: openedOn: /);
    expect([...(await ledger.load('skole1')).keys()]).toEqual(['elev-1']);
  });

  test('a save that fails half-way (after its deletes and first rows) leaves the previous ledger whole', async () => {
    const database = await open();
    // Two rows per statement, so the refused row comes after a delete and two written chunks.
    const ledger = new SqlTriggerLedger(database, { chunkSize: 2 });
    const before = ledgerOf(pupil('elev-a'), pupil('elev-b'), pupil('elev-z'));
    await ledger.save('skole1', before);
    await refuseRowsOf(database, 'elev-x');
    const next = ledgerOf(pupil('elev-a', '2026-05-04'), pupil('elev-b', '2026-05-04'), pupil('elev-c'), pupil('elev-d'), pupil('elev-x'));
    await expect(ledger.save('skole1', next)).rejects.toThrow('testen nekter denne raden');
    expect(await ledger.load('skole1')).toEqual(before);
  });
});

describe('the old JSON ledger files, for the one-shot import', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'skolefravaer-ledger-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const failure = async () => {
    const error = await readLegacyLedgerFiles(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TriggerLedgerError);
    return error as TriggerLedgerError;
  };

  test('every school file the old store wrote is read, by school in name order; other files and a missing folder give nothing', async () => {
    expect(await readLegacyLedgerFiles(path.join(dir, 'finnes-ikke'))).toEqual([]);
    // As the first versions wrote them: formatVersion 1, the school, its pupils sorted, one space indents.
    const writeOld = (schoolId: string, pupils: ReadonlyMap<string, PupilLedger>) =>
      writeFile(
        path.join(dir, `${schoolId}.ledger.json`),
        `${JSON.stringify({ formatVersion: 1, schoolId, pupils: [...pupils.values()].sort((a, b) => a.pupilId.localeCompare(b.pupilId)) }, null, 1)}\n`,
        'utf8',
      );
    const school2 = ledgerOf(pupil('elev-9', '2026-04-20', 'worse'));
    const school1 = ledgerOf(pupil('elev-2'), pupil('elev-1'));
    await writeOld('skole2', school2);
    await writeOld('skole1', school1);
    await writeFile(path.join(dir, 'notater.txt'), 'ikke en logg', 'utf8');
    expect(await readLegacyLedgerFiles(dir)).toEqual([
      { file: path.join(dir, 'skole1.ledger.json'), schoolId: 'skole1', pupils: school1 },
      { file: path.join(dir, 'skole2.ledger.json'), schoolId: 'skole2', pupils: school2 },
    ]);
  });

  test('a file that is not JSON is named with the fault', async () => {
    const file = path.join(dir, 'skole1.ledger.json');
    await writeFile(file, '{"formatVersion": 1, "schoolId": "skole1", "pupils": [', 'utf8');
    const error = await failure();
    expect(error.message).toMatch(new RegExp(`^Deteksjonsloggen ${file} er skadet \\(ikke gyldig JSON: .+\\)$`));
    expect(error.source).toEqual({ file });
  });

  test('a file of another format, a damaged pupil or another school than its name is named with the field and the value', async () => {
    const file = path.join(dir, 'skole1.ledger.json');
    const write = (content: unknown) => writeFile(file, JSON.stringify(content), 'utf8');
    await write({ formatVersion: 2, schoolId: 'skole1', pupils: [] });
    expect((await failure()).message).toBe(`Deteksjonsloggen ${file} er skadet: formatVersion: må være 1 (fikk «2»)`);
    await write({ formatVersion: 1, schoolId: 'skole1', pupils: [{ ...pupil('elev-1'), caseOpen: 'ja' }] });
    expect((await failure()).message).toBe(
      `Deteksjonsloggen ${file} er skadet: pupils.0.caseOpen: må være sann eller usann (true/false) (fikk «ja»)`,
    );
    await write({ formatVersion: 1, schoolId: 'skole2', pupils: [] });
    expect((await failure()).message).toBe(
      `Deteksjonsloggen ${file} er skadet: schoolId er «skole2», men filnavnet gjelder skole «skole1»`,
    );
  });
});
