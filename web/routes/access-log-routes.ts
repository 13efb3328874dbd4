/** «Tilgangslogg» (auditors and administrators): the log of every opening of a case page or document. */
import { z } from 'zod';
import { casePrefix } from '../../app/case-ids';
import { caseScope } from '../case-access';
import type { WebDependencies } from '../dependencies';
import { page } from '../pages/layout';
import { accessLogPage } from '../pages/access-log-page';
import type { WebApp } from '../server';
import type { WebUser } from '../users/web-user';
import { ForbiddenError, csrfToken, requireUser, sendPage } from './request-user';

const PAGE_SIZE = 100;

const query = z.object({
  sak: z.string().max(200).optional(),
  bruker: z.string().max(320).optional(),
  for: z.iso.datetime({ error: 'for må være et tidspunkt' }).optional(),
});

export function registerAccessLogRoutes(app: WebApp, deps: WebDependencies): void {
  app.get('/tilgangslogg', { schema: { querystring: query } }, async (request, reply) => {
    const user = await requireUser(deps, request, reply);
    if (!user) return reply;
    if (user.role !== 'auditor' && user.role !== 'administrator') {
      throw new ForbiddenError('Tilgangsloggen er bare for revisorer og administratorer.');
    }
    const { sak, bruker } = request.query;
    const wanted = bruker ? await deps.users.byUsername(bruker.trim()) : undefined;
    const logged =
      bruker && !wanted
        ? []
        : await deps.users.caseAccessLog({
            ...(sak ? { workflowId: sak.trim() } : {}),
            ...(wanted ? { userId: wanted.userId } : {}),
            limit: PAGE_SIZE,
            ...(request.query.for ? { before: new Date(request.query.for) } : {}),
          });
    // An auditor limited to one municipality reads the log of its schools' cases only.
    const scope = await caseScope(user, deps.schools, deps.directory);
    const entries =
      scope.kind === 'schools'
        ? logged.filter((e) => scope.schoolIds.some((schoolId) => e.workflowId.startsWith(casePrefix(schoolId))))
        : logged;
    const users = new Map<string, WebUser>();
    for (const id of new Set(entries.map((e) => e.userId))) {
      const found = await deps.users.get(id);
      if (found) users.set(id, found);
    }
    const last = logged.at(-1);
    const older =
      logged.length === PAGE_SIZE && last
        ? `/tilgangslogg?${new URLSearchParams({ ...(sak ? { sak } : {}), ...(bruker ? { bruker } : {}), for: last.openedAt }).toString()}`
        : undefined;
    const body = accessLogPage({
      entries,
      users,
      filter: { ...(sak ? { sak } : {}), ...(bruker ? { bruker } : {}) },
      ...(older ? { olderLink: older } : {}),
    });
    return sendPage(reply, page({ title: 'Tilgangslogg', user, csrfToken: csrfToken(reply), current: '/tilgangslogg', body }));
  });
}
