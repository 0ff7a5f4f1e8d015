// The broadcast contracts every channel and entry point codes against.

export type BroadcastChannel = 'telegram' | 'zalo';
export const BROADCAST_CHANNELS: readonly BroadcastChannel[] = ['telegram', 'zalo'];

/**
 * A photo or document sent with the announcement (its text becomes the caption). `path` is a file
 * on the server (CLI, Telegram staff flow); `url` is an http(s) address the messenger fetches itself.
 */
export interface Attachment {
  kind: 'photo' | 'document';
  path?: string;
  url?: string;
  fileName?: string;
}

export interface OutgoingAnnouncement {
  id: number;
  title: string;
  body: string;
  attachment?: Attachment;
}

export type SendOutcome =
  | { kind: 'sent' }
  /**
   * 429 (retryAfterMs from retry_after), 5xx, network errors. A 429 is flood control: it does not
   * use up the retry budget. It is recognised by `rateLimited`, or by `retryAfterMs` being set.
   */
  | { kind: 'retry'; retryAfterMs?: number; rateLimited?: boolean; error: string }
  /** 403 blocked / deactivated / kicked: the subscriber is marked blocked, never retried. */
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
}

export type AnnouncementStatus = 'draft' | 'scheduled' | 'sending' | 'done' | 'cancelled';

export interface BroadcastProgress {
  id: number;
  status: AnnouncementStatus;
  total: number;
  sent: number;
  /** Permanent failures other than blocked chats. */
  failed: number;
  /** Chats that blocked the bot (their subscription is now 'blocked'). */
  blocked: number;
  /** Not yet sent: waiting, retrying, or claimed by a worker right now. */
  pending: number;
  /** Left out because the announcement was cancelled. */
  skipped: number;
  /** Messages per second over the last few seconds (whole run once finished). */
  ratePerSecond: number;
  /** undefined while the rate is unknown (nothing sent yet). */
  etaSeconds?: number;
}
