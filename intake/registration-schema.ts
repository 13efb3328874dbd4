/**
 * The one shape of an absence registration: what the importer accepts and stores, and what
 * detection reads (`detection/rules.ts`), with the identity key used for idempotent storage.
 * The reason code is kept as the school's system exports it (e.g. `SYK`): no detection rule
 * depends on the reason, only on valid/invalid and notice, so it is not mapped to a coarser list.
 */
import { z } from 'zod';

/** Highest grade in Norwegian primary and lower secondary school (grunnskole). */
export const MAX_GRADE = 10;
/** A school day has at most this many lessons; more is a registration error. */
export const MAX_LESSONS_PER_DAY = 12;
/** A partial registration covers less than one school day; 10 hours is a generous ceiling. */
export const MAX_MINUTES_PER_DAY = 600;

const requiredText = (label: string, max: number) =>
  z
    .string({ error: `${label} mangler` })
    .trim()
    .min(1, { error: `${label} mangler` })
    .max(max, { error: `${label} er lengre enn ${max} tegn` });

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
  .string({ error: 'dato mangler' })
  .refine((value) => isRealIsoDate(value), {
    error: (issue) => `ugyldig dato «${String(issue.input)}» (bruk åååå-mm-dd eller dd.mm.åååå)`,
  });

const flag = (label: string) => z.boolean({ error: `${label} må være ja eller nei` });

export const registrationSchema = z
  .strictObject(
    {
      pupilId: requiredText('elev-id', 64),
      schoolId: requiredText('skole-id', 64),
      grade: z
        .number({ error: 'trinn må være et tall' })
        .int({ error: 'trinn må være et heltall' })
        .min(1, { error: `trinn må være fra 1 til ${MAX_GRADE}` })
        .max(MAX_GRADE, { error: `trinn må være fra 1 til ${MAX_GRADE}` }),
      date: isoDateSchema,
      wholeDay: flag('heldag'),
      lessons: z
        .number({ error: 'timer må være et tall' })
        .int({ error: 'timer må være et heltall' })
        .min(1, { error: 'timer må være minst 1' })
        .max(MAX_LESSONS_PER_DAY, { error: `timer kan ikke være mer enn ${MAX_LESSONS_PER_DAY}` })
        .optional(),
      minutes: z
        .number({ error: 'minutter må være et tall' })
        .int({ error: 'minutter må være et heltall' })
        .min(1, { error: 'minutter må være minst 1' })
        .max(MAX_MINUTES_PER_DAY, { error: `minutter kan ikke være mer enn ${MAX_MINUTES_PER_DAY}` })
        .optional(),
      valid: flag('gyldig'),
      notifiedByGuardians: flag('meldt av foresatte'),
      lateArrival: flag('forsentkomst'),
      leftDuringDay: flag('gikk i løpet av dagen'),
      reasonCode: requiredText('årsakskode', 40),
      note: z.string({ error: 'merknad må være tekst' }).trim().max(500, { error: 'merknad er lengre enn 500 tegn' }).optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `ukjente felt: ${issue.keys.join(', ')}` : undefined) },
  )
  .superRefine((reg, ctx) => {
    // A whole day is one registration with no lesson/minute count; a partial day must say how much.
    if (reg.wholeDay) {
      for (const field of ['lessons', 'minutes', 'lateArrival', 'leftDuringDay'] as const) {
        if (reg[field] !== undefined && reg[field] !== false) {
          ctx.addIssue({ code: 'custom', path: [field], message: `${fieldLabels[field]} kan ikke oppgis for fravær hele dagen` });
        }
      }
    } else if (reg.lessons === undefined && reg.minutes === undefined) {
      ctx.addIssue({ code: 'custom', path: ['lessons'], message: 'delvis fravær må ha timer og/eller minutter' });
    }
    // Late arrival and leaving early on the same day are two registrations in Visma; keeping them
    // apart keeps the identity key (pupil + date + kind) unambiguous.
    if (reg.lateArrival && reg.leftDuringDay) {
      ctx.addIssue({
        code: 'custom',
        path: ['leftDuringDay'],
        message: 'forsentkomst og gikk i løpet av dagen må registreres som to rader',
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

/** What a registration records on its day; together with pupil and date it identifies it. */
export type RegistrationKind = 'whole-day' | 'late-arrival' | 'left-during-day' | 'partial';

export function registrationKind(reg: Pick<Registration, 'wholeDay' | 'lateArrival' | 'leftDuringDay'>): RegistrationKind {
  if (reg.wholeDay) return 'whole-day';
  if (reg.lateArrival) return 'late-arrival';
  if (reg.leftDuringDay) return 'left-during-day';
  return 'partial';
}

/**
 * Identity of a registration for idempotent storage: pupil, date and kind. Re-importing the same
 * row hits the same key (unchanged); a corrected row (e.g. valid changed) updates it.
 */
export function registrationKey(reg: Pick<Registration, 'pupilId' | 'date' | 'wholeDay' | 'lateArrival' | 'leftDuringDay'>): string {
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
