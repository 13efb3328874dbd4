/**
 * The case host's own rules, without Temporal (workflows/case-host.ts): timers with absolute due
 * times, late timers, the overdue rule, refusals, the Signal's record of what it refused, the
 * effect queue, continue-as-new, and the older rules a run recorded before `case-host-2` keeps.
 * The workflow tests show the same rules through Temporal; these show each one directly.
 */
import { getProcedure } from '../../machines/registry';
import { CURRENT_HOST_RULES, CaseHost, type HostRules, InvalidCaseInputError, LATE_TIMER_SLACK_MS } from '../../workflows/case-host';
import { caseFacts, ev } from '../machines/harness';

const ID = 'tiltaksplan-elevfravaer';
const OPENED = '2026-09-07T07:00:00Z';
const OPENED_MS = Date.parse(OPENED);
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const LEGACY: HostRules = { hostV2: false, effectTimeline: false };

const open = (rules: HostRules = CURRENT_HOST_RULES, openingEventId?: string) =>
  CaseHost.open({ procedure: getProcedure(ID), rules }, { facts: caseFacts({ openedAt: OPENED }), openingEventId }, OPENED_MS);
const contacted = (at = '2026-09-07T09:00:00Z') =>
  ev('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'log-1' }, { at });
const note = (at = '2026-09-07T09:00:00Z') => ev('staff.informed', { recipients: ['school-leadership'] }, { at });
const timelineKinds = (host: CaseHost) => host.view('w', OPENED_MS).timeline.map((entry) => entry.kind);

describe('opening', () => {
  test('timers are due at the opening fact time plus their delay; the opening effects wait in the queue', () => {
    const host = open(CURRENT_HOST_RULES, 'trigger-1');
    expect(host.timersInFiringOrder().map((t) => [t.name, t.dueAtMs])).toEqual([['contactReminder', OPENED_MS + DAY]]);
    expect(host.hasQueuedEffects).toBe(true);
    expect(host.view('w', OPENED_MS).triggers[0]).toMatchObject({ effect: 'opened', eventId: 'trigger-1' });
    expect(host.hasApplied('trigger-1')).toBe(true);
  });

  test('facts that cannot make a case are refused with the procedure’s own message as the cause', () => {
    const attempt = () =>
      CaseHost.open({ procedure: getProcedure(ID), rules: CURRENT_HOST_RULES }, { facts: caseFacts({ grade: 42 }) }, OPENED_MS);
    expect(attempt).toThrow(InvalidCaseInputError);
    expect(attempt).toThrow(/grade|klassetrinn/i);
  });
});

describe('timers', () => {
  test('an on-time deadline keeps the schedule; a person’s step that moves the case clears the overdue mark', () => {
    const host = open();
    const reminder = host.nextTimer()!;
    host.fireTimer(reminder, reminder.dueAtMs);
    expect(host.isOverdue()).toBe(true);
    const rearmed = host.nextTimer()!;
    expect(rearmed.dueAtMs).toBe(reminder.dueAtMs + DAY);
    expect(host.view('w', reminder.dueAtMs)).toMatchObject({ overdue: true, overdueSince: new Date(reminder.dueAtMs).toISOString() });
    const at = new Date(reminder.dueAtMs + HOUR).toISOString();
    host.applyEvent(note(at), reminder.dueAtMs + HOUR);
    expect(host.isOverdue()).toBe(true); // a note does not take the step the deadline asked for
    host.applyEvent(contacted(at), reminder.dueAtMs + HOUR);
    expect(host.isOverdue()).toBe(false);
  });

  test('a deadline fired late is marked missed and re-arms what follows from now, not from its old due time', () => {
    const host = open();
    const reminder = host.nextTimer()!;
    const late = reminder.dueAtMs + 3 * DAY;
    expect(host.isDueNow(reminder, late)).toBe(true);
    host.fireTimer(reminder, late);
    const entry = host.view('w', late).timeline.at(-1);
    expect(entry).toMatchObject({
      kind: 'deadline',
      name: 'contactReminder',
      missed: true,
      dueAt: new Date(reminder.dueAtMs).toISOString(),
    });
    expect(host.nextTimer()!.dueAtMs).toBe(late - LATE_TIMER_SLACK_MS + DAY);
    expect(host.view('w', late).overdueSince).toBe(new Date(reminder.dueAtMs).toISOString());
  });

  test('a deadline that has passed is never shown as coming', () => {
    const host = open();
    const reminder = host.nextTimer()!;
    expect(host.view('w', reminder.dueAtMs - 1).deadlines).toHaveLength(1);
    expect(host.view('w', reminder.dueAtMs).deadlines).toHaveLength(0);
  });

  test('an event registered after the fact counts its deadlines from when it happened, never from the future', () => {
    const host = open();
    const registered = OPENED_MS + 2 * HOUR;
    host.applyEvent(contacted('2026-09-07T08:00:00Z'), registered);
    const fromFact = host.pendingTimers().every((t) => (t.dueAtMs - Date.parse('2026-09-07T08:00:00Z')) % HOUR === 0);
    expect(fromFact).toBe(true);
    const future = open();
    future.applyEvent(contacted('2026-09-20T08:00:00Z'), registered);
    expect(future.pendingTimers().every((t) => t.dueAtMs - registered < 60 * DAY)).toBe(true);
    expect(future.pendingTimers().every((t) => (t.dueAtMs - registered) % HOUR === 0)).toBe(true);
  });
});

describe('events and refusals', () => {
  test('a step the state does not take is refused in Norwegian, naming the step and what it takes', () => {
    const host = open();
    const refusal = host.refusal(ev('measures.agreed', { measures: ['x'], evaluationDate: '2026-09-10', planRef: 'p' }), 'update');
    expect(refusal).toMatch(/^Steget «.+» tar ikke imot «.+»\. Steget tar imot: /);
    expect(() => host.validateUpdate(ev('measures.agreed', { measures: ['x'], evaluationDate: '2026-09-10', planRef: 'p' }))).toThrow(
      refusal!,
    );
  });

  test('a person’s event sent as detection’s Signal is refused and kept on the timeline as refused', () => {
    const host = open();
    expect(host.receiveFact(contacted(), OPENED_MS + HOUR)).toBe(false);
    expect(host.view('w', OPENED_MS).timeline.at(-1)).toMatchObject({ kind: 'refused', type: 'guardians.contacted' });
    expect(host.view('w', OPENED_MS).timeline.at(-1)).toHaveProperty('reason', expect.stringMatching(/en persons registrering/));
  });

  test("a fact on detection's Signal from another sender is refused whole: nothing in the trigger record (forged-facts)", () => {
    const forgedTrigger = (rules: HostRules, eventId: string) => {
      const host = open(rules);
      const triggersBefore = host.view('w', OPENED_MS).triggers.length;
      const trigger = {
        type: 'absence.newTrigger',
        eventId,
        actor: { role: 'contact-teacher', userId: 'kari' },
        at: new Date(OPENED_MS + HOUR).toISOString(),
        trigger: { rule: 'consecutive-days', dates: ['2026-08-24', '2026-08-25', '2026-08-26'] },
      };
      expect(host.receiveFact(trigger, OPENED_MS + HOUR)).toBe(false);
      expect(host.view('w', OPENED_MS).timeline.at(-1)).toMatchObject({ kind: 'refused', eventId });
      return host.view('w', OPENED_MS).triggers.length - triggersBefore;
    };
    expect(forgedTrigger(CURRENT_HOST_RULES, 'forged-1')).toBe(0);
    // Runs recorded before the patch kept it, and replay as they ran.
    expect(forgedTrigger({ ...CURRENT_HOST_RULES, forgedFactsRefused: false }, 'forged-2')).toBe(1);
  });

  test('a malformed fact is kept as refused with its id and type, and changes nothing else', () => {
    const host = open();
    const before = host.machineState().path;
    expect(host.receiveFact({ type: 'absence.trend', eventId: 'bad-1' }, OPENED_MS + HOUR)).toBe(false);
    expect(host.view('w', OPENED_MS).timeline.at(-1)).toMatchObject({ kind: 'refused', eventId: 'bad-1', type: 'absence.trend' });
    expect(host.machineState().path).toBe(before);
  });

  test('the same event id twice is applied once', () => {
    const host = open();
    const event = contacted();
    expect(host.acceptUpdate(event, OPENED_MS + HOUR).applied).toBe(true);
    expect(host.acceptUpdate(event, OPENED_MS + 2 * HOUR).applied).toBe(false);
    expect(timelineKinds(host).filter((k) => k === 'event')).toHaveLength(1);
  });

  test('a closed case refuses every event and says it is closed', () => {
    const facts = caseFacts({ openedAt: OPENED, trigger: { rule: 'unnotified-absence', dates: ['2026-09-07'], days: 1 } });
    const host = CaseHost.open({ procedure: getProcedure(ID), rules: CURRENT_HOST_RULES }, { facts }, OPENED_MS);
    host.applyEvent(
      ev('case.closed', { reason: 'natural-explanation', note: 'Syk i dag.', documentRef: 'log-1' }, { at: '2026-09-07T09:00:00Z' }),
      OPENED_MS + 2 * HOUR,
    );
    expect(host.isActive).toBe(false);
    expect(host.view('w', OPENED_MS).closing).toMatchObject({ reason: 'natural-explanation', documentRef: 'log-1' });
    expect(host.refusal(note(), 'update')).toMatch(/^Saken er avsluttet/);
  });
});

describe('effects', () => {
  test('started effects stay unfinished until delivered; delivery goes on the timeline with its subject', () => {
    const host = open();
    const [effect] = host.startQueuedEffects();
    expect(effect).toBeDefined();
    expect(host.hasUnfinishedEffects).toBe(true);
    expect(host.carried().pendingEffects.map((e) => e.sequence)).toEqual([effect!.sequence]);
    expect(host.effectInput(effect!, 'wf-1').idempotencyKey).toBe(`wf-1/${effect!.sequence}/${effect!.name}`);
    host.effectDelivered(effect!, { subject: 'Melding til skolen', recipients: ['contact-teacher'] }, OPENED_MS + HOUR);
    expect(host.hasUnfinishedEffects).toBe(false);
    expect(host.view('w', OPENED_MS).timeline.at(-1)).toMatchObject({ kind: 'effect', name: effect!.name, subject: 'Melding til skolen' });
  });

  test('a failed effect is kept as refused; before `effect-timeline` a delivery was not recorded', () => {
    const host = open({ hostV2: true, effectTimeline: false });
    const [first] = host.startQueuedEffects();
    host.effectDelivered(first!, {}, OPENED_MS + HOUR);
    expect(timelineKinds(host)).not.toContain('effect');
    const other = open();
    const [failed] = other.startQueuedEffects();
    other.effectFailed(failed!, 'SMTP nede', OPENED_MS + HOUR);
    expect(other.view('w', OPENED_MS).timeline.at(-1)).toMatchObject({ kind: 'refused', type: `effect:${failed!.name}` });
  });
});

describe('meeting invitations', () => {
  const scheduled = (scheduledFor: string, meeting: 'guardian-conversation' | 'evaluation-meeting' = 'guardian-conversation') =>
    ev('meeting.scheduled', { meeting, scheduledFor, participants: ['guardians', 'contact-teacher'] }, { at: '2026-09-07T10:00:00Z' });
  const held = () =>
    ev(
      'meeting.held',
      {
        meeting: 'guardian-conversation',
        participants: ['guardians', 'contact-teacher'],
        pupilPresent: true,
        minutesRef: 'arkiv:2026/1-2',
      },
      { at: '2026-09-09T10:00:00Z' },
    );
  const invitations = (host: CaseHost) => host.startQueuedEffects().filter((e) => e.name === 'sendMeetingInvitation');

  test('a scheduled meeting invites its participants; a new time is the same meeting changed, the next one after it is held is new', () => {
    const host = open();
    host.startQueuedEffects();
    host.applyEvent(contacted(), OPENED_MS + HOUR);
    host.startQueuedEffects();
    host.applyEvent(scheduled('2026-09-09T10:00:00+02:00'), OPENED_MS + 2 * HOUR);
    expect(invitations(host).map((e) => e.params)).toEqual([
      {
        meeting: 'guardian-conversation',
        scheduledFor: '2026-09-09T10:00:00+02:00',
        participants: ['guardians', 'contact-teacher'],
        occurrence: 1,
        changes: 0,
      },
    ]);
    host.applyEvent(scheduled('2026-09-10T12:00:00+02:00'), OPENED_MS + 3 * HOUR);
    expect(invitations(host).map((e) => e.params)).toMatchObject([
      { occurrence: 1, changes: 1, scheduledFor: '2026-09-10T12:00:00+02:00' },
    ]);
    // Another kind of meeting has a calendar entry of its own.
    host.applyEvent(scheduled('2026-09-11T12:00:00+02:00', 'evaluation-meeting'), OPENED_MS + 4 * HOUR);
    expect(invitations(host).map((e) => e.params)).toMatchObject([{ meeting: 'evaluation-meeting', occurrence: 1, changes: 0 }]);
    const carried = JSON.parse(JSON.stringify(host.carried()));
    expect(carried.meetings['guardian-conversation']).toEqual({ occurrence: 1, changes: 1, held: false });
    if (host.refusal(held(), 'update') === undefined) {
      host.applyEvent(held(), OPENED_MS + 2 * DAY);
      host.startQueuedEffects();
      host.applyEvent(scheduled('2026-09-20T09:00:00+02:00'), OPENED_MS + 3 * DAY);
      expect(invitations(host).map((e) => e.params)).toMatchObject([{ occurrence: 2, changes: 0 }]);
    }
    // The count goes on after continue-as-new (the carried run redoes its unfinished invitations first).
    const resumed = CaseHost.resume({ procedure: getProcedure(ID), rules: CURRENT_HOST_RULES }, carried);
    resumed.applyEvent(scheduled('2026-09-12T12:00:00+02:00'), OPENED_MS + 5 * HOUR);
    expect(invitations(resumed).at(-1)?.params).toMatchObject({ occurrence: 1, changes: 2 });
  });

  test('runs recorded before `meeting-invitations` send none', () => {
    const host = open({ hostV2: true, effectTimeline: true });
    host.startQueuedEffects();
    host.applyEvent(contacted(), OPENED_MS + HOUR);
    host.startQueuedEffects();
    host.applyEvent(scheduled('2026-09-09T10:00:00+02:00'), OPENED_MS + 2 * HOUR);
    expect(invitations(host)).toEqual([]);
    expect(host.carried()).not.toHaveProperty('meetings');
  });

  test('a delivery to people goes on the timeline with each person’s id and outcome, and the roles nobody was reached for', () => {
    const host = open();
    const [effect] = host.startQueuedEffects();
    host.effectDelivered(
      effect!,
      {
        subject: 'Ny fraværssak',
        recipients: ['contact-teacher', 'school-nurse'],
        deliveries: [{ personId: 'A-1', role: 'contact-teacher', channel: 'email', status: 'sent', language: 'nb' }],
        unreached: [{ role: 'school-nurse', reason: 'ingen med rollen i personkatalogen' }],
      },
      OPENED_MS + HOUR,
    );
    expect(host.view('w', OPENED_MS).timeline.at(-1)).toMatchObject({
      kind: 'effect',
      deliveries: [{ personId: 'A-1', channel: 'email', status: 'sent' }],
      unreached: [{ role: 'school-nurse' }],
    });
  });
});

describe('copies and continue-as-new', () => {
  test('a clone goes its own way', () => {
    const host = open();
    const copy = host.clone();
    copy.applyEvent(contacted(), OPENED_MS + HOUR);
    expect(copy.machineState().path).not.toBe(host.machineState().path);
    expect(timelineKinds(host)).not.toContain('event');
  });

  test('a resumed case is the case that was carried', () => {
    const host = open();
    host.applyEvent(contacted(), OPENED_MS + HOUR);
    const reminder = host.nextTimer()!;
    host.fireTimer(reminder, reminder.dueAtMs);
    const resumed = CaseHost.resume({ procedure: getProcedure(ID), rules: CURRENT_HOST_RULES }, JSON.parse(JSON.stringify(host.carried())));
    const at = reminder.dueAtMs + HOUR;
    expect(resumed.view('w', at)).toEqual(host.view('w', at));
    expect(resumed.machineState()).toEqual(host.machineState());
    expect(resumed.hasApplied(contacted().eventId)).toBe(false);
  });
});

describe('runs recorded before case-host-2 keep the older rules', () => {
  test('any accepted event clears the overdue flag, passed deadlines still show, events carry no data', () => {
    const host = open(LEGACY);
    const reminder = host.nextTimer()!;
    host.fireTimer(reminder, reminder.dueAtMs + 3 * DAY);
    expect(host.isOverdue()).toBe(true);
    expect(host.view('w', reminder.dueAtMs + 10 * DAY).deadlines).toHaveLength(1);
    expect(host.view('w', reminder.dueAtMs).timeline.at(-1)).not.toHaveProperty('missed');
    host.applyEvent(note(), reminder.dueAtMs + 3 * DAY);
    expect(host.isOverdue()).toBe(false);
    expect(host.view('w', reminder.dueAtMs).timeline.at(-1)).not.toHaveProperty('data');
    expect(host.refusal(contacted(), 'signal')).toBeUndefined();
  });
});

describe('the view names who may act', () => {
  test('senders: per allowed event the roles the authorization rule lets send it; detection-only events have none', () => {
    const view = open().view('w', OPENED_MS);
    expect(view.senders?.['guardians.contacted']).toEqual(expect.arrayContaining(['contact-teacher', 'principal']));
    // Any staff member may record a notice from the guardians in any step.
    expect(view.senders?.['absence.noticeReceived']).toEqual(expect.arrayContaining(['contact-teacher', 'school-nurse']));
    for (const type of Object.keys(view.senders ?? {})) expect(view.allowedEvents).toContain(type);
    expect(view.senders?.['absence.newTrigger']).toBeUndefined();
  });

  test('stepEvents: what the current step itself waits for, not what every step takes', () => {
    const view = open().view('w', OPENED_MS);
    expect(view.stepEvents).toContain('guardians.contacted');
    expect(view.stepEvents).not.toContain('case.closed');
    for (const type of view.stepEvents ?? []) expect(view.allowedEvents).toContain(type);
  });
});
