// One policy for what reaches the flows, on every channel: a repeated update is handled once, a
// flood from one person (or one group) gets one friendly notice and then silence, and staff are
// not limited in their own chats (composing an announcement is many quick steps).
import type { KeyValueStore } from '../db/kv.js';
import type { ChannelName, ChatRef } from '../domain/index.js';
import { FLOOD_LIMIT, FloodGuard, type FloodVerdict } from './flood-guard.js';
import type { ResidentService } from './resident-service.js';

export interface Incoming {
  ref: ChatRef;
  /** A group chat (counted as a whole) rather than a private one. */
  group: boolean;
}

export class ChatPolicy {
  private readonly flood: FloodGuard;

  constructor(
    private readonly deps: { residents: Pick<ResidentService, 'roleOf'>; kv: KeyValueStore },
    limits: { limit: number; windowMs: number } = FLOOD_LIMIT,
  ) {
    this.flood = new FloodGuard(limits);
  }

  /** False for an update already handled (a webhook redelivery, a poll repeated after a restart); durable. */
  firstSeen(channel: ChannelName, updateKey: string): boolean {
    return this.deps.kv.firstSeen(channel, updateKey);
  }

  /**
   * Whose flood a message counts towards: the whole group in a group (only messages meant for the
   * bot reach here), the person in a private chat, nobody for staff in their own chat.
   */
  floodKey({ ref, group }: Incoming): string | undefined {
    if (group) return `${ref.channel}:chat:${ref.chatId}`;
    return this.deps.residents.roleOf(ref.channel, ref.userId) === 'resident' ? `${ref.channel}:user:${ref.userId}` : undefined;
  }

  /** 'ok' to handle, 'notice' to say botTexts.rateLimited once, 'silent' to drop. */
  admit(incoming: Incoming, now = Date.now()): FloodVerdict {
    const key = this.floodKey(incoming);
    return key === undefined ? 'ok' : this.flood.check(key, now);
  }
}
