/**
 * The whole Temporal deployment on one machine, for trial (`npm run cluster`), the cluster test
 * and the benchmark: PostgreSQL (kept under `dir`, or a throwaway one), the server's two databases
 * set up with its schema tool, the school's own database beside them, and the Temporal services
 * as separate processes (cluster.ts). The pinned server is built first when it is not there.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { freePort } from '../free-port';
import { POSTGRES_SUPERUSER, type PostgresServer, createDatabase, startPostgres } from '../postgres-server';
import { type TemporalCluster, startTemporalCluster } from './cluster';
import { type SchemaVersions, setupTemporalSchemas } from './schema-setup';
import { ensureTemporalServer } from './server-build';
import type { ServerDatabase } from './server-config';

export interface LocalClusterOptions {
  /** The cluster's folder: PostgreSQL's data (when kept), the server's configuration and logs. */
  dir: string;
  /** Keep PostgreSQL's data in `dir` across starts (`npm run cluster`); otherwise a throwaway server. */
  keepData: boolean;
  namespace: string;
  searchAttributes: readonly SearchAttributeKey<SearchAttributeType>[];
  historyHosts?: number;
  shards?: number;
  frontendPort?: number;
  /** Progress lines (Norwegian), e.g. the first build of the server. */
  log?: (line: string) => void;
}

export interface LocalCluster {
  postgres: PostgresServer;
  /** How the Temporal services reach PostgreSQL. */
  database: ServerDatabase;
  schemas: SchemaVersions;
  temporal: TemporalCluster;
  /** The URL of database `name` on the cluster's PostgreSQL, created when missing. */
  ensureDatabase(name: string): Promise<string>;
  /** Stops the Temporal services, then PostgreSQL. */
  stop(): Promise<void>;
}

/** The PostgreSQL port a kept cluster first got, so its URL stays the same across starts. */
async function keptPort(dir: string): Promise<number> {
  const file = join(dir, 'postgres-port.json');
  if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { port: number }).port;
  const port = await freePort();
  writeFileSync(file, `${JSON.stringify({ port })}\n`);
  return port;
}

export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const log = options.log ?? (() => undefined);
  mkdirSync(options.dir, { recursive: true });
  const build = await ensureTemporalServer((text) => {
    for (const line of text.split('\n')) if (line.trim()) log(line.trimEnd());
  });
  const postgres = await startPostgres(
    options.keepData
      ? { keepIn: join(options.dir, 'postgres'), port: await keptPort(options.dir), maxConnections: 300 }
      : { maxConnections: 300 },
  );
  try {
    const database: ServerDatabase = {
      host: '127.0.0.1',
      port: postgres.port,
      user: POSTGRES_SUPERUSER,
      databaseName: 'temporal',
      visibilityDatabaseName: 'temporal_visibility',
    };
    const schemas = await setupTemporalSchemas(build, database);
    const temporal = await startTemporalCluster({
      build,
      dir: join(options.dir, 'temporal'),
      database,
      namespace: options.namespace,
      searchAttributes: options.searchAttributes,
      ...(options.historyHosts !== undefined ? { historyHosts: options.historyHosts } : {}),
      ...(options.shards !== undefined ? { shards: options.shards } : {}),
      ...(options.frontendPort !== undefined ? { frontendPort: options.frontendPort } : {}),
    });
    return {
      postgres,
      database,
      schemas,
      temporal,
      ensureDatabase: (name) => createDatabase(postgres.url, name, { ifMissing: true }),
      async stop() {
        await temporal.stop();
        await postgres.stop();
      },
    };
  } catch (err) {
    await postgres.stop();
    throw err;
  }
}
