/** A calendar entry asking the participants to meet, by a date when the procedure sets a limit. */
import { z } from 'zod';
import { meetingKindSchema } from '../vocabulary';
import { defineEffect } from './define';
import { recipientRolesSchema } from './recipients';

export const scheduleMeeting = defineEffect({
  name: 'scheduleMeeting',
  params: {
    meeting: meetingKindSchema,
    participants: recipientRolesSchema,
    /** Calendar days within which the meeting should be held. */
    withinDays: z.number().int().nonnegative().optional(),
  },
  label: 'møteinnkalling',
});
