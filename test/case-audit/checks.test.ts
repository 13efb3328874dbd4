/**
 * The rule checks of the audit of real cases, on cases built by hand: each rule finds what it
 * should (with its clause, dates and days late) and nothing on a case that kept the rule.
 */
import {
  type CheckedCase,
  childWelfareFindings,
  deadlineFindings,
  deliveryFindings,
  firstContactDueMs,
  firstContactFindings,
  pupilVoiceFindings,
  requiredDocumentFindings,
  requiredNoticeFindings,
} from '../../case-audit/checks';
import type { CaseStep, CheckedView } from '../../case-audit/case-steps';
import { getProcedure } from '../../machines/registry';
import type { TimelineEntry } from '../../workflows/case-messages';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = DAY / 24;
const T0 = Date.parse('2026-09-07T02:00:00Z'); // a Monday
const at = (ms: number) => new Date(ms).toISOString();

function view(overrides: Partial<CheckedView> = {}): CheckedView {
  return {
    caseId: 'sak-1',
    workflowId: 'fravaerssak-s1-abc',
    schoolId: 's1',
    pupilId: 'elev-1',
    openedAt: at(T0),
    status: 'closed',
    timeline: [],
    documents: [],
    triggers: [{ rule: 'consecutive-days', dates: ['2026-09-04', '2026-09-05', '2026-09-06'], at: at(T0), effect: 'opened' }],
    ...overrides,
  };
}

function checked(steps: CaseStep[], overrides: Partial<CheckedCase> = {}): CheckedCase {
  return {
    procedure: getProcedure('tiltaksplan-elevfravaer'),
    view: view(),
    steps,
    route: [{ path: 'open.firstTrigger.contactingHome', at: at(T0) }],
    policy: { contactReminderDays: 1 },
    nowMs: T0 + 30 * DAY,
    effectTimeline: true,
    ...overrides,
  };
}

const CONTACTING = 'open.firstTrigger.contactingHome';
const PLANNING = 'open.firstTrigger.planningThreeDays';

const deadline = (name: string, dueMs: number, path = CONTACTING): CaseStep => ({
  kind: 'deadline',
  name,
  dueAt: at(dueMs),
  firedAt: at(dueMs),
  pathBefore: path,
  pathAfter: path,
  closed: false,
});
const step = (
  type: string,
  atMs: number,
  from: string,
  to: string,
  role = 'contact-teacher',
  data: Record<string, unknown> = {},
): CaseStep => ({
  kind: 'event',
  type,
  actorRole: role,
  at: at(atMs),
  appliedAt: at(atMs),
  pathBefore: from,
  pathAfter: to,
  closed: false,
  data,
});

describe('deadline-missed', () => {
  test("a person's deadline met late: one finding for the episode, with its clauses and whole days late (a part of a day counts)", () => {
    const findings = deadlineFindings(
      checked([
        deadline('contactReminder', T0 + DAY),
        deadline('contactReminder', T0 + 2 * DAY), // the reminder again, while already overdue
        step('guardians.contacted', T0 + 2 * DAY + 3 * HOUR, CONTACTING, PLANNING),
      ]),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'deadline-missed',
        severity: 'high',
        dueAt: at(T0 + DAY),
        doneAt: at(T0 + 2 * DAY + 3 * HOUR),
        daysLate: 2,
        clauses: expect.arrayContaining(['C.1.2']),
        message: expect.stringContaining('påminnelse om kontakt med hjemmet'),
      }),
    ]);
  });

  test('a routine period ending is no deadline, and a detection fact does not meet a deadline', () => {
    expect(deadlineFindings(checked([deadline('threeDayPlanPeriod', T0 + DAY, PLANNING)]))).toEqual([]);
    const open = checked(
      [
        deadline('contactReminder', T0 + DAY),
        step('absence.newTrigger', T0 + 2 * DAY, CONTACTING, 'open.newTrigger.contactingHome', 'system'),
      ],
      { view: view({ status: 'open' }), nowMs: T0 + 5 * DAY + HOUR },
    );
    expect(deadlineFindings(open)).toEqual([
      expect.objectContaining({ doneAt: null, daysLate: 5, message: expect.stringContaining('ikke tatt') }),
    ]);
  });
});

describe('first-contact-late', () => {
  test('counted from the last day of the opening evidence plus the procedure limit; late by whole days', () => {
    // Last absence day 06.09, one day to contact: due by the end of 07.09.
    expect(
      at(
        firstContactDueMs(
          'tiltaksplan-elevfravaer',
          { rule: 'consecutive-days', dates: ['2026-09-06', '2026-09-04'] },
          { contactReminderDays: 1 },
        )!,
      ),
    ).toBe('2026-09-08T00:00:00.000Z');
    const late = firstContactFindings(checked([step('guardians.contacted', Date.parse('2026-09-09T10:00:00Z'), CONTACTING, PLANNING)]));
    expect(late).toEqual([
      expect.objectContaining({ rule: 'first-contact-late', daysLate: 2, clauses: ['C.1.2'], doneAt: '2026-09-09T10:00:00.000Z' }),
    ]);
    expect(firstContactFindings(checked([step('guardians.contacted', Date.parse('2026-09-07T10:00:00Z'), CONTACTING, PLANNING)]))).toEqual(
      [],
    );
  });

  test('a meeting held with the guardians is a contact; one without them is not', () => {
    const meeting = (participants: string[]) =>
      step('meeting.held', Date.parse('2026-09-10T10:00:00Z'), CONTACTING, PLANNING, 'principal', {
        meeting: 'leadership-meeting',
        participants,
      });
    expect(firstContactFindings(checked([meeting(['principal', 'guardians'])]))).toHaveLength(1);
    expect(firstContactFindings(checked([meeting(['principal', 'contact-teacher'])]))).toEqual([]);
  });

  test('plan for skolenærvær sets its limit in school days, and only for absence without notice', () => {
    const policy = { noticeWithinDays: 3 };
    // Absence from Thursday 03.09: Thursday, Friday, Monday are the three school days: due by the end of Monday.
    expect(at(firstContactDueMs('plan-for-skolenaervaer', { rule: 'unnotified-absence', dates: ['2026-09-03'] }, policy)!)).toBe(
      '2026-09-08T00:00:00.000Z',
    );
    expect(
      firstContactDueMs('plan-for-skolenaervaer', { rule: 'days-over-limit', dates: ['2026-08-20', '2026-09-03'] }, policy),
    ).toBeUndefined();
  });
});

describe('the pupil heard, child welfare first, required documents', () => {
  test('measures agreed before the pupil was heard is a finding citing D.2; after, none', () => {
    const agreed = step('measures.agreed', T0 + HOUR, PLANNING, 'open.firstTrigger.followingPlan', 'principal');
    const voice = step('pupilVoice.recorded', T0, PLANNING, PLANNING);
    expect(pupilVoiceFindings(checked([agreed]))).toEqual([
      expect.objectContaining({ rule: 'pupil-voice-before-measures', clauses: ['D.2'] }),
    ]);
    expect(pupilVoiceFindings(checked([voice, agreed]))).toEqual([]);
  });

  test('another service while a suspicion waits for child welfare is a finding citing E.CW1; once child welfare is consulted, none', () => {
    const suspicion = step('suspicion.raised', T0, PLANNING, PLANNING, 'principal', { suspicion: 'neglect' });
    const ppt = step('referral.sent', T0 + DAY, PLANNING, PLANNING, 'principal', { service: 'ppt' });
    const consulted = step('childWelfare.consulted', T0 + HOUR, PLANNING, PLANNING, 'principal');
    expect(childWelfareFindings(checked([suspicion, ppt]))).toEqual([
      expect.objectContaining({ rule: 'child-welfare-first', clauses: ['E.CW1'] }),
    ]);
    expect(childWelfareFindings(checked([suspicion, consulted, ppt]))).toEqual([]);
  });

  test("a person's step leaving a state without the documents it requires is a finding; a closing because the pupil moved is not", () => {
    const leave = step('measures.agreed', T0 + HOUR, PLANNING, 'open.firstTrigger.followingPlan', 'principal');
    const onFile = view({
      documents: [
        { kind: 'measures-plan', ref: 'plan', at: at(T0 + HOUR), by: { role: 'principal', userId: 'p' }, eventType: 'measures.agreed' },
      ],
    });
    expect(requiredDocumentFindings(checked([leave], { view: onFile }))).toEqual([
      expect.objectContaining({ rule: 'required-documents', message: expect.stringContaining('pupil-voice') }),
    ]);
    const moved = { ...step('case.closed', T0 + HOUR, PLANNING, 'closed', 'principal', { reason: 'pupil-moved' }), closed: true };
    expect(requiredDocumentFindings(checked([moved]))).toEqual([]);
  });
});

describe('deliveries and required notices', () => {
  const effect = (name: string, issuedMs: number, extra: Partial<Extract<TimelineEntry, { kind: 'effect' }>> = {}): TimelineEntry => ({
    kind: 'effect',
    name,
    sequence: 1,
    issuedAt: at(issuedMs),
    deliveredAt: at(issuedMs + 1000),
    subject: 'Melding',
    recipients: ['guardians'],
    ...extra,
  });

  test('an effect that failed, a person not reached and a role nobody had are findings', () => {
    const timeline: TimelineEntry[] = [
      { kind: 'refused', type: 'effect:notifyGuardians', at: at(T0), reason: 'kunne ikke utføres: SMTP nede' },
      effect('notifyStaff', T0, {
        deliveries: [{ personId: 'p-1', role: 'principal', channel: 'email', status: 'failed', error: 'avvist' }],
      }),
      effect('notifyGuardians', T0, { unreached: [{ role: 'guardians', reason: 'ingen med rollen i personkatalogen' }] }),
      effect('notifyStaff', T0, { deliveries: [{ personId: 'p-2', role: 'principal', channel: 'email', status: 'sent' }] }),
    ];
    const findings = deliveryFindings(checked([], { view: view({ timeline }) }));
    expect(findings.map((f) => f.rule)).toEqual(['delivery-failed', 'delivery-failed', 'delivery-failed']);
    expect(findings[1]!.message).toContain('p-1');
  });

  test('entering Trinn 2 without the school owner informed is a finding citing A.T2.2; delivered, none; runs that kept no record, none', () => {
    const procedure = getProcedure('plan-for-skolenaervaer');
    const route = [
      { path: 'trinn1.reviewDue', at: at(T0) },
      { path: 'trinn2.callingMeeting', at: at(T0 + DAY) },
    ];
    const missing = requiredNoticeFindings(checked([], { procedure, route, nowMs: T0 + 10 * DAY }));
    expect(missing.map((f) => `${f.rule} ${f.clauses.join(',')}`)).toEqual(expect.arrayContaining(['required-notice-missing A.T2.2']));
    const informed = view({
      timeline: [effect('informSchoolOwner', T0 + DAY), effect('scheduleMeeting', T0 + DAY), effect('notifyGuardians', T0 + DAY)],
    });
    expect(requiredNoticeFindings(checked([], { procedure, route, view: informed, nowMs: T0 + 10 * DAY }))).toEqual([]);
    expect(requiredNoticeFindings(checked([], { procedure, route, nowMs: T0 + 10 * DAY, effectTimeline: false }))).toEqual([]);
    // Still within the days a message is retried: not yet missing.
    expect(requiredNoticeFindings(checked([], { procedure, route, nowMs: T0 + DAY + HOUR }))).toEqual([]);
  });
});
