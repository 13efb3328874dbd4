/**
 * The web application end to end for tests: a Temporal dev server (the time-skipping test server
 * does not implement ListWorkflowExecutions, which «Saker» and «Mine oppgaver» read) with a worker
 * in this process that runs the case workflows, a throwaway SQLite database with the people
 * directory imported, an archive folder, the web users of each role, and the server built the way
 * web/main.ts builds it (composeWebDependencies + buildWebServer). Real time: a case is made
 * overdue by opening it with a trigger weeks back, so its first deadline has already passed.
 */
import './host-modules';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createWorkerActivities } from '../../../activities';
import { FileOutbox } from '../../../activities/outbox';
import type { ArchiveStore } from '../../../archive/archive-store';
import { CaseClient } from '../../../app/case-client';
import { CaseIds } from '../../../app/case-ids';
import type { KeyRing } from '../../../app/payload-keys';
import { caseDataConverter } from '../../../app/temporal';
import { type AppDatabase, openMigratedDatabase } from '../../../app/database/database';
import { loadSchoolDirectory } from '../../../detection/school-directory';
import { parsePeopleCsv } from '../../../people/parse-people';
import { SqlPeopleDirectory } from '../../../people/people-store';
import { composeWebDependencies } from '../../../web/compose';
import { type WebApp, type WebOptions, buildWebServer } from '../../../web/server';
import type { SqlUserStore } from '../../../web/users/user-store';
import type { WebRole } from '../../../web/users/web-user';
import { testCaseIds } from '../../helpers/case-ids';
import { buildWorker } from '../../../worker/build-worker';
import type { DevServer } from '../../../scripts/lib/dev-server';
import { startCaseDevServer } from '../../helpers/case-dev-server';
import { GOOD_ROWS, csv } from '../../people/fixtures';

const SCHOOLS = join(__dirname, '..', '..', '..', 'config', 'schools.json');
/** Every test user's password. */
export const PASSWORD = 'riktig-passord-123';

/** The test users: username, role and scope (the people fixture's staff at S001, municipality «tiltaksplan»). */
export const USERS = {
  kontaktlaerer: { role: 'contact-teacher', displayName: 'Kari Kontakt', staffId: 'A1', schoolId: 'S001' },
  rektor: { role: 'principal', displayName: 'Rita Rektor', staffId: 'A2', schoolId: 'S001' },
  koordinator: { role: 'coordinator', displayName: 'Kim Koordinator', municipalityId: 'tiltaksplan' },
  revisor: { role: 'auditor', displayName: 'Rune Revisor' },
} as const satisfies Record<string, { role: WebRole; displayName: string; staffId?: string; schoolId?: string; municipalityId?: string }>;
export type Username = keyof typeof USERS;

export interface WebTestEnv {
  app: WebApp;
  /** The test's folder: the dev server's database file (`temporal.db`) is here. */
  dir: string;
  /** The dev server's gRPC address. */
  address: string;
  /** The dev server's Web UI, when `uiPort` was given. */
  uiUrl?: string;
  cases: CaseClient;
  database: AppDatabase;
  userStore: SqlUserStore;
  archiveDir: string;
  /**
   * Opens a procedure C case (consecutive-days trigger) for the pupil, `daysAgo` days back, and
   * returns its workflow id once «Saker» (visibility) lists it.
   */
  openCase(schoolId: string, pupilId: string, daysAgo?: number): Promise<string>;
  /** The archive's documents of the case. */
  archiveDocuments(caseId: string): ReturnType<ArchiveStore['documentsOfCase']>;
  /** Waits until visibility lists `workflowId` with `DeadlineOverdue` as given. */
  waitForListed(workflowId: string, overdue?: boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the environment. `databaseUrl` puts the school's database elsewhere than the SQLite file
 * in the test's folder (a PostgreSQL database, e.g. behind a gate the outage tests close).
 */
export async function createWebTestEnv(
  options: Partial<WebOptions> = {},
  where: {
    databaseUrl?: string;
    /** Seal payloads with these keys, as the product does (worker and client alike). */ keys?: KeyRing;
    /** Serve the dev server's Web UI on this port. */ uiPort?: number;
  } = {},
): Promise<WebTestEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'web-e2e-'));
  let server: DevServer | undefined;
  let connection: Connection | undefined;
  let nativeConnection: NativeConnection | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let database: AppDatabase | undefined;
  let app: WebApp | undefined;
  const close = async () => {
    await app?.close();
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await nativeConnection?.close();
    await connection?.close();
    await server?.stop();
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    server = await startCaseDevServer(dir, undefined, where.uiPort !== undefined ? { uiPort: where.uiPort } : {});
    connection = await Connection.connect({ address: server.address });
    nativeConnection = await NativeConnection.connect({ address: server.address });
    const taskQueue = `web-${randomUUID()}`;
    database = await openMigratedDatabase(where.databaseUrl ?? `sqlite:${join(dir, 'skolefravaer.sqlite')}`);
    const people = parsePeopleCsv(csv(GOOD_ROWS));
    if (people.errors.length > 0) throw new Error(`people fixture: ${JSON.stringify(people.errors)}`);
    await new SqlPeopleDirectory(database).importBatch(people.batch);
    const schools = await loadSchoolDirectory(SCHOOLS);
    const dataConverter = where.keys ? caseDataConverter(where.keys) : undefined;
    const cases = new CaseClient(
      new Client({ connection, ...(dataConverter ? { dataConverter } : {}) }),
      taskQueue,
      where.keys ? new CaseIds(where.keys.caseIdKey) : testCaseIds,
    );
    const archiveDir = join(dir, 'arkiv');
    const deps = composeWebDependencies({
      cases,
      database,
      archiveDir,
      schools,
      pseudonymKey: where.keys?.caseIdKey ?? Buffer.alloc(32, 9),
    });
    for (const [username, user] of Object.entries(USERS)) await deps.userStore.create({ username, ...user, password: PASSWORD });
    worker = await buildWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: createWorkerActivities({ outbox: new FileOutbox(join(dir, 'utboks')) }),
      ...(dataConverter ? { dataConverter } : {}),
    });
    running = worker.run();
    app = await buildWebServer(deps, { sessionKey: randomBytes(32), secureCookies: false, ...options });
    const waitForListed = async (workflowId: string, overdue?: boolean) => {
      for (let i = 0; i < 200; i++) {
        for await (const wf of cases.list({ ...(overdue ? { overdue: true } : {}) })) if (wf.workflowId === workflowId) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${workflowId} is not listed${overdue ? ' as overdue' : ''} after 20 s`);
    };
    return {
      app,
      dir,
      address: server.address,
      ...(server.uiUrl ? { uiUrl: server.uiUrl } : {}),
      cases,
      database,
      userStore: deps.userStore,
      archiveDir,
      waitForListed,
      archiveDocuments: (caseId) => deps.archive.documentsOfCase(caseId),
      openCase: async (schoolId, pupilId, daysAgo = 0) => {
        const start = Date.now() - daysAgo * 86_400_000;
        const day = (offset: number) => new Date(start + offset * 86_400_000).toISOString().slice(0, 10);
        const workflowId = await cases.open({
          procedureId: 'tiltaksplan-elevfravaer',
          facts: {
            caseId: `sak-${schoolId}-${pupilId}`,
            pupilId,
            schoolId,
            grade: 5,
            openedAt: new Date(start).toISOString(),
            trigger: { rule: 'consecutive-days', dates: [day(-3), day(-2), day(-1)] },
          },
        });
        await waitForListed(workflowId);
        return workflowId;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
