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

/**
 * One Kysely instance (so one connection) per SQLite file per process, shared by everyone in the
 * process who opens it and closed when the last of them closes it. Why: node:sqlite is
 * synchronous, so a second connection of the same process waiting for the first one's write
 * lock would block the very thread that has to finish the first transaction; on one connection
 * Kysely queues the transactions instead. Other processes (two imports, the worker) each have
 * their own connection and wait for the lock (busy_timeout).
 */
const sharedSqlite = new Map<string, { db: Kysely<Database>; users: number }>();

function openSharedSqlite(file: string, description: string): AppDatabase {
  let shared = sharedSqlite.get(file);
  if (!shared) {
    mkdirSync(path.dirname(file), { recursive: true });
    shared = { db: new Kysely<Database>({ dialect: new NodeSqliteDialect(file) }), users: 0 };
    sharedSqlite.set(file, shared);
  }
  shared.users += 1;
  const { db } = shared;
  let closed = false;
  return {
    db,
    kind: 'sqlite',
    description,
    close: async () => {
      if (closed) return;
      closed = true;
      shared.users -= 1;
      if (shared.users > 0) return;
      sharedSqlite.delete(file);
      await db.destroy();
    },
  };
}

/** Opens the database `url` names (see database-url.ts). SQLite creates its file and folder when missing. */
export function openDatabase(url: string): AppDatabase {
  const target = parseDatabaseUrl(url);
  if ('error' in target) throw new DatabaseError(`DATABASE_URL ${target.error}.`);
  const description = describeDatabaseUrl(url);
  if (target.kind === 'sqlite') return openSharedSqlite(path.resolve(target.file), description);
  // A small pool: the intake, detection and the worker each hold a few connections at most.
  const pool = new Pool({ connectionString: target.url, max: 5 });
  // A connection the server ends while idle (a restart, a fail-over) is dropped by the pool and
  // the next query opens a new one; without a listener the event would end the process.
  pool.on('error', () => undefined);
  // The same for a connection in use: `pg` reports its loss both to the query running on it (the
  // caller gets that error) and as an 'error' event, which without a listener would end the
  // process; the pool drops the connection when it is given back.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
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

/** Opens the database and brings its schema up to date; closes it again when that fails. Throws DatabaseError. */
export async function openMigratedDatabase(url: string): Promise<AppDatabase> {
  let database: AppDatabase;
  try {
    database = openDatabase(url);
  } catch (err) {
    if (err instanceof DatabaseError) throw err;
    throw new DatabaseError(`Databasen (${describeDatabaseUrl(url)}) kunne ikke åpnes: ${(err as Error).message}`, { cause: err });
  }
  try {
    await migrateToLatest(database);
  } catch (err) {
    await database.close().catch(() => undefined);
    throw err;
  }
  return database;
}
