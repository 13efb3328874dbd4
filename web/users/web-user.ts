/**
 * Who uses the web application and what their role lets them reach: a contact teacher their
 * pupils at one school, a principal one school, a municipal coordinator one municipality, an
 * auditor everything (or one municipality) read-only, an administrator the users themselves.
 * A new user is checked with zod, each role's rule included, every message in Norwegian naming
 * the field and the value.
 */
import { z } from 'zod';
import { quoteValue, schoolIdSchema } from '../../machines/identifiers';
import { parseOptions } from '../../machines/zod-issues';
import { staffIdSchema } from '../../people/people-schema';

/** The roles of the web application (not the case roles of machines/vocabulary.ts). */
export const WEB_ROLES = ['contact-teacher', 'principal', 'coordinator', 'auditor', 'administrator'] as const;

/** The roles' Norwegian names, as pages and messages show them. */
export const webRoleNames: Readonly<Record<(typeof WEB_ROLES)[number], string>> = {
  'contact-teacher': 'kontaktlærer',
  principal: 'rektor',
  coordinator: 'kommunal koordinator',
  auditor: 'revisor',
  administrator: 'administrator',
};

export const webRoleSchema = z.enum(WEB_ROLES, {
  error: (issue) =>
    issue.input === undefined
      ? 'rolle mangler'
      : `rolle ${quoteValue(issue.input)} er ukjent; gyldige roller: ${WEB_ROLES.map((r) => `${r} (${webRoleNames[r]})`).join(', ')}`,
});
export type WebRole = z.infer<typeof webRoleSchema>;

/** A signed-in user as the web application sees them: who, and the scope of their role. */
export interface WebUser {
  userId: string;
  username: string;
  displayName: string;
  role: WebRole;
  staffId?: string;
  schoolId?: string;
  municipalityId?: string;
}

const missingOr = (label: string, expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `${label} mangler` : `${label} ${quoteValue(issue.input)} ${expected}`;

/** Lower-cased, so one address is one user however it is typed; an e-mail address or a plain name. */
export const usernameSchema = z
  .string({ error: missingOr('brukernavn', 'må være tekst') })
  .trim()
  .toLowerCase()
  .refine((value) => /^[a-z0-9][a-z0-9._@+-]{1,99}$/.test(value), {
    error: (issue) =>
      issue.input === ''
        ? 'brukernavn mangler'
        : `brukernavn ${quoteValue(issue.input)} er ugyldig: bruk bokstavene a–z, sifre og . _ @ + - (2–100 tegn, første tegn bokstav eller siffer)`,
  });

const displayNameSchema = z
  .string({ error: missingOr('navn', 'må være tekst') })
  .trim()
  .min(1, { error: 'navn mangler' })
  .max(200, { error: (issue) => `navn ${quoteValue(issue.input)} er lengre enn 200 tegn` });

/** A municipality id: a key of the school directory's `municipalities` (detection/school-directory.ts). */
export const municipalityIdSchema = z
  .string({ error: missingOr('kommune-id', 'må være tekst') })
  .trim()
  .refine((value) => /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(value), {
    error: (issue) =>
      issue.input === ''
        ? 'kommune-id mangler'
        : `kommune-id ${quoteValue(issue.input)} er ugyldig: bruk bokstaver, sifre, bindestrek, understrek og punktum (1–64 tegn)`,
  });

type ScopeField = 'staffId' | 'schoolId' | 'municipalityId';
const fieldLabels: Record<ScopeField, string> = { staffId: 'ansatt-id', schoolId: 'skole-id', municipalityId: 'kommune-id' };

/** Per role: the scope fields it needs and those it may have; any other scope field is refused. */
export const ROLE_SCOPE: Readonly<Record<WebRole, { required: readonly ScopeField[]; optional: readonly ScopeField[] }>> = {
  // A contact teacher sees the pupils whose contact teacher they are: their staff id at their school.
  'contact-teacher': { required: ['staffId', 'schoolId'], optional: [] },
  principal: { required: ['schoolId'], optional: ['staffId'] },
  coordinator: { required: ['municipalityId'], optional: ['staffId'] },
  // Without a municipality, an auditor reads every municipality's cases.
  auditor: { required: [], optional: ['municipalityId'] },
  administrator: { required: [], optional: [] },
};

/** A user to create: who they are, their role and its scope (ROLE_SCOPE). */
export const newWebUserSchema = z
  .strictObject({
    username: usernameSchema,
    displayName: displayNameSchema,
    role: webRoleSchema,
    staffId: staffIdSchema.optional(),
    schoolId: schoolIdSchema.optional(),
    municipalityId: municipalityIdSchema.optional(),
  })
  .superRefine((user, ctx) => {
    const scope = ROLE_SCOPE[user.role];
    const roleName = webRoleNames[user.role];
    for (const field of scope.required)
      if (user[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: `${fieldLabels[field]} mangler: rollen ${roleName} krever den` });
    for (const field of Object.keys(fieldLabels) as ScopeField[]) {
      const value = user[field];
      if (value !== undefined && !scope.required.includes(field) && !scope.optional.includes(field))
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `${fieldLabels[field]} ${quoteValue(value)} hører ikke til rollen ${roleName}`,
        });
    }
  });
export type NewWebUser = z.infer<typeof newWebUserSchema>;
export type NewWebUserInput = z.input<typeof newWebUserSchema>;
/** A new user as typed by a person (role still text): `parseNewWebUser` checks it. */
export type UncheckedNewWebUser = Omit<NewWebUserInput, 'role'> & { role: string };

/** A new user refused (Norwegian message naming each bad field and value), a taken username, an unknown user or token. */
export class WebUserError extends Error {
  override name = 'WebUserError';
}

/** Parses a new user; throws WebUserError with every refused field, one per line. */
export function parseNewWebUser(input: unknown): NewWebUser {
  const parsed = newWebUserSchema.safeParse(input, parseOptions);
  if (parsed.success) return parsed.data;
  throw new WebUserError(`Ugyldig bruker: ${parsed.error.issues.map((issue) => issue.message).join('; ')}.`);
}
