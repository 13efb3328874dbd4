/**
 * Detection thresholds per procedure: every count and window the detection rules use, with the
 * seed's value as default. The defaults are part of each procedure's definition
 * (`detection.defaults` in machines/registry.ts); a municipality overrides single values; the
 * override is validated and a bad or unknown field is refused by name (a typo must not silently
 * fall back to a default).
 */
import { type DetectionPolicy, detectionPolicySchema } from '../machines/detection-policy';
import { type ProcedureRegistry, procedureRegistry } from '../machines/registry';
import { describeIssues, parseOptions } from '../machines/zod-issues';

export { type DetectionPolicy, detectionPolicySchema } from '../machines/detection-policy';

/** Thrown when a detection policy override is invalid; the message names every bad field. */
export class InvalidDetectionPolicyError extends Error {
  override name = 'InvalidDetectionPolicyError';
}

/**
 * The detection policy for a procedure: its definition's defaults with a municipality's
 * overrides. Unknown fields and bad values throw InvalidDetectionPolicyError naming the field.
 */
export function resolveDetectionPolicy(
  procedureId: string,
  overrides?: unknown,
  registry: ProcedureRegistry = procedureRegistry,
): DetectionPolicy {
  if (!registry.has(procedureId)) {
    throw new InvalidDetectionPolicyError(
      `Ingen terskler for fraværsdeteksjon for rutinen «${procedureId}»; kjente rutiner: ${registry.ids().join(', ')}.`,
    );
  }
  const defaults = registry.get(procedureId).detection.defaults;
  const partial = detectionPolicySchema
    .partial()
    .strict()
    .safeParse(overrides ?? {}, parseOptions);
  if (!partial.success) {
    const lines = describeIssues(partial.error, '(detectionOverrides)', overrides);
    throw new InvalidDetectionPolicyError(
      `Ugyldige terskler for fraværsdeteksjon (detectionOverrides) for rutinen «${procedureId}»: ${lines.join('; ')}`,
    );
  }
  return detectionPolicySchema.parse({ ...defaults, ...partial.data });
}
