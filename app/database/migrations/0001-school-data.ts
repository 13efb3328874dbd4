/** The first schema: registrations, detection's ledger and its locks, the school directory. */
import type { Kysely, Migration } from 'kysely';

export const schoolData: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('registrations')
      .addColumn('school_id', 'text', (c) => c.notNull())
      .addColumn('pupil_id', 'text', (c) => c.notNull())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('stored_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('registrations_pk', ['school_id', 'pupil_id', 'date', 'kind'])
      .execute();
    // The cross-school check looks a pupil up at every school.
    await db.schema.createIndex('registrations_by_pupil').on('registrations').columns(['pupil_id', 'date']).execute();

    await db.schema
      .createTable('detection_ledger')
      .addColumn('school_id', 'text', (c) => c.notNull())
      .addColumn('pupil_id', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('detection_ledger_pk', ['school_id', 'pupil_id'])
      .execute();

    await db.schema
      .createTable('detection_locks')
      .addColumn('school_id', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('schools')
      .addColumn('school_id', 'text', (c) => c.primaryKey())
      .addColumn('procedure_id', 'text', (c) => c.notNull())
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('loaded_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['schools', 'detection_locks', 'detection_ledger', 'registrations']) await db.schema.dropTable(table).execute();
  },
};
