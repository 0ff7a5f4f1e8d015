// BM25 over Vietnamese syllables and syllable bigrams, with two fields: the exact (accented)
// terms as stored, and their accent-folded forms. Only exact postings are stored; a folded
// term's postings are the union of the exact terms that fold to it, merged at query time, so
// folding costs no extra memory and its statistics (df) are still those of a real field.
import { hasDiacritics } from './normalize.js';
import { buildTermTable, TermTable, type TermTableData } from './term-table.js';
import { indexTerms, questionTerms } from './tokenize.js';

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

/**
 * As stored on disk: the vocabulary as UTF-8 text (term t on line t) instead of strings, and its
 * lookup table. `table` is absent in index files written before it was stored (built on opening).
 */
export type PackedLexicalData = Omit<LexicalData, 'terms'> & { termCount: number; termText: Uint8Array; table?: TermTableData };

/** The stored form of built postings, with the vocabulary's lookup table (built here, at ingest). */
export function packLexicalData(data: LexicalData): PackedLexicalData & { table: TermTableData } {
  const { terms, ...rest } = data;
  const termText = Buffer.from(terms.join('\n'), 'utf8');
  return { ...rest, termCount: terms.length, termText, table: buildTermTable(termText, terms.length, data, (t) => terms[t]) };
}

/**
 * One field's postings of one question term: the union of the exact terms `ids` (one, or every
 * exact term that folds to the folded form), weighted. A passage with tf occurrences among `docs`
 * of length norm `norm` gets bound · tf / (tf + norm) and `credit` towards its coverage.
 */
interface QueryList {
  ids: readonly number[];
  /** weight · idf · (K1 + 1): more than any passage can get from this list (tf / (tf + norm) < 1). */
  bound: number;
  credit: number;
  /** Postings of the list's terms. */
  postings: number;
}

/** Postings read whole that one candidate's lookup in a list is worth (a few steps of a search). */
const SEEK_COST = 4;

/** The smallest q in (p, to] with docs[q] >= d (or `to`), given docs[p] < d: exponential then binary search. */
function seek(docs: Uint32Array, p: number, to: number, d: number): number {
  let lo = p;
  let step = 1;
  let hi = p + 1;
  while (hi < to && docs[hi] < d) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > to) hi = to;
  while (lo + 1 < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid] < d) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** How much of the postings a search read: for the benchmark and the tests. */
export interface SearchWork {
  /** Postings of lists read whole (every passage holding the term is scored). */
  scanned: number;
  /** Passages looked up in the lists of common terms once pruning started (see search()). */
  probed: number;
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
  private readonly candidates: Uint32Array;
  private readonly listDocs: Uint32Array;
  private readonly seen: Uint8Array;
  readonly data: PackedLexicalData;
  /** What the last search read. */
  readonly lastWork: SearchWork = { scanned: 0, probed: 0 };

  private constructor(data: LexicalData | PackedLexicalData) {
    if ('terms' in data) data = packLexicalData(data);
    // An index file written before the table was stored: built here, once.
    const table = data.table ?? buildTermTable(data.termText, data.termCount, data);
    this.data = { ...data, table };
    const n = data.docCount;
    this.vocabulary = new TermTable(data.termText, table);
    let total = 0;
    for (let d = 0; d < n; d++) total += data.docLengths[d];
    this.avgLength = n ? Math.max(1, total / n) : 1;
    this.lengthNorm = new Float32Array(n);
    for (let d = 0; d < n; d++) this.lengthNorm[d] = K1 * (1 - B + (B * data.docLengths[d]) / this.avgLength);
    this.scores = new Float64Array(n);
    this.coverage = new Float64Array(n);
    this.foldTf = new Float64Array(n);
    this.touched = new Uint32Array(n);
    this.candidates = new Uint32Array(n);
    this.listDocs = new Uint32Array(n);
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

  /** The question's lists, and the idf-weighted total that coverage is a share of. */
  private queryLists(query: string): { lists: QueryList[]; informativeness: number } {
    const { exact, folded, wording } = questionTerms(query);
    const accented = hasDiacritics(query);
    const { offsets } = this.data;
    const pairs = new Map<string, string>();
    exact.forEach((e, i) => pairs.set(e, folded[i]));
    const lists: QueryList[] = [];
    // A term's informativeness is its folded idf: ambiguous once folded means less telling.
    const foldedIdf = new Map<string, number>();
    const foldCredit = accented ? FOLD_CREDIT : 1;
    for (const [e, f] of pairs) {
      let idfF = foldedIdf.get(f);
      if (idfF === undefined) {
        const group = this.vocabulary.group(f);
        idfF = this.idf(group?.df ?? 0);
        foldedIdf.set(f, idfF);
        // A wording bigram ranks, but neither credits nor counts against a passage's coverage.
        const weight = accented ? FOLD_WEIGHT : 1;
        if (group) {
          const postings = group.ids.reduce((sum, t) => sum + offsets[t + 1] - offsets[t], 0);
          lists.push({ ids: group.ids, bound: weight * idfF * (K1 + 1), credit: wording.has(f) ? 0 : idfF * foldCredit, postings });
        }
      }
      if (!accented) continue;
      const id = this.vocabulary.id(e);
      if (id === undefined) continue;
      const df = offsets[id + 1] - offsets[id];
      lists.push({ ids: [id], bound: this.idf(df) * (K1 + 1), credit: wording.has(f) ? 0 : idfF * (1 - FOLD_CREDIT), postings: df });
    }
    let informativeness = 0;
    for (const [f, idf] of foldedIdf) if (!wording.has(f)) informativeness += idf;
    return { lists, informativeness };
  }

  /**
   * The k best passages for `query`, with BM25 score and coverage: the same as scoring every
   * posting of every question term, without reading most postings of common terms.
   *
   * Term at a time with MaxScore pruning: the lists are read rarest first (highest bound first),
   * every passage they hold becoming a candidate. Once k candidates score more than all the lists
   * left could give a passage not yet seen, no new passage can reach the top k: the remaining
   * (common) lists only complete the scores of the candidates, each looked up in the postings by
   * exponential search instead of reading them whole, and a candidate that cannot reach the k-th
   * score even with everything left is dropped. The top k, their scores and coverage are those of
   * exhaustive scoring (`exhaustive: true`, for the tests); what a search read is in `lastWork`.
   * A question made only of common terms still reads their lists whole.
   */
  search(query: string, k: number, options: { exhaustive?: boolean } = {}): LexicalHit[] {
    const n = this.data.docCount;
    this.lastWork.scanned = 0;
    this.lastWork.probed = 0;
    if (n === 0 || k <= 0) return [];
    const { lists, informativeness } = this.queryLists(query);
    // Stable: lists of equal bound keep the question's order, so scores add up in a fixed order.
    lists.sort((a, b) => b.bound - a.bound);
    // What the lists from i on could still add to a passage, and what reading them whole costs.
    const left = new Float64Array(lists.length + 1);
    const postingsLeft = new Float64Array(lists.length + 1);
    const membersLeft = new Float64Array(lists.length + 1);
    for (let i = lists.length - 1; i >= 0; i--) {
      left[i] = left[i + 1] + lists[i].bound;
      postingsLeft[i] = postingsLeft[i + 1] + lists[i].postings;
      membersLeft[i] = membersLeft[i + 1] + lists[i].ids.length;
    }

    let touched = 0;
    let i = 0;
    let candidates: Uint32Array | undefined;
    // Postings read since the k-th score was last looked for.
    let unchecked = 0;
    while (i < lists.length && !candidates) {
      unchecked += lists[i].postings;
      touched = this.scoreAll(lists[i++], touched);
      if (options.exhaustive || touched < k) continue;
      // Finding the k-th score costs a pass over the passages touched. It is looked for only when
      // it could pass what is left (it is at most what the lists read so far give), when reading
      // the rest would cost more than the pass, and after reading at least as much as the pass
      // costs since the last look: looking at most doubles the work of a search that cannot prune.
      if (left[0] - left[i] <= left[i] || postingsLeft[i] < 2 * touched || unchecked < touched) continue;
      unchecked = 0;
      const kth = this.scores[topK(this.scores, this.touched, touched, k).at(-1)!];
      // Each contribution is below its list's bound by far more than rounding, so `<` is safe.
      if (left[i] >= kth) continue;
      const kept = this.keep(this.touched.subarray(0, touched), left[i], kth, this.candidates);
      // Looking each candidate up in every list left must cost less than reading them whole.
      if (kept.length * membersLeft[i] * SEEK_COST < postingsLeft[i]) candidates = kept.sort();
    }
    if (candidates) {
      for (; i < lists.length; i++) {
        this.scoreCandidates(lists[i], candidates);
        const kth = this.scores[topK(this.scores, candidates, candidates.length, k).at(-1)!];
        candidates = this.keep(candidates, left[i + 1], kth, candidates);
      }
    } else candidates = this.touched.subarray(0, touched);
    const hits = topK(this.scores, candidates, candidates.length, k).map((doc) => ({
      doc,
      score: this.scores[doc],
      coverage: informativeness > 0 ? Math.min(1, this.coverage[doc] / informativeness) : 0,
    }));
    for (let t = 0; t < touched; t++) {
      const d = this.touched[t];
      this.scores[d] = 0;
      this.coverage[d] = 0;
      this.seen[d] = 0;
    }
    return hits;
  }

  /** The docs that can still reach `kth` with at most `left` more, in order, written into `into`. */
  private keep(docs: Uint32Array, left: number, kth: number, into: Uint32Array): Uint32Array {
    let m = 0;
    for (let c = 0; c < docs.length; c++) {
      const d = docs[c];
      if (this.scores[d] + left >= kth) into[m++] = d;
    }
    return into.subarray(0, m);
  }

  /**
   * Adds the list's contribution to every passage holding it; new ones join `touched`. Returns the
   * new count of touched passages. The loops are written out by hand: this is where a search
   * spends its time.
   */
  private scoreAll(list: QueryList, touchedCount: number): number {
    const { offsets, docs, tfs } = this.data;
    const { scores, coverage, seen, touched, lengthNorm, foldTf, listDocs } = this;
    const { bound, credit, ids } = list;
    let n = touchedCount;
    if (ids.length === 1) {
      const from = offsets[ids[0]];
      const to = offsets[ids[0] + 1];
      this.lastWork.scanned += to - from;
      for (let p = from; p < to; p++) {
        const d = docs[p];
        const tf = tfs[p];
        if (seen[d] === 0) {
          seen[d] = 1;
          touched[n++] = d;
        }
        scores[d] += (bound * tf) / (tf + lengthNorm[d]);
        coverage[d] += credit;
      }
      return n;
    }
    // Several exact terms fold to this one: their tf summed per passage.
    let m = 0;
    for (const t of ids) {
      this.lastWork.scanned += offsets[t + 1] - offsets[t];
      for (let p = offsets[t]; p < offsets[t + 1]; p++) {
        const d = docs[p];
        if (foldTf[d] === 0) listDocs[m++] = d;
        foldTf[d] += tfs[p];
      }
    }
    for (let j = 0; j < m; j++) {
      const d = listDocs[j];
      const tf = foldTf[d];
      foldTf[d] = 0;
      if (seen[d] === 0) {
        seen[d] = 1;
        touched[n++] = d;
      }
      scores[d] += (bound * tf) / (tf + lengthNorm[d]);
      coverage[d] += credit;
    }
    return n;
  }

  /** Adds the list's contribution to the candidates only (ascending doc ids), seeking each in the postings. */
  private scoreCandidates(list: QueryList, candidates: Uint32Array): void {
    const { offsets, docs, tfs } = this.data;
    const { scores, coverage, lengthNorm, foldTf } = this;
    for (const t of list.ids) {
      const to = offsets[t + 1];
      let p = offsets[t];
      // Seeking pays when candidates are far apart in the list; when they are not, stepping does.
      const sparse = candidates.length * 8 < to - p;
      for (let c = 0; c < candidates.length && p < to; c++) {
        const d = candidates[c];
        if (docs[p] < d) {
          if (sparse) p = seek(docs, p, to, d);
          else while (++p < to && docs[p] < d);
        }
        if (p < to && docs[p] === d) foldTf[d] += tfs[p++];
      }
    }
    this.lastWork.probed += candidates.length * list.ids.length;
    const { bound, credit } = list;
    for (let c = 0; c < candidates.length; c++) {
      const d = candidates[c];
      const tf = foldTf[d];
      if (tf === 0) continue;
      foldTf[d] = 0;
      scores[d] += (bound * tf) / (tf + lengthNorm[d]);
      coverage[d] += credit;
    }
  }
}
