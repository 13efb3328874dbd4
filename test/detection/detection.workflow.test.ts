/**
 * Import → detection → cases, end to end on the time-skipping server: importing a file opens a
 * case under the school's procedure with the trigger's evidence; a second import with new
 * absence escalates the open case (C §3, a new trigger); importing it again changes nothing; the
 * daily detection workflow (what the Temporal Schedule starts) catches registrations that were
 * imported without detection; and a backlog showing two triggers delivers both in one run. A day
 * without notice opens a case in phase 1 (C.1.2), which the contact closes with its reason or a
 * pattern moves on to phase 2.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createWorkerActivities } from '../../activities';
import { CaseClient } from '../../app/case-client';
import { TemporalCaseDispatcher } from '../../detection/case-dispatcher';
import type { TemporalAccess } from '../../detection/detect-and-deliver';
import { buildSchoolCalendar } from '../../detection/school-calendar';
import { EXIT, runCli } from '../../cli/intake';
import { toCsv } from '../../intake/generate';
import type { Registration } from '../../intake/registration-schema';
import { buildWorker } from '../../worker/build-worker';
import { dailyDetectionWorkflow } from '../../workflows';
import { type CaseView, caseViewQuery, sendEventUpdate } from '../../workflows/case-messages';
import { type CaseTestEnv, caseEvent, closeCaseAsMoved, createCaseTestEnv } from '../helpers/case-env';
import { caseWorkflowId, testCaseIds } from '../helpers/case-ids';

const SCHOOL = 'e2eskole';
let t: CaseTestEnv;
/** The case client detection opens and signals cases through (the tests' id key, so caseWorkflowId finds them). */
let cases: CaseClient;
let dir: string;
let schoolsConfig: string;
/** School days before the server's today, oldest first: days[6] is the last school day before today. */
let days: string[];

beforeAll(async () => {
  t = await createCaseTestEnv();
  cases = new CaseClient(t.env.client, t.taskQueue, testCaseIds);
  dir = await mkdtemp(path.join(tmpdir(), 'detection-e2e-'));
  const year = new Date(await t.now()).getUTCFullYear();
  const calendarConfig = { municipality: 'Testkommune', firstYear: year - 1, lastYear: year + 1 };
  const calendar = buildSchoolCalendar(calendarConfig);
  const today = (await t.now()).slice(0, 10);
  days = [7, 6, 5, 4, 3, 2, 1].map((n) => calendar.nthSchoolDayBefore(today, n) as string);
  schoolsConfig = path.join(dir, 'skoler.json');
  await writeFile(
    schoolsConfig,
    JSON.stringify({
      formatVersion: 1,
      municipalities: { test: { name: 'Testkommune', procedureId: 'tiltaksplan-elevfravaer', calendar: calendarConfig } },
      schools: [{ schoolId: SCHOOL, name: 'Testskolen', municipality: 'test' }],
    }),
    'utf8',
  );
});
afterAll(async () => {
  await t?.teardown();
  await rm(dir, { recursive: true, force: true });
});

/** A whole day of absence the guardians gave notice of (illness); `notified: false` leaves the notice missing. */
const absent = (pupilId: string, date: string, notified = true): Registration => ({
  pupilId,
  schoolId: SCHOOL,
  grade: 9,
  date,
  wholeDay: true,
  valid: notified,
  notifiedByGuardians: notified,
  lateArrival: false,
  leftDuringDay: false,
  reasonCode: notified ? 'SYK' : 'UKJENT',
});

/** The test's database: an SQLite file in its folder. */
const databaseUrl = () => `sqlite:${path.join(dir, 'skole.sqlite')}`;

const temporal = (): TemporalAccess => ({
  connect: async () => ({ cases, address: 'time-skipping', close: async () => {} }),
});

async function importFile(name: string, registrations: Registration[], today: string, extra: string[] = []) {
  const file = path.join(dir, name);
  await writeFile(file, toCsv(registrations), 'utf8');
  const out: string[] = [];
  const err: string[] = [];
  const argv = ['import', file, '--database', databaseUrl(), '--schools-config', schoolsConfig, '--today', today, ...extra];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, temporal());
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const viewOf = (pupilId: string): Promise<CaseView> =>
  t.env.client.workflow.getHandle(caseWorkflowId(SCHOOL, pupilId)).query(caseViewQuery);

/** Signals are applied by the next workflow task; poll the view until it shows the change. */
async function eventually(pupilId: string, done: (v: CaseView) => boolean): Promise<CaseView> {
  for (let i = 0; i < 100; i++) {
    const v = await viewOf(pupilId);
    if (done(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  return viewOf(pupilId);
}

const closeCase = (pupilId: string) => closeCaseAsMoved(t, caseWorkflowId(SCHOOL, pupilId));

test('[C.2][C.3][C.1.2] an import opens the case with its evidence, a second import escalates it, a repeat changes nothing, the daily run catches the rest, a backlog arrives whole, a day without notice opens phase 1 (closed by the contact, or moved on by a pattern)', async () => {
  const [d1, d2, d3, , d5, d6, d7] = days as [string, string, string, string, string, string, string];
  const worker = await buildWorker({
    connection: t.env.nativeConnection,
    namespace: t.env.namespace ?? 'default',
    taskQueue: t.taskQueue,
    activities: createWorkerActivities({
      outbox: t.outbox,
      detection: {
        cases,
        databaseUrl: databaseUrl(),
        schoolsConfig,
      },
    }),
  });
  await worker.runUntil(async () => {
    // 1. Three consecutive school days of absence: the case opens under the school's procedure.
    const first = await importFile('uke1.csv', [absent('elev-1', d1), absent('elev-1', d2), absent('elev-1', d3)], d3);
    expect(first.code).toBe(EXIT.ok);
    expect(first.out).toContain('1 nye saker');
    let v = await viewOf('elev-1');
    expect(v.procedure.id).toBe('tiltaksplan-elevfravaer');
    expect(v.state.label).toBe('Kontakt med hjemmet');
    expect(v.triggers).toMatchObject([{ rule: 'consecutive-days', dates: [d1, d2, d3], days: 3 }]);
    expect(v.triggers).toHaveLength(1);
    expect(v.openedAt.slice(0, 10)).toBe(d3);

    // The school talks to the home and plans the next days.
    await t.env.client.workflow.getHandle(v.workflowId).executeUpdate(sendEventUpdate, {
      args: [caseEvent('guardians.contacted', { channel: 'phone', cause: 'home-related', documentRef: 'samtale-1' }, await t.now())],
    });
    expect((await viewOf('elev-1')).state.label).toBe('Plan for de neste dagene');

    // 2. Three more days after the first trigger: a new trigger moves the case to phase 3.
    const second = await importFile('uke2.csv', [absent('elev-1', d5), absent('elev-1', d6), absent('elev-1', d7)], d7);
    expect(second.code).toBe(EXIT.ok);
    expect(second.out).toContain('1 nye utløsere til åpne saker');
    v = await eventually('elev-1', (view) => view.triggers.length === 2);
    expect(v.triggers[1]).toMatchObject({ rule: 'consecutive-days', dates: [d5, d6, d7], days: 3 });
    expect(v.state.label).toBe('Nytt fravær – kontakt med hjemmet');
    expect(v.timeline.filter((e) => e.kind === 'refused')).toEqual([]);
    // Reminders may fire meanwhile, and messages are delivered after the step that issued them.
    const events = (view: CaseView) => view.timeline.filter((e) => e.kind !== 'deadline' && e.kind !== 'effect');
    const eventsBefore = events(v).length;

    // 3. The same file again: registrations unchanged, nothing delivered, the case as it was.
    const again = await importFile('uke2.csv', [absent('elev-1', d5), absent('elev-1', d6), absent('elev-1', d7)], d7);
    expect(again.out).toContain('uendret: 3');
    expect(again.out).toContain('0 nye saker, 0 nye utløsere til åpne saker');
    expect(events(await viewOf('elev-1'))).toHaveLength(eventsBefore);

    // 4. Imported without detection; the daily workflow finds the pupil and opens the case.
    const quiet = await importFile('stille.csv', [absent('elev-2', d5), absent('elev-2', d6), absent('elev-2', d7)], d7, ['--no-detect']);
    expect(quiet.code).toBe(EXIT.ok);
    const summary = await t.env.client.workflow.execute(dailyDetectionWorkflow, {
      taskQueue: t.taskQueue,
      workflowId: `fravaersdeteksjon-test-${d7}`,
      args: [{ today: d7 }],
    });
    expect(summary).toMatchObject({ today: d7, opened: 1, signalled: 0 });
    expect((await viewOf('elev-2')).triggers).toMatchObject([{ rule: 'consecutive-days', dates: [d5, d6, d7], days: 3 }]);

    // 5. A backlog: both episodes imported at once. One run opens the case and delivers the
    // second trigger to it in order; the repeated import delivers nothing.
    const backlogRows = [d1, d2, d3, d5, d6, d7].map((d) => absent('elev-3', d));
    const backlog = await importFile('etterslep.csv', backlogRows, d7);
    expect(backlog.code).toBe(EXIT.ok);
    expect(backlog.out).toContain('1 nye saker, 1 nye utløsere til åpne saker');
    const v3 = await eventually('elev-3', (view) => view.triggers.length === 2);
    expect(v3.triggers).toMatchObject([{ dates: [d1, d2, d3] }, { dates: [d5, d6, d7] }]);
    expect(v3.timeline.filter((e) => e.kind === 'refused')).toEqual([]);
    const backlogEvents = events(v3).length;
    const repeated = await importFile('etterslep.csv', backlogRows, d7);
    expect(repeated.out).toContain('0 nye saker, 0 nye utløsere til åpne saker, 0 slått sammen, 0 trender sendt');
    expect(events(await viewOf('elev-3'))).toHaveLength(backlogEvents);

    await closeCase('elev-1');
    await closeCase('elev-2');
    await closeCase('elev-3');

    // 6. One school day without notice: the case opens in phase 1 (C.1.2); the contact teacher
    // contacts the home, and the case closes with the guardians' explanation as its reason.
    const unnotified = await importFile('uten-melding.csv', [absent('elev-4', d7, false)], d7);
    expect(unnotified.code).toBe(EXIT.ok);
    expect(unnotified.out).toContain('1 nye saker');
    let v4 = await viewOf('elev-4');
    expect(v4.state.label).toBe('Fravær uten melding – kontakt med hjemmet');
    expect(v4.triggers).toMatchObject([{ rule: 'unnotified-absence', dates: [d7], effect: 'opened' }]);
    const handle4 = t.env.client.workflow.getHandle(v4.workflowId);
    await handle4.executeUpdate(sendEventUpdate, {
      args: [
        caseEvent(
          'guardians.contacted',
          { channel: 'phone', cause: 'illness', causeNote: 'Syk, kommer i morgen.', documentRef: 'samtale-4' },
          await t.now(),
        ),
      ],
    });
    expect((await viewOf('elev-4')).state.label).toBe('Svar fra hjemmet – saken avsluttes');
    await handle4.executeUpdate(sendEventUpdate, {
      args: [
        caseEvent(
          'case.closed',
          { reason: 'natural-explanation', note: 'Foresatte forklarte fraværet: sykdom.', documentRef: 'samtale-4' },
          await t.now(),
        ),
      ],
    });
    v4 = await viewOf('elev-4');
    expect(v4.status).toBe('closed');
    expect(v4.closing).toMatchObject({ reason: 'natural-explanation', note: 'Foresatte forklarte fraværet: sykdom.' });

    // 7. A day without notice opens phase 1; the next import shows three consecutive days with
    // it: the first pattern moves the same case on to phase 2 (C.2).
    await importFile('uten-melding-2.csv', [absent('elev-5', d5, false)], d5);
    expect((await viewOf('elev-5')).state.label).toBe('Fravær uten melding – kontakt med hjemmet');
    const pattern = await importFile('monster.csv', [absent('elev-5', d5, false), absent('elev-5', d6), absent('elev-5', d7)], d7);
    expect(pattern.out).toContain('0 nye saker, 1 nye utløsere til åpne saker');
    const v5 = await eventually('elev-5', (view) => view.triggers.length === 2);
    expect(v5.triggers).toMatchObject([
      { rule: 'unnotified-absence', dates: [d5] },
      { rule: 'consecutive-days', dates: [d5, d6, d7], days: 3, effect: 'moved' },
    ]);
    expect(v5.state.label).toBe('Kontakt med hjemmet');
    await closeCase('elev-5');
    // A trend for a closed case (or a pupil without one) is refused by the server, not delivered.
    const dispatcher = new TemporalCaseDispatcher(cases);
    const trendEvent = caseEvent('absence.trend', { trend: 'worse', from: d1, to: d7, absenceDays: 6 }, await t.now(), 'system');
    expect(await dispatcher.deliverTrend(SCHOOL, 'elev-1', trendEvent)).toBe('no-open-case');
    expect(await dispatcher.deliverTrend(SCHOOL, 'elev-ukjent', trendEvent)).toBe('no-open-case');
  });
});
