/**
 * The JSON API's errors: one shape for every refusal, `{ error: { code, message } }`, with a
 * Norwegian message a school system can show as it is. The codes are stable English words a
 * program can branch on; the HTTP status says the kind (401 no valid token, 403 not allowed,
 * 404 no such case, 409 refused by the case, 422 invalid input, 503 the database out of reach for the moment).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CaseAlreadyOpenError, CaseNotFoundError, CaseRefusedError } from '../../app/case-client';
import { DocumentFilingError } from '../../casework/file-document';
import { TriggerBelowLimitError, UnknownSchoolError, WrongProcedureError } from '../../casework/opening';
import { ProcedureError } from '../../machines/registry';
import { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNAVAILABLE_TEXT, isDatabaseUnavailable } from '../database-unavailable';
import { ForbiddenError } from '../routes/request-user';

export const API_ERROR_CODES = [
  'unauthorized',
  'forbidden',
  'not_found',
  'refused',
  'invalid_input',
  'too_many_requests',
  'internal',
  'unavailable',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

const STATUS_OF: Record<ApiErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  refused: 409,
  invalid_input: 422,
  too_many_requests: 429,
  internal: 500,
  unavailable: 503,
};

export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(API_ERROR_CODES).describe('Feilens art, stabil for programmer'),
      message: z.string().describe('Hva som er galt, på norsk, med feltet og verdien der det gjelder'),
    }),
  })
  .describe('Feil');

/** A refusal the API answers with its status and Norwegian message. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly statusCode: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.statusCode = STATUS_OF[code];
  }
}

/** The error responses every API route documents (the serializer checks them like any other). */
export const errorResponses = {
  401: apiErrorSchema.describe('Mangler eller ugyldig API-nøkkel'),
  403: apiErrorSchema.describe('Nøkkelen mangler tilgangen, eller brukeren har ikke tilgang til saken'),
  404: apiErrorSchema.describe('Finner ikke saken eller dokumentet'),
  409: apiErrorSchema.describe('Saken avviste handlingen; ingenting er endret'),
  422: apiErrorSchema.describe('Ugyldige data; meldingen nevner feltet og verdien'),
  429: apiErrorSchema.describe('For mange forespørsler'),
  500: apiErrorSchema.describe('Uventet feil; ingenting er endret'),
  503: apiErrorSchema.describe('Databasen svarer ikke for øyeblikket; ingenting er endret, prøv igjen om litt'),
} as const;

/** Fastify's refusals of a body it cannot read, in Norwegian. */
const UNREADABLE: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Innholdet er ikke gyldig JSON.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Innholdet mangler: send et JSON-objekt (content-type application/json).',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Innholdet må være JSON (content-type application/json).',
  FST_ERR_CTP_BODY_TOO_LARGE: 'Innholdet er for stort.',
};

function send(reply: FastifyReply, code: ApiErrorCode, message: string): FastifyReply {
  return reply.status(STATUS_OF[code]).header('cache-control', 'no-store').send({ error: { code, message } });
}

/** What an error thrown anywhere under /api answers: the case's and the archive's errors mapped to their status. */
export function apiErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiError) return send(reply, error.code, error.message);
  if (error instanceof ForbiddenError) return send(reply, 'forbidden', error.message);
  if (error instanceof CaseNotFoundError) return send(reply, 'not_found', error.message);
  if (error instanceof CaseRefusedError) return send(reply, 'refused', `Saken avviste handlingen; ingenting er endret: ${error.reason}`);
  if (error instanceof DocumentFilingError)
    return send(reply, 'refused', `Dokumentet ble ikke arkivert; ingenting er endret: ${error.message}`);
  if (error instanceof CaseAlreadyOpenError || error instanceof TriggerBelowLimitError) return send(reply, 'refused', error.message);
  if (error instanceof UnknownSchoolError || error instanceof WrongProcedureError || error instanceof ProcedureError) {
    return send(reply, 'invalid_input', error.message);
  }
  if (error.statusCode === 429) return send(reply, 'too_many_requests', 'For mange forespørsler. Vent litt og prøv igjen.');
  // Fastify's own refusals of a request (malformed JSON, an unsupported content type, a body too large).
  const unreadable = error.code ? UNREADABLE[error.code] : undefined;
  if (unreadable) return send(reply, 'invalid_input', unreadable);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return send(reply, 'invalid_input', `Forespørselen kunne ikke leses: ${error.message}`);
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn(error);
    return send(reply.header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS)), 'unavailable', DATABASE_UNAVAILABLE_TEXT);
  }
  request.log.error(error);
  return send(reply, 'internal', 'Serveren kunne ikke svare. Ingenting er endret; prøv igjen om litt.');
}

/** Unknown addresses under /api answer in JSON too. */
export function apiNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return send(reply, 'not_found', `Finner ikke ${request.method} ${request.url.split('?')[0]} i API-et. Se /api/openapi.json.`);
}
