// The composition root: the one place that builds the core graph (database, knowledge engine,
// resident and broadcast services) from a configuration. `npm start` (server/service.ts) and the
// tests build it here, so a test runs the same wiring as production instead of a graph of its own.
import path from 'node:path';
import type { BroadcastServiceOptions } from './broadcast/service.js';
import { BroadcastService } from './broadcast/service.js';
import type { ChannelSender } from './broadcast/types.js';
import { configuredSenders } from './channels/senders.js';
import type { ChannelDeps } from './channels/types.js';
import type { Config } from './config.js';
import { CaseService } from './core/case-service.js';
import { ResidentService } from './core/resident-service.js';
import { PhotoFiles } from './db/case-photos.js';
import { Store } from './db/store.js';
import { KnowledgeBase } from './engine/knowledge-base.js';
import type { KnowledgeService } from './engine/types.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { curatedAnswersFrom } from './server/console/curated-source.js';
import { meteredSender } from './server/metered-sender.js';

export interface CoreOptions {
  logger: Logger;
  metrics?: Metrics;
  /**
   * Build the index at once when there is none (CLIs, tests). The service serves what is on disk
   * and brings it up to date after the server listens, so /healthz answers while it indexes.
   */
  buildIndex?: boolean;
  /** Delivery senders; default: one per configured channel, counted in the metrics. */
  senders?: ChannelSender[];
  broadcast?: BroadcastServiceOptions;
  /** Wraps what the resident service asks (tests watch the questions and their history). */
  wrapKnowledge?: (kb: KnowledgeBase) => KnowledgeService;
  /** A database file other than the configured one (":memory:" in tests). */
  database?: string;
}

export interface Core {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  knowledge: KnowledgeBase;
  residents: ResidentService;
  broadcast: BroadcastService;
  /** Cases residents hand to staff; their notices go through the broadcast outbox. */
  cases: CaseService;
  /** The delivery senders of the configured channels (the console sends test messages with them). */
  senders: ChannelSender[];
  /** What every channel adapter is given. */
  channelDeps: ChannelDeps;
  /** Stops deliveries in flight, closes the index and the database. */
  close(): Promise<void>;
}

export async function openCore(config: Config, options: CoreOptions): Promise<Core> {
  const { logger } = options;
  const metrics = options.metrics ?? createMetrics();
  const store = Store.open(options.database ?? config.paths.database);
  const knowledge = await KnowledgeBase.open(config.engine, logger, { buildIfMissing: options.buildIndex ?? false });
  knowledge.useCuratedAnswers(curatedAnswersFrom(store.console.curated));
  const photos = new PhotoFiles(path.join(config.paths.data, 'case-photos'), config.cases.photoMaxBytes);
  const residents = new ResidentService({
    store,
    knowledge: options.wrapKnowledge?.(knowledge) ?? knowledge,
    config,
    logger,
    metrics,
    photos,
  });
  const senders = options.senders ?? configuredSenders(config, logger).map((s) => meteredSender(s, metrics));
  const broadcast = new BroadcastService({
    store,
    config,
    logger,
    senders,
    refreshKnowledge: () => knowledge.refresh(),
    options: options.broadcast,
  });
  const staffGroupId = config.telegram?.staffGroupId;
  const cases = new CaseService({
    store,
    city: config.city,
    photos,
    outbox: { enqueue: (notice) => store.notices.enqueue(notice), wake: () => broadcast.wake() },
    logger,
    limits: { dailyLimit: config.cases.dailyLimit, maxPhotos: config.cases.maxPhotos },
    staffGroup: staffGroupId ? { channel: 'telegram', chatId: staffGroupId } : undefined,
  });
  return {
    config,
    logger,
    metrics,
    store,
    knowledge,
    residents,
    broadcast,
    cases,
    senders,
    channelDeps: { config, logger, store, residents, broadcast, cases },
    async close() {
      await broadcast.stop();
      await knowledge.close();
      store.close();
    },
  };
}
