/**
 * zod schemas for every activity input: one validated object each, with the idempotency key
 * the workflow derives from its id and the effect's sequence number. Types are inferred.
 */
import { z } from 'zod';
import { documentKindSchema, meetingKindSchema, roleSchema } from '../machines/vocabulary';

const caseRef = {
  /** `<workflow id>/<effect sequence>/<effect name>`: stable across retries and continue-as-new. */
  idempotencyKey: z.string().trim().min(1, 'idempotencyKey must not be empty'),
  caseId: z.string().trim().min(1),
  procedureId: z.string().trim().min(1),
  schoolId: z.string().trim().min(1),
  pupilId: z.string().trim().min(1),
  /** Workflow time when the effect was issued (ISO), so messages carry the case's own clock. */
  issuedAt: z.iso.datetime({ offset: true }),
  /** When the fact behind the effect happened (default: issuedAt); limits count from it. */
  factAt: z.iso.datetime({ offset: true }).optional(),
};
const roles = z.array(roleSchema).min(1, 'at least one recipient role');

export const notifyGuardiansInput = z.object({
  ...caseRef,
  params: z.object({
    message: z.enum(['absence-routine', 'absence-without-notice', 'school-is-concerned', 'meeting-invitation', 'minutes-shared', 'case-closed']),
  }),
});
export const notifyStaffInput = z.object({
  ...caseRef,
  params: z.object({
    roles,
    about: z.enum(['case-opened', 'case-escalated', 'new-trigger', 'suspicion-raised', 'deadline-passed', 'case-closed']),
  }),
});
export const informSchoolOwnerInput = z.object({
  ...caseRef,
  params: z.object({ about: z.enum(['case-escalated', 'referral-sent']) }),
});
export const requestDocumentInput = z.object({
  ...caseRef,
  params: z.object({ kind: documentKindSchema, from: roles }),
});
export const scheduleMeetingInput = z.object({
  ...caseRef,
  params: z.object({
    meeting: meetingKindSchema,
    participants: roles,
    withinDays: z.number().int().nonnegative().optional(),
  }),
});
export const remindResponsibleInput = z.object({
  ...caseRef,
  params: z.object({
    roles,
    about: z.enum([
      'contact-guardians',
      'hold-meeting',
      'evaluate-measures',
      'decide-escalation',
      'consult-child-welfare',
      'record-pupil-voice',
      'monitor-attendance',
      'file-document',
    ]),
  }),
});

export type NotifyGuardiansInput = z.infer<typeof notifyGuardiansInput>;
export type NotifyStaffInput = z.infer<typeof notifyStaffInput>;
export type InformSchoolOwnerInput = z.infer<typeof informSchoolOwnerInput>;
export type RequestDocumentInput = z.infer<typeof requestDocumentInput>;
export type ScheduleMeetingInput = z.infer<typeof scheduleMeetingInput>;
export type RemindResponsibleInput = z.infer<typeof remindResponsibleInput>;
