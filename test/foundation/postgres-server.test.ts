/**
 * The throwaway PostgreSQL 15 server the store tests run against (scripts/lib/postgres-server.ts,
 * through test/helpers/postgres.ts): it starts on a free loopback port as an unprivileged user,
 * each test gets an independent database, and stopping it leaves no process and no folder behind.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client, Pool } from 'pg';
import { DEBIAN_POSTGRES_15_BIN, SMART_SHUTDOWN_MS, createDatabase, startPostgres } from '../../scripts/lib/postgres-server';
import { isAlive } from '../helpers/process-alive';
import { usePostgres } from '../helpers/postgres';

// Registered before usePostgres(), so it runs before the server stops (hooks run in order).
const pools: Pool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.end()));
});

const postgres = usePostgres();

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * Pids of the server processes the postmaster `pid` started (backends and helpers, whose titles
 * start with "postgres:"), from /proc; not exit-with-parent.sh's watcher, which is its child too.
 */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').startsWith('postgres:')) children.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Uid:'));
  return Number(line!.split(/\s+/)[1]);
}

test('the server is PostgreSQL 15 on a loopback port, with durability off, run by an unprivileged user', async () => {
  const server = postgres.server();
  expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
  expect(server.port).not.toBe(5432);
  const [row] = await query<{ version: string; listen: string; fsync: string; commit: string }>(
    server.url,
    `SELECT version() AS version, current_setting('listen_addresses') AS listen, current_setting('fsync') AS fsync,
            current_setting('synchronous_commit') AS commit`,
  );
  expect(row!.version).toMatch(/^PostgreSQL 15\.\d+ /);
  expect(row).toMatchObject({ listen: '127.0.0.1', fsync: 'off', commit: 'off' });
  expect(uidOf(server.pid)).not.toBe(0);
});

test('each new database is empty and independent of the others', async () => {
  const first = await postgres.newDatabaseUrl();
  const second = await postgres.newDatabaseUrl();
  expect(first).not.toBe(second);
  await query(first, `CREATE TABLE elev (id text PRIMARY KEY); INSERT INTO elev VALUES ('E1'), ('E2')`);
  await query(second, `CREATE TABLE elev (id text PRIMARY KEY); INSERT INTO elev VALUES ('Æ3')`);
  expect(await query(first, 'SELECT id FROM elev ORDER BY id')).toEqual([{ id: 'E1' }, { id: 'E2' }]);
  expect(await query(second, 'SELECT id FROM elev')).toEqual([{ id: 'Æ3' }]);
  const [encoding] = await query<{ server_encoding: string }>(second, 'SHOW server_encoding');
  expect(encoding!.server_encoding).toBe('UTF8');
});

test('a pool left open by a test is closed by an earlier-registered afterAll before the server stops', async () => {
  const pool = new Pool({ connectionString: await postgres.newDatabaseUrl(), max: 2 });
  pools.push(pool);
  expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  expect(pool.idleCount).toBe(1);
});

test('createDatabase refuses a name it would have to quote', async () => {
  await expect(createDatabase(postgres.server().url, 'x"; DROP DATABASE postgres; --')).rejects.toThrow('Ugyldig databasenavn');
});

test('a second server gets another port; stop() leaves no process and no folder, and a pool ended just before gets no error', async () => {
  const second = await startPostgres();
  const folder = dirname(second.dataDir);
  let stopped = false;
  try {
    expect(second.port).not.toBe(postgres.server().port);
    const url = await createDatabase(second.url, 'annen');
    // Ten connections, ended right before the stop: end() does not wait for the server to close
    // them, so a fast shutdown would reach some of them still open and the pool would get errors.
    const pool = new Pool({ connectionString: url, max: 10 });
    const poolErrors: Error[] = [];
    pool.on('error', (err) => poolErrors.push(err));
    await Promise.all(Array.from({ length: 10 }, () => pool.query('SELECT pg_sleep(0.05)')));
    const processes = [second.pid, ...childrenOf(second.pid)];
    // The postmaster, its helpers (checkpointer, writers, launcher) and the ten sessions.
    expect(processes.length).toBeGreaterThanOrEqual(14);
    await pool.end();

    const started = Date.now();
    await second.stop();
    stopped = true;
    expect(Date.now() - started).toBeLessThan(SMART_SHUTDOWN_MS);
    expect(poolErrors).toEqual([]);
    expect(processes.filter(isAlive)).toEqual([]);
    expect(existsSync(folder)).toBe(false);
  } finally {
    if (!stopped) await second.stop();
  }
});

test('a connection left open holds stop() up for the smart-shutdown wait only, then is ended', async () => {
  const third = await startPostgres();
  const open = new Client({ connectionString: third.url });
  const ended = new Promise<string>((done) => {
    open.on('error', (err: Error & { code?: string }) => done(err.code ?? err.message));
  });
  await open.connect();
  const started = Date.now();
  await third.stop();
  const took = Date.now() - started;
  expect(took).toBeGreaterThanOrEqual(SMART_SHUTDOWN_MS - 50);
  expect(took).toBeLessThan(SMART_SHUTDOWN_MS + 5_000);
  // 57P01 (terminating connection due to administrator command: the fast shutdown), or the socket
  // closed before the client read that message.
  expect(await ended).toMatch(/^(57P01|Connection terminated unexpectedly)$/);
  expect(isAlive(third.pid)).toBe(false);
  expect(existsSync(dirname(third.dataDir))).toBe(false);
  await open.end().catch(() => undefined);
});

test('a server that stops before it is ready is reported in Norwegian with the end of its log', async () => {
  // A bin folder whose initdb is the real one and whose postgres fails at once.
  const binDir = mkdtempSync(join(tmpdir(), 'skolefravaer-fake-postgres-'));
  try {
    chmodSync(binDir, 0o755);
    symlinkSync(join(DEBIAN_POSTGRES_15_BIN, 'initdb'), join(binDir, 'initdb'));
    writeFileSync(join(binDir, 'postgres'), '#!/bin/sh\necho "FATAL:  en feil fra testen" >&2\nexit 1\n', { mode: 0o755 });
    await expect(startPostgres({ binDir })).rejects.toThrow(/PostgreSQL-testserveren stoppet \(avslutningskode 1\)[^]*en feil fra testen/);
  } finally {
    rmSync(binDir, { recursive: true, force: true });
  }
});

test('missing server programs are reported in Norwegian, naming what to install', async () => {
  await expect(startPostgres({ binDir: '/finnes/ikke' })).rejects.toThrow(/mangler \(fant ikke \/finnes\/ikke\/initdb\).*postgresql-15/);
});
