/**
 * Per-procedure policies: every time limit and count a procedure states, with the seed's value
 * as default. A municipality overrides values without touching the chart; the override is
 * validated with the procedure's zod schema and a bad value is refused with its field named.
 */
import { z } from 'zod';
import { describeIssues, parseOptions } from './zod-issues';

/** Thrown when a policy override is invalid; the message names every bad field. */
export class InvalidPolicyError extends Error {
  override name = 'InvalidPolicyError';
}

/** A whole number of calendar days, at least `min`. */
export const calendarDays = (defaultValue: number, description: string, min = 1) =>
  z.number().int().min(min).max(3650).default(defaultValue).describe(`${description} (calendar days)`);

/**
 * Resolves a procedure policy from a municipality's overrides: unknown fields are refused (a
 * typo must not silently fall back to the default), missing fields take the seed's default.
 */
export function resolvePolicy<S extends z.ZodObject>(schema: S, overrides: unknown, procedureId: string): z.infer<S> {
  const result = schema.strict().safeParse(overrides ?? {}, parseOptions);
  if (!result.success) {
    const lines = describeIssues(result.error, '(policy)', overrides);
    throw new InvalidPolicyError(`Ugyldig policy for rutinen ${procedureId}: ${lines.join('; ')}`);
  }
  return result.data as z.infer<S>;
}
