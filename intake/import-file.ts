/**
 * Imports one export file into a registration store: CSV is streamed record by record, JSON is
 * read whole. Refused rows are reported, never stored; good rows are stored even when others in
 * the same file were refused. Rows for schools outside the school directory are refused. A row
 * repeated later in the file is replaced by the later one, and the summary says so. The same
 * pupil registered on the same day at two schools is kept at both and reported as a conflict.
 * Re-importing a file is harmless (see RegistrationStore.upsert).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type ParseOptions,
  type ParseResult,
  type ReplacedRow,
  type RowError,
  parseRegistrationsCsvStream,
  parseRegistrationsJson,
} from './parse-registrations';
import { type Registration, type RegistrationKind, registrationKind } from './registration-schema';
import type { RegistrationStore, UpsertCounts } from './registration-store';

/**
 * One pupil registered with the same kind of absence on the same day by more than one school:
 * every row is stored (each school keeps what it registered), and the schools must find out
 * which of them the pupil attended.
 */
export interface CrossSchoolConflict {
  pupilId: string;
  date: string;
  kind: RegistrationKind;
  /** One entry per school: with `line` when the row is in this file, without when it was stored before. */
  rows: { schoolId: string; line?: number }[];
}

export interface ImportSummary extends UpsertCounts {
  file: string;
  format: ParseResult['format'];
  rowsRead: number;
  /** Distinct registrations accepted from the file (rowsRead = kept + replaced + errors). */
  kept: number;
  errors: RowError[];
  /** Rows replaced by a later line of the same file (the later line is stored). */
  replaced: ReplacedRow[];
  /** Schools of refused rows that are not in the school directory. */
  unknownSchools: string[];
  /** The same pupil, day and kind at more than one school, in this file or against the store. */
  conflicts: CrossSchoolConflict[];
  ignoredColumns: string[];
  /** Schools the accepted rows belong to, sorted: detection re-evaluates exactly these. */
  schoolIds: string[];
}

export type ImportOptions = Omit<ParseOptions, 'knownSchools'> & { format?: ParseResult['format'] };

/** `.json` files are JSON; everything else is treated as CSV. */
export function formatOfPath(file: string): ParseResult['format'] {
  return path.extname(file).toLowerCase() === '.json' ? 'json' : 'csv';
}

/**
 * Imports `file` into `store`. `knownSchools` are the school directory's schools: rows for any
 * other school are refused (a directory is required, so no import can skip the check).
 */
export async function importFile(
  file: string,
  store: RegistrationStore,
  knownSchools: ReadonlySet<string>,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const format = options.format ?? formatOfPath(file);
  const parseOptions: ParseOptions = { ...options, knownSchools };
  const parsed =
    format === 'json'
      ? parseRegistrationsJson(await readFile(file, 'utf8'), parseOptions)
      : await parseRegistrationsCsvStream(createReadStream(file), parseOptions);
  // All rows are parsed before anything is stored, so a file that turns out to be unreadable
  // half-way (IntakeFormatError) leaves the store untouched. Conflicts are looked up before the
  // upsert, so "stored before" means stored by an earlier import.
  const conflicts = await findCrossSchoolConflicts(parsed.registrations, parsed.lines, store);
  const counts = await store.upsert(parsed.registrations);
  return {
    file,
    format,
    rowsRead: parsed.rowsRead,
    kept: parsed.registrations.length,
    errors: parsed.errors,
    replaced: parsed.replaced,
    unknownSchools: parsed.unknownSchools,
    conflicts,
    ignoredColumns: parsed.ignoredColumns,
    schoolIds: [...new Set(parsed.registrations.map((r) => r.schoolId))].sort(),
    ...counts,
  };
}

/**
 * Every pupil + day + kind that the file's rows and the store's earlier rows hold at more than
 * one school, ordered by the first line involved. The file's own rows come first (with their
 * lines), then stored rows of schools the file does not have for that day.
 */
export async function findCrossSchoolConflicts(
  registrations: readonly Registration[],
  lines: readonly number[],
  store: Pick<RegistrationStore, 'byPupils'>,
): Promise<CrossSchoolConflict[]> {
  const indicesByPupil = new Map<string, number[]>();
  registrations.forEach((reg, index) => {
    const indices = indicesByPupil.get(reg.pupilId);
    if (indices === undefined) indicesByPupil.set(reg.pupilId, [index]);
    else indices.push(index);
  });
  const conflicts: { firstLine: number; conflict: CrossSchoolConflict }[] = [];
  // One read for all the file's pupils, not one per pupil (a national file has 100 000).
  const storedByPupil = await store.byPupils([...indicesByPupil.keys()]);
  for (const [pupilId, indices] of indicesByPupil) {
    const groups = new Map<string, CrossSchoolConflict>();
    const groupKey = (reg: Registration) => `${reg.date}|${registrationKind(reg)}`;
    for (const index of indices.slice().sort((a, b) => (lines[a] ?? 0) - (lines[b] ?? 0))) {
      const reg = registrations[index]!;
      const key = groupKey(reg);
      let group = groups.get(key);
      if (group === undefined) groups.set(key, (group = { pupilId, date: reg.date, kind: registrationKind(reg), rows: [] }));
      group.rows.push({ schoolId: reg.schoolId, line: lines[index]! });
    }
    for (const stored of storedByPupil.get(pupilId) ?? []) {
      const group = groups.get(groupKey(stored));
      if (group !== undefined && !group.rows.some((row) => row.schoolId === stored.schoolId))
        group.rows.push({ schoolId: stored.schoolId });
    }
    for (const group of groups.values()) {
      if (group.rows.length > 1) conflicts.push({ firstLine: group.rows[0]!.line ?? 0, conflict: group });
    }
  }
  return conflicts.sort((a, b) => a.firstLine - b.firstLine).map((c) => c.conflict);
}
