/**
 * The case worker process. Reads its settings once through app/settings.ts (environment, see README), connects
 * to Temporal and runs until SIGINT/SIGTERM. Several of these may poll the same task queue.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createWorkerActivities } from '../activities';
import { FileOutbox } from '../activities/outbox';
import { DatabaseError, openMigratedDatabase } from '../app/database/database';
import { resolveDatabaseUrl } from '../app/database/database-url';
import { EXIT } from '../app/exit-codes';
import { PayloadKeysError } from '../app/payload-keys';
import { ConfigError, loadSettings } from '../app/settings';
import { CaseClient } from '../app/case-client';
import { CaseIds } from '../app/case-ids';
import { caseDataConverter, connectClient, connectWorker, keyRingOf } from '../app/temporal';
import { SchoolDirectoryError, loadSchoolDirectory } from '../detection/school-directory';
import { buildWorker } from './build-worker';
import { casesCacheSize } from './cache-size';
import { buildMessageRouting } from './message-routing';

async function run(): Promise<void> {
  const settings = loadSettings();
  const config = settings.temporal;
  Runtime.install({ logger: new DefaultLogger(settings.logLevel) });
  const fromRoot = (p: string) => resolve(__dirname, '..', p);
  const outboxDir = fromRoot(settings.outboxDir);
  // A relative SQLite file lives under the project, wherever the worker was started from.
  const databaseUrl = resolveDatabaseUrl(settings.databaseUrl, fromRoot('.'));
  const schoolsConfig = fromRoot(settings.schoolsConfig);
  // Messages go to people: the directory and the delivery record are in the school's database.
  const database = await openMigratedDatabase(databaseUrl);
  const outbox = new FileOutbox(outboxDir);
  const messages = buildMessageRouting({
    database,
    schools: await loadSchoolDirectory(schoolsConfig),
    outbox,
    messages: settings.messages,
  });
  const ring = keyRingOf(config);
  const connection = await connectWorker(config);
  // Daily detection opens and signals cases through a client of its own.
  const cases = new CaseClient(await connectClient(config, ring), config.taskQueue, new CaseIds(ring.caseIdKey));
  try {
    const worker = await buildWorker({
      connection,
      namespace: config.namespace,
      taskQueue: config.taskQueue,
      activities: createWorkerActivities({
        outbox,
        routing: messages.routing,
        detection: { cases, databaseUrl, schoolsConfig },
      }),
      identity: `case-worker@${hostname()}:${process.pid}`,
      dataConverter: caseDataConverter(ring),
      maxCachedWorkflows: casesCacheSize(settings.workerMemoryMb),
    });
    console.log(
      `Saksarbeideren lytter på oppgavekøen «${config.taskQueue}» i navnerommet «${config.namespace}» på ${config.address}; ` +
        `e-post: ${settings.messages.smtp ? `SMTP ${settings.messages.smtp.host}:${settings.messages.smtp.port}` : 'utboks'}, ` +
        `SMS: ${settings.messages.sms ? 'SMS-tjenesten' : 'utboks'}; utboks: ${outboxDir}; ` +
        `holder opptil ${casesCacheSize(settings.workerMemoryMb).toLocaleString('nb-NO')} åpne saker i minnet (WORKER_MEMORY_MB=${settings.workerMemoryMb})`,
    );
    await worker.run();
  } finally {
    messages.close();
    await cases.close();
    await connection.close();
    await database.close();
  }
}

run().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(
    err instanceof ConfigError || err instanceof SchoolDirectoryError || err instanceof PayloadKeysError
      ? EXIT.badConfiguration
      : err instanceof DatabaseError
        ? EXIT.databaseUnavailable
        : EXIT.internalError,
  );
});
