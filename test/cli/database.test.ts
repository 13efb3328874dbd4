/**
 * `npm run database`: the one-shot import of the first versions' JSON stores (registration files
 * and detection's ledger files) into the database, all checked before anything is written and the
 * old folders kept under a new name; `migrate` and `status`; refusals in Norwegian with the
 * project's exit codes.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openMigratedDatabase } from '../../app/database/database';
import { migrations } from '../../app/database/migrations';
import { EXIT } from '../../app/exit-codes';
import { DATABASE_USAGE, runDatabaseCli } from '../../cli/database';
import { type PupilLedger, SqlTriggerLedger } from '../../detection/trigger-ledger';
import { SqlRegistrationStore } from '../../intake/registration-store';
import { canonicalJson } from '../../intake/registration-schema';
import { whole } from '../detection/fixtures';

let dir: string;
let registrationsDir: string;
let ledgerDir: string;
let databaseUrl: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'database-cli-'));
  registrationsDir = path.join(dir, 'registrations');
  ledgerDir = path.join(dir, 'detection');
  databaseUrl = `sqlite:${path.join(dir, 'skole.sqlite')}`;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDatabaseCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const s1 = ['2026-05-05', '2026-05-06', '2026-05-07'].map((d) => whole(d, { schoolId: 'S001' }));
const s2 = [whole('2026-05-05', { schoolId: 'S002', pupilId: 'elev-9' })];
const ledgerPupil: PupilLedger = {
  pupilId: 'elev-1',
  triggers: [
    {
      rule: 'consecutive-days',
      dates: ['2026-05-05', '2026-05-06', '2026-05-07'],
      days: 3,
      eventId: 'utloser-1',
      firedOn: '2026-05-07',
      delivery: 'opened',
      recordedAt: '2026-05-07T10:00:00.000Z',
    },
  ],
  caseOpen: true,
  openedOn: '2026-05-07',
};

/** The old stores as the first versions wrote them. */
async function writeOldStores(): Promise<void> {
  await mkdir(registrationsDir, { recursive: true });
  await mkdir(ledgerDir, { recursive: true });
  for (const [schoolId, registrations] of [
    ['S001', s1],
    ['S002', s2],
  ] as const) {
    const body = { formatVersion: 1, schoolId, registrations: registrations.map((r) => JSON.parse(canonicalJson(r)) as unknown) };
    await writeFile(path.join(registrationsDir, `${schoolId}.registrations.json`), JSON.stringify(body, null, 1));
  }
  await writeFile(path.join(ledgerDir, 'S001.ledger.json'), JSON.stringify({ formatVersion: 1, schoolId: 'S001', pupils: [ledgerPupil] }));
}

const importArgs = () => ['import-json', '--database', databaseUrl, '--registrations-dir', registrationsDir, '--ledger-dir', ledgerDir];

test('the old JSON stores are imported once: every registration and the ledger, and the old folders are kept under a new name', async () => {
  await writeOldStores();
  const first = await cli(importArgs());
  expect(first.code).toBe(EXIT.ok);
  expect(first.out).toContain('2 registreringsfil(er) (4 nye, 0 endret, 0 uendret), deteksjonslogg for 1 skole(r).');
  const database = await openMigratedDatabase(databaseUrl);
  try {
    const store = new SqlRegistrationStore(database);
    expect(await store.bySchool('S001')).toEqual(s1);
    expect(await store.bySchool('S002')).toEqual(s2);
    expect([...(await new SqlTriggerLedger(database).load('S001')).values()]).toEqual([ledgerPupil]);
  } finally {
    await database.close();
  }
  expect(existsSync(registrationsDir)).toBe(false);
  const kept = (await readdir(dir)).filter((name) => name.includes('.importert-')).sort();
  expect(kept).toHaveLength(2);
  expect(
    await readdir(
      path.join(
        dir,
        kept.find((k) => k.startsWith('registrations'))!,
      ),
    ),
  ).toEqual(['S001.registrations.json', 'S002.registrations.json']);

  const again = await cli(importArgs());
  expect(again).toMatchObject({ code: EXIT.ok });
  expect(again.out).toContain('ingenting å importere');
});

test('a damaged old file stops the import before anything is written, naming the file; nothing is moved', async () => {
  await writeOldStores();
  const damaged = path.join(registrationsDir, 'S002.registrations.json');
  await writeFile(damaged, '{ "formatVersion": 1, "schoolId": "S002", "registrations": [ { "pupilId": ');
  const result = await cli(importArgs());
  expect(result.code).toBe(EXIT.badFile);
  expect(result.err).toContain(`Ingenting ble importert: Registreringsfilen ${damaged} er skadet`);
  expect(existsSync(registrationsDir)).toBe(true);
  const status = await cli(['status', '--database', databaseUrl]);
  expect(status.out).toContain('Fraværsregistreringer: 0 ved 0 skole(r)');
  expect(status.out).toContain('Deteksjonslogg: 0 elev(er)');
});

test('a ledger the database already has for a school is kept, not replaced by the old file', async () => {
  await writeOldStores();
  const database = await openMigratedDatabase(databaseUrl);
  const newer = { ...ledgerPupil, caseOpen: false };
  try {
    await new SqlTriggerLedger(database).save('S001', new Map([['elev-1', newer]]));
  } finally {
    await database.close();
  }
  const result = await cli(importArgs());
  expect(result.out).toContain('Databasen hadde allerede deteksjonslogg for S001; den ble beholdt.');
  const reopened = await openMigratedDatabase(databaseUrl);
  try {
    expect([...(await new SqlTriggerLedger(reopened).load('S001')).values()]).toEqual([newer]);
  } finally {
    await reopened.close();
  }
});

test('migrate and status name the database and what it holds', async () => {
  expect(await cli(['migrate', '--database', databaseUrl])).toMatchObject({
    code: EXIT.ok,
    out: `Databasen er oppdatert: SQLite-filen ${path.join(dir, 'skole.sqlite')}.`,
  });
  const status = await cli(['status', '--database', databaseUrl]);
  expect(status.code).toBe(EXIT.ok);
  // Every migration in order, the people directory's among them.
  expect(status.out).toContain(`Migreringer: ${Object.keys(migrations).join(', ')} (alle kjørt)`);
  expect(status.out).toMatch(/Migreringer: 0001-school-data, 0002-people\b/);
});

test.each([
  [[], 'Mangler kommando (migrate, status, import-json).'],
  [['slett'], 'Ukjent kommando «slett» (kjent: migrate, status, import-json).'],
  [['status', '--ledger-dir', 'x'], '--registrations-dir og --ledger-dir gjelder bare import-json.'],
  [['status', '--database', 'oracle://db'], '--database må begynne med sqlite:'],
])('%j is refused with exit 2 and the usage', async (args, message) => {
  const result = await cli(args);
  expect(result.code).toBe(EXIT.usage);
  expect(result.err).toContain(message);
  expect(result.err).toContain(DATABASE_USAGE.split('\n')[0]);
});

test('a database that cannot be reached exits 10', async () => {
  const result = await cli(['status', '--database', 'postgres://127.0.0.1:1/skole']);
  expect(result.code).toBe(EXIT.databaseUnavailable);
  expect(result.err).toContain('Databasen (PostgreSQL postgres://127.0.0.1:1/skole) kunne ikke oppgraderes');
});
