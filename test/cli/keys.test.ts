/** `npm run keys`: list shows ids and dates (never a key), rotate adds the newest, bad use gets a Norwegian usage error. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../app/exit-codes';
import { runKeysCommand } from '../../cli/keys';

const dir = mkdtempSync(join(tmpdir(), 'keys-cli-'));
const file = join(dir, 'payload-keys.json');
const saved = process.env.PAYLOAD_KEYS_FILE;
beforeAll(() => (process.env.PAYLOAD_KEYS_FILE = file));
afterAll(() => {
  if (saved === undefined) delete process.env.PAYLOAD_KEYS_FILE;
  else process.env.PAYLOAD_KEYS_FILE = saved;
  rmSync(dir, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

test('rotate before any key file is refused; list makes one; rotate adds the newest; no key is ever printed', async () => {
  const before = io();
  expect(await runKeysCommand(['rotate'], before.io)).toBe(EXIT.badFile);
  expect(before.err.join('\n')).toMatch(/Finner ikke nøkkelfilen/);

  const listed = io();
  expect(await runKeysCommand(['list'], listed.io)).toBe(EXIT.ok);
  expect(listed.out).toHaveLength(1);
  expect(listed.out[0]).toMatch(/\(låser nye data\)$/);

  const rotated = io();
  expect(await runKeysCommand(['rotate'], rotated.io)).toBe(EXIT.ok);
  const again = io();
  await runKeysCommand(['list'], again.io);
  expect(again.out).toHaveLength(2);
  expect(again.out[0]).not.toMatch(/låser nye data/);
  expect(again.out[1]).toMatch(/låser nye data/);

  const keys = (JSON.parse(readFileSync(file, 'utf8')) as { payloadKeys: { key: string }[]; caseIdKey: string }).payloadKeys;
  const printed = [...listed.out, ...rotated.out, ...again.out].join('\n');
  for (const k of keys) expect(printed).not.toContain(k.key);
});

test('an unknown command gets the usage in Norwegian', async () => {
  const bad = io();
  expect(await runKeysCommand(['slett'], bad.io)).toBe(EXIT.usage);
  expect(bad.err.join('\n')).toMatch(/Ukjent kommando «slett»[\s\S]*Bruk: npm run keys/);
});
