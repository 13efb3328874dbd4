/** What the school owner (the municipality) reads, in every language; read as staff read (case reference, open the case). */
import type { SchoolOwnerTopic } from '../../machines/effects';
import type { TemplateTable, Wording } from './types';

export const schoolOwnerWording: TemplateTable<SchoolOwnerTopic, Wording> = {
  'case-escalated': {
    nb: {
      subject: 'Melding til skoleeier: fraværssak på høyere nivå',
      body: 'En fraværssak er løftet til et nivå i rutinen der skoleeier skal orienteres.',
      next: 'Åpne saken i systemet for å se status. Skolen holder skoleeier orientert om videre steg.',
    },
    nn: {
      subject: 'Orientering til skuleeigar: fråværssak på høgare nivå',
      body: 'Ei fråværssak er løfta til eit nivå i rutinen der skuleeigar skal orienterast.',
      next: 'Opne saka i systemet for å sjå status. Skulen held skuleeigar orientert om vidare steg.',
    },
    en: {
      subject: 'For the school owner: absence case at a higher level',
      body: 'An absence case has reached a level in the procedure where the school owner is to be informed.',
      next: 'Open the case in the system to see its status. The school will keep the school owner informed of further steps.',
    },
  },
  'referral-sent': {
    nb: {
      subject: 'Melding til skoleeier: henvisning sendt',
      body: 'Skolen har sendt en henvisning til en annen tjeneste i en fraværssak.',
      next: 'Åpne saken i systemet for å se status. Skolen følger opp henvisningen.',
    },
    nn: {
      subject: 'Orientering til skuleeigar: tilvising sendt',
      body: 'Skulen har sendt ei tilvising til ei anna teneste i ei fråværssak.',
      next: 'Opne saka i systemet for å sjå status. Skulen følgjer opp tilvisinga.',
    },
    en: {
      subject: 'For the school owner: referral sent',
      body: 'The school has sent a referral to another service in an absence case.',
      next: 'Open the case in the system to see its status. The school follows up the referral.',
    },
  },
};
