// KnowledgeBase over a real (small) knowledge folder and index in a temp directory: build at
// open, hot refresh under load, uploads (validated first, saved safely), reload after another
// process's ingest, and LLM answering when an endpoint is configured.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EngineConfig, loadConfig } from '../src/config.js';
import { KnowledgeBase, safeFileName } from '../src/engine/knowledge-base.js';
import { DocumentParseError } from '../src/engine/loaders/index.js';
import { createLogger } from '../src/logger.js';
import { answerTexts } from '../src/texts/answers.js';
import { startFakeOpenAi } from './fakes/openai-server.js';
import { captureLogs } from './helpers/test-env.js';

const root = path.resolve(import.meta.dirname, '..');
const logger = createLogger({ level: 'silent' });

const BRIDGE = `---
title: Tình hình các công trình trọng điểm
kind: news
source_url: https://backan.example/cong-trinh
---

# Công trình trọng điểm

Nhiều công trình trọng điểm được xây dựng và hoàn thiện như: Công trình cầu Đội Kỳ, Khu dân cư Thương mại và Chợ Nguyễn Thị Minh Khai.

Dự án xây dựng sân vận động tỉnh và các hạng mục phụ trợ đang triển khai các bước đầu thực hiện dự án.
`;

const RESOLUTION = `---
title: Nghị quyết số 04 về cải cách hành chính
kind: resolution
number: 04-NQ/TU
---

# Điều 1

Tiếp tục đẩy mạnh cải cách hành chính giai đoạn 2021-2025, gắn với chuyển đổi số trong các cơ quan của thành phố.
`;

const MARKET = `---
title: Thông báo về chợ phiên cuối tuần
kind: announcement
---

Chợ phiên nông sản cuối tuần họp tại quảng trường thành phố vào sáng thứ Bảy hằng tuần, bán rau sạch và mật ong.
`;

async function makeWorkspace(files: Record<string, string>): Promise<{ dir: string; config: EngineConfig }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-kb-'));
  await fs.mkdir(path.join(dir, 'knowledge'));
  for (const [name, text] of Object.entries(files)) await fs.writeFile(path.join(dir, 'knowledge', name), text);
  const config = loadConfig(
    { NODE_ENV: 'test', DATA_DIR: path.join(dir, 'data'), KNOWLEDGE_DIR: path.join(dir, 'knowledge') },
    root,
  ).engine;
  return { dir, config };
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
});

describe('KnowledgeBase', () => {
  let config: EngineConfig;
  let dir: string;
  let kb: KnowledgeBase;

  beforeAll(async () => {
    ({ dir, config } = await makeWorkspace({ 'cong-trinh.md': BRIDGE, 'nghi-quyet-04.md': RESOLUTION }));
    dirs.push(dir);
    kb = await KnowledgeBase.open(config, logger);
  });
  afterAll(() => kb.close());

  it('builds the missing index at open and answers from it', async () => {
    expect(kb.status()).toMatchObject({ ready: true, documents: 2 });
    expect(kb.status().chunks).toBeGreaterThan(0);
    expect(kb.status().lastIngest).toMatchObject({ added: 2, swapped: true });
    expect(
      kb
        .documents()
        .map((d) => d.id)
        .sort(),
    ).toEqual(['cong-trinh', 'nghi-quyet-04']);
    const a = await kb.ask('Cầu Đội Kỳ đã được xây xong chưa?');
    expect(a.status).toBe('answered');
    expect(a.citations[0]).toMatchObject({
      docId: 'cong-trinh',
      title: 'Tình hình các công trình trọng điểm',
      sourceUrl: 'https://backan.example/cong-trinh',
    });
    const b = await kb.ask('nghi quyet 04 ve cai cach hanh chinh');
    expect(b.citations[0]).toMatchObject({ docId: 'nghi-quyet-04', number: '04-NQ/TU' });
  });

  it('opens an up-to-date index without rebuilding it', async () => {
    const again = await KnowledgeBase.open(config, logger);
    expect(again.status().lastIngest).toMatchObject({ unchanged: 2, swapped: false });
    expect(again.status().builtAt).toBe(kb.status().builtAt);
    await again.close();
  });

  it('rejects an unreadable upload before saving anything; the old index keeps serving', async () => {
    const before = await fs.readdir(config.paths.knowledge);
    const builtAt = kb.status().builtAt;
    for (const [name, bytes] of [
      ['virus.exe', Buffer.from('MZ\u0000\u0001')],
      ['hong.pdf', Buffer.from('%PDF-1.7 this is not really a pdf')],
      ['rong.md', Buffer.alloc(0)],
      ['nhi-phan.txt', Buffer.from([0, 1, 2, 3, 0, 255, 254, 0, 7])],
    ] as const) {
      await expect(kb.addDocument(name, bytes)).rejects.toBeInstanceOf(DocumentParseError);
    }
    expect(await fs.readdir(config.paths.knowledge)).toEqual(before);
    expect(kb.status().builtAt).toBe(builtAt);
    expect((await kb.ask('Cầu Đội Kỳ đã được xây xong chưa?')).status).toBe('answered');
  });

  it('saves a valid upload inside the knowledge folder, never overwriting, and answers from it', async () => {
    const summary = await kb.addDocument('../../cho phien/../Chợ phiên.md', Buffer.from(MARKET));
    expect(summary).toMatchObject({ added: 1, swapped: true });
    const files = await fs.readdir(config.paths.knowledge);
    expect(files).toContain('Chợ phiên.md');
    expect(await fs.readdir(dir)).toEqual(expect.not.arrayContaining(['Chợ phiên.md']));
    const a = await kb.ask('Chợ phiên nông sản họp ở đâu?');
    expect(a.status).toBe('answered');
    expect(a.citations[0].docId).toBe('Chợ phiên');

    // Same bytes again: nothing new. Same name, other content: saved beside it.
    expect(await kb.addDocument('Chợ phiên.md', Buffer.from(MARKET))).toMatchObject({ added: 0, swapped: false });
    await kb.addDocument('Chợ phiên.md', Buffer.from(MARKET.replace('thứ Bảy', 'Chủ nhật')));
    expect((await fs.readdir(config.paths.knowledge)).filter((f) => f.startsWith('Chợ phiên'))).toEqual(
      ['Chợ phiên-2.md', 'Chợ phiên.md'].sort(),
    );
    expect(kb.status().documents).toBe(4);
  });

  it('does not save a file whose content is already in the knowledge folder under another name', async () => {
    const before = await fs.readdir(config.paths.knowledge);
    const builtAt = kb.status().builtAt;
    const summary = await kb.addDocument('ban-sao cong trinh.md', Buffer.from(BRIDGE));
    expect(summary).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: 4, swapped: false, duplicateOf: 'cong-trinh.md' });
    expect(summary.savedAs).toBeUndefined();
    expect(await fs.readdir(config.paths.knowledge)).toEqual(before);
    expect(kb.status().builtAt).toBe(builtAt);
    expect(await kb.addDocument('khac.md', Buffer.from(MARKET.replace('mật ong', 'măng khô')))).toMatchObject({
      added: 1,
      savedAs: 'khac.md',
    });
    await fs.rm(path.join(config.paths.knowledge, 'khac.md'));
    await kb.refresh();
  });

  it('makes safe file names', () => {
    expect(safeFileName('../../etc/passwd.md')).toBe('passwd.md');
    expect(safeFileName('C:\\tai lieu\\NQ 07/2021.PDF'.replace('/', '_'))).toBe('NQ 07_2021.pdf');
    expect(safeFileName('..hidden.md')).toBe('hidden.md');
    expect(safeFileName('a<b>|c*?.txt')).toBe('a-b-c.txt');
    expect(() => safeFileName('.md')).toThrow(DocumentParseError);
    expect(() => safeFileName('noext')).toThrow(DocumentParseError);
  });

  it('hot-swaps on refresh while questions are in flight; none fails', async () => {
    await fs.writeFile(path.join(config.paths.knowledge, 'nghi-quyet-04.md'), RESOLUTION.replace('2021-2025', '2021-2026'));
    const asks: Promise<unknown>[] = [];
    const refreshing = kb.refresh();
    let done = false;
    void refreshing.finally(() => (done = true));
    while (!done) {
      asks.push(kb.ask('Cầu Đội Kỳ đã được xây xong chưa?'), kb.ask('cai cach hanh chinh giai doan nao'));
      await new Promise((r) => setImmediate(r));
    }
    asks.push(kb.ask('Cầu Đội Kỳ đã được xây xong chưa?'));
    const summary = await refreshing;
    expect(summary).toMatchObject({ changed: 1, swapped: true });
    const answers = (await Promise.all(asks)) as { status: string }[];
    expect(answers.length).toBeGreaterThan(2);
    expect(answers.every((a) => a.status === 'answered')).toBe(true);
    expect((await kb.ask('cải cách hành chính giai đoạn nào?')).text).toContain('2021-2026');
  });

  it('serializes concurrent refreshes', async () => {
    await fs.writeFile(path.join(config.paths.knowledge, 'moi.md'), '# Tin mới\n\nThành phố khánh thành nhà văn hóa tổ 5.');
    const results = await Promise.all([kb.refresh(), kb.refresh(), kb.refresh()]);
    expect(results.map((r) => r.swapped)).toEqual([true, false, false]);
    expect(results[0].added).toBe(1);
  });

  it('reloads an index rebuilt by another process', async () => {
    const server = await KnowledgeBase.open(config, logger, { buildIfMissing: false });
    expect(await server.reloadIfChanged()).toBe(false);
    await fs.rm(path.join(config.paths.knowledge, 'moi.md'));
    await kb.refresh(); // the "CLI ingest"
    expect(await server.reloadIfChanged()).toBe(true);
    expect(server.documents().map((d) => d.id)).not.toContain('moi');
    expect(await server.reloadIfChanged()).toBe(false);
    await server.close();
  });
});

describe('KnowledgeBase without an index', () => {
  it('is not ready and answers politely instead of failing', async () => {
    const { dir, config } = await makeWorkspace({});
    dirs.push(dir);
    const logs = captureLogs('info');
    const kb = await KnowledgeBase.open(config, logs.logger, { buildIfMissing: false, firstIndexWaitMs: 0 });
    // The service builds the index right after: no warning asking the admin to run an ingest.
    expect(logs.lines().filter((l) => Number(l.level) >= 40)).toEqual([]);
    expect(logs.text()).toContain('it is built from the knowledge folder next');
    expect(logs.text()).not.toContain('npm run ingest');
    expect(kb.status()).toMatchObject({ ready: false, chunks: 0, documents: 0 });
    expect(kb.documents()).toEqual([]);
    const a = await kb.ask('Cầu Đội Kỳ đã xây xong chưa?');
    expect(a).toMatchObject({ status: 'not_found', text: answerTexts.notReady });
    expect((await kb.ask('')).status).toBe('invalid');
    await kb.close();
  });
});

describe('KnowledgeBase on a first start', () => {
  it('lets a question that arrives before the first index wait for it, and answers it', async () => {
    const { dir, config } = await makeWorkspace({ 'cau.md': BRIDGE });
    dirs.push(dir);
    const kb = await KnowledgeBase.open(config, logger, { buildIfMissing: false });
    expect(kb.status().ready).toBe(false);
    // The service starts the first build right after it is up; a question comes in meanwhile.
    const built = kb.refresh();
    const asked = kb.ask('Cầu Đội Kỳ đã xây xong chưa?');
    await built;
    expect((await asked).status).toBe('answered');
    await kb.close();
  });
});

describe('KnowledgeBase with an OpenAI-compatible endpoint', () => {
  it('embeds through it and answers through the model, citing the indexed passage', async () => {
    const fake = await startFakeOpenAi({ kind: 'reply', content: 'Cầu Đội Kỳ đã được xây dựng và hoàn thiện [1].' });
    const { dir } = await makeWorkspace({ 'cong-trinh.md': BRIDGE });
    dirs.push(dir);
    const config = loadConfig(
      {
        NODE_ENV: 'test',
        DATA_DIR: path.join(dir, 'data'),
        KNOWLEDGE_DIR: path.join(dir, 'knowledge'),
        OPENAI_BASE_URL: fake.url,
        EMBEDDING_PROVIDER: 'openai',
        EMBEDDING_DIMENSIONS: '64',
      },
      root,
    ).engine;
    const kb = await KnowledgeBase.open(config, logger);
    const a = await kb.ask('Cầu Đội Kỳ đã được xây xong chưa?');
    expect(a).toMatchObject({ status: 'answered', mode: 'llm', llmFallback: false });
    expect(a.citations).toHaveLength(1);
    expect(a.citations[0].docId).toBe('cong-trinh');
    expect(fake.requests.filter((r) => r.path === '/v1/embeddings').length).toBeGreaterThanOrEqual(2); // ingest + query
    await kb.close();
    await fake.close();
  });
});
