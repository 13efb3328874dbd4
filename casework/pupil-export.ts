/**
 * A guardian's access request (innsyn, GDPR art. 15 and forvaltningsloven § 18): gathers
 * everything the project holds about one pupil at one school into one `PupilExport`
 * (pupil-export-schema.ts), read-only, from every place it lives:
 *
 * - the people directory: the pupil, their guardians and the contact teacher's name;
 * - the registrations and detection's ledger of the pupil at the school;
 * - Temporal: every run of the pupil's case (the current one, earlier closed cases and runs that
 *   continued as new), found by the case's pseudonymous workflow id, each with its view;
 * - the archive: each case's file and documents, every version (pupil-export-folder.ts copies them);
 * - the delivery records of the cases' messages and the access log of the case pages.
 *
 * A guardian with a protected address (sperret adresse) is listed without name or contact
 * details: the folder goes to the requesting family, and such a guardian is never revealed to
 * anyone else (people/recipients.ts). Everything is read; nothing is changed.
 */
import { type Client, ServiceError, isGrpcServiceError } from '@temporalio/client';
import { type CaseClient, CaseNotFoundError } from '../app/case-client';
import type { AppDatabase } from '../app/database/database';
import type { ArchiveStore, ArchivedDocumentRecord, CaseFileRecord } from '../archive/archive-store';
import type { SchoolDirectory } from '../detection/school-directory';
import { quoteValue } from '../machines/identifiers';
import { DeliveryStore } from '../messages/delivery-store';
import { SqlPeopleDirectory } from '../people/people-store';
import { type CaseView, caseViewQuery } from '../workflows/case-messages';
import { documentFileName } from './pupil-export-files';
import {
  type ExportedAccessEntry,
  type ExportedCaseRun,
  type ExportedFile,
  type ExportedGuardian,
  PUPIL_EXPORT_SCHEMA_VERSION,
  type PupilExport,
  pupilExportSchema,
} from './pupil-export-schema';

/** The name the export gives as the source system. */
export const EXPORT_SYSTEM = 'skolefravaer';
/** How long a closed run's view may take to come back (a worker replays it); after that the run is exported without it. */
const CLOSED_RUN_QUERY_MS = 10_000;

/** The school is not in the school directory. */
export class UnknownSchoolForExportError extends Error {
  override name = 'UnknownSchoolForExportError';
  constructor(readonly schoolId: string) {
    super(`Skolen ${quoteValue(schoolId)} finnes ikke i skolekatalogen.`);
  }
}

/** Nothing at all is held about the pupil at the school. */
export class NothingHeldError extends Error {
  override name = 'NothingHeldError';
  constructor(
    readonly schoolId: string,
    readonly pupilId: string,
  ) {
    super(
      `Finner ingen opplysninger om eleven ${quoteValue(pupilId)} ved skolen ${quoteValue(schoolId)}: ` +
        'ikke i personkatalogen, ingen fraværsregistreringer, ingen saker.',
    );
  }
}

/** Temporal could not be read (unreachable, refused the call); the message says what it answered. */
export class TemporalReadError extends Error {
  override name = 'TemporalReadError';
}

/** The export folder's content does not match its own schema: a bug, never handed out. */
export class PupilExportInvalidError extends Error {
  override name = 'PupilExportInvalidError';
}

export interface PupilExportSources {
  cases: CaseClient;
  database: AppDatabase;
  archive: ArchiveStore;
  schools: SchoolDirectory;
  /** The Temporal namespace the cases are in (for the record of where the data came from). */
  namespace: string;
  now?: () => Date;
}

/** One run of the case as gathered (the schema checks it once the whole record is made). */
type CaseRunRecord = Omit<ExportedCaseRun, 'view'> & { view: CaseView | null };
/** A case's archive as gathered, each document version with the name it gets in the folder. */
interface CaseFileExport {
  caseId: string;
  caseFile: CaseFileRecord | null;
  documents: (ArchivedDocumentRecord & { exportedFiles: ExportedFile[] })[];
}

/** A Temporal call; its service errors (unreachable, refused) become TemporalReadError, anything else is thrown as is. */
async function fromTemporal<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ServiceError || isGrpcServiceError(err))
      throw new TemporalReadError(`Temporal svarte ikke da ${what} skulle leses: ${(err as Error).message}`);
    throw err;
  }
}

/** The guardian as the export shows them: a protected one without name or contact details. */
export function exportedGuardian(g: {
  guardianId: string;
  name: string;
  email?: string;
  mobile?: string;
  language: string;
  writtenStandard: 'bokmal' | 'nynorsk';
  protectedAddress: boolean;
  parentalResponsibility: boolean;
  livesWith: boolean;
}): ExportedGuardian {
  const link = { parentalResponsibility: g.parentalResponsibility, livesWith: g.livesWith };
  if (g.protectedAddress) return { guardianId: g.guardianId, protectedAddress: true, ...link };
  return {
    guardianId: g.guardianId,
    protectedAddress: false,
    name: g.name,
    ...(g.email === undefined ? {} : { email: g.email }),
    ...(g.mobile === undefined ? {} : { mobile: g.mobile }),
    language: g.language,
    writtenStandard: g.writtenStandard,
    ...link,
  };
}

/**
 * The visibility query for every run of one workflow id: running, closed and continued as new.
 * The id is quoted the way visibility reads strings.
 */
export function runsQuery(workflowId: string): string {
  return `WorkflowId = '${workflowId.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * One run's view: a running case answers the Query; a completed one returned its view as its
 * result (workflows/case-workflow.ts); a run that continued as new carried its whole timeline to
 * the next run, which is exported too; any other closed run (terminated, failed) is asked the
 * Query, which a worker answers by replaying it, within a bound.
 */
async function viewOfRun(
  client: Client,
  cases: CaseClient,
  run: { workflowId: string; runId: string; status: string },
  now: Date,
): Promise<Pick<CaseRunRecord, 'viewSource' | 'view' | 'note'>> {
  const handle = client.workflow.getHandle(run.workflowId, run.runId, { followRuns: false });
  if (run.status === 'RUNNING') {
    try {
      return { viewSource: 'query', view: await fromTemporal('saken', () => cases.view(run.workflowId, now)) };
    } catch (err) {
      // Closed between listing and asking: its result is the view.
      if (!(err instanceof CaseNotFoundError)) throw err;
    }
  }
  if (run.status === 'COMPLETED' || run.status === 'RUNNING') {
    const view = await fromTemporal('sakens resultat', () => handle.result() as Promise<CaseView>);
    return { viewSource: 'result', view };
  }
  if (run.status === 'CONTINUED_AS_NEW')
    return { viewSource: 'none', view: null, note: 'Kjøringen fortsatte som en ny kjøring; hele tidslinjen er med i den neste kjøringen.' };
  try {
    const view = await client.connection.withDeadline(Date.now() + CLOSED_RUN_QUERY_MS, () => handle.query(caseViewQuery));
    return { viewSource: 'query', view };
  } catch (err) {
    // Not swallowed: the run is exported with its status and times, and the note says why its view is missing.
    return {
      viewSource: 'none',
      view: null,
      note: `Kjøringen ble avsluttet med status ${run.status}; sakens visning kunne ikke hentes (${err instanceof Error ? err.message : String(err)}).`,
    };
  }
}

/** Every run of the pupil's case at the school, oldest first, each with its view. */
async function caseRuns(cases: CaseClient, workflowId: string, pupilId: string, now: Date): Promise<CaseRunRecord[]> {
  const client = cases.client;
  const listed = await fromTemporal('sakene', async () => {
    const rows = [];
    for await (const wf of client.workflow.list({ query: runsQuery(workflowId) })) rows.push(wf);
    return rows;
  });
  const runs: CaseRunRecord[] = [];
  for (const wf of listed.sort((a, b) => a.startTime.getTime() - b.startTime.getTime())) {
    const run = { workflowId: wf.workflowId, runId: wf.runId, status: wf.status.name };
    const { viewSource, view, note } = await viewOfRun(client, cases, run, now);
    // The id is a keyed hash of school and pupil; a view of another pupil would be a bug, never exported.
    if (view !== null && view.pupilId !== pupilId)
      throw new PupilExportInvalidError(`Saken ${wf.workflowId} (kjøring ${wf.runId}) gjelder en annen elev enn ${quoteValue(pupilId)}.`);
    runs.push({
      ...run,
      startedAt: wf.startTime.toISOString(),
      ...(wf.closeTime ? { closedAt: wf.closeTime.toISOString() } : {}),
      viewSource,
      ...(note === undefined ? {} : { note }),
      view,
    });
  }
  return runs;
}

/** The archive's case file and documents of each case, with the file names the export gives every version. */
export async function archiveExport(archive: ArchiveStore, caseIds: readonly string[]): Promise<CaseFileExport[]> {
  const usedNames = new Set<string>();
  const out: CaseFileExport[] = [];
  for (const caseId of caseIds) {
    const caseFile = await archive.caseFile(caseId);
    const documents = await archive.documentsOfCase(caseId);
    out.push({
      caseId,
      caseFile: caseFile ?? null,
      documents: documents.map((doc) => ({
        ...doc,
        exportedFiles: doc.versions.map((v) => ({
          version: v.version,
          file: `dokumenter/${documentFileName(doc, v.version, usedNames)}`,
          checksum: v.checksum,
          size: v.size,
        })),
      })),
    });
  }
  return out;
}

/** Who opened the cases, oldest first, with the user's name and role where the user is still known. */
async function accessLogOf(database: AppDatabase, workflowId: string): Promise<ExportedAccessEntry[]> {
  const rows = await database.db
    .selectFrom('web_case_access_log as a')
    .leftJoin('web_users as u', 'u.user_id', 'a.user_id')
    .select(['a.workflow_id', 'a.opened_at', 'a.action', 'a.user_id', 'u.display_name', 'u.role'])
    .where('a.workflow_id', '=', workflowId)
    .orderBy('a.opened_at')
    .orderBy('a.id')
    .execute();
  return rows.map((row) => ({
    workflowId: row.workflow_id,
    openedAt: row.opened_at,
    action: row.action,
    userId: row.user_id,
    ...(row.display_name === null ? {} : { userName: row.display_name }),
    ...(row.role === null ? {} : { userRole: row.role }),
  }));
}

/**
 * Everything held about the pupil at the school, validated against the export's schema.
 * Throws UnknownSchoolForExportError, NothingHeldError (nothing held at all), TemporalReadError,
 * PupilExportInvalidError; database and archive errors are thrown as they are.
 */
export async function gatherPupilExport(sources: PupilExportSources, schoolId: string, pupilId: string): Promise<PupilExport> {
  const now = (sources.now ?? (() => new Date()))();
  const school = sources.schools.get(schoolId);
  if (school === undefined) throw new UnknownSchoolForExportError(schoolId);
  const { db } = sources.database;

  const people = await new SqlPeopleDirectory(sources.database).pupilPeople(schoolId, pupilId);
  let pupil: PupilExport['pupil'] = null;
  if (people !== undefined) {
    const teacherId = people.pupil.contactTeacherId;
    const teacher =
      teacherId === undefined
        ? undefined
        : await db.selectFrom('staff').select('name').where('staff_id', '=', teacherId).executeTakeFirst();
    pupil = {
      pupilId,
      name: people.pupil.name,
      grade: people.pupil.grade,
      contactTeacher: teacherId === undefined ? null : { staffId: teacherId, ...(teacher ? { name: teacher.name } : {}) },
    };
  }

  const registrations = (
    await db
      .selectFrom('registrations')
      .select('record')
      .where('school_id', '=', schoolId)
      .where('pupil_id', '=', pupilId)
      .orderBy('date')
      .orderBy('kind')
      .execute()
  ).map((row) => JSON.parse(row.record) as Record<string, unknown>);
  const ledgerRow = await db
    .selectFrom('detection_ledger')
    .select(['record', 'updated_at'])
    .where('school_id', '=', schoolId)
    .where('pupil_id', '=', pupilId)
    .executeTakeFirst();

  const workflowId = sources.cases.workflowIdFor(schoolId, pupilId);
  const cases = await caseRuns(sources.cases, workflowId, pupilId, now);
  // A case's runs share its case id (continue-as-new carries it); a case opened again has a new one.
  const caseIds = [...new Set(cases.flatMap((run) => (run.view ? [run.view.caseId] : [])))];
  const deliveries = new DeliveryStore(sources.database);
  const messageDeliveries = (await Promise.all(caseIds.map((id) => deliveries.forCase(id)))).flat();
  const accessLog = await accessLogOf(sources.database, workflowId);

  if (pupil === null && registrations.length === 0 && ledgerRow === undefined && cases.length === 0 && accessLog.length === 0)
    throw new NothingHeldError(schoolId, pupilId);

  const record = {
    schemaVersion: PUPIL_EXPORT_SCHEMA_VERSION,
    exportedAt: now.toISOString(),
    source: { system: EXPORT_SYSTEM, database: sources.database.kind, temporalNamespace: sources.namespace },
    school: { schoolId, name: school.name, municipalityName: school.municipalityName },
    pupil,
    pupilId,
    guardians: (people?.guardians ?? []).map(exportedGuardian),
    registrations,
    detectionLedger: ledgerRow
      ? { record: JSON.parse(ledgerRow.record) as Record<string, unknown>, updatedAt: ledgerRow.updated_at }
      : null,
    cases,
    archive: await archiveExport(sources.archive, caseIds),
    messageDeliveries,
    accessLog,
  };
  return validatedExport(record);
}

/** The record checked against the schema; a mismatch names each field (PupilExportInvalidError). */
export function validatedExport(record: unknown): PupilExport {
  const parsed = pupilExportSchema.safeParse(record);
  if (!parsed.success)
    throw new PupilExportInvalidError(
      `innsyn.json følger ikke sitt eget skjema (versjon ${PUPIL_EXPORT_SCHEMA_VERSION}): ` +
        parsed.error.issues.map((i) => `${i.path.join('.') || '(roten)'}: ${i.message}`).join('; '),
    );
  return parsed.data;
}
