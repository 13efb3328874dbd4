/**
 * A cluster's history shard count is fixed by its first start (the server writes it into its
 * databases). Starting the same cluster folder with another count is refused with a Norwegian
 * message before any server process starts (scripts/lib/temporal-cluster/cluster.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTemporalCluster } from '../../scripts/lib/temporal-cluster/cluster';
import { temporalServerBuild } from '../../scripts/lib/temporal-cluster/server-build';
import { ServerConfigError } from '../../scripts/lib/temporal-cluster/server-config';

const dir = mkdtempSync(join(tmpdir(), 'shard-count-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('another shard count than the first start’s is refused, naming both', async () => {
  writeFileSync(join(dir, 'cluster.json'), JSON.stringify({ shards: 4 }));
  const start = startTemporalCluster({
    build: temporalServerBuild,
    dir,
    database: { host: '127.0.0.1', port: 1, user: 'postgres', databaseName: 'temporal', visibilityDatabaseName: 'temporal_visibility' },
    namespace: 'skolefravaer',
    searchAttributes: [],
    shards: 8,
  });
  await expect(start).rejects.toThrow(ServerConfigError);
  await expect(start).rejects.toThrow(
    `Klyngen i ${dir} ble startet med 4 historikk-shards, og antallet kan ikke endres etterpå (fikk 8). Bruk 4, eller slett klyngens mappe og databaser for å begynne på nytt.`,
  );
  // The record is left as the first start wrote it.
  expect(JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8'))).toEqual({ shards: 4 });
});
