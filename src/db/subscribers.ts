import type { ChannelName, Subscriber, SubscriberStatus } from '../domain/index.js';
import { json, type Sqlite } from './database.js';

interface Row {
  id: number;
  channel: ChannelName;
  chat_id: string;
  display_name: string | null;
  topics: string;
  wards: string;
  status: SubscriberStatus;
  created_at: number;
  updated_at: number;
}

const toSubscriber = (r: Row): Subscriber => ({
  id: r.id,
  channel: r.channel,
  chatId: r.chat_id,
  displayName: r.display_name ?? undefined,
  topics: json.list(r.topics),
  wards: json.list(r.wards),
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class SubscriberStore {
  constructor(private readonly db: Sqlite) {}

  /** Creates or re-activates a subscription with the given preferences; no wards = the whole city. */
  subscribe(input: { channel: ChannelName; chatId: string; displayName?: string; topics: string[]; wards?: string[] }): Subscriber {
    const now = Date.now();
    this.db
      .prepare(
        `INSERT INTO subscribers (channel, chat_id, display_name, topics, wards, status, created_at, updated_at)
         VALUES (@channel, @chatId, @displayName, @topics, @wards, 'active', @now, @now)
         ON CONFLICT (channel, chat_id) DO UPDATE SET
           display_name = COALESCE(excluded.display_name, display_name), topics = excluded.topics,
           wards = excluded.wards, status = 'active', updated_at = excluded.updated_at`,
      )
      .run({ ...input, displayName: input.displayName ?? null, topics: json.of(input.topics), wards: json.of(input.wards ?? []), now });
    return this.get(input.channel, input.chatId)!;
  }

  get(channel: ChannelName, chatId: string): Subscriber | undefined {
    const row = this.db.prepare('SELECT * FROM subscribers WHERE channel = ? AND chat_id = ?').get(channel, chatId) as Row | undefined;
    return row && toSubscriber(row);
  }

  byId(id: number): Subscriber | undefined {
    const row = this.db.prepare('SELECT * FROM subscribers WHERE id = ?').get(id) as Row | undefined;
    return row && toSubscriber(row);
  }

  /** Returns false when there was no active subscription. */
  unsubscribe(channel: ChannelName, chatId: string): boolean {
    const r = this.db
      .prepare(`UPDATE subscribers SET status = 'unsubscribed', updated_at = ? WHERE channel = ? AND chat_id = ? AND status = 'active'`)
      .run(Date.now(), channel, chatId);
    return r.changes > 0;
  }

  /** The subscription of one chat (its deliveries go with it: ON DELETE CASCADE). Returns how many. */
  forget(channel: ChannelName, chatId: string): number {
    return this.db.prepare('DELETE FROM subscribers WHERE channel = ? AND chat_id = ?').run(channel, chatId).changes;
  }

  setStatus(id: number, status: SubscriberStatus): void {
    this.db.prepare('UPDATE subscribers SET status = ?, updated_at = ? WHERE id = ?').run(status, Date.now(), id);
  }

  /** Active subscribers matching an audience; an empty filter list matches everyone. */
  audience(filter: { channels: string[]; topics: string[]; wards: string[] }): Subscriber[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM subscribers s WHERE s.status = 'active'
           AND (json_array_length(@channels) = 0 OR s.channel IN (SELECT value FROM json_each(@channels)))
           AND (json_array_length(@wards) = 0 OR json_array_length(s.wards) = 0
                OR EXISTS (SELECT 1 FROM json_each(s.wards) w WHERE w.value IN (SELECT value FROM json_each(@wards))))
           AND (json_array_length(@topics) = 0 OR json_array_length(s.topics) = 0
                OR EXISTS (SELECT 1 FROM json_each(s.topics) t WHERE t.value IN (SELECT value FROM json_each(@topics))))
         ORDER BY s.id`,
      )
      .all({ channels: json.of(filter.channels), topics: json.of(filter.topics), wards: json.of(filter.wards) }) as Row[];
    return rows.map(toSubscriber);
  }

  countByStatus(): Record<SubscriberStatus, number> {
    const out: Record<SubscriberStatus, number> = { active: 0, unsubscribed: 0, blocked: 0 };
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM subscribers GROUP BY status').all() as {
      status: SubscriberStatus;
      n: number;
    }[])
      out[r.status] = r.n;
    return out;
  }
}
