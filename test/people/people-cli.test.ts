/**
 * `npm run people -- import <file>`: the summary with counts per kind of record, refused rows by
 * line, rows for schools outside the school directory refused, idempotence on a re-import, and each
 * exit code (ok, rowsRefused, usage, badFile, badConfiguration, databaseUnavailable), on SQLite and
 * PostgreSQL.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../app/database/database';
import { EXIT } from '../../app/exit-codes';
import type { Settings } from '../../app/settings';
import { PEOPLE_USAGE, runPeopleCli } from '../../cli/people';
import { SqlPeopleDirectory } from '../../people/people-store';
import { testDatabases } from '../helpers/databases';
import { GOOD_ROWS, csv } from './fixtures';

const databases = testDatabases();
let dir: string;
/** A school directory listing S001 only. */
let schoolsConfig: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'people-cli-'));
  schoolsConfig = path.join(dir, 'skoler.json');
  const calendar = { municipality: 'Testkommune', firstYear: 2025, lastYear: 2027 };
  await writeFile(
    schoolsConfig,
    JSON.stringify({
      formatVersion: 1,
      municipalities: { test: { name: 'Testkommune', procedureId: 'tiltaksplan-elevfravaer', calendar } },
      schools: [{ schoolId: 'S001', name: 'Skole S001', municipality: 'test' }],
    }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const writeFileIn = async (name: string, text: string) => {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
};

/** Settings whose default database must never be used (every test names its own), with the directory above. */
const noDefault = () => ({ databaseUrl: 'postgres://127.0.0.1:1/not_the_default', schoolsConfig }) as Settings;

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPeopleCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, noDefault);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe.each(databases)('$name', ({ newUrl }) => {
  test('imports a good file (exit 0), and the same file again changes nothing', async () => {
    const url = await newUrl();
    const file = await writeFileIn('gode.csv', csv(GOOD_ROWS));
    const first = await run(['import', file, '--database', url]);
    expect(first).toMatchObject({ code: EXIT.ok, err: '' });
    expect(first.out).toContain('Rader lest: 10');
    expect(first.out).toContain('Elever: nye: 2, endret: 0, uendret: 0');
    expect(first.out).toContain('Foresatte: nye: 3, endret: 0, uendret: 0');
    expect(first.out).toContain('Ansatte: nye: 4, endret: 0, uendret: 0');
    expect(first.out).toContain('Avvist: 0');
    const second = await run(['import', file, '--database', url]);
    expect(second.code).toBe(EXIT.ok);
    expect(second.out).toContain('Elever: nye: 0, endret: 0, uendret: 2');
    expect(second.out).toContain('Foresatt–elev-koblinger: nye: 0, endret: 0, uendret: 4');
    expect(second.out).toContain('Roller ved skole: nye: 0, endret: 0, uendret: 4');
    const database = openDatabase(url);
    try {
      expect((await new SqlPeopleDirectory(database).recipients('guardians', 'S001', 'E1')).map((r) => r.id)).toEqual(['F1', 'F2']);
    } finally {
      await database.close();
    }
  });

  test('refused rows are listed by line (exit 3); every good row is stored', async () => {
    const url = await newUrl();
    const file = await writeFileIn('noen-feil.csv', csv([...GOOD_ROWS, 'elev;S001;E7;;;Navn;12;;;;;;;;;']));
    const result = await run(['import', file, '--database', url]);
    expect(result.code).toBe(EXIT.rowsRefused);
    expect(result.out).toContain('Avvist: 1\n  linje 12: trinn «12» må være fra 1 til 10');
    expect(result.out).toContain('Elever: nye: 2');
  });

  test('rows for a school the school directory does not list are refused by line (exit 3)', async () => {
    const url = await newUrl();
    const file = await writeFileIn('annen-skole.csv', csv([...GOOD_ROWS, 'ansatt;S999;;;A9;Ukjent Skole;;;a9@skole.no;;;;;;;rektor']));
    const result = await run(['import', file, '--database', url]);
    expect(result.code).toBe(EXIT.rowsRefused);
    expect(result.out).toContain('linje 12: skole-id «S999» finnes ikke i skolekatalogen');
    expect(result.out).toContain('Ansatte: nye: 4');
  });

  test('a file not in the format stores nothing (exit 4)', async () => {
    const url = await newUrl();
    const result = await run(['import', await writeFileIn('feil.csv', 'navn;skole\nKari;S001\n'), '--database', url]);
    expect(result.code).toBe(EXIT.badFile);
    expect(result.err).toContain('ble ikke importert: linje 1: overskriftsraden mangler kolonne for type');
    const database = openDatabase(url);
    try {
      expect(await database.db.selectFrom('pupils').selectAll().execute()).toEqual([]);
    } finally {
      await database.close();
    }
  });
});

test('a missing file exits 4', async () => {
  const result = await run(['import', path.join(dir, 'finnes-ikke.csv'), '--database', 'sqlite::memory:']);
  expect(result.code).toBe(EXIT.badFile);
  expect(result.err).toContain('Finner ikke filen');
});

test('a school directory that cannot be read exits 6 and nothing is imported', async () => {
  const bad = await writeFileIn('ugyldig-katalog.json', '{"formatVersion": 1}');
  const result = await run([
    'import',
    await writeFileIn('ok3.csv', csv(GOOD_ROWS)),
    '--database',
    'sqlite::memory:',
    '--schools-config',
    bad,
  ]);
  expect(result.code).toBe(EXIT.badConfiguration);
  expect(result.err).toContain('ble ikke importert: skolene kan ikke kontrolleres.');
});

test('a database that cannot be reached exits 10 and names it', async () => {
  const result = await run(['import', await writeFileIn('ok.csv', csv(GOOD_ROWS)), '--database', 'postgres://127.0.0.1:1/skole']);
  expect(result.code).toBe(EXIT.databaseUnavailable);
  expect(result.err).toContain('ble ikke importert');
  expect(result.err).toContain('postgres://127.0.0.1:1/skole');
});

test('without --database the configured database is used', async () => {
  const result = await run(['import', await writeFileIn('ok2.csv', csv(GOOD_ROWS))]);
  expect(result.code).toBe(EXIT.databaseUnavailable);
  expect(result.err).toContain('not_the_default');
});

test.each([
  [[], 'Mangler kommando (import).'],
  [['eksporter', 'x.csv'], 'Ukjent kommando «eksporter».'],
  [['import'], 'Mangler filnavn.'],
  [['import', 'a.csv', 'b.csv'], 'For mange argumenter: «b.csv».'],
  [['import', 'a.csv', '--database', 'oracle://db'], '--database må begynne med sqlite:'],
  [['import', 'a.csv', '--ukjent'], 'ukjent'],
  [['import', 'a.csv', '--schools-config', ' '], '--schools-config kan ikke være tom.'],
])('%j is refused with exit 2 and the usage', async (argv, message) => {
  const result = await run(argv);
  expect(result.code).toBe(EXIT.usage);
  expect(result.err).toContain(message);
  expect(result.err).toContain(PEOPLE_USAGE.split('\n')[0]);
});

test('--help prints the usage with its exit codes', async () => {
  const result = await run(['--help']);
  expect(result.code).toBe(EXIT.ok);
  expect(result.out).toContain('npm run people -- import <fil>');
  expect(result.out).toContain('3  delvis utført');
});
