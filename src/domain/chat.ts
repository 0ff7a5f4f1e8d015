// Who wrote, from where: what every flow receives instead of a channel's own update object.
import type { ChannelName } from './channels.js';

export interface ChatRef {
  channel: ChannelName;
  /** Where replies go: the private chat, or the group the message came from. */
  chatId: string;
  /** The person; in a private chat the same as chatId. */
  userId: string;
  displayName?: string;
}
