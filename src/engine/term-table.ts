// The lexical index's vocabulary and its accent-folded groups as a few typed arrays, built once at
// ingest (in the ingest worker) and stored with the postings. Before, it was built when an index
// was opened: at 100,000 passages (~650,000 terms, each decoded and folded) that held the thread
// answering questions for 1 to 8 s during every refresh. Now opening is reading the arrays.
// Open addressing (linear probing) keyed by term hash; a term is decoded from the UTF-8 text only
// to confirm a match. As JS strings in two Maps (with an array per folded term) the vocabulary took
// ~130 MB of heap per loaded index, twice over while a refresh holds the old index and the new.
import { foldTerm } from './tokenize.js';

/** The arrays of a TermTable, as stored in the index's lexical file. */
export interface TermTableData {
  /** Byte offset of term t in the vocabulary text (term t on line t); termCount + 1 entries. */
  starts: Uint32Array;
  /** Slot → term id + 1 (0: empty); the table's size is a power of two. */
  exact: Int32Array;
  /** Slot → the first term id of a folded group + 1, and the folded term's hash. */
  folded: Int32Array;
  foldedHash: Uint32Array;
  /** Term id → the next term id of its folded group (ascending), or -1. */
  nextInGroup: Int32Array;
  /** First term id of a group → passages holding any term of the group (its document frequency). */
  groupDf: Uint32Array;
}

/** The postings a TermTable needs to count its groups' passages (CSR, doc ids ascending per term). */
export interface PostingLists {
  docCount: number;
  offsets: Uint32Array;
  docs: Uint32Array;
}

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function lineStarts(text: Uint8Array, count: number): Uint32Array {
  const buf = Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  const starts = new Uint32Array(count + 1);
  let at = 0;
  for (let t = 0; t < count; t++) {
    starts[t] = at;
    const end = buf.indexOf(0x0a, at);
    at = end === -1 ? buf.length + 1 : end + 1;
  }
  starts[count] = at;
  return starts;
}

/**
 * Builds the table of the vocabulary `text` (`count` terms, one per line). `termAt` gives term t
 * as a string (the ingest has them; decoding the text is the fallback for older index files).
 */
export function buildTermTable(text: Uint8Array, count: number, postings: PostingLists, termAt?: (t: number) => string): TermTableData {
  const starts = lineStarts(text, count);
  const buf = Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  const term = termAt ?? ((t: number) => buf.toString('utf8', starts[t], starts[t + 1] - 1));
  let size = 16;
  while (size < count * 2) size *= 2;
  const mask = size - 1;
  const exact = new Int32Array(size);
  const folded = new Int32Array(size);
  const foldedHash = new Uint32Array(size);
  const nextInGroup = new Int32Array(count).fill(-1);
  const groupTail = new Int32Array(count);
  // Folded form → its slot while building; lookups later go through the arrays alone.
  const slotOf = new Map<string, number>();
  for (let t = 0; t < count; t++) {
    const s = term(t);
    let i = hashOf(s) & mask;
    while (exact[i] !== 0) i = (i + 1) & mask;
    exact[i] = t + 1;
    const f = foldTerm(s);
    const slot = slotOf.get(f);
    if (slot === undefined) {
      const h = hashOf(f);
      let j = h & mask;
      while (folded[j] !== 0) j = (j + 1) & mask;
      folded[j] = t + 1;
      foldedHash[j] = h;
      slotOf.set(f, j);
      groupTail[t] = t;
    } else {
      // Appended at the tail: a group lists its terms in ascending id order.
      const head = folded[slot] - 1;
      nextInGroup[groupTail[head]] = t;
      groupTail[head] = t;
    }
  }
  return { starts, exact, folded, foldedHash, nextInGroup, groupDf: groupFrequencies(folded, nextInGroup, count, postings) };
}

/** Passages holding any term of each folded group, stored at the group's first term. */
function groupFrequencies(
  folded: Int32Array,
  nextInGroup: Int32Array,
  count: number,
  { docCount, offsets, docs }: PostingLists,
): Uint32Array {
  const groupDf = new Uint32Array(count);
  // stamp[d] = the group (+1) that last counted passage d: no clearing between groups.
  const stamp = new Int32Array(docCount);
  for (const slot of folded) {
    const head = slot - 1;
    if (head < 0) continue;
    if (nextInGroup[head] === -1) {
      groupDf[head] = offsets[head + 1] - offsets[head];
      continue;
    }
    let n = 0;
    for (let t = head; t !== -1; t = nextInGroup[t]) {
      for (let p = offsets[t]; p < offsets[t + 1]; p++) {
        if (stamp[docs[p]] !== head + 1) {
          stamp[docs[p]] = head + 1;
          n++;
        }
      }
    }
    groupDf[head] = n;
  }
  return groupDf;
}

/** A folded group: the exact term ids that fold to one form (ascending) and their union's df. */
export interface TermGroup {
  ids: number[];
  df: number;
}

export class TermTable {
  private readonly text: Buffer;
  private readonly mask: number;

  constructor(
    text: Uint8Array,
    private readonly data: TermTableData,
  ) {
    this.text = Buffer.from(text.buffer, text.byteOffset, text.byteLength);
    this.mask = data.exact.length - 1;
  }

  get size(): number {
    return this.data.starts.length - 1;
  }

  term(t: number): string {
    return this.text.toString('utf8', this.data.starts[t], this.data.starts[t + 1] - 1);
  }

  /** The id of the exact term, if indexed. */
  id(term: string): number | undefined {
    const { exact } = this.data;
    for (let i = hashOf(term) & this.mask; exact[i] !== 0; i = (i + 1) & this.mask) {
      if (this.term(exact[i] - 1) === term) return exact[i] - 1;
    }
    return undefined;
  }

  /** The exact terms that fold to `folded`; undefined if none. */
  group(folded: string): TermGroup | undefined {
    const { folded: slots, foldedHash, nextInGroup, groupDf } = this.data;
    const h = hashOf(folded);
    for (let i = h & this.mask; slots[i] !== 0; i = (i + 1) & this.mask) {
      const head = slots[i] - 1;
      if (foldedHash[i] !== h || foldTerm(this.term(head)) !== folded) continue;
      const ids: number[] = [];
      for (let t = head; t !== -1; t = nextInGroup[t]) ids.push(t);
      return { ids, df: groupDf[head] };
    }
    return undefined;
  }
}
