/**
 * SMS through an HTTP gateway: one POST of `{ to, from, text, reference }` as JSON with a bearer
 * token (docs/messages.md). 2xx is sent; 4xx is failed for good (the gateway refused this message,
 * a retry would be refused too), except 408 and 429 (the gateway timed out or asks to slow down);
 * those, 5xx, a timeout or a network error are worth a retry. Once per
 * idempotency key, like the SMTP sender: the key is also the `reference` and the `Idempotency-Key`
 * header, so a gateway that deduplicates can drop a resend.
 */
import type { SmsGatewaySettings } from '../app/settings';
import type { DeliveryStore } from './delivery-store';
import { MessageDeliveryError, type OutgoingSms, type SendReceipt } from './message';

/** HTTP statuses a later attempt may get past: the gateway's own trouble, a timeout, "too many requests". */
const isWorthRetrying = (status: number): boolean => status >= 500 || status === 408 || status === 429;

/** The JSON body the gateway receives (documented in docs/messages.md). */
export interface SmsGatewayRequest {
  /** The recipient's mobile number, e.g. +4791234567. */
  to: string;
  /** SMS_SENDER: the sender name or number. */
  from: string;
  text: string;
  /** The idempotency key: the same message always carries the same reference. */
  reference: string;
}

/** How long one request may take before it counts as a network failure (retried). */
const REQUEST_TIMEOUT_MS = 15_000;

export class SmsGateway {
  constructor(
    private readonly settings: SmsGatewaySettings,
    private readonly deliveries: DeliveryStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(sms: OutgoingSms): Promise<SendReceipt> {
    const previous = await this.deliveries.find(sms.idempotencyKey);
    if (previous?.status === 'sent') {
      return { idempotencyKey: sms.idempotencyKey, sentAt: previous.sentAt ?? previous.lastAttemptAt, duplicate: true };
    }
    const attempt = {
      idempotencyKey: sms.idempotencyKey,
      caseId: sms.caseId,
      channel: 'sms' as const,
      recipientId: sms.recipient.personId,
    };
    const body: SmsGatewayRequest = {
      to: sms.recipient.address,
      from: this.settings.sender,
      text: sms.text,
      reference: sms.idempotencyKey,
    };
    const failed = async (reason: string, retryable: boolean, cause?: unknown): Promise<never> => {
      await this.deliveries.recordFailed({ ...attempt, at: this.now().toISOString() }, reason);
      throw new MessageDeliveryError(`SMS ${sms.idempotencyKey} ble ikke sendt: ${reason}`, retryable, { cause });
    };
    let response: Response;
    try {
      response = await fetch(this.settings.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${this.settings.token}`,
          'idempotency-key': sms.idempotencyKey,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      return failed(`SMS-tjenesten svarte ikke (${err instanceof Error ? err.message : String(err)})`, true, err);
    }
    // The body is read for the record only; what the gateway says is never more than a hint.
    const said = (await response.text().catch(() => '')).slice(0, 200);
    if (response.status >= 400) {
      return failed(`SMS-tjenesten svarte ${response.status}${said ? `: ${said}` : ''}`, isWorthRetrying(response.status));
    }
    if (response.status < 200 || response.status >= 300) {
      return failed(`SMS-tjenesten svarte ${response.status} (uventet)`, true);
    }
    const record = await this.deliveries.recordSent({ ...attempt, at: this.now().toISOString() });
    return { idempotencyKey: sms.idempotencyKey, sentAt: record.sentAt ?? record.lastAttemptAt, duplicate: false };
  }
}
