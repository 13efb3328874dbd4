/**
 * Side effects a procedure declares but never performs. A machine names an effect with plain
 * data parameters; the case workflow turns each into an activity call (notification, document,
 * calendar). Each effect is one module in this folder (its name, zod parameters, Norwegian
 * label, delivery policy and action creator, see define.ts); the activity half lives in
 * activities/effects/. Everything else — the effect names, the actions machines register, the
 * worker's activity map, the workflow's proxies — is derived from `effectDefinitions` below.
 */
import type { z } from 'zod';
import type { EffectDefinition } from './define';
import { informSchoolOwner } from './inform-school-owner';
import { sendMeetingInvitation } from './send-meeting-invitation';
import { notifyGuardians } from './notify-guardians';
import { notifyStaff } from './notify-staff';
import { remindResponsible } from './remind-responsible';
import { requestDocument } from './request-document';
import { scheduleMeeting } from './schedule-meeting';

export { type DeliveryDuration, type DeliveryPolicy, type EffectDefinition, defineEffect, messageDelivery } from './define';
export { type GuardianMessage, guardianMessageSchema } from './notify-guardians';
export { type StaffTopic, staffTopicSchema } from './notify-staff';
export { type SchoolOwnerTopic, schoolOwnerTopicSchema } from './inform-school-owner';
export { type ReminderTopic, reminderTopicSchema } from './remind-responsible';
export { HOST_ISSUED_EFFECTS } from './send-meeting-invitation';

/**
 * Every effect a procedure may declare, and those the case host issues itself (HOST_ISSUED_EFFECTS).
 * A new effect's module is added here; besides, only the machine that declares it changes.
 */
export const effectDefinitions = [
  notifyGuardians,
  notifyStaff,
  informSchoolOwner,
  requestDocument,
  scheduleMeeting,
  remindResponsible,
  sendMeetingInvitation,
] as const;

type AnyEffect = (typeof effectDefinitions)[number];
export type EffectName = AnyEffect['name'];

/** Each effect's definition, by name. */
export type EffectDefinitions = { [D in AnyEffect as D['name']]: D };
export const effectsByName = Object.fromEntries(effectDefinitions.map((d) => [d.name, d])) as EffectDefinitions;

/** Names of every declarable effect; the workflow maps each to an activity. */
export const effectNames: readonly EffectName[] = effectDefinitions.map((d) => d.name);

/** Parameters of each effect, by name. */
export type EffectParams = { [K in EffectName]: z.infer<EffectDefinitions[K]['params']> };
export type NotifyGuardiansParams = EffectParams['notifyGuardians'];
export type NotifyStaffParams = EffectParams['notifyStaff'];
export type InformSchoolOwnerParams = EffectParams['informSchoolOwner'];
export type RequestDocumentParams = EffectParams['requestDocument'];
export type ScheduleMeetingParams = EffectParams['scheduleMeeting'];
export type RemindResponsibleParams = EffectParams['remindResponsible'];
export type SendMeetingInvitationParams = EffectParams['sendMeetingInvitation'];

/** Parameter schemas of each effect, by name: machines are typed by them, activities validate with them. */
export const effectParamSchemas = Object.fromEntries(effectDefinitions.map((d) => [d.name, d.params])) as {
  [K in EffectName]: EffectDefinitions[K]['params'];
};

/** Effect declarations to spread into every machine's `setup({ actions })`. */
export const effectActions = Object.fromEntries(effectDefinitions.map((d) => [d.name, d.declared])) as {
  [K in EffectName]: (args: unknown, params: EffectParams[K]) => void;
};

/** What each effect is, in Norwegian, for the case's timeline. */
export const effectLabels = Object.fromEntries(effectDefinitions.map((d) => [d.name, d.label])) as Record<EffectName, string>;

/** Any effect's definition, for code that handles every effect alike (the workflow's proxies). */
export type AnyEffectDefinition = EffectDefinition<EffectName>;
