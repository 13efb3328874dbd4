/**
 * The web application's users: who may sign in and with which role (web/users/), which cases
 * each of them opened (an access log the auditor reads), and the API tokens of integrations.
 * Booleans are integers 0/1 and times ISO 8601 text, as in the other migrations, so the same
 * columns work on SQLite and PostgreSQL. The access log's id is the one column that differs: an
 * autoincrementing integer is spelt differently by the two databases.
 */
import { type Kysely, type Migration, PostgresAdapter } from 'kysely';

export const webUsers: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('web_users')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      // Lower-cased before it is stored, so «Kari@Skole.no» and «kari@skole.no» are one user.
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      // Null: the user signs in only through OpenID Connect.
      .addColumn('password_hash', 'text')
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('staff_id', 'text')
      .addColumn('school_id', 'text')
      .addColumn('municipality_id', 'text')
      // «<issuer> <sub>»: one identity at one provider is one user.
      .addColumn('oidc_subject', 'text', (c) => c.unique())
      .addColumn('disabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    await db.schema
      .createTable('web_case_access_log')
      .addColumn('id', postgres ? 'serial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('workflow_id', 'text', (c) => c.notNull())
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .execute();
    // The auditor reads a case's log and a user's log, newest first.
    await db.schema.createIndex('web_case_access_log_by_case').on('web_case_access_log').columns(['workflow_id', 'opened_at']).execute();
    await db.schema.createIndex('web_case_access_log_by_user').on('web_case_access_log').columns(['user_id', 'opened_at']).execute();

    await db.schema
      .createTable('web_api_tokens')
      .addColumn('token_id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      // SHA-256 of the secret, lower-case hex: the secret itself is shown once and never stored.
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      // A JSON array of scope names.
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('web_api_tokens_by_user').on('web_api_tokens').column('user_id').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['web_api_tokens', 'web_case_access_log', 'web_users']) await db.schema.dropTable(table).execute();
  },
};
