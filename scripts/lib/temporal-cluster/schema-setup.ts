/**
 * Sets up the Temporal server's two PostgreSQL databases (`temporal` and `temporal_visibility`)
 * with the server's own SQL schema tool, as Temporal documents it: create the database, set up
 * the schema's version table, then apply every versioned step of the pinned server's schema.
 * Idempotent: an existing database is not created again and `update-schema` applies only the
 * steps it lacks, so the same call brings a database from an older server up to date.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import type { TemporalServerBuild } from './server-build';
import type { ServerDatabase } from './server-config';

/** The schema versions one database holds after the set-up. */
export interface SchemaVersions {
  temporal: string;
  visibility: string;
}

function runTool(tool: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    execFile(tool, args, { encoding: 'utf8', env: { ...process.env, SQL_PASSWORD: '' } }, (error, stdout, stderr) => {
      if (error) {
        fail(new Error(`Temporals skjemaverktøy feilet (${args.slice(-4).join(' ')}):\n${`${stdout}${stderr}`.trim().slice(-3_000)}`));
      } else done(`${stdout}${stderr}`);
    });
  });
}

async function withClient<T>(database: ServerDatabase, name: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({
    host: database.host,
    port: database.port,
    user: database.user,
    ...(database.password ? { password: database.password } : {}),
    database: name,
  });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function databaseExists(database: ServerDatabase, name: string): Promise<boolean> {
  return withClient(database, 'postgres', async (client) => {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return result.rowCount === 1;
  });
}

async function hasVersionTable(database: ServerDatabase, name: string): Promise<boolean> {
  return withClient(database, name, async (client) => {
    const result = await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'");
    return (result.rowCount ?? 0) > 0;
  });
}

/** The schema version a database records (`schema_version.curr_version`). */
export async function schemaVersion(database: ServerDatabase, name: string): Promise<string> {
  return withClient(database, name, async (client) => {
    const result = await client.query<{ curr_version: string }>('SELECT curr_version FROM schema_version');
    return result.rows[0]?.curr_version ?? '';
  });
}

/** Creates (when missing) and updates both databases to the pinned server's schema. */
export async function setupTemporalSchemas(build: TemporalServerBuild, database: ServerDatabase): Promise<SchemaVersions> {
  const connection = [
    '--plugin',
    'postgres12',
    '--endpoint',
    database.host,
    '--port',
    String(database.port),
    '--user',
    database.user,
    ...(database.password ? ['--password', database.password] : []),
  ];
  const steps: Array<[string, string]> = [
    [database.databaseName, 'temporal'],
    [database.visibilityDatabaseName, 'visibility'],
  ];
  for (const [name, schema] of steps) {
    const tool = (...args: string[]) => runTool(build.sqlTool, [...connection, '--db', name, ...args]);
    if (!(await databaseExists(database, name))) await tool('create-database');
    if (!(await hasVersionTable(database, name))) await tool('setup-schema', '-v', '0.0');
    await tool('update-schema', '-d', join(build.postgresSchemaDir, schema, 'versioned'));
  }
  return {
    temporal: await schemaVersion(database, database.databaseName),
    visibility: await schemaVersion(database, database.visibilityDatabaseName),
  };
}
