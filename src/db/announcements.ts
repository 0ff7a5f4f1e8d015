// Announcements and their outbox (one delivery row per announcement × subscriber). Workers claim
// one row at a time ('sending', committed before the message leaves), so after a crash only the
// rows still 'sending' can have reached the chat without being recorded. Only the holder of a
// channel's worker lease may claim that channel's rows, so two processes never drain one outbox.
import type { Announcement, AnnouncementStatus, Attachment, BroadcastChannel } from '../domain/index.js';
import { json, type Sqlite } from './database.js';
import type { SubscriberStore } from './subscribers.js';

export type NewAnnouncement = Pick<
  Announcement,
  'title' | 'body' | 'attachment' | 'channels' | 'topics' | 'wards' | 'scheduledAt' | 'expiresAt' | 'author'
> & {
  status: 'draft' | 'scheduled';
};

export interface ClaimedDelivery {
  id: number;
  announcementId: number;
  subscriberId: number;
  chatId: string;
  /** Including this one. */
  attempts: number;
  /** Earlier tries answered by flood control (429); they do not count against the retry budget. */
  rateLimited: number;
}

export interface RetryBudget {
  /** Tries other than flood-control answers before the delivery fails for good. */
  maxAttempts: number;
  /** Flood-control answers (429) before the delivery fails for good. */
  maxRateLimited: number;
}

export interface DeliveryCounts {
  total: number;
  sent: number;
  failed: number;
  blocked: number;
  pending: number;
  sending: number;
  skipped: number;
  /** Sent at or after the `since` passed in. */
  sentSince: number;
}

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
  constructor(
    private readonly db: Sqlite,
    private readonly subscribers: SubscriberStore,
  ) {}

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
   * Moves a draft or scheduled announcement to 'sending' and writes one pending delivery per
   * active subscriber of its audience on the given channels, in one transaction: the audience is
   * the one at this moment. Returns the number of deliveries, or undefined when the announcement
   * was not in a startable state (another process started it first).
   */
  startSending(id: number, channels: BroadcastChannel[], now = Date.now()): number | undefined {
    return this.db.transaction(() => {
      const started = this.db
        .prepare(
          `UPDATE announcements SET status = 'sending', started_at = ?, updated_at = ? WHERE id = ? AND status IN ('draft', 'scheduled')`,
        )
        .run(now, now, id).changes;
      if (!started) return undefined;
      const recipients = this.audience(this.get(id)!, channels);
      const insert = this.db.prepare(
        'INSERT OR IGNORE INTO deliveries (announcement_id, subscriber_id, channel, chat_id) VALUES (?, ?, ?, ?)',
      );
      for (const s of recipients) insert.run(id, s.id, s.channel, s.chatId);
      return recipients.length;
    })();
  }

  /** Active subscribers the announcement would reach on the given channels. */
  audience(a: Pick<Announcement, 'channels' | 'topics' | 'wards'>, channels: BroadcastChannel[]) {
    const wanted = a.channels.length ? a.channels.filter((c) => channels.includes(c)) : channels;
    if (!wanted.length) return [];
    return this.subscribers.audience({ channels: wanted, topics: a.topics, wards: a.wards });
  }

  /** Cancels a draft, scheduled or running announcement; pending deliveries become 'skipped'. */
  cancel(id: number, now = Date.now()): boolean {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(
          `UPDATE announcements SET status = 'cancelled', finished_at = ?, updated_at = ? WHERE id = ? AND status IN ('draft', 'scheduled', 'sending')`,
        )
        .run(now, now, id).changes;
      if (changed) this.db.prepare(`UPDATE deliveries SET status = 'skipped' WHERE announcement_id = ? AND status = 'pending'`).run(id);
      return changed > 0;
    })();
  }

  /** Marks a running announcement done once no delivery is pending or in flight. */
  finishIfComplete(id: number, now = Date.now()): boolean {
    return (
      this.db
        .prepare(
          `UPDATE announcements SET status = 'done', finished_at = ?, updated_at = ? WHERE id = ? AND status = 'sending'
             AND NOT EXISTS (SELECT 1 FROM deliveries WHERE announcement_id = ? AND status IN ('pending', 'sending'))`,
        )
        .run(now, now, id, id).changes > 0
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

  // --- worker leases: one draining worker per channel, whichever process it runs in ----------------

  /**
   * Takes the channel's lease for `holder` when it is free, expired, already its own, or held by a
   * worker `isGone` knows to be dead. In the same transaction, deliveries still claimed by anyone
   * else go back to pending: their holder can no longer be sending them. Returns how many were
   * reset (the possible duplicates), or undefined when another live worker holds the lease.
   */
  takeLease(
    channel: BroadcastChannel,
    holder: string,
    ttlMs: number,
    isGone: (holder: string) => boolean,
    now = Date.now(),
  ): { reset: number } | undefined {
    return this.db
      .transaction(() => {
        const current = this.db.prepare('SELECT holder, expires_at FROM worker_leases WHERE channel = ?').get(channel) as
          | { holder: string; expires_at: number }
          | undefined;
        if (current && current.holder !== holder && current.expires_at > now && !isGone(current.holder)) return undefined;
        this.db
          .prepare(
            `INSERT INTO worker_leases (channel, holder, acquired_at, expires_at) VALUES (@channel, @holder, @now, @expires)
           ON CONFLICT (channel) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at`,
          )
          .run({ channel, holder, now, expires: now + ttlMs });
        const reset = this.db
          .prepare(
            `UPDATE deliveries SET status = 'pending', next_attempt_at = 0
           WHERE channel = ? AND status = 'sending' AND (claimed_by IS NULL OR claimed_by <> ?)`,
          )
          .run(channel, holder).changes;
        return { reset };
      })
      .immediate();
  }

  /** The holder's heartbeat; false when another worker has taken the lease meanwhile. */
  renewLease(channel: BroadcastChannel, holder: string, ttlMs: number, now = Date.now()): boolean {
    return (
      this.db.prepare('UPDATE worker_leases SET expires_at = ? WHERE channel = ? AND holder = ?').run(now + ttlMs, channel, holder)
        .changes > 0
    );
  }

  releaseLease(channel: BroadcastChannel, holder: string): void {
    this.db.prepare('DELETE FROM worker_leases WHERE channel = ? AND holder = ?').run(channel, holder);
  }

  /** Who holds the channel's lease now (unexpired), if anyone. */
  leaseHolder(channel: BroadcastChannel, now = Date.now()): string | undefined {
    const r = this.db.prepare('SELECT holder FROM worker_leases WHERE channel = ? AND expires_at > ?').get(channel, now) as
      | { holder: string }
      | undefined;
    return r?.holder;
  }

  // --- the outbox -------------------------------------------------------------------------------

  /**
   * Claims the next due delivery of a channel for `holder` (status 'sending', attempts + 1) in one
   * statement — only while `holder` holds the channel's lease, so a worker that lost it claims nothing.
   */
  claimNext(channel: BroadcastChannel, holder: string, now = Date.now()): ClaimedDelivery | undefined {
    const r = this.db
      .prepare(
        `UPDATE deliveries SET status = 'sending', claimed_at = @now, claimed_by = @holder, attempts = attempts + 1
         WHERE id = (SELECT id FROM deliveries WHERE channel = @channel AND status = 'pending' AND next_attempt_at <= @now
                     ORDER BY next_attempt_at, id LIMIT 1)
           AND EXISTS (SELECT 1 FROM worker_leases WHERE channel = @channel AND holder = @holder)
         RETURNING id, announcement_id, subscriber_id, chat_id, attempts, rate_limited`,
      )
      .get({ channel, holder, now }) as
      | { id: number; announcement_id: number; subscriber_id: number; chat_id: string; attempts: number; rate_limited: number }
      | undefined;
    return (
      r && {
        id: r.id,
        announcementId: r.announcement_id,
        subscriberId: r.subscriber_id,
        chatId: r.chat_id,
        attempts: r.attempts,
        rateLimited: r.rate_limited,
      }
    );
  }

  /** When the next pending delivery of a channel is due (epoch ms), if any. */
  nextDueAt(channel: BroadcastChannel): number | undefined {
    const r = this.db
      .prepare(`SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE channel = ? AND status = 'pending'`)
      .get(channel) as { at: number | null };
    return r.at ?? undefined;
  }

  markSent(deliveryId: number, now = Date.now()): void {
    this.db.prepare(`UPDATE deliveries SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?`).run(now, deliveryId);
  }

  markFailed(deliveryId: number, error: string): void {
    this.db.prepare(`UPDATE deliveries SET status = 'failed', last_error = ? WHERE id = ?`).run(error, deliveryId);
  }

  /** The chat blocked the bot: the delivery fails and the subscription is marked blocked. */
  markBlocked(deliveryId: number, error: string, now = Date.now()): void {
    this.db.transaction(() => {
      const r = this.db
        .prepare(`UPDATE deliveries SET status = 'failed', blocked = 1, last_error = ? WHERE id = ? RETURNING subscriber_id`)
        .get(error, deliveryId) as { subscriber_id: number } | undefined;
      if (r) this.db.prepare(`UPDATE subscribers SET status = 'blocked', updated_at = ? WHERE id = ?`).run(now, r.subscriber_id);
    })();
  }

  /**
   * A temporary failure: back to pending until `nextAttemptAt`, or failed for good once the budget
   * is spent. Flood control (`rateLimited`, a 429) is the messenger pacing us, not a sign the
   * message cannot go: it counts against its own, much larger bound. A delivery of a cancelled
   * announcement is skipped instead. Returns the status written.
   */
  markRetry(
    deliveryId: number,
    error: string,
    nextAttemptAt: number,
    budget: RetryBudget,
    rateLimited = false,
  ): 'pending' | 'failed' | 'skipped' {
    // SET expressions read the row as it was before this update.
    const r = this.db
      .prepare(
        `UPDATE deliveries SET last_error = @error, next_attempt_at = @next, rate_limited = rate_limited + @limited,
           status = CASE
             WHEN (SELECT status FROM announcements WHERE id = announcement_id) = 'cancelled' THEN 'skipped'
             WHEN @limited = 1 AND rate_limited + 1 >= @maxLimited THEN 'failed'
             WHEN @limited = 0 AND attempts - rate_limited >= @max THEN 'failed'
             ELSE 'pending' END
         WHERE id = @id RETURNING status`,
      )
      .get({
        id: deliveryId,
        error,
        next: nextAttemptAt,
        limited: rateLimited ? 1 : 0,
        max: budget.maxAttempts,
        maxLimited: budget.maxRateLimited,
      }) as { status: 'pending' | 'failed' | 'skipped' } | undefined;
    return r?.status ?? 'failed';
  }

  /** Gives a claimed delivery back untried (the chat's per-chat gap has not passed yet). */
  postpone(deliveryId: number, until: number): void {
    this.db
      .prepare(
        `UPDATE deliveries SET attempts = attempts - 1, next_attempt_at = ?,
           status = CASE WHEN (SELECT status FROM announcements WHERE id = announcement_id) = 'cancelled' THEN 'skipped' ELSE 'pending' END
         WHERE id = ?`,
      )
      .run(until, deliveryId);
  }

  counts(announcementId: number, since = 0): DeliveryCounts {
    const out: DeliveryCounts = { total: 0, sent: 0, failed: 0, blocked: 0, pending: 0, sending: 0, skipped: 0, sentSince: 0 };
    const rows = this.db
      .prepare(
        `SELECT status, blocked, COUNT(*) AS n, SUM(sent_at >= ?) AS recent FROM deliveries WHERE announcement_id = ? GROUP BY status, blocked`,
      )
      .all(since, announcementId) as { status: keyof DeliveryCounts; blocked: number; n: number; recent: number | null }[];
    for (const r of rows) {
      out.total += r.n;
      if (r.status === 'failed' && r.blocked) out.blocked += r.n;
      else out[r.status] += r.n;
      if (r.status === 'sent') out.sentSince += r.recent ?? 0;
    }
    return out;
  }
}
