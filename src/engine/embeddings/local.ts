// The default embedder: no network, no model files, deterministic. Feature hashing of folded
// syllables, syllable bigrams and character n-grams, so a question typed without diacritics
// lands next to the accented passage, and near-miss spellings still share n-grams.
import { Embeddings } from '@langchain/core/embeddings';
import { foldedTerms } from '../tokenize.js';
import type { EmbeddingProvider } from './provider.js';

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

const featureCache = new Map<string, number[]>();
/** Hashes of a syllable and of its character trigrams (with word boundaries), cached per syllable. */
function syllableFeatures(term: string): number[] {
  let features = featureCache.get(term);
  if (!features) {
    const padded = `#${term}#`;
    features = [hash(term)];
    for (let i = 0; i + 3 <= padded.length; i++) features.push(hash(padded.slice(i, i + 3)));
    if (featureCache.size < 200_000) featureCache.set(term, features);
  }
  return features;
}

export class LocalEmbeddings extends Embeddings implements EmbeddingProvider {
  // v2: i/y spellings and resident synonyms in the terms it hashes.
  readonly id = 'local:v2';

  constructor(readonly dimensions: number) {
    super({});
  }

  /** One L2-normalized vector. */
  vector(text: string): Float32Array {
    const counts = new Map<number, number>();
    for (const term of foldedTerms(text)) {
      if (term.includes(' ')) {
        const h = hash(term);
        counts.set(h, (counts.get(h) ?? 0) + TERM_WEIGHT);
        continue;
      }
      const [h, ...ngrams] = syllableFeatures(term);
      counts.set(h, (counts.get(h) ?? 0) + TERM_WEIGHT);
      for (const g of ngrams) counts.set(g, (counts.get(g) ?? 0) + NGRAM_WEIGHT);
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

  async resolveDimensions(): Promise<number> {
    return this.dimensions;
  }

  async embedVectors(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.vector(t));
  }

  async embedQueryVector(text: string): Promise<Float32Array> {
    return this.vector(text);
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => Array.from(this.vector(t)));
  }

  async embedQuery(text: string): Promise<number[]> {
    return Array.from(this.vector(text));
  }
}
