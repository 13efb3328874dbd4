/**
 * Who may send what to a running case (machines/authorization.ts), enforced by the Update's
 * validator: a refusal names the role, the event and the step, and leaves no trace. Run on the
 * frozen version 1 of procedure C, so the roles come from a chart that does not change. In a file of
 * its own: the time-skipping test server keeps time skipping locked after it rejects an update.
 */
import { caseEvent, closeCaseAsMoved, openCase, useCaseTestEnv, withCaseWorker, withoutDeliveries } from '../helpers/case-env';
import { attemptEvent, viewOf } from '../helpers/case-steps';

const ID = 'tiltaksplan-elevfravaer';
const trigger = { rule: 'consecutive-days', dates: ['2026-09-02', '2026-09-03', '2026-09-04'] };
const t = useCaseTestEnv();

test('[point 6] a pupil or the guardians cannot close a case, and the refusal names the role, the event and the step', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger, { procedureVersion: 1 });
    const before = await viewOf(handle);
    const closing = (role: 'pupil' | 'guardians') =>
      caseEvent('case.closed', { reason: 'pupil-moved', note: 'Flyttet.', documentRef: 'x' }, before.openedAt, role);
    expect(await attemptEvent(handle, closing('pupil'))).toBe(
      'Rollen eleven kan ikke registrere «Saken avsluttet» i steget «Kontakt med hjemmet». Det kan: kontaktlærer, rektor, skolens ledelse.',
    );
    expect(await attemptEvent(handle, closing('guardians'))).toMatch(/^Rollen foresatte kan ikke registrere «Saken avsluttet»/);
    expect(withoutDeliveries(await viewOf(handle))).toEqual(withoutDeliveries(before));
    await closeCaseAsMoved(t, handle.workflowId);
  });
});

test('[point 6] detection facts come only from detection, and detection sends nothing else', async () => {
  await withCaseWorker(t, async () => {
    const handle = await openCase(t, ID, trigger, { procedureVersion: 1 });
    const now = await t.now();
    const forgedTrend = caseEvent(
      'absence.trend',
      { trend: 'improved', from: '2026-09-01', to: '2026-09-20', absenceDays: 0 },
      now,
      'contact-teacher',
    );
    expect(await attemptEvent(handle, forgedTrend)).toBe('«Fraværsutvikling» kommer bare fra fraværsdeteksjonen, ikke fra kontaktlærer.');
    const systemContact = caseEvent(
      'guardians.contacted',
      { channel: 'phone', cause: 'school-related', documentRef: 'log' },
      now,
      'system',
    );
    expect(await attemptEvent(handle, systemContact)).toBe('Fraværsdeteksjonen kan bare melde fravær, ikke «Kontakt med foresatte».');
    // Facts any staff member may record are taken from the school nurse too.
    expect(
      await attemptEvent(handle, caseEvent('suspicion.raised', { kind: 'neglect', documentRef: 'notat-1' }, now, 'school-nurse')),
    ).toBe('taken');
    // A step of the procedure is not: contacting the home is the contact teacher's (or the leadership's).
    expect(
      await attemptEvent(
        handle,
        caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'log' }, now, 'school-nurse'),
      ),
    ).toMatch(
      /^Rollen helsesykepleier kan ikke registrere «Kontakt med foresatte» i steget «Kontakt med hjemmet»\. Det kan: kontaktlærer, rektor, skolens ledelse\.$/,
    );
    expect(
      await attemptEvent(
        handle,
        caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'log' }, now, 'principal'),
      ),
    ).toBe('taken');
    await closeCaseAsMoved(t, handle.workflowId);
  });
});
