/**
 * The delivery record (table message_deliveries) on SQLite and PostgreSQL: attempts are counted,
 * a key once sent stays sent, and a case lists its deliveries with person ids, never addresses.
 */
import { type DeliveryAttempt, DeliveryStore } from '../../messages/delivery-store';
import { testDatabases } from '../helpers/databases';

const databases = testDatabases();

const attempt = (key: string, at: string, overrides: Partial<DeliveryAttempt> = {}): DeliveryAttempt => ({
  idempotencyKey: key,
  caseId: 'fravaerssak-skole-a-elev-1',
  channel: 'email',
  recipientId: 'foresatt-7',
  at,
  ...overrides,
});

describe.each(databases)('$name', ({ open }) => {
  let store: DeliveryStore;
  beforeEach(async () => {
    store = new DeliveryStore(await open());
  });

  test('an unknown key has no record', async () => {
    expect(await store.find('ukjent')).toBeUndefined();
  });

  test('failed, failed, sent: three attempts, the last error cleared, sent at the last attempt', async () => {
    await store.recordFailed(attempt('k1', '2026-12-01T10:00:00.000Z'), '451 Prøv igjen');
    expect(await store.recordFailed(attempt('k1', '2026-12-01T10:01:00.000Z'), 'tidsavbrudd')).toEqual({
      idempotencyKey: 'k1',
      caseId: 'fravaerssak-skole-a-elev-1',
      channel: 'email',
      recipientId: 'foresatt-7',
      status: 'failed',
      attempts: 2,
      lastError: 'tidsavbrudd',
      firstAttemptAt: '2026-12-01T10:00:00.000Z',
      lastAttemptAt: '2026-12-01T10:01:00.000Z',
    });
    expect(await store.recordSent(attempt('k1', '2026-12-01T10:05:00.000Z'))).toEqual({
      idempotencyKey: 'k1',
      caseId: 'fravaerssak-skole-a-elev-1',
      channel: 'email',
      recipientId: 'foresatt-7',
      status: 'sent',
      attempts: 3,
      firstAttemptAt: '2026-12-01T10:00:00.000Z',
      lastAttemptAt: '2026-12-01T10:05:00.000Z',
      sentAt: '2026-12-01T10:05:00.000Z',
    });
  });

  test('a late failure report never undoes a sent message (status and sent time stay)', async () => {
    await store.recordSent(attempt('k2', '2026-12-01T10:00:00.000Z'));
    expect(await store.recordFailed(attempt('k2', '2026-12-01T10:02:00.000Z'), 'forbindelsen brøt')).toMatchObject({
      status: 'sent',
      sentAt: '2026-12-01T10:00:00.000Z',
      attempts: 2,
    });
  });

  test("a case lists its own deliveries, oldest first, and no other case's", async () => {
    await store.recordSent(attempt('b', '2026-12-01T11:00:00.000Z', { channel: 'sms', recipientId: 'kontaktlaerer-3' }));
    await store.recordFailed(attempt('a', '2026-12-01T09:00:00.000Z'), '550 Ingen slik mottaker');
    await store.recordSent(attempt('c', '2026-12-01T08:00:00.000Z', { caseId: 'fravaerssak-skole-a-elev-2' }));
    expect((await store.forCase('fravaerssak-skole-a-elev-1')).map((r) => [r.idempotencyKey, r.channel, r.recipientId, r.status])).toEqual([
      ['a', 'email', 'foresatt-7', 'failed'],
      ['b', 'sms', 'kontaktlaerer-3', 'sent'],
    ]);
  });
});
