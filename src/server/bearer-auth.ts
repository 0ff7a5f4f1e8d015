// `Authorization: Bearer <token>`, compared in constant time by the same function the channel
// webhooks use for their secret headers.
import type { FastifyRequest } from 'fastify';

export { secretMatches as tokenMatches } from '../channels/webhook.js';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}
