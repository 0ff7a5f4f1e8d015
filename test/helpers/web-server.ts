// The HTTP app over the real composition root (src/compose.ts), listening on a free port: what the
// web part of `npm start` serves, without the channels and workers.
import type { FastifyInstance } from 'fastify';
import { openCore } from '../../src/compose.js';
import type { CaseService } from '../../src/core/case-service.js';
import type { ResidentService } from '../../src/core/resident-service.js';
import type { Store } from '../../src/db/store.js';
import type { KnowledgeBase } from '../../src/engine/knowledge-base.js';
import type { Logger } from '../../src/logger.js';
import type { Metrics } from '../../src/metrics.js';
import { buildServer } from '../../src/server/app.js';
import type { TestEnv } from './test-env.js';

export interface TestServer {
  url: string;
  app: FastifyInstance;
  knowledge: KnowledgeBase;
  store: Store;
  residents: ResidentService;
  cases: CaseService;
  metrics: Metrics;
  close(): Promise<void>;
}

export async function startWebServer(env: TestEnv, logger: Logger, options: { buildIndex?: boolean } = {}): Promise<TestServer> {
  const { config } = env;
  const core = await openCore(config, { logger, buildIndex: options.buildIndex ?? true });
  const { store, knowledge, residents, metrics } = core;
  const app = await buildServer({
    config,
    logger,
    metrics,
    checks: [
      { name: 'database', ok: () => store.isOpen() },
      { name: 'index', ok: () => knowledge.status().ready },
    ],
    knowledge,
    web: { residents, knowledge, cases: { service: core.cases, kv: store.kv } },
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    app,
    knowledge,
    store,
    residents,
    cases: core.cases,
    metrics,
    async close() {
      await app.close();
      await core.close();
    },
  };
}

export interface JsonReply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** POSTs a JSON value (or a raw string body) and reads the JSON reply. */
export async function postJson<T = any>(
  url: string,
  body: unknown,
  init: { headers?: Record<string, string>; raw?: boolean } = {},
): Promise<JsonReply<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: init.raw ? (body as string) : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

export async function getJson<T = any>(url: string, headers: Record<string, string> = {}): Promise<JsonReply<T>> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}
