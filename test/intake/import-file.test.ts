/**
 * Importing is idempotent by registration key: the same file twice changes nothing, a corrected
 * row updates, and the file store survives being reopened. The CLI's exit codes follow its header.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EXIT, runCli } from '../../intake/cli';
import type { TemporalAccess } from '../../detection/cli';
import { importFile } from '../../intake/import-file';
import { FileRegistrationStore, InMemoryRegistrationStore } from '../../intake/registration-store';

const header = 'elev;skole;trinn;dato;heldag;timer;minutter;gyldig;meldt;forsent;gikk;årsak;merknad';
const rows = [
  'e1;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;',
  'e1;s1;5;04.09.2026;nei;;20;nei;nei;ja;nei;UKJENT;',
  'e2;s2;9;03.09.2026;ja;;;nei;nei;nei;nei;UKJENT;',
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'intake-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeCsv(name: string, lines: string[]): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `${[header, ...lines].join('\n')}\n`, 'utf8');
  return file;
}

test('re-importing the same file inserts nothing and reports every row unchanged', async () => {
  const file = await writeCsv('a.csv', rows);
  const store = new InMemoryRegistrationStore();
  expect(await importFile(file, store)).toMatchObject({ rowsRead: 3, kept: 3, inserted: 3, updated: 0, unchanged: 0 });
  expect(await importFile(file, store)).toMatchObject({ rowsRead: 3, kept: 3, inserted: 0, updated: 0, unchanged: 3 });
  expect(await store.count()).toBe(3);
});

test('a corrected row updates the stored registration instead of adding one', async () => {
  const store = new InMemoryRegistrationStore();
  await importFile(await writeCsv('a.csv', rows), store);
  const corrected = await writeCsv('b.csv', [rows[0]!.replace(';ja;ja;nei;nei;SYK;', ';ja;ja;nei;nei;LEGE;Tannlege'), rows[1]!, rows[2]!]);
  expect(await importFile(corrected, store)).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
  expect(await store.byPupil('e1')).toEqual([
    expect.objectContaining({ date: '2026-09-03', reasonCode: 'LEGE', note: 'Tannlege' }),
    expect.objectContaining({ date: '2026-09-04', lateArrival: true, minutes: 20 }),
  ]);
});

test('the file store writes one file per school and reads them back after reopening', async () => {
  const dataDir = path.join(dir, 'data');
  const file = await writeCsv('a.csv', rows);
  expect(await importFile(file, await FileRegistrationStore.open(dataDir))).toMatchObject({ inserted: 3 });
  expect((await readdir(dataDir)).sort()).toEqual(['s1.registrations.json', 's2.registrations.json']);
  const reopened = await FileRegistrationStore.open(dataDir);
  expect(await reopened.count()).toBe(3);
  expect(await importFile(file, reopened)).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
  expect(await reopened.bySchool('s2')).toEqual([expect.objectContaining({ pupilId: 'e2' })]);
});

test('a correction that moves a registration to another school rewrites both school files', async () => {
  const dataDir = path.join(dir, 'data');
  const store = await FileRegistrationStore.open(dataDir);
  await importFile(await writeCsv('a.csv', [rows[0]!]), store);
  await importFile(await writeCsv('b.csv', [rows[0]!.replace(';s1;', ';s2;')]), store);
  const reopened = await FileRegistrationStore.open(dataDir);
  expect(await reopened.bySchool('s1')).toEqual([]);
  expect(await reopened.bySchool('s2')).toHaveLength(1);
});

test('progress callback reports rows read, kept and refused', async () => {
  const file = await writeCsv('a.csv', [...rows, 'e3;s1;11;03.09.2026;ja;;;ja;ja;nei;nei;SYK;']);
  const seen: unknown[] = [];
  await importFile(file, new InMemoryRegistrationStore(), { progressEvery: 2, onProgress: (p) => seen.push(p) });
  expect(seen).toEqual([
    { rowsRead: 2, kept: 2, errors: 0 },
    { rowsRead: 4, kept: 3, errors: 1 },
  ]);
});

test('JSON files are imported by extension', async () => {
  const file = path.join(dir, 'a.json');
  const reg = { pupilId: 'e1', schoolId: 's1', grade: 5, date: '2026-09-03', wholeDay: true, valid: true, notifiedByGuardians: true, lateArrival: false, leftDuringDay: false, reasonCode: 'SYK' };
  await writeFile(file, JSON.stringify([reg]), 'utf8');
  expect(await importFile(file, new InMemoryRegistrationStore())).toMatchObject({ format: 'json', kept: 1, inserted: 1 });
});

describe('CLI', () => {
  const unreachable: TemporalAccess = { connect: () => Promise.reject(new Error('connection refused 127.0.0.1:1')) };
  const run = async (argv: string[], temporal: TemporalAccess = unreachable) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, temporal);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test('exit 0 when every row is stored, with a Norwegian summary', async () => {
    const result = await run(['import', await writeCsv('a.csv', rows), '--data-dir', path.join(dir, 'data'), '--no-detect']);
    expect(result.code).toBe(EXIT.ok);
    expect(result.out).toContain('Godkjent og lagret: 3 (nye: 3, endret: 0, uendret: 0)');
    expect(result.err).toContain('Lest 3 rader');
  });

  test('exit 3 when some rows are refused; the summary names each bad line; good rows are stored', async () => {
    const dataDir = path.join(dir, 'data');
    const result = await run(['import', await writeCsv('a.csv', [rows[0]!, 'e3;s1;5;31.02.2026;ja;;;ja;ja;nei;nei;SYK;']), '--data-dir', dataDir, '--no-detect']);
    expect(result.code).toBe(EXIT.rowsRefused);
    expect(result.out).toContain('Avvist: 1');
    expect(result.out).toMatch(/linje 3: ugyldig dato «31\.02\.2026»/);
    expect(await (await FileRegistrationStore.open(dataDir)).count()).toBe(1);
  });

  test('exit 2 for usage errors, exit 4 for a file without a usable header', async () => {
    expect((await run(['importer', 'x.csv'])).code).toBe(EXIT.usage);
    expect((await run(['import'])).code).toBe(EXIT.usage);
    expect((await run(['import', path.join(dir, 'finnes-ikke.csv')])).code).toBe(EXIT.usage);
    const bad = path.join(dir, 'bad.csv');
    await writeFile(bad, 'navn;alder\nKari;10\n', 'utf8');
    const result = await run(['import', bad, '--data-dir', path.join(dir, 'data')]);
    expect(result.code).toBe(EXIT.badFile);
    expect(result.err).toContain('mangler kolonne');
    expect((await run(['import', await writeCsv('a.csv', rows), '--today', '2026-02-30'])).err).toContain('--today må være en dato');
  });

  test('exit 5 when the rows are stored but Temporal cannot be reached to update the cases', async () => {
    const dataDir = path.join(dir, 'data');
    const result = await run(['import', await writeCsv('a.csv', rows), '--data-dir', dataDir, '--today', '2026-09-04']);
    expect(result.code).toBe(EXIT.casesNotUpdated);
    expect(result.err).toContain('Sakene ble ikke oppdatert: får ikke kontakt med Temporal (connection refused 127.0.0.1:1)');
    expect(result.err).toContain('npm run detect');
    expect(await (await FileRegistrationStore.open(dataDir)).count()).toBe(3);
  });

  test('exit 6 when the school directory is invalid; the rows are stored', async () => {
    const dataDir = path.join(dir, 'data');
    const config = path.join(dir, 'skoler.json');
    await writeFile(config, JSON.stringify({ formatVersion: 1, municipalities: {}, schools: [{ schoolId: 's1', name: 'Skole', municipality: 'x' }] }), 'utf8');
    const result = await run(['import', await writeCsv('a.csv', rows), '--data-dir', dataDir, '--schools-config', config]);
    expect(result.code).toBe(EXIT.badDirectory);
    expect(result.err).toContain('schools.0.municipality: unknown municipality "x"');
    expect(await (await FileRegistrationStore.open(dataDir)).count()).toBe(3);
  });
});
