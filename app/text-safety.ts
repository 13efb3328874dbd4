/**
 * Text the product writes for other programs to open (CSV files, text exports) must not turn into
 * a formula when a spreadsheet opens it: a cell starting with `=`, `+`, `-` or `@` is evaluated
 * by Excel and LibreOffice (`=HYPERLINK(...)`, `=CMD()|calc`), and so is one starting with a tab
 * or a carriage return once the spreadsheet trims it. Following OWASP's advice on CSV injection,
 * such a value is prefixed with a single quote, which spreadsheets show as text.
 */

/** First characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection). */
const FORMULA_PREFIX = /^[=+\-@\t\r]/;

/**
 * The value as it may be written to a CSV or text export: unchanged, or prefixed with `'` when
 * it starts with `=`, `+`, `-`, `@`, a tab or a carriage return. For text fields only: a negative
 * number written by the product itself (`-2`) would otherwise become the text `'-2`. Quoting for
 * delimiters and line breaks is the CSV writer's job and is applied after this.
 */
export function spreadsheetSafe(value: string): string {
  return FORMULA_PREFIX.test(value) ? `'${value}` : value;
}
