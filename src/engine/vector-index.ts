// Approximate nearest neighbours by cosine similarity (hnswlib). Labels are chunk positions.
import hnswlib from 'hnswlib-node';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

/**
 * Graph parameters, measured on synthetic 30,000–100,000-chunk corpora (scripts/bench.ts).
 * Hashed bag-of-words vectors are a hard case for any ANN graph (similarities of unrelated texts
 * crowd just under those of related ones): even M=16/efConstruction=100 finds only half of the
 * exact top 10, at a build cost that alone would break the ingest budget (≥1,000 chunks/s).
 * So the graph is kept cheap; the exact cosine of every lexical candidate is computed from the
 * stored vector anyway (similarity()), and with a semantic embedder (OpenAI-compatible), whose
 * vectors are easy for HNSW, these settings still give good recall.
 */
export const HNSW_M = 8;
export const HNSW_EF_CONSTRUCTION = 40;
const SEARCH_EF = 64;
const RANDOM_SEED = 42;

export interface VectorHit {
  label: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

export function l2normalize(v: ArrayLike<number>): number[] {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
  norm = Math.sqrt(norm) || 1;
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] / norm;
  return out;
}

export class VectorIndex {
  private constructor(
    private readonly hnsw: Hnsw,
    readonly dimensions: number,
  ) {
    hnsw.setEf(SEARCH_EF);
  }

  static build(vectors: readonly Float32Array[], dimensions: number): VectorIndex {
    const hnsw = new HierarchicalNSW('cosine', dimensions);
    hnsw.initIndex({ maxElements: Math.max(1, vectors.length), m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION, randomSeed: RANDOM_SEED });
    // One array refilled for every point: hnswlib takes a plain array and copies it (normalizing,
    // as the space is cosine), and 100,000 fresh arrays would be garbage of the size of the index.
    const point = new Array<number>(dimensions);
    vectors.forEach((v, i) => {
      if (v.length !== dimensions) throw new Error(`vector ${i} has ${v.length} dimensions, expected ${dimensions}`);
      for (let d = 0; d < dimensions; d++) point[d] = v[d];
      hnsw.addPoint(point, i);
    });
    return new VectorIndex(hnsw, dimensions);
  }

  static async read(file: string, dimensions: number): Promise<VectorIndex> {
    const hnsw = new HierarchicalNSW('cosine', dimensions);
    await hnsw.readIndex(file);
    return new VectorIndex(hnsw, dimensions);
  }

  async write(file: string): Promise<void> {
    await this.hnsw.writeIndex(file);
  }

  /**
   * Releases the graph now rather than whenever the garbage collector gets to this object (V8
   * does not see the native memory, ~120 MB at 100,000 chunks): hnswlib-node has no free, but
   * initializing again deletes the graph. The index is empty afterwards.
   */
  free(): void {
    this.hnsw.initIndex({ maxElements: 1, m: HNSW_M, efConstruction: HNSW_EF_CONSTRUCTION, randomSeed: RANDOM_SEED });
  }

  get size(): number {
    return this.hnsw.getCurrentCount();
  }

  search(query: ArrayLike<number>, k: number): VectorHit[] {
    const n = Math.min(k, this.size);
    if (n === 0) return [];
    const q = l2normalize(query);
    if (n > SEARCH_EF) this.hnsw.setEf(n);
    const { neighbors, distances } = this.hnsw.searchKnn(q, n);
    if (n > SEARCH_EF) this.hnsw.setEf(SEARCH_EF);
    return neighbors.map((label, i) => ({ label, similarity: 1 - distances[i] }));
  }

  /**
   * Cosine similarity of `query` with stored vectors by label (for lexical-only hits): the query
   * is normalized once for all of them.
   */
  similarityTo(query: ArrayLike<number>): (label: number) => number {
    const q = l2normalize(query);
    return (label) => {
      const v = this.hnsw.getPoint(label);
      let dot = 0;
      let norm = 0;
      for (let i = 0; i < v.length; i++) {
        dot += q[i] * v[i];
        norm += v[i] * v[i];
      }
      return norm > 0 ? dot / Math.sqrt(norm) : 0;
    };
  }
}
