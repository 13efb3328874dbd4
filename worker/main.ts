/**
 * The case worker process. Reads its settings once through app/settings.ts (environment, see README), connects
 * to Temporal and runs until SIGINT/SIGTERM. Several of these may poll the same task queue.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createWorkerActivities } from '../activities';
import { FileOutbox } from '../activities/outbox';
import { resolveDatabaseUrl } from '../app/database/database-url';
import { EXIT } from '../app/exit-codes';
import { ConfigError, loadSettings } from '../app/settings';
import { connectClient, connectWorker } from '../app/temporal';
import { buildWorker } from './build-worker';

async function run(): Promise<void> {
  const settings = loadSettings();
  const config = settings.temporal;
  Runtime.install({ logger: new DefaultLogger(settings.logLevel) });
  const fromRoot = (p: string) => resolve(__dirname, '..', p);
  const outboxDir = fromRoot(settings.outboxDir);
  const connection = await connectWorker(config);
  // Daily detection opens and signals cases through a client of its own.
  const client = await connectClient(config);
  try {
    const worker = await buildWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      activities: createWorkerActivities({
        outbox: new FileOutbox(outboxDir),
        detection: {
          client,
          taskQueue: config.taskQueue,
          // A relative SQLite file lives under the project, wherever the worker was started from.
          databaseUrl: resolveDatabaseUrl(settings.databaseUrl, fromRoot('.')),
          schoolsConfig: fromRoot(settings.schoolsConfig),
        },
      }),
      identity: `case-worker@${hostname()}:${process.pid}`,
    });
    console.log(
      `Saksarbeideren lytter på oppgavekøen «${config.taskQueue}» i navnerommet «${config.namespace}» på ${config.address}; utboks: ${outboxDir}`,
    );
    await worker.run();
  } finally {
    await client.connection.close();
    await connection.close();
  }
}

run().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(err instanceof ConfigError ? EXIT.badConfiguration : EXIT.internalError);
});
