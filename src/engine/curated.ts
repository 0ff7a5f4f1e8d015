// Curated answers: replies written by the city's staff for given questions. This module decides,
// without any I/O, whether a resident's question is one of them. Questions are compared as sets
// of lexical terms (syllables and syllable bigrams, accent-folded, abbreviations expanded, the
// same terms retrieval uses), so "Cầu Đội Kỳ đã xong chưa?" and "cau doi ky da xong chua" are the
// same question, while "Sân vận động đã xong chưa?" shares only "đã xong chưa" and is not.
import { cleanQuestion } from './language/clean.js';
import { fold, normalizeVietnamese } from './normalize.js';
import stopwordData from './stopwords.json' with { type: 'json' };
import { foldedTerms } from './tokenize.js';
import type { Answer, Citation } from './types.js';

/**
 * Jaccard similarity a question needs with one of an entry's variants to be answered by it.
 * High on purpose: a curated answer to the wrong question is worse than retrieval's answer;
 * `npm run eval:curated` measures that unrelated questions are not captured at this value.
 */
export const CURATED_MIN_SIMILARITY = 0.6;

/** Questions at least this similar are one group in the staff's unanswered queue. */
export const SAME_QUESTION_SIMILARITY = 0.5;

export interface CuratedSourceRef {
  docId: string;
  title: string;
  number?: string;
  issued?: string;
  sourceUrl?: string;
}

export interface CuratedEntry {
  id: number;
  version: number;
  answer: string;
  /** The questions this answer is for, as staff wrote them (any spelling, with or without diacritics). */
  variants: string[];
  sources: CuratedSourceRef[];
}

export interface CuratedMatch {
  entry: CuratedEntry;
  /** The variant that matched and its similarity with the question. */
  variant: string;
  similarity: number;
}

// Retrieval leaves out stopwords by their accented form, so "đã" and "chưa" drop out of a question
// typed with diacritics but "da" and "chua" stay in one typed without. Compared folded, both drop.
const FOLDED_STOPWORDS: ReadonlySet<string> = new Set(stopwordData.stopwords.map(fold));

/** The comparable form of a question: its distinct accent-folded lexical terms, stopwords left out either way. */
export function questionTerms(text: string): Set<string> {
  const terms = new Set<string>();
  // Fillers and chat words go first, as they do for retrieval: "ad ơi cầu xong chưa ạ" is "cầu xong chưa".
  for (const term of foldedTerms(cleanQuestion(normalizeVietnamese(text)))) {
    const words = term.split(' ');
    if (words.every((w) => FOLDED_STOPWORDS.has(w))) continue;
    terms.add(term);
  }
  return terms;
}

export function termSimilarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Entries with their variants' terms computed once; built again only when the entries change. */
export class CuratedMatcher {
  private readonly prepared: { entry: CuratedEntry; variant: string; terms: Set<string> }[];

  constructor(
    entries: readonly CuratedEntry[],
    private readonly minSimilarity = CURATED_MIN_SIMILARITY,
  ) {
    this.prepared = entries.flatMap((entry) => entry.variants.map((variant) => ({ entry, variant, terms: questionTerms(variant) })));
  }

  get size(): number {
    return this.prepared.length;
  }

  /** The best variant at or above the threshold; ties go to the most recently written entry (higher id). */
  match(question: string): CuratedMatch | undefined {
    if (!this.prepared.length) return undefined;
    const terms = questionTerms(question);
    let best: CuratedMatch | undefined;
    for (const p of this.prepared) {
      const similarity = termSimilarity(terms, p.terms);
      if (similarity < this.minSimilarity) continue;
      if (!best || similarity > best.similarity || (similarity === best.similarity && p.entry.id > best.entry.id))
        best = { entry: p.entry, variant: p.variant, similarity };
    }
    return best;
  }
}

/**
 * The reply a resident gets from a curated answer: the staff's text under a line saying who wrote
 * it, citing the documents staff chose (whole documents: there is no passage to quote).
 */
export function curatedReply(match: CuratedMatch, question: string, mark: string, startedAt: number): Answer {
  const citations: Citation[] = match.entry.sources.map((s, i) => ({
    n: i + 1,
    chunkId: '',
    docId: s.docId,
    title: s.title,
    number: s.number,
    issued: s.issued,
    sourceUrl: s.sourceUrl,
    quote: '',
  }));
  const totalMs = performance.now() - startedAt;
  return {
    text: `${mark}\n${match.entry.answer}`,
    citations,
    status: 'answered',
    confidence: match.similarity,
    mode: 'offline',
    llmFallback: false,
    searchedQuestion: question,
    timings: { retrievalMs: 0, generationMs: 0, totalMs },
    curated: { id: match.entry.id, version: match.entry.version },
  };
}

/**
 * Groups questions that say the same thing (greedy: each question joins the first group whose
 * first question is similar enough), largest group first.
 */
export function groupSimilar<T extends { question: string }>(items: readonly T[], minSimilarity = SAME_QUESTION_SIMILARITY): T[][] {
  const groups: { terms: Set<string>; items: T[] }[] = [];
  for (const item of items) {
    const terms = questionTerms(item.question);
    const group = groups.find((g) => termSimilarity(g.terms, terms) >= minSimilarity);
    if (group) group.items.push(item);
    else groups.push({ terms, items: [item] });
  }
  return groups.map((g) => g.items).sort((a, b) => b.length - a.length);
}
