/**
 * Passwords of the web application's users: hashed with scrypt (node:crypto) and a random salt,
 * compared in constant time. The stored form names its parameters
 * (`scrypt$16384$8$1$<salt base64>$<hash base64>`), so a hash made today still verifies after
 * the parameters are raised for new ones. The one policy is a minimum length: a long passphrase
 * is what protects a school's sign-in, not rules about character classes.
 */
import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';

/** scrypt's cost (N), block size (r) and parallelism (p) for new hashes; 16 MiB of memory per hash. */
export const SCRYPT_PARAMETERS = { N: 16384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 64;
/** Shorter passwords are refused when set (never when checked at sign-in). */
export const MIN_PASSWORD_LENGTH = 10;
/** Longer input is refused: nobody types more, and it bounds the work one sign-in attempt costs. */
export const MAX_PASSWORD_LENGTH = 1024;
/** The most memory a stored hash may ask for; a tampered hash cannot make a sign-in exhaust the server. */
const MAX_SCRYPT_MEMORY = 64 * 1024 * 1024;

/** A new password breaks the policy; the message (Norwegian) says how. */
export class PasswordPolicyError extends Error {
  override name = 'PasswordPolicyError';
}

/** Why `plain` may not be a new password (Norwegian), or undefined when it may. Never echoes the password. */
export function passwordPolicyProblem(plain: string): string | undefined {
  const length = [...plain].length;
  if (length < MIN_PASSWORD_LENGTH) return `passordet må ha minst ${MIN_PASSWORD_LENGTH} tegn (det har ${length})`;
  if (length > MAX_PASSWORD_LENGTH) return `passordet kan ha høyst ${MAX_PASSWORD_LENGTH} tegn (det har ${length})`;
  return undefined;
}

function deriveKey(plain: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(plain.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** The stored form of a new password; throws PasswordPolicyError when the policy refuses it. */
export async function hashPassword(plain: string): Promise<string> {
  const problem = passwordPolicyProblem(plain);
  if (problem !== undefined) throw new PasswordPolicyError(problem.charAt(0).toUpperCase() + problem.slice(1) + '.');
  const { N, r, p } = SCRYPT_PARAMETERS;
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(plain, salt, KEY_BYTES, { N, r, p, maxmem: MAX_SCRYPT_MEMORY });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

const STORED_FORM = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/**
 * Whether `plain` is the password `stored` was made from. False, never an error, for a stored
 * form that is not one of ours or asks for more memory than a sign-in may use.
 */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  const match = STORED_FORM.exec(stored);
  if (match === null || plain.length > MAX_PASSWORD_LENGTH) return false;
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const salt = Buffer.from(match[4] as string, 'base64');
  const expected = Buffer.from(match[5] as string, 'base64');
  if (expected.length === 0 || 128 * N * r * p > MAX_SCRYPT_MEMORY) return false;
  let key: Buffer;
  try {
    key = await deriveKey(plain, salt, expected.length, { N, r, p, maxmem: MAX_SCRYPT_MEMORY });
  } catch {
    // Parameters scrypt refuses (N not a power of two): not a hash we made.
    return false;
  }
  return timingSafeEqual(key, expected);
}
