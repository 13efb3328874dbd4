/**
 * The synthetic people directory of the demo (people/generate-people.ts): the same pupils and
 * seed give the same file; the file goes through the real parser with no refused row and gives
 * back what was generated; every demo pupil has a guardian who receives messages and a contact
 * teacher at their school; and the mix the message routing must handle is there (protected
 * address, no parental responsibility, mobile only, English, nynorsk in the nynorsk municipality).
 */
import { type SchoolDirectory, loadSchoolDirectory } from '../../detection/school-directory';
import { generate } from '../../intake/generate';
import { generatePeople, toPeopleCsv } from '../../people/generate-people';
import { parsePeopleCsv } from '../../people/parse-people';
import type { PeopleBatch } from '../../people/people-schema';
import { type PupilPeople, recipientsFor } from '../../people/recipients';
import { DEMO_PUPILS_PER_SCHOOL, DEMO_SCHOOL_IDS, DEMO_SEED } from '../../scripts/lib/demo-data';

let directory: SchoolDirectory;
beforeAll(async () => {
  directory = await loadSchoolDirectory('config/schools.json');
});

/** The demo's pupils of a school year, as scripts/lib/demo-data.ts generates them. */
const demoPupils = (schoolYear: number) =>
  generate({
    pupils: DEMO_SCHOOL_IDS.length * DEMO_PUPILS_PER_SCHOOL,
    seed: DEMO_SEED,
    schoolYear,
    pupilsPerSchool: DEMO_PUPILS_PER_SCHOOL,
    schoolIds: DEMO_SCHOOL_IDS,
  }).pupils;
const demoPeople = (schoolYear: number, seed = DEMO_SEED) =>
  generatePeople({
    pupils: demoPupils(schoolYear),
    seed,
    writtenStandardOf: (schoolId) => directory.get(schoolId)?.writtenStandard ?? 'bokmal',
  });

/** The people of one pupil as the recipient rules see them. */
function peopleOf(batch: PeopleBatch, schoolId: string, pupilId: string): PupilPeople {
  const pupil = batch.pupils.find((p) => p.schoolId === schoolId && p.pupilId === pupilId)!;
  const guardians = batch.guardianLinks
    .filter((l) => l.schoolId === schoolId && l.pupilId === pupilId)
    .map((l) => ({ ...batch.guardians.find((g) => g.guardianId === l.guardianId)!, ...l }))
    .map(({ schoolId: _s, pupilId: _p, ...guardian }) => guardian);
  const staff = batch.staffRoles
    .filter((r) => r.schoolId === schoolId)
    .map((r) => ({ ...batch.staff.find((s) => s.staffId === r.staffId)!, schoolId: r.schoolId, roles: r.roles }));
  return { pupil, guardians, staff };
}

test('the same pupils and seed give the same file; another seed gives other people for the same pupils', () => {
  const csv = toPeopleCsv(demoPeople(2026));
  expect(toPeopleCsv(demoPeople(2026))).toBe(csv);
  const other = demoPeople(2026, DEMO_SEED + 1);
  expect(toPeopleCsv(other)).not.toBe(csv);
  expect(other.pupils.map((p) => p.pupilId)).toEqual(demoPeople(2026).pupils.map((p) => p.pupilId));
});

describe.each([2025, 2026])('the demo pupils of school year %i', (schoolYear) => {
  let people: PeopleBatch;
  beforeAll(() => {
    people = demoPeople(schoolYear);
  });

  test('the CSV goes through the real parser with no refused row and gives back exactly what was generated', () => {
    const csv = toPeopleCsv(people);
    expect(csv.split('\n')[0]).toBe(
      'type;skole;elev-id;foresatt-id;ansatt-id;navn;trinn;kontaktlærer;e-post;mobil;språk;målform;foreldreansvar;bor sammen;skjermet adresse;roller',
    );
    const parsed = parsePeopleCsv(csv, { knownSchools: new Set(directory.schoolIds()) });
    expect(parsed.errors).toEqual([]);
    expect(parsed.ignoredColumns).toEqual([]);
    expect(parsed.batch).toEqual(people);
  });

  test('every demo pupil, with their grade, has a guardian who receives messages and their own contact teacher at their school', () => {
    const pupils = demoPupils(schoolYear);
    expect(people.pupils.map(({ pupilId, schoolId, grade }) => ({ pupilId, schoolId, grade }))).toEqual(
      pupils.map(({ pupilId, schoolId, grade }) => ({ pupilId, schoolId, grade })),
    );
    for (const { schoolId, pupilId } of pupils) {
      const pupil = peopleOf(people, schoolId, pupilId);
      expect(recipientsFor('guardians', pupil).length).toBeGreaterThanOrEqual(1);
      const teachers = recipientsFor('contact-teacher', pupil);
      expect(teachers).toHaveLength(1);
      // One contact teacher per grade: classmates share theirs, other grades have another.
      const sameGrade = people.pupils.filter((p) => p.schoolId === schoolId && p.grade === pupil.pupil.grade);
      expect(new Set(sameGrade.map((p) => p.contactTeacherId))).toEqual(new Set([pupil.pupil.contactTeacherId]));
    }
    expect(people.pupils.every((p) => p.name.trim().split(' ').length >= 2)).toBe(true);
  });

  test('every demo school has a principal, leadership, counsellor, social teacher, school nurse and resource team', () => {
    for (const schoolId of DEMO_SCHOOL_IDS) {
      const pupil = peopleOf(people, schoolId, people.pupils.find((p) => p.schoolId === schoolId)!.pupilId);
      for (const role of ['principal', 'school-leadership', 'counsellor', 'social-teacher', 'school-nurse', 'resource-team'] as const)
        expect([schoolId, role, recipientsFor(role, pupil).length > 0]).toEqual([schoolId, role, true]);
    }
  });

  test('the mix the routing must handle: protected address, no parental responsibility, mobile only, English', () => {
    const protectedAddress = people.guardians.filter((g) => g.protectedAddress);
    expect(protectedAddress.length).toBeGreaterThanOrEqual(1);
    expect(protectedAddress.length).toBeLessThanOrEqual(2);
    const withoutResponsibility = people.guardianLinks.filter((l) => !l.parentalResponsibility);
    expect(withoutResponsibility.length).toBeGreaterThanOrEqual(2);
    expect(withoutResponsibility.length).toBeLessThan(people.guardianLinks.length / 10);
    // Mobile only, and still a recipient, so an SMS goes out.
    const mobileOnly = people.guardians.filter((g) => g.email === undefined);
    expect(mobileOnly.length).toBeGreaterThanOrEqual(1);
    for (const g of mobileOnly) {
      expect(g.mobile).toMatch(/^4\d{7}$/);
      expect(people.guardianLinks.some((l) => l.guardianId === g.guardianId && l.parentalResponsibility)).toBe(true);
    }
    expect(people.guardians.filter((g) => g.language === 'en').length).toBeGreaterThanOrEqual(2);
    expect(people.guardians.filter((g) => g.language === 'en').length).toBeLessThan(people.guardians.length / 10);
    // A guardian of siblings has a row per pupil.
    const links = new Map<string, number>();
    for (const l of people.guardianLinks) links.set(l.guardianId, (links.get(l.guardianId) ?? 0) + 1);
    expect([...links.values()].some((n) => n === 2)).toBe(true);
    // 1–2 guardians a pupil.
    const perPupil = new Map<string, number>();
    for (const l of people.guardianLinks) perPupil.set(l.pupilId, (perPupil.get(l.pupilId) ?? 0) + 1);
    expect(new Set(perPupil.values())).toEqual(new Set([1, 2]));
  });

  test('only fictional contact details: e-mail at reserved domains, mobiles 4xx xx xxx', () => {
    for (const g of people.guardians) {
      if (g.email !== undefined) expect(g.email).toMatch(/^[a-z0-9.]+@(example\.no|eksempel\.invalid)$/);
      if (g.mobile !== undefined) expect(g.mobile).toMatch(/^4\d{7}$/);
    }
    for (const s of people.staff) {
      expect(s.email).toMatch(/^[a-z0-9.]+@s\d{3}\.example\.no$/);
      if (s.mobile !== undefined) expect(s.mobile).toMatch(/^4\d{7}$/);
    }
  });

  test('guardians write in their municipality’s standard: nynorsk at S016 (Hardanger), bokmål elsewhere', () => {
    const schoolOf = new Map(people.guardianLinks.map((l) => [l.guardianId, l.schoolId]));
    const norwegian = people.guardians.filter((g) => g.language !== 'en');
    const atS016 = norwegian.filter((g) => schoolOf.get(g.guardianId) === 'S016');
    expect(atS016.length).toBeGreaterThan(0);
    expect(atS016.every((g) => g.language === 'nn' && g.writtenStandard === 'nynorsk')).toBe(true);
    const elsewhere = norwegian.filter((g) => schoolOf.get(g.guardianId) !== 'S016');
    expect(elsewhere.every((g) => g.language === 'nb' && g.writtenStandard === 'bokmal')).toBe(true);
  });
});

test('without a written standard per school every guardian writes bokmål', () => {
  const people = generatePeople({ pupils: demoPupils(2026), seed: DEMO_SEED });
  expect(new Set(people.guardians.map((g) => g.writtenStandard))).toEqual(new Set(['bokmal']));
});

test('a handful of pupils at one school still gets every special case that fits', () => {
  const pupils = [1, 2, 3, 4, 5, 6].map((n) => ({ pupilId: `E${n}`, schoolId: 'S001', grade: 3 + (n % 2) }));
  const people = generatePeople({ pupils, seed: 1 });
  expect(parsePeopleCsv(toPeopleCsv(people)).errors).toEqual([]);
  expect(
    people.staff.filter((s) => people.staffRoles.some((r) => r.staffId === s.staffId && r.roles.includes('contact-teacher'))),
  ).toHaveLength(2);
  expect(people.guardians.some((g) => g.email === undefined)).toBe(true);
  expect(people.guardians.some((g) => g.language === 'en')).toBe(true);
});
