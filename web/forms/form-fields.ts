/**
 * What one form input is, and how to read it off a zod schema: the web forms are derived from the
 * same zod 4 schemas that validate events and documents, so a new event or document field shows
 * up as an input by itself. The introspector knows a small set of zod types (strict objects,
 * optional, default, enum, array, boolean, number, string with iso date/datetime formats) and
 * throws, naming the field, on any other type or on a field without a Norwegian label, so a
 * schema change the forms cannot show fails a test instead of silently losing an input.
 */
import type { z } from 'zod';
import { NamedError } from '../../app/named-error';

/** What every input has. */
interface FieldBase {
  /** The schema key (the form posts it as `${prefix}${name}`). */
  name: string;
  /** Norwegian label shown to the user. */
  label: string;
  /** The user must fill it in (a scalar the schema requires; a list that needs at least one item). */
  required: boolean;
  /** The schema accepts the key being absent (optional or with a default): an empty input is left out. */
  optional: boolean;
  /** Norwegian help text shown under the label. */
  hint?: string;
}

export interface TextField extends FieldBase {
  kind: 'text';
  /** A textarea rather than a single line (long free text). */
  multiline: boolean;
  maxLength?: number;
  /** The schema's default, offered as the initial text. */
  defaultValue?: string;
}
/** A calendar date, yyyy-MM-dd. */
export interface DateField extends FieldBase {
  kind: 'date';
}
/** A moment, typed as Europe/Oslo wall time (HTML datetime-local) and sent with its offset. */
export interface DateTimeField extends FieldBase {
  kind: 'datetime';
}
export interface NumberField extends FieldBase {
  kind: 'number';
  integer: boolean;
  min?: number;
  /** Whether `min` itself is allowed (false for `positive()`). */
  minInclusive?: boolean;
}
/** Ja/nei. */
export interface BooleanField extends FieldBase {
  kind: 'boolean';
}
export interface ChoiceOption {
  value: string;
  label: string;
}
/** One value of an enum, or (`multiple`) a list of them shown as checkboxes. */
export interface ChoiceField extends FieldBase {
  kind: 'choice';
  multiple: boolean;
  options: ChoiceOption[];
  /** For `multiple`: how many must be chosen at least. */
  minItems: number;
}
/** A list of short texts or dates, typed one per line. */
export interface TextListField extends FieldBase {
  kind: 'text-list';
  item: 'text' | 'date';
  minItems: number;
}
/** A list of objects (agenda items, measures) shown as repeated rows; empty rows are ignored. */
export interface GroupListField extends FieldBase {
  kind: 'group-list';
  fields: FormField[];
  minItems: number;
  /** How many rows the form shows (more when more values are re-filled). */
  rows: number;
}
/** One nested object (an absence trigger), shown as a fieldset of its fields. */
export interface GroupField extends FieldBase {
  kind: 'group';
  fields: FormField[];
}

export type FormField =
  TextField | DateField | DateTimeField | NumberField | BooleanField | ChoiceField | TextListField | GroupListField | GroupField;

/** Where the introspector takes its Norwegian words from. */
export interface FieldLabelSource {
  /** The label of field `name`; `parents` are the enclosing field names (empty at the top). */
  field(name: string, parents: readonly string[]): string | undefined;
  /** The Norwegian word for every value of an enum field, or undefined if there is none. */
  choices(name: string, schema: z.ZodEnum, parents: readonly string[]): Record<string, string> | undefined;
}

/** A schema the forms cannot show, or a field without a Norwegian label: a programming error. */
export class FormFieldError extends NamedError {}

/** Free text up to this length is one line; longer text gets a textarea. */
const SINGLE_LINE_MAX = 500;
/** A group list shows at least this many rows. */
const MIN_ROWS = 3;

interface Def {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  format?: string;
  checks?: { _zod: { def: { check: string; minimum?: number; value?: number; inclusive?: boolean } } }[];
}

const defOf = (schema: z.ZodType): Def => schema._zod.def as unknown as Def;

/** Optional and default unwrapped: the value's own schema and whether the key may be absent. */
function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean; defaultValue?: unknown } {
  const def = defOf(schema);
  if (def.type === 'optional') return { ...unwrap(def.innerType!), optional: true };
  if (def.type === 'default') {
    const inner = unwrap(def.innerType!);
    return { ...inner, optional: true, defaultValue: def.defaultValue };
  }
  return { inner: schema, optional: false };
}

function minItemsOf(schema: z.ZodType): number {
  const min = (defOf(schema).checks ?? []).find((c) => c._zod.def.check === 'min_length');
  return min?._zod.def.minimum ?? 0;
}

/** The object's shape, or a FormFieldError naming `where`. */
function shapeOf(schema: z.ZodType, where: string): Record<string, z.ZodType> {
  const def = defOf(schema);
  if (def.type !== 'object' || !def.shape) throw new FormFieldError(`${where}: expected an object schema, got zod type «${def.type}»`);
  return def.shape;
}

/**
 * The inputs for the fields of an object schema, in schema order, leaving out `omit`. Throws
 * FormFieldError naming the field on a zod type it does not know or a missing label.
 */
export function fieldsFromSchema(schema: z.ZodType, labels: FieldLabelSource, omit: readonly string[] = []): FormField[] {
  return objectFields(schema, labels, [], omit);
}

function objectFields(schema: z.ZodType, labels: FieldLabelSource, parents: readonly string[], omit: readonly string[] = []): FormField[] {
  const shape = shapeOf(schema, parents.join('.') || '(schema)');
  return Object.entries(shape)
    .filter(([name]) => !omit.includes(name))
    .map(([name, fieldSchema]) => fieldOf(name, fieldSchema, labels, parents));
}

function fieldOf(name: string, schema: z.ZodType, labels: FieldLabelSource, parents: readonly string[]): FormField {
  const path = [...parents, name].join('.');
  const label = labels.field(name, parents);
  if (label === undefined) throw new FormFieldError(`field «${path}» has no Norwegian label`);
  const { inner, optional, defaultValue } = unwrap(schema);
  const base = { name, label, optional, required: !optional };
  const def = defOf(inner);
  switch (def.type) {
    case 'string':
      return stringField(base, inner as z.ZodString, defaultValue, path);
    case 'number': {
      const number = inner as z.ZodNumber;
      const lower = (def.checks ?? []).find((c) => c._zod.def.check === 'greater_than');
      return {
        ...base,
        kind: 'number',
        integer: number.isInt,
        ...(lower ? { min: lower._zod.def.value!, minInclusive: lower._zod.def.inclusive !== false } : {}),
      };
    }
    case 'boolean':
      return { ...base, kind: 'boolean' };
    case 'enum':
      return { ...base, kind: 'choice', multiple: false, options: optionsOf(name, inner as z.ZodEnum, labels, parents), minItems: 0 };
    case 'object':
      return { ...base, kind: 'group', fields: objectFields(inner, labels, [...parents, name]) };
    case 'array':
      return arrayField(base, inner, labels, parents, path);
    default:
      throw new FormFieldError(`field «${path}» has a zod type the forms do not know: «${def.type}»`);
  }
}

function stringField(base: FieldBase, schema: z.ZodString, defaultValue: unknown, path: string): FormField {
  const format = schema.format;
  if (format === 'date') return { ...base, kind: 'date' };
  if (format === 'datetime') return { ...base, kind: 'datetime' };
  if (format !== null && format !== undefined)
    throw new FormFieldError(`field «${path}» has a string format the forms do not know: «${format}»`);
  const maxLength = schema.maxLength ?? undefined;
  return {
    ...base,
    kind: 'text',
    multiline: maxLength === undefined || maxLength > SINGLE_LINE_MAX,
    ...(maxLength !== undefined ? { maxLength } : {}),
    ...(typeof defaultValue === 'string' ? { defaultValue } : {}),
    ...(maxLength !== undefined && maxLength > SINGLE_LINE_MAX && maxLength <= 2000 ? { hint: `Høyst ${maxLength} tegn.` } : {}),
  };
}

function arrayField(base: FieldBase, schema: z.ZodType, labels: FieldLabelSource, parents: readonly string[], path: string): FormField {
  const minItems = minItemsOf(schema);
  const listBase = { ...base, required: !base.optional && minItems > 0, minItems };
  const element = defOf(schema).element!;
  const elementDef = defOf(element);
  if (elementDef.type === 'enum') {
    return { ...listBase, kind: 'choice', multiple: true, options: optionsOf(base.name, element as z.ZodEnum, labels, parents) };
  }
  if (elementDef.type === 'object') {
    return {
      ...listBase,
      kind: 'group-list',
      fields: objectFields(element, labels, [...parents, base.name]),
      rows: Math.max(minItems, MIN_ROWS),
      hint: 'Tomme rader tas ikke med.',
    };
  }
  if (elementDef.type === 'string') {
    const format = (element as z.ZodString).format;
    if (format === 'date') return { ...listBase, kind: 'text-list', item: 'date', hint: 'Én dato per linje (åååå-mm-dd).' };
    if (format === null || format === undefined) return { ...listBase, kind: 'text-list', item: 'text', hint: 'Ett punkt per linje.' };
  }
  throw new FormFieldError(`field «${path}» is a list of a zod type the forms do not know: «${elementDef.type}»`);
}

function optionsOf(name: string, schema: z.ZodEnum, labels: FieldLabelSource, parents: readonly string[]): ChoiceOption[] {
  const path = [...parents, name].join('.');
  const words = labels.choices(name, schema, parents);
  if (!words) throw new FormFieldError(`field «${path}» has no Norwegian labels for its choices`);
  return schema.options.map((value) => {
    const label = words[String(value)];
    if (label === undefined) throw new FormFieldError(`field «${path}» has no Norwegian label for the choice «${String(value)}»`);
    return { value: String(value), label: capitalize(label) };
  });
}

/** The label as an option shows it: labels tables are lower case, for use inside sentences. */
function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
