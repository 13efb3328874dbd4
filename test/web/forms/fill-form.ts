/**
 * Fills a rendered form the way a browser would post it: every name given must be an input the
 * markup has (and, for radio buttons and checkboxes, one of its values), so a test that fills a
 * name the renderer does not produce fails instead of passing through readFormValues alone.
 */
import type { FormBody } from '../../../web/forms/parse-form';

/** The names of the inputs in `markup`, with the values of its radio buttons and checkboxes. */
function inputsOf(markup: string): Map<string, Set<string>> {
  const inputs = new Map<string, Set<string>>();
  for (const tag of markup.match(/<(input|textarea|select)\b[^>]*>/g) ?? []) {
    const name = /\sname="([^"]*)"/.exec(tag)?.[1];
    if (name === undefined) continue;
    const values = inputs.get(name) ?? new Set<string>();
    const value = /\svalue="([^"]*)"/.exec(tag)?.[1];
    if (/type="(radio|checkbox)"/.test(tag) && value !== undefined) values.add(value);
    inputs.set(name, values);
  }
  return inputs;
}

export function fillForm(markup: string, entries: Record<string, string | string[]>): FormBody {
  const inputs = inputsOf(markup);
  for (const [name, value] of Object.entries(entries)) {
    const choices = inputs.get(name);
    if (!choices) throw new Error(`the form has no input named «${name}»; it has: ${[...inputs.keys()].join(', ')}`);
    for (const v of Array.isArray(value) ? value : [value]) {
      if (choices.size > 0 && !choices.has(v)) throw new Error(`«${name}» has no choice «${v}»; it has: ${[...choices].join(', ')}`);
    }
  }
  return { ...entries };
}
