import type { z } from 'zod';
import { documentRefField } from '../../../casework/file-document';
import { documentOf } from '../../../machines/case-context';
import { type CaseEvent, eventSchemas, eventTypes } from '../../../machines/events';
import { documentKindSchema } from '../../../machines/vocabulary';
import { documentFormSchemas } from '../../../documents/document-forms';
import type { FormField } from '../../../web/forms/form-fields';
import {
  COMMON_EVENT_FIELDS,
  KIND_DECIDING_FIELDS,
  documentFormFields,
  eventFieldLabels,
  eventFieldLabelsByType,
  eventFormFields,
  findVariant,
  formVariants,
} from '../../../web/forms/event-forms';

/** Every field and its sub-fields, with the path. */
function flatten(fields: readonly FormField[], parent = ''): [string, FormField][] {
  return fields.flatMap((f) => {
    const path = parent ? `${parent}.${f.name}` : f.name;
    const inner = f.kind === 'group' || f.kind === 'group-list' ? flatten(f.fields, path) : [];
    return [[path, f] as [string, FormField], ...inner];
  });
}

/** The schema's enum values at the top level of an event, by field name (arrays of enums included). */
function enumFields(schema: z.ZodType): [string, string[]][] {
  const shape = (schema._zod.def as unknown as { shape: Record<string, z.ZodType> }).shape;
  return Object.entries(shape).flatMap(([name, field]) => {
    let def = field._zod.def as unknown as { type: string; innerType?: z.ZodType; element?: z.ZodType; entries?: Record<string, string> };
    while (def.type === 'optional' || def.type === 'array') def = (def.innerType ?? def.element)!._zod.def as unknown as typeof def;
    return def.type === 'enum' ? [[name, Object.values(def.entries!)] as [string, string[]]] : [];
  });
}

describe('eventFormFields: the inputs of every event', () => {
  it.each(eventTypes)('%s: every payload field but the common ones and the document reference is an input, labelled', (type) => {
    const fields = eventFormFields(type);
    const shapeKeys = Object.keys((eventSchemas[type]._zod.def as unknown as { shape: object }).shape);
    const refField = documentRefField(type);
    const expected = shapeKeys.filter((key) => !(COMMON_EVENT_FIELDS as readonly string[]).includes(key) && key !== refField);
    expect(fields.map((f) => f.name)).toEqual(expected);
    for (const [path, field] of flatten(fields)) {
      expect(`${path}: ${field.label}`).toMatch(new RegExp(`^${path.replace(/\./g, '\\.')}: \\S`));
      if (field.kind === 'choice') for (const option of field.options) expect(option.label).not.toBe('');
    }
  });

  it('labels every field (the document reference too) and every enum value of every event', () => {
    for (const type of eventTypes) {
      // eventFormFields throws on a missing label; the reference field, left out of the form, is checked by name.
      const all = eventFormFields(type);
      const shapeKeys = Object.keys((eventSchemas[type]._zod.def as unknown as { shape: object }).shape);
      for (const key of shapeKeys.filter((k) => !(COMMON_EVENT_FIELDS as readonly string[]).includes(k))) {
        expect(`${type}.${key}: ${eventFieldLabelsByType[type]?.[key] ?? eventFieldLabels[key] ?? 'MANGLER'}`).not.toMatch(/MANGLER$/);
      }
      for (const [name, values] of enumFields(eventSchemas[type])) {
        if ((COMMON_EVENT_FIELDS as readonly string[]).includes(name)) continue;
        const field = flatten(all).find(([path]) => path === name)?.[1];
        expect(field?.kind).toBe('choice');
        expect(field?.kind === 'choice' && field.options.map((o) => o.value)).toEqual(values);
        expect(field?.kind === 'choice' && field.options.every((o) => o.label.length > 0 && !values.includes(o.label))).toBe(true);
      }
    }
  });

  it('gives Norwegian labels to roles, meetings, and the events’ own enums', () => {
    const contacted = eventFormFields('guardians.contacted');
    const channel = contacted.find((f) => f.name === 'channel');
    expect(channel).toMatchObject({ kind: 'choice', label: 'Hvordan foresatte ble kontaktet' });
    expect(channel?.kind === 'choice' && channel.options.find((o) => o.value === 'home-visit')?.label).toBe('Hjemmebesøk');
    const scheduled = eventFormFields('meeting.scheduled');
    expect(scheduled.map((f) => f.kind)).toEqual(['choice', 'datetime', 'choice']);
    const participants = scheduled.find((f) => f.name === 'participants');
    expect(participants).toMatchObject({ multiple: true, required: true, minItems: 1 });
    expect(participants?.kind === 'choice' && participants.options.find((o) => o.value === 'contact-teacher')?.label).toBe('Kontaktlærer');
    expect(eventFormFields('suspicion.raised')[0]).toMatchObject({ label: 'Hva mistanken gjelder' });
    expect(eventFormFields('document.recorded')[0]).toMatchObject({ label: 'Dokumenttype' });
    expect(eventFormFields('case.closed').find((f) => f.name === 'reason')).toMatchObject({ label: 'Grunnen til at saken avsluttes' });
  });

  it('leaves out the document reference the archive fills', () => {
    expect(eventFormFields('measures.agreed').map((f) => f.name)).toEqual(['measures', 'evaluationDate']);
    expect(eventFormFields('meeting.held').map((f) => f.name)).not.toContain('minutesRef');
    expect(eventFormFields('concern.reported')).toEqual([]);
  });
});

describe('formVariants: the field that decides the document kind is chosen first', () => {
  it.each(eventTypes)('%s: its variants file the document documentOf names', (type) => {
    const variants = formVariants(type);
    expect(variants.length).toBeGreaterThanOrEqual(1);
    if (!KIND_DECIDING_FIELDS[type]) expect(variants).toHaveLength(1);
    for (const variant of variants) {
      expect(variant.label).not.toBe('');
      const probe = { type, documentRef: '-', minutesRef: '-', planRef: '-', ...variant.fixed } as unknown as CaseEvent;
      expect(variant.documentKind).toBe(documentOf(probe)?.kind);
      const names = eventFormFields(type, variant).map((f) => f.name);
      for (const fixed of Object.keys(variant.fixed)) expect(names).not.toContain(fixed);
    }
  });

  it('knows every field that decides a document kind (a new one must be added to KIND_DECIDING_FIELDS)', () => {
    for (const type of eventTypes) {
      for (const [name, values] of enumFields(eventSchemas[type])) {
        const kinds = new Set(
          values.map(
            (value) => documentOf({ type, documentRef: '-', minutesRef: '-', planRef: '-', [name]: value } as unknown as CaseEvent)?.kind,
          ),
        );
        if (kinds.size > 1) expect(`${type}.${name}`).toBe(`${type}.${KIND_DECIDING_FIELDS[type]}`);
      }
    }
  });

  it('offers one variant per mapping form and per document kind, labelled in Norwegian', () => {
    const mapping = formVariants('mapping.completed');
    expect(mapping.map((v) => v.fixed.form)).toEqual([
      'psychosocial-environment',
      'absence-pattern',
      'situation-mapping',
      'extended-mapping',
      'medical',
    ]);
    expect(mapping[0]).toEqual({
      label: 'Kartlegging av psykososialt miljø',
      fixed: { form: 'psychosocial-environment' },
      documentKind: 'psychosocial-mapping',
    });
    expect(mapping[1]?.documentKind).toBe('mapping-form');
    const recorded = formVariants('document.recorded');
    expect(recorded.map((v) => v.documentKind)).toEqual(documentKindSchema.options);
    expect(eventFormFields('document.recorded', recorded[0])).toEqual([]);
    expect(formVariants('meeting.scheduled')).toEqual([{ label: 'Møte satt opp', fixed: {} }]);
    expect(formVariants('meeting.held')[0]?.documentKind).toBe('minutes');
  });

  it('finds a variant by its fixed values', () => {
    expect(findVariant('document.recorded', { kind: 'referral' })?.documentKind).toBe('referral');
    expect(findVariant('document.recorded', { kind: 'nonsense' })).toBeUndefined();
    expect(findVariant('case.closed', {})?.documentKind).toBe('closing-note');
  });
});

describe('documentFormFields: the inputs of every document kind', () => {
  it.each(documentKindSchema.options)('%s: one input per form field, labelled', (kind) => {
    const fields = documentFormFields(kind);
    const keys = Object.keys((documentFormSchemas[kind]._zod.def as unknown as { shape: object }).shape);
    expect(fields.map((f) => f.name)).toEqual(keys);
    for (const [, field] of flatten(fields)) expect(field.label).not.toBe('');
  });

  it('shows the agenda as rows of topic and discussion, and a consent’s default text', () => {
    const agenda = documentFormFields('minutes').find((f) => f.name === 'agenda');
    expect(agenda).toMatchObject({ kind: 'group-list', label: 'Saker', minItems: 1, rows: 3 });
    expect(agenda?.kind === 'group-list' && agenda.fields.map((f) => [f.name, f.label, f.required])).toEqual([
      ['topic', 'Sak', true],
      ['discussion', 'Drøfting', false],
    ]);
    expect(documentFormFields('minutes').find((f) => f.name === 'decisions')).toMatchObject({
      required: false,
      optional: false,
      minItems: 0,
    });
    const withdrawal = documentFormFields('consent').find((f) => f.name === 'withdrawalNote');
    expect(withdrawal).toMatchObject({ kind: 'text', optional: true });
    expect(withdrawal?.kind === 'text' && withdrawal.defaultValue).toMatch(/^Samtykket er frivillig/);
    expect(documentFormFields('contact-log').find((f) => f.name === 'channel')).toMatchObject({
      kind: 'choice',
      options: expect.arrayContaining([{ value: 'digital-meeting', label: 'Digitalt møte' }]),
    });
  });
});
