/**
 * E-mail over SMTP with nodemailer, from the settings (host, port, TLS, login, sender per school).
 * Once per idempotency key: the delivery record is asked first, so an activity retried after the
 * server accepted its mail (but before the activity returned) sends nothing new. The Message-ID
 * is derived from the key, so even a resend in the one gap left (accepted, then the process died
 * before the record was written) carries the same Message-ID and mail clients show it once.
 */
import { createHash } from 'node:crypto';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { SmtpSettings } from '../app/settings';
import type { DeliveryStore } from './delivery-store';
import { MessageDeliveryError, type OutgoingEmail, type SendReceipt } from './message';

/** The part of a nodemailer transport the sender uses. */
export interface MailTransport {
  sendMail(mail: SendMailOptions): Promise<unknown>;
  close(): void;
}

export function smtpTransport(settings: SmtpSettings): MailTransport {
  return nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'off',
    ...(settings.auth ? { auth: { user: settings.auth.user, pass: settings.auth.password } } : {}),
  });
}

/** The sender of a school's mail: its own when the settings name one, else the default. */
export function senderFor(settings: SmtpSettings, schoolId: string): string {
  return settings.schoolSenders[schoolId] ?? settings.from;
}

/** `<hash of the key@sender's domain>`: the same key always gives the same Message-ID. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@${domain}>`;
}

/** SMTP reply codes 5xx are permanent refusals (a retry is refused the same way); the rest may pass later. */
function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

export class SmtpSender {
  constructor(
    private readonly settings: SmtpSettings,
    private readonly deliveries: DeliveryStore,
    private readonly transport: MailTransport = smtpTransport(settings),
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(email: OutgoingEmail): Promise<SendReceipt> {
    const previous = await this.deliveries.find(email.idempotencyKey);
    if (previous?.status === 'sent') {
      return { idempotencyKey: email.idempotencyKey, sentAt: previous.sentAt ?? previous.lastAttemptAt, duplicate: true };
    }
    const from = senderFor(this.settings, email.schoolId);
    const attempt = {
      idempotencyKey: email.idempotencyKey,
      caseId: email.caseId,
      channel: 'email' as const,
      recipientId: email.recipient.personId,
    };
    try {
      await this.transport.sendMail({
        from,
        to: email.recipient.address,
        subject: email.subject,
        text: email.text,
        messageId: messageIdFor(email.idempotencyKey, from),
        headers: { 'X-Skolefravaer-Sak': email.caseId },
        attachments: (email.attachments ?? []).map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      await this.deliveries.recordFailed({ ...attempt, at: this.now().toISOString() }, reason);
      throw new MessageDeliveryError(`E-post ${email.idempotencyKey} ble ikke sendt: ${reason}`, !isPermanent(err), { cause: err });
    }
    const record = await this.deliveries.recordSent({ ...attempt, at: this.now().toISOString() });
    return { idempotencyKey: email.idempotencyKey, sentAt: record.sentAt ?? record.lastAttemptAt, duplicate: false };
  }

  close(): void {
    this.transport.close();
  }
}
