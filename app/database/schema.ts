/**
 * The tables of the school's data (Temporal keeps the cases; this database keeps what the schools
 * register and what detection has delivered). Records are stored as canonical JSON beside the
 * columns that identify and find them, so the same schema runs on SQLite and PostgreSQL and a
 * record reads back exactly as it was validated. Times are ISO 8601 text in UTC.
 */
import type { Generated, Kysely } from 'kysely';

/** One absence registration; identity: school, pupil, date and kind (intake/registration-schema.ts). */
export interface RegistrationsTable {
  school_id: string;
  pupil_id: string;
  /** yyyy-MM-dd. */
  date: string;
  /** 'whole-day' | 'late-arrival' | 'left-during-day' | 'partial'. */
  kind: string;
  /** The registration as canonical JSON (fixed field order). */
  record: string;
  /** When this version was stored. */
  stored_at: string;
}

/** Detection's ledger: per school and pupil, the triggers delivered and the last trend sent. */
export interface DetectionLedgerTable {
  school_id: string;
  pupil_id: string;
  /** The pupil's ledger as JSON (detection/trigger-ledger.ts). */
  record: string;
  updated_at: string;
}

/** Who is running detection for a school now: one run per school at a time, with a lease that ends if the run dies. */
export interface DetectionLocksTable {
  school_id: string;
  holder: string;
  expires_at: string;
}

/** The school directory as loaded from its reviewed configuration file (config/schools.json). */
export interface SchoolsTable {
  school_id: string;
  procedure_id: string;
  /** The school's entry of the file as JSON (procedure, calendar, policy overrides). */
  record: string;
  /** The file it was loaded from. */
  source: string;
  loaded_at: string;
}

/** A pupil at a school (people/). */
export interface PupilsTable {
  school_id: string;
  pupil_id: string;
  name: string;
  grade: number;
  /** The staff_id of the pupil's contact teacher, when known. */
  contact_teacher_id: string | null;
  updated_at: string;
}

/** A guardian; booleans are 0/1. */
export interface GuardiansTable {
  guardian_id: string;
  name: string;
  email: string | null;
  mobile: string | null;
  /** ISO 639-1 code, e.g. 'nb', 'nn', 'en'. */
  language: string;
  /** 'bokmal' | 'nynorsk'. */
  written_standard: string;
  /** 1: the guardian's address is protected (sperret adresse); never revealed to anyone else. */
  protected_address: number;
  updated_at: string;
}

/** Who is guardian of which pupil at which school; booleans are 0/1. */
export interface PupilGuardiansTable {
  school_id: string;
  pupil_id: string;
  guardian_id: string;
  parental_responsibility: number;
  lives_with: number;
}

/** A member of staff. */
export interface StaffTable {
  staff_id: string;
  name: string;
  email: string;
  mobile: string | null;
  updated_at: string;
}

/** The roles (machines/vocabulary.ts) a member of staff holds at a school. */
export interface StaffRolesTable {
  staff_id: string;
  school_id: string;
  role: string;
}

/** One real message's delivery (messages/delivery-store.ts): a retry finds it and sends nothing twice. */
export interface MessageDeliveriesTable {
  /** The activity's idempotency key. */
  idempotency_key: string;
  case_id: string;
  /** 'email' | 'sms'. */
  channel: string;
  /** The person the message is for (an id, never an address or a number). */
  recipient_id: string;
  /** 'sent' | 'failed'. */
  status: string;
  attempts: number;
  last_error: string | null;
  first_attempt_at: string;
  last_attempt_at: string;
  sent_at: string | null;
}

/** A case's file in the archive (Noark 5 saksmappe; archive/archive-store.ts): one per case. */
export interface ArchiveCaseFilesTable {
  case_id: string;
  /** saksaar and sakssekvensnummer: the case file number «year/sequence», unique. */
  year: number;
  sequence_number: number;
  /** Never a pupil's name. */
  title: string;
  /** administrativEnhet: the school id. */
  administrative_unit: string;
  /** saksansvarlig: a staff id, when known. */
  responsible_id: string | null;
  /** saksstatus: 'Under behandling' | 'Avsluttet'. */
  status: string;
  /** tilgangsrestriksjon, e.g. '13'. */
  access_restriction: string;
  /** skjermingshjemmel, e.g. 'Offl. § 13, jf. fvl. § 13'. */
  restriction_basis: string;
  created_at: string;
  created_by: string;
  closed_at: string | null;
}

/** A registry entry (Noark 5 journalpost) of a case file. */
export interface ArchiveRegistryEntriesTable {
  /** 'arkiv:<year>/<sequence>-<entry number>'. */
  reference: string;
  case_id: string;
  /** Number within the case file (the n of 2026/17-n). */
  entry_number: number;
  journal_year: number;
  /** journalsekvensnummer: per journal year, across case files. */
  journal_sequence_number: number;
  /** 'incoming' | 'outgoing' | 'internal'. */
  entry_type: string;
  /** journalstatus, e.g. 'Journalført'. */
  journal_status: string;
  /** yyyy-MM-dd. */
  journal_date: string;
  document_date: string;
  title: string;
  filed_at: string;
  filed_by: string;
  /** The filing call's key: a retry finds this entry. */
  idempotency_key: string;
}

/** A correspondence party (korrespondansepart) of an entry: a person id, never a name. */
export interface ArchiveCorrespondencePartiesTable {
  reference: string;
  position: number;
  /** 'sender' | 'recipient' | 'copy' | 'internal-sender' | 'internal-recipient'. */
  party_type: string;
  person_id: string;
  role: string;
}

/** A document description (dokumentbeskrivelse) of an entry. */
export interface ArchiveDocumentsTable {
  reference: string;
  document_number: number;
  /** A DocumentKind (machines/vocabulary.ts). */
  kind: string;
  title: string;
  /** dokumentstatus, e.g. 'Dokumentet er ferdigstilt'. */
  status: string;
  /** tilknyttetRegistreringSom, e.g. 'Hoveddokument'. */
  association: string;
  created_at: string;
  created_by: string;
}

/** One version of a document's file (dokumentobjekt); rows are only ever added. */
export interface ArchiveDocumentObjectsTable {
  reference: string;
  document_number: number;
  version: number;
  /** variantformat, e.g. 'Arkivformat'. */
  variant: string;
  /** e.g. 'PDF/A-2b'. */
  format: string;
  /** SHA-256, lower-case hex. */
  checksum: string;
  size: number;
  /** Path of the file under the archive folder. */
  file_key: string;
  created_at: string;
  created_by: string;
}

/** A user of the web application (web/users/); booleans are 0/1. */
export interface WebUsersTable {
  user_id: string;
  /** Lower case; unique. */
  username: string;
  display_name: string;
  /** `scrypt$N$r$p$<salt>$<hash>` (web/users/password.ts); null: sign-in through OpenID Connect only. */
  password_hash: string | null;
  /** A WebRole: 'contact-teacher' | 'principal' | 'coordinator' | 'auditor' | 'administrator'. */
  role: string;
  /** The person in the people directory (staff.staff_id), when the user is one. */
  staff_id: string | null;
  /** The school a principal or contact teacher works for. */
  school_id: string | null;
  /** The municipality a coordinator (or a limited auditor) works for. */
  municipality_id: string | null;
  /** «<issuer> <sub>» of the user's OpenID Connect identity; unique. */
  oidc_subject: string | null;
  disabled: number;
  created_at: string;
  updated_at: string;
}

/** Who opened which case, and for what: one row per opening, never updated. */
export interface WebCaseAccessLogTable {
  /** Autoincrementing; orders entries of the same instant. */
  id: Generated<number>;
  user_id: string;
  workflow_id: string;
  opened_at: string;
  /** 'view' | 'document'. */
  action: string;
}

/** An API token of an integration: only the SHA-256 of its secret is stored. */
export interface WebApiTokensTable {
  token_id: string;
  user_id: string;
  name: string;
  /** SHA-256 of the secret, lower-case hex; unique. */
  token_hash: string;
  /** JSON array of scope names. */
  scopes: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface Database {
  registrations: RegistrationsTable;
  detection_ledger: DetectionLedgerTable;
  detection_locks: DetectionLocksTable;
  schools: SchoolsTable;
  message_deliveries: MessageDeliveriesTable;
  pupils: PupilsTable;
  guardians: GuardiansTable;
  pupil_guardians: PupilGuardiansTable;
  staff: StaffTable;
  staff_roles: StaffRolesTable;
  archive_case_files: ArchiveCaseFilesTable;
  archive_registry_entries: ArchiveRegistryEntriesTable;
  archive_correspondence_parties: ArchiveCorrespondencePartiesTable;
  archive_documents: ArchiveDocumentsTable;
  archive_document_objects: ArchiveDocumentObjectsTable;
  web_users: WebUsersTable;
  web_case_access_log: WebCaseAccessLogTable;
  web_api_tokens: WebApiTokensTable;
}

export type SchoolDatabase = Kysely<Database>;
