/**
 * The delivery record of every real message (table `message_deliveries`): sent or failed, how many
 * attempts, the last error and when. A sender asks it first, so an activity retried after its
 * message went out (but before it returned) sends nothing new; the case view lists a case's
 * deliveries from it. Recipients are kept as person ids, never addresses.
 */
import type { AppDatabase } from '../app/database/database';
import type { MessageDeliveriesTable } from '../app/database/schema';

/** `outbox`: kept in the local outbox because no transport is configured for the channel. */
export type DeliveryChannel = 'email' | 'sms' | 'outbox';
export type DeliveryStatus = 'sent' | 'failed';

export interface DeliveryRecord {
  idempotencyKey: string;
  caseId: string;
  channel: DeliveryChannel;
  recipientId: string;
  status: DeliveryStatus;
  attempts: number;
  lastError?: string;
  firstAttemptAt: string;
  lastAttemptAt: string;
  sentAt?: string;
}

/** One attempt's outcome, as a sender reports it. */
export interface DeliveryAttempt {
  idempotencyKey: string;
  caseId: string;
  channel: DeliveryChannel;
  recipientId: string;
  at: string;
}

type Row = MessageDeliveriesTable;

function fromRow(row: Row): DeliveryRecord {
  return {
    idempotencyKey: row.idempotency_key,
    caseId: row.case_id,
    channel: row.channel as DeliveryChannel,
    recipientId: row.recipient_id,
    status: row.status as DeliveryStatus,
    attempts: Number(row.attempts),
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    firstAttemptAt: row.first_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    ...(row.sent_at !== null ? { sentAt: row.sent_at } : {}),
  };
}

export class DeliveryStore {
  constructor(private readonly database: AppDatabase) {}

  async find(idempotencyKey: string): Promise<DeliveryRecord | undefined> {
    const row = await this.database.db
      .selectFrom('message_deliveries')
      .selectAll()
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** A case's deliveries, oldest first (what the case shows). */
  async forCase(caseId: string): Promise<DeliveryRecord[]> {
    const rows = await this.database.db
      .selectFrom('message_deliveries')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('first_attempt_at')
      .orderBy('idempotency_key')
      .execute();
    return rows.map(fromRow);
  }

  recordSent(attempt: DeliveryAttempt): Promise<DeliveryRecord> {
    return this.record(attempt, 'sent', null);
  }

  recordFailed(attempt: DeliveryAttempt, error: string): Promise<DeliveryRecord> {
    return this.record(attempt, 'failed', error);
  }

  /** Counts the attempt; a key once sent stays sent (a late failure report never undoes it). */
  private async record(attempt: DeliveryAttempt, status: DeliveryStatus, error: string | null): Promise<DeliveryRecord> {
    await this.database.db
      .insertInto('message_deliveries')
      .values({
        idempotency_key: attempt.idempotencyKey,
        case_id: attempt.caseId,
        channel: attempt.channel,
        recipient_id: attempt.recipientId,
        status,
        attempts: 1,
        last_error: error,
        first_attempt_at: attempt.at,
        last_attempt_at: attempt.at,
        sent_at: status === 'sent' ? attempt.at : null,
      })
      .onConflict((oc) =>
        oc.column('idempotency_key').doUpdateSet((eb) => ({
          attempts: eb('message_deliveries.attempts', '+', 1),
          last_attempt_at: attempt.at,
          last_error: error,
          status: eb.case().when('message_deliveries.status', '=', 'sent').then('sent').else(status).end(),
          sent_at: eb.fn.coalesce('message_deliveries.sent_at', eb.val(status === 'sent' ? attempt.at : null)),
        })),
      )
      .execute();
    const stored = await this.find(attempt.idempotencyKey);
    if (!stored) throw new Error(`delivery record ${attempt.idempotencyKey} vanished after it was written`);
    return stored;
  }
}
