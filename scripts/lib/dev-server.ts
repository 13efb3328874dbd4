/**
 * Starts and stops the Temporal dev server (`temporal server start-dev`) with SQLite
 * persistence. Used by the main job (scripts/start.ts) and by integration tests, which restart
 * it on the same database file to prove cases survive. The server runs in a process group of
 * its own and stops when the process that started it dies (child-processes.ts), so neither a
 * crashed `npm start` nor a failed test leaves one running.
 */
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { ensureSearchAttributes } from '../../worker/search-attribute-registration';
import { type ChildExit, type GroupChild, describeExit, spawnGroup } from './child-processes';
import { logTail } from './log-tail';
import { temporalCliPath } from './tools';
import { waitUntilReady } from './wait-until-ready';

/** Re-exported for the test environments that still import it from here. */
export { addSearchAttributes } from '../../worker/search-attribute-registration';

export interface DevServerOptions {
  /** SQLite file holding all workflow state; the directory is created if missing. */
  dbFile: string;
  /** Front-end gRPC port. */
  port: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** Where the Web UI sends payloads to be opened (the web application's codec endpoint). */
  codecEndpoint?: string;
  /** Where the server's own output goes. */
  logFile: string;
  /** Search attributes to register at start (those the database lacks). */
  searchAttributes?: readonly SearchAttributeKey<SearchAttributeType>[];
  /** How long to wait for the server to answer (ms). */
  readyTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  /** Resolves when the server process has exited, whether it was stopped or died. */
  exited: Promise<ChildExit>;
  /** Stops the server gracefully (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
}

/** Starts the dev server and resolves once its front end answers a gRPC call. */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  mkdirSync(dirname(options.dbFile), { recursive: true });
  mkdirSync(dirname(options.logFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    options.dbFile,
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--log-level',
    'warn',
  ];
  if (options.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort));
  if (options.uiPort !== undefined && options.codecEndpoint) args.push('--ui-codec-endpoint', options.codecEndpoint);

  const logFd = openSync(options.logFile, 'a');
  let child: GroupChild;
  try {
    child = spawnGroup(temporalCliPath(), args, { name: 'Temporal-utviklingsserveren', stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  const address = `127.0.0.1:${options.port}`;

  try {
    await waitForDevServer(address, child.exited, options.readyTimeoutMs ?? 60_000, options.logFile);
    if (options.searchAttributes?.length) await ensureSearchAttributes(address, options.searchAttributes);
  } catch (err) {
    await child.stop({ signal: 'SIGKILL' });
    throw err;
  }

  // The closure below needs a binding TypeScript knows is assigned.
  const server = child;
  return {
    address,
    ...(options.uiPort !== undefined ? { uiUrl: `http://127.0.0.1:${options.uiPort}` } : {}),
    process: server.process,
    exited: server.exited,
    async stop() {
      await server.stop({ signal: 'SIGTERM', graceMs: 15_000 });
    },
  };
}

function waitForDevServer(address: string, exited: Promise<ChildExit>, timeoutMs: number, logFile: string): Promise<void> {
  return waitUntilReady({
    exited,
    timeoutMs,
    intervalMs: 250,
    probe: async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
      } finally {
        await connection.close();
      }
    },
    exitedEarly: (exit) =>
      new Error(
        `Temporal-utviklingsserveren stoppet (${describeExit(exit)}) før den var klar; se ${logFile}. Slutten av loggen:\n${logTail(logFile)}`,
      ),
    timedOut: (lastError) =>
      new Error(
        `Temporal-utviklingsserveren på ${address} svarte ikke innen ${timeoutMs} ms (${String(lastError)}); se ${logFile}. Slutten av loggen:\n${logTail(logFile)}`,
      ),
  });
}
