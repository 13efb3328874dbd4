/**
 * Re-drives one recorded run through the same case host and procedure version the workflow ran
 * (workflows/case-host.ts, workflows/case-workflow.ts), with no Temporal: each activation's jobs
 * are handed to the host at the activation's workflow time, in the order the SDK takes them
 * (patches, then Updates and Signals in history order, then activity results, then the main loop
 * resumes), and the workflow's loop is followed step by step. What the host would have made the
 * workflow record (Update answers, activities with their inputs, timers with their durations,
 * search attributes, memo, the run's end) is compared with what the history recorded, activation
 * by activation. The first difference is a mismatch: the history is not one the procedure could
 * have produced, and the re-drive stops there (what follows would be judged on a wrong state).
 *
 * This mirrors case-workflow.ts; a change to the workflow's loop must be made here too (the
 * recorded histories in test/workflows/histories/ must all re-drive without a mismatch).
 */
import type { EffectDelivery, HostRules, QueuedEffect } from '../workflows/case-host';
import { CaseHost, InvalidCaseInputError } from '../workflows/case-host';
import type { CaseWorkflowInput, PendingTimer } from '../workflows/case-messages';
import { getProcedure } from '../machines/registry';
import type { ProcedureDefinition } from '../machines/registry';
import { firstDifference } from './first-difference';
import type { Activation, ActivationCommands, CaseRun, RunEnd } from './history-run';

/** The patch ids of case-workflow.ts (kept in step with it; the recorded histories prove the match). */
export const PATCHES = {
  hostV2: 'case-host-2',
  updateReceipts: 'case-update-receipt',
  effectTimeline: 'effect-timeline',
  meetingInvitations: 'meeting-invitations',
  forgedFacts: 'forged-facts',
  closingReasonSealed: 'closing-reason-sealed',
  effectKeysPerCase: 'effect-keys-per-case',
} as const;

/** A difference between what the host would have done and what the history recorded. */
export interface Mismatch {
  /** Workflow time of the activation (ISO). */
  at: string;
  /** What differs, in Norwegian. */
  what: string;
  expected: unknown;
  recorded: unknown;
}

export interface RedriveResult {
  /** The host as the run left it (or as far as the re-drive got); undefined when the run could not open. */
  host: CaseHost | undefined;
  procedure: ProcedureDefinition | undefined;
  rules: HostRules;
  /** The first mismatch, if any: the run is not one the workflow could have recorded. */
  mismatch: Mismatch | undefined;
  /** What the re-drive says the run ended with (undefined while open). */
  expectedEnd: RunEnd | undefined;
  /** Workflow time of the run's last activation. */
  lastAtMs: number;
}

const json = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));
const iso = (ms: number) => new Date(ms).toISOString();

class Stop extends Error {}

type WaitState =
  | { kind: 'start' }
  | { kind: 'condition' }
  | { kind: 'timer'; timer: PendingTimer; seenVersion: number }
  | { kind: 'closing' }
  | { kind: 'ended' };

/** Re-drives `run` of the case `workflowId`. */
export function redriveRun(run: CaseRun, workflowId: string): RedriveResult {
  return new RunRedrive(run, workflowId).drive();
}

class RunRedrive {
  private host: CaseHost | undefined;
  private procedure: ProcedureDefinition | undefined;
  private readonly rules: HostRules;
  private readonly updateReceipts: boolean;
  private readonly closingReasonSealed: boolean;
  private readonly keyScope: string;
  private lastAttributes = '';
  private memoClosingReason: string | null = null;
  private wait: WaitState = { kind: 'start' };
  private nowMs = 0;
  private activation: Activation | undefined;
  private expected: ActivationCommands = emptyCommands();
  private readonly started = new Map<number, QueuedEffect>();
  private expectedEnd: RunEnd | undefined;
  private mismatch: Mismatch | undefined;

  constructor(
    private readonly run: CaseRun,
    private readonly workflowId: string,
  ) {
    const has = (id: string) => run.patches.has(id);
    this.rules = {
      hostV2: has(PATCHES.hostV2),
      effectTimeline: has(PATCHES.effectTimeline),
      meetingInvitations: has(PATCHES.meetingInvitations),
      forgedFactsRefused: has(PATCHES.forgedFacts),
    };
    this.updateReceipts = has(PATCHES.updateReceipts);
    this.closingReasonSealed = has(PATCHES.closingReasonSealed);
    this.keyScope = has(PATCHES.effectKeysPerCase) ? `${workflowId}/${run.firstExecutionRunId}` : workflowId;
  }

  drive(): RedriveResult {
    try {
      for (const activation of this.run.activations) {
        this.activation = activation;
        this.nowMs = activation.atMs;
        this.expected = emptyCommands();
        if (this.wait.kind === 'start') this.start();
        else this.resume();
        this.compare(activation);
      }
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
    }
    return {
      host: this.host,
      procedure: this.procedure,
      rules: this.rules,
      mismatch: this.mismatch,
      expectedEnd: this.expectedEnd,
      lastAtMs: this.nowMs,
    };
  }

  // -------------------------------------------------------------------------------------------
  // The workflow, step by step

  private start(): void {
    const input = this.run.input;
    try {
      this.procedure = getProcedure(input.procedureId, input.procedureVersion ?? (this.rules.hostV2 ? undefined : 1));
    } catch (err) {
      this.end({ kind: 'failed', message: (err as Error).message });
      return;
    }
    const setup = { procedure: this.procedure, rules: this.rules };
    // The host keeps (and grows) what it resumes from: a copy, so the run read from the history stays as recorded.
    if (input.carried) this.host = CaseHost.resume(setup, structuredClone(input.carried));
    else {
      try {
        this.host = CaseHost.open(setup, input, this.nowMs);
      } catch (err) {
        if (!(err instanceof InvalidCaseInputError)) throw err;
        this.end({ kind: 'failed', message: err.message });
        return;
      }
    }
    // Buffered messages reach their handlers as the workflow sets them: the Update's first, then the Signal's.
    const jobs = this.activation!.jobs;
    for (const job of jobs) if (job.kind === 'update') this.update(job.updateId, job.arg);
    for (const job of jobs) if (job.kind === 'signal') this.signal(job.name, job.arg);
    const other = jobs.find((job) => job.kind !== 'update' && job.kind !== 'signal');
    if (other) this.fail(`Første arbeidsoppgave fikk «${other.kind}», som bare kan komme senere.`, undefined, other);
    this.updateSearchAttributes();
    this.loop();
  }

  private resume(): void {
    const jobs = this.activation!.jobs;
    for (const job of jobs) {
      if (job.kind === 'update') this.update(job.updateId, job.arg);
      else if (job.kind === 'signal') this.signal(job.name, job.arg);
    }
    for (const job of jobs) {
      if (job.kind === 'activityResult' || job.kind === 'activityFailure') {
        const effect = this.started.get(job.scheduledEventId);
        if (!effect) this.fail('Et aktivitetsresultat hører ikke til noen virkning saken startet.', undefined, job);
        if (job.kind === 'activityResult') this.host!.effectDelivered(effect!, (job.result ?? {}) as EffectDelivery, this.nowMs);
        else this.host!.effectFailed(effect!, job.message, this.nowMs);
      }
    }
    if (jobs.some((job) => job.kind === 'cancelRequested')) {
      this.fail('Saken ble bedt om å avbrytes utenfor rutinen.', undefined, 'cancelRequested');
    }
    const timerFired = jobs.some((job) => job.kind === 'timerFired');
    const wait = this.wait;
    if (wait.kind === 'ended') {
      if (jobs.length > 0) this.fail('Saken fikk hendelser etter at kjøringen var ferdig.', undefined, jobs);
      return;
    }
    if (wait.kind === 'closing') {
      this.closeIfDone();
      return;
    }
    if (wait.kind === 'condition') {
      if (timerFired) this.fail('En tidsfrist løp ut uten at saken hadde satt den.', undefined, 'timerFired');
      if (this.woken(wait)) this.loop();
      return;
    }
    if (wait.kind === 'timer') {
      if (this.woken(wait)) {
        // The condition won: its timer is cancelled, unless it fired in the same activation.
        if (!timerFired) this.expected.timersCancelled += 1;
        this.loop();
        return;
      }
      if (timerFired) {
        if (this.host!.isPending(wait.timer)) this.fireTimer(wait.timer);
        this.loop();
      }
    }
  }

  private woken(wait: { kind: string; seenVersion?: number }): boolean {
    const host = this.host!;
    const seen = wait.kind === 'timer' ? (wait as { seenVersion: number }).seenVersion : this.conditionSeenVersion;
    return host.hasQueuedEffects || !host.isActive || host.timersVersion !== seen || this.shouldContinueAsNew();
  }

  private conditionSeenVersion = 0;

  private loop(): void {
    const host = this.host!;
    for (;;) {
      this.startQueuedEffects();
      if (!host.isActive) {
        host.finish();
        this.startQueuedEffects();
        this.wait = { kind: 'closing' };
        this.closeIfDone();
        return;
      }
      if (this.shouldContinueAsNew()) {
        this.end({
          kind: 'continuedAsNew',
          input: { ...this.run.input, procedureVersion: this.procedure!.version, carried: host.carried() },
          newRunId: '',
        });
        return;
      }
      const next = host.nextTimer();
      if (next && host.isDueNow(next, this.nowMs)) {
        this.fireTimer(next);
        continue;
      }
      const seenVersion = host.timersVersion;
      if (!next) {
        this.conditionSeenVersion = seenVersion;
        this.wait = { kind: 'condition' };
        return;
      }
      this.expected.timers.push({ timerId: '', durationMs: Math.max(1, next.dueAtMs - this.nowMs) });
      this.wait = { kind: 'timer', timer: next, seenVersion };
      return;
    }
  }

  private closeIfDone(): void {
    if (this.host!.hasUnfinishedEffects) return;
    this.updateSearchAttributes();
    this.end({ kind: 'completed', result: this.host!.view(this.workflowId, this.nowMs) });
  }

  private end(end: RunEnd): void {
    this.expectedEnd = end;
    this.expected.end = end;
    this.wait = { kind: 'ended' };
  }

  private shouldContinueAsNew(): boolean {
    const a = this.activation!;
    const limit = this.run.input.historyEventLimit;
    return a.continueAsNewSuggested || (limit !== undefined && a.historyLength >= limit);
  }

  private fireTimer(timer: PendingTimer): void {
    this.host!.fireTimer(timer, this.nowMs);
    this.updateSearchAttributes();
  }

  private startQueuedEffects(): void {
    for (const effect of this.host!.startQueuedEffects()) {
      this.expected.activities.push({ eventId: 0, name: effect.name, input: json(this.host!.effectInput(effect, this.keyScope)) });
      this.pendingStarts.push(effect);
    }
  }

  private pendingStarts: QueuedEffect[] = [];

  private update(updateId: string, raw: unknown): void {
    const host = this.host;
    if (!host) return;
    try {
      host.validateUpdate(raw);
    } catch (err) {
      this.fail('Saken tok imot en hendelse som rutinen ville ha avvist.', (err as Error).message, raw);
    }
    const { applied, event } = host.acceptUpdate(raw, this.nowMs);
    if (applied) this.updateSearchAttributes();
    const result = this.updateReceipts ? host.receipt(applied, event) : { applied, view: host.view(this.workflowId, this.nowMs) };
    this.expected.updateOutcomes.push({ updateId, result: json(result) });
  }

  private signal(name: string, raw: unknown): void {
    if (name !== 'absenceFacts' || !this.host) return;
    if (this.host.receiveFact(raw, this.nowMs)) this.updateSearchAttributes();
  }

  private updateSearchAttributes(): void {
    const { schoolId, procedureId, openedAt, ...attributes } = this.host!.attributes();
    const key = JSON.stringify(attributes);
    if (key === this.lastAttributes) return;
    this.lastAttributes = key;
    const closingReason = attributes.closingReason ?? null;
    if (this.closingReasonSealed && closingReason !== this.memoClosingReason) {
      this.memoClosingReason = closingReason;
      this.expected.memos.push({ closingReason });
    }
    this.expected.upserts.push(
      json({
        SchoolId: schoolId,
        ProcedureId: procedureId,
        CaseStage: attributes.stage,
        CaseStatus: attributes.status,
        NextDeadline: attributes.nextDeadline === null ? null : iso(attributes.nextDeadline),
        DeadlineOverdue: attributes.overdue,
        CaseOpenedAt: new Date(openedAt),
        ...(this.rules.hostV2
          ? {
              OverdueSince: attributes.overdueSince ? iso(attributes.overdueSince) : null,
              ...(this.closingReasonSealed ? {} : { CaseClosingReason: attributes.closingReason ?? null }),
            }
          : {}),
      }) as Record<string, unknown>,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Comparing with the history

  private compare(activation: Activation): void {
    const recorded = activation.commands;
    const expected = this.expected;
    const same = (what: string, e: unknown, r: unknown) => {
      const d = firstDifference(e, r);
      if (d) this.fail(d.path ? `${what} (${d.path})` : what, d.expected, d.recorded);
    };
    same('Søkeattributtene saken satte', expected.upserts, recorded.upserts);
    same('Notatfeltet (memo) saken satte', expected.memos, recorded.memos);
    same(
      'Aktivitetene (virkningene) saken startet',
      expected.activities.map((a) => ({ name: a.name, input: a.input })),
      recorded.activities.map((a) => ({ name: a.name, input: a.input })),
    );
    recorded.activities.forEach((a, i) => this.started.set(a.eventId, this.pendingStarts[i]!));
    this.pendingStarts = [];
    same('Tidsfristene saken avbrøt', expected.timersCancelled, recorded.timersCancelled);
    same(
      'Tidsfristene saken startet (varighet i ms)',
      expected.timers.map((t) => t.durationMs),
      recorded.timers.map((t) => t.durationMs),
    );
    for (const outcome of recorded.updateOutcomes) {
      const mine = expected.updateOutcomes.find((o) => o.updateId === outcome.updateId);
      if (!mine) this.fail('Saken svarte på en hendelse den ikke fikk i denne arbeidsoppgaven.', undefined, outcome);
      const answer = outcome.failure !== undefined ? { failure: outcome.failure } : outcome.result;
      same('Svaret saken ga på en hendelse', this.updateReceipts ? mine!.result : asRecordedView(mine!.result, answer), answer);
    }
    const unanswered = expected.updateOutcomes.filter((o) => !recorded.updateOutcomes.some((r) => r.updateId === o.updateId));
    if (unanswered.length > 0) this.fail('Saken svarte ikke på en hendelse den tok imot.', unanswered, undefined);
    const expectedEnd = endShape(expected.end) as { kind?: string; result?: unknown } | undefined;
    const recordedEnd = endShape(recorded.end) as { kind?: string; result?: unknown } | undefined;
    same(
      'Slik kjøringen sluttet',
      expectedEnd?.kind === 'completed' && recordedEnd?.kind === 'completed'
        ? { ...expectedEnd, result: asRecordedView(expectedEnd.result, recordedEnd.result) }
        : expectedEnd,
      recordedEnd,
    );
  }

  private fail(what: string, expected: unknown, recorded: unknown): never {
    this.mismatch = { at: iso(this.nowMs), what, expected, recorded };
    throw new Stop(what);
  }
}

/** A run's end as compared: the new run's id is the server's, never the workflow's. */
function endShape(end: RunEnd | undefined): unknown {
  if (!end) return undefined;
  if (end.kind === 'continuedAsNew') return { kind: end.kind, input: json(end.input) };
  if (end.kind === 'completed') return { kind: end.kind, result: json(end.result) };
  return json(end);
}

/**
 * A view (the legacy Update answer, the closed run's result) as the recorded one has it: the view
 * is a read model that has gained fields since older runs answered (who may send what, days
 * overdue), so only the fields the recorded view has are compared. What the case carries between
 * runs is compared whole.
 */
export function asRecordedView(expected: unknown, recorded: unknown): unknown {
  if (Array.isArray(expected) && Array.isArray(recorded))
    return expected.map((e, i) => (i < recorded.length ? asRecordedView(e, recorded[i]) : e));
  if (isPlainObject(expected) && isPlainObject(recorded)) {
    return Object.fromEntries(
      Object.entries(expected)
        .filter(([k]) => k in recorded)
        .map(([k, v]) => [k, asRecordedView(v, recorded[k])]),
    );
  }
  return expected;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function emptyCommands(): ActivationCommands {
  return { activities: [], timers: [], timersCancelled: 0, upserts: [], memos: [], updateOutcomes: [] };
}

export type { CaseWorkflowInput };
