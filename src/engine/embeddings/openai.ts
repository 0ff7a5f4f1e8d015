// Embeddings from any OpenAI-compatible /embeddings endpoint (OpenAI, Azure-style gateways,
// Ollama, vLLM, LM Studio...). Documents: batched, retried with backoff by the openai client,
// under the configured timeout. Questions: one try under a short timeout, since the search
// falls back to lexical-only rather than keep a resident waiting on a dead endpoint.
import { Embeddings } from '@langchain/core/embeddings';
import OpenAI from 'openai';
import { engineTexts } from '../../texts/engine.js';
import type { EmbeddingProvider } from './provider.js';

export interface OpenAIEmbeddingOptions {
  model: string;
  /** Asked of models that take a `dimensions` parameter; other models choose their own. */
  dimensions: number;
  apiKey?: string;
  baseURL?: string;
  timeoutMs: number;
  /** For question embeddings; default min(timeoutMs, 5 s). */
  queryTimeoutMs?: number;
  /** Inputs per request. */
  batchSize?: number;
  maxRetries?: number;
}

/** Most a question waits for its embedding by default. */
const QUERY_TIMEOUT_MS = 5000;

/**
 * Models known to accept `dimensions` (OpenAI's text-embedding-3-*, also behind gateways that
 * prefix the provider). Many compatible servers reject the parameter, or ignore it.
 */
const TAKES_DIMENSIONS = /(^|\/)text-embedding-3-/;

export class EmbeddingDimensionError extends Error {}

export class OpenAIEmbeddingProvider extends Embeddings implements EmbeddingProvider {
  readonly id: string;
  private known: number | undefined;
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly sendsDimensions: boolean;
  private readonly batchSize: number;
  private readonly queryTimeoutMs: number;

  constructor(options: OpenAIEmbeddingOptions) {
    super({});
    this.id = `openai:${options.model}`;
    this.model = options.model;
    this.sendsDimensions = TAKES_DIMENSIONS.test(options.model);
    this.known = this.sendsDimensions ? options.dimensions : undefined;
    this.batchSize = options.batchSize ?? 64;
    this.queryTimeoutMs = options.queryTimeoutMs ?? Math.min(options.timeoutMs, QUERY_TIMEOUT_MS);
    this.client = new OpenAI({
      // Self-hosted compatible servers often need no key; the client insists on one.
      apiKey: options.apiKey ?? 'not-needed',
      baseURL: options.baseURL,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries ?? 4,
    });
  }

  get dimensions(): number | undefined {
    return this.known;
  }

  async resolveDimensions(built?: { id: string; dimensions: number }): Promise<number> {
    if (this.known === undefined && built?.id === this.id) this.known = built.dimensions;
    if (this.known === undefined) await this.embedVectors(['?']);
    return this.known!;
  }

  async embedVectors(texts: string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += this.batchSize) out.push(...(await this.request(texts.slice(i, i + this.batchSize))));
    return out;
  }

  async embedQueryVector(text: string): Promise<Float32Array> {
    return (await this.request([text], { timeout: this.queryTimeoutMs, maxRetries: 0 }))[0];
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return (await this.embedVectors(texts)).map((v) => Array.from(v));
  }

  async embedQuery(text: string): Promise<number[]> {
    return Array.from(await this.embedQueryVector(text));
  }

  private async request(batch: string[], options?: { timeout: number; maxRetries: number }): Promise<Float32Array[]> {
    const res = await this.client.embeddings.create(
      {
        model: this.model,
        input: batch,
        ...(this.sendsDimensions && { dimensions: this.known }),
        encoding_format: 'float',
      },
      options,
    );
    const ordered = [...res.data].sort((a, b) => a.index - b.index);
    if (ordered.length !== batch.length) throw new Error(engineTexts.embeddingCountMismatch(ordered.length, batch.length));
    // A model that chooses its own length: the first vector seen sets it.
    this.known ??= ordered[0]?.embedding.length;
    return ordered.map((item) => {
      if (item.embedding.length !== this.known) {
        throw new EmbeddingDimensionError(
          this.sendsDimensions
            ? engineTexts.embeddingDimensionMismatch(this.model, item.embedding.length, this.known!)
            : engineTexts.embeddingDimensionChanged(this.model, item.embedding.length, this.known!),
        );
      }
      return Float32Array.from(item.embedding);
    });
  }
}
