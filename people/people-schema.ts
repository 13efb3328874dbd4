/**
 * The shapes of the people directory: pupils, guardians (with their link to a pupil) and staff
 * (with their roles at a school), as the CSV import and the store use them. Every zod message
 * is Norwegian and names the field and the value refused, as the absence intake does. Ids follow
 * the product's one pattern for them (machines/identifiers.ts): never a name, so a case in
 * Temporal can carry them without carrying who the person is.
 */
import { z } from 'zod';
import { PUPIL_ID_PATTERN, gradeSchema, pupilIdSchema, quoteValue, schoolIdSchema } from '../machines/identifiers';
import { type Role, roleSchema } from '../machines/vocabulary';

const missingOr = (label: string, expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `${label} mangler` : `${label} ${quoteValue(issue.input)} ${expected}`;

/** A person id (guardian, staff): the same safe pattern as pupil ids. */
const personIdSchema = (label: string) =>
  z
    .string({ error: missingOr(label, 'må være tekst') })
    .trim()
    .refine((value) => PUPIL_ID_PATTERN.test(value), {
      error: (issue) =>
        issue.input === ''
          ? `${label} mangler`
          : `${label} ${quoteValue(issue.input)} er ugyldig: bruk bokstaver, sifre, bindestrek, understrek og punktum (1–64 tegn, første tegn bokstav eller siffer)`,
    });

export const guardianIdSchema = personIdSchema('foresatt-id');
export const staffIdSchema = personIdSchema('ansatt-id');

const nameSchema = z
  .string({ error: missingOr('navn', 'må være tekst') })
  .trim()
  .min(1, { error: 'navn mangler' })
  .max(200, { error: (issue) => `navn ${quoteValue(issue.input)} er lengre enn 200 tegn` });

const emailSchema = z
  .string({ error: missingOr('e-post', 'må være tekst') })
  .trim()
  .pipe(z.email({ error: (issue) => `e-post ${quoteValue(issue.input)} er ikke en gyldig e-postadresse` }));

/** Spaces are dropped (exports write «912 34 567»); 8 digits is a Norwegian number, else + and country code. */
export const mobileSchema = z
  .string({ error: missingOr('mobil', 'må være tekst') })
  .transform((value) => value.replace(/[\s-]/g, ''))
  .refine((value) => /^(\d{8}|\+\d{8,15})$/.test(value), {
    error: (issue) => `mobil ${quoteValue(issue.input)} må være 8 sifre eller + og landskode (f.eks. +4791234567)`,
  });

/** Language of messages: an ISO 639-1 code ('nb', 'nn', 'en', 'uk', …). */
export const languageSchema = z
  .string({ error: missingOr('språk', 'må være tekst') })
  .trim()
  .toLowerCase()
  .refine((value) => /^[a-z]{2}$/.test(value), {
    error: (issue) => `språk ${quoteValue(issue.input)} må være en språkkode på to bokstaver (nb, nn, en, …)`,
  });

export const writtenStandardSchema = z.enum(['bokmal', 'nynorsk'], {
  error: (issue) => `målform ${quoteValue(issue.input)} må være bokmål eller nynorsk`,
});
export type WrittenStandard = z.infer<typeof writtenStandardSchema>;

const flag = (label: string) => z.boolean({ error: missingOr(label, 'må være ja eller nei') });

export const pupilSchema = z.strictObject({
  schoolId: schoolIdSchema,
  pupilId: pupilIdSchema,
  name: nameSchema,
  grade: gradeSchema,
  contactTeacherId: staffIdSchema.optional(),
});
export type Pupil = z.infer<typeof pupilSchema>;

export const guardianSchema = z.strictObject({
  guardianId: guardianIdSchema,
  name: nameSchema,
  email: emailSchema.optional(),
  mobile: mobileSchema.optional(),
  language: languageSchema,
  writtenStandard: writtenStandardSchema,
  protectedAddress: flag('skjermet adresse'),
});
export type Guardian = z.infer<typeof guardianSchema>;

/** A guardian of one pupil at one school. */
export const guardianLinkSchema = z.strictObject({
  schoolId: schoolIdSchema,
  pupilId: pupilIdSchema,
  guardianId: guardianIdSchema,
  parentalResponsibility: flag('foreldreansvar'),
  livesWith: flag('bor sammen med eleven'),
});
export type GuardianLink = z.infer<typeof guardianLinkSchema>;

export const staffSchema = z.strictObject({
  staffId: staffIdSchema,
  name: nameSchema,
  email: emailSchema,
  mobile: mobileSchema.optional(),
});
export type Staff = z.infer<typeof staffSchema>;

/** The roles one member of staff holds at one school; the import replaces that school's set. */
export const staffRolesSchema = z.strictObject({
  staffId: staffIdSchema,
  schoolId: schoolIdSchema,
  roles: z.array(roleSchema).min(1, { error: 'roller mangler' }),
});
export type StaffRoles = z.infer<typeof staffRolesSchema>;

/** A guardian as linked to a pupil: who they are and what they may receive. */
export type PupilGuardian = Guardian & Pick<GuardianLink, 'parentalResponsibility' | 'livesWith'>;
/** A member of staff with their roles at one school. */
export type StaffMember = Staff & { schoolId: string; roles: Role[] };

/** Everything one import stores; the parser builds it, the store writes it in one transaction. */
export interface PeopleBatch {
  pupils: Pupil[];
  guardians: Guardian[];
  guardianLinks: GuardianLink[];
  staff: Staff[];
  staffRoles: StaffRoles[];
}

/** Norwegian role names accepted in the «roller» column, beside the product's English role ids. */
export const norwegianRoleNames: Readonly<Record<string, Role>> = {
  kontaktlærer: 'contact-teacher',
  lærerteam: 'teacher-team',
  faglærer: 'teacher',
  lærer: 'teacher',
  rektor: 'principal',
  ledelse: 'school-leadership',
  skoleledelse: 'school-leadership',
  sosiallærer: 'social-teacher',
  rådgiver: 'counsellor',
  ressursteam: 'resource-team',
  helsesykepleier: 'school-nurse',
  koordinator: 'coordinator',
};
