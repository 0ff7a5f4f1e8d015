// The staff HTTP API over the broadcast service, mounted the way the server mounts it.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BroadcastService } from '../src/broadcast/service.js';
import { installErrorHandlers } from '../src/server/errors.js';
import { BROADCAST_API_PREFIX as API, broadcastRoutes } from '../src/server/staff-routes.js';
import { type FakeTelegram, startFakeTelegram } from './fakes/telegram-api.js';
import { broadcastTestVars, seedSubscribers } from './helpers/broadcast-child.js';
import { startCore, type TestCore } from './helpers/core.js';

const TOKEN = 'staff-token-0123456789-Kl4Zx5Cv6Bn7Mq8W';
const auth = { authorization: `Bearer ${TOKEN}` };

let tg: FakeTelegram;
let core: TestCore;
let service: BroadcastService;
let app: FastifyInstance;

async function build(staffToken?: string): Promise<FastifyInstance> {
  const server = Fastify();
  installErrorHandlers(server);
  server.get('/api/other', async () => ({ ok: true }));
  await server.register(broadcastRoutes, { service, staffToken });
  await server.ready();
  return server;
}

beforeEach(async () => {
  tg = await startFakeTelegram();
  core = await startCore(
    { ...broadcastTestVars(), TELEGRAM_API_ROOT: tg.apiRoot, TELEGRAM_RATE_PER_SECOND: '500' },
    { emptyKnowledge: true, buildIndex: false, broadcast: { tickMs: 50, progressIntervalMs: 20 } },
  );
  seedSubscribers(core.store, 12);
  service = core.broadcast;
  service.start();
  app = await build(TOKEN);
});

afterEach(async () => {
  await app.close();
  await core.cleanup();
  await tg.close();
});

describe('staff announcements API', () => {
  it('is off (404) without a configured token and leaves other routes alone', async () => {
    const off = await build(undefined);
    const r = await off.inject({ method: 'GET', url: API, headers: auth });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toEqual({ error: { code: 'broadcast_api_off', message: expect.stringContaining('STAFF_TOKEN') } });
    expect((await off.inject({ method: 'GET', url: '/api/other' })).statusCode).toBe(200);
    await off.close();
  });

  it('refuses a missing or wrong token with 401', async () => {
    expect((await app.inject({ method: 'GET', url: API })).statusCode).toBe(401);
    const r = await app.inject({ method: 'GET', url: API, headers: { authorization: 'Bearer wrong' } });
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('unauthorized');
  });

  it('creates, previews, sends and reports progress', async () => {
    const created = await app.inject({
      method: 'POST',
      url: API,
      headers: auth,
      payload: { title: 'Cúp nước', body: 'Sáng mai cúp nước.', author: 'Lan' },
    });
    expect(created.statusCode).toBe(201);
    const { announcement, preview } = created.json();
    expect(announcement).toMatchObject({ status: 'draft', author: 'api:Lan' });
    expect(preview).toEqual({ text: 'Cúp nước\n\nSáng mai cúp nước.', recipients: { telegram: 12, zalo: 0 }, total: 12, warnings: [] });

    const id = announcement.id;
    expect((await app.inject({ method: 'GET', url: `${API}/${id}/preview`, headers: auth })).json().total).toBe(12);
    const sent = await app.inject({ method: 'POST', url: `${API}/${id}/send`, headers: auth });
    expect(sent.statusCode).toBe(202);
    await service.waitUntilFinished(id);
    const progress = await app.inject({ method: 'GET', url: `${API}/${id}/progress`, headers: auth });
    expect(progress.json()).toMatchObject({
      progress: { status: 'done', sent: 12, total: 12 },
      line: expect.stringMatching(/^Đã gửi 12\/12 · lỗi 0 · chờ 0/),
    });
    const list = await app.inject({ method: 'GET', url: `${API}?limit=5`, headers: auth });
    expect(list.json().announcements).toEqual([expect.objectContaining({ id, progress: expect.objectContaining({ sent: 12 }) })]);

    // Done: cannot be sent again or cancelled.
    const again = await app.inject({ method: 'POST', url: `${API}/${id}/cancel`, headers: auth });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('conflict');
  });

  it('answers 400 with every problem for an invalid announcement, and stores nothing', async () => {
    const r = await app.inject({ method: 'POST', url: API, headers: auth, payload: { title: '', body: 'x', topics: ['khong-co'] } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: { code: 'invalid' }, problems: ['Thiếu tiêu đề.', expect.stringContaining('khong-co')] });
    const noPath = await app.inject({
      method: 'POST',
      url: API,
      headers: auth,
      payload: { title: 'T', body: 'B', attachment: { kind: 'photo', path: '/etc/passwd' } },
    });
    expect(noPath.statusCode).toBe(400);
    expect(noPath.json().problems).toEqual([expect.stringContaining('chỉ được đính kèm bằng địa chỉ (url)')]);
    expect(service.recent()).toEqual([]);
  });

  it('schedules in city time and cancels', async () => {
    const { announcement } = (await app.inject({ method: 'POST', url: API, headers: auth, payload: { title: 'T', body: 'B' } })).json();
    const r = await app.inject({
      method: 'POST',
      url: `${API}/${announcement.id}/schedule`,
      headers: auth,
      payload: { at: '2099-01-02 07:30' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().announcement).toMatchObject({ status: 'scheduled', scheduledAt: Date.parse('2099-01-02T00:30:00Z') });
    const bad = await app.inject({ method: 'POST', url: `${API}/${announcement.id}/schedule`, headers: auth, payload: { at: '07:30' } });
    expect(bad.statusCode).toBe(400);
    const cancelled = await app.inject({ method: 'POST', url: `${API}/${announcement.id}/cancel`, headers: auth });
    expect(cancelled.json().announcement.status).toBe('cancelled');
    expect((await app.inject({ method: 'GET', url: `${API}/9999`, headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: `${API}/abc`, headers: auth })).statusCode).toBe(400);
  });
});
