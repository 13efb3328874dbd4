/**
 * The codec endpoint of the Temporal Web UI (`--ui-codec-endpoint`): the UI sends the sealed
 * payloads it shows to `<endpoint>/decode` and gets them back opened, so an administrator signed
 * in here reads cases in the UI while the UI itself, its server and its database hold only
 * ciphertext. Behind sign-in (the session cookie; the UI must be told to include cross-origin
 * credentials), for administrators only, and every decode is written to the access log.
 *
 * The UI runs on another origin, so the answers carry CORS headers for the configured UI
 * origins only; a preflight from any other origin gets none, and the browser refuses.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { WebDependencies } from '../dependencies';
import type { WebApp } from '../server';

/** The codec and which Temporal Web UI origins may call it. */
export interface CodecEndpointOptions {
  codec: PayloadCodec;
  /** e.g. `http://127.0.0.1:8233`; exact origins, never a wildcard (credentials are sent). */
  allowedOrigins: readonly string[];
}

export const CODEC_PATH = '/temporal-codec';
/** What the access log records a decode against: the namespace, since the UI names no case. */
export const codecLogTarget = (namespace: string) => `temporal-ui/${namespace}`;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'må være base64');
const body = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() }))
    .max(10_000, 'høyst 10 000 nyttelaster per kall'),
});
type JsonPayload = z.infer<typeof body>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
});
const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

export function registerCodecRoutes(app: WebApp, deps: WebDependencies, options: CodecEndpointOptions | undefined): void {
  if (!options) return;
  const allowed = new Set(options.allowedOrigins);
  const cors = (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin && allowed.has(origin)) {
      reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
    }
  };
  const refuse = (reply: FastifyReply, status: number, message: string) => reply.status(status).send({ feil: message });

  for (const action of ['encode', 'decode'] as const) {
    app.options(`${CODEC_PATH}/${action}`, async (request, reply) => {
      cors(request, reply);
      return reply
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type, x-namespace')
        .header('access-control-max-age', '600')
        .status(204)
        .send();
    });
    app.post(`${CODEC_PATH}/${action}`, { schema: { body }, bodyLimit: 16 * 1024 * 1024 }, async (request, reply) => {
      cors(request, reply);
      // A cross-origin call must come from a UI we know, whatever the cookie says.
      const origin = request.headers.origin;
      if (origin && !allowed.has(origin)) return refuse(reply, 403, `Opphavet «${origin}» får ikke bruke kodeken.`);
      const userId = request.session.get('userId');
      const user = userId ? await deps.users.get(userId) : undefined;
      if (!user || user.disabled) return refuse(reply, 401, 'Logg inn i nettløsningen først; kodeken åpner bare data for innloggede.');
      if (user.role !== 'administrator') return refuse(reply, 403, 'Bare administratorer kan lese sakene i Temporal Web UI.');
      const payloads = request.body.payloads.map(fromJson);
      const namespace = String(request.headers['x-namespace'] ?? 'default').slice(0, 200);
      if (action === 'decode') {
        await deps.users.logCaseAccess({ userId: user.userId, workflowId: codecLogTarget(namespace), action: 'decode' });
        request.log.info({ user: user.username, namespace, payloads: payloads.length }, 'codec decode');
      }
      let out: Payload[];
      try {
        out = action === 'decode' ? await options.codec.decode(payloads) : await options.codec.encode(payloads);
      } catch (err) {
        return refuse(reply, 400, err instanceof Error ? err.message : String(err));
      }
      return reply.header('cache-control', 'no-store').send({ payloads: out.map(toJson) });
    });
  }
}
