/**
 * The schema of `innsyn.json`, the file a guardian's access request (innsyn) gets: everything the
 * project holds about one pupil at one school, in one versioned document. The export validates
 * what it gathered against this schema before it writes a byte, so a folder handed to a family
 * always reads the same way; a reader of an older folder tells the shape by `schemaVersion`.
 *
 * The parts that other modules define in detail (a case's view, a registration, detection's
 * ledger, an archived document's record) are checked for the fields the export relies on and kept
 * whole otherwise (`looseObject`): the export must carry everything held, not a summary of it.
 */
import { z } from 'zod';

/** Bumped when a field is removed or changes meaning; added fields keep the version. */
export const PUPIL_EXPORT_SCHEMA_VERSION = 1;

const text = z.string().min(1);
const instant = z.iso.datetime({ offset: true });
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'må være SHA-256 som 64 heksadesimale tegn');

/** A guardian with a protected address is exported without name and contact details (see pupil-export.ts). */
const guardianSchema = z.discriminatedUnion('protectedAddress', [
  z.strictObject({
    guardianId: text,
    protectedAddress: z.literal(false),
    name: text,
    email: z.string().optional(),
    mobile: z.string().optional(),
    language: text,
    writtenStandard: z.enum(['bokmal', 'nynorsk']),
    parentalResponsibility: z.boolean(),
    livesWith: z.boolean(),
  }),
  z.strictObject({
    guardianId: text,
    protectedAddress: z.literal(true),
    parentalResponsibility: z.boolean(),
    livesWith: z.boolean(),
  }),
]);

const pupilSchema = z.strictObject({
  pupilId: text,
  name: text,
  grade: z.number().int(),
  contactTeacher: z.strictObject({ staffId: text, name: z.string().optional() }).nullable(),
});

const registrationSchema = z.looseObject({ schoolId: text, pupilId: text, date: z.string() });

const ledgerSchema = z.strictObject({ record: z.looseObject({ pupilId: text, triggers: z.array(z.unknown()) }), updatedAt: z.string() });

const caseViewSchema = z.looseObject({
  caseId: text,
  workflowId: text,
  schoolId: text,
  pupilId: text,
  status: z.enum(['open', 'closed']),
  timeline: z.array(z.looseObject({ kind: text })),
  deadlines: z.array(z.looseObject({ name: text, dueAt: z.string() })),
  documents: z.array(z.unknown()),
});

/** How a run's view was obtained. */
export const VIEW_SOURCES = ['query', 'result', 'none'] as const;
export type ViewSource = (typeof VIEW_SOURCES)[number];

const caseRunSchema = z.strictObject({
  workflowId: text,
  runId: text,
  /** Temporal's status of the run: RUNNING, COMPLETED, CONTINUED_AS_NEW, TERMINATED, … */
  status: text,
  startedAt: instant,
  closedAt: instant.optional(),
  viewSource: z.enum(VIEW_SOURCES),
  /** Why there is no view (Norwegian), when `viewSource` is `none`. */
  note: z.string().optional(),
  view: caseViewSchema.nullable(),
});

const exportedFileSchema = z.strictObject({
  version: z.number().int().min(1),
  /** Path inside the export folder, e.g. `dokumenter/2026-09-01_samtale-med-foresatte_2026-17-1_v1.pdf`. */
  file: text,
  checksum: sha256Hex,
  size: z.number().int().min(1),
});

const archivedDocumentSchema = z.looseObject({
  reference: text,
  caseId: text,
  title: text,
  checksum: sha256Hex,
  versions: z.array(z.looseObject({ version: z.number().int(), checksum: sha256Hex })),
  exportedFiles: z.array(exportedFileSchema).min(1),
});

const caseFileSchema = z.strictObject({
  caseId: text,
  caseFile: z.looseObject({ caseId: text, caseFileNumber: text }).nullable(),
  documents: z.array(archivedDocumentSchema),
});

const deliverySchema = z.looseObject({ idempotencyKey: text, caseId: text, channel: text, recipientId: text, status: text });

const accessEntrySchema = z.strictObject({
  workflowId: text,
  openedAt: z.string(),
  /** 'view' | 'document' | … (web/users: CASE_ACCESS_ACTIONS). */
  action: text,
  userId: text,
  /** The web user's name and role at the time of the export; absent for a user no longer in the database. */
  userName: z.string().optional(),
  userRole: z.string().optional(),
});

export const pupilExportSchema = z.strictObject({
  schemaVersion: z.literal(PUPIL_EXPORT_SCHEMA_VERSION),
  exportedAt: instant,
  /** Where the data came from (no secrets: no database URL, no keys). */
  source: z.strictObject({
    system: text,
    database: z.enum(['sqlite', 'postgres']),
    temporalNamespace: text,
  }),
  school: z.strictObject({ schoolId: text, name: text, municipalityName: text }),
  /** Null when the people directory no longer knows the pupil (other data may still be held). */
  pupil: pupilSchema.nullable(),
  pupilId: text,
  guardians: z.array(guardianSchema),
  registrations: z.array(registrationSchema),
  detectionLedger: ledgerSchema.nullable(),
  cases: z.array(caseRunSchema),
  archive: z.array(caseFileSchema),
  messageDeliveries: z.array(deliverySchema),
  accessLog: z.array(accessEntrySchema),
});

export type PupilExport = z.infer<typeof pupilExportSchema>;
export type ExportedGuardian = z.infer<typeof guardianSchema>;
export type ExportedCaseRun = z.infer<typeof caseRunSchema>;
export type ExportedCaseFile = z.infer<typeof caseFileSchema>;
export type ExportedFile = z.infer<typeof exportedFileSchema>;
export type ExportedAccessEntry = z.infer<typeof accessEntrySchema>;
