/**
 * The few reads of the people directory the pages need, batched: pupils' names for a list of
 * cases, a contact teacher's own pupils, a staff member's roles at a school and people's names
 * for the timeline. Names live only here and in the documents; the cases carry ids.
 */
import type { AppDatabase } from '../app/database/database';
import { type Role, roleSchema } from '../machines/vocabulary';

export class DirectoryLookup {
  constructor(private readonly database: AppDatabase) {}

  /** Names of the pupils by `<school>/<pupil>`; pupils missing from the directory are left out. */
  async pupilNames(keys: readonly { schoolId: string; pupilId: string }[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const bySchool = new Map<string, string[]>();
    for (const k of keys) bySchool.set(k.schoolId, [...(bySchool.get(k.schoolId) ?? []), k.pupilId]);
    for (const [schoolId, pupilIds] of bySchool) {
      // Chunks keep the IN list within every engine's parameter limit.
      for (let i = 0; i < pupilIds.length; i += 500) {
        const rows = await this.database.db
          .selectFrom('pupils')
          .select(['pupil_id', 'name'])
          .where('school_id', '=', schoolId)
          .where('pupil_id', 'in', pupilIds.slice(i, i + 500))
          .execute();
        for (const row of rows) names.set(`${schoolId}/${row.pupil_id}`, row.name);
      }
    }
    return names;
  }

  /** The pupils whose contact teacher `staffId` is at `schoolId`. */
  async pupilsOfContactTeacher(schoolId: string, staffId: string): Promise<string[]> {
    const rows = await this.database.db
      .selectFrom('pupils')
      .select('pupil_id')
      .where('school_id', '=', schoolId)
      .where('contact_teacher_id', '=', staffId)
      .orderBy('pupil_id')
      .execute();
    return rows.map((r) => r.pupil_id);
  }

  /** The roles `staffId` holds at `schoolId` (none when unknown). */
  async staffRoles(schoolId: string, staffId: string): Promise<Role[]> {
    const rows = await this.database.db
      .selectFrom('staff_roles')
      .select('role')
      .where('school_id', '=', schoolId)
      .where('staff_id', '=', staffId)
      .execute();
    return rows.flatMap((r) => {
      const role = roleSchema.safeParse(r.role);
      return role.success ? [role.data] : [];
    });
  }

  /** Staff names by id, for the timeline's "who". */
  async staffNames(staffIds: readonly string[]): Promise<Map<string, string>> {
    if (staffIds.length === 0) return new Map();
    const rows = await this.database.db
      .selectFrom('staff')
      .select(['staff_id', 'name'])
      .where('staff_id', 'in', [...new Set(staffIds)])
      .execute();
    return new Map(rows.map((r) => [r.staff_id, r.name]));
  }

  /** The pupils at these schools (all of them, or only `pupilIds` at a school), by school and name. */
  async pupilsAt(schoolIds: readonly string[], onlyPupilIds?: readonly string[]): Promise<DirectoryPupil[]> {
    if (schoolIds.length === 0 || onlyPupilIds?.length === 0) return [];
    let query = this.database.db
      .selectFrom('pupils')
      .select(['school_id', 'pupil_id', 'name', 'grade'])
      .where('school_id', 'in', [...schoolIds]);
    if (onlyPupilIds) query = query.where('pupil_id', 'in', [...onlyPupilIds]);
    const rows = await query.orderBy('school_id').orderBy('name').execute();
    return rows.map((r) => ({ schoolId: r.school_id, pupilId: r.pupil_id, name: r.name, grade: r.grade }));
  }
}

/** A pupil as the pages list them. */
export interface DirectoryPupil {
  schoolId: string;
  pupilId: string;
  name: string;
  grade: number;
}
