/** notifyGuardians: a message to the guardians, in the template the machine names. */
import { notifyGuardians } from '../../machines/effects/notify-guardians';
import { defineMessageActivity } from './define';

export const notifyGuardiansActivity = defineMessageActivity(notifyGuardians, ({ params }) => ({
  channel: 'email',
  recipients: ['guardians'],
  template: { kind: 'guardian', message: params.message },
}));
