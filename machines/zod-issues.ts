/**
 * One way to say what was wrong with a value zod refused: `field.path: message` per issue, so
 * every error in the product names the field at fault the same way.
 */
import type { z } from 'zod';

/** The issues of `error` as `path: message`; `whole` names the value when the path is empty. */
export function describeIssues(error: z.ZodError, whole = '(value)'): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || whole}: ${issue.message}`);
}
