/**
 * The signed-in person of a request: read from the sealed session cookie and looked up in the
 * user store on every request, so a disabled user loses access at once. A request without one
 * is sent to the sign-in page (htmx requests by the HX-Redirect header, so the whole page moves).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebDependencies } from '../dependencies';
import type { WebUser } from '../users/web-user';

/** Nothing here by that name (404): `title` heads the page, the message says what, in Norwegian. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
  constructor(
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

/** The person may not see or do this; the message says what, in Norwegian (403). */
export class ForbiddenError extends Error {
  override name = 'ForbiddenError';
}

declare module '@fastify/secure-session' {
  interface SessionData {
    userId: string;
  }
}

/**
 * Where to go after signing in: only a path on this site, never another origin. Control
 * characters and backslashes are refused outright (a browser drops a tab from `/\t/evil.no` and
 * reads `//evil.no`); what is left is resolved against a stand-in origin and kept only if it stays there.
 */
export function safeNext(next: unknown): string {
  const home = '/oppgaver';
  // eslint-disable-next-line no-control-regex
  if (typeof next !== 'string' || !next.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(next)) return home;
  try {
    const url = new URL(next, 'http://skolefravaer.invalid');
    return url.origin === 'http://skolefravaer.invalid' ? `${url.pathname}${url.search}${url.hash}` : home;
  } catch {
    return home;
  }
}

/** The signed-in person, or undefined after the reply was sent as a redirect to the sign-in page. */
export async function requireUser(deps: WebDependencies, request: FastifyRequest, reply: FastifyReply): Promise<WebUser | undefined> {
  const userId = request.session.get('userId');
  const user = userId ? await deps.users.get(userId) : undefined;
  // A disabled user loses access at once, even with a session that has not run out.
  if (user && !user.disabled) return user;
  if (userId) request.session.delete();
  const target = `/logg-inn?neste=${encodeURIComponent(request.url)}`;
  if (request.headers['hx-request'] === 'true') await reply.header('hx-redirect', target).status(204).send();
  else await reply.redirect(target, 303);
  return undefined;
}

/** A fresh CSRF token for the page's forms. */
export function csrfToken(reply: FastifyReply): string {
  return reply.generateCsrf();
}

/** Sends a full HTML page. */
export function sendPage(reply: FastifyReply, markup: string, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(markup);
}
