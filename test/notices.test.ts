// Direct notices in the outbox, at the store: written with the caller's transaction, once per
// idempotency key, claimed before a broadcast's backlog and in order per chat, left out of every
// announcement figure; and the schema-7 rebuild of deliveries keeps what an older database held.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { measureProgress } from '../src/broadcast/progress.js';
import { migrations } from '../src/db/migrations.js';
import { Store } from '../src/db/store.js';

const stores: Store[] = [];
function open(file = ':memory:') {
  const s = Store.open(file);
  stores.push(s);
  return s;
}
afterEach(() => stores.splice(0).forEach((s) => s.close()));

const HOLDER = 'test-holder';
/** Claims as a worker holding the Telegram lease would. */
function claimAll(s: Store, now = Date.now()) {
  s.leases.take('telegram', HOLDER, 60_000, () => false);
  const out = [];
  for (let c = s.outbox.claimNext('telegram', HOLDER, now); c; c = s.outbox.claimNext('telegram', HOLDER, now)) out.push(c);
  return out;
}

/** A sending announcement to `n` Telegram subscribers (chat ids 1..n), its deliveries pending. */
function runningAnnouncement(s: Store, n: number) {
  const ids = s.transaction(() => {
    for (let i = 1; i <= n; i++) s.subscribers.subscribe({ channel: 'telegram', chatId: String(i), topics: [] });
    const a = s.announcements.create({ title: 'T', body: 'B', channels: [], topics: [], wards: [], author: 't', status: 'draft' });
    s.announcements.markSending(a.id);
    s.outbox.enqueue(a.id, s.subscribers.audience({ channels: ['telegram'], topics: [], wards: [] }));
    return a.id;
  });
  return ids;
}

describe('notices', () => {
  it('commit and roll back with the caller’s transaction', () => {
    const s = open();
    const id = s.transaction(() => s.notices.enqueue({ channel: 'telegram', chatId: '42', text: 'Đã tiếp nhận' }));
    expect(id).toBeTypeOf('number');
    expect(s.notices.status(id!)).toMatchObject({ status: 'pending', attempts: 0, blocked: false });
    expect(() =>
      s.transaction(() => {
        s.notices.enqueue({ channel: 'telegram', chatId: '42', text: 'Đang xử lý', key: 'case-1:2' });
        throw new Error('the status change failed');
      }),
    ).toThrow('the status change failed');
    // Nothing of the failed change was kept: the key is still free and only one notice is queued.
    expect(claimAll(s).map((c) => c.subject)).toEqual([{ kind: 'notice', noticeId: id }]);
    expect(s.notices.enqueue({ channel: 'telegram', chatId: '42', text: 'Đang xử lý', key: 'case-1:2' })).toBeTypeOf('number');
  });

  it('are written once per idempotency key', () => {
    const s = open();
    const first = s.notices.enqueue({ channel: 'zalo', chatId: 'z1', text: 'Đã xử lý', key: 'case-7:closed' });
    expect(first).toBeTypeOf('number');
    expect(s.notices.enqueue({ channel: 'zalo', chatId: 'z1', text: 'Đã xử lý', key: 'case-7:closed' })).toBeUndefined();
    expect(s.notices.statusByKey('case-7:closed')).toEqual(s.notices.status(first!));
    expect(s.notices.statusByKey('case-7:other')).toBeUndefined();
    // Notices without a key are never taken for each other.
    expect(s.notices.enqueue({ channel: 'zalo', chatId: 'z1', text: 'A' })).toBeTypeOf('number');
    expect(s.notices.enqueue({ channel: 'zalo', chatId: 'z1', text: 'A' })).toBeTypeOf('number');
    s.leases.take('zalo', HOLDER, 60_000, () => false);
    let n = 0;
    for (let c = s.outbox.claimNext('zalo', HOLDER); c; c = s.outbox.claimNext('zalo', HOLDER), n++) s.outbox.markSent(c.id);
    expect(n).toBe(3);
  });

  it('refuses buttons Telegram would refuse, before writing anything', () => {
    const s = open();
    const long = 'x'.repeat(65);
    expect(() => s.notices.enqueue({ channel: 'telegram', chatId: '1', text: 'Chấm điểm', actions: [{ label: '1', data: long }] })).toThrow(
      /1–64 bytes/,
    );
    expect(() =>
      s.notices.enqueue({ channel: 'telegram', chatId: '1', text: 'Chấm điểm', actions: [{ label: ' ', data: 'r:1' }] }),
    ).toThrow();
    expect(() => s.notices.enqueue({ channel: 'telegram', chatId: '1', text: '  ' })).toThrow();
    expect(claimAll(s)).toEqual([]);
    const id = s.notices.enqueue({ channel: 'telegram', chatId: '1', text: 'Chấm điểm', actions: [{ label: '5', data: 'r:ả:5' }] });
    expect(s.notices.message(id!)).toEqual({ id, text: 'Chấm điểm', actions: [{ label: '5', data: 'r:ả:5' }] });
  });

  it('go before a running broadcast’s backlog, one at a time per chat, in the order written', () => {
    const s = open();
    runningAnnouncement(s, 5);
    const a1 = s.notices.enqueue({ channel: 'telegram', chatId: '900', text: 'mới → đã tiếp nhận' })!;
    const a2 = s.notices.enqueue({ channel: 'telegram', chatId: '900', text: 'đã tiếp nhận → đang xử lý' })!;
    const b1 = s.notices.enqueue({ channel: 'telegram', chatId: '901', text: 'đã tiếp nhận' })!;
    s.leases.take('telegram', HOLDER, 60_000, () => false);
    const next = () => s.outbox.claimNext('telegram', HOLDER)!;
    const first = next();
    const second = next();
    expect([first.subject, second.subject]).toEqual([
      { kind: 'notice', noticeId: a1 },
      { kind: 'notice', noticeId: b1 },
    ]);
    // a2 waits while a1 is in flight: the broadcast goes on meanwhile.
    expect(next().subject.kind).toBe('announcement');
    // a1 is to be retried later: a2 still waits behind it.
    s.outbox.markRetry(first.id, '502', Date.now() + 60_000, { maxAttempts: 5, maxRateLimited: 100 });
    expect(next().subject.kind).toBe('announcement');
    s.outbox.markRetry(first.id, '502', 0, { maxAttempts: 5, maxRateLimited: 100 });
    expect(next().subject).toEqual({ kind: 'notice', noticeId: a1 });
    expect(next().subject.kind).toBe('announcement');
    s.outbox.markSent(first.id);
    expect(next().subject).toEqual({ kind: 'notice', noticeId: a2 });
    expect(s.notices.status(a1)).toMatchObject({ status: 'sent', attempts: 2, sentAt: expect.any(Number) });
    s.outbox.markBlocked(second.id, '403 Forbidden: bot was blocked by the user');
    expect(s.notices.counts()).toEqual({ pending: 0, sending: 1, sent: 1, failed: 0, blocked: 1 });
  });

  it('stay out of every announcement figure and of cancel', () => {
    const s = open();
    const id = runningAnnouncement(s, 3);
    for (const chat of ['1', '2', '77']) s.notices.enqueue({ channel: 'telegram', chatId: chat, text: 'Thông báo riêng' });
    const counts = () => s.outbox.counts(id);
    expect(counts()).toMatchObject({ total: 3, pending: 3 });
    expect(s.outbox.total()).toBe(3);
    const claims = claimAll(s);
    expect(claims).toHaveLength(6);
    for (const c of claims) s.outbox.markSent(c.id);
    const a = s.announcements.get(id)!;
    expect(measureProgress(s, a, 5000)).toMatchObject({ total: 3, sent: 3, pending: 0 });
    expect(s.outbox.deliveryTo(id, '77')).toBeUndefined();
    // A cancel skips the announcement's own pending rows, never a notice.
    const later = s.notices.enqueue({ channel: 'telegram', chatId: '1', text: 'sau' })!;
    s.outbox.skipPending(id);
    expect(s.notices.status(later)).toMatchObject({ status: 'pending' });
    expect(s.outbox.hasUnfinished(id)).toBe(false);
  });

  it('a delivery row belongs to an announcement or a notice, never both or neither', () => {
    const s = open();
    const id = runningAnnouncement(s, 1);
    const raw = (s as unknown as { db: Database.Database }).db;
    const insert = (announcement: number | null, subscriber: number | null, notice: number | null) =>
      raw
        .prepare("INSERT INTO deliveries (announcement_id, subscriber_id, notice_id, channel, chat_id) VALUES (?, ?, ?, 'telegram', 'x')")
        .run(announcement, subscriber, notice);
    const notice = s.notices.enqueue({ channel: 'telegram', chatId: 'x', text: 't' })!;
    expect(() => insert(null, null, null)).toThrow(/CHECK/);
    expect(() => insert(id, null, null)).toThrow(/CHECK/);
    expect(() => insert(id, 1, notice)).toThrow(/CHECK|UNIQUE/);
    // One delivery per notice.
    expect(() => insert(null, null, notice)).toThrow(/UNIQUE/);
  });
});

describe('schema 7: deliveries rebuilt for notices', () => {
  it('migrates a schema-6 database with deliveries in every status intact', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'civicbot-notices-')), 'v6.sqlite');
    const old = new Database(file);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    migrations.slice(0, 6).forEach((sql, i) => {
      old.exec(sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, 0)').run(i + 1);
    });
    old.exec(`
      INSERT INTO announcements (id, title, body, author, status, created_at, updated_at, started_at)
        VALUES (1, 'Cúp nước', 'Phường Đức Xuân', 't', 'sending', 0, 0, 1000);
      INSERT INTO subscribers (id, channel, chat_id, created_at, updated_at)
        VALUES (1, 'telegram', '1', 0, 0), (2, 'telegram', '2', 0, 0), (3, 'telegram', '3', 0, 0),
               (4, 'telegram', '4', 0, 0), (5, 'telegram', '5', 0, 0), (6, 'zalo', 'z6', 0, 0);
      INSERT INTO deliveries (id, announcement_id, subscriber_id, channel, chat_id, status, attempts, last_error, next_attempt_at,
                              claimed_at, sent_at, blocked, claimed_by, rate_limited) VALUES
        (11, 1, 1, 'telegram', '1', 'sent', 1, NULL, 0, 1500, 1600, 0, 'w1', 0),
        (12, 1, 2, 'telegram', '2', 'sending', 2, '502 Bad Gateway', 0, 1700, NULL, 0, 'w1', 1),
        (13, 1, 3, 'telegram', '3', 'pending', 1, '429 Too Many Requests', 99999, 1500, NULL, 0, 'w1', 1),
        (14, 1, 4, 'telegram', '4', 'failed', 1, '403 Forbidden: bot was blocked by the user', 0, 1500, NULL, 1, 'w1', 0),
        (15, 1, 5, 'telegram', '5', 'skipped', 0, NULL, 0, NULL, NULL, 0, NULL, 0),
        (16, 1, 6, 'zalo', 'z6', 'failed', 3, '400 Bad request', 0, 1500, NULL, 0, 'w2', 0);
    `);
    const before = old.prepare('SELECT * FROM deliveries ORDER BY id').all();
    old.close();

    const s = open(file);
    expect(s.schema().version).toBe(migrations.length);
    const raw = (s as unknown as { db: Database.Database }).db;
    const after = raw.prepare('SELECT * FROM deliveries ORDER BY id').all() as Record<string, unknown>[];
    expect(after).toEqual(before.map((r) => ({ ...(r as object), notice_id: null })));
    expect(s.outbox.counts(1)).toMatchObject({ total: 6, sent: 1, sending: 1, pending: 1, blocked: 1, skipped: 1, failed: 1 });
    expect(s.outbox.deliveryTo(1, '3')).toMatchObject({ status: 'pending', attempts: 1, lastError: '429 Too Many Requests' });
    // The indexes are back, and the foreign keys still cascade.
    const indexes = (
      raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries'").all() as { name: string }[]
    )
      .map((r) => r.name)
      .filter((n) => !n.startsWith('sqlite_autoindex'))
      .sort();
    expect(indexes).toEqual(['deliveries_notice_chat', 'deliveries_notice_queue', 'deliveries_progress', 'deliveries_queue']);
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    // A claim of the old worker goes back to pending on takeover; the subscriber's rows cascade on deletion.
    expect(s.outbox.resetClaims('telegram', 'w-new')).toBe(1);
    s.forgetChat('telegram', '2');
    expect(s.outbox.counts(1).total).toBe(5);
    // The retry left pending resumes as before, and a notice joins the same queue, ahead of it.
    const notice = s.notices.enqueue({ channel: 'telegram', chatId: '3', text: 'Phản ánh BK-000001: đã tiếp nhận' });
    expect(claimAll(s).map((c) => [c.id, c.subject])).toEqual([
      [expect.any(Number), { kind: 'notice', noticeId: notice }],
      [13, { kind: 'announcement', announcementId: 1, subscriberId: 3 }],
    ]);
  });
});
