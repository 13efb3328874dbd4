/**
 * One absence registration as detection consumes it: a single row from the school's
 * registration system (Visma Flyt Skole), already validated by the importer. A pupil may have
 * several registrations on one date (e.g. a late arrival and leaving early); detection merges
 * them per pupil and date.
 */
import { z } from 'zod';
import { isoDateSchema } from '../machines/events';

/**
 * Why the pupil was absent, as the guardians or the school recorded it. Kept coarse on purpose:
 * detection never needs more, and the free-text note stays with the school.
 */
export const absenceReasonSchema = z.enum([
  'illness', // sykdom
  'medical-appointment', // lege, tannlege, helsesykepleier
  'family', // familiære forhold, begravelse o.l.
  'granted-leave', // innvilget permisjon
  'unknown', // no reason given (yet)
  'other',
]);
export type AbsenceReason = z.infer<typeof absenceReasonSchema>;

const base = {
  pupilId: z.string().trim().min(1, 'pupilId must not be empty'),
  schoolId: z.string().trim().min(1, 'schoolId must not be empty'),
  /** Grade (trinn) 1-10; grades 1-7 are barnetrinn, 8-10 ungdomsskole. */
  grade: z.number().int().min(1, 'grade must be 1-10').max(10, 'grade must be 1-10'),
  /** The school day the absence happened on, yyyy-MM-dd. */
  date: isoDateSchema,
  /** Gyldig fravær: the absence has an accepted reason. False means invalid (ugyldig). */
  valid: z.boolean(),
  /** The guardians gave notice of this absence (before or on the day, or afterwards). */
  notifiedByGuardians: z.boolean(),
  /** The pupil arrived after the school day started. */
  lateArrival: z.boolean(),
  /** The pupil came to school and left before the school day ended. */
  leftDuringDay: z.boolean(),
  reasonCode: absenceReasonSchema,
  /** Free text from the registration; never shown outside the school. */
  note: z.string().trim().max(1000, 'note must be at most 1000 characters').optional(),
};

/** The pupil was away the whole school day. */
const wholeDaySchema = z.object({ ...base, kind: z.literal('whole-day') });

/** The pupil missed part of the day: a number of lessons and/or minutes (at least one of them). */
const partialSchema = z.object({
  ...base,
  kind: z.literal('partial'),
  lessons: z.number().int().positive('lessons must be at least 1').optional(),
  minutes: z.number().int().positive('minutes must be at least 1').optional(),
});

export const absenceRegistrationSchema = z
  .discriminatedUnion('kind', [wholeDaySchema, partialSchema])
  .superRefine((value, ctx) => {
    if (value.kind === 'partial' && value.lessons === undefined && value.minutes === undefined) {
      ctx.addIssue({ code: 'custom', path: ['lessons'], message: 'a partial-day absence needs lessons and/or minutes' });
    }
  });
export type AbsenceRegistration = z.infer<typeof absenceRegistrationSchema>;
