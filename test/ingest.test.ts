import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EngineConfig, loadConfig } from '../src/config.js';
import { EmbeddingCache, embeddingKey } from '../src/engine/embedding-cache.js';
import { LocalEmbeddings } from '../src/engine/embeddings/index.js';
import { INDEX_FORMAT, readIndexFiles } from '../src/engine/index-store.js';
import { ingest } from '../src/engine/ingest.js';
import { makePdf } from './fixtures/make-pdf.js';
import { downgradeToFormat1 } from './helpers/old-index.js';

/** The real local embedder, counting what it is asked to embed. */
class CountingEmbeddings extends LocalEmbeddings {
  calls = 0;
  texts = 0;
  override async embedVectors(texts: string[]): Promise<Float32Array[]> {
    this.calls++;
    this.texts += texts.length;
    return super.embedVectors(texts);
  }
  override async embedDocuments(texts: string[]): Promise<number[][]> {
    this.calls++;
    this.texts += texts.length;
    return super.embedDocuments(texts);
  }
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let tmp: string;
let source: string;
let indexDir: string;
let config: EngineConfig;

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-ingest-'));
  source = path.join(tmp, 'knowledge');
  await fs.mkdir(source);
  config = loadConfig({ DATA_DIR: path.join(tmp, 'data'), CHUNK_TARGET_CHARS: '300', CHUNK_OVERLAP_CHARS: '60' }, tmp).engine;
  indexDir = config.paths.index;
});

afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

async function write(rel: string, content: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(path.join(source, rel)), { recursive: true });
  await fs.writeFile(path.join(source, rel), content);
}

const run = (embeddings: LocalEmbeddings, extra: Partial<Parameters<typeof ingest>[0]> = {}) =>
  ingest({ sourceDir: source, indexDir, config, embeddings, ...extra });

const ARTICLE = [
  '---',
  'title: Tiến độ các công trình',
  'kind: news',
  '---',
  'Cầu Đội Kỳ đã được xây dựng và hoàn thiện. Đường tổ 11B Đức Xuân đã thông xe.',
  '',
  'Sân vận động tỉnh đang triển khai các bước đầu. Đường vào hồ Nặm Cắt đang chuẩn bị đầu tư.',
].join('\n');

async function seed(): Promise<void> {
  await write('tin/tien-do.md', ARTICLE);
  await write('lich-tiep-dan.txt', 'Lịch tiếp dân\n\nChủ tịch UBND tiếp công dân vào thứ Năm hằng tuần.');
  await write('bang/cong-trinh.csv', '# title: Công trình\nCông trình,Tình trạng\nCầu A,xong\nĐường B,đang làm\n');
  await write('.ghi-chu.md', 'tệp ẩn, không được nạp');
  await write('tin/dang-ghi.md.1234.tmp', 'tệp đang được ghi dở');
}

describe('ingest', () => {
  it('indexes new documents, then only what changed, and reuses cached embeddings', async () => {
    await seed();
    const embeddings = new CountingEmbeddings(64);
    const first = await run(embeddings);
    expect(first).toMatchObject({ added: 3, changed: 0, removed: 0, unchanged: 0, failed: [], swapped: true });
    expect(first.embedded).toBe(embeddings.texts);
    expect(first.chunks).toBeGreaterThanOrEqual(4);
    const built = await readIndexFiles(indexDir);
    expect(built?.meta.documents.map((d) => d.id).sort()).toEqual(['bang/cong-trinh', 'lich-tiep-dan', 'tin/tien-do']);
    expect(built?.chunks).toHaveLength(first.chunks);

    // Nothing changed: no parsing work is redone, nothing is embedded, the index is not rebuilt.
    embeddings.calls = 0;
    const second = await run(embeddings);
    expect(second).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: 3, embedded: 0, swapped: false, chunks: first.chunks });
    expect(embeddings.calls).toBe(0);

    // One changed, one removed, one added: only the new text is embedded.
    await write('lich-tiep-dan.txt', 'Lịch tiếp dân\n\nChủ tịch UBND tiếp công dân vào thứ Sáu hằng tuần.');
    await fs.rm(path.join(source, 'bang/cong-trinh.csv'));
    await write('thong-bao.html', '<title>Thông báo cắt điện</title><p>Cắt điện phường Đức Xuân ngày 5/6.</p>');
    embeddings.texts = 0;
    const third = await run(embeddings);
    expect(third).toMatchObject({ added: 1, changed: 1, removed: 1, unchanged: 1, failed: [], swapped: true });
    expect(third.embedded).toBe(embeddings.texts);
    expect(third.embedded).toBeLessThan(third.chunks);
    const after = await readIndexFiles(indexDir);
    expect(after?.meta.documents.map((d) => d.id).sort()).toEqual(['lich-tiep-dan', 'thong-bao', 'tin/tien-do']);
    expect(after?.chunks.filter((c) => c.docId === 'tin/tien-do')).toEqual(built?.chunks.filter((c) => c.docId === 'tin/tien-do'));
    expect(after?.chunks.some((c) => c.text.includes('thứ Sáu'))).toBe(true);
    expect(after?.chunks.some((c) => c.docId === 'bang/cong-trinh')).toBe(false);

    // The embedding cache outlives the index: rebuilding from scratch embeds nothing again.
    await fs.rm(indexDir, { recursive: true });
    embeddings.calls = 0;
    const rebuilt = await run(embeddings);
    expect(rebuilt).toMatchObject({ added: 3, embedded: 0, swapped: true, chunks: third.chunks });
    expect(embeddings.calls).toBe(0);
  });

  it('writes an index of an older file format again, though no document changed', async () => {
    await seed();
    const embeddings = new CountingEmbeddings(64);
    await run(embeddings);
    const before = await readIndexFiles(indexDir);
    await downgradeToFormat1(before!.dir);
    const again = await run(embeddings);
    expect(again).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: 3, swapped: true });
    const after = await readIndexFiles(indexDir);
    expect(after?.meta.formatVersion).toBe(INDEX_FORMAT);
    expect(after?.chunks).toEqual(before?.chunks);
    expect(await run(embeddings)).toMatchObject({ unchanged: 3, swapped: false });
  });
  it('rebuilds everything when the embedder changes', async () => {
    await seed();
    const first = await run(new LocalEmbeddings(64));
    const other = new CountingEmbeddings(32);
    const second = await run(other);
    expect(second).toMatchObject({ unchanged: 3, swapped: true, embedded: first.chunks });
    expect(other.texts).toBe(first.chunks);
    expect((await readIndexFiles(indexDir))?.meta.embedding).toEqual({ id: 'local:v2', dimensions: 32 });
  });

  it('reports documents that cannot be read and indexes the rest', async () => {
    await seed();
    await write('hong.pdf', makePdf([['Dieu 1. Muc tieu']]).slice(0, 150));
    await write('rong.txt', '');
    await write('anh.png', 'PNG');
    const summary = await run(new LocalEmbeddings(64));
    expect(summary.failed).toEqual([
      { path: 'anh.png', reason: 'định dạng .png không được hỗ trợ' },
      { path: 'hong.pdf', reason: 'tệp PDF bị hỏng hoặc không đọc được' },
      { path: 'rong.txt', reason: 'tệp rỗng' },
    ]);
    expect(summary).toMatchObject({ added: 3, swapped: true });
    expect((await readIndexFiles(indexDir))?.meta.documents).toHaveLength(3);
  });

  it('keeps the previous version of a document that now fails to parse', async () => {
    await seed();
    const embeddings = new LocalEmbeddings(64);
    const first = await run(embeddings);
    const before = (await readIndexFiles(indexDir))!.chunks.filter((c) => c.docId === 'tin/tien-do');
    await write('tin/tien-do.md', '---\ntitle: [hỏng\n---\nNội dung mới.');
    await write('moi.md', '# Tin mới\n\nPhường A tổ chức ngày hội.');
    const summary = await run(embeddings);
    expect(summary.failed).toEqual([{ path: 'tin/tien-do.md', reason: expect.stringMatching(/^front matter YAML lỗi ở dòng 2/) }]);
    expect(summary).toMatchObject({ added: 1, changed: 0, removed: 0, swapped: true });
    const after = await readIndexFiles(indexDir);
    expect(after!.chunks.filter((c) => c.docId === 'tin/tien-do')).toEqual(before);
    expect(after!.meta.documents).toHaveLength(4);
    expect(summary.chunks).toBeGreaterThan(first.chunks);
  });

  it('swaps versions with one rename of the index symlink, keeping the version before for readers', async () => {
    await seed();
    const embeddings = new LocalEmbeddings(64);
    const data = path.dirname(indexDir);
    const versions = async () => (await fs.readdir(data)).filter((n) => n.startsWith('index.')).sort();
    await run(embeddings);
    const first = await fs.readlink(indexDir);
    expect(await versions()).toEqual([first]);
    expect(first).toMatch(/^index\.v-\d+-\d+$/); // relative: the data folder can be moved

    await write('lich-tiep-dan.txt', 'Lịch tiếp dân\n\nĐổi sang thứ Hai.');
    await run(embeddings);
    const second = await fs.readlink(indexDir);
    expect(await versions()).toEqual([first, second].sort());

    await write('lich-tiep-dan.txt', 'Lịch tiếp dân\n\nĐổi sang thứ Ba.');
    await run(embeddings);
    const third = await fs.readlink(indexDir);
    expect(await versions()).toEqual([second, third].sort());
    expect((await readIndexFiles(indexDir))?.chunks.some((c) => c.text.includes('thứ Ba'))).toBe(true);
  });

  it('removes a build that failed before the swap; the old index stays in place', async () => {
    await seed();
    const embeddings = new LocalEmbeddings(64);
    await run(embeddings);
    const before = await readIndexFiles(indexDir);
    const listing = await fs.readdir(path.dirname(indexDir));
    await write('lich-tiep-dan.txt', 'Lịch tiếp dân\n\nĐổi sang thứ Hai.');
    await expect(run(embeddings, { beforeSwap: () => Promise.reject(new Error('hết chỗ trên đĩa')) })).rejects.toThrow('hết chỗ trên đĩa');
    expect(await readIndexFiles(indexDir)).toEqual(before);
    expect(await fs.readdir(path.dirname(indexDir))).toEqual(listing);

    // Leftovers of runs that died (temporary builds of the layout before versions, links) go.
    await fs.mkdir(`${indexDir}.tmp-999999999-1`);
    await fs.symlink('nowhere', `${indexDir}.link-999999999-2`);
    const summary = await run(embeddings);
    expect(summary).toMatchObject({ changed: 1, swapped: true });
    expect((await fs.readdir(path.dirname(indexDir))).filter((n) => /\.(tmp|link)-/.test(n))).toEqual([]);
  });

  it('moves an index of the layout before versions (a plain directory) to a version', async () => {
    await seed();
    const embeddings = new LocalEmbeddings(64);
    await run(embeddings);
    // Make it a plain directory, as the previous releases left it.
    const target = path.join(path.dirname(indexDir), await fs.readlink(indexDir));
    await fs.rm(indexDir);
    await fs.rename(target, indexDir);
    const before = await readIndexFiles(indexDir);

    expect(await run(embeddings)).toMatchObject({ unchanged: 3, swapped: false });
    await write('moi.md', '# Tin mới\n\nPhường A tổ chức ngày hội.');
    expect(await run(embeddings)).toMatchObject({ added: 1, swapped: true });
    expect((await fs.lstat(indexDir)).isSymbolicLink()).toBe(true);
    const after = await readIndexFiles(indexDir);
    expect(after?.chunks.filter((c) => c.docId !== 'moi')).toEqual(before?.chunks);
    expect((await fs.readdir(path.dirname(indexDir))).filter((n) => n.startsWith('index.old-'))).toEqual([]);
  });

  it('puts back a plain-directory index that a run moved aside before dying', async () => {
    await seed();
    const embeddings = new LocalEmbeddings(64);
    await run(embeddings);
    const before = await readIndexFiles(indexDir);
    const target = path.join(path.dirname(indexDir), await fs.readlink(indexDir));
    await fs.rm(indexDir);
    await fs.rename(target, `${indexDir}.old-999999999-1`);
    const summary = await run(embeddings);
    expect(summary).toMatchObject({ unchanged: 3, swapped: false });
    expect((await readIndexFiles(indexDir))?.chunks).toEqual(before?.chunks);
  });

  it('leaves out expired documents and drops them once they expire', async () => {
    await write('cu.md', '---\ntitle: Thông báo cũ\nkind: announcement\nexpires: 2000-01-01\n---\nĐã hết hạn.');
    await write('moi.md', '---\ntitle: Thông báo mới\nkind: announcement\nexpires: 2999-01-01\n---\nCòn hạn.');
    const summary = await run(new LocalEmbeddings(64));
    expect(summary).toMatchObject({ added: 1, failed: [] });
    expect((await readIndexFiles(indexDir))?.meta.documents.map((d) => d.id)).toEqual(['moi']);
  });

  it('runs from the command line: JSON summary, exit code 1 when a document failed', async () => {
    await write('a.md', '# Tin A\n\nNội dung A.');
    await write('b.pdf', 'không phải PDF');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/ingest.ts', '--source', source, '--json'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: path.join(tmp, 'cli-data'), EMBEDDING_PROVIDER: 'local', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ added: 1, failed: [{ path: 'b.pdf', reason: 'tệp PDF bị hỏng hoặc không đọc được' }], swapped: true });
    expect((await readIndexFiles(path.join(tmp, 'cli-data', 'index')))?.meta.documents.map((d) => d.id)).toEqual(['a']);
  });
});

describe('EmbeddingCache', () => {
  const embedder = { id: 'thử:v1/a', dimensions: 3 };
  const vec = (...v: number[]) => new Float32Array(v);

  it('keeps vectors across openings, drops a record torn by a crash, and compacts', async () => {
    const dataDir = path.join(tmp, 'data');
    const cache = await EmbeddingCache.open(dataDir, embedder);
    await cache.add([[embeddingKey('a'), vec(1, 2, 3)]]);
    await cache.add([[embeddingKey('b'), vec(4, 5, 6)]]);
    const [dir] = await fs.readdir(path.join(dataDir, 'embedding-cache'));
    const file = path.join(dataDir, 'embedding-cache', dir, 'vectors.bin');
    await fs.appendFile(file, Buffer.alloc(7));

    const reopened = await EmbeddingCache.open(dataDir, embedder);
    expect(reopened.size).toBe(2);
    expect(Array.from(reopened.get(embeddingKey('b'))!)).toEqual([4, 5, 6]);
    await reopened.add([[embeddingKey('c'), vec(7, 8, 9)]]);
    expect((await EmbeddingCache.open(dataDir, embedder)).size).toBe(3);

    const many = Array.from({ length: 1100 }, (_, i) => [embeddingKey(`x${i}`), vec(i, 0, 0)] as [string, Float32Array]);
    await reopened.add(many);
    await reopened.compact(new Set([embeddingKey('a')]));
    const compacted = await EmbeddingCache.open(dataDir, embedder);
    expect(compacted.size).toBe(1);
    expect(Array.from(compacted.get(embeddingKey('a'))!)).toEqual([1, 2, 3]);
  });

  it('compacts records written twice (by ingests that once ran at the same time)', async () => {
    const dataDir = path.join(tmp, 'data');
    const cache = await EmbeddingCache.open(dataDir, embedder);
    const entries = Array.from({ length: 600 }, (_, i) => [embeddingKey(`x${i}`), vec(i, 1, 2)] as [string, Float32Array]);
    await cache.add(entries);
    await cache.add(entries);
    const [dir] = await fs.readdir(path.join(dataDir, 'embedding-cache'));
    const file = path.join(dataDir, 'embedding-cache', dir, 'vectors.bin');
    const record = 32 + 3 * 4;
    expect((await fs.stat(file)).size).toBe(1200 * record);
    const reopened = await EmbeddingCache.open(dataDir, embedder);
    expect(reopened.size).toBe(600);
    await reopened.compact(new Set(entries.slice(0, 50).map(([key]) => key)));
    expect((await fs.stat(file)).size).toBe(50 * record);
  });
});
