import type { z } from 'zod';
import { DocumentFormError, choiceLabels, documentFormSchemas, fieldLabels, parseDocumentForm } from '../../documents/document-forms';
import { documentKindSchema } from '../../machines/vocabulary';
import { sampleFields } from './sample-documents';

const kinds = documentKindSchema.options;

/** Every field of a schema, nested ones too, with the schema that holds its value (optional/default unwrapped). */
function fieldsOf(schema: z.ZodType): [string, z.ZodType][] {
  const def = schema._zod.def as { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType };
  if (def.type === 'optional' || def.type === 'default') return fieldsOf(def.innerType as z.ZodType);
  if (def.type === 'array') return fieldsOf(def.element as z.ZodType);
  if (def.type !== 'object') return [];
  return Object.entries(def.shape ?? {}).flatMap(([key, inner]) => [[key, unwrap(inner)] as [string, z.ZodType], ...fieldsOf(inner)]);
}

function unwrap(schema: z.ZodType): z.ZodType {
  const def = schema._zod.def as { type: string; innerType?: z.ZodType; element?: z.ZodType };
  if (def.type === 'optional' || def.type === 'default') return unwrap(def.innerType as z.ZodType);
  if (def.type === 'array') return unwrap(def.element as z.ZodType);
  return schema;
}

/** Parses and returns the message of the DocumentFormError thrown. */
function refusal(kind: (typeof kinds)[number], fields: unknown): string {
  try {
    parseDocumentForm(kind, fields);
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentFormError);
    return (error as Error).message;
  }
  throw new Error('the form was accepted');
}

describe('the forms', () => {
  it('every document kind has a form', () => {
    expect(Object.keys(documentFormSchemas).sort()).toEqual([...kinds].sort());
  });

  it.each(kinds)('the %s form accepts its sample', (kind) => {
    expect(() => parseDocumentForm(kind, sampleFields[kind])).not.toThrow();
  });

  it.each(kinds)('every field of the %s form has a Norwegian label, and every choice a Norwegian word', (kind) => {
    for (const [key, schema] of fieldsOf(documentFormSchemas[kind])) {
      expect([kind, key, fieldLabels[key]]).toEqual([kind, key, expect.any(String)]);
      const def = schema._zod.def as { type: string; entries?: Record<string, string> };
      if (def.type === 'enum') {
        for (const value of Object.values(def.entries ?? {}))
          expect([key, value, choiceLabels[key]?.[value]]).toEqual([key, value, expect.any(String)]);
      }
    }
  });

  it('the forms with their own fields follow the school procedures', () => {
    expect(Object.keys(documentFormSchemas['contact-log'].shape)).toEqual(
      expect.arrayContaining(['conversationDate', 'channel', 'agreed', 'nextStep']),
    );
    expect(Object.keys(documentFormSchemas['mapping-form'].shape)).toEqual(
      expect.arrayContaining([
        'absencePattern',
        'startedWhen',
        'schoolSituation',
        'socialSituation',
        'healthAsGuardiansDescribe',
        'pupilView',
        'whatHelps',
      ]),
    );
    expect(Object.keys(documentFormSchemas['cooperation-agreement'].shape)).toEqual(
      expect.arrayContaining(['pupilMeasures', 'schoolMeasures', 'homeMeasures', 'planB', 'evaluationDate']),
    );
    expect(Object.keys(documentFormSchemas.referral.shape)).toEqual(
      expect.arrayContaining(['service', 'reason', 'triedMeasures', 'consentReference']),
    );
  });
});

describe('parseDocumentForm', () => {
  it('trims text and fills in the standard note on withdrawing consent', () => {
    const consent = parseDocumentForm('consent', { ...sampleFields.consent, scope: '  Deling av kartleggingen.  ' });
    expect(consent.scope).toBe('Deling av kartleggingen.');
    expect(consent.withdrawalNote).toMatch(/^Samtykket er frivillig\. Det kan trekkes tilbake/);
  });

  it('a bad date names the field and the value', () => {
    expect(refusal('measures-plan', { ...sampleFields['measures-plan'], evaluationDate: '22.09.2026' })).toBe(
      'Ugyldige felt i tiltaksplan (measures-plan): evaluationDate: må være en dato på formen åååå-mm-dd (fikk «22.09.2026»)',
    );
  });

  it('a nested field is named by its path', () => {
    const fields = { ...sampleFields.minutes, decisions: [{ decision: 'Ringe hjem', responsible: '', deadline: '2026-09-08' }] };
    expect(refusal('minutes', fields)).toBe('Ugyldige felt i referat (minutes): decisions.0.responsible: kan ikke være tom');
  });

  it('a choice outside the list names the allowed values', () => {
    expect(refusal('evaluation', { ...sampleFields.evaluation, outcome: 'bra' })).toBe(
      'Ugyldige felt i evalueringsreferat (evaluation): outcome: må være en av: better, unchanged, worse (fikk «bra»)',
    );
  });

  it('a missing field and an unknown field are both refused', () => {
    const { agreed: _agreed, ...fields } = sampleFields['contact-log'];
    expect(refusal('contact-log', { ...fields, agred: 'Ringe fredag' })).toBe(
      'Ugyldige felt i logg fra samtale med foresatte (contact-log): agreed: mangler; (feltene): ukjent felt: agred (feilstavet?)',
    );
  });

  it('fields that are not an object are refused', () => {
    expect(refusal('health-note', 'bare tekst')).toBe(
      'Ugyldige felt i konklusjon fra helsesykepleier (health-note): (feltene): må være et objekt (fikk «bare tekst»)',
    );
  });

  it('a report of concern without informing the guardians must say why', () => {
    const { guardiansNotInformedReason: _reason, ...fields } = sampleFields['report-of-concern'];
    expect(refusal('report-of-concern', fields)).toBe(
      'Ugyldige felt i bekymringsmelding (report-of-concern): guardiansNotInformedReason: mangler: når foresatte ikke er orientert om meldingen, skal grunnen stå her',
    );
    expect(() => parseDocumentForm('report-of-concern', { ...fields, guardiansInformed: true })).not.toThrow();
  });

  it('an unknown document kind is refused by name', () => {
    expect(() => parseDocumentForm('letter' as never, {})).toThrow(/^Ukjent dokumenttype «letter»\. Kjente typer: contact-log, minutes/);
  });
});
