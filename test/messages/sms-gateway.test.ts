/**
 * The SMS gateway adapter against a loopback node:http server standing in for the gateway: the
 * documented request (JSON body, bearer token), 2xx sent, 4xx failed without retry, 5xx and a
 * network error retried, and a retried activity sends nothing new. Runs on SQLite and PostgreSQL.
 */
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryStore } from '../../messages/delivery-store';
import { MessageDeliveryError, type OutgoingSms } from '../../messages/message';
import { SmsGateway, type SmsGatewayRequest } from '../../messages/sms-gateway';
import { testDatabases } from '../helpers/databases';

const databases = testDatabases();

interface Received {
  method?: string;
  path?: string;
  authorization?: string;
  contentType?: string;
  idempotencyKey?: string;
  body: SmsGatewayRequest;
}

let server: Server;
let url: string;
const received: Received[] = [];
/** The status codes the gateway answers with, one per request; 202 when empty. */
const answers: number[] = [];

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((text) => {
      received.push({
        method: req.method,
        path: req.url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        body: JSON.parse(text) as SmsGatewayRequest,
      });
      const status = answers.shift() ?? 202;
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify(status < 300 ? { id: 'm-1' } : { error: 'ugyldig nummer' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms/send`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let keys = 0;
const sms = (): OutgoingSms => ({
  idempotencyKey: `fravaerssak-skole-a-elev-1:varsle-foresatte-sms:${(keys += 1)}`,
  caseId: 'fravaerssak-skole-a-elev-1',
  recipient: { personId: 'foresatt-7', address: '+4791234567' },
  text: 'Skolen er bekymret for fraværet. Ring oss på 22 00 00 00.',
});

describe.each(databases)('$name', ({ open }) => {
  let store: DeliveryStore;
  let gateway: SmsGateway;
  beforeEach(async () => {
    store = new DeliveryStore(await open());
    gateway = new SmsGateway({ url, token: 'token-1', sender: 'Skolen' }, store);
    received.length = 0;
    answers.length = 0;
  });

  test('sends the documented request: POST, JSON { to, from, text, reference }, bearer token; 2xx is sent', async () => {
    const message = sms();
    expect(await gateway.send(message)).toMatchObject({ duplicate: false });
    expect(received).toEqual([
      {
        method: 'POST',
        path: '/sms/send',
        authorization: 'Bearer token-1',
        contentType: 'application/json',
        idempotencyKey: message.idempotencyKey,
        body: { to: '+4791234567', from: 'Skolen', text: message.text, reference: message.idempotencyKey },
      },
    ]);
    expect(await store.find(message.idempotencyKey)).toMatchObject({
      channel: 'sms',
      recipientId: 'foresatt-7',
      status: 'sent',
      attempts: 1,
    });
  });

  test('a retried activity (sent, then failed before returning) sends nothing new', async () => {
    const message = sms();
    await gateway.send(message);
    expect(await gateway.send(message)).toMatchObject({ duplicate: true });
    expect(received).toHaveLength(1);
  });

  test('4xx is failed and not retried; 5xx is retried and then sent; the record counts each attempt', async () => {
    const refused = sms();
    answers.push(400);
    const err = await gateway.send(refused).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MessageDeliveryError);
    expect(err).toMatchObject({ retryable: false, message: expect.stringContaining('400') });
    expect(await store.find(refused.idempotencyKey)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringContaining('ugyldig nummer'),
    });

    const later = sms();
    answers.push(503);
    await expect(gateway.send(later)).rejects.toMatchObject({ retryable: true });
    expect(await gateway.send(later)).toMatchObject({ duplicate: false });
    expect(await store.find(later.idempotencyKey)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test.each([408, 429])('%i (timed out, too many requests) is retried, not failed for good', async (status) => {
    const message = sms();
    answers.push(status);
    await expect(gateway.send(message)).rejects.toMatchObject({ retryable: true, message: expect.stringContaining(String(status)) });
    expect(await gateway.send(message)).toMatchObject({ duplicate: false });
    expect(await store.find(message.idempotencyKey)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test('a gateway that cannot be reached is a retryable failure, recorded', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = new SmsGateway({ url: `http://127.0.0.1:${port}/sms`, token: 't', sender: 'Skolen' }, store);
    const message = sms();
    await expect(unreachable.send(message)).rejects.toMatchObject({ name: 'MessageDeliveryError', retryable: true });
    expect(await store.find(message.idempotencyKey)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringContaining('svarte ikke'),
    });
  });
});
