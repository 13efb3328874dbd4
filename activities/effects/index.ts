/**
 * The activity half of every effect, by name. A new effect's activity module is added here; the
 * type below refuses a list that misses an effect machines/effects declares, or adds one it does not.
 */
import type { EffectDefinitions, EffectName } from '../../machines/effects';
import type { EffectActivityModule, EffectDelivery, EffectDependencies, EffectInput } from './define';
import { informSchoolOwnerActivity } from './inform-school-owner';
import { sendMeetingInvitationActivity } from './send-meeting-invitation';
import { notifyGuardiansActivity } from './notify-guardians';
import { notifyStaffActivity } from './notify-staff';
import { remindResponsibleActivity } from './remind-responsible';
import { requestDocumentActivity } from './request-document';
import { scheduleMeetingActivity } from './schedule-meeting';

type ModuleFor<K extends EffectName> = EffectActivityModule<K, EffectDefinitions[K]['params']>;

export const effectActivityModules: { [K in EffectName]: ModuleFor<K> } = {
  notifyGuardians: notifyGuardiansActivity,
  notifyStaff: notifyStaffActivity,
  informSchoolOwner: informSchoolOwnerActivity,
  requestDocument: requestDocumentActivity,
  scheduleMeeting: scheduleMeetingActivity,
  remindResponsible: remindResponsibleActivity,
  sendMeetingInvitation: sendMeetingInvitationActivity,
};

/** The input of effect `K`'s activity. */
export type EffectActivityInput<K extends EffectName> = EffectInput<EffectDefinitions[K]['params']>;

/** One activity per effect, named as the effect; what the worker registers and the workflow proxies. */
export type EffectActivities = { [K in EffectName]: (input: EffectActivityInput<K>) => Promise<EffectDelivery> };

/** Builds every effect's activity from its module. All are idempotent by key. */
export function createEffectActivities(deps: EffectDependencies): EffectActivities {
  return Object.fromEntries(
    (Object.keys(effectActivityModules) as EffectName[]).map((name) => [name, effectActivityModules[name].create(deps)]),
  ) as EffectActivities;
}

export type { EffectDelivery, EffectDependencies } from './define';
