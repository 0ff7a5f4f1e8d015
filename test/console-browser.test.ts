// The staff console in a real browser (Debian's Chromium) against the real service: sign in; a
// resident's unanswered question shows in the queue; staff answer it and the resident gets that
// answer, with and without diacritics; a 👎 with a reason reaches the overview; an announcement
// is composed, scheduled and stopped; a document is uploaded, replaced and deleted, and answers
// follow. With CONSOLE_SCREENSHOTS=docs/screenshots each page is also saved at 360 and 1280 px.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from './helpers/browser.js';
import { type ConsoleFixture, PASSWORD, startConsole } from './helpers/console.js';

let fx: ConsoleFixture;
let browser: Browser;
let staff: Page;
const SHOTS = process.env.CONSOLE_SCREENSHOTS;

beforeAll(async () => {
  fx = await startConsole();
  await fx.addUser('lan', 'admin', 'Nguyễn Thị Lan');
  browser = await launchChromium();
  staff = await browser.context.newPage();
  staff.on('dialog', (d) => d.accept());
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

async function shoot(page: Page, name: string) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: width === 360 ? 740 : 860 });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 860 });
}

async function openChat(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${fx.service.url}/`);
  await page.locator('#send:not([disabled])').waitFor();
  return page;
}

async function ask(page: Page, question: string) {
  const before = await page.locator('.msg-bot').count();
  await page.fill('#question', question);
  await page.press('#question', 'Enter');
  await page.waitForFunction((n) => {
    const node = document.querySelectorAll('.msg-bot')[n];
    return node && !node.classList.contains('pending');
  }, before);
  return page.locator('.msg-bot').nth(before);
}

async function open(hash: string) {
  await staff.goto(`${fx.service.url}/quan-tri/${hash}`);
  await staff.locator(`main[data-page="${hash.slice(1)}"]`).waitFor();
}

describe('staff console in Chromium', () => {
  it('asks for a sign-in, then opens the overview', async () => {
    await staff.goto(`${fx.service.url}/quan-tri/`);
    await staff.waitForURL('**/quan-tri/dang-nhap');
    await staff.locator('#submit:not([disabled])').waitFor();
    await shoot(staff, 'dang-nhap');
    await staff.fill('#name', 'lan');
    await staff.fill('#password', 'sai-mat-khau-roi');
    await staff.click('#submit');
    await expect.poll(() => staff.locator('#message').textContent(), { timeout: 10_000 }).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');
    await staff.fill('#password', PASSWORD);
    await staff.press('#password', 'Enter');
    await staff.waitForURL('**/quan-tri/');
    await staff.locator('main[data-page="tong-quan"]').waitFor();
    expect(await staff.locator('#who').textContent()).toBe('Nguyễn Thị Lan (Quản trị viên)');
    expect(await staff.locator('h1').textContent()).toBe('Tổng quan');
  });

  it('shows an unanswered question in the queue; a curated answer then answers it, with and without diacritics', async () => {
    const chat = await openChat();
    const question = 'Lệ phí cấp căn cước công dân là bao nhiêu tiền?';
    const first = await ask(chat, question);
    expect(await first.locator('.text').textContent()).not.toContain('cán bộ thành phố soạn');
    await ask(chat, 'le phi cap can cuoc cong dan la bao nhieu tien');

    await open('#chua-tra-loi');
    const group = staff.locator('.group', { hasText: question });
    await expect.poll(() => group.count(), { timeout: 10_000 }).toBe(1);
    expect(await group.textContent()).toContain('2 lượt hỏi');
    await shoot(staff, 'chua-tra-loi');
    await group.getByRole('button', { name: 'Soạn câu trả lời mẫu' }).click();
    await staff.locator('main[data-page="tra-loi-mau"]').waitFor();
    expect(await staff.inputValue('#variants')).toContain(question);
    await staff.fill('#answer', 'Cấp căn cước lần đầu không mất lệ phí; cấp đổi, cấp lại theo biểu phí của Bộ Tài chính.');
    await staff.locator('#curated-form input[name="documents"]').first().check();
    await staff.click('#curated-form button[type="submit"]');
    await staff.locator('.curated-list li', { hasText: 'không mất lệ phí' }).waitFor();
    await shoot(staff, 'tra-loi-mau');

    for (const q of [question, 'le phi cap can cuoc cong dan bao nhieu tien']) {
      const reply = await ask(chat, q);
      const text = await reply.locator('.text').textContent();
      expect(text, q).toContain('Câu trả lời do cán bộ thành phố soạn');
      expect(text, q).toContain('không mất lệ phí');
      expect(await reply.locator('.sources li').count()).toBe(1);
    }
    // An unrelated question still goes to the documents.
    expect(await (await ask(chat, 'Cầu Đội Kỳ đã xong chưa?')).locator('.text').textContent()).not.toContain('cán bộ thành phố soạn');

    await open('#chua-tra-loi');
    expect(await staff.locator('.group', { hasText: question }).textContent()).toContain('Đã có trả lời mẫu số');
    await chat.close();
  });

  it('lists questions with the answer as the resident saw it; a 👎 with a reason shows in the overview', async () => {
    const chat = await openChat();
    const reply = await ask(chat, 'Có bao nhiêu chỉ tiêu Nghị quyết đạt và vượt kế hoạch?');
    await reply.locator('.vote-down').click();
    await reply.locator('.reason input').fill('Thiếu số liệu năm nay');
    await reply.locator('.reason button').click();
    await reply.getByText('Đã gửi góp ý').waitFor();

    await open('#cau-hoi');
    await staff.fill('#q', 'chi tieu nghi quyet');
    await staff.click('form[role="search"] button[type="submit"]');
    const row = staff.locator('#results tbody tr', { hasText: 'Có bao nhiêu chỉ tiêu' });
    await row.waitFor();
    expect(await row.locator('td').nth(4).textContent()).toBe('Chưa đúng');
    await row.locator('summary').first().click();
    expect(await row.locator('.answer').textContent()).toBe(await reply.locator('.text').textContent());
    expect(await row.textContent()).toContain('Thiếu số liệu năm nay');
    await shoot(staff, 'cau-hoi');

    await open('#tong-quan');
    expect(await staff.locator('#recent-down').textContent()).toContain('Thiếu số liệu năm nay');
    expect(await staff.locator('#votes b').textContent()).toBe('0 · 1');
    await shoot(staff, 'tong-quan');
    await chat.close();
  });

  it('composes an announcement with a preview, warns at zero recipients, schedules it and stops it', async () => {
    await open('#thong-bao');
    await staff.fill('#a-title', 'Cắt điện');
    await staff.fill('#a-body', 'Ngày mai cắt điện từ 7 giờ đến 11 giờ để bảo dưỡng lưới điện.');
    await staff.locator('input[name="wards"][value="Sông Cầu"]').check();
    const tomorrow = new Date(Date.now() + 86_400_000 + 7 * 3_600_000).toISOString().slice(0, 10);
    await staff.fill('#a-at', `${tomorrow}T07:00`);
    await staff.click('#preview-button');
    await staff.locator('#zero-warning').waitFor();
    expect(await staff.locator('#recipients').textContent()).toContain('0 người nhận');
    expect(await staff.locator('.preview').textContent()).toContain('Ngày mai cắt điện');
    expect(await staff.locator('#announce-submit').textContent()).toBe('Hẹn giờ gửi');
    await shoot(staff, 'thong-bao');
    // Not without confirming that nobody will get it.
    await staff.click('#announce-submit');
    await expect.poll(() => staff.locator('#confirm-zero').evaluate((n) => n === document.activeElement)).toBe(true);
    expect(fx.service.broadcast.recent(5)).toHaveLength(0);
    await staff.locator('#confirm-zero').check();
    await staff.click('#announce-submit');
    const item = staff.locator('#announcements li', { hasText: 'Cắt điện' });
    await item.getByText('Đã hẹn giờ').waitFor();
    await item.getByRole('button', { name: 'Dừng gửi' }).click();
    await item.getByText('Đã dừng').waitFor();
    expect(fx.service.broadcast.recent(1)[0]).toMatchObject({ title: 'Cắt điện', status: 'cancelled', author: 'console:lan' });
  });

  it('uploads, replaces and deletes a document, and answers follow', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-doc-'));
    const file = (name: string, place: string) => {
      const p = path.join(dir, name);
      fs.writeFileSync(
        p,
        `---\ntitle: Kế hoạch tổ chức lễ hội Lồng tồng năm 2027\nkind: plan\n---\n\nLễ hội Lồng tồng năm 2027 được tổ chức tại ${place} vào ngày 15 tháng Giêng.\n`,
      );
      return p;
    };
    const chat = await openChat();
    const question = 'Lễ hội Lồng tồng năm 2027 tổ chức ở đâu?';

    await open('#tai-lieu');
    await staff.setInputFiles('#upload-file', file('le-hoi-long-tong.md', 'quảng trường phường Sông Cầu'));
    await staff.click('#upload-form button[type="submit"]');
    const row = staff.locator('#documents tr', { hasText: 'lễ hội Lồng tồng' });
    await row.waitFor();
    expect(await (await ask(chat, question)).locator('.text').textContent()).toContain('quảng trường phường Sông Cầu');
    await row.locator('.passages-view summary').click();
    await row.locator('.passages li').first().waitFor();
    expect(await row.locator('.passages').textContent()).toContain('15 tháng Giêng');
    await shoot(staff, 'tai-lieu');

    await row.locator('input[type="file"]').setInputFiles(file('ban-moi.md', 'sân vận động phường Đức Xuân'));
    await expect
      .poll(async () => (await ask(chat, question)).locator('.text').textContent(), { timeout: 20_000 })
      .toContain('sân vận động phường Đức Xuân');
    expect(fx.service.knowledge.documents().filter((d) => d.title.includes('Lồng tồng'))).toHaveLength(1);

    await staff.locator('#documents tr', { hasText: 'lễ hội Lồng tồng' }).getByRole('button', { name: 'Xóa' }).click();
    await expect.poll(() => staff.locator('#documents tr', { hasText: 'lễ hội Lồng tồng' }).count(), { timeout: 20_000 }).toBe(0);
    expect(await (await ask(chat, question)).locator('.text').textContent()).not.toContain('Đức Xuân');
    await chat.close();
  });

  it('shows accounts and the audit log with names to an admin, and exports questions without residents’ ids', async () => {
    await open('#quan-tri');
    expect(await staff.locator('#accounts').textContent()).toContain('Nguyễn Thị Lan');
    const audit = await staff.locator('#audit').textContent();
    expect(audit).toContain('curated.create');
    expect(audit).toContain('document.delete');
    expect(audit).toContain('announcement.stop');
    await shoot(staff, 'quan-tri');
    const bytes = await staff.evaluate(() =>
      fetch('/quan-tri/api/export/questions.csv').then(async (r) => [...new Uint8Array(await r.arrayBuffer())]),
    );
    // A BOM first, so spreadsheet programs read it as UTF-8.
    expect(bytes.slice(0, 3)).toEqual([0xef, 0xbb, 0xbf]);
    const csv = Buffer.from(bytes.slice(3)).toString('utf8');
    expect(csv.split('\r\n')[0]).toBe('Mã,Thời gian,Kênh,Câu hỏi,Kết quả,Câu trả lời,Nguồn,Đánh giá,Lý do');
    expect(csv).toContain('Thiếu số liệu năm nay');
    const { store } = fx.service;
    const chatIds = new Set(store.console.reports.log({ limit: 500 }).map((q) => store.conversations.question(q.id)!.chatId));
    expect(chatIds.size).toBeGreaterThan(0);
    for (const id of chatIds) expect(csv).not.toContain(id);
  });
});
