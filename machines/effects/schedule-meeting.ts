/** A calendar entry asking the participants to meet, by a date when the procedure sets a limit. */
import { z } from 'zod';
import { meetingKindSchema } from '../vocabulary';
import { defineEffect, messageDelivery } from './define';
import { recipientRolesSchema } from './recipients';

export const scheduleMeeting = defineEffect({
  name: 'scheduleMeeting',
  params: z.object({
    meeting: meetingKindSchema,
    participants: recipientRolesSchema,
    /** Calendar days within which the meeting should be held. */
    withinDays: z.number().int().nonnegative().optional(),
  }),
  label: 'møteinnkalling',
  delivery: messageDelivery,
});
export type ScheduleMeetingParams = z.infer<typeof scheduleMeeting.params>;
