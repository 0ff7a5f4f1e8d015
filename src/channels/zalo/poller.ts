// Long polling: one getUpdates at a time, each held open by the API for `timeoutSeconds`. An empty
// poll (408) simply starts the next one; any other failure backs off, doubling up to a ceiling,
// and never sooner than a 429's retry_after.
import type { Logger } from '../../logger.js';
import { sleep, ZaloApiError, type ZaloClient, type ZaloUpdate } from './client.js';

export interface PollerOptions {
  timeoutSeconds: number;
  /** First delay after a failure; doubled on each consecutive one. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export class ZaloPoller {
  private abort?: AbortController;
  private loop?: Promise<void>;

  constructor(
    private readonly client: ZaloClient,
    private readonly onUpdate: (update: ZaloUpdate) => void,
    private readonly logger: Logger,
    private readonly options: PollerOptions,
  ) {}

  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  /** Ends the poll in flight and the loop. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.loop;
    this.loop = undefined;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const base = this.options.backoffMs ?? 1_000;
    const max = this.options.maxBackoffMs ?? 30_000;
    let delay = base;
    while (!signal.aborted) {
      try {
        const updates = await this.client.getUpdates(this.options.timeoutSeconds, signal);
        delay = base;
        for (const update of updates) this.onUpdate(update);
      } catch (err) {
        if (signal.aborted) break;
        const wait = err instanceof ZaloApiError && err.retryAfter ? Math.max(delay, err.retryAfter * 1000) : delay;
        this.logger.warn({ err, retryInMs: wait }, 'zalo poll failed');
        await sleep(wait, signal);
        delay = Math.min(max, delay * 2);
      }
    }
  }
}
