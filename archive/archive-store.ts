/**
 * The case archive in the school's database (app/database/: SQLite or PostgreSQL) with the files
 * beside it (content-files.ts): each document of a case is filed as a Noark 5 registry entry
 * (journalpost) in the case's file (saksmappe), with its document description and one document
 * object per version. Everything is screened (noark.ts: ACCESS_RESTRICTION).
 *
 * Numbers: a case file gets «year/sequence» (saksaar/sakssekvensnummer, sequence per year), an
 * entry the next number within its case file («2026/17-3», the reference the case keeps) and the
 * next journal sequence number of its journal year. They are taken in one transaction, behind
 * one lock on PostgreSQL (SQLite's transactions take the write lock at once), so two filings at
 * the same time never get the same number.
 *
 * Crash safety: the file is written (and flushed) before the transaction that writes the rows,
 * so a crash in between leaves an unreferenced file only, never a row without its file. A
 * retried call with the same idempotency key stores nothing new and answers the same reference.
 */
import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import type { AppDatabase } from '../app/database/database';
import type { ArchiveDocumentObjectsTable, ArchiveRegistryEntriesTable, Database } from '../app/database/schema';
import { quoteValue, schoolIdSchema } from '../machines/identifiers';
import { documentKindSchema, type DocumentKind } from '../machines/vocabulary';
import { describeIssues, parseOptions } from '../machines/zod-issues';
import { ArchiveError, ArchiveIntegrityError, ArchiveNotFoundError } from './archive-error';
import { ContentFiles, sha256, type StoredContent } from './content-files';
import {
  ACCESS_RESTRICTION,
  ARCHIVE_VARIANT,
  CASE_STATUS,
  type CaseFileStatus,
  DEFAULT_CASE_TITLE,
  DOCUMENT_STATUS,
  ENTRY_TYPES,
  type EntryType,
  FORMAT_CODE,
  FORMATS,
  type ArchiveFormat,
  JOURNAL_STATUS,
  MAIN_DOCUMENT,
  PARTY_KINDS,
  type PartyKind,
} from './noark';
import { osloDate } from '../app/oslo-time';

export interface CorrespondenceParty {
  /** A person id from the people directory, never a name. */
  personId: string;
  /** The person's role in the case (machines/vocabulary.ts), e.g. 'guardians'. */
  role: string;
  kind: PartyKind;
}

export interface FileDocumentInput {
  /** A retried call with the same key stores nothing new and answers the same reference. */
  idempotencyKey: string;
  caseId: string;
  /** administrativEnhet of the case file. */
  schoolId: string;
  /** saksansvarlig: a staff id. */
  responsibleId?: string;
  /** The case file's title when it is created; default «Oppfølging av skolefravær». Never a pupil's name. */
  caseTitle?: string;
  documentKind: DocumentKind;
  /** The document's title in Norwegian. */
  title: string;
  entryType: EntryType;
  /** yyyy-MM-dd (dokumentetsDato). */
  documentDate: string;
  /** ISO 8601 instant; the journal date is its date in Norway. */
  filedAt: string;
  /** The user id of who filed it. */
  filedBy: string;
  parties: CorrespondenceParty[];
  /** The document's bytes (PDF/A). */
  content: Uint8Array;
  format: ArchiveFormat;
}

export interface FiledDocument {
  /** «arkiv:<year>/<sequence>-<entry number>», e.g. arkiv:2026/17-3. */
  reference: string;
  /** «<year>/<sequence>», e.g. 2026/17. */
  caseFileNumber: string;
  entryNumber: number;
  checksum: string;
  size: number;
  version: number;
  /** True when nothing new was stored (a retry, or the same bytes as the latest version). */
  duplicate: boolean;
}

export interface CaseFileRecord {
  caseId: string;
  caseFileNumber: string;
  year: number;
  sequenceNumber: number;
  title: string;
  /** The school id. */
  administrativeUnit: string;
  responsibleId?: string;
  status: CaseFileStatus;
  /** tilgangsrestriksjon and skjermingshjemmel. */
  accessRestriction: string;
  restrictionBasis: string;
  createdAt: string;
  createdBy: string;
  closedAt?: string;
}

/** One version of a document's file (dokumentobjekt). */
export interface DocumentVersionRecord {
  version: number;
  /** variantformat, e.g. «Arkivformat». */
  variant: string;
  format: ArchiveFormat;
  /** SHA-256, lower-case hex. */
  checksum: string;
  size: number;
  /** The file's path under the archive folder. */
  fileKey: string;
  createdAt: string;
  createdBy: string;
}

export interface ArchivedDocumentRecord {
  reference: string;
  caseId: string;
  caseFileNumber: string;
  entryNumber: number;
  journalYear: number;
  journalSequenceNumber: number;
  entryType: EntryType;
  /** journalstatus, e.g. «Journalført». */
  journalStatus: string;
  /** yyyy-MM-dd. */
  journalDate: string;
  documentDate: string;
  title: string;
  filedAt: string;
  filedBy: string;
  parties: CorrespondenceParty[];
  documentNumber: number;
  documentKind: DocumentKind;
  /** dokumentstatus and tilknyttetRegistreringSom. */
  documentStatus: string;
  association: string;
  /** The latest version's number, checksum and size. */
  version: number;
  checksum: string;
  size: number;
  /** Every version, oldest first. */
  versions: DocumentVersionRecord[];
}

/** The only document of an entry so far: the main document. */
const MAIN_DOCUMENT_NUMBER = 1;
const NUMBERING_LOCK = 'archive-numbering';
const REFERENCE_PATTERN = /^arkiv:(\d{4})\/(\d+)-(\d+)$/;

const text = (max: number) => z.string().trim().min(1).max(max);
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'må være en dato på formen åååå-mm-dd')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), {
    message: 'er ingen gyldig dato',
  });
const instant = z.iso.datetime({ offset: true, message: 'må være et tidspunkt med tidssone, f.eks. 2026-09-01T08:15:00+02:00' });

const inputSchema = z.object({
  idempotencyKey: text(500),
  caseId: text(200),
  schoolId: schoolIdSchema,
  responsibleId: text(200).optional(),
  caseTitle: text(500).optional(),
  documentKind: documentKindSchema,
  title: text(500),
  entryType: z.enum(ENTRY_TYPES),
  documentDate: isoDate,
  filedAt: instant,
  filedBy: text(200),
  parties: z.array(z.object({ personId: text(200), role: text(100), kind: z.enum(PARTY_KINDS) })),
  content: z.instanceof(Uint8Array, { message: 'må være filens innhold (bytes)' }),
  format: z.enum(FORMATS),
});

/** A PDF starts with «%PDF-»; anything else is not the document the caller meant to file. */
function checkContent(content: Uint8Array, what: string): void {
  if (content.byteLength === 0) throw new ArchiveError(`${what}: content: filen er tom.`);
  if (Buffer.from(content.subarray(0, 5)).toString('latin1') !== '%PDF-')
    throw new ArchiveError(`${what}: content: er ikke en PDF-fil (begynner ikke med %PDF-).`);
}

/** The date (yyyy-MM-dd) of an instant in Norway: a document filed at 00:30 on 1 January belongs to the new year. */
export function norwegianDate(iso: string): string {
  return osloDate(new Date(iso));
}

const caseFileNumberOf = (year: number, sequence: number) => `${year}/${sequence}`;
const referenceOf = (year: number, sequence: number, entry: number) => `arkiv:${caseFileNumberOf(year, sequence)}-${entry}`;

/** The case file number and entry number a reference names, or undefined when it is not one. */
export function parseReference(reference: string): { caseFileNumber: string; entryNumber: number } | undefined {
  const match = REFERENCE_PATTERN.exec(reference);
  if (!match) return undefined;
  return { caseFileNumber: `${Number(match[1])}/${Number(match[2])}`, entryNumber: Number(match[3]) };
}

type Trx = Transaction<Database>;
type EntryRow = ArchiveRegistryEntriesTable;
type ObjectRow = ArchiveDocumentObjectsTable;

function versionOf(row: ObjectRow): DocumentVersionRecord {
  return {
    version: Number(row.version),
    variant: row.variant,
    format: row.format as ArchiveFormat,
    checksum: row.checksum,
    size: Number(row.size),
    fileKey: row.file_key,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

export class ArchiveStore {
  private readonly files: ContentFiles;

  constructor(
    private readonly database: AppDatabase,
    /** Where the files are kept (settings: archiveDir, default data/archive). */
    filesDir: string,
  ) {
    this.files = new ContentFiles(filesDir);
  }

  /** Where the file of a stored version lives on disk (the export copies it from there). */
  filePath(version: Pick<DocumentVersionRecord, 'fileKey'>): string {
    return this.files.pathOf(version.fileKey);
  }

  async fileDocument(input: FileDocumentInput): Promise<FiledDocument> {
    const parsed = inputSchema.safeParse(input, parseOptions);
    const what = 'Dokumentet ble ikke arkivert';
    if (!parsed.success) throw new ArchiveError(`${what}: ${describeIssues(parsed.error, '(dokumentet)', input).join('; ')}`);
    const valid = parsed.data;
    checkContent(valid.content, what);

    // A retry after the rows were written: answer what was stored, write no file.
    const earlier = await this.filedUnder(this.database.db, valid.idempotencyKey);
    if (earlier) return earlier;

    const stored = await this.files.put(valid.content, FORMAT_CODE[valid.format].extension);
    return this.database.db.transaction().execute(async (trx) => {
      await this.lockNumbering(trx);
      const raced = await this.filedUnder(trx, valid.idempotencyKey);
      if (raced) return raced;
      const caseFile = await this.openCaseFile(trx, valid);
      const journalDate = norwegianDate(valid.filedAt);
      const journalYear = Number(journalDate.slice(0, 4));
      const entryNumber = (await this.maxOf(trx, 'entry_number', 'case_id', valid.caseId)) + 1;
      const journalSequence = (await this.maxOf(trx, 'journal_sequence_number', 'journal_year', journalYear)) + 1;
      const reference = referenceOf(caseFile.year, caseFile.sequenceNumber, entryNumber);
      await trx
        .insertInto('archive_registry_entries')
        .values({
          reference,
          case_id: valid.caseId,
          entry_number: entryNumber,
          journal_year: journalYear,
          journal_sequence_number: journalSequence,
          entry_type: valid.entryType,
          journal_status: JOURNAL_STATUS,
          journal_date: journalDate,
          document_date: valid.documentDate,
          title: valid.title,
          filed_at: valid.filedAt,
          filed_by: valid.filedBy,
          idempotency_key: valid.idempotencyKey,
        })
        .execute();
      if (valid.parties.length > 0)
        await trx
          .insertInto('archive_correspondence_parties')
          .values(
            valid.parties.map((party, position) => ({
              reference,
              position,
              party_type: party.kind,
              person_id: party.personId,
              role: party.role,
            })),
          )
          .execute();
      await trx
        .insertInto('archive_documents')
        .values({
          reference,
          document_number: MAIN_DOCUMENT_NUMBER,
          kind: valid.documentKind,
          title: valid.title,
          status: DOCUMENT_STATUS,
          association: MAIN_DOCUMENT,
          created_at: valid.filedAt,
          created_by: valid.filedBy,
        })
        .execute();
      await this.insertVersion(trx, reference, 1, valid.format, stored, valid.filedAt, valid.filedBy);
      return {
        reference,
        caseFileNumber: caseFile.caseFileNumber,
        entryNumber,
        checksum: stored.checksum,
        size: stored.size,
        version: 1,
        duplicate: false,
      };
    });
  }

  /**
   * The case's case file (saksmappe), opened now if it has none: its number is known before the
   * first document is made, so that document can carry it. Refused for a closed case file.
   */
  async ensureCaseFile(input: {
    caseId: string;
    schoolId: string;
    responsibleId?: string;
    caseTitle?: string;
    at: string;
    by: string;
  }): Promise<{ caseFileNumber: string }> {
    const what = 'Saksmappen ble ikke opprettet';
    if (!instant.safeParse(input.at).success)
      throw new ArchiveError(`${what}: at: må være et tidspunkt med tidssone (fikk ${quoteValue(input.at)}).`);
    return this.database.db.transaction().execute(async (trx) => {
      await this.lockNumbering(trx);
      const opened = await this.openCaseFile(trx, {
        caseId: input.caseId,
        schoolId: input.schoolId,
        ...(input.responsibleId !== undefined ? { responsibleId: input.responsibleId } : {}),
        ...(input.caseTitle !== undefined ? { caseTitle: input.caseTitle } : {}),
        filedAt: input.at,
        filedBy: input.by,
      } as z.infer<typeof inputSchema>);
      return { caseFileNumber: opened.caseFileNumber };
    });
  }

  /**
   * Files a new version of a document's file (a new dokumentobjekt); earlier versions stay as
   * they were. The same bytes as the latest version store nothing (a retried call).
   */
  async addVersion(reference: string, content: Uint8Array, at: string, by?: string): Promise<FiledDocument> {
    const what = `Ny versjon av ${quoteValue(reference)} ble ikke arkivert`;
    if (!(content instanceof Uint8Array)) throw new ArchiveError(`${what}: content: må være filens innhold (bytes).`);
    if (!instant.safeParse(at).success) throw new ArchiveError(`${what}: at: må være et tidspunkt med tidssone (fikk ${quoteValue(at)}).`);
    checkContent(content, what);
    const entry = await this.entryRow(this.database.db, reference);
    const latestBefore = await this.latestVersion(this.database.db, reference);
    if (latestBefore?.checksum === sha256(content)) return this.answer(entry, latestBefore, true);
    const format = (latestBefore?.format ?? 'PDF/A-2b') as ArchiveFormat;
    const stored = await this.files.put(content, FORMAT_CODE[format].extension);
    return this.database.db.transaction().execute(async (trx) => {
      await this.lockNumbering(trx);
      const caseFile = await trx
        .selectFrom('archive_case_files')
        .selectAll()
        .where('case_id', '=', entry.case_id)
        .executeTakeFirstOrThrow();
      if (caseFile.status === CASE_STATUS.closed)
        throw new ArchiveError(`${what}: saksmappen ${caseFileNumberOf(caseFile.year, caseFile.sequence_number)} er avsluttet.`);
      const latest = await this.latestVersion(trx, reference);
      if (latest?.checksum === stored.checksum) return this.answer(entry, latest, true);
      const version = (latest?.version ?? 0) + 1;
      await this.insertVersion(trx, reference, version, format, stored, at, by ?? entry.filed_by);
      return this.answer(entry, { version, checksum: stored.checksum, size: stored.size }, false);
    });
  }

  async caseFile(caseId: string): Promise<CaseFileRecord | undefined> {
    const row = await this.database.db.selectFrom('archive_case_files').selectAll().where('case_id', '=', caseId).executeTakeFirst();
    if (!row) return undefined;
    return {
      caseId: row.case_id,
      caseFileNumber: caseFileNumberOf(Number(row.year), Number(row.sequence_number)),
      year: Number(row.year),
      sequenceNumber: Number(row.sequence_number),
      title: row.title,
      administrativeUnit: row.administrative_unit,
      ...(row.responsible_id === null ? {} : { responsibleId: row.responsible_id }),
      status: row.status === CASE_STATUS.closed ? 'closed' : 'open',
      accessRestriction: row.access_restriction,
      restrictionBasis: row.restriction_basis,
      createdAt: row.created_at,
      createdBy: row.created_by,
      ...(row.closed_at === null ? {} : { closedAt: row.closed_at }),
    };
  }

  /** The case's documents in the order they were filed (entry number), each with every version. */
  async documentsOfCase(caseId: string): Promise<ArchivedDocumentRecord[]> {
    const { db } = this.database;
    const caseFile = await this.caseFile(caseId);
    if (!caseFile) return [];
    const entries = await db
      .selectFrom('archive_registry_entries as e')
      .innerJoin('archive_documents as d', 'd.reference', 'e.reference')
      .selectAll('e')
      .select(['d.document_number', 'd.kind', 'd.status', 'd.association'])
      .where('e.case_id', '=', caseId)
      .orderBy('e.entry_number')
      .orderBy('d.document_number')
      .execute();
    const references = entries.map((e) => e.reference);
    if (references.length === 0) return [];
    const parties = await db
      .selectFrom('archive_correspondence_parties')
      .selectAll()
      .where('reference', 'in', references)
      .orderBy('reference')
      .orderBy('position')
      .execute();
    const objects = await db
      .selectFrom('archive_document_objects')
      .selectAll()
      .where('reference', 'in', references)
      .orderBy('reference')
      .orderBy('document_number')
      .orderBy('version')
      .execute();
    return entries.map((e) => {
      const versions = objects
        .filter((o) => o.reference === e.reference && Number(o.document_number) === Number(e.document_number))
        .map(versionOf);
      const latest = versions.at(-1);
      if (!latest) throw new ArchiveIntegrityError(`Dokumentet ${e.reference} har ingen lagret fil i arkivet.`);
      return {
        reference: e.reference,
        caseId: e.case_id,
        caseFileNumber: caseFile.caseFileNumber,
        entryNumber: Number(e.entry_number),
        journalYear: Number(e.journal_year),
        journalSequenceNumber: Number(e.journal_sequence_number),
        entryType: e.entry_type as EntryType,
        journalStatus: e.journal_status,
        journalDate: e.journal_date,
        documentDate: e.document_date,
        title: e.title,
        filedAt: e.filed_at,
        filedBy: e.filed_by,
        parties: parties
          .filter((p) => p.reference === e.reference)
          .map((p) => ({ personId: p.person_id, role: p.role, kind: p.party_type as PartyKind })),
        documentNumber: Number(e.document_number),
        documentKind: e.kind as DocumentKind,
        documentStatus: e.status,
        association: e.association,
        version: latest.version,
        checksum: latest.checksum,
        size: latest.size,
        versions,
      };
    });
  }

  /**
   * A document's file (the latest version unless `version` is given) with its record. The bytes
   * are checked against the stored size and checksum: a missing or altered file is an ArchiveError.
   */
  async readDocument(
    reference: string,
    version?: number,
  ): Promise<{ record: ArchivedDocumentRecord; version: DocumentVersionRecord; content: Buffer }> {
    const entry = await this.entryRow(this.database.db, reference);
    const record = (await this.documentsOfCase(entry.case_id)).find((d) => d.reference === reference);
    if (!record) throw new ArchiveNotFoundError(`Finner ikke dokumentet ${quoteValue(reference)} i arkivet.`);
    const chosen = version === undefined ? record.versions.at(-1) : record.versions.find((v) => v.version === version);
    if (!chosen) throw new ArchiveNotFoundError(`Dokumentet ${reference} har ingen versjon ${quoteValue(version)}.`);
    const content = await this.files.read(chosen.fileKey);
    if (content === undefined)
      throw new ArchiveIntegrityError(`Filen til ${reference} versjon ${chosen.version} mangler i arkivet (${chosen.fileKey}).`);
    if (content.byteLength !== chosen.size || sha256(content) !== chosen.checksum)
      throw new ArchiveIntegrityError(
        `Filen til ${reference} versjon ${chosen.version} er endret etter at den ble arkivert: sjekksummen stemmer ikke (${chosen.fileKey}).`,
      );
    return { record, version: chosen, content };
  }

  /** Closes the case file (saksstatus «Avsluttet»); closing it again changes nothing. */
  async closeCaseFile(caseId: string, at: string): Promise<void> {
    if (!instant.safeParse(at).success)
      throw new ArchiveError(`Saksmappen ble ikke avsluttet: at: må være et tidspunkt med tidssone (fikk ${quoteValue(at)}).`);
    const result = await this.database.db
      .updateTable('archive_case_files')
      .set({ status: CASE_STATUS.closed, closed_at: at })
      .where('case_id', '=', caseId)
      .where('status', '!=', CASE_STATUS.closed)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return;
    if (!(await this.caseFile(caseId))) throw new ArchiveNotFoundError(`Saken ${quoteValue(caseId)} har ingen saksmappe i arkivet.`);
  }

  async hasDocument(reference: string): Promise<boolean> {
    const row = await this.database.db
      .selectFrom('archive_registry_entries')
      .select('reference')
      .where('reference', '=', reference)
      .executeTakeFirst();
    return row !== undefined;
  }

  // The numbers are read and taken under one lock: PostgreSQL's transactions do not serialise
  // on their own; SQLite's begin immediate already holds the write lock.
  private async lockNumbering(trx: Trx): Promise<void> {
    if (this.database.kind === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${NUMBERING_LOCK}))`.execute(trx);
  }

  private async maxOf(
    trx: Trx,
    column: 'entry_number' | 'journal_sequence_number',
    by: 'case_id' | 'journal_year',
    value: string | number,
  ): Promise<number> {
    const row = await trx
      .selectFrom('archive_registry_entries')
      .select((eb) => eb.fn.max(column).as('max'))
      .where(by, '=', value)
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }

  /** The case's file, created with the next sequence number of its year when it is the case's first document. */
  private async openCaseFile(
    trx: Trx,
    input: z.infer<typeof inputSchema>,
  ): Promise<{ year: number; sequenceNumber: number; caseFileNumber: string }> {
    const existing = await trx.selectFrom('archive_case_files').selectAll().where('case_id', '=', input.caseId).executeTakeFirst();
    if (existing) {
      const caseFileNumber = caseFileNumberOf(Number(existing.year), Number(existing.sequence_number));
      if (existing.status === CASE_STATUS.closed)
        throw new ArchiveError(`Dokumentet ble ikke arkivert: saksmappen ${caseFileNumber} er avsluttet.`);
      return { year: Number(existing.year), sequenceNumber: Number(existing.sequence_number), caseFileNumber };
    }
    const year = Number(norwegianDate(input.filedAt).slice(0, 4));
    const row = await trx
      .selectFrom('archive_case_files')
      .select((eb) => eb.fn.max('sequence_number').as('max'))
      .where('year', '=', year)
      .executeTakeFirst();
    const sequenceNumber = Number(row?.max ?? 0) + 1;
    await trx
      .insertInto('archive_case_files')
      .values({
        case_id: input.caseId,
        year,
        sequence_number: sequenceNumber,
        title: input.caseTitle ?? DEFAULT_CASE_TITLE,
        administrative_unit: input.schoolId,
        responsible_id: input.responsibleId ?? null,
        status: CASE_STATUS.open,
        access_restriction: ACCESS_RESTRICTION.code,
        restriction_basis: ACCESS_RESTRICTION.basis,
        created_at: input.filedAt,
        created_by: input.filedBy,
        closed_at: null,
      })
      .execute();
    return { year, sequenceNumber, caseFileNumber: caseFileNumberOf(year, sequenceNumber) };
  }

  private async insertVersion(
    trx: Trx,
    reference: string,
    version: number,
    format: ArchiveFormat,
    stored: StoredContent,
    at: string,
    by: string,
  ): Promise<void> {
    await trx
      .insertInto('archive_document_objects')
      .values({
        reference,
        document_number: MAIN_DOCUMENT_NUMBER,
        version,
        variant: ARCHIVE_VARIANT,
        format,
        checksum: stored.checksum,
        size: stored.size,
        file_key: stored.key,
        created_at: at,
        created_by: by,
      })
      .execute();
  }

  private async entryRow(db: AppDatabase['db'] | Trx, reference: string): Promise<EntryRow> {
    const row = await db.selectFrom('archive_registry_entries').selectAll().where('reference', '=', reference).executeTakeFirst();
    if (!row) throw new ArchiveNotFoundError(`Finner ikke dokumentet ${quoteValue(reference)} i arkivet.`);
    return row;
  }

  private async latestVersion(db: AppDatabase['db'] | Trx, reference: string): Promise<DocumentVersionRecord | undefined> {
    const row = await db
      .selectFrom('archive_document_objects')
      .selectAll()
      .where('reference', '=', reference)
      .where('document_number', '=', MAIN_DOCUMENT_NUMBER)
      .orderBy('version', 'desc')
      .executeTakeFirst();
    return row ? versionOf(row) : undefined;
  }

  /** What was filed under `key` (the latest version), or undefined. */
  private async filedUnder(db: AppDatabase['db'] | Trx, key: string): Promise<FiledDocument | undefined> {
    const entry = await db.selectFrom('archive_registry_entries').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
    if (!entry) return undefined;
    const latest = await this.latestVersion(db, entry.reference);
    if (!latest) throw new ArchiveIntegrityError(`Dokumentet ${entry.reference} har ingen lagret fil i arkivet.`);
    return this.answer(entry, latest, true);
  }

  private answer(entry: EntryRow, latest: Pick<DocumentVersionRecord, 'version' | 'checksum' | 'size'>, duplicate: boolean): FiledDocument {
    const parsed = parseReference(entry.reference);
    return {
      reference: entry.reference,
      caseFileNumber: parsed?.caseFileNumber ?? '',
      entryNumber: Number(entry.entry_number),
      checksum: latest.checksum,
      size: latest.size,
      version: latest.version,
      duplicate,
    };
  }
}
