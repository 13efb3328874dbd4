/**
 * A real PostgreSQL 15 for a jest test file: one throwaway server per file (started in
 * beforeAll, stopped in afterAll), and a fresh, empty database on it for every call of
 * `newDatabaseUrl()`, so store tests can run the same cases against SQLite and PostgreSQL
 * (`describe.each`) without sharing data. Call `usePostgres()` at the top of the file or of a
 * describe block.
 *
 * Close every connection to its databases before the server stops: jest runs a block's afterAll
 * hooks in the order they were registered, so register the hook that closes pools BEFORE calling
 * `usePostgres()` (or close them in the tests). A `pg` pool still holding an idle connection when
 * the server stops gets an 'error' event, which, with no listener on the pool, fails the file.
 */
import { type PostgresServer, createDatabase, startPostgres } from '../../scripts/lib/postgres-server';

export interface PostgresForTests {
  /** Creates an empty database on the file's server and returns its URL. */
  newDatabaseUrl(): Promise<string>;
  /** The file's server (after beforeAll). */
  server(): PostgresServer;
}

export function usePostgres(): PostgresForTests {
  let running: PostgresServer | undefined;
  let databases = 0;

  beforeAll(async () => {
    running = await startPostgres();
  }, 60_000);

  afterAll(async () => {
    await running?.stop();
    running = undefined;
  });

  const server = (): PostgresServer => {
    if (!running)
      throw new Error(
        'PostgreSQL-testserveren kjører ikke: usePostgres() må kalles utenfor testene, og databasen hentes i en test eller beforeAll/beforeEach',
      );
    return running;
  };

  return {
    server,
    async newDatabaseUrl() {
      databases += 1;
      return createDatabase(server().url, `test_${databases}`);
    },
  };
}
