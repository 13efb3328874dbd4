/**
 * The web application (Fastify 5): sign-in, the case pages and their forms, served as
 * Norwegian HTML with htmx for partial updates. Every request and response schema is a zod
 * schema (fastify-type-provider-zod), the same library and, for events, the same schemas the
 * workflow validates with. Security: sessions sealed in a cookie (@fastify/secure-session,
 * HttpOnly, SameSite=Lax, Secure behind https), CSRF tokens on every form and htmx request,
 * strict security headers (helmet, a CSP without inline script or style), a rate-limited
 * sign-in, and the case's own authorization rule checked on the server for every event.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawServerDefault,
} from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyFormbody from '@fastify/formbody';
import fastifySecureSession from '@fastify/secure-session';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import { type ZodTypeProvider, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { CaseNotFoundError } from '../app/case-client';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  DATABASE_UNAVAILABLE_TEXT,
  DATABASE_UNAVAILABLE_TITLE,
  isDatabaseUnavailable,
} from './database-unavailable';
import { quoteValue } from '../machines/identifiers';
import type { WebDependencies } from './dependencies';
import { html } from './html';
import { messageBox, page } from './pages/layout';
import { registerApiRoutes } from './api/api-routes';
import { openApiOptions } from './api/openapi';
import { registerCaseRoutes } from './routes/case-routes';
import { registerEventRoutes } from './routes/event-routes';
import { registerOpenCaseRoutes } from './routes/open-case-routes';
import { registerAccessLogRoutes } from './routes/access-log-routes';
import { registerCaseAuditRoutes } from './routes/case-audit-routes';
import { registerOverviewRoutes } from './routes/overview-routes';
import { type CodecEndpointOptions, registerCodecRoutes } from './routes/codec-routes';
import { registerSessionRoutes } from './routes/session-routes';
import { registerOidcRoutes } from './auth/oidc-routes';
import type { OidcSignIn } from './auth/oidc-sign-in';
import { ForbiddenError, NotFoundError } from './routes/request-user';

export interface WebOptions {
  /** 32 bytes that seal the session cookie. */
  sessionKey: Buffer;
  /** Send the session cookie only over https (true whenever users reach the site by https). */
  secureCookies: boolean;
  /** A line under the sign-in form (the demo users), never in a production configuration. */
  demoHint?: string;
  /** Sign-in attempts per address and minute before 429. */
  signInAttemptsPerMinute?: number;
  logger?: boolean;
  /** Where `npm run audit` writes its reports, for «Revisjon» (default <project root>/reports/audit). */
  auditDir?: string;
  /** «Logg inn med Feide» (OpenID Connect, web/auth/); absent: local passwords only. */
  oidc?: OidcSignIn;
  /** The Temporal Web UI's codec endpoint (routes/codec-routes.ts); absent: none. */
  codec?: CodecEndpointOptions;
}

/** How long a session lasts without signing in again (a school day and then some). */
const SESSION_SECONDS = 10 * 60 * 60;

// Not named `require`: that would redeclare CommonJS's own in the compiled module.
const requireFromHere = createRequire(__filename);
const HTMX = readFileSync(join(requireFromHere.resolve('htmx.org/package.json'), '..', 'dist', 'htmx.min.js'));
const STYLE = readFileSync(join(__dirname, 'static', 'app.css'));

/** The whole page for an error, in Norwegian, with the status it answers with. */
function errorPage(reply: FastifyReply, status: number, title: string, text: string): FastifyReply {
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(
      page({
        title,
        body: html`<h1>${title}</h1>
          ${messageBox('error', text)}
          <p><a href="/">Til forsiden</a></p>`,
      }),
    );
}

interface ValidationEntry {
  instancePath?: string;
  message?: string;
  params?: { errors?: unknown };
}

/** zod's own messages are English ("Invalid input"); the schemas' messages are Norwegian. */
const isOwnMessage = (message: string | undefined): message is string =>
  !!message && !/^(Invalid|Expected|Too |Unrecognized)/.test(message);

/** The first Norwegian message of an issue, looking into a union's branches (params.errors). */
function ownMessage(entry: { message?: string; errors?: unknown }): string | undefined {
  if (isOwnMessage(entry.message)) return entry.message;
  const branches = Array.isArray(entry.errors) ? (entry.errors as unknown[]).flat() : [];
  for (const issue of branches as { message?: string; errors?: unknown }[]) {
    const found = ownMessage(issue);
    if (found) return found;
  }
  return undefined;
}

/**
 * A rejected query, path or form in Norwegian, naming each field and the value that was sent
 * (instead of the validator's English "querystring/innen Invalid input").
 */
function validationText(error: { validation?: unknown; validationContext?: string }, request: FastifyRequest): string {
  const source = (
    error.validationContext === 'querystring' ? request.query : error.validationContext === 'params' ? request.params : request.body
  ) as Record<string, unknown> | undefined;
  const entries = Array.isArray(error.validation) ? (error.validation as ValidationEntry[]) : [];
  const lines = entries.map((entry) => {
    const field = (entry.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const top = field.split('.')[0]!;
    // A password is never written back into a page.
    const value = field && top !== 'passord' && source && typeof source === 'object' ? source[top] : undefined;
    const reason = ownMessage({ ...(entry.message !== undefined ? { message: entry.message } : {}), errors: entry.params?.errors });
    return `${field ? `«${field}»` : 'Forespørselen'}${value !== undefined ? ` = ${quoteValue(value)}` : ''}: ${reason ?? 'ugyldig verdi'}.`;
  });
  return lines.length > 0
    ? `Adressen eller skjemaet har en ugyldig verdi. ${lines.join(' ')}`
    : 'Adressen eller skjemaet har en ugyldig verdi.';
}

/** The application with zod as its type provider: routes get typed, validated params, query and body. */
export type WebApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export async function buildWebServer(deps: WebDependencies, options: WebOptions): Promise<WebApp> {
  const app = Fastify({ logger: options.logger ?? false, trustProxy: false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // The case PDFs open in the browser's own viewer, on this origin.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    hsts: options.secureCookies,
  });
  await app.register(fastifyFormbody);
  await app.register(fastifySecureSession, {
    key: options.sessionKey,
    cookieName: 'skolefravaer_okt',
    expiry: SESSION_SECONDS,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secureCookies },
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/secure-session' });
  await app.register(fastifyRateLimit, { global: false });
  // Before any route: the OpenAPI document is collected from the routes as they are added.
  await app.register(fastifySwagger, openApiOptions);

  app.get('/static/htmx.min.js', (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(HTMX),
  );
  app.get('/static/app.css', (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLE),
  );
  app.get('/helse', (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok'));

  app.setNotFoundHandler((_request, reply) =>
    errorPage(reply, 404, 'Finner ikke siden', 'Adressen finnes ikke. Sjekk lenken, eller gå til forsiden.'),
  );
  app.setErrorHandler(
    (error: Error & { statusCode?: number; code?: string; validation?: unknown }, request: FastifyRequest, reply: FastifyReply) => {
      if (error instanceof ForbiddenError) return errorPage(reply, 403, 'Ingen tilgang', error.message);
      if (error instanceof CaseNotFoundError) return errorPage(reply, 404, 'Finner ikke saken', error.message);
      if (error instanceof NotFoundError) return errorPage(reply, 404, error.title, error.message);
      if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
        return errorPage(
          reply,
          403,
          'Skjemaet er utløpt',
          'Skjemaet var for gammelt eller kom ikke fra denne siden. Last siden på nytt og prøv igjen; ingenting er lagret.',
        );
      }
      if (error.statusCode === 429) return errorPage(reply, 429, 'For mange forsøk', error.message);
      if (error.validation) return errorPage(reply, 400, 'Ugyldig forespørsel', validationText(error, request));
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        const text =
          error.statusCode === 413
            ? 'Skjemaet er for stort til å tas imot. Del teksten opp, eller legg den ved som dokument; ingenting er lagret.'
            : error.statusCode === 415
              ? 'Serveren tar bare imot skjemaer og JSON. Ingenting er lagret.'
              : 'Forespørselen kunne ikke tas imot. Ingenting er lagret.';
        return errorPage(reply, error.statusCode, 'Ugyldig forespørsel', text);
      }
      if (isDatabaseUnavailable(error)) {
        // A passing outage, not a fault: one line for whoever runs it, and the person is asked to try again.
        console.error(`Databasen svarer ikke (${request.method} ${request.url.split('?')[0]}): ${error.message}`);
        reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        return errorPage(reply, 503, DATABASE_UNAVAILABLE_TITLE, DATABASE_UNAVAILABLE_TEXT);
      }
      // Logged whatever the logger setting: an answer of 500 must leave a trace for whoever runs it.
      console.error(`Feil i ${request.method} ${request.url.split('?')[0]}:`, error);
      return errorPage(reply, 500, 'Noe gikk galt', 'Serveren kunne ikke svare. Ingenting er endret; prøv igjen om litt.');
    },
  );

  registerSessionRoutes(app, deps, options);
  registerOidcRoutes(app, options.oidc);
  registerCaseRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerOpenCaseRoutes(app, deps);
  registerCaseAuditRoutes(app, deps);
  registerAccessLogRoutes(app, deps);
  registerApiRoutes(app, deps);
  registerOverviewRoutes(app, deps, options);
  registerCodecRoutes(app, deps, options.codec);
  return app;
}
