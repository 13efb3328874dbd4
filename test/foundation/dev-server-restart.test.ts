/**
 * Cases live for months, so a case must survive the Temporal server going down. This starts
 * the real dev server on a SQLite file, starts a workflow, stops the server, starts it again on
 * the same file and finishes the workflow.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { buildWorker } from '../../worker/build-worker';
import { startDevServer, type DevServer } from '../../scripts/lib/dev-server';
import { caseSearchAttributes } from '../../workflows/search-attributes';
import { freePort } from '../../scripts/lib/free-port';
import { stackCheckWorkflow } from '../../workflows';
import { proceedSignal, progressQuery } from '../../workflows/stack-check';

const dir = mkdtempSync(join(tmpdir(), 'devserver-restart-'));
const dbFile = join(dir, 'temporal.db');
const logFile = join(dir, 'temporal.log');
const taskQueue = `restart-${randomUUID()}`;
let port: number;
let server: DevServer | undefined;

async function withClient<T>(address: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address });
  try {
    return await fn(new Client({ connection }));
  } finally {
    await connection.close();
  }
}

beforeAll(async () => {
  port = await freePort();
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a workflow started on the dev server survives a server restart on the same database file', async () => {
  const workflowId = `stack-check-${randomUUID()}`;

  // First life of the server: start the workflow and deliver one of its two signals.
  server = await startDevServer({ dbFile, port, logFile });
  await withClient(server.address, async (client) => {
    const handle = await client.workflow.start(stackCheckWorkflow, {
      taskQueue,
      workflowId,
      args: [{ timer: '2 seconds', signalsRequired: 2 }],
    });
    await handle.signal(proceedSignal);
  });
  await server.stop();

  // Second life: same file, same port. The workflow and its first signal must still be there,
  // and search attributes asked for now are registered even though the database already exists.
  server = await startDevServer({ dbFile, port, logFile, searchAttributes: caseSearchAttributes });
  const connection = await NativeConnection.connect({ address: server.address });
  try {
    const worker = await buildWorker({ connection, namespace: 'default', taskQueue });
    const result = await worker.runUntil(
      withClient(server.address, async (client) => {
        const handle = client.workflow.getHandle(workflowId);
        expect(await handle.query(progressQuery)).toEqual({ signalsReceived: 1, phase: 'waiting-for-signals' });
        await handle.signal(proceedSignal);
        return handle.result();
      }),
    );
    expect(result.signalsReceived).toBe(2);
    const registered = await withClient(server.address, (client) =>
      client.connection.operatorService.listSearchAttributes({ namespace: 'default' }),
    );
    expect(Object.keys(registered.customAttributes ?? {})).toEqual(expect.arrayContaining(caseSearchAttributes.map((k) => k.name)));
    expect(result.finishedAtMs - result.startedAtMs).toBeGreaterThanOrEqual(2_000);
  } finally {
    await connection.close();
  }
});
