// Keeps the author of an announcement informed from the moment they press "send": each channel
// decides how a progress update and the final report look (Telegram edits one status message,
// Zalo sends the report); this follows the announcement through BroadcastService.watch (database
// polling, so a run delivered by a worker in another process is followed too).
import type { BroadcastService } from '../broadcast/service.js';
import type { BroadcastProgress } from '../domain/index.js';
import type { Logger } from '../logger.js';

export interface ProgressView {
  progress?(p: BroadcastProgress): Promise<void> | void;
  /** Once the run is done or cancelled, with BroadcastService.report(id). */
  done(p: BroadcastProgress, report: string): Promise<void> | void;
}

/** How often the database is read for each followed announcement (the Telegram edit pace too). */
export const FOLLOW_INTERVAL_MS = 3000;

export class AuthorProgress {
  private readonly stops = new Set<() => void>();

  constructor(
    private readonly broadcast: BroadcastService,
    private readonly logger: Logger,
    private readonly intervalMs = FOLLOW_INTERVAL_MS,
  ) {}

  follow(id: number, view: ProgressView): void {
    // Updates are shown one after another, never two at once (an edit must not overtake the report).
    let chain = Promise.resolve();
    const show = (step: () => Promise<void> | void) => {
      chain = chain.then(step).catch((err) => this.logger.warn({ err, announcement: id }, 'announcement progress not shown to its author'));
    };
    let finished = false;
    let unwatch: (() => void) | undefined;
    const stop = () => {
      unwatch?.();
      this.stops.delete(stop);
    };
    unwatch = this.broadcast.watch(
      id,
      (p, done) => {
        if (finished) return;
        if (!done) return show(() => view.progress?.(p));
        finished = true;
        stop();
        show(() => view.done(p, this.broadcast.report(id)));
      },
      this.intervalMs,
    );
    // The watcher may report a finished run at once, before `unwatch` was known.
    if (finished) unwatch();
    else this.stops.add(stop);
  }

  /** Stops following everything (the channel is stopping); reports not yet due are not sent. */
  stopAll(): void {
    for (const stop of [...this.stops]) stop();
  }
}
