// Opening an index is reading: the vocabulary's lookup table is built once at ingest (in the
// ingest worker) and stored, not rebuilt by the thread that answers questions whenever a refresh
// swaps an index in (at 100,000 passages that held every question for seconds).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalEmbeddings } from '../src/engine/embeddings/local.js';
import { openIndex, searchableText, writeIndex } from '../src/engine/index-store.js';
import { buildTermTable } from '../src/engine/term-table.js';
import type { Chunk } from '../src/engine/types.js';
import { downgradeToFormat1 } from './helpers/old-index.js';

vi.mock('../src/engine/term-table.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/engine/term-table.js')>();
  return { ...original, buildTermTable: vi.fn(original.buildTermTable) };
});

const texts = [
  'Cầu Đội Kỳ đã được xây dựng và hoàn thiện.',
  'Đường vào hồ Nặm Cắt đang chuẩn bị đầu tư.',
  'Chợ phường Đức Xuân họp từ 5 giờ sáng.',
];
const chunks: Chunk[] = texts.map((text, position) => ({
  id: `tin#${position}`,
  docId: 'tin',
  title: 'Tiến độ',
  kind: 'news',
  section: [],
  position,
  text,
  hash: String(position),
}));

describe('opening an index', () => {
  const embeddings = new LocalEmbeddings(32);
  let root: string;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-open-'));
    await fs.mkdir(path.join(root, 'index'));
    const vectors = await embeddings.embedVectors(chunks.map(searchableText));
    await writeIndex(path.join(root, 'index'), chunks, vectors, { embedding: { id: embeddings.id, dimensions: 32 }, documents: [] });
  });

  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  it('reads the vocabulary table written at ingest instead of building it', async () => {
    const built = vi.mocked(buildTermTable);
    expect(built).toHaveBeenCalledTimes(1); // by writeIndex
    const index = await openIndex(path.join(root, 'index'), embeddings);
    expect(built).toHaveBeenCalledTimes(1);
    expect((await index.search('ho Nam Cat', 1))[0].chunk.id).toBe('tin#1');
    expect((await index.search('chợ họp mấy giờ', 1))[0].chunk.id).toBe('tin#2');
  });

  it('builds it for an index of the older format, which has none stored', async () => {
    const old = path.join(root, 'old');
    await fs.cp(path.join(root, 'index'), old, { recursive: true });
    await downgradeToFormat1(old);
    const before = vi.mocked(buildTermTable).mock.calls.length;
    const index = await openIndex(old, embeddings);
    expect(vi.mocked(buildTermTable).mock.calls.length).toBe(before + 1);
    expect((await index.search('ho Nam Cat', 1))[0].chunk.id).toBe('tin#1');
  });
});
