/**
 * «Oversikt» (numbers per school and municipality), «Rutiner» (each procedure with its diagram
 * and steps) and «Revisjon» (the latest audit report). Every count comes from Temporal
 * visibility within the person's scope (case-access.ts), like «Saker»: no case is asked, so the
 * pages stay cheap with many thousand cases. «Revisjon» is for auditors and administrators only.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { walkStates } from '../../diagrams/machine-walk';
import { procedureDot, renderSvg } from '../../diagrams';
import { clauseTextNb } from '../../machines/clause-texts';
import type { Clause } from '../../machines/meta';
import { currentProcedures } from '../../machines/registry';
import { readAuditSummary, DEFAULT_AUDIT_DIR } from '../audit-summary';
import { type CaseScope, caseScope } from '../case-access';
import { listCaseRows, scopedFilter } from '../case-list';
import { aggregateOverview } from '../case-overview';
import type { WebDependencies } from '../dependencies';
import { auditPage } from '../pages/audit-page';
import { html } from '../html';
import { messageBox, page } from '../pages/layout';
import { type MunicipalityOverview, overviewPage } from '../pages/overview-page';
import { type ProcedureStep, type StageCounts, procedurePage, proceduresPage } from '../pages/procedures-page';
import { stageNames } from '../../machines/labels';
import type { PublicStage } from '../../machines/meta';
import type { WebApp } from '../server';
import type { WebUser } from '../users/web-user';
import { ForbiddenError, csrfToken, requireUser, sendPage } from './request-user';

export interface OverviewRouteOptions {
  /** The folder `npm run audit` writes audit.json and index.html to; default <project root>/reports/audit. */
  auditDir?: string;
}

/**
 * The full audit report has its own inline <style>: it is served with a policy that allows that
 * and nothing else (no script at all, no form, no framing).
 */
export const AUDIT_REPORT_CSP =
  "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

const overviewQuery = z.object({ skole: z.string().max(64).optional() });
const procedureParams = z.object({ procedureId: z.string().min(1).max(100) });

function scopeSchoolIds(scope: CaseScope, deps: WebDependencies): string[] {
  if (scope.kind === 'all') return deps.schools.schoolIds();
  if (scope.kind === 'schools') return scope.schoolIds;
  return scope.schoolId ? [scope.schoolId] : [];
}

const schoolName = (deps: WebDependencies, schoolId: string) => deps.schools.get(schoolId)?.name ?? schoolId;

/** The schools grouped by municipality, in the order the schools come. */
function byMunicipality(deps: WebDependencies, schoolIds: readonly string[]): { name: string; schoolIds: string[] }[] {
  const groups = new Map<string, { name: string; schoolIds: string[] }>();
  for (const id of schoolIds) {
    const school = deps.schools.get(id);
    const key = school?.municipality ?? '';
    if (!groups.has(key)) groups.set(key, { name: school?.municipalityName ?? 'Ukjent kommune', schoolIds: [] });
    groups.get(key)!.schoolIds.push(id);
  }
  return [...groups.values()];
}

/** Open cases in the person's scope, per procedure and public stage (one visibility listing). */
async function openCasesByProcedure(deps: WebDependencies, user: WebUser, procedureId?: string): Promise<Map<string, StageCounts>> {
  const scope = await caseScope(user, deps.schools, deps.directory);
  const rows = await listCaseRows(deps.cases, scopedFilter(scope, { status: 'open', ...(procedureId ? { procedureId } : {}) }), deps.now());
  const out = new Map<string, StageCounts>();
  for (const row of rows) {
    const counts = out.get(row.procedureId) ?? {};
    counts[row.stage] = (counts[row.stage] ?? 0) + 1;
    out.set(row.procedureId, counts);
  }
  return out;
}

type Procedure = ReturnType<typeof currentProcedures>[number];

/** The current procedure with this id, or undefined after a Norwegian 404 page was sent. */
async function currentProcedure(reply: FastifyReply, user: WebUser, procedureId: string): Promise<Procedure | undefined> {
  const procedure = currentProcedures().find((p) => p.id === procedureId);
  if (!procedure) {
    const known = currentProcedures()
      .map((p) => p.id)
      .join(', ');
    await notFound(reply, user, 'Finner ikke rutinen', `Det finnes ingen rutine «${procedureId}». Kjente rutiner: ${known}.`);
  }
  return procedure;
}

/** A Norwegian 404 page in the signed-in frame. */
function notFound(reply: FastifyReply, user: WebUser, title: string, text: string): FastifyReply {
  const body = html`<h1>${title}</h1>
    ${messageBox('error', text)}`;
  return sendPage(reply, page({ title, user, csrfToken: csrfToken(reply), body }), 404);
}

/** The steps a case can stand in: the leaf states, with their meta, in chart order. */
function stepsOf(procedure: Procedure): ProcedureStep[] {
  return walkStates(procedure.machine).flatMap((s) => (s.leaf && s.meta ? [{ label: s.meta.label, meta: s.meta }] : []));
}

/** The diagram's caption: open cases per stage, so the counts are on the picture too. */
function countsCaption(counts: StageCounts): string {
  const parts = Object.entries(stageNames)
    .filter(([stage]) => stage !== 'closed')
    .map(([stage, name]) => `${name}: ${counts[stage as PublicStage] ?? 0}`);
  return `Åpne saker per fase – ${parts.join(', ')}`;
}

/** Rendered diagrams by DOT text: Graphviz takes a while, and the same counts give the same picture. */
const svgCache = new Map<string, string>();
const SVG_CACHE_SIZE = 32;

async function diagramSvg(dot: string): Promise<string> {
  const cached = svgCache.get(dot);
  if (cached) return cached;
  const svg = await renderSvg(dot);
  if (svgCache.size >= SVG_CACHE_SIZE) svgCache.delete(svgCache.keys().next().value!);
  svgCache.set(dot, svg);
  return svg;
}

/**
 * The clause's Norwegian text; undefined when the text table has none (the page then shows the
 * clause's source and section, which is still true, rather than failing the whole page).
 */
function clauseText(procedureId: string, clause: Clause): string | undefined {
  try {
    return clauseTextNb(procedureId, clause);
  } catch {
    return undefined;
  }
}

function requireAuditReader(user: WebUser): void {
  if (user.role !== 'auditor' && user.role !== 'administrator') {
    throw new ForbiddenError('Revisjonsrapporten er bare for revisorer og administratorer.');
  }
}

export function registerOverviewRoutes(app: WebApp, deps: WebDependencies, options: OverviewRouteOptions = {}): void {
  const auditDir = options.auditDir ?? DEFAULT_AUDIT_DIR;

  app.get('/oversikt', { schema: { querystring: overviewQuery } }, async (request, reply) => {
    const user = await requireUser(deps, request, reply);
    if (!user) return reply;
    const now = deps.now();
    const scope = await caseScope(user, deps.schools, deps.directory);
    const inScope = scopeSchoolIds(scope, deps);
    const selected = request.query.skole || undefined;
    if (selected && !inScope.includes(selected)) {
      throw new ForbiddenError(`Du har ikke tilgang til oversikten for skolen «${selected}».`);
    }
    const shown = selected ? [selected] : inScope;
    const rows = await listCaseRows(deps.cases, scopedFilter(scope, selected ? { schoolId: selected } : {}), now);
    const municipalities: MunicipalityOverview[] = byMunicipality(deps, shown).map((g) => ({
      municipalityName: g.name,
      overview: aggregateOverview(rows, g.schoolIds, now),
    }));
    const body = overviewPage({
      municipalities,
      schoolChoices: inScope.map((id) => ({ schoolId: id, name: schoolName(deps, id) })),
      ...(selected ? { selectedSchool: selected } : {}),
      schoolName: (id) => schoolName(deps, id),
      ownPupilsOnly: scope.kind === 'pupils',
    });
    return sendPage(reply, page({ title: 'Oversikt', user, csrfToken: csrfToken(reply), current: '/oversikt', body }));
  });

  app.get('/rutiner', async (request, reply) => {
    const user = await requireUser(deps, request, reply);
    if (!user) return reply;
    const counts = await openCasesByProcedure(deps, user);
    const body = proceduresPage(currentProcedures().map((procedure) => ({ procedure, counts: counts.get(procedure.id) ?? {} })));
    return sendPage(reply, page({ title: 'Rutiner', user, csrfToken: csrfToken(reply), current: '/rutiner', body }));
  });

  app.get('/rutiner/:procedureId', { schema: { params: procedureParams } }, async (request, reply) => {
    const user = await requireUser(deps, request, reply);
    if (!user) return reply;
    const procedure = await currentProcedure(reply, user, request.params.procedureId);
    if (!procedure) return reply;
    const counts = (await openCasesByProcedure(deps, user, procedure.id)).get(procedure.id) ?? {};
    const body = procedurePage({ procedure, steps: stepsOf(procedure), counts, clauseText });
    return sendPage(reply, page({ title: procedure.displayName, user, csrfToken: csrfToken(reply), current: '/rutiner', body }));
  });

  app.get('/rutiner/:procedureId/diagram.svg', { schema: { params: procedureParams } }, async (request, reply) => {
    const user = await requireUser(deps, request, reply);
    if (!user) return reply;
    const procedure = await currentProcedure(reply, user, request.params.procedureId);
    if (!procedure) return reply;
    const counts = (await openCasesByProcedure(deps, user, procedure.id)).get(procedure.id) ?? {};
    const svg = await diagramSvg(procedureDot(procedure, { caption: countsCaption(counts) }));
    return reply.type('image/svg+xml; charset=utf-8').header('cache-control', 'no-store').send(svg);
  });

  app.get('/revisjon', async (request, reply) => {
    const user = await requireUser(deps, request, reply);
    if (!user) return reply;
    requireAuditReader(user);
    const body = auditPage(await readAuditSummary(join(auditDir, 'audit.json')));
    return sendPage(reply, page({ title: 'Revisjon', user, csrfToken: csrfToken(reply), current: '/revisjon', body }));
  });

  app.get('/revisjon/rapport', async (request, reply) => {
    const user = await requireUser(deps, request, reply);
    if (!user) return reply;
    requireAuditReader(user);
    let report: Buffer;
    try {
      report = await readFile(join(auditDir, 'index.html'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return notFound(reply, user, 'Ingen revisjonsrapport', 'Det finnes ingen revisjonsrapport ennå. Kjør «npm run audit» for å lage en.');
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', AUDIT_REPORT_CSP)
      .header('cache-control', 'no-store')
      .send(report);
  });
}
