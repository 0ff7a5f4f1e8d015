// Hot knowledge refresh through the HTTP API: while residents keep asking, the index is rebuilt by
// the admin API and by another process (a CLI ingest); no question fails and the new documents
// are answered without a restart.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KnowledgeBase } from '../src/engine/knowledge-base.js';
import { type RunningService, startService } from '../src/server/service.js';
import { captureLogs, makeTestEnv, type TestEnv } from './helpers/test-env.js';
import { postJson } from './helpers/web-server.js';

const ADMIN_TOKEN = 'admin-refresh-token-123456-Gh7Ks2Qw9Xe4Lm';
let env: TestEnv;
let service: RunningService;

beforeAll(async () => {
  env = await makeTestEnv({ ADMIN_TOKEN, WEB_RATE_LIMIT_PER_MINUTE: '100000' });
  service = await startService(env.config, { logger: captureLogs().logger, reloadIntervalMs: 50 });
  await service.indexed;
});
afterAll(async () => {
  await service?.stop();
  await env?.cleanup();
});

const QUESTIONS = ['Cầu Đội Kỳ đã xong chưa?', 'cau doi ky da xong chua'];

function markdown(title: string, body: string): string {
  return `---\ntitle: ${title}\nkind: announcement\n---\n\n${body}\n`;
}

async function ask(question: string) {
  return postJson(`${service.url}/api/ask`, { question });
}

async function answeredFrom(question: string, title: string, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await ask(question);
    if (r.body.citations?.some((c: { title: string }) => c.title === title)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

it('keeps answering every question while the index is swapped twice', async () => {
  let asking = true;
  const results: { status: number; answer: string; citations: number }[] = [];
  // Four residents asking back to back for the whole test.
  const residents = Array.from({ length: 4 }, async (_, i) => {
    for (let n = 0; asking; n++) {
      try {
        const r = await ask(QUESTIONS[(i + n) % QUESTIONS.length]);
        results.push({ status: r.status, answer: r.body.answer ?? r.body.error?.message, citations: r.body.citations?.length ?? 0 });
      } catch (err) {
        results.push({ status: 0, answer: String(err), citations: 0 });
      }
    }
  });

  try {
    await swapTwice();
  } finally {
    asking = false;
    await Promise.allSettled(residents);
  }
  expect(results.length).toBeGreaterThan(20);
  const failed = results.filter((r) => r.status !== 200 || r.citations === 0 || !/Đội Kỳ/.test(r.answer));
  expect(failed).toEqual([]);
});

async function swapTwice() {
  // 1. The admin API re-ingests after a file was added to the knowledge folder.
  const poolTitle = 'Thông báo mở cửa bể bơi thành phố';
  await fs.writeFile(
    path.join(env.knowledgeDir, 'be-boi.md'),
    markdown(poolTitle, 'Bể bơi thành phố mở cửa từ 6 giờ đến 20 giờ hằng ngày từ tháng 5.'),
  );
  const refresh = await fetch(`${service.url}/api/admin/refresh`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(refresh.status).toBe(200);
  expect(await refresh.json()).toMatchObject({ added: 1, swapped: true, failed: [] });
  expect(await answeredFrom('Bể bơi thành phố mở cửa lúc mấy giờ?', poolTitle)).toBe(true);

  // 2. Another process (the ingest CLI) rebuilds the index on disk; the service reloads it.
  const libraryTitle = 'Thông báo giờ mở cửa thư viện tỉnh';
  await fs.writeFile(
    path.join(env.knowledgeDir, 'thu-vien.md'),
    markdown(libraryTitle, 'Thư viện tỉnh mở cửa phục vụ bạn đọc từ 7 giờ 30 đến 17 giờ, nghỉ thứ Hai.'),
  );
  const before = service.knowledge.status().documents;
  const cli = await KnowledgeBase.open(env.config.engine, captureLogs().logger);
  expect(cli.status().documents).toBe(before + 1);
  await cli.close();
  expect(await answeredFrom('Thư viện tỉnh mở cửa mấy giờ?', libraryTitle)).toBe(true);
}
