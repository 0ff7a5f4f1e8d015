// The Zalo channel in webhook mode (a real Fastify route, requests injected), polling through API
// failures, and what reaches the logs: never the bot token or the webhook secret.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagingChannel } from '../src/channels/types.js';
import { createZaloChannel } from '../src/channels/zalo/index.js';
import { createLogger } from '../src/logger.js';
import { botTexts } from '../src/texts/bot.js';
import { type FakeZalo, startFakeZalo, stickerUpdate, textUpdate } from './fakes/zalo-api.js';
import { startCore } from './helpers/core.js';

const TOKEN = '7771234567:zalo-webhook-test-secret-abcdefghijklmno';
const SECRET = 'webhook-secret-0123456789-Ab3Cd7Ef1Gh5Jk9L';

async function setup(mode: 'webhook' | 'polling') {
  const fake = await startFakeZalo({ token: TOKEN, maxPollSeconds: 1 });
  const vars = {
    ZALO_BOT_TOKEN: TOKEN,
    ZALO_API_ROOT: fake.apiRoot,
    ...(mode === 'webhook' ? { ZALO_WEBHOOK_URL: 'https://bot.example.org/hooks/zalo', ZALO_WEBHOOK_SECRET: SECRET } : {}),
  };
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  const core = await startCore(vars, { logger, database: ':memory:' });
  const { store } = core;
  const channel = createZaloChannel(core.channelDeps, { pollTimeoutSeconds: 1, pollBackoffMs: 20, retryBackoffMs: 5 });
  const app = Fastify();
  channel.registerWebhook?.(app);
  await app.ready();
  await channel.start();
  const close = async () => {
    await channel.stop();
    await app.close();
    await core.cleanup();
    await fake.close();
  };
  return { fake, channel, app, store, lines, close };
}

const post = (app: FastifyInstance, body: unknown, headers: Record<string, string> = { 'x-bot-api-secret-token': SECRET }) =>
  app.inject({
    method: 'POST',
    url: '/hooks/zalo',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });

describe('Zalo channel (webhook)', () => {
  let h: Awaited<ReturnType<typeof setup>>;
  let fake: FakeZalo;
  let channel: MessagingChannel;
  beforeAll(async () => {
    h = await setup('webhook');
    ({ fake, channel } = h);
  });
  afterAll(() => h.close());

  it('sets the webhook with its secret on start and never polls', () => {
    expect(channel.mode).toBe('webhook');
    expect(fake.webhook).toEqual({ url: 'https://bot.example.org/hooks/zalo', secret: SECRET });
    expect(fake.calls.some((c) => c.method === 'getUpdates' || c.method === 'deleteWebhook')).toBe(false);
  });

  it('answers 401 to a wrong or missing secret and handles nothing', async () => {
    expect((await post(h.app, textUpdate('w1', 'xin chào'), { 'x-bot-api-secret-token': 'wrong-secret-000' })).statusCode).toBe(401);
    expect((await post(h.app, textUpdate('w1', 'xin chào'), {})).statusCode).toBe(401);
    expect((await post(h.app, textUpdate('w1', 'xin chào'), { 'x-bot-api-secret-token': `${SECRET}x` })).statusCode).toBe(401);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.sent('w1')).toHaveLength(0);
  });

  it('requires JSON and caps the body size', async () => {
    const text = await h.app.inject({
      method: 'POST',
      url: '/hooks/zalo',
      headers: { 'content-type': 'text/plain', 'x-bot-api-secret-token': SECRET },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
    const huge = await post(h.app, textUpdate('w2', 'x'.repeat(300 * 1024)));
    expect(huge.statusCode).toBe(413);
  });

  it('accepts bare and wrapped bodies (200 at once) and answers in the background', async () => {
    const bare = await post(h.app, textUpdate('w3', 'Cầu Đội Kỳ đã xong chưa?'));
    expect(bare.statusCode).toBe(200);
    const [answer] = await fake.waitForSent('w3', 1);
    expect(answer).toContain(botTexts.sourcesLabel);

    const wrapped = await post(h.app, { ok: true, result: stickerUpdate('w4') });
    expect(wrapped.statusCode).toBe(200);
    expect(await fake.waitForSent('w4', 1)).toEqual([botTexts.nonText]);
  });

  it('answers a duplicate delivery once', async () => {
    const update = textUpdate('w5', 'hướng dẫn', { messageId: 'same-id' });
    expect((await post(h.app, update)).statusCode).toBe(200);
    expect((await post(h.app, { ok: true, result: update })).statusCode).toBe(200);
    await fake.waitForSent('w5', 1);
    await post(h.app, textUpdate('w5', 'nguồn'));
    await fake.waitForSent('w5', 2);
    expect(fake.sent('w5').map((c) => c.params.text as string)[1]).toContain(botTexts.sourcesHeader(2));
  });

  it('keeps the token and the secret out of every log line, even when a reply fails', async () => {
    fake.failNext({ code: 500 }, { method: 'sendMessage', times: 10 });
    await post(h.app, textUpdate('w6', 'hướng dẫn'));
    await fake.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === 'w6' && !c.ok);
    // The reply's retries run out in the background: wait for the failure to be logged.
    await expect.poll(() => h.lines.join('\n'), { timeout: 5000 }).toContain('zalo reply failed');
    const log = h.lines.join('\n');
    expect(log).toContain('wrong secret');
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain(TOKEN.split(':')[1]);
    expect(log).not.toContain(SECRET);
  });

  it('refuses updates once stopped', async () => {
    await channel.stop();
    expect((await post(h.app, textUpdate('w7', 'xin chào'))).statusCode).toBe(503);
  });
});

describe('Zalo channel (polling through failures)', () => {
  let h: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    h = await setup('polling');
  });
  afterAll(() => h.close());

  it('takes an idle poll (408) as normal and backs off on errors, then answers', async () => {
    await h.fake.waitFor((c) => c.method === 'getUpdates' && c.params.timeout === 1);
    h.fake.failNext({ code: 500 }, { method: 'getUpdates', times: 2 });
    h.fake.failNext({ code: 429 }, { method: 'getUpdates' });
    // The held poll ends empty (408) after a second without a warning; the next three fail.
    const warnings = () => h.lines.filter((l) => l.includes('zalo poll failed'));
    const deadline = Date.now() + 5_000;
    while (warnings().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(warnings()).toHaveLength(3);
    h.fake.pushUpdate(textUpdate('p1', 'xin chào'));
    await h.fake.waitForSent('p1', 1);
    expect(h.lines.join('\n')).not.toContain(TOKEN.split(':')[1]);
    expect(h.channel.isConnected()).toBe(true);
  });

  it('waits out the retry_after of a 429 before polling again', async () => {
    const before = h.lines.length;
    h.fake.failNext({ code: 429, retryAfter: 2 }, { method: 'getUpdates' });
    const warning = () => h.lines.slice(before).find((l) => l.includes('zalo poll failed'));
    const deadline = Date.now() + 5_000;
    while (!warning() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // The backoff alone would be 20 ms here.
    expect(JSON.parse(warning()!)).toMatchObject({ retryInMs: 2000 });
  });
});
