/**
 * A real Temporal dev server for end-to-end case tests: its database and log in the test's own
 * folder, a free port, and the case search attributes registered, so cases can be listed and found.
 * Given the `port` of a server that was stopped, it starts again on the same database file and
 * address (a restart, as the clients and workers already connected see it).
 */
import { join } from 'node:path';
import { type DevServer, startDevServer } from '../../scripts/lib/dev-server';
import { freePort } from '../../scripts/lib/free-port';
import { caseSearchAttributes } from '../../workflows/search-attributes';

export async function startCaseDevServer(dir: string, port?: number, options: { uiPort?: number } = {}): Promise<DevServer> {
  port ??= await freePort();
  return startDevServer({
    dbFile: join(dir, 'temporal.db'),
    logFile: join(dir, 'temporal.log'),
    port,
    // With its Web UI only when a test asks (the codec endpoint's browser test).
    ...(options.uiPort !== undefined ? { uiPort: options.uiPort } : {}),
    searchAttributes: caseSearchAttributes,
  });
}
