import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEmbeddings } from '../src/engine/embeddings/local.js';
import {
  INDEX_FORMAT,
  IndexMismatchError,
  IndexMissingError,
  openIndex,
  readIndexFiles,
  readIndexMeta,
  searchableText,
  writeIndex,
} from '../src/engine/index-store.js';
import type { Chunk } from '../src/engine/types.js';
import { downgradeToFormat1 } from './helpers/old-index.js';

const texts = [
  'Nghị quyết số 07 về xây dựng nếp sống văn hóa, văn minh đô thị trên địa bàn thành phố giai đoạn 2021-2025.',
  'Nghị quyết số 04 về tiếp tục đẩy mạnh cải cách hành chính giai đoạn 2021-2025.',
  'Nhiều công trình trọng điểm được xây dựng và hoàn thiện như: Công trình cầu Đội Kỳ, đường tổ 11B Đức Xuân.',
  'Dự án xây dựng sân vận động tỉnh và các hạng mục phụ trợ; đường vào hồ Nặm Cắt đang triển khai.',
];

const chunks: Chunk[] = texts.map((text, position) => ({
  id: `tin-tuc/bac-kan#${position}`,
  docId: 'tin-tuc/bac-kan',
  title: 'Thực hiện chương trình trọng tâm Đại hội Đảng bộ thành phố',
  kind: 'news',
  section: position > 1 ? ['Công trình'] : [],
  position,
  text,
  hash: createHash('sha256').update(text).digest('hex'),
}));

const documents = [{ id: 'tin-tuc/bac-kan', title: chunks[0].title, kind: 'news' as const, chunks: chunks.length }];

describe('index store', () => {
  let root: string;
  const embeddings = new LocalEmbeddings(128);
  const dir = () => path.join(root, 'index');

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-index-'));
    await fs.mkdir(dir());
    const vectors = await embeddings.embedVectors(chunks.map(searchableText));
    await writeIndex(dir(), chunks, vectors, { embedding: { id: embeddings.id, dimensions: 128 }, documents });
  });

  afterAll(() => fs.rm(root, { recursive: true, force: true }));

  it('opens through a symlink to a version, reading every file from the version it resolved', async () => {
    const link = path.join(root, 'current');
    await fs.symlink('index', link);
    const index = await openIndex(link, embeddings);
    expect(index.chunks).toEqual(chunks);
    expect((await readIndexFiles(link))?.dir).toBe(await fs.realpath(dir()));
    await fs.symlink('nowhere', path.join(root, 'dangling'));
    await expect(openIndex(path.join(root, 'dangling'), embeddings)).rejects.toThrow(IndexMissingError);
  });

  it('shares the unchanged chunks of the index being served', async () => {
    const served = chunks.map((c, i) => (i === 1 ? { ...c, title: 'Tiêu đề cũ' } : { ...c }));
    const index = await openIndex(dir(), embeddings, { reuseChunks: served });
    expect(index.chunks).toEqual(chunks);
    expect(index.chunks[0]).toBe(served[0]);
    expect(index.chunks[1]).not.toBe(served[1]);
    expect((await readIndexFiles(dir(), served))?.chunks[2]).toBe(served[2]);
  });

  it('reads back the meta and chunks it wrote', async () => {
    const files = await readIndexFiles(dir());
    expect(files?.chunks).toEqual(chunks);
    expect(files?.meta).toMatchObject({
      formatVersion: INDEX_FORMAT,
      embedding: { id: 'local:v2', dimensions: 128 },
      chunkCount: 4,
      documents,
    });
    expect(Number.isNaN(Date.parse(files!.meta.builtAt))).toBe(false);
  });

  it('reads nothing from a directory without an index', async () => {
    expect(await readIndexFiles(path.join(root, 'nowhere'))).toBeUndefined();
    expect(await readIndexMeta(path.join(root, 'nowhere'))).toBeUndefined();
  });

  it('reads the meta alone, as the full read does', async () => {
    expect(await readIndexMeta(dir())).toEqual((await readIndexFiles(dir()))?.meta);
  });

  it('opens for searching and finds the passage, accented or not', async () => {
    const index = await openIndex(dir(), embeddings);
    expect(index.chunks).toHaveLength(4);
    const hits = await index.search('Cầu Đội Kỳ đã được xây xong chưa?', 3);
    expect(hits[0].chunk.id).toBe('tin-tuc/bac-kan#2');
    expect(hits[0].relevance).toBeGreaterThan(0.2);
    const bare = await index.search('duong vao ho Nam Cat da lam chua', 3);
    expect(bare[0].chunk.id).toBe('tin-tuc/bac-kan#3');
    for (const h of [...hits, ...bare]) {
      expect(h.relevance).toBeGreaterThanOrEqual(0);
      expect(h.relevance).toBeLessThanOrEqual(1);
    }
  });

  it('lets a search in flight finish after the index is released, and refuses later ones', async () => {
    const index = await openIndex(dir(), embeddings);
    const question = 'Cầu Đội Kỳ đã được xây xong chưa?';
    const expected = await index.search(question, 3);
    const inFlight = index.search(question, 3);
    index.release();
    expect(await inFlight).toEqual(expected);
    await expect(index.search(question, 3)).rejects.toThrow(/released/);
  });

  it('scores an unrelated question below the default relevance floor', async () => {
    const index = await openIndex(dir(), embeddings);
    const [top] = await index.search('Giá vé xe buýt ở Hà Nội là bao nhiêu?', 3);
    expect(top?.relevance ?? 0).toBeLessThan(0.2);
  });

  it('refuses an embedder of another dimension or kind, telling to re-ingest', async () => {
    await expect(openIndex(dir(), new LocalEmbeddings(64))).rejects.toThrow(IndexMismatchError);
    const other = Object.assign(new LocalEmbeddings(128), { id: 'openai:text-embedding-3-small' });
    const err = await openIndex(dir(), other).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexMismatchError);
    expect((err as Error).message).toMatch(/local:v2.*128.*openai:text-embedding-3-small.*npm run ingest/s);
  });

  it('says the index is missing when there is none', async () => {
    await expect(openIndex(path.join(root, 'nowhere'), embeddings)).rejects.toThrow(IndexMissingError);
  });

  it('opens an index of the older format (no stored vocabulary table) and searches it the same', async () => {
    const old = path.join(root, 'format-1');
    await fs.cp(dir(), old, { recursive: true });
    await downgradeToFormat1(old);
    expect((await fs.stat(path.join(old, 'lexical.bin'))).size).toBeLessThan((await fs.stat(path.join(dir(), 'lexical.bin'))).size);
    const [current, older] = await Promise.all([openIndex(dir(), embeddings), openIndex(old, embeddings)]);
    expect(older.meta.formatVersion).toBe(1);
    for (const q of ['Cầu Đội Kỳ đã được xây xong chưa?', 'duong vao ho Nam Cat', 'nghị quyết cải cách hành chính']) {
      expect(await older.search(q, 4)).toEqual(await current.search(q, 4));
    }
  });

  it('writes and opens an empty index', async () => {
    const empty = path.join(root, 'empty');
    await fs.mkdir(empty);
    await writeIndex(empty, [], [], { embedding: { id: embeddings.id, dimensions: 128 }, documents: [] });
    const index = await openIndex(empty, embeddings);
    expect(await index.search('đô thị', 5)).toEqual([]);
  });
});
