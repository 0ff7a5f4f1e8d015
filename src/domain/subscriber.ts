// A resident who asked to receive the city's announcements, on one channel.
import type { ChannelName } from './channels.js';

export type SubscriberStatus = 'active' | 'unsubscribed' | 'blocked';

export interface Subscriber {
  id: number;
  channel: ChannelName;
  chatId: string;
  displayName?: string;
  /** [] means every topic. */
  topics: string[];
  /** [] means the whole city. */
  wards: string[];
  status: SubscriberStatus;
  createdAt: number;
  updatedAt: number;
}
