/**
 * Deterministic synthetic people for the pupils intake/generate.ts makes up: each pupil gets a
 * name, a contact teacher and one or two guardians, and each school its staff, so the demo's
 * cases have someone to write to. The same pupils and seed always give the same people (seeded
 * PRNG; no Math.random, no clock). Everyone is fictional: names are combined from short built-in
 * lists, e-mail addresses are at reserved domains (example.no, eksempel.invalid) and mobile
 * numbers are in the 4xx xx xxx range.
 *
 * The mix is what the message routing has to handle, by fixed quotas rather than by chance, so
 * any run with enough pupils shows every case: guardians without parental responsibility (they
 * receive nothing), a protected address, guardians with only a mobile number (SMS), English
 * speakers, siblings sharing their guardians, and guardians in the municipality's written
 * standard (nynorsk where the school directory says so). Pupils with an absence pattern that can
 * open a case are preferred for the special cases, so they show in the demo.
 *
 * `toPeopleCsv` writes the result in the import format (docs/people-format.md), so it goes into
 * the database through the real parser and command line like a school's own export.
 */
import { spreadsheetSafe } from '../app/text-safety';
import { type Pupil as GeneratedPupil, createRng } from '../intake/generate';
import type { Role } from '../machines/vocabulary';
import {
  type Guardian,
  type GuardianLink,
  type PeopleBatch,
  type Pupil,
  type Staff,
  type StaffRoles,
  type WrittenStandard,
} from './people-schema';

/** What the generator needs of a pupil: intake/generate's `pupils` fit as they are. */
export type PupilToPeople = Pick<GeneratedPupil, 'pupilId' | 'schoolId' | 'grade'> & Partial<Pick<GeneratedPupil, 'pattern'>>;

export interface GeneratePeopleOptions {
  pupils: readonly PupilToPeople[];
  seed: number;
  /** The written standard of the school's municipality (the school directory's); bokmål when not given. */
  writtenStandardOf?: (schoolId: string) => WrittenStandard;
}

const GIRLS = [
  'Ingrid',
  'Sigrid',
  'Astrid',
  'Solveig',
  'Marit',
  'Synnøve',
  'Åse',
  'Liv',
  'Ragnhild',
  'Tone',
  'Hege',
  'Eli',
  'Gro',
  'Kjersti',
];
const BOYS = ['Olav', 'Håkon', 'Torstein', 'Eirik', 'Audun', 'Sverre', 'Bjørn', 'Leiv', 'Halvard', 'Arne', 'Geir', 'Tor', 'Øystein', 'Per'];
const LAST_NAMES = [
  'Fjellstad',
  'Bekkelund',
  'Myrvang',
  'Lyngholt',
  'Storåsen',
  'Vikhammer',
  'Tjernli',
  'Furuberg',
  'Holmsæter',
  'Kvernmo',
  'Lien-Dahl',
  'Brattvoll',
  'Sandnæs',
  'Grønnli',
  'Elvebakk',
  'Nordvik',
];

/** Staff of every school beside the contact teachers; roles sorted as the parser gives them back. */
const SCHOOL_STAFF: readonly (readonly Role[])[] = [
  ['principal', 'resource-team', 'school-leadership'], // rektor
  ['coordinator', 'school-leadership'], // inspektør, who also follows the cases up
  ['counsellor', 'resource-team'], // rådgiver
  ['resource-team', 'social-teacher'], // sosiallærer
  ['resource-team', 'school-nurse'], // helsesykepleier
];
const CONTACT_TEACHER_ROLES: readonly Role[] = ['contact-teacher', 'teacher-team'];

/** An e-mail local part of a name: lower case ASCII letters, dots between the words. */
function mailName(name: string): string {
  return name
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/å/g, 'aa')
    .normalize('NFD')
    .replace(/[^a-z\s-]/g, '')
    .trim()
    .split(/[\s-]+/)
    .join('.');
}

interface Household {
  schoolId: string;
  pupils: PupilToPeople[];
  guardians: Guardian[];
  links: { guardianId: string; parentalResponsibility: boolean; livesWith: boolean }[];
}

/** A pupil whose absence can open a case; a pupil with little absence (or no pattern given) is not preferred. */
const mayOpenCase = (pupil: PupilToPeople) => pupil.pattern !== undefined && pupil.pattern !== 'little';

/** Generates the people of the given pupils and the staff of their schools. */
export function generatePeople(options: GeneratePeopleOptions): PeopleBatch {
  const rng = createRng(options.seed ^ 0x5eed9e0b);
  const int = (min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
  const shuffled = <T>(items: readonly T[]): T[] => {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy;
  };
  const mobile = () => `4${String(int(0, 9_999_999)).padStart(7, '0')}`;
  const standardOf = options.writtenStandardOf ?? (() => 'bokmal' as const);
  const usedMail = new Set<string>();
  const mail = (name: string, domain: string) => {
    const base = mailName(name);
    let address = `${base}@${domain}`;
    for (let n = 2; usedMail.has(address); n++) address = `${base}${n}@${domain}`;
    usedMail.add(address);
    return address;
  };

  const schoolIds = [...new Set(options.pupils.map((p) => p.schoolId))];
  const pupils: Pupil[] = [];
  const guardians: Guardian[] = [];
  const guardianLinks: GuardianLink[] = [];
  const staff: Staff[] = [];
  const staffRoles: StaffRoles[] = [];
  const households: Household[] = [];
  const contactTeacherOf = new Map<string, string>();

  for (const schoolId of schoolIds) {
    const own = options.pupils.filter((p) => p.schoolId === schoolId);
    const domain = `${schoolId.toLowerCase()}.example.no`;
    let number = 0;
    const addStaff = (name: string, roles: readonly Role[]) => {
      number += 1;
      const member: Staff = { staffId: `${schoolId}-A${String(number).padStart(2, '0')}`, name, email: mail(name, domain) };
      if (rng() < 0.6) member.mobile = mobile();
      staff.push(member);
      staffRoles.push({ staffId: member.staffId, schoolId, roles: [...roles] });
      return member.staffId;
    };
    for (const roles of SCHOOL_STAFF) addStaff(`${pick(rng() < 0.6 ? GIRLS : BOYS)} ${pick(LAST_NAMES)}`, roles);
    // One contact teacher per grade the school's pupils are in.
    for (const grade of [...new Set(own.map((p) => p.grade))].sort((a, b) => a - b))
      contactTeacherOf.set(
        `${schoolId}|${grade}`,
        addStaff(`${pick(rng() < 0.6 ? GIRLS : BOYS)} ${pick(LAST_NAMES)}`, CONTACT_TEACHER_ROLES),
      );

    // Households: one pupil each, except one pair of siblings per 20 pupils, who share their guardians.
    const order = shuffled(own);
    const pairs = Math.floor(own.length / 20);
    const siblings = new Map<string, PupilToPeople[]>();
    for (let i = 0; i < pairs; i++) siblings.set(order[2 * i]!.pupilId, [order[2 * i]!, order[2 * i + 1]!]);
    const inPair = new Set(order.slice(0, 2 * pairs).map((p) => p.pupilId));
    for (const pupil of own) {
      const group = siblings.get(pupil.pupilId) ?? (inPair.has(pupil.pupilId) ? undefined : [pupil]);
      if (group !== undefined) households.push({ schoolId, pupils: group, guardians: [], links: [] });
    }
  }

  // The guardians of each household, ordinary at first: parental responsibility, e-mail and mostly a mobile.
  for (const household of households) {
    const lastName = pick(LAST_NAMES);
    const standard = standardOf(household.schoolId);
    const count = rng() < 0.7 ? 2 : 1;
    for (let i = 0; i < count; i++) {
      const name = `${pick(i === 0 ? GIRLS : BOYS)} ${i === 1 && rng() < 0.3 ? pick(LAST_NAMES) : lastName}`;
      const guardian: Guardian = {
        guardianId: `F${String(guardians.length + 1).padStart(6, '0')}`,
        name,
        email: mail(name, rng() < 0.8 ? 'example.no' : 'eksempel.invalid'),
        language: standard === 'nynorsk' ? 'nn' : 'nb',
        writtenStandard: standard,
        protectedAddress: false,
      };
      if (rng() < 0.85) guardian.mobile = mobile();
      guardians.push(guardian);
      household.guardians.push(guardian);
      household.links.push({ guardianId: guardian.guardianId, parentalResponsibility: true, livesWith: i === 0 || rng() < 0.7 });
    }
  }

  // The special cases, each in its own households: those that may open a case first.
  const candidates = [
    ...shuffled(households.filter((h) => h.pupils.some(mayOpenCase))),
    ...shuffled(households.filter((h) => !h.pupils.some(mayOpenCase))),
  ];
  const few = Math.max(1, Math.round(households.length / 40));
  const take = (n: number, fits: (h: Household) => boolean) => {
    const chosen = candidates.filter(fits).slice(0, n);
    for (const h of chosen) candidates.splice(candidates.indexOf(h), 1);
    return chosen;
  };
  const twoGuardians = (h: Household) => h.guardians.length === 2;
  // English speakers: the household's guardians read English.
  for (const h of take(few, () => true)) for (const g of h.guardians) g.language = 'en';
  // A protected address: one of two guardians, so the other is there not to be shown it.
  for (const h of take(households.length >= 40 ? 2 : 1, twoGuardians)) h.guardians[1]!.protectedAddress = true;
  // Only a mobile number: messages go by SMS.
  for (const h of take(households.length >= 40 ? 2 : 1, () => true)) {
    const g = h.guardians[0]!;
    delete g.email;
    g.mobile ??= mobile();
  }
  // Without parental responsibility (and not living with the child): they receive nothing.
  for (const h of take(few, twoGuardians)) h.links[1] = { ...h.links[1]!, parentalResponsibility: false, livesWith: false };

  // Pupils and links in the order the CSV writes them: by school, each pupil with its guardians.
  const householdOf = new Map(households.flatMap((h) => h.pupils.map((p) => [p.pupilId, h] as const)));
  for (const pupil of options.pupils) {
    const household = householdOf.get(pupil.pupilId)!;
    const lastName = household.guardians[0]!.name.split(' ').slice(1).join(' ');
    // Not the first name of a parent or of a sibling already named.
    const taken = new Set(
      [...household.guardians, ...pupils.filter((p) => household.pupils.some((h) => h.pupilId === p.pupilId))].map(
        (p) => p.name.split(' ')[0],
      ),
    );
    const names = (rng() < 0.5 ? GIRLS : BOYS).filter((name) => !taken.has(name));
    pupils.push({
      schoolId: pupil.schoolId,
      pupilId: pupil.pupilId,
      name: `${pick(names)} ${lastName}`,
      grade: pupil.grade,
      contactTeacherId: contactTeacherOf.get(`${pupil.schoolId}|${pupil.grade}`)!,
    });
    for (const link of household.links) guardianLinks.push({ schoolId: pupil.schoolId, pupilId: pupil.pupilId, ...link });
  }
  // Guardians in the order of their first row, as the parser gives them back.
  const firstRow = new Map<string, number>();
  guardianLinks.forEach((link, i) => firstRow.has(link.guardianId) || firstRow.set(link.guardianId, i));
  guardians.sort((a, b) => firstRow.get(a.guardianId)! - firstRow.get(b.guardianId)!);
  return { pupils, guardians, guardianLinks, staff, staffRoles };
}

const HEADER = [
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
] as const;
type Column = (typeof HEADER)[number];

/** The Norwegian name the format documents first for a role; the role id where it has none. */
const roleNames: ReadonlyMap<Role, string> = new Map(
  Object.entries({
    'contact-teacher': 'kontaktlærer',
    'teacher-team': 'lærerteam',
    teacher: 'faglærer',
    principal: 'rektor',
    'school-leadership': 'ledelse',
    'social-teacher': 'sosiallærer',
    counsellor: 'rådgiver',
    'resource-team': 'ressursteam',
    'school-nurse': 'helsesykepleier',
    coordinator: 'koordinator',
  } satisfies Partial<Record<Role, string>>) as [Role, string][],
);

/** Quotes a cell when it holds the delimiter, a quote or a line break (RFC 4180). */
const cell = (value: string) => (/[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const yesNo = (value: boolean) => (value ? 'ja' : 'nei');

/**
 * The people as a people-directory CSV export (docs/people-format.md: `;`, Norwegian headers,
 * ja/nei): per school its staff, then each pupil followed by their guardians. Names and e-mail
 * addresses go through `spreadsheetSafe`; ids, numbers and flags are written as they are.
 */
export function toPeopleCsv(batch: PeopleBatch): string {
  const lines = [HEADER.join(';')];
  const row = (cells: Partial<Record<Column, string>>) => lines.push(HEADER.map((column) => cell(cells[column] ?? '')).join(';'));
  const staffById = new Map(batch.staff.map((s) => [s.staffId, s]));
  const linksOf = new Map<string, GuardianLink[]>();
  for (const link of batch.guardianLinks) {
    const k = `${link.schoolId}|${link.pupilId}`;
    linksOf.set(k, [...(linksOf.get(k) ?? []), link]);
  }
  const guardianById = new Map(batch.guardians.map((g) => [g.guardianId, g]));
  const schoolIds = [...new Set([...batch.staffRoles.map((r) => r.schoolId), ...batch.pupils.map((p) => p.schoolId)])];
  for (const schoolId of schoolIds) {
    for (const { staffId, roles } of batch.staffRoles.filter((r) => r.schoolId === schoolId)) {
      const member = staffById.get(staffId);
      if (member === undefined) throw new Error(`ansatt ${staffId} har roller, men står ikke blant de ansatte`);
      row({
        type: 'ansatt',
        skole: schoolId,
        'ansatt-id': staffId,
        navn: spreadsheetSafe(member.name),
        'e-post': spreadsheetSafe(member.email),
        mobil: member.mobile ?? '',
        roller: roles.map((r) => roleNames.get(r) ?? r).join(', '),
      });
    }
    for (const pupil of batch.pupils.filter((p) => p.schoolId === schoolId)) {
      row({
        type: 'elev',
        skole: schoolId,
        'elev-id': pupil.pupilId,
        navn: spreadsheetSafe(pupil.name),
        trinn: String(pupil.grade),
        kontaktlærer: pupil.contactTeacherId ?? '',
      });
      for (const link of linksOf.get(`${schoolId}|${pupil.pupilId}`) ?? []) {
        const guardian = guardianById.get(link.guardianId);
        if (guardian === undefined) throw new Error(`foresatt ${link.guardianId} er koblet til en elev, men står ikke blant de foresatte`);
        row({
          type: 'foresatt',
          skole: schoolId,
          'elev-id': pupil.pupilId,
          'foresatt-id': guardian.guardianId,
          navn: spreadsheetSafe(guardian.name),
          'e-post': guardian.email === undefined ? '' : spreadsheetSafe(guardian.email),
          mobil: guardian.mobile ?? '',
          språk: guardian.language,
          målform: guardian.writtenStandard === 'nynorsk' ? 'nynorsk' : 'bokmål',
          foreldreansvar: yesNo(link.parentalResponsibility),
          'bor sammen': yesNo(link.livesWith),
          'skjermet adresse': yesNo(guardian.protectedAddress),
        });
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
