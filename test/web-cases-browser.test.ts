// The web chat's cases in a real browser (headless Chromium) against the real server: a resident
// reports a problem with a photo and the browser's location, sees the case number, follows the case
// in "Hồ sơ của tôi" as staff reply and change its status, writes back and rates it; after an
// answer the documents could not give, "Gặp cán bộ" hands the question to a person.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseService } from '../src/core/case-service.js';
import { caseTexts } from '../src/texts/cases.js';
import { PNG } from './fixtures/images.js';
import { type Browser, launchChromium } from './helpers/browser.js';
import { captureLogs, makeTestEnv, type TestEnv } from './helpers/test-env.js';
import { startWebServer, type TestServer } from './helpers/web-server.js';

let env: TestEnv;
let server: TestServer;
let browser: Browser;
let cases: CaseService;
const HERE = { latitude: 22.147012, longitude: 105.834811 };

beforeAll(async () => {
  env = await makeTestEnv();
  server = await startWebServer(env, captureLogs().logger);
  cases = server.cases;
  browser = await launchChromium();
  await browser.context.grantPermissions(['geolocation'], { origin: server.url });
  await browser.context.setGeolocation(HERE);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await env?.cleanup();
});

async function openChat(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/`);
  await page.locator('#report-problem:not([hidden])').waitFor();
  return page;
}

async function fillReport(page: Page, photo: { name: string; mimeType: string; buffer: Buffer }) {
  await page.click('#report-problem');
  const form = page.locator('.report-form');
  await form.locator('select[name=category]').selectOption('den-duong');
  await form.locator('select[name=ward]').selectOption('Đức Xuân');
  await form.locator('input[name=address]').fill('Số 5 đường Trường Chinh');
  await form.locator('input[name=photos]').setInputFiles(photo);
  await form.locator('.thumb img').waitFor();
  await form.locator('textarea[name=description]').fill('Đèn đường trước số 5 hỏng <b>cả tuần</b>');
}

describe('web chat: report a problem and follow it', () => {
  it('files a report with a photo and the browser’s location, shows the number, then the status staff set', async () => {
    const page = await openChat();
    await fillReport(page, { name: 'den.png', mimeType: 'image/png', buffer: PNG });
    const form = page.locator('.report-form');
    await form.locator('.use-location').click();
    await form.locator('.location-status', { hasText: '22.147012, 105.834811' }).waitFor();

    await form.locator('button[type=submit]').click();
    const preview = page.locator('.case-preview');
    await preview.waitFor();
    expect(await preview.locator('dl').textContent()).toContain('Đèn đường');
    expect(await preview.locator('dl').textContent()).toContain('22.147012, 105.834811');
    expect(await preview.locator('.thumb img').count()).toBe(1);
    // The description is shown as typed, never as markup.
    expect(await preview.locator('dd b').count()).toBe(0);

    await preview.locator('.send-report').click();
    const opened = page.locator('.case-opened');
    await opened.waitFor();
    const number = /BK-\d{6}/.exec((await opened.textContent())!)![0];
    expect(await opened.textContent()).toContain(`Mã phản ánh: ${number}`);

    const c = cases.get(cases.idIn(number)!)!;
    expect(c).toMatchObject({ kind: 'report', category: 'den-duong', ward: 'Đức Xuân', location: HERE, channel: 'web' });
    expect(c.photos).toHaveLength(1);
    expect(cases.photo(c.photos[0].id)?.bytes.equals(PNG)).toBe(true);

    // No push on the web: with the list closed, the page looks now and then (here: the tab comes back).
    expect(await page.locator('#my-cases.has-news').count()).toBe(0);
    cases.changeStatus(c.id, 'accepted', 'Cán bộ Hà');
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await page.locator('#my-cases.has-news', { hasText: 'có cập nhật' }).waitFor();

    await page.click('#my-cases');
    const item = page.locator(`.case-item[data-number="${number}"]`);
    await item.waitFor();
    expect(await item.locator('.case-status').textContent()).toBe('đã tiếp nhận');
    expect(await page.locator('#my-cases.has-news').count()).toBe(0);
    expect(await page.locator('#messages').isVisible()).toBe(false);

    cases.staffReply(c.id, 'Cán bộ Hà', 'Đã báo đội điện chiếu sáng.');
    cases.changeStatus(c.id, 'in_progress', 'Cán bộ Hà');
    await page.click('.refresh-cases');
    await item.locator('.case-status', { hasText: 'đang xử lý' }).waitFor();
    expect(await item.locator('.from-staff .said').textContent()).toBe('Đã báo đội điện chiếu sáng.');

    await item.locator('.write-back textarea').fill('Đèn vẫn chưa sáng tối qua.');
    await item.locator('.write-back button[type=submit]').click();
    await page.locator(`.case-item[data-number="${number}"] .from-resident`, { hasText: 'Đèn vẫn chưa sáng tối qua.' }).waitFor();

    cases.changeStatus(c.id, 'closed', 'Cán bộ Hà');
    await page.click('.refresh-cases');
    await item.locator('.case-rating').waitFor();
    expect(await item.locator('.write-back').count()).toBe(0);
    await item.locator('button[data-rating="5"]').click();
    await item.locator('.case-rated', { hasText: '5/5' }).waitFor();
    expect(cases.get(c.id)?.rating).toBe(5);
    expect(await item.locator('.case-rating').count()).toBe(0);

    // The resident deletes their data: asked first, then the list is empty and the case anonymous.
    await page.click('.case-forget .forget');
    await page.click('.case-forget .forget-yes');
    await page.locator('.case-forgotten').waitFor();
    expect(cases.get(c.id)?.anonymized).toBe(true);
    await page.click('#my-cases');
    await page.click('#my-cases');
    await page.locator('.no-cases').waitFor();
    await page.close();
  });

  it('says why a text file renamed to .png is refused and keeps the form to fix it', async () => {
    const page = await openChat();
    await fillReport(page, { name: 'anh.png', mimeType: 'image/png', buffer: Buffer.from('chỉ là chữ, không phải ảnh') });
    await page.locator('.report-form button[type=submit]').click();
    await page.locator('.case-preview .send-report').click();
    await page.locator('.case-preview .error', { hasText: caseTexts.photoNotAPhoto }).waitFor();
    expect(await page.locator('.case-opened').count()).toBe(0);
    await page.close();
  });

  it('lists nothing of another browser’s cases', async () => {
    const other = await launchChromium();
    try {
      const page = await other.context.newPage();
      await page.goto(`${server.url}/`);
      await page.locator('#my-cases:not([hidden])').click();
      await page.locator('.no-cases').waitFor();
      expect(await page.locator('.case-item').count()).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('web chat: ask a person', () => {
  it('offers "Gặp cán bộ" after an answer the documents cannot give and opens a question case', async () => {
    const page = await openChat();
    await page.locator('#send:not([disabled])').waitFor();
    await page.fill('#question', 'Ngày mai thời tiết ở Hà Nội thế nào?');
    await page.press('#question', 'Enter');
    const ask = page.locator('.msg-bot .ask-person');
    await ask.waitFor();
    await ask.click();
    const text = page.locator('.handoff-form textarea');
    expect(await text.inputValue()).toBe('Ngày mai thời tiết ở Hà Nội thế nào?');
    await text.fill('Khi nào phường Đức Xuân sửa đường ngõ 3?');
    await page.locator('.handoff-form button[type=submit]').click();
    const opened = page.locator('.handoff .case-opened');
    await opened.waitFor();
    expect(await opened.textContent()).toMatch(/Mã hồ sơ: BK-\d{6}/);

    await page.click('#my-cases');
    await page.locator('.case-item .case-text', { hasText: 'Khi nào phường Đức Xuân sửa đường ngõ 3?' }).waitFor();
    await page.close();
  });

  it('takes "gặp cán bộ", "phản ánh" and "theo dõi" typed in the chat as on Telegram and Zalo', async () => {
    const page = await openChat();
    const say = async (text: string) => {
      await page.locator('#send:not([disabled])').waitFor();
      await page.fill('#question', text);
      await page.press('#question', 'Enter');
    };
    await say('Ngày mai thời tiết ở Hà Nội thế nào?');
    await page.locator('.msg-bot .ask-person').waitFor();
    await say('gap can bo');
    const form = page.locator('.handoff-form').last();
    await form.waitFor();
    // The question the documents could not answer is offered, editable.
    expect(await form.locator('textarea').inputValue()).toBe('Ngày mai thời tiết ở Hà Nội thế nào?');

    await say('Phản ánh');
    await page.locator('.report-form select[name=category]').waitFor();

    await say('theo dõi');
    await page.locator('#cases-panel:not([hidden]) .cases-head').waitFor();
    expect(await page.locator('#my-cases').getAttribute('aria-expanded')).toBe('true');
    await page.close();
  });

  it('offers no hand-over under an answer the documents gave', async () => {
    const page = await openChat();
    await page.locator('#send:not([disabled])').waitFor();
    await page.fill('#question', 'Cầu Đội Kỳ đã xong chưa?');
    await page.press('#question', 'Enter');
    await page.locator('.msg-bot .sources li').first().waitFor();
    expect(await page.locator('.msg-bot .ask-person').count()).toBe(0);
    await page.close();
  });
});

describe('web chat cases embedded in another site', () => {
  it('offers a tab of its own when the browser refuses the chat’s cookie inside another site’s page', async () => {
    const portal = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="vi"><body><iframe src="${server.url}/" style="width:400px;height:600px"></iframe></body></html>`);
    });
    await new Promise<void>((r) => portal.listen(0, '127.0.0.1', r));
    try {
      const page = await browser.context.newPage();
      // "localhost" is another site than the chat's 127.0.0.1: its SameSite=Lax cookie is not sent.
      await page.goto(`http://localhost:${(portal.address() as AddressInfo).port}/`);
      const frame = page.frameLocator('iframe');
      await frame.locator('#report-problem:not([hidden])').click();
      const link = frame.locator('.embedded a');
      await link.waitFor();
      expect(await link.getAttribute('href')).toBe(`${server.url}/`);
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await frame.locator('.report-form').count()).toBe(0);
      await page.close();
    } finally {
      portal.closeAllConnections();
      await new Promise((r) => portal.close(r));
    }
  });
});
