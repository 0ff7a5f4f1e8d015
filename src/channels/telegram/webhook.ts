// The webhook endpoint: the secret header is checked in constant time, each update_id is handled
// once (Telegram redelivers when it does not get a 200 in time), and the answer is 200 at once —
// the update is processed in the background so slow answers never hold Telegram's request.
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Update } from 'grammy/types';
import type { KeyValueStore } from '../../db/kv.js';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  // Hashing first makes the comparison constant-time regardless of the lengths.
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/** "https://bot.example.org/telegram/webhook" → "/telegram/webhook" (the default when the URL has no path). */
export function webhookPath(url: string): string {
  const p = new URL(url).pathname.replace(/\/+$/, '');
  return p || '/telegram/webhook';
}

export interface WebhookRouteOptions {
  path: string;
  secret: string;
  kv: KeyValueStore;
  /** Starts handling one update; must not throw (errors are handled inside). */
  process(update: Update): void;
  /** False while shutting down: Telegram gets 503 and delivers the update again later. */
  accepting(): boolean;
}

export function registerWebhookRoute(app: FastifyInstance, o: WebhookRouteOptions): void {
  app.post(o.path, async (req, reply) => {
    if (!sameSecret(req.headers[SECRET_HEADER], o.secret)) return reply.code(401).send({ ok: false });
    if (!o.accepting()) return reply.code(503).send({ ok: false });
    const update = req.body as Update | undefined;
    if (typeof update?.update_id !== 'number') return reply.code(400).send({ ok: false });
    if (o.kv.firstSeen('telegram', String(update.update_id))) o.process(update);
    return reply.code(200).send({ ok: true });
  });
}
