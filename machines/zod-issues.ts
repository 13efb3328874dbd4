/**
 * One way to say what was wrong with a value zod refused, in Norwegian for the person who gave
 * it: `felt: melding (fikk «verdi»)` per issue, so every error in the product names the field at
 * fault and the bad value the same way.
 *
 * Schemas keep their own Norwegian messages where they have one; `norwegianErrors` words zod's
 * generic issues (wrong type, too small, not one of …) for the rest. Pass it per parse
 * (`parseOptions`), not globally: the workflow bundle shares zod with everything else.
 */
import type { z } from 'zod';
import { quoteValue } from './identifiers';

const typeNames: Record<string, string> = {
  string: 'tekst',
  number: 'et tall',
  int: 'et heltall',
  boolean: 'sann eller usann (true/false)',
  array: 'en liste',
  object: 'et objekt',
  date: 'en dato',
};

const formatNames: Record<string, string> = {
  date: 'en dato på formen åååå-mm-dd',
  datetime: 'et tidspunkt med tidssone, f.eks. 2026-09-01T08:15:00+02:00',
  email: 'en e-postadresse',
  url: 'en nettadresse',
  regex: 'på riktig form',
};

/** Zod's generic issues in Norwegian; messages a schema sets itself take precedence. */
export const norwegianErrors = (issue: z.core.$ZodRawIssue): string => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'mangler' : `må være ${typeNames[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `må være ${String(issue.values[0])}`
        : `må være en av: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? 'kan ikke være tom' : `må ha minst ${min} tegn`;
      if (issue.origin === 'array' || issue.origin === 'set') return min <= 1 ? 'må ha minst ett element' : `må ha minst ${min} elementer`;
      return issue.inclusive === false ? `må være større enn ${min}` : `må være minst ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `kan ha høyst ${max} tegn`;
      if (issue.origin === 'array' || issue.origin === 'set') return `kan ha høyst ${max} elementer`;
      return issue.inclusive === false ? `må være mindre enn ${max}` : `kan være høyst ${max}`;
    }
    case 'invalid_format':
      return `må være ${formatNames[issue.format] ?? `på formatet ${issue.format}`}`;
    case 'unrecognized_keys':
      return `${issue.keys.length > 1 ? 'ukjente felt' : 'ukjent felt'}: ${issue.keys.join(', ')} (feilstavet?)`;
    case 'invalid_union':
      return 'passer ikke med noen av de tillatte formene';
    case 'not_multiple_of':
      return `må være et multiplum av ${String(issue.divisor)}`;
    default:
      return 'ugyldig verdi';
  }
};

/** Options for `safeParse` that give Norwegian messages and keep each bad value for the echo. */
export const parseOptions = { error: norwegianErrors, reportInput: true } as const;

/** The value at `path` inside `root`, or undefined. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * The issues of `error` as `path: message (fikk «value»)`; `whole` names the value when the path
 * is empty. The bad value comes from the issue (with `parseOptions`) or from `input` by path; it
 * is left out where there is nothing to show (a missing field, an unknown field's whole object).
 */
export function describeIssues(error: z.ZodError, whole = '(verdi)', input?: unknown): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || whole;
    const raw = (issue as { input?: unknown }).input;
    const value = raw !== undefined ? raw : input !== undefined ? valueAt(input, issue.path) : undefined;
    const showValue =
      value !== undefined &&
      value !== '' &&
      issue.code !== 'unrecognized_keys' &&
      (typeof value !== 'object' || value === null || Array.isArray(value));
    return `${field}: ${issue.message}${showValue && !issue.message.includes('«') ? ` (fikk ${quoteValue(value)})` : ''}`;
  });
}
