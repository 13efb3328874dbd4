/**
 * A real Temporal server on PostgreSQL, as separate processes on one machine: frontend, matching,
 * Temporal's own system worker, and one or more history hosts, each with its own configuration
 * file (server-config.ts) and log under `dir`. Once the frontend answers, the namespace is
 * registered (a real server has no `default` namespace) and the case search attributes are added
 * to it. Used by `npm run cluster` (scripts/cluster.ts), the cluster test and the benchmark.
 *
 * Every process runs through child-processes.ts (its own process group, stopped when the starter
 * dies), and each can be killed and started again on its own configuration, which is how the
 * cluster test takes a history host away while cases wait.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { ensureSearchAttributes } from '../../../worker/search-attribute-registration';
import { type ChildExit, type GroupChild, describeExit, spawnGroup } from '../child-processes';
import { freePort } from '../free-port';
import { logTail } from '../log-tail';
import { waitUntilReady } from '../wait-until-ready';
import type { TemporalServerBuild } from './server-build';
import {
  type ServerDatabase,
  type ServicePorts,
  ServerConfigError,
  type TemporalService,
  renderDynamicConfig,
  renderServerConfig,
} from './server-config';

export interface TemporalClusterOptions {
  build: TemporalServerBuild;
  /** Where the configuration files, logs and the cluster's record go. */
  dir: string;
  /** PostgreSQL, with both databases set up (schema-setup.ts). */
  database: ServerDatabase;
  namespace: string;
  /** The custom search attributes to add to the namespace (within the server's limits per type). */
  searchAttributes: readonly SearchAttributeKey<SearchAttributeType>[];
  /** History hosts (default 2). */
  historyHosts?: number;
  /** History shards (default 4); fixed once the cluster has started on its databases. */
  shards?: number;
  /** The frontend's gRPC port (default: a free one below 32768). */
  frontendPort?: number;
  /** How long closed cases stay in the namespace (days, default 30). */
  retentionDays?: number;
  readyTimeoutMs?: number;
}

/** One server process of the cluster. */
export interface ClusterProcess {
  /** `frontend`, `matching`, `worker`, `history-1`, `history-2`, … */
  readonly name: string;
  readonly service: TemporalService;
  readonly configFile: string;
  readonly logFile: string;
  readonly ports: ServicePorts;
  /** The running process, if any. */
  readonly child: GroupChild | undefined;
  /** Ends the process at once (SIGKILL to its group), as a crashed host would. */
  kill(): Promise<ChildExit | undefined>;
  /** Starts it again on the same configuration (after kill). */
  start(): void;
}

export interface TemporalCluster {
  /** The frontend's gRPC address (what TEMPORAL_ADDRESS is set to). */
  address: string;
  namespace: string;
  shards: number;
  processes: readonly ClusterProcess[];
  process(name: string): ClusterProcess;
  /** Calls `listener` for every process that ends without being killed or stopped on purpose. */
  onUnexpectedExit(listener: (ended: UnexpectedExit) => void): void;
  /** Stops every process (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
}

/** A server process that ended on its own. */
export interface UnexpectedExit {
  name: string;
  exit: ChildExit;
  logFile: string;
}

/** What the cluster records on its first start: the shard count can never change after it. */
interface ClusterRecord {
  shards: number;
}

const RECORD_FILE = 'cluster.json';
const HOST = '127.0.0.1';

/** The shard count the cluster in `dir` was first started with, or the wanted one on a new cluster. */
function checkShards(dir: string, wanted: number): void {
  const file = join(dir, RECORD_FILE);
  if (!existsSync(file)) {
    writeFileSync(file, `${JSON.stringify({ shards: wanted } satisfies ClusterRecord, null, 2)}\n`);
    return;
  }
  const record = JSON.parse(readFileSync(file, 'utf8')) as ClusterRecord;
  if (record.shards !== wanted) {
    throw new ServerConfigError(
      `Klyngen i ${dir} ble startet med ${record.shards} historikk-shards, og antallet kan ikke endres etterpå (fikk ${wanted}). ` +
        `Bruk ${record.shards}, eller slett klyngens mappe og databaser for å begynne på nytt.`,
    );
  }
}

async function portsFor(service: TemporalService, frontendPort?: number): Promise<ServicePorts> {
  const grpcPort = service === 'frontend' && frontendPort !== undefined ? frontendPort : await freePort();
  const membershipPort = await freePort();
  return service === 'frontend' ? { grpcPort, membershipPort, httpPort: await freePort() } : { grpcPort, membershipPort };
}

/** Starts the server processes, waits for the frontend, registers the namespace and its search attributes. */
export async function startTemporalCluster(options: TemporalClusterOptions): Promise<TemporalCluster> {
  const shards = options.shards ?? 4;
  const historyHosts = options.historyHosts ?? 2;
  mkdirSync(join(options.dir, 'logs'), { recursive: true });
  checkShards(options.dir, shards);
  const dynamicConfigFile = join(options.dir, 'dynamicconfig.yaml');
  writeFileSync(dynamicConfigFile, renderDynamicConfig());

  // One set of ports per service; each history host gets its own.
  const shared: Record<TemporalService, ServicePorts> = {
    frontend: await portsFor('frontend', options.frontendPort),
    history: await portsFor('history'),
    matching: await portsFor('matching'),
    worker: await portsFor('worker'),
  };
  const address = `${HOST}:${shared.frontend.grpcPort}`;
  const layout: Array<{ name: string; service: TemporalService }> = [
    { name: 'frontend', service: 'frontend' },
    ...Array.from({ length: historyHosts }, (_, i) => ({ name: `history-${i + 1}`, service: 'history' as const })),
    { name: 'matching', service: 'matching' },
    { name: 'worker', service: 'worker' },
  ];

  let stopping = false;
  const listeners: Array<(ended: UnexpectedExit) => void> = [];
  let firstExit: (ended: UnexpectedExit) => void = () => undefined;
  const unexpectedExit = new Promise<UnexpectedExit>((resolve) => {
    firstExit = resolve;
  });
  const reportExit = (ended: UnexpectedExit) => {
    firstExit(ended);
    for (const listener of listeners) listener(ended);
  };

  const processes: ClusterProcess[] = [];
  for (const [index, { name, service }] of layout.entries()) {
    const ports = service === 'history' && index > 1 ? await portsFor(service) : shared[service];
    const configFile = join(options.dir, `${name}.yaml`);
    const logFile = join(options.dir, 'logs', `${name}.log`);
    writeFileSync(
      configFile,
      renderServerConfig({
        service,
        ports: { ...shared, [service]: ports },
        hostAddress: HOST,
        frontendAddress: address,
        database: options.database,
        shards,
        dynamicConfigFile,
        logFile,
      }),
    );
    let child: GroupChild | undefined;
    let killed = false;
    const start = () => {
      killed = false;
      // What the server writes before its logger is set up (a bad configuration) goes to the same log.
      const logFd = openSync(logFile, 'a');
      let started: GroupChild;
      try {
        started = spawnGroup(options.build.server, ['--config-file', configFile, '--allow-no-auth', 'start', '--service', service], {
          name: `Temporal-tjenesten ${name}`,
          stdio: ['ignore', logFd, logFd],
        });
      } finally {
        closeSync(logFd);
      }
      child = started;
      void started.exited.then((exit) => {
        if (!stopping && !killed && child === started) reportExit({ name, exit, logFile });
      });
    };
    processes.push({
      name,
      service,
      configFile,
      logFile,
      ports,
      get child() {
        return child;
      },
      async kill() {
        killed = true;
        const running = child;
        child = undefined;
        return running?.stop({ signal: 'SIGKILL' });
      },
      start,
    });
  }

  const stop = async () => {
    stopping = true;
    await Promise.all(processes.map((p) => p.child?.stop({ signal: 'SIGTERM', graceMs: 15_000 })));
  };
  try {
    for (const p of processes) p.start();
    const frontend = processes[0]!;
    let ended: { name: string; logFile: string } | undefined;
    void unexpectedExit.then((e) => {
      ended = e;
    });
    await waitUntilReady({
      exited: unexpectedExit.then((e) => e.exit),
      timeoutMs: options.readyTimeoutMs ?? 90_000,
      intervalMs: 250,
      probe: () => registerNamespace(address, options.namespace, options.retentionDays ?? 30),
      exitedEarly: (exit) =>
        new Error(
          `Temporal-tjenesten ${ended?.name ?? ''} stoppet (${describeExit(exit)}) før klyngen var klar. ${describeLogs(processes.filter((p) => p.name === ended?.name))}`,
        ),
      timedOut: (lastError) =>
        new Error(
          `Temporal-klyngen på ${address} ble ikke klar innen ${options.readyTimeoutMs ?? 90_000} ms (${lastError instanceof Error ? lastError.message : String(lastError)}). ${describeLogs([frontend])}`,
        ),
    });
    await ensureSearchAttributes(address, options.searchAttributes, options.namespace);
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    address,
    namespace: options.namespace,
    shards,
    processes,
    process(name: string) {
      const found = processes.find((p) => p.name === name);
      if (!found) throw new Error(`Klyngen har ingen tjeneste «${name}» (har ${processes.map((p) => p.name).join(', ')})`);
      return found;
    },
    onUnexpectedExit(listener) {
      listeners.push(listener);
    },
    stop,
  };
}

/** The tail of each process's log, for an error message. */
function describeLogs(processes: readonly ClusterProcess[]): string {
  // The server logs JSON lines with long stack traces: the last few lines, each cut short.
  const tail = (file: string) =>
    logTail(file)
      .split('\n')
      .slice(-3)
      .map((line) => (line.length > 600 ? `${line.slice(0, 600)} …` : line))
      .join('\n');
  return processes.map((p) => `Slutten av ${p.logFile}:\n${tail(p.logFile)}`).join('\n');
}

/**
 * Registers `namespace` when it is not there, then waits until the frontend serves it (a new
 * namespace reaches the frontend's cache within a refresh). Throws while the cluster is not ready.
 */
async function registerNamespace(address: string, namespace: string, retentionDays: number): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    const service = connection.workflowService;
    const described = await service.describeNamespace({ namespace }).catch((err: unknown) => {
      if ((err as { code?: number }).code === 5) return undefined; // NOT_FOUND
      throw err;
    });
    if (!described) {
      await service
        .registerNamespace({
          namespace,
          description: 'Saker om bekymringsfullt skolefravær',
          workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
        })
        .catch((err: unknown) => {
          if ((err as { code?: number }).code !== 6) throw err; // ALREADY_EXISTS: another starter was first
        });
      throw new Error(`navnerommet «${namespace}» er registrert og blir tatt i bruk`);
    }
    // Served: listing workflows goes through the namespace cache and visibility.
    await service.listWorkflowExecutions({ namespace, pageSize: 1 });
  } finally {
    await connection.close();
  }
}
