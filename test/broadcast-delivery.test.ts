// The delivery worker and the Telegram sender against the fake Bot API: what each error answer
// does to a delivery, and that nobody gets an announcement twice.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BroadcastService } from '../src/broadcast/service.js';
import type { Store } from '../src/db/store.js';
import { type FakeTelegram, startFakeTelegram } from './fakes/telegram-api.js';
import { broadcastTestVars, seedSubscribers } from './helpers/broadcast-child.js';
import { startCore, type TestCore } from './helpers/core.js';

let dir: string;
let tg: FakeTelegram;
let core: TestCore | undefined;
let store: Store;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcast-delivery-'));
  tg = await startFakeTelegram();
});

afterEach(async () => {
  await core?.cleanup();
  core = undefined;
  await tg.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The real composition root with `subscribers` Telegram subscribers, its delivery running. */
async function start(
  env: Record<string, string> = {},
  subscribers = 20,
  worker: { maxRateLimited?: number } = {},
): Promise<{ service: BroadcastService }> {
  core = await startCore(
    { ...broadcastTestVars(), TELEGRAM_API_ROOT: tg.apiRoot, ...env },
    {
      emptyKnowledge: true,
      buildIndex: false,
      broadcast: { tickMs: 50, progressIntervalMs: 20, worker: { retryBaseMs: 20, idlePollMs: 50, ...worker } },
    },
  );
  store = core.store;
  seedSubscribers(store, subscribers);
  core.broadcast.start();
  return { service: core.broadcast };
}

async function broadcast(s: BroadcastService, extra: Partial<Parameters<BroadcastService['create']>[0]> = {}) {
  const a = s.create({ title: 'Thông báo', body: 'Nội dung', author: 't', ...extra });
  s.sendNow(a.id);
  return { id: a.id, final: await s.waitUntilFinished(a.id) };
}

const delivery = (announcementId: number, chatId: string) => store.outbox.deliveryTo(announcementId, chatId)!;

describe('Telegram delivery outcomes', () => {
  it('429: waits retry_after for that chat, then delivers once', async () => {
    const { service } = await start();
    tg.failFor('7', { code: 429, retryAfter: 1 }, 1);
    const { id, final } = await broadcast(service);
    expect(final).toMatchObject({ status: 'done', sent: 20, failed: 0 });
    const calls = tg.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === '7');
    expect(calls.map((c) => c.ok)).toEqual([false, true]);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1000);
    expect(delivery(id, '7')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(Math.max(...tg.countByChat().values())).toBe(1);
  });

  it('429 does not use up the retry budget: five in a row with BROADCAST_MAX_ATTEMPTS=3 still end sent', async () => {
    const { service } = await start({ BROADCAST_MAX_ATTEMPTS: '3' }, 5);
    tg.failFor('2', { code: 429, retryAfter: 0 }, 5);
    tg.failFor('3', { code: 502 }, 2); // 5xx still counts: two failures, then fine on the third try
    const { id, final } = await broadcast(service);
    expect(final).toMatchObject({ status: 'done', sent: 5, failed: 0 });
    expect(tg.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === '2').map((c) => c.ok)).toEqual([
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
    expect(delivery(id, '2')).toMatchObject({ status: 'sent', attempts: 6 });
    expect(tg.sent('2')).toHaveLength(1);
  });

  it('429 without end fails the delivery at its own, larger bound', async () => {
    const { service } = await start({ BROADCAST_MAX_ATTEMPTS: '2' }, 2, { maxRateLimited: 4 });
    tg.failFor('1', { code: 429, retryAfter: 0 });
    const { id, final } = await broadcast(service);
    expect(final).toMatchObject({ status: 'done', sent: 1, failed: 1 });
    expect(delivery(id, '1')).toMatchObject({ status: 'failed', attempts: 4, lastError: expect.stringMatching(/^429 /) });
  });

  it('403: marks the subscriber blocked and never retries', async () => {
    const { service } = await start();
    tg.failFor('3', { code: 403, description: 'Forbidden: bot was blocked by the user' });
    tg.failFor('4', { code: 403, description: 'Forbidden: user is deactivated' });
    const { id, final } = await broadcast(service);
    expect(final).toMatchObject({ sent: 18, blocked: 2, failed: 0 });
    expect(tg.calls.filter((c) => c.params.chat_id === '3')).toHaveLength(1);
    expect(delivery(id, '3')).toMatchObject({
      status: 'failed',
      blocked: true,
      attempts: 1,
      lastError: '403 Forbidden: bot was blocked by the user',
    });
    expect(store.subscribers.get('telegram', '3')!.status).toBe('blocked');
    expect(store.subscribers.get('telegram', '4')!.status).toBe('blocked');
    // The next announcement does not even try them.
    const next = await broadcast(service);
    expect(next.final.total).toBe(18);
  });

  it('5xx: retries with backoff and gives up after BROADCAST_MAX_ATTEMPTS', async () => {
    const { service } = await start({ BROADCAST_MAX_ATTEMPTS: '3' });
    tg.failFor('5', { code: 502 }); // always
    tg.failFor('6', { code: 500 }, 2); // twice, then fine
    const { id, final } = await broadcast(service);
    expect(final).toMatchObject({ sent: 19, failed: 1, blocked: 0 });
    expect(tg.calls.filter((c) => c.params.chat_id === '5')).toHaveLength(3);
    expect(delivery(id, '5')).toMatchObject({ status: 'failed', attempts: 3, lastError: '502 Bad Gateway' });
    expect(tg.calls.filter((c) => c.params.chat_id === '6').map((c) => c.ok)).toEqual([false, false, true]);
    expect(store.subscribers.get('telegram', '5')!.status).toBe('active');
  });

  it('network errors are retried like 5xx', async () => {
    const { service } = await start({ BROADCAST_MAX_ATTEMPTS: '2', TELEGRAM_API_ROOT: 'http://127.0.0.1:9' }, 2);
    const { id, final } = await broadcast(service);
    expect(final).toMatchObject({ failed: 2, sent: 0 });
    expect(delivery(id, '1')).toMatchObject({ attempts: 2, lastError: expect.stringMatching(/^network: /) });
    expect(delivery(id, '1').lastError).not.toContain('TEST-token');
  });

  it('400 chat not found: the delivery fails at once, the subscriber stays', async () => {
    const { service } = await start();
    tg.failFor('9', { code: 400, description: 'Bad Request: chat not found' });
    const { id, final } = await broadcast(service);
    expect(final).toMatchObject({ sent: 19, failed: 1, blocked: 0 });
    expect(delivery(id, '9')).toMatchObject({ status: 'failed', attempts: 1, lastError: '400 Bad Request: chat not found' });
    expect(store.subscribers.get('telegram', '9')!.status).toBe('active');
  });

  it('sends a photo with the text as caption and asks for paid broadcast when configured', async () => {
    const { service } = await start({ TELEGRAM_ALLOW_PAID_BROADCAST: 'true' }, 2);
    const photo = path.join(dir, 'so-do.jpg');
    fs.writeFileSync(photo, Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    await broadcast(service, { attachment: { kind: 'photo', path: photo, fileName: 'so-do.jpg' } });
    const calls = tg.callsOf('sendPhoto');
    expect(calls).toHaveLength(2);
    expect(calls[0].params).toMatchObject({
      caption: 'Thông báo\n\nNội dung',
      caption_entities: [{ type: 'bold', offset: 0, length: 9 }],
      photo: { fileName: 'so-do.jpg', size: 4 },
    });
    expect(String(calls[0].params.allow_paid_broadcast)).toBe('true');
  });

  it('keeps the per-chat gap between two announcements to the same chat', async () => {
    const { service } = await start({ TELEGRAM_PER_CHAT_INTERVAL_MS: '300' }, 1);
    const a = service.create({ title: 'Một', body: 'x', author: 't' });
    const b = service.create({ title: 'Hai', body: 'y', author: 't' });
    service.sendNow(a.id);
    service.sendNow(b.id);
    await service.waitUntilFinished(a.id);
    await service.waitUntilFinished(b.id);
    const [first, second] = tg.sent('1');
    expect(second.at - first.at).toBeGreaterThanOrEqual(300);
  });
});
