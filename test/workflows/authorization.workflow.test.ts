/**
 * Who may send what to a running case (machines/authorization.ts), enforced by the Update's
 * validator: a refusal names the role, the event and the step, and leaves no trace. Run on the
 * frozen version 1 of procedure C, so the roles come from a chart that does not change. In a file of
 * its own: the time-skipping test server keeps time skipping locked after it rejects an update.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { CaseEvent } from '../../machines/events';
import { type CaseView, caseViewQuery, sendEventUpdate } from '../../workflows/case-messages';
import { type CaseTestEnv, caseEvent, closeCaseAsMoved, createCaseTestEnv, openCase } from '../helpers/case-env';

const ID = 'tiltaksplan-elevfravaer';
const trigger = { rule: 'consecutive-days', dates: ['2026-09-02', '2026-09-03', '2026-09-04'] };
let t: CaseTestEnv;

beforeAll(async () => {
  t = await createCaseTestEnv();
});
afterAll(async () => {
  await t?.teardown();
});

type Handle = Awaited<ReturnType<typeof openCase>>;
const view = (handle: Handle): Promise<CaseView> => handle.query(caseViewQuery);
/** The refusal's Norwegian reason, or 'taken' when the case took the event. */
async function attempt(handle: Handle, event: CaseEvent): Promise<string> {
  try {
    await handle.executeUpdate(sendEventUpdate, { args: [event] });
    return 'taken';
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return String(err.cause?.message);
    throw err;
  }
}

test('[point 6] a pupil or the guardians cannot close a case, and the refusal names the role, the event and the step', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const handle = await openCase(t, ID, trigger, { procedureVersion: 1 });
    const before = await view(handle);
    const closing = (role: 'pupil' | 'guardians') =>
      caseEvent('case.closed', { reason: 'pupil-moved', note: 'Flyttet.', documentRef: 'x' }, before.openedAt, role);
    expect(await attempt(handle, closing('pupil'))).toBe(
      'Rollen eleven kan ikke registrere «Saken avsluttet» i steget «Kontakt med hjemmet». Det kan: kontaktlærer, rektor, skolens ledelse.',
    );
    expect(await attempt(handle, closing('guardians'))).toMatch(/^Rollen foresatte kan ikke registrere «Saken avsluttet»/);
    expect(await view(handle)).toEqual(before);
    await closeCaseAsMoved(t, handle.workflowId);
  });
});

test('[point 6] detection facts come only from detection, and detection sends nothing else', async () => {
  const worker = await t.newWorker();
  await worker.runUntil(async () => {
    const handle = await openCase(t, ID, trigger, { procedureVersion: 1 });
    const now = await t.now();
    const forgedTrend = caseEvent(
      'absence.trend',
      { trend: 'improved', from: '2026-09-01', to: '2026-09-20', absenceDays: 0 },
      now,
      'contact-teacher',
    );
    expect(await attempt(handle, forgedTrend)).toBe('«Fraværsutvikling» kommer bare fra fraværsdeteksjonen, ikke fra kontaktlærer.');
    const systemContact = caseEvent(
      'guardians.contacted',
      { channel: 'phone', cause: 'school-related', documentRef: 'log' },
      now,
      'system',
    );
    expect(await attempt(handle, systemContact)).toBe('Fraværsdeteksjonen kan bare melde fravær, ikke «Kontakt med foresatte».');
    // Facts any staff member may record are taken from the school nurse too.
    expect(await attempt(handle, caseEvent('suspicion.raised', { kind: 'neglect', documentRef: 'notat-1' }, now, 'school-nurse'))).toBe(
      'taken',
    );
    // A step of the procedure is not: contacting the home is the contact teacher's (or the leadership's).
    expect(
      await attempt(
        handle,
        caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'log' }, now, 'school-nurse'),
      ),
    ).toMatch(
      /^Rollen helsesykepleier kan ikke registrere «Kontakt med foresatte» i steget «Kontakt med hjemmet»\. Det kan: kontaktlærer, rektor, skolens ledelse\.$/,
    );
    expect(
      await attempt(
        handle,
        caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'log' }, now, 'principal'),
      ),
    ).toBe('taken');
    await closeCaseAsMoved(t, handle.workflowId);
  });
});
