/** informSchoolOwner: an e-mail to the school owner, worded in Norwegian by its topic. */
import { type SchoolOwnerTopic, informSchoolOwner } from '../../machines/effects/inform-school-owner';
import { type Wording, defineMessageActivity } from './define';

export const schoolOwnerWording: Record<SchoolOwnerTopic, Wording> = {
  'case-escalated': {
    subject: 'Melding til skoleeier: fraværssak på høyere nivå',
    body: 'En fraværssak er løftet til et nivå der skoleeier skal orienteres.',
  },
  'referral-sent': { subject: 'Melding til skoleeier: henvisning sendt', body: 'Skolen har sendt en henvisning i en fraværssak.' },
};

export const informSchoolOwnerActivity = defineMessageActivity(informSchoolOwner, ({ params }) => ({
  channel: 'email',
  recipients: ['school-owner'],
  ...schoolOwnerWording[params.about],
}));
