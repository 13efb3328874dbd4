/**
 * The access export's pure parts and its folder writing without Temporal: file names a family can
 * read, the default folder, LESMEG.txt, the schema check, guardians with a protected address, the
 * visibility query, and writing a folder from a real archive (SQLite + files) that refuses a
 * used target and an archived file that was altered. The command line's refusals that need no
 * Temporal: bad ids, an unknown school, an unreachable database, an unreachable Temporal.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { type AppDatabase, openMigratedDatabase } from '../../app/database/database';
import { EXIT } from '../../app/exit-codes';
import { parseSettings } from '../../app/settings';
import { ArchiveIntegrityError } from '../../archive/archive-error';
import { ArchiveStore } from '../../archive/archive-store';
import {
  ExportFolderError,
  defaultExportFolder,
  documentFileName,
  fileNamePart,
  readmeText,
  writeExportFolder,
} from '../../casework/pupil-export-files';
import { archiveExport, exportedGuardian, runsQuery, validatedExport } from '../../casework/pupil-export';
import { PUPIL_EXPORT_SCHEMA_VERSION, type PupilExport } from '../../casework/pupil-export-schema';
import { runAccessExportCli } from '../../cli/access-export';
import { filing } from '../archive/fixtures';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A record with nothing but the pupil: what the schema requires at least. */
function minimalRecord(overrides: Partial<PupilExport> = {}): PupilExport {
  return {
    schemaVersion: PUPIL_EXPORT_SCHEMA_VERSION,
    exportedAt: '2026-09-01T10:15:00.000Z',
    source: { system: 'skolefravaer', database: 'sqlite', temporalNamespace: 'default' },
    school: { schoolId: 'S001', name: 'Nordby skole', municipalityName: 'Nordby kommune' },
    pupil: { pupilId: 'E1', name: 'Ola Nordmann', grade: 5, contactTeacher: { staffId: 'A1', name: 'Kari Kontakt' } },
    pupilId: 'E1',
    guardians: [],
    registrations: [],
    detectionLedger: null,
    cases: [],
    archive: [],
    messageDeliveries: [],
    accessLog: [],
    ...overrides,
  };
}

describe('file names', () => {
  test('a title becomes a lower-case slug with æ, ø and å spelt out and accents dropped', () => {
    expect(fileNamePart('Samtale med foresatte: «Første» møte på Årstad, café')).toBe(
      'samtale-med-foresatte-foerste-moete-paa-aarstad-cafe',
    );
    expect(fileNamePart('«»!!')).toBe('dokument');
    expect(fileNamePart('a'.repeat(100)).length).toBe(60);
  });

  test('a document version is named by journal date, title, case file number and entry, and version; a clash gets a counter', () => {
    const used = new Set<string>();
    const doc = { journalDate: '2026-09-01', title: 'Tiltaksplan for oppfølging', reference: 'arkiv:2026/17-3' };
    expect(documentFileName(doc, 1, used)).toBe('2026-09-01_tiltaksplan-for-oppfoelging_2026-17-3_v1.pdf');
    expect(documentFileName(doc, 2, used)).toBe('2026-09-01_tiltaksplan-for-oppfoelging_2026-17-3_v2.pdf');
    expect(documentFileName(doc, 1, used)).toBe('2026-09-01_tiltaksplan-for-oppfoelging_2026-17-3_v1-2.pdf');
  });

  test('the default folder is data/innsyn/<school>-<pupil>-<date in Norway>', () => {
    // 23:30 UTC on 31 December is already 1 January in Oslo.
    expect(defaultExportFolder('data', 'S001', 'E1', new Date('2026-12-31T23:30:00Z'))).toBe(join('data', 'innsyn', 'S001-E1-2027-01-01'));
  });
});

describe('guardians', () => {
  const guardian = {
    guardianId: 'F1',
    name: 'Mor Nordmann',
    email: 'mor@example.no',
    mobile: '91111111',
    language: 'nb',
    writtenStandard: 'bokmal' as const,
    parentalResponsibility: true,
    livesWith: true,
  };

  test('a guardian is exported with name and contact details', () => {
    expect(exportedGuardian({ ...guardian, protectedAddress: false })).toEqual({ ...guardian, protectedAddress: false });
  });

  test('a guardian with a protected address is exported without name and contact details (never revealed to others)', () => {
    const shown = exportedGuardian({ ...guardian, protectedAddress: true });
    expect(shown).toEqual({ guardianId: 'F1', protectedAddress: true, parentalResponsibility: true, livesWith: true });
    expect(JSON.stringify(shown)).not.toMatch(/Mor Nordmann|mor@example|91111111/);
  });
});

describe('innsyn.json and LESMEG.txt', () => {
  test('a complete record passes the schema; a wrong one is refused naming the field', () => {
    expect(validatedExport(minimalRecord())).toEqual(minimalRecord());
    expect(() => validatedExport({ ...minimalRecord(), pupilId: '' })).toThrow(/pupilId/);
    expect(() => validatedExport({ ...minimalRecord(), schemaVersion: 99 })).toThrow(/schemaVersion/);
    expect(() =>
      validatedExport({
        ...minimalRecord(),
        guardians: [{ guardianId: 'F2', protectedAddress: true, name: 'Skjult', parentalResponsibility: true, livesWith: false }],
      }),
    ).toThrow(/guardians\.0/);
  });

  test('LESMEG.txt says in Norwegian what the folder holds, where it came from and when', () => {
    const text = readmeText(minimalRecord({ registrations: [{ schoolId: 'S001', pupilId: 'E1', date: '2026-08-20' }] }));
    expect(text).toContain('Eksportert: 2026-09-01 kl. 12:15 (norsk tid)');
    expect(text).toContain('Skole: Nordby skole (S001), Nordby kommune');
    expect(text).toContain('Elev: Ola Nordmann (elev-id E1)');
    expect(text).toContain('fraværsregistreringer (1)');
    expect(text).toContain('sakssystemet (Temporal, navnerom default)');
    expect(text).toContain('skolens database (SQLite)');
    expect(text).not.toContain('skjermet adresse');
  });

  test('LESMEG.txt says when guardians with a protected address were left out', () => {
    const text = readmeText(
      minimalRecord({ guardians: [{ guardianId: 'F2', protectedAddress: true, parentalResponsibility: true, livesWith: false }] }),
    );
    expect(text).toContain('Én foresatt har skjermet adresse');
  });
});

test('the visibility query names the workflow id, quoted', () => {
  expect(runsQuery('fravaerssak-S001-abc')).toBe("WorkflowId = 'fravaerssak-S001-abc'");
  expect(runsQuery("a'b")).toBe("WorkflowId = 'a\\'b'");
});

describe('writing the folder from the archive', () => {
  let dir: string;
  let database: AppDatabase;
  let archive: ArchiveStore;
  let record: PupilExport;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'innsyn-unit-'));
    database = await openMigratedDatabase(`sqlite:${join(dir, 'db.sqlite')}`);
    archive = new ArchiveStore(database, join(dir, 'arkiv'));
    await archive.fileDocument(filing('k1', { caseId: 'sak-1' }));
    await archive.addVersion('arkiv:2026/1-1', Buffer.from('%PDF-1.7\n% versjon 2\n%%EOF\n', 'latin1'), '2026-03-03T09:00:00.000Z');
    await archive.fileDocument(
      filing('k2', { caseId: 'sak-1', title: 'Referat fra møte', documentKind: 'minutes', entryType: 'internal' }),
    );
    record = validatedExport({ ...minimalRecord(), archive: await archiveExport(archive, ['sak-1']) });
  });
  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every version is copied under its readable name with the checksum innsyn.json gives', async () => {
    const target = join(dir, 'ut');
    const counts = await writeExportFolder(record, archive, target);
    expect(counts).toMatchObject({ documents: 2, files: 3 });
    expect(readdirSync(target).sort()).toEqual(['LESMEG.txt', 'dokumenter', 'innsyn.json']);
    expect(readdirSync(join(target, 'dokumenter')).sort()).toEqual([
      '2026-03-02_referat-fra-moete_2026-1-2_v1.pdf',
      '2026-03-02_tiltaksplan-for-oppfoelging-av-fravaer_2026-1-1_v1.pdf',
      '2026-03-02_tiltaksplan-for-oppfoelging-av-fravaer_2026-1-1_v2.pdf',
    ]);
    const written = validatedExport(JSON.parse(readFileSync(join(target, 'innsyn.json'), 'utf8')));
    for (const file of written.archive.flatMap((c) => c.documents.flatMap((d) => d.exportedFiles)))
      expect(sha256(readFileSync(join(target, file.file)))).toBe(file.checksum);
    // Nothing is left beside the target.
    expect(readdirSync(dir).filter((f) => f.includes('under-arbeid'))).toEqual([]);
  });

  test('an empty target folder is used; one with anything in it is refused', async () => {
    mkdirSync(join(dir, 'tom'));
    await writeExportFolder(record, archive, join(dir, 'tom'));
    expect(existsSync(join(dir, 'tom', 'innsyn.json'))).toBe(true);
    mkdirSync(join(dir, 'brukt'));
    writeFileSync(join(dir, 'brukt', 'noe.txt'), 'x');
    await expect(writeExportFolder(record, archive, join(dir, 'brukt'))).rejects.toThrow(ExportFolderError);
    expect(readdirSync(join(dir, 'brukt'))).toEqual(['noe.txt']);
  });

  test('an archived file altered after filing stops the export, and no folder is left', async () => {
    const [, minutes] = await archive.documentsOfCase('sak-1');
    writeFileSync(archive.filePath(minutes!.versions[0]!), '%PDF-1.7\n% endret\n%%EOF\n');
    const target = join(dir, 'ut');
    await expect(writeExportFolder(record, archive, target)).rejects.toThrow(ArchiveIntegrityError);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('under-arbeid'))).toEqual([]);
  });
});

describe('the command line', () => {
  let dir: string;
  const run = async (argv: string[], env: Record<string, string> = {}) => {
    const out: string[] = [];
    const err: string[] = [];
    const settings = () =>
      parseSettings({ DATA_DIR: dir, PAYLOAD_KEYS_FILE: join(dir, 'keys.json'), DATABASE_URL: `sqlite:${join(dir, 'db.sqlite')}`, ...env });
    const code = await runAccessExportCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, settings);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'innsyn-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a missing or malformed id is a usage error naming the option and the value', async () => {
    expect(await run(['--school', 'S001'])).toMatchObject({ code: EXIT.usage, err: expect.stringContaining('Mangler --pupil.') });
    expect(await run(['--school', 'S001', '--pupil', 'E 1'])).toMatchObject({
      code: EXIT.usage,
      err: expect.stringContaining('--pupil «E 1»'),
    });
  });

  test('an unknown school is notFound, naming it', async () => {
    expect(await run(['--school', 'S999', '--pupil', 'E1'])).toMatchObject({
      code: EXIT.notFound,
      err: expect.stringContaining('skolen «S999» finnes ikke i skolekatalogen'),
    });
  });

  test('an unreachable database is databaseUnavailable', async () => {
    const result = await run(['--school', 'S001', '--pupil', 'E1', '--database', 'postgres://u:hemmelig@127.0.0.1:1/skole']);
    expect(result.code).toBe(EXIT.databaseUnavailable);
    expect(result.err).toContain('ble ikke eksportert');
    expect(result.err).not.toContain('hemmelig');
  });

  test('an unreachable Temporal is temporalUnavailable; nothing is written', async () => {
    const result = await run(['--school', 'S001', '--pupil', 'E1'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result.code).toBe(EXIT.temporalUnavailable);
    expect(result.err).toContain('får ikke kontakt med Temporal på 127.0.0.1:1');
    expect(existsSync(join(dir, 'innsyn'))).toBe(false);
  });
});
