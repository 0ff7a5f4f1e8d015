// Webhook mode over real HTTP: the secret header, duplicate deliveries, an immediate 200 while the
// answer is still being worked out, and a stop() that finishes what is in flight. Also the long
// answer split with its entities, sent through the fake Bot API.
import Fastify, { type FastifyInstance } from 'fastify';
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramChannel, sendAnswer } from '../src/channels/telegram/index.js';
import type { MessagingChannel } from '../src/channels/types.js';
import { registerWebhookRoute, secretMatches, webhookPath } from '../src/channels/webhook.js';
import type { Answer, KnowledgeService } from '../src/engine/types.js';
import { createLogger } from '../src/logger.js';
import { botTexts } from '../src/texts/bot.js';
import { type FakeTelegram, startFakeTelegram, textUpdate } from './fakes/telegram-api.js';
import { startCore, type TestCore } from './helpers/core.js';

const TOKEN = '654321:WEBHOOK-token_abcdefghijklmnop';
const SECRET = 'webhook_Secret-123-Mn4Pq8Rs2Tu6Vw0Xy3Z';
const logger = createLogger({ level: 'silent' });

let tg: FakeTelegram;
let core: TestCore;
let channel: MessagingChannel;
let app: FastifyInstance;
let url: string;
let gate: Promise<void> = Promise.resolve();

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN });
  core = await startCore(
    {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hooks/telegram',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    },
    {
      logger,
      senders: [],
      // The real engine behind a gate the test opens, to hold an answer "in progress".
      wrapKnowledge: (kb): KnowledgeService => ({
        ask: async (q, o) => {
          await gate;
          return kb.ask(q, o);
        },
        documents: () => kb.documents(),
        refresh: () => kb.refresh(),
        addDocument: (n, b) => kb.addDocument(n, b),
      }),
    },
  );
  channel = createTelegramChannel(core.channelDeps);
  app = Fastify();
  channel.registerWebhook!(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/hooks/telegram`;
  await channel.start();
});

afterAll(async () => {
  await channel?.stop();
  await app?.close();
  await core?.cleanup();
  await tg?.close();
});

const post = (body: unknown, secret?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
    body: JSON.stringify(body),
  });

describe('Telegram webhook', () => {
  it('sets the webhook with the secret token at start', () => {
    const set = tg.callsOf('setWebhook')[0];
    expect(set.params).toMatchObject({ url: 'https://bot.example.org/hooks/telegram', secret_token: SECRET });
    expect(channel.mode).toBe('webhook');
    expect(channel.isConnected()).toBe(true);
  });

  it('refuses a request without the secret or with a wrong one', async () => {
    const update = { update_id: 1, ...textUpdate(201, { id: 201 }, '/start') };
    expect((await post(update)).status).toBe(401);
    expect((await post(update, 'wrong')).status).toBe(401);
    expect((await post(update, `${SECRET}x`)).status).toBe(401);
    expect(tg.sent(201)).toHaveLength(0);
  });

  it('handles a redelivered update_id once', async () => {
    const update = { update_id: 2, ...textUpdate(202, { id: 202 }, '/start') };
    expect((await post(update, SECRET)).status).toBe(200);
    expect((await post(update, SECRET)).status).toBe(200);
    await tg.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === 202);
    const again = { update_id: 3, ...textUpdate(202, { id: 202 }, '/help') };
    await post(again, SECRET);
    await tg.waitFor((c) => c.method === 'sendMessage' && c.params.chat_id === 202 && c.params.text.startsWith('Tôi có thể giúp bạn'));
    expect(tg.sent(202).map((c) => c.params.text.slice(0, 8))).toEqual(['Xin chào', 'Tôi có t']);
  });

  it('checks the secret before the body, requires JSON and caps the body size', async () => {
    const headers = { 'x-telegram-bot-api-secret-token': SECRET };
    const text = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: 'hello' });
    expect(text.status).toBe(415);
    const noSecret = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(noSecret.status).toBe(401);
    const huge = await post({ update_id: 9, ...textUpdate(205, { id: 205 }, 'x'.repeat(300 * 1024)) }, SECRET);
    expect(huge.status).toBe(413);
    expect(tg.sent(205)).toHaveLength(0);
  });

  it('answers 200 before a slow answer is ready, and stop() waits for it', async () => {
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    const res = await post({ update_id: 4, ...textUpdate(203, { id: 203 }, 'Cầu Đội Kỳ đã xong chưa?') }, SECRET);
    expect(res.status).toBe(200);
    expect(tg.sent(203)).toHaveLength(0);
    const stopped = channel.stop();
    // While stopping, new deliveries are turned away so Telegram redelivers them later.
    expect((await post({ update_id: 5, ...textUpdate(204, { id: 204 }, '/start') }, SECRET)).status).toBe(503);
    open();
    await stopped;
    expect(tg.sent(203)).toHaveLength(1);
    expect(tg.sent(203)[0].params.text).toMatch(/Đội Kỳ/);
  });

  it("refuses at start a webhook path that would clash with the application's own routes", async () => {
    const other = Fastify();
    other.get('/healthz', async () => ({ status: 'ok' }));
    const options = { header: 'x-test', secret: SECRET, logger, accepting: () => true, onUpdate: () => undefined };
    for (const path of ['/', '/healthz', '/api/ask', '/api'])
      expect(() => registerWebhookRoute(other, { ...options, path })).toThrow(/clashes with a route/);
    registerWebhookRoute(other, { ...options, path: '/hooks/a' });
    // Two channels on one path is a clash too.
    expect(() => registerWebhookRoute(other, { ...options, path: '/hooks/a' })).toThrow(/clashes/);
    await other.close();
  });

  it('derives the route from the webhook URL and compares secrets exactly', () => {
    expect(webhookPath('https://x.org/hooks/telegram/')).toBe('/hooks/telegram');
    expect(webhookPath('https://x.org')).toBe('/');
    expect(secretMatches(SECRET, SECRET)).toBe(true);
    expect(secretMatches(undefined, SECRET)).toBe(false);
    expect(secretMatches('', '')).toBe(true);
    expect(secretMatches(['a'], SECRET)).toBe(false);
  });
});

describe('long answers', () => {
  it('splits a 6,000-character answer at paragraph boundaries, keeping the source link and the buttons on the last part', async () => {
    const paragraphs = Array.from({ length: 33 }, (_, i) => `Đoạn ${i + 1}: ${'công trình hạ tầng đô thị <b> & *_[ '.repeat(5).trim()}.`);
    const text = paragraphs.join('\n\n');
    expect(text.length).toBeGreaterThan(6000);
    const answer: Answer = {
      text,
      citations: [
        {
          n: 1,
          chunkId: 'a#0',
          docId: 'a',
          title: 'Nghị quyết <dài> & *đặc biệt*',
          number: '04-NQ/TU',
          sourceUrl: 'https://backan.example/nq',
          section: 'Điều 1',
          quote: '...',
        },
      ],
      status: 'answered',
      confidence: 0.8,
      mode: 'offline',
      llmFallback: false,
      searchedQuestion: 'q',
      timings: { retrievalMs: 1, generationMs: 0, totalMs: 1 },
    };
    const api = new Api(TOKEN, { apiRoot: tg.apiRoot });
    const sent = await sendAnswer(api, 300, answer, 42);
    expect(sent.length).toBe(2);
    const calls = tg.sent(300);
    for (const c of calls) {
      expect(c.params.text.length).toBeLessThanOrEqual(4096);
      expect(c.params.text).toMatch(/^Đoạn \d+:/);
    }
    expect(calls.map((c) => c.params.text).join('\n\n')).toBe(
      `${text}\n\n${botTexts.sourcesLabel}\n[1] Nghị quyết <dài> & *đặc biệt*, số 04-NQ/TU, ${botTexts.citationUndated}, Điều 1 — https://backan.example/nq`,
    );
    expect(calls[0].params.reply_markup).toBeUndefined();
    expect(calls[1].params.reply_markup.inline_keyboard[0].map((b: any) => b.callback_data)).toEqual(['v:up:42', 'v:down:42']);
    const last = calls[1].params;
    const link = last.entities.find((e: any) => e.type === 'text_link');
    expect(last.text.slice(link.offset, link.offset + link.length)).toBe('Nghị quyết <dài> & *đặc biệt*');
  });
});
