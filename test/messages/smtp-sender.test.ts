/**
 * E-mail over SMTP, against a real SMTP server on loopback: what arrives is parsed with mailparser
 * (headers, text, the .ics attachment), and the delivery record makes a retried activity a no-op.
 * Runs on SQLite and PostgreSQL.
 */
import { simpleParser } from 'mailparser';
import type { SmtpSettings } from '../../app/settings';
import { DeliveryStore } from '../../messages/delivery-store';
import { MessageDeliveryError, type OutgoingEmail } from '../../messages/message';
import { SmtpSender, messageIdFor, senderFor } from '../../messages/smtp-sender';
import { testDatabases } from '../helpers/databases';
import { type LoopbackSmtp, startLoopbackSmtp } from './smtp-server';

const databases = testDatabases();

let smtp: LoopbackSmtp;
beforeAll(async () => {
  smtp = await startLoopbackSmtp({ user: 'fravaer', password: 'hemmelig' });
});
afterAll(async () => {
  await smtp.stop();
});

const settings = (): SmtpSettings => ({
  host: '127.0.0.1',
  port: smtp.port,
  security: 'off',
  auth: { user: 'fravaer', password: 'hemmelig' },
  from: 'Skolefravær <fravaer@kommune.no>',
  schoolSenders: { 'skole-a': 'Skole A <post@skole-a.no>' },
});

let keys = 0;
const email = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  idempotencyKey: `fravaerssak-skole-a-elev-1:varsle-foresatte:${(keys += 1)}`,
  caseId: 'fravaerssak-skole-a-elev-1',
  schoolId: 'skole-a',
  recipient: { personId: 'foresatt-7', address: 'kari@example.no' },
  subject: 'Bekymringsfullt fravær',
  text: 'Hei Kari,\nvi er bekymret for fraværet. Ring oss gjerne.',
  ...overrides,
});

const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n';

test('the Message-ID is the same for the same key and differs between keys; each school has its own sender', () => {
  const from = 'Skole A <post@skole-a.no>';
  expect(messageIdFor('k1', from)).toBe(messageIdFor('k1', from));
  expect(messageIdFor('k1', from)).toMatch(/^<[0-9a-f]{40}@skole-a\.no>$/);
  expect(messageIdFor('k2', from)).not.toBe(messageIdFor('k1', from));
  expect(senderFor(settings(), 'skole-a')).toBe('Skole A <post@skole-a.no>');
  expect(senderFor(settings(), 'skole-b')).toBe('Skolefravær <fravaer@kommune.no>');
});

describe.each(databases)('$name', ({ open }) => {
  let store: DeliveryStore;
  let sender: SmtpSender;
  beforeEach(async () => {
    store = new DeliveryStore(await open());
    sender = new SmtpSender(settings(), store);
    smtp.received.length = 0;
  });
  afterEach(() => sender.close());

  test('a mail arrives with the school sender, recipient, subject, Norwegian text, the derived Message-ID and the .ics attachment', async () => {
    const message = email({
      attachments: [{ filename: 'invitasjon.ics', content: ics, contentType: 'text/calendar; method=REQUEST; charset=UTF-8' }],
    });
    const receipt = await sender.send(message);
    expect(receipt).toMatchObject({ idempotencyKey: message.idempotencyKey, duplicate: false });
    expect(smtp.received).toHaveLength(1);
    const mail = await simpleParser(smtp.received[0]!);
    expect(mail.from?.value).toEqual([{ name: 'Skole A', address: 'post@skole-a.no' }]);
    expect(mail.to).toMatchObject({ text: 'kari@example.no' });
    expect(mail.subject).toBe('Bekymringsfullt fravær');
    expect(mail.text?.trim()).toBe('Hei Kari,\nvi er bekymret for fraværet. Ring oss gjerne.');
    expect(mail.messageId).toBe(messageIdFor(message.idempotencyKey, 'Skole A <post@skole-a.no>'));
    expect(mail.headers.get('x-skolefravaer-sak')).toBe('fravaerssak-skole-a-elev-1');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ filename: 'invitasjon.ics', contentType: 'text/calendar' });
    expect(mail.attachments[0]!.content.toString('utf8')).toBe(ics);
    expect(await store.find(message.idempotencyKey)).toMatchObject({
      caseId: 'fravaerssak-skole-a-elev-1',
      channel: 'email',
      recipientId: 'foresatt-7',
      status: 'sent',
      attempts: 1,
    });
  });

  test('an activity that fails after the SMTP server accepted its mail, before returning, sends nothing new when retried', async () => {
    const message = email();
    // The activity: send, then die before returning (the worker crashed, the heartbeat timed out).
    const activity = async () => {
      await sender.send(message);
      throw new Error('arbeideren stoppet før aktiviteten svarte');
    };
    await expect(activity()).rejects.toThrow('arbeideren stoppet');
    expect(smtp.received).toHaveLength(1);
    // Temporal retries the activity: the record says sent, so nothing goes to the server.
    const retry = await sender.send(message);
    expect(retry.duplicate).toBe(true);
    expect(smtp.received).toHaveLength(1);
    expect(await store.find(message.idempotencyKey)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  test('the one gap left (accepted, then the record could not be written): the resend carries the same Message-ID', async () => {
    const message = email();
    // The database fails once, right after the server accepted the mail.
    let failOnce = true;
    const flaky = Object.create(store) as DeliveryStore;
    flaky.recordSent = async (attempt) => {
      if (failOnce) {
        failOnce = false;
        throw new Error('databasen svarte ikke');
      }
      return store.recordSent(attempt);
    };
    const flakySender = new SmtpSender(settings(), flaky);
    try {
      await expect(flakySender.send(message)).rejects.toThrow('databasen svarte ikke');
      expect(await flakySender.send(message)).toMatchObject({ duplicate: false });
    } finally {
      flakySender.close();
    }
    expect(smtp.received).toHaveLength(2);
    const [first, second] = await Promise.all(smtp.received.map((raw) => simpleParser(raw)));
    expect(second!.messageId).toBe(first!.messageId);
    expect(await flakySender.send(message)).toMatchObject({ duplicate: true });
    expect(smtp.received).toHaveLength(2);
  });

  test('a permanent refusal (5xx) fails without retry; a temporary one (4xx) is retried and then sent; every attempt is recorded', async () => {
    const refused = email();
    smtp.refuseNextRecipient(550, 'Ingen slik mottaker');
    const permanent = await sender.send(refused).catch((err: unknown) => err);
    expect(permanent).toBeInstanceOf(MessageDeliveryError);
    expect(permanent).toMatchObject({ retryable: false });
    expect(await store.find(refused.idempotencyKey)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringContaining('Ingen slik mottaker'),
    });

    const later = email();
    smtp.refuseNextRecipient(451, 'Prøv igjen senere');
    await expect(sender.send(later)).rejects.toMatchObject({ name: 'MessageDeliveryError', retryable: true });
    expect(await sender.send(later)).toMatchObject({ duplicate: false });
    expect(smtp.received).toHaveLength(1);
    const record = await store.find(later.idempotencyKey);
    expect(record).toMatchObject({ status: 'sent', attempts: 2 });
    expect(record?.sentAt).toBeDefined();
    // The case shows its deliveries: both messages, each with its outcome.
    expect((await store.forCase('fravaerssak-skole-a-elev-1')).map((r) => [r.idempotencyKey, r.status])).toEqual(
      expect.arrayContaining([
        [refused.idempotencyKey, 'failed'],
        [later.idempotencyKey, 'sent'],
      ]),
    );
  });

  test('a wrong SMTP password is a failed, retryable delivery (the login may be fixed)', async () => {
    const wrong = new SmtpSender({ ...settings(), auth: { user: 'fravaer', password: 'feil' } }, store);
    try {
      const message = email();
      await expect(wrong.send(message)).rejects.toBeInstanceOf(MessageDeliveryError);
      expect(smtp.received).toHaveLength(0);
      expect(await store.find(message.idempotencyKey)).toMatchObject({ status: 'failed', attempts: 1 });
    } finally {
      wrong.close();
    }
  });
});
