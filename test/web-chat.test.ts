// The web chat in a real browser (headless Chromium) against the real server and engine: a
// resident asks, sees the answer with its sources and quotes, votes; the page never runs text as
// HTML; the widget script embeds the chat in another site.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from './helpers/browser.js';
import { captureLogs, makeTestEnv, type TestEnv } from './helpers/test-env.js';
import { startWebServer, type TestServer } from './helpers/web-server.js';

let env: TestEnv;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  env = await makeTestEnv();
  server = await startWebServer(env, captureLogs().logger);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await env?.cleanup();
});

async function openChat(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}/`);
  await page.locator('#send:not([disabled])').waitFor();
  return page;
}

async function ask(page: Page, question: string) {
  const before = await page.locator('.msg-bot').count();
  await page.fill('#question', question);
  await page.press('#question', 'Enter');
  const reply = page.locator('.msg-bot').nth(before);
  await page.waitForFunction((n) => {
    const node = document.querySelectorAll('.msg-bot')[n];
    return node && !node.classList.contains('pending');
  }, before);
  return reply;
}

describe('web chat page', () => {
  it('shows the city, answers a question with its sources and expandable quotes', async () => {
    const page = await openChat();
    expect(await page.title()).toContain('Bắc Kạn');
    expect(await page.locator('h1').textContent()).toContain('Bắc Kạn');
    expect(await page.locator('#intro').textContent()).toMatch(/\d+ tài liệu/);

    const reply = await ask(page, 'Cầu Đội Kỳ đã xong chưa?');
    expect(await reply.locator('.text').textContent()).toMatch(/Đội Kỳ/);
    expect(await reply.locator('.sources h2').textContent()).toBe('Nguồn:');
    const sources = reply.locator('.sources li');
    expect(await sources.count()).toBeGreaterThan(0);
    expect(await sources.first().locator('summary').textContent()).toMatch(/^\[1\] /);

    const quote = sources.first().locator('blockquote');
    expect(await quote.isVisible()).toBe(false);
    await sources.first().locator('summary').click();
    expect(await quote.isVisible()).toBe(true);
    expect((await quote.textContent())!.length).toBeGreaterThan(20);
    await page.close();
  });

  it('answers a question typed without diacritics and records a 👍', async () => {
    const page = await openChat();
    const reply = await ask(page, 'cau doi ky da xong chua');
    expect(await reply.locator('.sources li').count()).toBeGreaterThan(0);

    await reply.locator('button.vote-up').click();
    await reply.locator('.feedback', { hasText: 'Cảm ơn bạn đã đánh giá!' }).waitFor();
    const conversationId = await page.evaluate(() => localStorage.getItem('civicbot.conversationId'));
    expect(conversationId).toMatch(/^[0-9a-f]{32}$/);
    await expect
      .poll(() => server.store.conversations.feedbackForReview().map((f) => ({ vote: f.vote, chatId: f.chatId })))
      .toContainEqual({ vote: 'up', chatId: conversationId });
    await page.close();
  });

  it('shows markup typed by a resident as text and never runs it', async () => {
    const page = await openChat();
    const typed = '<img src=x onerror="window.__pwned=1"> cầu <b>Đội Kỳ</b>?';
    await ask(page, typed);
    expect(await page.locator('.msg-user .text').last().textContent()).toBe(typed);
    expect(await page.locator('.messages img, .messages b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.close();
  });

  it('keeps the conversation id across reloads and starts a new one on request', async () => {
    const page = await openChat();
    const first = await page.evaluate(() => localStorage.getItem('civicbot.conversationId'));
    await page.reload();
    await page.locator('#send:not([disabled])').waitFor();
    await ask(page, 'Cầu Đội Kỳ đã xong chưa?');
    expect(await page.evaluate(() => localStorage.getItem('civicbot.conversationId'))).toBe(first);
    await page.click('#new-conversation');
    expect(await page.locator('.msg').count()).toBe(0);
    expect(await page.evaluate(() => localStorage.getItem('civicbot.conversationId'))).not.toBe(first);
    await page.close();
  });
});

describe('widget.js on another site', () => {
  let portal: http.Server;
  let portalUrl: string;

  beforeAll(async () => {
    portal = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="vi"><body><h1>Cổng thông tin</h1><script src="${server.url}/widget.js" defer></script></body></html>`,
      );
    });
    await new Promise<void>((r) => portal.listen(0, '127.0.0.1', r));
    // "localhost" is another origin than the chat server's 127.0.0.1.
    portalUrl = `http://localhost:${(portal.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    portal?.closeAllConnections();
    await new Promise((r) => portal?.close(r));
  });

  it('adds a button that opens the chat in an iframe, where questions are answered', async () => {
    const page = await browser.context.newPage();
    await page.goto(portalUrl);
    const button = page.locator('button[aria-label="Hỏi đáp"]');
    await button.click();
    const frame = page.frameLocator(`iframe[src="${server.url}/"]`);
    await frame.locator('#send:not([disabled])').waitFor();
    expect(await frame.locator('h1').textContent()).toContain('Bắc Kạn');
    await frame.locator('#question').fill('Cầu Đội Kỳ đã xong chưa?');
    await frame.locator('#send').click();
    await frame.locator('.msg-bot .sources li').first().waitFor();
    expect(await button.getAttribute('aria-expanded')).toBe('true');

    await button.click();
    expect(await page.locator('iframe').isVisible()).toBe(false);
    await page.close();
  });
});
