/**
 * What the fault tests on the real dev server share: a school database with pupils, their
 * guardian and contact teacher (so every message goes to a person), the environment of the real
 * worker process (test/helpers/worker-process.ts) with its e-mail over a loopback SMTP server, a
 * case client made from the same settings (so it reads the worker's payloads and case ids), a
 * procedure C case input with deadlines that can be made due within seconds, and reading mails.
 */
import { join } from 'node:path';
import { CaseClient } from '../../app/case-client';
import { openMigratedDatabase } from '../../app/database/database';
import { parseSettings } from '../../app/settings';
import { parsePeopleCsv } from '../../people/parse-people';
import { SqlPeopleDirectory } from '../../people/people-store';
import type { CaseWorkflowInput } from '../../workflows/case-messages';

export const SCHOOL = 'S001';
/** A day in milliseconds: the shortest period a procedure's policy can set. */
export const DAY_MS = 86_400_000;

/** The contact teacher A1 and, per pupil, one guardian `F-<pupil>`, all with e-mail addresses. */
export async function importPeople(databaseUrl: string, pupilIds: readonly string[]): Promise<void> {
  const database = await openMigratedDatabase(databaseUrl);
  try {
    const people = parsePeopleCsv(
      [
        'type;skole;elev-id;foresatt-id;ansatt-id;navn;trinn;kontaktlærer;e-post;foreldreansvar;roller',
        `ansatt;${SCHOOL};;;A1;Kari Kontakt;;;kari@skole.no;;kontaktlærer`,
        ...pupilIds.flatMap((p) => [
          `elev;${SCHOOL};${p};;;Ola Nordmann;6;A1;;;`,
          `foresatt;${SCHOOL};${p};F-${p};;Mor Nordmann;;;mor-${p.toLowerCase()}@example.no;ja;`,
        ]),
      ].join('\n'),
    );
    if (people.errors.length > 0) throw new Error(`people: ${JSON.stringify(people.errors)}`);
    await new SqlPeopleDirectory(database).importBatch(people.batch);
  } finally {
    await database.close();
  }
}

/** The worker's and the test client's settings: one data folder (key file), one database, SMTP on `smtpPort`. */
export function faultEnv(
  dir: string,
  args: { address: string; taskQueue: string; databaseUrl: string; smtpPort?: number },
): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: args.address,
    TEMPORAL_TASK_QUEUE: args.taskQueue,
    DATA_DIR: join(dir, 'data'),
    OUTBOX_DIR: join(dir, 'outbox'),
    DATABASE_URL: args.databaseUrl,
    ...(args.smtpPort !== undefined
      ? { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(args.smtpPort), SMTP_SECURE: 'off', SMTP_FROM: 'Skolen <skolen@skole.no>' }
      : {}),
  };
}

/** A case client with the worker's own settings. */
export function connectCases(env: Record<string, string>): Promise<CaseClient> {
  return CaseClient.connect(parseSettings(env).temporal);
}

/**
 * A procedure C case opened at `openedAt` (the past is allowed). The reminders that would come while the test runs
 * are put off (30 days) and the plan lasts one day, so a plan agreed a day minus a few seconds
 * back ends within seconds: the only deadline the test waits for.
 */
export function caseInput(pupilId: string, openedAt: Date): CaseWorkflowInput {
  return {
    procedureId: 'tiltaksplan-elevfravaer',
    policyOverrides: { threeDayPlanDays: 1, contactReminderDays: 30, recordReminderDays: 30 },
    facts: {
      caseId: `sak-${pupilId}`,
      pupilId,
      schoolId: SCHOOL,
      grade: 6,
      openedAt: openedAt.toISOString(),
      trigger: { rule: 'single-days-in-month', dates: ['2026-09-01', '2026-09-08', '2026-09-15', '2026-09-22'] },
    },
  };
}

/** A mail's header (the first, unfolded), as the SMTP server received it. */
export function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim();
}

/** The mails of one case (its X-Skolefravaer-Sak header). */
export const mailsOf = (mails: readonly string[], caseId: string): string[] =>
  mails.filter((m) => header(m, 'X-Skolefravaer-Sak') === caseId);

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
