/**
 * The worker's message routing from its settings: the people directory and the delivery record in
 * the school's database, the school directory for names and written standards, SMTP and the SMS
 * gateway where configured, and the local outbox for every channel that has no transport.
 */
import type { MessageRouting } from '../activities/message-routing';
import type { Outbox } from '../activities/outbox';
import type { AppDatabase } from '../app/database/database';
import type { Settings } from '../app/settings';
import type { SchoolDirectory } from '../detection/school-directory';
import { DeliveryStore } from '../messages/delivery-store';
import { SmsGateway } from '../messages/sms-gateway';
import { SmtpSender, senderFor } from '../messages/smtp-sender';
import { SqlPeopleDirectory } from '../people/people-store';

/** Where invitations come from when no SMTP sender is configured (the outbox is local; nobody replies to it). */
export const OUTBOX_ORGANIZER_EMAIL = 'ikke-svar@skolefravaer.invalid';

/** The address part of a sender such as `"Skolen" <skolen@example.no>`. */
function addressOf(sender: string): string {
  return /<([^>]+)>/.exec(sender)?.[1] ?? sender.trim();
}

export interface MessageRoutingParts {
  database: AppDatabase;
  schools: SchoolDirectory;
  outbox: Outbox;
  messages: Settings['messages'];
}

/** The routing and what must be closed with the worker (the SMTP connection pool). */
export function buildMessageRouting({ database, schools, outbox, messages }: MessageRoutingParts): {
  routing: MessageRouting;
  close(): void;
} {
  const deliveries = new DeliveryStore(database);
  const smtp = messages.smtp;
  const email = smtp ? new SmtpSender(smtp, deliveries) : undefined;
  const sms = messages.sms ? new SmsGateway(messages.sms, deliveries) : undefined;
  const routing: MessageRouting = {
    people: new SqlPeopleDirectory(database),
    schoolProfile: (schoolId) => {
      const school = schools.get(schoolId);
      return school && { name: school.name, municipality: school.municipalityName, writtenStandard: school.writtenStandard };
    },
    deliveries,
    ...(email ? { email } : {}),
    ...(sms ? { sms } : {}),
    outbox,
    organizer: (schoolId) => ({
      name: schools.get(schoolId)?.name ?? schoolId,
      email: smtp ? addressOf(senderFor(smtp, schoolId)) : OUTBOX_ORGANIZER_EMAIL,
    }),
  };
  return { routing, close: () => email?.close() };
}
