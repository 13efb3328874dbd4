/**
 * zod schemas for every activity input: one validated object each, with the idempotency key
 * the workflow derives from its id and the effect's sequence number, and the effect's own
 * parameters as the machines declare them (machines/effects.ts). Types are inferred.
 */
import { z } from 'zod';
import { effectParamSchemas } from '../machines/effects';

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
export const notifyGuardiansInput = z.object({ ...caseRef, params: effectParamSchemas.notifyGuardians });
export const notifyStaffInput = z.object({ ...caseRef, params: effectParamSchemas.notifyStaff });
export const informSchoolOwnerInput = z.object({ ...caseRef, params: effectParamSchemas.informSchoolOwner });
export const requestDocumentInput = z.object({ ...caseRef, params: effectParamSchemas.requestDocument });
export const scheduleMeetingInput = z.object({ ...caseRef, params: effectParamSchemas.scheduleMeeting });
export const remindResponsibleInput = z.object({ ...caseRef, params: effectParamSchemas.remindResponsible });

export type NotifyGuardiansInput = z.infer<typeof notifyGuardiansInput>;
export type NotifyStaffInput = z.infer<typeof notifyStaffInput>;
export type InformSchoolOwnerInput = z.infer<typeof informSchoolOwnerInput>;
export type RequestDocumentInput = z.infer<typeof requestDocumentInput>;
export type ScheduleMeetingInput = z.infer<typeof scheduleMeetingInput>;
export type RemindResponsibleInput = z.infer<typeof remindResponsibleInput>;
