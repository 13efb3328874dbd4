/**
 * The importer's contract (docs/absence-format.md): both delimiters, BOM, Norwegian dates,
 * booleans and header names; each refused row named by line and field while good rows are kept;
 * rows in = kept + refused.
 */
import { Readable } from 'node:stream';
import {
  IntakeFormatError,
  type ParseResult,
  parseRegistrations,
  parseRegistrationsCsvStream,
} from '../../intake/parse-registrations';
import { isRealIsoDate, registrationKey } from '../../intake/registration-schema';

const norwegianHeader = 'elev;skole;trinn;dato;heldag;timer;minutter;gyldig;meldt;forsent;gikk;årsak;merknad';

function expectCountsAddUp(result: ParseResult): void {
  expect(result.rowsRead).toBe(result.registrations.length + result.errors.length);
}

describe('CSV format', () => {
  test('semicolon file with BOM, Norwegian headers, dd.MM.yyyy dates and ja/nei', () => {
    const text = `\uFEFF${norwegianHeader}\ne1;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;\ne2;s1;6;4.9.2026;nei;2;;nei;nei;nei;ja;UKJENT;"gikk hjem;\nsyk"\ne3;s1;7;05.09.2026;ja;;;ja;ja;nei;nei;SYK;\n`;
    const result = parseRegistrations(text);
    expect(result.errors).toEqual([]);
    expect(result.registrations).toEqual([
      { pupilId: 'e1', schoolId: 's1', grade: 5, date: '2026-09-03', wholeDay: true, valid: true, notifiedByGuardians: true, lateArrival: false, leftDuringDay: false, reasonCode: 'SYK' },
      { pupilId: 'e2', schoolId: 's1', grade: 6, date: '2026-09-04', wholeDay: false, lessons: 2, valid: false, notifiedByGuardians: false, lateArrival: false, leftDuringDay: true, reasonCode: 'UKJENT', note: 'gikk hjem;\nsyk' },
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
      { pupilId: 'e1', schoolId: 's1', grade: 9, date: '2026-09-03', wholeDay: false, minutes: 15, valid: false, notifiedByGuardians: true, lateArrival: true, leftDuringDay: false, reasonCode: 'UKJENT' },
    ]);
  });

  test('header aliases ignore case, spaces and hyphens; unknown columns are listed, not read', () => {
    const text = 'Elev-ID;Skole ID;Trinn;Dato;Heldag;Gyldig;Meldt av foresatte;Forsentkomst;Gikk i løpet av dagen;Årsakskode;Elevnavn\ne1;s1;1;01.10.2026;JA;Ja;Nei;nei;nei;SYK;Kari\n';
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
      'e1;s1;5;2026-09-03;ja;;;nei;ja;nei;nei;SYK;', // 12 same pupil, date and kind as line 2
      'e9;s1;5;03.09.2026;ja;;;ja;ja;nei;nei;SYK;', // 13 good
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
      { line: 12, field: 'date', message: expect.stringContaining('linje 2') },
    ]);
    expect(result.registrations.map((r) => r.pupilId)).toEqual(['e1', 'e9']);
    expectCountsAddUp(result);
    expect(result.rowsRead).toBe(10);
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
  const good = { pupilId: 'e1', schoolId: 's1', grade: 5, date: '2026-09-03', wholeDay: true, valid: true, notifiedByGuardians: true, lateArrival: false, leftDuringDay: false, reasonCode: 'SYK' };

  test('array of canonical objects; bad elements are refused with index + 1', () => {
    const text = JSON.stringify([good, { ...good, pupilId: 'e2', grade: 11 }, 'tekst', { ...good, pupilId: 'e3', lesson: 2 }, { ...good, pupilId: 'e4', date: '03.09.2026' }]);
    const result = parseRegistrations(text);
    expect(result.format).toBe('json');
    expect(result.registrations).toEqual([good]);
    expect(result.errors).toEqual([
      { line: 2, field: 'grade', message: expect.any(String) },
      { line: 3, message: 'elementet er ikke et objekt' },
      { line: 4, message: expect.stringContaining('lesson') },
      { line: 5, field: 'date', message: expect.stringContaining('03.09.2026') },
    ]);
    expectCountsAddUp(result);
  });

  test('JSON that is not an array is refused as a whole', () => {
    expect(() => parseRegistrations('{"pupilId":"e1"}', { format: 'json' })).toThrow(IntakeFormatError);
    expect(() => parseRegistrations('[{', { format: 'json' })).toThrow(IntakeFormatError);
  });
});

test('identity key: pupil, date and kind; a late arrival and a whole day the same date differ', () => {
  const day = { pupilId: 'e1', date: '2026-09-03', wholeDay: true, lateArrival: false, leftDuringDay: false };
  expect(registrationKey(day)).toBe('e1|2026-09-03|whole-day');
  expect(registrationKey({ ...day, wholeDay: false, lateArrival: true })).toBe('e1|2026-09-03|late-arrival');
});

test('a date is accepted only when the day exists, including leap days', () => {
  expect(['2026-02-28', '2028-02-29', '2026-12-31', '2026-01-01'].map(isRealIsoDate)).toEqual([true, true, true, true]);
  expect(['2026-02-29', '2026-02-31', '2026-13-01', '2026-00-10', '2026-1-01', '26-01-01', '2026-04-31'].map(isRealIsoDate)).toEqual([
    false, false, false, false, false, false, false,
  ]);
});
