// BM25 over Vietnamese syllables and syllable bigrams, with two fields: the exact (accented)
// terms as stored, and their accent-folded forms. Only exact postings are stored; a folded
// term's postings are the union of the exact terms that fold to it, merged at query time, so
// folding costs no extra memory and its statistics (df) are still those of a real field.
import { hasDiacritics } from './normalize.js';
import { foldTerm, indexTerms, questionTerms } from './tokenize.js';

const K1 = 1.2;
const B = 0.75;
/** Weight of the folded field when the question carries diacritics (else folded is all there is). */
const FOLD_WEIGHT = 0.35;
/** Share of a term's informativeness credited to a passage that matches it only once folded. */
const FOLD_CREDIT = 0.8;

/** The serializable form: a vocabulary and postings in CSR layout (doc ids ascending per term). */
export interface LexicalData {
  docCount: number;
  terms: string[];
  /** offsets[t]..offsets[t+1] index docs/tfs for term t. */
  offsets: Uint32Array;
  docs: Uint32Array;
  tfs: Uint8Array;
  docLengths: Uint32Array;
}

export interface LexicalHit {
  doc: number;
  score: number;
  /** Idf-weighted share of the question's terms found in the passage, in [0, 1]. */
  coverage: number;
}

const BLOCK_BITS = 20;
const BLOCK = 1 << BLOCK_BITS;

/**
 * An append-only list of numbers in fixed typed-array blocks: postings for 100,000 passages do
 * not fit comfortably in JS arrays, and a doubling typed array would briefly hold two copies.
 */
class BlockList<T extends Uint32Array | Uint8Array> {
  private readonly blocks: T[] = [];
  length = 0;
  constructor(private readonly make: (n: number) => T) {}
  push(v: number): void {
    const offset = this.length & (BLOCK - 1);
    if (offset === 0) this.blocks.push(this.make(BLOCK));
    this.blocks[this.blocks.length - 1][offset] = v;
    this.length++;
  }
  get(i: number): number {
    return this.blocks[i >>> BLOCK_BITS][i & (BLOCK - 1)];
  }
  set(i: number, v: number): void {
    this.blocks[i >>> BLOCK_BITS][i & (BLOCK - 1)] = v;
  }
  toArray(): T {
    const out = this.make(this.length);
    this.blocks.forEach((b, i) => out.set(b.subarray(0, Math.min(BLOCK, this.length - i * BLOCK)), i * BLOCK));
    return out;
  }
}
const u32List = () => new BlockList((n) => new Uint32Array(n));

/** Indices of the k largest scores among candidates, best first. */
function topK(scores: Float64Array, candidates: Uint32Array, count: number, k: number): number[] {
  const heap: number[] = []; // min-heap of doc ids by score
  const less = (a: number, b: number) => scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l], heap[m])) m = l;
      if (r < heap.length && less(heap[r], heap[m])) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  };
  for (let c = 0; c < count; c++) {
    const d = candidates[c];
    if (heap.length < k) {
      heap.push(d);
      for (let i = heap.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!less(heap[i], heap[p])) break;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    } else if (less(heap[0], d)) {
      heap[0] = d;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (less(a, b) ? 1 : -1));
}

/**
 * The postings of `texts` (passage i = doc i), in two passes without per-term JS arrays: pairs
 * (term, tf) are appended doc by doc into typed arrays, then laid out per term.
 */
export function buildLexicalData(texts: Iterable<string>): LexicalData {
  const termIds = new Map<string, number>();
  const terms: string[] = [];
  const df = u32List();
  const pairTerms = u32List();
  const pairTfs = new BlockList((n) => new Uint8Array(n));
  const docLengths = u32List();
  const pairsPerDoc = u32List();
  // The document's term frequencies by term id, and which ids it holds: a Map per document
  // costs more time than the tokenizing.
  let tf = new Uint32Array(1 << 16);
  const held: number[] = [];
  for (const text of texts) {
    const list = indexTerms(text);
    for (const term of list) {
      let id = termIds.get(term);
      if (id === undefined) {
        id = terms.length;
        termIds.set(term, id);
        terms.push(term);
        df.push(0);
        if (id === tf.length) {
          const grown = new Uint32Array(tf.length * 2);
          grown.set(tf);
          tf = grown;
        }
      }
      if (tf[id]++ === 0) held.push(id);
    }
    for (const id of held) {
      pairTerms.push(id);
      pairTfs.push(Math.min(255, tf[id]));
      df.set(id, df.get(id) + 1);
      tf[id] = 0;
    }
    docLengths.push(list.length);
    pairsPerDoc.push(held.length);
    held.length = 0;
  }
  const offsets = new Uint32Array(terms.length + 1);
  for (let t = 0; t < terms.length; t++) offsets[t + 1] = offsets[t] + df.get(t);
  const docs = new Uint32Array(pairTerms.length);
  const tfs = new Uint8Array(pairTerms.length);
  const cursor = offsets.slice(0, terms.length);
  // Pairs were appended doc by doc, so filling in order leaves each term's docs ascending.
  let pair = 0;
  for (let d = 0; d < docLengths.length; d++) {
    const end = pair + pairsPerDoc.get(d);
    for (; pair < end; pair++) {
      const at = cursor[pairTerms.get(pair)]++;
      docs[at] = d;
      tfs[at] = pairTfs.get(pair);
    }
  }
  return {
    docCount: docLengths.length,
    terms,
    offsets,
    docs,
    tfs,
    docLengths: docLengths.toArray(),
  };
}

/** As stored on disk: the vocabulary as UTF-8 text, term t on line t, instead of strings. */
export type PackedLexicalData = Omit<LexicalData, 'terms'> & { termCount: number; termText: Uint8Array };

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The vocabulary and its folded groups in a few typed arrays: at 100,000 passages there are
 * ~650,000 terms, and as JS strings in two Maps (with an array per folded term) they took
 * ~130 MB of heap per loaded index, twice over while a refresh holds the old index and the new.
 * Open addressing (linear probing) keyed by term hash; terms are decoded from the UTF-8 text
 * only to confirm a match.
 */
class TermTable {
  private readonly text: Buffer;
  private readonly starts: Uint32Array;
  private readonly mask: number;
  /** Slot → term id + 1 (0: empty). */
  private readonly exact: Int32Array;
  /** Slot → the first term id of a folded group + 1, and the folded term's hash. */
  private readonly folded: Int32Array;
  private readonly foldedHash: Uint32Array;
  /** Term id → the next term id of its folded group, or -1. */
  private readonly nextInGroup: Int32Array;

  constructor(count: number, text: Uint8Array) {
    this.text = Buffer.from(text.buffer, text.byteOffset, text.byteLength);
    this.starts = new Uint32Array(count + 1);
    let at = 0;
    for (let t = 0; t < count; t++) {
      this.starts[t] = at;
      const end = this.text.indexOf(0x0a, at);
      at = end === -1 ? this.text.length + 1 : end + 1;
    }
    this.starts[count] = at;
    let size = 16;
    while (size < count * 2) size *= 2;
    this.mask = size - 1;
    this.exact = new Int32Array(size);
    this.folded = new Int32Array(size);
    this.foldedHash = new Uint32Array(size);
    this.nextInGroup = new Int32Array(count).fill(-1);
    const groupTail = new Int32Array(count);
    for (let t = 0; t < count; t++) {
      const term = this.term(t);
      let i = hashOf(term) & this.mask;
      while (this.exact[i] !== 0) i = (i + 1) & this.mask;
      this.exact[i] = t + 1;
      const f = foldTerm(term);
      const slot = this.foldedSlot(f);
      const head = this.folded[slot] - 1;
      if (head < 0) {
        this.folded[slot] = t + 1;
        this.foldedHash[slot] = hashOf(f);
        groupTail[t] = t;
      } else {
        // Appended at the tail: a group lists its terms in ascending id order.
        this.nextInGroup[groupTail[head]] = t;
        groupTail[head] = t;
      }
    }
  }

  get size(): number {
    return this.starts.length - 1;
  }

  term(t: number): string {
    return this.text.toString('utf8', this.starts[t], this.starts[t + 1] - 1);
  }

  /** The id of the exact term, if indexed. */
  id(term: string): number | undefined {
    for (let i = hashOf(term) & this.mask; this.exact[i] !== 0; i = (i + 1) & this.mask) {
      if (this.term(this.exact[i] - 1) === term) return this.exact[i] - 1;
    }
    return undefined;
  }

  /** The exact term ids that fold to `folded`, ascending; undefined if none. */
  group(folded: string): number[] | undefined {
    const head = this.folded[this.foldedSlot(folded)] - 1;
    if (head < 0) return undefined;
    const ids: number[] = [];
    for (let t = head; t !== -1; t = this.nextInGroup[t]) ids.push(t);
    return ids;
  }

  /** The slot of the folded group `folded`: its own, or the empty one where it would go. */
  private foldedSlot(folded: string): number {
    const h = hashOf(folded);
    let i = h & this.mask;
    for (; this.folded[i] !== 0; i = (i + 1) & this.mask) {
      if (this.foldedHash[i] === h && foldTerm(this.term(this.folded[i] - 1)) === folded) return i;
    }
    return i;
  }
}

export class LexicalIndex {
  private readonly vocabulary: TermTable;
  private readonly avgLength: number;
  private readonly lengthNorm: Float32Array;
  // Scratch space reused by every query (searches are synchronous, so never shared).
  private readonly scores: Float64Array;
  private readonly coverage: Float64Array;
  private readonly foldTf: Float64Array;
  private readonly touched: Uint32Array;
  private readonly seen: Uint8Array;
  readonly data: PackedLexicalData;

  private constructor(data: LexicalData | PackedLexicalData) {
    if ('terms' in data) {
      const { terms, ...rest } = data;
      data = { ...rest, termCount: terms.length, termText: Buffer.from(terms.join('\n'), 'utf8') };
    }
    this.data = data;
    const n = data.docCount;
    this.vocabulary = new TermTable(data.termCount, data.termText);
    let total = 0;
    for (let d = 0; d < n; d++) total += data.docLengths[d];
    this.avgLength = n ? Math.max(1, total / n) : 1;
    this.lengthNorm = new Float32Array(n);
    for (let d = 0; d < n; d++) this.lengthNorm[d] = K1 * (1 - B + (B * data.docLengths[d]) / this.avgLength);
    this.scores = new Float64Array(n);
    this.coverage = new Float64Array(n);
    this.foldTf = new Float64Array(n);
    this.touched = new Uint32Array(n);
    this.seen = new Uint8Array(n);
  }

  static fromData(data: LexicalData | PackedLexicalData): LexicalIndex {
    return new LexicalIndex(data);
  }

  /** Builds the index of `texts` (passage i = doc i). */
  static build(texts: Iterable<string>): LexicalIndex {
    return new LexicalIndex(buildLexicalData(texts));
  }

  private idf(df: number): number {
    const n = this.data.docCount;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * Adds one field's BM25 contribution of one term (the union of the exact terms `ids`) to
   * every passage holding it, and `creditOf(idf)` to their coverage. Returns the term's idf.
   * The loops are written out by hand: this is where a search spends its time.
   */
  private scoreTerm(ids: readonly number[], weight: number, creditOf: (idf: number) => number, touchedCount: { n: number }): number {
    const { offsets, docs, tfs } = this.data;
    const { scores, coverage, seen, touched, lengthNorm, foldTf } = this;
    let n = touchedCount.n;
    let idf: number;
    if (ids.length === 1) {
      const t = ids[0];
      const from = offsets[t];
      const to = offsets[t + 1];
      idf = this.idf(to - from);
      const credit = creditOf(idf);
      const w = weight * idf * (K1 + 1);
      for (let p = from; p < to; p++) {
        const d = docs[p];
        const tf = tfs[p];
        if (seen[d] === 0) {
          seen[d] = 1;
          touched[n++] = d;
        }
        scores[d] += (w * tf) / (tf + lengthNorm[d]);
        coverage[d] += credit;
      }
    } else {
      // Several exact terms fold to this one: sum their tf per doc, count the union as df.
      const local: number[] = [];
      for (const t of ids) {
        for (let p = offsets[t]; p < offsets[t + 1]; p++) {
          const d = docs[p];
          if (foldTf[d] === 0) local.push(d);
          foldTf[d] += tfs[p];
        }
      }
      idf = this.idf(local.length);
      const credit = creditOf(idf);
      const w = weight * idf * (K1 + 1);
      for (const d of local) {
        const tf = foldTf[d];
        foldTf[d] = 0;
        if (seen[d] === 0) {
          seen[d] = 1;
          touched[n++] = d;
        }
        scores[d] += (w * tf) / (tf + lengthNorm[d]);
        coverage[d] += credit;
      }
    }
    touchedCount.n = n;
    return idf;
  }

  /** The k best passages for `query`, with BM25 score and coverage. */
  search(query: string, k: number): LexicalHit[] {
    const n = this.data.docCount;
    if (n === 0 || k <= 0) return [];
    const { exact, folded, wording } = questionTerms(query);
    const accented = hasDiacritics(query);
    const pairs = new Map<string, string>();
    exact.forEach((e, i) => pairs.set(e, folded[i]));
    // A term's informativeness is its folded idf: ambiguous once folded means less telling.
    const foldedIdf = new Map<string, number>();
    const touchedCount = { n: 0 };
    const foldCredit = accented ? FOLD_CREDIT : 1;
    for (const [e, f] of pairs) {
      let idfF = foldedIdf.get(f);
      if (idfF === undefined) {
        const group = this.vocabulary.group(f);
        // A wording bigram ranks, but neither credits nor counts against a passage's coverage.
        const credit = wording.has(f) ? () => 0 : (idf: number) => idf * foldCredit;
        idfF = group ? this.scoreTerm(group, accented ? FOLD_WEIGHT : 1, credit, touchedCount) : this.idf(0);
        foldedIdf.set(f, idfF);
      }
      if (!accented) continue;
      const id = this.vocabulary.id(e);
      if (id === undefined) continue;
      const rest = wording.has(f) ? 0 : idfF * (1 - FOLD_CREDIT);
      this.scoreTerm([id], 1, () => rest, touchedCount);
    }
    let informativeness = 0;
    for (const [f, idf] of foldedIdf) if (!wording.has(f)) informativeness += idf;
    const hits = topK(this.scores, this.touched, touchedCount.n, k).map((doc) => ({
      doc,
      score: this.scores[doc],
      coverage: informativeness > 0 ? Math.min(1, this.coverage[doc] / informativeness) : 0,
    }));
    for (let i = 0; i < touchedCount.n; i++) {
      const d = this.touched[i];
      this.scores[d] = 0;
      this.coverage[d] = 0;
      this.seen[d] = 0;
    }
    return hits;
  }
}
