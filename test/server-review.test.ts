// The admin API's people side over real HTTP: roles granted at run time change what a person may do
// on the messaging channels, and staff can read residents' votes with the answers they judged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResidentService } from '../src/core/resident-service.js';
import { captureLogs, makeTestEnv, type TestEnv } from './helpers/test-env.js';
import { getJson, postJson, startWebServer, type TestServer } from './helpers/web-server.js';

const ADMIN_TOKEN = 'admin-token-review-7b21c9-Ty3Nu8Pf5Hd1Wq6Z';
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = auth) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('admin API: roles and feedback review', () => {
  let env: TestEnv;
  let server: TestServer;
  let residents: ResidentService;
  const logs = captureLogs();

  beforeAll(async () => {
    env = await makeTestEnv({ ADMIN_TOKEN, TELEGRAM_ADMIN_IDS: '1', WEB_RATE_LIMIT_PER_MINUTE: '1000' });
    server = await startWebServer(env, logs.logger);
    residents = server.residents;
  });
  afterAll(async () => {
    await server?.close();
    await env?.cleanup();
  });

  it('grants and revokes a staff role, which the channels then honour', async () => {
    const ref = { channel: 'zalo' as const, chatId: 'z-77', userId: 'z-77' };
    expect(residents.authorize(ref, 'staff', 'announce')).toBe(false);

    const granted = await call('PUT', `${server.url}/api/admin/roles/zalo/z-77`, { role: 'staff' });
    expect(granted).toEqual({ status: 200, body: { channel: 'zalo', userId: 'z-77', role: 'staff' } });
    expect(residents.authorize(ref, 'staff', 'announce')).toBe(true);
    expect(residents.authorize(ref, 'admin', 'refresh')).toBe(false);
    expect((await getJson(`${server.url}/api/admin/roles`, auth)).body.roles).toMatchObject([
      { channel: 'zalo', userId: 'z-77', role: 'staff' },
    ]);

    const revoked = await call('DELETE', `${server.url}/api/admin/roles/zalo/z-77`);
    expect(revoked.body.role).toBe('resident');
    expect(residents.authorize(ref, 'staff', 'announce')).toBe(false);
    expect((await call('DELETE', `${server.url}/api/admin/roles/zalo/z-77`)).status).toBe(404);
  });

  it('refuses bad roles and channels, and anyone without the token', async () => {
    expect((await call('PUT', `${server.url}/api/admin/roles/zalo/u1`, { role: 'mayor' })).status).toBe(400);
    expect((await call('PUT', `${server.url}/api/admin/roles/fax/u1`, { role: 'staff' })).status).toBe(400);
    expect((await call('PUT', `${server.url}/api/admin/roles/zalo/u1`, { role: 'staff' }, {})).status).toBe(401);
    expect((await getJson(`${server.url}/api/admin/feedback`, { authorization: 'Bearer nope-nope-nope' })).status).toBe(401);
  });

  it('an admin listed in the environment stays admin whatever is stored', async () => {
    await call('PUT', `${server.url}/api/admin/roles/telegram/1`, { role: 'staff' });
    expect(residents.roleOf('telegram', '1')).toBe('admin');
  });

  it('lists votes with the question, answer and sources, filtered by vote', async () => {
    const asked = await postJson(`${server.url}/api/ask`, { question: 'Cầu Đội Kỳ đã xong chưa?', conversationId: 'review-conv-1' });
    expect(asked.body.status).toBe('answered');
    const voted = await postJson(`${server.url}/api/feedback`, {
      questionId: asked.body.questionId,
      conversationId: 'review-conv-1',
      vote: 'down',
    });
    expect(voted.status).toBe(200);

    const down = await getJson(`${server.url}/api/admin/feedback?vote=down`, auth);
    expect(down.status).toBe(200);
    expect(down.body.feedback).toHaveLength(1);
    expect(down.body.feedback[0]).toMatchObject({ question: 'Cầu Đội Kỳ đã xong chưa?', vote: 'down', channel: 'web' });
    expect(down.body.feedback[0].answer).toBe(asked.body.answer);
    expect(down.body.feedback[0].citations[0].title).toBe(asked.body.citations[0].title);
    expect((await getJson(`${server.url}/api/admin/feedback?vote=up`, auth)).body.feedback).toEqual([]);
    expect((await getJson(`${server.url}/api/admin/feedback?limit=0`, auth)).status).toBe(400);
  });
});
