/**
 * Imports one export file into a registration store: CSV is streamed record by record, JSON is
 * read whole. Refused rows are reported, never stored; good rows are stored even when others in
 * the same file were refused. Re-importing a file is harmless (see RegistrationStore.upsert).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ParseOptions, type ParseResult, type RowError, parseRegistrationsCsvStream, parseRegistrationsJson } from './parse-registrations';
import type { RegistrationStore, UpsertCounts } from './registration-store';

export interface ImportSummary extends UpsertCounts {
  file: string;
  format: ParseResult['format'];
  rowsRead: number;
  kept: number;
  errors: RowError[];
  ignoredColumns: string[];
  /** Schools the accepted rows belong to, sorted: detection re-evaluates exactly these. */
  schoolIds: string[];
}

export type ImportOptions = ParseOptions & { format?: ParseResult['format'] };

/** `.json` files are JSON; everything else is treated as CSV. */
export function formatOfPath(file: string): ParseResult['format'] {
  return path.extname(file).toLowerCase() === '.json' ? 'json' : 'csv';
}

export async function importFile(file: string, store: RegistrationStore, options: ImportOptions = {}): Promise<ImportSummary> {
  const format = options.format ?? formatOfPath(file);
  const parsed =
    format === 'json' ? parseRegistrationsJson(await readFile(file, 'utf8'), options) : await parseRegistrationsCsvStream(createReadStream(file), options);
  // All rows are parsed before anything is stored, so a file that turns out to be unreadable
  // half-way (IntakeFormatError) leaves the store untouched.
  const counts = await store.upsert(parsed.registrations);
  return {
    file,
    format,
    rowsRead: parsed.rowsRead,
    kept: parsed.registrations.length,
    errors: parsed.errors,
    ignoredColumns: parsed.ignoredColumns,
    schoolIds: [...new Set(parsed.registrations.map((r) => r.schoolId))].sort(),
    ...counts,
  };
}
