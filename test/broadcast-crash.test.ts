// kill -9 at several moments of a broadcast (early, while a restarted process resumes, in the
// middle, near the end), restart each time, and count at the fake Bot API: everyone gets the
// announcement, and a chat gets it twice only if its delivery was in flight at a kill.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Store } from '../src/db/store.js';
import { type FakeTelegram, startFakeTelegram } from './fakes/telegram-api.js';
import { seedSubscribers, spawnBroadcastChild } from './helpers/broadcast-child.js';

const SUBSCRIBERS = 1000;
const RATE = '400';

let dir: string;
let tg: FakeTelegram;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcast-crash-'));
  tg = await startFakeTelegram();
});

afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await tg.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function run(mode: 'start' | 'resume') {
  const running = spawnBroadcastChild({ dataDir: dir, apiRoot: tg.apiRoot, rate: RATE, mode });
  children.push(running.child);
  return running;
}

/** The chats whose delivery was claimed but not recorded when the process died. */
function inFlight(): string[] {
  const store = Store.open(path.join(dir, 'civicbot.db'));
  try {
    return store.outbox.inFlightChats();
  } finally {
    store.close();
  }
}

const reached = () => tg.countByChat().size;

it('resumes after SIGKILL at any moment; duplicates only among the deliveries in flight at each kill', { timeout: 90_000 }, async () => {
  const store = Store.open(path.join(dir, 'civicbot.db'));
  seedSubscribers(store, SUBSCRIBERS);
  store.close();

  // When to kill each run: a condition on what the fake server has seen since that run started.
  const killPoints: { name: string; when: (mark: number) => boolean }[] = [
    { name: 'early', when: () => reached() >= 30 },
    // The first message of the restarted process: it is re-sending the claims the kill left behind.
    { name: 'during the resume', when: (mark) => tg.calls.some((c) => c.seq >= mark && c.method === 'sendMessage') },
    { name: 'middle', when: () => reached() >= SUBSCRIBERS / 2 },
    { name: 'near the end', when: () => reached() >= SUBSCRIBERS * 0.9 },
  ];
  const kills: { name: string; chats: string[]; reachedAtKill: number }[] = [];
  for (const [i, point] of killPoints.entries()) {
    const mark = tg.calls.length;
    const child = run(i === 0 ? 'start' : 'resume');
    await tg.waitFor(() => point.when(mark), 20_000);
    child.child.kill('SIGKILL');
    await child.exited;
    kills.push({ name: point.name, chats: inFlight(), reachedAtKill: reached() });
  }

  const last = run('resume');
  expect(await last.exited).toBe(0);
  expect(last.lines.at(-1)).toMatchObject({
    event: 'done',
    progress: { status: 'done', total: SUBSCRIBERS, sent: SUBSCRIBERS, pending: 0, failed: 0 },
  });

  const perChat = tg.countByChat();
  const duplicates = [...perChat.values()].reduce((n, c) => n + c - 1, 0);
  const inFlightTotal = kills.reduce((n, k) => n + k.chats.length, 0);
  const maxInFlight = Math.max(...kills.map((k) => k.chats.length));
  console.log(
    `kill -9 at ${kills.map((k) => `${k.name} (${k.reachedAtKill} reached, ${k.chats.length} in flight)`).join('; ')}: ` +
      `${duplicates} delivered twice, max in flight ${maxInFlight}`,
  );
  // Zero losses: every subscriber got it.
  expect(perChat.size).toBe(SUBSCRIBERS);
  expect(tg.sent().length).toBe(SUBSCRIBERS + duplicates);
  expect(duplicates).toBeLessThanOrEqual(inFlightTotal);
  // Each extra copy of a chat is accounted for by a kill that caught its delivery in flight.
  for (const [chat, count] of perChat) {
    if (count > 1) expect(count - 1).toBeLessThanOrEqual(kills.filter((k) => k.chats.includes(chat)).length);
  }
});
