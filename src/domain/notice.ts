// A direct notice: one message to one chat (a case's status change, a staff reply, a rating
// question), carried by the same outbox as announcements. The chat need not be a subscriber.
import type { BroadcastChannel } from './channels.js';

/** A button under the message; `data` comes back as the button's callback (Telegram only). */
export interface NoticeAction {
  label: string;
  data: string;
}

export interface NewNotice {
  channel: BroadcastChannel;
  chatId: string;
  text: string;
  /** Rendered as an inline keyboard on Telegram; left out on Zalo (the text says how to answer). */
  actions?: NoticeAction[];
  /** Idempotency key: a second notice with the same key is not written. */
  key?: string;
}

/** What a delivery worker hands to a channel's sender. */
export interface OutgoingNotice {
  id: number;
  text: string;
  actions: NoticeAction[];
}

/** Telegram's bound on callback_data, in UTF-8 bytes. */
export const MAX_ACTION_DATA_BYTES = 64;
