/**
 * Opens connections to Temporal from a parsed TemporalConfig: a NativeConnection for workers
 * and a Client for everything that starts, signals or queries cases.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConfig } from './config';

function tlsOptions(config: TemporalConfig): TLSConfig | boolean | undefined {
  if (config.tls) {
    return {
      clientCertPair: { crt: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) },
      ...(config.tls.caPath ? { serverRootCACertificate: readFileSync(config.tls.caPath) } : {}),
    };
  }
  // Temporal Cloud API keys are only accepted over TLS.
  return config.apiKey ? true : undefined;
}

/** Connection for a worker process. */
export async function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  const tls = tlsOptions(config);
  return NativeConnection.connect({
    address: config.address,
    ...(tls !== undefined ? { tls } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  });
}

/** Client for starting, signalling, updating and querying workflows. */
export async function connectClient(config: TemporalConfig): Promise<Client> {
  const tls = tlsOptions(config);
  const connection = await Connection.connect({
    address: config.address,
    ...(tls !== undefined ? { tls } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  });
  return new Client({ connection, namespace: config.namespace });
}
