// The whole service as `npm start` runs it (startService): a fresh machine with no channels, both
// channels against fake Bot APIs with a broadcast, secrets kept out of logs, graceful shutdown.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../src/server/service.js';
import { startFakeOpenAi } from './fakes/openai-server.js';
import { startFakeTelegram, textUpdate } from './fakes/telegram-api.js';
import { startFakeZalo } from './fakes/zalo-api.js';
import { captureLogs, makeTestEnv, type TestEnv } from './helpers/test-env.js';
import { getJson, postJson } from './helpers/web-server.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function env(vars: Record<string, string> = {}): Promise<TestEnv> {
  const e = await makeTestEnv(vars);
  cleanups.push(() => e.cleanup());
  return e;
}

async function start(e: TestEnv, options: Partial<Parameters<typeof startService>[1]> = {}) {
  const logs = captureLogs();
  const service = await startService(e.config, { logger: logs.logger, reloadIntervalMs: 100, ...options });
  cleanups.push(() => service.stop());
  return { service, logs };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('startService on a fresh machine (no .env, no index, no channel tokens)', () => {
  it('builds the index, serves the web chat and says which parts are off and why', async () => {
    const e = await env();
    const { service, logs } = await start(e);
    expect([...service.parts].sort()).toEqual(['web', 'worker']);
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await service.indexed;

    const text = logs.text();
    expect(text).toContain('telegram: off (TELEGRAM_BOT_TOKEN is not set)');
    expect(text).toContain('zalo: off (ZALO_BOT_TOKEN is not set)');
    expect(text).toContain(`web chat: open ${service.url}/ in a browser`);
    expect(text).toContain('knowledge index ready');

    const ready = await getJson(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body.parts).toEqual({ database: true, index: true });
    for (const question of ['Cầu Đội Kỳ đã xong chưa?', 'cau doi ky da xong chua']) {
      const r = await postJson(`${service.url}/api/ask`, { question });
      expect(r.status, question).toBe(200);
      expect(r.body.status, question).toBe('answered');
      expect(r.body.citations.length, question).toBeGreaterThan(0);
    }
    expect((await fetch(`${service.url}/`)).status).toBe(200);
    // The web chat's cases are served too (their routes: test/web-cases.test.ts).
    const cases = await getJson(`${service.url}/api/cases/setup`);
    expect(cases.status).toBe(200);
    expect(cases.body.categories.length).toBeGreaterThan(0);
  });

  it('with --only worker serves health and metrics but not the chat', async () => {
    const e = await env();
    const { service, logs } = await start(e, { only: ['worker'] });
    expect([...service.parts]).toEqual(['worker']);
    expect(logs.text()).toContain('web: off (not selected by --only)');
    expect((await getJson(`${service.url}/healthz`)).status).toBe(200);
    const ready = await getJson(`${service.url}/readyz`);
    expect(ready.body.parts).toEqual({ database: true });
    expect((await fetch(`${service.url}/metrics`)).status).toBe(200);
    expect((await postJson(`${service.url}/api/ask`, { question: 'cầu' })).status).toBe(404);
    expect((await fetch(`${service.url}/`)).status).toBe(404);
    expect((await fetch(`${service.url}/api/cases`)).status).toBe(404);
  });

  it('refuses --only telegram without a token, naming the variable', async () => {
    const e = await env();
    await expect(startService(e.config, { logger: captureLogs().logger, only: ['telegram'] })).rejects.toThrow(
      /TELEGRAM_BOT_TOKEN is not set/,
    );
  });
});

describe('startService with Telegram and Zalo configured', () => {
  it('starts both channels, answers on Telegram, delivers a broadcast and counts it', async () => {
    const tg = await startFakeTelegram({ maxPollSeconds: 1 });
    cleanups.push(() => tg.close());
    const zalo = await startFakeZalo({ maxPollSeconds: 1 });
    cleanups.push(() => zalo.close());
    const staffToken = 'staff-token-8c1d2e3f4a5b-Qx7Lm2Vn9Rt4Kw6Y';
    const e = await env({
      TELEGRAM_BOT_TOKEN: '123456:telegram-token-abcdefghijklmnopqrstuvwxyz',
      TELEGRAM_API_ROOT: tg.apiRoot,
      ZALO_BOT_TOKEN: zalo.token,
      ZALO_API_ROOT: zalo.apiRoot,
      STAFF_TOKEN: staffToken,
    });
    const { service, logs } = await start(e);
    expect([...service.parts].sort()).toEqual(['telegram', 'web', 'worker', 'zalo']);
    await service.indexed;

    const ready = await until(async () => {
      const r = await getJson(`${service.url}/readyz`);
      return r.status === 200 ? r.body : undefined;
    }, '/readyz with both channels connected');
    expect(ready.parts).toEqual({ database: true, index: true, telegram: true, zalo: true });
    expect(logs.text()).toContain('telegram: on (polling)');
    expect(logs.text()).toContain('zalo: on (polling)');

    tg.pushUpdate(textUpdate(4242, { id: 4242 }, 'Cầu Đội Kỳ đã xong chưa?'));
    const reply = await tg.waitFor(
      (c) => c.method === 'sendMessage' && String(c.params.chat_id) === '4242' && /Đội Kỳ/.test(c.params.text),
    );
    expect(reply.params.text).toMatch(/Đội Kỳ/);

    // A subscriber on Telegram gets an announcement sent through the staff API.
    service.store.subscribers.subscribe({ channel: 'telegram', chatId: '777', topics: [] });
    const created = await postJson(
      `${service.url}/api/staff/announcements`,
      {
        title: 'Cắt điện phường Đức Xuân',
        body: 'Ngày 05/12 cắt điện từ 7 giờ đến 11 giờ tại phường Đức Xuân để bảo dưỡng lưới.',
        send: true,
      },
      { headers: { authorization: `Bearer ${staffToken}` } },
    );
    expect(created.status).toBe(201);
    await tg.waitFor((c) => c.method === 'sendMessage' && String(c.params.chat_id) === '777');
    const metrics = await until(async () => {
      const text = await (await fetch(`${service.url}/metrics`)).text();
      return /civicbot_broadcast_deliveries_total\{channel="telegram",status="sent"\} 1/.test(text) ? text : undefined;
    }, 'the delivery counted in /metrics');
    expect(metrics).toMatch(/civicbot_questions_total\{channel="telegram",status="answered"\} 1/);

    // The announcement joined the knowledge base: the web chat answers about it.
    const answer = await until(async () => {
      const r = await postJson(`${service.url}/api/ask`, { question: 'Phường Đức Xuân cắt điện ngày nào?' });
      return r.body.citations?.some((c: { title: string }) => c.title.includes('Cắt điện')) ? r.body : undefined;
    }, 'an answer citing the announcement');
    expect(answer.status).toBe('answered');

    await service.stop();
    expect(service.store.isOpen()).toBe(false);
  });
});

describe('secrets in logs', () => {
  it('no token, key or tried token appears in any log line', async () => {
    const adminToken = 'admin-secret-5e6f7a8b9c0d-Hj3Pq8Zs1Ue5Nb7C';
    const staffToken = 'staff-secret-1a2b3c4d5e6f-Wd4Gk9Xr2Ty6Mv8F';
    const apiKey = 'sk-test-9f8e7d6c5b4a39281706';
    const telegramToken = '987654:wrong-telegram-token-abcdefghijklmnop';
    const triedToken = 'tried-token-7777777777';
    // An OpenAI-compatible endpoint that, like the real one, echoes the key it refused.
    const llm = http.createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `Incorrect API key provided: ${String(req.headers.authorization)}`, type: 'invalid_request_error' },
        }),
      );
    });
    await new Promise<void>((r) => llm.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => llm.close(r)));
    // Telegram refuses the token: the channel fails to start and keeps retrying.
    const tg = await startFakeTelegram({ token: '111:the-right-one-xxxxxxxxxxxxxxxxxxxx', maxPollSeconds: 1 });
    cleanups.push(() => tg.close());

    const e = await env({
      ADMIN_TOKEN: adminToken,
      STAFF_TOKEN: staffToken,
      OPENAI_API_KEY: apiKey,
      OPENAI_BASE_URL: `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1`,
      TELEGRAM_BOT_TOKEN: telegramToken,
      TELEGRAM_API_ROOT: tg.apiRoot,
      LOG_LEVEL: 'trace',
    });
    const { service, logs } = await start(e);
    await service.indexed;

    const phone = '0912345678';
    for (const question of ['Cầu Đội Kỳ đã xong chưa?', `Tôi ở số ${phone}, cầu Đội Kỳ đã xong chưa?`])
      expect((await postJson(`${service.url}/api/ask`, { question })).status).toBe(200);
    expect((await getJson(`${service.url}/api/admin/documents`, { authorization: `Bearer ${triedToken}` })).status).toBe(401);
    expect((await getJson(`${service.url}/api/admin/documents`, { authorization: `Bearer ${adminToken}` })).status).toBe(200);
    expect((await getJson(`${service.url}/api/staff/announcements`, { authorization: `Bearer ${triedToken}` })).status).toBe(401);
    await until(async () => (logs.text().includes('telegram: could not start') ? true : undefined), 'the Telegram start failure logged');
    await service.stop();

    const text = logs.text();
    // The failures happened and were logged...
    expect(text).toContain('admin request refused');
    expect(text).toContain('"llmFallback":true');
    // ...without any secret or phone number.
    for (const secret of [adminToken, staffToken, apiKey, telegramToken, triedToken, telegramToken.split(':')[1], phone])
      expect(text).not.toContain(secret);
  });
});

describe('graceful shutdown', () => {
  it('finishes an answer in flight, then refuses new connections and closes the database', async () => {
    const llm = await startFakeOpenAi({ kind: 'delay', ms: 600, content: 'Cầu Đội Kỳ đã được xây dựng và hoàn thiện [1].' });
    cleanups.push(() => llm.close());
    const e = await env({ OPENAI_BASE_URL: llm.url });
    const { service, logs } = await start(e);
    await service.indexed;

    const inFlight = postJson(`${service.url}/api/ask`, { question: 'Cầu Đội Kỳ đã xong chưa?' });
    await until(async () => (llm.chatRequests().length ? true : undefined), 'the question to reach the model');
    const stopped = service.stop();

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('answered');
    expect(answer.body.answer).toContain('hoàn thiện');
    await stopped;
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
    expect(service.store.isOpen()).toBe(false);
    expect(logs.text()).toContain('"msg":"stopped"');
  });
});
