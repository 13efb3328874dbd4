/**
 * The payload codec: every payload (case inputs, events, views, activity arguments and results,
 * memo, and, with the failure converter, error messages) leaves the process sealed with
 * AES-256-GCM, so Temporal's database, its Web UI and `temporal workflow show` see only
 * ciphertext. Each payload carries the id of the key that sealed it (metadata
 * `encryption-key-id`); the newest key seals, every key in the ring opens (rotation).
 *
 * Sealed: a 12-byte random IV, then the ciphertext of the whole original payload (its metadata
 * included, so the encoding is hidden too), then GCM's 16-byte tag, which refuses any change.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { KeyRing, PayloadKey } from './payload-keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly sealing: PayloadKey;

  constructor(ring: KeyRing) {
    const newest = ring.payloadKeys.at(-1);
    if (!newest) throw new ValueError('Kodeken trenger minst én nøkkel.');
    this.sealing = newest;
    this.keys = new Map(ring.payloadKeys.map((k) => [k.id, k.key]));
  }

  /** The id of the key new payloads are sealed with. */
  get keyId(): string {
    return this.sealing.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', this.sealing.key, iv);
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: utf8(ENCRYPTED_ENCODING), [METADATA_KEY_ID]: utf8(this.sealing.id) },
        data: new Uint8Array(sealed),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      // Payloads written before encryption (or by Temporal itself) pass through unchanged.
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
      const keyId = text(payload.metadata?.[METADATA_KEY_ID]);
      if (!keyId) throw new ValueError('Kryptert nyttelast mangler nøkkel-id.');
      const key = this.keys.get(keyId);
      if (!key) throw new ValueError(`Kryptert nyttelast er låst med nøkkelen «${keyId}», som ikke finnes i nøkkelfilen.`);
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('Kryptert nyttelast er for kort.');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new ValueError(`Kryptert nyttelast (nøkkel «${keyId}») kan ikke åpnes: den er endret eller skadet.`);
      }
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
