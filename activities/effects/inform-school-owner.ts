/** informSchoolOwner: a message to the school owner, in the template of its topic. */
import { informSchoolOwner } from '../../machines/effects/inform-school-owner';
import { defineMessageActivity } from './define';

export const informSchoolOwnerActivity = defineMessageActivity(informSchoolOwner, ({ params }) => ({
  channel: 'email',
  recipients: ['school-owner'],
  template: { kind: 'school-owner', topic: params.about },
}));
