/** A filing as a case activity makes one, and PDF bytes that differ by a marker. */
import type { FileDocumentInput } from '../../archive/archive-store';

/** Bytes that start like a PDF; `marker` makes them (and their checksum) differ. */
export const pdf = (marker: string): Uint8Array => Buffer.from(`%PDF-1.7\n% ${marker}\n%%EOF\n`, 'latin1');

export const filing = (key: string, overrides: Partial<FileDocumentInput> = {}): FileDocumentInput => ({
  idempotencyKey: key,
  caseId: 'fravaerssak-S001-E1',
  schoolId: 'S001',
  responsibleId: 'A1',
  documentKind: 'measures-plan',
  title: 'Tiltaksplan for oppfølging av fravær',
  entryType: 'outgoing',
  documentDate: '2026-03-02',
  filedAt: '2026-03-02T09:15:00.000Z',
  filedBy: 'A1',
  parties: [
    { personId: 'A1', role: 'contact-teacher', kind: 'sender' },
    { personId: 'F1', role: 'guardians', kind: 'recipient' },
  ],
  content: pdf(key),
  format: 'PDF/A-2b',
  ...overrides,
});
