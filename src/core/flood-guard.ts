// Incoming flood control for the chat channels, used by ChatPolicy for every channel alike. Written
// here rather than taken from @grammyjs/ratelimiter: that plugin is grammY middleware and runs only
// inside a grammY bot, while one counter must serve Telegram, Zalo and whatever comes next.

/** Messages one person (or one group) may send to the bot per window before it pauses. */
export const FLOOD_LIMIT = { limit: 6, windowMs: 10_000 } as const;

export type FloodVerdict = 'ok' | 'notice' | 'silent';

/**
 * A sliding window per key (a person, or a group chat). Within the limit a message is 'ok'; the
 * first one over it gets 'notice' (say botTexts.rateLimited once), the rest of the window 'silent'.
 */
export class FloodGuard {
  private readonly seen = new Map<string, { stamps: number[]; noticedUntil: number }>();
  private lastSweep = 0;

  constructor(private readonly limits: { limit: number; windowMs: number } = FLOOD_LIMIT) {}

  check(key: string, now = Date.now()): FloodVerdict {
    const { limit, windowMs } = this.limits;
    this.sweep(now);
    const entry = this.seen.get(key) ?? { stamps: [], noticedUntil: 0 };
    this.seen.set(key, entry);
    entry.stamps = entry.stamps.filter((t) => t > now - windowMs);
    if (entry.stamps.length < limit) {
      entry.stamps.push(now);
      return 'ok';
    }
    if (now < entry.noticedUntil) return 'silent';
    entry.noticedUntil = now + windowMs;
    return 'notice';
  }

  /** Forgets keys idle for a whole window, so the map holds only recent senders. */
  private sweep(now: number): void {
    const { windowMs } = this.limits;
    if (now - this.lastSweep < windowMs) return;
    this.lastSweep = now;
    for (const [key, e] of this.seen) if ((e.stamps.at(-1) ?? 0) <= now - windowMs && e.noticedUntil <= now) this.seen.delete(key);
  }
}
