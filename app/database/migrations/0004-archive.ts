/**
 * The case archive (archive/): each case's documents with Noark 5 metadata, so they can be
 * exported to the municipality's archive system as an arkivmelding. One case file (saksmappe) per
 * case, registry entries (journalposter) numbered per year and within the case file, their
 * correspondence parties (person ids only: names are looked up when exported), document
 * descriptions (dokumentbeskrivelse) and document objects (dokumentobjekt): one row per version,
 * never updated, pointing at the file stored by its SHA-256 checksum.
 */
import type { Kysely, Migration } from 'kysely';

export const archive: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('archive_case_files')
      .addColumn('case_id', 'text', (c) => c.primaryKey())
      .addColumn('year', 'integer', (c) => c.notNull())
      .addColumn('sequence_number', 'integer', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('administrative_unit', 'text', (c) => c.notNull())
      .addColumn('responsible_id', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('access_restriction', 'text', (c) => c.notNull())
      .addColumn('restriction_basis', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      // The case file number (saksnummer) «year/sequence» names one case file only.
      .addUniqueConstraint('archive_case_files_number', ['year', 'sequence_number'])
      .execute();

    await db.schema
      .createTable('archive_registry_entries')
      // «arkiv:<year>/<sequence>-<entry number>», the reference the cases keep.
      .addColumn('reference', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('archive_case_files.case_id'))
      .addColumn('entry_number', 'integer', (c) => c.notNull())
      .addColumn('journal_year', 'integer', (c) => c.notNull())
      .addColumn('journal_sequence_number', 'integer', (c) => c.notNull())
      .addColumn('entry_type', 'text', (c) => c.notNull())
      .addColumn('journal_status', 'text', (c) => c.notNull())
      .addColumn('journal_date', 'text', (c) => c.notNull())
      .addColumn('document_date', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('filed_at', 'text', (c) => c.notNull())
      .addColumn('filed_by', 'text', (c) => c.notNull())
      .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
      .addUniqueConstraint('archive_registry_entries_in_case_file', ['case_id', 'entry_number'])
      .addUniqueConstraint('archive_registry_entries_journal_number', ['journal_year', 'journal_sequence_number'])
      .execute();

    await db.schema
      .createTable('archive_correspondence_parties')
      .addColumn('reference', 'text', (c) => c.notNull().references('archive_registry_entries.reference'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('party_type', 'text', (c) => c.notNull())
      .addColumn('person_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('archive_correspondence_parties_pk', ['reference', 'position'])
      .execute();

    await db.schema
      .createTable('archive_documents')
      .addColumn('reference', 'text', (c) => c.notNull().references('archive_registry_entries.reference'))
      .addColumn('document_number', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('association', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('archive_documents_pk', ['reference', 'document_number'])
      .execute();

    await db.schema
      .createTable('archive_document_objects')
      .addColumn('reference', 'text', (c) => c.notNull())
      .addColumn('document_number', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('variant', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('checksum', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      /** The file's path under the archive folder (sha256/ab/cd/<checksum>.pdf). */
      .addColumn('file_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('archive_document_objects_pk', ['reference', 'document_number', 'version'])
      .addForeignKeyConstraint('archive_document_objects_document', ['reference', 'document_number'], 'archive_documents', [
        'reference',
        'document_number',
      ])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of [
      'archive_document_objects',
      'archive_documents',
      'archive_correspondence_parties',
      'archive_registry_entries',
      'archive_case_files',
    ])
      await db.schema.dropTable(table).execute();
  },
};
