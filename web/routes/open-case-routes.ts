/** «Åpne sak»: GET shows the form, POST opens the case through casework/openCaseByHand and goes to it. */
import { z } from 'zod';
import { CaseAlreadyOpenError } from '../../app/case-client';
import { TriggerBelowLimitError, UnknownSchoolError, WrongProcedureError, openCaseByHand } from '../../casework/opening';
import { ProcedureError, getProcedure } from '../../machines/registry';
import type { TriggerRule } from '../../machines/vocabulary';
import type { CaseScope } from '../case-access';
import { caseScope, mayAct } from '../case-access';
import type { WebDependencies } from '../dependencies';
import type { DirectoryPupil } from '../directory-lookup';
import { toIsoDate } from '../forms/parse-form';
import { type HtmlValue, html } from '../html';
import { page } from '../pages/layout';
import { openCasePage } from '../pages/open-case-page';
import { caseUrl } from '../pages/urls';
import type { WebApp } from '../server';
import type { WebUser } from '../users/web-user';
import { ForbiddenError, csrfToken, requireUser, sendPage } from './request-user';

const openBody = z.object({
  _csrf: z.string().optional(),
  elev: z.string().max(200).default(''),
  grunn: z.string().max(64).default(''),
  datoer: z.string().max(2000).default(''),
});

async function pupilsInScope(deps: WebDependencies, scope: CaseScope): Promise<DirectoryPupil[]> {
  if (scope.kind === 'all') return [];
  if (scope.kind === 'schools') return deps.directory.pupilsAt(scope.schoolIds);
  return deps.directory.pupilsAt([scope.schoolId], scope.pupilIds);
}

/** The rules the procedures of these pupils' schools open on, in the vocabulary's order. */
function rulesFor(deps: WebDependencies, pupils: readonly DirectoryPupil[]): TriggerRule[] {
  const rules = new Set<TriggerRule>();
  for (const schoolId of new Set(pupils.map((p) => p.schoolId))) {
    const school = deps.schools.get(schoolId);
    if (school) for (const rule of getProcedure(school.procedureId).openingRules) rules.add(rule);
  }
  return [...rules];
}

async function formContext(deps: WebDependencies, user: WebUser) {
  if (!mayAct(user)) throw new ForbiddenError('Du har lesetilgang og kan ikke åpne saker.');
  const pupils = await pupilsInScope(deps, await caseScope(user, deps.schools, deps.directory));
  return { pupils, rules: rulesFor(deps, pupils) };
}

export function registerOpenCaseRoutes(app: WebApp, deps: WebDependencies): void {
  app.get('/saker/ny', async (request, reply) => {
    const user = await requireUser(deps, request, reply);
    if (!user) return reply;
    const { pupils, rules } = await formContext(deps, user);
    const token = csrfToken(reply);
    const body = openCasePage({ csrfToken: token, pupils, rules, schools: deps.schools });
    return sendPage(reply, page({ title: 'Åpne sak', user, csrfToken: token, current: '/saker/ny', body }));
  });

  app.post('/saker/ny', { schema: { body: openBody }, preHandler: app.csrfProtection }, async (request, reply) => {
    const user = await requireUser(deps, request, reply);
    if (!user) return reply;
    const { pupils, rules } = await formContext(deps, user);
    const values = request.body;
    const refuse = (error: HtmlValue, status: number) => {
      const token = csrfToken(reply);
      const body = openCasePage({ csrfToken: token, pupils, rules, schools: deps.schools, values, error });
      return sendPage(reply, page({ title: 'Åpne sak', user, csrfToken: token, current: '/saker/ny', body }), status);
    };
    const pupil = pupils.find((p) => `${p.schoolId}/${p.pupilId}` === values.elev);
    if (!pupil) return refuse(values.elev ? `Du kan ikke åpne sak for eleven «${values.elev}».` : 'Velg en elev.', 422);
    if (!rules.includes(values.grunn as TriggerRule)) return refuse(`Ukjent grunn «${values.grunn}». Velg en av grunnene i listen.`, 422);
    const dates = values.datoer
      .split(/[\s,;]+/)
      .filter((d) => d !== '')
      .map(toIsoDate);
    if (dates.length === 0) return refuse('Skriv minst én dato fraværet eller bekymringen gjelder.', 422);
    try {
      const workflowId = await openCaseByHand(deps, {
        schoolId: pupil.schoolId,
        pupilId: pupil.pupilId,
        grade: pupil.grade,
        trigger: { rule: values.grunn as TriggerRule, dates },
        openedAt: deps.now().toISOString(),
      });
      return reply.redirect(`${caseUrl(workflowId)}?registrert=opened`, 303);
    } catch (err) {
      if (err instanceof CaseAlreadyOpenError) {
        return refuse(html`Eleven har allerede en åpen sak: <a href="${caseUrl(err.workflowId)}">gå til saken</a>.`, 409);
      }
      if (
        err instanceof ProcedureError ||
        err instanceof TriggerBelowLimitError ||
        err instanceof WrongProcedureError ||
        err instanceof UnknownSchoolError
      ) {
        return refuse(err.message, 422);
      }
      throw err;
    }
  });
}
