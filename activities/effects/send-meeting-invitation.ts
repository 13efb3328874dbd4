/**
 * sendMeetingInvitation: each participant of a scheduled meeting gets an invitation with the meeting's
 * calendar entry (RFC 5545 REQUEST, calendar/invitation.ts); a new time for the same meeting
 * updates the entry already in their calendars.
 */
import { sendMeetingInvitation } from '../../machines/effects/send-meeting-invitation';
import { osloWallClock } from '../message-routing';
import { defineMessageActivity } from './define';

/** How long a meeting is booked for in the calendars (the procedures set no length). */
export const MEETING_DURATION_MINUTES = 60;

export const sendMeetingInvitationActivity = defineMessageActivity(sendMeetingInvitation, ({ params }) => ({
  channel: 'calendar',
  recipients: params.participants,
  template: { kind: 'meeting-invitation', meeting: params.meeting, start: osloWallClock(params.scheduledFor), changed: params.changes > 0 },
  meeting: {
    meeting: params.meeting,
    scheduledFor: params.scheduledFor,
    occurrence: params.occurrence,
    changes: params.changes,
    durationMinutes: MEETING_DURATION_MINUTES,
  },
  dueDate: osloWallClock(params.scheduledFor).slice(0, 10),
}));
