/** A small people-directory export (docs/people-format.md) and builders for the pure rules' tests. */
import type { PupilPeople } from '../../people/recipients';
import type { PupilGuardian, StaffMember } from '../../people/people-schema';

export const HEADER =
  'type;skole;elev-id;foresatt-id;ansatt-id;navn;trinn;kontaktlærer;e-post;mobil;språk;målform;foreldreansvar;bor sammen;skjermet adresse;roller';

/** One school, two pupils, their guardians (one with a protected address) and four staff. */
export const GOOD_ROWS = [
  'ansatt;S001;;;A1;Kari Kontakt;;;kari@skole.no;;;;;;;kontaktlærer',
  'ansatt;S001;;;A2;Rita Rektor;;;rita@skole.no;912 34 567;;;;;;rektor, ledelse',
  'ansatt;S001;;;A3;Helga Helse;;;helga@skole.no;;;;;;;helsesykepleier',
  'ansatt;S001;;;A4;Kåre Kontakt;;;kare@skole.no;;;;;;;kontaktlærer',
  'elev;S001;E1;;;Ola Nordmann;5;A1;;;;;;;;',
  'elev;S001;E2;;;Siri Nordmann;3;A4;;;;;;;;',
  'foresatt;S001;E1;F1;;Mor Nordmann;;;mor@example.no;91111111;nb;;ja;ja;nei;',
  'foresatt;S001;E1;F2;;Far Skjult;;;far@example.no;92222222;nn;nynorsk;ja;nei;ja;',
  'foresatt;S001;E1;F3;;Steforelder;;;ste@example.no;;en;;nei;ja;nei;',
  'foresatt;S001;E2;F1;;Mor Nordmann;;;mor@example.no;91111111;nb;;ja;ja;nei;',
];

export const csv = (rows: readonly string[]) => [HEADER, ...rows].join('\n') + '\n';

export const guardian = (over: Partial<PupilGuardian> & Pick<PupilGuardian, 'guardianId'>): PupilGuardian => ({
  name: `Foresatt ${over.guardianId}`,
  email: `${over.guardianId}@example.no`,
  language: 'nb',
  writtenStandard: 'bokmal',
  protectedAddress: false,
  parentalResponsibility: true,
  livesWith: true,
  ...over,
});

export const staffMember = (over: Partial<StaffMember> & Pick<StaffMember, 'staffId' | 'roles'>): StaffMember => ({
  name: `Ansatt ${over.staffId}`,
  email: `${over.staffId}@skole.no`,
  schoolId: 'S001',
  ...over,
});

export const pupilPeople = (over: Partial<PupilPeople> = {}): PupilPeople => ({
  pupil: { schoolId: 'S001', pupilId: 'E1', name: 'Ola Nordmann', grade: 5, contactTeacherId: 'A1' },
  guardians: [guardian({ guardianId: 'F1' }), guardian({ guardianId: 'F2', protectedAddress: true })],
  staff: [
    staffMember({ staffId: 'A1', roles: ['contact-teacher'] }),
    staffMember({ staffId: 'A4', roles: ['contact-teacher'] }),
    staffMember({ staffId: 'A2', roles: ['principal', 'school-leadership'] }),
    staffMember({ staffId: 'A9', roles: ['principal'], schoolId: 'S002' }),
  ],
  ...over,
});
