// The staff side of cases in a real browser (Debian's Chromium) against the real service: sign in,
// filter the case list (overdue cases stand out), open a report with its photo and map link, reply
// (it reaches the resident's Telegram chat through the outbox, a fake Bot API here, and the case
// then says so), change the status, add an internal note, assign it, turn the reply into a curated answer; a
// resident's markup shows as text; the overview shows the figures per category and ward. With
// CONSOLE_SCREENSHOTS=docs/screenshots the pages are also saved at 360 and 1280 px.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseService } from '../src/core/case-service.js';
import { PhotoFiles } from '../src/db/case-photos.js';
import type { Case } from '../src/domain/index.js';
import { createLogger } from '../src/logger.js';
import { type FakeTelegram, startFakeTelegram } from './fakes/telegram-api.js';
import { PNG } from './fixtures/images.js';
import { type Browser, launchChromium } from './helpers/browser.js';
import { type ConsoleFixture, PASSWORD, startConsole } from './helpers/console.js';

let fx: ConsoleFixture;
let tg: FakeTelegram;
let browser: Browser;
let staff: Page;
let flood: Case;
let old: Case;
let hostile: Case;
const SHOTS = process.env.CONSOLE_SCREENSHOTS;

beforeAll(async () => {
  tg = await startFakeTelegram({ maxPollSeconds: 1 });
  fx = await startConsole({ TELEGRAM_BOT_TOKEN: '123456:telegram-token-abcdefghijklmnopqrstuvwxyz', TELEGRAM_API_ROOT: tg.apiRoot });
  await fx.addUser('lan', 'admin', 'Nguyễn Thị Lan');
  await fx.addUser('minh', 'staff', 'Trần Văn Minh');
  const cases = fx.service.cases;
  cases.openQuestion({ channel: 'zalo', chatId: 'z1', userId: 'z1', displayName: 'Phạm Thu Hà' }, 'Làm lại giấy khai sinh bị mất ở đâu?');
  flood = cases.openReport(
    { channel: 'telegram', chatId: '77', userId: '77', displayName: 'Hoàng Văn Nam' },
    {
      category: 'ngap-ung',
      ward: 'Đức Xuân',
      address: '12 Trường Chinh',
      location: { latitude: 22.1471, longitude: 105.8348 },
      description: 'Nước ngập nửa bánh xe trước số 12',
      photos: [await cases.keepPhoto(PNG)],
    },
  ).case;
  hostile = cases.openQuestion(
    { channel: 'web', chatId: 'b1', userId: 'b1' },
    '<img src=x onerror="window.pwned=1"> đường <b>Nguyễn Văn Cừ</b> hỏng',
  ).case;
  const tenDaysAgo = new CaseService({
    store: fx.service.store,
    city: fx.env.config.city,
    photos: new PhotoFiles(`${fx.env.config.paths.data}/scratch-photos`, 1024 * 1024),
    outbox: { enqueue: () => undefined, wake: () => undefined },
    logger: createLogger({ level: 'silent' }),
    limits: { dailyLimit: 5, maxPhotos: 5 },
    now: () => Date.now() - 10 * 86_400_000,
  });
  old = tenDaysAgo.openReport(
    { channel: 'telegram', chatId: '78', userId: '78' },
    { category: 'ngap-ung', ward: 'Sông Cầu', description: 'Cống tắc lâu ngày', photos: [] },
  ).case;
  browser = await launchChromium();
  staff = await browser.context.newPage();
  staff.on('dialog', (d) => d.accept());
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await fx?.close();
  await tg?.close();
});

async function shoot(name: string) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  // The last action's toast would cover the thread.
  await staff.evaluate(() => document.getElementById('toast')?.classList.remove('show'));
  for (const width of [360, 1280]) {
    await staff.setViewportSize({ width, height: width === 360 ? 740 : 860 });
    await staff.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await staff.setViewportSize({ width: 1280, height: 860 });
}

const row = (c: Case) => staff.locator(`#case-results tr[data-id="${c.id}"]`);

describe('cases in the staff console, in Chromium', () => {
  it('signs in and filters the case list; overdue cases stand out', async () => {
    await staff.goto(`${fx.service.url}/quan-tri/`);
    await staff.waitForURL('**/quan-tri/dang-nhap');
    await staff.locator('#submit:not([disabled])').waitFor();
    await staff.fill('#name', 'minh');
    await staff.fill('#password', PASSWORD);
    await staff.press('#password', 'Enter');
    await staff.locator('main[data-page="tong-quan"]').waitFor();

    await staff.click('nav a[href="#ho-so"]');
    await staff.locator('main[data-page="ho-so"]').waitFor();
    expect(await staff.locator('#case-count').textContent()).toContain('4 hồ sơ');
    expect(await row(old).getAttribute('class')).toBe('overdue');
    expect(await row(old).textContent()).toContain('Quá hạn');
    expect(await row(flood).getAttribute('class')).toBe('');
    await shoot('ho-so');

    await staff.selectOption('#case-category', 'ngap-ung');
    await staff.click('#case-filters button[type="submit"]');
    await expect.poll(() => staff.locator('#case-count').textContent()).toContain('2 hồ sơ');
    await staff.check('#case-overdue');
    // Nobody is in charge of any case yet: "chưa giao" keeps them all.
    await staff.check('#case-unassigned');
    await staff.click('#case-filters button[type="submit"]');
    await expect.poll(() => staff.locator('#case-count').textContent()).toContain('1 hồ sơ');
    expect(await staff.locator('#case-results tbody tr').count()).toBe(1);
    expect(await staff.getAttribute('#case-export', 'href')).toBe(
      '/quan-tri/api/cases/export.csv?status=open&category=ngap-ung&overdue=1&unassigned=1',
    );
    await staff.uncheck('#case-overdue');
    await staff.uncheck('#case-unassigned');
    await staff.fill('#case-q', 'Trường Chinh');
    await staff.click('#case-filters button[type="submit"]');
    await expect.poll(() => staff.locator('#case-count').textContent()).toContain('1 hồ sơ');
    await row(flood).waitFor();
  });

  it('opens a report with its place, map link and photo, then replies, changes the status, notes and assigns', async () => {
    await row(flood).getByRole('link', { name: flood.number }).click();
    await staff.locator('main[data-page="ho-so-chi-tiet"]').waitFor();
    expect(await staff.locator('h1').textContent()).toBe(flood.number);
    const facts = await staff.locator('dl.facts').textContent();
    for (const fact of ['Hoàng Văn Nam', 'Đức Xuân', '12 Trường Chinh', 'Ngập úng']) expect(facts).toContain(fact);
    expect(await staff.getAttribute('#case-map', 'href')).toBe(
      'https://www.openstreetmap.org/?mlat=22.1471&mlon=105.8348#map=18/22.1471/105.8348',
    );
    const photo = staff.locator('.photos img').first();
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    expect(await staff.locator('#case-text').textContent()).toBe('Nước ngập nửa bánh xe trước số 12');
    expect(await staff.locator('#web-reply-hint').count()).toBe(0);

    await staff.fill('#reply-text', 'Đội thoát nước sẽ tới hút nước trong chiều nay.');
    await staff.click('#case-reply button[type="submit"]');
    await staff.locator('#case-thread .entry-staff', { hasText: 'Đội thoát nước' }).waitFor();
    expect(await staff.locator('#case-thread .entry-staff').textContent()).toContain('Cán bộ Trần Văn Minh trả lời');
    // The resident gets it on Telegram, marked as from the city's staff; the case then says it went out.
    const pushed = await tg.waitFor((call) => call.method === 'sendMessage' && String(call.params.chat_id) === '77', 20_000);
    expect(pushed.params.text).toContain(`trả lời hồ sơ ${flood.number}`);
    expect(pushed.params.text).toContain('Đội thoát nước sẽ tới hút nước trong chiều nay.');
    await expect
      .poll(
        async () => {
          await staff.reload();
          return staff.locator('#case-thread .entry-staff .pill').textContent();
        },
        { timeout: 20_000 },
      )
      .toBe('Đã gửi tới người dân');

    await staff.selectOption('#new-status', 'in_progress');
    await staff.click('#case-status-form button[type="submit"]');
    await staff.locator('#case-thread .entry-status', { hasText: 'Đang xử lý' }).waitFor();
    expect(await staff.locator('dl.facts .pill').first().textContent()).toBe('Đang xử lý');

    await staff.fill('#note-text', 'Nhà số 12 hay để xe chắn cống.');
    await staff.click('#case-note button[type="submit"]');
    const note = staff.locator('#case-thread .entry-note');
    await note.waitFor();
    expect(await note.textContent()).toContain('Người dân không bao giờ thấy ghi chú nội bộ.');

    await staff.selectOption('#assignee', { label: 'Nguyễn Thị Lan' });
    await staff.click('#case-assign button[type="submit"]');
    await staff.locator('#case-thread .entry-assign', { hasText: 'giao cho Nguyễn Thị Lan' }).waitFor();
    await shoot('ho-so-chi-tiet');

    const c = fx.service.cases.get(flood.id)!;
    expect(c).toMatchObject({ status: 'in_progress', assignee: 'Nguyễn Thị Lan' });
    expect(c.firstReplyAt).toBeGreaterThan(0);
    expect(fx.service.cases.entries(flood.id, { notes: false }).map((e) => e.kind)).toEqual(['staff', 'status', 'assign']);
  }, 90_000);

  it('turns the reply into a curated answer and opens it for editing', async () => {
    await staff.locator('#case-thread .entry-staff').getByRole('button', { name: 'Chuyển thành câu trả lời mẫu' }).click();
    await staff.locator('main[data-page="tra-loi-mau"]').waitFor();
    const id = fx.service.store.console.curated.list()[0].id;
    expect(await staff.locator('#curated-form h2').textContent()).toBe(`Sửa #${id}`);
    expect(await staff.inputValue('#variants')).toBe('Nước ngập nửa bánh xe trước số 12');
    expect(await staff.inputValue('#answer')).toBe('Đội thoát nước sẽ tới hút nước trong chiều nay.');
    await staff.fill('#variants', 'Nước ngập nửa bánh xe trước số 12\nĐường Trường Chinh bị ngập thì báo ai?');
    await staff.click('#curated-form button[type="submit"]');
    await staff.locator('.curated-list > li', { hasText: 'Đường Trường Chinh bị ngập thì báo ai?' }).waitFor();
    expect(fx.service.store.console.curated.get(id)).toMatchObject({ version: 2, createdBy: 'minh' });
  });

  it("shows a resident's markup as text, never as HTML", async () => {
    await staff.goto(`${fx.service.url}/quan-tri/#ho-so/${hostile.id}`);
    await staff.locator('main[data-page="ho-so-chi-tiet"]').waitFor();
    expect(await staff.locator('#case-text').textContent()).toBe('<img src=x onerror="window.pwned=1"> đường <b>Nguyễn Văn Cừ</b> hỏng');
    expect(await staff.locator('main img').count()).toBe(0);
    // A web chat resident gets no push: the reply form says where they will see it.
    expect(await staff.locator('#web-reply-hint').textContent()).toContain('trả lời hiện trên trang hỏi đáp của họ');
    expect(await staff.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  });

  it('shows the case figures per category and ward on the overview, for a chosen period', async () => {
    await staff.click('nav a[href="#tong-quan"]');
    await staff.locator('main[data-page="tong-quan"] #case-figures').waitFor();
    const byCategory = staff.locator('#figures-category tr', { hasText: 'Ngập úng' });
    expect(await byCategory.locator('td').first().textContent()).toBe('2');
    // Nothing handled yet: no share of on-time handling to show.
    expect(await byCategory.locator('td').nth(1).textContent()).toBe('–');
    expect(await staff.locator('#figures-ward').textContent()).toContain('Đức Xuân');
    await shoot('tong-quan-ho-so');
    await staff.selectOption('#case-figures-days', '7');
    await expect.poll(() => staff.locator('#figures-category tr', { hasText: 'Ngập úng' }).locator('td').first().textContent()).toBe('1');
  });
});
