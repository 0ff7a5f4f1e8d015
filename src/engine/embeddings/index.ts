// Which embedder the engine uses, chosen by configuration. Both produce vectors of a fixed
// dimension under a stable id; the index records that id and dimension and refuses to mix.
import type { Embeddings } from '@langchain/core/embeddings';
import type { Config } from '../../config.js';
import { LocalEmbeddings } from './local.js';
import { OpenAIEmbeddingProvider } from './openai.js';

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

export function createEmbeddings(config: Config): EmbeddingProvider {
  const env = config.env;
  if (env.EMBEDDING_PROVIDER === 'openai') {
    return new OpenAIEmbeddingProvider({
      model: env.EMBEDDING_MODEL,
      dimensions: env.EMBEDDING_DIMENSIONS,
      apiKey: env.OPENAI_API_KEY,
      baseURL: env.OPENAI_BASE_URL,
      timeoutMs: env.LLM_TIMEOUT_MS,
    });
  }
  return new LocalEmbeddings(env.EMBEDDING_DIMENSIONS);
}

export { LocalEmbeddings, OpenAIEmbeddingProvider };
