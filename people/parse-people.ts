/**
 * Parses the people-directory export (docs/people-format.md): one CSV file, one person per row,
 * a `type` column saying whether the row is a pupil (elev), a guardian of a pupil (foresatt) or a
 * member of staff at a school (ansatt). Every refused row is reported with its line and a
 * Norwegian message naming the field and the value, as the absence intake does; the good rows
 * are returned as one batch for the store. A problem with the file as a whole (no header, a
 * missing required column, broken quoting) throws `PeopleFormatError`: nothing of it is stored.
 */
import { parse as parseCsvSync } from 'csv-parse/sync';
import type { z } from 'zod';
import { type CsvRecord, RecordLines, detectDelimiter, mapHeaderCells, normalizeHeader } from '../intake/parse-registrations';
import { isValidSchoolId, quoteValue } from '../machines/identifiers';
import { type Role, roleSchema } from '../machines/vocabulary';
import {
  type Guardian,
  type GuardianLink,
  type PeopleBatch,
  type Pupil,
  type Staff,
  type StaffRoles,
  guardianLinkSchema,
  guardianSchema,
  norwegianRoleNames,
  pupilSchema,
  staffRolesSchema,
  staffSchema,
} from './people-schema';

/** The file cannot be read as the documented format; `line` when the fault has one. */
export class PeopleFormatError extends Error {
  override name = 'PeopleFormatError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `linje ${line}: ${message}`);
  }
}

export interface PeopleRowError {
  /** Physical line where the row starts; the header is line 1. */
  line: number;
  /** Norwegian; names every problem of the row. */
  message: string;
}

export interface PeopleParseResult {
  rowsRead: number;
  batch: PeopleBatch;
  errors: PeopleRowError[];
  /** Columns not part of the format; their values are not read. */
  ignoredColumns: string[];
}

type Column =
  | 'type'
  | 'schoolId'
  | 'pupilId'
  | 'guardianId'
  | 'staffId'
  | 'name'
  | 'grade'
  | 'contactTeacherId'
  | 'email'
  | 'mobile'
  | 'language'
  | 'writtenStandard'
  | 'parentalResponsibility'
  | 'livesWith'
  | 'protectedAddress'
  | 'roles';

/** Header names accepted for each column; the first is the documented one. */
export const peopleColumns: Readonly<Record<Column, readonly string[]>> = {
  type: ['type', 'persontype'],
  schoolId: ['skole', 'skole-id', 'skolenr', 'schoolId'],
  pupilId: ['elev-id', 'elevnr', 'pupilId'],
  guardianId: ['foresatt-id', 'foresattnr', 'guardianId'],
  staffId: ['ansatt-id', 'ansattnr', 'staffId'],
  name: ['navn', 'name'],
  grade: ['trinn', 'klassetrinn', 'grade'],
  contactTeacherId: ['kontaktlærer', 'contactTeacherId'],
  email: ['e-post', 'epost', 'email'],
  mobile: ['mobil', 'mobiltelefon', 'mobile'],
  language: ['språk', 'language'],
  writtenStandard: ['målform', 'writtenStandard'],
  parentalResponsibility: ['foreldreansvar', 'parentalResponsibility'],
  livesWith: ['bor sammen', 'bor med eleven', 'livesWith'],
  protectedAddress: ['skjermet adresse', 'sperret adresse', 'adressesperre', 'protectedAddress'],
  roles: ['roller', 'roles'],
};
const requiredColumns: readonly Column[] = ['type', 'schoolId', 'name'];

const columnOfHeader = new Map<string, Column>();
for (const [column, names] of Object.entries(peopleColumns) as [Column, readonly string[]][])
  for (const name of names) columnOfHeader.set(normalizeHeader(name), column);

const rowTypes: Readonly<Record<string, 'pupil' | 'guardian' | 'staff'>> = { elev: 'pupil', foresatt: 'guardian', ansatt: 'staff' };
const yes = new Set(['ja', 'true', '1']);
const no = new Set(['nei', 'false', '0']);

function mapHeader(header: readonly string[]): { columns: (Column | undefined)[]; ignored: string[] } {
  const {
    columns,
    found: seen,
    ignored,
  } = mapHeaderCells(
    header,
    columnOfHeader,
    (first, second) => new PeopleFormatError(`kolonnene «${first}» og «${second}» betyr det samme`, 1),
  );
  const missing = requiredColumns.filter((c) => !seen.has(c));
  if (missing.length > 0)
    throw new PeopleFormatError(`overskriftsraden mangler kolonne for ${missing.map((c) => peopleColumns[c][0]).join(', ')}`, 1);
  return { columns, ignored };
}

/** One row's cells by column, trimmed; empty cells are absent. */
type Cells = Partial<Record<Column, string>>;

class RowProblems {
  readonly messages: string[] = [];
  add(message: string): void {
    this.messages.push(message);
  }
  /** The parsed value, or undefined after recording every zod message. */
  parse<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) this.add(issue.message);
    return undefined;
  }
}

function flag(cells: Cells, column: Column, label: string, fallback: boolean | undefined, problems: RowProblems): boolean | undefined {
  const text = cells[column]?.toLowerCase();
  if (text === undefined) {
    if (fallback === undefined) problems.add(`${label} mangler`);
    return fallback;
  }
  if (yes.has(text)) return true;
  if (no.has(text)) return false;
  problems.add(`${label} ${quoteValue(cells[column])} må være ja eller nei`);
  return undefined;
}

/** «kontaktlærer, rektor» or «principal|counsellor»: Norwegian names or the product's role ids. */
function roles(cells: Cells, problems: RowProblems): Role[] {
  const text = cells.roles;
  if (text === undefined) {
    problems.add('roller mangler');
    return [];
  }
  const found = new Set<Role>();
  for (const word of text.split(/[,|;/]+/).map((w) => w.trim().toLowerCase())) {
    if (word === '') continue;
    const role = norwegianRoleNames[word] ?? (roleSchema.safeParse(word).success ? (word as Role) : undefined);
    if (role === undefined) problems.add(`rolle ${quoteValue(word)} er ukjent (se docs/people-format.md)`);
    else found.add(role);
  }
  return [...found].sort();
}

/** Without the cells that do not belong to this kind of row, so strict schemas still catch stray ones. */
const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

function stray(cells: Cells, allowed: readonly Column[], type: string, problems: RowProblems): void {
  for (const column of Object.keys(cells) as Column[])
    if (!allowed.includes(column) && column !== 'type')
      problems.add(`${peopleColumns[column][0]} ${quoteValue(cells[column])} hører ikke til en rad av typen ${type}`);
}

/** A person as first read (with the line and their details as JSON, to compare a repeat), and a link of theirs. */
interface KeptPerson<P> {
  line: number;
  value: P;
  json: string;
}
interface KeptLink<L> {
  line: number;
  value: L;
}

/**
 * Keeps a person and their link from one row (a guardian and one pupil, staff and one school): a
 * person on an earlier row must carry the same details, and the same link stands only once;
 * otherwise the row is refused, naming the line it clashes with.
 */
function keepPersonWithLink<P, L>(
  kept: { people: Map<string, KeptPerson<P>>; links: Map<string, KeptLink<L>> },
  row: { line: number; personId: string; person: P; linkKey: string; link: L },
  words: { person: string; link: string },
  problems: RowProblems,
): void {
  const json = JSON.stringify(row.person);
  const earlier = kept.people.get(row.personId);
  const earlierLink = kept.links.get(row.linkKey);
  if (earlier && earlier.json !== json) problems.add(`${words.person} har andre opplysninger enn på linje ${earlier.line}`);
  else if (earlierLink) problems.add(`${words.link} står alt på linje ${earlierLink.line}`);
  else {
    if (!earlier) kept.people.set(row.personId, { line: row.line, value: row.person, json });
    kept.links.set(row.linkKey, { line: row.line, value: row.link });
  }
}

interface Collected {
  pupils: Map<string, { line: number; pupil: Pupil }>;
  guardians: Map<string, KeptPerson<Guardian>>;
  links: Map<string, KeptLink<GuardianLink>>;
  staff: Map<string, KeptPerson<Staff>>;
  staffRoles: Map<string, KeptLink<StaffRoles>>;
}

const key = (...parts: string[]) => parts.join('|');

/**
 * One data row into `into`, or its Norwegian problems. Repeats: a row for the same pupil,
 * guardian link or staff at a school as an earlier line is refused (naming the earlier line);
 * a guardian or member of staff named on several rows must have the same details on each.
 */
function readRow(line: number, cells: Cells, into: Collected, knownSchools: ReadonlySet<string> | undefined): string[] {
  const problems = new RowProblems();
  if (knownSchools !== undefined && cells.schoolId !== undefined && isValidSchoolId(cells.schoolId) && !knownSchools.has(cells.schoolId))
    problems.add(`skole-id ${quoteValue(cells.schoolId)} finnes ikke i skolekatalogen`);
  const typeText = cells.type?.toLowerCase();
  const type = typeText === undefined ? undefined : rowTypes[typeText];
  if (type === undefined) {
    problems.add(typeText === undefined ? 'type mangler' : `type ${quoteValue(cells.type)} må være elev, foresatt eller ansatt`);
    return problems.messages;
  }
  if (type === 'pupil') {
    stray(cells, ['schoolId', 'pupilId', 'name', 'grade', 'contactTeacherId'], 'elev', problems);
    const grade = cells.grade === undefined ? undefined : /^\d+$/.test(cells.grade) ? Number(cells.grade) : cells.grade;
    const pupil = problems.parse(
      pupilSchema,
      defined({ schoolId: cells.schoolId, pupilId: cells.pupilId, name: cells.name, grade, contactTeacherId: cells.contactTeacherId }),
    );
    if (pupil && problems.messages.length === 0) {
      const k = key(pupil.schoolId, pupil.pupilId);
      const earlier = into.pupils.get(k);
      if (earlier)
        problems.add(`elev ${quoteValue(pupil.pupilId)} ved skole ${quoteValue(pupil.schoolId)} står alt på linje ${earlier.line}`);
      else into.pupils.set(k, { line, pupil });
    }
  } else if (type === 'guardian') {
    stray(
      cells,
      [
        'schoolId',
        'pupilId',
        'guardianId',
        'name',
        'email',
        'mobile',
        'language',
        'writtenStandard',
        'parentalResponsibility',
        'livesWith',
        'protectedAddress',
      ],
      'foresatt',
      problems,
    );
    const language = cells.language ?? 'nb';
    // «bokmål» as written, «bokmal» as stored; anything else goes on as given, so the message quotes the cell.
    const lower = cells.writtenStandard?.toLowerCase();
    const standardText = lower === 'bokmål' || lower === 'bokmal' ? 'bokmal' : lower === 'nynorsk' ? 'nynorsk' : cells.writtenStandard;
    const guardian = problems.parse(
      guardianSchema,
      defined({
        guardianId: cells.guardianId,
        name: cells.name,
        email: cells.email,
        mobile: cells.mobile,
        language,
        // Without a målform, nynorsk for a guardian whose language is nynorsk, else bokmål.
        writtenStandard: standardText ?? (language.toLowerCase() === 'nn' ? 'nynorsk' : 'bokmal'),
        protectedAddress: flag(cells, 'protectedAddress', 'skjermet adresse', false, problems),
      }),
    );
    const link = problems.parse(
      guardianLinkSchema,
      defined({
        schoolId: cells.schoolId,
        pupilId: cells.pupilId,
        guardianId: cells.guardianId,
        parentalResponsibility: flag(cells, 'parentalResponsibility', 'foreldreansvar', undefined, problems),
        livesWith: flag(cells, 'livesWith', 'bor sammen', false, problems),
      }),
    );
    if (guardian && link && problems.messages.length === 0) {
      const person = `foresatt ${quoteValue(guardian.guardianId)}`;
      keepPersonWithLink(
        { people: into.guardians, links: into.links },
        { line, personId: guardian.guardianId, person: guardian, linkKey: key(link.schoolId, link.pupilId, link.guardianId), link },
        { person, link: `${person} for elev ${quoteValue(link.pupilId)}` },
        problems,
      );
    }
  } else {
    stray(cells, ['schoolId', 'staffId', 'name', 'email', 'mobile', 'roles'], 'ansatt', problems);
    const staff = problems.parse(
      staffSchema,
      defined({ staffId: cells.staffId, name: cells.name, email: cells.email, mobile: cells.mobile }),
    );
    const staffRoles = problems.parse(
      staffRolesSchema,
      defined({ staffId: cells.staffId, schoolId: cells.schoolId, roles: roles(cells, problems) }),
    );
    if (staff && staffRoles && problems.messages.length === 0) {
      const person = `ansatt ${quoteValue(staff.staffId)}`;
      keepPersonWithLink(
        { people: into.staff, links: into.staffRoles },
        { line, personId: staff.staffId, person: staff, linkKey: key(staffRoles.schoolId, staffRoles.staffId), link: staffRoles },
        { person, link: `${person} ved skole ${quoteValue(staffRoles.schoolId)}` },
        problems,
      );
    }
  }
  return problems.messages;
}

/**
 * References between rows, checked once every row is read: a guardian row must name a pupil of
 * the file at that school, a pupil's contact teacher must be staff at the pupil's school in the
 * file. A refused reference refuses the referring row (and is reported on its line).
 */
function checkReferences(into: Collected, errors: PeopleRowError[]): void {
  for (const [k, { line, value: link }] of into.links) {
    if (into.pupils.has(key(link.schoolId, link.pupilId))) continue;
    errors.push({
      line,
      message: `elev-id ${quoteValue(link.pupilId)} finnes ikke som elev ved skole ${quoteValue(link.schoolId)} i filen`,
    });
    into.links.delete(k);
  }
  // A guardian whose every link was refused is not stored.
  const linked = new Set([...into.links.values()].map(({ value }) => value.guardianId));
  for (const id of [...into.guardians.keys()]) if (!linked.has(id)) into.guardians.delete(id);
  for (const [k, { line, pupil }] of into.pupils) {
    if (pupil.contactTeacherId === undefined || into.staffRoles.has(key(pupil.schoolId, pupil.contactTeacherId))) continue;
    errors.push({
      line,
      message: `kontaktlærer ${quoteValue(pupil.contactTeacherId)} finnes ikke som ansatt ved skole ${quoteValue(pupil.schoolId)} i filen`,
    });
    into.pupils.delete(k);
  }
}

const stripBom = (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

export interface PeopleParseOptions {
  /** The schools of the school directory; when given, a row for any other school is refused. */
  knownSchools?: ReadonlySet<string>;
}

/** Parses the people-directory CSV text. */
export function parsePeopleCsv(text: string, options: PeopleParseOptions = {}): PeopleParseResult {
  const body = stripBom(text);
  let records: CsvRecord[];
  try {
    records = parseCsvSync(body, {
      delimiter: detectDelimiter(body.split(/\r\n|\r|\n/, 1)[0] ?? ''),
      // Any line ending, mixed within a file, as the absence intake reads it (parse-registrations.ts).
      record_delimiter: ['\r\n', '\n', '\r'],
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as unknown as CsvRecord[];
  } catch (err) {
    const lines = (err as { lines?: unknown }).lines;
    throw new PeopleFormatError(
      `filen kan ikke leses som CSV (${err instanceof Error ? err.message : String(err)})`,
      typeof lines === 'number' ? lines : undefined,
    );
  }
  const [header, ...rows] = records;
  if (header === undefined) throw new PeopleFormatError('filen er tom (fant ingen overskriftsrad)');
  const { columns, ignored } = mapHeader(header.record);
  const into: Collected = { pupils: new Map(), guardians: new Map(), links: new Map(), staff: new Map(), staffRoles: new Map() };
  const errors: PeopleRowError[] = [];
  const lines = new RecordLines();
  lines.startOf(header);
  for (const rec of rows) {
    const line = lines.startOf(rec);
    if (rec.record.length !== columns.length) {
      errors.push({ line, message: `raden har ${rec.record.length} felt, overskriftsraden har ${columns.length}` });
      continue;
    }
    const cells: Cells = {};
    rec.record.forEach((cell, i) => {
      const column = columns[i];
      if (column !== undefined && cell.trim() !== '') cells[column] = cell.trim();
    });
    const messages = readRow(line, cells, into, options.knownSchools);
    if (messages.length > 0) errors.push({ line, message: messages.join('; ') });
  }
  checkReferences(into, errors);
  errors.sort((a, b) => a.line - b.line);
  return {
    rowsRead: rows.length,
    batch: {
      pupils: [...into.pupils.values()].map((v) => v.pupil),
      guardians: [...into.guardians.values()].map((v) => v.value),
      guardianLinks: [...into.links.values()].map((v) => v.value),
      staff: [...into.staff.values()].map((v) => v.value),
      staffRoles: [...into.staffRoles.values()].map((v) => v.value),
    },
    errors,
    ignoredColumns: ignored,
  };
}
