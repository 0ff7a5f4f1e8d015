// Retrieval evaluation: Recall@1/5/10, MRR@10, refusals of unanswerable questions and latency,
// over a question set (see ../shared/eval/README.md), against a throwaway index of a corpus,
// of a source folder, or against the knowledge index built by `npm run ingest`.
//   npm run eval -- --questions FILE.jsonl [--corpus CORPUS.jsonl | --source DIR] [--json]
//                   [--strip-diacritics] [--out-of-domain]
import 'dotenv/config';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfigOrReport } from '../config.js';
import { createEmbeddings, type EmbeddingProvider } from '../engine/embeddings/index.js';
import { openIndex, searchableText, writeIndex, type SearchIndex } from '../engine/index-store.js';
import { ingest } from '../engine/ingest.js';
import { normalizeText, normalizeVietnamese } from '../engine/normalize.js';
import type { Chunk } from '../engine/types.js';

export interface EvalQuestion {
  id: string;
  question: string;
  relevant_docs?: string[];
  relevant_text?: string[];
  answerable: boolean;
}

export interface EvalReport {
  questions: number;
  answerable: number;
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrrAt10: number;
  /** Share of unanswerable questions whose best hit falls below the relevance floor. */
  refusedUnanswerable: number | null;
  /** Share of answerable questions wrongly refused (best hit below the floor). */
  refusedAnswerable: number;
  relevanceFloor: number;
  latencyMs: { p50: number; p95: number };
}

/** Removes tone and vowel marks but keeps letter case: what a bare keyboard produces. */
export function stripDiacritics(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

async function readJsonl<T>(file: string): Promise<T[]> {
  const text = await fs.readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** One chunk per corpus document: Recall is counted per document id anyway. */
export function corpusChunks(docs: { id: string; title: string; text: string }[]): Chunk[] {
  return docs.map((d) => {
    const text = normalizeText(d.text);
    return {
      id: `${d.id}#0`,
      docId: d.id,
      title: normalizeText(d.title),
      kind: 'news',
      section: [],
      position: 0,
      text,
      hash: createHash('sha256').update(text).digest('hex'),
    };
  });
}

/** Embeds and writes a complete index of `chunks` into the new directory `dir`. */
export async function buildIndex(dir: string, chunks: Chunk[], embeddings: EmbeddingProvider): Promise<void> {
  const vectors: Float32Array[] = [];
  for (let i = 0; i < chunks.length; i += 256) {
    vectors.push(...(await embeddings.embedVectors(chunks.slice(i, i + 256).map(searchableText))));
  }
  const documents = chunks.map((c) => ({ id: c.docId, title: c.title, kind: c.kind, chunks: 1 }));
  await writeIndex(dir, chunks, vectors, { embedding: { id: embeddings.id, dimensions: embeddings.dimensions }, documents });
}


function isRelevant(q: EvalQuestion, chunk: Chunk): boolean {
  if (q.relevant_docs) return q.relevant_docs.includes(chunk.docId);
  const text = normalizeVietnamese(chunk.text).toLowerCase();
  return (q.relevant_text ?? []).some((quote) => text.includes(normalizeVietnamese(quote).toLowerCase()));
}

export async function evaluate(
  index: SearchIndex,
  questions: EvalQuestion[],
  options: { relevanceFloor: number; stripDiacritics?: boolean },
): Promise<EvalReport> {
  const latencies: number[] = [];
  let r1 = 0, r5 = 0, r10 = 0, mrr = 0, answerable = 0, refusedUnanswerable = 0, refusedAnswerable = 0;
  for (const q of questions) {
    const text = options.stripDiacritics ? stripDiacritics(q.question) : q.question;
    const started = performance.now();
    const hits = await index.search(text, 30);
    latencies.push(performance.now() - started);
    const refused = !hits.length || hits[0].relevance < options.relevanceFloor;
    if (!q.answerable) {
      if (refused) refusedUnanswerable++;
      continue;
    }
    answerable++;
    if (refused) refusedAnswerable++;
    // Rank passages for quote questions, documents for document questions.
    const ranked: Chunk[] = [];
    const seenDocs = new Set<string>();
    for (const h of hits) {
      if (q.relevant_docs) {
        if (seenDocs.has(h.chunk.docId)) continue;
        seenDocs.add(h.chunk.docId);
      }
      ranked.push(h.chunk);
    }
    const rank = ranked.findIndex((c) => isRelevant(q, c)) + 1;
    if (rank === 1) r1++;
    if (rank >= 1 && rank <= 5) r5++;
    if (rank >= 1 && rank <= 10) {
      r10++;
      mrr += 1 / rank;
    }
  }
  latencies.sort((a, b) => a - b);
  const share = (n: number) => (answerable ? n / answerable : 0);
  const unanswerable = questions.length - answerable;
  return {
    questions: questions.length,
    answerable,
    recallAt1: share(r1),
    recallAt5: share(r5),
    recallAt10: share(r10),
    mrrAt10: share(mrr),
    refusedUnanswerable: unanswerable ? refusedUnanswerable / unanswerable : null,
    refusedAnswerable: share(refusedAnswerable),
    relevanceFloor: options.relevanceFloor,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
  };
}

function formatReport(r: EvalReport, label: string): string {
  const f = (x: number) => x.toFixed(3);
  return [
    `Đánh giá truy xuất: ${label}`,
    `  câu hỏi: ${r.questions} (có đáp án: ${r.answerable})`,
    `  Recall@1  ${f(r.recallAt1)}`,
    `  Recall@5  ${f(r.recallAt5)}`,
    `  Recall@10 ${f(r.recallAt10)}`,
    `  MRR@10    ${f(r.mrrAt10)}`,
    `  từ chối đúng câu ngoài phạm vi: ${r.refusedUnanswerable === null ? '—' : f(r.refusedUnanswerable)} (ngưỡng ${r.relevanceFloor})`,
    `  từ chối nhầm câu có đáp án:     ${f(r.refusedAnswerable)}`,
    `  độ trễ p50 ${r.latencyMs.p50.toFixed(2)} ms, p95 ${r.latencyMs.p95.toFixed(2)} ms`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      questions: { type: 'string' },
      corpus: { type: 'string' },
      source: { type: 'string' },
      json: { type: 'boolean', default: false },
      'strip-diacritics': { type: 'boolean', default: false },
      // Treat every question as unanswerable: questions of one set against another set's
      // corpus measure how often off-topic questions are refused.
      'out-of-domain': { type: 'boolean', default: false },
    },
  });
  if (!values.questions) {
    console.error('Cách dùng: npm run eval -- --questions FILE.jsonl [--corpus CORPUS.jsonl | --source DIR] [--json] [--strip-diacritics]');
    process.exitCode = 2;
    return;
  }
  const config = loadConfigOrReport();
  if (!config) {
    process.exitCode = 1;
    return;
  }
  const embeddings = createEmbeddings(config);
  let questions = await readJsonl<EvalQuestion>(values.questions);
  if (values['out-of-domain']) questions = questions.map((q) => ({ ...q, answerable: false }));

  let indexDir = config.paths.index;
  let tempDir: string | undefined;
  if (values.corpus || values.source) {
    tempDir = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-eval-'));
    indexDir = path.join(tempDir, 'index');
    if (values.corpus) {
      await fs.mkdir(indexDir);
      const docs = await readJsonl<{ id: string; title: string; text: string }>(values.corpus);
      await buildIndex(indexDir, corpusChunks(docs), embeddings);
    } else {
      // The embedding cache goes to the throwaway directory too, not to the bot's data folder.
      const throwaway = { ...config, paths: { ...config.paths, data: tempDir, index: indexDir } };
      await ingest({ sourceDir: path.resolve(values.source!), indexDir, config: throwaway, embeddings });
    }
  }
  try {
    const index = await openIndex(indexDir, embeddings);
    const report = await evaluate(index, questions, {
      relevanceFloor: config.env.RELEVANCE_FLOOR,
      stripDiacritics: values['strip-diacritics'],
    });
    const label = `${path.basename(values.questions)}${values['strip-diacritics'] ? ' (bỏ dấu)' : ''}, ${embeddings.id}`;
    console.log(values.json ? JSON.stringify({ label, ...report }) : formatReport(report, label));
  } finally {
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: Error) => {
    console.error(err.message);
    process.exitCode = 1;
  });
}
