/** scheduleMeeting: a calendar entry for the participants, due within the procedure's limit counted from the fact. */
import { addDays } from 'date-fns';
import { meetingNames, roleList } from '../../machines/labels';
import { scheduleMeeting } from '../../machines/effects/schedule-meeting';
import { defineMessageActivity } from './define';

export const scheduleMeetingActivity = defineMessageActivity(scheduleMeeting, (input) => {
  const { meeting, participants, withinDays } = input.params;
  const name = meetingNames[meeting];
  // Counted from when the fact happened, as a UTC calendar date like the machines' agreed dates.
  const due =
    withinDays === undefined
      ? undefined
      : addDays(new Date(input.factAt ?? input.issuedAt), withinDays)
          .toISOString()
          .slice(0, 10);
  return {
    channel: 'calendar',
    recipients: participants,
    subject: `Møte: ${name}`,
    body: `Sett opp ${name} med ${roleList(participants)}${due ? ` senest ${due}` : ''}.`,
    ...(due ? { dueDate: due } : {}),
  };
});
