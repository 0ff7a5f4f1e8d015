// Checks a draft before anything is stored, and returns it in its stored form (trimmed, NFC,
// topic slugs and ward names as configured).
import fs from 'node:fs';
import type { Config } from '../config.js';
import {
  type Attachment,
  BROADCAST_CHANNELS,
  type BroadcastChannel,
  formatCityTime,
  renderAnnouncement,
  wardNames,
} from '../domain/index.js';
import { fold } from '../engine/normalize.js';
import { broadcastTexts as t } from '../texts/broadcast.js';

export interface DraftInput {
  title: string;
  body: string;
  attachment?: Attachment;
  channels?: string[];
  topics?: string[];
  wards?: string[];
  scheduledAt?: Date;
  expiresAt?: Date;
}

export interface ValidDraft {
  title: string;
  body: string;
  attachment?: Attachment;
  channels: BroadcastChannel[];
  topics: string[];
  wards: string[];
  scheduledAt?: Date;
  expiresAt?: Date;
}

export type LimitsOf = (channel: BroadcastChannel) => { text: number; caption: number };

/** A scheduled time typed to the minute may have just passed; that is not an error. */
const PAST_GRACE_MS = 60_000;

export function validateDraft(
  draft: DraftInput,
  ctx: { config: Config; limits: LimitsOf; defaultChannels: BroadcastChannel[]; now?: number },
): { draft: ValidDraft; problems: string[] } {
  const now = ctx.now ?? Date.now();
  const problems: string[] = [];
  const title = (draft.title ?? '').normalize('NFC').trim();
  const body = (draft.body ?? '').normalize('NFC').trim();
  if (!title) problems.push(t.emptyTitle);
  if (!body) problems.push(t.emptyBody);

  const channels: BroadcastChannel[] = [];
  for (const c of draft.channels ?? []) {
    const name = c.trim().toLowerCase();
    if ((BROADCAST_CHANNELS as string[]).includes(name)) channels.push(name as BroadcastChannel);
    else problems.push(t.unknownChannel(c));
  }

  const known = ctx.config.city.topics.map((x) => x.slug);
  const topics: string[] = [];
  for (const raw of draft.topics ?? []) {
    const slug = raw.trim().toLowerCase();
    if (known.includes(slug)) topics.push(slug);
    else problems.push(t.unknownTopic(raw, known));
  }

  const wards: string[] = [];
  for (const raw of draft.wards ?? []) {
    // A former name (before the 2025 reorganization) is still understood, and stored as today's name.
    const match = ctx.config.city.wards.find((w) => [w.name, ...w.formerNames].some((n) => fold(n) === fold(raw.trim())));
    if (match) wards.push(match.name);
    else problems.push(t.unknownWard(raw, wardNames(ctx.config.city)));
  }

  const attachment = draft.attachment;
  if (attachment) {
    if (Boolean(attachment.path) === Boolean(attachment.url)) problems.push(t.attachmentSource);
    else if (attachment.path && !fs.existsSync(attachment.path)) problems.push(t.attachmentMissing(attachment.path));
  }

  if (title && body) {
    const length = renderAnnouncement({ title, body }).length;
    const targets = channels.length ? channels : ctx.defaultChannels;
    for (const channel of targets) {
      const limit = attachment ? ctx.limits(channel).caption : ctx.limits(channel).text;
      if (length > limit) problems.push(t.tooLong(channel, length, limit, Boolean(attachment)));
    }
  }

  if (draft.scheduledAt && draft.scheduledAt.getTime() < now - PAST_GRACE_MS)
    problems.push(t.scheduledInPast(formatCityTime(draft.scheduledAt)));
  if (draft.expiresAt && draft.expiresAt.getTime() <= (draft.scheduledAt?.getTime() ?? now)) problems.push(t.expiresBeforeSend);

  return {
    draft: {
      title,
      body,
      attachment,
      channels: [...new Set(channels)],
      topics: [...new Set(topics)],
      wards: [...new Set(wards)],
      scheduledAt: draft.scheduledAt,
      expiresAt: draft.expiresAt,
    },
    problems,
  };
}
