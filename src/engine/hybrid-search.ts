// Hybrid retrieval: BM25 (exact + folded Vietnamese terms) and dense vectors, fused by a convex
// combination of normalized scores; plus the absolute relevance that the answering side compares
// with the relevance floor (scores say which passage is best, not whether any is good enough).
import type { Logger } from '../logger.js';
import type { EmbeddingProvider } from './embeddings/index.js';
import type { LexicalHit, LexicalIndex } from './lexical-index.js';
import type { Chunk, SearchHit } from './types.js';
import type { VectorHit, VectorIndex } from './vector-index.js';

/** Candidates taken from each list before fusing. */
const CANDIDATES = 50;

/**
 * After a question's embedding failed (endpoint down, timeout), questions are searched
 * lexical-only for this long, rather than each waiting for the same failure.
 */
export const VECTOR_PAUSE_MS = 30_000;

/**
 * Share of the vector similarity in the fused score. Measured on ../shared/eval: with the local
 * embedder (a second, coarser lexical signal) 0.2 is best and reciprocal rank fusion at any
 * vector weight lost up to 9 points of Recall@1 against BM25 alone, because it throws away how
 * far ahead the BM25 winner is. A semantic model carries meaning BM25 lacks: half and half.
 */
export function vectorWeightFor(embeddingId: string): number {
  return embeddingId.startsWith('local:') ? 0.2 : 0.5;
}

export interface Candidate {
  doc: number;
  score: number;
  coverage: number;
  similarity: number;
  lexicalRank?: number;
  vectorRank?: number;
}

/**
 * Convex fusion: (1 - w) · BM25 / best BM25 + w · cosine, over the union of both candidate
 * lists. `similarityOf` supplies the cosine of lexical candidates the vector search missed.
 */
export function fuseScores(
  lexical: readonly LexicalHit[],
  vector: readonly VectorHit[],
  vectorWeight: number,
  similarityOf: (doc: number) => number,
): Candidate[] {
  const byDoc = new Map<number, Candidate>();
  vector.forEach((h, i) => {
    byDoc.set(h.label, { doc: h.label, score: 0, coverage: 0, similarity: h.similarity, vectorRank: i + 1 });
  });
  const best = lexical[0]?.score || 1;
  lexical.forEach((h, i) => {
    let c = byDoc.get(h.doc);
    if (!c) {
      c = { doc: h.doc, score: 0, coverage: 0, similarity: similarityOf(h.doc) };
      byDoc.set(h.doc, c);
    }
    c.lexicalRank = i + 1;
    c.coverage = h.coverage;
    c.score = (1 - vectorWeight) * (h.score / best);
  });
  for (const c of byDoc.values()) c.score += vectorWeight * Math.max(0, c.similarity);
  return [...byDoc.values()].sort((a, b) => b.score - a.score || a.doc - b.doc);
}

/**
 * Calibrated on ../shared/eval (questions against their own corpus vs. against the other set's
 * corpus, and the seed questions): with these, the default floor 0.2 passes ~97% of answerable
 * questions (~94% typed without diacritics) and refuses the seed's off-topic questions.
 */
const COVERAGE_SHARE = 0.7;
/** Similarity that unrelated texts reach by sharing common syllables. */
const SIMILARITY_FLOOR = 0.1;

/**
 * How well a passage answers, in [0, 1]: mostly the idf-weighted share of the question's
 * terms it contains (an unrelated question shares only a place name or two), lifted by the
 * vector similarity when the wording differs. Without a similarity (the question could not be
 * embedded), coverage stands for both: a lexical-only search must not refuse what it found.
 */
export function relevanceOf(coverage: number, similarity?: number): number {
  if (similarity === undefined) return Math.min(1, Math.max(0, coverage));
  const sim = Math.min(1, Math.max(0, (similarity - SIMILARITY_FLOOR) / (1 - SIMILARITY_FLOOR)));
  return Math.min(1, Math.max(0, COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * sim));
}

export class HybridSearcher {
  private readonly vectorWeight: number;
  private vectorPausedUntil = 0;

  constructor(
    private readonly chunks: readonly Chunk[],
    private readonly lexical: LexicalIndex,
    private readonly vector: VectorIndex | undefined,
    private readonly embeddings: EmbeddingProvider,
    private readonly logger?: Logger,
  ) {
    this.vectorWeight = vectorWeightFor(embeddings.id);
  }

  async search(query: string, k: number): Promise<SearchHit[]> {
    if (k <= 0 || this.chunks.length === 0 || !query.trim()) return [];
    const depth = Math.max(CANDIDATES, k);
    const lexicalHits = this.lexical.search(query, depth);
    const vector = this.vector;
    const queryVector = vector && (await this.queryVector(query));
    const fused =
      vector && queryVector
        ? fuseScores(lexicalHits, vector.search(queryVector, depth), this.vectorWeight, vector.similarityTo(queryVector))
        : fuseScores(lexicalHits, [], 0, () => 0);
    return fused.slice(0, k).map((c) => ({
      chunk: this.chunks[c.doc],
      score: c.score,
      relevance: relevanceOf(c.coverage, queryVector && c.similarity),
      lexicalRank: c.lexicalRank,
      vectorRank: c.vectorRank,
    }));
  }

  /** The question's vector; undefined (lexical-only search) when the embedder fails or is paused. */
  private async queryVector(query: string): Promise<Float32Array | undefined> {
    if (Date.now() < this.vectorPausedUntil) return undefined;
    try {
      return await this.embeddings.embedQueryVector(query);
    } catch (err) {
      this.vectorPausedUntil = Date.now() + VECTOR_PAUSE_MS;
      this.logger?.warn(
        { err: err instanceof Error ? `${err.name}: ${err.message}` : String(err), pauseSeconds: VECTOR_PAUSE_MS / 1000 },
        'search: question embedding failed; searching lexical-only',
      );
      return undefined;
    }
  }
}
