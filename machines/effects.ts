/**
 * Side effects a procedure declares but never performs. A machine names an effect with plain
 * data parameters; the case workflow turns each into an activity call (notification, document,
 * calendar). The implementations here are deliberately empty: executing them is the host's job,
 * and keeping them empty is what keeps machines pure.
 */
import { z } from 'zod';
import { documentKindSchema, meetingKindSchema, roleSchema } from './vocabulary';

/** Message the guardians receive; the Norwegian wording lives with the notification activity. */
export const guardianMessageSchema = z.enum([
  'absence-routine', // how the school follows up absence
  'absence-without-notice', // we have no notice for today's absence
  'school-is-concerned', // the school is worried about the absence
  'meeting-invitation',
  'minutes-shared',
  'case-closed',
  'closed-for-illness', // the case is put aside because the absence is illness; new absence is still followed up
]);
export type GuardianMessage = z.infer<typeof guardianMessageSchema>;

/** What a reminder is about. */
export const reminderTopicSchema = z.enum([
  'contact-guardians',
  'hold-meeting',
  'evaluate-measures',
  'decide-escalation',
  'consult-child-welfare',
  'record-pupil-voice',
  'monitor-attendance',
  'file-document',
  'agree-measures', // a plan due at a contact or meeting is not yet recorded
  'involve-school-nurse', // ask the guardians' consent and bring in the school nurse (the Rælingen guide, E.S8)
]);
export type ReminderTopic = z.infer<typeof reminderTopicSchema>;

/** Why staff are told ('notice-missing': no notice came, so the home is contacted today); the activity words it in Norwegian. */
export const staffTopicSchema = z.enum([
  'case-opened',
  'case-escalated',
  'new-trigger',
  'suspicion-raised',
  'deadline-passed',
  'case-closed',
  'new-absence',
  'concern-to-discuss',
  'minutes-shared',
  'notice-missing',
]);
/** Why the school owner is told. */
export const schoolOwnerTopicSchema = z.enum(['case-escalated', 'referral-sent']);

const roles = z.array(roleSchema).min(1, 'minst én mottakerrolle').readonly();

/**
 * Parameters of each effect, by name: the one definition that machines (types) and activities
 * (validation of their input) share.
 */
export const effectParamSchemas = {
  notifyGuardians: z.object({ message: guardianMessageSchema }),
  notifyStaff: z.object({ roles, about: staffTopicSchema }),
  informSchoolOwner: z.object({ about: schoolOwnerTopicSchema }),
  requestDocument: z.object({ kind: documentKindSchema, from: roles }),
  scheduleMeeting: z.object({
    meeting: meetingKindSchema,
    participants: roles,
    /** Calendar days within which the meeting should be held. */
    withinDays: z.number().int().nonnegative().optional(),
  }),
  remindResponsible: z.object({ roles, about: reminderTopicSchema }),
} as const;

export type NotifyGuardiansParams = z.infer<typeof effectParamSchemas.notifyGuardians>;
export type NotifyStaffParams = z.infer<typeof effectParamSchemas.notifyStaff>;
export type InformSchoolOwnerParams = z.infer<typeof effectParamSchemas.informSchoolOwner>;
export type RequestDocumentParams = z.infer<typeof effectParamSchemas.requestDocument>;
export type ScheduleMeetingParams = z.infer<typeof effectParamSchemas.scheduleMeeting>;
export type RemindResponsibleParams = z.infer<typeof effectParamSchemas.remindResponsible>;

/** Names of every declarable effect; the workflow maps each to an activity. */
export const effectNames = [
  'notifyGuardians',
  'notifyStaff',
  'informSchoolOwner',
  'requestDocument',
  'scheduleMeeting',
  'remindResponsible',
] as const;
export type EffectName = (typeof effectNames)[number];

/** Parameters of each effect, by name. */
export interface EffectParams {
  notifyGuardians: NotifyGuardiansParams;
  notifyStaff: NotifyStaffParams;
  informSchoolOwner: InformSchoolOwnerParams;
  requestDocument: RequestDocumentParams;
  scheduleMeeting: ScheduleMeetingParams;
  remindResponsible: RemindResponsibleParams;
}

/** A declared effect with no body: the host performs it from its name and params. */
function declared<P>() {
  return (_args: unknown, _params: P): void => undefined;
}

/** Effect declarations to spread into every machine's `setup({ actions })`. */
export const effectActions = {
  notifyGuardians: declared<NotifyGuardiansParams>(),
  notifyStaff: declared<NotifyStaffParams>(),
  informSchoolOwner: declared<InformSchoolOwnerParams>(),
  requestDocument: declared<RequestDocumentParams>(),
  scheduleMeeting: declared<ScheduleMeetingParams>(),
  remindResponsible: declared<RemindResponsibleParams>(),
} satisfies { [K in EffectName]: (args: unknown, params: EffectParams[K]) => void };
