/**
 * The JSON API's request and response schemas, in zod: Fastify validates requests and serializes
 * responses with them, and the OpenAPI document is generated from them (openapi.ts). Event bodies
 * come from the events' own schemas (machines/events.ts) without `actor` and `at`, which the
 * server sets, and without the document reference, which the archive gives when the API files
 * the document. Parts of the case view that grow with the procedures (timeline entries, filed
 * documents, triggers, closing) are documented by their common fields and passed on whole
 * (`z.looseObject`).
 */
import { z } from 'zod';
import { documentRefField } from '../../casework/file-document';
import { eventNames } from '../../machines/labels';
import { type EventType, absenceTriggerSchema, eventSchemas, eventTypes, isoDateSchema } from '../../machines/events';
import { gradeSchema, pupilIdSchema, quoteValue, schoolIdSchema } from '../../machines/identifiers';
import { type CaseView, systemEventTypes } from '../../workflows/case-messages';

const text = (description: string) => z.string().describe(description);

export const caseParamsSchema = z.object({ workflowId: z.string().min(1).max(200).describe('Sakens id, f.eks. fravaerssak-S001-E1') });
export const documentParamsSchema = caseParamsSchema.extend({
  reference: z.string().min(1).max(200).describe('Arkivreferansen, f.eks. arkiv:2026/17-3'),
});

/** The filters of «Saker», with paging: every filter narrows the list. */
export const listQuerySchema = z.strictObject({
  schoolId: z.string().min(1).max(64).optional().describe('Bare saker ved denne skolen'),
  procedureId: z.string().min(1).max(64).optional().describe('Bare saker etter denne rutinen'),
  stage: z.string().min(1).max(64).optional().describe('Bare saker i denne fasen (identification, measures, evaluation, …)'),
  status: z.enum(['open', 'closed']).optional().describe('Åpne eller avsluttede saker'),
  overdue: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .describe('true: bare saker med en frist som er passert'),
  dueWithinDays: z.coerce
    .number()
    .int()
    .min(0)
    .max(365)
    .optional()
    .describe('Bare saker med neste frist innen så mange dager (eller passert)'),
  page: z.coerce.number().int().min(1).max(100_000).default(1).describe('Sidenummer, fra 1'),
  pageSize: z.coerce.number().int().min(1).max(100).default(25).describe('Saker per side (1–100)'),
});

const isoInstant = (description: string) => z.string().describe(`${description} (ISO 8601)`);

export const caseRowSchema = z
  .object({
    workflowId: text('Sakens id'),
    schoolId: text('Skole-id'),
    pupilId: text('Elev-id'),
    procedureId: text('Rutinen saken følger'),
    stage: text('Fasen saken er i'),
    status: z.enum(['open', 'closed']).describe('Åpen eller avsluttet'),
    nextDeadline: isoInstant('Neste frist').optional(),
    overdue: z.boolean().describe('En frist er passert uten at steget er tatt'),
    overdueSince: isoInstant('Når fristen som er passert, forfalt').optional(),
    openedAt: isoInstant('Når saken ble åpnet').optional(),
    closedAt: isoInstant('Når saken ble avsluttet').optional(),
  })
  .describe('En sak i listen');

export const caseListSchema = z
  .object({
    items: z.array(caseRowSchema),
    page: z.number().int().describe('Denne siden'),
    pages: z.number().int().describe('Antall sider'),
    pageSize: z.number().int().describe('Saker per side'),
    total: z.number().int().describe('Antall saker i alt'),
  })
  .describe('Saker sortert etter neste frist, forfalte først');

const eventTypeSchema = z.enum(eventTypes as [EventType, ...EventType[]]);

export const caseViewSchema = z
  .looseObject({
    caseId: text('Sakens id i arkivet og saksmappen'),
    workflowId: text('Sakens id i API-et'),
    procedure: z
      .object({ id: z.string(), version: z.number().int(), displayName: z.string() })
      .describe('Rutinen og versjonen saken følger'),
    schoolId: z.string(),
    pupilId: z.string(),
    grade: z.number().int().describe('Trinn'),
    openedAt: isoInstant('Når saken ble åpnet'),
    status: z.enum(['open', 'closed']),
    stage: text('Fasen saken er i'),
    state: z
      .object({
        label: text('Steget saken står i, på norsk'),
        responsible: z.array(z.string()).readonly().describe('Rollene som har ansvar for steget'),
        clauses: z.array(z.string()).readonly().describe('Punktene i rutinen steget bygger på'),
        requiredDocuments: z.array(z.string()).readonly().describe('Dokumentene steget krever'),
      })
      .describe('Steget saken står i'),
    allowedEvents: z.array(eventTypeSchema).describe('Hendelsene saken tar imot nå'),
    senders: z.record(z.string(), z.array(z.string())).optional().describe('Hvilke roller som kan sende hver av hendelsene'),
    stepEvents: z.array(eventTypeSchema).optional().describe('Hendelsene steget selv venter på'),
    deadlines: z.array(z.object({ name: z.string(), dueAt: z.string() })).describe('Kommende frister, nærmeste først'),
    overdue: z.boolean(),
    overdueSince: z.string().nullable(),
    daysOverdue: z.number().describe('Hele dager siden fristen som er passert'),
    timeline: z
      .array(z.looseObject({ kind: z.string().describe('event, deadline, refused eller effect') }))
      .describe('Sakens historikk: hendelser, frister, avviste hendelser og utsendinger'),
    documents: z.array(z.looseObject({ kind: z.string(), ref: z.string(), at: z.string() })).describe('Dokumentene saken har fått'),
    triggers: z.array(z.looseObject({ rule: z.string(), dates: z.array(z.string()) })).describe('Fraværsutløserne saken har fått'),
    closing: z.looseObject({}).optional().describe('Hvordan saken ble avsluttet'),
  })
  .describe('Saken slik koordinatorer ser den');

/**
 * The view as the response type: the loose parts take any object with their fields, but
 * TypeScript interfaces carry no index signature. The serializer checks the real value.
 */
export function caseViewJson(view: CaseView): z.output<typeof caseViewSchema> {
  return view as unknown as z.output<typeof caseViewSchema>;
}

/** The document an event files: its fields for the document's kind (documents/document-forms.ts). */
export const documentInputSchema = z
  .strictObject({
    fields: z.record(z.string(), z.unknown()).describe('Dokumentets felt, etter skjemaet for dokumenttypen hendelsen arkiverer'),
    documentDate: isoDateSchema.optional().describe('Dokumentets dato (åååå-mm-dd); standard: hendelsens dato'),
  })
  .describe('Dokumentet hendelsen arkiverer: lages som PDF/A, arkiveres og refereres fra hendelsen');

/** The event types a person sends (detection's facts come by signal, never through the API). */
export const personEventTypes = eventTypes.filter((t) => !systemEventTypes.includes(t));

/** One event's API body: the event's schema without actor, time and document reference, plus its document. */
function eventBodySchema(type: EventType) {
  const ref = documentRefField(type);
  const omitted: Record<string, true> = { actor: true, at: true, ...(ref ? { [ref]: true } : {}) };
  const base = (eventSchemas[type] as unknown as z.ZodObject).omit(omitted);
  return base
    .extend({
      eventId: z.string().trim().min(1).max(200).describe('Din unike id for hendelsen: samme id to ganger registreres én gang'),
      ...(ref ? { document: documentInputSchema } : {}),
    })
    .describe(eventNames[type]);
}

/** What `POST /cases/{workflowId}/events` takes: one of the person events. */
export type ApiEventBody = { type: EventType; eventId: string; document?: z.infer<typeof documentInputSchema> } & Record<string, unknown>;
export const apiEventBodySchema = z.discriminatedUnion(
  'type',
  personEventTypes.map(eventBodySchema) as unknown as [z.ZodObject, ...z.ZodObject[]],
  {
    error: (issue) => {
      if (issue.code !== 'invalid_union') return undefined;
      const input = issue.input as { type?: unknown } | unknown;
      const type = typeof input === 'object' && input !== null ? (input as { type?: unknown }).type : input;
      if (type === undefined) return 'mangler: hvilken hendelse (type)';
      return `ukjent hendelse ${quoteValue(type)}; API-et tar imot: ${personEventTypes.join(', ')}`;
    },
  },
) as unknown as z.ZodType<ApiEventBody>;

export const sendResultSchema = z
  .object({
    applied: z.boolean().describe('false: hendelsen var allerede registrert (samme eventId), ingenting er endret'),
    eventId: z.string(),
    status: z.enum(['open', 'closed']),
    stage: z.string(),
    stateLabel: text('Steget saken står i nå'),
    overdue: z.boolean(),
    document: z
      .object({ reference: text('Arkivreferansen'), duplicate: z.boolean().describe('true: dokumentet var allerede arkivert') })
      .optional()
      .describe('Dokumentet som ble arkivert'),
  })
  .describe('Hendelsen er registrert');

export const openCaseBodySchema = z
  .strictObject({
    procedureId: z.string().min(1).max(64).optional().describe('Rutinen; må være skolens egen (utelat for skolens rutine)'),
    schoolId: schoolIdSchema,
    pupilId: pupilIdSchema,
    grade: gradeSchema,
    trigger: absenceTriggerSchema.describe('Fraværsmønsteret saken åpnes på: regelen og datoene'),
  })
  .describe('Åpne en sak for hånd');

export const openCaseResultSchema = z.object({ workflowId: z.string(), case: caseViewSchema }).describe('Saken er åpnet');

const versionSchema = z.object({
  version: z.number().int(),
  variant: z.string(),
  format: z.string(),
  checksum: text('SHA-256'),
  size: z.number().int(),
  createdAt: z.string(),
  createdBy: z.string(),
});

export const archivedDocumentSchema = z
  .object({
    reference: text('Arkivreferansen'),
    href: text('Adressen PDF-en hentes fra i API-et'),
    caseId: z.string(),
    caseFileNumber: text('Saksmappens nummer (år/sekvens)'),
    entryNumber: z.number().int(),
    entryType: z.string(),
    journalStatus: z.string(),
    journalDate: z.string(),
    documentDate: z.string(),
    title: z.string(),
    filedAt: z.string(),
    filedBy: z.string(),
    documentKind: z.string(),
    documentStatus: z.string(),
    version: z.number().int(),
    checksum: z.string(),
    size: z.number().int(),
    versions: z.array(versionSchema),
  })
  .describe('Et arkivert dokument (Noark 5-journalpost)');

export const documentListSchema = z.object({ items: z.array(archivedDocumentSchema) }).describe('Sakens arkiverte dokumenter');
