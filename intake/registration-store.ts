/**
 * Idempotent storage of absence registrations, keyed by `registrationKey` (school + pupil + date
 * + kind): importing the same file twice changes nothing, and a corrected row replaces the
 * earlier version of the same school's registration. Nothing here removes a registration or
 * moves it to another school: a row for the same pupil and day from another school is stored
 * beside the first school's, never over it (the importer reports the two as a conflict).
 *
 * `SqlRegistrationStore` keeps them in the school's database (app/database/: SQLite or
 * PostgreSQL). One upsert is one transaction: a crash half-way leaves all of its rows or none.
 * Two imports at once lose nothing and count nothing twice: the rows of one school are written
 * by one transaction at a time (SQLite: one writer for the whole file; PostgreSQL: a lock per
 * school), and each transaction decides inserted/updated/unchanged against what is stored when
 * it holds that lock. `InMemoryRegistrationStore` is the same bookkeeping in memory, for tests
 * and as the benchmark's baseline.
 */
import { sql } from 'kysely';
import type { AppDatabase } from '../app/database/database';
import type { RegistrationsTable } from '../app/database/schema';
import { type Registration, canonicalJson, registrationKey, registrationKind } from './registration-schema';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface RegistrationStore {
  /** Inserts new keys, replaces changed ones, counts the rest as unchanged. Idempotent. */
  upsert(registrations: readonly Registration[]): Promise<UpsertCounts>;
  /** A pupil's registrations at every school, in date order. */
  byPupil(pupilId: string): Promise<Registration[]>;
  /** The registrations of many pupils at every school, by pupil (the importer's cross-school check reads a file's pupils at once). */
  byPupils(pupilIds: readonly string[]): Promise<Map<string, Registration[]>>;
  /** A school's registrations ordered by pupil and date. */
  bySchool(schoolId: string): Promise<Registration[]>;
  /** Every school with at least one registration, sorted. */
  schoolIds(): Promise<string[]>;
  count(): Promise<number>;
}

const kindOrder = ['whole-day', 'late-arrival', 'left-during-day', 'partial'];

export function compareRegistrations(a: Registration, b: Registration): number {
  return (
    a.pupilId.localeCompare(b.pupilId) ||
    a.date.localeCompare(b.date) ||
    kindOrder.indexOf(registrationKind(a)) - kindOrder.indexOf(registrationKind(b))
  );
}

/**
 * The shared bookkeeping: what upsert would change, without touching any storage. The key holds
 * the school, so a change only ever touches the school of the incoming row.
 */
function plan(current: ReadonlyMap<string, Registration>, incoming: readonly Registration[]) {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const changes = new Map<string, Registration>();
  for (const reg of incoming) {
    const key = registrationKey(reg);
    const before = changes.get(key) ?? current.get(key);
    if (before === undefined) counts.inserted += 1;
    else if (canonicalJson(before) === canonicalJson(reg)) {
      counts.unchanged += 1;
      continue;
    } else counts.updated += 1;
    changes.set(key, reg);
  }
  return { counts, changes };
}

export class InMemoryRegistrationStore implements RegistrationStore {
  protected readonly byKey = new Map<string, Registration>();
  /** Keys per pupil, so the importer's cross-school check does not scan every registration per pupil. */
  private readonly keysByPupil = new Map<string, Set<string>>();

  async upsert(registrations: readonly Registration[]): Promise<UpsertCounts> {
    const { counts, changes } = plan(this.byKey, registrations);
    for (const [key, reg] of changes) this.put(key, reg);
    return counts;
  }

  /** Sets one registration in memory; the only way registrations enter `byKey`. */
  protected put(key: string, reg: Registration): void {
    this.byKey.set(key, reg);
    let keys = this.keysByPupil.get(reg.pupilId);
    if (keys === undefined) this.keysByPupil.set(reg.pupilId, (keys = new Set()));
    keys.add(key);
  }

  async byPupil(pupilId: string): Promise<Registration[]> {
    const keys = this.keysByPupil.get(pupilId) ?? [];
    return [...keys].map((key) => this.byKey.get(key)!).sort(compareRegistrations);
  }

  async byPupils(pupilIds: readonly string[]): Promise<Map<string, Registration[]>> {
    return new Map(await Promise.all(pupilIds.map(async (id) => [id, await this.byPupil(id)] as const)));
  }

  async bySchool(schoolId: string): Promise<Registration[]> {
    return [...this.byKey.values()].filter((r) => r.schoolId === schoolId).sort(compareRegistrations);
  }

  async schoolIds(): Promise<string[]> {
    return [...new Set([...this.byKey.values()].map((r) => r.schoolId))].sort();
  }

  async count(): Promise<number> {
    return this.byKey.size;
  }
}

/** The stored registrations cannot be read; the message names where and what is wrong. */
export class RegistrationStoreError extends Error {
  override name = 'RegistrationStoreError';
}

/** Rows written per statement: well under SQLite's and PostgreSQL's limits on bound parameters. */
const WRITE_CHUNK = 500;
/** Pupils looked up per statement when reading what is stored. */
const READ_CHUNK = 500;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

type StoredRow = Pick<RegistrationsTable, 'school_id' | 'pupil_id' | 'date' | 'record'>;
const storedColumns = ['school_id', 'pupil_id', 'date', 'record'] as const;

/** A stored row as the registration it holds; a row that is not JSON is named, never skipped. */
function fromRow(row: StoredRow): Registration {
  try {
    return JSON.parse(row.record) as Registration;
  } catch (err) {
    throw new RegistrationStoreError(
      `Registreringen for elev «${row.pupil_id}» ved skole «${row.school_id}» ${row.date} i databasen er skadet: ` +
        `feltet record er ikke gyldig JSON (${(err as Error).message})`,
    );
  }
}

/** Registrations in the school's database (app/database/). */
export class SqlRegistrationStore implements RegistrationStore {
  constructor(
    private readonly database: AppDatabase,
    /** The clock of `stored_at`. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  async upsert(registrations: readonly Registration[]): Promise<UpsertCounts> {
    if (registrations.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
    return this.database.db.transaction().execute(async (trx) => {
      const schools = [...new Set(registrations.map((r) => r.schoolId))].sort();
      if (this.database.kind === 'postgres') {
        // One writer per school at a time, taken in the same order by every import so two never wait on each other.
        for (const schoolId of schools) await sql`select pg_advisory_xact_lock(hashtext(${`registrations:${schoolId}`}))`.execute(trx);
      }
      const current = new Map<string, Registration>();
      for (const schoolId of schools) {
        const pupils = [...new Set(registrations.filter((r) => r.schoolId === schoolId).map((r) => r.pupilId))];
        for (const some of chunks(pupils, READ_CHUNK)) {
          const rows = await trx
            .selectFrom('registrations')
            .select(storedColumns)
            .where('school_id', '=', schoolId)
            .where('pupil_id', 'in', some)
            .execute();
          for (const row of rows) {
            const reg = fromRow(row);
            current.set(registrationKey(reg), reg);
          }
        }
      }
      const { counts, changes } = plan(current, registrations);
      const storedAt = this.now().toISOString();
      const rows = [...changes.values()].map((reg) => ({
        school_id: reg.schoolId,
        pupil_id: reg.pupilId,
        date: reg.date,
        kind: registrationKind(reg),
        record: canonicalJson(reg),
        stored_at: storedAt,
      }));
      for (const some of chunks(rows, WRITE_CHUNK)) {
        await trx
          .insertInto('registrations')
          .values(some)
          .onConflict((oc) =>
            oc.columns(['school_id', 'pupil_id', 'date', 'kind']).doUpdateSet((eb) => ({
              record: eb.ref('excluded.record'),
              stored_at: eb.ref('excluded.stored_at'),
            })),
          )
          .execute();
      }
      return counts;
    });
  }

  async byPupil(pupilId: string): Promise<Registration[]> {
    const rows = await this.database.db.selectFrom('registrations').select(storedColumns).where('pupil_id', '=', pupilId).execute();
    return rows.map(fromRow).sort(compareRegistrations);
  }

  async byPupils(pupilIds: readonly string[]): Promise<Map<string, Registration[]>> {
    const out = new Map<string, Registration[]>(pupilIds.map((id) => [id, []]));
    for (const some of chunks([...new Set(pupilIds)], READ_CHUNK)) {
      const rows = await this.database.db.selectFrom('registrations').select(storedColumns).where('pupil_id', 'in', some).execute();
      for (const row of rows) out.get(row.pupil_id)?.push(fromRow(row));
    }
    for (const regs of out.values()) regs.sort(compareRegistrations);
    return out;
  }

  async bySchool(schoolId: string): Promise<Registration[]> {
    const rows = await this.database.db.selectFrom('registrations').select(storedColumns).where('school_id', '=', schoolId).execute();
    return rows.map(fromRow).sort(compareRegistrations);
  }

  async schoolIds(): Promise<string[]> {
    const rows = await this.database.db.selectFrom('registrations').select('school_id').distinct().execute();
    return rows.map((row) => row.school_id).sort();
  }

  async count(): Promise<number> {
    const row = await this.database.db
      .selectFrom('registrations')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
