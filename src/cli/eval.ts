// Retrieval evaluation: Recall@1/5/10, MRR@10, refusals of unanswerable questions and latency,
// over a question set (see ../shared/eval/README.md), against a throwaway index of a corpus or
// of a source folder, or else against the knowledge index (brought up to date with knowledge/
// first, as `npm run ingest` would).
//   npm run eval -- --questions FILE.jsonl [--corpus CORPUS.jsonl | --source DIR] [--json]
//                   [--strip-diacritics] [--out-of-domain]
import 'dotenv/config';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type Config, loadConfigOrReport } from '../config.js';
import { createAsk } from '../engine/ask.js';
import { createEmbeddings, type EmbeddingProvider } from '../engine/embeddings/index.js';
import { openIndex, type SearchIndex, searchableText, writeIndex } from '../engine/index-store.js';
import { ingest } from '../engine/ingest.js';
import { fold, normalizeText, normalizeVietnamese } from '../engine/normalize.js';
import { percentile } from '../engine/stats.js';
import type { Chunk, Turn } from '../engine/types.js';
import { holdsAnswer, holdsFacts } from './answer-judge.js';

export interface EvalQuestion {
  id: string;
  question: string;
  relevant_docs?: string[];
  relevant_text?: string[];
  answerable: boolean;
  /** Groups of alternatives: a right reply holds one alternative of every group (accent-folded). */
  facts?: string[][];
  /** Gold answer strings (SQuAD): a right reply holds one of them. */
  answers?: string[];
  /** Lines of one conversation are asked in `turn` order with one history. */
  conversation?: string;
  turn?: number;
}

/** What the replies themselves are worth, for question files with `facts` or `answers`. */
export interface AnswerReport {
  /** Answerable questions that carry facts or answers. */
  judged: number;
  /** Share of those whose reply holds every fact (or one gold answer). */
  correct: number;
  /** Ids of the judged questions whose reply missed, for the developer's eye. */
  missed: string[];
  /** Ids of unanswerable questions that got an answer. */
  wronglyAnswered: string[];
  /** Characters of the answered replies' text (markers included, sources not). */
  replyChars: { p50: number; p90: number };
}

export interface EvalReport {
  questions: number;
  answerable: number;
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrrAt10: number;
  /** Share of unanswerable questions that ask() (offline) refuses: status not_found or refused. */
  refusedUnanswerable: number | null;
  /** Same, judged only by the best hit falling below the relevance floor. */
  refusedUnanswerableByFloor: number | null;
  /** Share of answerable questions that ask() wrongly refuses. */
  refusedAnswerable: number;
  /** Same, judged only by the relevance floor. */
  refusedAnswerableByFloor: number;
  relevanceFloor: number;
  /** Retrieval alone (one search of 30 passages). */
  latencyMs: { p50: number; p95: number };
  /** The whole offline ask(): search, floor, scope check, extractive answer. */
  askLatencyMs: { p50: number; p95: number };
  /** Present when the question file has `facts` or `answers`. */
  answers?: AnswerReport;
}

async function readJsonl<T>(file: string): Promise<T[]> {
  const text = await fs.readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
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
  const dimensions = await embeddings.resolveDimensions();
  await writeIndex(dir, chunks, vectors, { embedding: { id: embeddings.id, dimensions }, documents });
}

function isRelevant(q: EvalQuestion, chunk: Chunk): boolean {
  if (q.relevant_docs) return q.relevant_docs.includes(chunk.docId);
  const text = normalizeVietnamese(chunk.text).toLowerCase();
  return (q.relevant_text ?? []).some((quote) => text.includes(normalizeVietnamese(quote).toLowerCase()));
}

/**
 * Runs every question against `index`: ranks for the recall figures, and the offline ask() over
 * the same index for refusals, as a resident would get them.
 */
export async function evaluate(
  index: SearchIndex,
  questions: EvalQuestion[],
  options: { config: Config; stripDiacritics?: boolean },
): Promise<EvalReport> {
  const floor = options.config.engine.relevanceFloor;
  const ask = createAsk({ retrieve: (q, k) => index.search(q, k), config: options.config.engine });
  const latencies: number[] = [];
  const askLatencies: number[] = [];
  let r1 = 0,
    r5 = 0,
    r10 = 0,
    mrr = 0,
    answerable = 0;
  const refusals = { unanswerable: 0, unanswerableByFloor: 0, answerable: 0, answerableByFloor: 0 };
  const judged = { count: 0, correct: 0, missed: [] as string[], wronglyAnswered: [] as string[], chars: [] as number[] };
  const histories = new Map<string, Turn[]>();
  for (const q of inTurnOrder(questions)) {
    // What a bare keyboard produces: no marks, and typed lower-case more often than not.
    const text = options.stripDiacritics ? fold(q.question) : q.question;
    const started = performance.now();
    const hits = await index.search(text, 30);
    latencies.push(performance.now() - started);
    const history = q.conversation ? (histories.get(q.conversation) ?? []) : [];
    const askStarted = performance.now();
    const reply = await ask(text, { history });
    askLatencies.push(performance.now() - askStarted);
    const { status } = reply;
    if (q.conversation) histories.set(q.conversation, [...history, { role: 'user', text }, { role: 'assistant', text: reply.text }]);
    if (status === 'answered') judged.chars.push(reply.text.length);
    if (!q.answerable && status === 'answered') judged.wronglyAnswered.push(q.id);
    if (q.answerable && (q.facts || q.answers)) {
      judged.count++;
      const right = status === 'answered' && (q.facts ? holdsFacts(reply.text, q.facts) : holdsAnswer(reply.text, q.answers ?? []));
      if (right) judged.correct++;
      else judged.missed.push(q.id);
    }
    const refused = status === 'not_found' || status === 'refused';
    const belowFloor = !hits.length || hits[0].relevance < floor;
    if (!q.answerable) {
      if (refused) refusals.unanswerable++;
      if (belowFloor) refusals.unanswerableByFloor++;
      continue;
    }
    answerable++;
    if (refused) refusals.answerable++;
    if (belowFloor) refusals.answerableByFloor++;
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
  askLatencies.sort((a, b) => a - b);
  const share = (n: number) => (answerable ? n / answerable : 0);
  const unanswerable = questions.length - answerable;
  const ofUnanswerable = (n: number) => (unanswerable ? n / unanswerable : null);
  return {
    questions: questions.length,
    answerable,
    recallAt1: share(r1),
    recallAt5: share(r5),
    recallAt10: share(r10),
    mrrAt10: share(mrr),
    refusedUnanswerable: ofUnanswerable(refusals.unanswerable),
    refusedUnanswerableByFloor: ofUnanswerable(refusals.unanswerableByFloor),
    refusedAnswerable: share(refusals.answerable),
    refusedAnswerableByFloor: share(refusals.answerableByFloor),
    relevanceFloor: floor,
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
    askLatencyMs: { p50: percentile(askLatencies, 50), p95: percentile(askLatencies, 95) },
    answers: questions.some((q) => q.facts || q.answers)
      ? {
          judged: judged.count,
          correct: judged.count ? judged.correct / judged.count : 0,
          missed: judged.missed,
          wronglyAnswered: judged.wronglyAnswered,
          replyChars: { p50: percentile(sorted(judged.chars), 50), p90: percentile(sorted(judged.chars), 90) },
        }
      : undefined,
  };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

/** File order, except that the turns of a conversation are asked in `turn` order, where its first line stood. */
function inTurnOrder(questions: EvalQuestion[]): EvalQuestion[] {
  const byConversation = new Map<string, EvalQuestion[]>();
  for (const q of questions) {
    if (!q.conversation) continue;
    const list = byConversation.get(q.conversation) ?? [];
    list.push(q);
    byConversation.set(q.conversation, list);
  }
  const out: EvalQuestion[] = [];
  for (const q of questions) {
    if (!q.conversation) out.push(q);
    else if (byConversation.has(q.conversation)) {
      out.push(...byConversation.get(q.conversation)!.sort((a, b) => (a.turn ?? 0) - (b.turn ?? 0)));
      byConversation.delete(q.conversation);
    }
  }
  return out;
}

export interface EvalOptions {
  config: Config;
  questionsFile: string;
  /** A corpus.jsonl to index in a throwaway directory. */
  corpus?: string;
  /** A documents folder to ingest in a throwaway directory. */
  source?: string;
  stripDiacritics?: boolean;
  /** Every question counts as unanswerable (one set's questions against another set's corpus). */
  outOfDomain?: boolean;
}

/**
 * Evaluates a question set. Without a corpus or a source, the configured knowledge index is
 * first brought up to date with the knowledge folder (an incremental ingest, under the ingest
 * lock), so the figures are those of the documents as they are now.
 */
export async function runEval(options: EvalOptions): Promise<{ label: string; report: EvalReport }> {
  const { config } = options;
  const embeddings = createEmbeddings(config.engine);
  let questions = await readJsonl<EvalQuestion>(options.questionsFile);
  if (options.outOfDomain) questions = questions.map((q) => ({ ...q, answerable: false }));

  let indexDir = config.paths.index;
  let tempDir: string | undefined;
  try {
    if (options.corpus || options.source) {
      tempDir = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-eval-'));
      indexDir = path.join(tempDir, 'index');
      if (options.corpus) {
        await fs.mkdir(indexDir);
        const docs = await readJsonl<{ id: string; title: string; text: string }>(options.corpus);
        await buildIndex(indexDir, corpusChunks(docs), embeddings);
      } else {
        // The embedding cache goes to the throwaway directory too, not to the bot's data folder.
        const throwaway = { ...config.engine, paths: { ...config.engine.paths, data: tempDir, index: indexDir } };
        await ingest({ sourceDir: path.resolve(options.source!), indexDir, config: throwaway, embeddings });
      }
    } else {
      await ingest({ sourceDir: config.paths.knowledge, indexDir, config: config.engine, embeddings });
    }
    const index = await openIndex(indexDir, embeddings);
    const report = await evaluate(index, questions, { config, stripDiacritics: options.stripDiacritics });
    const label = `${path.basename(options.questionsFile)}${options.stripDiacritics ? ' (bỏ dấu)' : ''}, ${embeddings.id}`;
    return { label, report };
  } finally {
    if (tempDir) await fs.rm(tempDir, { recursive: true, force: true });
  }
}

function formatReport(r: EvalReport, label: string): string {
  const f = (x: number) => x.toFixed(3);
  const share = (x: number | null) => (x === null ? '—' : f(x));
  const ms = (l: { p50: number; p95: number }) => `p50 ${l.p50.toFixed(2)} ms, p95 ${l.p95.toFixed(2)} ms`;
  return [
    `Đánh giá truy xuất: ${label}`,
    `  câu hỏi: ${r.questions} (có đáp án: ${r.answerable})`,
    `  Recall@1  ${f(r.recallAt1)}`,
    `  Recall@5  ${f(r.recallAt5)}`,
    `  Recall@10 ${f(r.recallAt10)}`,
    `  MRR@10    ${f(r.mrrAt10)}`,
    `  từ chối đúng câu ngoài phạm vi: ${share(r.refusedUnanswerable)} (theo ask()), ${share(r.refusedUnanswerableByFloor)} (chỉ theo ngưỡng ${r.relevanceFloor})`,
    `  từ chối nhầm câu có đáp án:     ${f(r.refusedAnswerable)} (theo ask()), ${f(r.refusedAnswerableByFloor)} (chỉ theo ngưỡng)`,
    `  độ trễ truy xuất ${ms(r.latencyMs)}; cả ask() ${ms(r.askLatencyMs)}`,
    ...(r.answers
      ? [
          `Đánh giá câu trả lời:`,
          `  trả lời đúng (đủ ý / chứa đáp án): ${f(r.answers.correct)} của ${r.answers.judged} câu`,
          `  độ dài câu trả lời: trung vị ${r.answers.replyChars.p50} ký tự, p90 ${r.answers.replyChars.p90} ký tự`,
          ...(r.answers.missed.length ? [`  chưa đúng: ${r.answers.missed.join(', ')}`] : []),
          ...(r.answers.wronglyAnswered.length ? [`  trả lời câu ngoài phạm vi: ${r.answers.wronglyAnswered.join(', ')}`] : []),
        ]
      : []),
  ].join('\n');
}

const USAGE =
  'Cách dùng: npm run eval -- --questions FILE.jsonl [--corpus CORPUS.jsonl | --source DIR] [--json] [--strip-diacritics] [--out-of-domain]';

async function main(): Promise<void> {
  let values;
  try {
    values = parseArgs({
      options: {
        questions: { type: 'string' },
        corpus: { type: 'string' },
        source: { type: 'string' },
        json: { type: 'boolean', default: false },
        'strip-diacritics': { type: 'boolean', default: false },
        'out-of-domain': { type: 'boolean', default: false },
      },
    }).values;
  } catch {
    values = undefined;
  }
  if (!values?.questions) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const config = loadConfigOrReport();
  if (!config) {
    process.exitCode = 1;
    return;
  }
  const { label, report } = await runEval({
    config,
    questionsFile: values.questions,
    corpus: values.corpus,
    source: values.source,
    stripDiacritics: values['strip-diacritics'],
    outOfDomain: values['out-of-domain'],
  });
  console.log(values.json ? JSON.stringify({ label, ...report }) : formatReport(report, label));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: Error) => {
    console.error(err.message);
    process.exitCode = 1;
  });
}
