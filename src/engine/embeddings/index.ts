// Which embedder the engine uses, chosen by configuration. Both produce vectors of a fixed
// dimension under a stable id; the index records that id and dimension and refuses to mix.
import type { EngineConfig } from '../../config.js';
import { LocalEmbeddings } from './local.js';
import { OpenAIEmbeddingProvider } from './openai.js';
import type { EmbeddingProvider } from './provider.js';

export type { EmbeddingProvider } from './provider.js';

export function createEmbeddings(config: EngineConfig): EmbeddingProvider {
  const { embedding, llm } = config;
  if (embedding.provider === 'openai') {
    return new OpenAIEmbeddingProvider({
      model: embedding.model,
      dimensions: embedding.dimensions,
      apiKey: llm.apiKey,
      baseURL: llm.baseUrl,
      timeoutMs: config.llmTimeoutMs,
    });
  }
  return new LocalEmbeddings(embedding.dimensions);
}

export { LocalEmbeddings, OpenAIEmbeddingProvider };
