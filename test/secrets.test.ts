// Secrets: weak tokens refused at start with a message saying how to make one; failed
// authentications throttled per address (admin and staff bearer tokens, webhook secrets) and logged.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWebhookRoute } from '../src/channels/webhook.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { randomToken, secretProblem } from '../src/secret-strength.js';
import { AUTH_THROTTLE, FailedAuthThrottle } from '../src/server/auth-throttle.js';
import { type RunningService, startService } from '../src/server/service.js';
import { captureLogs, makeTestEnv, type TestEnv } from './helpers/test-env.js';

const ADMIN_TOKEN = randomToken();
const STAFF_TOKEN = randomToken();

describe('secret strength', () => {
  it.each([
    ['1', 'too_short'],
    ['admin-token-3f9a7c1e55d2', 'too_short'],
    ['a'.repeat(40), 'low_variety'],
    ['ab'.repeat(20), 'low_variety'],
    ['0000000000000000000000000000000000000000000x', 'low_variety'],
    ['correct horse battery staple and more words here', 'whitespace'],
  ])('«%s» is refused: %s', (value, problem) => {
    expect(secretProblem(value)).toBe(problem);
  });

  it('accepts random tokens, hex ones included', () => {
    for (let i = 0; i < 50; i++) expect(secretProblem(randomToken())).toBeUndefined();
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secretProblem('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toBeUndefined();
  });

  it('refuses weak secrets at start, naming each variable and how to make a good one, never echoing them', () => {
    try {
      loadConfig({ ADMIN_TOKEN: '1', STAFF_TOKEN: 'staff token with spaces in it for sure ok', ZALO_WEBHOOK_SECRET: 'z'.repeat(40) });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems[0]).toMatch(/^ADMIN_TOKEN: quá ngắn, cần ít nhất 32 ký tự.*npm run token/);
      expect(problems[1]).toMatch(/^STAFF_TOKEN: có khoảng trắng/);
      expect(problems[2]).toMatch(/^ZALO_WEBHOOK_SECRET: quá đơn điệu/);
      expect((err as Error).message).not.toMatch(/staff token with|zzzz/);
    }
    expect(loadConfig({ ADMIN_TOKEN, STAFF_TOKEN }).web.adminToken).toBe(ADMIN_TOKEN);
  });
});

describe('the failed-authentication throttle', () => {
  it('lets the first failures through, then doubles the wait, and forgets an address after a while', () => {
    const t = new FailedAuthThrottle();
    const waits = Array.from({ length: AUTH_THROTTLE.free + 4 }, () => t.failed('10.0.0.1', 0).waitMs);
    expect(waits).toEqual([0, 0, 0, 0, 0, 1000, 2000, 4000, 8000]);
    expect(t.waitMs('10.0.0.1', 0)).toBe(8000);
    expect(t.waitMs('10.0.0.2', 0)).toBe(0);
    for (let i = 0; i < 20; i++) t.failed('10.0.0.1', 0);
    expect(t.waitMs('10.0.0.1', 0)).toBe(AUTH_THROTTLE.maxMs);
    expect(t.failed('10.0.0.1', AUTH_THROTTLE.forgetMs + 1).waitMs).toBe(0);
    t.succeeded('10.0.0.1');
    expect(t.waitMs('10.0.0.1', AUTH_THROTTLE.forgetMs + 1)).toBe(0);
  });
});

describe('failed authentications over HTTP', () => {
  let env: TestEnv;
  let server: RunningService;
  const logs = captureLogs();

  beforeAll(async () => {
    env = await makeTestEnv({ ADMIN_TOKEN, STAFF_TOKEN });
    server = await startService(env.config, { logger: logs.logger, only: ['web'] });
    await server.indexed;
  });
  afterAll(async () => {
    await server?.stop();
    await env?.cleanup();
  });

  const admin = (token: string) => fetch(`${server.url}/api/admin/documents`, { headers: { authorization: `Bearer ${token}` } });

  it('answers 401 to the first wrong tokens, then 429 with Retry-After even for the right one, and logs each failure', async () => {
    expect((await admin(ADMIN_TOKEN)).status).toBe(200);
    for (let i = 0; i < AUTH_THROTTLE.free + 1; i++) expect((await admin(`wrong-${i}`)).status).toBe(401);
    const throttled = await admin(ADMIN_TOKEN);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    const body = (await throttled.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('too_many_failures');
    expect(body.error.message).toMatch(/thử lại sau 1 giây/);
    // The throttle is the server's: the staff API is closed to the same address too.
    const staff = await fetch(`${server.url}/api/staff/announcements`, { headers: { authorization: `Bearer ${STAFF_TOKEN}` } });
    expect(staff.status).toBe(429);
    const failures = logs.lines().filter((l) => l.msg === 'admin request refused: missing or wrong secret');
    expect(failures).toHaveLength(AUTH_THROTTLE.free + 1);
    expect(failures.at(-1)).toMatchObject({ ip: '127.0.0.1', door: 'admin', failures: AUTH_THROTTLE.free + 1, waitMs: 1000 });
    expect(logs.text()).not.toContain(ADMIN_TOKEN);
  });
});

describe('failed webhook secrets', () => {
  it('throttle the same way: 401, then 429 with Retry-After, logged without the secret', async () => {
    const logs = captureLogs();
    const secret = randomToken();
    const app = Fastify();
    const updates: unknown[] = [];
    registerWebhookRoute(app, {
      path: '/hooks/telegram',
      header: 'x-telegram-bot-api-secret-token',
      secret,
      logger: logs.logger,
      accepting: () => true,
      onUpdate: (body) => updates.push(body),
    });
    const post = (s: string) =>
      app.inject({
        method: 'POST',
        url: '/hooks/telegram',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': s },
        payload: '{"update_id":1}',
      });
    expect((await post(secret)).statusCode).toBe(200);
    for (let i = 0; i < AUTH_THROTTLE.free + 1; i++) expect((await post(`guess-${i}`)).statusCode).toBe(401);
    const throttled = await post(secret);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['retry-after']).toBe('1');
    expect(updates).toHaveLength(1);
    expect(logs.text()).toContain('"door":"webhook /hooks/telegram"');
    expect(logs.text()).not.toContain(secret);
    await app.close();
  });
});
