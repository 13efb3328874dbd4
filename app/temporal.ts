/**
 * Connections to Temporal from the parsed settings: a NativeConnection for workers and a Client
 * for everything that opens, signals, updates or queries cases. TLS and the API key are set up
 * here once for both.
 *
 * Encryption: `caseDataConverter` is the one place the payload codec (app/payload-codec.ts) and
 * the failure converter that hands it error messages (app/failure-converter.ts) are plugged in.
 * Every client made here gets it, from the key ring in the settings' key file; the worker is given
 * the same one (worker/main.ts, worker/build-worker.ts), or it could not read what clients wrote.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection, type TLSConfig } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { CaseIds } from './case-ids';
import { AesGcmPayloadCodec } from './payload-codec';
import { type KeyRing, loadOrCreateKeyRing } from './payload-keys';
import type { TemporalSettings } from './settings';

/** The failure converter's module, for the workflow sandbox (loaded there by path). */
export const failureConverterPath = require.resolve('./failure-converter');

/** How payloads and failures are encoded on the wire, shared by clients and workers: sealed with the ring's newest key. */
export function caseDataConverter(ring: KeyRing): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(ring)], failureConverterPath };
}

/** The key ring of the settings' key file (made on first use). */
export function keyRingOf(settings: Pick<TemporalSettings, 'payloadKeysFile'>): KeyRing {
  return loadOrCreateKeyRing(settings.payloadKeysFile);
}

/** The pseudonymous case ids of the settings' key file. */
export function caseIdsOf(settings: Pick<TemporalSettings, 'payloadKeysFile'>): CaseIds {
  return new CaseIds(keyRingOf(settings).caseIdKey);
}

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

/** Client for starting, signalling, updating and querying workflows; it seals and opens payloads with the settings' keys. */
export async function connectClient(settings: ConnectionSettings, ring: KeyRing = keyRingOf(settings)): Promise<Client> {
  const dataConverter = caseDataConverter(ring);
  const connection = await Connection.connect(connectionOptions(settings));
  return new Client({ connection, namespace: settings.namespace, dataConverter });
}
