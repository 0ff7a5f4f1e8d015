// Hybrid retrieval: BM25 (exact + folded Vietnamese terms) and dense vectors, fused by
// weighted reciprocal rank; plus the absolute relevance the answering side compares with the
// relevance floor (ranks say which passage is best, not whether any passage is good enough).
import type { Chunk, SearchHit } from './types.js';
import type { EmbeddingProvider } from './embeddings/index.js';
import type { LexicalHit, LexicalIndex } from './lexical-index.js';
import type { VectorHit, VectorIndex } from './vector-index.js';

/** RRF's k: damps the difference between rank 1 and rank 2 of one list. */
export const RRF_K = 60;
/** The local embedder is a coarser lexical signal than BM25: it breaks ties and rescues misses. */
export const LEXICAL_WEIGHT = 1;
export const VECTOR_WEIGHT = 0.5;
/** Candidates taken from each list before fusing. */
const CANDIDATES = 50;

export interface Candidate {
  doc: number;
  score: number;
  coverage: number;
  similarity?: number;
  lexicalRank?: number;
  vectorRank?: number;
}

/** Weighted reciprocal rank fusion of the two lists (ranks are 1-based), best first. */
export function fuseRankings(
  lexical: readonly LexicalHit[],
  vector: readonly VectorHit[],
  weights = { lexical: LEXICAL_WEIGHT, vector: VECTOR_WEIGHT },
): Candidate[] {
  const byDoc = new Map<number, Candidate>();
  const get = (doc: number) => {
    let c = byDoc.get(doc);
    if (!c) {
      c = { doc, score: 0, coverage: 0 };
      byDoc.set(doc, c);
    }
    return c;
  };
  lexical.forEach((h, i) => {
    const c = get(h.doc);
    c.lexicalRank = i + 1;
    c.coverage = h.coverage;
    c.score += weights.lexical / (RRF_K + i + 1);
  });
  vector.forEach((h, i) => {
    const c = get(h.label);
    c.vectorRank = i + 1;
    c.similarity = h.similarity;
    c.score += weights.vector / (RRF_K + i + 1);
  });
  return [...byDoc.values()].sort((a, b) => b.score - a.score || a.doc - b.doc);
}

/**
 * How well a passage answers, in [0, 1]: mostly the idf-weighted share of the question's
 * terms it contains (an unrelated question shares only a place name or two), lifted by the
 * vector similarity when the wording differs.
 */
export function relevanceOf(coverage: number, similarity: number): number {
  const sim = Math.min(1, Math.max(0, (similarity - SIMILARITY_FLOOR) / (1 - SIMILARITY_FLOOR)));
  return Math.min(1, Math.max(0, COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * sim));
}
const COVERAGE_SHARE = 0.7;
/** Similarity that unrelated texts reach by sharing common syllables. */
const SIMILARITY_FLOOR = 0.1;

export class HybridSearcher {
  constructor(
    private readonly chunks: readonly Chunk[],
    private readonly lexical: LexicalIndex,
    private readonly vector: VectorIndex | undefined,
    private readonly embeddings: EmbeddingProvider,
  ) {}

  async search(query: string, k: number): Promise<SearchHit[]> {
    if (k <= 0 || this.chunks.length === 0 || !query.trim()) return [];
    const depth = Math.max(CANDIDATES, k);
    const lexicalHits = this.lexical.search(query, depth);
    let queryVector: Float32Array | undefined;
    let vectorHits: VectorHit[] = [];
    if (this.vector) {
      queryVector = (await this.embeddings.embedVectors([query]))[0];
      vectorHits = this.vector.search(queryVector, depth);
    }
    return fuseRankings(lexicalHits, vectorHits)
      .slice(0, k)
      .map((c) => {
        const similarity =
          c.similarity ?? (queryVector && this.vector ? this.vector.similarity(queryVector, c.doc) : 0);
        return {
          chunk: this.chunks[c.doc],
          score: c.score,
          relevance: relevanceOf(c.coverage, similarity),
          lexicalRank: c.lexicalRank,
          vectorRank: c.vectorRank,
        };
      });
  }
}
