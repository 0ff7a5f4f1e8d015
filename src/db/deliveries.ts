// The outbox: one delivery row per announcement × subscriber, or per direct notice (one message to
// one chat, see NoticeStore). Workers claim one row at a time ('sending', committed before the
// message leaves), so after a crash only the rows still 'sending' can have reached the chat without
// being recorded. Only the holder of a channel's worker lease may claim that channel's rows (read
// from worker_leases in the claim itself), so two processes never drain one outbox; a retry of a
// cancelled announcement's row is skipped (read from announcements in the same statement).
// Everything about announcements (progress, counts, cancel) reads only announcement rows.
import type { BroadcastChannel } from '../domain/index.js';
import type { Sqlite } from './database.js';

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface DeliveryRecord {
  status: DeliveryStatus;
  /** Epoch ms of the successful send. */
  sentAt?: number;
  attempts: number;
  lastError?: string;
  /** Failed because the chat blocked the bot. */
  blocked: boolean;
}

/** What a claimed row delivers: an announcement to a subscriber, or a direct notice. */
export type DeliverySubject = { kind: 'announcement'; announcementId: number; subscriberId: number } | { kind: 'notice'; noticeId: number };

export interface ClaimedDelivery {
  id: number;
  subject: DeliverySubject;
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

export class OutboxStore {
  constructor(private readonly db: Sqlite) {}

  /** One pending delivery per recipient (a repeated recipient is ignored). Returns how many were written. */
  enqueue(announcementId: number, recipients: { id: number; channel: string; chatId: string }[]): number {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO deliveries (announcement_id, subscriber_id, channel, chat_id) VALUES (?, ?, ?, ?)',
    );
    let written = 0;
    for (const r of recipients) written += insert.run(announcementId, r.id, r.channel, r.chatId).changes;
    return written;
  }

  /** The pending delivery of a direct notice (NoticeStore.enqueue writes both in one transaction). */
  enqueueNotice(noticeId: number, channel: BroadcastChannel, chatId: string): void {
    this.db.prepare('INSERT INTO deliveries (notice_id, channel, chat_id) VALUES (?, ?, ?)').run(noticeId, channel, chatId);
  }

  /** Direct notices by delivery state (blocked counted apart from other failures), over every chat. */
  noticeCounts(): { pending: number; sending: number; sent: number; failed: number; blocked: number } {
    const out = { pending: 0, sending: 0, sent: 0, failed: 0, blocked: 0 };
    const rows = this.db
      .prepare(`SELECT status, blocked, COUNT(*) AS n FROM deliveries WHERE notice_id IS NOT NULL GROUP BY status, blocked`)
      .all() as { status: DeliveryStatus; blocked: number; n: number }[];
    for (const r of rows) {
      if (r.status === 'failed' && r.blocked) out.blocked += r.n;
      else if (r.status !== 'skipped') out[r.status] += r.n;
    }
    return out;
  }

  /** The delivery of a direct notice, as recorded. */
  noticeDelivery(noticeId: number): DeliveryRecord | undefined {
    return toRecord(
      this.db.prepare('SELECT status, attempts, last_error, blocked, sent_at FROM deliveries WHERE notice_id = ?').get(noticeId),
    );
  }

  /** What is not yet sent of a cancelled announcement is skipped. */
  skipPending(announcementId: number): number {
    return this.db.prepare(`UPDATE deliveries SET status = 'skipped' WHERE announcement_id = ? AND status = 'pending'`).run(announcementId)
      .changes;
  }

  /** True while a delivery of the announcement is pending or in flight. */
  hasUnfinished(announcementId: number): boolean {
    return Boolean(
      this.db
        .prepare(`SELECT 1 FROM deliveries WHERE announcement_id = ? AND status IN ('pending', 'sending') LIMIT 1`)
        .get(announcementId),
    );
  }

  /**
   * Claims left by any other worker of the channel go back to pending: their holder can no longer be
   * sending them. Returns how many (the possible duplicates). Run with LeaseStore.take.
   */
  resetClaims(channel: BroadcastChannel, holder: string): number {
    return this.db
      .prepare(
        `UPDATE deliveries SET status = 'pending', next_attempt_at = 0
         WHERE channel = ? AND status = 'sending' AND (claimed_by IS NULL OR claimed_by <> ?)`,
      )
      .run(channel, holder).changes;
  }

  /**
   * Claims the next due delivery of a channel for `holder` (status 'sending', attempts + 1) in one
   * statement — only while `holder` holds the channel's lease, so a worker that lost it claims nothing.
   * Direct notices go first (a staff reply must not wait behind an hour of broadcast), and a chat's
   * notices go one at a time in the order written (a later one waits while an earlier one is
   * pending, retrying or in flight), so "received" never arrives after "handled".
   */
  claimNext(channel: BroadcastChannel, holder: string, now = Date.now()): ClaimedDelivery | undefined {
    const r = this.db
      .prepare(
        `UPDATE deliveries SET status = 'sending', claimed_at = @now, claimed_by = @holder, attempts = attempts + 1
         WHERE id = COALESCE(
             (SELECT d.id FROM deliveries d
              WHERE d.notice_id IS NOT NULL AND d.channel = @channel AND d.status = 'pending' AND d.next_attempt_at <= @now
                AND NOT EXISTS (SELECT 1 FROM deliveries e
                                WHERE e.notice_id IS NOT NULL AND e.channel = d.channel AND e.chat_id = d.chat_id
                                  AND e.id < d.id AND e.status IN ('pending', 'sending'))
              ORDER BY d.next_attempt_at, d.id LIMIT 1),
             (SELECT id FROM deliveries
              WHERE channel = @channel AND status = 'pending' AND next_attempt_at <= @now AND announcement_id IS NOT NULL
              ORDER BY next_attempt_at, id LIMIT 1))
           AND EXISTS (SELECT 1 FROM worker_leases WHERE channel = @channel AND holder = @holder)
         RETURNING id, announcement_id, subscriber_id, notice_id, chat_id, attempts, rate_limited`,
      )
      .get({ channel, holder, now }) as
      | {
          id: number;
          announcement_id: number | null;
          subscriber_id: number | null;
          notice_id: number | null;
          chat_id: string;
          attempts: number;
          rate_limited: number;
        }
      | undefined;
    if (!r) return undefined;
    const subject: DeliverySubject =
      r.notice_id !== null
        ? { kind: 'notice', noticeId: r.notice_id }
        : { kind: 'announcement', announcementId: r.announcement_id!, subscriberId: r.subscriber_id! };
    return { id: r.id, subject, chatId: r.chat_id, attempts: r.attempts, rateLimited: r.rate_limited };
  }

  /**
   * When the next claimable delivery of a channel is due (epoch ms), if any. A notice waiting behind
   * an earlier one of its chat is not counted: it becomes claimable when that one is recorded.
   */
  nextDueAt(channel: BroadcastChannel): number | undefined {
    const announcement = this.db
      .prepare(
        `SELECT next_attempt_at AS at FROM deliveries WHERE channel = ? AND status = 'pending' AND announcement_id IS NOT NULL
         ORDER BY next_attempt_at LIMIT 1`,
      )
      .get(channel) as { at: number } | undefined;
    const notice = this.db
      .prepare(
        `SELECT d.next_attempt_at AS at FROM deliveries d
         WHERE d.notice_id IS NOT NULL AND d.channel = ? AND d.status = 'pending'
           AND NOT EXISTS (SELECT 1 FROM deliveries e
                           WHERE e.notice_id IS NOT NULL AND e.channel = d.channel AND e.chat_id = d.chat_id
                             AND e.id < d.id AND e.status IN ('pending', 'sending'))
         ORDER BY d.next_attempt_at LIMIT 1`,
      )
      .get(channel) as { at: number } | undefined;
    if (!announcement || !notice) return (announcement ?? notice)?.at;
    return Math.min(announcement.at, notice.at);
  }

  markSent(deliveryId: number, now = Date.now()): void {
    this.db.prepare(`UPDATE deliveries SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?`).run(now, deliveryId);
  }

  markFailed(deliveryId: number, error: string): void {
    this.db.prepare(`UPDATE deliveries SET status = 'failed', last_error = ? WHERE id = ?`).run(error, deliveryId);
  }

  /** The chat blocked the bot: the delivery fails as blocked (for an announcement the caller marks the subscription blocked). */
  markBlocked(deliveryId: number, error: string): void {
    this.db.prepare(`UPDATE deliveries SET status = 'failed', blocked = 1, last_error = ? WHERE id = ?`).run(error, deliveryId);
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
    if (r?.status === 'pending') this.holdChatBehind(deliveryId, nextAttemptAt);
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
    this.holdChatBehind(deliveryId, until);
  }

  /**
   * A notice that must wait holds its chat's later notices as long (they go in order anyway; they
   * have never been tried, so the head's time is theirs). Without it they stay due, and every claim walks past all of them to find a head it may
   * send: with 17 notices waiting per chat and a per-chat gap, a claim took 350 ms at 32,000 waiting.
   */
  private holdChatBehind(deliveryId: number, until: number): void {
    this.db
      .prepare(
        `UPDATE deliveries SET next_attempt_at = @until
         WHERE notice_id IS NOT NULL AND status = 'pending' AND id > @id
           AND (channel, chat_id) = (SELECT channel, chat_id FROM deliveries WHERE id = @id AND notice_id IS NOT NULL)`,
      )
      .run({ id: deliveryId, until });
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

  /** One recipient's delivery of an announcement, as recorded. */
  deliveryTo(announcementId: number, chatId: string): DeliveryRecord | undefined {
    return toRecord(
      this.db
        .prepare('SELECT status, attempts, last_error, blocked, sent_at FROM deliveries WHERE announcement_id = ? AND chat_id = ?')
        .get(announcementId, chatId),
    );
  }

  /** Chats whose delivery is claimed and not yet recorded (the ones a crash can repeat). */
  inFlightChats(): string[] {
    return (this.db.prepare(`SELECT chat_id FROM deliveries WHERE status = 'sending'`).all() as { chat_id: string }[]).map(
      (r) => r.chat_id,
    );
  }

  /** Every announcement delivery there is (direct notices not counted). */
  total(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM deliveries WHERE announcement_id IS NOT NULL').get() as { n: number }).n;
  }
}

function toRecord(row: unknown): DeliveryRecord | undefined {
  const r = row as
    | { status: DeliveryStatus; attempts: number; last_error: string | null; blocked: number; sent_at: number | null }
    | undefined;
  return (
    r && {
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error ?? undefined,
      blocked: r.blocked === 1,
      ...(r.sent_at !== null ? { sentAt: r.sent_at } : {}),
    }
  );
}
