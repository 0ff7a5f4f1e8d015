// `Authorization: Bearer <token>`, compared in constant time by the same function the channel
// webhooks use for their secret headers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { webTexts } from '../texts/web.js';
import type { SecretVerdict } from './auth-throttle.js';
import { ApiError } from './errors.js';

export { secretMatches as tokenMatches } from '../channels/webhook.js';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** The error for a refused secret: 401 with the route's message, or 429 with Retry-After while throttled. */
export function refusal(verdict: Exclude<SecretVerdict, { ok: true }>, reply: FastifyReply, unauthorized: string): ApiError {
  if (verdict.status === 401) return new ApiError(401, 'unauthorized', unauthorized);
  reply.header('retry-after', String(verdict.retryAfterSeconds));
  return new ApiError(429, 'too_many_failures', webTexts.errors.tooManyFailures(verdict.retryAfterSeconds));
}
