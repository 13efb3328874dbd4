/**
 * The people directory in the school's database (app/database/: SQLite or PostgreSQL). An import
 * is one transaction: all of its rows or none. It is idempotent: each record is compared with
 * what is stored and counted as new, changed or unchanged; only new and changed ones are written
 * (with a new `updated_at`). An import adds and updates, it never removes: a pupil who left stays
 * until removed from the web application. A member of staff's roles at a school are replaced by
 * the set in the import (their roles at other schools are untouched).
 *
 * Only this database holds names and contact details: Temporal's cases carry ids, and an
 * activity calls `pupilPeople` / `recipients` at the moment it sends.
 */
import { sql, type Transaction } from 'kysely';
import type { AppDatabase } from '../app/database/database';
import type { Database, GuardiansTable, PupilsTable, StaffTable } from '../app/database/schema';
import type { Role } from '../machines/vocabulary';
import type {
  Guardian,
  GuardianLink,
  PeopleBatch,
  Pupil,
  PupilGuardian,
  Staff,
  StaffMember,
  StaffRoles,
  WrittenStandard,
} from './people-schema';
import { type PupilPeople, type Recipient, recipientsFor } from './recipients';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Counts per kind of record of one import. */
export interface PeopleImportCounts {
  pupils: UpsertCounts;
  guardians: UpsertCounts;
  guardianLinks: UpsertCounts;
  staff: UpsertCounts;
  staffRoles: UpsertCounts;
}

export interface PeopleDirectory {
  /** Stores a batch in one transaction; the same batch twice changes nothing the second time. */
  importBatch(batch: PeopleBatch): Promise<PeopleImportCounts>;
  /** A pupil with their guardians and the staff of their school, or undefined when unknown. */
  pupilPeople(schoolId: string, pupilId: string): Promise<PupilPeople | undefined>;
  /** The people to message for `role` about the pupil (recipients.ts); empty for an unknown pupil. */
  recipients(role: Role, schoolId: string, pupilId: string): Promise<Recipient[]>;
}

const zero = (): UpsertCounts => ({ inserted: 0, updated: 0, unchanged: 0 });
const bit = (value: boolean) => (value ? 1 : 0);
const orNull = (value: string | undefined) => value ?? null;
const chunks = <T>(items: readonly T[], size = 500): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

type Trx = Transaction<Database>;

/**
 * Inserts what is not stored and updates what differs, counting each. `stored` maps a key to the
 * comparable form of the stored row; `comparable` gives it for an incoming record.
 */
async function upsertAll<T>(
  incoming: readonly T[],
  stored: ReadonlyMap<string, string>,
  keyOf: (item: T) => string,
  comparable: (item: T) => string,
  write: (item: T, exists: boolean) => Promise<void>,
): Promise<UpsertCounts> {
  const counts = zero();
  for (const item of incoming) {
    const before = stored.get(keyOf(item));
    if (before === comparable(item)) counts.unchanged += 1;
    else {
      await write(item, before !== undefined);
      counts[before === undefined ? 'inserted' : 'updated'] += 1;
    }
  }
  return counts;
}

const pupilForm = (p: { name: string; grade: number; contactTeacherId?: string | null | undefined }) =>
  JSON.stringify([p.name, Number(p.grade), p.contactTeacherId ?? null]);
const guardianForm = (g: Guardian) =>
  JSON.stringify([g.name, g.email ?? null, g.mobile ?? null, g.language, g.writtenStandard, bit(g.protectedAddress)]);
const storedGuardianForm = (g: Pick<GuardiansTable, 'name' | 'email' | 'mobile' | 'language' | 'written_standard' | 'protected_address'>) =>
  JSON.stringify([g.name, g.email, g.mobile, g.language, g.written_standard, Number(g.protected_address)]);
const linkForm = (parental: number | boolean, lives: number | boolean) => JSON.stringify([Number(parental), Number(lives)]);
const staffForm = (s: { name: string; email: string; mobile?: string | null | undefined }) =>
  JSON.stringify([s.name, s.email, s.mobile ?? null]);

function fromGuardianRow(row: GuardiansTable & { parental_responsibility: number; lives_with: number }): PupilGuardian {
  return {
    guardianId: row.guardian_id,
    name: row.name,
    ...(row.email === null ? {} : { email: row.email }),
    ...(row.mobile === null ? {} : { mobile: row.mobile }),
    language: row.language,
    writtenStandard: row.written_standard as WrittenStandard,
    protectedAddress: Number(row.protected_address) === 1,
    parentalResponsibility: Number(row.parental_responsibility) === 1,
    livesWith: Number(row.lives_with) === 1,
  };
}

function fromPupilRow(row: PupilsTable): Pupil {
  return {
    schoolId: row.school_id,
    pupilId: row.pupil_id,
    name: row.name,
    grade: Number(row.grade),
    ...(row.contact_teacher_id === null ? {} : { contactTeacherId: row.contact_teacher_id }),
  };
}

function fromStaffRow(row: StaffTable): Staff {
  return { staffId: row.staff_id, name: row.name, email: row.email, ...(row.mobile === null ? {} : { mobile: row.mobile }) };
}

export class SqlPeopleDirectory implements PeopleDirectory {
  constructor(
    private readonly database: AppDatabase,
    /** The clock of `updated_at`. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  async importBatch(batch: PeopleBatch): Promise<PeopleImportCounts> {
    return this.database.db.transaction().execute(async (trx) => {
      // One import at a time (SQLite's transactions are immediate already), so two never count the same row as new.
      if (this.database.kind === 'postgres') await sql`select pg_advisory_xact_lock(hashtext('people-directory'))`.execute(trx);
      const at = this.now().toISOString();
      return {
        staff: await this.upsertStaff(trx, batch.staff, at),
        staffRoles: await this.replaceStaffRoles(trx, batch.staffRoles),
        pupils: await this.upsertPupils(trx, batch.pupils, at),
        guardians: await this.upsertGuardians(trx, batch.guardians, at),
        guardianLinks: await this.upsertLinks(trx, batch.guardianLinks),
      };
    });
  }

  private async upsertStaff(trx: Trx, staff: readonly Staff[], at: string): Promise<UpsertCounts> {
    const stored = new Map<string, string>();
    for (const some of chunks(staff.map((s) => s.staffId)))
      for (const row of await trx.selectFrom('staff').selectAll().where('staff_id', 'in', some).execute())
        stored.set(row.staff_id, staffForm(row));
    return upsertAll(
      staff,
      stored,
      (s) => s.staffId,
      staffForm,
      async (s, exists) => {
        const values = { name: s.name, email: s.email, mobile: orNull(s.mobile), updated_at: at };
        if (exists) await trx.updateTable('staff').set(values).where('staff_id', '=', s.staffId).execute();
        else
          await trx
            .insertInto('staff')
            .values({ staff_id: s.staffId, ...values })
            .execute();
      },
    );
  }

  private async replaceStaffRoles(trx: Trx, sets: readonly StaffRoles[]): Promise<UpsertCounts> {
    const stored = new Map<string, string>();
    for (const some of chunks(sets.map((s) => s.staffId))) {
      const rows = await trx.selectFrom('staff_roles').selectAll().where('staff_id', 'in', some).execute();
      const bySchool = new Map<string, string[]>();
      for (const row of rows) {
        const k = `${row.school_id}|${row.staff_id}`;
        bySchool.set(k, [...(bySchool.get(k) ?? []), row.role]);
      }
      for (const [k, roles] of bySchool) stored.set(k, JSON.stringify(roles.sort()));
    }
    return upsertAll(
      sets,
      stored,
      (s) => `${s.schoolId}|${s.staffId}`,
      (s) => JSON.stringify([...s.roles].sort()),
      async (s) => {
        await trx.deleteFrom('staff_roles').where('staff_id', '=', s.staffId).where('school_id', '=', s.schoolId).execute();
        await trx
          .insertInto('staff_roles')
          .values(s.roles.map((role) => ({ staff_id: s.staffId, school_id: s.schoolId, role })))
          .execute();
      },
    );
  }

  private async upsertPupils(trx: Trx, pupils: readonly Pupil[], at: string): Promise<UpsertCounts> {
    const stored = new Map<string, string>();
    for (const schoolId of new Set(pupils.map((p) => p.schoolId))) {
      const ids = pupils.filter((p) => p.schoolId === schoolId).map((p) => p.pupilId);
      for (const some of chunks(ids)) {
        const rows = await trx.selectFrom('pupils').selectAll().where('school_id', '=', schoolId).where('pupil_id', 'in', some).execute();
        for (const row of rows) stored.set(`${row.school_id}|${row.pupil_id}`, pupilForm(fromPupilRow(row)));
      }
    }
    return upsertAll(
      pupils,
      stored,
      (p) => `${p.schoolId}|${p.pupilId}`,
      pupilForm,
      async (p, exists) => {
        const values = { name: p.name, grade: p.grade, contact_teacher_id: orNull(p.contactTeacherId), updated_at: at };
        if (exists)
          await trx.updateTable('pupils').set(values).where('school_id', '=', p.schoolId).where('pupil_id', '=', p.pupilId).execute();
        else
          await trx
            .insertInto('pupils')
            .values({ school_id: p.schoolId, pupil_id: p.pupilId, ...values })
            .execute();
      },
    );
  }

  private async upsertGuardians(trx: Trx, guardians: readonly Guardian[], at: string): Promise<UpsertCounts> {
    const stored = new Map<string, string>();
    for (const some of chunks(guardians.map((g) => g.guardianId)))
      for (const row of await trx.selectFrom('guardians').selectAll().where('guardian_id', 'in', some).execute())
        stored.set(row.guardian_id, storedGuardianForm(row));
    return upsertAll(
      guardians,
      stored,
      (g) => g.guardianId,
      guardianForm,
      async (g, exists) => {
        const values = {
          name: g.name,
          email: orNull(g.email),
          mobile: orNull(g.mobile),
          language: g.language,
          written_standard: g.writtenStandard,
          protected_address: bit(g.protectedAddress),
          updated_at: at,
        };
        if (exists) await trx.updateTable('guardians').set(values).where('guardian_id', '=', g.guardianId).execute();
        else
          await trx
            .insertInto('guardians')
            .values({ guardian_id: g.guardianId, ...values })
            .execute();
      },
    );
  }

  private async upsertLinks(trx: Trx, links: readonly GuardianLink[]): Promise<UpsertCounts> {
    const stored = new Map<string, string>();
    for (const some of chunks(links.map((l) => l.guardianId)))
      for (const row of await trx.selectFrom('pupil_guardians').selectAll().where('guardian_id', 'in', some).execute())
        stored.set(`${row.school_id}|${row.pupil_id}|${row.guardian_id}`, linkForm(row.parental_responsibility, row.lives_with));
    return upsertAll(
      links,
      stored,
      (l) => `${l.schoolId}|${l.pupilId}|${l.guardianId}`,
      (l) => linkForm(l.parentalResponsibility, l.livesWith),
      async (l, exists) => {
        const values = { parental_responsibility: bit(l.parentalResponsibility), lives_with: bit(l.livesWith) };
        if (exists)
          await trx
            .updateTable('pupil_guardians')
            .set(values)
            .where('school_id', '=', l.schoolId)
            .where('pupil_id', '=', l.pupilId)
            .where('guardian_id', '=', l.guardianId)
            .execute();
        else
          await trx
            .insertInto('pupil_guardians')
            .values({ school_id: l.schoolId, pupil_id: l.pupilId, guardian_id: l.guardianId, ...values })
            .execute();
      },
    );
  }

  async pupilPeople(schoolId: string, pupilId: string): Promise<PupilPeople | undefined> {
    const { db } = this.database;
    const pupilRow = await db
      .selectFrom('pupils')
      .selectAll()
      .where('school_id', '=', schoolId)
      .where('pupil_id', '=', pupilId)
      .executeTakeFirst();
    if (pupilRow === undefined) return undefined;
    const guardianRows = await db
      .selectFrom('pupil_guardians as l')
      .innerJoin('guardians as g', 'g.guardian_id', 'l.guardian_id')
      .selectAll('g')
      .select(['l.parental_responsibility', 'l.lives_with'])
      .where('l.school_id', '=', schoolId)
      .where('l.pupil_id', '=', pupilId)
      .orderBy('g.guardian_id')
      .execute();
    return { pupil: fromPupilRow(pupilRow), guardians: guardianRows.map(fromGuardianRow), staff: await this.staffAt(schoolId) };
  }

  /** The staff of a school with their roles there, by id. */
  async staffAt(schoolId: string): Promise<StaffMember[]> {
    const rows = await this.database.db
      .selectFrom('staff_roles as r')
      .innerJoin('staff as s', 's.staff_id', 'r.staff_id')
      .selectAll('s')
      .select('r.role')
      .where('r.school_id', '=', schoolId)
      .orderBy('s.staff_id')
      .orderBy('r.role')
      .execute();
    const members = new Map<string, StaffMember>();
    for (const row of rows) {
      const member = members.get(row.staff_id) ?? { ...fromStaffRow(row), schoolId, roles: [] };
      member.roles.push(row.role as Role);
      members.set(row.staff_id, member);
    }
    return [...members.values()];
  }

  async recipients(role: Role, schoolId: string, pupilId: string): Promise<Recipient[]> {
    const people = await this.pupilPeople(schoolId, pupilId);
    return people === undefined ? [] : recipientsFor(role, people);
  }
}
