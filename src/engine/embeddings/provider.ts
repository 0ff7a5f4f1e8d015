// What every embedder offers the index and the search (its own module, so the embedders and the
// factory choosing between them do not import each other).
import type { Embeddings } from '@langchain/core/embeddings';

export interface EmbeddingProvider extends Embeddings {
  /** e.g. "local:v1" or "openai:text-embedding-3-small". */
  readonly id: string;
  /** The vectors' length; undefined until known for a model that chooses it itself. */
  readonly dimensions: number | undefined;
  /**
   * The vectors' length. For a model that chooses it: the one recorded by an index this same
   * embedder built (`built`), else asked of the server once.
   */
  resolveDimensions(built?: { id: string; dimensions: number }): Promise<number>;
  /** Same as embedDocuments, as Float32Array: what the index stores, at a quarter of the memory. */
  embedVectors(texts: string[]): Promise<Float32Array[]>;
  /** One question's vector. A resident is waiting: a remote embedder gives up quickly. */
  embedQueryVector(text: string): Promise<Float32Array>;
}
