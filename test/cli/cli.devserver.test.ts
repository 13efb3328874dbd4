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
const school = `skole-${randomUUID().slice(0, 8)}`;
let server: DevServer;
let worker: WorkerProcess;

beforeAll(async () => {
  server = await startDevServer({ dbFile: join(dir, 'temporal.db'), logFile: join(dir, 'temporal.log'), port: await freePort(), searchAttributes: caseSearchAttributes });
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

test('open, send, refuse, deduplicate, show and list a case through the CLI', async () => {
  const opened = await cli('open', '--procedure', 'tiltaksplan-elevfravaer', '--school', school, '--pupil', 'p1', '--grade', '8', '--rule', 'consecutive-days', '--dates', '2026-09-01,2026-09-02,2026-09-03');
  expect(opened.stderr).toBe('');
  expect(opened.stdout).toMatch(`Sak åpnet: fravaerssak-${school}-p1`);
  expect(opened.stdout).toMatch('Nå:         Kontakt med hjemmet');

  const again = await cli('open', '--procedure', 'tiltaksplan-elevfravaer', '--school', school, '--pupil', 'p1', '--grade', '8', '--rule', 'consecutive-days', '--dates', '2026-09-01');
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch('Eleven har allerede en åpen sak');

  const contact = ['send', '--school', school, '--pupil', 'p1', '--type', 'guardians.contacted', '--role', 'contact-teacher', '--user', 'kari', '--event-id', 'kontakt-1', '--data', '{"channel":"phone","cause":"school-related","documentRef":"logg-1"}'];
  const sent = await cli(...contact);
  expect(sent.stdout).toMatch('Registrert.');
  expect(sent.stdout).toMatch('Nå:         Plan for de neste dagene');
  const duplicate = await cli(...contact);
  expect(duplicate.stdout).toMatch('Allerede registrert');

  const refused = await cli('send', '--school', school, '--pupil', 'p1', '--type', 'evaluation.held', '--role', 'principal', '--user', 'per', '--data', '{"outcome":"improved","minutesRef":"ref-1"}');
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/Saken avviste hendelsen: Steget «Plan for de neste dagene» tar ikke imot «evaluation\.held»/);

  const shown = await cli('show', '--school', school, '--pupil', 'p1', '--json');
  const view = JSON.parse(shown.stdout) as { timeline: unknown[]; documents: { ref: string }[]; stage: string };
  expect(view.timeline).toHaveLength(1);
  expect(view.documents.map((d) => d.ref)).toEqual(['logg-1']);
  expect(view.stage).toBe('measures');

  // Visibility is eventually consistent; give the index a moment.
  let listed: CliResult = { code: 1, stdout: '', stderr: '' };
  for (let i = 0; i < 20 && !listed.stdout.includes(`fravaerssak-${school}-p1`); i += 1) {
    listed = await cli('list', '--school', school, '--status', 'open');
  }
  expect(listed.stdout).toMatch(`fravaerssak-${school}-p1  åpen  measures`);
});
