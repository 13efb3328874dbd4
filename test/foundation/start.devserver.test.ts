/**
 * The main job (`npm start`, scripts/start.ts) end to end on a real dev server: the first start
 * loads demo data (cases open under all four procedures) before it says it is ready; the case
 * worker killed with SIGKILL is restarted after 1 s, logged in Norwegian with the signal, while the dev
 * server keeps running and the new worker does work; a newcomer signs in to the web application
 * as the demo contact teacher it prints, sees their tasks and takes a case through a step with a
 * document; Ctrl-C (SIGINT) then stops everything and leaves no process behind.
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
/** Where `npm start` keeps the payload keys with DATA_DIR set (the test's client opens the cases with them). */
const payloadKeysFile = join(dir, 'payload-keys.json');
let start: GroupChild;
let output = '';
let address = '';
let webPort = 0;

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
  webPort = await freePort();
  start = spawnGroup(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    name: 'npm start',
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      DATA_DIR: dir,
      TEMPORAL_DEV_PORT: String(port),
      TEMPORAL_UI_PORT: String(await freePort()),
      TEMPORAL_TASK_QUEUE: taskQueue,
      WEB_PORT: String(webPort),
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

  const client = await connectClient({ address, namespace: 'default', taskQueue, payloadKeysFile });
  const procedures = new Set<string>();
  const schools = new Set<string>();
  const workflowIds: string[] = [];
  try {
    for await (const wf of client.workflow.list({ query: "WorkflowType = 'caseWorkflow'" })) {
      procedures.add(wf.typedSearchAttributes.get(ProcedureId) ?? '');
      schools.add(wf.typedSearchAttributes.get(SchoolId) ?? '');
      workflowIds.push(wf.workflowId);
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
  // The case ids are pseudonymous: the school, then a keyed hash, never the pupil's id.
  expect(workflowIds.filter((id) => !/^fravaerssak-[A-Za-z0-9]+-[0-9a-f]{24}$/.test(id))).toEqual([]);
}, 60_000);

/** A browser's part, by hand: the sealed session cookie carried from answer to answer. */
function cookieJar() {
  let cookie = '';
  return async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`http://127.0.0.1:${webPort}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    const set = response.headers.getSetCookie().find((c) => c.startsWith('skolefravaer_okt='));
    if (set) cookie = set.split(';')[0]!;
    return { status: response.status, location: response.headers.get('location'), body: await response.text() };
  };
}
const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)![1]!;
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

test('a newcomer signs in as the printed demo contact teacher, sees their tasks and takes a case through a step with a document', async () => {
  expect(output).toMatch(/^Demoen tok \d+ steg i \d+ saker/m);
  expect(output).toContain(`Nettløsningen:        http://127.0.0.1:${webPort}`);
  const username = (await waitFor(/^ {4}kontaktlærer +(\S+)/m))[1]!;
  const password = (await waitFor(/Demobrukere \(passord «([^»]+)»/))[1]!;
  await waitFor(/Nettløsningen kjører på/);
  const get = cookieJar();

  const signIn = await get('/logg-inn');
  expect(signIn.status).toBe(200);
  const signedIn = await get('/logg-inn', form({ _csrf: csrfOf(signIn.body), brukernavn: username, passord: password }));
  expect([signedIn.status, signedIn.location]).toEqual([303, '/oppgaver']);

  const tasks = await get('/oppgaver');
  expect(tasks.body).toContain('Mine oppgaver');
  const caseLinks = [...tasks.body.matchAll(/href="(\/saker\/fravaerssak-[^"]+)"/g)].map((m) => m[1]!);
  expect(caseLinks.length).toBeGreaterThan(0);

  // The first task whose step waits for a contact with the guardians (the first step of every procedure).
  let formPath: string | undefined;
  for (const link of caseLinks) {
    const page = await get(link);
    const found = /href="(\/saker\/[^"]+\/hendelser\/guardians\.contacted)"/.exec(page.body);
    if (found) {
      formPath = found[1]!;
      break;
    }
  }
  expect(formPath).toBeDefined();
  const blank = await get(formPath!);
  const eventId = /name="eventId" value="([^"]+)"/.exec(blank.body)![1]!;
  const sent = await get(
    formPath!,
    form({
      _csrf: csrfOf(blank.body),
      eventId,
      'hendelse.channel': 'phone',
      'hendelse.cause': 'school-related',
      'dokument.conversationDate': new Date().toISOString().slice(0, 10),
      'dokument.channel': 'phone',
      'dokument.summary': 'Samtale med foresatte om fraværet.',
      'dokument.agreed': 'Møte med skolen neste uke.',
      'dokument.nextStep': 'Møte med ledelsen.',
    }),
  );
  expect(sent.status).toBe(303);
  const after = await get(sent.location!);
  expect(after.body).toContain('«Kontakt med foresatte» er registrert.');
  const pdfLink = /href="(\/saker\/[^"]+\/dokumenter\/[^"]+)"/.exec(after.body)?.[1];
  expect(pdfLink).toBeDefined();
  const pdf = await fetch(`http://127.0.0.1:${webPort}${pdfLink!}`, { redirect: 'manual' });
  // Without the session the document is not served; with it, it is the PDF.
  expect(pdf.status).toBe(303);
  const withSession = await get(pdfLink!);
  expect(withSession.status).toBe(200);
  expect(withSession.body.startsWith('%PDF-')).toBe(true);
}, 120_000);

test('a killed worker is restarted after 1 s while the dev server keeps running, and Ctrl-C stops everything', async () => {
  const serverPid = Number((await waitFor(/Temporal-utviklingsserveren kjører \(pid (\d+)\)/))[1]);
  const firstWorker = Number((await waitFor(/Arbeideren \(worker\/main\.ts\) startet \(pid (\d+)\)/))[1]);

  process.kill(-firstWorker, 'SIGKILL');
  await waitFor(
    /Arbeideren \(worker\/main\.ts\) stoppet uventet \(avsluttet av signalet SIGKILL\) etter [\d a-z]+; starter den på nytt om 1 s\./,
  );
  const secondWorker = Number((await waitFor(/Arbeideren \(worker\/main\.ts\) startet på nytt \(pid (\d+), omstart nr\. 1\)/))[1]);
  expect(secondWorker).not.toBe(firstWorker);
  expect(alive(firstWorker)).toBe(false);
  expect(alive(serverPid)).toBe(true);
  expect(start.running()).toBe(true);

  // The new worker takes work from the same task queue on the same server.
  const client = await connectClient({ address, namespace: 'default', taskQueue, payloadKeysFile });
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
  expect(output).toMatch('Stopper nettløsningen, arbeideren og Temporal-utviklingsserveren ...');
  expect(output).toMatch(/^Stoppet\.$/m);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(alive(secondWorker)).toBe(false);
  expect(alive(serverPid)).toBe(false);
  expect(output).not.toMatch('omstart nr. 2');
}, 180_000);
