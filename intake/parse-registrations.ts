/**
 * Parses absence registrations exported from the school's administrative system (Visma Flyt
 * Skole style CSV, or JSON with the canonical field names) into validated registrations plus one
 * error per refused row. Nothing is dropped silently: every data row ends up in `registrations`,
 * in `errors`, or in `replaced` when a later line of the same file gives the same registration
 * again (the last one wins, as on re-import), so rowsRead === registrations.length +
 * errors.length + replaced.length. Given the school directory's schools, rows for other schools
 * are refused. Problems with the file as a whole (no usable header, broken quoting, JSON that is
 * not an array) throw `IntakeFormatError`, because no row of such a file can be trusted. The
 * format is documented in docs/absence-format.md.
 */
import { StringDecoder } from 'node:string_decoder';
import { Readable } from 'node:stream';
import { parse as parseCsvStream, type Options as CsvOptions } from 'csv-parse';
import { parse as parseCsvSync } from 'csv-parse/sync';
import type { z } from 'zod';
import { isValidSchoolId, quoteValue } from '../machines/identifiers';
import {
  type Registration,
  type RegistrationKind,
  canonicalJson,
  fieldLabels,
  isRealIsoDate,
  registrationFields,
  registrationKey,
  registrationKind,
  registrationSchema,
} from './registration-schema';

export interface RowError {
  /** CSV: the physical line where the row starts (header is line 1). JSON: array index + 1. */
  line: number;
  /** Canonical name of the first field at fault, when the fault is in a field. */
  field?: keyof Registration;
  /** Norwegian, names every problem found in the row. */
  message: string;
}

/** A row that a later line of the same file replaced: the later line is the one kept. */
export interface ReplacedRow {
  /** The later line, whose values are kept. */
  line: number;
  /** The earlier line it replaced. */
  replacedLine: number;
  schoolId: string;
  pupilId: string;
  date: string;
  kind: RegistrationKind;
  /** True when both lines gave exactly the same values. */
  identical: boolean;
}

export interface ParseProgress {
  rowsRead: number;
  kept: number;
  errors: number;
}

export interface ParseResult {
  format: 'csv' | 'json';
  rowsRead: number;
  registrations: Registration[];
  /** The line each kept registration came from (same index as `registrations`). */
  lines: number[];
  errors: RowError[];
  /** Rows replaced by a later line of the same file, in the order the later lines came. */
  replaced: ReplacedRow[];
  /** School ids of refused rows that are not in `knownSchools`, sorted. */
  unknownSchools: string[];
  /** CSV columns that are not part of the format; their values are not imported. */
  ignoredColumns: string[];
}

export interface ParseOptions {
  /** Called every `progressEvery` rows and once when parsing ends. */
  onProgress?: (progress: ParseProgress) => void;
  progressEvery?: number;
  /**
   * The schools of the school directory. When given, a row for any other school is refused with
   * its line and school id; the importer always gives it (the parser alone, e.g. in the
   * benchmark, may leave it out).
   */
  knownSchools?: ReadonlySet<string>;
}

/** The file as a whole cannot be read; the message is Norwegian and names the line when known. */
export class IntakeFormatError extends Error {
  override name = 'IntakeFormatError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `linje ${line}: ${message}`);
  }
}

export const DEFAULT_PROGRESS_EVERY = 10_000;

type Field = keyof Registration;
type FieldType = 'text' | 'int' | 'bool' | 'date' | 'optionalText';

const fieldTypes: Record<Field, FieldType> = {
  pupilId: 'text',
  schoolId: 'text',
  grade: 'int',
  date: 'date',
  wholeDay: 'bool',
  lessons: 'int',
  minutes: 'int',
  valid: 'bool',
  notifiedByGuardians: 'bool',
  lateArrival: 'bool',
  leftDuringDay: 'bool',
  reasonCode: 'text',
  note: 'optionalText',
};

const optionalFields: ReadonlySet<Field> = new Set<Field>(['lessons', 'minutes', 'note']);

/**
 * Header names accepted for each field, compared after `normalizeHeader`. The canonical English
 * name is always accepted; the Norwegian ones follow what schools call the columns.
 */
export const columnAliases: Record<Field, readonly string[]> = {
  pupilId: ['pupilId', 'elev', 'elevId', 'elevnr', 'elevnummer'],
  schoolId: ['schoolId', 'skole', 'skoleId', 'skolenr', 'skolenummer'],
  grade: ['grade', 'trinn', 'klassetrinn', 'årstrinn'],
  date: ['date', 'dato', 'fraværsdato'],
  wholeDay: ['wholeDay', 'heldag', 'hele dagen'],
  lessons: ['lessons', 'timer', 'antall timer'],
  minutes: ['minutes', 'minutter', 'antall minutter'],
  valid: ['valid', 'gyldig'],
  notifiedByGuardians: ['notifiedByGuardians', 'meldt', 'meldt av foresatte'],
  lateArrival: ['lateArrival', 'forsent', 'forsentkomst', 'kom for sent'],
  leftDuringDay: ['leftDuringDay', 'gikk', 'gikk i løpet av dagen'],
  reasonCode: ['reasonCode', 'årsak', 'årsakskode'],
  note: ['note', 'merknad', 'kommentar'],
};

/** Case, spaces, hyphens, underscores and dots do not matter in header names ("Elev-ID" = "elevid"). */
export function normalizeHeader(name: string): string {
  return name
    .normalize('NFC')
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');
}

const aliasToField = new Map<string, Field>();
for (const [field, aliases] of Object.entries(columnAliases) as [Field, readonly string[]][]) {
  for (const alias of aliases) aliasToField.set(normalizeHeader(alias), field);
}

const booleanWords: ReadonlyMap<string, boolean> = new Map([
  ['ja', true],
  ['nei', false],
  ['true', true],
  ['false', false],
  ['1', true],
  ['0', false],
]);

/** The delimiter is the one of `;` and `,` that occurs most often outside quotes in the header. */
export function detectDelimiter(headerLine: string): ';' | ',' {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ';') semicolons += 1;
    else if (!quoted && char === ',') commas += 1;
  }
  return semicolons >= commas && semicolons > 0 ? ';' : ',';
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function csvOptions(delimiter: string): CsvOptions {
  return {
    delimiter,
    // Any line ending, mixed within a file (a CRLF export with rows added in an LF editor):
    // csv-parse otherwise takes the first line's ending for all, merging LF rows into one
    // record or refusing the whole file at a quoted cell.
    record_delimiter: ['\r\n', '\n', '\r'],
    info: true,
    relax_column_count: true,
    // Blank lines and lines of only delimiters (common at the end of spreadsheet exports) carry
    // no registration; they are not rows.
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
  };
}

/** A record as csv-parse gives it with `info: true`. */
export interface CsvRecord {
  info: { lines: number };
  record: string[];
}

/**
 * The physical line each record starts on, for records read in order. csv-parse reports the line
 * a record ends on (a quoted cell with line breaks started earlier), and counts a CRLF inside a
 * quoted cell as two lines, so from that record on its count runs one ahead for each: the excess
 * is kept here and taken off.
 */
export class RecordLines {
  private excess = 0;

  startOf(rec: CsvRecord): number {
    let breaks = 0;
    for (const field of rec.record) {
      breaks += field.match(/\r\n|\r|\n/g)?.length ?? 0;
      this.excess += field.match(/\r\n/g)?.length ?? 0;
    }
    return rec.info.lines - this.excess - breaks;
  }
}

/**
 * Maps a header row's cells to columns by their normalized names: an unknown, non-empty cell is
 * listed as ignored, a column named by two cells is refused with `twice`. The caller checks what
 * is missing in `found`.
 */
export function mapHeaderCells<C>(
  header: readonly string[],
  columnOf: ReadonlyMap<string, C>,
  twice: (first: string, second: string, column: C) => Error,
): { columns: (C | undefined)[]; found: ReadonlyMap<C, string>; ignored: string[] } {
  const found = new Map<C, string>();
  const ignored: string[] = [];
  const columns = header.map((cell) => {
    const column = columnOf.get(normalizeHeader(cell));
    if (column === undefined) {
      if (cell.trim() !== '') ignored.push(cell.trim());
      return undefined;
    }
    const first = found.get(column);
    if (first !== undefined) throw twice(first, cell, column);
    found.set(column, cell);
    return column;
  });
  return { columns, found, ignored };
}

/** Maps header cells to fields; refuses headers that miss a required field or name one twice. */
function mapHeader(header: readonly string[]): { columns: (Field | undefined)[]; ignored: string[] } {
  const {
    columns,
    found: seen,
    ignored,
  } = mapHeaderCells(
    header,
    aliasToField,
    (first, second, field) => new IntakeFormatError(`kolonnene «${first}» og «${second}» betyr begge ${fieldLabels[field]}`, 1),
  );
  const missing = (Object.keys(fieldTypes) as Field[]).filter((f) => !optionalFields.has(f) && !seen.has(f));
  if (missing.length > 0) {
    const names = missing.map((f) => `${columnAliases[f][1] ?? f} (${f})`).join(', ');
    throw new IntakeFormatError(`overskriftsraden mangler kolonne for ${names}`, 1);
  }
  return { columns, ignored };
}

/** Turns one CSV cell into the canonical value, or into a Norwegian problem naming the cell. */
function convertCell(field: Field, raw: string): { value?: unknown; problem?: string } {
  const text = raw.trim();
  if (text === '') return {};
  switch (fieldTypes[field]) {
    case 'text':
    case 'optionalText':
      return { value: text };
    case 'int':
      return /^-?\d+$/.test(text) ? { value: Number(text) } : { problem: `${fieldLabels[field]} ${quoteValue(text)} må være et heltall` };
    case 'bool': {
      const value = booleanWords.get(text.toLowerCase());
      return value === undefined
        ? { problem: `${fieldLabels[field]} ${quoteValue(text)} må være ja/nei, true/false eller 1/0` }
        : { value };
    }
    case 'date': {
      const norwegian = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
      const iso = norwegian ? `${norwegian[3]}-${norwegian[2]?.padStart(2, '0')}-${norwegian[1]?.padStart(2, '0')}` : text;
      if (isRealIsoDate(iso)) return { value: iso };
      return { problem: `ugyldig dato ${quoteValue(text)} (bruk åååå-mm-dd eller dd.mm.åååå)` };
    }
  }
}

/** Position of a field in the format, so a row's messages come in column order. */
const fieldOrder = new Map<Field, number>(registrationFields.map((f, i) => [f, i]));

/** Collects rows into the result, keeping counts, progress and in-file repeats in one place. */
class RowCollector {
  readonly registrations: Registration[] = [];
  readonly lines: number[] = [];
  readonly errors: RowError[] = [];
  readonly replaced: ReplacedRow[] = [];
  rowsRead = 0;
  /** Registration key → index in `registrations`, to find a repeat of a row in the same file. */
  private readonly indexOfKey = new Map<string, number>();
  private readonly unknownSchools = new Set<string>();
  private readonly every: number;

  constructor(private readonly options: ParseOptions) {
    this.every = Math.max(1, options.progressEvery ?? DEFAULT_PROGRESS_EVERY);
  }

  accept(line: number, candidate: Record<string, unknown>, problems: Map<Field, string> = new Map()): void {
    this.rowsRead += 1;
    const parsed = registrationSchema.safeParse(candidate);
    const messages: { field?: Field; message: string }[] = [...problems].map(([field, message]) => ({ field, message }));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issueField(issue);
        // A cell that could not be converted already has the better message (it quotes the cell).
        if (field !== undefined && problems.has(field)) continue;
        messages.push({ ...(field === undefined ? {} : { field }), message: issue.message });
      }
    }
    const unknownSchool = this.unknownSchool(candidate.schoolId);
    if (unknownSchool !== undefined) {
      this.unknownSchools.add(unknownSchool);
      messages.push({ field: 'schoolId', message: `skole-id ${quoteValue(unknownSchool)} finnes ikke i skolekatalogen` });
    }
    if (messages.length === 0 && parsed.success) this.keep(line, parsed.data);
    else {
      // Column order (fields first, row-level problems last), so the first message is the first bad cell.
      const order = (m: { field?: Field }) => (m.field === undefined ? registrationFields.length : (fieldOrder.get(m.field) ?? 0));
      messages.sort((a, b) => order(a) - order(b));
      const first = messages[0]!;
      this.errors.push({
        line,
        ...(first.field === undefined ? {} : { field: first.field }),
        message: messages.map((m) => m.message).join('; '),
      });
    }
    if (this.rowsRead % this.every === 0) this.report();
  }

  reject(line: number, message: string): void {
    this.rowsRead += 1;
    this.errors.push({ line, message });
    if (this.rowsRead % this.every === 0) this.report();
  }

  finish(format: ParseResult['format'], ignoredColumns: string[]): ParseResult {
    if (this.rowsRead % this.every !== 0 || this.rowsRead === 0) this.report();
    return {
      format,
      rowsRead: this.rowsRead,
      registrations: this.registrations,
      lines: this.lines,
      errors: this.errors,
      replaced: this.replaced,
      unknownSchools: [...this.unknownSchools].sort(),
      ignoredColumns,
    };
  }

  /** The school id when it is well-formed but not in the directory; undefined otherwise. */
  private unknownSchool(value: unknown): string | undefined {
    const known = this.options.knownSchools;
    if (known === undefined || typeof value !== 'string') return undefined;
    const schoolId = value.trim();
    // A malformed id already has the pattern's message; an unknown one gets this one.
    return isValidSchoolId(schoolId) && !known.has(schoolId) ? schoolId : undefined;
  }

  /**
   * A later row for the same registration replaces the earlier one, as a re-import of a corrected
   * file would: the last line wins, and the replacement is reported with both lines.
   */
  private keep(line: number, reg: Registration): void {
    const key = registrationKey(reg);
    const index = this.indexOfKey.get(key);
    if (index === undefined) {
      this.indexOfKey.set(key, this.registrations.length);
      this.registrations.push(reg);
      this.lines.push(line);
      return;
    }
    const earlier = this.registrations[index]!;
    this.replaced.push({
      line,
      replacedLine: this.lines[index]!,
      schoolId: reg.schoolId,
      pupilId: reg.pupilId,
      date: reg.date,
      kind: registrationKind(reg),
      identical: canonicalJson(earlier) === canonicalJson(reg),
    });
    this.registrations[index] = reg;
    this.lines[index] = line;
  }

  private report(): void {
    this.options.onProgress?.({ rowsRead: this.rowsRead, kept: this.registrations.length, errors: this.errors.length });
  }
}

function issueField(issue: z.core.$ZodIssue): Field | undefined {
  const head = issue.path[0];
  return typeof head === 'string' && head in fieldTypes ? (head as Field) : undefined;
}

/** Handles CSV records after the header; shared by the text and the stream parser. */
class CsvRows {
  private columns: (Field | undefined)[] | undefined;
  private readonly lines = new RecordLines();
  ignored: string[] = [];

  constructor(private readonly collector: RowCollector) {}

  add(rec: CsvRecord): void {
    const line = this.lines.startOf(rec);
    if (this.columns === undefined) {
      const mapped = mapHeader(rec.record);
      this.columns = mapped.columns;
      this.ignored = mapped.ignored;
      return;
    }
    if (rec.record.length !== this.columns.length) {
      this.collector.reject(line, `raden har ${rec.record.length} felt, overskriftsraden har ${this.columns.length}`);
      return;
    }
    const candidate: Record<string, unknown> = {};
    const problems = new Map<Field, string>();
    rec.record.forEach((cell, index) => {
      const field = this.columns?.[index];
      if (field === undefined) return;
      const { value, problem } = convertCell(field, cell);
      if (problem !== undefined) problems.set(field, problem);
      else if (value !== undefined) candidate[field] = value;
    });
    this.collector.accept(line, candidate, problems);
  }

  finish(): string[] {
    if (this.columns === undefined) throw new IntakeFormatError('filen er tom (fant ingen overskriftsrad)');
    return this.ignored;
  }
}

function csvError(err: unknown): never {
  if (err instanceof IntakeFormatError) throw err;
  const lines = (err as { lines?: unknown }).lines;
  const message = err instanceof Error ? err.message : String(err);
  throw new IntakeFormatError(`filen kan ikke leses som CSV (${message})`, typeof lines === 'number' ? lines : undefined);
}

/** Parses a whole CSV text. */
export function parseRegistrationsCsv(text: string, options: ParseOptions = {}): ParseResult {
  const body = stripBom(text);
  const collector = new RowCollector(options);
  const rows = new CsvRows(collector);
  let records: CsvRecord[];
  try {
    records = parseCsvSync(body, csvOptions(detectDelimiter(body.split(/\r\n|\r|\n/, 1)[0] ?? ''))) as unknown as CsvRecord[];
  } catch (err) {
    csvError(err);
  }
  for (const rec of records) rows.add(rec);
  return collector.finish('csv', rows.finish());
}

/**
 * Parses a CSV stream record by record (csv-parse), so a large export is never held as one
 * string. The delimiter is detected from the header line before the parser starts.
 */
export async function parseRegistrationsCsvStream(
  source: AsyncIterable<string | Buffer>,
  options: ParseOptions = {},
): Promise<ParseResult> {
  const collector = new RowCollector(options);
  const rows = new CsvRows(collector);
  const iterator = decodeUtf8(source)[Symbol.asyncIterator]();

  // Read until the header line is complete; those chunks are replayed into the parser.
  let head = '';
  let next = await iterator.next();
  while (!next.done) {
    head += next.value;
    if (/[\r\n]/.test(head)) break;
    next = await iterator.next();
  }
  head = stripBom(head);
  const delimiter = detectDelimiter(head.split(/\r\n|\r|\n/, 1)[0] ?? '');
  async function* replay(): AsyncGenerator<string> {
    if (head !== '') yield head;
    if (next.done) return;
    for (let more = await iterator.next(); !more.done; more = await iterator.next()) yield more.value;
  }

  const parser = Readable.from(replay()).pipe(parseCsvStream(csvOptions(delimiter)));
  try {
    for await (const rec of parser) rows.add(rec as CsvRecord);
  } catch (err) {
    parser.destroy();
    csvError(err);
  }
  return collector.finish('csv', rows.finish());
}

async function* decodeUtf8(source: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text !== '') yield text;
  }
  const rest = decoder.end();
  if (rest !== '') yield rest;
}

/** Parses a JSON array of registrations with the canonical field names; line = index + 1. */
export function parseRegistrationsJson(text: string, options: ParseOptions = {}): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(stripBom(text));
  } catch (err) {
    throw new IntakeFormatError(`filen er ikke gyldig JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!Array.isArray(data)) throw new IntakeFormatError('JSON-filen må være en liste (array) av registreringer');
  const collector = new RowCollector(options);
  data.forEach((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      collector.reject(index + 1, `elementet ${quoteValue(item)} er ikke et objekt`);
    else collector.accept(index + 1, item as Record<string, unknown>);
  });
  return collector.finish('json', []);
}

/** Format of a text: JSON when it starts with `[` (after BOM and white space), CSV otherwise. */
export function sniffFormat(text: string): ParseResult['format'] {
  return stripBom(text).trimStart().startsWith('[') ? 'json' : 'csv';
}

/** Parses a CSV or JSON text, detecting which one it is unless told. */
export function parseRegistrations(text: string, options: ParseOptions & { format?: ParseResult['format'] } = {}): ParseResult {
  const format = options.format ?? sniffFormat(text);
  return format === 'json' ? parseRegistrationsJson(text, options) : parseRegistrationsCsv(text, options);
}
