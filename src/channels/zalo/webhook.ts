// The webhook route Zalo posts updates to. The secret header is checked before the body is read;
// the answer is 200 at once and the update is handled in the background, so a slow answer never
// makes Zalo time out and redeliver.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../logger.js';
import type { ZaloUpdate } from './client.js';
import { updatesOf } from './updates.js';

export const SECRET_HEADER = 'x-bot-api-secret-token';
/** Zalo updates are small JSON objects; anything bigger is not one. */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

export interface WebhookOptions {
  /** The pathname of ZALO_WEBHOOK_URL. */
  path: string;
  secret: string;
  logger: Logger;
  onUpdate: (update: ZaloUpdate) => void;
  /** False while the channel is stopped: updates are refused (503) so they are not lost half-handled. */
  accepting: () => boolean;
}

export function registerZaloWebhook(app: FastifyInstance, options: WebhookOptions): void {
  app.post(
    options.path,
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      onRequest: async (request, reply) => {
        if (!sameSecret(request.headers[SECRET_HEADER], options.secret)) {
          options.logger.warn({ ip: request.ip }, 'zalo webhook: wrong secret');
          return reply.code(401).send({ ok: false });
        }
        if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) return reply.code(415).send({ ok: false });
        if (!options.accepting()) return reply.code(503).send({ ok: false });
      },
    },
    async (request, reply) => {
      const updates = updatesOf(request.body);
      if (!updates.length) options.logger.warn('zalo webhook: body without an update');
      for (const update of updates) options.onUpdate(update);
      return reply.code(200).send({ ok: true });
    },
  );
}

/** Constant-time comparison; hashing first makes the lengths equal, so length leaks nothing either. */
function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
