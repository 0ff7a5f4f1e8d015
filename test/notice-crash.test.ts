// kill -9 while direct notices (three status changes each for 200 chats that are not subscribers)
// and an announcement share the outbox; restart each time and count at the fake Bot API: every
// notice arrives, in order per chat, and a notice arrives twice only if it was in flight at a kill.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { BroadcastService } from '../src/broadcast/service.js';
import { createTelegramSender } from '../src/channels/telegram/sender.js';
import { Store } from '../src/db/store.js';
import { type FakeTelegram, startFakeTelegram } from './fakes/telegram-api.js';
import { seedSubscribers, silentLogger, spawnBroadcastChild, testConfig } from './helpers/broadcast-child.js';

const SUBSCRIBERS = 300;
const CHATS = 200;
const STEPS = ['Đã tiếp nhận', 'Đang xử lý', 'Đã xử lý'];
const FIRST_CHAT = 100_001;
const RATE = '400';

let dir: string;
let tg: FakeTelegram;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notice-crash-'));
  tg = await startFakeTelegram();
});

afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await tg.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const database = () => path.join(dir, 'civicbot.db');
const isNoticeChat = (chat: string) => Number(chat) >= FIRST_CHAT;
const noticesSeen = () => tg.sent().filter((c) => isNoticeChat(String(c.params.chat_id))).length;

function withStore<T>(read: (s: Store) => T): T {
  const store = Store.open(database());
  try {
    return read(store);
  } finally {
    store.close();
  }
}

/** The announcement (sending) and the notices, written before any worker runs. */
async function seed(): Promise<{ announcement: number; notices: number[] }> {
  const config = testConfig(dir, { TELEGRAM_API_ROOT: tg.apiRoot });
  const store = Store.open(database());
  seedSubscribers(store, SUBSCRIBERS);
  const logger = silentLogger();
  const service = new BroadcastService({ store, config, logger, senders: [createTelegramSender(config.telegram!, logger)] });
  const announcement = service.sendNow(service.create({ title: 'Cúp nước', body: 'Sáng mai', author: 'test' }).id).id;
  const notices: number[] = [];
  // Step by step, as cases change status: each chat's three notices are interleaved with other chats'.
  for (const [step, text] of STEPS.entries())
    store.transaction(() => {
      for (let i = 0; i < CHATS; i++)
        notices.push(store.notices.enqueue({ channel: 'telegram', chatId: String(FIRST_CHAT + i), text, key: `case-${i}:${step}` })!);
    });
  await service.stop();
  store.close();
  return { announcement, notices };
}

it('delivers every notice after SIGKILL at any moment, in order per chat; repeats only what was in flight', {
  timeout: 90_000,
}, async () => {
  const { announcement, notices } = await seed();
  const run = () => {
    const running = spawnBroadcastChild({ dataDir: dir, apiRoot: tg.apiRoot, rate: RATE, mode: 'serve' });
    children.push(running.child);
    return running;
  };
  const killPoints: { name: string; when: (mark: number) => boolean }[] = [
    { name: 'early', when: () => noticesSeen() >= 40 },
    { name: 'during the resume', when: (mark) => tg.calls.some((c) => c.seq >= mark && c.method === 'sendMessage') },
    { name: 'middle', when: () => noticesSeen() >= (CHATS * STEPS.length) / 2 },
    { name: 'late', when: () => noticesSeen() >= CHATS * STEPS.length * 0.9 },
  ];
  const kills: { name: string; chats: string[] }[] = [];
  for (const point of killPoints) {
    const mark = tg.calls.length;
    const child = run();
    await tg.waitFor(() => point.when(mark), 20_000);
    child.child.kill('SIGKILL');
    await child.exited;
    kills.push({ name: point.name, chats: withStore((s) => s.outbox.inFlightChats()) });
  }

  // The last run drains what is left; the parent watches the database until everything is recorded.
  const last = run();
  const settled = () =>
    withStore(
      (s) => notices.every((id) => s.notices.status(id)?.status === 'sent') && s.announcements.get(announcement)?.status === 'done',
    );
  const deadline = Date.now() + 40_000;
  while (!settled()) {
    expect(Date.now()).toBeLessThan(deadline);
    await new Promise((r) => setTimeout(r, 50));
  }
  last.child.kill('SIGKILL');
  await last.exited;

  const perChat = new Map<string, string[]>();
  for (const c of tg.sent()) {
    const chat = String(c.params.chat_id);
    perChat.set(chat, [...(perChat.get(chat) ?? []), c.params.text]);
  }
  let duplicates = 0;
  for (let i = 0; i < CHATS; i++) {
    const chat = String(FIRST_CHAT + i);
    const texts = perChat.get(chat) ?? [];
    // In order: a repeat can only be the same notice again, right after itself.
    expect(texts.filter((t, j) => j === 0 || t !== texts[j - 1])).toEqual(STEPS);
    const extra = texts.length - STEPS.length;
    duplicates += extra;
    if (extra > 0) expect(extra).toBeLessThanOrEqual(kills.filter((k) => k.chats.includes(chat)).length);
  }
  const subscribersReached = [...perChat.keys()].filter((c) => !isNoticeChat(c)).length;
  expect(subscribersReached).toBe(SUBSCRIBERS);
  const inFlight = kills.reduce((n, k) => n + k.chats.length, 0);
  expect(duplicates).toBeLessThanOrEqual(inFlight);
  console.log(
    `notices: kill -9 ${kills.map((k) => `${k.name} (${k.chats.length} in flight)`).join('; ')}: ` +
      `${CHATS * STEPS.length} notices all delivered, ${duplicates} delivered twice`,
  );
});
