/**
 * The payload codec and its keys: AES-256-GCM with a 12-byte IV and the key id in the metadata,
 * rotation (the newest key seals, every key opens), refusal of a changed or foreign payload, and
 * the key file made once, read back, refused when broken without echoing a key.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METADATA_ENCODING_KEY, type Payload, defaultPayloadConverter } from '@temporalio/common';
import { CaseIds } from '../../app/case-ids';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, METADATA_KEY_ID } from '../../app/payload-codec';
import { PayloadKeysError, loadOrCreateKeyRing, parseKeyFile, rotatePayloadKey } from '../../app/payload-keys';

const dir = mkdtempSync(join(tmpdir(), 'payload-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');
const note = 'Eleven har angst og depresjon, mor er innlagt';

test('a payload leaves sealed (no plaintext, the key id in the metadata) and comes back whole', async () => {
  const ring = loadOrCreateKeyRing(join(dir, 'a.json'));
  const codec = new AesGcmPayloadCodec(ring);
  const plain = defaultPayloadConverter.toPayload({ note });
  const [sealed] = await codec.encode([plain]);
  expect(text(sealed!.metadata?.[METADATA_ENCODING_KEY])).toBe(ENCRYPTED_ENCODING);
  expect(text(sealed!.metadata?.[METADATA_KEY_ID])).toBe(ring.payloadKeys[0]!.id);
  expect(Buffer.from(sealed!.data!).includes(Buffer.from('angst'))).toBe(false);
  expect(Buffer.from(sealed!.data!).includes(Buffer.from('json/plain'))).toBe(false);
  // IV (12) + ciphertext + tag (16): two seals of the same payload differ (a fresh IV each time).
  const [again] = await codec.encode([plain]);
  expect(Buffer.from(again!.data!).equals(Buffer.from(sealed!.data!))).toBe(false);
  const [opened] = await codec.decode([sealed!]);
  expect(defaultPayloadConverter.fromPayload(opened!)).toEqual({ note });
});

test('rotation: new payloads use the newest key, payloads sealed with the old key still open', async () => {
  const file = join(dir, 'rotate.json');
  const before = new AesGcmPayloadCodec(loadOrCreateKeyRing(file, new Date('2026-01-05T10:00:00Z')));
  const [old] = await before.encode([defaultPayloadConverter.toPayload('før')]);
  const added = rotatePayloadKey(file, new Date('2026-06-01T10:00:00Z'));
  const ring = loadOrCreateKeyRing(file);
  expect(ring.payloadKeys.map((k) => k.id)).toEqual([before.keyId, added]);
  const after = new AesGcmPayloadCodec(ring);
  expect(after.keyId).toBe(added);
  const [fresh] = await after.encode([defaultPayloadConverter.toPayload('etter')]);
  expect(text(fresh!.metadata?.[METADATA_KEY_ID])).toBe(added);
  const opened = await after.decode([old!, fresh!]);
  expect(opened.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['før', 'etter']);
  // The id key never rotates: the same pupil keeps the same case id.
  expect(ring.caseIdKey.equals(loadOrCreateKeyRing(file).caseIdKey)).toBe(true);
  // A second rotation on the same day gets an id of its own.
  expect(rotatePayloadKey(file, new Date('2026-06-01T11:00:00Z'))).not.toBe(added);
});

test('a changed payload, an unknown key and a plain payload: refused, refused, passed through', async () => {
  const codec = new AesGcmPayloadCodec(loadOrCreateKeyRing(join(dir, 'b.json')));
  const other = new AesGcmPayloadCodec(loadOrCreateKeyRing(join(dir, 'c.json')));
  const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(note)]);
  const tampered: Payload = { ...sealed!, data: Uint8Array.from(sealed!.data!, (b, i) => (i === 20 ? b ^ 1 : b)) };
  await expect(codec.decode([tampered])).rejects.toThrow(/kan ikke åpnes: den er endret eller skadet/);
  // Another key file's key under the same id: the tag refuses it.
  await expect(other.decode([sealed!])).rejects.toThrow(/kan ikke åpnes/);
  const foreign: Payload = { ...sealed!, metadata: { ...sealed!.metadata, [METADATA_KEY_ID]: Buffer.from('k-borte') } };
  await expect(codec.decode([foreign])).rejects.toThrow(/nøkkelen «k-borte», som ikke finnes i nøkkelfilen/);
  const plain = defaultPayloadConverter.toPayload('klartekst fra før');
  expect(await codec.decode([plain])).toEqual([plain]);
});

test('the key file: made once with mode 0600, read back the same, a broken one refused without showing a key', () => {
  const file = join(dir, 'sub', 'keys.json');
  const first = loadOrCreateKeyRing(file);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const second = loadOrCreateKeyRing(file);
  expect(second.payloadKeys[0]!.key.equals(first.payloadKeys[0]!.key)).toBe(true);
  expect(first.caseIdKey.length).toBe(32);

  const json = JSON.parse(readFileSync(file, 'utf8')) as { payloadKeys: { key: string }[] };
  const secret = json.payloadKeys[0]!.key;
  const short = JSON.stringify({ ...json, payloadKeys: [{ ...json.payloadKeys[0], key: secret.slice(0, 20) }] });
  let message = '';
  try {
    parseKeyFile(short, 'nøkler.json');
  } catch (err) {
    expect(err).toBeInstanceOf(PayloadKeysError);
    message = (err as Error).message;
  }
  expect(message).toMatch(/Nøkkelfilen nøkler.json er ugyldig: payloadKeys\.0\.key: må være 32 byte/);
  expect(message).not.toContain(secret.slice(0, 20));
  expect(() => parseKeyFile('{', 'x.json')).toThrow('Nøkkelfilen x.json er ikke gyldig JSON.');
  const twice = JSON.stringify({ ...json, payloadKeys: [json.payloadKeys[0], json.payloadKeys[0]] });
  expect(() => parseKeyFile(twice, 'x.json')).toThrow(/to ganger/);
  writeFileSync(join(dir, 'empty.json'), JSON.stringify({ version: 1, payloadKeys: [], caseIdKey: json.payloadKeys[0]!.key }));
  expect(() => loadOrCreateKeyRing(join(dir, 'empty.json'))).toThrow(/payloadKeys: må ha minst én nøkkel/);
});

test('case ids: the same pupil and school always the same id, no pupil id in it, another key another id', () => {
  const ids = new CaseIds(Buffer.alloc(32, 1));
  const id = ids.workflowId('S006', 'E12345');
  expect(id).toMatch(/^fravaerssak-S006-[0-9a-f]{24}$/);
  expect(id).not.toContain('E12345');
  expect(ids.workflowId('S006', 'E12345')).toBe(id);
  expect(ids.workflowId('S007', 'E12345')).not.toBe(id);
  expect(ids.workflowId('S006', 'E12346')).not.toBe(id);
  expect(new CaseIds(Buffer.alloc(32, 2)).workflowId('S006', 'E12345')).not.toBe(id);
  // School and pupil are kept apart in the hash: «S0» + «06E1» is not «S006» + «E1».
  expect(ids.workflowId('S0', '06E1')).not.toBe(ids.workflowId('S006', 'E1').replace('S006', 'S0'));
});
