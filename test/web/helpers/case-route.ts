/**
 * Moves a procedure C case along its route through the case client, the way a school would
 * (documents referenced, not filed), to the step a browser test starts from: «planning» after the
 * leadership meeting, where the mapping form (mapping.completed) is recorded.
 */
import type { CaseClient } from '../../../app/case-client';
import type { CaseEvent } from '../../../machines/events';
import { caseEvent } from '../../helpers/case-env';

const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
const at = () => new Date().toISOString();

async function send(cases: CaseClient, workflowId: string, event: CaseEvent): Promise<void> {
  const result = await cases.send(workflowId, event);
  if (!result.applied) throw new Error(`${event.type} was not applied to ${workflowId}: ${JSON.stringify(result)}`);
}

/** Waits until the case's step label differs from `label` (a signal is applied after it is sent). */
async function stepLeaves(cases: CaseClient, workflowId: string, label: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await cases.view(workflowId)).state.label !== label) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${workflowId} stayed in «${label}»`);
}

/** From the first contact to the step after the leadership meeting; returns that step's label. */
export async function toPlanningAfterLeadershipMeeting(cases: CaseClient, workflowId: string): Promise<string> {
  await send(
    cases,
    workflowId,
    caseEvent('guardians.contacted', { channel: 'phone', cause: 'school-related', documentRef: 'logg-1' }, at()),
  );
  await send(cases, workflowId, caseEvent('pupilVoice.recorded', { via: 'pupil', documentRef: 'stemme-1' }, at()));
  await send(
    cases,
    workflowId,
    caseEvent(
      'measures.agreed',
      { measures: ['Fast oppmøte med kontaktlærer hver morgen'], evaluationDate: day(3), planRef: 'plan-1' },
      at(),
      'principal',
    ),
  );
  const label = (await cases.view(workflowId)).state.label;
  await cases.signalFacts(
    workflowId,
    caseEvent('absence.newTrigger', { trigger: { rule: 'consecutive-days', dates: [day(-1)] } }, at(), 'system'),
  );
  await stepLeaves(cases, workflowId, label);
  await send(
    cases,
    workflowId,
    caseEvent('guardians.contacted', { channel: 'meeting', cause: 'home-related', documentRef: 'logg-2' }, at()),
  );
  const participants = ['principal', 'contact-teacher', 'guardians', 'pupil'] as const;
  await send(
    cases,
    workflowId,
    caseEvent(
      'meeting.held',
      { meeting: 'leadership-meeting', participants: [...participants], pupilPresent: true, minutesRef: 'referat-1' },
      at(),
      'principal',
    ),
  );
  const view = await cases.view(workflowId);
  if (!view.allowedEvents.includes('mapping.completed')) throw new Error(`mapping.completed is not allowed in «${view.state.label}»`);
  return view.state.label;
}
