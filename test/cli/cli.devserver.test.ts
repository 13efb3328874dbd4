/**
 * The case CLI end to end on the real dev server with a real worker process: open a case, send
 * events, see refusals and duplicates handled, show it and find it by its search attributes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startDevServer, type DevServer } from '../../scripts/lib/dev-server';
import { freePort } from '../../scripts/lib/free-port';
import { PROJECT_ROOT } from '../../scripts/lib/tools';
import { caseSearchAttributes } from '../../workflows/search-attributes';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';

const dir = mkdtempSync(join(tmpdir(), 'cli-'));
const taskQueue = `cli-${randomUUID()}`;
/** A school of the committed directory (procedure C); a fresh pupil id keeps runs apart. */
const school = 'S001';
const pupil = `e${randomUUID().slice(0, 8)}`;
let server: DevServer;
let worker: WorkerProcess;

beforeAll(async () => {
  server = await startDevServer({
    dbFile: join(dir, 'temporal.db'),
    logFile: join(dir, 'temporal.log'),
    port: await freePort(),
    searchAttributes: caseSearchAttributes,
  });
  worker = await startWorkerProcess({ TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: taskQueue, OUTBOX_DIR: join(dir, 'outbox') });
});

afterAll(async () => {
  await worker?.kill();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      resolve(PROJECT_ROOT, 'node_modules/.bin/tsx'),
      ['cli/main.ts', ...args],
      { cwd: PROJECT_ROOT, env: { ...process.env, TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: taskQueue } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

// Many CLI processes in a row (each a fresh tsx start): more time than the default on a loaded 2-core machine.
test('open, send, refuse, deduplicate, show and list a case through the CLI, with one exit code per kind of outcome', async () => {
  const opened = await cli(
    'open',
    '--school',
    school,
    '--pupil',
    pupil,
    '--grade',
    '8',
    '--rule',
    'consecutive-days',
    '--dates',
    '2026-09-01,2026-09-02,2026-09-03',
  );
  expect(opened.stderr).toBe('');
  expect(opened.stdout).toMatch(`Sak åpnet: fravaerssak-${school}-${pupil}`);
  expect(opened.stdout).toMatch('Rutine:      Tiltaksplan ved elevfravær');
  expect(opened.stdout).toMatch('Nå:          Kontakt med hjemmet');

  const again = await cli(
    'open',
    '--school',
    school,
    '--pupil',
    pupil,
    '--grade',
    '8',
    '--rule',
    'consecutive-days',
    '--dates',
    '2026-09-01',
  );
  expect(again.code).toBe(7);
  expect(again.stderr).toMatch('Eleven har allerede en åpen sak');

  const unknownSchool = await cli(
    'open',
    '--school',
    'S999',
    '--pupil',
    pupil,
    '--grade',
    '8',
    '--rule',
    'consecutive-days',
    '--dates',
    '2026-09-01',
  );
  expect(unknownSchool).toMatchObject({ code: 8, stderr: expect.stringMatching(/Skolen «S999» står ikke i skolekatalogen/) });
  const otherProcedure = await cli(
    'open',
    '--procedure',
    'raelingen-veileder',
    '--school',
    school,
    '--pupil',
    'annen',
    '--grade',
    '8',
    '--rule',
    'consecutive-days',
    '--dates',
    '2026-09-01',
  );
  expect(otherProcedure).toMatchObject({
    code: 2,
    stderr: expect.stringMatching(/følger rutinen «tiltaksplan-elevfravaer», ikke «raelingen-veileder»/),
  });

  const contact = [
    'send',
    '--school',
    school,
    '--pupil',
    pupil,
    '--type',
    'guardians.contacted',
    '--role',
    'contact-teacher',
    '--user',
    'kari',
    '--event-id',
    'kontakt-1',
    '--data',
    '{"channel":"phone","cause":"school-related","causeNote":"Gruer seg til gym.","documentRef":"logg-1"}',
  ];
  const sent = await cli(...contact);
  expect(sent.stdout).toMatch('Registrert.');
  expect(sent.stdout).toMatch('Nå:          Plan for de neste dagene');
  const duplicate = await cli(...contact);
  expect(duplicate.stdout).toMatch('Allerede registrert');

  const refused = await cli(
    'send',
    '--school',
    school,
    '--pupil',
    pupil,
    '--type',
    'evaluation.held',
    '--role',
    'principal',
    '--user',
    'per',
    '--data',
    '{"outcome":"improved","minutesRef":"ref-1"}',
  );
  expect(refused.code).toBe(7);
  expect(refused.stderr).toMatch(/Saken avviste hendelsen: Steget «Plan for de neste dagene» tar ikke imot «Tiltakene evaluert»/);
  const byPupil = await cli(
    'send',
    '--school',
    school,
    '--pupil',
    pupil,
    '--type',
    'case.closed',
    '--role',
    'pupil',
    '--user',
    'e',
    '--data',
    '{"reason":"other","note":"Ferdig.","documentRef":"x"}',
  );
  expect(byPupil).toMatchObject({ code: 7, stderr: expect.stringMatching(/Rollen eleven kan ikke registrere «Saken avsluttet»/) });

  // A person's event cannot come in as a detection fact; a fact the case refuses exits non-zero.
  const forged = await cli(
    'send',
    '--school',
    school,
    '--pupil',
    pupil,
    '--type',
    'guardians.contacted',
    '--role',
    'system',
    '--user',
    'x',
    '--signal',
    '--data',
    '{"channel":"phone","cause":"school-related","documentRef":"l"}',
  );
  expect(forged).toMatchObject({ code: 2, stderr: expect.stringMatching(/--signal er bare for fravær fra fraværsdeteksjonen/) });
  const trend = await cli(
    'send',
    '--school',
    school,
    '--pupil',
    pupil,
    '--type',
    'absence.trend',
    '--role',
    'contact-teacher',
    '--user',
    'kari',
    '--signal',
    '--data',
    '{"trend":"worse","from":"2026-09-01","to":"2026-09-20","absenceDays":4}',
  );
  expect(trend).toMatchObject({
    code: 7,
    stderr: expect.stringMatching(/Saken avviste fraværet: «Fraværsutvikling» kommer bare fra fraværsdeteksjonen/),
  });

  const shown = await cli('show', '--school', school, '--pupil', pupil);
  expect(shown.stdout).toMatch('Merknad: Gruer seg til gym.');
  expect(shown.stdout).toMatch('fravær flere dager på rad');
  const json = await cli('show', '--school', school, '--pupil', pupil, '--json');
  const view = JSON.parse(json.stdout) as { timeline: { kind: string }[]; documents: { ref: string }[]; stage: string };
  expect(view.timeline.filter((e) => e.kind === 'event')).toHaveLength(1);
  expect(view.documents.map((d) => d.ref)).toEqual(['logg-1']);
  expect(view.stage).toBe('measures');

  const missing = await cli('show', '--school', school, '--pupil', 'finnes-ikke');
  expect(missing).toMatchObject({ code: 8, stderr: expect.stringMatching(/Finner ingen sak/) });

  // Visibility is eventually consistent; give the index a moment.
  let listed: CliResult = { code: 1, stdout: '', stderr: '' };
  for (let i = 0; i < 20 && !listed.stdout.includes(`fravaerssak-${school}-${pupil}`); i += 1) {
    listed = await cli('list', '--school', school, '--status', 'open');
  }
  expect(listed.stdout.split('\n')[0]).toMatch(/^SAK +SKOLE +ELEV +RUTINE +STEG +STATUS +NESTE FRIST +FORSINKET$/);
  expect(listed.stdout).toMatch(new RegExp(`fravaerssak-${school}-${pupil} +${school} +${pupil} +Tiltaksplan elevfravær +tiltak +åpen`));
  const overdue = await cli('list', '--school', school, '--overdue');
  expect(overdue.stdout).not.toMatch(pupil);
}, 360_000);
