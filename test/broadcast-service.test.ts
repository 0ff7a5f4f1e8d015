import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnnouncementError, BroadcastService } from '../src/broadcast/service.js';
import type { ChannelSender, SendOutcome } from '../src/broadcast/types.js';
import { createTelegramSender } from '../src/channels/telegram/sender.js';
import type { Config } from '../src/config.js';
import { Store } from '../src/db/store.js';
import type { OutgoingAnnouncement } from '../src/domain/index.js';
import { broadcastTexts } from '../src/texts/broadcast.js';
import { type FakeTelegram, startFakeTelegram } from './fakes/telegram-api.js';
import { seedSubscribers, silentLogger, testConfig } from './helpers/broadcast-child.js';

/** A Zalo stand-in that records what it was asked to send (the Zalo API has its own tests). */
function recordingZalo(): ChannelSender & { sent: { chatId: string; message: OutgoingAnnouncement }[] } {
  const sent: { chatId: string; message: OutgoingAnnouncement }[] = [];
  return {
    channel: 'zalo',
    ratePerSecond: 500,
    perChatIntervalMs: 0,
    maxTextLength: 2000,
    sent,
    async send(chatId, message): Promise<SendOutcome> {
      sent.push({ chatId, message });
      return { kind: 'sent' };
    },
    async sendNotice(): Promise<SendOutcome> {
      throw new Error('no notices in these tests');
    },
  };
}

let dir: string;
let tg: FakeTelegram;
let config: Config;
let store: Store;
let services: BroadcastService[];
let refreshes: number;

function makeService(senders?: ChannelSender[], s = store): BroadcastService {
  const logger = silentLogger();
  const service = new BroadcastService({
    store: s,
    config,
    logger,
    senders: senders ?? [createTelegramSender(config.telegram!, logger)],
    refreshKnowledge: async () => void refreshes++,
    options: { tickMs: 50, progressIntervalMs: 20, worker: { retryBaseMs: 10, idlePollMs: 50 } },
  });
  services.push(service);
  return service;
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcast-service-'));
  tg = await startFakeTelegram();
  config = testConfig(dir, { TELEGRAM_API_ROOT: tg.apiRoot });
  store = Store.open(config.paths.database);
  services = [];
  refreshes = 0;
});

afterEach(async () => {
  for (const s of services) await s.stop();
  store.close();
  await tg.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('audience', () => {
  beforeEach(() => {
    const sub = store.subscribers;
    sub.subscribe({ channel: 'telegram', chatId: '1', topics: [] }); // everything, whole city
    sub.subscribe({ channel: 'telegram', chatId: '2', topics: ['giao-thong'], wards: ['Đức Xuân'] });
    sub.subscribe({ channel: 'telegram', chatId: '3', topics: ['do-thi'], wards: ['Sông Cầu'] });
    sub.subscribe({ channel: 'zalo', chatId: 'z1', topics: ['giao-thong'] });
    sub.subscribe({ channel: 'zalo', chatId: 'z2', topics: [], wards: ['Sông Cầu'] });
    sub.subscribe({ channel: 'web', chatId: 'w1', topics: [] }); // web chat cannot be pushed to
    sub.subscribe({ channel: 'telegram', chatId: '4', topics: [] });
    sub.unsubscribe('telegram', '4');
  });

  const draft = { title: 'Tiêu đề', body: 'Nội dung', author: 'test' };

  it('counts active subscribers per channel; an empty filter means everyone', () => {
    const service = makeService([createTelegramSender(config.telegram!, silentLogger()), recordingZalo()]);
    expect(service.previewDraft(draft)).toMatchObject({ recipients: { telegram: 3, zalo: 2 }, total: 5, text: 'Tiêu đề\n\nNội dung' });
  });

  it('filters by channel, topic and ward', () => {
    const service = makeService([createTelegramSender(config.telegram!, silentLogger()), recordingZalo()]);
    expect(service.previewDraft({ ...draft, channels: ['zalo'] }).recipients).toEqual({ telegram: 0, zalo: 2 });
    // Subscribers of every topic, and of this topic.
    expect(service.previewDraft({ ...draft, topics: ['giao-thong'] }).recipients).toEqual({ telegram: 2, zalo: 2 });
    // Whole-city subscribers, and those of this ward (the ward name is matched without accents).
    expect(service.previewDraft({ ...draft, wards: ['duc xuan'] }).recipients).toEqual({ telegram: 2, zalo: 1 });
    expect(service.previewDraft({ ...draft, topics: ['do-thi'], wards: ['Sông Cầu'] }).recipients).toEqual({ telegram: 2, zalo: 1 });
  });

  it('sends to exactly the resolved audience on each channel', async () => {
    const zalo = recordingZalo();
    const service = makeService([createTelegramSender(config.telegram!, silentLogger()), zalo]);
    service.start();
    const a = service.create({ ...draft, topics: ['giao-thong'], wards: ['Đức Xuân'] });
    service.sendNow(a.id);
    const final = await service.waitUntilFinished(a.id);
    expect(final).toMatchObject({ status: 'done', total: 3, sent: 3, failed: 0, pending: 0 });
    expect([...tg.countByChat().entries()].sort()).toEqual([
      ['1', 1],
      ['2', 1],
    ]);
    expect(zalo.sent.map((s) => s.chatId)).toEqual(['z1']);
    expect(tg.sent('2')[0].params).toMatchObject({ text: 'Tiêu đề\n\nNội dung', entities: [{ type: 'bold', offset: 0, length: 7 }] });
  });

  it('warns in the preview that Zalo recipients get only the text of an attachment given as a server file', () => {
    const service = makeService([createTelegramSender(config.telegram!, silentLogger()), recordingZalo()]);
    const photo = path.join(dir, 'so-do.jpg');
    fs.writeFileSync(photo, 'jpeg');
    const withFile = { ...draft, attachment: { kind: 'photo' as const, path: photo } };
    expect(service.previewDraft(withFile).warnings).toEqual([
      'Người nhận qua Zalo sẽ chỉ nhận phần chữ (Zalo không gửi được tệp đính kèm từ máy chủ).',
    ]);
    const stored = service.create(withFile);
    expect(service.preview(stored.id).warnings).toHaveLength(1);
    // Telegram uploads the file; Zalo fetches an attachment given by URL itself.
    expect(service.previewDraft({ ...withFile, channels: ['telegram'] }).warnings).toEqual([]);
    expect(service.previewDraft({ ...draft, attachment: { kind: 'photo', url: 'https://example.org/a.jpg' } }).warnings).toEqual([]);
    expect(service.previewDraft(draft).warnings).toEqual([]);
  });

  it('only counts channels this process can send to', () => {
    const service = makeService();
    expect(service.previewDraft(draft)).toMatchObject({ recipients: { telegram: 3, zalo: 0 }, total: 3 });
  });
});

describe('validation', () => {
  it('refuses a bad draft with every problem in Vietnamese and stores nothing', () => {
    const service = makeService();
    let error: AnnouncementError | undefined;
    try {
      service.create({
        title: ' ',
        body: '',
        topics: ['khong-co'],
        wards: ['Phường Lạ'],
        scheduledAt: new Date(Date.now() - 3600_000),
        author: 't',
      });
    } catch (e) {
      error = e as AnnouncementError;
    }
    expect(error).toBeInstanceOf(AnnouncementError);
    expect(error!.problems).toEqual([
      'Thiếu tiêu đề.',
      'Thiếu nội dung.',
      expect.stringContaining('Không có chủ đề "khong-co"'),
      expect.stringContaining('Không có phường/xã "Phường Lạ"'),
      expect.stringContaining('đã qua'),
    ]);
    expect(service.recent()).toEqual([]);
  });

  it('refuses a text too long for one message on a target channel (caption limit with an attachment)', () => {
    const service = makeService([createTelegramSender(config.telegram!, silentLogger()), recordingZalo()]);
    const body = 'a'.repeat(2500);
    expect(() => service.create({ title: 'T', body, author: 't' })).toThrow(/Quá dài cho một tin Zalo: 2\.503 ký tự, tối đa 2\.000/);
    expect(service.create({ title: 'T', body, channels: ['telegram'], author: 't' }).status).toBe('draft');
    const photo = path.join(dir, 'anh.jpg');
    fs.writeFileSync(photo, 'jpeg');
    expect(() =>
      service.create({ title: 'T', body, channels: ['telegram'], attachment: { kind: 'photo', path: photo }, author: 't' }),
    ).toThrow(/chú thích kèm tệp.*tối đa 1\.024/);
    expect(service.recent()).toHaveLength(1);
  });
});

describe('sending', () => {
  it('publishes the announcement to the knowledge base and removes it at expiry', async () => {
    const service = makeService();
    service.start();
    const expiresAt = new Date(Date.now() + 3 * 86400_000);
    const a = service.create({ title: 'Cắt điện khu phố 3', body: 'Từ 7 giờ đến 11 giờ.', expiresAt, author: 't' });
    service.sendNow(a.id);
    await service.waitUntilFinished(a.id);
    const file = service.get(a.id)!.knowledgeFile!;
    expect(path.relative(config.paths.knowledge, file)).toBe(`thong-bao/${a.id}-cat-dien-khu-pho-3.md`);
    const md = fs.readFileSync(file, 'utf8');
    expect(md).toMatch(
      /^---\ntitle: Cắt điện khu phố 3\nkind: announcement\nissued: \d{4}-\d{2}-\d{2}\nexpires: \d{4}-\d{2}-\d{2}\nnumber: "\d+"\n---\n\nTừ 7 giờ đến 11 giờ\.\n$/,
    );
    expect(refreshes).toBeGreaterThan(0);

    const before = refreshes;
    service.tick(expiresAt.getTime() + 1);
    expect(fs.existsSync(file)).toBe(false);
    expect(service.get(a.id)!.knowledgeFile).toBeUndefined();
    await new Promise((r) => setTimeout(r, 10));
    expect(refreshes).toBeGreaterThan(before);
  });

  it('reports progress while running and cancels mid-run: what is not sent is skipped', async () => {
    seedSubscribers(store, 300);
    config = testConfig(dir, { TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_RATE_PER_SECOND: '100' });
    const service = makeService();
    const seen: number[] = [];
    service.start();
    const a = service.create({ title: 'Tạm dừng', body: 'Nội dung', author: 't' });
    service.sendNow(a.id);
    service.watch(a.id, (p) => seen.push(p.sent), 10);
    await tg.waitFor(() => tg.sent().length >= 30);
    expect(service.progress(a.id).status).toBe('sending');
    service.cancel(a.id);
    const final = await service.waitUntilFinished(a.id);
    await service.stop();
    const p = service.progress(a.id);
    expect(final.status).toBe('cancelled');
    expect(p.skipped).toBeGreaterThan(100);
    expect(p.sent + p.skipped + p.failed).toBe(300);
    expect(p.pending).toBe(0);
    expect(tg.sent().length).toBe(p.sent);
    expect(seen.some((n) => n > 0 && n < 300)).toBe(true);
    expect(() => service.cancel(a.id)).toThrow(AnnouncementError);
  });

  it('watch() follows a run from the database, also when another process sends it, and ends with done', async () => {
    seedSubscribers(store, 120);
    config = testConfig(dir, { TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_RATE_PER_SECOND: '200' });
    const sending = makeService();
    sending.start();
    // The author's side: its own connection and no sender, as in a process that only follows.
    const other = Store.open(config.paths.database);
    const following = makeService([], other);
    const a = sending.create({ title: 'Theo dõi', body: 'Nội dung', author: 't' });
    const updates: { sent: number; status: string; done: boolean }[] = [];
    let finished!: () => void;
    const over = new Promise<void>((resolve) => (finished = resolve));
    following.watch(a.id, (p, done) => (updates.push({ sent: p.sent, status: p.status, done }), done && finished()), 20);
    await new Promise((r) => setTimeout(r, 50));
    sending.sendNow(a.id);
    await over;
    const last = updates.at(-1)!;
    expect(last).toEqual({ sent: 120, status: 'done', done: true });
    expect(updates.filter((u) => u.done)).toHaveLength(1);
    expect(updates[0]).toMatchObject({ status: 'draft', sent: 0, done: false });
    expect(updates.some((u) => u.status === 'sending' && u.sent > 0 && u.sent < 120)).toBe(true);
    // Only changes are reported: no two updates in a row are the same.
    for (let i = 1; i < updates.length - 1; i++) expect(updates[i]).not.toEqual(updates[i - 1]);
    // Stopped after done: nothing more arrives.
    const count = updates.length;
    await new Promise((r) => setTimeout(r, 80));
    expect(updates).toHaveLength(count);
    expect(following.report(a.id)).toMatch(/đã gửi xong\.\nĐã gửi: 120\/120/);
    await following.stop();
    other.close();
  });

  it('watch() reports a cancelled announcement as done, and can be stopped early', async () => {
    const service = makeService();
    const a = service.create({ title: 'Hủy', body: 'B', author: 't' });
    const b = service.create({ title: 'Dừng sớm', body: 'B', author: 't' });
    const seen: [string, boolean][] = [];
    const stopB = service.watch(b.id, (p, done) => seen.push([`b:${p.status}`, done]), 10);
    stopB();
    const final = new Promise<[string, boolean]>((resolve) => service.watch(a.id, (p, done) => done && resolve([p.status, done]), 10));
    service.cancel(a.id);
    expect(await final).toEqual(['cancelled', true]);
    expect(seen).toEqual([]);
    expect(() => service.watch(999, () => {})).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('sends a scheduled announcement at its time, also when created before a restart', async () => {
    seedSubscribers(store, 5);
    const first = makeService();
    const a = first.create({ title: 'Hẹn giờ', body: 'Nội dung', scheduledAt: new Date(Date.now() + 400), author: 't' });
    expect(a.status).toBe('scheduled');
    first.tick();
    expect(tg.sent()).toHaveLength(0); // not yet due
    await first.stop();
    store.close();

    // "Restart": a new process opens the same database file.
    store = Store.open(config.paths.database);
    const second = makeService(undefined, store);
    second.start();
    const final = await second.waitUntilFinished(a.id);
    expect(final).toMatchObject({ status: 'done', sent: 5 });
    expect(tg.sent()[0].at).toBeGreaterThanOrEqual(a.scheduledAt!);
    expect(tg.countByChat().size).toBe(5);
  });

  it('schedules a draft and refuses to schedule into the past or to send twice', async () => {
    const service = makeService();
    const a = service.create({ title: 'T', body: 'B', author: 't' });
    expect(() => service.schedule(a.id, new Date(Date.now() - 3600_000))).toThrow(/đã qua/);
    expect(service.schedule(a.id, new Date(Date.now() + 3600_000)).status).toBe('scheduled');
    service.sendNow(a.id);
    expect(() => service.sendNow(a.id)).toThrow(expect.objectContaining({ code: 'conflict' }));
    expect(() => service.progress(999)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});

describe('texts', () => {
  it('writes progress the same way for every channel', () => {
    const p = {
      id: 1,
      status: 'sending' as const,
      total: 1000,
      sent: 950,
      failed: 3,
      blocked: 0,
      pending: 47,
      skipped: 0,
      ratePerSecond: 28.5,
      etaSeconds: 2,
    };
    expect(broadcastTexts.progress(p)).toBe('Đã gửi 950/1.000 · lỗi 3 · chờ 47 · 28,5 tin/giây · còn khoảng 2 giây');
    expect(broadcastTexts.finalReport({ ...p, status: 'done', sent: 990, failed: 3, blocked: 7, pending: 0 }, 'Cúp điện')).toBe(
      'Thông báo số 1 «Cúp điện» đã gửi xong.\nĐã gửi: 990/1.000\nLỗi: 3\nĐã chặn bot (ngừng gửi cho họ): 7',
    );
  });
});
