/**
 * The folder of a guardian's access request (innsyn): `innsyn.json` (pupil-export-schema.ts),
 * `LESMEG.txt` in Norwegian saying what the folder holds and where it came from, and every
 * archived document version in `dokumenter/` under a name a family can read.
 *
 * Each PDF is read through the archive (which checks it against its stored checksum) and read
 * back after it is written and checked again, so a copy that differs from what was archived is
 * never handed out. The folder is built beside the target and renamed into place when complete:
 * a failure half-way leaves no half-made folder that looks finished.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ArchiveIntegrityError } from '../archive/archive-error';
import type { ArchiveStore } from '../archive/archive-store';
import { osloDate } from '../app/oslo-time';
import { quoteValue } from '../machines/identifiers';
import type { PupilExport } from './pupil-export-schema';

export const EXPORT_JSON = 'innsyn.json';
export const EXPORT_README = 'LESMEG.txt';
export const DOCUMENTS_FOLDER = 'dokumenter';
/** Longest part of a file name taken from a document's title. */
const TITLE_CHARS = 60;

/** The target folder cannot be used (not empty, not writable); nothing was written there. */
export class ExportFolderError extends Error {
  override name = 'ExportFolderError';
}

const TRANSLITERATION: Record<string, string> = { æ: 'ae', ø: 'oe', å: 'aa' };

/** A title as a file-name part: lower case, æøå spelt out, other accents dropped, anything else a hyphen. */
export function fileNamePart(text: string, max = TITLE_CHARS): string {
  const plain = text
    .toLowerCase()
    .replace(/[æøå]/g, (c) => TRANSLITERATION[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  const slug = plain
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return slug === '' ? 'dokument' : slug;
}

/**
 * A readable, unique file name for one version of an archived document:
 * `<journal date>_<title>_<case file number>-<entry>_v<version>.pdf`, e.g.
 * `2026-09-01_samtale-med-foresatte_2026-17-1_v1.pdf`. `used` holds the names already given in
 * this export; a clash gets a counter.
 */
export function documentFileName(
  doc: { journalDate: string; title: string; reference: string },
  version: number,
  used: Set<string>,
): string {
  const reference = fileNamePart(doc.reference.replace(/^arkiv:/, ''), 40);
  const base = `${doc.journalDate}_${fileNamePart(doc.title)}_${reference}_v${version}`;
  let name = `${base}.pdf`;
  for (let n = 2; used.has(name); n++) name = `${base}-${n}.pdf`;
  used.add(name);
  return name;
}

/** The default folder: `<data dir>/innsyn/<school>-<pupil>-<date of the export in Norway>`. */
export function defaultExportFolder(dataDir: string, schoolId: string, pupilId: string, at: Date): string {
  return path.join(dataDir, 'innsyn', `${schoolId}-${pupilId}-${osloDate(at)}`);
}

/** What the export holds, counted (printed by the command line; no personal data). */
export interface ExportCounts {
  registrations: number;
  caseRuns: number;
  documents: number;
  files: number;
  messageDeliveries: number;
  accessLogEntries: number;
}

export function exportCounts(record: PupilExport): ExportCounts {
  const documents = record.archive.flatMap((c) => c.documents);
  return {
    registrations: record.registrations.length,
    caseRuns: record.cases.length,
    documents: documents.length,
    files: documents.reduce((n, d) => n + d.exportedFiles.length, 0),
    messageDeliveries: record.messageDeliveries.length,
    accessLogEntries: record.accessLog.length,
  };
}

/** `LESMEG.txt`: what the folder holds and where it came from, in Norwegian. */
export function readmeText(record: PupilExport): string {
  const counts = exportCounts(record);
  const exported = new Date(record.exportedAt);
  const time = exported.toLocaleTimeString('nb-NO', { timeZone: 'Europe/Oslo', hour: '2-digit', minute: '2-digit' });
  const protectedGuardians = record.guardians.filter((g) => g.protectedAddress).length;
  const lines = [
    'INNSYN – OPPLYSNINGER OM ELEVEN I OPPFØLGINGEN AV SKOLEFRAVÆR',
    '',
    `Eksportert: ${osloDate(exported)} kl. ${time} (norsk tid)`,
    `Skole: ${record.school.name} (${record.school.schoolId}), ${record.school.municipalityName}`,
    `Elev: ${record.pupil?.name ?? '(ikke lenger i personkatalogen)'} (elev-id ${record.pupilId})`,
    '',
    'Mappen inneholder alt systemet for oppfølging av skolefravær har lagret om eleven ved denne',
    'skolen på eksporttidspunktet:',
    '',
    `  ${EXPORT_JSON}   alle opplysningene i maskinlesbar form (JSON, skjemaversjon ${record.schemaVersion}):`,
    '                 eleven, foresatte og kontaktlærer fra personkatalogen;',
    `                 fraværsregistreringer (${counts.registrations});`,
    '                 fraværsoppfølgingens logg over varsler som er sendt til saken;',
    `                 saker (${counts.caseRuns} kjøringer, også avsluttede) med tidslinje, frister, meldinger og dokumenter;`,
    `                 arkivets saksmappe og dokumenter (${counts.documents}) med sjekksummer;`,
    `                 leveranser av meldinger (${counts.messageDeliveries});`,
    `                 tilgangsloggen: hvem som har åpnet saken og når (${counts.accessLogEntries}).`,
    `  ${DOCUMENTS_FOLDER}/     de arkiverte dokumentene som PDF (${counts.files} filer, alle versjoner).`,
    '                 Hver fil er kontrollert mot sjekksummen (SHA-256) som står i innsyn.json.',
    `  ${EXPORT_README}     denne filen.`,
    '',
    'Hvor opplysningene kommer fra:',
    `  - skolens database (${record.source.database === 'postgres' ? 'PostgreSQL' : 'SQLite'}): personkatalogen, fraværsregistreringene,`,
    '    fraværsoppfølgingens logg, meldingsleveranser, tilgangsloggen og arkivets metadata;',
    `  - sakssystemet (Temporal, navnerom ${record.source.temporalNamespace}): sakene og deres historikk;`,
    '  - arkivets filer: dokumentene.',
    '',
    'Personer identifiseres med id-er (elev-id, foresatt-id, ansatt-id, bruker-id) der systemet lagrer',
    'id-er; navn står der systemet har dem.',
  ];
  if (protectedGuardians > 0)
    lines.push(
      '',
      `${protectedGuardians === 1 ? 'Én foresatt har' : `${protectedGuardians} foresatte har`} skjermet adresse. Navn og kontaktopplysninger`,
      'for foresatte med skjermet adresse er ikke tatt med i denne eksporten.',
    );
  lines.push(
    '',
    'Mappen inneholder personopplysninger, også særlige kategorier (helse, familieforhold). Oppbevar',
    'og overlever den sikkert, og slett kopier som ikke lenger trengs.',
    '',
  );
  return lines.join('\n');
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Refuses a target that exists and is not an empty folder. */
async function checkTarget(target: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw new ExportFolderError(`${quoteValue(target)} kan ikke brukes som målmappe (${code ?? (err as Error).message}).`);
  }
  if (entries.length > 0) throw new ExportFolderError(`Målmappen ${quoteValue(target)} finnes og er ikke tom.`);
}

/**
 * Writes the export folder at `target` (new or empty): copies every document version named in
 * `record`, checking each copy, then writes innsyn.json and LESMEG.txt. Throws ExportFolderError
 * for a target that cannot be used, ArchiveIntegrityError for a file that does not match its
 * checksum (then nothing is left at the target).
 */
export async function writeExportFolder(record: PupilExport, archive: ArchiveStore, target: string): Promise<ExportCounts> {
  await checkTarget(target);
  await mkdir(path.dirname(path.resolve(target)), { recursive: true });
  const building = `${path.resolve(target)}.under-arbeid-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(path.join(building, DOCUMENTS_FOLDER), { recursive: true });
    for (const doc of record.archive.flatMap((c) => c.documents)) {
      for (const file of doc.exportedFiles) {
        const { content } = await archive.readDocument(doc.reference, file.version);
        const destination = path.join(building, file.file);
        await writeFile(destination, content, { flag: 'wx' });
        const copied = await readFile(destination);
        if (copied.byteLength !== file.size || sha256(copied) !== file.checksum)
          throw new ArchiveIntegrityError(
            `Kopien av ${doc.reference} versjon ${file.version} stemmer ikke med sjekksummen i arkivet (${file.checksum}).`,
          );
      }
    }
    await writeFile(path.join(building, EXPORT_JSON), `${JSON.stringify(record, null, 2)}\n`, { flag: 'wx' });
    await writeFile(path.join(building, EXPORT_README), readmeText(record), { flag: 'wx' });
    // rename(2) replaces an empty folder, so an empty target made beforehand is taken too.
    await rename(building, target);
  } catch (err) {
    await rm(building, { recursive: true, force: true });
    throw err;
  }
  return exportCounts(record);
}
