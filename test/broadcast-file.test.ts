// Announcement files and the broadcast CLI: good files go out, bad ones are refused with a clear
// message and nothing is stored or queued.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAnnouncementFile } from '../src/broadcast/announcement-file.js';
import { AnnouncementError, BroadcastService } from '../src/broadcast/service.js';
import { createTelegramSender } from '../src/channels/telegram/sender.js';
import { runBroadcastCli } from '../src/cli/broadcast.js';
import { Store } from '../src/db/store.js';
import { parseCityDateEnd, parseCityTime } from '../src/domain/index.js';
import { type FakeTelegram, startFakeTelegram } from './fakes/telegram-api.js';
import { seedSubscribers, silentLogger, TEST_TOKEN, testConfig, WARDS } from './helpers/broadcast-child.js';
import { writeCityFile } from './helpers/city.js';

const fixture = (name: string) => path.join(import.meta.dirname, 'fixtures/broadcast', name);
const read = (name: string) => fs.readFileSync(fixture(name), 'utf8');

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof AnnouncementError) return e.problems;
    throw e;
  }
  throw new Error('expected an AnnouncementError');
}

describe('parseAnnouncementFile', () => {
  it('reads the front matter: title, topics, wards, expiry (end of that day, city time)', () => {
    const d = parseAnnouncementFile(read('phan-luong.md'), { author: 'cli:test' });
    expect(d).toMatchObject({
      title: 'Phân luồng giao thông đường Trần Phú',
      topics: ['giao-thong'],
      wards: ['Đức Xuân'],
      author: 'cli:test',
    });
    expect(d.body).toMatch(/^Từ ngày 01\/12\/2026.*bình thường\.$/s);
    expect(d.expiresAt!.toISOString()).toBe('2026-12-31T17:00:00.000Z');
  });

  it('takes the title from the first heading when there is no front matter', () => {
    const d = parseAnnouncementFile(read('heading-only.md'), { author: 'a', topics: ['van-hoa-xa-hoi'] });
    expect(d).toMatchObject({
      title: 'Lịch tiêm chủng tháng 12',
      body: 'Trạm y tế phường tiêm chủng mở rộng vào sáng thứ Bảy hằng tuần.',
      topics: ['van-hoa-xa-hoi'],
    });
  });

  it('refuses an empty file', () => {
    expect(problemsOf(() => parseAnnouncementFile(read('empty.md'), { author: 'a' }))).toEqual(['Tệp thông báo trống.']);
  });

  it('refuses broken front matter, naming the line of the file', () => {
    const [problem] = problemsOf(() => parseAnnouncementFile(read('broken-front-matter.md'), { author: 'a' }));
    expect(problem).toMatch(/^Phần đầu \(front matter\) lỗi ở dòng [345]: thụt lề sai, hoặc thiếu dấu đóng \] hay \} \(/);
    expect(problemsOf(() => parseAnnouncementFile(read('unclosed.md'), { author: 'a' }))[0]).toMatch(/không có dòng "---" đóng lại/);
    expect(problemsOf(() => parseAnnouncementFile('---\ntopic: [1, {a: b}]\nhan: x\n---\nT\nB', { author: 'a' }))).toEqual([
      'Phần đầu: "topic" phải là một danh sách hoặc một dòng chữ.',
      expect.stringContaining('không hiểu khóa "han"'),
    ]);
  });

  it('refuses a text too long for one message (the smallest limit of the target channels)', () => {
    const long = `# Tiêu đề\n\n${'Nội dung dài. '.repeat(200)}`;
    expect(problemsOf(() => parseAnnouncementFile(long, { author: 'a' }))[0]).toMatch(
      /^Quá dài cho một tin Zalo: 2\.\d{3} ký tự, tối đa 2\.000\.$/,
    );
    expect(parseAnnouncementFile(long, { author: 'a', channels: ['telegram'] }).title).toBe('Tiêu đề');
  });
});

describe('city time', () => {
  it('reads staff times in Asia/Ho_Chi_Minh (UTC+7) and rejects impossible dates', () => {
    expect(parseCityTime('2026-12-01 07:00')!.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(parseCityDateEnd('2026-12-31')!.toISOString()).toBe('2026-12-31T17:00:00.000Z');
    expect(parseCityTime('2026-02-30 07:00')).toBeUndefined();
    expect(parseCityTime('mai 7 giờ')).toBeUndefined();
  });
});

describe('npm run broadcast', () => {
  let dir: string;
  let tg: FakeTelegram;
  let out: string[];
  let err: string[];
  let env: Record<string, string>;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcast-cli-'));
    tg = await startFakeTelegram();
    out = [];
    err = [];
    env = {
      DATA_DIR: dir,
      KNOWLEDGE_DIR: path.join(dir, 'knowledge'),
      CITY_FILE: writeCityFile({ name: 'Bắc Kạn', wards: WARDS }),
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_RATE_PER_SECOND: '500',
      TELEGRAM_PER_CHAT_INTERVAL_MS: '0',
    };
    const store = Store.open(path.join(dir, 'civicbot.db'));
    seedSubscribers(store, 10);
    store.subscribers.subscribe({ channel: 'telegram', chatId: '100', topics: ['do-thi'], wards: ['Sông Cầu'] });
    store.close();
  });

  afterEach(async () => {
    await tg.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (...argv: string[]) =>
    runBroadcastCli(argv, { env, cwd: dir, io: { out: (l) => out.push(l), err: (l) => err.push(l) }, progressIntervalMs: 20 });
  const stored = () => {
    const store = Store.open(path.join(dir, 'civicbot.db'));
    try {
      return {
        announcements: store.announcements.count(),
        deliveries: store.outbox.total(),
      };
    } finally {
      store.close();
    }
  };

  it('--dry-run shows the text and recipients per channel, and stores nothing', async () => {
    expect(await run('--file', fixture('phan-luong.md'), '--dry-run')).toBe(0);
    expect(out[0]).toBe('Sẽ gửi tới 10 người (Telegram: 10).');
    expect(out).toContain('  Zalo: chưa cấu hình, không gửi.');
    expect(out.join('\n')).toContain('Phân luồng giao thông đường Trần Phú\n\nTừ ngày 01/12/2026');
    expect(stored()).toEqual({ announcements: 0, deliveries: 0 });
    expect(tg.sent()).toHaveLength(0);
  });

  it('sends now, shows the final report, and every subscriber gets it once', async () => {
    expect(await run('--file', fixture('heading-only.md'), '--topic', 'do-thi', '--ward', 'Sông Cầu')).toBe(0);
    expect(out.join('\n')).toMatch(/Sẽ gửi tới 11 người[\s\S]*Đã tạo thông báo số 1\.[\s\S]*đã gửi xong\.\nĐã gửi: 11\/11\nLỗi: 0/);
    expect(tg.countByChat().size).toBe(11);
    expect(Math.max(...tg.countByChat().values())).toBe(1);
    expect(fs.readdirSync(path.join(dir, 'knowledge/thong-bao'))).toEqual(['1-lich-tiem-chung-thang-12.md']);
  });

  it('--at stores the announcement as scheduled for the service and sends nothing now', async () => {
    expect(await run('--file', fixture('heading-only.md'), '--at', '2099-12-01 07:00')).toBe(0);
    expect(out.at(-1)).toBe('Đã hẹn gửi thông báo số 1 lúc 01/12/2099 07:00 (giờ Việt Nam).');
    expect(stored()).toEqual({ announcements: 1, deliveries: 0 });
    expect(tg.sent()).toHaveLength(0);
  });

  it.each([
    ['empty.md', /Tệp thông báo trống/],
    ['broken-front-matter.md', /lỗi ở dòng \d/],
  ])('refuses %s with a clear message and queues nothing', async (name, message) => {
    expect(await run('--file', fixture(name))).toBe(1);
    expect(err.join('\n')).toMatch(message);
    expect(stored()).toEqual({ announcements: 0, deliveries: 0 });
  });

  it('refuses a text too long, an unknown topic or ward, and a bad --at', async () => {
    const long = path.join(dir, 'dai.md');
    fs.writeFileSync(long, `# Tiêu đề\n\n${'x'.repeat(5000)}`);
    expect(await run('--file', long)).toBe(1);
    expect(await run('--file', fixture('heading-only.md'), '--topic', 'thoi-tiet', '--ward', 'Hà Nội')).toBe(1);
    expect(await run('--file', fixture('heading-only.md'), '--at', 'ngày mai')).toBe(1);
    expect(err.join('\n')).toMatch(
      /Quá dài cho một tin Telegram: 5\.009 ký tự, tối đa 4\.096[\s\S]*Không có chủ đề "thoi-tiet"[\s\S]*Không có phường\/xã "Hà Nội"[\s\S]*--at: không đọc được "ngày mai"/,
    );
    expect(stored()).toEqual({ announcements: 0, deliveries: 0 });
  });

  it('--progress and --cancel: where an announcement stands, and stopping it', async () => {
    expect(await run('--file', fixture('heading-only.md'), '--at', '2099-12-01 07:00')).toBe(0);
    out.length = 0;
    expect(await run('--progress', '1')).toBe(0);
    expect(out).toEqual([
      'Thông báo số 1 «Lịch tiêm chủng tháng 12»: đã hẹn giờ.',
      'Đã hẹn gửi thông báo số 1 lúc 01/12/2099 07:00 (giờ Việt Nam).',
    ]);
    out.length = 0;
    expect(await run('--cancel', '1')).toBe(0);
    expect(out[0]).toBe('Đã hủy thông báo số 1; những tin chưa gửi sẽ không gửi nữa.');
    expect(out[1]).toMatch(/^Thông báo số 1 «Lịch tiêm chủng tháng 12» đã hủy\.\nĐã gửi: 0\/0/);
    expect(await run('--cancel', '1')).toBe(1);
    expect(err.at(-1)).toBe('Thông báo số 1 đã hủy, không hủy được.');
    expect(await run('--progress', '7')).toBe(1);
    expect(err.at(-1)).toBe('Không có thông báo số 7.');
    expect(await run('--cancel', 'abc')).toBe(1);
    expect(err.at(-1)).toBe('--cancel: "abc" không phải số thông báo.');
    expect(tg.sent()).toHaveLength(0);
  });

  it('--progress prints the final report of a finished announcement', async () => {
    expect(await run('--file', fixture('heading-only.md'))).toBe(0);
    out.length = 0;
    expect(await run('--progress', '1')).toBe(0);
    expect(out).toEqual([
      'Thông báo số 1 «Lịch tiêm chủng tháng 12» đã gửi xong.\nĐã gửi: 11/11\nLỗi: 0\nĐã chặn bot (ngừng gửi cho họ): 0',
    ]);
  });

  it('--cancel stops a running announcement that another process is sending', async () => {
    const store = Store.open(path.join(dir, 'civicbot.db'));
    seedSubscribers(store, 300, 'telegram', 1000);
    const config = testConfig(dir, { TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_RATE_PER_SECOND: '100' });
    const service = new BroadcastService({
      store,
      config,
      logger: silentLogger(),
      senders: [createTelegramSender(config.telegram!, silentLogger())],
      options: { tickMs: 20 },
    });
    service.start();
    try {
      const a = service.sendNow(service.create({ title: 'Dài', body: 'Nội dung', author: 't' }).id);
      await tg.waitFor(() => tg.sent().length >= 20);
      expect(await run('--progress', String(a.id))).toBe(0);
      expect(out.at(-1)).toMatch(/^Đã gửi \d+\/311 · lỗi 0 · chờ \d+/);
      expect(await run('--cancel', String(a.id))).toBe(0);
      const final = await service.waitUntilFinished(a.id);
      expect(final.status).toBe('cancelled');
      expect(final.skipped).toBeGreaterThan(100);
      // Sends in flight at the cancel are still recorded; stopping waits for them.
      await service.stop();
      expect(tg.sent().length).toBe(service.progress(a.id).sent);
    } finally {
      await service.stop();
      store.close();
    }
  });

  it('only queues when a running service delivers the channel, and that service sends it', async () => {
    const store = Store.open(path.join(dir, 'civicbot.db'));
    const serviceToken = '999999:SERVICE-token-of-the-running-service';
    const config = testConfig(dir, { TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_BOT_TOKEN: serviceToken, TELEGRAM_RATE_PER_SECOND: '500' });
    const service = new BroadcastService({
      store,
      config,
      logger: silentLogger(),
      senders: [createTelegramSender(config.telegram!, silentLogger())],
      options: { tickMs: 20, worker: { idlePollMs: 20 } },
    });
    service.start();
    try {
      while (!store.leases.holder('telegram')) await new Promise((r) => setTimeout(r, 10));
      expect(await run('--file', fixture('heading-only.md'))).toBe(0);
      expect(out.at(-1)).toBe(
        'Dịch vụ đang chạy sẽ gửi thông báo số 1 (nó đang đảm nhận việc gửi trên các kênh này). Xem tiến độ: npm run broadcast -- --progress 1',
      );
      expect(await service.waitUntilFinished(1)).toMatchObject({ status: 'done', sent: 11 });
      expect(tg.sent().every((c) => c.token === serviceToken)).toBe(true);
      expect(tg.countByChat().size).toBe(11);
    } finally {
      await service.stop();
      store.close();
    }
  });

  it('reports a bad configuration and exits 1', async () => {
    env.TELEGRAM_RATE_PER_SECOND = 'nhanh';
    expect(await run('--file', fixture('heading-only.md'))).toBe(1);
    expect(err[0]).toMatch(/^Cấu hình không hợp lệ:\n {2}- TELEGRAM_RATE_PER_SECOND/);
  });
});
