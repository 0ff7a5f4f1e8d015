// What a channel's sender offers the delivery workers, and what it reports back.
import type { BroadcastChannel, OutgoingAnnouncement, OutgoingNotice } from '../domain/index.js';

export type SendOutcome =
  | { kind: 'sent' }
  /**
   * 429 (retryAfterMs from retry_after), 5xx, network errors. A 429 is flood control: it does not
   * use up the retry budget. It is recognised by `rateLimited`, or by `retryAfterMs` being set.
   */
  | { kind: 'retry'; retryAfterMs?: number; rateLimited?: boolean; error: string }
  /** 403 blocked / deactivated / kicked: never retried; for an announcement the subscriber is marked blocked. */
  | { kind: 'blocked'; error: string }
  /** 400 chat not found and other permanent errors. */
  | { kind: 'failed'; error: string };

export interface ChannelSender {
  readonly channel: BroadcastChannel;
  /** Messages per second over all chats. */
  readonly ratePerSecond: number;
  /** Minimum gap between two messages to one chat. */
  readonly perChatIntervalMs: number;
  /** 4096 Telegram, 2000 Zalo. */
  readonly maxTextLength: number;
  /** Limit of the text when it goes as the caption of an attachment (Telegram: 1024); default maxTextLength. */
  readonly maxCaptionLength?: number;
  send(chatId: string, message: OutgoingAnnouncement): Promise<SendOutcome>;
  /** A direct notice: its text (split at the length limit), with its actions as buttons where the channel has them. */
  sendNotice(chatId: string, notice: OutgoingNotice): Promise<SendOutcome>;
}
