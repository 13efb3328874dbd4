/**
 * From a posted form (urlencoded strings) to the typed values the zod schemas check, and from
 * zod's refusal back to a Norwegian message beside each input.
 *
 * Converting never drops what the user typed: a value that cannot be converted (a number with
 * letters, a time that does not exist in Oslo) is passed on as the raw text, so the schema refuses
 * it with a message that names the field and shows the value. Only empty inputs are left out.
 */
import type { z } from 'zod';
import type { FormField } from './form-fields';
import { OSLO_TIME_ZONE, formatInTimeZone } from '../../app/oslo-time';
import { quoteValue } from '../../machines/identifiers';

/** A parsed urlencoded body: repeated names (checkboxes) arrive as arrays. */
export type FormBody = Record<string, string | string[] | undefined>;

/** The body's values under `name`, as a list (a checkbox group posts one entry per box). */
function allOf(body: FormBody, name: string): string[] {
  const value = body[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The single value under `name`, trimmed; a repeated name (a forged post) keeps every value, joined, so nothing is lost. */
function oneOf(body: FormBody, name: string): string {
  return allOf(body, name)
    .map((v) => v.trim())
    .filter((v) => v !== '')
    .join('\n');
}

/** Norwegian dd.mm.yyyy typed where no date picker is shown becomes yyyy-MM-dd; anything else stays as typed. */
export function toIsoDate(text: string): string {
  const norwegian = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  if (!norwegian) return text;
  return `${norwegian[3]}-${norwegian[2]!.padStart(2, '0')}-${norwegian[1]!.padStart(2, '0')}`;
}

/** A whole or decimal number (comma or point), or undefined. */
function toNumber(text: string): number | undefined {
  if (!/^-?\d+([.,]\d+)?$/.test(text)) return undefined;
  return Number(text.replace(',', '.'));
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** The zone's offset from UTC, in minutes, at `moment`. */
function offsetAt(moment: Date, timeZone: string): number {
  const wall = formatInTimeZone(moment, timeZone);
  const wallAsUtc = Date.parse(`${wall}:00Z`);
  const minute = Math.floor(moment.getTime() / 60_000) * 60_000;
  return Math.round((wallAsUtc - minute) / 60_000);
}

/**
 * An HTML datetime-local value (Europe/Oslo wall time, `yyyy-MM-ddTHH:mm[:ss]`) as an ISO time
 * with the offset Oslo had then: 2026-12-02T10:00 → 2026-12-02T10:00:00+01:00, in summer +02:00.
 * In the autumn hour that happens twice, the first (summer time) is meant. Undefined for text
 * that is no such time or a wall time that does not exist (the spring-forward hour).
 */
export function osloWallTimeToIso(text: string, timeZone = OSLO_TIME_ZONE): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) return undefined;
  const wall = `${match[1]}T${match[2]}:${match[3]}`;
  const seconds = match[4] ?? '00';
  const wallAsUtc = Date.parse(`${wall}:${seconds}Z`);
  if (Number.isNaN(wallAsUtc)) return undefined;
  // The offsets in force a day either side cover both sides of any change; the larger (earlier moment) first.
  const candidates = [
    ...new Set([offsetAt(new Date(wallAsUtc - 86_400_000), timeZone), offsetAt(new Date(wallAsUtc + 86_400_000), timeZone)]),
  ].sort((a, b) => b - a);
  for (const offset of candidates) {
    const moment = new Date(wallAsUtc - offset * 60_000);
    if (formatInTimeZone(moment, timeZone) === wall) return `${wall}:${seconds}${offsetText(offset)}`;
  }
  return undefined;
}

/** One scalar input's text as its typed value; undefined for an empty input. */
function scalarValue(field: FormField, text: string): unknown {
  if (text === '') return undefined;
  switch (field.kind) {
    case 'number':
      return toNumber(text) ?? text;
    case 'boolean':
      return text === 'ja' ? true : text === 'nei' ? false : text;
    case 'date':
      return toIsoDate(text);
    case 'datetime':
      return osloWallTimeToIso(text) ?? text;
    default:
      return text;
  }
}

/** A list's value: the items, or nothing at all when empty and the schema lets the key be absent. */
function listValue(field: FormField, items: unknown[]): unknown {
  return items.length === 0 && field.optional ? undefined : items;
}

function fieldValue(field: FormField, body: FormBody, name: string): unknown {
  switch (field.kind) {
    case 'choice':
      if (!field.multiple) return scalarValue(field, oneOf(body, name));
      return listValue(
        field,
        allOf(body, name)
          .map((v) => v.trim())
          .filter((v) => v !== ''),
      );
    case 'text-list': {
      const lines = allOf(body, name)
        .flatMap((v) => v.split(/\r\n|\r|\n/))
        .map((line) => line.trim())
        .filter((line) => line !== '');
      return listValue(field, field.item === 'date' ? lines.map(toIsoDate) : lines);
    }
    case 'group-list': {
      const rows: Record<string, unknown>[] = [];
      for (const index of rowIndexes(body, name)) {
        const row = readFormValues(field.fields, body, `${name}.${index}.`);
        if (Object.keys(row).length > 0) rows.push(row);
      }
      return listValue(field, rows);
    }
    case 'group': {
      const group = readFormValues(field.fields, body, `${name}.`);
      return Object.keys(group).length === 0 && field.optional ? undefined : group;
    }
    default:
      return scalarValue(field, oneOf(body, name));
  }
}

/** The row numbers posted for a group list, in order: whatever rows the page rendered (or added). */
function rowIndexes(body: FormBody, name: string): number[] {
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.`);
  const indexes = new Set<number>();
  for (const key of Object.keys(body)) {
    const match = pattern.exec(key);
    if (match) indexes.add(Number(match[1]));
  }
  return [...indexes].sort((a, b) => a - b);
}

/**
 * The typed values of `fields` from a posted body, read from `${prefix}${field.name}` (group-list
 * rows from `${prefix}${name}.${row}.${sub}`): trimmed text, empty optional inputs left out,
 * ja/nei as booleans, numbers, one list item per line, Oslo wall times with their offset, lists
 * of choices; empty group rows ignored. What cannot be converted stays as typed, for the schema to refuse.
 */
export function readFormValues(fields: readonly FormField[], body: FormBody, prefix: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const value = fieldValue(field, body, `${prefix}${field.name}`);
    if (value !== undefined) values[field.name] = value;
  }
  return values;
}

/** The label path of an issue: `Saker, rad 2, Sak`; undefined when the path leaves the fields. */
function labelOf(fields: readonly FormField[], path: readonly PropertyKey[]): string | undefined {
  const [head, ...rest] = path;
  const field = fields.find((f) => f.name === head);
  if (!field) return undefined;
  if (rest.length === 0) return field.label;
  if (field.kind === 'group') return [field.label, labelOf(field.fields, rest)].filter(Boolean).join(', ');
  if (field.kind === 'group-list' && typeof rest[0] === 'number') {
    const inner = rest.length > 1 ? labelOf(field.fields, rest.slice(1)) : undefined;
    return [field.label, `rad ${rest[0] + 1}`, inner].filter(Boolean).join(', ');
  }
  if ((field.kind === 'text-list' || field.kind === 'choice') && typeof rest[0] === 'number') return `${field.label}, punkt ${rest[0] + 1}`;
  return field.label;
}

/** The value an issue is about: zod reports it with `reportInput`, else it is looked up in `input`. */
function valueOf(issue: z.core.$ZodIssue, input: unknown): unknown {
  const reported = (issue as { input?: unknown }).input;
  if (reported !== undefined) return reported;
  let current = input;
  for (const key of issue.path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * zod's issues as Norwegian messages by input: the key is the issue's path joined with dots
 * (`evaluationDate`, `agenda.0.topic`, `measures.2`), the message names the field by its label and
 * shows the bad value: `Dato for evaluering: må være en dato på formen åååå-mm-dd (fikk «2026-13-01»)`.
 * Issues outside the fields (an unknown key, the event's type) go under the key ''.
 * Parse with `parseOptions` (machines/zod-issues.ts) so zod's own messages are Norwegian too.
 */
export function formErrors(error: z.ZodError, fields: readonly FormField[], input?: unknown): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const label = labelOf(fields, issue.path);
    const key = label === undefined ? '' : issue.path.map(String).join('.');
    const value = valueOf(issue, input);
    const showValue =
      value !== undefined &&
      value !== '' &&
      issue.code !== 'unrecognized_keys' &&
      (typeof value !== 'object' || value === null) &&
      !issue.message.includes('«');
    const where = label ?? (issue.path.map(String).join('.') || 'Skjemaet');
    const message = `${where}: ${issue.message}${showValue ? ` (fikk ${quoteValue(value)})` : ''}`;
    errors[key] = errors[key] ? `${errors[key]}; ${message}` : message;
  }
  return errors;
}
