/**
 * Connections to Temporal from the parsed settings: a NativeConnection for workers and a Client
 * for everything that opens, signals, updates or queries cases. TLS and the API key are set up
 * here once for both.
 *
 * Payload codec: `dataConverter` below is the one place a codec is plugged in (e.g. encrypting
 * the pupils' data before it leaves the process). The client gets it here; a worker must be given
 * the same `dataConverter` in its options (worker/build-worker.ts) or it cannot read what clients
 * wrote. No codec is set today: payloads go as plain JSON.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalSettings } from './settings';

/** How payloads are encoded on the wire, shared by clients and workers. Add `payloadCodecs: [...]` here. */
export const dataConverter: DataConverter = {};

/** What a connection needs; the task queue is the worker's and the case client's business. */
type ConnectionSettings = Omit<TemporalSettings, 'taskQueue'> & { taskQueue?: string };

function tlsOptions(settings: ConnectionSettings): TLSConfig | boolean | undefined {
  if (settings.tls) {
    return {
      clientCertPair: { crt: readFileSync(settings.tls.certPath), key: readFileSync(settings.tls.keyPath) },
      ...(settings.tls.caPath ? { serverRootCACertificate: readFileSync(settings.tls.caPath) } : {}),
    };
  }
  // Temporal Cloud API keys are only accepted over TLS.
  return settings.apiKey ? true : undefined;
}

/** Address, TLS and API key, as both kinds of connection take them. */
function connectionOptions(settings: ConnectionSettings) {
  const tls = tlsOptions(settings);
  return {
    address: settings.address,
    ...(tls !== undefined ? { tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
  };
}

/** Connection for a worker process. */
export async function connectWorker(settings: ConnectionSettings): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(settings));
}

/** Client for starting, signalling, updating and querying workflows. */
export async function connectClient(settings: ConnectionSettings): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(settings));
  return new Client({ connection, namespace: settings.namespace, dataConverter });
}
