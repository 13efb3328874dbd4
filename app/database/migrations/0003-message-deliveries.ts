/** Each real message's delivery (e-mail over SMTP, SMS through the gateway), keyed by the activity's idempotency key. */
import type { Kysely, Migration } from 'kysely';

export const messageDeliveries: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('message_deliveries')
      .addColumn('idempotency_key', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('recipient_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('first_attempt_at', 'text', (c) => c.notNull())
      .addColumn('last_attempt_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .execute();
    // The case view lists a case's deliveries.
    await db.schema.createIndex('message_deliveries_by_case').on('message_deliveries').columns(['case_id', 'first_attempt_at']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('message_deliveries').execute();
  },
};
