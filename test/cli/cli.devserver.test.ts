/**
 * The case CLI end to end on the real dev server with a real worker process: open a case, send
 * events, see refusals and duplicates handled, show it and find it by its search attributes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { DevServer } from '../../scripts/lib/dev-server';
import { PROJECT_ROOT } from '../../scripts/lib/tools';
import { caseIdsOf } from '../../app/temporal';
import { startWorkerProcess, type WorkerProcess } from '../helpers/worker-process';
import { startCaseDevServer } from '../helpers/case-dev-server';

const dir = mkdtempSync(join(tmpdir(), 'cli-'));
const taskQueue = `cli-${randomUUID()}`;
/** A school of the committed directory (procedure C); a fresh pupil id keeps runs apart. */
const school = 'S001';
const pupil = `e${randomUUID().slice(0, 8)}`;
/** The worker and every CLI process seal with the same keys, so they read each other's cases. */
const keysFile = join(dir, 'payload-keys.json');
/** The pupil's case, by its pseudonymous id from the same key file. */
const workflowId = () => caseIdsOf({ payloadKeysFile: keysFile }).workflowId(school, pupil);
let server: DevServer;
let worker: WorkerProcess;

beforeAll(async () => {
  server = await startCaseDevServer(dir);
  worker = await startWorkerProcess({
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    OUTBOX_DIR: join(dir, 'outbox'),
    PAYLOAD_KEYS_FILE: keysFile,
  });
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
      {
        cwd: PROJECT_ROOT,
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: server.address,
          TEMPORAL_TASK_QUEUE: taskQueue,
          DATABASE_URL: `sqlite:${join(dir, 'skolefravaer.sqlite')}`,
          ARCHIVE_DIR: join(dir, 'arkiv'),
          PAYLOAD_KEYS_FILE: keysFile,
        },
      },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `open` for procedure C's consecutive-days rule in grade 8; `first` flags go before the rest. */
const openCase = (schoolId: string, pupilId: string, dates: string, ...first: string[]) =>
  cli('open', ...first, '--school', schoolId, '--pupil', pupilId, '--grade', '8', '--rule', 'consecutive-days', '--dates', dates);

/** `send` of an event to the test's pupil, by `role` as `user`, with `data` as JSON; `flags` go before the data. */
const sendEvent = (type: string, role: string, user: string, data: object, ...flags: string[]) => {
  const by = ['--type', type, '--role', role, '--user', user];
  return cli('send', '--school', school, '--pupil', pupil, ...by, ...flags, '--data', JSON.stringify(data));
};

// Many CLI processes in a row (each a fresh tsx start): more time than the default on a loaded 2-core machine.
test('open, send, refuse, deduplicate, show and list a case through the CLI, with one exit code per kind of outcome', async () => {
  const opened = await openCase(school, pupil, '2026-09-01,2026-09-02,2026-09-03');
  expect(opened.stderr).toBe('');
  expect(opened.stdout).toMatch(`Sak åpnet: ${workflowId()}`);
  expect(opened.stdout).not.toMatch(`fravaerssak-${school}-${pupil}`);
  expect(opened.stdout).toMatch('Rutine:      Tiltaksplan ved elevfravær');
  expect(opened.stdout).toMatch('Nå:          Kontakt med hjemmet');

  const again = await openCase(school, pupil, '2026-09-01');
  expect(again.code).toBe(7);
  expect(again.stderr).toMatch('Eleven har allerede en åpen sak');

  const unknownSchool = await openCase('S999', pupil, '2026-09-01');
  expect(unknownSchool).toMatchObject({ code: 8, stderr: expect.stringMatching(/Skolen «S999» står ikke i skolekatalogen/) });
  const otherProcedure = await openCase(school, 'annen', '2026-09-01', '--procedure', 'raelingen-veileder');
  expect(otherProcedure).toMatchObject({
    code: 2,
    stderr: expect.stringMatching(/følger rutinen «tiltaksplan-elevfravaer», ikke «raelingen-veileder»/),
  });

  const contact = () =>
    sendEvent(
      'guardians.contacted',
      'contact-teacher',
      'kari',
      { channel: 'phone', cause: 'school-related', causeNote: 'Gruer seg til gym.', documentRef: 'logg-1' },
      '--event-id',
      'kontakt-1',
    );
  const sent = await contact();
  expect(sent.stdout).toMatch('Registrert.');
  expect(sent.stdout).toMatch('Nå:          Plan for de neste dagene');
  const duplicate = await contact();
  expect(duplicate.stdout).toMatch('Allerede registrert');

  const refused = await sendEvent('evaluation.held', 'principal', 'per', { outcome: 'improved', minutesRef: 'ref-1' });
  expect(refused.code).toBe(7);
  expect(refused.stderr).toMatch(/Saken avviste hendelsen: Steget «Plan for de neste dagene» tar ikke imot «Tiltakene evaluert»/);
  const byPupil = await sendEvent('case.closed', 'pupil', 'e', { reason: 'other', note: 'Ferdig.', documentRef: 'x' });
  expect(byPupil).toMatchObject({ code: 7, stderr: expect.stringMatching(/Rollen eleven kan ikke registrere «Saken avsluttet»/) });

  // A person's event cannot come in as a detection fact; a fact the case refuses exits non-zero.
  const forged = await sendEvent(
    'guardians.contacted',
    'system',
    'x',
    { channel: 'phone', cause: 'school-related', documentRef: 'l' },
    '--signal',
  );
  expect(forged).toMatchObject({ code: 2, stderr: expect.stringMatching(/--signal er bare for fravær fra fraværsdeteksjonen/) });
  const trend = await sendEvent(
    'absence.trend',
    'contact-teacher',
    'kari',
    { trend: 'worse', from: '2026-09-01', to: '2026-09-20', absenceDays: 4 },
    '--signal',
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
  for (let i = 0; i < 20 && !listed.stdout.includes(workflowId()); i += 1) {
    listed = await cli('list', '--school', school, '--status', 'open');
  }
  expect(listed.stdout.split('\n')[0]).toMatch(/^SAK +SKOLE +ELEV +RUTINE +STEG +STATUS +NESTE FRIST +FORSINKET$/);
  expect(listed.stdout).toMatch(new RegExp(`${workflowId()} +${school} +${pupil} +Tiltaksplan elevfravær +tiltak +åpen`));
  const overdue = await cli('list', '--school', school, '--overdue');
  expect(overdue.stdout).not.toMatch(pupil);
}, 360_000);

test('a step with its document: rendered, archived and sent with the archive reference in one command; a bad document changes nothing', async () => {
  const other = `e${randomUUID().slice(0, 8)}`;
  expect((await openCase(school, other, '2026-09-01,2026-09-02,2026-09-03')).code).toBe(0);
  const send = (file: string, type = 'guardians.contacted', data: object = { channel: 'phone', cause: 'school-related' }) =>
    cli(
      'send',
      '--school',
      school,
      '--pupil',
      other,
      '--type',
      type,
      '--role',
      'contact-teacher',
      '--user',
      'kari',
      '--data',
      JSON.stringify(data),
      '--document',
      file,
    );
  const good = join(dir, 'samtale.json');
  writeFileSync(
    good,
    JSON.stringify({
      fields: {
        conversationDate: '2026-09-04',
        channel: 'phone',
        summary: 'Samtale med mor om fraværet.',
        agreed: 'Eleven kommer i morgen.',
        nextStep: 'Elevsamtale.',
      },
      participants: [{ role: 'contact-teacher', name: 'Kari Kontakt' }],
    }),
  );
  const bad = join(dir, 'feil.json');
  writeFileSync(bad, JSON.stringify({ fields: { conversationDate: '04.09.2026', channel: 'phone' } }));

  const refused = await send(bad);
  expect(refused.code).toBe(4);
  expect(refused.stderr).toMatch(/Dokumentet ble ikke laget; ingenting er arkivert eller sendt\. .*conversationDate.*04\.09\.2026/);
  expect((await cli('show', '--school', school, '--pupil', other, '--json')).stdout).toMatch('"documents": []');
  const noDocument = await send(good, 'staff.informed', { recipients: ['principal'] });
  expect(noDocument).toMatchObject({ code: 2, stderr: expect.stringMatching(/«staff.informed» har ikke noe dokument å arkivere/) });

  const filed = await send(good);
  expect(filed.stderr).toBe('');
  expect(filed.stdout).toMatch(/Dokumentet er arkivert som arkiv:\d{4}\/\d+-1; hendelsen er registrert\./);
  const view = JSON.parse((await cli('show', '--school', school, '--pupil', other, '--json')).stdout) as { documents: { ref: string }[] };
  expect(view.documents.map((d) => d.ref)).toEqual([expect.stringMatching(/^arkiv:\d{4}\/\d+-1$/)]);
}, 240_000);
