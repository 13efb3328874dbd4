/**
 * A seeded scenario for the audit of real cases: cases of all four procedures opened through the
 * case client with detection-like opening facts, taken along their routes by the roles that may
 * take each step, with time moved on a time-skipping server, on time except for a few made
 * deliberately late and one changed by hand outside the procedure. It answers the findings the
 * audit must report, exactly: the scenario test (test/case-audit/seeded-scenario.test.ts) asserts
 * them, and the benchmark and the web page's test can run the same scenario.
 *
 * The clock is aligned first (to 02:00 UTC of the next day), so every "days late" is a whole
 * number that does not depend on when the scenario runs.
 */
import { randomUUID } from 'node:crypto';
import type { CaseClient } from '../app/case-client';
import { type CaseEvent, type EventType, parseCaseEvent } from '../machines/events';
import { getProcedure } from '../machines/registry';
import type { Role } from '../machines/vocabulary';
import { CURRENT_HOST_RULES, CaseHost } from '../workflows/case-host';
import type { CaseWorkflowInput } from '../workflows/case-messages';
import type { CaseRuleId } from './rules';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** What the scenario needs of its server: the case client on it, its clock and a way to move it. */
export interface ScenarioEnvironment {
  cases: CaseClient;
  /** Server time (ms). */
  now(): Promise<number>;
  /** Moves server time on by `ms` (time-skipping). */
  sleep(ms: number): Promise<void>;
}

/** A finding the audit must report for the scenario. */
export interface SeededFinding {
  rule: CaseRuleId;
  workflowId: string;
  /** Whole days late, where the rule has a deadline. */
  daysLate?: number;
}

export interface SeededCase {
  workflowId: string;
  procedureId: string;
  /** What the scenario did with it, for messages. */
  story: string;
}

export interface SeededScenario {
  schoolId: string;
  cases: SeededCase[];
  expected: SeededFinding[];
  /** When the scenario's first case was opened (ms): the audit's period starts that day. */
  openedAtMs: number;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const iso = (ms: number) => new Date(ms).toISOString();

/** A valid event of `type` by `role`, at `atMs`. */
function event(type: EventType, payload: Record<string, unknown>, atMs: number, role: Role = 'contact-teacher'): CaseEvent {
  return parseCaseEvent({
    type,
    eventId: `scenario-${randomUUID()}`,
    actor: { role, userId: `${role}-scenario` },
    at: iso(atMs),
    ...payload,
  });
}

/** Runs the scenario on `env`; answers the cases and the findings the audit must report. */
export async function runSeededScenario(
  env: ScenarioEnvironment,
  options: { schoolId?: string; pupilPrefix?: string } = {},
): Promise<SeededScenario> {
  const schoolId = options.schoolId ?? 'skole1';
  const prefix = options.pupilPrefix ?? `elev${randomUUID().slice(0, 8)}`;
  const { cases } = env;

  // 02:00 UTC of the next day: the base every time below is counted from.
  const start = await env.now();
  const midnight = Date.parse(`${dayOf(start)}T00:00:00Z`) + DAY;
  const base = midnight + 2 * HOUR;
  await env.sleep(base - start);
  const day = (n: number) => dayOf(midnight + n * DAY);
  const sleepUntil = async (ms: number) => {
    const now = await env.now();
    if (ms > now) await env.sleep(ms - now);
  };

  const seeded: SeededCase[] = [];
  const expected: SeededFinding[] = [];
  const open = async (
    story: string,
    procedureId: string,
    pupil: string,
    trigger: Record<string, unknown>,
    grade = 9,
    extra: Partial<CaseWorkflowInput> = {},
  ) => {
    const pupilId = `${prefix}-${pupil}`;
    const input = {
      procedureId,
      facts: { caseId: `sak-${pupilId}`, pupilId, schoolId, grade, openedAt: iso(await env.now()), trigger },
      openingEventId: `detection-${randomUUID()}`,
      ...extra,
    } as CaseWorkflowInput;
    const workflowId = await cases.open(input);
    seeded.push({ workflowId, procedureId, story });
    return workflowId;
  };
  const send = (workflowId: string, e: CaseEvent) => cases.send(workflowId, e);
  const closeMoved = async (workflowId: string) =>
    send(
      workflowId,
      event('case.closed', { reason: 'pupil-moved', note: 'Eleven har flyttet.', documentRef: 'avslutning' }, await env.now(), 'principal'),
    );

  // ---- Opened at 02:00 on day 0 -----------------------------------------------------------
  const consecutive: CaseWorkflowInput['facts']['trigger'] = { rule: 'consecutive-days', dates: [day(-3), day(-2), day(-1)] };
  const tiltaksplanOnTime = await open('Tiltaksplan: kontakt, elevens stemme og plan i tide', 'tiltaksplan-elevfravaer', 'a', consecutive);
  const tiltaksplanLate = await open('Tiltaksplan: foresatte kontaktet for sent', 'tiltaksplan-elevfravaer', 'b', consecutive);
  const raelingen = await open(
    'Rælingen: samarbeidsavtale, evalueringsmøtet holdt for sent',
    'raelingen-veileder',
    'c',
    {
      rule: 'days-or-lessons-over-limit',
      dates: [day(-14), day(-1)],
      days: 9,
      lessons: 4,
    },
    10,
  );
  const planForSkolenaervaer = await open('Plan for skolenærvær: kontakt og kartlegging i tide', 'plan-for-skolenaervaer', 'd', {
    rule: 'days-over-limit',
    dates: [day(-15), day(-1)],
    days: 11,
  });
  const hardanger = await open('Hardanger: bekymring drøftet og samtale holdt i tide', 'hardanger-handlingsplan', 'e', {
    rule: 'staff-concern',
    dates: [day(-1)],
  });

  // The case changed by hand: started with a state no run handed over (contacted, on time), built beside the workflow.
  const forgedPupil = `${prefix}-f`;
  const forgedFacts = {
    caseId: `sak-${forgedPupil}`,
    pupilId: forgedPupil,
    schoolId,
    grade: 9,
    openedAt: iso(await env.now()),
    trigger: consecutive,
  };
  const procedure = getProcedure('tiltaksplan-elevfravaer');
  const made = CaseHost.open({ procedure, rules: CURRENT_HOST_RULES }, { facts: forgedFacts }, await env.now());
  made.acceptUpdate(
    event('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'logg-f' }, await env.now()),
    await env.now(),
  );
  const forged = await open(
    'Tiltaksplan: startet med en tilstand ingen kjøring overleverte (endret for hånd)',
    'tiltaksplan-elevfravaer',
    'f',
    consecutive,
    9,
    {
      facts: forgedFacts,
      procedureVersion: procedure.version,
      carried: made.carried(),
    },
  );
  expected.push({ rule: 'conformance', workflowId: forged });

  // ---- 03:00 on day 0: the steps taken on time ----------------------------------------------
  await sleepUntil(base + HOUR);
  let now = await env.now();
  await send(tiltaksplanOnTime, event('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'logg-a' }, now));
  await send(tiltaksplanOnTime, event('pupilVoice.recorded', { via: 'pupil', documentRef: 'elevstemme-a' }, now));
  await send(
    tiltaksplanOnTime,
    event(
      'measures.agreed',
      { measures: ['Fast oppmøte med kontaktlærer hver morgen'], evaluationDate: day(3), planRef: 'plan-a' },
      now,
      'principal',
    ),
  );

  await send(raelingen, event('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'logg-c' }, now));
  await send(raelingen, event('mapping.completed', { form: 'absence-pattern', documentRef: 'kartlegging-c' }, now));
  await send(raelingen, event('escalation.decided', { reason: 'Fraværet øker', documentRef: 'beslutning-c' }, now, 'principal'));
  await send(
    raelingen,
    event(
      'meeting.held',
      {
        meeting: 'cooperation-meeting',
        participants: ['principal', 'contact-teacher', 'guardians', 'pupil', 'ungdomslos'],
        pupilPresent: true,
        minutesRef: 'referat-c',
      },
      now,
      'principal',
    ),
  );
  await send(raelingen, event('pupilVoice.recorded', { via: 'pupil', documentRef: 'elevstemme-c' }, now));
  await send(
    raelingen,
    event(
      'cooperationAgreement.signed',
      { evaluationDate: day(21), signedBy: ['principal', 'guardians', 'pupil', 'ungdomslos'], hasPlanB: true, documentRef: 'avtale-c' },
      now,
      'principal',
    ),
  );

  await send(planForSkolenaervaer, event('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'logg-d' }, now));

  await send(hardanger, event('staff.informed', { recipients: ['school-leadership', 'counsellor'] }, now));
  await send(
    hardanger,
    event(
      'meeting.scheduled',
      { meeting: 'guardian-conversation', scheduledFor: iso(now + 2 * HOUR), participants: ['contact-teacher', 'guardians', 'pupil'] },
      now,
    ),
  );

  // ---- 06:00 on day 0: the Hardanger conversation held as scheduled; finished cases close ---------
  await sleepUntil(base + 4 * HOUR);
  now = await env.now();
  await send(
    hardanger,
    event(
      'meeting.held',
      {
        meeting: 'guardian-conversation',
        participants: ['contact-teacher', 'guardians', 'pupil'],
        pupilPresent: true,
        minutesRef: 'referat-e',
      },
      now,
    ),
  );
  await closeMoved(tiltaksplanOnTime);
  await closeMoved(planForSkolenaervaer);
  await closeMoved(hardanger);
  await closeMoved(forged);

  // ---- 01:00 on day 3: the late first contact -------------------------------------------------
  // The contact reminder fell due at 02:00 on day 1 (a day after opening): met 47 hours late, «2 days».
  // The first contact was due by the end of day 0 (a day after the last absence day): 49 hours late, «3 days».
  const lateContactAt = midnight + 3 * DAY + HOUR;
  await sleepUntil(lateContactAt);
  await send(
    tiltaksplanLate,
    event('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'logg-b' }, lateContactAt),
  );
  await closeMoved(tiltaksplanLate);
  expected.push({ rule: 'deadline-missed', workflowId: tiltaksplanLate, daysLate: 2 });
  expected.push({ rule: 'first-contact-late', workflowId: tiltaksplanLate, daysLate: 3 });

  // ---- 01:00 on day 25: the late evaluation meeting ----------------------------------------
  // Agreed for day 21, so due at the end of it (00:00 on day 22): held 3 days and an hour late, «4 days».
  const lateEvaluationAt = midnight + 25 * DAY + HOUR;
  await sleepUntil(lateEvaluationAt);
  await send(raelingen, event('evaluation.held', { outcome: 'improved', minutesRef: 'evaluering-c' }, lateEvaluationAt, 'principal'));
  await closeMoved(raelingen);
  expected.push({ rule: 'deadline-missed', workflowId: raelingen, daysLate: 4 });

  return { schoolId, cases: seeded, expected, openedAtMs: base };
}
