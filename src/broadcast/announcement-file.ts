// An announcement written as a Markdown file (the CLI's input):
//
//   ---
//   title: Phân luồng giao thông đường Trần Phú
//   topics: [giao-thong]
//   wards: Đức Xuân
//   expires: 2026-12-31
//   ---
//   Nội dung thông báo…
//
// The front matter is optional; without a title there, the first line (a "# heading" or plain
// text) is the title and the rest is the body.
import { parseDocument } from 'yaml';
import {
  BROADCAST_CHANNELS,
  type BroadcastChannel,
  parseCityDateEnd,
  parseCityTime,
  renderAnnouncement,
  splitTitleBody,
} from '../domain/index.js';
import { broadcastTexts as t } from '../texts/broadcast.js';
import { AnnouncementError } from './errors.js';
import { DEFAULT_LIMITS } from './render.js';
import type { AnnouncementDraft } from './service.js';

export type AnnouncementFileDefaults = Omit<AnnouncementDraft, 'title' | 'body'> & {
  /** Longest text allowed; by default the smallest limit of the target channels. */
  maxLength?: number;
};

const KEYS = ['title', 'topics', 'wards', 'channels', 'expires', 'at'] as const;
const ALIASES: Record<string, (typeof KEYS)[number]> = { topic: 'topics', ward: 'wards', channel: 'channels' };

export function parseAnnouncementFile(text: string, defaults: AnnouncementFileDefaults): AnnouncementDraft {
  const source = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .normalize('NFC');
  if (!source.trim()) throw new AnnouncementError([t.emptyFile]);

  const problems: string[] = [];
  let front: Record<string, unknown> = {};
  let content = source;
  const lines = source.split('\n');
  if (lines[0].trim() === '---') {
    const close = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
    if (close < 0) throw new AnnouncementError([t.frontMatterUnclosed]);
    front = readFrontMatter(lines.slice(1, close).join('\n'), problems);
    content = lines.slice(close + 1).join('\n');
  }

  const fields = fieldsOf(front, problems);
  // A title in the front matter leaves the whole text as the body; otherwise the first line is the title.
  const { title, body } = fields.title ? { title: fields.title, body: content.trim() } : splitTitleBody(content);
  if (!title) problems.push(t.emptyTitle);
  if (!body) problems.push(t.emptyBody);

  const { maxLength, ...base } = defaults;
  const draft: AnnouncementDraft = {
    ...base,
    title,
    body,
    channels: fields.channels ?? defaults.channels,
    topics: fields.topics ?? defaults.topics,
    wards: fields.wards ?? defaults.wards,
    expiresAt: fields.expires ?? defaults.expiresAt,
    scheduledAt: fields.at ?? defaults.scheduledAt,
  };

  if (title && body) {
    const length = renderAnnouncement(draft).length;
    const limit = maxLength ?? smallestLimit(draft.channels, Boolean(draft.attachment));
    if (length > limit)
      problems.push(t.tooLong(tightest(draft.channels, Boolean(draft.attachment)), length, limit, Boolean(draft.attachment)));
  }
  if (problems.length) throw new AnnouncementError(problems);
  return draft;
}

function readFrontMatter(yamlText: string, problems: string[]): Record<string, unknown> {
  const doc = parseDocument(yamlText);
  if (doc.errors.length) {
    const e = doc.errors[0];
    // +1 for the opening "---" line: the number is the line of the file.
    const line = (e.linePos?.[0]?.line ?? 1) + 1;
    const detail = e.message.split(' at line ')[0].split('\n')[0];
    const plain = t.yamlProblem[e.code];
    throw new AnnouncementError([t.frontMatterBroken(line, plain ? `${plain} (${detail})` : detail)]);
  }
  const value = doc.toJS() as unknown;
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(t.frontMatterNotMap);
    return {};
  }
  return value as Record<string, unknown>;
}

function fieldsOf(front: Record<string, unknown>, problems: string[]) {
  const out: { title?: string; topics?: string[]; wards?: string[]; channels?: BroadcastChannel[]; expires?: Date; at?: Date } = {};
  for (const [rawKey, value] of Object.entries(front)) {
    const key = ALIASES[rawKey] ?? rawKey;
    if (!(KEYS as readonly string[]).includes(key)) {
      problems.push(t.frontMatterUnknown(rawKey, [...KEYS]));
      continue;
    }
    if (value === null || value === undefined || value === '') continue;
    if (key === 'title') {
      if (typeof value === 'string' || typeof value === 'number') out.title = String(value).trim();
      else problems.push(t.frontMatterField(rawKey, t.aText));
    } else if (key === 'topics' || key === 'wards' || key === 'channels') {
      const list = asList(value);
      if (!list) problems.push(t.frontMatterField(rawKey, t.aList));
      else if (key === 'channels') out.channels = list as BroadcastChannel[];
      else out[key] = list;
    } else {
      const raw = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
      const date = key === 'expires' ? parseCityDateEnd(raw) : parseCityTime(raw);
      if (!date) problems.push(t.badDate(rawKey, raw));
      else out[key] = date;
    }
  }
  return out;
}

/** "a, b" or [a, b] → ["a", "b"]. */
function asList(value: unknown): string[] | undefined {
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number'))
    return value.map((v) => String(v).trim()).filter(Boolean);
  return undefined;
}

const targets = (channels: BroadcastChannel[] | undefined) =>
  channels?.length ? channels.filter((c) => BROADCAST_CHANNELS.includes(c)) : [...BROADCAST_CHANNELS];
const limitOf = (c: BroadcastChannel, caption: boolean) => (caption ? DEFAULT_LIMITS[c].caption : DEFAULT_LIMITS[c].text);

function tightest(channels: BroadcastChannel[] | undefined, caption: boolean): BroadcastChannel {
  const list = targets(channels);
  return (list.length ? list : [...BROADCAST_CHANNELS]).reduce((a, b) => (limitOf(b, caption) < limitOf(a, caption) ? b : a));
}

function smallestLimit(channels: BroadcastChannel[] | undefined, caption: boolean): number {
  return limitOf(tightest(channels, caption), caption);
}
