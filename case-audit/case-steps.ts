/**
 * A replayed case's history as one list of steps, oldest first: the route through the machine
 * (which state after each step) joined with the timeline (who did it, when it happened, when the
 * case took it, when a deadline fell due). The rule checks (checks.ts) read only these steps, the
 * case's view and its procedure, so they are pure and testable without Temporal.
 */
import type { AnyStateNode } from 'xstate';
import type { StateMeta } from '../machines/meta';
import type { ProcedureDefinition } from '../machines/registry';
import type { CaseView, RouteEntry, TimelineEntry } from '../workflows/case-messages';

export interface EventStep {
  kind: 'event';
  type: string;
  actorRole: string;
  /** When it happened (the event's own time, never later than when the case took it), ISO. */
  at: string;
  /** When the case took it (workflow time), ISO. */
  appliedAt: string;
  pathBefore: string;
  pathAfter: string;
  /** The step closed the case. */
  closed: boolean;
  /** The event's own fields (absent for runs before `case-host-2`). */
  data: Record<string, unknown>;
}

export interface DeadlineStep {
  kind: 'deadline';
  name: string;
  /** When it fell due (its firing time in runs before `case-host-2`, which did not record it). */
  dueAt: string;
  firedAt: string;
  pathBefore: string;
  pathAfter: string;
  closed: boolean;
}

export type CaseStep = EventStep | DeadlineStep;

/**
 * The steps of a case from its route and timeline. Each route entry after the opening is one
 * step; the timeline has an `event` entry for every event step and a `deadline` entry for every
 * deadline step, in the same order (the host records both as it applies a step).
 */
export function caseSteps(route: readonly RouteEntry[], timeline: readonly TimelineEntry[], closedAtEnd: boolean): CaseStep[] {
  const events = timeline.filter((e): e is Extract<TimelineEntry, { kind: 'event' }> => e.kind === 'event');
  const deadlines = timeline.filter((e): e is Extract<TimelineEntry, { kind: 'deadline' }> => e.kind === 'deadline');
  let ei = 0;
  let di = 0;
  const steps: CaseStep[] = [];
  route.forEach((entry, i) => {
    if (entry.cause === 'opened') return;
    const pathBefore = route[i - 1]?.path ?? '';
    const closed = closedAtEnd && i === route.length - 1;
    if (entry.cause.startsWith('after:')) {
      const d = deadlines[di++];
      steps.push({
        kind: 'deadline',
        name: entry.cause.slice('after:'.length),
        dueAt: d?.dueAt ?? d?.firedAt ?? entry.at,
        firedAt: d?.firedAt ?? entry.at,
        pathBefore,
        pathAfter: entry.path,
        closed,
      });
      return;
    }
    const e = events[ei++];
    const appliedAt = e?.appliedAt ?? entry.at;
    const at = e && Date.parse(e.at) < Date.parse(appliedAt) ? e.at : appliedAt;
    steps.push({
      kind: 'event',
      type: entry.cause,
      actorRole: e?.actor.role ?? 'system',
      at,
      appliedAt,
      pathBefore,
      pathAfter: entry.path,
      closed,
      data: e?.data ?? {},
    });
  });
  return steps;
}

/** The state nodes of a dotted path, innermost first (the leaf, then its ancestors). */
export function statesOf(procedure: ProcedureDefinition, path: string): { path: string; meta: StateMeta | undefined }[] {
  if (path === '') return [];
  const parts = path.split('.');
  const out: { path: string; meta: StateMeta | undefined }[] = [];
  for (let i = parts.length; i > 0; i -= 1) {
    const prefix = parts.slice(0, i).join('.');
    let node: AnyStateNode | undefined;
    try {
      node = procedure.machine.getStateNodeById(`${procedure.machine.id}.${prefix}`);
    } catch {
      node = undefined;
    }
    out.push({ path: prefix, meta: node?.meta as StateMeta | undefined });
  }
  return out;
}

/** The clauses of the state at `path` (its leaf's, or the nearest ancestor's that has any). */
export function clausesAt(procedure: ProcedureDefinition, path: string): string[] {
  for (const { meta } of statesOf(procedure, path)) if (meta && meta.clauses.length > 0) return [...meta.clauses];
  return [];
}

/** The label of the state at `path` (Norwegian), or the path's last part if it has none. */
export function labelAt(procedure: ProcedureDefinition, path: string): string {
  return statesOf(procedure, path)[0]?.meta?.label ?? path.split('.').pop() ?? path;
}

/** The path the case was in at `atMs` (the last route entry at or before it). */
export function pathAt(route: readonly Pick<RouteEntry, 'path' | 'at'>[], atMs: number): string {
  let path = route[0]?.path ?? '';
  for (const entry of route) {
    if (Date.parse(entry.at) > atMs) break;
    path = entry.path;
  }
  return path;
}

/** The view's parts the checks read besides the steps. */
export type CheckedView = Pick<
  CaseView,
  'caseId' | 'workflowId' | 'schoolId' | 'pupilId' | 'openedAt' | 'status' | 'timeline' | 'documents' | 'triggers' | 'closing'
>;
