/**
 * The API's case routes: the list (the filters of «Saker»), one case, its archived documents and
 * a document's PDF, and opening a case by hand. Reads are written to the access log as the pages'
 * are (who, when, which case).
 */
import { z } from 'zod';
import { ArchiveNotFoundError } from '../../archive/archive-error';
import type { ArchivedDocumentRecord } from '../../archive/archive-store';
import { openCaseByHand } from '../../casework/opening';
import { caseScope, mayAct, scopeCovers } from '../case-access';
import { type CaseRow, type ListFilters, listCaseRows, pageOf, scopedFilter } from '../case-list';
import { viewForUser } from '../routes/case-routes';
import { webRoleNames } from '../users/web-user';
import type { WebApp } from '../server';
import { type ApiDependencies, callerOf } from './api-auth';
import { ApiError, errorResponses } from './api-errors';
import {
  caseListSchema,
  caseParamsSchema,
  caseViewJson,
  caseViewSchema,
  documentListSchema,
  documentParamsSchema,
  listQuerySchema,
  openCaseBodySchema,
  openCaseResultSchema,
} from './api-schemas';

const read = { apiScope: 'read' } as const;
const send = { apiScope: 'send' } as const;
const { 401: e401, 403: e403, 404: e404, 409: e409, 422: e422, 500: e500 } = errorResponses;

/** A row with its instants as ISO text. */
function rowJson(row: CaseRow) {
  const iso = (d: Date | undefined) => d?.toISOString();
  const { nextDeadline, overdueSince, openedAt, closedAt, ...rest } = row;
  return {
    ...rest,
    ...(nextDeadline ? { nextDeadline: iso(nextDeadline) } : {}),
    ...(overdueSince ? { overdueSince: iso(overdueSince) } : {}),
    ...(openedAt ? { openedAt: iso(openedAt) } : {}),
    ...(closedAt ? { closedAt: iso(closedAt) } : {}),
  };
}

export function documentHref(workflowId: string, reference: string): string {
  return `/api/v1/cases/${encodeURIComponent(workflowId)}/documents/${encodeURIComponent(reference)}`;
}

function documentJson(workflowId: string, record: ArchivedDocumentRecord) {
  return { ...record, href: documentHref(workflowId, record.reference) };
}

export function registerApiCaseRoutes(api: WebApp, deps: ApiDependencies): void {
  api.get(
    '/cases',
    {
      config: read,
      schema: {
        tags: ['saker'],
        summary: 'List saker',
        description: 'Sakene brukeren har tilgang til, filtrert som på siden «Saker», sortert etter neste frist (forfalte først).',
        querystring: listQuerySchema,
        response: { 200: caseListSchema, 401: e401, 403: e403, 422: e422, 500: e500 },
      },
    },
    async (request) => {
      const { user } = callerOf(request);
      const q = request.query;
      const filters: ListFilters = {
        ...(q.schoolId ? { schoolId: q.schoolId } : {}),
        ...(q.procedureId ? { procedureId: q.procedureId } : {}),
        ...(q.stage ? { stage: q.stage } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.overdue ? { overdue: true } : {}),
        ...(q.dueWithinDays !== undefined ? { dueWithinDays: q.dueWithinDays } : {}),
      };
      const scope = await caseScope(user, deps.schools, deps.directory);
      const rows = await listCaseRows(deps.cases, scopedFilter(scope, filters), deps.now());
      const current = pageOf(rows, q.page, q.pageSize);
      return { items: current.items.map(rowJson), page: current.page, pages: current.pages, pageSize: q.pageSize, total: current.total };
    },
  );

  api.get(
    '/cases/:workflowId',
    {
      config: read,
      schema: {
        tags: ['saker'],
        summary: 'Les en sak',
        description: 'Saken med steg, frister, historikk og hvem som kan sende hvilke hendelser nå. Åpningen logges.',
        params: caseParamsSchema,
        response: { 200: caseViewSchema, 401: e401, 403: e403, 404: e404, 422: e422, 500: e500 },
      },
    },
    async (request) => {
      const { user } = callerOf(request);
      const view = await viewForUser(deps, user, request.params.workflowId);
      await deps.users.logCaseAccess({ userId: user.userId, workflowId: view.workflowId, action: 'view', at: deps.now() });
      return caseViewJson(view);
    },
  );

  api.get(
    '/cases/:workflowId/documents',
    {
      config: read,
      schema: {
        tags: ['dokumenter'],
        summary: 'List sakens dokumenter',
        description: 'Dokumentene arkivert i sakens saksmappe, i journalpostenes rekkefølge.',
        params: caseParamsSchema,
        response: { 200: documentListSchema, 401: e401, 403: e403, 404: e404, 422: e422, 500: e500 },
      },
    },
    async (request) => {
      const { user } = callerOf(request);
      const view = await viewForUser(deps, user, request.params.workflowId);
      await deps.users.logCaseAccess({ userId: user.userId, workflowId: view.workflowId, action: 'view', at: deps.now() });
      const records = await deps.archive.documentsOfCase(view.caseId);
      return { items: records.map((r) => documentJson(view.workflowId, r)) };
    },
  );

  api.get(
    '/cases/:workflowId/documents/:reference',
    {
      config: read,
      schema: {
        tags: ['dokumenter'],
        summary: 'Hent et dokument (PDF)',
        description: 'Dokumentets siste versjon som PDF/A. Bare dokumenter i sakens egen saksmappe. Åpningen logges.',
        params: documentParamsSchema,
        response: {
          200: {
            description: 'PDF-en',
            content: { 'application/pdf': { schema: z.string().meta({ format: 'binary' }) } },
          },
          401: e401,
          403: e403,
          404: e404,
          422: e422,
          500: e500,
        },
      },
    },
    async (request, reply) => {
      const { user } = callerOf(request);
      const view = await viewForUser(deps, user, request.params.workflowId);
      let document;
      try {
        document = await deps.archive.readDocument(request.params.reference);
      } catch (err) {
        if (err instanceof ArchiveNotFoundError)
          throw new ApiError('not_found', `Finner ikke dokumentet «${request.params.reference}» i arkivet.`);
        throw err;
      }
      // A person with access to one case cannot read another's documents by guessing references.
      if (document.record.caseId !== view.caseId) throw new ApiError('forbidden', 'Dokumentet hører ikke til denne saken.');
      await deps.users.logCaseAccess({ userId: user.userId, workflowId: view.workflowId, action: 'document', at: deps.now() });
      const fileName = `${document.record.documentKind}-${document.record.caseFileNumber.replace('/', '-')}-${document.record.entryNumber}.pdf`;
      return (
        reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${fileName}"`)
          .header('cache-control', 'no-store')
          // A Buffer is sent as it is (never through the serializer); the schema only documents it.
          .send(document.content as unknown as string)
      );
    },
  );

  api.post(
    '/cases',
    {
      config: send,
      schema: {
        tags: ['saker'],
        summary: 'Åpne en sak for hånd',
        description:
          'Åpner elevens sak ved skolen etter skolens rutine, med de samme kontrollene som fraværsregistreringen og kommandolinjen. ' +
          'Bare kontaktlærer (egne elever), rektor (egen skole) og kommunal koordinator (kommunens skoler).',
        body: openCaseBodySchema,
        response: { 201: openCaseResultSchema, 401: e401, 403: e403, 409: e409, 422: e422, 500: e500 },
      },
    },
    async (request, reply) => {
      const { user } = callerOf(request);
      const body = request.body;
      if (!mayAct(user)) {
        throw new ApiError('forbidden', `Brukeren har rollen ${webRoleNames[user.role]} og kan ikke åpne saker.`);
      }
      const scope = await caseScope(user, deps.schools, deps.directory);
      if (!scopeCovers(scope, body.schoolId, body.pupilId)) {
        throw new ApiError('forbidden', `Du har ikke tilgang til elev «${body.pupilId}» ved skole «${body.schoolId}».`);
      }
      const school = deps.schools.get(body.schoolId);
      if (school && body.procedureId !== undefined && body.procedureId !== school.procedureId) {
        throw new ApiError(
          'invalid_input',
          `procedureId: skolen «${body.schoolId}» følger rutinen «${school.procedureId}» (fikk «${body.procedureId}»). Utelat procedureId, eller bruk skolens rutine.`,
        );
      }
      const people = await deps.people.pupilPeople(body.schoolId, body.pupilId);
      if (!people)
        throw new ApiError(
          'invalid_input',
          `pupilId: eleven finnes ikke i personkatalogen for skolen «${body.schoolId}» (fikk «${body.pupilId}»).`,
        );
      const workflowId = await openCaseByHand(deps, {
        schoolId: body.schoolId,
        pupilId: body.pupilId,
        grade: body.grade,
        trigger: body.trigger,
        openedAt: deps.now().toISOString(),
      });
      const view = await deps.cases.view(workflowId, deps.now());
      return reply.status(201).send({ workflowId, case: caseViewJson(view) });
    },
  );
}
