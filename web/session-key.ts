/**
 * The key that seals session cookies: read from its file, or made (32 random bytes, mode 0600)
 * the first time, so sessions survive a restart and no key is ever committed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const SESSION_KEY_BYTES = 32;

export class SessionKeyError extends Error {
  override name = 'SessionKeyError';
}

export function loadOrCreateSessionKey(file: string): Buffer {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(SESSION_KEY_BYTES), { mode: 0o600, flag: 'wx' });
  }
  const key = readFileSync(file);
  if (key.length !== SESSION_KEY_BYTES) {
    throw new SessionKeyError(
      `Øktnøkkelen i ${file} har ${key.length} byte, men må ha ${SESSION_KEY_BYTES}. Slett filen for å lage en ny (alle blir logget ut).`,
    );
  }
  return key;
}
