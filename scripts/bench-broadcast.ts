// Broadcast benchmark: 10,000 subscribers against the fake Telegram Bot API on 127.0.0.1 with the
// limit raised to 1,000 messages/s. Reports the achieved rate as a share of the limit (target
// ≥ 90 %), duplicates and losses counted at the fake server (target 0), and peak RSS; a second run
// has 2 % of chats answer 429 once (retry_after 1) and 1 % answer 403.
//   npx tsx scripts/bench-broadcast.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { BroadcastService } from '../src/broadcast/service.js';
import { createTelegramSender } from '../src/channels/telegram/sender.js';
import { loadConfig } from '../src/config.js';
import { Store } from '../src/db/store.js';
import { createLogger } from '../src/logger.js';
import { startFakeTelegram } from '../test/fakes/telegram-api.js';

export interface BroadcastBenchRow {
  run: string;
  subscribers: number;
  limitPerSecond: number;
  achievedPerSecond: number;
  shareOfLimit: number;
  seconds: number;
  sent: number;
  blocked: number;
  duplicates: number;
  losses: number;
  peakRssMb: number;
  /** Share of the time this process's event loop was busy (sender, SQLite and the fake server together). */
  eventLoopBusy: number;
}

interface RunOptions {
  name: string;
  subscribers: number;
  rate: number;
  /** Chats (1-based index) that answer 429 once with retry_after 1. */
  flood?: (i: number) => boolean;
  /** Chats that have blocked the bot (403 on every call). */
  blocking?: (i: number) => boolean;
}

async function runOnce(o: RunOptions): Promise<BroadcastBenchRow> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-broadcast-'));
  const tg = await startFakeTelegram();
  const config = loadConfig(
    {
      DATA_DIR: dir,
      KNOWLEDGE_DIR: path.join(dir, 'knowledge'),
      TELEGRAM_BOT_TOKEN: '123456:BENCH-token-for-the-fake-api',
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_RATE_PER_SECOND: String(o.rate),
      TELEGRAM_PER_CHAT_INTERVAL_MS: '0',
    },
    dir,
  );
  const logger = createLogger({ level: 'silent' });
  const store = Store.open(config.paths.database);
  store.db.transaction(() => {
    for (let i = 1; i <= o.subscribers; i++) store.subscribers.subscribe({ channel: 'telegram', chatId: String(i), topics: [] });
  })();
  for (let i = 1; i <= o.subscribers; i++) {
    if (o.blocking?.(i)) tg.failFor(i, { code: 403, description: 'Forbidden: bot was blocked by the user' });
    else if (o.flood?.(i)) tg.failFor(i, { code: 429, retryAfter: 1 }, 1);
  }

  const service = new BroadcastService({ store, config, logger, senders: [createTelegramSender(config, logger)] });
  const loop = performance.eventLoopUtilization();
  service.start();
  const a = service.create({ title: 'Thông báo thử tải', body: 'Nội dung thông báo gửi cho mọi người đăng ký.', author: 'bench' });
  service.sendNow(a.id);
  const final = await service.waitUntilFinished(a.id);
  await service.stop();
  const eventLoopBusy = performance.eventLoopUtilization(loop).utilization;
  store.close();

  const perChat = tg.countByChat();
  const times = tg.calls.filter((c) => c.method === 'sendMessage').map((c) => c.at);
  // The achieved rate is measured over the first pass (before any retry_after wait at the end).
  const firstPass = tg.calls.filter((c) => c.method === 'sendMessage').slice(0, o.subscribers).map((c) => c.at);
  const seconds = (Math.max(...firstPass) - Math.min(...firstPass)) / 1000;
  let duplicates = 0;
  let losses = 0;
  for (let i = 1; i <= o.subscribers; i++) {
    const n = perChat.get(String(i)) ?? 0;
    if (n > 1) duplicates += n - 1;
    if (n === 0 && !o.blocking?.(i)) losses++;
  }
  await tg.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const achieved = (firstPass.length - 1) / seconds;
  return {
    run: o.name,
    subscribers: o.subscribers,
    limitPerSecond: o.rate,
    achievedPerSecond: Math.round(achieved),
    shareOfLimit: achieved / o.rate,
    seconds: Math.round(((Math.max(...times) - Math.min(...times)) / 1000) * 10) / 10,
    sent: final.sent,
    blocked: final.blocked,
    duplicates,
    losses,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    eventLoopBusy,
  };
}

export async function runBroadcastBench(options: { subscribers?: number; rate?: number; log?: (line: string) => void } = {}): Promise<BroadcastBenchRow[]> {
  const subscribers = options.subscribers ?? 10_000;
  const rate = options.rate ?? 1000;
  const log = options.log ?? ((line: string) => console.log(line));
  const rows = [
    await runOnce({ name: 'clean', subscribers, rate }),
    await runOnce({ name: '2% 429, 1% 403', subscribers, rate, flood: (i) => i % 50 === 0, blocking: (i) => i % 100 === 1 }),
  ];
  log(`\nBroadcast: ${subscribers.toLocaleString('en')} subscribers, fake Telegram Bot API on 127.0.0.1, limit ${rate} msg/s`);
  const table = rows.map((r) => ({
    run: r.run,
    'msg/s': r.achievedPerSecond,
    'of limit': `${(r.shareOfLimit * 100).toFixed(1)} %`,
    'total s': r.seconds,
    sent: r.sent,
    blocked: r.blocked,
    duplicates: r.duplicates,
    losses: r.losses,
    'peak RSS MB': r.peakRssMb,
    'loop busy': `${Math.round(r.eventLoopBusy * 100)} %`,
  }));
  console.table(table);
  const ok = rows[0].shareOfLimit >= 0.9 && rows.every((r) => r.duplicates === 0 && r.losses === 0);
  log(ok ? 'Targets met: ≥ 90 % of the limit, 0 duplicates, 0 losses.' : 'TARGETS MISSED (≥ 90 % of the limit, 0 duplicates, 0 losses).');
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runBroadcastBench().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
