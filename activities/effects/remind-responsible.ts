/** remindResponsible: a task for the responsible roles, in the template of what is due. */
import { remindResponsible } from '../../machines/effects/remind-responsible';
import { defineMessageActivity } from './define';

export const remindResponsibleActivity = defineMessageActivity(remindResponsible, ({ params }) => ({
  channel: 'task',
  recipients: params.roles,
  template: { kind: 'reminder', topic: params.about },
}));
