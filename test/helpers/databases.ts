/**
 * The same store tests on both databases the system runs on: the embedded SQLite file and a real
 * PostgreSQL 15 (test/helpers/postgres.ts starts one per test file). Call `testDatabases()` at
 * the top of a test file and run the cases with `describe.each(databases)('$name', …)`; each
 * `open()` gives a fresh, migrated database of that kind, closed after the file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AppDatabase, migrateToLatest, openDatabase } from '../../app/database/database';
import { usePostgres } from './postgres';

export interface TestDatabase {
  name: 'SQLite' | 'PostgreSQL';
  /** A fresh, migrated database; it is closed after the test file. */
  open(): Promise<AppDatabase>;
  /** The URL of a fresh, migrated database, for a child process to open. */
  newUrl(): Promise<string>;
}

export function testDatabases(): TestDatabase[] {
  const opened: AppDatabase[] = [];
  let dir: string | undefined;
  let files = 0;
  // Registered before usePostgres(), so it runs first: the databases close before the server stops.
  afterAll(async () => {
    await Promise.all(opened.splice(0).map((database) => database.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const postgres = usePostgres();

  const migrated = async (url: string): Promise<string> => {
    const database = openDatabase(url);
    try {
      await migrateToLatest(database);
    } finally {
      await database.close();
    }
    return url;
  };
  const sqliteUrl = () => {
    dir ??= mkdtempSync(path.join(tmpdir(), 'skolefravaer-db-'));
    files += 1;
    return `sqlite:${path.join(dir, `test-${files}.sqlite`)}`;
  };
  const kinds: { name: TestDatabase['name']; url: () => Promise<string> }[] = [
    { name: 'SQLite', url: async () => sqliteUrl() },
    { name: 'PostgreSQL', url: () => postgres.newDatabaseUrl() },
  ];
  return kinds.map(({ name, url }) => ({
    name,
    newUrl: async () => migrated(await url()),
    open: async () => {
      const database = openDatabase(await migrated(await url()));
      opened.push(database);
      return database;
    },
  }));
}
