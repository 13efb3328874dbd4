/** A message to the school owner (the municipality). */
import { z } from 'zod';
import { defineEffect, messageDelivery } from './define';

/** Why the school owner is told. */
export const schoolOwnerTopicSchema = z.enum(['case-escalated', 'referral-sent']);
export type SchoolOwnerTopic = z.infer<typeof schoolOwnerTopicSchema>;

export const informSchoolOwner = defineEffect({
  name: 'informSchoolOwner',
  params: z.object({ about: schoolOwnerTopicSchema }),
  label: 'melding til skoleeier',
  delivery: messageDelivery,
});
export type InformSchoolOwnerParams = z.infer<typeof informSchoolOwner.params>;
