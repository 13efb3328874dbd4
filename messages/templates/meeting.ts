/**
 * Meetings, in every language: the call (a task to staff to set up a meeting, by a date when the
 * procedure sets one) and the invitation (an e-mail to the participants with the date and time;
 * the .ics file goes with it, calendar/invitation.ts). Names and dates come in already worded.
 */
import { capitalize } from './compose';
import type { TemplateLanguage, Wording } from './types';

export const meetingCallWording: Record<TemplateLanguage, (meeting: string, dueDate?: string) => Wording> = {
  nb: (meeting, dueDate) => ({
    subject: `Møte: ${meeting}`,
    body: `Rutinen krever dette møtet i saken: ${meeting}.${dueDate ? ` Møtet skal holdes senest ${dueDate}.` : ''}`,
    next: 'Avtal tidspunkt med deltakerne og sett opp møtet i systemet, så får de en invitasjon.',
  }),
  nn: (meeting, dueDate) => ({
    subject: `Set opp møte: ${meeting}`,
    body: `Rutinen krev dette møtet i saka: ${meeting}.${dueDate ? ` Møtet skal haldast seinast ${dueDate}.` : ''}`,
    next: 'Avtal tidspunkt med deltakarane og set opp møtet i systemet, så får dei ein invitasjon.',
  }),
  en: (meeting, dueDate) => ({
    subject: `Set up a meeting: ${meeting}`,
    body: `The procedure requires this meeting in the case: ${meeting}.${dueDate ? ` It must be held by ${dueDate}.` : ''}`,
    next: 'Agree a time with the participants and set up the meeting in the system, so that they receive an invitation.',
  }),
};

export const meetingInvitationWording: Record<TemplateLanguage, (meeting: string, when: string, changed: boolean) => Wording> = {
  nb: (meeting, when, changed) => ({
    subject: changed ? `Ny tid for møtet: ${capitalize(meeting)}, ${when}` : `Invitasjon: ${capitalize(meeting)}, ${when}`,
    body: changed
      ? `Tidspunktet for møtet (${meeting}) er endret. Nytt tidspunkt er ${when}.`
      : `Du er invitert til et møte: ${meeting}, ${when}.`,
    next: `Invitasjonen ligger ved som kalenderfil, så du kan legge møtet inn i kalenderen.${changed ? ' Den erstatter den forrige invitasjonen.' : ''} Passer ikke tidspunktet, ta kontakt så snart som mulig.`,
    sms: changed ? `Ny tid: ${meeting}, ${when}.` : `Møteinvitasjon: ${meeting}, ${when}.`,
  }),
  nn: (meeting, when, changed) => ({
    subject: changed ? `Ny tid for møtet: ${capitalize(meeting)}, ${when}` : `Invitasjon: ${capitalize(meeting)}, ${when}`,
    body: changed
      ? `Tidspunktet for møtet (${meeting}) er endra. Det nye tidspunktet er ${when}.`
      : `Du er invitert til eit møte: ${meeting}, ${when}.`,
    next: `Invitasjonen ligg ved som kalenderfil, så du kan leggje møtet inn i kalenderen.${changed ? ' Ho erstattar den førre invitasjonen.' : ''} Passar ikkje tidspunktet, ta kontakt så snart som mogleg.`,
    sms: changed ? `Ny tid: ${meeting}, ${when}.` : `Møteinvitasjon: ${meeting}, ${when}.`,
  }),
  en: (meeting, when, changed) => ({
    subject: changed ? `New time for the meeting: ${capitalize(meeting)}, ${when}` : `Invitation: ${capitalize(meeting)}, ${when}`,
    body: changed
      ? `The time of the meeting (${meeting}) has changed. The new time is ${when}.`
      : `You are invited to a meeting: ${meeting}, ${when}.`,
    next: `The invitation is attached as a calendar file, so you can add the meeting to your calendar.${changed ? ' It replaces the previous invitation.' : ''} If the time does not suit you, please get in touch as soon as possible.`,
    sms: changed ? `New time: ${meeting}, ${when}.` : `Invitation: ${meeting}, ${when}.`,
  }),
};
