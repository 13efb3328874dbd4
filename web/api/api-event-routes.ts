/**
 * Sending an event through the API: the body is the event without `actor` and `at` (the token's
 * user in the role they act in, and now), with its document when the event files one. The same
 * checks as the pages' forms, in the same order: the user's access to the case, a role that may
 * act, the case taking the event now and one of the user's roles allowed to send it; then the
 * event's and the document's schemas; then fileCaseDocument (render, archive, send) or the event
 * alone. A refusal changes nothing. The client's `eventId` makes a retry apply once: an event id
 * the case already has answers `applied: false`.
 */
import { CaseRefusedError } from '../../app/case-client';
import { type DocumentParticipant, PENDING_ARCHIVE_REFERENCE, documentRefField, fileCaseDocument } from '../../casework/file-document';
import { documentFormSchemas } from '../../documents/document-forms';
import { documentOf } from '../../machines/case-context';
import { type CaseEvent, caseEventSchema } from '../../machines/events';
import { eventNames, roleNames } from '../../machines/labels';
import { type Role, roleSchema } from '../../machines/vocabulary';
import { describeIssues, parseOptions } from '../../machines/zod-issues';
import type { CaseView, SendEventResult } from '../../workflows/case-messages';
import { actingRoles, actorUserId, mayAct, roleForEvent } from '../case-access';
import { viewForUser } from '../routes/case-routes';
import type { WebApp } from '../server';
import { webRoleNames } from '../users/web-user';
import { type ApiDependencies, callerOf } from './api-auth';
import { ApiError, errorResponses } from './api-errors';
import { apiEventBodySchema, caseParamsSchema, sendResultSchema } from './api-schemas';

const { 401: e401, 403: e403, 404: e404, 409: e409, 422: e422, 500: e500 } = errorResponses;

/** Roles named in the event (meeting participants, signers) become the document's participants, as on the pages. */
function participantsOf(event: Record<string, unknown>): DocumentParticipant[] {
  const roles = (event.participants ?? event.present ?? event.signedBy) as unknown;
  if (!Array.isArray(roles)) return [];
  return roles.flatMap((r) => (roleSchema.safeParse(r).success ? [{ role: r as Role }] : []));
}

/** The receipt in one shape, whichever the case's run answers with. */
function receiptOf(result: SendEventResult, eventId: string) {
  if ('view' in result) {
    const { view } = result;
    return {
      applied: result.applied,
      eventId,
      status: view.status,
      stage: view.stage,
      stateLabel: view.state.label,
      overdue: view.overdue,
    };
  }
  return {
    applied: result.applied,
    eventId: result.eventId,
    status: result.status,
    stage: result.stage,
    stateLabel: result.stateLabel,
    overdue: result.overdue,
  };
}

function alreadyApplied(view: CaseView, eventId: string): boolean {
  return view.timeline.some((e) => e.kind === 'event' && e.eventId === eventId);
}

export function registerApiEventRoutes(api: WebApp, deps: ApiDependencies): void {
  api.post(
    '/cases/:workflowId/events',
    {
      config: { apiScope: 'send' },
      schema: {
        tags: ['hendelser'],
        summary: 'Registrer en hendelse',
        description:
          'Sender en hendelse til saken som API-nøkkelens bruker, i rollen brukeren handler i. `actor` og `at` settes av serveren. ' +
          'Hendelser som arkiverer et dokument, tar dokumentets felt i `document`: dokumentet lages som PDF/A, arkiveres og refereres fra hendelsen. ' +
          'Samme `eventId` to ganger registreres én gang (svar `applied: false`). En hendelse saken ikke tar nå, avvises med 409, og ingenting endres.',
        params: caseParamsSchema,
        body: apiEventBodySchema,
        response: { 200: sendResultSchema, 401: e401, 403: e403, 404: e404, 409: e409, 422: e422, 500: e500 },
      },
    },
    async (request) => {
      const { user } = callerOf(request);
      const { document, ...fields } = request.body;
      const { type, eventId } = fields;
      const name = eventNames[type];
      const view = await viewForUser(deps, user, request.params.workflowId);
      if (!mayAct(user)) {
        throw new ApiError('forbidden', `Brukeren har rollen ${webRoleNames[user.role]} (lesetilgang) og kan ikke registrere noe i saker.`);
      }
      if (alreadyApplied(view, eventId)) {
        return { applied: false, eventId, status: view.status, stage: view.stage, stateLabel: view.state.label, overdue: view.overdue };
      }
      if (view.status !== 'open') throw new CaseRefusedError(`saken er avsluttet; «${name}» kan ikke registreres.`);
      if (!view.allowedEvents.includes(type)) throw new CaseRefusedError(`«${name}» kan ikke registreres i steget «${view.state.label}».`);
      const role = roleForEvent(view, type, await actingRoles(user, view.schoolId, view.pupilId, deps.directory));
      if (!role) {
        const allowed = view.senders?.[type] ?? [];
        throw new ApiError(
          'forbidden',
          `Ingen av brukerens roller kan registrere «${name}» i steget «${view.state.label}».${allowed.length ? ` Det kan: ${allowed.map((r) => roleNames[r]).join(', ')}.` : ''}`,
        );
      }
      const refField = documentRefField(type);
      const candidate = {
        ...fields,
        actor: { role, userId: actorUserId(user) },
        at: deps.now().toISOString(),
        ...(refField ? { [refField]: PENDING_ARCHIVE_REFERENCE } : {}),
      };
      const parsed = caseEventSchema.safeParse(candidate, parseOptions);
      if (!parsed.success)
        throw new ApiError(
          'invalid_input',
          `Ugyldig hendelse «${name}»: ${describeIssues(parsed.error, '(hendelsen)', candidate).join('; ')}.`,
        );
      const event = parsed.data as CaseEvent;
      if (!document) return receiptOf(await deps.cases.send(view.workflowId, event), eventId);

      const kind = documentOf(event)?.kind;
      if (!kind) throw new ApiError('invalid_input', `document: «${name}» arkiverer ikke noe dokument; utelat document.`);
      const form = documentFormSchemas[kind].safeParse(document.fields, parseOptions);
      if (!form.success) {
        throw new ApiError(
          'invalid_input',
          `Ugyldig dokument: ${describeIssues(form.error, '(dokumentet)', document.fields)
            .map((l) => `document.fields.${l}`)
            .join('; ')}.`,
        );
      }
      const filed = await fileCaseDocument(
        { ...deps, cases: { view: (id) => deps.cases.view(id, deps.now()), send: (id, e) => deps.cases.send(id, e) } },
        {
          workflowId: view.workflowId,
          event,
          fields: form.data,
          participants: participantsOf(fields),
          ...(document.documentDate !== undefined ? { documentDate: document.documentDate } : {}),
        },
      );
      return { ...receiptOf(filed.result, eventId), document: { reference: filed.filed.reference, duplicate: filed.filed.duplicate } };
    },
  );
}
