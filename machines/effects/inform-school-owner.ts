/** A message to the school owner (the municipality). */
import { z } from 'zod';
import { defineEffect } from './define';

/** Why the school owner is told. */
export const schoolOwnerTopicSchema = z.enum(['case-escalated', 'referral-sent']);
export type SchoolOwnerTopic = z.infer<typeof schoolOwnerTopicSchema>;

export const informSchoolOwner = defineEffect({
  name: 'informSchoolOwner',
  params: { about: schoolOwnerTopicSchema },
  label: 'melding til skoleeier',
});
