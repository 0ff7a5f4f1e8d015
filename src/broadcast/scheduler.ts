// The broadcast clock: starts scheduled announcements when due (also after a restart: they live in
// the database), takes expired ones out of the knowledge base, and closes runs that are complete
// (also those another process delivered).
import type { Store } from '../db/store.js';
import type { Logger } from '../logger.js';
import type { KnowledgePublisher } from './knowledge-publisher.js';

export interface SchedulerDeps {
  store: Store;
  publisher: KnowledgePublisher;
  logger: Logger;
  /** Starts sending a due announcement (BroadcastService.sendNow). */
  startSending: (id: number) => void;
  /** Marks a run done when nothing is left to send. */
  closeIfComplete: (id: number) => void;
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: SchedulerDeps) {}

  /** Runs a pass at once (nothing waits a period after a restart), then every `periodMs`. */
  start(periodMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), periodMs);
    this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  tick(now = Date.now()): void {
    const { store, publisher, logger } = this.deps;
    try {
      for (const id of store.announcements.dueScheduled(now)) {
        try {
          this.deps.startSending(id);
        } catch (err) {
          // Another process may have started it between the query and here.
          logger.debug({ err, id }, 'scheduled announcement not started');
        }
      }
      for (const { id, knowledgeFile } of store.announcements.expiredPublished(now)) {
        publisher.unpublish(knowledgeFile);
        store.announcements.setKnowledgeFile(id, undefined);
        logger.info({ id }, 'announcement expired: removed from the knowledge base');
      }
      for (const id of store.announcements.idsWithStatus('sending')) this.deps.closeIfComplete(id);
    } catch (err) {
      logger.error({ err }, 'broadcast scheduler pass failed');
    }
  }
}
