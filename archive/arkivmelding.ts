/**
 * A case's archive as an arkivmelding (Noark 5, namespace
 * http://www.arkivverket.no/standarder/noark5/arkivmelding) for the municipality's archive
 * system: `arkivmelding.xml` with one saksmappe, a journalpost per filed document with its
 * dokumentbeskrivelse and one dokumentobjekt per version, and the files themselves under
 * `dokumenter/`. Each file is read through the store, so its checksum is verified before it is
 * copied; the XML's sjekksum is the copied file's SHA-256.
 *
 * Elements follow the schema's order (a type's own elements after those of the type it
 * extends), with saksaar/sakssekvensnummer and the dokumentobjekt's format, sjekksum and
 * filstoerrelse as in Noark 5's arkivstruktur. Names are not archived: each correspondence party
 * is named by `nameOf` at export time, or by its person id when it gives none.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { quoteValue } from '../machines/identifiers';
import { ArchiveError, ArchiveNotFoundError } from './archive-error';
import type { ArchiveStore, ArchivedDocumentRecord, CaseFileRecord, DocumentVersionRecord } from './archive-store';
import {
  CASE_STATUS,
  CHECKSUM_ALGORITHM,
  FORMAT_CODE,
  JOURNAL_POST_TYPE,
  PARTY_TYPE,
  SCREENED_CASE_FILE_METADATA,
  SCREENED_DOCUMENT,
  SCREENED_ENTRY_METADATA,
  documentType,
} from './noark';
import { type XmlElement, el, optional, xmlDocument } from './xml';

export const ARKIVMELDING_NAMESPACE = 'http://www.arkivverket.no/standarder/noark5/arkivmelding';
const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
export const ARKIVMELDING_FILE = 'arkivmelding.xml';
export const DOCUMENTS_FOLDER = 'dokumenter';

export interface ArkivmeldingOptions {
  /** A person's name for the correspondence parties and the case officer; undefined keeps the id. */
  nameOf?: (personId: string) => Promise<string | undefined>;
  /** The sending system, e.g. «skolefravaer». */
  system: string;
  /** The municipality whose archive takes the case (journalenhet). */
  municipality?: string;
  /** The export's time (tidspunkt); now by default. */
  now?: () => Date;
}

export interface ArkivmeldingExport {
  xmlPath: string;
  /** The copied files, in the order the XML names them. */
  files: string[];
}

/** A stable GUID for a name (the same case file or entry gets the same systemID in every export). */
export function stableGuid(name: string): string {
  const hex = createHash('sha256').update(`skolefravaer-arkiv:${name}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The exported file of a version, relative to the export folder. */
export const exportedFileName = (record: Pick<ArchivedDocumentRecord, 'entryNumber' | 'documentNumber'>, version: DocumentVersionRecord) =>
  `${DOCUMENTS_FOLDER}/${record.entryNumber}-${record.documentNumber}-v${version.version}.${FORMAT_CODE[version.format].extension}`;

const date = (iso: string) => iso.slice(0, 10);

function skjerming(metadata: readonly string[], caseFile: CaseFileRecord, document = false): XmlElement {
  return el('skjerming', [
    el('tilgangsrestriksjon', caseFile.accessRestriction),
    el('skjermingshjemmel', caseFile.restrictionBasis),
    ...metadata.map((m) => el('skjermingMetadata', m)),
    document ? el('skjermingDokument', SCREENED_DOCUMENT) : undefined,
  ]);
}

async function journalpost(
  record: ArchivedDocumentRecord,
  caseFile: CaseFileRecord,
  folderId: string,
  name: (personId: string) => Promise<string>,
): Promise<XmlElement> {
  const objects = record.versions.map((version) =>
    el('dokumentobjekt', [
      el('versjonsnummer', version.version),
      el('variantformat', version.variant),
      el('format', FORMAT_CODE[version.format].pronom),
      el('formatDetaljer', version.format),
      el('opprettetDato', version.createdAt),
      el('opprettetAv', version.createdBy),
      el('referanseDokumentfil', exportedFileName(record, version)),
      el('sjekksum', version.checksum),
      el('sjekksumAlgoritme', CHECKSUM_ALGORITHM),
      el('filstoerrelse', version.size),
    ]),
  );
  const parties: XmlElement[] = [];
  for (const party of record.parties)
    parties.push(
      el('korrespondansepart', [
        el('korrespondanseparttype', PARTY_TYPE[party.kind]),
        el('korrespondansepartNavn', await name(party.personId)),
      ]),
    );
  return el(
    'basisregistrering',
    [
      el('systemID', stableGuid(record.reference)),
      el('opprettetDato', record.filedAt),
      el('opprettetAv', record.filedBy),
      el('arkivertDato', record.filedAt),
      el('arkivertAv', record.filedBy),
      el('registreringsID', `${record.caseFileNumber}-${record.entryNumber}`),
      el('referanseForelderMappe', folderId),
      skjerming(SCREENED_ENTRY_METADATA, caseFile),
      el('dokumentbeskrivelse', [
        el('systemID', stableGuid(`${record.reference}/${record.documentNumber}`)),
        el('dokumenttype', documentType(record.documentKind)),
        el('dokumentstatus', record.documentStatus),
        el('tittel', record.title),
        el('opprettetDato', record.filedAt),
        el('opprettetAv', record.filedBy),
        el('tilknyttetRegistreringSom', record.association),
        el('dokumentnummer', record.documentNumber),
        el('tilknyttetDato', date(record.filedAt)),
        el('tilknyttetAv', record.filedBy),
        skjerming([], caseFile, true),
        ...objects,
      ]),
      el('tittel', record.title),
      el('journalaar', record.journalYear),
      el('journalsekvensnummer', record.journalSequenceNumber),
      el('journalpostnummer', record.entryNumber),
      el('journalposttype', JOURNAL_POST_TYPE[record.entryType]),
      el('journalstatus', record.journalStatus),
      el('journaldato', record.journalDate),
      el('dokumentetsDato', record.documentDate),
      ...parties,
    ],
    { 'xsi:type': 'journalpost' },
  );
}

/** Refuses a target folder that holds anything: an export never mixes with or replaces another. */
async function emptyTarget(targetDir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(targetDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new ArchiveError(`Eksportmappen ${quoteValue(targetDir)} er ikke en mappe.`);
    throw err;
  }
  if (names.length > 0) throw new ArchiveError(`Eksportmappen ${quoteValue(targetDir)} er ikke tom; velg en ny eller tom mappe.`);
}

/** The export's content written into `dir`: the files (checked on read), then the XML naming them. Answers the files' names. */
async function writeExport(
  dir: string,
  store: ArchiveStore,
  caseFile: CaseFileRecord,
  documents: readonly ArchivedDocumentRecord[],
  options: ArkivmeldingOptions,
): Promise<string[]> {
  const names = new Map<string, string>();
  const name = async (personId: string) => {
    if (!names.has(personId)) names.set(personId, (await options.nameOf?.(personId)) ?? personId);
    return names.get(personId)!;
  };
  await mkdir(path.join(dir, DOCUMENTS_FOLDER), { recursive: true });
  const fileNames: string[] = [];
  for (const record of documents)
    for (const version of record.versions) {
      // readDocument checks size and checksum: an altered file is refused, never exported.
      const { content } = await store.readDocument(record.reference, version.version);
      const fileName = exportedFileName(record, version);
      await writeFile(path.join(dir, ...fileName.split('/')), content, { flag: 'wx' });
      fileNames.push(fileName);
    }

  const folderId = stableGuid(`saksmappe:${caseFile.caseId}`);
  const registrations: XmlElement[] = [];
  for (const record of documents) registrations.push(await journalpost(record, caseFile, folderId, name));
  const saksmappe = el(
    'mappe',
    [
      el('systemID', folderId),
      el('mappeID', caseFile.caseFileNumber),
      el('tittel', caseFile.title),
      el('opprettetDato', caseFile.createdAt),
      el('opprettetAv', caseFile.createdBy),
      optional('avsluttetDato', caseFile.closedAt),
      skjerming(SCREENED_CASE_FILE_METADATA, caseFile),
      ...registrations,
      el('saksaar', caseFile.year),
      el('sakssekvensnummer', caseFile.sequenceNumber),
      el('saksdato', date(caseFile.createdAt)),
      el('administrativEnhet', caseFile.administrativeUnit),
      // Without a named case officer, the one who opened the case file is responsible.
      el('saksansvarlig', await name(caseFile.responsibleId ?? caseFile.createdBy)),
      optional('journalenhet', options.municipality),
      el('saksstatus', CASE_STATUS[caseFile.status]),
    ],
    { 'xsi:type': 'saksmappe' },
  );
  const tidspunkt = (options.now?.() ?? new Date()).toISOString();
  const root = el(
    'arkivmelding',
    [
      el('system', options.system),
      el('meldingId', stableGuid(`arkivmelding:${caseFile.caseId}:${tidspunkt}`)),
      el('tidspunkt', tidspunkt),
      el('antallFiler', fileNames.length),
      saksmappe,
    ],
    { xmlns: ARKIVMELDING_NAMESPACE, 'xmlns:xsi': XSI_NAMESPACE },
  );
  await writeFile(path.join(dir, ARKIVMELDING_FILE), xmlDocument(root), 'utf8');
  return fileNames;
}

/**
 * Writes the case's arkivmelding and its files into `targetDir` (created; must be absent or
 * empty). Throws ArchiveError (ArchiveNotFoundError for a case with no case file).
 */
export async function exportArkivmelding(
  store: ArchiveStore,
  caseId: string,
  targetDir: string,
  options: ArkivmeldingOptions,
): Promise<ArkivmeldingExport> {
  const caseFile = await store.caseFile(caseId);
  if (!caseFile) throw new ArchiveNotFoundError(`Saken ${quoteValue(caseId)} har ingen saksmappe i arkivet.`);
  await emptyTarget(targetDir);
  const documents = await store.documentsOfCase(caseId);
  // Written into a folder beside the target and renamed into place when complete, so a failed
  // export (an altered file, a full disk) leaves no half export behind.
  const resolved = path.resolve(targetDir);
  const stage = path.join(path.dirname(resolved), `.${path.basename(resolved)}.${randomUUID()}.tmp`);
  let fileNames: string[];
  try {
    fileNames = await writeExport(stage, store, caseFile, documents, options);
  } catch (err) {
    await rm(stage, { recursive: true, force: true });
    throw err;
  }
  await rmdir(targetDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
  await rename(stage, targetDir);
  return {
    xmlPath: path.join(targetDir, ARKIVMELDING_FILE),
    files: fileNames.map((fileName) => path.join(targetDir, ...fileName.split('/'))),
  };
}
