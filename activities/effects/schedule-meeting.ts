/**
 * scheduleMeeting: a task to the school's staff among the participants to set up a meeting, due
 * within the procedure's limit counted from the fact. The guardians and the pupil are invited
 * when the school has set the time (sendMeetingInvitation), not asked to arrange it.
 */
import { addDays } from 'date-fns';
import { scheduleMeeting } from '../../machines/effects/schedule-meeting';
import type { Role } from '../../machines/vocabulary';
import { defineMessageActivity } from './define';

const INVITED_NOT_ARRANGING: readonly Role[] = ['guardians', 'pupil'];

export const scheduleMeetingActivity = defineMessageActivity(scheduleMeeting, (input) => {
  const { meeting, participants, withinDays } = input.params;
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
    sendTo: participants.filter((role) => !INVITED_NOT_ARRANGING.includes(role)),
    template: { kind: 'meeting-call', meeting, ...(due ? { dueDate: due } : {}) },
    ...(due ? { dueDate: due } : {}),
  };
});
