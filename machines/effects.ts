/**
 * Side effects a procedure declares but never performs. A machine names an effect with plain
 * data parameters; the case workflow turns each into an activity call (notification, document,
 * calendar). The implementations here are deliberately empty: executing them is the host's job,
 * and keeping them empty is what keeps machines pure.
 */
import type { DocumentKind, MeetingKind, Role } from './vocabulary';

/** Message the guardians receive; the Norwegian wording lives with the notification activity. */
export type GuardianMessage =
  | 'absence-routine' // how the school follows up absence
  | 'absence-without-notice' // we have no notice for today's absence
  | 'school-is-concerned' // the school is worried about the absence
  | 'meeting-invitation'
  | 'minutes-shared'
  | 'case-closed';

/** What a reminder is about. */
export type ReminderTopic =
  | 'contact-guardians'
  | 'hold-meeting'
  | 'evaluate-measures'
  | 'decide-escalation'
  | 'consult-child-welfare'
  | 'record-pupil-voice'
  | 'monitor-attendance'
  | 'file-document';

export interface NotifyGuardiansParams {
  message: GuardianMessage;
}
export interface NotifyStaffParams {
  roles: readonly Role[];
  /** Short machine-readable reason; the activity words it in Norwegian. */
  about: 'case-opened' | 'case-escalated' | 'new-trigger' | 'suspicion-raised' | 'deadline-passed' | 'case-closed';
}
export interface InformSchoolOwnerParams {
  about: 'case-escalated' | 'referral-sent';
}
export interface RequestDocumentParams {
  kind: DocumentKind;
  from: readonly Role[];
}
export interface ScheduleMeetingParams {
  meeting: MeetingKind;
  participants: readonly Role[];
  /** Calendar days within which the meeting should be held. */
  withinDays?: number;
}
export interface RemindResponsibleParams {
  roles: readonly Role[];
  about: ReminderTopic;
}

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
