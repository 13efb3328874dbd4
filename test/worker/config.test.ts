/** The worker and clients fail fast on bad configuration, naming the variable at fault. */
import { ConfigError, DEFAULT_TASK_QUEUE, loadTemporalConfig, loadWorkerSettings } from '../../worker/config';

test('defaults point at the local dev server, default namespace and the case task queue', () => {
  expect(loadTemporalConfig({})).toEqual({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: DEFAULT_TASK_QUEUE });
});

test('empty variables count as unset, so defaults apply', () => {
  expect(loadTemporalConfig({ TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '' }).address).toBe('127.0.0.1:7233');
});

test('a remote cluster with mutual TLS and a custom namespace and task queue', () => {
  expect(
    loadTemporalConfig({
      TEMPORAL_ADDRESS: 'temporal.kommune.no:7233',
      TEMPORAL_NAMESPACE: 'skole-prod',
      TEMPORAL_TASK_QUEUE: 'saker-2',
      TEMPORAL_TLS_CERT_PATH: '/etc/certs/client.pem',
      TEMPORAL_TLS_KEY_PATH: '/etc/certs/client.key',
    }),
  ).toEqual({
    address: 'temporal.kommune.no:7233',
    namespace: 'skole-prod',
    taskQueue: 'saker-2',
    tls: { certPath: '/etc/certs/client.pem', keyPath: '/etc/certs/client.key' },
  });
});

test('an address without a port is refused with the variable named', () => {
  expect(() => loadTemporalConfig({ TEMPORAL_ADDRESS: 'localhost' })).toThrow(ConfigError);
  expect(() => loadTemporalConfig({ TEMPORAL_ADDRESS: 'localhost' })).toThrow(/TEMPORAL_ADDRESS: må være vert:port.* \(fikk «localhost»\)/);
});

test('a TLS certificate without its key is refused, naming the missing variable', () => {
  expect(() => loadTemporalConfig({ TEMPORAL_TLS_CERT_PATH: '/c.pem' })).toThrow(/TEMPORAL_TLS_KEY_PATH/);
});

test('every bad variable is reported at once', () => {
  let message = '';
  try {
    loadTemporalConfig({ TEMPORAL_ADDRESS: 'nohost', TEMPORAL_TLS_KEY_PATH: '/k.pem' });
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toMatch(/TEMPORAL_ADDRESS/);
  expect(message).toMatch(/TEMPORAL_TLS_CERT_PATH/);
});

test('worker settings default to the data outbox and warnings only, and refuse an unknown log level', () => {
  const defaults = {
    outboxDir: 'data/outbox',
    registrationsDir: 'data/registrations',
    detectionLedgerDir: 'data/detection',
    schoolsConfig: 'config/schools.json',
    logLevel: 'WARN',
  };
  expect(loadWorkerSettings({})).toEqual(defaults);
  expect(loadWorkerSettings({ OUTBOX_DIR: '/srv/outbox', LOG_LEVEL: 'DEBUG', SCHOOLS_CONFIG: '/etc/skoler.json' })).toEqual({
    ...defaults,
    outboxDir: '/srv/outbox',
    schoolsConfig: '/etc/skoler.json',
    logLevel: 'DEBUG',
  });
  expect(() => loadWorkerSettings({ REGISTRATIONS_DIR: ' ' })).toThrow(/REGISTRATIONS_DIR: må være en mappe/);
  expect(() => loadWorkerSettings({ LOG_LEVEL: 'LOUD' })).toThrow(/LOG_LEVEL: må være en av TRACE.* \(fikk «LOUD»\)/);
});
