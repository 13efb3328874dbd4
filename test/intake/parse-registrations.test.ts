/**
 * The importer's contract (docs/absence-format.md): both delimiters, BOM, Norwegian dates,
 * booleans and header names; each refused row named by line and field while good rows are kept;
 * rows in = kept + refused.
 */
import { Readable } from 'node:stream';
import { IntakeFormatError, type ParseResult, parseRegistrations, parseRegistrationsCsvStream } from '../../intake/parse-registrations';
import { isRealIsoDate, registrationKey } from '../../intake/registration-schema';

const norwegianHeader = 'elev;skole;trinn;dato;heldag;timer;minutter;gyldig;meldt;forsent;gikk;årsak;merknad';

/** Nothing is dropped silently: every row is kept, refused or replaced by a later line. */
function expectCountsAddUp(result: ParseResult): void {
  expect(result.rowsRead).toBe(result.registrations.length + result.errors.length + result.replaced.length);
  expect(result.lines).toHaveLength(result.registrations.length);
}

/** Row e1 of the test files in canonical form: a valid whole-day absence with notice. */
const good = {
  pupilId: 'e1',
  schoolId: 's1',
  grade: 5,
  date: '2026-09-03',
  wholeDay: true,
  valid: true,
  notifiedByGuardians: true,
  lateArrival: false,
  leftDuringDay: false,
  reasonCode: 'SYK',
};

describe('CSV format', () => {
  test('semicolon file with BOM, Norwegian headers, dd.MM.yyyy dates and ja/nei', () => {
    const text = `\uFEFF${norwegianHeader}\ne1;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;\ne2;s1;6;4.9.2026;nei;2;;nei;nei;nei;ja;UKJENT;"gikk hjem;\nsyk"\ne3;s1;7;05.09.2026;ja;;;ja;ja;nei;nei;SYK;\n`;
    const result = parseRegistrations(text);
    expect(result.errors).toEqual([]);
    expect(result.registrations).toEqual([
      good,
      {
        pupilId: 'e2',
        schoolId: 's1',
        grade: 6,
        date: '2026-09-04',
        wholeDay: false,
        lessons: 2,
        valid: false,
        notifiedByGuardians: false,
        lateArrival: false,
        leftDuringDay: true,
        reasonCode: 'UKJENT',
        note: 'gikk hjem;\nsyk',
      },
      expect.objectContaining({ pupilId: 'e3', date: '2026-09-05' }),
    ]);
  });

  test('comma file with canonical headers, ISO dates, true/false and 1/0, CRLF line ends', () => {
    const text =
      'pupilId,schoolId,grade,date,wholeDay,lessons,minutes,valid,notifiedByGuardians,lateArrival,leftDuringDay,reasonCode\r\n' +
      'e1,s1,9,2026-09-03,false,,15,0,1,true,false,UKJENT\r\n';
    const result = parseRegistrations(text);
    expect(result.errors).toEqual([]);
    expect(result.registrations).toEqual([
      {
        pupilId: 'e1',
        schoolId: 's1',
        grade: 9,
        date: '2026-09-03',
        wholeDay: false,
        minutes: 15,
        valid: false,
        notifiedByGuardians: true,
        lateArrival: true,
        leftDuringDay: false,
        reasonCode: 'UKJENT',
      },
    ]);
  });

  test('header aliases ignore case, spaces and hyphens; unknown columns are listed, not read', () => {
    const text =
      'Elev-ID;Skole ID;Trinn;Dato;Heldag;Gyldig;Meldt av foresatte;Forsentkomst;Gikk i løpet av dagen;Årsakskode;Elevnavn\ne1;s1;1;01.10.2026;JA;Ja;Nei;nei;nei;SYK;Kari\n';
    const result = parseRegistrations(text);
    expect(result.errors).toEqual([]);
    expect(result.registrations).toHaveLength(1);
    expect(result.ignoredColumns).toEqual(['Elevnavn']);
  });

  test('bad rows are refused with their line and field while the good rows around them are kept', () => {
    const lines = [
      norwegianHeader,
      'e1;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;', // 2 good
      'e2;s1;5;31.02.2026;ja;;;ja;ja;nei;nei;SYK;', // 3 date does not exist
      'e3;s1;11;03.09.2026;ja;;;ja;ja;nei;nei;SYK;', // 4 grade 11
      '', // 5 blank line: not a row
      ';s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;', // 6 empty pupil id
      'e5;s1;5;03.09.2026;nei;-2;;ja;ja;nei;nei;SYK;', // 7 negative lessons
      'e6;s1;5;03.09.2026;kanskje;;;ja;ja;nei;nei;SYK;', // 8 unknown boolean
      'e7;s1;0;"03.09.2026";ja;;;ja;ja;nei;nei;SYK;"to', // 9–10 grade 0; the note spans two lines
      'linjer"',
      'e8;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK', // 11 one cell short
      'e9;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;', // 12 good
    ];
    const result = parseRegistrations(`${lines.join('\n')}\n`);
    expect(result.errors).toEqual([
      { line: 3, field: 'date', message: expect.stringContaining('31.02.2026') },
      { line: 4, field: 'grade', message: expect.stringContaining('trinn') },
      { line: 6, field: 'pupilId', message: expect.stringContaining('elev-id mangler') },
      { line: 7, field: 'lessons', message: expect.stringContaining('timer') },
      { line: 8, field: 'wholeDay', message: expect.stringContaining('«kanskje»') },
      { line: 9, field: 'grade', message: expect.stringContaining('trinn') },
      { line: 11, message: expect.stringContaining('12 felt') },
    ]);
    expect(result.registrations.map((r) => r.pupilId)).toEqual(['e1', 'e9']);
    expect(result.lines).toEqual([2, 12]);
    expectCountsAddUp(result);
    expect(result.rowsRead).toBe(9);
  });

  test('whole day with lessons and partial day without amount are refused', () => {
    const text = `${norwegianHeader}\ne1;s1;5;03.09.2026;ja;2;;ja;ja;nei;nei;SYK;\ne2;s1;5;03.09.2026;nei;;;ja;ja;ja;nei;SYK;\n`;
    const result = parseRegistrations(text);
    expect(result.errors.map((e) => [e.line, e.field])).toEqual([
      [2, 'lessons'],
      [3, 'lessons'],
    ]);
  });

  test('a header without a required column refuses the whole file', () => {
    expect(() => parseRegistrations('elev;skole;dato\ne1;s1;03.09.2026\n')).toThrow(IntakeFormatError);
    expect(() => parseRegistrations('elev;skole;dato\n')).toThrow(/trinn/);
    expect(() => parseRegistrations('')).toThrow(IntakeFormatError);
  });

  test('the stream parser gives the same result as the text parser, whatever the chunking', async () => {
    const text = `\uFEFF${norwegianHeader}\ne1;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;\ne2;s1;11;03.09.2026;ja;;;ja;ja;nei;nei;SYK;æøå\n`;
    const bytes = Buffer.from(text, 'utf8');
    // One-byte chunks split the BOM, the header line and multi-byte letters.
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const streamed = await parseRegistrationsCsvStream(Readable.from(chunks));
    expect(streamed).toEqual(parseRegistrations(text));
    expect(streamed.registrations).toHaveLength(1);
    expect(streamed.errors[0]).toMatchObject({ line: 3, field: 'grade' });
  });

  test('progress is reported every N rows and once at the end', () => {
    const rows = Array.from({ length: 5 }, (_, i) => `e${i};s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;`);
    const progress: unknown[] = [];
    parseRegistrations(`${norwegianHeader}\n${rows.join('\n')}\n`, { progressEvery: 2, onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { rowsRead: 2, kept: 2, errors: 0 },
      { rowsRead: 4, kept: 4, errors: 0 },
      { rowsRead: 5, kept: 5, errors: 0 },
    ]);
  });
});

describe('JSON format', () => {
  test('array of canonical objects; bad elements are refused with index + 1', () => {
    const text = JSON.stringify([
      good,
      { ...good, pupilId: 'e2', grade: 11 },
      'tekst',
      { ...good, pupilId: 'e3', lesson: 2 },
      { ...good, pupilId: 'e4', date: '03.09.2026' },
    ]);
    const result = parseRegistrations(text);
    expect(result.format).toBe('json');
    expect(result.registrations).toEqual([good]);
    expect(result.errors).toEqual([
      { line: 2, field: 'grade', message: expect.any(String) },
      { line: 3, message: 'elementet «tekst» er ikke et objekt' },
      { line: 4, message: 'ukjent felt «lesson»' },
      { line: 5, field: 'date', message: expect.stringContaining('03.09.2026') },
    ]);
    expectCountsAddUp(result);
  });

  test('JSON that is not an array is refused as a whole', () => {
    expect(() => parseRegistrations('{"pupilId":"e1"}', { format: 'json' })).toThrow(IntakeFormatError);
    expect(() => parseRegistrations('[{', { format: 'json' })).toThrow(IntakeFormatError);
  });
});

test('[issue 10 point 3] identity key: school, pupil, date and kind; another school or another kind the same date differ', () => {
  const day = { schoolId: 's1', pupilId: 'e1', date: '2026-09-03', wholeDay: true, lateArrival: false, leftDuringDay: false };
  expect(registrationKey(day)).toBe('s1|e1|2026-09-03|whole-day');
  expect(registrationKey({ ...day, wholeDay: false, lateArrival: true })).toBe('s1|e1|2026-09-03|late-arrival');
  expect(registrationKey({ ...day, schoolId: 's2' })).not.toBe(registrationKey(day));
});

describe('[issue 10 point 4] the same registration twice in one file', () => {
  test('the last row wins, as on re-import, and the result names the earlier line it replaced', () => {
    const lines = [
      norwegianHeader,
      'e1;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;', // 2 first version
      'e2;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;', // 3 another pupil
      'e1;s1;5;2026-09-03;ja;;;nei;nei;nei;nei;UKJENT;', // 4 corrected: replaces line 2
      'e1;s1;5;03.09.2026;nei;;20;nei;nei;ja;nei;UKJENT;', // 5 late arrival the same day: another registration
      'e1;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;LEGE;Tannlege', // 6 corrected again: replaces line 4
      'e1;s1;15;03.09.2026;ja;;;ja;ja;nei;nei;SYK;', // 7 refused: a refused row replaces nothing
    ];
    const result = parseRegistrations(`${lines.join('\n')}\n`);
    expect(result.registrations).toEqual([
      expect.objectContaining({ pupilId: 'e1', wholeDay: true, reasonCode: 'LEGE', note: 'Tannlege' }),
      expect.objectContaining({ pupilId: 'e2' }),
      expect.objectContaining({ pupilId: 'e1', lateArrival: true }),
    ]);
    expect(result.lines).toEqual([6, 3, 5]);
    expect(result.replaced).toEqual([
      { line: 4, replacedLine: 2, schoolId: 's1', pupilId: 'e1', date: '2026-09-03', kind: 'whole-day', identical: false },
      { line: 6, replacedLine: 4, schoolId: 's1', pupilId: 'e1', date: '2026-09-03', kind: 'whole-day', identical: false },
    ]);
    expect(result.errors).toEqual([{ line: 7, field: 'grade', message: 'trinn «15» må være fra 1 til 10' }]);
    expectCountsAddUp(result);
  });

  test('an identical repeat is reported as such; the same pupil and day at another school is not a repeat', () => {
    const row = 'e1;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;';
    const result = parseRegistrations(`${norwegianHeader}\n${row}\n${row.replace(';s1;', ';s2;')}\n${row}\n`);
    expect(result.registrations.map((r) => r.schoolId)).toEqual(['s1', 's2']);
    expect(result.replaced).toEqual([expect.objectContaining({ line: 4, replacedLine: 2, identical: true })]);
    expectCountsAddUp(result);
  });
});

describe('[issue 10 point 8] rows for schools missing from the school directory', () => {
  test('are refused with their line and the school id; every valid row is kept', () => {
    const lines = [
      norwegianHeader,
      'e1;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;', // 2 known school
      'e2;S999;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;', // 3 unknown school
      'e3;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;', // 4 known school
      'e4;S999;5;04.09.2026;ja;;;ja;ja;nei;nei;SYK;', // 5 unknown school
      'e5;S998;55;04.09.2026;ja;;;ja;ja;nei;nei;SYK;', // 6 unknown school and a bad grade
    ];
    const result = parseRegistrations(`${lines.join('\n')}\n`, { knownSchools: new Set(['s1', 's2']) });
    expect(result.registrations.map((r) => r.pupilId)).toEqual(['e1', 'e3']);
    expect(result.errors).toEqual([
      { line: 3, field: 'schoolId', message: 'skole-id «S999» finnes ikke i skolekatalogen' },
      { line: 5, field: 'schoolId', message: 'skole-id «S999» finnes ikke i skolekatalogen' },
      { line: 6, field: 'schoolId', message: 'skole-id «S998» finnes ikke i skolekatalogen; trinn «55» må være fra 1 til 10' },
    ]);
    expect(result.unknownSchools).toEqual(['S998', 'S999']);
    expectCountsAddUp(result);
  });

  test('a malformed school id gets the id rule only; unknown schools are listed once', () => {
    const result = parseRegistrations(
      `${norwegianHeader}\ne1;skole-9;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;\ne2;S9;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;\n`,
      {
        knownSchools: new Set(['s1']),
      },
    );
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^skole-id «skole-9» er ugyldig: [^;]+$/),
      'skole-id «S9» finnes ikke i skolekatalogen',
    ]);
    expect(result.unknownSchools).toEqual(['S9']);
  });
});

describe('[issue 10 point 9] ids follow the one safe pattern', () => {
  test('a formula as pupil id and a hyphen in a school id are refused, naming the field and the value', () => {
    const text = `${norwegianHeader}\n=CMD()|calc;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;\ne1;skole-1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;\n+4712345678;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;\n`;
    const result = parseRegistrations(text);
    expect(result.registrations).toEqual([]);
    expect(result.errors).toEqual([
      {
        line: 2,
        field: 'pupilId',
        message:
          'elev-id «=CMD()|calc» er ugyldig: bruk bokstaver, sifre, bindestrek, understrek og punktum (1–64 tegn, første tegn bokstav eller siffer)',
      },
      {
        line: 3,
        field: 'schoolId',
        message:
          'skole-id «skole-1» er ugyldig: bruk bokstaver, sifre, understrek og punktum (1–32 tegn, første tegn bokstav eller siffer, ingen bindestrek)',
      },
      { line: 4, field: 'pupilId', message: expect.stringContaining('elev-id «+4712345678» er ugyldig') },
    ]);
  });

  test('JSON ids are checked the same way', () => {
    const result = parseRegistrations(
      JSON.stringify([
        { ...good, pupilId: '=CMD()|calc' },
        { ...good, schoolId: 'a|b' },
        { ...good, pupilId: ' e1 ' },
      ]),
    );
    expect(result.errors.map((e) => [e.line, e.field, e.message.split(':')[0]])).toEqual([
      [1, 'pupilId', 'elev-id «=CMD()|calc» er ugyldig'],
      [2, 'schoolId', 'skole-id «a|b» er ugyldig'],
    ]);
    // Surrounding spaces are trimmed, as they always were; the id itself is valid.
    expect(result.registrations).toEqual([good]);
  });
});

describe('[issue 10 point 10] every row error names the field and echoes the bad value', () => {
  const message = (row: string) => parseRegistrations(`${norwegianHeader}\n${row}\n`).errors[0]?.message;

  test('CSV cells', () => {
    expect(message('e1;s1;14;03.09.2026;ja;;;ja;ja;nei;nei;SYK;')).toBe('trinn «14» må være fra 1 til 10');
    expect(message('e1;s1;ni;03.09.2026;ja;;;ja;ja;nei;nei;SYK;')).toBe('trinn «ni» må være et heltall');
    expect(message('e1;s1;5;2026-02-31;ja;;;ja;ja;nei;nei;SYK;')).toBe('ugyldig dato «2026-02-31» (bruk åååå-mm-dd eller dd.mm.åååå)');
    expect(message('e1;s1;5;03.09.2026;nei;-2;;ja;ja;nei;ja;SYK;')).toBe('timer «-2» må være minst 1');
    expect(message('e1;s1;5;03.09.2026;nei;13;;ja;ja;nei;ja;SYK;')).toBe('timer «13» kan ikke være mer enn 12');
    expect(message('e1;s1;5;03.09.2026;nei;;601;ja;ja;ja;nei;SYK;')).toBe('minutter «601» kan ikke være mer enn 600');
    expect(message('e1;s1;5;03.09.2026;nei;;0;ja;ja;ja;nei;SYK;')).toBe('minutter «0» må være minst 1');
    expect(message('e1;s1;5;03.09.2026;ja;;;ja;kanskje;nei;nei;SYK;')).toBe(
      'meldt av foresatte «kanskje» må være ja/nei, true/false eller 1/0',
    );
    expect(message('e1;s1;5;03.09.2026;ja;2;;ja;ja;nei;nei;SYK;')).toBe('timer «2» kan ikke oppgis for fravær hele dagen');
    expect(message('e1;s1;5;03.09.2026;ja;;;ja;ja;ja;nei;SYK;')).toBe('forsentkomst «ja» kan ikke oppgis for fravær hele dagen');
    expect(message('e1;s1;5;03.09.2026;nei;1;;ja;ja;ja;ja;SYK;')).toBe(
      'forsentkomst og gikk i løpet av dagen er begge «ja»: registrer dem som to rader',
    );
    expect(message(`e1;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;${'X'.repeat(41)};`)).toBe(
      `årsakskode «${'X'.repeat(41)}» er lengre enn 40 tegn`,
    );
    expect(message(`e1;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;${'n'.repeat(501)}`)).toBe(
      `merknad «${'n'.repeat(80)}… (501 tegn)» er lengre enn 500 tegn`,
    );
    expect(message('e1;s1;;03.09.2026;ja;;;ja;ja;nei;nei;SYK;')).toBe('trinn mangler');
  });

  test('JSON values, with their JSON type', () => {
    const result = parseRegistrations(
      JSON.stringify([
        { ...good, grade: '9' },
        { ...good, valid: 'ja' },
        { ...good, grade: 11 },
        { ...good, note: 5 },
        { ...good, date: '2026-02-31' },
        { ...good, reasonCode: '' },
      ]),
    );
    expect(result.errors.map((e) => e.message)).toEqual([
      'trinn «9» må være et tall fra 1 til 10',
      'gyldig «ja» må være true eller false',
      'trinn «11» må være fra 1 til 10',
      'merknad «5» må være tekst',
      'ugyldig dato «2026-02-31» (bruk åååå-mm-dd eller dd.mm.åååå)',
      'årsakskode mangler',
    ]);
  });
});

test('a date is accepted only when the day exists, including leap days', () => {
  expect(['2026-02-28', '2028-02-29', '2026-12-31', '2026-01-01'].map(isRealIsoDate)).toEqual([true, true, true, true]);
  expect(['2026-02-29', '2026-02-31', '2026-13-01', '2026-00-10', '2026-1-01', '26-01-01', '2026-04-31'].map(isRealIsoDate)).toEqual([
    false,
    false,
    false,
    false,
    false,
    false,
    false,
  ]);
});
