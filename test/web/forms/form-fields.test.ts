import { z } from 'zod';
import { type FieldLabelSource, type FormField, FormFieldError, fieldsFromSchema } from '../../../web/forms/form-fields';

/** Labels that name every field `Felt <name>` and every choice `valg <value>`. */
const anyLabels: FieldLabelSource = {
  field: (name) => `Felt ${name}`,
  choices: (_name, schema) => Object.fromEntries(schema.options.map((v) => [String(v), `valg ${String(v)}`])),
};

function only(schema: z.ZodType): FormField {
  const fields = fieldsFromSchema(z.strictObject({ x: schema }), anyLabels);
  expect(fields).toHaveLength(1);
  return fields[0]!;
}

describe('fieldsFromSchema: reading inputs off zod 4 schemas', () => {
  it('reads short text as one line and long or unbounded text as a textarea, with its maximum', () => {
    expect(only(z.string().trim().max(200))).toMatchObject({
      kind: 'text',
      multiline: false,
      maxLength: 200,
      required: true,
      optional: false,
    });
    expect(only(z.string().trim().max(200))).not.toHaveProperty('hint');
    expect(only(z.string().trim().max(2000))).toMatchObject({ kind: 'text', multiline: true, maxLength: 2000, hint: 'Høyst 2000 tegn.' });
    expect(only(z.string().min(1))).toMatchObject({ kind: 'text', multiline: true });
    expect(only(z.string().min(1))).not.toHaveProperty('maxLength');
  });

  it('reads optional and default as not required, keeping the default text', () => {
    expect(only(z.string().optional())).toMatchObject({ kind: 'text', required: false, optional: true });
    expect(only(z.string().default('Standard'))).toMatchObject({ kind: 'text', required: false, optional: true, defaultValue: 'Standard' });
  });

  it('reads iso date and datetime formats', () => {
    expect(only(z.iso.date())).toMatchObject({ kind: 'date' });
    expect(only(z.iso.datetime({ offset: true }))).toMatchObject({ kind: 'datetime' });
  });

  it('reads integers, decimals and their lower bound', () => {
    expect(only(z.number().int().positive())).toMatchObject({ kind: 'number', integer: true, min: 0, minInclusive: false });
    expect(only(z.number().nonnegative())).toMatchObject({ kind: 'number', integer: false, min: 0, minInclusive: true });
    expect(only(z.number())).not.toHaveProperty('min');
  });

  it('reads booleans and enums with labelled options', () => {
    expect(only(z.boolean())).toMatchObject({ kind: 'boolean' });
    expect(only(z.enum(['a', 'b']))).toMatchObject({
      kind: 'choice',
      multiple: false,
      options: [
        { value: 'a', label: 'Valg a' },
        { value: 'b', label: 'Valg b' },
      ],
    });
  });

  it('reads lists: enums as checkboxes, strings and dates one per line, objects as rows', () => {
    expect(only(z.array(z.enum(['a'])).min(1))).toMatchObject({ kind: 'choice', multiple: true, minItems: 1, required: true });
    expect(only(z.array(z.enum(['a'])).optional())).toMatchObject({
      kind: 'choice',
      multiple: true,
      minItems: 0,
      required: false,
      optional: true,
    });
    expect(only(z.array(z.string()).min(1))).toMatchObject({ kind: 'text-list', item: 'text', minItems: 1 });
    expect(only(z.array(z.iso.date()))).toMatchObject({ kind: 'text-list', item: 'date', minItems: 0, required: false, optional: false });
    const rows = only(z.array(z.strictObject({ topic: z.string(), discussion: z.string().optional() })).min(1));
    expect(rows).toMatchObject({ kind: 'group-list', minItems: 1, rows: 3, required: true });
    expect(rows.kind === 'group-list' && rows.fields.map((f) => [f.name, f.label, f.required])).toEqual([
      ['topic', 'Felt topic', true],
      ['discussion', 'Felt discussion', false],
    ]);
    expect(only(z.array(z.strictObject({ a: z.string() })).min(5))).toMatchObject({ rows: 5 });
  });

  it('reads a nested object as a group of its fields', () => {
    const group = only(z.strictObject({ rule: z.enum(['r']), days: z.number().optional() }));
    expect(group).toMatchObject({ kind: 'group', required: true });
    expect(group.kind === 'group' && group.fields.map((f) => f.kind)).toEqual(['choice', 'number']);
  });

  it('leaves out the fields it is told to omit, keeping schema order', () => {
    const fields = fieldsFromSchema(z.strictObject({ a: z.string(), b: z.string(), c: z.string() }), anyLabels, ['b']);
    expect(fields.map((f) => f.name)).toEqual(['a', 'c']);
  });

  it('throws naming the field on a zod type it does not know', () => {
    expect(() => fieldsFromSchema(z.strictObject({ when: z.date() }), anyLabels)).toThrow(/«when».*«date»/);
    expect(() => fieldsFromSchema(z.strictObject({ many: z.union([z.string(), z.number()]) }), anyLabels)).toThrow(FormFieldError);
    expect(() => fieldsFromSchema(z.strictObject({ mail: z.email() }), anyLabels)).toThrow(/«mail».*«email»/);
    expect(() => fieldsFromSchema(z.strictObject({ rows: z.array(z.array(z.string())) }), anyLabels)).toThrow(/«rows»/);
    expect(() => fieldsFromSchema(z.strictObject({ outer: z.strictObject({ inner: z.nullable(z.string()) }) }), anyLabels)).toThrow(
      /«outer\.inner»/,
    );
  });

  it('throws naming the field when a label or a choice label is missing', () => {
    const labels: FieldLabelSource = { field: (name) => (name === 'known' ? 'Kjent' : undefined), choices: () => ({ a: 'a' }) };
    expect(() => fieldsFromSchema(z.strictObject({ known: z.string(), unknown: z.string() }), labels)).toThrow(
      /«unknown» has no Norwegian label/,
    );
    expect(() => fieldsFromSchema(z.strictObject({ known: z.enum(['a', 'b']) }), labels)).toThrow(/«known».*«b»/);
  });
});
