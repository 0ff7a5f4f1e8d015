// Worker leases: one draining worker per channel, whichever process it runs in. A worker must hold
// its channel's lease to claim deliveries (OutboxStore.claimNext checks it in the same statement).
import type { BroadcastChannel } from '../domain/index.js';
import type { Sqlite } from './database.js';

export class LeaseStore {
  constructor(private readonly db: Sqlite) {}

  /**
   * Takes the channel's lease for `holder` when it is free, expired, already its own, or held by a
   * worker `isGone` knows to be dead. False when another live worker holds it. Run it in the same
   * (immediate) transaction as OutboxStore.resetClaims: the claims of the previous holder go back.
   */
  take(channel: BroadcastChannel, holder: string, ttlMs: number, isGone: (holder: string) => boolean, now = Date.now()): boolean {
    const current = this.db.prepare('SELECT holder, expires_at FROM worker_leases WHERE channel = ?').get(channel) as
      | { holder: string; expires_at: number }
      | undefined;
    if (current && current.holder !== holder && current.expires_at > now && !isGone(current.holder)) return false;
    this.db
      .prepare(
        `INSERT INTO worker_leases (channel, holder, acquired_at, expires_at) VALUES (@channel, @holder, @now, @expires)
           ON CONFLICT (channel) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
      )
      .run({ channel, holder, now, expires: now + ttlMs });
    return true;
  }

  /** The holder's heartbeat; false when another worker has taken the lease meanwhile. */
  renew(channel: BroadcastChannel, holder: string, ttlMs: number, now = Date.now()): boolean {
    return (
      this.db.prepare('UPDATE worker_leases SET expires_at = ? WHERE channel = ? AND holder = ?').run(now + ttlMs, channel, holder)
        .changes > 0
    );
  }

  release(channel: BroadcastChannel, holder: string): void {
    this.db.prepare('DELETE FROM worker_leases WHERE channel = ? AND holder = ?').run(channel, holder);
  }

  /** Who holds the channel's lease now (unexpired), if anyone. */
  holder(channel: BroadcastChannel, now = Date.now()): string | undefined {
    const r = this.db.prepare('SELECT holder FROM worker_leases WHERE channel = ? AND expires_at > ?').get(channel, now) as
      | { holder: string }
      | undefined;
    return r?.holder;
  }
}
