import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createEmbeddings, LocalEmbeddings } from '../src/engine/embeddings/index.js';
import { EmbeddingDimensionError, OpenAIEmbeddingProvider } from '../src/engine/embeddings/openai.js';
import { type FakeOpenAi, startFakeOpenAi } from './fakes/openai-server.js';

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('LocalEmbeddings', () => {
  const emb = new LocalEmbeddings(512);

  it('is deterministic, of the configured dimension and L2-normalized', async () => {
    const [a, b] = await emb.embedDocuments(['Nếp sống văn minh đô thị', 'Nếp sống văn minh đô thị']);
    expect(a).toHaveLength(512);
    expect(a).toEqual(b);
    expect(Math.hypot(...a)).toBeCloseTo(1, 5);
    expect(await emb.embedQuery('Nếp sống văn minh đô thị')).toEqual(a);
    expect(Array.from((await emb.embedVectors(['Nếp sống văn minh đô thị']))[0])).toEqual(a.map((x) => Math.fround(x)));
  });

  it('puts a question typed without diacritics next to its accented passage', async () => {
    const [passage, other] = await emb.embedDocuments([
      'Nghị quyết số 07 về xây dựng nếp sống văn hóa, văn minh đô thị trên địa bàn thành phố',
      'Dự án xây dựng sân vận động tỉnh và các hạng mục phụ trợ',
    ]);
    const query = await emb.embedQuery('nep song van minh do thi');
    expect(cosine(query, passage)).toBeGreaterThan(cosine(query, other) + 0.2);
  });

  it('is chosen by default with the configured dimension', () => {
    const e = createEmbeddings(loadConfig({ EMBEDDING_DIMENSIONS: '256' }).engine);
    expect(e).toBeInstanceOf(LocalEmbeddings);
    expect(e.id).toBe('local:v2');
    expect(e.dimensions).toBe(256);
  });
});

describe('OpenAIEmbeddingProvider against a fake OpenAI-compatible server', () => {
  let server: http.Server;
  let baseURL: string;
  const requests: { inputs: string[]; dimensions: number; auth?: string }[] = [];
  let failNext = 0;
  let wrongDimension = false;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
          res.writeHead(404).end();
          return;
        }
        if (failNext > 0) {
          failNext--;
          // retry-after-ms keeps the client's backoff short in tests.
          res.writeHead(500, { 'content-type': 'application/json', 'retry-after-ms': '10' });
          res.end(JSON.stringify({ error: { message: 'boom', type: 'server_error' } }));
          return;
        }
        const parsed = JSON.parse(body) as { input: string[]; dimensions: number; model: string };
        requests.push({ inputs: parsed.input, dimensions: parsed.dimensions, auth: req.headers.authorization });
        const dims = wrongDimension ? parsed.dimensions + 1 : parsed.dimensions;
        const data = parsed.input.map((text, index) => ({
          object: 'embedding',
          index,
          // A vector that encodes the text's length, to check order is kept.
          embedding: Array.from({ length: dims }, (_, i) => (i === 0 ? text.length : 0.5)),
        }));
        // Out of order on purpose: the client must sort by index.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ object: 'list', data: data.reverse(), model: parsed.model, usage: { prompt_tokens: 1, total_tokens: 1 } }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const provider = () =>
    new OpenAIEmbeddingProvider({ model: 'text-embedding-3-small', dimensions: 8, apiKey: 'sk-test-123456', baseURL, timeoutMs: 5000 });

  it('is created from the configuration', () => {
    const e = createEmbeddings(loadConfig({ EMBEDDING_PROVIDER: 'openai', OPENAI_BASE_URL: baseURL, EMBEDDING_DIMENSIONS: '64' }).engine);
    expect(e.id).toBe('openai:text-embedding-3-small');
    expect(e.dimensions).toBe(64);
  });

  it('embeds in batches of 64 and keeps the input order', async () => {
    requests.length = 0;
    const texts = Array.from({ length: 130 }, (_, i) => 'x'.repeat(i + 1));
    const vectors = await provider().embedDocuments(texts);
    expect(requests.map((r) => r.inputs.length)).toEqual([64, 64, 2]);
    expect(requests[0].dimensions).toBe(8);
    expect(requests[0].auth).toBe('Bearer sk-test-123456');
    expect(vectors.map((v) => v[0])).toEqual(texts.map((t) => t.length));
    expect(vectors[0]).toHaveLength(8);
  });

  it('retries document batches after a server error', async () => {
    requests.length = 0;
    failNext = 1;
    const [v] = await provider().embedDocuments(['đô thị']);
    expect(v[0]).toBe(6);
    expect(failNext).toBe(0);
    expect(requests).toHaveLength(1);
  });

  it('does not retry a question: the search falls back to lexical instead', async () => {
    requests.length = 0;
    failNext = 1;
    await expect(provider().embedQuery('đô thị')).rejects.toThrow();
    expect(failNext).toBe(0);
    expect(requests).toHaveLength(0);
    expect((await provider().embedQuery('đô thị'))[0]).toBe(6);
  });

  it('refuses vectors of another dimension with a clear message', async () => {
    wrongDimension = true;
    try {
      await expect(provider().embedQuery('đô thị')).rejects.toThrow(EmbeddingDimensionError);
      await expect(provider().embedQuery('đô thị')).rejects.toThrow(/EMBEDDING_DIMENSIONS=9/);
    } finally {
      wrongDimension = false;
    }
  });
});

describe('the dimensions parameter', () => {
  let fake: FakeOpenAi;
  beforeAll(async () => {
    fake = await startFakeOpenAi();
  });
  afterAll(() => fake.close());
  const lastBody = () => fake.requests.at(-1)!.body as Record<string, unknown>;

  it('is sent to text-embedding-3 models, which return the length asked for', async () => {
    const e = createEmbeddings(loadConfig({ EMBEDDING_PROVIDER: 'openai', OPENAI_BASE_URL: fake.url, EMBEDDING_DIMENSIONS: '32' }).engine);
    expect(e.dimensions).toBe(32);
    const [v] = await e.embedVectors(['đô thị văn minh']);
    expect(lastBody().dimensions).toBe(32);
    expect(v).toHaveLength(32);
  });

  it('is not sent to other models: their length comes from the first response', async () => {
    const e = createEmbeddings(
      loadConfig({
        EMBEDDING_PROVIDER: 'openai',
        OPENAI_BASE_URL: fake.url,
        EMBEDDING_MODEL: 'nomic-embed-text',
        EMBEDDING_DIMENSIONS: '32',
      }).engine,
    );
    expect(e.dimensions).toBeUndefined();
    expect(await e.resolveDimensions()).toBe(64); // the fake server's own length
    expect(lastBody()).not.toHaveProperty('dimensions');
    expect(e.dimensions).toBe(64);
    expect(await e.embedVectors(['a', 'b'])).toHaveLength(2);
  });

  it('takes the length an index built by the same model recorded, without asking', async () => {
    const e = new OpenAIEmbeddingProvider({ model: 'bge-m3', dimensions: 32, baseURL: fake.url, timeoutMs: 5000 });
    const asked = fake.requests.length;
    expect(await e.resolveDimensions({ id: 'openai:bge-m3', dimensions: 64 })).toBe(64);
    expect(fake.requests.length).toBe(asked);
    const other = new OpenAIEmbeddingProvider({ model: 'bge-m3', dimensions: 32, baseURL: fake.url, timeoutMs: 5000 });
    await other.resolveDimensions({ id: 'openai:bge-m3', dimensions: 48 }); // a model changed under the same name
    await expect(other.embedQuery('đô thị')).rejects.toThrow(EmbeddingDimensionError);
  });
});
