/**
 * Property-based tests of the CSV importers: absence registrations (intake/parse-registrations.ts,
 * the text and the streaming parser) and the people directory (people/parse-people.ts). Files are
 * generated with valid rows mixed with hostile ones: spreadsheet formulas (`=cmd|…`, `+`, `-`,
 * `@`), a BOM, CRLF and LF mixed, quotes and line breaks inside cells, very long cells, NUL and
 * bidirectional overrides, repeated rows and wrong column counts. Properties:
 * - the parsers never throw anything but their own Norwegian format errors;
 * - every valid row survives, with its values exactly (free text kept as text, never evaluated);
 * - every bad row is refused with its line, the field at fault and the bad value, quoted safely
 *   (control and direction characters escaped, so a message cannot be reordered or rewrite a terminal);
 * - the streaming parser gives what the text parser gives, however the bytes are chunked.
 */
import fc from 'fast-check';
import { quoteValue } from '../../machines/identifiers';
import {
  IntakeFormatError,
  parseRegistrationsCsv,
  parseRegistrationsCsvStream,
  parseRegistrationsJson,
} from '../../intake/parse-registrations';
import { PeopleFormatError, parsePeopleCsv } from '../../people/parse-people';

const RUNS = 100;

/** Cell values a spreadsheet or a terminal would take for something else. */
const hostileText = fc.constantFrom(
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://evil.example","klikk")',
  '+47 SUM(A1:A9)',
  '-2+3',
  '@SUM(1,2)',
  '\u202egnp.exe',
  'før\u0000etter',
  'linje 1\nlinje 2',
  'linje 1\r\nlinje 2\r\nlinje 3',
  'gammel mac\rlinje',
  'med "anførsel" og ; og ,',
  '\u2066isolert\u2069',
);
const plainText = fc.stringMatching(/^[A-Za-zÆØÅæøå0-9][A-Za-zÆØÅæøå0-9 .]{0,20}$/);
const freeText = fc.oneof(plainText, hostileText);

/** A CSV cell: always quoted, quotes doubled, so any text stands in it. */
const cell = (value: string) => `"${value.replace(/"/g, '""')}"`;

interface Line {
  cells: string[];
  eol: '\n' | '\r\n';
}

/** The file's text and the physical line each data row starts on (the header is line 1). */
function csvText(header: readonly string[], rows: readonly Line[], options: { bom: boolean; delimiter: ';' | ',' }) {
  let text = (options.bom ? '\ufeff' : '') + header.join(options.delimiter) + '\r\n';
  let line = 2;
  const starts: number[] = [];
  for (const row of rows) {
    starts.push(line);
    const record = row.cells.map(cell).join(options.delimiter);
    text += record + row.eol;
    line += 1 + (record.match(/\r\n|\r|\n/g)?.length ?? 0);
  }
  return { text, starts };
}

// ---------------------------------------------------------------------------------------------
// Absence registrations

const HEADER = [
  'pupilId',
  'schoolId',
  'grade',
  'date',
  'wholeDay',
  'lessons',
  'minutes',
  'valid',
  'notifiedByGuardians',
  'lateArrival',
  'leftDuringDay',
  'reasonCode',
  'note',
];

const day = fc.integer({ min: 0, max: 700 }).map((d) => new Date(Date.UTC(2025, 7, 1) + d * 86_400_000).toISOString().slice(0, 10));
const idPart = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.]{0,15}$/);

/** A valid registration as its CSV cells (whole day or partial); `n` keeps pupil ids apart. */
const validRegistration = (n: number) =>
  fc
    .record({
      pupil: idPart,
      school: idPart,
      grade: fc.integer({ min: 1, max: 10 }),
      date: day,
      wholeDay: fc.boolean(),
      lessons: fc.integer({ min: 1, max: 12 }),
      valid: fc.boolean(),
      notified: fc.boolean(),
      reasonCode: fc.oneof(plainText, fc.constantFrom('=SYK', '+FRI', '-', '@ANNET')),
      note: fc.option(freeText, { nil: undefined }),
      yes: fc.constantFrom('ja', 'true', '1', 'JA'),
      no: fc.constantFrom('nei', 'false', '0'),
    })
    .map((r) => ({
      expected: {
        pupilId: `${r.pupil}-${n}`,
        schoolId: r.school,
        grade: r.grade,
        date: r.date,
        wholeDay: r.wholeDay,
        ...(r.wholeDay ? {} : { lessons: r.lessons }),
        valid: r.valid,
        notifiedByGuardians: r.notified,
        lateArrival: false,
        leftDuringDay: false,
        reasonCode: r.reasonCode.trim(),
        ...(r.note === undefined || r.note.trim() === '' ? {} : { note: r.note.trim() }),
      },
      cells: [
        `${r.pupil}-${n}`,
        ` ${r.school} `,
        String(r.grade),
        r.date,
        r.wholeDay ? r.yes : r.no,
        r.wholeDay ? '' : String(r.lessons),
        '',
        r.valid ? r.yes : r.no,
        r.notified ? r.yes : r.no,
        r.no,
        r.no,
        r.reasonCode,
        r.note ?? '',
      ],
    }));

type Fault = { field: string; index: number; value: string; says: RegExp } | { columns: true };

/** A bad row: a valid one with one fault, and what the error must say. */
const badRegistration = (n: number) =>
  fc
    .tuple(
      validRegistration(n),
      fc.oneof(
        hostileText.map((value): Fault => ({ field: 'pupilId', index: 0, value, says: /^elev-id «.*» er ugyldig/s })),
        fc
          .constantFrom('=S1', '+S1', 'S-1', '@S')
          .map((value): Fault => ({ field: 'schoolId', index: 1, value, says: /^skole-id «.*» er ugyldig/s })),
        fc.constantFrom('0', '14', '=1+1', 'fem').map((value): Fault => ({ field: 'grade', index: 2, value, says: /^trinn «/ })),
        fc
          .constantFrom('2026-02-31', '31.02.2026', '=TODAY()', '2026-1-1')
          .map((value): Fault => ({ field: 'date', index: 3, value, says: /^ugyldig dato «/ })),
        fc
          .constantFrom('kanskje', '=TRUE()', '2')
          .map((value): Fault => ({ field: 'valid', index: 7, value, says: /^gyldig «.*» må være ja\/nei/ })),
        fc
          .string({ minLength: 501, maxLength: 5000 })
          .filter((s) => s.trim().length > 500)
          .map((value): Fault => ({ field: 'note', index: 12, value, says: /^merknad «.*» er lengre enn 500 tegn/s })),
        fc.constant<Fault>({ columns: true }),
      ),
      fc.boolean(),
    )
    .map(([valid, fault, fewer]) => {
      if ('columns' in fault) return { cells: fewer ? valid.cells.slice(0, -1) : [...valid.cells, 'ekstra'], fault };
      const cells = [...valid.cells];
      cells[fault.index] = fault.value;
      return { cells, fault };
    });

/** A file of valid and bad rows in any order, some valid rows given twice. */
const registrationFile = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constant('valid' as const) }, { weight: 2, arbitrary: fc.constant('bad' as const) }), {
    minLength: 1,
    maxLength: 30,
  })
  .chain((kinds) =>
    fc.record({
      rows: fc.tuple(
        ...kinds.map((kind, n) =>
          kind === 'valid' ? validRegistration(n).map((v) => ({ kind, ...v })) : badRegistration(n).map((b) => ({ kind, ...b })),
        ),
      ),
      repeats: fc.array(fc.nat(), { maxLength: 3 }),
      eols: fc.array(fc.constantFrom('\n' as const, '\r\n' as const), { minLength: 40, maxLength: 40 }),
      bom: fc.boolean(),
      delimiter: fc.constantFrom(';' as const, ',' as const),
    }),
  )
  .map(({ rows, repeats, eols, bom, delimiter }) => {
    const valid = rows.filter((r) => r.kind === 'valid');
    const all = [...rows, ...(valid.length > 0 ? repeats.map((i) => valid[i % valid.length]!) : [])];
    const { text, starts } = csvText(
      HEADER,
      all.map((r, i) => ({ cells: r.cells, eol: eols[i % eols.length]! })),
      { bom, delimiter },
    );
    return { text, rows: all.map((r, i) => ({ ...r, line: starts[i]! })), repeated: all.length - rows.length };
  });

describe('absence registrations (CSV)', () => {
  test('every valid row is kept with its exact values; every bad row is refused naming its line, field and value', () => {
    fc.assert(
      fc.property(registrationFile, ({ text, rows, repeated }) => {
        const result = parseRegistrationsCsv(text);
        expect(result.rowsRead).toBe(rows.length);
        expect(result.registrations.length + result.errors.length + result.replaced.length).toBe(rows.length);
        expect(result.replaced).toHaveLength(repeated);
        for (const r of result.replaced) expect(r.identical).toBe(true);
        for (const row of rows) {
          if (row.kind === 'valid') {
            expect(result.registrations).toContainEqual(row.expected);
            continue;
          }
          const error = result.errors.find((e) => e.line === row.line);
          expect(error).toBeDefined();
          if ('columns' in row.fault) {
            expect(error!.message).toBe(`raden har ${row.cells.length} felt, overskriftsraden har ${HEADER.length}`);
          } else {
            expect(error!.field).toBe(row.fault.field);
            expect(error!.message).toMatch(row.fault.says);
            expect(error!.message).toContain(quoteValue(row.fault.value.trim()));
          }
          // No raw control or direction character reaches a message.
          // eslint-disable-next-line no-control-regex -- looking for control characters is the point
          expect(error!.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202a-\u202e\u2066-\u2069]/);
        }
        expect(result.errors).toHaveLength(rows.filter((r) => r.kind === 'bad').length);
      }),
      { numRuns: RUNS },
    );
  });

  test('the streaming parser gives what the text parser gives, however the bytes are split into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(registrationFile, fc.array(fc.nat(), { maxLength: 12 }), async ({ text }, cuts) => {
        const bytes = Buffer.from(text, 'utf8');
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((start, i) => bytes.subarray(start, [...points, bytes.length][i]));
        async function* source() {
          for (const chunk of chunks) yield chunk;
        }
        expect(await parseRegistrationsCsvStream(source())).toEqual(parseRegistrationsCsv(text));
      }),
      { numRuns: 50 },
    );
  });

  test('any text at all: a result, or the importer’s own Norwegian format error, never anything else', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc
        .array(
          fc.oneof(fc.string({ maxLength: 10 }), hostileText, fc.constantFrom('"', '""', ';', ',', '\r', '\n', '\ufeff', HEADER.join(';'))),
          { maxLength: 60 },
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          const result = parseRegistrationsCsv(text);
          expect(result.rowsRead).toBe(result.registrations.length + result.errors.length + result.replaced.length);
        } catch (err) {
          expect(err).toBeInstanceOf(IntakeFormatError);
          expect((err as Error).message).toMatch(/filen|overskriftsraden|kolonnene/);
        }
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.string({ maxLength: 100 }),
          fc.array(fc.anything(), { maxLength: 5 }).map((a) => JSON.stringify(a) ?? '[]'),
        ),
        (text) => {
          try {
            const result = parseRegistrationsJson(text);
            expect(result.rowsRead).toBe(result.registrations.length + result.errors.length + result.replaced.length);
          } catch (err) {
            expect(err).toBeInstanceOf(IntakeFormatError);
            expect((err as Error).message).toMatch(/^filen er ikke gyldig JSON|^JSON-filen må være en liste/);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The people directory

const PEOPLE_HEADER = [
  'type',
  'skole',
  'elev-id',
  'foresatt-id',
  'ansatt-id',
  'navn',
  'trinn',
  'kontaktlærer',
  'e-post',
  'mobil',
  'språk',
  'målform',
  'foreldreansvar',
  'bor sammen',
  'skjermet adresse',
  'roller',
];

/** A valid member of staff at S001 (ids kept apart by `n`), with a name that may be hostile text. */
const validStaff = (n: number) =>
  fc
    .record({
      name: fc.oneof(plainText, hostileText).filter((s) => s.trim() !== ''),
      role: fc.constantFrom('kontaktlærer', 'rektor', 'helsesykepleier', 'counsellor'),
    })
    .map(({ name, role }) => ({
      id: `A${n}`,
      name: name.trim(),
      cells: ['ansatt', 'S001', '', '', `A${n}`, name, '', '', `a${n}@skole.no`, '', '', '', '', '', '', role],
    }));

type PeopleFault = { index: number; value: string; says: RegExp } | { columns: true };

const badStaff = (n: number) =>
  fc
    .tuple(
      validStaff(n),
      fc.oneof(
        hostileText.map((value): PeopleFault => ({ index: 4, value, says: /ansatt-id «.*» er ugyldig/s })),
        fc
          .constantFrom('ikke-epost', '=cmd|x', 'a@', '@b.no')
          .map((value): PeopleFault => ({ index: 8, value, says: /e-post «.*» er ikke en gyldig e-postadresse/ })),
        fc
          .constantFrom('vaktmester', '=rektor', '+admin')
          .map((value): PeopleFault => ({ index: 15, value, says: /rolle «.*» er ukjent/ })),
        fc
          .string({ minLength: 201, maxLength: 3000 })
          .filter((s) => s.trim().length > 200)
          .map((value): PeopleFault => ({ index: 5, value, says: /navn «.*» er lengre enn 200 tegn/s })),
        fc
          .constantFrom('elev?', 'lærer', '=elev')
          .map((value): PeopleFault => ({ index: 0, value, says: /type «.*» må være elev, foresatt eller ansatt/ })),
        fc.constant<PeopleFault>({ columns: true }),
      ),
      fc.boolean(),
    )
    .map(([valid, fault, fewer]) => {
      if ('columns' in fault) return { cells: fewer ? valid.cells.slice(0, -1) : [...valid.cells, 'ekstra'], fault };
      const cells = [...valid.cells];
      cells[fault.index] = fault.value;
      return { cells, fault };
    });

describe('the people directory (CSV)', () => {
  test('every valid row is kept with its exact values; every bad row is refused naming its line and the value', () => {
    const file = fc
      .array(fc.boolean(), { minLength: 1, maxLength: 25 })
      .chain((kinds) =>
        fc.record({
          rows: fc.tuple(
            ...kinds.map((ok, n) =>
              ok ? validStaff(n).map((v) => ({ kind: 'valid' as const, ...v })) : badStaff(n).map((b) => ({ kind: 'bad' as const, ...b })),
            ),
          ),
          eols: fc.array(fc.constantFrom('\n' as const, '\r\n' as const), { minLength: 30, maxLength: 30 }),
          bom: fc.boolean(),
          repeat: fc.option(fc.nat(), { nil: undefined }),
        }),
      )
      .map(({ rows, eols, bom, repeat }) => {
        const valid = rows.filter((r) => r.kind === 'valid');
        // A valid row given twice: the second is refused, naming the line of the first.
        const again = repeat !== undefined && valid.length > 0 ? [{ ...valid[repeat % valid.length]!, kind: 'repeat' as const }] : [];
        const all = [...rows, ...again];
        const { text, starts } = csvText(
          PEOPLE_HEADER,
          all.map((r, i) => ({ cells: r.cells, eol: eols[i % eols.length]! })),
          { bom, delimiter: ';' },
        );
        return { text, rows: all.map((r, i) => ({ ...r, line: starts[i]! })) };
      });
    fc.assert(
      fc.property(file, ({ text, rows }) => {
        const result = parsePeopleCsv(text);
        expect(result.rowsRead).toBe(rows.length);
        for (const row of rows) {
          if (row.kind === 'valid') {
            expect(result.batch.staff).toContainEqual({ staffId: row.id, name: row.name, email: `a${row.id.slice(1)}@skole.no` });
            continue;
          }
          const error = result.errors.find((e) => e.line === row.line);
          expect(error).toBeDefined();
          if (row.kind === 'repeat') {
            const first = rows.find((r) => r.kind === 'valid' && r.id === row.id)!;
            expect(error!.message).toContain(`står alt på linje ${first.line}`);
          } else if ('columns' in row.fault) {
            expect(error!.message).toBe(`raden har ${row.cells.length} felt, overskriftsraden har ${PEOPLE_HEADER.length}`);
          } else {
            expect(error!.message).toMatch(row.fault.says);
            const shown = row.fault.index === 15 ? row.fault.value.trim().toLowerCase() : row.fault.value.trim();
            expect(error!.message).toContain(quoteValue(shown));
          }
          // eslint-disable-next-line no-control-regex -- looking for control characters is the point
          expect(error!.message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u202a-\u202e\u2066-\u2069]/);
        }
        expect(result.errors).toHaveLength(rows.filter((r) => r.kind !== 'valid').length);
        expect(result.batch.staff).toHaveLength(rows.filter((r) => r.kind === 'valid').length);
      }),
      { numRuns: RUNS },
    );
  });

  test('any text at all: a result, or the directory’s own Norwegian format error, never anything else', () => {
    const anyText = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc
        .array(
          fc.oneof(
            fc.string({ maxLength: 10 }),
            hostileText,
            fc.constantFrom('"', ';', '\r\n', '\n', '\ufeff', PEOPLE_HEADER.join(';'), 'ansatt;S001;;;A1;Navn;;;a@b.no;;;;;;;rektor'),
          ),
          { maxLength: 60 },
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(anyText, (text) => {
        try {
          const result = parsePeopleCsv(text);
          expect(result.errors.every((e) => Number.isInteger(e.line) && e.message.length > 0)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(PeopleFormatError);
          expect((err as Error).message).toMatch(/filen|overskriftsraden|kolonnene/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
