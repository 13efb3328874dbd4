/**
 * «Mine oppgaver», «Saker», «Sak», a case's documents and its diagram. Every case request checks
 * the person's scope (case-access.ts) on the server; every opening of a case page or document
 * is written to the access log (who, when, which case).
 */
import { z } from 'zod';
import { quoteValue } from '../../machines/identifiers';
import { ArchiveNotFoundError } from '../../archive/archive-error';
import { anyStaffFacts } from '../../machines/authorization';
import { eventNames } from '../../machines/labels';
import { clauseTextNb } from '../../machines/clause-texts';
import type { Clause } from '../../machines/meta';
import { getProcedure, procedureRegistry } from '../../machines/registry';
import type { CaseView } from '../../workflows/case-messages';
import {
  type ActingContext,
  actingContext,
  actingRoles,
  caseScope,
  rolesForPupil,
  eventsFor,
  mayAct,
  responsibleForStep,
  scopeCovers,
  type CaseScope,
} from '../case-access';
import { type CaseRow, type ListFilters, listCaseRows, pageOf, scopedFilter } from '../case-list';
import type { WebDependencies } from '../dependencies';
import { type StepClause, casePage } from '../pages/case-page';
import { type ListedCase, type Task, caseListPage, tasksPage } from '../pages/case-list-page';
import { page } from '../pages/layout';
import type { WebApp } from '../server';
import type { WebUser } from '../users/web-user';
import { formVariants } from '../forms/event-forms';
import { ForbiddenError, NotFoundError, csrfToken, requireUser, sendPage } from './request-user';

/** Cases per page of «Saker». */
const PAGE_SIZE = 25;
/** «Mine oppgaver» asks each candidate case for its step; beyond this many it points to «Saker». */
const TASK_CANDIDATES = 300;

const yes = z.literal('ja');
const listQuery = z.object({
  skole: z.string().max(64).optional(),
  rutine: z.string().max(64).optional(),
  fase: z.string().max(64).optional(),
  status: z.enum(['', 'open', 'closed'], { error: 'status må være open eller closed' }).optional(),
  forfalt: yes.optional(),
  innen: z
    .union([
      z.literal(''),
      z.coerce.number({ error: 'frist innen må være et tall' }).int('frist innen må være et helt tall').min(0).max(365),
    ])
    .optional(),
  side: z.coerce.number().int().min(1).max(100_000).optional(),
});

const caseParams = z.object({ workflowId: z.string().min(1).max(200) });

function schoolNameOf(deps: WebDependencies, schoolId: string): string {
  return deps.schools.get(schoolId)?.name ?? schoolId;
}

function procedureNameOf(procedureId: string): string {
  try {
    return getProcedure(procedureId).displayName;
  } catch {
    return procedureId;
  }
}

/** The clauses the case's current step cites, in Norwegian, from the procedure version the case runs. */
function clausesOf(view: CaseView): StepClause[] {
  let clauses: readonly Clause[] = [];
  try {
    clauses = procedureRegistry.get(view.procedure.id, view.procedure.version).clauses;
  } catch {
    // A version this build does not know: the ids alone are shown.
  }
  return view.state.clauses.map((id) => {
    const clause = clauses.find((c) => c.id === id);
    return clause
      ? { id, source: clause.source, section: clause.section, text: clauseTextNb(view.procedure.id, clause) }
      : { id, source: view.procedure.displayName, section: '–', text: `punkt ${id}` };
  });
}

/** Rows with the names the tables show. */
async function listed(deps: WebDependencies, rows: readonly CaseRow[]): Promise<ListedCase[]> {
  const names = await deps.directory.pupilNames(rows);
  return rows.map((row) => ({
    row,
    ...(names.has(`${row.schoolId}/${row.pupilId}`) ? { pupilName: names.get(`${row.schoolId}/${row.pupilId}`)! } : {}),
    schoolName: schoolNameOf(deps, row.schoolId),
    procedureName: procedureNameOf(row.procedureId),
  }));
}

function scopeSchools(scope: CaseScope, deps: WebDependencies): string[] {
  if (scope.kind === 'all') return deps.schools.schoolIds();
  if (scope.kind === 'schools') return scope.schoolIds;
  return [scope.schoolId];
}

/** The case, if the person may see it: 404 when it does not exist, 403 when it is not theirs. */
export async function viewForUser(deps: WebDependencies, user: WebUser, workflowId: string): Promise<CaseView> {
  const view = await deps.cases.view(workflowId, deps.now());
  const scope = await caseScope(user, deps.schools, deps.directory);
  if (!scopeCovers(scope, view.schoolId, view.pupilId)) {
    throw new ForbiddenError('Du har ikke tilgang til denne saken. Saker er bare synlige for de som følger opp eleven.');
  }
  return view;
}

/** Names of the people the case page mentions: staff by id, guardians (protected ones unnamed). */
async function namesForCase(deps: WebDependencies, view: CaseView): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const e of view.timeline) {
    if (e.kind === 'event') ids.add(e.actor.userId);
    if (e.kind === 'effect') for (const d of e.deliveries ?? []) ids.add(d.personId);
  }
  const names = await deps.directory.staffNames([...ids]);
  const people = await deps.people.pupilPeople(view.schoolId, view.pupilId);
  for (const g of people?.guardians ?? []) names.set(g.guardianId, g.protectedAddress ? 'Foresatt (skjermet)' : g.name);
  return names;
}

export function registerCaseRoutes(app: WebApp, deps: WebDependencies): void {
  app.get('/saker', { schema: { querystring: listQuery } }, async (request, reply) => {
    const user = await requireUser(deps, request, reply);
    if (!user) return reply;
    const q = request.query;
    const filters: ListFilters = {
      ...(q.skole ? { schoolId: q.skole } : {}),
      ...(q.rutine ? { procedureId: q.rutine } : {}),
      ...(q.fase ? { stage: q.fase } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.forfalt ? { overdue: true } : {}),
      ...(typeof q.innen === 'number' ? { dueWithinDays: q.innen } : {}),
    };
    const now = deps.now();
    const scope = await caseScope(user, deps.schools, deps.directory);
    const rows = await listCaseRows(deps.cases, scopedFilter(scope, filters), now);
    const current = pageOf(rows, q.side ?? 1, PAGE_SIZE);
    const query = new URLSearchParams(
      Object.entries(q).flatMap(([k, v]) => (v === undefined || v === '' || k === 'side' ? [] : [[k, String(v)] as [string, string]])),
    );
    const body = caseListPage({
      cases: await listed(deps, current.items),
      page: current,
      filters,
      query,
      schoolIds: scopeSchools(scope, deps),
      schools: deps.schools,
      now,
    });
    return sendPage(reply, page({ title: 'Saker', user, csrfToken: csrfToken(reply), current: '/saker', body }));
  });

  app.get('/oppgaver', async (request, reply) => {
    const user = await requireUser(deps, request, reply);
    if (!user) return reply;
    const now = deps.now();
    const scope = await caseScope(user, deps.schools, deps.directory);
    const rows = mayAct(user) ? await listCaseRows(deps.cases, scopedFilter(scope, { status: 'open' }), now) : [];
    const candidates = rows.slice(0, TASK_CANDIDATES);
    const contexts = new Map<string, ActingContext>();
    const tasks: Task[] = [];
    const listedRows = await listed(deps, candidates);
    // A few cases at a time: each is a query to the case's worker.
    for (let i = 0; i < listedRows.length; i += 8) {
      const batch = listedRows.slice(i, i + 8);
      const views = await Promise.all(batch.map((l) => deps.cases.view(l.row.workflowId, now).catch(() => undefined)));
      for (const [j, view] of views.entries()) {
        if (!view) continue;
        if (!contexts.has(view.schoolId)) contexts.set(view.schoolId, await actingContext(user, view.schoolId, deps.directory));
        const roles = rolesForPupil(user, contexts.get(view.schoolId)!, view.pupilId);
        if (!responsibleForStep(view, roles)) continue;
        tasks.push({
          listed: batch[j]!,
          stepLabel: view.state.label,
          // What the step itself waits for, of what the person may send; older views lack stepEvents.
          expected: eventsFor(view, roles)
            .map((e) => e.type)
            .filter((t) => (view.stepEvents ? view.stepEvents.includes(t) : !anyStaffFacts.includes(t))),
        });
      }
    }
    const body = tasksPage(tasks, now, rows.length > TASK_CANDIDATES);
    return sendPage(reply, page({ title: 'Mine oppgaver', user, csrfToken: csrfToken(reply), current: '/oppgaver', body }));
  });

  app.get(
    '/saker/:workflowId',
    { schema: { params: caseParams, querystring: z.object({ registrert: z.string().max(64).optional() }) } },
    async (request, reply) => {
      const user = await requireUser(deps, request, reply);
      if (!user) return reply;
      const view = await viewForUser(deps, user, request.params.workflowId);
      const now = deps.now();
      await deps.users.logCaseAccess({ userId: user.userId, workflowId: view.workflowId, action: 'view', at: now });
      const roles = await actingRoles(user, view.schoolId, view.pupilId, deps.directory);
      const people = await deps.directory.pupilNames([{ schoolId: view.schoolId, pupilId: view.pupilId }]);
      const asked = request.query.registrert;
      const registered = asked !== undefined && Object.hasOwn(eventNames, asked) ? (asked as keyof typeof eventNames) : undefined;
      const body = casePage({
        view,
        ...(people.has(`${view.schoolId}/${view.pupilId}`) ? { pupilName: people.get(`${view.schoolId}/${view.pupilId}`)! } : {}),
        schoolName: schoolNameOf(deps, view.schoolId),
        actions: eventsFor(view, roles).map((a) => ({
          ...a,
          variants: formVariants(a.type).map((v) => ({
            label: v.label,
            query: Object.keys(v.fixed).length > 0 ? `?${new URLSearchParams(v.fixed).toString()}` : '',
          })),
        })),
        readOnly: !mayAct(user),
        clauses: clausesOf(view),
        documents: await deps.archive.documentsOfCase(view.caseId),
        names: await namesForCase(deps, view),
        now,
        ...(request.query.registrert === 'opened'
          ? { notice: 'Saken er åpnet.' }
          : registered
            ? { notice: `«${eventNames[registered]}» er registrert.` }
            : {}),
      });
      const pupilName = people.get(`${view.schoolId}/${view.pupilId}`);
      const title = `Sak: ${pupilName ?? `elev ${view.pupilId}`}`;
      return sendPage(reply, page({ title, user, csrfToken: csrfToken(reply), current: '/saker', body }));
    },
  );

  app.get(
    '/saker/:workflowId/dokumenter/:reference',
    { schema: { params: caseParams.extend({ reference: z.string().min(1).max(200) }) } },
    async (request, reply) => {
      const user = await requireUser(deps, request, reply);
      if (!user) return reply;
      const view = await viewForUser(deps, user, request.params.workflowId);
      // Only this case's own documents, checked before anything is read: another case's reference
      // is answered exactly as one that does not exist, so guessing tells nothing.
      const own = (await deps.archive.documentsOfCase(view.caseId)).some((d) => d.reference === request.params.reference);
      if (!own) throw new NotFoundError('Finner ikke dokumentet', `Saken har ikke noe dokument ${quoteValue(request.params.reference)}.`);
      let document;
      try {
        document = await deps.archive.readDocument(request.params.reference);
      } catch (err) {
        if (err instanceof ArchiveNotFoundError) throw new NotFoundError('Finner ikke dokumentet', err.message);
        throw err;
      }
      await deps.users.logCaseAccess({ userId: user.userId, workflowId: view.workflowId, action: 'document', at: deps.now() });
      const fileName = `${document.record.documentKind}-${document.record.caseFileNumber.replace('/', '-')}-${document.record.entryNumber}.pdf`;
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${fileName}"`)
        .header('cache-control', 'no-store')
        .send(document.content);
    },
  );

  app.get('/saker/:workflowId/diagram.svg', { schema: { params: caseParams } }, async (request, reply) => {
    const user = await requireUser(deps, request, reply);
    if (!user) return reply;
    const view = await viewForUser(deps, user, request.params.workflowId);
    const svg = await deps.caseDiagramSvg(view.workflowId);
    return reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'no-store').send(svg);
  });
}
