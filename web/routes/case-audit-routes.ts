/**
 * «Revisjon av saker» (auditors and administrators): the audit of the cases that really ran, for
 * the schools the user may see, as a page, as CSV of findings and as the JSON report. The audit
 * runs when the form is sent (it reads every case's history), never on a plain visit.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { renderFindingsCsv } from '../../case-audit/render-csv';
import { type CaseScope as AccessScope, caseScope } from '../case-access';
import type { CaseAuditRequest, WebDependencies } from '../dependencies';
import { page } from '../pages/layout';
import { type CaseAuditForm, CASE_AUDIT_CSV_URL, CASE_AUDIT_JSON_URL, CASE_AUDIT_URL, caseAuditPage } from '../pages/case-audit-page';
import type { WebApp } from '../server';
import type { WebUser } from '../users/web-user';
import { ForbiddenError, csrfToken, requireUser, sendPage } from './request-user';

const isoDay = (field: string) =>
  z
    .string()
    .max(10)
    .refine((s) => s === '' || (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`))), {
      error: (issue) => `${field} må være en dato (ÅÅÅÅ-MM-DD), ikke «${String(issue.input)}»`,
    });

const query = z
  .object({
    skole: z.string().max(64).optional(),
    fra: isoDay('fra').optional(),
    til: isoDay('til').optional(),
    pseudonymisert: z.string().max(8).optional(),
    vis: z.string().max(8).optional(),
  })
  .refine((q) => !q.fra || !q.til || q.fra <= q.til, {
    path: ['til'],
    error: (issue) => {
      const q = issue.input as { fra?: string; til?: string };
      return `perioden er tom: fra (${q.fra ?? ''}) er etter til (${q.til ?? ''})`;
    },
  });
type Query = z.infer<typeof query>;

function requireAuditor(user: WebUser): void {
  if (user.role !== 'auditor' && user.role !== 'administrator') {
    throw new ForbiddenError('Revisjon av saker er bare for revisorer og administratorer.');
  }
}

/** The schools the user may audit, and whether «alle skoler» is theirs to choose. */
function auditableSchools(scope: AccessScope, deps: WebDependencies): { schoolIds: string[]; allowAll: boolean } {
  if (scope.kind === 'all') return { schoolIds: deps.schools.schoolIds(), allowAll: true };
  if (scope.kind === 'schools') return { schoolIds: scope.schoolIds, allowAll: false };
  return { schoolIds: [], allowAll: false };
}

/** The form as sent, checked against the user's schools; the request the audit runs with. */
function readForm(q: Query, schools: { schoolIds: string[]; allowAll: boolean }): { form: CaseAuditForm; request: CaseAuditRequest } {
  const form: CaseAuditForm = {
    skole: q.skole ?? (schools.allowAll ? '' : (schools.schoolIds[0] ?? '')),
    fra: q.fra ?? '',
    til: q.til ?? '',
    pseudonymisert: q.pseudonymisert === '1' || q.pseudonymisert === 'on',
  };
  if (form.skole === '' ? !schools.allowAll : !schools.schoolIds.includes(form.skole)) {
    throw new ForbiddenError(
      form.skole === ''
        ? 'Velg en av skolene du har tilgang til.'
        : `Du har ikke tilgang til å revidere sakene ved skolen «${form.skole}».`,
    );
  }
  return {
    form,
    request: {
      ...(form.skole ? { schoolId: form.skole } : {}),
      ...(form.fra ? { from: form.fra } : {}),
      ...(form.til ? { to: form.til } : {}),
      pseudonymise: form.pseudonymisert,
    },
  };
}

const formQuery = (form: CaseAuditForm) =>
  new URLSearchParams({
    vis: '1',
    skole: form.skole,
    ...(form.fra ? { fra: form.fra } : {}),
    ...(form.til ? { til: form.til } : {}),
    ...(form.pseudonymisert ? { pseudonymisert: '1' } : {}),
  }).toString();

export function registerCaseAuditRoutes(app: WebApp, deps: WebDependencies): void {
  const schoolName = (schoolId: string) => deps.schools.get(schoolId)?.name ?? schoolId;

  /** The signed-in auditor, their schools and the form; undefined when the request was answered (sign-in). */
  const prepare = async (request: FastifyRequest, reply: FastifyReply, q: Query) => {
    const user = await requireUser(deps, request, reply);
    if (!user) return undefined;
    requireAuditor(user);
    const schools = auditableSchools(await caseScope(user, deps.schools, deps.directory), deps);
    return { user, schools, ...readForm(q, schools) };
  };

  app.get(CASE_AUDIT_URL, { schema: { querystring: query } }, async (request, reply) => {
    const prepared = await prepare(request, reply, request.query);
    if (!prepared) return reply;
    const { user, schools, form, request: auditRequest } = prepared;
    const report = request.query.vis ? await deps.caseAudit(auditRequest) : undefined;
    const body = caseAuditPage({
      form,
      schoolChoices: schools.schoolIds.map((schoolId) => ({ schoolId, name: schoolName(schoolId) })),
      allowAll: schools.allowAll,
      schoolName,
      ...(report ? { report, query: formQuery(form) } : {}),
    });
    return sendPage(reply, page({ title: 'Revisjon av saker', user, csrfToken: csrfToken(reply), current: '/revisjon', body }));
  });

  app.get(CASE_AUDIT_CSV_URL, { schema: { querystring: query } }, async (request, reply) => {
    const prepared = await prepare(request, reply, request.query);
    if (!prepared) return reply;
    const report = await deps.caseAudit(prepared.request);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="revisjon-funn-${report.auditedAt.slice(0, 10)}.csv"`)
      .header('cache-control', 'no-store')
      .send(renderFindingsCsv(report));
  });

  app.get(CASE_AUDIT_JSON_URL, { schema: { querystring: query } }, async (request, reply) => {
    const prepared = await prepare(request, reply, request.query);
    if (!prepared) return reply;
    const report = await deps.caseAudit(prepared.request);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="revisjon-saker-${report.auditedAt.slice(0, 10)}.json"`)
      .header('cache-control', 'no-store')
      .send(`${JSON.stringify(report, null, 2)}\n`);
  });
}
