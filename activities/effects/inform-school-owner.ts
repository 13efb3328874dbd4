/** informSchoolOwner: an e-mail to the school owner, worded in Norwegian by its topic. */
import { type SchoolOwnerTopic, informSchoolOwner } from '../../machines/effects/inform-school-owner';
import { type Wording, caseMessage, defineEffectActivity, deliverMessage } from './define';

export const schoolOwnerWording: Record<SchoolOwnerTopic, Wording> = {
  'case-escalated': {
    subject: 'Melding til skoleeier: fraværssak på høyere nivå',
    body: 'En fraværssak er løftet til et nivå der skoleeier skal orienteres.',
  },
  'referral-sent': { subject: 'Melding til skoleeier: henvisning sendt', body: 'Skolen har sendt en henvisning i en fraværssak.' },
};

export const informSchoolOwnerActivity = defineEffectActivity(informSchoolOwner, (input, { outbox }) =>
  deliverMessage(outbox, caseMessage(input, { channel: 'email', recipients: ['school-owner'], ...schoolOwnerWording[input.params.about] })),
);
