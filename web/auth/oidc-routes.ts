/**
 * «Logg inn med Feide» (or the configured provider): GET /logg-inn/oidc leaves for the provider
 * with a fresh state, nonce and PKCE verifier kept in the sealed session; the provider sends the
 * user back to GET /logg-inn/oidc/tilbake, where the code is exchanged, the ID token checked and
 * the local user found (findOidcUser). Nothing here signs anyone in unless all of it holds: a
 * refusal answers a Norwegian page and leaves the session without a user.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { WebApp } from '../server';
import { safeNext, sendPage } from '../routes/request-user';
import type { PendingOidcSignIn } from './oidc-client';
import type { OidcSignIn } from './oidc-sign-in';
import { findOidcUser } from './find-oidc-user';
import { oidcRefusalPage } from './oidc-pages';

declare module '@fastify/secure-session' {
  interface SessionData {
    /** Between leaving for the provider and coming back; removed on return, whatever the outcome. */
    oidcSignIn: PendingOidcSignIn;
  }
}

const startQuery = z.object({ neste: z.string().max(2000).optional() });
const callbackQuery = z.object({
  code: z.string().max(4000).optional(),
  state: z.string().max(500).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2000).optional(),
});

const NO_USER = 'Du har ingen bruker i denne løsningen. Be administratoren opprette deg.';

function refuse(reply: FastifyReply, status: number, title: string, text: string): FastifyReply {
  return sendPage(reply, oidcRefusalPage(title, text), status);
}

/** The callback's raw query string, as the provider sent it (openid-client reads code, state and iss from it). */
function rawQuery(request: FastifyRequest): string {
  const at = request.url.indexOf('?');
  return at === -1 ? '' : request.url.slice(at);
}

export function registerOidcRoutes(app: WebApp, signIn: OidcSignIn | undefined): void {
  if (signIn === undefined) return;
  const { client, users } = signIn;
  const name = client.displayName;

  app.get('/logg-inn/oidc', { schema: { querystring: startQuery } }, async (request, reply) => {
    let started;
    try {
      started = await client.begin(request.query.neste);
    } catch (err) {
      request.log.error(err);
      return refuse(
        reply,
        502,
        'Innloggingen er utilgjengelig',
        `Fikk ikke kontakt med ${name}. Prøv igjen om litt, eller logg inn med brukernavn og passord.`,
      );
    }
    request.session.set('oidcSignIn', started.pending);
    return reply.header('cache-control', 'no-store').redirect(started.url, 303);
  });

  app.get('/logg-inn/oidc/tilbake', { schema: { querystring: callbackQuery } }, async (request, reply) => {
    const pending = request.session.get('oidcSignIn');
    // One use only: a replayed or second answer finds nothing to complete.
    request.session.set('oidcSignIn', undefined);
    const { error, state } = request.query;
    if (error !== undefined) {
      return error === 'access_denied'
        ? refuse(
            reply,
            403,
            'Innloggingen ble avbrutt',
            `${name} ga ikke tilgang (innloggingen ble avbrutt eller avvist). Du er ikke logget inn.`,
          )
        : refuse(reply, 400, 'Innloggingen mislyktes', `${name} svarte med feilen «${error}». Du er ikke logget inn; prøv igjen.`);
    }
    if (pending === undefined || state === undefined || state !== pending.state) {
      return refuse(
        reply,
        400,
        'Innloggingen er utløpt',
        'Svaret passet ikke til en innlogging startet i denne nettleseren (feil eller manglende «state»). Du er ikke logget inn; start innloggingen på nytt.',
      );
    }
    let identity;
    try {
      identity = await client.complete(rawQuery(request), pending);
    } catch (err) {
      request.log.warn({ err }, 'OpenID Connect: the code grant or ID token was refused');
      return refuse(reply, 400, 'Innloggingen mislyktes', `Svaret fra ${name} kunne ikke bekreftes. Du er ikke logget inn; prøv igjen.`);
    }
    const match = await findOidcUser(users, identity, client.settings.usernameClaim);
    switch (match.kind) {
      case 'unknown':
        return refuse(reply, 403, 'Ingen bruker', NO_USER);
      case 'disabled':
        return refuse(reply, 403, 'Brukeren er deaktivert', 'Brukeren din er deaktivert. Kontakt administratoren hvis du skal ha tilgang.');
      case 'linked-elsewhere':
        return refuse(
          reply,
          403,
          'Ingen tilgang',
          `Brukeren med dette brukernavnet er allerede koblet til en annen ${name}-konto. Kontakt administratoren.`,
        );
      case 'user':
        // A new session at sign-in: nothing from before it (a planted cookie) carries over.
        request.session.regenerate();
        request.session.set('userId', match.user.userId);
        return reply.redirect(safeNext(pending.next), 303);
    }
  });
}
