// The default embedder: no network, no model files, deterministic. Feature hashing of folded
// syllables, syllable bigrams and character n-grams, so a question typed without diacritics
// lands next to the accented passage, and near-miss spellings still share n-grams.
import { Embeddings } from '@langchain/core/embeddings';
import { lexicalTerms } from '../tokenize.js';
import type { EmbeddingProvider } from './index.js';

// Character n-grams are many and each carries little: they refine, the terms lead.
const TERM_WEIGHT = 1;
const NGRAM_WEIGHT = 0.35;

/** FNV-1a, 32 bits: stable across runs and platforms, which the stored index depends on. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class LocalEmbeddings extends Embeddings implements EmbeddingProvider {
  readonly id = 'local:v1';

  constructor(readonly dimensions: number) {
    super({});
  }

  /** One L2-normalized vector. */
  vector(text: string): Float32Array {
    const counts = new Map<number, number>();
    const add = (feature: string, weight: number) => {
      const h = hash(feature);
      counts.set(h, (counts.get(h) ?? 0) + weight);
    };
    for (const term of lexicalTerms(text).folded) {
      add(term, TERM_WEIGHT);
      if (term.includes(' ')) continue;
      const padded = `#${term}#`;
      for (let i = 0; i + 3 <= padded.length; i++) add(padded.slice(i, i + 3), NGRAM_WEIGHT);
    }
    const v = new Float32Array(this.dimensions);
    for (const [h, weight] of counts) {
      // Sublinear tf: a word repeated ten times is not ten times the topic.
      const w = Math.log1p(weight);
      v[h % this.dimensions] += h & 0x80000000 ? -w : w;
    }
    let norm = 0;
    for (let i = 0; i < v.length; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
    return v;
  }

  async embedVectors(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.vector(t));
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => Array.from(this.vector(t)));
  }

  async embedQuery(text: string): Promise<number[]> {
    return Array.from(this.vector(text));
  }
}
