/**
 * The one safe shape of the identifiers the product takes from outside (imported files, the
 * case CLI, later the web application): school ids, pupil ids and grades. Everything that stores
 * an id, builds a workflow id from it or writes it to a file or a terminal validates it here
 * first, so a value such as `=CMD()|calc` never becomes a pupil, a case or a spreadsheet formula.
 * Pure (zod only, no I/O), so machines, workflows, the intake and the CLIs can all use it.
 */
import { z } from 'zod';

/**
 * School id: a letter or digit first, then letters, digits, `_` or `.`, 1–32 characters
 * (`S001`, `nordby.skole`). No hyphen: the case workflow id is `fravaerssak-<school>-<pupil>`,
 * and a hyphen in the school id would let two different school + pupil pairs give the same
 * workflow id (`a-b` + `c` and `a` + `b-c`). No `|` either: it separates the parts of a
 * registration's identity key. Only ASCII letters, so the id is also a safe file name.
 */
export const SCHOOL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.]{0,31}$/;

/**
 * Pupil id: a letter or digit first, then letters, digits, `-`, `_` or `.`, 1–64 characters
 * (`E000123`, `elev-1`). The first character can never be `=`, `+`, `-` or `@`, so an id
 * written to CSV can never be read as a spreadsheet formula; the hyphen is harmless after it
 * because the school id before it in the workflow id has none.
 */
export const PUPIL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Lowest grade of Norwegian primary and lower secondary school (grunnskole). */
export const MIN_GRADE = 1;
/** Highest grade of grunnskole: absence follow-up under opplæringslova § 10-6 is for grades 1–10. */
export const MAX_GRADE = 10;

const SCHOOL_ID_RULE = 'bruk bokstaver, sifre, understrek og punktum (1–32 tegn, første tegn bokstav eller siffer, ingen bindestrek)';
const PUPIL_ID_RULE = 'bruk bokstaver, sifre, bindestrek, understrek og punktum (1–64 tegn, første tegn bokstav eller siffer)';

export function isValidSchoolId(value: unknown): value is string {
  return typeof value === 'string' && SCHOOL_ID_PATTERN.test(value);
}

export function isValidPupilId(value: unknown): value is string {
  return typeof value === 'string' && PUPIL_ID_PATTERN.test(value);
}

/** A whole number from MIN_GRADE to MAX_GRADE. */
export function isValidGrade(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_GRADE && value <= MAX_GRADE;
}

/** Longest part of a bad value echoed in a message; a whole 10 000-character cell helps nobody. */
const MAX_ECHO = 80;

/**
 * A bad value quoted for a Norwegian message, `«value»`: strings as given, other values as JSON.
 * Control characters and bidirectional overrides are shown escaped (`\n`, `\u202e`), so a value
 * cannot rewrite the terminal or reorder the message it is echoed in; long values are shortened.
 */
export function quoteValue(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined ? 'undefined' : (JSON.stringify(value) ?? String(value));
  const shown = text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}… (${text.length} tegn)` : text;
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const escaped = shown.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (char) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `«${escaped}»`;
}

/** An id schema: missing, not text and not matching the pattern each get a message naming the field. */
function idSchema(label: string, isValid: (value: string) => boolean, rule: string) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `${label} mangler` : `${label} ${quoteValue(issue.input)} må være tekst`) })
    .refine(isValid, {
      error: (issue) => (issue.input === '' ? `${label} mangler` : `${label} ${quoteValue(issue.input)} er ugyldig: ${rule}`),
    });
}

/** A school id (SCHOOL_ID_PATTERN); e.g. `skole-id «skole-1» er ugyldig: bruk bokstaver, …`. */
export const schoolIdSchema = idSchema('skole-id', isValidSchoolId, SCHOOL_ID_RULE);

/** A pupil id (PUPIL_ID_PATTERN); e.g. `elev-id «=CMD()|calc» er ugyldig: bruk bokstaver, …`. */
export const pupilIdSchema = idSchema('elev-id', isValidPupilId, PUPIL_ID_RULE);

/**
 * A grade, MIN_GRADE–MAX_GRADE, the same rule for the intake and for opening a case; the message
 * echoes the value, e.g. `trinn «14» må være fra 1 til 10`.
 */
export const gradeSchema = z
  .number({
    error: (issue) =>
      issue.input === undefined ? 'trinn mangler' : `trinn ${quoteValue(issue.input)} må være et tall fra ${MIN_GRADE} til ${MAX_GRADE}`,
  })
  .refine(isValidGrade, {
    error: (issue) =>
      Number.isInteger(issue.input)
        ? `trinn ${quoteValue(issue.input)} må være fra ${MIN_GRADE} til ${MAX_GRADE}`
        : `trinn ${quoteValue(issue.input)} må være et heltall fra ${MIN_GRADE} til ${MAX_GRADE}`,
  });
