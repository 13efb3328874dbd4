/**
 * The messages a real transport sends: an e-mail (SMTP) or an SMS (HTTP gateway). Each names the
 * person it is for by id (the delivery record keeps only that) beside the address or number it
 * goes to, and carries the activity's idempotency key, so a retried activity sends nothing twice.
 */

/** Who a message is for: the person's id (kept in the delivery record) and where it goes (never kept). */
export interface MessageRecipient {
  personId: string;
  /** E-mail address or mobile number, as the channel needs. */
  address: string;
}

/** A file sent with an e-mail, e.g. a meeting invitation (calendar/invitation.ts). */
export interface EmailAttachment {
  filename: string;
  content: string;
  /** e.g. `text/calendar; method=REQUEST; charset=UTF-8`. */
  contentType: string;
}

export interface OutgoingEmail {
  idempotencyKey: string;
  caseId: string;
  schoolId: string;
  recipient: MessageRecipient;
  /** Norwegian, as the recipient reads them. */
  subject: string;
  text: string;
  attachments?: readonly EmailAttachment[];
}

export interface OutgoingSms {
  idempotencyKey: string;
  caseId: string;
  recipient: MessageRecipient;
  text: string;
}

/** What a send did: `duplicate` when the key had been sent before and nothing went out now. */
export interface SendReceipt {
  idempotencyKey: string;
  sentAt: string;
  duplicate: boolean;
}

/**
 * A message could not be delivered. `retryable`: worth another attempt (the server or the
 * network failed); false when the receiver refused it (a retry would be refused the same way).
 */
export class MessageDeliveryError extends Error {
  override name = 'MessageDeliveryError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
