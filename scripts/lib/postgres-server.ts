/**
 * A throwaway PostgreSQL 15 server for tests: its own temporary folder (data, socket, log),
 * `initdb` with trust authentication, then the `postgres` program on a free loopback port, with
 * durability switched off for speed (the data is thrown away). It never touches a system cluster
 * or port 5432. The server runs through child-processes.ts like the Temporal dev server: its own
 * process group, behind exit-with-parent.sh, registered for cleanup, so it cannot outlive the
 * process (or the jest test file) that started it.
 *
 * The programs are Debian's postgresql-15 package (/usr/lib/postgresql/15/bin), installed by
 * scripts/install-postgres.sh.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { type ChildExit, type GroupChild, describeExit, registerCleanup, spawnGroup } from './child-processes';
import { freePort } from './free-port';
import { logTail } from './log-tail';
import { waitUntilReady } from './wait-until-ready';

/** Where Debian's postgresql-15 package puts the server programs. */
export const DEBIAN_POSTGRES_15_BIN = '/usr/lib/postgresql/15/bin';

/** The superuser initdb creates; trust authentication, so no password. */
export const POSTGRES_SUPERUSER = 'postgres';

/**
 * How long stop() lets open sessions end by themselves before ending them. A `pg` pool's end()
 * resolves once it has asked its connections to close, not once the server has closed them; a
 * fast shutdown at that moment sends the closing connections an error, which an idle pool client
 * passes to the pool as an 'error' event (and with no listener, the test file fails). A smart
 * shutdown (SIGTERM) takes no new connections and waits for the open ones, which are closing.
 */
export const SMART_SHUTDOWN_MS = 2_000;

export interface PostgresOptions {
  /** Folder holding initdb and postgres (default: Debian's PostgreSQL 15). */
  binDir?: string;
  /** How long to wait for the server to accept connections (ms). */
  readyTimeoutMs?: number;
  /**
   * A folder the server keeps its data in across starts (`npm run cluster`): initdb only when it
   * holds no cluster yet, durability on, and the folder is kept when the server stops. Without
   * it the server is a throwaway one in a temporary folder.
   */
  keepIn?: string;
  /** The port to listen on (default: a free one). */
  port?: number;
  /** max_connections (default PostgreSQL's 100); each Temporal service process opens about 30. */
  maxConnections?: number;
}

export interface PostgresServer {
  /** Connection URL of the `postgres` database as the superuser, on 127.0.0.1. */
  url: string;
  port: number;
  /** The cluster's data folder (inside the temporary folder). */
  dataDir: string;
  /** Pid of the postmaster. */
  pid: number;
  /**
   * Stops the server and removes its folder: first waiting up to `SMART_SHUTDOWN_MS` for open
   * sessions to end by themselves, then ending those that are left (fast shutdown).
   */
  stop(): Promise<void>;
}

/**
 * The user the server programs run as. initdb and postgres refuse to run as root; as root they
 * run as Debian's `postgres` system user (created by the package, owns nothing of ours), or as
 * `nobody` where that user does not exist. Any other user runs them as itself.
 */
interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

function unprivilegedUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    try {
      const id = (flag: string) =>
        Number(execFileSync('id', [flag, user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { user, uid: id('-u'), gid: id('-g') };
    } catch {
      // no such user: try the next
    }
  }
  throw new Error('PostgreSQL kan ikke kjøre som root, og verken brukeren «postgres» eller «nobody» finnes på maskinen');
}

/**
 * The command line that runs `program` as `runAs`. setpriv (util-linux, on every Debian) rather
 * than `runuser -u`: setpriv changes user and execs, so the pid spawnGroup knows is the
 * postmaster itself; runuser stays in between as a parent holding a PAM session, and on SIGTERM
 * (what exit-with-parent.sh sends an orphan) kills the server with SIGKILL after 2 s.
 */
function asUser(runAs: RunAs | undefined, program: string, args: string[]): [string, string[]] {
  if (!runAs) return [program, args];
  return ['setpriv', [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--init-groups', '--', program, ...args]];
}

/**
 * A kept folder inside the project must be reachable by the server's user: every folder above it
 * must let others pass (x). A clone in a folder closed to others (root's home, `mktemp -d`)
 * is not, and initdb would fail with a bare "Permission denied"; say which folder and what to do.
 */
function assertReachable(runAs: RunAs, dir: string): void {
  const reachable = (path: string) => {
    try {
      execFileSync('setpriv', [`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--init-groups', '--', 'test', '-x', path], {
        stdio: 'ignore',
      });
      return true;
    } catch {
      return false;
    }
  };
  if (reachable(dir)) return;
  // The first folder from the root down that the user cannot pass through.
  const ancestors: string[] = [];
  for (let path = dir; ; path = dirname(path)) {
    ancestors.unshift(path);
    if (dirname(path) === path) break;
  }
  const closed = ancestors.find((path) => !reachable(path)) ?? dir;
  throw new Error(
    `PostgreSQL kjører som brukeren «${runAs.user}», som ikke kommer til ${dir}: mappen ${closed} er stengt for andre. ` +
      `Gi andre lov til å gå gjennom den («chmod o+x ${closed}»), eller sett DATA_DIR til en mappe brukeren når.`,
  );
}

/**
 * The environment for the server programs: this process's (so the test run's marker reaches them
 * and the leftover check sees them), with a locale that exists everywhere and no PG* variables
 * that could point the programs elsewhere.
 */
function serverEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  for (const name of Object.keys(env)) if (name.startsWith('PG')) delete env[name];
  return env;
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<void> {
  return new Promise((done, fail) => {
    execFile(command, args, { ...options, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) fail(new Error(`${command} ${args.join(' ')} feilet (${error.message.split('\n')[0]}):\n${`${stdout}${stderr}`.trim()}`));
      else done();
    });
  });
}

/** Starts a PostgreSQL server (a throwaway one unless `keepIn`) and resolves once it accepts connections. */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const binDir = options.binDir ?? DEBIAN_POSTGRES_15_BIN;
  for (const program of ['initdb', 'postgres']) {
    if (!existsSync(join(binDir, program))) {
      throw new Error(
        `PostgreSQL-serveren for testene mangler (fant ikke ${join(binDir, program)}): kjør «npm run setup» som root (scripts/install-postgres.sh), eller installer Debian-pakken postgresql-15`,
      );
    }
  }
  const runAs = unprivilegedUser();
  const kept = options.keepIn !== undefined;
  const dir = options.keepIn ?? mkdtempSync(join(tmpdir(), 'skolefravaer-postgres-'));
  if (kept) mkdirSync(dir, { recursive: true });
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  const env = serverEnvironment();
  const removeDir = () => {
    if (!kept) rmSync(dir, { recursive: true, force: true });
  };

  let child: GroupChild | undefined;
  try {
    // The server's user must own its folder (initdb creates data/ inside it, the socket goes there).
    if (runAs) chownSync(dir, runAs.uid, runAs.gid);
    if (runAs && kept) assertReachable(runAs, dir);
    // A kept folder is initialised once; a cluster already in it is started as it is.
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      const initdb = asUser(runAs, join(binDir, 'initdb'), [
        '--pgdata',
        dataDir,
        '--username',
        POSTGRES_SUPERUSER,
        '--auth',
        'trust',
        '--encoding',
        'UTF8',
        // Byte order, as SQLite compares text: the same sorting on both stores, on every machine.
        '--locale',
        'C',
        ...(kept ? [] : ['--no-sync']),
        '--no-instructions',
      ]);
      await run(initdb[0], initdb[1], { cwd: dir, env });
    }

    const port = options.port ?? (await freePort());
    const logFd = openSync(logFile, 'a');
    if (runAs) chownSync(logFile, runAs.uid, runAs.gid);
    const postgres = asUser(runAs, join(binDir, 'postgres'), [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dir}`,
      ...(options.maxConnections ? ['-c', `max_connections=${options.maxConnections}`] : []),
      // Throwaway data: nothing needs to survive a crash, so no waiting for the disk.
      ...(kept ? [] : ['-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off']),
    ]);
    try {
      child = spawnGroup(postgres[0], postgres[1], { name: 'PostgreSQL-testserveren', cwd: dir, env, stdio: ['ignore', logFd, logFd] });
    } finally {
      closeSync(logFd);
    }
    const url = `postgres://${POSTGRES_SUPERUSER}@127.0.0.1:${port}/postgres`;
    await waitForPostgres(url, child.exited, options.readyTimeoutMs ?? 30_000, logFile);

    const server = child;
    let stopping: Promise<void> | undefined;
    // Also registered on its own: the folder must go too when a test file forgets stop().
    const unregister = registerCleanup(`PostgreSQL-testserveren (${dir})`, () => stop());
    function stop(): Promise<void> {
      stopping ??= (async () => {
        unregister();
        server.signal('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const waited = new Promise<void>((done) => {
          timer = setTimeout(done, SMART_SHUTDOWN_MS);
        });
        await Promise.race([server.exited, waited]);
        clearTimeout(timer);
        // SIGINT is PostgreSQL's fast shutdown: it ends the sessions still open (a leaked connection).
        await server.stop({ signal: 'SIGINT', graceMs: 10_000 });
        removeDir();
      })();
      return stopping;
    }
    return { url, port, dataDir, pid: server.pid, stop };
  } catch (err) {
    await child?.stop({ signal: 'SIGKILL' });
    removeDir();
    throw err;
  }
}

function waitForPostgres(url: string, exited: Promise<ChildExit>, timeoutMs: number, logFile: string): Promise<void> {
  return waitUntilReady({
    exited,
    timeoutMs,
    intervalMs: 100,
    probe: async () => {
      const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    exitedEarly: (exit) =>
      new Error(
        `PostgreSQL-testserveren stoppet (${describeExit(exit)}) før den tok imot tilkoblinger. Slutten av loggen:\n${logTail(logFile)}`,
      ),
    timedOut: (lastError) =>
      new Error(
        `PostgreSQL-testserveren tok ikke imot tilkoblinger innen ${timeoutMs} ms (${lastError instanceof Error ? lastError.message : String(lastError)}). Slutten av loggen:\n${logTail(logFile)}`,
      ),
  });
}

/** Database names createDatabase accepts: plain lower-case identifiers, never quoted oddities. */
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates database `name` on the server `url` points to and returns the new database's URL
 * (same server and user). Each test file, or each test, gets a database of its own. With
 * `ifMissing` a database already there is kept as it is (a kept cluster's, at its next start).
 */
export async function createDatabase(url: string, name: string, options: { ifMissing?: boolean } = {}): Promise<string> {
  if (!DATABASE_NAME.test(name)) {
    throw new Error(`Ugyldig databasenavn «${name}»: bruk små bokstaver, sifre og _ (høyst 63 tegn, ikke siffer først)`);
  }
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const there = options.ifMissing && (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
    if (!there) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const databaseUrl = new URL(url);
  databaseUrl.pathname = `/${name}`;
  return databaseUrl.toString();
}
