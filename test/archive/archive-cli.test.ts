/**
 * `npm run archive -- list|export`: the case file and its documents listed by id, the export with
 * names from the people directory, and each exit code (ok, usage, notFound, checkFailed,
 * databaseUnavailable), on SQLite and PostgreSQL; once as its own process, as npm runs it.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../app/database/database';
import { EXIT } from '../../app/exit-codes';
import type { Settings } from '../../app/settings';
import { ArchiveStore } from '../../archive/archive-store';
import { contentKey } from '../../archive/content-files';
import { ARCHIVE_USAGE, runArchiveCli } from '../../cli/archive';
import { SqlPeopleDirectory } from '../../people/people-store';
import { spawnGroup } from '../../scripts/lib/child-processes';
import { PROJECT_ROOT } from '../../scripts/lib/tools';
import { testDatabases } from '../helpers/databases';
import { filing, pdf } from './fixtures';

const databases = testDatabases();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'arkiv-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Settings whose defaults must never be used (every test names its own database and folder). */
const noDefault = () => ({ databaseUrl: 'postgres://127.0.0.1:1/not_the_default', archiveDir: '/nonexistent/archive' }) as Settings;

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runArchiveCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, noDefault);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let folders = 0;
const newFolder = () => path.join(dir, `mappe-${++folders}`);

/** A database with one case's two documents (one in two versions) and the people named in them. */
async function archivedCase(url: string, archiveDir: string) {
  const database = openDatabase(url);
  try {
    await new SqlPeopleDirectory(database).importBatch({
      pupils: [{ schoolId: 'S001', pupilId: 'E1', name: 'Per Elev', grade: 7 }],
      guardians: [{ guardianId: 'F1', name: 'Fia Foresatt', language: 'nb', writtenStandard: 'bokmal', protectedAddress: false }],
      guardianLinks: [],
      staff: [{ staffId: 'A1', name: 'Kari Kontaktlærer', email: 'kari@skole.no' }],
      staffRoles: [],
    });
    const store = new ArchiveStore(database, archiveDir);
    const first = await store.fileDocument(filing('k1'));
    await store.addVersion(first.reference, pdf('versjon 2'), '2026-03-04T10:00:00.000Z');
    await store.fileDocument(filing('k2', { documentKind: 'minutes', title: 'Referat\u202e fra møte', entryType: 'internal' }));
    return first;
  } finally {
    await database.close();
  }
}

describe.each(databases)('$name', ({ newUrl }) => {
  test('document writes one archived document to a file, the latest version unless --version names one; an existing file is not overwritten', async () => {
    const url = await newUrl();
    const archiveDir = newFolder();
    const first = await archivedCase(url, archiveDir);
    const out = path.join(newFolder() + '.pdf');
    const written = await run(['document', first.reference, out, '--database', url, '--archive-dir', archiveDir]);
    expect(written).toMatchObject({ code: EXIT.ok, err: '' });
    expect(written.out).toContain(`${first.reference} («Tiltaksplan for oppfølging av fravær», versjon 2`);
    expect(await readFile(out, 'latin1')).toContain('versjon 2');
    const again = await run(['document', first.reference, out, '--database', url, '--archive-dir', archiveDir]);
    expect(again.code).toBe(EXIT.usage);
    expect(again.err).toMatch(/EEXIST/);
    const older = path.join(newFolder() + '.pdf');
    expect((await run(['document', first.reference, older, '--version', '1', '--database', url, '--archive-dir', archiveDir])).code).toBe(
      EXIT.ok,
    );
    expect(await readFile(older, 'latin1')).toContain('k1');
    const unknown = await run([
      'document',
      'arkiv:2026/9-9',
      path.join(newFolder() + '.pdf'),
      '--database',
      url,
      '--archive-dir',
      archiveDir,
    ]);
    expect(unknown.code).toBe(EXIT.notFound);
    expect((await run(['document', first.reference, out, '--version', 'to'])).err).toMatch(
      /--version må være et heltall fra 1 \(fikk «to»\)/,
    );
  });

  test('list shows the case file and each document by reference, with ids only (exit 0)', async () => {
    const url = await newUrl();
    const archiveDir = newFolder();
    const first = await archivedCase(url, archiveDir);
    const result = await run(['list', 'fravaerssak-S001-E1', '--database', url, '--archive-dir', archiveDir]);
    expect(result).toMatchObject({ code: EXIT.ok, err: '' });
    expect(result.out).toContain('Saksmappe 2026/1 (Under behandling): «Oppfølging av skolefravær»');
    expect(result.out).toContain('Skjerming: tilgangsrestriksjon 13, Offl. § 13, jf. fvl. § 13');
    expect(result.out).toContain('Dokumenter: 2');
    expect(result.out).toContain(
      'arkiv:2026/1-1  2026-03-02  Utgående dokument  Tiltaksplan: «Tiltaksplan for oppfølging av fravær»  versjon 2',
    );
    expect(result.out).not.toContain(first.checksum);
    // A title cannot reorder the terminal line: the override is shown escaped.
    expect(result.out).toContain('Organinternt dokument uten oppfølging  Referat: «Referat\\u202e fra møte»');
    expect(result.out).not.toMatch(/Kari|Fia|Per Elev/);
  });

  test('export writes the arkivmelding with names from the people directory and the files (exit 0)', async () => {
    const url = await newUrl();
    const archiveDir = newFolder();
    await archivedCase(url, archiveDir);
    const target = newFolder();
    const result = await run([
      'export',
      'fravaerssak-S001-E1',
      target,
      '--database',
      url,
      '--archive-dir',
      archiveDir,
      '--municipality',
      'Testkommune',
    ]);
    expect(result).toMatchObject({ code: EXIT.ok, err: '' });
    expect(result.out).toContain(`Saksmappe 2026/1 eksportert til ${target}.`);
    expect(result.out).toContain('Filer: 3');
    expect((await readdir(path.join(target, 'dokumenter'))).sort()).toEqual(['1-1-v1.pdf', '1-1-v2.pdf', '2-1-v1.pdf']);
    const xml = await readFile(path.join(target, 'arkivmelding.xml'), 'utf8');
    expect(xml).toContain('<system>skolefravaer</system>');
    expect(xml).toContain('<journalenhet>Testkommune</journalenhet>');
    expect(xml).toContain('<saksansvarlig>Kari Kontaktlærer</saksansvarlig>');
    expect(xml).toContain('<korrespondansepartNavn>Fia Foresatt</korrespondansepartNavn>');
    // A second export into the same folder is refused (exit 2) and leaves the first as it was.
    const again = await run(['export', 'fravaerssak-S001-E1', target, '--database', url, '--archive-dir', archiveDir]);
    expect(again.code).toBe(EXIT.usage);
    expect(again.err).toContain('er ikke tom');
    expect(await readFile(path.join(target, 'arkivmelding.xml'), 'utf8')).toBe(xml);
  });

  test('a case without a case file exits 8; an altered file stops the export with exit 9', async () => {
    const url = await newUrl();
    const archiveDir = newFolder();
    const first = await archivedCase(url, archiveDir);
    const unknown = await run(['list', 'ukjent-sak', '--database', url, '--archive-dir', archiveDir]);
    expect(unknown).toMatchObject({ code: EXIT.notFound, err: 'Saken «ukjent-sak» har ingen saksmappe i arkivet.' });
    await writeFile(path.join(archiveDir, ...contentKey(first.checksum).split('/')), pdf('endret'));
    const target = newFolder();
    const result = await run(['export', 'fravaerssak-S001-E1', target, '--database', url, '--archive-dir', archiveDir]);
    expect(result.code).toBe(EXIT.checkFailed);
    expect(result.err).toContain('Saken «fravaerssak-S001-E1» ble ikke eksportert: Filen til arkiv:2026/1-1 versjon 1 er endret');
    await expect(readdir(target)).rejects.toThrow();
  });
});

test.each([
  [[], 'Mangler kommando (list, export, document).'],
  [['slett', 'sak'], 'Ukjent kommando «slett» (kjent: list, export, document).'],
  [['list'], 'Mangler sak-id.'],
  [['export', 'sak'], 'Mangler målmappe for eksporten.'],
  [['list', 'sak', 'mer'], 'For mange argumenter: «mer».'],
  [['list', 'sak', '--system', 'x'], '--system og --municipality gjelder bare export.'],
  [['export', 'sak', 'mappe', '--archive-dir', ' '], '--archive-dir kan ikke være tom.'],
])('the command line %j is refused with the usage (exit 2)', async (argv, message) => {
  const result = await run(argv as string[]);
  expect(result.code).toBe(EXIT.usage);
  expect(result.err).toBe(`${message}\n\n${ARCHIVE_USAGE}`);
});

test('--help prints the usage with the exit codes (exit 0)', async () => {
  const result = await run(['--help']);
  expect(result).toEqual({ code: EXIT.ok, out: ARCHIVE_USAGE, err: '' });
  expect(ARCHIVE_USAGE).toContain('  9  en kontroll fant feil');
});

test('a database that cannot be reached exits 10 and nothing is exported', async () => {
  const target = newFolder();
  const result = await run(['export', 'sak', target, '--database', 'postgres://127.0.0.1:1/finnes_ikke', '--archive-dir', newFolder()]);
  expect(result.code).toBe(EXIT.databaseUnavailable);
  expect(result.err).toContain('Saken «sak» ble ikke eksportert: Databasen');
  await expect(readdir(target)).rejects.toThrow();
});

test('as its own process: a case without a case file exits 8 with the message on stderr', async () => {
  const url = `sqlite:${path.join(dir, 'prosess.sqlite')}`;
  const child = spawnGroup(
    process.execPath,
    ['--import', 'tsx', 'cli/archive.ts', 'list', 'ukjent-sak', '--database', url, '--archive-dir', newFolder()],
    { name: 'arkivverktøyet', cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.process.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = await child.exited;
  expect(exit.code).toBe(EXIT.notFound);
  expect(stderr).toContain('Saken «ukjent-sak» har ingen saksmappe i arkivet.');
});
