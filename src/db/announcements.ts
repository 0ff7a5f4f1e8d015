// The announcements table: drafts, schedules and the state of each run. Its outbox (deliveries) and
// the worker leases have their own stores; the broadcast service ties them in one transaction.
import type { Announcement, AnnouncementStatus, Attachment, BroadcastChannel } from '../domain/index.js';
import { json, type Sqlite } from './database.js';

export type NewAnnouncement = Pick<
  Announcement,
  'title' | 'body' | 'attachment' | 'channels' | 'topics' | 'wards' | 'scheduledAt' | 'expiresAt' | 'author'
> & {
  status: 'draft' | 'scheduled';
};

interface Row {
  id: number;
  title: string;
  body: string;
  attachment: string | null;
  channels: string;
  topics: string;
  wards: string;
  scheduled_at: number | null;
  expires_at: number | null;
  author: string;
  status: AnnouncementStatus;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  knowledge_file: string | null;
}

const toAnnouncement = (r: Row): Announcement => ({
  id: r.id,
  title: r.title,
  body: r.body,
  attachment: r.attachment ? (JSON.parse(r.attachment) as Attachment) : undefined,
  channels: json.list(r.channels) as BroadcastChannel[],
  topics: json.list(r.topics),
  wards: json.list(r.wards),
  scheduledAt: r.scheduled_at ?? undefined,
  expiresAt: r.expires_at ?? undefined,
  author: r.author,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  startedAt: r.started_at ?? undefined,
  finishedAt: r.finished_at ?? undefined,
  knowledgeFile: r.knowledge_file ?? undefined,
});

export class AnnouncementStore {
  constructor(private readonly db: Sqlite) {}

  create(input: NewAnnouncement, now = Date.now()): Announcement {
    const r = this.db
      .prepare(
        `INSERT INTO announcements (title, body, attachment, channels, topics, wards, scheduled_at, expires_at, author, status, created_at, updated_at)
         VALUES (@title, @body, @attachment, @channels, @topics, @wards, @scheduledAt, @expiresAt, @author, @status, @now, @now)`,
      )
      .run({
        title: input.title,
        body: input.body,
        attachment: input.attachment ? JSON.stringify(input.attachment) : null,
        channels: json.of(input.channels),
        topics: json.of(input.topics),
        wards: json.of(input.wards),
        scheduledAt: input.scheduledAt ?? null,
        expiresAt: input.expiresAt ?? null,
        author: input.author,
        status: input.status,
        now,
      });
    return this.get(Number(r.lastInsertRowid))!;
  }

  get(id: number): Announcement | undefined {
    const row = this.db.prepare('SELECT * FROM announcements WHERE id = ?').get(id) as Row | undefined;
    return row && toAnnouncement(row);
  }

  recent(limit: number): Announcement[] {
    return (this.db.prepare('SELECT * FROM announcements ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map(toAnnouncement);
  }

  schedule(id: number, at: number, now = Date.now()): boolean {
    return (
      this.db
        .prepare(
          `UPDATE announcements SET status = 'scheduled', scheduled_at = ?, updated_at = ? WHERE id = ? AND status IN ('draft', 'scheduled')`,
        )
        .run(at, now, id).changes > 0
    );
  }

  /**
   * Moves a draft or scheduled announcement to 'sending'. False when it was not in a startable
   * state (another process started it first). The caller writes the outbox in the same transaction.
   */
  markSending(id: number, now = Date.now()): boolean {
    return (
      this.db
        .prepare(
          `UPDATE announcements SET status = 'sending', started_at = ?, updated_at = ? WHERE id = ? AND status IN ('draft', 'scheduled')`,
        )
        .run(now, now, id).changes > 0
    );
  }

  /** Cancels a draft, scheduled or running announcement (the caller skips its pending deliveries in the same transaction). */
  cancel(id: number, now = Date.now()): boolean {
    return (
      this.db
        .prepare(
          `UPDATE announcements SET status = 'cancelled', finished_at = ?, updated_at = ? WHERE id = ? AND status IN ('draft', 'scheduled', 'sending')`,
        )
        .run(now, now, id).changes > 0
    );
  }

  /** Marks a running announcement done (the caller has checked that nothing is pending or in flight). */
  markDone(id: number, now = Date.now()): boolean {
    return (
      this.db
        .prepare(`UPDATE announcements SET status = 'done', finished_at = ?, updated_at = ? WHERE id = ? AND status = 'sending'`)
        .run(now, now, id).changes > 0
    );
  }

  idsWithStatus(status: AnnouncementStatus): number[] {
    return (this.db.prepare('SELECT id FROM announcements WHERE status = ? ORDER BY id').all(status) as { id: number }[]).map((r) => r.id);
  }

  dueScheduled(now = Date.now()): number[] {
    return (
      this.db
        .prepare(`SELECT id FROM announcements WHERE status = 'scheduled' AND scheduled_at <= ? ORDER BY scheduled_at, id`)
        .all(now) as { id: number }[]
    ).map((r) => r.id);
  }

  setExpiry(id: number, at: number): void {
    this.db.prepare('UPDATE announcements SET expires_at = ?, updated_at = ? WHERE id = ?').run(at, Date.now(), id);
  }

  setKnowledgeFile(id: number, file: string | undefined): void {
    this.db.prepare('UPDATE announcements SET knowledge_file = ?, updated_at = ? WHERE id = ?').run(file ?? null, Date.now(), id);
  }

  /** Announcements still published in the knowledge base whose expiry has passed. */
  expiredPublished(now = Date.now()): { id: number; knowledgeFile: string }[] {
    return (
      this.db
        .prepare(
          'SELECT id, knowledge_file FROM announcements WHERE knowledge_file IS NOT NULL AND expires_at IS NOT NULL AND expires_at <= ?',
        )
        .all(now) as { id: number; knowledge_file: string }[]
    ).map((r) => ({ id: r.id, knowledgeFile: r.knowledge_file }));
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM announcements').get() as { n: number }).n;
  }
}
