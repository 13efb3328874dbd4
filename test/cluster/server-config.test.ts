/**
 * The Temporal server's configuration per process (scripts/lib/temporal-cluster/server-config.ts):
 * what the server needs to come up as one of several processes on PostgreSQL, and the values
 * it would crash on refused with a Norwegian message before it is started.
 */
import { parse } from 'yaml';
import {
  MAX_MEMBERSHIP_PORT,
  ServerConfigError,
  type ServerConfigInput,
  renderDynamicConfig,
  renderServerConfig,
  serverConfig,
} from '../../scripts/lib/temporal-cluster/server-config';

/** The value at `path` in a parsed file (the tests read a few fields of a deep document). */
function at(document: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
}

const input = (over: Partial<ServerConfigInput> = {}): ServerConfigInput => ({
  service: 'history',
  ports: {
    frontend: { grpcPort: 7233, membershipPort: 20001, httpPort: 20002 },
    history: { grpcPort: 20003, membershipPort: 20004 },
    matching: { grpcPort: 20005, membershipPort: 20006 },
    worker: { grpcPort: 20007, membershipPort: 20008 },
  },
  hostAddress: '127.0.0.1',
  frontendAddress: '127.0.0.1:7233',
  database: { host: '127.0.0.1', port: 5433, user: 'postgres', databaseName: 'temporal', visibilityDatabaseName: 'temporal_visibility' },
  shards: 4,
  dynamicConfigFile: '/srv/temporal/dynamicconfig.yaml',
  logFile: '/srv/temporal/logs/history-1.log',
  ...over,
});

test('the file names every service with its ports, the PostgreSQL stores and the shard count', () => {
  const config: unknown = parse(renderServerConfig(input()));
  expect(Object.keys(at(config, 'services') as object).sort()).toEqual(['frontend', 'history', 'matching', 'worker']);
  expect(at(config, 'services.history.rpc')).toEqual({ grpcPort: 20003, membershipPort: 20004, bindOnIP: '127.0.0.1' });
  expect(at(config, 'services.frontend.rpc.httpPort')).toBe(20002);
  expect(at(config, 'persistence.numHistoryShards')).toBe(4);
  expect(at(config, 'persistence.datastores.postgres-default.sql')).toMatchObject({
    pluginName: 'postgres12',
    databaseName: 'temporal',
    connectAddr: '127.0.0.1:5433',
    user: 'postgres',
  });
  expect(at(config, 'persistence.datastores.postgres-visibility.sql.databaseName')).toBe('temporal_visibility');
  expect(at(config, 'publicClient.hostPort')).toBe('127.0.0.1:7233');
  const cluster = String(at(config, 'clusterMetadata.currentClusterName'));
  expect(at(config, `clusterMetadata.clusterInformation.${cluster}.rpcAddress`)).toBe('127.0.0.1:7233');
  expect(at(config, 'log')).toEqual({ outputFile: '/srv/temporal/logs/history-1.log', level: 'warn' });
  expect(at(config, 'dynamicConfigClient.filepath')).toBe('/srv/temporal/dynamicconfig.yaml');
});

test('a second history host differs from the first only in its own ports', () => {
  const first = serverConfig(input());
  const second = serverConfig(input({ ports: { ...input().ports, history: { grpcPort: 20009, membershipPort: 20010 } } }));
  expect({ ...second, services: undefined }).toEqual({ ...first, services: undefined });
  expect(at(second, 'services.history.rpc.grpcPort')).toBe(20009);
});

test('a port above 32767 is refused, naming the service and the value', () => {
  const ports = { ...input().ports, matching: { grpcPort: 20005, membershipPort: MAX_MEMBERSHIP_PORT + 1 } };
  expect(() => serverConfig(input({ ports }))).toThrow(ServerConfigError);
  expect(() => serverConfig(input({ ports }))).toThrow('Medlemskapsporten til matching må være et heltall mellom 1 og 32767');
  expect(() => serverConfig(input({ ports }))).toThrow('fikk 32768');
});

test('a shard count that is not a positive whole number is refused', () => {
  expect(() => serverConfig(input({ shards: 0 }))).toThrow('Antall historikk-shards må være et positivt heltall, fikk 0');
});

test('the dynamic configuration refreshes search attributes on read and allows Updates', () => {
  const dynamic = parse(renderDynamicConfig()) as Record<string, Array<{ value: unknown }>>;
  expect(dynamic['system.forceSearchAttributesCacheRefreshOnRead']![0]!.value).toBe(true);
  expect(dynamic['frontend.enableUpdateWorkflowExecution']![0]!.value).toBe(true);
});
