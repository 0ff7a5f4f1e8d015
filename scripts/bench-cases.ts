// Cases benchmark: 10,000 cases (questions and field reports) opened by 2,000 Telegram residents
// (5 each, the default daily limit), three status changes each, every change's notice (and the
// rating question of a closed case) delivered through the real outbox and delivery worker to the
// fake Telegram Bot API on 127.0.0.1 with the limit raised to 1,000 messages/s and, by default, no
// gap between two messages to one chat (the fake has no per-chat limit; a run with the service's
// default 1,000 ms shows what the per-chat order costs when each resident has many). Reports cases
// opened and status changes per second, the time until the last notice arrives, notices delivered
// against expected (and duplicates: none may arrive twice), the staff console's list and figures
// queries at 10,000 cases, the database size and the service's RSS.
// The service (core, CaseService, outbox, delivery worker, SQLite) runs in a child process of its
// own, so its RSS and event loop are its alone; the fake server runs in this process.
//   npm run bench -- cases [CASES] [PER_CHAT_MS] [DEADLINE_MINUTES]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openCore } from '../src/compose.js';
import type { CaseFilter } from '../src/db/cases.js';
import type { CaseStatus, ChatRef } from '../src/domain/index.js';
import { createLogger } from '../src/logger.js';
import { startFakeTelegram } from '../test/fakes/telegram-api.js';
import { fakeTelegramConfig } from './bench-config.js';

const SELF = fileURLToPath(import.meta.url);
const PER_RESIDENT = 5;
/** Each case lives three changes; half end resolved, half closed (which also asks for a rating). */
const PATHS: readonly (readonly CaseStatus[])[] = [
  ['accepted', 'in_progress', 'resolved'],
  ['accepted', 'in_progress', 'closed'],
];
const noticesOf = (i: number) => 3 + (PATHS[i % 2].at(-1) === 'closed' ? 1 : 0);

interface ServiceFigures {
  opened: number;
  openSeconds: number;
  changes: number;
  changeSeconds: number;
  changesStartedAt: number;
  changesEndedAt: number;
}

interface QueryFigures {
  /** Median ms per filter. */
  list: Record<string, number>;
  figures: Record<string, number>;
  dbMb: number;
  rssMb: number;
  peakRssMb: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

function timeMedian(runs: number, work: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    work();
    times.push(performance.now() - t);
  }
  return Math.round(median(times) * 100) / 100;
}

/** Child side: opens the cases, changes their statuses, then waits for `measure` and `stop` on stdin. */
async function serve(dir: string, apiRoot: string, rate: number, total: number, perChatMs: number): Promise<void> {
  const config = fakeTelegramConfig(dir, {
    dataDir: path.join(dir, 'data'),
    apiRoot,
    rate,
    perChatMs,
    vars: { CASE_DAILY_LIMIT: String(PER_RESIDENT) },
  });
  const core = await openCore(config, { logger: createLogger({ level: 'silent' }), buildIndex: false });
  const { cases, broadcast } = core;
  broadcast.start();
  const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

  const categories = cases.categories.map((c) => c.slug);
  const wards = config.city.wards.map((w) => w.name);
  const resident = (i: number): ChatRef => {
    const chat = String(100_000 + Math.floor(i / PER_RESIDENT));
    return { channel: 'telegram', chatId: chat, userId: chat, displayName: `Cư dân ${chat}` };
  };

  const ids: number[] = [];
  let t = performance.now();
  for (let i = 0; i < total; i++) {
    const ref = resident(i);
    const opened =
      i % 2 === 0
        ? cases.openQuestion(ref, `Câu hỏi số ${i}: khi nào phường xử lý hồ sơ cấp phép xây dựng của tôi?`)
        : cases.openReport(ref, {
            category: categories[i % categories.length],
            ward: wards[i % wards.length],
            address: `Số ${i % 200} đường Trường Chinh`,
            location: i % 3 === 0 ? { latitude: 22.14 + (i % 100) / 10_000, longitude: 105.83 + (i % 70) / 10_000 } : undefined,
            description: `Phản ánh số ${i}: đèn đường hỏng, rác chưa thu gom ở ngõ ${i % 50}.`,
            photos: [],
          });
    ids.push(opened.case.id);
  }
  const openSeconds = (performance.now() - t) / 1000;

  const changesStartedAt = Date.now();
  t = performance.now();
  let changes = 0;
  for (let step = 0; step < 3; step++)
    for (let i = 0; i < ids.length; i++) {
      cases.changeStatus(ids[i], PATHS[i % 2][step], `Cán bộ ${i % 12}`);
      changes++;
    }
  const changeSeconds = (performance.now() - t) / 1000;
  // A rating from one closed case in three, for the satisfaction figure.
  for (let i = 1; i < ids.length; i += 6) cases.rate(resident(i), ids[i], 1 + (i % 5));
  say({ phase: 'changed', opened: ids.length, openSeconds, changes, changeSeconds, changesStartedAt, changesEndedAt: Date.now() });

  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'measure') {
      const page = { limit: 50, offset: 0 };
      const filters: Record<string, CaseFilter> = {
        'all, newest first': {},
        'open (not closed)': { status: 'open' },
        'status resolved': { status: 'resolved' },
        category: { category: categories[1] },
        'ward + category + open': { ward: wards[0], category: categories[1], status: 'open' },
        overdue: { overdue: true },
        'words in the text': { text: 'đèn đường' },
        'case number': { text: 'BK-005000' },
      };
      const list: Record<string, number> = {};
      for (const [name, filter] of Object.entries(filters)) list[name] = timeMedian(21, () => cases.list(filter, page));
      list['all, page 100 (offset 4,950)'] = timeMedian(21, () => cases.list({}, { limit: 50, offset: 4950 }));
      const figures = {
        'per category': timeMedian(11, () => cases.figures('category', 0)),
        'per ward': timeMedian(11, () => cases.figures('ward', 0)),
      };
      const db = config.paths.database;
      const size = (f: string) => (fs.existsSync(f) ? fs.statSync(f).size : 0);
      say({
        phase: 'measured',
        list,
        figures,
        dbMb: Math.round(((size(db) + size(`${db}-wal`)) / 1024 / 1024) * 10) / 10,
        rssMb: Math.round(process.memoryUsage().rss / 1024 / 1024),
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      } satisfies QueryFigures & { phase: string });
    }
    if (line === 'stop') break;
  }
  await core.close();
}

export interface CasesBenchOptions {
  cases?: number;
  rate?: number;
  /** TELEGRAM_PER_CHAT_INTERVAL_MS of the service (default 0: the fake API has no per-chat limit). */
  perChatMs?: number;
  /** How long to wait for the notices before reporting what arrived. */
  deadlineMinutes?: number;
  log?: (line: string) => void;
}

export async function runCasesBench(options: CasesBenchOptions = {}): Promise<void> {
  const total = options.cases ?? 10_000;
  const rate = options.rate ?? 1000;
  const perChatMs = options.perChatMs ?? 0;
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cases-'));
  fs.mkdirSync(path.join(dir, 'knowledge'));
  const tg = await startFakeTelegram();
  const expected = Array.from({ length: total }, (_, i) => noticesOf(i)).reduce((a, b) => a + b, 0);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', SELF, 'serve', dir, tg.apiRoot, String(rate), String(total), String(perChatMs)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async <T>(phase: string): Promise<T> => {
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error(`the service exited before "${phase}"`);
      const parsed = JSON.parse(value) as { phase: string };
      if (parsed.phase === phase) return parsed as T;
    }
  };
  try {
    const service = await next<ServiceFigures>('changed');
    const delivered = () => tg.calls.filter((c) => c.ok && c.method === 'sendMessage').length;
    const deadline = Date.now() + (options.deadlineMinutes ?? 15) * 60_000;
    while (delivered() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    // A little longer: anything sent twice would show up now.
    await new Promise((r) => setTimeout(r, 2000));
    const sends = tg.calls.filter((c) => c.ok && c.method === 'sendMessage');
    const seen = new Set<string>();
    let duplicates = 0;
    for (const c of sends) {
      const key = `${c.params.chat_id}\u0000${c.params.text}`;
      if (seen.has(key)) duplicates++;
      seen.add(key);
    }
    const lastAt = Math.max(...sends.map((c) => c.at));
    child.stdin.write('measure\n');
    const q = await next<QueryFigures>('measured');
    child.stdin.end('stop\n');
    await new Promise((r) => child.once('exit', r));

    const perSecond = (n: number, s: number) => Math.round(n / s).toLocaleString('en');
    log(
      `\nCases: ${total.toLocaleString('en')} opened by ${Math.ceil(total / PER_RESIDENT).toLocaleString('en')} Telegram residents, 3 status changes each, notices to the fake Telegram Bot API at ${rate} msg/s`,
    );
    console.table({
      'cases opened': {
        value: service.opened,
        'per second': perSecond(service.opened, service.openSeconds),
        seconds: service.openSeconds.toFixed(1),
      },
      'status changes': {
        value: service.changes,
        'per second': perSecond(service.changes, service.changeSeconds),
        seconds: service.changeSeconds.toFixed(1),
      },
    });
    console.table({
      notices: {
        expected,
        delivered: sends.length,
        duplicates,
        'last one, s after the first change': ((lastAt - service.changesStartedAt) / 1000).toFixed(1),
        'after the last change': ((lastAt - service.changesEndedAt) / 1000).toFixed(1),
        'msg/s': perSecond(sends.length, (lastAt - service.changesStartedAt) / 1000),
      },
    });
    log(`Console list (CaseService.list, 50 a page) at ${total.toLocaleString('en')} cases, median ms:`);
    console.table(q.list);
    log('Figures (CaseService.figures, all time), median ms:');
    console.table(q.figures);
    log(`Database ${q.dbMb} MB; service RSS ${q.rssMb} MB (peak ${q.peakRssMb} MB).`);
    const ok = sends.length === expected && duplicates === 0;
    log(ok ? 'Every notice delivered once.' : 'NOTICES LOST OR SENT TWICE.');
    if (!ok) process.exitCode = 1;
  } finally {
    if (child.exitCode === null) child.kill();
    await tg.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Child-process entry: `serve DIR API_ROOT RATE CASES`; with no argument, the whole benchmark.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [phase, dir, apiRoot, rate, total, perChatMs] = process.argv.slice(2);
  const main = phase === 'serve' ? serve(dir, apiRoot, Number(rate), Number(total), Number(perChatMs)) : runCasesBench();
  main.catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
