/**
 * The keys that keep pupils' data unreadable outside the application: the AES-256 keys of the
 * payload codec (app/payload-codec.ts) and the key of the pseudonymous case ids (app/case-ids.ts).
 * They live in one JSON file (PAYLOAD_KEYS_FILE, mode 0600), made on first use so a fresh clone
 * runs, and written by a municipality's key store in production (README, "Security").
 *
 * Rotation appends a key: new payloads are sealed with the newest, and every older key stays to
 * open what it sealed. The id key never rotates: a case's workflow id must stay the same for as
 * long as the case exists, or detection would open a second case for the same pupil.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export const KEY_BYTES = 32;

export class PayloadKeysError extends Error {
  override name = 'PayloadKeysError';
}

/** One AES-256 key of the codec; `id` goes into every payload it seals. */
export interface PayloadKey {
  id: string;
  created: string;
  key: Buffer;
}

/** What the codec and the case ids need: every payload key, the newest last, and the id key. */
export interface KeyRing {
  /** Oldest first; the last one seals new payloads. */
  payloadKeys: readonly PayloadKey[];
  /** The key of the keyed hash that makes pupils' case ids pseudonymous. */
  caseIdKey: Buffer;
}

const base64Key = z
  .string()
  .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'må være base64')
  .transform((value) => Buffer.from(value, 'base64'))
  .refine((key) => key.length === KEY_BYTES, `må være ${KEY_BYTES} byte (base64)`);

const keyFileSchema = z.object({
  version: z.literal(1, 'må være 1'),
  payloadKeys: z
    .array(
      z.object({
        id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'må være 1–64 tegn: bokstaver, tall, punktum, bindestrek eller understrek'),
        created: z.iso.datetime({ message: 'må være et tidspunkt (ISO 8601)' }),
        key: base64Key,
      }),
    )
    .min(1, 'må ha minst én nøkkel'),
  caseIdKey: base64Key,
});

type KeyFile = z.input<typeof keyFileSchema>;

function newPayloadKey(now: Date, existing: readonly { id: string }[]): KeyFile['payloadKeys'][number] {
  // A date-stamped id says when a key came into use; the counter keeps two rotations on one day apart.
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  let n = 1;
  while (existing.some((k) => k.id === `k${day}-${n}`)) n += 1;
  return { id: `k${day}-${n}`, created: now.toISOString(), key: randomBytes(KEY_BYTES).toString('base64') };
}

/** Writes `content` to `file` only if it does not exist yet: whole, never half (another process may race us). */
function createExclusively(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, content, { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(temp);
  }
}

/** Parses a key file's text; a bad file is refused naming the field, never echoing a key. */
export function parseKeyFile(text: string, file: string): KeyRing {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PayloadKeysError(`Nøkkelfilen ${file} er ikke gyldig JSON.`);
  }
  const parsed = keyFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new PayloadKeysError(
      `Nøkkelfilen ${file} er ugyldig: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(filen)'}: ${i.message}`).join('; ')}`,
    );
  }
  const ids = parsed.data.payloadKeys.map((k) => k.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw new PayloadKeysError(`Nøkkelfilen ${file} har nøkkel-id «${repeated}» to ganger.`);
  return { payloadKeys: parsed.data.payloadKeys, caseIdKey: parsed.data.caseIdKey };
}

/** Reads the key file, or makes one (a payload key and the id key, mode 0600) the first time. */
export function loadOrCreateKeyRing(file: string, now: Date = new Date()): KeyRing {
  if (!existsSync(file)) {
    const fresh: KeyFile = { version: 1, payloadKeys: [newPayloadKey(now, [])], caseIdKey: randomBytes(KEY_BYTES).toString('base64') };
    createExclusively(file, `${JSON.stringify(fresh, null, 2)}\n`);
  }
  return parseKeyFile(readFileSync(file, 'utf8'), file);
}

/**
 * Adds a new payload key as the newest; returns its id. Processes pick it up when they restart:
 * until then they keep sealing with the key before, which stays in the file and still opens.
 */
export function rotatePayloadKey(file: string, now: Date = new Date()): string {
  const text = readFileSync(file, 'utf8');
  parseKeyFile(text, file); // refuse to rewrite a file we could not read
  const current = JSON.parse(text) as KeyFile;
  const added = newPayloadKey(now, current.payloadKeys);
  const next: KeyFile = { ...current, payloadKeys: [...current.payloadKeys, added] };
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
  return added.id;
}
