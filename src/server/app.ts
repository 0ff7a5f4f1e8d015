// The HTTP server: health and metrics always; the web chat, its API and the admin API when this
// process serves the web part. The caller adds channel webhooks and staff routes, then listens.
import { fileURLToPath } from 'node:url';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Config, TrustProxy } from '../config.js';
import type { CaseService } from '../core/case-service.js';
import type { ResidentService } from '../core/resident-service.js';
import type { KeyValueStore } from '../db/kv.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { webTexts } from '../texts/web.js';
import { adminRoutes } from './admin-routes.js';
import { askRoutes } from './ask-routes.js';
import { CASES_PATH, caseRoutes } from './case-routes.js';
import { ApiError, installErrorHandlers } from './errors.js';
import { healthRoutes, type ReadinessCheck } from './health-routes.js';
import type { KnowledgeHandle } from './knowledge-handle.js';
import { reviewRoutes } from './review-routes.js';

const PUBLIC_DIR = fileURLToPath(new URL('../channels/web/public/', import.meta.url));

// The page loads nothing from elsewhere; any injected script or remote resource is blocked.
// frame-ancestors stays open so the city's portal can embed the chat. blob: images are the
// resident's own photos, previewed before a report is sent.
const PAGE_POLICY = "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'self'";

export interface ServerDeps {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  checks: ReadinessCheck[];
  /** Present when this process answers questions (web part or a channel). */
  knowledge?: KnowledgeHandle;
  /** Present when the web chat, its API and the admin API are served here. */
  web?: {
    residents: ResidentService;
    knowledge: KnowledgeHandle;
    /** Residents' cases in the web chat (ask a person, report a problem, follow them). */
    cases?: { service: CaseService; kv: KeyValueStore };
  };
}

/**
 * Fastify 5 ignores a bare hop count (it cannot check the nearest peer), so "the last n hops are
 * proxies" is written out as a trust function; like `true`, it is for a server reachable only
 * through its proxies.
 */
function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, logger, metrics, checks, knowledge, web } = deps;
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Fastify's 1 MB default for routes added by others (webhooks); the chat API sets its own 16 KB.
    bodyLimit: 1024 * 1024,
    // One line per request, written by the onResponse hook below, instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Answers in flight finish on shutdown; idle keep-alive sockets are closed so close() returns.
    forceCloseConnections: 'idle',
    // Behind the city portal's reverse proxy every request comes from the proxy's address; trusting
    // it (TRUST_PROXY) makes request.ip, and so the per-IP rate limit, the resident's own address.
    trustProxy: fastifyTrustProxy(config.http.trustProxy),
  });
  installErrorHandlers(app);
  // The API speaks JSON only; plain text gets 415 instead of reaching a route as a string.
  app.removeContentTypeParser('text/plain');
  // A keep-alive socket of a request answered during shutdown would hold close() until the
  // keep-alive timeout; those answers tell the client to close instead.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const level = request.url.startsWith('/api/') ? 'info' : 'debug';
    request.log[level](
      { method: request.method, url: request.routeOptions.url ?? request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });

  await app.register(healthRoutes, { metrics, checks, knowledgeStatus: knowledge && (() => knowledge.status()) });

  if (web) {
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) =>
        new ApiError(context.statusCode, 'rate_limited', webTexts.errors.rateLimited(Math.max(1, Math.ceil(context.ttl / 1000)))),
    });
    await app.register(askRoutes, { config, residents: web.residents, knowledge: web.knowledge, cases: web.cases?.service });
    if (web.cases)
      await app.register(caseRoutes, { prefix: CASES_PATH, config, cases: web.cases.service, residents: web.residents, kv: web.cases.kv });
    await app.register(adminRoutes, { prefix: '/api/admin', adminToken: config.web.adminToken, knowledge: web.knowledge });
    await app.register(reviewRoutes, { prefix: '/api/admin', adminToken: config.web.adminToken, residents: web.residents });
    await app.register(fastifyStatic, {
      root: PUBLIC_DIR,
      setHeaders: (reply) => {
        reply.header('Content-Security-Policy', PAGE_POLICY);
        reply.header('X-Content-Type-Options', 'nosniff');
      },
    });
  }
  return app;
}
