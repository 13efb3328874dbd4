/**
 * The form behind each case event and each document kind: the inputs derived from their zod
 * schemas (form-fields.ts) with the Norwegian label of every event field and every choice. The
 * common fields (type, id, actor, time) are the server's to fill, and so is the document
 * reference (the archive gives it when the document is filed), so none of them is an input.
 *
 * Some events' document kind depends on a field (`document.recorded.kind`, `mapping.completed.form`):
 * the user picks that first, as a variant, so the page can show the right document form beside it.
 */
import type { z } from 'zod';
import { type FieldLabelSource, type FormField, fieldsFromSchema } from './form-fields';
import { documentRefField } from '../../casework/file-document';
import {
  choiceLabels as documentChoiceLabels,
  documentFormSchemas,
  fieldLabels as documentFieldLabels,
} from '../../documents/document-forms';
import { documentOf } from '../../machines/case-context';
import { type CaseEvent, type EventType, eventSchemas } from '../../machines/events';
import {
  closingReasonNames,
  documentNames,
  eventNames,
  meetingNames,
  roleNames,
  serviceNames,
  suspicionNames,
  trendNames,
  triggerRuleNames,
} from '../../machines/labels';
import {
  type DocumentKind,
  documentKindSchema,
  meetingKindSchema,
  roleSchema,
  serviceSchema,
  suspicionKindSchema,
  trendSchema,
  triggerRuleSchema,
} from '../../machines/vocabulary';

/** The fields every event has and the server fills. */
export const COMMON_EVENT_FIELDS = ['type', 'eventId', 'actor', 'at'] as const;

/** The Norwegian label of every event field, by name; `eventFieldLabelsByType` overrides where a name means something else. */
export const eventFieldLabels: Record<string, string> = {
  trigger: 'Utløser',
  rule: 'Regel',
  dates: 'Datoer med fravær',
  lessons: 'Antall enkelttimer',
  days: 'Antall dager',
  trend: 'Utvikling',
  from: 'Fra dato',
  to: 'Til dato',
  absenceDays: 'Fraværsdager',
  absenceLessons: 'Fraværstimer',
  firstDay: 'Første fraværsdag',
  schoolDaysWithoutNotice: 'Skoledager uten melding',
  channel: 'Hvordan foresatte ble kontaktet',
  cause: 'Årsak til fraværet, slik foresatte oppgir den',
  causeNote: 'Merknad om årsaken',
  relatedToSchool: 'Henger fraværet sammen med forhold på skolen?',
  guardiansExpectReturn: 'Regner foresatte med å få eleven tilbake på skolen?',
  recurring: 'Gjentatt sykdom',
  guardiansApproveClosing: 'Foresatte godtar at saken avsluttes',
  recipients: 'Hvem som ble informert',
  meeting: 'Møtetype',
  scheduledFor: 'Tidspunkt for møtet',
  participants: 'Deltakere',
  pupilPresent: 'Eleven var til stede',
  form: 'Kartleggingsskjema',
  via: 'Elevens stemme hentet inn',
  measures: 'Tiltak',
  evaluationDate: 'Dato for evaluering',
  signedBy: 'Signert av',
  present: 'Til stede da avtalen ble laget',
  hasPlanB: 'Avtalen har en plan B',
  outcome: 'Resultat',
  service: 'Tjeneste',
  advice: 'Barnevernets råd',
  kind: 'Type',
  conclusion: 'Konklusjon',
  reason: 'Grunn',
  note: 'Merknad',
  documentRef: 'Dokumentreferanse',
  minutesRef: 'Referat (referanse)',
  planRef: 'Tiltaksplan (referanse)',
};

/** Labels for a field whose name means something particular in one event. */
export const eventFieldLabelsByType: Partial<Record<EventType, Record<string, string>>> = {
  'suspicion.raised': { kind: 'Hva mistanken gjelder' },
  'document.recorded': { kind: 'Dokumenttype' },
  'escalation.decided': { reason: 'Hvorfor saken løftes' },
  'case.closed': { reason: 'Grunnen til at saken avsluttes', note: 'Hvorfor saken avsluttes' },
  'evaluation.held': { outcome: 'Hvordan tiltakene har virket' },
  'staff.informed': { recipients: 'Hvem som ble informert' },
};

/** The shared vocabularies, recognised by their schema, so a role list is labelled wherever it appears. */
const vocabularyLabels = new Map<z.ZodEnum, Record<string, string>>([
  [roleSchema as unknown as z.ZodEnum, roleNames],
  [meetingKindSchema as unknown as z.ZodEnum, meetingNames],
  [serviceSchema as unknown as z.ZodEnum, serviceNames],
  [suspicionKindSchema as unknown as z.ZodEnum, suspicionNames],
  [trendSchema as unknown as z.ZodEnum, trendNames],
  [documentKindSchema as unknown as z.ZodEnum, documentNames],
  [triggerRuleSchema as unknown as z.ZodEnum, triggerRuleNames],
]);

/** The Norwegian words for the events' own enums, by field name. */
export const eventChoiceLabels: Record<string, Record<string, string>> = {
  channel: {
    phone: 'telefon',
    meeting: 'møte',
    'digital-message': 'digital melding',
    letter: 'brev',
    'home-visit': 'hjemmebesøk',
  },
  cause: {
    illness: 'sykdom',
    'natural-explanation': 'naturlig forklaring',
    'school-related': 'forhold på skolen',
    'home-related': 'forhold hjemme',
    unknown: 'ukjent',
    other: 'annet',
  },
  form: {
    'psychosocial-environment': 'kartlegging av psykososialt miljø',
    'absence-pattern': 'kartlegging av fraværsmønster',
    'situation-mapping': 'kartlegging av elevens situasjon',
    'extended-mapping': 'utvidet kartlegging',
    medical: 'medisinsk vurdering',
  },
  via: { pupil: 'eleven selv', 'trusted-adult': 'en voksen eleven er trygg på' },
  advice: { 'child-welfare-follows-up': 'barnevernet følger opp', 'school-continues': 'skolen fortsetter oppfølgingen' },
  conclusion: {
    'medical-cause': 'medisinsk årsak',
    'no-medical-cause': 'ingen medisinsk årsak',
    undetermined: 'uavklart',
  },
  reason: closingReasonNames,
};

function eventLabels(type: EventType): FieldLabelSource {
  return {
    field: (name, parents) => (parents.length === 0 ? eventFieldLabelsByType[type]?.[name] : undefined) ?? eventFieldLabels[name],
    choices: (name, schema) => vocabularyLabels.get(schema) ?? eventChoiceLabels[name],
  };
}

const documentLabels: FieldLabelSource = {
  field: (name) => documentFieldLabels[name],
  choices: (name) => documentChoiceLabels[name],
};

/** A way to record an event: the fields it fixes (not inputs), its label and the document it files. */
export interface FormVariant {
  label: string;
  /** Field values the variant decides; they are sent with the event but never shown as inputs. */
  fixed: Record<string, string>;
  /** The document kind filed with the event; absent for an event without a document. */
  documentKind?: DocumentKind;
}

/** The field that decides an event's document kind, where one does. */
export const KIND_DECIDING_FIELDS: Partial<Record<EventType, string>> = {
  'document.recorded': 'kind',
  'mapping.completed': 'form',
};

/** The event's inputs: its payload fields, without the common fields, the document reference and a variant's fixed fields. */
export function eventFormFields(type: EventType, variant?: FormVariant): FormField[] {
  const refField = documentRefField(type);
  const omit: string[] = [...COMMON_EVENT_FIELDS, ...(refField ? [refField] : []), ...Object.keys(variant?.fixed ?? {})];
  return fieldsFromSchema(eventSchemas[type], eventLabels(type), omit);
}

/** The document kind an event with these field values files (documentOf with stand-in references). */
function documentKindOf(type: EventType, fixed: Record<string, string>): DocumentKind | undefined {
  const probe = { type, documentRef: '-', minutesRef: '-', planRef: '-', ...fixed } as unknown as CaseEvent;
  return documentOf(probe)?.kind;
}

/** The ways to record `type`: one per value of its kind-deciding field, or exactly one. */
export function formVariants(type: EventType): FormVariant[] {
  const field = KIND_DECIDING_FIELDS[type];
  if (!field) {
    const documentKind = documentKindOf(type, {});
    return [{ label: eventNames[type], fixed: {}, ...(documentKind ? { documentKind } : {}) }];
  }
  const choice = eventFormFields(type).find((f) => f.name === field);
  if (!choice || choice.kind !== 'choice') throw new Error(`${type}.${field} is not a choice field`);
  return choice.options.map((option) => {
    const fixed = { [field]: option.value };
    const documentKind = documentKindOf(type, fixed);
    return { label: option.label, fixed, ...(documentKind ? { documentKind } : {}) };
  });
}

/** The variant of `type` that fixes exactly these values, e.g. from a query string; undefined when none does. */
export function findVariant(type: EventType, fixed: Record<string, string | undefined>): FormVariant | undefined {
  return formVariants(type).find((variant) => Object.entries(variant.fixed).every(([key, value]) => fixed[key] === value));
}

/** The inputs of a document kind's form, labelled from documents/document-forms.ts. */
export function documentFormFields(kind: DocumentKind): FormField[] {
  return fieldsFromSchema(documentFormSchemas[kind], documentLabels);
}
