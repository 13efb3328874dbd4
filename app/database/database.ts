/**
 * The one way into the school's database: `openDatabase(DATABASE_URL)` gives a Kysely instance on
 * SQLite (`node:sqlite`) or PostgreSQL (`pg`), and `migrateToLatest` brings its schema up to date
 * (both README commands do, at start). Every store (registrations, detection's ledger, the school
 * directory) takes the instance, never a URL or a connection of its own.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, type MigrationProvider, Migrator, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import { type DatabaseTarget, describeDatabaseUrl, parseDatabaseUrl } from './database-url';
import { migrationProvider } from './migrations';
import { NodeSqliteDialect } from './node-sqlite';
import type { Database, SchoolDatabase } from './schema';

/** An open database: the query builder, which kind it is, and how to close it. */
export interface AppDatabase {
  db: SchoolDatabase;
  kind: DatabaseTarget['kind'];
  /** The URL with any password hidden, for messages. */
  description: string;
  close(): Promise<void>;
}

/** The database cannot be opened or migrated; the message (Norwegian) says which and why. */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

/** Opens the database `url` names (see database-url.ts). SQLite creates its file and folder when missing. */
export function openDatabase(url: string): AppDatabase {
  const target = parseDatabaseUrl(url);
  if ('error' in target) throw new DatabaseError(`DATABASE_URL ${target.error}.`);
  const description = describeDatabaseUrl(url);
  if (target.kind === 'sqlite') {
    mkdirSync(path.dirname(path.resolve(target.file)), { recursive: true });
    const db = new Kysely<Database>({ dialect: new NodeSqliteDialect(target.file) });
    return { db, kind: 'sqlite', description, close: () => db.destroy() };
  }
  // A small pool: the intake, detection and the worker each hold a few connections at most.
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString: target.url, max: 5 }) }) });
  return { db, kind: 'postgres', description, close: () => db.destroy() };
}

/** What a migration run did: the migrations it applied, in order. */
export interface MigrationReport {
  applied: string[];
}

/**
 * Brings the schema up to date. Each migration runs in its own transaction on both databases,
 * so one that fails leaves the database as the previous one left it; the error names it.
 * Safe to run from several processes at once (Kysely's migration lock).
 */
export async function migrateToLatest(database: AppDatabase, provider: MigrationProvider = migrationProvider): Promise<MigrationReport> {
  const migrator = new Migrator({ db: database.db, provider });
  let result;
  try {
    result = await migrator.migrateToLatest();
  } catch (err) {
    throw new DatabaseError(`Databasen (${database.description}) kunne ikke oppgraderes: ${(err as Error).message}`, { cause: err });
  }
  const failed = result.results?.find((r) => r.status === 'Error');
  if (result.error || failed) {
    const why = result.error instanceof Error ? result.error.message : String(result.error);
    throw new DatabaseError(
      `Databasen (${database.description}) kunne ikke oppgraderes${failed ? ` ved migreringen ${failed.migrationName}` : ''}: ${why}. ` +
        'Databasen er som før migreringen.',
      { cause: result.error },
    );
  }
  return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
