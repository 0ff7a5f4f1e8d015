// Announcements on Zalo: the sender's outcomes against the fake Zalo API, and a staff member
// composing an announcement on Zalo that reaches Zalo and Telegram subscribers through the one
// broadcast service (both real senders, both fakes over real HTTP).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BroadcastService } from '../src/broadcast/service.js';
import type { ChannelSender } from '../src/broadcast/types.js';
import type { MessagingChannel } from '../src/channels/types.js';
import { createZaloChannel } from '../src/channels/zalo/index.js';
import { createZaloSender } from '../src/channels/zalo/sender.js';
import { loadConfig } from '../src/config.js';
import type { Store } from '../src/db/store.js';
import { renderAnnouncement } from '../src/domain/index.js';
import { createLogger } from '../src/logger.js';
import { botTexts } from '../src/texts/bot.js';
import { zaloTexts } from '../src/texts/zalo.js';
import { type FakeTelegram, startFakeTelegram } from './fakes/telegram-api.js';
import { type FakeZalo, startFakeZalo, textUpdate } from './fakes/zalo-api.js';
import { writeCityFile } from './helpers/city.js';
import { startCore, type TestCore } from './helpers/core.js';

const root = path.resolve(import.meta.dirname, '..');
const ZALO_TOKEN = '3331234567:zalo-broadcast-test-secret-abcdefghijk';
const TG_TOKEN = '123456789:AAbroadcast-test-telegram-token-xyz0123';
const logger = createLogger({ level: 'silent' });

const configFor = (zalo: FakeZalo, extra: Record<string, string> = {}) =>
  loadConfig({ NODE_ENV: 'test', ZALO_BOT_TOKEN: ZALO_TOKEN, ZALO_API_ROOT: zalo.apiRoot, ...extra }, root);

describe('Zalo sender', () => {
  let zalo: FakeZalo;
  let sender: ChannelSender;
  const message = { id: 1, title: 'Cắt điện', body: 'Sáng thứ Bảy cắt điện khu vực Sông Cầu.' };
  beforeAll(async () => {
    zalo = await startFakeZalo({ token: ZALO_TOKEN });
    sender = createZaloSender(configFor(zalo, { ZALO_RATE_PER_SECOND: '7' }).zalo!, logger);
  });
  afterAll(() => zalo.close());

  it('declares Zalo limits and sends the rendered text as plain text', async () => {
    expect(sender).toMatchObject({ channel: 'zalo', ratePerSecond: 7, maxTextLength: 2000 });
    expect(await sender.send('c1', message)).toEqual({ kind: 'sent' });
    expect(zalo.sent('c1')[0].params).toEqual({ chat_id: 'c1', text: renderAnnouncement(message) });
  });

  it('sends a photo by URL with the text as caption, and a document as a link', async () => {
    await sender.send('c2', { ...message, attachment: { kind: 'photo', url: 'https://city.example/a.jpg' } });
    expect(zalo.sent('c2')[0]).toMatchObject({
      method: 'sendPhoto',
      params: { photo: 'https://city.example/a.jpg', caption: renderAnnouncement(message) },
    });
    await sender.send('c3', { ...message, attachment: { kind: 'document', url: 'https://city.example/a.pdf' } });
    expect(zalo.sent('c3')[0].params.text).toBe(
      `${renderAnnouncement(message)}\n\n${zaloTexts.attachmentLink('https://city.example/a.pdf')}`,
    );
  });

  it('maps failures: 429 and 5xx retry, 403 (Zalo "internal error") retries and is never "blocked", 400/404 fail', async () => {
    zalo.failNext({ code: 429, retryAfter: 3 });
    expect(await sender.send('c4', message)).toMatchObject({ kind: 'retry', retryAfterMs: 3000, rateLimited: true });
    zalo.failNext({ code: 429 }); // without retry_after it is still a rate signal, not a spent attempt
    expect(await sender.send('c4', message)).toMatchObject({ kind: 'retry', rateLimited: true });
    zalo.failNext({ code: 503 });
    expect(await sender.send('c4', message)).toMatchObject({ kind: 'retry' });
    zalo.failNext({ code: 403 });
    expect(await sender.send('c4', message)).toMatchObject({ kind: 'retry' });
    zalo.failNext({ code: 400 });
    expect(await sender.send('c4', message)).toMatchObject({ kind: 'failed', error: expect.stringContaining('400') });
    zalo.failNext({ code: 404 });
    expect(await sender.send('c4', message)).toMatchObject({ kind: 'failed' });
    // One attempt per send: retries are the broadcast service's.
    expect(zalo.calls.filter((c) => c.params.chat_id === 'c4')).toHaveLength(6);
  });

  it('retries after a network error, with no token in the error', async () => {
    const dead = await startFakeZalo({ token: ZALO_TOKEN });
    const config = configFor(dead);
    await dead.close();
    const outcome = await createZaloSender(config.zalo!, logger).send('c5', message);
    expect(outcome).toMatchObject({ kind: 'retry', error: expect.stringContaining('ECONNREFUSED') });
    expect(JSON.stringify(outcome)).not.toContain(ZALO_TOKEN.split(':')[1]);
  });
});

describe('a staff announcement from Zalo', () => {
  let zalo: FakeZalo;
  let tg: FakeTelegram;
  let core: TestCore;
  let store: Store;
  let broadcast: BroadcastService;
  let channel: MessagingChannel;

  beforeAll(async () => {
    zalo = await startFakeZalo({ token: ZALO_TOKEN, maxPollSeconds: 1 });
    tg = await startFakeTelegram({ token: TG_TOKEN });
    // Sending publishes the announcement into the knowledge folder: the core works on a copy.
    core = await startCore(
      {
        ZALO_BOT_TOKEN: ZALO_TOKEN,
        ZALO_API_ROOT: zalo.apiRoot,
        TELEGRAM_BOT_TOKEN: TG_TOKEN,
        TELEGRAM_API_ROOT: tg.apiRoot,
        // A city without wards: subscribing takes one step.
        CITY_FILE: writeCityFile({ name: 'Bắc Kạn' }),
        ZALO_STAFF_IDS: 'staff-1',
        ZALO_RATE_PER_SECOND: '50',
      },
      { logger, database: ':memory:', copyKnowledge: {}, broadcast: { tickMs: 50, worker: { retryBaseMs: 20, idlePollMs: 20 } } },
    );
    ({ store, broadcast } = core);
    broadcast.start();
    channel = createZaloChannel(core.channelDeps, { pollTimeoutSeconds: 1, retryBackoffMs: 5, progressIntervalMs: 20 });
    await channel.start();
  });
  afterAll(async () => {
    await channel.stop();
    await core.cleanup();
    await zalo.close();
    await tg.close();
  });

  async function say(chatId: string, text: string, userId = chatId): Promise<string> {
    const before = zalo.sent(chatId).length;
    zalo.pushUpdate(textUpdate(chatId, text, { userId }));
    return (await zalo.waitForSent(chatId, before + 1))[before];
  }

  it('reaches the Zalo and Telegram subscribers of its topic, as previewed', async () => {
    await say('z1', 'dang ky');
    expect(await say('z1', '0')).toBe(zaloTexts.subscribeConfirm([], []));
    expect(await say('z1', 'đồng ý')).toBe(botTexts.subscribed([], []));
    await say('z2', 'đăng ký');
    await say('z2', '1');
    await say('z2', 'có');
    await say('z3', 'dang ky');
    await say('z3', '5');
    await say('z3', 'xác nhận');
    store.subscribers.subscribe({ channel: 'telegram', chatId: '1001', topics: [] });

    expect(await say('s1', 'thông báo', 'staff-1')).toBe(zaloTexts.announceAskText);
    await say('s1', 'Cấm đường Trường Chinh\nChủ nhật cấm xe qua đường Trường Chinh từ 6h đến 10h.', 'staff-1');
    const preview = await say('s1', '1', 'staff-1');
    const title = 'Cấm đường Trường Chinh';
    const body = 'Chủ nhật cấm xe qua đường Trường Chinh từ 6h đến 10h.';
    expect(preview).toContain(renderAnnouncement({ title, body }));
    expect(preview).toContain('Sẽ gửi tới 3 người (Telegram: 1, Zalo: 2)');

    zalo.failNext({ code: 429 }, { method: 'sendMessage', chatId: 'z1' }); // retried by the broadcast service
    const [{ id }] = broadcast.recent(1);
    expect(await say('s1', 'gửi', 'staff-1')).toBe(zaloTexts.announceSending(id, 3));
    const afterStart = zalo.sent('s1').length;
    const done = await broadcast.waitUntilFinished(id);
    expect(done).toMatchObject({ status: 'done', sent: 3, failed: 0, blocked: 0 });
    // The author is told when it is over, without asking.
    expect((await zalo.waitForSent('s1', afterStart + 1)).slice(afterStart)).toEqual([broadcast.report(id)]);

    const text = renderAnnouncement({ title, body });
    expect(zalo.sent('z1').at(-1)?.params.text).toBe(text);
    expect(zalo.calls.filter((c) => c.params.chat_id === 'z1' && c.params.text === text).map((c) => c.ok)).toEqual([false, true]);
    expect(zalo.sent('z2').at(-1)?.params.text).toBe(text);
    expect(zalo.sent('z3').map((c) => c.params.text)).not.toContain(text);
    expect(tg.sent('1001').map((c) => c.params.text)).toEqual([text]);

    const progress = await say('s1', 'tiến độ', 'staff-1');
    expect(progress).toContain(`Số ${id} «${title}» (đã gửi xong)`);
    expect(progress).toContain('Đã gửi 3/3');
  });
});
