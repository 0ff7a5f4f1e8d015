// An announcement of the city to its subscribers, and how far its delivery has come.
import type { BroadcastChannel } from './channels.js';

export type AnnouncementStatus = 'draft' | 'scheduled' | 'sending' | 'done' | 'cancelled';

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

export interface Announcement {
  id: number;
  title: string;
  body: string;
  attachment?: Attachment;
  /** [] = every channel. */
  channels: BroadcastChannel[];
  /** [] = every topic. */
  topics: string[];
  /** [] = every ward. */
  wards: string[];
  /** Epoch ms. */
  scheduledAt?: number;
  /** Epoch ms after which the announcement leaves the knowledge base. */
  expiresAt?: number;
  author: string;
  status: AnnouncementStatus;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Path of the knowledge-base file while the announcement is published there. */
  knowledgeFile?: string;
}

/** What a delivery worker hands to a channel's sender. */
export interface OutgoingAnnouncement {
  id: number;
  title: string;
  body: string;
  attachment?: Attachment;
}

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

/** Whether staff can still stop an announcement. */
export const isStoppable = (a: { status: AnnouncementStatus }) => a.status === 'sending' || a.status === 'scheduled';

/** Whether an announcement's run is over (nothing more will be sent). */
export const isFinished = (status: AnnouncementStatus) => status === 'done' || status === 'cancelled';

/** The text residents see, identical on every channel and in the preview. */
export function renderAnnouncement(a: { title: string; body: string }): string {
  return `${a.title.trim()}\n\n${a.body.trim()}`;
}

/**
 * How staff write an announcement as plain text, wherever they write it (a chat message, the CLI's
 * Markdown file): the first line is the title, the rest is the body. Line endings are normalised,
 * a Markdown heading mark ("# ") on the first line is dropped, both parts are trimmed; either may be ''.
 */
export function splitTitleBody(text: string): { title: string; body: string } {
  const [first = '', ...rest] = text.replace(/\r\n?/g, '\n').trim().split('\n');
  return { title: first.replace(/^#{1,6}\s+/, '').trim(), body: rest.join('\n').trim() };
}
