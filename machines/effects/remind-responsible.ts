/** A task reminding the responsible roles of a step that is due. */
import { z } from 'zod';
import { defineEffect, messageDelivery } from './define';
import { recipientRolesSchema } from './recipients';

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

export const remindResponsible = defineEffect({
  name: 'remindResponsible',
  params: { roles: recipientRolesSchema, about: reminderTopicSchema },
  label: 'påminnelse',
  // A reminder is worth sending only while its step is still due, and a step left undone is
  // reminded of again: one not delivered within a day is recorded as failed, not sent days late.
  delivery: { ...messageDelivery, giveUpAfter: '1 day', retry: { ...messageDelivery.retry, maximumInterval: '15 minutes' } },
});
