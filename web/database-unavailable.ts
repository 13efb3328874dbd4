/**
 * Whether an error means the school's database cannot be reached right now (PostgreSQL stopped or
 * restarting, a dropped connection, a SQLite file that cannot be opened or read) rather than a
 * fault in the request or in the code. The web pages and the API answer those with 503 and a
 * Norwegian message, so the person knows to try again in a moment; the app needs no restart,
 * because the database layer opens a new connection for the next query (app/database/database.ts).
 */
import { DatabaseError } from '../app/database/database';

/** Node's network errors when the server is not there or the connection broke. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

/**
 * PostgreSQL's SQLSTATE codes for a server that is going away or not taking connections: class 08
 * (connection exception), 57P01-57P03 (shut down by an administrator, crashed, cannot connect now)
 * and 53300 (too many connections).
 */
const POSTGRES_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;

/** The `pg` driver's own errors for a connection that ended or never came (they carry no code). */
const PG_CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /^Client has encountered a connection error/,
];

/**
 * node:sqlite's result codes (`errcode`) for a file it cannot use now: 5 SQLITE_BUSY, 6 SQLITE_LOCKED,
 * 10 SQLITE_IOERR, 14 SQLITE_CANTOPEN, 26 SQLITE_NOTADB (the file replaced by something else).
 */
const SQLITE_UNAVAILABLE = new Set([5, 6, 10, 14, 26]);

interface ErrorFields {
  code?: unknown;
  errcode?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function isUnavailableItself(err: ErrorFields): boolean {
  if (err instanceof DatabaseError) return true;
  if (typeof err.code === 'string' && (NETWORK_CODES.has(err.code) || POSTGRES_UNAVAILABLE.test(err.code))) return true;
  if (err.code === 'ERR_SQLITE_ERROR' && typeof err.errcode === 'number' && SQLITE_UNAVAILABLE.has(err.errcode & 0xff)) return true;
  return typeof err.message === 'string' && PG_CONNECTION_MESSAGES.some((m) => m.test(err.message as string));
}

/** True when `error`, or an error it wraps (`cause`, an AggregateError's `errors`), says the database is out of reach. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const err = error as ErrorFields;
  if (isUnavailableItself(err)) return true;
  if (Array.isArray(err.errors) && err.errors.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  return isDatabaseUnavailable(err.cause, depth + 1);
}

/** What the person reads, on a page or in the API's JSON. */
export const DATABASE_UNAVAILABLE_TITLE = 'Databasen svarer ikke';
export const DATABASE_UNAVAILABLE_TEXT = 'Skolens database kan ikke nås akkurat nå. Ingenting er lagret eller endret; prøv igjen om litt.';

/** Seconds a client is asked to wait before it tries again (the Retry-After header). */
export const DATABASE_RETRY_AFTER_SECONDS = 30;
