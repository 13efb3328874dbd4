/**
 * Filing a document drives the case: one action renders the document the event needs (PDF/A,
 * documents/), stores it in the case's archive (archive/, Noark 5) and sends the event with the
 * archive reference as its document reference, so the machines' document guards rest on a real,
 * archived document. The CLI (`npm run case -- send … --document FIL`) and the coming web
 * application's forms both file through here.
 *
 * The order keeps a refused step from leaving a stray document: the case is asked first whether
 * it takes the event now; the document is stored under a key made of the case and the event id,
 * so a retried action stores nothing twice and sends the same reference; the event's own id makes
 * the case apply it once.
 *
 * Names are read from the people directory for the document only (the PDF is the place they
 * belong); the event carries the reference, never a name. A guardian with a protected address is
 * never named in a document another person may read.
 */
import type { FiledDocument } from '../archive/archive-store';
import type { ArchiveStore } from '../archive/archive-store';
import type { EntryType } from '../archive/noark';
import { CaseRefusedError } from '../app/case-client';
import type { SchoolDirectory } from '../detection/school-directory';
import { documentTitle, renderDocumentPdf } from '../documents/render-pdf';
import { documentOf } from '../machines/case-context';
import { type CaseEvent, type EventType, parseCaseEvent } from '../machines/events';
import { eventNames, roleNames } from '../machines/labels';
import type { DocumentKind, Role } from '../machines/vocabulary';
import type { PupilPeople } from '../people/recipients';
import type { CaseView, SendEventResult } from '../workflows/case-messages';

/** What a command line puts in an event's document reference until the archive gives the real one. */
export const PENDING_ARCHIVE_REFERENCE = 'arkiv:ventende';

/** The field of each event that holds its document's reference. */
export function documentRefField(type: EventType): 'documentRef' | 'minutesRef' | 'planRef' | undefined {
  if (type === 'meeting.held' || type === 'evaluation.held') return 'minutesRef';
  if (type === 'measures.agreed') return 'planRef';
  return documentOfType(type) ? 'documentRef' : undefined;
}

/** Whether events of `type` carry a document (documentOf with a stand-in reference). */
function documentOfType(type: EventType): boolean {
  const probe = { type, documentRef: '-', minutesRef: '-', planRef: '-', form: 'absence-pattern', kind: 'minutes' } as unknown as CaseEvent;
  return documentOf(probe) !== undefined;
}

/** Outgoing: sent to a service outside the school; incoming: from the guardians; the rest stays inside the school. */
const ENTRY_TYPE_OF: Partial<Record<DocumentKind, EntryType>> = {
  referral: 'outgoing',
  'report-of-concern': 'outgoing',
  'school-owner-notice': 'outgoing',
  'absence-notice': 'incoming',
};

/** Someone who took part, named by the directory (person id) or by the filer (name). */
export interface DocumentParticipant {
  role: Role;
  personId?: string;
  name?: string;
}

export interface FileDocumentRequest {
  workflowId: string;
  /** The event the document belongs to; its document reference is set here (any given one is replaced). */
  event: CaseEvent;
  /** The document's own fields (documents/document-forms.ts for its kind). */
  fields: unknown;
  /** Who took part; default: nobody listed. */
  participants?: readonly DocumentParticipant[];
  /** The date the document is dated (yyyy-MM-dd); default: the event's date. */
  documentDate?: string;
}

export interface DocumentFilingDependencies {
  cases: { view(workflowId: string): Promise<CaseView>; send(workflowId: string, event: CaseEvent): Promise<SendEventResult> };
  archive: ArchiveStore;
  people: { pupilPeople(schoolId: string, pupilId: string): Promise<PupilPeople | undefined> };
  schools: SchoolDirectory;
}

export interface FiledCaseDocument {
  filed: FiledDocument;
  /** The event as sent, with the archive reference. */
  event: CaseEvent;
  result: SendEventResult;
}

/** A document that cannot be made or filed for this case: the message says why, in Norwegian. */
export class DocumentFilingError extends Error {
  override name = 'DocumentFilingError';
}

/** The participants as the document shows them: names from the directory, protected guardians left unnamed. */
function participantLines(participants: readonly DocumentParticipant[], people: PupilPeople | undefined): { name: string; role: string }[] {
  return participants.map((p) => {
    const role = roleNames[p.role] ?? p.role;
    if (p.personId === undefined) return { name: p.name ?? role, role };
    const guardian = people?.guardians.find((g) => g.guardianId === p.personId);
    if (guardian) return { name: guardian.protectedAddress ? 'Foresatt (skjermet)' : guardian.name, role };
    const staff = people?.staff.find((s) => s.staffId === p.personId);
    if (staff) return { name: staff.name, role };
    throw new DocumentFilingError(`Deltakeren «${p.personId}» (${role}) finnes ikke i personkatalogen for elevens skole.`);
  });
}

/** Renders, archives and sends: see the module comment. Throws CaseRefusedError when the case does not take the event now. */
export async function fileCaseDocument(deps: DocumentFilingDependencies, request: FileDocumentRequest): Promise<FiledCaseDocument> {
  const { event } = request;
  const field = documentRefField(event.type);
  if (!field) throw new DocumentFilingError(`Hendelsen «${eventNames[event.type]}» har ikke noe dokument å arkivere.`);
  const view = await deps.cases.view(request.workflowId);
  if (view.status !== 'open') throw new CaseRefusedError(`saken er avsluttet; «${eventNames[event.type]}» kan ikke registreres.`);
  if (!view.allowedEvents.includes(event.type))
    throw new CaseRefusedError(`«${eventNames[event.type]}» kan ikke registreres i steget «${view.state.label}».`);
  const kind = (documentOf(event) as { kind: DocumentKind }).kind;
  const school = deps.schools.get(view.schoolId);
  if (!school) throw new DocumentFilingError(`Skolen «${view.schoolId}» står ikke i skolekatalogen.`);
  const people = await deps.people.pupilPeople(view.schoolId, view.pupilId);
  // The case file is opened first, so even the case's first document carries its number.
  const { caseFileNumber } = await deps.archive.ensureCaseFile({
    caseId: view.caseId,
    schoolId: view.schoolId,
    ...(people?.pupil.contactTeacherId ? { responsibleId: people.pupil.contactTeacherId } : {}),
    at: event.at,
    by: event.actor.userId,
  });
  const documentDate = request.documentDate ?? event.at.slice(0, 10);
  const participants = request.participants ?? [];
  const pdf = await renderDocumentPdf({
    kind,
    fields: request.fields,
    header: {
      municipality: school.municipalityName,
      school: school.name,
      caseReference: caseFileNumber,
      documentDate,
      // The event's own time, never the clock: the same request renders the same bytes (one checksum on a retry).
      createdAt: event.at,
      participants: participantLines(participants, people),
      ...(people ? { pupil: { name: people.pupil.name, grade: `${people.pupil.grade}. trinn` } } : {}),
    },
  });
  const filed = await deps.archive.fileDocument({
    idempotencyKey: `${request.workflowId}/${event.eventId}`,
    caseId: view.caseId,
    schoolId: view.schoolId,
    ...(people?.pupil.contactTeacherId ? { responsibleId: people.pupil.contactTeacherId } : {}),
    documentKind: kind,
    title: documentTitle(kind),
    entryType: ENTRY_TYPE_OF[kind] ?? 'internal',
    documentDate,
    filedAt: event.at,
    filedBy: event.actor.userId,
    parties: participants
      .filter((p): p is DocumentParticipant & { personId: string } => p.personId !== undefined)
      .map((p) => ({ personId: p.personId, role: p.role, kind: 'internal-recipient' as const })),
    content: pdf,
    format: 'PDF/A-2b',
  });
  const sent = parseCaseEvent({ ...event, [field]: filed.reference });
  const result = await deps.cases.send(request.workflowId, sent);
  // The case is closed: so is its case file (saksmappe), with the closing's own time.
  const status = 'status' in result ? result.status : result.view.status;
  if (status === 'closed') await deps.archive.closeCaseFile(view.caseId, event.at);
  return { filed, event: sent, result };
}
