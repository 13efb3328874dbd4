/**
 * The school directory in the database. The directory itself stays a reviewed configuration
 * file (config/schools.json): changes to which procedure a school follows go through review like
 * code, and every tool validates the file when it starts. What the file says is loaded into the
 * `schools` table on every start of `npm start`, every detection run and `npm run database --
 * migrate`, so what reads the database (the web application's lists, reports) sees the same
 * schools. A school removed from the file is removed from the table; its registrations and
 * ledger stay (nothing a school registered disappears).
 */
import type { AppDatabase } from '../app/database/database';
import type { SchoolDirectory } from './school-directory';

/** What loading changed in the table, by school id. */
export interface SchoolDirectorySync {
  added: string[];
  changed: string[];
  removed: string[];
}

/** The part of a school's settings the table keeps (the calendar stays in the file). */
function recordOf(directory: SchoolDirectory, schoolId: string): string {
  const school = directory.get(schoolId)!;
  return JSON.stringify({
    schoolId,
    name: school.name,
    municipality: school.municipality,
    procedureId: school.procedureId,
    ...(school.policyOverrides ? { policyOverrides: school.policyOverrides } : {}),
    ...(school.detectionOverrides ? { detectionOverrides: school.detectionOverrides } : {}),
  });
}

/** Makes the `schools` table say what `directory` (read from `source`) says, in one transaction. */
export async function loadSchoolDirectoryIntoDatabase(
  database: AppDatabase,
  directory: SchoolDirectory,
  source: string,
  now: Date = new Date(),
): Promise<SchoolDirectorySync> {
  return database.db.transaction().execute(async (trx) => {
    const stored = new Map((await trx.selectFrom('schools').select(['school_id', 'record']).execute()).map((r) => [r.school_id, r.record]));
    const sync: SchoolDirectorySync = { added: [], changed: [], removed: [] };
    const loadedAt = now.toISOString();
    for (const schoolId of directory.schoolIds()) {
      const record = recordOf(directory, schoolId);
      const before = stored.get(schoolId);
      if (before === record) continue;
      (before === undefined ? sync.added : sync.changed).push(schoolId);
      const row = { school_id: schoolId, procedure_id: directory.get(schoolId)!.procedureId, record, source, loaded_at: loadedAt };
      await trx
        .insertInto('schools')
        .values(row)
        .onConflict((oc) => oc.column('school_id').doUpdateSet({ procedure_id: row.procedure_id, record, source, loaded_at: loadedAt }))
        .execute();
    }
    const known = new Set(directory.schoolIds());
    sync.removed = [...stored.keys()].filter((id) => !known.has(id)).sort();
    if (sync.removed.length > 0) await trx.deleteFrom('schools').where('school_id', 'in', sync.removed).execute();
    return sync;
  });
}
