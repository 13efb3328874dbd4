/**
 * Server-rendered HTML without a template engine or a build step: `html` is a tagged template
 * that escapes every interpolated value unless it is already `SafeHtml` (another `html` result,
 * or `raw` for markup the server made itself, e.g. an SVG diagram). Arrays are joined, `null`,
 * `undefined` and `false` render as nothing, so conditionals read `${cond && html`…`}`.
 * Escaping by default is what keeps a pupil's name or a note typed into a form from ever
 * becoming markup (XSS).
 */

/** Markup that is already safe to send: produced by `html` or `raw`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for an element's content or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A value the template may interpolate. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

/** The tagged template: `html`<p>${name}</p>`` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup the server produced itself and vouches for (never user input). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
