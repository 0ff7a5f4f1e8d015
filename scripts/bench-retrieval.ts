// Retrieval benchmark: ingest throughput and peak memory of the real ingest (read and parse the
// documents, chunk, embed with the local embedder, build and write the index), index load time,
// search latency and serving memory, and a hot refresh (one document changed while the index is
// served: old and new index held at once), on synthetic Vietnamese-like corpora of 10,000 and 100,000
// chunks. Each phase runs in its own child process so that peak RSS is that phase's alone: the
// corpus is generated and written as documents first, so the ingest process holds only what
// ingest itself needs.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createAsk } from '../src/engine/ask.js';
import { LocalEmbeddings } from '../src/engine/embeddings/local.js';
import { openIndex } from '../src/engine/index-store.js';
import { ingest } from '../src/engine/ingest.js';
import { KnowledgeBase } from '../src/engine/knowledge-base.js';
import { fold, normalizeText } from '../src/engine/normalize.js';
import { percentile } from '../src/engine/stats.js';
import { syllables } from '../src/engine/tokenize.js';
import { HNSW_EF_CONSTRUCTION, HNSW_M } from '../src/engine/vector-index.js';
import { createLogger } from '../src/logger.js';

// The configured dimension (EMBEDDING_DIMENSIONS), so the figures are those of this deployment.
const DIMENSIONS = loadConfig().engine.embedding.dimensions;
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
  for (let i = 0; i < n; i++) cdf[i] = total += 1 / (i + 1) ** s;
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
 * Passages of ~150–250 syllables made of "words": a lexicon of one- to three-syllable words with
 * Zipf-distributed syllables, itself drawn with Zipf frequencies, so bigrams repeat the way they
 * do in real text.
 */
async function* syntheticPassages(count: number, seed = 1): AsyncGenerator<string> {
  const random = prng(seed);
  const syl = await syllableList();
  const drawSyllable = zipf(syl.length, 1.0, random);
  const lexicon = Array.from({ length: 30_000 }, () => {
    const n = 1 + Math.floor(random() * random() * 3);
    return Array.from({ length: n }, () => syl[drawSyllable()]).join(' ');
  });
  const drawWord = zipf(lexicon.length, 1.05, random);
  for (let i = 0; i < count; i++) {
    const words: string[] = [];
    const length = 90 + Math.floor(random() * 60);
    for (let w = 0; w < length; w++) {
      words.push(lexicon[drawWord()] + (random() < 0.07 ? '.' : random() < 0.08 ? ',' : ''));
    }
    yield normalizeText(words.join(' '));
  }
}

const ARTICLES_PER_DOCUMENT = 20;
/** Big enough that every article is one chunk, so the corpus has exactly the chunks asked for. */
const BENCH_CHUNK_CHARS = '2000';

/** Phase 0 (own process): writes `count` passages as resolutions of 20 articles ("Điều") under `dir`. */
export async function writeSyntheticDocuments(count: number, dir: string): Promise<void> {
  let articles: string[] = [];
  let doc = 0;
  const flush = async () => {
    const front = `---\ntitle: Nghị quyết tổng hợp số ${doc}\nkind: resolution\n---\n\n`;
    const folder = path.join(dir, `nhom-${Math.floor(doc / 1000)}`);
    await fs.mkdir(folder, { recursive: true });
    await fs.writeFile(path.join(folder, `nghi-quyet-${doc}.md`), front + articles.join('\n'));
    articles = [];
    doc++;
  };
  for await (const text of syntheticPassages(count)) {
    articles.push(`Điều ${articles.length + 1}. Quy định thứ ${articles.length + 1}\n\n${text}\n`);
    if (articles.length === ARTICLES_PER_DOCUMENT) await flush();
  }
  if (articles.length) await flush();
}

const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

/** The configuration of the benchmark deployment rooted at `root` (documents, data, index). */
function benchConfig(root: string) {
  return loadConfig({ ...process.env, DATA_DIR: 'data', KNOWLEDGE_DIR: 'knowledge', CHUNK_TARGET_CHARS: BENCH_CHUNK_CHARS }, root).engine;
}

export interface IngestResult {
  chunks: number;
  chunksPerSecond: number;
  /** Reading, parsing and chunking the documents. */
  parseSeconds: number;
  embedSeconds: number;
  /** Building and writing the index files. */
  indexSeconds: number;
  peakRssMb: number;
  indexMb: number;
}

/** Phase 1 (own process): the real ingest of `<root>/knowledge` into `<root>/data/index`. */
export async function benchIngest(root: string): Promise<IngestResult> {
  const config = benchConfig(root);
  const embeddings = new LocalEmbeddings(DIMENSIONS);
  const started = performance.now();
  const phaseStart: Record<string, number> = {};
  const summary = await ingest({
    sourceDir: config.paths.knowledge,
    indexDir: config.paths.index,
    config,
    embeddings,
    onProgress: (_done, _total, phase) => void (phaseStart[phase] ??= performance.now()),
  });
  const done = performance.now();
  const seconds = (done - started) / 1000;
  if (summary.failed.length) throw new Error(`bench ingest: ${summary.failed.length} documents failed`);
  let bytes = 0;
  for (const f of await fs.readdir(config.paths.index)) bytes += (await fs.stat(path.join(config.paths.index, f))).size;
  return {
    chunks: summary.chunks,
    chunksPerSecond: summary.chunks / seconds,
    parseSeconds: (phaseStart.embed - started) / 1000,
    embedSeconds: (phaseStart.index - phaseStart.embed) / 1000,
    indexSeconds: (done - phaseStart.index) / 1000,
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
  /** The whole offline ask(): cleaning, question type, search (twice for a value question), composition. */
  askP50Ms: number;
  askP95Ms: number;
  peakRssMb: number;
}

/** Resident wordings around a chunk's own words: fillers, chat words, a status, a count, a fine. */
const RESIDENT_FORMS = [
  (w: string) => `ad oi ${w} xong chua vay`,
  (w: string) => `${w} bao nhiêu ạ`,
  (w: string) => `${w} bị phạt bao nhiêu tiền`,
  (w: string) => `cho em hỏi ${w} ở đâu`,
  (w: string) => `những ${w} nào`,
  (w: string) => `${w} dc ko ad`,
];

/** Phase 2 (own process): open the index and time queries made of a chunk's own words. */
export async function benchSearch(root: string): Promise<SearchResult> {
  const started = performance.now();
  const index = await openIndex(benchConfig(root).paths.index, new LocalEmbeddings(DIMENSIONS));
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
  const ask = createAsk({ retrieve: (query, k) => index.search(query, k), config: benchConfig(root) });
  const askLatencies: number[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const target = index.chunks[Math.floor(random() * index.chunks.length)];
    const words = target.text.split(' ');
    const from = Math.floor(random() * Math.max(1, words.length - 6));
    let question = RESIDENT_FORMS[q % RESIDENT_FORMS.length](words.slice(from, from + 3 + Math.floor(random() * 3)).join(' '));
    if (q % 3 === 0) question = fold(question);
    const t = performance.now();
    await ask(question);
    askLatencies.push(performance.now() - t);
  }
  askLatencies.sort((a, b) => a - b);
  return {
    loadSeconds,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    selfRecallAt5: found / QUERIES,
    askP50Ms: percentile(askLatencies, 50),
    askP95Ms: percentile(askLatencies, 95),
    peakRssMb: maxRssMb(),
  };
}

export interface ReloadResult {
  /** Peak while serving the index, before the refresh. */
  servingPeakRssMb: number;
  /** Incremental ingest of one changed document and loading the new index beside the old one. */
  refreshSeconds: number;
  embedded: number;
  peakRssMb: number;
}

/**
 * Phase 3 (own process): a hot refresh as the service does it (KnowledgeBase.refresh): the index
 * is being served, one document changes, the incremental ingest runs and the new index is loaded
 * while the old one is still held (questions in flight keep it).
 */
export async function benchReload(root: string): Promise<ReloadResult> {
  const config = benchConfig(root);
  const kb = await KnowledgeBase.open(config, createLogger({ level: 'silent' }), { buildIfMissing: false });
  await kb.ask('Nghị quyết tổng hợp số 0 quy định gì?');
  const servingPeakRssMb = maxRssMb();
  const before = kb.status().chunks;
  const changed = path.join(config.paths.knowledge, 'nhom-0', 'nghi-quyet-0.md');
  await fs.appendFile(changed, '\nĐiều 99. Sửa đổi\n\nNghị quyết này được sửa đổi, bổ sung một điều khoản mới về đô thị.\n');
  const started = performance.now();
  const summary = await kb.refresh();
  const refreshSeconds = (performance.now() - started) / 1000;
  if (!summary.swapped || kb.status().chunks <= before) throw new Error('bench reload: the refresh did not swap in the change');
  await kb.close();
  return { servingPeakRssMb, refreshSeconds, embedded: summary.embedded, peakRssMb: maxRssMb() };
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
  reload: ReloadResult;
}

/** Runs the phases for each size and prints a table; returns the figures. */
export async function runRetrievalBench(sizes = [10_000, 100_000]): Promise<RetrievalBenchRow[]> {
  const rows: RetrievalBenchRow[] = [];
  for (const size of sizes) {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-bench-'));
    try {
      await inChild(['generate', String(size), root]);
      const ingest = await inChild<IngestResult>(['ingest', root]);
      const search = await inChild<SearchResult>(['search', root]);
      const reload = await inChild<ReloadResult>(['reload', root]);
      rows.push({ chunks: ingest.chunks, ingest, search, reload });
      console.error(`  ${size} chunks done`);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  }
  const f = (x: number, d = 1) => x.toFixed(d);
  console.log(`\nTruy xuất (bộ nhúng local:v2, ${DIMENSIONS} chiều, HNSW M=${HNSW_M} efConstruction=${HNSW_EF_CONSTRUCTION})`);
  console.table(
    rows.map((r) => ({
      chunks: r.chunks,
      'ingest chunks/s': f(r.ingest.chunksPerSecond, 0),
      'parse s': f(r.ingest.parseSeconds),
      'embed s': f(r.ingest.embedSeconds),
      'index+write s': f(r.ingest.indexSeconds),
      'ingest peak RSS MB': f(r.ingest.peakRssMb, 0),
      'index MB': f(r.ingest.indexMb, 0),
      'load s': f(r.search.loadSeconds, 2),
      'search p50 ms': f(r.search.p50Ms, 2),
      'search p95 ms': f(r.search.p95Ms, 2),
      'ask() p50 ms': f(r.search.askP50Ms, 2),
      'ask() p95 ms': f(r.search.askP95Ms, 2),
      'self R@5': f(r.search.selfRecallAt5, 3),
      'serve peak RSS MB': f(r.search.peakRssMb, 0),
      'refresh s': f(r.reload.refreshSeconds),
      'refresh peak RSS MB': f(r.reload.peakRssMb, 0),
    })),
  );
  return rows;
}

// Child-process entry: `generate COUNT ROOT`, `ingest ROOT`, `search ROOT` or `reload ROOT`, one JSON line on
// stdout; with no phase, or sizes ("100000" or "10000,100000"), the whole benchmark.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [phase, a, b] = process.argv.slice(2);
  if (phase === 'generate') {
    await writeSyntheticDocuments(Number(a), benchConfig(b).paths.knowledge);
    console.log('{}');
  } else if (phase === 'ingest') console.log(JSON.stringify(await benchIngest(a)));
  else if (phase === 'search') console.log(JSON.stringify(await benchSearch(a)));
  else if (phase === 'reload') console.log(JSON.stringify(await benchReload(a)));
  else await runRetrievalBench(phase ? phase.split(',').map(Number) : undefined);
}
