/**
 * The people-directory CSV (docs/people-format.md): every kind of row read into the batch, every
 * bad row refused with its line and a Norwegian message naming the field and the value, and
 * whole-file faults thrown so that nothing is stored.
 */
import { PeopleFormatError, parsePeopleCsv } from '../../people/parse-people';
import { GOOD_ROWS, HEADER, csv } from './fixtures';

describe('parsePeopleCsv', () => {
  test('reads pupils, guardians with their links, staff with their roles', () => {
    const result = parsePeopleCsv(csv(GOOD_ROWS));
    expect(result.errors).toEqual([]);
    expect(result.rowsRead).toBe(10);
    const { batch } = result;
    expect(batch.pupils).toEqual([
      { schoolId: 'S001', pupilId: 'E1', name: 'Ola Nordmann', grade: 5, contactTeacherId: 'A1' },
      { schoolId: 'S001', pupilId: 'E2', name: 'Siri Nordmann', grade: 3, contactTeacherId: 'A4' },
    ]);
    // F1 is guardian of two pupils: one guardian, two links.
    expect(batch.guardians.map((g) => g.guardianId)).toEqual(['F1', 'F2', 'F3']);
    expect(batch.guardianLinks).toHaveLength(4);
    expect(batch.guardians[1]).toEqual({
      guardianId: 'F2',
      name: 'Far Skjult',
      email: 'far@example.no',
      mobile: '92222222',
      language: 'nn',
      writtenStandard: 'nynorsk',
      protectedAddress: true,
    });
    expect(batch.guardianLinks.find((l) => l.guardianId === 'F3')).toEqual({
      schoolId: 'S001',
      pupilId: 'E1',
      guardianId: 'F3',
      parentalResponsibility: false,
      livesWith: true,
    });
    expect(batch.staff.find((s) => s.staffId === 'A2')).toEqual({
      staffId: 'A2',
      name: 'Rita Rektor',
      email: 'rita@skole.no',
      mobile: '91234567',
    });
    expect(batch.staffRoles.find((s) => s.staffId === 'A2')?.roles).toEqual(['principal', 'school-leadership']);
  });

  test('målform defaults to nynorsk for language nn and bokmål otherwise; skjermet adresse and bor sammen default to nei', () => {
    const { batch, errors } = parsePeopleCsv(
      csv([
        GOOD_ROWS[0]!,
        GOOD_ROWS[4]!,
        'foresatt;S001;E1;F7;;Nn Foresatt;;;;;nn;;ja;;;',
        'foresatt;S001;E1;F8;;En Foresatt;;;;;EN;;ja;;;',
      ]),
    );
    expect(errors).toEqual([]);
    expect(batch.guardians.map((g) => [g.language, g.writtenStandard, g.protectedAddress])).toEqual([
      ['nn', 'nynorsk', false],
      ['en', 'bokmal', false],
    ]);
    expect(batch.guardianLinks.every((l) => !l.livesWith)).toBe(true);
  });

  test.each([
    ['type «lærer» må være elev, foresatt eller ansatt', 'lærer;S001;;;A5;Navn;;;a@b.no;;;;;;;rektor'],
    ['trinn «11» må være fra 1 til 10', 'elev;S001;E5;;;Navn;11;;;;;;;;;'],
    ['elev-id «=CMD()» er ugyldig', 'elev;S001;=CMD();;;Navn;4;;;;;;;;;'],
    ['e-post «ikke-epost» er ikke en gyldig e-postadresse', 'ansatt;S001;;;A5;Navn;;;ikke-epost;;;;;;;rektor'],
    ['mobil «123» må være 8 sifre', 'foresatt;S001;E1;F9;;Navn;;;;123;;;ja;;;'],
    ['målform «Riksmål» må være bokmål eller nynorsk', 'foresatt;S001;E1;F9;;Navn;;;;;;Riksmål;ja;;;'],
    ['foreldreansvar mangler', 'foresatt;S001;E1;F9;;Navn;;;;;;;;;;'],
    ['skjermet adresse «kanskje» må være ja eller nei', 'foresatt;S001;E1;F9;;Navn;;;;;;;ja;;kanskje;'],
    ['rolle «vaktmester» er ukjent', 'ansatt;S001;;;A5;Navn;;;a@b.no;;;;;;;rektor, vaktmester'],
    ['roller mangler', 'ansatt;S001;;;A5;Navn;;;a@b.no;;;;;;;'],
    ['trinn «5» hører ikke til en rad av typen ansatt', 'ansatt;S001;;;A5;Navn;5;;a@b.no;;;;;;;rektor'],
    ['navn mangler', 'elev;S001;E5;;;;4;;;;;;;;;'],
    ['skole-id «skole-1» er ugyldig', 'elev;skole-1;E5;;;Navn;4;;;;;;;;;'],
  ])('refuses a bad row by line: %s', (message, row) => {
    const result = parsePeopleCsv(csv([...GOOD_ROWS, row]));
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.line).toBe(12);
    expect(result.errors[0]!.message).toContain(message);
    // Every good row is still there.
    expect(result.batch.pupils).toHaveLength(2);
    expect(result.batch.staff).toHaveLength(4);
  });

  test('names every problem of a row, not only the first', () => {
    const { errors } = parsePeopleCsv(csv(['ansatt;S001;;;A5;;;;ikke-epost;;;;;;;']));
    expect(errors[0]!.message).toContain('navn mangler');
    expect(errors[0]!.message).toContain('e-post «ikke-epost»');
    expect(errors[0]!.message).toContain('roller mangler');
  });

  test('refuses references to people not in the file, and repeats that disagree', () => {
    const rows = [
      ...GOOD_ROWS,
      'foresatt;S001;E404;F5;;Ukjent elev sin;;;;;;;ja;;;',
      'elev;S001;E6;;;Uten lærer;2;A404;;;;;;;;',
      'foresatt;S001;E2;F2;;Far Annet Navn;;;far@example.no;;;;ja;;;',
      'elev;S001;E1;;;Ola Nordmann;5;A1;;;;;;;;',
      'ansatt;S001;;;A1;Kari Kontakt;;;kari@skole.no;;;;;;;rektor',
    ];
    const { errors, batch } = parsePeopleCsv(csv(rows));
    expect(errors).toEqual([
      { line: 12, message: 'elev-id «E404» finnes ikke som elev ved skole «S001» i filen' },
      { line: 13, message: 'kontaktlærer «A404» finnes ikke som ansatt ved skole «S001» i filen' },
      { line: 14, message: 'foresatt «F2» har andre opplysninger enn på linje 9' },
      { line: 15, message: 'elev «E1» ved skole «S001» står alt på linje 6' },
      { line: 16, message: 'ansatt «A1» ved skole «S001» står alt på linje 2' },
    ]);
    expect(batch.guardians.map((g) => g.guardianId)).not.toContain('F5');
    expect(batch.pupils.map((p) => p.pupilId)).toEqual(['E1', 'E2']);
  });

  test('given the school directory, rows for other schools are refused by line', () => {
    const rows = [...GOOD_ROWS, 'elev;S002;E9;;;Annen Skole;4;;;;;;;;;', 'foresatt;S002;E9;F9;;Annen Foresatt;;;;;;;ja;;;'];
    const { errors, batch } = parsePeopleCsv(csv(rows), { knownSchools: new Set(['S001']) });
    expect(errors.map((e) => [e.line, e.message])).toEqual([
      [12, 'skole-id «S002» finnes ikke i skolekatalogen'],
      [13, 'skole-id «S002» finnes ikke i skolekatalogen'],
    ]);
    expect(batch.pupils.map((p) => p.pupilId)).toEqual(['E1', 'E2']);
    expect(parsePeopleCsv(csv(rows)).errors).toEqual([]);
  });

  test('accepts a comma-separated file with a BOM, header names in any case, and reports unknown columns', () => {
    const text = '\ufeffType,Skole-ID,Ansatt-ID,Navn,E-post,Roller,Avdeling\nansatt,S001,A1,Kari,kari@skole.no,"rektor,rådgiver",Nord\n';
    const { errors, batch, ignoredColumns } = parsePeopleCsv(text);
    expect(errors).toEqual([]);
    expect(batch.staffRoles).toEqual([{ staffId: 'A1', schoolId: 'S001', roles: ['counsellor', 'principal'] }]);
    expect(ignoredColumns).toEqual(['Avdeling']);
  });

  test('a row with the wrong number of cells is refused by line', () => {
    const { errors } = parsePeopleCsv(csv([...GOOD_ROWS, 'elev;S001;E9']));
    expect(errors).toEqual([{ line: 12, message: 'raden har 3 felt, overskriftsraden har 16' }]);
  });

  test.each([
    ['', 'filen er tom'],
    ['skole;navn\nS001;Kari\n', 'overskriftsraden mangler kolonne for type'],
    ['type;skole;navn;skolenr\n', 'kolonnene «skole» og «skolenr» betyr det samme'],
    [`${HEADER}\nelev;"S001;E1\n`, 'filen kan ikke leses som CSV'],
  ])('throws for a file that is not in the format: %j', (text, message) => {
    expect(() => parsePeopleCsv(text)).toThrow(PeopleFormatError);
    expect(() => parsePeopleCsv(text)).toThrow(message);
  });
});
