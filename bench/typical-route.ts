/**
 * The typical route of a procedure, for the history benchmark (bench/history.ts): what a case of
 * about three months goes through, from opening (guardians contacted, meetings, plan or
 * agreement, evaluations) to closing, as a valid audit path the conformance replay can drive.
 *
 * The rule, so the route is reproducible. The audit's generated paths (audit/paths.ts) put a
 * path's events a minute apart; a real case spreads them over months, and deadlines fall due in
 * between. So every generated path that ends with the case closed is spread over `SPAN_DAYS`:
 * its events and deadlines keep their order; event k of n moves by whole days (same time of day,
 * every date inside the event moved with it) to about k/n of the span after the opening, but,
 * like a school that keeps its deadlines, before the next deadline pending falls due (at least a
 * minute after the step before); the closing comes at the span's end; all on weekdays (a weekend
 * day moves back to Friday). Before each event every deadline the case host has due by then
 * fires, as a delay step, and each step's expected state comes from the host. A spread path the
 * host refuses a step of, or that ends more than a week after the span, is dropped. The route is
 * the spread path with the most events (a person's steps and detection's facts); ties: fewer
 * deadlines fired, then the first generated. If no path spreads, the generated closing path with
 * the most steps is used as it is.
 */
import { shiftDateString } from '../audit/conformance';
import { expectedOf } from '../audit/model';
import { generatePaths } from '../audit/paths';
import type { AuditPath, PathStep } from '../audit/types';
import type { CaseEvent } from '../machines/events';
import type { ProcedureDefinition } from '../machines/registry';
import { CURRENT_HOST_RULES, CaseHost } from '../workflows/case-host';

/** About three months: the typical case. */
export const SPAN_DAYS = 91;
const DAY_MS = 24 * 60 * 60 * 1000;
/** An event comes at least this long after the step before it. */
const STEP_GAP_MS = 60 * 1000;

export interface TypicalRoute {
  path: AuditPath;
  /** The generated path it was spread from. */
  fromPathId: string;
  /** Whether its events were spread over the span (false: the generated path as it was). */
  spread: boolean;
  /** Days from opening to its last step. */
  days: number;
}

const endsClosed = (path: AuditPath): boolean => (path.steps.at(-1)?.expected.status ?? path.initial.status) === 'done';
const stepAtMs = (step: PathStep): number => Date.parse(step.kind === 'event' ? step.event.at : step.dueAt);

function shiftDeep<T>(value: T, days: number): T {
  if (typeof value === 'string') return shiftDateString(value, days) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => shiftDeep(item, days)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shiftDeep(item, days)])) as T;
  }
  return value;
}

/** Whole days to go back from `atMs` to the Friday before, on a weekend (0 on a weekday). */
function weekendBack(atMs: number): number {
  const day = new Date(atMs).getUTCDay();
  return day === 6 ? 1 : day === 0 ? 2 : 0;
}

/** `path` with its events spread over `spanDays`; undefined when the host refuses a step of it. */
export function spreadPath(procedure: ProcedureDefinition, path: AuditPath, spanDays = SPAN_DAYS): AuditPath | undefined {
  const openedMs = Date.parse(path.facts.openedAt);
  const host = CaseHost.open(
    { procedure, rules: CURRENT_HOST_RULES },
    { facts: path.facts, policyOverrides: path.policyOverrides },
    openedMs,
  );
  const events = path.steps.filter((s) => s.kind === 'event').length;
  const steps: PathStep[] = [];
  let clockMs = openedMs;
  let eventIndex = 0;
  const fire = (): boolean => {
    const timer = host.nextTimer();
    if (!timer) return false;
    host.fireTimer(timer, timer.dueAtMs);
    clockMs = Math.max(clockMs, timer.dueAtMs);
    steps.push({
      kind: 'delay',
      delayName: timer.name,
      timerId: timer.id,
      dueAt: new Date(timer.dueAtMs).toISOString(),
      expected: expectedOf(host.snapshot),
    });
    return timer.name !== undefined;
  };
  for (const step of path.steps) {
    if (!host.isActive) return undefined;
    if (step.kind === 'delay') {
      // The route's own deadline: fire the host's deadlines in order until it has.
      for (;;) {
        const next = host.nextTimer();
        if (!next) return undefined;
        fire();
        if (next.name === step.delayName) break;
        if (!host.isActive) return undefined;
      }
      continue;
    }
    eventIndex += 1;
    const originalMs = stepAtMs(step);
    const closing = step.event.type === 'case.closed';
    // Evenly spread, the closing at the span's end; every other step before the next deadline falls due.
    const next = host.nextTimer();
    let latestMs = openedMs + Math.round((eventIndex * spanDays) / events) * DAY_MS;
    if (!closing && next) latestMs = Math.min(latestMs, next.dueAtMs - STEP_GAP_MS);
    let days = Math.floor((latestMs - originalMs) / DAY_MS);
    days -= weekendBack(originalMs + days * DAY_MS);
    // Never before the step before it: whole days later until it is after the clock, on a weekday.
    while (originalMs + days * DAY_MS < clockMs + STEP_GAP_MS || weekendBack(originalMs + days * DAY_MS) > 0) days += 1;
    const atMs = originalMs + days * DAY_MS;
    while (host.isActive && host.nextTimer() && host.nextTimer()!.dueAtMs <= atMs) fire();
    if (!host.isActive) return undefined;
    const event = shiftDeep(step.event, days) as CaseEvent;
    if (host.refusal(event, step.via) !== undefined) return undefined;
    host.applyEvent(event, atMs);
    clockMs = atMs;
    steps.push({ ...step, event, expected: expectedOf(host.snapshot) });
  }
  if (host.isActive) return undefined;
  return { ...path, id: `${path.id}~${spanDays}d`, purpose: `${path.purpose}, spread over ${spanDays} days`, steps };
}

/** The procedure's typical route by the rule above. */
export function typicalRoute(procedure: ProcedureDefinition, spanDays = SPAN_DAYS): TypicalRoute {
  const candidates = generatePaths(procedure)
    .map((path, order) => ({ path, order }))
    .filter(({ path }) => endsClosed(path))
    .sort((a, b) => b.path.steps.length - a.path.steps.length || a.order - b.order)
    .map(({ path }) => path);
  const first = candidates[0];
  if (!first) throw new Error(`procedure ${procedure.id}: no generated path ends with the case closed`);
  const days = (path: AuditPath) => {
    const last = path.steps.at(-1);
    return last ? (stepAtMs(last) - Date.parse(path.facts.openedAt)) / DAY_MS : 0;
  };
  const spreads = candidates
    .map((candidate, order) => ({ candidate, order, spread: spreadPath(procedure, candidate, spanDays) }))
    .filter((x): x is typeof x & { spread: AuditPath } => x.spread !== undefined && days(x.spread) <= spanDays + 7);
  const delays = (path: AuditPath) => path.steps.filter((s) => s.kind === 'delay').length;
  const evts = (path: AuditPath) => path.steps.length - delays(path);
  spreads.sort((a, b) => evts(b.spread) - evts(a.spread) || delays(a.spread) - delays(b.spread) || a.order - b.order);
  if (process.env.ROUTE_DEBUG)
    for (const x of spreads.slice(0, 5)) console.log(' ', x.candidate.id, evts(x.spread), delays(x.spread), days(x.spread));
  const best = spreads[0];
  if (best) return { path: best.spread, fromPathId: best.candidate.id, spread: true, days: days(best.spread) };
  return { path: first, fromPathId: first.id, spread: false, days: days(first) };
}
