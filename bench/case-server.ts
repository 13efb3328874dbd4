/**
 * A Temporal dev server with the real case worker, for a bench phase that runs real cases: the
 * server's SQLite file on tmpfs where there is one (on disk its writes limit how fast thousands of
 * cases open), the worker with the real activities writing to a temp outbox, payloads sealed with
 * a key file of the run's own as in production, and a case client. `close()` stops all of it and
 * removes the folders, each step even if one before it fails.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createWorkerActivities } from '../activities';
import { FileOutbox } from '../activities/outbox';
import { CaseClient } from '../app/case-client';
import type { TemporalSettings } from '../app/settings';
import { caseDataConverter, keyRingOf } from '../app/temporal';
import { type DevServer, startDevServer } from '../scripts/lib/dev-server';
import { freePort } from '../scripts/lib/free-port';
import { buildWorker } from '../worker/build-worker';
import { caseSearchAttributes } from '../workflows/search-attributes';

export interface BenchCaseServer {
  settings: TemporalSettings;
  worker: Worker;
  cases: CaseClient;
  /** Rejects once the worker stops before `close()` (a phase races its steps against it). */
  workerFailed: Promise<never>;
  /** The temp folders it uses (the server's database, the outbox, the key file), removed by `close()`. */
  tempDirs: string[];
  close(): Promise<void>;
}

/** Starts the server, the worker (running) and the client; `name` names the temp folders. */
export async function startBenchCaseServer(name: string, taskQueue: string): Promise<BenchCaseServer> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const serverDir = existsSync('/dev/shm') ? mkdtempSync(`/dev/shm/${name}-`) : dir;
  let server: DevServer | undefined;
  let connection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let cases: CaseClient | undefined;
  const close = async (): Promise<void> => {
    const steps = [
      async () => {
        if (worker?.getState() === 'RUNNING') worker.shutdown();
        await running?.catch(() => undefined);
      },
      () => cases?.close(),
      () => connection?.close(),
      () => server?.stop(),
    ];
    for (const step of steps) {
      await Promise.resolve()
        .then(step)
        .catch((err: unknown) => console.error(err));
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(serverDir, { recursive: true, force: true });
  };
  try {
    server = await startDevServer({
      dbFile: join(serverDir, 'temporal.sqlite'),
      port: await freePort(),
      logFile: join(dir, 'temporal.log'),
      searchAttributes: caseSearchAttributes,
    });
    const settings: TemporalSettings = {
      address: server.address,
      namespace: 'default',
      taskQueue,
      payloadKeysFile: join(dir, 'payload-keys.json'),
    };
    connection = await NativeConnection.connect({ address: server.address });
    const w = await buildWorker({
      connection,
      namespace: settings.namespace,
      taskQueue,
      activities: createWorkerActivities({ outbox: new FileOutbox(join(dir, 'outbox')) }),
      dataConverter: caseDataConverter(keyRingOf(settings)),
    });
    worker = w;
    running = w.run();
    const workerFailed = running.then(
      () => Promise.reject(new Error('the case worker stopped during the bench')),
      (err: unknown) => Promise.reject(err instanceof Error ? err : new Error(String(err))),
    );
    workerFailed.catch(() => undefined);
    cases = await CaseClient.connect(settings);
    return { settings, worker: w, cases, workerFailed, tempDirs: [...new Set([dir, serverDir])], close };
  } catch (err) {
    await close();
    throw err;
  }
}
