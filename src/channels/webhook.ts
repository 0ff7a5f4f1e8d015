// The one webhook route every messaging channel uses. Checks run in onRequest, before the body is
// read: a wrong secret gets 401, a body that is not JSON 415, a stopping channel 503 (the platform
// delivers again later); Fastify's bodyLimit gives 413. The platform then gets 200 at once and the
// update is handled in the background, so a slow answer never makes it time out and redeliver.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';
import { checkSecret } from '../server/auth-throttle.js';

/** Updates are small JSON objects (a message of a few thousand characters); anything bigger is not one. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

/** Routes of the application itself, and its API namespace, that a webhook must never shadow. */
const APP_PATHS = ['/', '/healthz', '/readyz', '/metrics'];
const APP_PREFIX = '/api/';

/**
 * Constant-time comparison of a presented secret with the configured one. Both are hashed first, so
 * the comparison takes the same time whatever the lengths, and a length mismatch leaks nothing.
 */
export function secretMatches(given: unknown, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const same = timingSafeEqual(digest(typeof given === 'string' ? given : ''), digest(expected));
  return same && typeof given === 'string';
}

/** "https://bot.example.org/hooks/telegram/" → "/hooks/telegram". */
export function webhookPath(url: string): string {
  return new URL(url).pathname.replace(/\/+$/, '') || '/';
}

export interface WebhookRouteOptions {
  path: string;
  /** The request header carrying the secret, lower case (Node's header keys). */
  header: string;
  secret: string;
  bodyLimit?: number;
  logger: Logger;
  /** False while the channel stops. */
  accepting: () => boolean;
  /** Starts handling a parsed body and returns at once (the work goes on in the background). */
  onUpdate: (body: unknown) => void;
}

export function registerWebhookRoute(app: FastifyInstance, o: WebhookRouteOptions): void {
  assertFreePath(app, o.path);
  app.post(
    o.path,
    {
      bodyLimit: o.bodyLimit ?? WEBHOOK_BODY_LIMIT,
      onRequest: async (request, reply) => {
        const verdict = checkSecret(request, `webhook ${o.path}`, () => secretMatches(request.headers[o.header], o.secret), o.logger);
        if (!verdict.ok) {
          if (verdict.status === 429) reply.header('retry-after', String(verdict.retryAfterSeconds));
          return reply.code(verdict.status).send({ ok: false });
        }
        if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) return reply.code(415).send({ ok: false });
        if (!o.accepting()) return reply.code(503).send({ ok: false });
      },
    },
    async (request, reply) => {
      try {
        o.onUpdate(request.body);
      } catch (err) {
        o.logger.error({ err, path: o.path }, 'webhook update failed');
      }
      return reply.code(200).send({ ok: true });
    },
  );
}

/** A webhook on "/" or on a route the app serves would silently take it over (or be shadowed). */
function assertFreePath(app: FastifyInstance, path: string): void {
  const taken =
    APP_PATHS.includes(path) ||
    path === APP_PREFIX.slice(0, -1) ||
    path.startsWith(APP_PREFIX) ||
    (['GET', 'POST'] as const).some((method) => app.hasRoute({ method, url: path }));
  if (taken)
    throw new Error(
      `Webhook path "${path}" clashes with a route of the application. Give the webhook URL a path of its own, e.g. https://bot.example.org/telegram/webhook`,
    );
}
