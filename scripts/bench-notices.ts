// Direct notices benchmark: 10,000 notices (one per chat, one transaction each, as case status
// changes are written) arriving at 500 a second while an announcement goes to 10,000 subscribers,
// all through one outbox against the fake Telegram Bot API on 127.0.0.1 with the limit raised to
// 1,000 messages/s. Reports how long a notice waits from its commit to its arrival at the fake
// server (p50 / p95 / max; target p95 < 1 s: notices go before the broadcast's backlog), the cost
// of writing one, the combined rate as a share of the limit (target ≥ 90 %), and duplicates and
// losses of both kinds (target 0). The sender runs in a child process of its own, as in the
// broadcast benchmark. A missed target sets a non-zero exit code.
//   npx tsx scripts/bench-notices.ts
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { BroadcastService } from '../src/broadcast/service.js';
import { configuredSenders } from '../src/channels/senders.js';
import type { Config } from '../src/config.js';
import { Store } from '../src/db/store.js';
import { createLogger } from '../src/logger.js';
import { startFakeTelegram } from '../test/fakes/telegram-api.js';
import { fakeTelegramConfig } from './bench-config.js';

const SELF = fileURLToPath(import.meta.url);
const run = promisify(execFile);
/** Notice chats are numbered from here; subscribers from 1. */
const FIRST_NOTICE_CHAT = 1_000_001;

interface SenderResult {
  /** Epoch ms each notice committed, by chat id. */
  committedAt: Record<string, number>;
  enqueueUs: { p50: number; p95: number };
  peakRssMb: number;
}

const benchConfig = (dir: string, apiRoot: string, rate: number): Config => fakeTelegramConfig(dir, { apiRoot, rate });

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Child-process side: starts the broadcast, writes the notices at their pace, waits for both to finish. */
async function sendAll(dir: string, apiRoot: string, rate: number, notices: number, perSecond: number): Promise<SenderResult> {
  const config = benchConfig(dir, apiRoot, rate);
  const logger = createLogger({ level: 'silent' });
  const store = Store.open(config.paths.database);
  const service = new BroadcastService({ store, config, logger, senders: configuredSenders(config, logger) });
  service.start();
  const a = service.create({ title: 'Thông báo thử tải', body: 'Nội dung thông báo gửi cho mọi người đăng ký.', author: 'bench' });
  service.sendNow(a.id);
  const committedAt: Record<string, number> = {};
  const enqueueUs: number[] = [];
  const batch = Math.max(1, Math.round(perSecond / 20));
  const started = Date.now();
  for (let written = 0; written < notices; ) {
    for (let k = 0; k < batch && written < notices; k++, written++) {
      const chatId = String(FIRST_NOTICE_CHAT + written);
      const t0 = performance.now();
      store.transaction(() =>
        store.notices.enqueue({ channel: 'telegram', chatId, text: `Phản ánh BK-${String(written + 1).padStart(6, '0')}: đã tiếp nhận.` }),
      );
      enqueueUs.push((performance.now() - t0) * 1000);
      committedAt[chatId] = Date.now();
    }
    service.wake();
    // Keep the pace against the clock, not per batch, so a slow batch does not slow the rest.
    await sleep(Math.max(0, started + (written / perSecond) * 1000 - Date.now()));
  }
  await service.waitUntilFinished(a.id);
  while (store.notices.counts().pending + store.notices.counts().sending > 0) await sleep(50);
  await service.stop();
  store.close();
  enqueueUs.sort((x, y) => x - y);
  return {
    committedAt,
    enqueueUs: { p50: quantile(enqueueUs, 0.5), p95: quantile(enqueueUs, 0.95) },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

export async function runNoticesBench(
  options: { subscribers?: number; notices?: number; perSecond?: number; rate?: number; log?: (line: string) => void } = {},
) {
  const subscribers = options.subscribers ?? 10_000;
  const notices = options.notices ?? 10_000;
  const perSecond = options.perSecond ?? 500;
  const rate = options.rate ?? 1000;
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-notices-'));
  const tg = await startFakeTelegram();
  try {
    const store = Store.open(benchConfig(dir, tg.apiRoot, rate).paths.database);
    store.transaction(() => {
      for (let i = 1; i <= subscribers; i++) store.subscribers.subscribe({ channel: 'telegram', chatId: String(i), topics: [] });
    });
    store.close();
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', SELF, 'send', dir, tg.apiRoot, String(rate), String(notices), String(perSecond)],
      { maxBuffer: 64 << 20 },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as SenderResult;

    const sends = tg.calls.filter((c) => c.method === 'sendMessage' && c.ok);
    const perChat = tg.countByChat();
    const waits: number[] = [];
    for (const c of sends) {
      const committed = result.committedAt[String(c.params.chat_id)];
      if (committed !== undefined && perChat.get(String(c.params.chat_id)) === 1) waits.push(c.at - committed);
    }
    waits.sort((x, y) => x - y);
    let duplicates = 0;
    let losses = 0;
    const expected = [...Array.from({ length: subscribers }, (_, i) => String(i + 1)), ...Object.keys(result.committedAt)];
    for (const chat of expected) {
      const n = perChat.get(chat) ?? 0;
      if (n > 1) duplicates += n - 1;
      if (n === 0) losses++;
    }
    const times = sends.map((c) => c.at);
    const seconds = (Math.max(...times) - Math.min(...times)) / 1000;
    const achieved = (sends.length - 1) / seconds;
    const row = {
      subscribers,
      notices,
      'notices/s written': perSecond,
      'limit msg/s': rate,
      'msg/s': Math.round(achieved),
      'of limit': `${((achieved / rate) * 100).toFixed(1)} %`,
      'total s': Math.round(seconds * 10) / 10,
      'notice wait p50 ms': quantile(waits, 0.5),
      'p95 ms': quantile(waits, 0.95),
      'max ms': waits.at(-1),
      'write µs p50': Math.round(result.enqueueUs.p50),
      'write µs p95': Math.round(result.enqueueUs.p95),
      duplicates,
      losses,
      'sender peak RSS MB': result.peakRssMb,
    };
    log(
      `\nNotices: ${notices.toLocaleString('en')} at ${perSecond}/s during a broadcast to ${subscribers.toLocaleString('en')}, limit ${rate} msg/s`,
    );
    console.table([row]);
    const ok = quantile(waits, 0.95) < 1000 && achieved / rate >= 0.9 && duplicates === 0 && losses === 0;
    log(ok ? 'Targets met: notice wait p95 < 1 s, ≥ 90 % of the limit, 0 duplicates, 0 losses.' : 'TARGETS MISSED.');
    if (!ok) process.exitCode = 1;
    return row;
  } finally {
    await tg.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Child-process entry: `send DIR API_ROOT RATE NOTICES PER_SECOND` prints one JSON line; with no argument, the whole benchmark.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [phase, dir, apiRoot, rate, notices, perSecond] = process.argv.slice(2);
  const main =
    phase === 'send'
      ? sendAll(dir, apiRoot, Number(rate), Number(notices), Number(perSecond)).then((r) => console.log(JSON.stringify(r)))
      : runNoticesBench();
  main.catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
