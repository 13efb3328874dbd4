/**
 * The case archive (archive/archive-store.ts) on SQLite and PostgreSQL: filing with Noark 5
 * numbers (case file per year, entries within the case file, journal sequence per year), a retry
 * stores nothing new, versions are added and never overwritten, a missing or altered file is
 * found on read, two filings at once get distinct numbers, and a closed case file takes no more.
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AppDatabase } from '../../app/database/database';
import { ArchiveError, ArchiveNotFoundError } from '../../archive/archive-error';
import { ArchiveStore, norwegianDate, parseReference } from '../../archive/archive-store';
import { ContentFiles, contentKey, sha256 } from '../../archive/content-files';
import { testDatabases } from '../helpers/databases';
import { filing, pdf } from './fixtures';

const databases = testDatabases();

let dirs: string[] = [];
const newDir = async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'arkiv-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  dirs = [];
});

/** Every file under `dir`, relative, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

test('the Norwegian date decides the year: 23:30 UTC on 31 December is already the new year in Oslo', () => {
  expect(norwegianDate('2026-12-31T23:30:00.000Z')).toBe('2027-01-01');
  expect(norwegianDate('2026-06-30T21:59:00.000Z')).toBe('2026-06-30');
  expect(parseReference('arkiv:2026/17-3')).toEqual({ caseFileNumber: '2026/17', entryNumber: 3 });
  expect(parseReference('2026/17-3')).toBeUndefined();
});

describe.each(databases)('$name', ({ open }) => {
  let database: AppDatabase;
  let filesDir: string;
  let store: ArchiveStore;
  beforeEach(async () => {
    database = await open();
    filesDir = await newDir();
    store = new ArchiveStore(database, filesDir);
  });

  test('a case file can be opened before its first document, which then files into it; a closed one is refused', async () => {
    const opened = await store.ensureCaseFile({
      caseId: 'fravaerssak-S001-E1',
      schoolId: 'S001',
      at: '2026-03-01T08:00:00.000Z',
      by: 'A1',
    });
    expect(opened).toEqual({ caseFileNumber: '2026/1' });
    expect(
      await store.ensureCaseFile({ caseId: 'fravaerssak-S001-E1', schoolId: 'S001', at: '2026-03-02T08:00:00.000Z', by: 'A1' }),
    ).toEqual(opened);
    expect((await store.fileDocument(filing('k1'))).reference).toBe('arkiv:2026/1-1');
    await store.closeCaseFile('fravaerssak-S001-E1', '2026-03-03T08:00:00.000Z');
    await expect(
      store.ensureCaseFile({ caseId: 'fravaerssak-S001-E1', schoolId: 'S001', at: '2026-03-04T08:00:00.000Z', by: 'A1' }),
    ).rejects.toThrow(/saksmappen 2026\/1 er avsluttet/);
  });

  test('the first document opens the case file 2026/1; the next ones are numbered within it', async () => {
    const first = await store.fileDocument(filing('k1'));
    expect(first).toEqual({
      reference: 'arkiv:2026/1-1',
      caseFileNumber: '2026/1',
      entryNumber: 1,
      checksum: sha256(pdf('k1')),
      size: pdf('k1').byteLength,
      version: 1,
      duplicate: false,
    });
    const second = await store.fileDocument(
      filing('k2', { documentKind: 'minutes', title: 'Referat fra samarbeidsmøte', entryType: 'internal' }),
    );
    expect(second).toMatchObject({ reference: 'arkiv:2026/1-2', entryNumber: 2, duplicate: false });
    expect(await store.caseFile('fravaerssak-S001-E1')).toEqual({
      caseId: 'fravaerssak-S001-E1',
      caseFileNumber: '2026/1',
      year: 2026,
      sequenceNumber: 1,
      title: 'Oppfølging av skolefravær',
      administrativeUnit: 'S001',
      responsibleId: 'A1',
      status: 'open',
      accessRestriction: '13',
      restrictionBasis: 'Offl. § 13, jf. fvl. § 13',
      createdAt: '2026-03-02T09:15:00.000Z',
      createdBy: 'A1',
    });
    const documents = await store.documentsOfCase('fravaerssak-S001-E1');
    expect(documents.map((d) => [d.reference, d.documentKind, d.journalSequenceNumber])).toEqual([
      ['arkiv:2026/1-1', 'measures-plan', 1],
      ['arkiv:2026/1-2', 'minutes', 2],
    ]);
    expect(documents[0]).toMatchObject({
      entryType: 'outgoing',
      journalStatus: 'Journalført',
      journalDate: '2026-03-02',
      documentDate: '2026-03-02',
      documentStatus: 'Dokumentet er ferdigstilt',
      association: 'Hoveddokument',
      parties: [
        { personId: 'A1', role: 'contact-teacher', kind: 'sender' },
        { personId: 'F1', role: 'guardians', kind: 'recipient' },
      ],
      version: 1,
      checksum: first.checksum,
    });
    expect(documents[0]!.versions).toEqual([
      expect.objectContaining({ version: 1, variant: 'Arkivformat', format: 'PDF/A-2b', fileKey: contentKey(first.checksum) }),
    ]);
    expect(await store.hasDocument('arkiv:2026/1-2')).toBe(true);
    expect(await store.hasDocument('arkiv:2026/1-3')).toBe(false);
  });

  test('case files count per year, journal numbers per year across case files; a new year starts at 1', async () => {
    await store.fileDocument(filing('a1', { caseId: 'sak-a' }));
    const b = await store.fileDocument(filing('b1', { caseId: 'sak-b', schoolId: 'S002' }));
    const a2 = await store.fileDocument(filing('a2', { caseId: 'sak-a' }));
    expect([b.reference, a2.reference]).toEqual(['arkiv:2026/2-1', 'arkiv:2026/1-2']);
    expect((await store.documentsOfCase('sak-a')).map((d) => d.journalSequenceNumber)).toEqual([1, 3]);
    // Filed at 00:30 Norwegian time on 1 January 2027.
    const c = await store.fileDocument(filing('c1', { caseId: 'sak-c', filedAt: '2026-12-31T23:30:00.000Z' }));
    expect(c.reference).toBe('arkiv:2027/1-1');
    expect(await store.documentsOfCase('sak-c')).toEqual([
      expect.objectContaining({ journalYear: 2027, journalSequenceNumber: 1, journalDate: '2027-01-01' }),
    ]);
    // sak-a's file stays 2026/1 when it gets a document in 2027; the entry has a 2027 journal number.
    const a3 = await store.fileDocument(filing('a3', { caseId: 'sak-a', filedAt: '2027-01-05T10:00:00.000Z' }));
    expect(a3.reference).toBe('arkiv:2026/1-3');
    expect((await store.documentsOfCase('sak-a')).at(-1)).toMatchObject({ journalYear: 2027, journalSequenceNumber: 2 });
  });

  test('a retry with the same key stores nothing new and answers the same reference (one row, one file)', async () => {
    const first = await store.fileDocument(filing('same-key'));
    // The activity failed after the archive stored everything, before it returned; it is retried.
    const again = await store.fileDocument(filing('same-key'));
    expect(again).toEqual({ ...first, duplicate: true });
    // A retry whose rendering differs (a new timestamp in the PDF) still answers what was filed first.
    const rerendered = await store.fileDocument(filing('same-key', { content: pdf('rendered again') }));
    expect(rerendered).toEqual({ ...first, duplicate: true });
    expect(await database.db.selectFrom('archive_registry_entries').select('reference').execute()).toHaveLength(1);
    expect(await database.db.selectFrom('archive_document_objects').select('version').execute()).toHaveLength(1);
    expect(await filesUnder(filesDir)).toEqual([contentKey(first.checksum)]);
  });

  test('a crash after the file was written but before the rows leaves only that file; the retry files it once', async () => {
    const input = filing('crash');
    // What the crashed attempt left: the file, no row.
    await new ContentFiles(filesDir).put(input.content);
    expect(await store.hasDocument('arkiv:2026/1-1')).toBe(false);
    const filed = await store.fileDocument(input);
    expect(filed).toMatchObject({ reference: 'arkiv:2026/1-1', duplicate: false });
    expect(await filesUnder(filesDir)).toEqual([contentKey(filed.checksum)]);
    expect((await store.readDocument(filed.reference)).content.equals(Buffer.from(input.content))).toBe(true);
  });

  test('a failed insert leaves no row: a closed case file refuses the document, and only the file stays', async () => {
    await store.fileDocument(filing('k1'));
    await store.closeCaseFile('fravaerssak-S001-E1', '2026-06-20T12:00:00.000Z');
    await expect(store.fileDocument(filing('k2'))).rejects.toThrow(
      new ArchiveError('Dokumentet ble ikke arkivert: saksmappen 2026/1 er avsluttet.'),
    );
    expect(await store.hasDocument('arkiv:2026/1-2')).toBe(false);
    // The retry of the first filing still answers.
    expect(await store.fileDocument(filing('k1'))).toMatchObject({ reference: 'arkiv:2026/1-1', duplicate: true });
  });

  test('a new version is added beside the old one, which stays readable and unchanged', async () => {
    const first = await store.fileDocument(filing('v'));
    const second = await store.addVersion(first.reference, pdf('versjon 2'), '2026-03-03T08:00:00.000Z');
    expect(second).toEqual({
      reference: first.reference,
      caseFileNumber: '2026/1',
      entryNumber: 1,
      checksum: sha256(pdf('versjon 2')),
      size: pdf('versjon 2').byteLength,
      version: 2,
      duplicate: false,
    });
    // The same bytes again (a retried call) store nothing.
    expect(await store.addVersion(first.reference, pdf('versjon 2'), '2026-03-03T08:01:00.000Z')).toEqual({ ...second, duplicate: true });
    expect((await store.readDocument(first.reference, 1)).content.equals(Buffer.from(pdf('v')))).toBe(true);
    const latest = await store.readDocument(first.reference);
    expect(latest.version).toMatchObject({ version: 2, createdAt: '2026-03-03T08:00:00.000Z', createdBy: 'A1' });
    expect(latest.content.equals(Buffer.from(pdf('versjon 2')))).toBe(true);
    expect(latest.record).toMatchObject({ version: 2, checksum: second.checksum });
    expect(latest.record.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(await filesUnder(filesDir)).toEqual([contentKey(first.checksum), contentKey(second.checksum)].sort());
    await expect(store.addVersion('arkiv:2026/9-9', pdf('x'), '2026-03-03T08:00:00.000Z')).rejects.toThrow(ArchiveNotFoundError);
    await expect(store.readDocument(first.reference, 3)).rejects.toThrow('har ingen versjon «3»');
  });

  test('the same bytes filed for two entries are one file, both readable', async () => {
    const a = await store.fileDocument(filing('a', { content: pdf('felles') }));
    const b = await store.fileDocument(filing('b', { content: pdf('felles') }));
    expect(a.checksum).toBe(b.checksum);
    expect(await filesUnder(filesDir)).toEqual([contentKey(a.checksum)]);
    expect((await store.readDocument(b.reference)).content.equals(Buffer.from(pdf('felles')))).toBe(true);
  });

  test('a file altered or removed after filing is refused on read, in Norwegian', async () => {
    const filed = await store.fileDocument(filing('endres'));
    const file = path.join(filesDir, ...contentKey(filed.checksum).split('/'));
    await writeFile(file, pdf('noe annet'));
    await expect(store.readDocument(filed.reference)).rejects.toThrow(
      `Filen til ${filed.reference} versjon 1 er endret etter at den ble arkivert: sjekksummen stemmer ikke`,
    );
    // Filing the same bytes again does not replace the altered file (evidence stays).
    await expect(store.fileDocument(filing('igjen', { content: pdf('endres') }))).rejects.toThrow('er endret eller skadet');
    await rm(file);
    await expect(store.readDocument(filed.reference)).rejects.toThrow(`Filen til ${filed.reference} versjon 1 mangler i arkivet`);
  });

  test('two filings at once for two new cases get distinct case file and journal numbers', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => store.fileDocument(filing(`samtidig-${i}`, { caseId: `sak-${i % 2}` }))),
    );
    expect(new Set(results.map((r) => r.reference)).size).toBe(6);
    const numbers = await database.db
      .selectFrom('archive_case_files')
      .select(['case_id', 'sequence_number'])
      .orderBy('sequence_number')
      .execute();
    expect(numbers.map((n) => Number(n.sequence_number))).toEqual([1, 2]);
    const journal = await database.db.selectFrom('archive_registry_entries').select('journal_sequence_number').execute();
    expect(journal.map((j) => Number(j.journal_sequence_number)).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const caseId of ['sak-0', 'sak-1']) expect((await store.documentsOfCase(caseId)).map((d) => d.entryNumber)).toEqual([1, 2, 3]);
  });

  test('closing the case file: status Avsluttet with the time; closing again keeps the first time', async () => {
    await store.fileDocument(filing('k1'));
    await store.closeCaseFile('fravaerssak-S001-E1', '2026-06-20T12:00:00.000Z');
    await store.closeCaseFile('fravaerssak-S001-E1', '2026-06-21T12:00:00.000Z');
    expect(await store.caseFile('fravaerssak-S001-E1')).toMatchObject({ status: 'closed', closedAt: '2026-06-20T12:00:00.000Z' });
    await expect(store.addVersion('arkiv:2026/1-1', pdf('ny'), '2026-06-22T12:00:00.000Z')).rejects.toThrow('er avsluttet');
    await expect(store.closeCaseFile('ukjent-sak', '2026-06-20T12:00:00.000Z')).rejects.toThrow(ArchiveNotFoundError);
  });

  test('bad input is refused in Norwegian naming the field and the value; nothing is stored', async () => {
    await expect(store.fileDocument(filing('x', { documentDate: '2026-02-30' }))).rejects.toThrow(
      'Dokumentet ble ikke arkivert: documentDate: er ingen gyldig dato (fikk «2026-02-30»)',
    );
    await expect(store.fileDocument(filing('x', { title: ' ' }))).rejects.toThrow('title: kan ikke være tom');
    await expect(store.fileDocument(filing('x', { documentKind: 'brev' as never }))).rejects.toThrow('documentKind: må være en av');
    await expect(store.fileDocument(filing('x', { filedAt: '2026-03-02' }))).rejects.toThrow('filedAt: må være et tidspunkt med tidssone');
    await expect(store.fileDocument(filing('x', { content: Buffer.from('hei') }))).rejects.toThrow('content: er ikke en PDF-fil');
    await expect(store.fileDocument(filing('x', { schoolId: 'S 1' }))).rejects.toThrow('skole-id «S 1» er ugyldig');
    expect(await store.caseFile('fravaerssak-S001-E1')).toBeUndefined();
    expect(await stat(filesDir).then(() => filesUnder(filesDir))).toEqual([]);
  });
});
