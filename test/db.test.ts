import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../src/db/migrations.js';
import { Store } from '../src/db/store.js';

const stores: Store[] = [];
function open(file = ':memory:') {
  const s = Store.open(file);
  stores.push(s);
  return s;
}
afterEach(() => stores.splice(0).forEach((s) => s.close()));

describe('database', () => {
  it('migrates once and keeps data across reopen (WAL file on disk)', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'civicbot-db-')), 'db.sqlite');
    const a = Store.open(file);
    a.subscribers.subscribe({ channel: 'telegram', chatId: '1', topics: [] });
    expect(a.schema().journalMode).toBe('wal');
    a.close();
    const b = open(file);
    expect(b.subscribers.get('telegram', '1')?.status).toBe('active');
    expect(b.schema().version).toBe((await import('../src/db/migrations.js')).migrations.length);
  });

  it('turns the one ward of a subscription made before schema 5 into a list of one', () => {
    // A database as schema 4 left it can only be written with that schema's SQL; it is read back through the store.
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'civicbot-db-')), 'v4.sqlite');
    const old = new Database(file);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    migrations.slice(0, 4).forEach((sql, i) => {
      old.exec(sql);
      old.prepare('INSERT INTO schema_migrations VALUES (?, 0)').run(i + 1);
    });
    const insert = old.prepare(
      "INSERT INTO subscribers (channel, chat_id, topics, ward, created_at, updated_at) VALUES ('telegram', ?, '[]', ?, 0, 0)",
    );
    insert.run('1', 'Đức Xuân');
    insert.run('2', null);
    old.close();
    const s = open(file);
    expect(s.subscribers.get('telegram', '1')).toMatchObject({ wards: ['Đức Xuân'], status: 'active' });
    expect(s.subscribers.get('telegram', '2')).toMatchObject({ wards: [] });
    expect(s.subscribers.audience({ channels: [], topics: [], wards: ['Sông Cầu'] }).map((x) => x.chatId)).toEqual(['2']);
  });

  it('filters the audience by channel, topic and ward; empty filters match all', () => {
    const s = open();
    s.subscribers.subscribe({ channel: 'telegram', chatId: 't-all', topics: [] });
    s.subscribers.subscribe({ channel: 'telegram', chatId: 't-traffic-dx', topics: ['giao-thong'], wards: ['Đức Xuân'] });
    s.subscribers.subscribe({ channel: 'zalo', chatId: 'z-culture-sc', topics: ['van-hoa'], wards: ['Sông Cầu'] });
    s.subscribers.subscribe({ channel: 'zalo', chatId: 'z-gone', topics: [] });
    s.subscribers.unsubscribe('zalo', 'z-gone');
    const ids = (f: Partial<{ channels: string[]; topics: string[]; wards: string[] }>) =>
      s.subscribers
        .audience({ channels: [], topics: [], wards: [], ...f })
        .map((x) => x.chatId)
        .sort();
    expect(ids({})).toEqual(['t-all', 't-traffic-dx', 'z-culture-sc']);
    expect(ids({ channels: ['zalo'] })).toEqual(['z-culture-sc']);
    expect(ids({ topics: ['giao-thong'] })).toEqual(['t-all', 't-traffic-dx']);
    expect(ids({ wards: ['Sông Cầu'] })).toEqual(['t-all', 'z-culture-sc']);
    expect(ids({ topics: ['giao-thong'], wards: ['Sông Cầu'] })).toEqual(['t-all']);
  });

  it('keeps recent turns within the time window, oldest first', () => {
    const s = open();
    const old = Date.now() - 3_600_000;
    s.conversations.addTurn('zalo', 'c', 'user', 'cũ', old);
    s.conversations.addTurn('zalo', 'c', 'user', 'hỏi 1');
    s.conversations.addTurn('zalo', 'c', 'assistant', 'đáp 1');
    s.conversations.addTurn('zalo', 'other', 'user', 'người khác');
    expect(s.conversations.recentTurns('zalo', 'c', 10, 60_000)).toEqual([
      { role: 'user', text: 'hỏi 1' },
      { role: 'assistant', text: 'đáp 1' },
    ]);
    expect(s.conversations.recentTurns('zalo', 'c', 1, 60_000)).toEqual([{ role: 'assistant', text: 'đáp 1' }]);
    expect(s.conversations.pruneTurns(60_000)).toBe(1);
  });

  it('stores a vote only from the chat that got the answer, with question, answer and sources', () => {
    const s = open();
    const id = s.conversations.logQuestion({
      channel: 'telegram',
      chatId: '7',
      userId: '7',
      question: 'Cầu Đội Kỳ?',
      answer: 'Đã hoàn thiện [1].',
      status: 'answered',
      citations: [{ n: 1, chunkId: 'd#0', docId: 'd', title: 'Bài', quote: 'Công trình cầu Đội Kỳ' }],
      confidence: 0.7,
      latencyMs: 12,
    });
    expect(s.conversations.vote(id, 'telegram', '8', 'down')).toBe(false);
    expect(s.conversations.vote(id + 99, 'telegram', '7', 'down')).toBe(false);
    expect(s.conversations.vote(id, 'telegram', '7', 'up')).toBe(true);
    expect(s.conversations.vote(id, 'telegram', '7', 'down')).toBe(true);
    const review = s.conversations.feedbackForReview(10, 'down');
    expect(review).toHaveLength(1);
    expect(review[0]).toMatchObject({ question: 'Cầu Đội Kỳ?', answer: 'Đã hoàn thiện [1].', vote: 'down' });
    expect(review[0].citations[0].title).toBe('Bài');
  });

  it('forgets everything about one chat and nothing about others', () => {
    const s = open();
    for (const chat of ['me', 'you']) {
      s.subscribers.subscribe({ channel: 'zalo', chatId: chat, topics: [] });
      s.conversations.addTurn('zalo', chat, 'user', 'x');
      const q = s.conversations.logQuestion({
        channel: 'zalo',
        chatId: chat,
        question: 'q',
        answer: 'a',
        status: 'answered',
        citations: [],
        confidence: 1,
        latencyMs: 1,
      });
      s.conversations.vote(q, 'zalo', chat, 'up');
      s.kv.set(`zalo:${chat}:flow`, { step: 1 });
      s.access.audit('zalo', chat, 'announce', false);
      s.kv.firstSeen('zalo', `${chat}:m1`);
      s.notices.enqueue({ channel: 'zalo', chatId: chat, text: 'Phản ánh đã được tiếp nhận' });
    }
    expect(s.forgetChat('zalo', 'me')).toEqual({ turns: 1, questions: 1, subscriptions: 1, notices: 1, cases: 0, photoFiles: [] });
    expect(s.notices.status(1)).toBeUndefined();
    expect(s.notices.status(2)).toMatchObject({ status: 'pending' });
    expect(s.subscribers.get('zalo', 'me')).toBeUndefined();
    expect(s.kv.get('zalo:me:flow')).toBeUndefined();
    expect(s.conversations.feedbackForReview()).toHaveLength(1);
    expect(s.kv.get('zalo:you:flow')).toEqual({ step: 1 });
    expect(s.access.auditTrail().map((a) => a.userId)).toEqual(['you']);
    expect(s.kv.firstSeen('zalo', 'me:m1')).toBe(true);
    expect(s.kv.firstSeen('zalo', 'you:m1')).toBe(false);
    expect(s.subscribers.get('zalo', 'you')?.status).toBe('active');
  });

  it('deduplicates updates durably and keeps stored roles', () => {
    const s = open();
    expect(s.kv.firstSeen('telegram', '100')).toBe(true);
    expect(s.kv.firstSeen('telegram', '100')).toBe(false);
    expect(s.kv.firstSeen('zalo', '100')).toBe(true);
    s.access.grant('zalo', 'u1', 'staff');
    expect(s.access.storedRole('zalo', 'u1')).toBe('staff');
    expect(s.access.storedRole('telegram', 'u1')).toBe('resident');
    s.access.audit('zalo', 'u2', 'thongbao', false);
    expect(s.access.auditTrail(1)[0]).toMatchObject({ userId: 'u2', action: 'thongbao', allowed: false });
  });
});
