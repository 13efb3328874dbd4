/**
 * The one shape of an absence registration: what the importer accepts and stores, and what
 * detection reads (`detection/rules.ts`), with the identity key used for idempotent storage.
 * Ids and grade follow the product's one rule for them (machines/identifiers.ts). Every message
 * names the field and echoes the value that was refused, so a school can find and fix the cell.
 * The reason code is kept as the school's system exports it (e.g. `SYK`): no detection rule
 * depends on the reason, only on valid/invalid and notice, so it is not mapped to a coarser list.
 */
import { z } from 'zod';
import { MAX_GRADE, gradeSchema, pupilIdSchema, quoteValue, schoolIdSchema } from '../machines/identifiers';

/** Highest grade in Norwegian primary and lower secondary school (grunnskole); one rule, in machines/identifiers.ts. */
export { MAX_GRADE };
/** A school day has at most this many lessons; more is a registration error. */
export const MAX_LESSONS_PER_DAY = 12;
/** A partial registration covers less than one school day; 10 hours is a generous ceiling. */
export const MAX_MINUTES_PER_DAY = 600;

/** "mangler" for a missing value, else the field, the value and what it should have been. */
const missingOr = (label: string, expected: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `${label} mangler` : `${label} ${quoteValue(issue.input)} ${expected}`;

const requiredText = (label: string, max: number) =>
  z
    .string({ error: missingOr(label, 'må være tekst') })
    .trim()
    .min(1, { error: `${label} mangler` })
    .max(max, { error: (issue) => `${label} ${quoteValue(issue.input)} er lengre enn ${max} tegn` });

/** Ids are trimmed (exports carry stray spaces) and then held to the one id pattern. */
const trimmedId = (label: string, schema: z.ZodType<string, string>) =>
  z
    .string({ error: missingOr(label, 'må være tekst') })
    .trim()
    .pipe(schema);

/**
 * True for yyyy-MM-dd naming a day that exists (2026-02-31 does not). A UTC round trip instead
 * of date-fns' format matcher: it runs for every imported row, and the matcher dominated import.
 */
export function isRealIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A calendar date written yyyy-MM-dd that exists (2026-02-31 does not). */
export const isoDateSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'dato mangler' : `ugyldig dato ${quoteValue(issue.input)} (bruk åååå-mm-dd)`) })
  .refine((value) => isRealIsoDate(value), {
    error: (issue) => `ugyldig dato ${quoteValue(issue.input)} (bruk åååå-mm-dd eller dd.mm.åååå)`,
  });

/** JSON booleans; CSV cells are converted (ja/nei, true/false, 1/0) before they get here. */
const flag = (label: string) => z.boolean({ error: missingOr(label, 'må være true eller false') });

const count = (label: string, max: number) =>
  z
    .number({ error: missingOr(label, 'må være et tall') })
    .int({ error: (issue) => `${label} ${quoteValue(issue.input)} må være et heltall` })
    .min(1, { error: (issue) => `${label} ${quoteValue(issue.input)} må være minst 1` })
    .max(max, { error: (issue) => `${label} ${quoteValue(issue.input)} kan ikke være mer enn ${max}` });

const booleanText = (value: boolean) => (value ? 'ja' : 'nei');

export const registrationSchema = z
  .strictObject(
    {
      pupilId: trimmedId('elev-id', pupilIdSchema),
      schoolId: trimmedId('skole-id', schoolIdSchema),
      grade: gradeSchema,
      date: isoDateSchema,
      wholeDay: flag('heldag'),
      lessons: count('timer', MAX_LESSONS_PER_DAY).optional(),
      minutes: count('minutter', MAX_MINUTES_PER_DAY).optional(),
      valid: flag('gyldig'),
      notifiedByGuardians: flag('meldt av foresatte'),
      lateArrival: flag('forsentkomst'),
      leftDuringDay: flag('gikk i løpet av dagen'),
      reasonCode: requiredText('årsakskode', 40),
      note: z
        .string({ error: missingOr('merknad', 'må være tekst') })
        .trim()
        .max(500, { error: (issue) => `merknad ${quoteValue(issue.input)} er lengre enn 500 tegn` })
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `ukjent${issue.keys.length > 1 ? 'e' : ''} felt ${issue.keys.map((k) => quoteValue(k)).join(', ')}`
          : undefined,
    },
  )
  .superRefine((reg, ctx) => {
    // A whole day is one registration with no lesson/minute count; a partial day must say how much.
    if (reg.wholeDay) {
      for (const field of ['lessons', 'minutes', 'lateArrival', 'leftDuringDay'] as const) {
        const value = reg[field];
        if (value !== undefined && value !== false) {
          const shown = typeof value === 'boolean' ? booleanText(value) : value;
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `${fieldLabels[field]} ${quoteValue(shown)} kan ikke oppgis for fravær hele dagen`,
          });
        }
      }
    } else if (reg.lessons === undefined && reg.minutes === undefined) {
      ctx.addIssue({ code: 'custom', path: ['lessons'], message: 'delvis fravær må ha timer og/eller minutter' });
    }
    // Late arrival and leaving early on the same day are two registrations in Visma; keeping them
    // apart keeps the identity key (school + pupil + date + kind) unambiguous.
    if (reg.lateArrival && reg.leftDuringDay) {
      ctx.addIssue({
        code: 'custom',
        path: ['leftDuringDay'],
        message: 'forsentkomst og gikk i løpet av dagen er begge «ja»: registrer dem som to rader',
      });
    }
  });

export type Registration = z.infer<typeof registrationSchema>;

/** Norwegian label of each field, for messages. */
export const fieldLabels: Record<keyof Registration, string> = {
  pupilId: 'elev-id',
  schoolId: 'skole-id',
  grade: 'trinn',
  date: 'dato',
  wholeDay: 'heldag',
  lessons: 'timer',
  minutes: 'minutter',
  valid: 'gyldig',
  notifiedByGuardians: 'meldt av foresatte',
  lateArrival: 'forsentkomst',
  leftDuringDay: 'gikk i løpet av dagen',
  reasonCode: 'årsakskode',
  note: 'merknad',
};

/** Field order used for CSV output and canonical serialisation. */
export const registrationFields = Object.keys(fieldLabels) as (keyof Registration)[];

/** What a registration records on its day; with school, pupil and date it identifies it. */
export type RegistrationKind = 'whole-day' | 'late-arrival' | 'left-during-day' | 'partial';

export function registrationKind(reg: Pick<Registration, 'wholeDay' | 'lateArrival' | 'leftDuringDay'>): RegistrationKind {
  if (reg.wholeDay) return 'whole-day';
  if (reg.lateArrival) return 'late-arrival';
  if (reg.leftDuringDay) return 'left-during-day';
  return 'partial';
}

/** Norwegian name of each kind, for messages. */
export const kindLabels: Record<RegistrationKind, string> = {
  'whole-day': 'hele dagen',
  'late-arrival': 'forsentkomst',
  'left-during-day': 'gikk i løpet av dagen',
  partial: 'delvis fravær',
};

type KeyFields = Pick<Registration, 'schoolId' | 'pupilId' | 'date' | 'wholeDay' | 'lateArrival' | 'leftDuringDay'>;

/**
 * Identity of a registration for idempotent storage: school, pupil, date and kind. Re-importing
 * the same row hits the same key (unchanged); a corrected row (e.g. valid changed) updates it.
 * The school is part of it because each school registers its own absence: a pupil registered by
 * two schools on one day (a move, or a mistake) is two registrations, and one school's import
 * can never replace or remove another school's. `|` cannot occur in a valid school or pupil id.
 */
export function registrationKey(reg: KeyFields): string {
  return `${reg.schoolId}|${dayKey(reg)}`;
}

/** Pupil, date and kind without the school: rows sharing it at two schools are a cross-school conflict. */
export function dayKey(reg: Omit<KeyFields, 'schoolId'>): string {
  return `${reg.pupilId}|${reg.date}|${registrationKind(reg)}`;
}

/** Stable JSON of a registration (fixed key order, absent optionals left out), for equality checks. */
export function canonicalJson(reg: Registration): string {
  const ordered: Record<string, unknown> = {};
  for (const field of registrationFields) {
    if (reg[field] !== undefined) ordered[field] = reg[field];
  }
  return JSON.stringify(ordered);
}
