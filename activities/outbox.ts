/**
 * The local outbox: where a message stays when no transport is configured for its channel (the
 * default of `npm start`). One JSON file per message: with a people directory, one per person, as
 * SMTP or the SMS gateway would have sent it (activities/message-routing.ts); without one, one per
 * effect, addressed to roles. Delivery is idempotent by key: a retried activity finds its message
 * already there.
 */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type OutboxChannel = 'email' | 'sms' | 'calendar' | 'task';

export interface OutboxMessage {
  idempotencyKey: string;
  channel: OutboxChannel;
  caseId: string;
  schoolId: string;
  pupilId: string;
  /** Roles the message is for; the contact directory resolves them to people. */
  recipients: readonly string[];
  /** Norwegian subject and body, as the recipient will read them. */
  subject: string;
  body: string;
  /** For calendar entries: the latest date the meeting should be held, or the day it is set for (yyyy-MM-dd). */
  dueDate?: string;
  /**
   * The one person this message is for, where the people directory resolved the roles (the outbox
   * then holds what SMTP or the SMS gateway would have sent); absent for a message to roles.
   */
  recipient?: { personId: string; kind: 'guardian' | 'staff'; channel: 'email' | 'sms'; address: string };
  /** The template language the person reads (nb, nn, en). */
  language?: string;
  /** Files sent with it, e.g. the meeting's calendar entry. */
  attachments?: readonly { filename: string; content: string; contentType: string }[];
  createdAt: string;
}

export interface DeliveryReceipt {
  idempotencyKey: string;
  deliveredAt: string;
  /** True when the key had been delivered before; nothing was sent again. */
  duplicate: boolean;
}

export interface Outbox {
  deliver(message: OutboxMessage): Promise<DeliveryReceipt>;
}

/** Keys come from workflow ids and may hold ':' or '/'; keep file names portable. */
function fileNameOf(key: string): string {
  return `${key.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
}

/** Writes each message as `<dir>/<key>.json`; an existing file means already delivered. */
export class FileOutbox implements Outbox {
  constructor(private readonly dir: string) {}

  async deliver(message: OutboxMessage): Promise<DeliveryReceipt> {
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, fileNameOf(message.idempotencyKey));
    const existing = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (existing !== undefined) {
      const previous = JSON.parse(existing) as OutboxMessage;
      return { idempotencyKey: message.idempotencyKey, deliveredAt: previous.createdAt, duplicate: true };
    }
    // Write to a temporary name and rename, so a crash never leaves half a message behind.
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(message, null, 2));
    await rename(temp, path);
    return { idempotencyKey: message.idempotencyKey, deliveredAt: message.createdAt, duplicate: false };
  }

  /** Every message delivered, oldest first (for the CLI and tests). */
  async list(): Promise<OutboxMessage[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const messages = await Promise.all(
      names.filter((n) => n.endsWith('.json')).map(async (n) => JSON.parse(await readFile(join(this.dir, n), 'utf8')) as OutboxMessage),
    );
    return messages.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.idempotencyKey.localeCompare(b.idempotencyKey));
  }
}
