// Direct notices through the real composition root, delivered by the real Telegram and Zalo
// senders to the fake Bot APIs over HTTP: buttons, long texts, blocked chats, retries, and their
// place in the queue while a broadcast is running.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeTelegram, startFakeTelegram } from './fakes/telegram-api.js';
import { type FakeZalo, startFakeZalo } from './fakes/zalo-api.js';
import { broadcastTestVars, seedSubscribers } from './helpers/broadcast-child.js';
import { startCore, type TestCore } from './helpers/core.js';

const ZALO_TOKEN = '3331234567:notice-test-zalo-secret-abcdefghijk';

let dir: string;
let tg: FakeTelegram;
let zalo: FakeZalo;
let core: TestCore;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notice-delivery-'));
  tg = await startFakeTelegram();
  zalo = await startFakeZalo({ token: ZALO_TOKEN });
  core = await startCore(
    {
      ...broadcastTestVars(),
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_RATE_PER_SECOND: '100',
      ZALO_BOT_TOKEN: ZALO_TOKEN,
      ZALO_API_ROOT: zalo.apiRoot,
      ZALO_RATE_PER_SECOND: '50',
    },
    {
      emptyKnowledge: true,
      buildIndex: false,
      // A long idle poll: a notice that arrives quickly was sent because the service was woken.
      broadcast: { tickMs: 50, progressIntervalMs: 20, worker: { retryBaseMs: 20, idlePollMs: 60_000 } },
    },
  );
  core.broadcast.start();
});

afterEach(async () => {
  await core.cleanup();
  await tg.close();
  await zalo.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Enqueues in a transaction of its own (as a case's status change would), then wakes the workers. */
function notify(n: Parameters<TestCore['store']['notices']['enqueue']>[0]): number {
  const id = core.store.transaction(() => core.store.notices.enqueue(n));
  core.broadcast.wake();
  return id!;
}

async function settled(id: number) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const s = core.store.notices.status(id)!;
    if (s.status !== 'pending' && s.status !== 'sending') return s;
    if (Date.now() > deadline) throw new Error(`notice ${id} still ${s.status}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const RATING = [1, 2, 3, 4, 5].map((n) => ({ label: String(n), data: `rate:BK-000123:${n}` }));

describe('direct notices on Telegram', () => {
  it('reach a chat that is no subscriber, with the actions as an inline keyboard', async () => {
    const text = 'Phản ánh BK-000123 đã được xử lý. Bạn hài lòng đến đâu? Chọn 1–5.';
    const id = notify({ channel: 'telegram', chatId: '555', text, actions: RATING });
    const call = await tg.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === '555', 5000);
    expect(call.params.text).toBe(text);
    expect(call.params.reply_markup).toEqual({
      inline_keyboard: [RATING.map((a) => ({ text: a.label, callback_data: a.data }))],
    });
    expect(await settled(id)).toMatchObject({ status: 'sent', attempts: 1, blocked: false });
    expect(core.store.subscribers.get('telegram', '555')).toBeUndefined();
    const metrics = await core.metrics.registry.metrics();
    expect(metrics).toMatch(/civicbot_notice_deliveries_total\{channel="telegram",status="sent"\} 1/);
    expect(metrics).not.toMatch(/civicbot_broadcast_deliveries_total\{/);
  });

  it('puts long labels one per row, and plain notices have no keyboard', async () => {
    const id = notify({
      channel: 'telegram',
      chatId: '556',
      text: 'Cán bộ đã trả lời.',
      actions: [
        { label: 'Trả lời cán bộ', data: 'reply:1' },
        { label: 'Đóng phản ánh', data: 'close:1' },
      ],
    });
    const plain = notify({ channel: 'telegram', chatId: '557', text: 'Đã tiếp nhận.' });
    await settled(id);
    await settled(plain);
    expect(tg.sent('556')[0].params.reply_markup).toEqual({
      inline_keyboard: [[{ text: 'Trả lời cán bộ', callback_data: 'reply:1' }], [{ text: 'Đóng phản ánh', callback_data: 'close:1' }]],
    });
    expect(tg.sent('557')[0].params.reply_markup).toBeUndefined();
  });

  it('splits a text over 4096 characters at a paragraph, the keyboard under the last part', async () => {
    const first = `Trả lời của cán bộ phường: ${'nội dung dài '.repeat(313)}`.trim();
    const second = 'Chấm điểm 1–5 bên dưới.';
    const id = notify({ channel: 'telegram', chatId: '558', text: `${first}\n\n${second}`, actions: RATING });
    expect(await settled(id)).toMatchObject({ status: 'sent' });
    const parts = tg.sent('558');
    expect(parts.map((c) => c.params.text)).toEqual([first, second]);
    expect(parts.every((c) => c.params.text.length <= 4096)).toBe(true);
    expect(parts[0].params.reply_markup).toBeUndefined();
    expect(parts[1].params.reply_markup.inline_keyboard[0]).toHaveLength(5);
  });

  it('a chat that blocked the bot fails as blocked and its subscription is left alone', async () => {
    seedSubscribers(core.store, 1, 'telegram', 600);
    tg.failFor('600', { code: 403 });
    const id = notify({ channel: 'telegram', chatId: '600', text: 'Đang xử lý' });
    expect(await settled(id)).toMatchObject({ status: 'failed', blocked: true, attempts: 1, lastError: expect.stringMatching(/^403 /) });
    expect(core.store.subscribers.get('telegram', '600')?.status).toBe('active');
    // With no subscription at all, the same.
    tg.failFor('601', { code: 403 });
    expect(await settled(notify({ channel: 'telegram', chatId: '601', text: 'Đang xử lý' }))).toMatchObject({ blocked: true });
  });

  it('retries a 5xx with backoff and sends once', async () => {
    tg.failFor('610', { code: 502 }, 2);
    const id = notify({ channel: 'telegram', chatId: '610', text: 'Đã tiếp nhận' });
    expect(await settled(id)).toMatchObject({ status: 'sent', attempts: 3 });
    expect(tg.sent('610')).toHaveLength(1);
  });

  it('go ahead of a running broadcast, in the order written per chat', async () => {
    seedSubscribers(core.store, 300);
    const a = core.broadcast.create({ title: 'Cúp nước', body: 'Sáng mai', author: 't' });
    core.broadcast.sendNow(a.id);
    await tg.waitFor((c) => c.method === 'sendMessage', 5000);
    const ids = ['Đã tiếp nhận', 'Đang xử lý', 'Đã xử lý'].map((text) => notify({ channel: 'telegram', chatId: '700', text }));
    for (const id of ids) await settled(id);
    const before = tg.sent().filter((c) => c.params.chat_id !== '700');
    const firstNotice = tg.sent('700')[0].seq;
    expect(tg.sent('700').map((c) => c.params.text)).toEqual(['Đã tiếp nhận', 'Đang xử lý', 'Đã xử lý']);
    // Not behind the 300-message backlog: only what was in flight or already due went first.
    expect(before.filter((c) => c.seq < firstNotice).length).toBeLessThan(150);
    const final = await core.broadcast.waitUntilFinished(a.id);
    expect(final).toMatchObject({ status: 'done', total: 300, sent: 300 });
  });
});

describe('direct notices on Zalo', () => {
  it('go as plain text without buttons (the text says how to answer), split at 2000 characters', async () => {
    const short = notify({
      channel: 'zalo',
      chatId: 'z-1',
      text: 'Phản ánh BK-000123 đã xử lý. Trả lời 1–5 để chấm điểm.',
      actions: RATING,
    });
    expect(await settled(short)).toMatchObject({ status: 'sent' });
    expect(zalo.sent('z-1').map((c) => c.params)).toEqual([
      { chat_id: 'z-1', text: 'Phản ánh BK-000123 đã xử lý. Trả lời 1–5 để chấm điểm.' },
    ]);

    const long = notify({ channel: 'zalo', chatId: 'z-2', text: 'Cán bộ trả lời. '.repeat(200) });
    expect(await settled(long)).toMatchObject({ status: 'sent' });
    const parts = zalo.sent('z-2').map((c) => c.params.text as string);
    expect(parts.length).toBe(2);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.join(' ')).toBe('Cán bộ trả lời. '.repeat(200).trim());
  });

  it('retries a Zalo 429 and then delivers once', async () => {
    zalo.failNext({ code: 429, retryAfter: 1 }, { chatId: 'z-3' });
    const id = notify({ channel: 'zalo', chatId: 'z-3', text: 'Đang xử lý' });
    expect(await settled(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(zalo.sent('z-3')).toHaveLength(1);
  });
});
