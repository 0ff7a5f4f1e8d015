// A small token bucket rather than bottleneck/p-queue: those libraries hold queued jobs in memory,
// and a queued job here would be a claimed delivery waiting inside the library — every one of them
// a possible duplicate after a crash. Waiting for a token *before* claiming keeps in-flight small.
import { setTimeout as sleep } from 'node:timers/promises';

export class TokenBucket {
  private tokens: number;
  private last = Date.now();
  private pausedUntil = 0;

  /** `capacity` is the burst allowed after a quiet moment: 50 ms worth of messages by default. */
  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity = Math.max(1, ratePerSecond / 20),
  ) {
    this.tokens = this.capacity;
  }

  /** Resolves when one message may start; rejects when `signal` aborts. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (now < this.pausedUntil) {
        await sleep(this.pausedUntil - now, undefined, { signal });
        continue;
      }
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(Math.max(1, ((1 - this.tokens) * 1000) / this.ratePerSecond), undefined, { signal });
    }
  }

  /** Returns a token that was not used (nothing to send after all). */
  refund(): void {
    this.tokens = Math.min(this.capacity, this.tokens + 1);
  }

  /** Nothing starts before `until` (the messenger asked the whole bot to slow down). */
  pauseUntil(until: number): void {
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.tokens = 0;
      this.last = until;
    }
  }
}
