// `npm run bench -- soak [MINUTES]` (default 10): the service as `npm start` runs it (its own
// process, Telegram against the fake Bot API on 127.0.0.1) driven for MINUTES with web chat
// questions from many addresses (X-Forwarded-For behind a trusted proxy), an admin refresh every
// minute, and a broadcast to 10,000 subscribers in the middle. Reports errors, latency and the
// service's RSS at start and end (read from /proc).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.js';
import { Store } from '../src/db/store.js';
import { percentile } from '../src/engine/stats.js';
import { randomToken } from '../src/secret-strength.js';
import { startFakeTelegram } from '../test/fakes/telegram-api.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const QUESTIONS = [
  'Cầu Đội Kỳ đã xong chưa?',
  'cau doi ky da xong chua',
  'Sân vận động tỉnh đang làm gì?',
  'Nghị quyết 07 nói gì về nếp sống văn minh?',
  'Chợ Nguyễn Thị Minh Khai?',
  'thời tiết mai thế nào',
];
const SUBSCRIBERS = 10_000;
const CONCURRENCY = 8;

const rssMb = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);

export async function runSoakBench(minutes = 10): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicbot-soak-'));
  const tg = await startFakeTelegram();
  const admin = randomToken();
  const staff = randomToken();
  const vars: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: path.join(dir, 'data'),
    KNOWLEDGE_DIR: path.join(dir, 'knowledge'),
    PORT: '0',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'warn',
    ADMIN_TOKEN: admin,
    STAFF_TOKEN: staff,
    TRUST_PROXY: '127.0.0.1',
    WEB_RATE_LIMIT_PER_MINUTE: '100000',
    TELEGRAM_BOT_TOKEN: '123456:soak-token-abcdefghijklmnopqrstuvwxyz',
    TELEGRAM_API_ROOT: tg.apiRoot,
    TELEGRAM_RATE_PER_SECOND: '1000',
    TELEGRAM_PER_CHAT_INTERVAL_MS: '0',
  };
  fs.cpSync(path.join(ROOT, 'knowledge'), vars.KNOWLEDGE_DIR, { recursive: true });
  const store = Store.open(loadConfig(vars, ROOT).paths.database);
  store.transaction(() => {
    for (let i = 1; i <= SUBSCRIBERS; i++) store.subscribers.subscribe({ channel: 'telegram', chatId: String(i), topics: [] });
  });
  store.close();

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...vars, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setInterval(() => {
      const m = /"url":"(http:\/\/[^"]+?)\/?"[^\n]*web chat: open/.exec(out);
      if (m && out.includes('knowledge index ready')) clearInterval(t), resolve(m[1]);
      if (child.exitCode !== null) clearInterval(t), reject(new Error(`service exited:\n${out}`));
    }, 100);
  });
  const rssStart = rssMb(child.pid!);
  const latencies: number[] = [];
  let errors = 0;
  let asked = 0;
  const end = Date.now() + minutes * 60_000;
  const worker = async (w: number) => {
    for (let i = 0; Date.now() < end; i++) {
      const started = performance.now();
      try {
        const res = await fetch(`${url}/api/ask`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.${w}.${(i >> 8) & 255}.${i & 255}` },
          body: JSON.stringify({ question: QUESTIONS[(w + i) % QUESTIONS.length] }),
        });
        if (res.status !== 200) errors++;
        await res.arrayBuffer();
      } catch {
        errors++;
      }
      latencies.push(performance.now() - started);
      asked++;
    }
  };
  const refresher = setInterval(() => {
    fetch(`${url}/api/admin/refresh`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } })
      .then((r) => r.status !== 200 && errors++)
      .catch(() => errors++);
  }, 60_000);
  const broadcast = setTimeout(
    () => {
      fetch(`${url}/api/staff/announcements`, {
        method: 'POST',
        headers: { authorization: `Bearer ${staff}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Thông báo thử tải', body: 'Nội dung thông báo gửi tới mười nghìn người đăng ký.', send: true }),
      })
        .then((r) => r.status !== 201 && errors++)
        .catch(() => errors++);
    },
    (minutes * 60_000) / 2,
  );
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, w) => worker(w)));
  clearInterval(refresher);
  clearTimeout(broadcast);
  const rssEnd = rssMb(child.pid!);
  child.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  const reached = tg.countByChat().size;
  await tg.close();
  fs.rmSync(dir, { recursive: true, force: true });
  const sorted = latencies.sort((a, b) => a - b);
  console.log('| minutes | questions | errors | p50 | p99 | RSS start | RSS end | growth | broadcast reached | exit code |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  console.log(
    `| ${minutes} | ${asked.toLocaleString('en-US')} | ${errors} | ${percentile(sorted, 50).toFixed(1)} ms | ${percentile(sorted, 99).toFixed(1)} ms | ${rssStart} MB | ${rssEnd} MB | ${(((rssEnd - rssStart) / rssStart) * 100).toFixed(1)} % | ${reached.toLocaleString('en-US')} / ${SUBSCRIBERS.toLocaleString('en-US')} | ${code} |`,
  );
}
