/**
 * Kysely on Node's built-in SQLite (`node:sqlite`, Node 22.13+; no native module to build or
 * download): a small adapter from `DatabaseSync` to the database interface of Kysely's own
 * SQLite dialect, which then does everything else (query compiler, introspection, migrations).
 *
 * Two changes to Kysely's SQLite dialect, both for several processes writing one file (two
 * imports and a detection run at once):
 * - a transaction begins IMMEDIATE: it takes the write lock at once and waits for it
 *   (busy_timeout), where a DEFERRED one that first reads and then writes would fail with
 *   SQLITE_BUSY as soon as another process wrote in between, with nothing to wait for;
 * - migrations run in a transaction: SQLite's DDL is transactional, so a migration that fails
 *   leaves the database as it was (Kysely assumes otherwise for SQLite).
 */
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import {
  type DatabaseConnection,
  type Driver,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDatabase,
  SqliteDriver,
  type SqliteStatement,
  CompiledQuery,
} from 'kysely';

/** How long a writer waits for another process's write lock before giving up (ms). */
export const SQLITE_BUSY_TIMEOUT_MS = 30_000;

/** node:sqlite binds numbers, strings, bigints, null and bytes; Kysely also passes booleans and undefined. */
function bindable(value: unknown): SQLInputValue {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value as SQLInputValue;
}

/** `DatabaseSync` as Kysely's `SqliteDatabase`. */
export function adaptNodeSqlite(database: DatabaseSync): SqliteDatabase {
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const statement = database.prepare(sql);
      const bind = (parameters: ReadonlyArray<unknown>) => parameters.map(bindable);
      return {
        // A statement that returns columns is read with all(); the rest are run.
        reader: statement.columns().length > 0,
        all: (parameters) => statement.all(...bind(parameters)),
        run: (parameters) => {
          const { changes, lastInsertRowid } = statement.run(...bind(parameters));
          return { changes, lastInsertRowid };
        },
        iterate: (parameters) => statement.iterate(...bind(parameters)) as IterableIterator<unknown>,
      };
    },
  };
}

/** Opens (creating when missing) the SQLite file with the settings every connection needs. */
export function openNodeSqlite(file: string): DatabaseSync {
  const database = new DatabaseSync(file);
  // WAL lets detection read while an import writes; NORMAL is durable at every checkpoint and
  // safe against corruption in WAL mode; foreign keys are off by default in SQLite.
  database.exec(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  database.exec('PRAGMA journal_mode = WAL');
  database.exec('PRAGMA synchronous = NORMAL');
  database.exec('PRAGMA foreign_keys = ON');
  return database;
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** Kysely's SQLite dialect on `node:sqlite`, with immediate transactions and transactional migrations. */
export class NodeSqliteDialect extends SqliteDialect {
  constructor(private readonly file: string) {
    super({ database: async () => adaptNodeSqlite(openNodeSqlite(file)) });
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: async () => adaptNodeSqlite(openNodeSqlite(this.file)) });
  }

  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}
