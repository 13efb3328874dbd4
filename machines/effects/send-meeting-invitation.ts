/**
 * Meeting invitations with a calendar entry, sent to the participants once the school has set a
 * meeting's time (`meeting.scheduled`). Every procedure sends them the same way, so the case host
 * issues this effect for every scheduled meeting (workflows/case-host.ts); no machine declares it.
 * `occurrence` and `changes` make the calendar entry's identity: the same meeting moved to a new
 * time is the same entry with a higher sequence; the next meeting of the kind is a new entry.
 */
import { z } from 'zod';
import { meetingKindSchema } from '../vocabulary';
import { defineEffect } from './define';
import { recipientRolesSchema } from './recipients';

export const sendMeetingInvitation = defineEffect({
  name: 'sendMeetingInvitation',
  params: {
    meeting: meetingKindSchema,
    /** When the meeting starts, as the school registered it (ISO date-time with offset). */
    scheduledFor: z.iso.datetime({ offset: true }),
    participants: recipientRolesSchema,
    /** Which meeting of this kind in the case (1 for the first); a held meeting makes the next one new. */
    occurrence: z.number().int().positive(),
    /** How many times this meeting's time was changed before (0 for the first invitation). */
    changes: z.number().int().nonnegative(),
  },
  label: 'møteinvitasjon med kalenderoppføring',
});

/** The effects the case host issues itself, for every procedure (the machines declare the others). */
export const HOST_ISSUED_EFFECTS = ['sendMeetingInvitation'] as const;
