/**
 * @jest-environment ./test/web/helpers/web-environment.ts
 */
/**
 * Retention on a real dev server with sealed payloads: three cases of one school, two closed.
 * Run on today's date nothing is due (both closed within the period, one still open); a dry run
 * "far in the future" lists the two closed cases and deletes nothing; the real run deletes their
 * runs, delivery records and outbox files, keeps the archive, the registrations, detection's
 * ledger (so old absence never opens a new case) and the access log, and leaves the open case
 * alone; a second run finds nothing left.
 */
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { osloDate } from '../../app/oslo-time';
import { loadOrCreateKeyRing } from '../../app/payload-keys';
import { parseSettings } from '../../app/settings';
import { ArchiveStore } from '../../archive/archive-store';
import { addDays } from '../../casework/retention-due';
import { runRetentionCli } from '../../cli/retention';
import { EXIT } from '../../app/exit-codes';
import { filing } from '../archive/fixtures';
import { caseEvent } from '../helpers/case-env';
import { type WebTestEnv, createWebTestEnv } from '../web/helpers/web-env';

jest.setTimeout(300_000);

let env: WebTestEnv;
/** Closed: `old` and `recent` (both closed now; «--today» in the future makes them old); `open` stays open. */
const ids = { old: '', recent: '', open: '' };
const pupils = { old: 'E1', recent: 'E2', open: 'E3' } as const;
const FUTURE = addDays(osloDate(), 2 * 365);

const outboxDir = () => join(env.dir, 'utboks');
const outboxFilesOf = (workflowId: string) =>
  (existsSync(outboxDir()) ? readdirSync(outboxDir()) : []).filter((n) => n.startsWith(`${workflowId}_`));
const filesUnder = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : [];

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const settings = parseSettings({
    DATABASE_URL: `sqlite:${join(env.dir, 'skolefravaer.sqlite')}`,
    OUTBOX_DIR: outboxDir(),
    TEMPORAL_ADDRESS: env.address,
  });
  const code = await runRetentionCli(
    argv,
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    () => settings,
    // The test's own client (its task queue and keys); the command must not close it.
    async () => ({ cases: env.cases, close: async () => {} }),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function runExists(workflowId: string): Promise<boolean> {
  try {
    await env.cases.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

async function waitUntil(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/** What the database holds of the pupil's case. */
async function rowsOf(key: keyof typeof ids) {
  const { db } = env.database;
  const pupilId = pupils[key];
  const count = async (query: { execute(): Promise<unknown[]> }) => (await query.execute()).length;
  return {
    deliveries: await count(db.selectFrom('message_deliveries').select('idempotency_key').where('case_id', '=', `sak-S001-${pupilId}`)),
    ledger: await count(
      db.selectFrom('detection_ledger').select('pupil_id').where('school_id', '=', 'S001').where('pupil_id', '=', pupilId),
    ),
    registrations: await count(db.selectFrom('registrations').select('pupil_id').where('pupil_id', '=', pupilId)),
    accessLog: await count(db.selectFrom('web_case_access_log').select('id').where('workflow_id', '=', ids[key])),
    archived: (await env.archiveDocuments(`sak-S001-${pupilId}`)).length,
  };
}

const before = { deliveries: 1, ledger: 1, registrations: 1, accessLog: 1, archived: 1 };

beforeAll(async () => {
  const keys = loadOrCreateKeyRing(join(tmpdir(), `retention-keys-${process.pid}-${Date.now()}.json`));
  env = await createWebTestEnv({}, { keys });
  const archive = new ArchiveStore(env.database, env.archiveDir);
  const now = new Date().toISOString();
  for (const key of ['old', 'recent', 'open'] as const) {
    const pupilId = pupils[key];
    ids[key] = await env.openCase('S001', pupilId, 10);
    const { db } = env.database;
    await db
      .insertInto('message_deliveries')
      .values({
        idempotency_key: `${ids[key]}/1/notify-guardians/guardian-F1`,
        case_id: `sak-S001-${pupilId}`,
        channel: 'email',
        recipient_id: 'F1',
        status: 'sent',
        attempts: 1,
        last_error: null,
        first_attempt_at: now,
        last_attempt_at: now,
        sent_at: now,
      })
      .execute();
    await db.insertInto('detection_ledger').values({ school_id: 'S001', pupil_id: pupilId, record: '{}', updated_at: now }).execute();
    await db
      .insertInto('registrations')
      .values({ school_id: 'S001', pupil_id: pupilId, date: '2026-03-02', kind: 'whole-day', record: '{}', stored_at: now })
      .execute();
    await db
      .insertInto('web_case_access_log')
      .values({ user_id: 'u-rektor', workflow_id: ids[key], opened_at: now, action: 'view' })
      .execute();
    await archive.fileDocument(filing(`arkiv-${pupilId}`, { caseId: `sak-S001-${pupilId}` }));
  }
  for (const key of ['old', 'recent'] as const) {
    await env.cases.send(
      ids[key],
      caseEvent('case.closed', { reason: 'pupil-moved', note: 'Eleven har flyttet', documentRef: `avslutning-${key}` }, now, 'principal'),
    );
  }
  // Visibility lists both closed before the command looks.
  await waitUntil('both cases listed as closed', async () => {
    let closed = 0;
    for await (const wf of env.cases.list({ workflowIds: [ids.old, ids.recent] })) if (wf.status.name === 'COMPLETED') closed += 1;
    return closed === 2;
  });
  // Every case wrote messages to the outbox (its first effects), so their deletion can be seen.
  await waitUntil('outbox files of every case', async () => Object.values(ids).every((id) => outboxFilesOf(id).length > 0));
});
afterAll(() => env?.close());

test('setup: every case has its rows, outbox files and an archived document', async () => {
  for (const key of ['old', 'recent', 'open'] as const) {
    expect(await rowsOf(key)).toEqual(before);
    expect(outboxFilesOf(ids[key]).length).toBeGreaterThan(0);
  }
});

test('today: nothing is due (closed within the period, or open), nothing is deleted', async () => {
  const outboxBefore = Object.values(ids).map((id) => outboxFilesOf(id).length);
  const result = await run();
  expect(result).toMatchObject({ code: EXIT.ok, err: '' });
  expect(result.out).toMatch(/Ingen saker å slette: ingen sak ble avsluttet før \d{4}-\d{2}-\d{2} \(oppbevaringstid 365 dager\)/);
  for (const key of ['old', 'recent', 'open'] as const) {
    expect(await rowsOf(key)).toEqual(before);
    expect(await runExists(ids[key])).toBe(true);
  }
  expect(Object.values(ids).map((id) => outboxFilesOf(id).length)).toEqual(outboxBefore);
});

test('the namespace keeps closed histories for the period (the dev server takes updateNamespace)', async () => {
  const described = await env.cases.client.workflowService.describeNamespace({ namespace: 'default' });
  expect(Number(described.config?.workflowExecutionRetentionTtl?.seconds)).toBe(365 * 24 * 60 * 60);
  // Already so: a second run says so and changes nothing.
  expect((await run()).out).toContain('Temporal: navnerommets oppbevaringstid er allerede 365 dager.');
});

test('--dry-run in the future lists the two closed cases and deletes nothing', async () => {
  const outboxBefore = Object.values(ids).map((id) => outboxFilesOf(id).length);
  const result = await run('--dry-run', '--today', FUTURE);
  expect(result).toMatchObject({ code: EXIT.ok, err: '' });
  expect(result.out).toContain('Prøvekjøring (--dry-run): ingenting er slettet eller endret.');
  for (const key of ['old', 'recent'] as const) {
    expect(result.out).toMatch(
      new RegExp(
        `Sak ${ids[key]}, avsluttet \\d{4}-\\d{2}-\\d{2}: ville slettet 1 kjøring i Temporal, 1 leveringsrad, ` +
          `${outboxFilesOf(ids[key]).length} filer? i utboksen; 1 arkivert dokument beholdes \\(saksmappe \\d{4}/\\d+; følger arkivets regler\\)\\.`,
      ),
    );
  }
  expect(result.out).not.toContain(ids.open);
  expect(result.out).toMatch(/Totalt 2 saker avsluttet før .*: ville slettet 2 kjøringer, 2 leveringsrader, \d+ filer i utboksen;/);
  expect(result.out).not.toContain('deteksjonsloggen');
  for (const key of ['old', 'recent', 'open'] as const) {
    expect(await rowsOf(key)).toEqual(before);
    expect(await runExists(ids[key])).toBe(true);
  }
  expect(Object.values(ids).map((id) => outboxFilesOf(id).length)).toEqual(outboxBefore);
});

test('in the future: the closed cases are deleted, the archive, registrations, ledger and access log kept, the open case untouched', async () => {
  const archiveFiles = filesUnder(env.archiveDir);
  expect(archiveFiles.length).toBe(3);
  const openOutbox = outboxFilesOf(ids.open).length;
  const result = await run('--today', FUTURE);
  expect(result).toMatchObject({ code: EXIT.ok, err: '' });
  expect(result.out).toMatch(
    new RegExp(`Sak ${ids.old}, avsluttet .*: slettet 1 kjøring i Temporal, 1 leveringsrad, \\d+ filer? i utboksen;`),
  );
  expect(result.out).not.toContain('deteksjonsloggen');
  expect(result.out).toMatch(/Totalt 2 saker avsluttet før .*: slettet 2 kjøringer/);

  expect(result.out).not.toContain('ikke bekreftet');
  for (const key of ['old', 'recent'] as const) {
    // The command waited for Temporal to confirm the deletion.
    expect(await runExists(ids[key])).toBe(false);
    // Detection's ledger stays with the registrations it was derived from.
    expect(await rowsOf(key)).toEqual({ deliveries: 0, ledger: 1, registrations: 1, accessLog: 1, archived: 1 });
    expect(outboxFilesOf(ids[key])).toEqual([]);
  }
  expect(await rowsOf('open')).toEqual(before);
  expect(await env.cases.isOpen(ids.open)).toBe(true);
  expect(outboxFilesOf(ids.open).length).toBe(openOutbox);
  expect(filesUnder(env.archiveDir)).toEqual(archiveFiles);
});

test('a second run finds nothing left', async () => {
  const result = await run('--today', FUTURE);
  expect(result).toMatchObject({ code: EXIT.ok, err: '' });
  expect(result.out).toContain('Ingen saker å slette');
  expect(await rowsOf('open')).toEqual(before);
});

test('a bad --today is refused with the usage text, nothing done', async () => {
  const result = await run('--today', '2027-02-30');
  expect(result.code).toBe(EXIT.usage);
  expect(result.err).toMatch(/^--today må være en dato ÅÅÅÅ-MM-DD \(fikk «2027-02-30»\)\.\n\nBruk: npm run retention/);
});
