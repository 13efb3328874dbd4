/**
 * Error type names that activities throw and that the workflows' activity proxies refuse to
 * retry (`nonRetryableErrorTypes`): one constant each, so the two sides cannot drift apart. Here
 * in workflows/ because workflows may import values only from machines/ and workflows/;
 * activities import them from here.
 */

/** An activity's input failed its zod schema: retrying the same input cannot help. */
export const INVALID_ACTIVITY_INPUT = 'InvalidActivityInput';
/** The school directory is broken: a person must fix it before detection can run. */
export const INVALID_SCHOOL_DIRECTORY = 'InvalidSchoolDirectory';

/** What the effect activities' proxies never retry. */
export const EFFECT_NON_RETRYABLE_ERROR_TYPES: readonly string[] = [INVALID_ACTIVITY_INPUT];
/** What the daily detection activity's proxy never retries. */
export const DETECTION_NON_RETRYABLE_ERROR_TYPES: readonly string[] = [INVALID_ACTIVITY_INPUT, INVALID_SCHOOL_DIRECTORY];
