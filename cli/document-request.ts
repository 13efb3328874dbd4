/**
 * The document file `npm run case -- send … --document FIL` reads: the fields of the document the
 * event files (docs/documents.md lists them per kind), who took part (people by their id in the
 * people directory, or by name), and the date it is dated. Checked with zod; a bad file is refused
 * naming the field and the value, before anything is rendered or sent.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { DocumentParticipant } from '../casework/file-document';
import { quoteValue } from '../machines/identifiers';
import { roleSchema } from '../machines/vocabulary';
import { describeIssues, parseOptions } from '../machines/zod-issues';

const documentFileSchema = z.strictObject({
  /** The document's own fields. */
  fields: z.record(z.string(), z.unknown()),
  participants: z
    .array(
      z
        .strictObject({ role: roleSchema, personId: z.string().trim().min(1).optional(), name: z.string().trim().min(1).optional() })
        .refine((p) => p.personId !== undefined || p.name !== undefined, { error: 'en deltaker må ha personId eller name' }),
    )
    .optional(),
  documentDate: z.iso.date().optional(),
});

export interface DocumentFile {
  fields: Record<string, unknown>;
  participants?: DocumentParticipant[];
  documentDate?: string;
}

/** The file cannot be read or is not a document file; the message says which and why (exit code 4). */
export class DocumentFileError extends Error {
  override name = 'DocumentFileError';
}

export async function readDocumentFile(file: string): Promise<DocumentFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DocumentFileError(
      `Dokumentfilen ${quoteValue(file)} kan ikke leses: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DocumentFileError(`Dokumentfilen ${quoteValue(file)} er ikke gyldig JSON: ${(err as Error).message}.`);
  }
  const parsed = documentFileSchema.safeParse(json, parseOptions);
  if (!parsed.success)
    throw new DocumentFileError(
      `Dokumentfilen ${quoteValue(file)} er ugyldig: ${describeIssues(parsed.error, '(filen)', json).join('; ')}`,
    );
  const { fields, participants, documentDate } = parsed.data;
  return {
    fields,
    ...(participants
      ? {
          participants: participants.map((p) => ({
            role: p.role,
            ...(p.personId ? { personId: p.personId } : {}),
            ...(p.name ? { name: p.name } : {}),
          })),
        }
      : {}),
    ...(documentDate ? { documentDate } : {}),
  };
}
