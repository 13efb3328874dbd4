/**
 * The people directory (people/): pupils, guardians and staff, with who is guardian of whom and
 * who holds which role at which school. Only this database holds names and contact details;
 * Temporal's cases carry pseudonymous ids and activities look people up when they send.
 * Booleans are integers 0/1 so the same columns work on SQLite and PostgreSQL.
 */
import type { Kysely, Migration } from 'kysely';

export const people: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('pupils')
      .addColumn('school_id', 'text', (c) => c.notNull())
      .addColumn('pupil_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('grade', 'integer', (c) => c.notNull())
      .addColumn('contact_teacher_id', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('pupils_pk', ['school_id', 'pupil_id'])
      .execute();

    await db.schema
      .createTable('guardians')
      .addColumn('guardian_id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text')
      .addColumn('mobile', 'text')
      .addColumn('language', 'text', (c) => c.notNull())
      .addColumn('written_standard', 'text', (c) => c.notNull())
      .addColumn('protected_address', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('pupil_guardians')
      .addColumn('school_id', 'text', (c) => c.notNull())
      .addColumn('pupil_id', 'text', (c) => c.notNull())
      .addColumn('guardian_id', 'text', (c) => c.notNull())
      .addColumn('parental_responsibility', 'integer', (c) => c.notNull())
      .addColumn('lives_with', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('pupil_guardians_pk', ['school_id', 'pupil_id', 'guardian_id'])
      .execute();
    await db.schema.createIndex('pupil_guardians_by_guardian').on('pupil_guardians').column('guardian_id').execute();

    await db.schema
      .createTable('staff')
      .addColumn('staff_id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('mobile', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('staff_roles')
      .addColumn('staff_id', 'text', (c) => c.notNull())
      .addColumn('school_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('staff_roles_pk', ['staff_id', 'school_id', 'role'])
      .execute();
    // Recipients are found by school and role.
    await db.schema.createIndex('staff_roles_by_school').on('staff_roles').columns(['school_id', 'role']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['staff_roles', 'staff', 'pupil_guardians', 'guardians', 'pupils']) await db.schema.dropTable(table).execute();
  },
};
