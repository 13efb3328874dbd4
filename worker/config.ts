/**
 * Temporal connection settings, parsed once from the environment with zod at start-up.
 * Used by the worker and by every client (CLI, tests, detection), so both sides agree on the
 * namespace and task queue. A bad value fails fast with a message that names the variable.
 */
import { z } from 'zod';
import { describeIssues, parseOptions } from '../machines/zod-issues';

/** Task queue the case worker polls unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'skolefravaer-saker';

const hostPort = z
  .string()
  .trim()
  .regex(/^[^\s:]+:\d{1,5}$/, 'må være vert:port, f.eks. 127.0.0.1:7233');

const optionalPath = z.string().trim().min(1, 'må være en filsti når den er satt').optional();

const envSchema = z
  .object({
    TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().trim().min(1, 'kan ikke være tom').default('default'),
    TEMPORAL_TASK_QUEUE: z.string().trim().min(1, 'kan ikke være tom').default(DEFAULT_TASK_QUEUE),
    TEMPORAL_TLS_CERT_PATH: optionalPath,
    TEMPORAL_TLS_KEY_PATH: optionalPath,
    TEMPORAL_TLS_CA_PATH: optionalPath,
    TEMPORAL_API_KEY: z.string().trim().min(1, 'kan ikke være tom når den er satt').optional(),
  })
  .superRefine((env, ctx) => {
    // A client certificate without its key (or the reverse) can never authenticate.
    if (Boolean(env.TEMPORAL_TLS_CERT_PATH) !== Boolean(env.TEMPORAL_TLS_KEY_PATH)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.TEMPORAL_TLS_CERT_PATH ? 'TEMPORAL_TLS_KEY_PATH' : 'TEMPORAL_TLS_CERT_PATH'],
        message: 'TEMPORAL_TLS_CERT_PATH og TEMPORAL_TLS_KEY_PATH må settes sammen',
      });
    }
  });

/** Where and how to reach Temporal. */
export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  /** Mutual TLS with a client certificate (self-hosted clusters). */
  tls?: { certPath: string; keyPath: string; caPath?: string };
  /** API key (Temporal Cloud); implies TLS. */
  apiKey?: string;
}

/** Thrown when the environment holds an invalid setting; the message lists every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the Temporal settings from `env` (default: process.env). Throws ConfigError. */
export function loadTemporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  const values = blankToUndefined(env);
  const result = envSchema.safeParse(values, parseOptions);
  if (!result.success) {
    const lines = describeIssues(result.error, '(miljøet)', values).map((line) => `  ${line}`);
    throw new ConfigError(`Ugyldige Temporal-innstillinger:\n${lines.join('\n')}`);
  }
  const parsed = result.data;
  return {
    address: parsed.TEMPORAL_ADDRESS,
    namespace: parsed.TEMPORAL_NAMESPACE,
    taskQueue: parsed.TEMPORAL_TASK_QUEUE,
    ...(parsed.TEMPORAL_TLS_CERT_PATH && parsed.TEMPORAL_TLS_KEY_PATH
      ? {
          tls: {
            certPath: parsed.TEMPORAL_TLS_CERT_PATH,
            keyPath: parsed.TEMPORAL_TLS_KEY_PATH,
            ...(parsed.TEMPORAL_TLS_CA_PATH ? { caPath: parsed.TEMPORAL_TLS_CA_PATH } : {}),
          },
        }
      : {}),
    ...(parsed.TEMPORAL_API_KEY ? { apiKey: parsed.TEMPORAL_API_KEY } : {}),
  };
}

/** Shell scripts export unset variables as ''; treat those as "not set" so defaults apply. */
function blankToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === '' ? undefined : value]));
}

const workerEnvSchema = z.object({
  OUTBOX_DIR: z.string().trim().min(1, 'må være en mappe').default('data/outbox'),
  REGISTRATIONS_DIR: z.string().trim().min(1, 'må være en mappe').default('data/registrations'),
  DETECTION_LEDGER_DIR: z.string().trim().min(1, 'må være en mappe').default('data/detection'),
  SCHOOLS_CONFIG: z.string().trim().min(1, 'må være en filsti').default('config/schools.json'),
  LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'], 'må være en av TRACE, DEBUG, INFO, WARN, ERROR').default('WARN'),
});

/** Settings only the worker needs. */
export interface WorkerSettings {
  /** Where the local outbox writes messages (relative paths are from the project root). */
  outboxDir: string;
  /** Stored absence registrations (written by `npm run intake`), read by daily detection. */
  registrationsDir: string;
  /** Detection's ledger of delivered triggers and trends. */
  detectionLedgerDir: string;
  /** The school directory: procedure and calendar per school. */
  schoolsConfig: string;
  /** Temporal runtime log level; WARN keeps bundler statistics out of the console. */
  logLevel: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
}

/** Parses the worker-only settings from `env`. Throws ConfigError naming the variable. */
export function loadWorkerSettings(env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const values = blankToUndefined(env);
  const result = workerEnvSchema.safeParse(values, parseOptions);
  if (!result.success) {
    const lines = describeIssues(result.error, '(miljøet)', values).map((line) => `  ${line}`);
    throw new ConfigError(`Ugyldige innstillinger for arbeideren:\n${lines.join('\n')}`);
  }
  return {
    outboxDir: result.data.OUTBOX_DIR,
    registrationsDir: result.data.REGISTRATIONS_DIR,
    detectionLedgerDir: result.data.DETECTION_LEDGER_DIR,
    schoolsConfig: result.data.SCHOOLS_CONFIG,
    logLevel: result.data.LOG_LEVEL,
  };
}
