/**
 * The forms for the next allowed steps of a case. Only the events the case takes now and the
 * person's roles may send are offered; the server checks both again on submit, validates the
 * fields with the events' and documents' zod schemas, and either files the document and sends
 * the event in one action (casework/fileCaseDocument) or sends the event alone. A refusal shows
 * the case's own reason and changes nothing. The event id is made when the form is shown, so a
 * form sent twice is applied once and archives one document.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CaseRefusedError } from '../../app/case-client';
import {
  DocumentFilingError,
  type DocumentParticipant,
  PENDING_ARCHIVE_REFERENCE,
  documentRefField,
  fileCaseDocument,
} from '../../casework/file-document';
import { documentFormSchemas } from '../../documents/document-forms';
import { type CaseEvent, type EventType, caseEventSchema, eventTypes } from '../../machines/events';
import { eventNames, roleNames } from '../../machines/labels';
import { parseOptions } from '../../machines/zod-issues';
import { type Role, roleSchema } from '../../machines/vocabulary';
import type { CaseView } from '../../workflows/case-messages';
import { actingRoles, actorUserId, mayAct, roleForEvent } from '../case-access';
import type { WebDependencies } from '../dependencies';
import { type FormVariant, documentFormFields, eventFormFields, findVariant, formVariants } from '../forms/event-forms';
import type { FormField } from '../forms/form-fields';
import { type FormBody, formErrors, readFormValues } from '../forms/parse-form';
import { DOCUMENT_PREFIX, EVENT_PREFIX, type EventFormPage, eventFormPage } from '../pages/event-form-page';
import { html } from '../html';
import { messageBox, page } from '../pages/layout';
import { caseUrl } from '../pages/urls';
import type { WebApp } from '../server';
import type { WebUser } from '../users/web-user';
import { viewForUser } from './case-routes';
import { ForbiddenError, csrfToken, requireUser, sendPage } from './request-user';

const params = z.object({
  workflowId: z.string().min(1).max(200),
  type: z.enum(eventTypes as [EventType, ...EventType[]], { error: (issue) => `ukjent hendelse «${String(issue.input)}»` }),
});
const eventIdSchema = z.string().regex(/^web-[0-9a-f-]{36}$/, 'skjemaets hendelses-id er ugyldig; last skjemaet på nytt');

interface StepContext {
  user: WebUser;
  view: CaseView;
  type: EventType;
  variant: FormVariant;
  role: Role;
  caseTitle: string;
}

/** The step the person asks for, if the case takes it now and one of their roles may send it. */
async function stepContext(
  deps: WebDependencies,
  user: WebUser,
  workflowId: string,
  type: EventType,
  fixed: Record<string, string | undefined>,
): Promise<StepContext | { refusal: string; view: CaseView }> {
  const view = await viewForUser(deps, user, workflowId);
  if (!mayAct(user)) throw new ForbiddenError('Du har lesetilgang og kan ikke registrere noe i saker.');
  const variants = formVariants(type);
  const variant = findVariant(type, fixed) ?? (variants.length === 1 ? variants[0] : undefined);
  if (!variant) throw new ForbiddenError(`Velg hva slags «${eventNames[type]}» fra saken.`);
  if (view.status !== 'open') return { view, refusal: `Saken er avsluttet; «${eventNames[type]}» kan ikke registreres.` };
  if (!view.allowedEvents.includes(type))
    return { view, refusal: `«${eventNames[type]}» kan ikke registreres i steget «${view.state.label}».` };
  const role = roleForEvent(view, type, await actingRoles(user, view.schoolId, view.pupilId, deps.directory));
  if (!role) {
    const allowed = view.senders?.[type] ?? [];
    throw new ForbiddenError(
      `Ingen av dine roller kan registrere «${eventNames[type]}» i steget «${view.state.label}».${allowed.length ? ` Det kan: ${allowed.map((r) => roleNames[r]).join(', ')}.` : ''}`,
    );
  }
  const names = await deps.directory.pupilNames([{ schoolId: view.schoolId, pupilId: view.pupilId }]);
  const caseTitle = names.get(`${view.schoolId}/${view.pupilId}`) ?? `Elev ${view.pupilId}`;
  return { user, view, type, variant, role, caseTitle };
}

function formPage(
  reply: FastifyReply,
  ctx: StepContext,
  form: Omit<
    EventFormPage,
    'workflowId' | 'caseTitle' | 'stepLabel' | 'type' | 'variant' | 'role' | 'csrfToken' | 'eventFields' | 'documentFields'
  >,
  status = 200,
) {
  const token = csrfToken(reply);
  const body = eventFormPage({
    workflowId: ctx.view.workflowId,
    caseTitle: ctx.caseTitle,
    stepLabel: ctx.view.state.label,
    type: ctx.type,
    variant: ctx.variant,
    role: ctx.role,
    csrfToken: token,
    eventFields: eventFormFields(ctx.type, ctx.variant),
    documentFields: ctx.variant.documentKind ? documentFormFields(ctx.variant.documentKind) : [],
    ...form,
  });
  return sendPage(reply, page({ title: eventNames[ctx.type], user: ctx.user, csrfToken: token, current: '/saker', body }), status);
}

function refusedPage(reply: FastifyReply, user: WebUser, view: CaseView, refusal: string) {
  const body = html`<h1>Registreringen ble avvist</h1>
    ${messageBox('error', html`<strong>Ingenting er endret.</strong> ${refusal}`)}
    <p><a href="${caseUrl(view.workflowId)}">Tilbake til saken</a></p>`;
  return sendPage(reply, page({ title: 'Avvist', user, csrfToken: csrfToken(reply), current: '/saker', body }), 409);
}

/** Back to the case, which says the step is registered (htmx follows HX-Redirect). */
function succeeded(reply: FastifyReply, htmx: boolean, workflowId: string, type: EventType) {
  const target = `${caseUrl(workflowId)}?registrert=${encodeURIComponent(type)}`;
  if (htmx) return reply.header('hx-redirect', target).status(204).send();
  return reply.redirect(target, 303);
}

/** Roles named in the event (meeting participants, signers) become the document's participants. */
function participantsOf(event: Record<string, unknown>): DocumentParticipant[] {
  const roles = (event.participants ?? event.present ?? event.signedBy) as unknown;
  if (!Array.isArray(roles)) return [];
  return roles.flatMap((r) => (roleSchema.safeParse(r).success ? [{ role: r as Role }] : []));
}

/** The posted values of the fields that choose the event's variant (e.g. the kind of document). */
function fixedOf(body: FormBody, type: EventType): Record<string, string | undefined> {
  const names = formVariants(type).flatMap((v) => Object.keys(v.fixed));
  return Object.fromEntries(names.map((n) => [n, typeof body[n] === 'string' ? (body[n] as string) : undefined]));
}

export function registerEventRoutes(app: WebApp, deps: WebDependencies): void {
  app.get(
    '/saker/:workflowId/hendelser/:type',
    { schema: { params, querystring: z.record(z.string(), z.string().max(100)) } },
    async (request, reply) => {
      const user = await requireUser(deps, request, reply);
      if (!user) return reply;
      const ctx = await stepContext(deps, user, request.params.workflowId, request.params.type, request.query);
      if ('refusal' in ctx) return refusedPage(reply, user, ctx.view, ctx.refusal);
      return formPage(reply, ctx, { eventId: `web-${randomUUID()}` });
    },
  );

  app.post(
    '/saker/:workflowId/hendelser/:type',
    { schema: { params, body: z.record(z.string(), z.union([z.string(), z.array(z.string())])) }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const user = await requireUser(deps, request, reply);
      if (!user) return reply;
      const body = request.body as FormBody;
      const { type } = request.params;
      const ctx = await stepContext(deps, user, request.params.workflowId, type, fixedOf(body, type));
      if ('refusal' in ctx) {
        // The same form sent again after it was taken: the step has moved on because of it, so it
        // is the success it was, not a refusal.
        const applied = ctx.view.timeline.some((e) => e.kind === 'event' && e.eventId === body.eventId && e.type === type);
        if (applied) return succeeded(reply, request.headers['hx-request'] === 'true', ctx.view.workflowId, type);
        return refusedPage(reply, user, ctx.view, ctx.refusal);
      }
      const eventIdResult = eventIdSchema.safeParse(body.eventId);
      const eventId = eventIdResult.success ? eventIdResult.data : `web-${randomUUID()}`;
      if (!eventIdResult.success) return formPage(reply, ctx, { eventId, refusal: eventIdResult.error.issues[0]!.message }, 422);

      const eventFields = eventFormFields(type, ctx.variant);
      const eventValues = readFormValues(eventFields, body, EVENT_PREFIX);
      const documentKind = ctx.variant.documentKind;
      const documentFields: FormField[] = documentKind ? documentFormFields(documentKind) : [];
      const documentValues = documentKind ? readFormValues(documentFields, body, DOCUMENT_PREFIX) : {};
      const refField = documentRefField(type);
      const candidate = {
        type,
        eventId,
        actor: { role: ctx.role, userId: actorUserId(user) },
        at: deps.now().toISOString(),
        ...ctx.variant.fixed,
        ...eventValues,
        ...(refField ? { [refField]: PENDING_ARCHIVE_REFERENCE } : {}),
      };
      const parsedEvent = caseEventSchema.safeParse(candidate, parseOptions);
      const parsedDocument = documentKind ? documentFormSchemas[documentKind].safeParse(documentValues, parseOptions) : undefined;
      const eventErrors = parsedEvent.success ? {} : formErrors(parsedEvent.error, eventFields, candidate);
      const documentErrors =
        parsedDocument && !parsedDocument.success ? formErrors(parsedDocument.error, documentFields, documentValues) : {};
      if (!parsedEvent.success || (parsedDocument && !parsedDocument.success)) {
        const general = eventErrors[''];
        return formPage(
          reply,
          ctx,
          { eventId, eventValues, documentValues, eventErrors, documentErrors, ...(general ? { refusal: general } : {}) },
          422,
        );
      }
      const event = parsedEvent.data as CaseEvent;
      try {
        if (documentKind) {
          await fileCaseDocument(deps, {
            workflowId: ctx.view.workflowId,
            event,
            fields: parsedDocument!.data,
            participants: participantsOf(eventValues),
          });
        } else {
          await deps.cases.send(ctx.view.workflowId, event);
        }
      } catch (err) {
        if (err instanceof CaseRefusedError || err instanceof DocumentFilingError) {
          return formPage(
            reply,
            ctx,
            { eventId, eventValues, documentValues, refusal: err instanceof CaseRefusedError ? err.reason : err.message },
            409,
          );
        }
        throw err;
      }
      return succeeded(reply, request.headers['hx-request'] === 'true', ctx.view.workflowId, type);
    },
  );
}
