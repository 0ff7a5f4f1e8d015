// How far an announcement's run has come, read from the database: the one progress mechanism.
// Whoever follows a run (its author in a chat, the CLI, the staff API, a test) polls the same
// figures, so it works wherever the delivery worker runs (this process or another).
import type { Store } from '../db/store.js';
import { type Announcement, type BroadcastProgress, isFinished } from '../domain/index.js';
import type { Logger } from '../logger.js';

/** The counts of a run, its sending rate over the last `rateWindowMs`, and the time left. */
export function measureProgress(store: Pick<Store, 'outbox'>, a: Announcement, rateWindowMs: number, now = Date.now()): BroadcastProgress {
  const c = store.outbox.counts(a.id, now - rateWindowMs);
  let ratePerSecond = 0;
  if (a.startedAt !== undefined) {
    if (a.status === 'sending') ratePerSecond = c.sentSince / (Math.max(1, Math.min(rateWindowMs, now - a.startedAt)) / 1000);
    else ratePerSecond = c.sent / (Math.max(1, (a.finishedAt ?? now) - a.startedAt) / 1000);
  }
  const pending = c.pending + c.sending;
  return {
    id: a.id,
    status: a.status,
    total: c.total,
    sent: c.sent,
    failed: c.failed,
    blocked: c.blocked,
    pending,
    skipped: c.skipped,
    ratePerSecond: Math.round(ratePerSecond * 10) / 10,
    etaSeconds: ratePerSecond > 0 ? Math.ceil(pending / ratePerSecond) : undefined,
  };
}

export type ProgressListener = (p: BroadcastProgress, done: boolean) => void;

/** Polls runs for their followers; `stopAll` ends every watch (the service is stopping). */
export class ProgressWatch {
  private readonly stops = new Set<() => void>();

  constructor(
    private readonly read: (id: number) => BroadcastProgress,
    private readonly logger: Logger,
  ) {}

  /**
   * Calls `onUpdate` when the counts or status change, and a last time with `done` once the run is
   * done or cancelled; then stops. Returns a function that stops watching earlier.
   */
  watch(id: number, onUpdate: ProgressListener, intervalMs: number): () => void {
    this.read(id); // an unknown announcement is refused at once
    let timer: NodeJS.Timeout | undefined;
    let last = '';
    const stop = () => {
      clearTimeout(timer);
      this.stops.delete(stop);
    };
    const notify = (p: BroadcastProgress, done: boolean) => {
      try {
        onUpdate(p, done);
      } catch (err) {
        this.logger.error({ err, id }, 'broadcast watcher failed');
      }
    };
    const poll = () => {
      let p: BroadcastProgress;
      try {
        p = this.read(id);
      } catch (err) {
        this.logger.error({ err, id }, 'broadcast watcher stopped');
        return stop();
      }
      if (isFinished(p.status)) {
        stop();
        return notify(p, true);
      }
      const key = [p.status, p.total, p.sent, p.failed, p.blocked, p.pending, p.skipped].join();
      if (key !== last) notify(p, false);
      last = key;
      timer = setTimeout(poll, intervalMs);
    };
    this.stops.add(stop);
    timer = setTimeout(poll, 0);
    return stop;
  }

  /** The final progress once the run is done or cancelled. */
  finished(id: number, intervalMs: number): Promise<BroadcastProgress> {
    return new Promise((resolve) => this.watch(id, (p, done) => done && resolve(p), intervalMs));
  }

  stopAll(): void {
    for (const stop of [...this.stops]) stop();
  }
}
