/**
 * Who calls the API: a school system with an API token (`Authorization: Bearer sft_…`), verified
 * against the stored hash (web/users/user-store.ts). The token acts as its user: the user's role
 * and scope of cases (web/case-access.ts) apply exactly as on the pages, and the token's scopes
 * narrow what it may do: `read` lists and reads cases and documents, `send` opens cases and sends
 * events. No session and no CSRF token: a browser never sends a bearer token by itself, so a
 * forged cross-site request carries no credentials.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebDependencies } from '../dependencies';
import type { WebUser } from '../users/web-user';
import { ApiError } from './api-errors';

/** What a token may do: `read` (list, view, documents) and `send` (open cases, send events). */
export const API_SCOPES = ['read', 'send'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** The web dependencies with what the API adds: verifying tokens and opening cases. */
export type ApiDependencies = WebDependencies;

/** The caller of an API request. */
export interface ApiCaller {
  user: WebUser;
  scopes: readonly string[];
  tokenId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiCaller?: ApiCaller;
  }
  interface FastifyContextConfig {
    /** The token scope an API route needs; routes without one (the OpenAPI document) are open. */
    apiScope?: ApiScope;
  }
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The scope's Norwegian name for messages. */
const scopeNames: Record<ApiScope, string> = { read: 'lese saker', send: 'åpne saker og registrere hendelser' };

/** The onRequest hook of the API: 401 without a valid token, 403 without the route's scope. */
export function apiAuthentication(deps: ApiDependencies) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const scope = request.routeOptions.config.apiScope;
    if (scope === undefined) return;
    const header = request.headers.authorization;
    if (header === undefined || header.trim() === '') {
      throw new ApiError('unauthorized', 'API-nøkkel mangler: send den som «Authorization: Bearer sft_…».');
    }
    const secret = BEARER.exec(header)?.[1];
    if (secret === undefined) throw new ApiError('unauthorized', 'Authorization må ha formen «Bearer sft_…».');
    const verified = await deps.users.verifyApiToken(secret);
    if (!verified) {
      throw new ApiError('unauthorized', 'API-nøkkelen er ukjent, trukket tilbake eller tilhører en deaktivert bruker.');
    }
    if (!verified.scopes.includes(scope)) {
      throw new ApiError(
        'forbidden',
        `API-nøkkelen mangler tilgangen «${scope}» (${scopeNames[scope]}); den har: ${verified.scopes.join(', ') || 'ingen'}.`,
      );
    }
    request.apiCaller = verified;
  };
}

/** The caller of a route behind `apiAuthentication` (always set there). */
export function callerOf(request: FastifyRequest): ApiCaller {
  if (!request.apiCaller) throw new ApiError('unauthorized', 'API-nøkkel mangler: send den som «Authorization: Bearer sft_…».');
  return request.apiCaller;
}
