// Direct notices: one message to one chat (a case's status change, a staff reply, a rating
// question), delivered through the outbox (OutboxStore) at the channel's limits, with the same
// crash guarantees as announcements. The chat need not be a subscriber.
import { MAX_ACTION_DATA_BYTES, type NewNotice, type NoticeAction, type OutgoingNotice } from '../domain/index.js';
import type { Sqlite } from './database.js';
import type { DeliveryRecord, OutboxStore } from './deliveries.js';

export class NoticeStore {
  constructor(
    private readonly db: Sqlite,
    private readonly outbox: OutboxStore,
  ) {}

  /**
   * Writes the notice and its pending delivery. Joins the caller's transaction when called inside
   * `Store.transaction`, so a case's status change and its notice commit (or roll back) together.
   * Returns the notice's id, or undefined when a notice with the same `key` was written before.
   * The delivery worker of the channel picks it up within its idle poll; call
   * BroadcastService.wake() after the transaction to send it at once.
   */
  enqueue(n: NewNotice, now = Date.now()): number | undefined {
    const actions = n.actions ?? [];
    for (const a of actions) checkAction(a);
    if (!n.text.trim()) throw new Error('a notice needs text');
    return this.db.transaction(() => {
      const r = this.db
        .prepare(
          'INSERT INTO notices (channel, chat_id, text, actions, key, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
        )
        .run(n.channel, n.chatId, n.text, JSON.stringify(actions), n.key ?? null, now);
      if (!r.changes) return undefined;
      const id = Number(r.lastInsertRowid);
      this.outbox.enqueueNotice(id, n.channel, n.chatId);
      return id;
    })();
  }

  /** The message as the sender gets it, or undefined when it was deleted (the chat's data was forgotten). */
  message(id: number): OutgoingNotice | undefined {
    const r = this.db.prepare('SELECT id, text, actions FROM notices WHERE id = ?').get(id) as
      | { id: number; text: string; actions: string }
      | undefined;
    return r && { id: r.id, text: r.text, actions: JSON.parse(r.actions) as NoticeAction[] };
  }

  /** How far the notice's delivery has come (pending, sending, sent, failed), or undefined if there is no such notice. */
  status(id: number): DeliveryRecord | undefined {
    return this.outbox.noticeDelivery(id);
  }

  /** The delivery of the notice written with `key` (e.g. whether a staff reply reached the resident). */
  statusByKey(key: string): DeliveryRecord | undefined {
    const r = this.db.prepare('SELECT id FROM notices WHERE key = ?').get(key) as { id: number } | undefined;
    return r && this.outbox.noticeDelivery(r.id);
  }

  /** How many notices wait, are in flight, went out or failed (blocked apart): for the console and benchmarks. */
  counts(): ReturnType<OutboxStore['noticeCounts']> {
    return this.outbox.noticeCounts();
  }

  /** Every notice to one chat (their deliveries go with them: ON DELETE CASCADE). Returns how many. */
  forget(channel: string, chatId: string): number {
    return this.db.prepare('DELETE FROM notices WHERE channel = ? AND chat_id = ?').run(channel, chatId).changes;
  }
}

/** A wrong button is the calling code's mistake: refused before anything is written. */
function checkAction(a: NoticeAction): void {
  if (!a.label.trim()) throw new Error('a notice button needs a label');
  const bytes = Buffer.byteLength(a.data, 'utf8');
  if (bytes < 1 || bytes > MAX_ACTION_DATA_BYTES) throw new Error(`notice button data must be 1–${MAX_ACTION_DATA_BYTES} bytes: ${a.data}`);
}
