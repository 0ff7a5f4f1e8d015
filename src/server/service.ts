// Builds and runs the whole service in one process: database, knowledge base, resident and
// broadcast services, the HTTP server, the configured channels and the delivery workers.
// main.ts calls it; tests call it with a temp DATA_DIR and port 0.
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { BroadcastService } from '../broadcast/service.js';
import { createTelegramChannel } from '../channels/telegram/index.js';
import type { MessagingChannel } from '../channels/types.js';
import { createZaloChannel } from '../channels/zalo/index.js';
import { openCore } from '../compose.js';
import type { Config } from '../config.js';
import type { CaseService } from '../core/case-service.js';
import type { Store } from '../db/store.js';
import type { KnowledgeBase } from '../engine/knowledge-base.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { securePrivateData } from '../private-data.js';
import { clearServiceMark, markServiceRunning, runningService } from '../service-marker.js';
import { buildServer } from './app.js';
import { consolePlugin } from './console/plugin.js';
import { CONSOLE_PATH } from './console/session.js';
import type { ReadinessCheck } from './health-routes.js';
import { type Part, planParts } from './parts.js';
import { broadcastRoutes } from './staff-routes.js';

export interface ServiceOptions {
  logger: Logger;
  /** Parts to run (`--only`); default: web, worker and every configured channel. */
  only?: Part[];
  metrics?: Metrics;
  /** How often to look for an index rebuilt by another process (CLI ingest, another instance). */
  reloadIntervalMs?: number;
}

export interface RunningService {
  app: FastifyInstance;
  /** Where the server listens, e.g. http://127.0.0.1:3000 */
  url: string;
  parts: ReadonlySet<Part>;
  store: Store;
  knowledge: KnowledgeBase;
  broadcast: BroadcastService;
  cases: CaseService;
  channels: MessagingChannel[];
  /** Resolves once the index has been brought up to date with the knowledge folder. */
  indexed: Promise<void>;
  /** Graceful: stops intake, lets answers and deliveries in flight finish, closes the database. */
  stop(): Promise<void>;
}

export async function startService(config: Config, options: ServiceOptions): Promise<RunningService> {
  const { logger } = options;
  const { parts, off } = planParts(config, options.only);
  for (const [part, reason] of Object.entries(off)) logger.info({ part, reason }, `${part}: off (${reason})`);
  const answering = parts.has('web') || parts.has('telegram') || parts.has('zalo');

  securePrivateData(config.paths.data, logger);
  const other = runningService(config.paths.data);
  if (other && other.pid !== process.pid)
    logger.warn({ pid: other.pid, since: other.startedAt }, 'another service process seems to run on this data folder');
  markServiceRunning(config.paths.data);
  // The index on disk (if any) is served at once; building or updating it runs after the server
  // is up, so /healthz answers and /readyz explains while a fresh machine indexes its documents.
  const core = await openCore(config, { logger, metrics: options.metrics, buildIndex: false });
  const { metrics, store, knowledge, residents, broadcast, senders, channelDeps: deps } = core;

  const channels: MessagingChannel[] = [];
  if (parts.has('telegram')) channels.push(createTelegramChannel(deps));
  if (parts.has('zalo')) channels.push(createZaloChannel(deps));

  const checks: ReadinessCheck[] = [{ name: 'database', ok: () => store.isOpen() }];
  if (answering) checks.push({ name: 'index', ok: () => knowledge.status().ready });
  for (const channel of channels) checks.push({ name: channel.name, ok: () => channel.isConnected() });

  const app = await buildServer({
    config,
    logger,
    metrics,
    checks,
    knowledge: answering ? knowledge : undefined,
    web: parts.has('web') ? { residents, knowledge, cases: { service: core.cases, kv: store.kv } } : undefined,
  });
  // The staff API (announcements) lives under /api/staff/announcements, behind STAFF_TOKEN.
  if (parts.has('web')) await app.register(broadcastRoutes, { service: broadcast, staffToken: config.web.staffToken });
  if (parts.has('web'))
    await app.register(consolePlugin, {
      config,
      consoleStore: store.console,
      kv: store.kv,
      knowledge,
      broadcast,
      senders,
      cases: core.cases,
    });
  for (const channel of channels) channel.registerWebhook?.(app);

  await app.listen({ host: config.http.host, port: config.http.port });
  const url = listenUrl(app);
  logger.info({ parts: [...parts] }, `running: ${[...parts].join(', ')}`);

  const stopping = new AbortController();
  const indexed = answering ? bringIndexUpToDate(knowledge, logger) : Promise.resolve();
  const started = channels.map((c) => startChannel(c, logger, stopping.signal));
  if (parts.has('worker')) {
    broadcast.start();
    const to = broadcast.channels;
    logger.info({ channels: to }, `broadcast scheduler started; delivering to: ${to.length ? to.join(', ') : 'no channel configured'}`);
  }
  const reloader = watchIndex(knowledge, logger, options.reloadIntervalMs ?? 3000);
  const cleaner = keepTidy(store, config, logger, () => core.cases.sweepPhotos());
  if (parts.has('web')) logger.info({ url: `${url}/` }, `web chat: open ${url}/ in a browser`);
  if (parts.has('web'))
    logger.info({ url: `${url}${CONSOLE_PATH}/` }, `staff console: ${url}${CONSOLE_PATH}/ (accounts: npm run user -- add)`);

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      logger.info('shutting down: stopping intake');
      stopping.abort();
      clearInterval(reloader);
      clearInterval(cleaner);
      await Promise.allSettled([app.close(), ...channels.map((c) => c.stop())]);
      await Promise.allSettled(started);
      logger.info('finishing deliveries in flight');
      await broadcast.stop();
      await indexed;
      await knowledge.close();
      store.close();
      clearServiceMark(config.paths.data);
      logger.info('stopped');
    })());

  return { app, url, parts, store, knowledge, broadcast, cases: core.cases, channels, indexed, stop };
}

async function bringIndexUpToDate(knowledge: KnowledgeBase, logger: Logger): Promise<void> {
  try {
    await knowledge.refresh();
    const { documents, chunks } = knowledge.status();
    logger.info({ documents, chunks }, `knowledge index ready: ${documents} documents, ${chunks} passages`);
  } catch (err) {
    // An index already on disk keeps serving; without one, /readyz reports the index as failing.
    logger.error({ err, ready: knowledge.status().ready }, 'knowledge index could not be built from the knowledge folder');
  }
}

/** How long a channel's start may go unanswered before the log says its API cannot be reached. */
const UNREACHABLE_AFTER_MS = 5000;

/**
 * A channel that cannot connect (network down, platform outage) is retried with a growing delay,
 * without taking down the rest. An API that does not answer at all is said in the log within 5 s;
 * a stop does not wait for its start (a request that never returns would hold the shutdown).
 */
async function startChannel(channel: MessagingChannel, logger: Logger, signal: AbortSignal): Promise<void> {
  const aborted = new Promise<'aborted'>((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true }));
  for (let delayMs = 1000; !signal.aborted; delayMs = Math.min(delayMs * 2, 60_000)) {
    const silent = setTimeout(
      () =>
        logger.warn(
          { channel: channel.name, waitedMs: UNREACHABLE_AFTER_MS },
          `${channel.name}: cannot reach its API: no answer after ${UNREACHABLE_AFTER_MS / 1000} s; still trying in the background`,
        ),
      UNREACHABLE_AFTER_MS,
    );
    try {
      if ((await Promise.race([channel.start().then(() => 'started' as const), aborted])) === 'aborted') return;
      logger.info({ channel: channel.name, mode: channel.mode }, `${channel.name}: on (${channel.mode})`);
      return;
    } catch (err) {
      if (signal.aborted) return;
      logger.error({ err, channel: channel.name, retryInMs: delayMs }, `${channel.name}: could not start, retrying`);
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
    } finally {
      clearTimeout(silent);
    }
  }
}

/** Picks up an index swapped by another process; one check at a time. */
function watchIndex(knowledge: KnowledgeBase, logger: Logger, intervalMs: number): NodeJS.Timeout {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    knowledge
      .reloadIfChanged()
      .catch((err: unknown) => logger.error({ err }, 'knowledge index reload failed'))
      .finally(() => (busy = false));
  }, intervalMs);
  timer.unref();
  return timer;
}

// Webhook platforms redeliver within minutes; a week of "seen" markers is a wide margin.
const SEEN_UPDATES_KEPT_MS = 7 * 24 * 3_600_000;

/** Forgets what is no longer needed: conversation turns past the follow-up window, old update markers. */
function keepTidy(store: Store, config: Config, logger: Logger, sweepPhotos: () => number): NodeJS.Timeout {
  const tidy = () => {
    if (!store.isOpen()) return;
    store.console.sessions.prune();
    const photos = sweepPhotos();
    if (photos) logger.info({ photos }, 'photos of reports never sent removed');
    const turns = store.conversations.pruneTurns(config.history.ttlMs);
    const seen = store.kv.pruneSeen(SEEN_UPDATES_KEPT_MS);
    if (turns || seen) logger.debug({ turns, seen }, 'old conversation turns and update markers removed');
  };
  tidy();
  const timer = setInterval(tidy, 3_600_000);
  timer.unref();
  return timer;
}

function listenUrl(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo;
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
