// Question terms against unit terms: how the composer compares what a resident asked with what a
// sentence holds, accent-aware (a word typed with its marks must match them).
import { lexicalTerms, questionTerms } from '../tokenize.js';

/** Tone-mark mismatch ("ban" typed as "bàn" for "bản"): probably another word, counts a little. */
const TONE_MISMATCH = 0.3;
/** Weight of an ambiguous function word typed without marks ("cho": "cho" or "chó"). */
const WORDING_WEIGHT = 0.5;

export interface QueryTerm {
  exact: string;
  folded: string;
  /** Typed without diacritics: only the folded form can be compared. */
  bare: boolean;
  weight: number;
}

export interface TermSets {
  exact: Set<string>;
  folded: Set<string>;
}

/** Term sets of the units and passages seen lately: the same passages answer many questions. */
const termCache = new Map<string, TermSets>();

const TERM_CACHE_SIZE = 20_000;

export function termsOf(text: string): TermSets {
  let sets = termCache.get(text);
  if (!sets) {
    const t = lexicalTerms(text);
    sets = { exact: new Set(t.exact), folded: new Set(t.folded) };
    if (termCache.size >= TERM_CACHE_SIZE) termCache.clear();
    termCache.set(text, sets);
  }
  return sets;
}

export function queryTerms(text: string, weight: number): QueryTerm[] {
  const { exact, folded, wording } = questionTerms(text);
  // Wording ("mấy giờ", a bare "cho") says how the resident asks more than what a sentence must hold.
  return exact
    .map((e, i) => ({
      exact: e,
      folded: folded[i],
      bare: e === folded[i],
      weight: wording.has(folded[i]) ? weight * WORDING_WEIGHT : weight,
    }))
    .filter((t) => !(wording.has(t.folded) && t.folded.includes(' ')));
}

export function match(term: QueryTerm, s: TermSets): number {
  if (term.bare) return s.folded.has(term.folded) ? 1 : 0;
  if (s.exact.has(term.exact)) return 1;
  return s.folded.has(term.folded) ? TONE_MISMATCH : 0;
}

/**
 * Distinct terms, the resident's own first: a carried term never outweighs a typed one. Words typed
 * with marks are told apart by them: "trọ" (lodging) and "trợ" (help) are two words of one question.
 */
export function distinct(terms: QueryTerm[]): QueryTerm[] {
  const kept: QueryTerm[] = [];
  // A word typed without marks may be any of them: it is the same word as any one of its spellings.
  const same = (a: QueryTerm, b: QueryTerm) => (a.bare || b.bare ? a.folded === b.folded : a.exact === b.exact);
  for (const t of terms) if (!kept.some((k) => same(k, t))) kept.push(t);
  return kept;
}

export const lowerFirst = (s: string) => (/^\p{Lu}\p{Ll}/u.test(s) ? s.charAt(0).toLocaleLowerCase('vi') + s.slice(1) : s);

export const upperFirst = (s: string) => s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);
