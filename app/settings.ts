/**
 * Every setting the project reads from the environment, parsed once with zod: the Temporal
 * connection, where data lives, the local dev server's ports, demo data and the worker's log
 * level. Each default is written here and nowhere else; every entry point (the CLIs, the worker,
 * detection, `npm start`) asks `loadSettings()` instead of reading `process.env` itself. A bad
 * value fails fast with a Norwegian message naming the variable and the value (the README's
 * Configuration table lists them).
 */
import path from 'node:path';
import { z } from 'zod';
import { describeIssues, parseOptions } from '../machines/zod-issues';
import { defaultDatabaseUrl, parseDatabaseUrl } from './database/database-url';

/** Task queue the case worker polls unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'skolefravaer-saker';
/** The committed school directory (relative to the project root). */
export const DEFAULT_SCHOOLS_CONFIG = path.join('config', 'schools.json');
export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const text = (message: string) => z.string().trim().min(1, message);
const hostPort = z
  .string()
  .trim()
  .regex(/^[^\s:]+:\d{1,5}$/, 'må være vert:port, f.eks. 127.0.0.1:7233');
const port = z
  .string()
  .trim()
  .regex(/^\d{1,5}$/, 'må være et portnummer (1–65535)')
  .transform(Number)
  .refine((n) => n >= 1 && n <= 65535, 'må være et portnummer (1–65535)');
const optionalPath = text('må være en filsti når den er satt').optional();
/** CASE_RETENTION_DAYS: a whole number of days, at least one. */
const retentionDays = z
  .string()
  .trim()
  .regex(/^\d{1,6}$/, 'må være et helt antall dager (1 eller flere)')
  .transform(Number)
  .refine((n) => n >= 1, 'må være et helt antall dager (1 eller flere)');
const directory = text('må være en mappe').optional();
/** WORKER_MEMORY_MB: a whole number of megabytes, at least 512 (the worker alone needs about 400). */
const workerMemoryMb = z
  .string()
  .trim()
  .regex(/^\d{1,7}$/, 'må være et helt antall megabyte (512 eller flere)')
  .transform(Number)
  .refine((n) => n >= 512, 'må være et helt antall megabyte (512 eller flere)');

/** Variables whose value is a secret: a refusal names them but never echoes what was given. */
const SECRET_VARIABLES = new Set(['TEMPORAL_API_KEY', 'DATABASE_URL', 'SMTP_PASSWORD', 'SMS_GATEWAY_TOKEN', 'OIDC_CLIENT_SECRET']);

/** SMTP_SECURE: implicit TLS from the first byte (port 465), STARTTLS required, or plain (loopback test servers only). */
export const SMTP_SECURITY = ['tls', 'starttls', 'off'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

// A sender as the mail header writes it: `post@skole.no` or `Skolen <post@skole.no>`.
const sender = z
  .string()
  .trim()
  .regex(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'må være en e-postadresse, f.eks. Skolen <post@skole.no>');
/** SMTP_SCHOOL_SENDERS: a JSON object from school id to that school's sender. */
const schoolSenders = z
  .string()
  .trim()
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'må være et JSON-objekt fra skole-id til avsender' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1), sender, 'må være et JSON-objekt fra skole-id til avsender'));
const httpUrl = z
  .string()
  .trim()
  .regex(/^https?:\/\/[^\s]+$/, 'må være en http- eller https-adresse');

/** Hosts a plain-http OpenID provider may have: only this machine (a test provider), never the network. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** OIDC_ISSUER: https, or http on loopback only (the ID token and client secret must never cross a network in clear). */
const issuerUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
    } catch {
      return false;
    }
  }, 'må være en https-adresse (http bare på 127.0.0.1/localhost), f.eks. https://auth.dataporten.no');

const databaseUrl = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const target = parseDatabaseUrl(value);
    if ('error' in target) ctx.addIssue({ code: 'custom', message: target.error });
  });

const envSchema = z.object({
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: text('kan ikke være tom').default('default'),
  TEMPORAL_TASK_QUEUE: text('kan ikke være tom').default(DEFAULT_TASK_QUEUE),
  TEMPORAL_TLS_CERT_PATH: optionalPath,
  TEMPORAL_TLS_KEY_PATH: optionalPath,
  TEMPORAL_TLS_CA_PATH: optionalPath,
  TEMPORAL_API_KEY: text('kan ikke være tom når den er satt').optional(),
  DATA_DIR: text('må være en mappe').default('data'),
  // Unset: a key file generated on first start in DATA_DIR (see README, "Security").
  PAYLOAD_KEYS_FILE: optionalPath,
  // Unset: the SQLite file in DATA_DIR.
  DATABASE_URL: databaseUrl.optional(),
  // Unset, these three live in DATA_DIR (below), so one DATA_DIR moves all the data.
  OUTBOX_DIR: directory,
  REGISTRATIONS_DIR: directory,
  DETECTION_LEDGER_DIR: directory,
  // Unset: the case archive's files live in DATA_DIR too.
  ARCHIVE_DIR: directory,
  // Days a closed case's working data is kept before `npm run retention` deletes it (cli/retention.ts).
  CASE_RETENTION_DAYS: retentionDays.default(365),
  SCHOOLS_CONFIG: text('må være en filsti').default(DEFAULT_SCHOOLS_CONFIG),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  DEMO_DATA: z.enum(['on', 'off'], 'må være on eller off').default('on'),
  LOG_LEVEL: z.enum(LOG_LEVELS, `må være en av ${LOG_LEVELS.join(', ')}`).default('WARN'),
  // The worker's memory budget: its cache of open cases is sized from it (worker/cache-size.ts).
  WORKER_MEMORY_MB: workerMemoryMb.default(4096),
  // Unset SMTP_HOST / SMS_GATEWAY_URL: messages stay in the local outbox.
  SMTP_HOST: text('kan ikke være tom når den er satt').optional(),
  SMTP_PORT: port.default(587),
  SMTP_SECURE: z.enum(SMTP_SECURITY, `må være en av ${SMTP_SECURITY.join(', ')}`).default('starttls'),
  SMTP_USER: text('kan ikke være tom når den er satt').optional(),
  SMTP_PASSWORD: text('kan ikke være tom når den er satt').optional(),
  SMTP_FROM: sender.optional(),
  SMTP_SCHOOL_SENDERS: schoolSenders.optional(),
  SMS_GATEWAY_URL: httpUrl.optional(),
  SMS_GATEWAY_TOKEN: text('kan ikke være tom når den er satt').optional(),
  SMS_SENDER: text('kan ikke være tom når den er satt').optional(),
  // The web application (web/): loopback by default; behind a proxy, WEB_PUBLIC_URL says how users reach it.
  WEB_HOST: text('kan ikke være tom').default('127.0.0.1'),
  WEB_PORT: port.default(8080),
  WEB_PUBLIC_URL: httpUrl.optional(),
  // The Temporal Web UI that may call the codec endpoint (CORS); unset: the dev server's UI on this machine.
  TEMPORAL_UI_URL: httpUrl.optional(),
  // Unset: a key generated on first start in DATA_DIR (kept, so sessions survive a restart).
  WEB_SESSION_KEY_FILE: optionalPath,
  // Sign-in through OpenID Connect (Feide, Entra ID) next to the local passwords; unset: local only.
  OIDC_ISSUER: issuerUrl.optional(),
  OIDC_CLIENT_ID: text('kan ikke være tom når den er satt').optional(),
  OIDC_CLIENT_SECRET: text('kan ikke være tom når den er satt').optional(),
  OIDC_DISPLAY_NAME: text('kan ikke være tom').default('Feide'),
  OIDC_USERNAME_CLAIM: text('kan ikke være tom').default('email'),
});

/** Every environment variable the project reads (the README's Configuration table lists the same). */
export const SETTING_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/** Where and how to reach Temporal: the worker and every client use the same. */
export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Mutual TLS with a client certificate (self-hosted clusters). */
  tls?: { certPath: string; keyPath: string; caPath?: string };
  /** API key (Temporal Cloud); implies TLS. */
  apiKey?: string;
  /** The key file (app/payload-keys.ts): payload encryption keys and the key of the pseudonymous case ids. */
  payloadKeysFile: string;
}

/** E-mail over SMTP; absent when SMTP_HOST is unset (the local outbox is used). */
export interface SmtpSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  auth?: { user: string; password: string };
  /** The default sender. */
  from: string;
  /** A school's own sender, by school id, instead of `from`. */
  schoolSenders: Readonly<Record<string, string>>;
}

/** SMS through an HTTP gateway (docs/messages.md); absent when SMS_GATEWAY_URL is unset. */
export interface SmsGatewaySettings {
  url: string;
  token: string;
  sender: string;
}

export interface Settings {
  temporal: TemporalSettings;
  /** Where `npm start` keeps the dev server's SQLite file and log, and the default home of the data below. */
  dataDir: string;
  /** The school's database (registrations, detection's ledger, the school directory): `sqlite:<file>` or `postgres://…`. */
  databaseUrl: string;
  /** Where the local outbox writes messages. */
  outboxDir: string;
  /** Stored absence registrations: the intake writes them, detection reads them. */
  registrationsDir: string;
  /** Detection's ledger of delivered triggers and trends. */
  detectionLedgerDir: string;
  /** The case archive's files (archive/), stored by checksum; its metadata is in the database. */
  archiveDir: string;
  /** Days after a case closed that its working data (Temporal history, delivery records, outbox files) is kept. */
  caseRetentionDays: number;
  /** The school directory: procedure and calendar per school. */
  schoolsConfig: string;
  /** Ports of the local dev server and its Web UI (`npm start`). */
  devServer: { port: number; uiPort: number };
  /** Whether `npm start` loads demo data on its first start. */
  demoData: boolean;
  /** Temporal runtime log level of the worker; WARN keeps bundler statistics out of the console. */
  logLevel: LogLevel;
  /** The worker's memory budget in MB; the number of open cases it keeps cached is derived from it. */
  workerMemoryMb: number;
  /** Real transports for messages; each one unset keeps that channel in the local outbox. */
  messages: { smtp?: SmtpSettings; sms?: SmsGatewaySettings };
  web: WebSettings;
}

/** Where the web application listens and how its sessions are sealed. */
export interface WebSettings {
  host: string;
  port: number;
  /** The address users open; https here makes the session cookie Secure. */
  publicUrl: string;
  /** The 32-byte key that seals session cookies. */
  sessionKeyFile: string;
  /** The Temporal Web UI origins that may call the codec endpoint (`<publicUrl>/temporal-codec`). */
  temporalUiOrigins: string[];
  /** Sign-in through an OpenID provider; absent when OIDC_ISSUER is unset (local passwords only). */
  oidc?: OidcSettings;
}

/** The OpenID Connect client: the provider, this application's registration there, and how users are matched. */
export interface OidcSettings {
  /** The provider's issuer URL (its discovery document is `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The provider's name on the sign-in button: «Logg inn med <displayName>». */
  displayName: string;
  /** The ID token claim matched against a local user's username on the first sign-in (e.g. email). */
  usernameClaim: string;
  /** Where the provider sends the user back: `<WEB_PUBLIC_URL>/logg-inn/oidc/tilbake` (register it at the provider). */
  redirectUri: string;
}

/** Thrown when the environment holds an invalid setting; the message lists every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Shell scripts export unset variables as ''; those count as "not set", so defaults apply. */
function blankToUndefined(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === '' ? undefined : value]));
}

/** Variables that mean nothing without another: each missing partner is named (never a value). */
function missingTogether(values: Record<string, string | undefined>): string[] {
  const set = (name: string) => Boolean(values[name]?.trim());
  const lines: string[] = [];
  if (set('SMTP_HOST') && !set('SMTP_FROM')) lines.push('SMTP_FROM: må settes når SMTP_HOST er satt (avsender)');
  if (set('SMTP_USER') !== set('SMTP_PASSWORD')) {
    lines.push(`${set('SMTP_USER') ? 'SMTP_PASSWORD' : 'SMTP_USER'}: SMTP_USER og SMTP_PASSWORD må settes sammen`);
  }
  if (set('SMS_GATEWAY_URL')) {
    for (const name of ['SMS_GATEWAY_TOKEN', 'SMS_SENDER']) {
      if (!set(name)) lines.push(`${name}: må settes når SMS_GATEWAY_URL er satt`);
    }
  }
  const oidc = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'];
  if (oidc.some(set)) {
    for (const name of oidc) if (!set(name)) lines.push(`${name}: OIDC_ISSUER, OIDC_CLIENT_ID og OIDC_CLIENT_SECRET må settes sammen`);
  }
  return lines;
}

/** Parses the settings from `env` (pure: tests pass their own). Throws ConfigError naming each bad variable and value. */
export function parseSettings(env: Readonly<Record<string, string | undefined>>): Settings {
  const values = blankToUndefined(env);
  const result = envSchema.safeParse(values, parseOptions);
  const lines = result.success ? [] : describeIssues(result.error, '(miljøet)', values);
  // Checked apart from the schema, so it is reported together with any other bad variable.
  if (Boolean(values.TEMPORAL_TLS_CERT_PATH?.trim()) !== Boolean(values.TEMPORAL_TLS_KEY_PATH?.trim())) {
    const missing = values.TEMPORAL_TLS_CERT_PATH?.trim() ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH';
    // A client certificate without its key (or the reverse) can never authenticate.
    lines.push(`${missing}: TEMPORAL_TLS_CERT_PATH og TEMPORAL_TLS_KEY_PATH må settes sammen`);
  }
  lines.push(...missingTogether(values));
  if (!result.success || lines.length > 0) {
    const shown = lines.map((line) =>
      SECRET_VARIABLES.has(line.split(':')[0]!) ? `  ${line.replace(/ \(fikk .*\)$/, ' (verdien vises ikke)')}` : `  ${line}`,
    );
    throw new ConfigError(`Ugyldige innstillinger i miljøet:\n${shown.join('\n')}`);
  }
  const e = result.data;
  const publicUrl = (e.WEB_PUBLIC_URL ?? `http://${e.WEB_HOST.includes(':') ? `[${e.WEB_HOST}]` : e.WEB_HOST}:${e.WEB_PORT}`).replace(
    /\/$/,
    '',
  );
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      ...(e.TEMPORAL_TLS_CERT_PATH && e.TEMPORAL_TLS_KEY_PATH
        ? {
            tls: {
              certPath: e.TEMPORAL_TLS_CERT_PATH,
              keyPath: e.TEMPORAL_TLS_KEY_PATH,
              ...(e.TEMPORAL_TLS_CA_PATH ? { caPath: e.TEMPORAL_TLS_CA_PATH } : {}),
            },
          }
        : {}),
      ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}),
      payloadKeysFile: e.PAYLOAD_KEYS_FILE ?? path.join(e.DATA_DIR, 'payload-keys.json'),
    },
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL ?? defaultDatabaseUrl(e.DATA_DIR),
    outboxDir: e.OUTBOX_DIR ?? path.join(e.DATA_DIR, 'outbox'),
    registrationsDir: e.REGISTRATIONS_DIR ?? path.join(e.DATA_DIR, 'registrations'),
    detectionLedgerDir: e.DETECTION_LEDGER_DIR ?? path.join(e.DATA_DIR, 'detection'),
    archiveDir: e.ARCHIVE_DIR ?? path.join(e.DATA_DIR, 'archive'),
    caseRetentionDays: e.CASE_RETENTION_DAYS,
    schoolsConfig: e.SCHOOLS_CONFIG,
    devServer: { port: e.TEMPORAL_DEV_PORT, uiPort: e.TEMPORAL_UI_PORT },
    demoData: e.DEMO_DATA === 'on',
    logLevel: e.LOG_LEVEL,
    workerMemoryMb: e.WORKER_MEMORY_MB,
    messages: {
      ...(e.SMTP_HOST && e.SMTP_FROM
        ? {
            smtp: {
              host: e.SMTP_HOST,
              port: e.SMTP_PORT,
              security: e.SMTP_SECURE,
              ...(e.SMTP_USER && e.SMTP_PASSWORD ? { auth: { user: e.SMTP_USER, password: e.SMTP_PASSWORD } } : {}),
              from: e.SMTP_FROM,
              schoolSenders: e.SMTP_SCHOOL_SENDERS ?? {},
            },
          }
        : {}),
      ...(e.SMS_GATEWAY_URL && e.SMS_GATEWAY_TOKEN && e.SMS_SENDER
        ? { sms: { url: e.SMS_GATEWAY_URL, token: e.SMS_GATEWAY_TOKEN, sender: e.SMS_SENDER } }
        : {}),
    },
    web: {
      host: e.WEB_HOST,
      port: e.WEB_PORT,
      publicUrl,
      sessionKeyFile: e.WEB_SESSION_KEY_FILE ?? path.join(e.DATA_DIR, 'web-session.key'),
      temporalUiOrigins: e.TEMPORAL_UI_URL
        ? [new URL(e.TEMPORAL_UI_URL).origin]
        : [`http://127.0.0.1:${e.TEMPORAL_UI_PORT}`, `http://localhost:${e.TEMPORAL_UI_PORT}`],
      ...(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? {
            oidc: {
              issuer: e.OIDC_ISSUER,
              clientId: e.OIDC_CLIENT_ID,
              clientSecret: e.OIDC_CLIENT_SECRET,
              displayName: e.OIDC_DISPLAY_NAME,
              usernameClaim: e.OIDC_USERNAME_CLAIM,
              redirectUri: `${publicUrl}/logg-inn/oidc/tilbake`,
            },
          }
        : {}),
    },
  };
}

let loaded: Settings | undefined;

/** The process's settings, parsed from its environment the first time they are asked for. Throws ConfigError. */
export function loadSettings(): Settings {
  loaded ??= parseSettings(process.env);
  return loaded;
}
