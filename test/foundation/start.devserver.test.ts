/**
 * The main job (`npm start`, scripts/start.ts) end to end on a real dev server: the first start
 * loads demo data (cases open under all four procedures) before it says it is ready; the case
 * worker killed with SIGKILL is restarted after 1 s, logged in Norwegian with the signal, while the dev
 * server keeps running and the new worker does work; Ctrl-C (SIGINT) then stops everything and
 * leaves no process behind.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { type GroupChild, spawnGroup } from '../../scripts/lib/child-processes';
import { freePort } from '../../scripts/lib/free-port';
import { PROJECT_ROOT } from '../../scripts/lib/tools';
import { connectClient } from '../../app/temporal';
import { stackCheckWorkflow } from '../../workflows';
import { ProcedureId, SchoolId } from '../../workflows/search-attributes';
import { DEMO_SCHOOL_IDS, demoMarkerFile } from '../../scripts/lib/demo-data';
import { openMigratedDatabase } from '../../app/database/database';
import { SqlRegistrationStore } from '../../intake/registration-store';

const dir = mkdtempSync(join(tmpdir(), 'start-'));
const taskQueue = `start-${randomUUID()}`;
let start: GroupChild;
let output = '';
let address = '';

/** Resolves with the first match of `pattern` in the main job's output. */
async function waitFor(pattern: RegExp, timeoutMs = 120_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(output);
    if (match) return match;
    if (Date.now() > deadline || !start.running())
      throw new Error(`${pattern} did not appear${start.running() ? ` within ${timeoutMs} ms` : ' before npm start exited'}:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  const port = await freePort();
  start = spawnGroup(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    name: 'npm start',
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      DATA_DIR: dir,
      TEMPORAL_DEV_PORT: String(port),
      TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_TASK_QUEUE: taskQueue,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.process.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  start.process.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  address = `127.0.0.1:${port}`;
  await waitFor(/^Klar\.$/m, 180_000);
}, 200_000);

afterAll(async () => {
  await start?.stop({ signal: 'SIGINT', graceMs: 60_000 });
  rmSync(dir, { recursive: true, force: true });
}, 90_000);

test('the first start loads demo data before it is ready: cases open at the demo schools under all four procedures, once', async () => {
  expect(output).toMatch(/^Første oppstart: laster inn demodata \(160 syntetiske elever ved S001, S006, S011, S016/m);
  expect(output).not.toMatch('Demodataene ble ikke lastet inn');
  expect(output.indexOf('Første oppstart')).toBeLessThan(output.indexOf('Klar.'));
  expect(output).toMatch(/^Personkatalogen for demoen er importert fra .*personer\.csv: 160 elever, \d+ foresatte og \d+ ansatte\.$/m);
  const marker = JSON.parse(readFileSync(demoMarkerFile(dir), 'utf8')) as { pupils: number; schools: string[] };
  expect(marker).toMatchObject({ pupils: 160, schools: [...DEMO_SCHOOL_IDS] });
  // The registrations are in the database under the data folder, with the school directory loaded beside them.
  expect(output).toContain(`Databasen: SQLite-filen ${join(dir, 'skolefravaer.sqlite')} (skjemaet er oppdatert).`);
  expect(output).toMatch(/^Skolekatalogen .*config\/schools\.json: \d+ skoler i databasen \(\d+ nye, 0 endret, 0 fjernet\)\.$/m);
  const database = await openMigratedDatabase(`sqlite:${join(dir, 'skolefravaer.sqlite')}`);
  try {
    expect(await new SqlRegistrationStore(database).schoolIds()).toEqual([...DEMO_SCHOOL_IDS]);
    // The people directory of the demo pupils was imported first, so the cases' messages reach people.
    const pupils = await database.db.selectFrom('pupils').select(['school_id']).execute();
    expect(pupils).toHaveLength(160);
    expect([...new Set(pupils.map((p) => p.school_id))].sort()).toEqual([...DEMO_SCHOOL_IDS]);
  } finally {
    await database.close();
  }

  const client = await connectClient({ address, namespace: 'default', taskQueue });
  const procedures = new Set<string>();
  const schools = new Set<string>();
  try {
    for await (const wf of client.workflow.list({ query: "WorkflowType = 'caseWorkflow'" })) {
      procedures.add(wf.typedSearchAttributes.get(ProcedureId) ?? '');
      schools.add(wf.typedSearchAttributes.get(SchoolId) ?? '');
    }
  } finally {
    await client.connection.close();
  }
  expect([...procedures].sort()).toEqual([
    'hardanger-handlingsplan',
    'plan-for-skolenaervaer',
    'raelingen-veileder',
    'tiltaksplan-elevfravaer',
  ]);
  expect([...schools].every((school) => (DEMO_SCHOOL_IDS as readonly string[]).includes(school))).toBe(true);
}, 60_000);

test('a killed worker is restarted after 1 s while the dev server keeps running, and Ctrl-C stops everything', async () => {
  const serverPid = Number((await waitFor(/Temporal-utviklingsserveren kjører \(pid (\d+)\)/))[1]);
  const firstWorker = Number((await waitFor(/Arbeideren \(worker\/main\.ts\) startet \(pid (\d+)\)/))[1]);

  process.kill(-firstWorker, 'SIGKILL');
  await waitFor(
    /Arbeideren \(worker\/main\.ts\) stoppet uventet \(avsluttet av signalet SIGKILL\) etter \d+ s; starter den på nytt om 1 s\./,
  );
  const secondWorker = Number((await waitFor(/Arbeideren \(worker\/main\.ts\) startet på nytt \(pid (\d+), omstart nr\. 1\)/))[1]);
  expect(secondWorker).not.toBe(firstWorker);
  expect(alive(firstWorker)).toBe(false);
  expect(alive(serverPid)).toBe(true);
  expect(start.running()).toBe(true);

  // The new worker takes work from the same task queue on the same server.
  const client = await connectClient({ address, namespace: 'default', taskQueue });
  try {
    await client.workflow.execute(stackCheckWorkflow, {
      taskQueue,
      workflowId: `stack-check-${randomUUID()}`,
      args: [{ timer: '1 second', signalsRequired: 0 }],
    });
  } finally {
    await client.connection.close();
  }

  start.signal('SIGINT');
  const exit = await start.exited;
  expect(output).toMatch('Stopper arbeideren og Temporal-utviklingsserveren ...');
  expect(output).toMatch(/^Stoppet\.$/m);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(alive(secondWorker)).toBe(false);
  expect(alive(serverPid)).toBe(false);
  expect(output).not.toMatch('omstart nr. 2');
}, 180_000);
