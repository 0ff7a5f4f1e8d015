// Taking a channel's worker lease: in one immediate transaction, the lease changes hands and the
// claims of any previous holder go back to pending (that holder can no longer be sending them).
import type { Store } from '../db/store.js';
import type { BroadcastChannel } from '../domain/index.js';

/**
 * Takes the lease for `holder` when it is free, expired, its own, or held by a worker `isGone`
 * knows to be dead. Returns how many claims were reset (the possible duplicates), or undefined
 * when another live worker holds the lease.
 */
export function takeChannelLease(
  store: Pick<Store, 'immediate' | 'leases' | 'outbox'>,
  channel: BroadcastChannel,
  holder: string,
  ttlMs: number,
  isGone: (holder: string) => boolean,
  now = Date.now(),
): { reset: number } | undefined {
  return store.immediate(() => {
    if (!store.leases.take(channel, holder, ttlMs, isGone, now)) return undefined;
    return { reset: store.outbox.resetClaims(channel, holder) };
  });
}
