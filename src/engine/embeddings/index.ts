// Which embedder the engine uses, chosen by configuration. Both produce vectors of a fixed
// dimension under a stable id; the index records that id and refuses to mix.
import type { Embeddings } from '@langchain/core/embeddings';
import type { Config } from '../../config.js';
import { LocalEmbeddings } from './local.js';
import { OpenAIEmbeddingProvider } from './openai.js';

export interface EmbeddingProvider extends Embeddings {
  /** e.g. "local:v1" or "openai:text-embedding-3-small". */
  readonly id: string;
  readonly dimensions: number;
  /** Same as embedDocuments, as Float32Array: what the index stores, at a quarter of the memory. */
  embedVectors(texts: string[]): Promise<Float32Array[]>;
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
