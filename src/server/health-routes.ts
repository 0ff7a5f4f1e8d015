// Liveness, readiness and Prometheus metrics; served in every mode of the process.
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.js';
import type { KnowledgeStatus } from './knowledge-handle.js';

/** One part that must be up for the process to take traffic (index, database, a channel). */
export interface ReadinessCheck {
  name: string;
  ok(): boolean;
}

export interface HealthDeps {
  metrics: Metrics;
  checks: ReadinessCheck[];
  /** Index size and age for the gauges; absent when this process serves no questions. */
  knowledgeStatus?: () => KnowledgeStatus;
}

export async function healthRoutes(app: FastifyInstance, deps: HealthDeps): Promise<void> {
  const { metrics, checks, knowledgeStatus } = deps;

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const parts = Object.fromEntries(checks.map((c) => [c.name, safeOk(c)]));
    const failing = checks.filter((c) => !parts[c.name]).map((c) => c.name);
    return reply.code(failing.length ? 503 : 200).send({ status: failing.length ? 'not_ready' : 'ready', parts, failing });
  });

  app.get('/metrics', async (_request, reply) => {
    if (knowledgeStatus) updateIndexGauges(metrics, knowledgeStatus());
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

function safeOk(check: ReadinessCheck): boolean {
  try {
    return check.ok();
  } catch {
    return false;
  }
}

// Set at scrape time, so the numbers are those of the index serving right now (after hot swaps).
function updateIndexGauges(metrics: Metrics, status: KnowledgeStatus): void {
  metrics.indexChunks.set(status.chunks);
  metrics.indexDocuments.set(status.documents);
  const builtAt = status.builtAt ? Date.parse(status.builtAt) : NaN;
  if (Number.isFinite(builtAt)) metrics.indexAge.set(Math.max(0, (Date.now() - builtAt) / 1000));
}
