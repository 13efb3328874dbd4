/** A message to the guardians; its Norwegian wording lives with the activity (activities/effects/notify-guardians.ts). */
import { z } from 'zod';
import { defineEffect } from './define';

/** Message the guardians receive. */
export const guardianMessageSchema = z.enum([
  'absence-routine', // how the school follows up absence
  'absence-without-notice', // we have no notice for today's absence
  'school-is-concerned', // the school is worried about the absence
  'meeting-invitation',
  'minutes-shared',
  'case-closed',
  'closed-for-illness', // the case is put aside because the absence is illness; new absence is still followed up
]);
export type GuardianMessage = z.infer<typeof guardianMessageSchema>;

export const notifyGuardians = defineEffect({
  name: 'notifyGuardians',
  params: { message: guardianMessageSchema },
  label: 'melding til foresatte',
});
