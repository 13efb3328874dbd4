/**
 * The Temporal server's configuration, one file per server process (`temporal-server
 * --config-file FILE start --service NAME`): the same PostgreSQL stores, shard count and cluster
 * name in every file, and the ports of the one service the process runs. On one machine
 * (`npm run cluster`, the cluster test) every process gets ports of its own; across machines an
 * operator writes the same file per host with that host's address (README, «Drift på flere
 * maskiner»). Pure: the caller picks ports and paths and writes the text.
 *
 * Ports must be below 32768: the server stores a host's membership port in a PostgreSQL
 * smallint, and a higher one stops it at start.
 */
import { stringify } from 'yaml';

/** The services of a Temporal server; `history` may run on several hosts. */
export const TEMPORAL_SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

/** Where one server process listens. */
export interface ServicePorts {
  grpcPort: number;
  membershipPort: number;
  /** The frontend's HTTP API (Nexus callbacks, the HTTP gateway); frontend only. */
  httpPort?: number;
}

/** How the server reaches PostgreSQL. */
export interface ServerDatabase {
  host: string;
  port: number;
  user: string;
  password?: string;
  /** The history database and the visibility database (created by the schema tool). */
  databaseName: string;
  visibilityDatabaseName: string;
}

export interface ServerConfigInput {
  /** The service this process runs (`--service`). */
  service: TemporalService;
  /**
   * Every service's ports, this process's own for its service: the server's membership monitor
   * tracks exactly the services its file names, and finds the hosts of each in PostgreSQL.
   */
  ports: Record<TemporalService, ServicePorts>;
  /** The address this host is reached at by the other hosts (and binds to). */
  hostAddress: string;
  /** The frontend's gRPC address, for the server's own system workers and the cluster metadata. */
  frontendAddress: string;
  database: ServerDatabase;
  /** History shards: fixed for the life of the cluster (the first start stores it). */
  shards: number;
  /** The dynamic configuration file (absolute path). */
  dynamicConfigFile: string;
  /** The log file (absolute path); `stdout` logs to standard output. */
  logFile: string | 'stdout';
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

/** The largest port a Temporal server's membership table can hold (a PostgreSQL smallint). */
export const MAX_MEMBERSHIP_PORT = 32_767;

/** The cluster's name in its metadata (a single cluster, no replication). */
export const CLUSTER_NAME = 'skolefravaer';

/** Thrown for a configuration that the server would refuse or crash on; the message is Norwegian. */
export class ServerConfigError extends Error {
  override name = 'ServerConfigError';
}

function checkPort(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 1 || port > MAX_MEMBERSHIP_PORT) {
    throw new ServerConfigError(
      `${what} må være et heltall mellom 1 og ${MAX_MEMBERSHIP_PORT} (Temporal-serveren lagrer porten som smallint i PostgreSQL), fikk ${port}`,
    );
  }
}

/** The configuration object for one server process (see `renderServerConfig` for the file). */
export function serverConfig(input: ServerConfigInput): Record<string, unknown> {
  const { database } = input;
  for (const service of TEMPORAL_SERVICES) {
    const ports = input.ports[service];
    checkPort(ports.grpcPort, `gRPC-porten til ${service}`);
    checkPort(ports.membershipPort, `Medlemskapsporten til ${service}`);
    if (ports.httpPort !== undefined) checkPort(ports.httpPort, `HTTP-porten til ${service}`);
  }
  if (!Number.isInteger(input.shards) || input.shards < 1) {
    throw new ServerConfigError(`Antall historikk-shards må være et positivt heltall, fikk ${input.shards}`);
  }
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${database.host}:${database.port}`,
      connectProtocol: 'tcp',
      user: database.user,
      ...(database.password ? { password: database.password } : {}),
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  return {
    log: { ...(input.logFile === 'stdout' ? { stdout: true } : { outputFile: input.logFile }), level: input.logLevel ?? 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: input.shards,
      datastores: {
        // About 30 connections a process in all: 20 to the history store, 10 to visibility.
        'postgres-default': store(database.databaseName, 20),
        'postgres-visibility': store(database.visibilityDatabaseName, 10),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: input.hostAddress },
    },
    services: Object.fromEntries(
      TEMPORAL_SERVICES.map((service) => {
        const ports = input.ports[service];
        const rpc = {
          grpcPort: ports.grpcPort,
          membershipPort: ports.membershipPort,
          bindOnIP: input.hostAddress,
          ...(ports.httpPort !== undefined ? { httpPort: ports.httpPort } : {}),
        };
        return [service, { rpc }];
      }),
    ),
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: CLUSTER_NAME,
      currentClusterName: CLUSTER_NAME,
      clusterInformation: {
        [CLUSTER_NAME]: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: input.frontendAddress },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    publicClient: { hostPort: input.frontendAddress },
    dynamicConfigClient: { filepath: input.dynamicConfigFile, pollInterval: '10s' },
  };
}

/** The configuration file's text for one server process. */
export function renderServerConfig(input: ServerConfigInput): string {
  return (
    `# Temporal-serverens oppsett for tjenesten «${input.service}» (skrevet av skolefravaer; se README, «Drift på flere maskiner»).\n` +
    stringify(serverConfig(input))
  );
}

/**
 * The dynamic configuration every process reads: what the product needs of the server beyond its
 * defaults. Search attributes are read fresh (a namespace's new attributes work at once), and
 * the namespace cache refreshes often, so a namespace registered by the set-up serves at once.
 */
export function renderDynamicConfig(): string {
  const value = (v: unknown) => [{ value: v, constraints: {} }];
  return (
    '# Temporal-serverens dynamiske oppsett (skrevet av skolefravaer).\n' +
    stringify({
      'system.forceSearchAttributesCacheRefreshOnRead': value(true),
      'limit.maxIDLength': value(255),
      'frontend.enableUpdateWorkflowExecution': value(true),
      'frontend.enableUpdateWorkflowExecutionAsyncAccepted': value(true),
    })
  );
}
