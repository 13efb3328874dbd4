/**
 * Every activity the case worker registers: one per declared effect (activities/effects/, one
 * module each: input, Norwegian wording, handler) and the daily detection run (detection.ts).
 * `createWorkerActivities(deps)` is the one builder: the worker, the workflow tests and the
 * audit's conformance run all build their activities with it, so an effect that needs a new
 * dependency is wired in one place.
 */
import { createDetectionActivities, type DetectionActivities, type DetectionActivityDependencies } from './detection';
import { type EffectActivities, type EffectDependencies, createEffectActivities } from './effects';
import { EFFECT_NON_RETRYABLE_ERROR_TYPES } from '../workflows/activity-errors';

export { type EffectActivities, type EffectActivityInput, type EffectDelivery, createEffectActivities } from './effects';

/** Error type names that Temporal must not retry for an effect (the constants live in workflows/activity-errors.ts). */
export const NON_RETRYABLE_ERROR_TYPES = EFFECT_NON_RETRYABLE_ERROR_TYPES;

/** The effect activities, as the case workflow proxies them. */
export type CaseActivities = EffectActivities;
export type ActivityDependencies = EffectDependencies;

/** The effect activities alone (for callers that register more of their own, e.g. bench/). */
export const createActivities = createEffectActivities;

export interface WorkerActivityDependencies extends EffectDependencies {
  /** Where the worker also runs daily detection: what the run reads and whom it delivers to. */
  detection?: DetectionActivityDependencies;
}

/** Everything a case worker registers: the effect activities, and the detection run where it is given its dependencies. */
export type WorkerActivities = EffectActivities & Partial<DetectionActivities>;

/** Builds the activities a case worker registers. */
export function createWorkerActivities({ detection, ...effects }: WorkerActivityDependencies): WorkerActivities {
  return { ...createEffectActivities(effects), ...(detection ? createDetectionActivities(detection) : {}) };
}
