/**
 * The main job: starts the Temporal dev server on a SQLite file under the data folder, starts
 * the case worker against it, checks the stack with a short workflow and prints where the
 * Temporal Web UI is. Runs until Ctrl-C, then stops the worker and the server cleanly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../worker/config';
import { connectClient } from '../worker/connection';
import { startDevServer, type DevServer } from './lib/dev-server';
import { PROJECT_ROOT } from './lib/tools';
import { stackCheckWorkflow } from '../workflows';
import { DEFAULT_DETECTION_HOUR, DETECTION_SCHEDULE_ID, ensureDetectionSchedule } from './lib/detection-schedule';
import { caseSearchAttributes } from '../workflows/search-attributes';
import { describeIssues } from '../machines/zod-issues';

const port = z.coerce.number().int().min(1).max(65535);
const startEnvSchema = z.object({
  DATA_DIR: z.string().trim().min(1).default('data'),
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default(DEFAULT_TASK_QUEUE),
});

function loadStartEnv() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ''));
  const parsed = startEnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = describeIssues(parsed.error).map((line) => `  ${line}`);
    throw new Error(`Invalid start configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

async function assertPortFree(portNumber: number, variable: string): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const server = createServer();
    server.once('error', () =>
      fail(new Error(`Port ${portNumber} is already in use (is another dev server running?). Stop it or set ${variable}.`)),
    );
    server.listen(portNumber, '127.0.0.1', () => server.close(() => ok()));
  });
}

async function run(): Promise<void> {
  const env = loadStartEnv();
  const dataDir = resolve(PROJECT_ROOT, env.DATA_DIR);
  await assertPortFree(env.TEMPORAL_DEV_PORT, 'TEMPORAL_DEV_PORT');
  await assertPortFree(env.TEMPORAL_UI_PORT, 'TEMPORAL_UI_PORT');

  console.log(`Starting Temporal dev server (state in ${dataDir}/temporal.db)...`);
  const server: DevServer = await startDevServer({
    dbFile: resolve(dataDir, 'temporal.db'),
    logFile: resolve(dataDir, 'temporal-server.log'),
    port: env.TEMPORAL_DEV_PORT,
    uiPort: env.TEMPORAL_UI_PORT,
    searchAttributes: caseSearchAttributes,
  });

  const workerEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: env.TEMPORAL_TASK_QUEUE,
    OUTBOX_DIR: process.env.OUTBOX_DIR || resolve(dataDir, 'outbox'),
    REGISTRATIONS_DIR: process.env.REGISTRATIONS_DIR || resolve(dataDir, 'registrations'),
    DETECTION_LEDGER_DIR: process.env.DETECTION_LEDGER_DIR || resolve(dataDir, 'detection'),
  };
  const worker: ChildProcess = spawn(resolve(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['worker/main.ts'], {
    cwd: PROJECT_ROOT,
    env: workerEnv,
    stdio: 'inherit',
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping worker and Temporal dev server...');
    if (worker.exitCode === null) {
      worker.kill('SIGINT');
      await new Promise((r) => worker.once('exit', r));
    }
    await server.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  worker.once('exit', (code) => {
    if (!stopping) {
      console.error(`The case worker exited (code ${code}); stopping.`);
      void stop(1);
    }
  });

  // Prove the stack end to end before telling the user it is ready.
  const client = await connectClient({ address: server.address, namespace: 'default', taskQueue: env.TEMPORAL_TASK_QUEUE });
  await client.workflow.execute(stackCheckWorkflow, {
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowId: `stack-check-${randomUUID()}`,
    args: [{ timer: '1 second', signalsRequired: 0 }],
  });
  const schedule = await ensureDetectionSchedule(client, { taskQueue: env.TEMPORAL_TASK_QUEUE });
  await client.connection.close();

  console.log('');
  console.log('Ready.');
  console.log(`  Temporal gRPC:   ${server.address}`);
  console.log(`  Temporal Web UI: ${server.uiUrl ?? '(headless)'}`);
  console.log(`  Task queue:      ${env.TEMPORAL_TASK_QUEUE}`);
  console.log(`  Outbox:          ${resolve(dataDir, 'outbox')} (messages the cases send)`);
  console.log(`  Detection:       schedule "${DETECTION_SCHEDULE_ID}" ${schedule}, daily at ${DEFAULT_DETECTION_HOUR}:00 Europe/Oslo; schools in config/schools.json`);
  console.log('Open and follow cases from another terminal, e.g.:');
  console.log('  npm run case -- procedures');
  console.log('  npm run generate -- --pupils 1500 --seed 7 --out data/fravaer.csv && npm run intake -- import data/fravaer.csv --today 2025-10-15');
  console.log('  npm run detect -- --today 2025-11-20');
  console.log('  npm run case -- open --procedure tiltaksplan-elevfravaer --school s1 --pupil p1 --grade 9 --rule consecutive-days --dates 2026-09-01,2026-09-02,2026-09-03');
  console.log('  npm run case -- show --school s1 --pupil p1');
  console.log('Press Ctrl-C to stop.');
}

run().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
