// Both webhook parsers, through the whole service as `npm start` runs it (Telegram and Zalo in
// webhook mode against the fake Bot APIs): random JSON, mutated real updates, bodies that are not
// JSON, deep nesting, odd content types. Every request gets a plain status, nothing crashes (an
// unhandled rejection fails the run), and afterwards both bots still answer a real question.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService } from '../../src/server/service.js';
import { type FakeTelegram, startFakeTelegram, textUpdate as telegramText } from '../fakes/telegram-api.js';
import { type FakeZalo, startFakeZalo, textUpdate as zaloText } from '../fakes/zalo-api.js';
import { captureLogs, makeTestEnv, type TestEnv } from '../helpers/test-env.js';
import { anyText, check, report } from './fuzz-helpers.js';

const TG_SECRET = 'tgFuzzSecret_7d3f9a2c4b6e8f1a0c5d7e9b3a1f2c4d';
const ZALO_SECRET = 'zaloFuzzSecret-5c8e1a3f7b9d2e4c6a8f0b1d3e5c7a9f';
const RUNS = 2000;

let tg: FakeTelegram;
let zalo: FakeZalo;
let env: TestEnv;
let service: RunningService;

beforeAll(async () => {
  tg = await startFakeTelegram({});
  zalo = await startFakeZalo({});
  env = await makeTestEnv({
    TELEGRAM_BOT_TOKEN: '123456:telegram-token-abcdefghijklmnopqrstuvwxyz',
    TELEGRAM_API_ROOT: tg.apiRoot,
    TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/hooks/telegram',
    TELEGRAM_WEBHOOK_SECRET: TG_SECRET,
    ZALO_BOT_TOKEN: zalo.token,
    ZALO_API_ROOT: zalo.apiRoot,
    ZALO_WEBHOOK_URL: 'https://bot.example.org/hooks/zalo',
    ZALO_WEBHOOK_SECRET: ZALO_SECRET,
  });
  service = await startService(env.config, { logger: captureLogs('warn').logger });
  await service.indexed;
});

afterAll(async () => {
  await service?.stop();
  await tg?.close();
  await zalo?.close();
  await env?.cleanup();
  report('webhook fuzz');
});

type Json = unknown;

/** A real update with a few of its fields (at any depth) replaced by random JSON or removed. */
function mutatedJson(base: Json): fc.Arbitrary<Json> {
  const edit = fc.record({ at: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }), remove: fc.boolean() });
  return fc.array(edit, { maxLength: 5 }).map((edits) => {
    const copy = structuredClone(base) as Record<string, Json>;
    for (const e of edits) {
      const paths = pathsOf(copy);
      const path = paths[e.at % paths.length];
      if (!path.length) continue;
      const parent = path.slice(0, -1).reduce<any>((o, k) => o[k], copy);
      const key = path[path.length - 1];
      if (e.remove) delete parent[key];
      else parent[key] = e.value;
    }
    return copy;
  });
}

function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, Array.isArray(value) ? Number(k) : k]));
  return out;
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/** What a request body may be: JSON text of any of these, or text that is not JSON at all. */
function bodies(samples: Json[]): fc.Arbitrary<{ payload: string; contentType: string; secretOk: boolean }> {
  const json = fc.oneof(
    { weight: 4, arbitrary: fc.oneof(...samples.map(mutatedJson)).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: anyText(2000) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 120_000 }).map(nested) },
  );
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/json; charset=latin1', 'multipart/form-data', '') },
  );
  return fc.record({
    payload: json,
    contentType,
    secretOk: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  });
}

async function fuzzRoute(name: string, url: string, header: string, secret: string, samples: Json[]): Promise<void> {
  const statuses = new Map<number, number>();
  await check(
    name,
    fc.asyncProperty(bodies(samples), async ({ payload, contentType, secretOk }) => {
      const res = await service.app.inject({
        method: 'POST',
        url,
        // Wrong secrets come from another address: the failed-authentication throttle answers it 429
        // after a few, and must not close the door to the bodies being fuzzed.
        remoteAddress: secretOk ? '127.0.0.1' : '10.9.9.9',
        headers: { 'content-type': contentType, [header]: secretOk ? secret : `${secret}x` },
        payload,
      });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      return secretOk ? [200, 400, 413, 415].includes(res.statusCode) : [401, 429].includes(res.statusCode);
    }),
    RUNS,
  );
  console.log(`${name}: statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
}

describe('webhook parsers under random and mutated bodies', () => {
  it(`Telegram: ${RUNS} bodies, then a real question is still answered`, async () => {
    const samples = [
      { update_id: 1, ...telegramText(5001, { id: 5001 }, 'Cầu Đội Kỳ đã xong chưa?') },
      { update_id: 2, ...telegramText(5002, { id: 5002 }, '/start') },
      { update_id: 3, ...telegramText(-1005003, { id: 5003 }, '@civic_test_bot cầu Đội Kỳ') },
    ];
    await fuzzRoute('telegram webhook', '/hooks/telegram', 'x-telegram-bot-api-secret-token', TG_SECRET, samples);
    const res = await service.app.inject({
      method: 'POST',
      url: '/hooks/telegram',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TG_SECRET },
      payload: JSON.stringify({ update_id: 999_999_999, ...telegramText(5999, { id: 5999 }, 'Cầu Đội Kỳ đã xong chưa?') }),
    });
    expect(res.statusCode).toBe(200);
    const reply = await tg.waitFor((c) => c.method === 'sendMessage' && String(c.params.chat_id) === '5999', 20_000);
    expect(reply.params.text).toMatch(/Đội Kỳ/);
  }, 120_000);

  it(`Zalo: ${RUNS} bodies, then a real question is still answered`, async () => {
    const samples = [zaloText('z-5001', 'Cầu Đội Kỳ đã xong chưa?'), { ok: true, result: [zaloText('z-5002', 'xin chào')] }];
    await fuzzRoute('zalo webhook', '/hooks/zalo', 'x-bot-api-secret-token', ZALO_SECRET, samples);
    const res = await service.app.inject({
      method: 'POST',
      url: '/hooks/zalo',
      headers: { 'content-type': 'application/json', 'x-bot-api-secret-token': ZALO_SECRET },
      payload: JSON.stringify(zaloText('z-5999', 'Cầu Đội Kỳ đã xong chưa?')),
    });
    expect(res.statusCode).toBe(200);
    const [reply] = await zalo.waitForSent('z-5999', 1, 20_000);
    expect(reply).toMatch(/Đội Kỳ/);
  }, 120_000);
});
