// Retrieval benchmark: ingest throughput (local embedding + index build + write), index load
// time, search latency and peak memory, on synthetic Vietnamese-like corpora of 10,000 and
// 100,000 chunks. Each phase runs in its own child process so that peak RSS is that phase's.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config.js';
import { LocalEmbeddings } from '../src/engine/embeddings/local.js';
import { openIndex, searchableText, writeIndex } from '../src/engine/index-store.js';
import { fold, normalizeText } from '../src/engine/normalize.js';
import { syllables } from '../src/engine/tokenize.js';
import { HNSW_EF_CONSTRUCTION, HNSW_M } from '../src/engine/vector-index.js';
import type { Chunk } from '../src/engine/types.js';

// The configured dimension (EMBEDDING_DIMENSIONS), so the figures are those of this deployment.
const DIMENSIONS = loadConfig().env.EMBEDDING_DIMENSIONS;
const QUERIES = 300;
const EVAL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/eval');
// Used when ../shared/eval is not there: frequent syllables of administrative Vietnamese.
const FALLBACK_SYLLABLES =
  'của và các là trong có được cho với người thành phố năm xây dựng nghị quyết đô thị văn minh hóa nhân dân ủy ban phát triển kinh tế xã hội công trình dự án đường giao thông chính quyền cán bộ đảng viên thực hiện kế hoạch chỉ tiêu đạt vượt nhiệm vụ giai đoạn huy động nguồn lực đầu tư hạ tầng chỉnh trang cải cách hành chính chuyển đổi số tuyên truyền sâu rộng chương trình trọng tâm quần chúng tổ chức hoạt động địa bàn phường xã tỉnh huyện quy định pháp luật trách nhiệm quyền lợi nghĩa vụ tài sản hợp đồng bảo vệ môi trường y tế giáo dục trường học'.split(
    ' ',
  );

/** Deterministic PRNG (mulberry32): the same corpus on every machine and run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws indices 0..n-1 with probability ∝ 1/(rank+1)^s (Zipf). */
function zipf(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) cdf[i] = total += 1 / Math.pow(i + 1, s);
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Real syllables ranked by frequency in the evaluation corpora (Wikipedia and law). */
async function syllableList(): Promise<string[]> {
  const counts = new Map<string, number>();
  for (const set of ['xquad-vi', 'alqac22']) {
    const file = path.join(EVAL_DIR, set, 'corpus.jsonl');
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    for (const s of syllables(text)) if (/^\p{L}+$/u.test(s)) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1]).map(([s]) => s);
  return ranked.length > 500 ? ranked.slice(0, 4000) : FALLBACK_SYLLABLES;
}

/**
 * Chunks of ~150–250 syllables (the size ingest produces) made of "words": a lexicon of one- to
 * three-syllable words with Zipf-distributed syllables, itself drawn with Zipf frequencies, so
 * bigrams repeat the way they do in real text.
 */
export async function syntheticChunks(count: number, seed = 1): Promise<Chunk[]> {
  const random = prng(seed);
  const syl = await syllableList();
  const drawSyllable = zipf(syl.length, 1.0, random);
  const lexicon = Array.from({ length: 30_000 }, () => {
    const n = 1 + Math.floor(random() * random() * 3);
    return Array.from({ length: n }, () => syl[drawSyllable()]).join(' ');
  });
  const drawWord = zipf(lexicon.length, 1.05, random);
  const chunks: Chunk[] = [];
  for (let i = 0; i < count; i++) {
    const words: string[] = [];
    const length = 90 + Math.floor(random() * 60);
    for (let w = 0; w < length; w++) {
      words.push(lexicon[drawWord()] + (random() < 0.07 ? '.' : random() < 0.08 ? ',' : ''));
    }
    const text = normalizeText(words.join(' '));
    const docId = `synthetic/doc-${Math.floor(i / 20)}`;
    chunks.push({
      id: `${docId}#${i % 20}`,
      docId,
      title: `Văn bản ${Math.floor(i / 20)}`,
      kind: 'resolution',
      section: [],
      position: i % 20,
      text,
      hash: createHash('sha256').update(text).digest('hex'),
    });
  }
  return chunks;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

export interface IngestResult {
  chunks: number;
  chunksPerSecond: number;
  embedSeconds: number;
  writeSeconds: number;
  peakRssMb: number;
  indexMb: number;
}

/** Phase 1 (own process): generate, embed, build and write the index into `dir`. */
export async function benchIngest(count: number, dir: string): Promise<IngestResult> {
  const chunks = await syntheticChunks(count);
  const embeddings = new LocalEmbeddings(DIMENSIONS);
  const started = performance.now();
  const vectors: Float32Array[] = [];
  for (let i = 0; i < chunks.length; i += 512) {
    vectors.push(...(await embeddings.embedVectors(chunks.slice(i, i + 512).map(searchableText))));
  }
  const embedded = performance.now();
  await writeIndex(dir, chunks, vectors, {
    embedding: { id: embeddings.id, dimensions: DIMENSIONS },
    documents: [],
  });
  const done = performance.now();
  let bytes = 0;
  for (const f of await fs.readdir(dir)) bytes += (await fs.stat(path.join(dir, f))).size;
  return {
    chunks: count,
    chunksPerSecond: count / ((done - started) / 1000),
    embedSeconds: (embedded - started) / 1000,
    writeSeconds: (done - embedded) / 1000,
    peakRssMb: maxRssMb(),
    indexMb: bytes / 2 ** 20,
  };
}

export interface SearchResult {
  loadSeconds: number;
  p50Ms: number;
  p95Ms: number;
  /** Share of queries (words taken from a chunk) whose chunk is in the top 5. */
  selfRecallAt5: number;
  peakRssMb: number;
}

/** Phase 2 (own process): open the index and time queries made of a chunk's own words. */
export async function benchSearch(dir: string): Promise<SearchResult> {
  const started = performance.now();
  const index = await openIndex(dir, new LocalEmbeddings(DIMENSIONS));
  const loadSeconds = (performance.now() - started) / 1000;
  const random = prng(7);
  const latencies: number[] = [];
  let found = 0;
  for (let q = 0; q < QUERIES; q++) {
    const target = index.chunks[Math.floor(random() * index.chunks.length)];
    const words = target.text.split(' ');
    const from = Math.floor(random() * Math.max(1, words.length - 8));
    let query = words.slice(from, from + 4 + Math.floor(random() * 5)).join(' ');
    // A third of residents type without diacritics.
    if (q % 3 === 0) query = fold(query);
    const t = performance.now();
    const hits = await index.search(query, 5);
    latencies.push(performance.now() - t);
    if (hits.some((h) => h.chunk.id === target.id)) found++;
  }
  latencies.sort((a, b) => a - b);
  return {
    loadSeconds,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    selfRecallAt5: found / QUERIES,
    peakRssMb: maxRssMb(),
  };
}

const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);

async function inChild<T>(args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', SELF, ...args], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}

export interface RetrievalBenchRow {
  chunks: number;
  ingest: IngestResult;
  search: SearchResult;
}

/** Runs both phases for each size and prints a table; returns the figures. */
export async function runRetrievalBench(sizes = [10_000, 100_000]): Promise<RetrievalBenchRow[]> {
  const rows: RetrievalBenchRow[] = [];
  for (const size of sizes) {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-bench-'));
    try {
      const dir = path.join(root, 'index');
      await fs.mkdir(dir);
      const ingest = await inChild<IngestResult>(['ingest', String(size), dir]);
      const search = await inChild<SearchResult>(['search', dir]);
      rows.push({ chunks: size, ingest, search });
      console.error(`  ${size} chunks done`);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  }
  const f = (x: number, d = 1) => x.toFixed(d);
  console.log(`\nTruy xuất (bộ nhúng local:v1, ${DIMENSIONS} chiều, HNSW M=${HNSW_M} efConstruction=${HNSW_EF_CONSTRUCTION})`);
  console.table(
    rows.map((r) => ({
      chunks: r.chunks,
      'ingest chunks/s': f(r.ingest.chunksPerSecond, 0),
      'embed s': f(r.ingest.embedSeconds),
      'index+write s': f(r.ingest.writeSeconds),
      'ingest peak RSS MB': f(r.ingest.peakRssMb, 0),
      'index MB': f(r.ingest.indexMb, 0),
      'load s': f(r.search.loadSeconds, 2),
      'search p50 ms': f(r.search.p50Ms, 2),
      'search p95 ms': f(r.search.p95Ms, 2),
      'self R@5': f(r.search.selfRecallAt5, 3),
      'serve peak RSS MB': f(r.search.peakRssMb, 0),
    })),
  );
  return rows;
}

// Child-process entry: `ingest COUNT DIR` or `search DIR`, one JSON line on stdout.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [phase, a, b] = process.argv.slice(2);
  const result = phase === 'ingest' ? await benchIngest(Number(a), b) : phase === 'search' ? await benchSearch(a) : undefined;
  if (result) console.log(JSON.stringify(result));
  else await runRetrievalBench(a ? a.split(',').map(Number) : undefined);
}
