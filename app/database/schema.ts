/**
 * The tables of the school's data (Temporal keeps the cases; this database keeps what the schools
 * register and what detection has delivered). Records are stored as canonical JSON beside the
 * columns that identify and find them, so the same schema runs on SQLite and PostgreSQL and a
 * record reads back exactly as it was validated. Times are ISO 8601 text in UTC.
 */
import type { Kysely } from 'kysely';

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

export interface Database {
  registrations: RegistrationsTable;
  detection_ledger: DetectionLedgerTable;
  detection_locks: DetectionLocksTable;
  schools: SchoolsTable;
  message_deliveries: MessageDeliveriesTable;
}

export type SchoolDatabase = Kysely<Database>;
