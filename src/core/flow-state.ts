// Where a chat is in a multi-step flow, kept in the key-value store under the chat's prefix
// (`<channel>:<chatId>:<flow>`), so a restart keeps it and the resident's data deletion removes it.
// An abandoned step expires (`onExpire` lets a flow free what the state held, e.g. kept photos).
import type { KeyValueStore } from '../db/kv.js';
import type { ChatRef } from '../domain/index.js';

export class FlowState<T> {
  constructor(
    private readonly kv: KeyValueStore,
    private readonly name: string,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly onExpire?: (state: T) => void,
  ) {}

  get(ref: ChatRef): T | undefined {
    const stored = this.kv.get<{ state: T; expiresAt: number }>(this.key(ref));
    if (!stored) return undefined;
    if (stored.expiresAt > this.now()) return stored.state;
    this.clear(ref);
    this.onExpire?.(stored.state);
    return undefined;
  }

  /** Ends every expired state of one channel (ones nobody came back to), with `onExpire`. */
  sweep(channel: string): number {
    const suffix = `:${this.name}`;
    let swept = 0;
    for (const key of this.kv.keys(`${channel}:`)) {
      if (!key.endsWith(suffix)) continue;
      const stored = this.kv.get<{ state: T; expiresAt: number }>(key);
      if (!stored || stored.expiresAt > this.now()) continue;
      this.kv.delete(key);
      this.onExpire?.(stored.state);
      swept++;
    }
    return swept;
  }

  set(ref: ChatRef, state: T): void {
    this.kv.set(this.key(ref), { state, expiresAt: this.now() + this.ttlMs });
  }

  clear(ref: ChatRef): void {
    this.kv.delete(this.key(ref));
  }

  private key(ref: ChatRef): string {
    return `${ref.channel}:${ref.chatId}:${this.name}`;
  }
}
