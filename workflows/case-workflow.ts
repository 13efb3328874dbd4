/**
 * One absence case = one run of this workflow, for weeks or months. The case itself (machine
 * snapshot, timers with absolute due times, effect queue, timeline, overdue rule, refusals) is
 * kept by the pure case host (case-host.ts); this workflow wires it to Temporal:
 * - delayed events the machine schedules become durable timers (`condition` with a timeout);
 *   an XState actor's own setTimeout is never used, because a restored actor would not re-arm it;
 * - named effects become activity calls with idempotency keys, started without waiting;
 * - human events arrive as a validated Update, detection facts as a Signal; handlers only
 *   validate and forward, the host and its machine decide;
 * - search attributes follow the case; long cases continue as new with what the host carries.
 *
 * Runs started before a patch (their histories have no marker for it) keep the host's earlier
 * behaviour to the letter, so they replay: the patch decisions are the host's `HostRules`.
 */
import * as wf from '@temporalio/workflow';
import type { CaseHost as CaseHostType, QueuedEffect } from './case-host';
import {
  type CaseView,
  type CaseWorkflowInput,
  type SendEventResult,
  absenceFactsSignal,
  caseMachineStateQuery,
  caseViewQuery,
  sendEventUpdate,
} from './case-messages';
import {
  CaseClosingReason,
  CaseOpenedAt,
  CaseStage,
  CaseStatus,
  DeadlineOverdue,
  NextDeadline,
  OverdueSince,
  ProcedureId,
  SchoolId,
} from './search-attributes';
import { callEffect, effectProxies } from './effect-proxies';
import { caseRuntime } from './shared-modules';

// The host, XState and the machines come from the worker's one shared instance, not a copy per case (see shared-modules.ts).
const { CaseHost, InvalidCaseInputError, effectDefinitions, getProcedure } = caseRuntime();

/**
 * One proxy per effect with the retries and timeouts its module declares (machines/effects/):
 * messages are retried with backoff, bad input is not retried, and an effect not carried out in
 * time is recorded on the case as failed.
 */
const effectActivities = effectProxies(effectDefinitions);

/**
 * The patch behind everything issue "nothing lost, nothing forged" changed in the host: a case
 * opened without a version takes the newest; detection's Signal takes only detection's facts
 * (a person's event must come as the validated Update); "overdue" means a person's deadline
 * passed and that person has not yet taken the step, and only a person's step clears it; a
 * deadline that had passed before it was set fires once, at once, marked as missed; the closing
 * reason is kept and searchable; every event keeps its own fields on the timeline.
 */
const PATCH_CASE_HOST_2 = 'case-host-2';
/**
 * The patch that made the `sendEvent` Update answer with a small receipt (applied, event id, the
 * step and status) instead of the whole view: Update results are written to the history, and a
 * long case's view is tens of kilobytes. Runs opened before it keep answering with the view.
 */
const PATCH_UPDATE_RECEIPT = 'case-update-receipt';
/**
 * The patch that records every delivered effect on the case's timeline (what was sent, to whom,
 * when), not only the failures, so an auditor sees that the guardians were told and when. Runs
 * opened before it record only failures, as they did.
 */
const PATCH_EFFECT_TIMELINE = 'effect-timeline';
/**
 * The patch that sends every scheduled meeting's participants an invitation with a calendar entry
 * (the `sendMeetingInvitation` effect the host issues on `meeting.scheduled`). Runs opened before it send
 * none, as they did, so their histories replay.
 */
const PATCH_MEETING_INVITATIONS = 'meeting-invitations';
/**
 * The patch that refuses a fact on detection's Signal whole when its sender is not detection
 * (found by the property-based tests): runs before it kept such a fact in the trigger record, and
 * still do, so their histories replay.
 */
const PATCH_FORGED_FACTS = 'forged-facts';
/**
 * The patch that scopes effects' idempotency keys to the case (its chain's first run) rather than
 * to the workflow id alone. A pupil's second case at a school has the same workflow id as the
 * first and counts its effects from 0 again, so with keys by workflow id its messages looked
 * already sent and were never delivered. Runs before the patch keep the keys they used.
 */
const PATCH_EFFECT_KEYS_PER_CASE = 'effect-keys-per-case';
/**
 * The patch that keeps why a case closed out of the plain search attributes: a reason such as
 * `illness-approved` says something about a child's health, and search attributes are readable
 * by anyone who reaches Temporal. From it on the reason goes into the memo, which the payload
 * codec seals; runs before it keep setting the search attribute.
 */
const PATCH_CLOSING_REASON_SEALED = 'closing-reason-sealed';

/** The case workflow. Returns the final public view when the case closes. */
export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseView> {
  const { workflowId } = wf.workflowInfo();
  // Decided once, first thing, so the marker is always the run's first command.
  const hostV2 = wf.patched(PATCH_CASE_HOST_2);
  // Decided at the start as well, so a run answers every Update the same way for its whole life.
  const updateReceipts = wf.patched(PATCH_UPDATE_RECEIPT);
  const effectTimeline = wf.patched(PATCH_EFFECT_TIMELINE);
  const meetingInvitations = wf.patched(PATCH_MEETING_INVITATIONS);
  const forgedFactsRefused = wf.patched(PATCH_FORGED_FACTS);
  const closingReasonSealed = wf.patched(PATCH_CLOSING_REASON_SEALED);
  const effectKeyScope = wf.patched(PATCH_EFFECT_KEYS_PER_CASE) ? `${workflowId}/${wf.workflowInfo().firstExecutionRunId}` : workflowId;
  const rules = { hostV2, effectTimeline, meetingInvitations, forgedFactsRefused };
  const procedure = (() => {
    try {
      // A case opened without a version takes the newest. Runs recorded before the patch ran
      // when version 1 was the newest, and stay on it.
      return getProcedure(input.procedureId, input.procedureVersion ?? (hostV2 ? undefined : 1));
    } catch (err) {
      throw wf.ApplicationFailure.nonRetryable((err as Error).message, 'UnknownProcedure');
    }
  })();

  const host: CaseHostType = (() => {
    if (input.carried) return CaseHost.resume({ procedure, rules }, input.carried);
    try {
      return CaseHost.open({ procedure, rules }, input, Date.now());
    } catch (err) {
      if (err instanceof InvalidCaseInputError) throw wf.ApplicationFailure.nonRetryable(err.message, 'InvalidCaseInput');
      throw err;
    }
  })();

  /** Keeps the coordinators' search attributes in step with the case. */
  let lastAttributes = '';
  let memoClosingReason: string | null = null;
  const updateSearchAttributes = (): void => {
    const { schoolId, procedureId, openedAt, ...attributes } = host.attributes();
    const key = JSON.stringify(attributes);
    if (key === lastAttributes) return; // unchanged: keep history small
    lastAttributes = key;
    const closingReason = attributes.closingReason ?? null;
    if (closingReasonSealed && closingReason !== memoClosingReason) {
      memoClosingReason = closingReason;
      wf.upsertMemo({ closingReason });
    }
    wf.upsertSearchAttributes([
      { key: SchoolId, value: schoolId },
      { key: ProcedureId, value: procedureId },
      { key: CaseStage, value: attributes.stage },
      { key: CaseStatus, value: attributes.status },
      { key: NextDeadline, value: attributes.nextDeadline === null ? null : new Date(attributes.nextDeadline) },
      { key: DeadlineOverdue, value: attributes.overdue },
      { key: CaseOpenedAt, value: new Date(openedAt) },
      ...(hostV2
        ? [
            { key: OverdueSince, value: attributes.overdueSince ? new Date(attributes.overdueSince) : null },
            ...(closingReasonSealed ? [] : [{ key: CaseClosingReason, value: attributes.closingReason ?? null }]),
          ]
        : []),
    ]);
  };

  wf.setHandler(
    sendEventUpdate,
    (raw): SendEventResult => {
      const { applied, event } = host.acceptUpdate(raw, Date.now());
      if (applied) updateSearchAttributes();
      // Runs from before the receipt patch answer with the whole view.
      return updateReceipts ? host.receipt(applied, event) : { applied, view: host.view(workflowId, Date.now()) };
    },
    // Runs before the update is written to history: a refused event leaves no trace.
    { validator: (raw) => void host.validateUpdate(raw) },
  );

  wf.setHandler(absenceFactsSignal, (raw) => {
    if (host.receiveFact(raw, Date.now())) updateSearchAttributes();
  });

  wf.setHandler(caseViewQuery, () => host.view(workflowId, Date.now()));
  wf.setHandler(caseMachineStateQuery, () => host.machineState());

  const performEffect = async (effect: QueuedEffect): Promise<void> => {
    try {
      const delivery = await callEffect(effectActivities, effect.name, host.effectInput(effect, effectKeyScope));
      host.effectDelivered(effect, delivery, Date.now());
    } catch (err) {
      // The case must go on even if a message could not be delivered; the failure stays visible.
      host.effectFailed(effect, err instanceof wf.ActivityFailure && err.cause ? err.cause.message : (err as Error).message, Date.now());
    }
  };

  /**
   * Starts every queued effect without waiting for it: a message that keeps failing and is
   * retried for days must never hold back the case's deadlines or its other messages.
   */
  const startQueuedEffects = (): void => {
    for (const effect of host.startQueuedEffects()) void performEffect(effect);
  };

  const fireTimer = (timer: Parameters<CaseHostType['fireTimer']>[0]): void => {
    host.fireTimer(timer, Date.now());
    updateSearchAttributes();
  };

  const shouldContinueAsNew = (): boolean =>
    wf.workflowInfo().continueAsNewSuggested ||
    (input.historyEventLimit !== undefined && wf.workflowInfo().historyLength >= input.historyEventLimit);

  updateSearchAttributes();

  for (;;) {
    startQueuedEffects();
    if (!host.isActive) break;

    if (shouldContinueAsNew()) {
      await wf.condition(wf.allHandlersFinished);
      // The memo (the pupil, sealed by the codec) goes with the case into its next run.
      const continueAsNew = wf.makeContinueAsNewFunc<typeof caseWorkflow>({
        ...(wf.workflowInfo().memo ? { memo: wf.workflowInfo().memo } : {}),
      });
      return continueAsNew({ ...input, procedureVersion: procedure.version, carried: host.carried() });
    }

    const next = host.nextTimer();
    // A deadline already due (a case opened from old facts, a worker that was down) fires now,
    // without a durable timer: it is not waited for, and never shown as coming.
    if (next && host.isDueNow(next, Date.now())) {
      fireTimer(next);
      continue;
    }
    const seenVersion = host.timersVersion;
    const woken = (): boolean => host.hasQueuedEffects || !host.isActive || host.timersVersion !== seenVersion || shouldContinueAsNew();
    if (!next) {
      await wf.condition(woken);
      continue;
    }
    // condition() with a timeout is a durable timer: it survives worker and server restarts.
    const interrupted = await wf.condition(woken, Math.max(1, next.dueAtMs - Date.now()));
    if (!interrupted && host.isPending(next)) fireTimer(next);
  }

  // The case is closed; its last messages (e.g. to the guardians) are still sent before it ends.
  host.finish();
  startQueuedEffects();
  await wf.condition(() => !host.hasUnfinishedEffects);
  updateSearchAttributes();
  return host.view(workflowId, Date.now());
}
