/**
 * The Noark 5 values the archive writes (arkivstruktur / arkivmelding): defined once, here, so
 * the store and the export say the same. The store keeps its own short codes ('incoming',
 * 'sender', 'open') where the caller chooses; the Noark text is what the archive system reads.
 */
import { documentNames } from '../machines/labels';
import type { DocumentKind } from '../machines/vocabulary';

/**
 * Every case is about a pupil's absence and the family's situation: exempt from public access
 * (offentleglova § 13 with the duty of confidentiality in forvaltningsloven § 13).
 */
export const ACCESS_RESTRICTION = { code: '13', basis: 'Offl. § 13, jf. fvl. § 13' } as const;
/** skjermingMetadata of the case file: the names of the parties (the pupil, the guardians). */
export const SCREENED_CASE_FILE_METADATA = ['Skjerming navn part i sak'];
/** skjermingMetadata of an entry: its title beyond the first line and the names of sender and recipient. */
export const SCREENED_ENTRY_METADATA = [
  'Skjerming tittel registrering - unntatt første linje',
  'Skjerming navn avsender',
  'Skjerming navn mottaker',
];
/** skjermingDokument: the documents are screened whole. */
export const SCREENED_DOCUMENT = 'Skjerming av hele dokumentet';

export const DEFAULT_CASE_TITLE = 'Oppfølging av skolefravær';

export type CaseFileStatus = 'open' | 'closed';
/** saksstatus. */
export const CASE_STATUS: Record<CaseFileStatus, string> = { open: 'Under behandling', closed: 'Avsluttet' };

export const ENTRY_TYPES = ['incoming', 'outgoing', 'internal'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];
/** journalposttype. */
export const JOURNAL_POST_TYPE: Record<EntryType, string> = {
  incoming: 'Inngående dokument',
  outgoing: 'Utgående dokument',
  internal: 'Organinternt dokument uten oppfølging',
};
/** journalstatus: documents come finished from the case, so each entry is journalled when filed. */
export const JOURNAL_STATUS = 'Journalført';

export const PARTY_KINDS = ['sender', 'recipient', 'copy', 'internal-sender', 'internal-recipient'] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];
/** korrespondanseparttype. */
export const PARTY_TYPE: Record<PartyKind, string> = {
  sender: 'Avsender',
  recipient: 'Mottaker',
  copy: 'Kopimottaker',
  'internal-sender': 'Intern avsender',
  'internal-recipient': 'Intern mottaker',
};

/** dokumentstatus, tilknyttetRegistreringSom and variantformat of what the archive receives. */
export const DOCUMENT_STATUS = 'Dokumentet er ferdigstilt';
export const MAIN_DOCUMENT = 'Hoveddokument';
export const ARCHIVE_VARIANT = 'Arkivformat';

export const FORMATS = ['PDF/A-2b'] as const;
export type ArchiveFormat = (typeof FORMATS)[number];
/** format is the PRONOM id (PDF/A-2b is fmt/477); formatDetaljer names it. */
export const FORMAT_CODE: Record<ArchiveFormat, { pronom: string; extension: string }> = {
  'PDF/A-2b': { pronom: 'fmt/477', extension: 'pdf' },
};
export const CHECKSUM_ALGORITHM = 'SHA-256';

/** dokumenttype: the document's kind as the case names it, e.g. «Tiltaksplan». */
export function documentType(kind: DocumentKind): string {
  const name = documentNames[kind];
  return name.charAt(0).toUpperCase() + name.slice(1);
}
