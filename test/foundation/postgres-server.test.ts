/**
 * The throwaway PostgreSQL 15 server the store tests run against (scripts/lib/postgres-server.ts,
 * through test/helpers/postgres.ts): it starts on a free loopback port as an unprivileged user,
 * each test gets an independent database, and stopping it leaves no process and no folder behind.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client, Pool } from 'pg';
import { DEBIAN_POSTGRES_15_BIN, createDatabase, startPostgres } from '../../scripts/lib/postgres-server';
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

/** Pids of the processes `pid` started (PostgreSQL's backends and helpers), from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(name));
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

test('a second server gets another port; stop() leaves no process and no folder', async () => {
  const second = await startPostgres();
  const folder = dirname(second.dataDir);
  let stopped = false;
  try {
    expect(second.port).not.toBe(postgres.server().port);
    const url = await createDatabase(second.url, 'annen');
    await query(url, 'SELECT 1');
    const processes = [second.pid, ...childrenOf(second.pid)];
    // The postmaster and at least its checkpointer, writer and WAL writer.
    expect(processes.length).toBeGreaterThanOrEqual(4);
    // A connection left open does not hold the stop up (fast shutdown).
    const open = new Client({ connectionString: url });
    open.on('error', () => undefined);
    await open.connect();
    processes.push(...childrenOf(second.pid).filter((pid) => !processes.includes(pid)));

    await second.stop();
    stopped = true;
    expect(processes.filter(isAlive)).toEqual([]);
    expect(existsSync(folder)).toBe(false);
    await open.end().catch(() => undefined);
  } finally {
    if (!stopped) await second.stop();
  }
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
