/**
 * Which database the system keeps the school's data in, from one setting, `DATABASE_URL`:
 * - `sqlite:<file>` (or a bare `file:<file>`): an embedded SQLite file, Node's built-in
 *   `node:sqlite`; the default is `sqlite:<DATA_DIR>/skolefravaer.sqlite`, so a laptop needs nothing;
 * - `postgres://user:password@host:port/database` (or `postgresql://…`): a municipality's
 *   PostgreSQL server.
 * Anything else is refused with a Norwegian message that names what was given.
 */
import path from 'node:path';

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** The default database file under the data directory. */
export const DEFAULT_SQLITE_FILE = 'skolefravaer.sqlite';

/** Why a DATABASE_URL cannot be used (Norwegian), or the target it names. */
export function parseDatabaseUrl(value: string): DatabaseTarget | { error: string } {
  const trimmed = value.trim();
  const sqlite = /^(?:sqlite|file):(.*)$/i.exec(trimmed);
  if (sqlite) {
    const file = sqlite[1]!.replace(/^\/\/(?=\/)/, '');
    if (file.trim() === '') return { error: 'sqlite: må følges av en filsti, f.eks. sqlite:data/skolefravaer.sqlite' };
    return { kind: 'sqlite', file };
  }
  if (/^postgres(?:ql)?:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      return { error: 'er ikke en gyldig PostgreSQL-adresse (postgres://bruker:passord@vert:port/database)' };
    }
    if (url.hostname === '' || url.pathname.replace(/^\//, '') === '') {
      return { error: 'må nevne både vert og database, f.eks. postgres://bruker:passord@vert:5432/skolefravaer' };
    }
    return { kind: 'postgres', url: trimmed };
  }
  return { error: 'må begynne med sqlite: (en fil) eller postgres:// (en PostgreSQL-server)' };
}

/** The default target: the SQLite file in `dataDir`. */
export function defaultDatabaseUrl(dataDir: string): string {
  return `sqlite:${path.join(dataDir, DEFAULT_SQLITE_FILE)}`;
}

/** `url` with a relative SQLite file resolved against `base` (a worker's or a script's project root); other URLs as they are. */
export function resolveDatabaseUrl(url: string, base: string): string {
  const target = parseDatabaseUrl(url);
  if ('error' in target || target.kind !== 'sqlite') return url;
  return `sqlite:${path.resolve(base, target.file)}`;
}

/** The URL with any password hidden, for messages and logs. */
export function describeDatabaseUrl(value: string): string {
  const target = parseDatabaseUrl(value);
  if ('error' in target) return '(ugyldig DATABASE_URL)';
  if (target.kind === 'sqlite') return `SQLite-filen ${target.file}`;
  const url = new URL(target.url);
  if (url.password) url.password = '***';
  return `PostgreSQL ${url.toString()}`;
}
