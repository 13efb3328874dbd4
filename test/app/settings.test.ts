/**
 * Every setting is parsed once, in app/settings.ts: the defaults live there and nowhere else, and
 * each bad value stops the process with a Norwegian message naming the variable and the value.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  DEFAULT_SCHOOLS_CONFIG,
  DEFAULT_TASK_QUEUE,
  SETTING_VARIABLES,
  type Settings,
  loadSettings,
  parseSettings,
} from '../../app/settings';

const defaults: Settings = {
  temporal: {
    address: '127.0.0.1:7233',
    namespace: 'default',
    taskQueue: DEFAULT_TASK_QUEUE,
    payloadKeysFile: path.join('data', 'payload-keys.json'),
  },
  dataDir: 'data',
  databaseUrl: `sqlite:${path.join('data', 'skolefravaer.sqlite')}`,
  outboxDir: path.join('data', 'outbox'),
  registrationsDir: path.join('data', 'registrations'),
  detectionLedgerDir: path.join('data', 'detection'),
  archiveDir: path.join('data', 'archive'),
  caseRetentionDays: 365,
  schoolsConfig: DEFAULT_SCHOOLS_CONFIG,
  devServer: { port: 7233, uiPort: 8233 },
  demoData: true,
  logLevel: 'WARN',
  workerMemoryMb: 4096,
  messages: {},
  web: {
    host: '127.0.0.1',
    port: 8080,
    publicUrl: 'http://127.0.0.1:8080',
    sessionKeyFile: path.join('data', 'web-session.key'),
    temporalUiOrigins: ['http://127.0.0.1:8233', 'http://localhost:8233'],
  },
};

/** The ConfigError message parsing `env` throws (fails the test when it does not throw). */
function refusal(env: Record<string, string>): string {
  try {
    parseSettings(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`no refusal for ${JSON.stringify(env)}`);
}

test('with nothing set: the local dev server, the case task queue, everything under data/, demo data on, warnings only', () => {
  expect(parseSettings({})).toEqual(defaults);
  expect(DEFAULT_TASK_QUEUE).toBe('skolefravaer-saker');
  expect(DEFAULT_SCHOOLS_CONFIG).toBe(path.join('config', 'schools.json'));
});

test('empty variables count as unset (shell scripts export unset ones as ""), so defaults apply', () => {
  expect(parseSettings({ TEMPORAL_ADDRESS: '', TEMPORAL_NAMESPACE: '', DATA_DIR: '', LOG_LEVEL: '', DEMO_DATA: '' })).toEqual(defaults);
});

test('DATA_DIR moves the outbox, the registrations, the ledger and the archive with it, unless each is set on its own', () => {
  const settings = parseSettings({ DATA_DIR: '/srv/fravaer', REGISTRATIONS_DIR: '/mnt/registreringer' });
  expect(settings).toMatchObject({
    dataDir: '/srv/fravaer',
    outboxDir: path.join('/srv/fravaer', 'outbox'),
    registrationsDir: '/mnt/registreringer',
    detectionLedgerDir: path.join('/srv/fravaer', 'detection'),
    archiveDir: path.join('/srv/fravaer', 'archive'),
  });
  expect(parseSettings({ DATA_DIR: '/srv/fravaer', ARCHIVE_DIR: '/mnt/arkiv' }).archiveDir).toBe('/mnt/arkiv');
});

test('every variable is read: a remote cluster with mutual TLS, own folders, ports, demo data off and debug logging', () => {
  expect(
    parseSettings({
      TEMPORAL_ADDRESS: 'temporal.kommune.no:7233',
      TEMPORAL_NAMESPACE: 'skole-prod',
      TEMPORAL_TASK_QUEUE: 'saker-2',
      TEMPORAL_TLS_CERT_PATH: '/etc/certs/client.pem',
      TEMPORAL_TLS_KEY_PATH: '/etc/certs/client.key',
      TEMPORAL_TLS_CA_PATH: '/etc/certs/ca.pem',
      DATA_DIR: 'var',
      DATABASE_URL: 'postgres://skolefravaer@db.kommune.no:5432/skolefravaer',
      OUTBOX_DIR: '/srv/outbox',
      DETECTION_LEDGER_DIR: '/srv/ledger',
      SCHOOLS_CONFIG: '/etc/skoler.json',
      TEMPORAL_DEV_PORT: '17233',
      TEMPORAL_UI_PORT: '18233',
      DEMO_DATA: 'off',
      LOG_LEVEL: 'DEBUG',
      CASE_RETENTION_DAYS: '730',
      WORKER_MEMORY_MB: '6144',
    }),
  ).toEqual({
    temporal: {
      address: 'temporal.kommune.no:7233',
      namespace: 'skole-prod',
      taskQueue: 'saker-2',
      tls: { certPath: '/etc/certs/client.pem', keyPath: '/etc/certs/client.key', caPath: '/etc/certs/ca.pem' },
      payloadKeysFile: path.join('var', 'payload-keys.json'),
    },
    dataDir: 'var',
    databaseUrl: 'postgres://skolefravaer@db.kommune.no:5432/skolefravaer',
    outboxDir: '/srv/outbox',
    registrationsDir: path.join('var', 'registrations'),
    detectionLedgerDir: '/srv/ledger',
    archiveDir: path.join('var', 'archive'),
    caseRetentionDays: 730,
    schoolsConfig: '/etc/skoler.json',
    devServer: { port: 17233, uiPort: 18233 },
    demoData: false,
    logLevel: 'DEBUG',
    workerMemoryMb: 6144,
    messages: {},
    web: {
      ...defaults.web,
      sessionKeyFile: path.join('var', 'web-session.key'),
      temporalUiOrigins: ['http://127.0.0.1:18233', 'http://localhost:18233'],
    },
  });
});

test('PAYLOAD_KEYS_FILE puts the key file elsewhere than DATA_DIR; TEMPORAL_UI_URL names the one Web UI origin the codec endpoint answers', () => {
  const settings = parseSettings({
    PAYLOAD_KEYS_FILE: '/etc/fravaer/keys.json',
    TEMPORAL_UI_URL: 'https://temporal.kommune.no/ui/',
    TEMPORAL_UI_PORT: '18233',
  });
  expect(settings.temporal.payloadKeysFile).toBe('/etc/fravaer/keys.json');
  expect(settings.web.temporalUiOrigins).toEqual(['https://temporal.kommune.no']);
  expect(refusal({ TEMPORAL_UI_URL: 'temporal.kommune.no' })).toMatch(/TEMPORAL_UI_URL: .*\(fikk «temporal\.kommune\.no»\)/);
  expect(refusal({ PAYLOAD_KEYS_FILE: ' ' })).toMatch(/PAYLOAD_KEYS_FILE: /);
});

test('with SMTP_HOST and SMS_GATEWAY_URL unset, messages stay in the local outbox (no transport settings)', () => {
  expect(parseSettings({ SMTP_PORT: '465', SMS_SENDER: 'Skolen' }).messages).toEqual({});
});

test('SMTP and the SMS gateway are read with their defaults, login and per-school senders', () => {
  expect(parseSettings({ SMTP_HOST: 'smtp.kommune.no', SMTP_FROM: 'Skolen <post@kommune.no>' }).messages).toEqual({
    smtp: { host: 'smtp.kommune.no', port: 587, security: 'starttls', from: 'Skolen <post@kommune.no>', schoolSenders: {} },
  });
  expect(
    parseSettings({
      SMTP_HOST: 'smtp.kommune.no',
      SMTP_PORT: '465',
      SMTP_SECURE: 'tls',
      SMTP_USER: 'fravaer',
      SMTP_PASSWORD: 'hemmelig',
      SMTP_FROM: 'post@kommune.no',
      SMTP_SCHOOL_SENDERS: '{"skole-a":"Skole A <post@a.no>"}',
      SMS_GATEWAY_URL: 'https://sms.kommune.no/send',
      SMS_GATEWAY_TOKEN: 'token-1',
      SMS_SENDER: 'Skolen',
    }).messages,
  ).toEqual({
    smtp: {
      host: 'smtp.kommune.no',
      port: 465,
      security: 'tls',
      auth: { user: 'fravaer', password: 'hemmelig' },
      from: 'post@kommune.no',
      schoolSenders: { 'skole-a': 'Skole A <post@a.no>' },
    },
    sms: { url: 'https://sms.kommune.no/send', token: 'token-1', sender: 'Skolen' },
  });
});

test.each([
  [{ SMTP_HOST: 'smtp.x.no' }, /SMTP_FROM: må settes når SMTP_HOST er satt/],
  [{ SMTP_FROM: 'ikke en adresse' }, /SMTP_FROM: må være en e-postadresse.* \(fikk «ikke en adresse»\)/],
  [{ SMTP_SECURE: 'ja' }, /SMTP_SECURE: må være en av tls, starttls, off \(fikk «ja»\)/],
  [{ SMTP_PORT: 'x' }, /SMTP_PORT: må være et portnummer/],
  [{ SMTP_USER: 'fravaer' }, /SMTP_PASSWORD: SMTP_USER og SMTP_PASSWORD må settes sammen/],
  [{ SMTP_SCHOOL_SENDERS: '{skole-a}' }, /SMTP_SCHOOL_SENDERS: må være et JSON-objekt fra skole-id til avsender/],
  [{ SMTP_SCHOOL_SENDERS: '{"skole-a":"feil"}' }, /SMTP_SCHOOL_SENDERS\.skole-a: må være en e-postadresse/],
  [{ SMS_GATEWAY_URL: 'ftp://sms' }, /SMS_GATEWAY_URL: må være en http- eller https-adresse/],
  [{ SMS_GATEWAY_URL: 'https://sms.x.no' }, /SMS_GATEWAY_TOKEN: må settes når SMS_GATEWAY_URL er satt\n.*SMS_SENDER: må settes/],
])('a bad message setting %j is refused in Norwegian', (env, message) => {
  expect(refusal(env)).toMatch(message);
});

test('the SMTP password and the SMS token are named but never echoed', () => {
  const text = refusal({ SMTP_PASSWORD: '  ', SMS_GATEWAY_TOKEN: ' ' });
  expect(text).toMatch(/SMTP_PASSWORD: kan ikke være tom når den er satt/);
  expect(text).toMatch(/SMS_GATEWAY_TOKEN: kan ikke være tom når den er satt/);
  expect(text).not.toMatch(/fikk/);
});

test('OpenID Connect sign-in: off unless issuer, client id and secret are set; the redirect address follows WEB_PUBLIC_URL', () => {
  expect(parseSettings({}).web.oidc).toBeUndefined();
  const oidc = { OIDC_ISSUER: 'https://auth.dataporten.no', OIDC_CLIENT_ID: 'klient-1', OIDC_CLIENT_SECRET: 'hemmelig' };
  expect(parseSettings({ ...oidc, WEB_PUBLIC_URL: 'https://fravaer.kommune.no/' }).web.oidc).toEqual({
    issuer: 'https://auth.dataporten.no',
    clientId: 'klient-1',
    clientSecret: 'hemmelig',
    displayName: 'Feide',
    usernameClaim: 'email',
    redirectUri: 'https://fravaer.kommune.no/logg-inn/oidc/tilbake',
  });
  const entra = parseSettings({ ...oidc, OIDC_DISPLAY_NAME: 'Entra ID', OIDC_USERNAME_CLAIM: 'preferred_username' }).web.oidc;
  expect(entra).toMatchObject({
    displayName: 'Entra ID',
    usernameClaim: 'preferred_username',
    redirectUri: 'http://127.0.0.1:8080/logg-inn/oidc/tilbake',
  });
  expect(parseSettings({ ...oidc, OIDC_ISSUER: 'http://127.0.0.1:9000' }).web.oidc?.issuer).toBe('http://127.0.0.1:9000');
});

test.each([
  [
    { OIDC_ISSUER: 'https://auth.dataporten.no' },
    /OIDC_CLIENT_ID: OIDC_ISSUER, OIDC_CLIENT_ID og OIDC_CLIENT_SECRET må settes sammen\n.*OIDC_CLIENT_SECRET: /,
  ],
  [
    { OIDC_CLIENT_ID: 'klient-1', OIDC_CLIENT_SECRET: 'x' },
    /OIDC_ISSUER: OIDC_ISSUER, OIDC_CLIENT_ID og OIDC_CLIENT_SECRET må settes sammen/,
  ],
  [
    { OIDC_ISSUER: 'http://idp.kommune.no' },
    /OIDC_ISSUER: må være en https-adresse \(http bare på 127\.0\.0\.1\/localhost\).* \(fikk «http:\/\/idp\.kommune\.no»\)/,
  ],
  [{ OIDC_ISSUER: 'feide' }, /OIDC_ISSUER: må være en https-adresse/],
  [{ OIDC_DISPLAY_NAME: ' ' }, /OIDC_DISPLAY_NAME: kan ikke være tom/],
])('a bad OpenID Connect setting %j is refused in Norwegian', (env, message) => {
  expect(refusal(env)).toMatch(message);
});

test('the OpenID client secret is named but never echoed', () => {
  const text = refusal({ OIDC_CLIENT_SECRET: '  ' });
  expect(text).toMatch(/OIDC_CLIENT_SECRET: kan ikke være tom når den er satt/);
  expect(text).not.toMatch(/fikk/);
});

test('an API key implies nothing else and is kept as given', () => {
  expect(parseSettings({ TEMPORAL_API_KEY: 'hemmelig' }).temporal).toEqual({ ...defaults.temporal, apiKey: 'hemmelig' });
});

test.each([
  ['TEMPORAL_ADDRESS', 'localhost', /TEMPORAL_ADDRESS: må være vert:port, f\.eks\. 127\.0\.0\.1:7233 \(fikk «localhost»\)/],
  ['TEMPORAL_DEV_PORT', 'sju', /TEMPORAL_DEV_PORT: må være et portnummer \(1–65535\) \(fikk «sju»\)/],
  ['TEMPORAL_DEV_PORT', '70000', /TEMPORAL_DEV_PORT: må være et portnummer \(1–65535\) \(fikk «70000»\)/],
  ['TEMPORAL_UI_PORT', '0', /TEMPORAL_UI_PORT: må være et portnummer \(1–65535\) \(fikk «0»\)/],
  ['DEMO_DATA', 'ja', /DEMO_DATA: må være on eller off \(fikk «ja»\)/],
  ['LOG_LEVEL', 'LOUD', /LOG_LEVEL: må være en av TRACE, DEBUG, INFO, WARN, ERROR \(fikk «LOUD»\)/],
  ['TEMPORAL_NAMESPACE', ' ', /TEMPORAL_NAMESPACE: kan ikke være tom/],
  ['TEMPORAL_TASK_QUEUE', '  ', /TEMPORAL_TASK_QUEUE: kan ikke være tom/],
  ['DATA_DIR', ' ', /DATA_DIR: må være en mappe/],
  ['OUTBOX_DIR', ' ', /OUTBOX_DIR: må være en mappe/],
  ['REGISTRATIONS_DIR', ' ', /REGISTRATIONS_DIR: må være en mappe/],
  ['DETECTION_LEDGER_DIR', ' ', /DETECTION_LEDGER_DIR: må være en mappe/],
  ['SCHOOLS_CONFIG', ' ', /SCHOOLS_CONFIG: må være en filsti/],
  ['TEMPORAL_TLS_CA_PATH', ' ', /TEMPORAL_TLS_CA_PATH: må være en filsti når den er satt/],
  ['CASE_RETENTION_DAYS', '0', /CASE_RETENTION_DAYS: må være et helt antall dager \(1 eller flere\) \(fikk «0»\)/],
  ['CASE_RETENTION_DAYS', '-5', /CASE_RETENTION_DAYS: må være et helt antall dager \(1 eller flere\) \(fikk «-5»\)/],
  ['CASE_RETENTION_DAYS', 'ett år', /CASE_RETENTION_DAYS: må være et helt antall dager \(1 eller flere\) \(fikk «ett år»\)/],
  ['CASE_RETENTION_DAYS', '1.5', /CASE_RETENTION_DAYS: må være et helt antall dager \(1 eller flere\) \(fikk «1\.5»\)/],
])('a bad %s (%j) is refused in Norwegian, naming the variable and the value', (variable, value, message) => {
  const text = refusal({ [variable]: value });
  expect(text).toMatch(/^Ugyldige innstillinger i miljøet:\n/);
  expect(text).toMatch(message);
});

test('a TLS certificate without its key (or the reverse) is refused, naming the missing variable', () => {
  expect(refusal({ TEMPORAL_TLS_CERT_PATH: '/c.pem' })).toMatch(
    /TEMPORAL_TLS_KEY_PATH: TEMPORAL_TLS_CERT_PATH og TEMPORAL_TLS_KEY_PATH må settes sammen/,
  );
  expect(refusal({ TEMPORAL_TLS_KEY_PATH: '/k.pem' })).toMatch(/TEMPORAL_TLS_CERT_PATH: /);
});

test('a bad API key is named but never echoed', () => {
  const text = refusal({ TEMPORAL_API_KEY: '   ' });
  expect(text).toMatch(/TEMPORAL_API_KEY: kan ikke være tom når den er satt/);
  expect(text).not.toMatch(/fikk/);
});

test('every bad variable is reported at once', () => {
  const text = refusal({ TEMPORAL_ADDRESS: 'nohost', TEMPORAL_TLS_KEY_PATH: '/k.pem', LOG_LEVEL: 'LOUD', TEMPORAL_UI_PORT: 'x' });
  for (const variable of ['TEMPORAL_ADDRESS', 'TEMPORAL_TLS_CERT_PATH', 'LOG_LEVEL', 'TEMPORAL_UI_PORT']) expect(text).toContain(variable);
});

test("loadSettings parses the process's own environment once and gives the same settings after", () => {
  const first = loadSettings();
  expect(loadSettings()).toBe(first);
  expect(first.temporal.taskQueue).toBe(process.env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE);
});

test("the README's Configuration table documents exactly the variables the settings read", () => {
  const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf('## Configuration');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
  const documented = [...section.matchAll(/^\| (.+?) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([A-Z_]+)`/g)].map((v) => v[1]!));
  expect([...documented].sort()).toEqual([...SETTING_VARIABLES].sort());
});
