/**
 * The JSON API for school systems under /api: the same operations as the pages (list, view,
 * open, send, documents) with the same rules, each checked on the server: the token's scope
 * (api-auth.ts), the user's scope of cases and acting roles (web/case-access.ts) and the case's
 * own rule for each event. Encapsulated: its own validator (zod with Norwegian messages naming
 * field and value, 422), its own JSON errors and not-found answer, no session and no CSRF.
 */
import '@fastify/swagger';
import type { FastifySchemaCompiler } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { describeIssues, parseOptions } from '../../machines/zod-issues';
import type { WebApp } from '../server';
import { type ApiDependencies, apiAuthentication } from './api-auth';
import { ApiError, apiErrorHandler, apiNotFound } from './api-errors';
import { registerApiCaseRoutes } from './api-case-routes';
import { registerApiEventRoutes } from './api-event-routes';

const PART_NAMES: Record<string, string> = { body: '(innholdet)', querystring: '(spørringen)', params: '(adressen)', headers: '(hodene)' };

/** Zod with the project's Norwegian messages; a refusal is a 422 naming each field and its value. */
const apiValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = schema.safeParse(data, parseOptions);
    if (result.success) return { value: result.data };
    const lines = describeIssues(result.error, PART_NAMES[httpPart ?? ''] ?? '(verdien)', data);
    return { error: new ApiError('invalid_input', `Ugyldige data: ${lines.join('; ')}.`) };
  };

/** Registers the API under /api (v1 routes and the OpenAPI document at /api/openapi.json). */
export function registerApiRoutes(app: WebApp, deps: ApiDependencies): void {
  void app.register(
    async (scope) => {
      const api = scope.withTypeProvider<ZodTypeProvider>();
      api.setValidatorCompiler(apiValidatorCompiler);
      api.setErrorHandler(apiErrorHandler);
      api.setNotFoundHandler(apiNotFound);
      api.addHook('onRequest', apiAuthentication(deps));
      api.get('/openapi.json', { schema: { hide: true } }, (_request, reply) =>
        reply.header('cache-control', 'no-cache').send(app.swagger()),
      );
      await api.register(
        async (v1) => {
          const routes = v1.withTypeProvider<ZodTypeProvider>();
          registerApiCaseRoutes(routes, deps);
          registerApiEventRoutes(routes, deps);
        },
        { prefix: '/v1' },
      );
    },
    { prefix: '/api' },
  );
}
