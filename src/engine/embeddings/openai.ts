// Embeddings from any OpenAI-compatible /embeddings endpoint (OpenAI, Azure-style gateways,
// Ollama, vLLM, LM Studio...). The openai client retries 408/409/429/5xx with exponential
// backoff and enforces the timeout; here we batch and check the dimension.
import { Embeddings } from '@langchain/core/embeddings';
import OpenAI from 'openai';
import { engineTexts } from '../../texts/engine.js';
import type { EmbeddingProvider } from './index.js';

export interface OpenAIEmbeddingOptions {
  model: string;
  dimensions: number;
  apiKey?: string;
  baseURL?: string;
  timeoutMs: number;
  /** Inputs per request. */
  batchSize?: number;
  maxRetries?: number;
}

export class EmbeddingDimensionError extends Error {}

export class OpenAIEmbeddingProvider extends Embeddings implements EmbeddingProvider {
  readonly id: string;
  readonly dimensions: number;
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly batchSize: number;

  constructor(options: OpenAIEmbeddingOptions) {
    super({});
    this.id = `openai:${options.model}`;
    this.model = options.model;
    this.dimensions = options.dimensions;
    this.batchSize = options.batchSize ?? 64;
    this.client = new OpenAI({
      // Self-hosted compatible servers often need no key; the client insists on one.
      apiKey: options.apiKey ?? 'not-needed',
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries ?? 4,
    });
  }

  async embedVectors(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) {
      const batch = texts.slice(i, i + this.batchSize);
      const res = await this.client.embeddings.create({
        model: this.model,
        input: batch,
        dimensions: this.dimensions,
        encoding_format: 'float',
      });
      const ordered = [...res.data].sort((a, b) => a.index - b.index);
      if (ordered.length !== batch.length) {
        throw new Error(engineTexts.embeddingCountMismatch(ordered.length, batch.length));
      }
      for (const item of ordered) {
        if (item.embedding.length !== this.dimensions) {
          throw new EmbeddingDimensionError(engineTexts.embeddingDimensionMismatch(this.model, item.embedding.length, this.dimensions));
        }
        out.push(Float32Array.from(item.embedding));
      }
    }
    return out;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return (await this.embedVectors(texts)).map((v) => Array.from(v));
  }

  async embedQuery(text: string): Promise<number[]> {
    return Array.from((await this.embedVectors([text]))[0]);
  }
}
