/** A message to staff in the given roles. */
import { z } from 'zod';
import { defineEffect } from './define';
import { recipientRolesSchema } from './recipients';

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
export type StaffTopic = z.infer<typeof staffTopicSchema>;

export const notifyStaff = defineEffect({
  name: 'notifyStaff',
  params: { roles: recipientRolesSchema, about: staffTopicSchema },
  label: 'melding til ansatte',
});
