/**
 * The system on a real Temporal deployment (issue 18): the pinned Temporal server built into
 * .tools/ (a few minutes the first time, cached after), PostgreSQL, frontend, matching, the
 * system worker and two history hosts as separate processes, a fresh namespace with the case
 * search attributes, two real case worker processes, e-mail over a real SMTP server.
 *
 * 1 000 pupils of one school get three days of absence; detection opens their cases on the
 * cluster, as of a day back, so each case's one-day contact reminder falls due two minutes into
 * the test. A fifth of the cases, opened first, take the contact teacher's and the principal's
 * steps as Updates, the last one agreeing a one-day plan that ends about then too. While those
 * Updates arrive and the timers wait, one case worker and one history host are killed (SIGKILL).
 * Then every case is accounted for: exactly one case per pupil, every step applied once, its
 * deadline fired once, every e-mail sent once (two or three a case, as its timeline records them;
 * the one resend SMTP leaves possible, a mail accepted just as its worker died, comes as the same
 * e-mail with the same Message-ID, and only for the killed worker's mails in flight).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { type CaseClient, caseListQuery, pupilOfListed } from '../../app/case-client';
import { openMigratedDatabase } from '../../app/database/database';
import { osloDate } from '../../app/oslo-time';
import { TemporalCaseDispatcher } from '../../detection/case-dispatcher';
import { runDetection } from '../../detection/run-detection';
import { buildSchoolCalendar } from '../../detection/school-calendar';
import { buildSchoolDirectory } from '../../detection/school-directory';
import { InMemoryTriggerLedger } from '../../detection/trigger-ledger';
import type { Registration } from '../../intake/registration-schema';
import { InMemoryRegistrationStore } from '../../intake/registration-store';
import { DeliveryStore } from '../../messages/delivery-store';
import { type LocalCluster, startLocalCluster } from '../../scripts/lib/temporal-cluster/local-cluster';
import { caseSearchAttributes } from '../../workflows/search-attributes';
import type { CaseView } from '../../workflows/case-messages';
import { DAY_MS, SCHOOL, connectCases, faultEnv, header, importPeople, waitFor } from '../faults/fault-case';
import { caseEvent } from '../helpers/case-env';
import { type WorkerProcess, startWorkerProcess } from '../helpers/worker-process';
import { type LoopbackSmtp, startLoopbackSmtp } from '../messages/smtp-server';

const PUPILS = 1_000;
/** When the cases' first deadlines fall due, after the test starts: after detection and the Updates. */
const FIRST_DEADLINE_AFTER_MS = 120_000;
/** Cases taking their steps at once. */
const CONCURRENCY = 24;
const NAMESPACE = 'skolefravaer-klyngetest';
/**
 * At most this many e-mails may reach the SMTP server twice (same Message-ID): those the server
 * accepted in the moment the killed worker died, before their delivery was recorded (a window of
 * a few milliseconds per mail in flight); more than that would be a real double send.
 */
const MAX_RESENDS = 10;

const dir = mkdtempSync(join(tmpdir(), 'cluster-test-'));
const pupilIds = Array.from({ length: PUPILS }, (_, i) => `E${String(7_000_001 + i)}`);
let cluster: LocalCluster;
let smtp: LoopbackSmtp;
let cases: CaseClient;
let databaseUrl: string;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  // The first run on a machine builds the server (about 5 minutes on 2 cores); later runs reuse it.
  cluster = await startLocalCluster({
    dir: join(dir, 'cluster'),
    keepData: false,
    namespace: NAMESPACE,
    searchAttributes: caseSearchAttributes,
    historyHosts: 2,
    shards: 4,
  });
  databaseUrl = await cluster.ensureDatabase('skolefravaer');
  await importPeople(databaseUrl, pupilIds);
  smtp = await startLoopbackSmtp();
  const env = {
    ...faultEnv(dir, { address: cluster.temporal.address, taskQueue: `klynge-${randomUUID()}`, databaseUrl, smtpPort: smtp.port }),
    TEMPORAL_NAMESPACE: NAMESPACE,
  };
  workers.push(...(await Promise.all([startWorkerProcess(env), startWorkerProcess(env)])));
  cases = await connectCases(env);
}, 15 * 60_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await cases?.close();
  await smtp?.stop();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

/** Runs `work` for 0…n-1 with at most `concurrency` at once. */
async function inParallel(n: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      for (let i = next++; i < n; i = next++) await work(i);
    }),
  );
}

test(
  '1 000 cases through detection on the cluster survive a killed worker and a killed history host: none lost or doubled, every deadline once, every e-mail once',
  async () => {
    // The real server has no `default` namespace: the set-up made this one, with the attributes.
    const described = await cases.client.connection.workflowService.describeNamespace({ namespace: NAMESPACE });
    expect(described.namespaceInfo?.name).toBe(NAMESPACE);
    const attributes = await cases.client.connection.operatorService.listSearchAttributes({ namespace: NAMESPACE });
    expect(Object.keys(attributes.customAttributes ?? {}).sort()).toEqual(caseSearchAttributes.map((k) => k.name).sort());

    // Three school days of notified absence ending on the first school day from today. Detection
    // runs as if a day minus FIRST_DEADLINE_AFTER_MS ago, so each case's one-day contact reminder
    // falls due FIRST_DEADLINE_AFTER_MS after the test starts.
    const started = Date.now();
    const phases: string[] = [];
    const mark = (what: string) => phases.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const today = osloDate(new Date(started));
    const year = Number(today.slice(0, 4));
    const calendarConfig = { municipality: 'Klyngekommune', firstYear: year - 1, lastYear: year + 1 };
    const calendar = buildSchoolCalendar(calendarConfig);
    const lastDay = firstSchoolDayFrom(calendar, today);
    const days = [lastDay, calendar.nthSchoolDayBefore(lastDay, 1)!, calendar.nthSchoolDayBefore(lastDay, 2)!];
    const directory = buildSchoolDirectory({
      formatVersion: 1,
      municipalities: {
        klynge: {
          name: 'Klyngekommune',
          procedureId: 'tiltaksplan-elevfravaer',
          calendar: calendarConfig,
          // The shortest periods a policy allows: a one-day contact reminder and a one-day plan.
          policyOverrides: { contactReminderDays: 1, threeDayPlanDays: 1, recordReminderDays: 30 },
        },
      },
      schools: [{ schoolId: SCHOOL, name: 'Klyngeskolen', municipality: 'klynge' }],
    });
    const registrations = pupilIds.flatMap((pupilId) =>
      days.map((date): Registration => ({
        pupilId,
        schoolId: SCHOOL,
        grade: 6,
        date,
        wholeDay: true,
        valid: true,
        notifiedByGuardians: true,
        lateArrival: false,
        leftDuringDay: false,
        reasonCode: 'SYK',
      })),
    );
    // Every fifth pupil's case takes the contact teacher's and the principal's steps as Updates:
    // the home contacted (no more contact reminders), the pupil heard, a one-day plan agreed a day
    // back, so it ends with the others' reminders. Detection opens those cases first and the homes
    // are contacted at once, before the other cases' opening keeps the workers busy; then detection
    // runs again with the same ledger and opens the rest (the first run's cases are not touched).
    const ids = pupilIds.map((p) => cases.workflowIdFor(SCHOOL, p));
    const steppedPupils = new Set(pupilIds.filter((_, i) => i % 5 === 0));
    const stepped = ids.filter((_, i) => steppedPupils.has(pupilIds[i]!));
    const openedAt = new Date(started + FIRST_DEADLINE_AFTER_MS - DAY_MS);
    const ledger = new InMemoryTriggerLedger();
    const store = new InMemoryRegistrationStore();
    const detect = () =>
      runDetection({
        store,
        directory,
        ledger,
        dispatcher: new TemporalCaseDispatcher(cases),
        today: lastDay,
        now: openedAt,
        schoolIds: [SCHOOL],
      });
    await store.upsert(registrations.filter((r) => steppedPupils.has(r.pupilId)));
    expect((await detect()).opened).toBe(stepped.length);
    mark('detection (the stepped fifth)');

    const evaluationDate = new Date(started + 5 * DAY_MS).toISOString().slice(0, 10);
    const updateErrors: string[] = [];
    let done = 0;
    let killed: Promise<void> | undefined;
    const agreedAt = (i: number) => openedAt.getTime() + 10_000 + (i % 30) * 1_000;
    const at = (i: number, msBefore: number) => new Date(agreedAt(i) - msBefore).toISOString();
    const send = async (i: number, event: Parameters<CaseClient['send']>[1]) => {
      try {
        const receipt = await cases.send(stepped[i]!, event);
        if (!receipt.applied) updateErrors.push(`${stepped[i]}: ${event.type} ble ikke tatt imot`);
      } catch (err) {
        updateErrors.push(`${stepped[i]}: ${event.type}: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    await inParallel(stepped.length, CONCURRENCY, (i) =>
      send(i, caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: `logg-${i}` }, at(i, 2_000))),
    );
    mark('contacts');

    await store.upsert(registrations);
    expect((await detect()).opened).toBe(PUPILS - stepped.length);
    mark('detection (the rest)');

    // Then the pupil's voice and the plan; a plan that arrives after its end fires at once, still once.
    await inParallel(stepped.length, CONCURRENCY, async (i) => {
      await send(i, caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef: `stemme-${i}` }, at(i, 1_000)));
      const plan = { measures: ['Fast oppmøte hver morgen'], evaluationDate, planRef: `plan-${i}` };
      await send(i, caseEvent('measures.agreed', plan, at(i, 0), 'principal'));
      done += 1;
      if (done === Math.floor(stepped.length * 0.3)) {
        killed = (async () => {
          await workers[0]!.kill('SIGKILL');
          await cluster.temporal.process('history-2').kill();
        })();
      }
    });
    await killed;
    mark('updates');
    expect(updateErrors).toEqual([]);

    // Wait until no case has a deadline left that fell due while the test ran.
    const dueBy = new Date(started + 60 * 60_000).toISOString();
    const pending = () => cases.client.workflow.count(`${caseListQuery({ schoolId: SCHOOL }, new Date())} AND NextDeadline < '${dueBy}'`);
    await waitFor('every deadline due', async () => ((await pending()).count === 0 ? true : undefined), FIRST_DEADLINE_AFTER_MS + 240_000);
    mark('deadlines');

    // Exactly one case per pupil, none elsewhere.
    const listed: Array<{ workflowId: string; pupilId: string | undefined }> = [];
    for await (const wf of cases.list({ schoolId: SCHOOL })) listed.push({ workflowId: wf.workflowId, pupilId: pupilOfListed(wf) });
    expect(listed).toHaveLength(PUPILS);
    expect(new Set(listed.map((c) => c.workflowId))).toEqual(new Set(ids));
    expect(new Set(listed.map((c) => c.pupilId))).toEqual(new Set(pupilIds));

    // Every case: its deadline fired once (the plan's end where the steps were taken, else the
    // contact reminder), each step applied once, and as many e-mails sent as its timeline records.
    const views: CaseView[] = [];
    await inParallel(PUPILS, 16, async (i) => {
      views[i] = await cases.view(ids[i]!);
    });
    mark('views');
    const steppedIds = new Set(stepped);
    const faults = views.flatMap((view, i) => {
      const fired = view.timeline.flatMap((e) => (e.kind === 'deadline' ? [e.name] : []));
      const expected = steppedIds.has(ids[i]!) ? ['threeDayPlanPeriod'] : ['contactReminder'];
      const events = view.timeline.flatMap((e) => (e.kind === 'event' ? [JSON.stringify(e)] : []));
      const problems = [
        ...(JSON.stringify(fired) === JSON.stringify(expected) ? [] : [`fristene som løp ut: ${fired.join(', ') || 'ingen'}`]),
        ...(new Set(events).size === events.length ? [] : ['et steg står to ganger']),
      ];
      return problems.map((p) => `${ids[i]}: ${p}`);
    });
    expect(faults).toEqual([]);

    // Every e-mail once: «Ny fraværssak» to the contact teacher when the case opened, the reminder
    // to the contact teacher when its deadline fired, and where the steps were taken, the absence
    // routine to the guardian; each as its case's timeline records it. An e-mail is its Message-ID
    // (from the delivery's idempotency key, messages/smtp-sender.ts): what mail clients show once.
    // The one resend SMTP leaves possible is a mail the server accepted just as its worker was
    // killed, before the delivery was recorded: the next worker sends it again, the same e-mail
    // with the same Message-ID. Only the killed worker's mails in flight can be such a resend.
    const expectedMails = new Map(ids.map((id, i) => [views[i]!.caseId, steppedIds.has(id) ? 3 : 2]));
    const expectedTotal = [...expectedMails.values()].reduce((a, b) => a + b, 0);
    const byMessageId = () => {
      const mails = new Map<string, string[]>();
      for (const mail of smtp.received) {
        const id = header(mail, 'Message-ID') ?? '';
        mails.set(id, [...(mails.get(id) ?? []), mail]);
      }
      return mails;
    };
    await waitFor('every e-mail', () => (byMessageId().size >= expectedTotal ? true : undefined), 120_000);
    await new Promise((r) => setTimeout(r, 3_000)); // a second copy would come right after the first
    mark('mails');
    const emails = byMessageId();
    expect(emails.size).toBe(expectedTotal);
    // A resend is the same e-mail: same recipient, subject, case and text (only its Date differs).
    const sameEmail = (mail: string) =>
      ['To', 'Subject', 'X-Skolefravaer-Sak'].map((h) => header(mail, h)).join('\n') +
      mail
        .split(/\r?\n\r?\n/)
        .slice(1)
        .join('\n\n');
    const resent = [...emails.values()].filter((copies) => copies.length > 1);
    expect(resent.filter((copies) => new Set(copies.map(sameEmail)).size !== 1)).toEqual([]);
    expect(resent.length).toBeLessThanOrEqual(MAX_RESENDS);
    phases.push(`${smtp.received.length - emails.size} e-poster sendt på nytt med samme Message-ID`);
    const perCase = new Map<string, number>();
    for (const [first] of emails.values()) {
      const caseId = header(first!, 'X-Skolefravaer-Sak') ?? '';
      perCase.set(caseId, (perCase.get(caseId) ?? 0) + 1);
    }
    expect(perCase).toEqual(expectedMails);
    // Each as its timeline records it; a view read before its last delivery was recorded is read again.
    const emailsOn = (view: CaseView) =>
      view.timeline.reduce((n, e) => n + (e.kind === 'effect' ? (e.deliveries ?? []).filter((d) => d.channel === 'email').length : 0), 0);
    const unrecorded: string[] = [];
    for (const [i, view] of views.entries()) {
      if (emailsOn(view) === expectedMails.get(view.caseId)) continue;
      if (emailsOn(await cases.view(ids[i]!)) !== expectedMails.get(view.caseId)) unrecorded.push(ids[i]!);
    }
    expect(unrecorded).toEqual([]);
    const database = await openMigratedDatabase(databaseUrl);
    try {
      const records = await new DeliveryStore(database).forCase(views[0]!.caseId);
      expect(records.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']); // case 0 took the steps
    } finally {
      await database.close();
    }
    console.log(`Klyngetesten: ${phases.join(', ')}`);
  },
  15 * 60_000,
);

/** `date` when it is a school day, else the next school day after it. */
function firstSchoolDayFrom(calendar: ReturnType<typeof buildSchoolCalendar>, date: string): string {
  let day = date;
  while (!calendar.isSchoolDay(day)) day = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
  return day;
}
