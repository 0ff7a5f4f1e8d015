import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createEmbeddings } from '../src/engine/embeddings/index.js';
import { LocalEmbeddings } from '../src/engine/embeddings/local.js';
import { fuseScores, HybridSearcher, relevanceOf, vectorWeightFor } from '../src/engine/hybrid-search.js';
import { openIndex, readIndexMeta } from '../src/engine/index-store.js';
import { ingest } from '../src/engine/ingest.js';
import { LexicalIndex } from '../src/engine/lexical-index.js';
import type { Chunk } from '../src/engine/types.js';
import { VectorIndex } from '../src/engine/vector-index.js';
import { type FakeOpenAi, startFakeOpenAi } from './fakes/openai-server.js';
import { captureLogs } from './helpers/test-env.js';

describe('fuseScores', () => {
  const lexical = [
    { doc: 1, score: 10, coverage: 0.9 },
    { doc: 2, score: 5, coverage: 0.5 },
  ];
  const vector = [
    { label: 3, similarity: 0.9 },
    { label: 2, similarity: 0.8 },
  ];

  it('keeps the lexical order when the vector weight is 0', () => {
    const fused = fuseScores(lexical, vector, 0, () => 0.1);
    expect(fused.map((c) => c.doc)).toEqual([1, 2, 3]);
    expect(fused[0].score).toBeCloseTo(1);
  });

  it('combines normalized BM25 and cosine, and records both ranks', () => {
    const fused = fuseScores(lexical, vector, 0.5, () => 0.1);
    // doc 2: 0.5·0.5 + 0.5·0.8 = 0.65; doc 1: 0.5·1 + 0.5·0.1 = 0.55; doc 3: 0.45.
    expect(fused.map((c) => c.doc)).toEqual([2, 1, 3]);
    expect(fused[0]).toMatchObject({ lexicalRank: 2, vectorRank: 2, coverage: 0.5, similarity: 0.8 });
    expect(fused[0].score).toBeCloseTo(0.65);
    expect(fused[2]).toMatchObject({ doc: 3, coverage: 0, vectorRank: 1 });
    expect(fused[2].lexicalRank).toBeUndefined();
  });

  it('asks the similarity of lexical candidates the vector list missed', () => {
    const asked: number[] = [];
    fuseScores(lexical, vector, 0.5, (doc) => {
      asked.push(doc);
      return 0;
    });
    expect(asked).toEqual([1]);
  });

  it('weights vectors less for the local embedder than for a semantic model', () => {
    expect(vectorWeightFor('local:v2')).toBeLessThan(vectorWeightFor('openai:text-embedding-3-small'));
  });
});

describe('relevanceOf', () => {
  it('stays in [0, 1] and grows with coverage and similarity', () => {
    expect(relevanceOf(0, -1)).toBe(0);
    expect(relevanceOf(1, 1)).toBe(1);
    expect(relevanceOf(0.6, 0.3)).toBeGreaterThan(relevanceOf(0.3, 0.3));
    expect(relevanceOf(0.3, 0.6)).toBeGreaterThan(relevanceOf(0.3, 0.3));
  });

  it('is the coverage alone when there is no similarity (lexical-only search)', () => {
    expect(relevanceOf(0.3)).toBe(0.3);
    expect(relevanceOf(1.2)).toBe(1);
  });
});

describe('HybridSearcher', () => {
  const texts = [
    'Nghị quyết số 07 về xây dựng nếp sống văn hóa, văn minh đô thị trên địa bàn thành phố Bắc Kạn.',
    'Nghị quyết số 08 về huy động các nguồn lực, thu hút đầu tư xây dựng kết cấu hạ tầng thành phố Bắc Kạn.',
    'Công trình cầu Đội Kỳ, đường tổ 11B Đức Xuân đi tổ 11 phường Phùng Chí Kiên ở Bắc Kạn.',
    'Đồng chí Triệu Thị Thu Hoài, Phó Bí thư Thường trực Thành ủy Bắc Kạn cho biết kết quả.',
  ];
  const chunks = texts.map(
    (text, i): Chunk => ({ id: `d#${i}`, docId: 'd', title: 'Tin', kind: 'news', section: [], position: i, text, hash: String(i) }),
  );
  const embeddings = new LocalEmbeddings(256);
  const searcher = new HybridSearcher(
    chunks,
    LexicalIndex.build(texts),
    VectorIndex.build(
      texts.map((t) => embeddings.vector(t)),
      256,
    ),
    embeddings,
  );

  it('finds the passage and scores real questions above unrelated ones', async () => {
    const real = await searcher.search('nghi quyet 08 ve huy dong nguon luc la gi', 2);
    expect(real[0].chunk.id).toBe('d#1');
    expect(real[0].relevance).toBeGreaterThan(0.3);
    expect(real[0].lexicalRank).toBe(1);
    const who = await searcher.search('Ai là Phó Bí thư Thường trực Thành ủy?', 2);
    expect(who[0].chunk.id).toBe('d#3');
    for (const q of ['Giá vé xe buýt ở Hà Nội là bao nhiêu?', 'Thời tiết Bắc Kạn ngày mai thế nào?']) {
      const [top] = await searcher.search(q, 2);
      expect(top.relevance).toBeLessThan(0.2);
    }
  });

  it('returns at most k hits, best first', async () => {
    const hits = await searcher.search('Bắc Kạn', 3);
    expect(hits.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
    expect(await searcher.search('', 3)).toEqual([]);
  });
});

describe('search over an index embedded by an OpenAI-compatible server', () => {
  let fake: FakeOpenAi;
  let root: string;
  /** Servers that fail every embeddings request: with a 500, or by never answering. */
  const broken: http.Server[] = [];
  let brokenRequests = 0;

  const configFor = (baseURL: string) =>
    loadConfig(
      {
        DATA_DIR: path.join(root, 'data'),
        EMBEDDING_PROVIDER: 'openai',
        OPENAI_BASE_URL: baseURL,
        // Takes no `dimensions` parameter: the index records the server's own length.
        EMBEDDING_MODEL: 'nomic-embed-text',
        EMBEDDING_DIMENSIONS: '32',
        LLM_TIMEOUT_MS: '500',
      },
      root,
    ).engine;

  async function brokenServer(respond: boolean): Promise<string> {
    const server = http.createServer((req, res) => {
      brokenRequests++;
      if (respond) res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"down"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    broken.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  }

  beforeAll(async () => {
    fake = await startFakeOpenAi();
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-hybrid-'));
    await fs.mkdir(path.join(root, 'knowledge'));
    await fs.writeFile(path.join(root, 'knowledge', 'cau.md'), '# Công trình\n\nCầu Đội Kỳ đã được xây dựng và hoàn thiện.');
    await fs.writeFile(path.join(root, 'knowledge', 'cho.md'), '# Chợ phiên\n\nChợ phiên nông sản họp vào sáng thứ Bảy hằng tuần.');
    const config = configFor(fake.url);
    await ingest({ sourceDir: path.join(root, 'knowledge'), indexDir: config.paths.index, config, embeddings: createEmbeddings(config) });
  });
  afterAll(async () => {
    await fake.close();
    for (const server of broken) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await fs.rm(root, { recursive: true, force: true });
  });

  it('records the length the model chose and uses it to search', async () => {
    const config = configFor(fake.url);
    expect((await readIndexMeta(config.paths.index))?.embedding).toEqual({ id: 'openai:nomic-embed-text', dimensions: 64 });
    const index = await openIndex(config.paths.index, createEmbeddings(config));
    const [hit] = await index.search('Cầu Đội Kỳ đã xong chưa?', 3);
    expect(hit.chunk.docId).toBe('cau');
    expect(hit.vectorRank).toBeDefined();
  });

  for (const [failure, respond] of [
    ['answers 500', true],
    ['never answers', false],
  ] as const) {
    it(`searches lexical-only when the server ${failure}, and stops asking it for a while`, async () => {
      const config = configFor(await brokenServer(respond));
      const logs = captureLogs();
      const index = await openIndex(config.paths.index, createEmbeddings(config), { logger: logs.logger });
      brokenRequests = 0;
      const [hit] = await index.search('Chợ phiên họp hôm nào?', 3);
      expect(hit.chunk.docId).toBe('cho');
      expect(hit.vectorRank).toBeUndefined();
      expect(hit.relevance).toBeGreaterThan(config.relevanceFloor);
      expect(brokenRequests).toBe(1); // no retries
      expect(logs.text()).toContain('searching lexical-only');

      const [again] = await index.search('Cầu Đội Kỳ', 3);
      expect(again.chunk.docId).toBe('cau');
      expect(brokenRequests).toBe(1);
    });
  }
});
