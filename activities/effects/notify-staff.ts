/** notifyStaff: a message to staff in the named roles, in the template of its topic. */
import { notifyStaff } from '../../machines/effects/notify-staff';
import { defineMessageActivity } from './define';

export const notifyStaffActivity = defineMessageActivity(notifyStaff, ({ params }) => ({
  channel: 'email',
  recipients: params.roles,
  template: { kind: 'staff', topic: params.about },
}));
