/**
 * One case from its histories to its entry in the report: re-driven through the case host
 * (replay-case.ts), its view and steps read from the host, every rule checked (checks.ts), and
 * what the report may show of the pupil decided here (names only when allowed, pseudonyms and no
 * free text when asked for). Pure: no Temporal, no database; names come in as a lookup.
 */
import { createHmac } from 'node:crypto';
import { delayName } from '../machines/labels';
import type { CaseRun } from './history-run';
import { replayCase } from './replay-case';
import { type CaseFinding, checkCase, daysToFirstContact } from './checks';
import { caseSteps, clausesAt, labelAt, pathAt } from './case-steps';
import type { AuditedCase } from './report';

/** How the report names people. */
export interface Naming {
  /** Keyed pseudonyms for case and pupil ids, and no free text (the county governor's report). */
  pseudonymise: boolean;
  /** The key of the pseudonyms (the key ring's case id key). */
  pseudonymKey?: Buffer;
  /** The pupil's name, when the caller may see names (never asked when pseudonymising). */
  pupilName?: (schoolId: string, pupilId: string) => string | undefined;
}

/** A keyed pseudonym of `value` under `kind` (stable per key, not reversible without it). */
export function pseudonym(key: Buffer, kind: 'elev' | 'sak', schoolId: string, value: string): string {
  return `${kind}-${createHmac('sha256', key).update(`case-audit/${kind}/v1\u0000${schoolId}\u0000${value}`).digest('hex').slice(0, 16)}`;
}

/** Audits one case from its runs (oldest first) at `nowMs`. */
export function auditCase(workflowId: string, runs: readonly CaseRun[], nowMs: number, naming: Naming): AuditedCase {
  const replayed = replayCase(workflowId, runs);
  const conformance = replayed.issues.map((i) => ({
    kind: i.kind,
    runId: i.runId,
    at: i.at,
    message: naming.pseudonymise ? i.summary : i.message,
  }));
  const first = runs[0]!;
  const host = replayed.host;
  const procedure = replayed.procedure;
  const facts = first.input.facts;
  const schoolId = facts.schoolId;
  const key = naming.pseudonymKey ?? Buffer.alloc(0);
  const pupilRef = naming.pseudonymise ? pseudonym(key, 'elev', schoolId, facts.pupilId) : facts.pupilId;
  const caseIdRef = naming.pseudonymise ? pseudonym(key, 'sak', schoolId, facts.caseId) : facts.caseId;
  const pupilName = naming.pseudonymise ? undefined : naming.pupilName?.(schoolId, facts.pupilId);
  // The workflow id is a keyed hash already where cases are opened by the case client, but an
  // older or hand-made id may hold the pupil's id: the governor's report never relies on that.
  const caseRef = naming.pseudonymise ? pseudonym(key, 'sak', schoolId, `workflow/${workflowId}`) : workflowId;
  const toReportFinding = (f: CaseFinding) => reportFinding(f, caseRef);
  // A change outside the procedure breaks no one clause: it cites the clauses of the step the case was in when it happened.
  const route = host?.machineState().route ?? [];
  const clausesWhen = (at: string) => (procedure && route.length > 0 ? clausesAt(procedure, pathAt(route, Date.parse(at))) : []);
  const conformanceFindings: CaseFinding[] = replayed.issues.map((i) => ({
    rule: 'conformance',
    severity: 'high',
    workflowId,
    caseId: facts.caseId,
    schoolId,
    pupilId: facts.pupilId,
    procedureId: procedure?.id ?? first.input.procedureId,
    procedureVersion: procedure?.version ?? first.input.procedureVersion ?? 1,
    clauses: clausesWhen(i.at),
    at: i.at,
    message: naming.pseudonymise ? i.summary : i.message,
  }));
  // Who the case is about, as the report names it (pseudonyms in the governor's copy).
  const identity = { caseRef, caseId: caseIdRef, pupilId: pupilRef, ...(pupilName ? { pupilName } : {}), schoolId };
  if (!host || !procedure) {
    return {
      ...identity,
      procedure: { id: first.input.procedureId, version: first.input.procedureVersion ?? 1, name: first.input.procedureId },
      openedAt: facts.openedAt,
      status: 'closed',
      closing: null,
      runs: runs.length,
      conforming: conformance.length === 0,
      conformance,
      daysToFirstContact: null,
      deadlines: [],
      deliveries: [],
      documents: [],
      triggers: [],
      events: [],
      refusals: [],
      route: [],
      findings: conformanceFindings.map(toReportFinding),
    };
  }
  const view = host.view(workflowId, replayed.open ? nowMs : replayed.lastAtMs);
  const steps = caseSteps(route, view.timeline, view.status === 'closed');
  const policy = (host.context().policy ?? {}) as Record<string, unknown>;
  const checked = { procedure, view, steps, route, policy, nowMs, effectTimeline: host.rules.effectTimeline };
  // A closed case is judged at its closing: nothing it did not do after closing is late.
  const findings = [...conformanceFindings, ...checkCase(replayed.open ? checked : { ...checked, nowMs: replayed.lastAtMs })];
  const contactDays = daysToFirstContact({ view, steps });
  return {
    ...identity,
    procedure: { id: procedure.id, version: procedure.version, name: procedure.displayName },
    openedAt: view.openedAt,
    status: view.status,
    closing: view.closing
      ? { reason: view.closing.reason, at: view.closing.at, ...(naming.pseudonymise ? {} : { note: view.closing.note }) }
      : null,
    runs: runs.length,
    conforming: conformance.length === 0,
    conformance,
    daysToFirstContact: contactDays ?? null,
    deadlines: steps.flatMap((s) =>
      s.kind === 'deadline'
        ? [
            {
              name: s.name,
              label: delayName(s.name),
              routine: procedure.routineDelays.includes(s.name),
              dueAt: s.dueAt,
              firedAt: s.firedAt,
              missed: !procedure.routineDelays.includes(s.name),
            },
          ]
        : [],
    ),
    deliveries: view.timeline.flatMap((t) =>
      t.kind === 'effect'
        ? [
            {
              effect: t.name,
              subject: t.subject,
              issuedAt: t.issuedAt,
              deliveredAt: t.deliveredAt,
              recipients: [...t.recipients],
              persons: (t.deliveries ?? []).map((d) => ({ personId: d.personId, role: d.role, channel: d.channel, status: d.status })),
            },
          ]
        : [],
    ),
    documents: view.documents.map((d) => ({ kind: d.kind, at: d.at, ...(naming.pseudonymise ? {} : { ref: d.ref }) })),
    triggers: view.triggers.map((t) => ({ rule: t.rule, dates: [...t.dates], at: t.at, effect: t.effect })),
    events: steps.flatMap((s) => (s.kind === 'event' ? [{ type: s.type, actorRole: s.actorRole, at: s.at, appliedAt: s.appliedAt }] : [])),
    refusals: view.timeline.flatMap((t) => (t.kind === 'refused' ? [{ type: t.type, at: t.at }] : [])),
    route: route.map((r) => ({ path: r.path, label: r.path === '' ? '' : labelAt(procedure, r.path), cause: r.cause, at: r.at })),
    findings: findings.map(toReportFinding),
  };
}

function reportFinding(f: CaseFinding, caseRef: string): AuditedCase['findings'][number] {
  return {
    rule: f.rule,
    severity: f.severity,
    caseRef,
    schoolId: f.schoolId,
    procedureId: f.procedureId,
    procedureVersion: f.procedureVersion,
    clauses: f.clauses,
    at: f.at,
    ...(f.dueAt !== undefined ? { dueAt: f.dueAt } : {}),
    ...(f.doneAt !== undefined ? { doneAt: f.doneAt } : {}),
    ...(f.daysLate !== undefined ? { daysLate: f.daysLate } : {}),
    message: f.message,
  };
}
