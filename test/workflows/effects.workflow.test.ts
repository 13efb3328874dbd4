/**
 * Effects as the case host carries them out, on the time-skipping server: every delivered effect
 * is on the case's timeline (what was sent, to whom, when) and in the case CLI's history in
 * Norwegian, and each effect's activity is scheduled with the timeouts and retries its own module
 * declares (machines/effects/<effect>.ts).
 */
import { msToNumber } from '@temporalio/common/lib/time';
import { formatCase } from '../../cli/format';
import { type EffectName, effectNames, effectsByName } from '../../machines/effects';
import { EFFECT_NON_RETRYABLE_ERROR_TYPES } from '../../workflows/activity-errors';
import { closeCaseAsMoved, saveHistoryIfRecording, startCase, useCaseTestEnv, withCaseWorker } from '../helpers/case-env';
import { settled, viewOf } from '../helpers/case-steps';

const DAY = 24 * 60 * 60 * 1000;
const t = useCaseTestEnv();

/** A protobuf duration as milliseconds. */
const msOf = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(d?.seconds ?? 0) * 1000 + Math.round((d?.nanos ?? 0) / 1e6);

test('every delivered effect is on the timeline and in the case history, each scheduled with its own module’s delivery policy', async () => {
  await withCaseWorker(t, async () => {
    // Opened from week-old facts: the contact reminder had passed, so the case tells staff and reminds at once.
    const now = Date.parse(await t.now());
    const pupilId = `effects-${now}`;
    const handle = await startCase(t, {
      procedureId: 'tiltaksplan-elevfravaer',
      facts: {
        caseId: `case-${pupilId}`,
        pupilId,
        schoolId: 'school1',
        grade: 8,
        openedAt: new Date(now - 7 * DAY).toISOString(),
        trigger: { rule: 'consecutive-days', dates: ['2026-09-02', '2026-09-03', '2026-09-04'] },
      },
    });
    const v = await settled(
      handle,
      (view) => ['notifyStaff', 'remindResponsible'].every((n) => view.timeline.some((e) => e.kind === 'effect' && e.name === n)),
      'the opening message and the reminder delivered',
    );
    const effects = v.timeline.flatMap((e) => (e.kind === 'effect' ? [e] : []));
    expect(effects.find((e) => e.name === 'notifyStaff')).toMatchObject({
      sequence: 1,
      subject: 'Ny fraværssak',
      recipients: ['contact-teacher'],
    });
    expect(effects.find((e) => e.name === 'remindResponsible')).toMatchObject({
      subject: 'Påminnelse: kontakt hjemmet',
      recipients: ['contact-teacher'],
    });
    for (const e of effects) expect(Date.parse(e.deliveredAt)).toBeGreaterThanOrEqual(Date.parse(e.issuedAt));
    const history = formatCase(v);
    expect(history).toContain('Sendt: melding til ansatte – «Ny fraværssak» (mottakere: kontaktlærer)');
    expect(history).toContain('Sendt: påminnelse – «Påminnelse: kontakt hjemmet» (mottakere: kontaktlærer)');

    // What the server scheduled for each effect is what that effect's module declares.
    const scheduled = ((await handle.fetchHistory()).events ?? []).flatMap((e) =>
      e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : [],
    );
    expect(new Set(scheduled.map((a) => a.activityType?.name))).toEqual(new Set(['notifyStaff', 'remindResponsible']));
    for (const attributes of scheduled) {
      const name = attributes.activityType?.name as EffectName;
      expect(effectNames).toContain(name);
      const policy = effectsByName[name].delivery;
      expect({
        name,
        attempt: msOf(attributes.startToCloseTimeout),
        giveUp: msOf(attributes.scheduleToCloseTimeout),
        initialInterval: msOf(attributes.retryPolicy?.initialInterval),
        maximumInterval: msOf(attributes.retryPolicy?.maximumInterval),
        backoff: attributes.retryPolicy?.backoffCoefficient,
        nonRetryable: attributes.retryPolicy?.nonRetryableErrorTypes,
      }).toEqual({
        name,
        attempt: msToNumber(policy.attemptTimeout),
        giveUp: msToNumber(policy.giveUpAfter),
        initialInterval: msToNumber(policy.retry.initialInterval),
        maximumInterval: msToNumber(policy.retry.maximumInterval),
        backoff: policy.retry.backoffCoefficient,
        nonRetryable: [...EFFECT_NON_RETRYABLE_ERROR_TYPES],
      });
    }
    // The two effects' policies differ, so one shared proxy could not have scheduled both.
    expect(effectsByName.remindResponsible.delivery.giveUpAfter).not.toBe(effectsByName.notifyStaff.delivery.giveUpAfter);

    expect((await viewOf(handle)).status).toBe('open');
    const closed = await closeCaseAsMoved(t, handle.workflowId);
    // The closing message to staff is sent before the case ends, and is on its final timeline.
    expect(
      closed.timeline.filter((e) => e.kind === 'effect' && e.name === 'notifyStaff').map((e) => e.kind === 'effect' && e.subject),
    ).toEqual(['Ny fraværssak', 'Fraværssak avsluttet']);
    // A run with the effect-timeline patch, for the replay test.
    await saveHistoryIfRecording(t, handle.workflowId, 'tiltaksplan-elevfravaer-effects-delivered');
  });
});

test("a pupil's second case at the same school sends its own messages (effect keys per case, not per workflow id)", async () => {
  await withCaseWorker(t, async () => {
    const now = Date.parse(await t.now());
    const pupilId = `second-case-${now}`;
    const open = (caseId: string) =>
      startCase(t, {
        procedureId: 'tiltaksplan-elevfravaer',
        facts: {
          caseId,
          pupilId,
          schoolId: 'school1',
          grade: 8,
          openedAt: new Date(now - 7 * DAY).toISOString(),
          trigger: { rule: 'consecutive-days', dates: ['2026-09-02', '2026-09-03', '2026-09-04'] },
        },
      });
    const staffMessages = async () =>
      (await t.outbox.list()).filter((m) => m.idempotencyKey.startsWith(first.workflowId) && m.subject === 'Ny fraværssak');
    const first = await open(`first-${pupilId}`);
    await settled(
      first,
      (view) => view.timeline.some((e) => e.kind === 'effect' && e.name === 'notifyStaff'),
      'the first case told the staff',
    );
    expect(await staffMessages()).toHaveLength(1);
    await closeCaseAsMoved(t, first.workflowId);

    // The same pupil at the same school again: the same workflow id, effects counted from the start again.
    const second = await open(`second-${pupilId}`);
    expect(second.workflowId).toBe(first.workflowId);
    await settled(
      second,
      (view) => view.timeline.some((e) => e.kind === 'effect' && e.name === 'notifyStaff'),
      'the second case told the staff',
    );
    const messages = await staffMessages();
    expect(messages).toHaveLength(2);
    expect(new Set(messages.map((m) => m.idempotencyKey)).size).toBe(2);
  });
});
