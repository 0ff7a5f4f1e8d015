// The HTTP server over the real engine: health, metrics, the chat page, the ask and feedback API
// with its limits and errors, and the admin API with its token.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerTexts } from '../src/texts/answers.js';
import { captureLogs, makeTestEnv, type TestEnv } from './helpers/test-env.js';
import { getJson, postJson, startWebServer, type TestServer } from './helpers/web-server.js';

const ADMIN_TOKEN = 'admin-token-3f9a7c1e55d2-Bn5Jq8Wx2Lp7Rz4K';

describe('web server', () => {
  let env: TestEnv;
  let server: TestServer;
  const logs = captureLogs();

  beforeAll(async () => {
    env = await makeTestEnv({ ADMIN_TOKEN, WEB_RATE_LIMIT_PER_MINUTE: '1000', ASK_MAX_CHARS: '200' });
    server = await startWebServer(env, logs.logger);
  });
  afterAll(async () => {
    await server?.close();
    await env?.cleanup();
  });

  describe('health and metrics', () => {
    it('GET /healthz says the process is up', async () => {
      const r = await getJson(`${server.url}/healthz`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ status: 'ok' });
    });

    it('GET /readyz lists the parts and is 200 when the index and database are up', async () => {
      const r = await getJson(`${server.url}/readyz`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'ready', parts: { index: true, database: true }, failing: [] });
    });

    it('GET /metrics is Prometheus text with question counts and the index size and age', async () => {
      await postJson(`${server.url}/api/ask`, { question: 'Cầu Đội Kỳ đã xong chưa?' });
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toMatch(/civicbot_questions_total\{channel="web",status="answered"\} [1-9]/);
      expect(text).toMatch(/civicbot_answer_seconds_count\{mode="offline"\} [1-9]/);
      const chunks = Number(/^civicbot_index_chunks (\d+)/m.exec(text)?.[1]);
      expect(chunks).toBe(server.knowledge.status().chunks);
      expect(chunks).toBeGreaterThan(0);
      expect(Number(/^civicbot_index_documents (\d+)/m.exec(text)?.[1])).toBeGreaterThan(0);
      expect(Number(/^civicbot_index_age_seconds ([\d.e+-]+)/m.exec(text)?.[1])).toBeGreaterThanOrEqual(0);
      expect(text).toContain('civicbot_llm_fallbacks_total');
      expect(text).toContain('civicbot_broadcast_deliveries_total');
    });
  });

  describe('the chat page', () => {
    it('serves the page, its script, style and the widget locally, with a strict content policy', async () => {
      const page = await fetch(`${server.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      const html = await page.text();
      expect(html).toContain('<html lang="vi">');
      // Nothing is loaded from another host.
      expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
      for (const [file, type] of [
        ['chat.js', 'javascript'],
        ['chat.css', 'text/css'],
        ['widget.js', 'javascript'],
      ]) {
        const r = await fetch(`${server.url}/${file}`);
        expect(r.status, file).toBe(200);
        expect(r.headers.get('content-type'), file).toContain(type);
      }
    });

    it('the page script never puts server text into HTML', async () => {
      const script = await (await fetch(`${server.url}/chat.js`)).text();
      expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    });

    it('GET /api/info gives the city, topics, document count and the page texts', async () => {
      const r = await getJson(`${server.url}/api/info`);
      expect(r.status).toBe(200);
      expect(r.body.city).toBe('Bắc Kạn');
      expect(r.body.documents).toBe(server.knowledge.documents().length);
      expect(r.body.topics).toContain('Giao thông');
      expect(r.body.texts.title).toContain('Bắc Kạn');
      expect(r.body.texts.send).toBe('Gửi');
    });
  });

  describe('POST /api/ask', () => {
    it('answers with citations, a question id and a new conversation id', async () => {
      const r = await postJson(`${server.url}/api/ask`, { question: 'Cầu Đội Kỳ đã xong chưa?' });
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('answered');
      expect(r.body.answer).toMatch(/Đội Kỳ/);
      expect(r.body.citations.length).toBeGreaterThan(0);
      expect(r.body.citations[0]).toMatchObject({ n: 1, title: expect.any(String), quote: expect.any(String) });
      expect(r.body.questionId).toBeGreaterThan(0);
      expect(r.body.conversationId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
      expect(r.body.timings).toMatchObject({ totalMs: expect.any(Number) });
    });

    it('answers the same question typed without diacritics', async () => {
      const r = await postJson(`${server.url}/api/ask`, { question: 'cau doi ky da xong chua', conversationId: 'conv-nodiacritics-1' });
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('answered');
      expect(r.body.answer).toMatch(/Đội Kỳ/);
      expect(r.body.citations.length).toBeGreaterThan(0);
      expect(r.body.conversationId).toBe('conv-nodiacritics-1');
    });

    it('refuses a body over 16 KB with 413 JSON', async () => {
      const r = await postJson(`${server.url}/api/ask`, { question: 'a'.repeat(20_000) });
      expect(r.status).toBe(413);
      expect(r.body.error.code).toBe('body_too_large');
      expect(r.body.error.message).toContain('16 KB');
    });

    it('refuses malformed JSON with 400 JSON', async () => {
      const r = await postJson(`${server.url}/api/ask`, '{"question": "cầu', { raw: true });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: { code: 'invalid_json', message: expect.stringContaining('JSON') } });
    });

    it('refuses an empty JSON body and a body without a question with 400', async () => {
      const empty = await postJson(`${server.url}/api/ask`, '', { raw: true });
      expect(empty.status).toBe(400);
      expect(empty.body.error.code).toBe('empty_body');
      const noQuestion = await postJson(`${server.url}/api/ask`, { q: 'x' });
      expect(noQuestion.status).toBe(400);
      expect(noQuestion.body.error.code).toBe('invalid_request');
      const badId = await postJson(`${server.url}/api/ask`, { question: 'cầu', conversationId: '../../x' });
      expect(badId.status).toBe(400);
    });

    it('refuses another content type with 415', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const r = await postJson(`${server.url}/api/ask`, 'question=x', { raw: true, headers: { 'content-type': type } });
        expect(r.status, type).toBe(415);
        expect(r.body.error.code).toBe('unsupported_media_type');
      }
    });

    it('refuses a question over ASK_MAX_CHARS with 400 and a Vietnamese message', async () => {
      const r = await postJson(`${server.url}/api/ask`, { question: 'cầu '.repeat(60) });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('question_too_long');
      expect(r.body.error.message).toContain('tối đa 200 ký tự');
    });

    it('counts the question in characters, as the engine does: an emoji is one, not two', async () => {
      // 200 characters, 380 UTF-16 units: within ASK_MAX_CHARS for both the API and the engine.
      const question = `Cầu Đội Kỳ đã xong chưa? ${'🙂'.repeat(175)}`;
      expect([...question].length).toBe(200);
      const r = await postJson(`${server.url}/api/ask`, { question });
      expect(r.status).toBe(200);
      expect(r.body.answer).not.toBe(answerTexts.invalid('too_long', 200, env.config.city.exampleQuestion));
      const over = await postJson(`${server.url}/api/ask`, { question: `${question}🙂` });
      expect(over.status).toBe(400);
      expect(over.body.error.code).toBe('question_too_long');
    });

    it('answers unknown routes with 404 JSON', async () => {
      const r = await getJson(`${server.url}/api/nothing-here`);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    });
  });

  describe('POST /api/feedback', () => {
    it('records a vote for the conversation that asked, and only for it', async () => {
      const asked = await postJson(`${server.url}/api/ask`, { question: 'Cầu Đội Kỳ đã xong chưa?', conversationId: 'conv-feedback-1' });
      const { questionId } = asked.body;
      const ok = await postJson(`${server.url}/api/feedback`, { questionId, conversationId: 'conv-feedback-1', vote: 'up' });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ ok: true });
      const other = await postJson(`${server.url}/api/feedback`, { questionId, conversationId: 'someone-else', vote: 'down' });
      expect(other.status).toBe(404);
      expect(other.body.error.code).toBe('unknown_question');
      const bad = await postJson(`${server.url}/api/feedback`, { questionId, conversationId: 'conv-feedback-1', vote: 'maybe' });
      expect(bad.status).toBe(400);
    });
  });

  describe('admin API', () => {
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });

    it('refuses requests without a token or with a wrong one', async () => {
      const none = await getJson(`${server.url}/api/admin/documents`);
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe('unauthorized');
      const wrong = await getJson(`${server.url}/api/admin/documents`, auth('wrong-token-0000000'));
      expect(wrong.status).toBe(401);
      const prefix = await postJson(`${server.url}/api/admin/refresh`, {}, { headers: auth(ADMIN_TOKEN.slice(0, -1)) });
      expect(prefix.status).toBe(401);
    });

    it('lists the documents with chunk counts and the last ingest', async () => {
      const r = await getJson(`${server.url}/api/admin/documents`, auth(ADMIN_TOKEN));
      expect(r.status).toBe(200);
      expect(r.body.documents.length).toBeGreaterThan(0);
      expect(r.body.documents[0]).toMatchObject({ id: expect.any(String), title: expect.any(String), chunks: expect.any(Number) });
      expect(r.body.index).toMatchObject({ ready: true, lastIngest: { failed: [] } });
    });

    it('re-ingests on POST /api/admin/refresh', async () => {
      const response = await fetch(`${server.url}/api/admin/refresh`, { method: 'POST', headers: auth(ADMIN_TOKEN) });
      expect(response.status).toBe(200);
      const summary = await response.json();
      expect(summary).toMatchObject({ failed: [], swapped: false, chunks: server.knowledge.status().chunks });
    });

    it('adds an uploaded document (multipart) and answers from it', async () => {
      const doc = [
        '---',
        'title: Thông báo lịch thu gom rác phường Sông Cầu',
        'kind: announcement',
        '---',
        '',
        'Từ ngày 01/12, xe thu gom rác thải sinh hoạt tại phường Sông Cầu chạy lúc 19 giờ hằng ngày, kể cả Chủ nhật.',
      ].join('\n');
      const form = new FormData();
      form.append('file', new Blob([doc], { type: 'text/markdown' }), 'lich-thu-gom-rac.md');
      const response = await fetch(`${server.url}/api/admin/documents`, { method: 'POST', headers: auth(ADMIN_TOKEN), body: form });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ added: 1, failed: [], swapped: true });
      expect(await fs.readdir(env.knowledgeDir)).toContain('lich-thu-gom-rac.md');

      const asked = await postJson(`${server.url}/api/ask`, { question: 'Xe thu gom rác phường Sông Cầu chạy lúc mấy giờ?' });
      expect(asked.body.status).toBe('answered');
      expect(asked.body.citations.map((c: { title: string }) => c.title)).toContain('Thông báo lịch thu gom rác phường Sông Cầu');
    });

    it('adds a document sent as the raw body with ?name=', async () => {
      const response = await fetch(`${server.url}/api/admin/documents?name=${encodeURIComponent('ghi-chu.txt')}`, {
        method: 'POST',
        headers: { ...auth(ADMIN_TOKEN), 'content-type': 'application/octet-stream' },
        body: 'Ghi chú: nhà văn hóa tổ 5 mở cửa từ 7 giờ đến 21 giờ.',
      });
      expect(response.status).toBe(201);
      expect(await fs.readdir(env.knowledgeDir)).toContain('ghi-chu.txt');
    });

    it('rejects a file that cannot be parsed with 422 and the reason, saving nothing', async () => {
      const before = await fs.readdir(env.knowledgeDir);
      const form = new FormData();
      form.append('file', new Blob([Buffer.from('%PDF-1.7\nthis is not really a pdf')], { type: 'application/pdf' }), 'hong.pdf');
      const response = await fetch(`${server.url}/api/admin/documents`, { method: 'POST', headers: auth(ADMIN_TOKEN), body: form });
      expect(response.status).toBe(422);
      const body = await response.json();
      expect(body.error.code).toBe('document_rejected');
      expect(body.error.message).toContain('PDF');
      const unsupported = await fetch(`${server.url}/api/admin/documents?name=virus.exe`, {
        method: 'POST',
        headers: { ...auth(ADMIN_TOKEN), 'content-type': 'application/octet-stream' },
        body: 'MZ',
      });
      expect(unsupported.status).toBe(422);
      expect((await unsupported.json()).error.message).toContain('.exe');
      expect(await fs.readdir(env.knowledgeDir)).toEqual(before);
    });

    it('says 400 when no file was sent', async () => {
      const response = await fetch(`${server.url}/api/admin/documents`, { method: 'POST', headers: auth(ADMIN_TOKEN) });
      expect(response.status).toBe(400);
      expect((await response.json()).error.code).toBe('upload_missing');
    });
  });

  it('never logs a token or key, not even a wrong token that was tried', async () => {
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    expect(text).toContain('admin request refused');
    expect(text).not.toContain(ADMIN_TOKEN);
    expect(text).not.toContain('wrong-token-0000000');
    expect(text).not.toContain(ADMIN_TOKEN.slice(0, -1));
  });
});

describe('web server limits and switches', () => {
  let env: TestEnv;
  let server: TestServer;

  beforeAll(async () => {
    // No ADMIN_TOKEN: the admin API is off. A tiny rate limit to reach it.
    env = await makeTestEnv({ WEB_RATE_LIMIT_PER_MINUTE: '3' });
    server = await startWebServer(env, captureLogs().logger, { buildIndex: false });
  });
  afterAll(async () => {
    await server?.close();
    await env?.cleanup();
  });

  it('/readyz is 503 naming the index while no index is built', async () => {
    const r = await getJson(`${server.url}/readyz`);
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ status: 'not_ready', failing: ['index'], parts: { database: true, index: false } });
  });

  it('the admin API is off (404 with a message), not open, without ADMIN_TOKEN', async () => {
    const r = await getJson(`${server.url}/api/admin/documents`, { authorization: 'Bearer anything-at-all' });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('admin_api_off');
    expect(r.body.error.message).toContain('admin API is off');
  });

  it('limits questions per IP with 429 JSON', async () => {
    const statuses: number[] = [];
    let last: any;
    for (let i = 0; i < 4; i++) {
      last = await postJson(`${server.url}/api/ask`, { question: 'Cầu Đội Kỳ đã xong chưa?' });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last.body.error.code).toBe('rate_limited');
    expect(last.body.error.message).toMatch(/giây/);
  });

  it('health stays reachable whatever the rate limit', async () => {
    expect((await getJson(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('TRUST_PROXY: residents behind the city portal’s reverse proxy', () => {
  // The test client plays the proxy: every request comes from 127.0.0.1 and names the resident
  // in X-Forwarded-For.
  const servers: { env: TestEnv; server: TestServer }[] = [];
  const start = async (vars: Record<string, string>) => {
    const env = await makeTestEnv({ WEB_RATE_LIMIT_PER_MINUTE: '2', ...vars });
    const server = await startWebServer(env, captureLogs().logger, { buildIndex: false });
    servers.push({ env, server });
    return server;
  };
  afterAll(async () => {
    for (const { env, server } of servers) {
      await server.close();
      await env.cleanup();
    }
  });
  const askAs = async (server: TestServer, resident: string) =>
    (await postJson(`${server.url}/api/ask`, { question: 'Cầu Đội Kỳ đã xong chưa?' }, { headers: { 'x-forwarded-for': resident } }))
      .status;

  it.each([['127.0.0.1'], ['loopback'], ['1'], ['true']])('with TRUST_PROXY=%s each resident has a limit of their own', async (trust) => {
    const server = await start({ TRUST_PROXY: trust });
    expect([await askAs(server, '203.0.113.7'), await askAs(server, '203.0.113.7'), await askAs(server, '203.0.113.7')]).toEqual([
      200, 200, 429,
    ]);
    expect([await askAs(server, '198.51.100.23'), await askAs(server, '198.51.100.23')]).toEqual([200, 200]);
  });

  it('without TRUST_PROXY the whole city behind the proxy shares one limit, and the header cannot dodge it', async () => {
    const server = await start({});
    expect([await askAs(server, '203.0.113.7'), await askAs(server, '198.51.100.23'), await askAs(server, '192.0.2.99')]).toEqual([
      200, 200, 429,
    ]);
  });

  it('a proxy that is not trusted cannot speak for residents', async () => {
    const server = await start({ TRUST_PROXY: '10.0.0.1' });
    expect([await askAs(server, '203.0.113.7'), await askAs(server, '198.51.100.23'), await askAs(server, '192.0.2.99')]).toEqual([
      200, 200, 429,
    ]);
  });
});

// The engine's knowledge folder is the repo's; nothing in it may have been written by the tests.
it('tests write only to their temp copy of knowledge/', async () => {
  const files = await fs.readdir(path.resolve(import.meta.dirname, '../knowledge'));
  expect(files).not.toContain('lich-thu-gom-rac.md');
});
