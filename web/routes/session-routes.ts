/** Signing in and out. Failed sign-ins say the same whatever was wrong (no user enumeration). */
import { z } from 'zod';
import type { WebApp } from '../server';
import type { WebDependencies } from '../dependencies';
import type { WebOptions } from '../server';
import { page } from '../pages/layout';
import { signInPage } from '../pages/sign-in-page';
import { csrfToken, safeNext, sendPage } from './request-user';

const signInQuery = z.object({ neste: z.string().max(2000).optional() });
const signInBody = z.object({
  _csrf: z.string().optional(),
  brukernavn: z.string().max(320).default(''),
  passord: z.string().max(1000).default(''),
  neste: z.string().max(2000).optional(),
});

export function registerSessionRoutes(app: WebApp, deps: WebDependencies, options: WebOptions): void {
  app.get('/', async (request, reply) => reply.redirect(request.session.get('userId') ? '/oppgaver' : '/logg-inn', 303));

  app.get('/logg-inn', { schema: { querystring: signInQuery } }, async (request, reply) => {
    const body = signInPage({
      csrfToken: csrfToken(reply),
      next: request.query.neste,
      demoHint: options.demoHint,
      oidcName: options.oidc?.client.displayName,
    });
    return sendPage(reply, page({ title: 'Logg inn', body }));
  });

  app.post(
    '/logg-inn',
    {
      schema: { body: signInBody },
      preHandler: app.csrfProtection,
      config: {
        rateLimit: {
          max: options.signInAttemptsPerMinute ?? 10,
          timeWindow: '1 minute',
          errorResponseBuilder: (_request, context) => ({
            statusCode: 429,
            message: `For mange innloggingsforsøk fra denne adressen. Vent ${Math.ceil(context.ttl / 1000)} sekunder og prøv igjen.`,
          }),
        },
      },
    },
    async (request, reply) => {
      const { brukernavn, passord, neste } = request.body;
      const user = brukernavn && passord ? await deps.users.verifyPassword(brukernavn.trim(), passord) : undefined;
      if (!user) {
        const body = signInPage({
          csrfToken: csrfToken(reply),
          username: brukernavn,
          next: neste,
          error: 'Feil brukernavn eller passord. Prøv igjen.',
          demoHint: options.demoHint,
          oidcName: options.oidc?.client.displayName,
        });
        return sendPage(reply, page({ title: 'Logg inn', body }), 401);
      }
      // A new session at sign-in: nothing from before it (a planted cookie) carries over.
      request.session.regenerate();
      request.session.set('userId', user.userId);
      return reply.redirect(safeNext(neste), 303);
    },
  );

  app.post('/logg-ut', { preHandler: app.csrfProtection }, async (request, reply) => {
    request.session.delete();
    return reply.redirect('/logg-inn', 303);
  });
}
