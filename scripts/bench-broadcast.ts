// Broadcast benchmark: 10,000 subscribers against the fake Telegram Bot API on 127.0.0.1 with the
// limit raised to 1,000 messages/s. Reports the achieved rate as a share of the limit (target
// ≥ 90 %), duplicates and losses counted at the fake server (target 0), and the peak RSS of the
// sending process; a second run has 2 % of chats answer 429 once (retry_after 1) and 1 % answer 403.
// Each run's sender (broadcast service, delivery worker, SQLite) is a child process of its own, so
// its peak RSS and event-loop load are the sender's alone; the fake server runs in this process.
// A missed target sets a non-zero exit code.
//   npx tsx scripts/bench-broadcast.ts
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { type BroadcastProgress, BroadcastService } from '../src/broadcast/service.js';
import { configuredSenders } from '../src/channels/senders.js';
import type { Config } from '../src/config.js';
import { Store } from '../src/db/store.js';
import { createLogger } from '../src/logger.js';
import { startFakeTelegram } from '../test/fakes/telegram-api.js';
import { fakeTelegramConfig } from './bench-config.js';

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
  /** Peak RSS of the sending process. */
  peakRssMb: number;
  /** Share of the time the sending process's event loop was busy. */
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

interface SenderResult {
  progress: BroadcastProgress;
  peakRssMb: number;
  eventLoopBusy: number;
}

const SELF = fileURLToPath(import.meta.url);
const run = promisify(execFile);

const benchConfig = (dir: string, apiRoot: string, rate: number): Config => fakeTelegramConfig(dir, { apiRoot, rate });

/** Child-process side: sends one announcement to everyone in the database and reports. */
async function sendAll(dir: string, apiRoot: string, rate: number): Promise<SenderResult> {
  const config = benchConfig(dir, apiRoot, rate);
  const logger = createLogger({ level: 'silent' });
  const store = Store.open(config.paths.database);
  const service = new BroadcastService({ store, config, logger, senders: configuredSenders(config, logger) });
  const loop = performance.eventLoopUtilization();
  service.start();
  const a = service.create({ title: 'Thông báo thử tải', body: 'Nội dung thông báo gửi cho mọi người đăng ký.', author: 'bench' });
  service.sendNow(a.id);
  const progress = await service.waitUntilFinished(a.id);
  await service.stop();
  const eventLoopBusy = performance.eventLoopUtilization(loop).utilization;
  store.close();
  return { progress, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), eventLoopBusy };
}

async function runOnce(o: RunOptions): Promise<BroadcastBenchRow> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-broadcast-'));
  const tg = await startFakeTelegram();
  try {
    const store = Store.open(benchConfig(dir, tg.apiRoot, o.rate).paths.database);
    store.transaction(() => {
      for (let i = 1; i <= o.subscribers; i++) store.subscribers.subscribe({ channel: 'telegram', chatId: String(i), topics: [] });
    });
    store.close();
    for (let i = 1; i <= o.subscribers; i++) {
      if (o.blocking?.(i)) tg.failFor(i, { code: 403, description: 'Forbidden: bot was blocked by the user' });
      else if (o.flood?.(i)) tg.failFor(i, { code: 429, retryAfter: 1 }, 1);
    }

    // Asynchronous: the fake server in this process keeps answering while the sender runs.
    const { stdout } = await run(process.execPath, ['--import', 'tsx', SELF, 'send', dir, tg.apiRoot, String(o.rate)], {
      maxBuffer: 1 << 20,
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as SenderResult;

    const perChat = tg.countByChat();
    const sends = tg.calls.filter((c) => c.method === 'sendMessage');
    // The achieved rate is measured over the first pass (before any retry_after wait at the end).
    const firstPass = sends.slice(0, o.subscribers).map((c) => c.at);
    const times = sends.map((c) => c.at);
    let duplicates = 0;
    let losses = 0;
    for (let i = 1; i <= o.subscribers; i++) {
      const n = perChat.get(String(i)) ?? 0;
      if (n > 1) duplicates += n - 1;
      if (n === 0 && !o.blocking?.(i)) losses++;
    }
    const achieved = (firstPass.length - 1) / ((Math.max(...firstPass) - Math.min(...firstPass)) / 1000);
    return {
      run: o.name,
      subscribers: o.subscribers,
      limitPerSecond: o.rate,
      achievedPerSecond: Math.round(achieved),
      shareOfLimit: achieved / o.rate,
      seconds: Math.round(((Math.max(...times) - Math.min(...times)) / 1000) * 10) / 10,
      sent: result.progress.sent,
      blocked: result.progress.blocked,
      duplicates,
      losses,
      peakRssMb: result.peakRssMb,
      eventLoopBusy: result.eventLoopBusy,
    };
  } finally {
    await tg.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function runBroadcastBench(
  options: { subscribers?: number; rate?: number; log?: (line: string) => void } = {},
): Promise<BroadcastBenchRow[]> {
  const subscribers = options.subscribers ?? 10_000;
  const rate = options.rate ?? 1000;
  const log = options.log ?? ((line: string) => console.log(line));
  const rows = [
    await runOnce({ name: 'clean', subscribers, rate }),
    await runOnce({ name: '2% 429, 1% 403', subscribers, rate, flood: (i) => i % 50 === 0, blocking: (i) => i % 100 === 1 }),
  ];
  log(`\nBroadcast: ${subscribers.toLocaleString('en')} subscribers, fake Telegram Bot API on 127.0.0.1, limit ${rate} msg/s`);
  console.table(
    rows.map((r) => ({
      run: r.run,
      'msg/s': r.achievedPerSecond,
      'of limit': `${(r.shareOfLimit * 100).toFixed(1)} %`,
      'total s': r.seconds,
      sent: r.sent,
      blocked: r.blocked,
      duplicates: r.duplicates,
      losses: r.losses,
      'sender peak RSS MB': r.peakRssMb,
      'sender loop busy': `${Math.round(r.eventLoopBusy * 100)} %`,
    })),
  );
  const ok = rows[0].shareOfLimit >= 0.9 && rows.every((r) => r.duplicates === 0 && r.losses === 0);
  log(ok ? 'Targets met: ≥ 90 % of the limit, 0 duplicates, 0 losses.' : 'TARGETS MISSED (≥ 90 % of the limit, 0 duplicates, 0 losses).');
  if (!ok) process.exitCode = 1;
  return rows;
}

// Child-process entry: `send DIR API_ROOT RATE` prints one JSON line; with no argument, the whole benchmark.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [phase, dir, apiRoot, rate] = process.argv.slice(2);
  const main = phase === 'send' ? sendAll(dir, apiRoot, Number(rate)).then((r) => console.log(JSON.stringify(r))) : runBroadcastBench();
  main.catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
